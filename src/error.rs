//! The library's one error type. Every fallible library function returns [`Result`];
//! only the binary edge (`cli`) converts into `anyhow` for display. Each variant says what
//! failed, and on which file, address or input.

use std::path::PathBuf;

/// Everything that can go wrong inside vnnews.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("I/O error on {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("site profile {origin}: {reason}")]
    Profile { origin: String, reason: String },
    #[error("cannot write {what}: {source}")]
    Output {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot parse TOML in {path}: {source}")]
    Toml {
        path: PathBuf,
        #[source]
        source: toml::de::Error,
    },
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("invalid URL {url:?}: {source}")]
    Url {
        url: String,
        #[source]
        source: url::ParseError,
    },
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error(transparent)]
    Index(#[from] tantivy::TantivyError),
    #[error("{prefix:?} begins the ids of {} articles ({}): give more of it", candidates.len(), candidates.join(", "))]
    AmbiguousId { prefix: String, candidates: Vec<String> },
    #[error("search query refused: {0}")]
    QueryShape(String),
    /// One article file cannot be read or parsed: the commands that read every article skip
    /// it with a warning and count it (exit 6); `vnnews verify` lists them.
    #[error("unreadable article file {path}: {reason}")]
    UnreadableArticle { path: PathBuf, reason: String },
    /// A document's text file (`attachments/text/…`, derived) cannot be parsed.
    #[error("unreadable attachment text {path}: {reason}")]
    UnreadableAttachmentText { path: PathBuf, reason: String },
    #[error("the archive at {path} is corrupt: {reason}")]
    CorruptArchive { path: PathBuf, reason: String },
    #[error("crawl state {path}: {reason}")]
    State { path: PathBuf, reason: String },
    #[error("{task} task failed: {reason}")]
    Task { task: &'static str, reason: String },
    #[error("cannot fetch {url}: {reason}")]
    Fetch { url: String, reason: String },
    /// A page robots.txt keeps vnnews from (`vnnews check` fetches only what a crawl may).
    #[error("{url}: robots.txt ({robots}) disallows it for this user agent; not fetched")]
    RobotsDisallowed { url: String, robots: String },
    #[error("language model: {0}")]
    Model(String),
    #[error(
        "another vnnews run is using the archive at {path} (lock file {path}/.lock); try again when it has finished"
    )]
    Locked { path: PathBuf },
}

/// Attach a path to an I/O error.
pub(crate) trait IoContext<T> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T>;
}

impl<T> IoContext<T> for std::result::Result<T, std::io::Error> {
    fn at(self, path: impl Into<PathBuf>) -> Result<T> {
        self.map_err(|source| Error::Io {
            path: path.into(),
            source,
        })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A panic's message, when it gave one (what a caught panic becomes in a page's error).
pub fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}
