//! `attachments` keeps what became of the documents articles link to:
//!
//! ```text
//! <archive>/attachments/fetches.jsonl        one line per fetch that gave something new
//!                                            (append-only, fsynced; the last line of a URL wins)
//! <archive>/attachments/text/<sha256>.json   the text read from a document's bytes (derived:
//!                                            `vnnews reextract` reads it again from WARC)
//! ```
//!
//! The bytes themselves are in WARC like every response, once: a re-fetch of the same bytes
//! is a revisit record and adds no line here. An article's JSON keeps the links as the page
//! gave them ([`crate::extract::AttachmentLink`]); [`Attachments::of`] joins them with what
//! the fetches found, for `show`, the exports and the index.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{ArticleRecord, WarcRef};
use crate::decode::Repair;
use crate::error::{Error, IoContext, Result};
use crate::extract::attachment::{Format, TextOutcome};

pub const DIR: &str = "attachments";
const LOG: &str = "fetches.jsonl";

/// What a fetch of a document's URL found: one line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fetch {
    pub url: String,
    #[serde(flatten)]
    pub found: Found,
}

/// What one fetch of a document found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Found {
    pub fetched_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// From `Content-Disposition`, else the percent-decoded path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Sniffed from the bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// As served.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Bytes: of the body, or as `Content-Length` announced one too large to fetch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The response record holding the bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warc: Option<WarcRef>,
    pub extraction: Extraction,
}

/// What became of a document: its text read (or why not), or why it was not fetched whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Extraction {
    Read(TextOutcome),
    Fetch(NotFetched),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum NotFetched {
    /// Larger than `max_attachment_bytes`: the headers are recorded, the body is not.
    TooLarge { limit: u64 },
    /// The address answered with something else (an HTML page, an image).
    NotADocument,
    /// No answer, or an error status.
    Failed { reason: String },
}

impl Extraction {
    /// In a word or two, for people.
    pub fn describe(&self) -> String {
        match self {
            Extraction::Read(TextOutcome::Text {
                chars,
                pages,
                best_effort,
                cut,
            }) => {
                let mut s = format!("text, {chars} characters");
                if let Some(p) = pages {
                    s.push_str(&format!(", {p} pages"));
                }
                if *best_effort {
                    s.push_str(", best effort");
                }
                if *cut {
                    s.push_str(", cut");
                }
                s
            }
            Extraction::Read(TextOutcome::NoTextLayer { pages }) => format!("no text layer (scanned?), {pages} pages"),
            Extraction::Read(TextOutcome::NotExtracted) => "kept as a file (text not read)".into(),
            Extraction::Read(TextOutcome::Unreadable { reason }) => format!("unreadable: {reason}"),
            Extraction::Fetch(NotFetched::TooLarge { limit }) => {
                format!("not fetched: larger than max_attachment_bytes ({limit})")
            }
            Extraction::Fetch(NotFetched::NotADocument) => "not a document".into(),
            Extraction::Fetch(NotFetched::Failed { reason }) => format!("failed: {reason}"),
        }
    }
}

/// The text read from one document's bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TextFile {
    pub sha256: String,
    pub format: Format,
    #[serde(flatten)]
    pub outcome: TextOutcome,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<Repair>,
}

/// A fetch to make durable once its WARC records are: the line, and the text to keep.
#[derive(Debug)]
pub struct Pending {
    pub fetch: Fetch,
    pub text: Option<TextFile>,
}

/// One of an article's documents: the link as the page gave it, with what its last fetch
/// found (nothing before it is fetched) — one flat object in `show --json` and the exports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attached {
    pub url: String,
    /// The link's text on the page.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub link_text: String,
    #[serde(flatten)]
    pub found: Option<Found>,
}

impl Attached {
    /// The name to show: the file name, else the link's text, else the URL.
    pub fn name(&self) -> &str {
        self.found
            .as_ref()
            .and_then(|f| f.file_name.as_deref())
            .or((!self.link_text.is_empty()).then_some(self.link_text.as_str()))
            .unwrap_or(&self.url)
    }

    /// What became of it, in words.
    pub fn outcome(&self) -> String {
        self.found
            .as_ref()
            .map_or_else(|| "not fetched yet".to_owned(), |f| f.extraction.describe())
    }
}

/// The fetches of an archive's documents, the last of each URL.
#[derive(Debug, Default)]
pub struct Attachments {
    last: HashMap<String, Fetch>,
}

impl Attachments {
    /// Read the log of the archive at `root` (a torn last line is skipped with a warning).
    pub fn load(root: &Path) -> Attachments {
        let mut a = Attachments::default();
        let path = root.join(DIR).join(LOG);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return a;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str::<Fetch>(line) {
                Ok(f) => {
                    a.last.insert(f.url.clone(), f);
                }
                Err(e) => tracing::warn!("{}: skipping an unreadable line: {e}", path.display()),
            }
        }
        a
    }

    /// The last fetch of a URL.
    pub fn get(&self, url: &str) -> Option<&Fetch> {
        self.last.get(url)
    }

    pub fn len(&self) -> usize {
        self.last.len()
    }

    pub fn is_empty(&self) -> bool {
        self.last.is_empty()
    }

    /// Every URL's last fetch, in no order.
    pub fn all(&self) -> impl Iterator<Item = &Fetch> {
        self.last.values()
    }

    /// Remember a fetch that landed (see [`land`]).
    pub fn landed(&mut self, fetch: Fetch) {
        self.last.insert(fetch.url.clone(), fetch);
    }

    /// Whether this fetch says something the log does not: new bytes, or another outcome.
    pub fn is_news(&self, fetch: &Fetch) -> bool {
        self.last.get(&fetch.url).is_none_or(|last| {
            let (last, new) = (&last.found, &fetch.found);
            last.sha256 != new.sha256 || last.extraction != new.extraction || last.file_name != new.file_name
        })
    }

    /// An article's documents, each with its last fetch.
    pub fn of(&self, a: &ArticleRecord) -> Vec<Attached> {
        a.attachments
            .iter()
            .map(|l| Attached {
                url: l.url.clone(),
                link_text: l.text.clone(),
                found: self.last.get(&l.url).map(|f| f.found.clone()),
            })
            .collect()
    }
}

/// Where a document's text is kept.
pub fn text_path(root: &Path, sha256: &str) -> PathBuf {
    root.join(DIR).join("text").join(format!("{sha256}.json"))
}

/// The text read from the document with these bytes, if it was kept.
pub fn read_text(root: &Path, sha256: &str) -> Result<Option<TextFile>> {
    let path = text_path(root, sha256);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::Io { path, source: e }),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| Error::UnreadableAttachmentText {
            path,
            reason: e.to_string(),
        })
}

/// The texts of an article's documents that have one: `(name, text)`, in link order. A
/// text that cannot be read is left out with a warning (it is derived, and `reextract`
/// makes it again).
pub fn texts(root: &Path, attached: &[Attached]) -> Vec<(String, String)> {
    attached
        .iter()
        .filter_map(|a| {
            let sha = a.found.as_ref()?.sha256.as_deref()?;
            match read_text(root, sha) {
                Ok(Some(t)) if !t.text.is_empty() => Some((a.name().to_owned(), t.text)),
                Ok(_) => None,
                Err(e) => {
                    tracing::warn!("{}: {e}", a.url);
                    None
                }
            }
        })
        .collect()
}

/// Make a fetch durable (its WARC records are): the text file first (written atomically,
/// unless the same bytes' text is there), then the line.
pub fn land(root: &Path, pending: &Pending) -> Result<()> {
    if let Some(t) = &pending.text {
        write_text(root, t, false)?;
    }
    let dir = root.join(DIR);
    std::fs::create_dir_all(&dir).at(&dir)?;
    let mut line = serde_json::to_vec(&pending.fetch)?;
    line.push(b'\n');
    super::append_line(&dir.join(LOG), line)
}

/// Write a document's text file; `replace` when it is read again (`reextract`).
pub fn write_text(root: &Path, t: &TextFile, replace: bool) -> Result<()> {
    let path = text_path(root, &t.sha256);
    if !replace && path.exists() {
        return Ok(());
    }
    let dir = path.parent().expect("text dir");
    std::fs::create_dir_all(dir).at(dir)?;
    super::write_atomic(&path, &serde_json::to_vec_pretty(t)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetch(url: &str, sha: &str, extraction: Extraction) -> Fetch {
        Fetch {
            url: url.into(),
            found: Found {
                fetched_at: "2026-12-02T10:00:00Z".into(),
                status: Some(200),
                file_name: Some("Quyết định.pdf".into()),
                media_type: Some("application/pdf".into()),
                content_type: None,
                size: Some(10),
                sha256: Some(sha.into()),
                warc: None,
                extraction,
            },
        }
    }

    #[test]
    fn the_log_keeps_every_fetch_and_the_last_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        let text = Extraction::Read(TextOutcome::Text {
            chars: 5,
            pages: Some(1),
            best_effort: false,
            cut: false,
        });
        let first = Pending {
            fetch: fetch("http://a/qd.pdf", "aa", text.clone()),
            text: Some(TextFile {
                sha256: "aa".into(),
                format: Format::Pdf,
                outcome: TextOutcome::NotExtracted,
                text: "Điều 1".into(),
                repairs: Vec::new(),
            }),
        };
        land(dir.path(), &first).unwrap();
        let too_large = Extraction::Fetch(NotFetched::TooLarge { limit: 5 });
        land(
            dir.path(),
            &Pending {
                fetch: fetch("http://a/qd.pdf", "bb", too_large.clone()),
                text: None,
            },
        )
        .unwrap();
        // A torn line (a crash mid-append) is skipped, and the next line starts afresh.
        let log = dir.path().join(DIR).join(LOG);
        std::fs::write(
            &log,
            [std::fs::read(&log).unwrap(), b"{\"url\": \"http://a/x".to_vec()].concat(),
        )
        .unwrap();
        land(
            dir.path(),
            &Pending {
                fetch: fetch("http://a/bc.docx", "cc", text.clone()),
                text: None,
            },
        )
        .unwrap();
        let a = Attachments::load(dir.path());
        assert_eq!(a.len(), 2);
        assert_eq!(a.get("http://a/qd.pdf").unwrap().found.extraction, too_large);
        assert_eq!(a.get("http://a/bc.docx").unwrap().found.extraction, text);
        assert!(!a.is_news(&fetch("http://a/bc.docx", "cc", text.clone())));
        assert!(a.is_news(&fetch("http://a/bc.docx", "dd", text)));
        assert_eq!(read_text(dir.path(), "aa").unwrap().unwrap().text, "Điều 1");
        assert_eq!(read_text(dir.path(), "zz").unwrap(), None);
    }

    #[test]
    fn an_attached_document_is_one_flat_object() {
        let text = Extraction::Read(TextOutcome::NotExtracted);
        let fetched = Attached {
            url: "http://a/qd.pdf".into(),
            link_text: "Tải về".into(),
            found: Some(fetch("http://a/qd.pdf", "aa", text).found),
        };
        let v = serde_json::to_value(&fetched).unwrap();
        assert_eq!(v["file_name"], "Quyết định.pdf");
        assert_eq!(v["extraction"]["outcome"], "not-extracted");
        assert!(v.get("found").is_none());
        assert_eq!(serde_json::from_value::<Attached>(v).unwrap(), fetched);
        let waiting = Attached { found: None, ..fetched };
        assert_eq!(
            serde_json::to_string(&waiting).unwrap(),
            r#"{"url":"http://a/qd.pdf","link_text":"Tải về"}"#
        );
        assert_eq!(waiting.outcome(), "not fetched yet");
        assert_eq!(waiting.name(), "Tải về");
    }

    #[test]
    fn outcomes_serialize_as_one_tagged_object() {
        let check = |e: Extraction, json: &str| {
            assert_eq!(serde_json::to_string(&e).unwrap(), json);
            assert_eq!(serde_json::from_str::<Extraction>(json).unwrap(), e);
        };
        check(
            Extraction::Read(TextOutcome::Text {
                chars: 3,
                pages: None,
                best_effort: false,
                cut: false,
            }),
            r#"{"outcome":"text","chars":3}"#,
        );
        check(
            Extraction::Read(TextOutcome::NoTextLayer { pages: 2 }),
            r#"{"outcome":"no-text-layer","pages":2}"#,
        );
        check(
            Extraction::Fetch(NotFetched::TooLarge { limit: 9 }),
            r#"{"outcome":"too-large","limit":9}"#,
        );
        check(
            Extraction::Fetch(NotFetched::Failed {
                reason: "HTTP 404".into(),
            }),
            r#"{"outcome":"failed","reason":"HTTP 404"}"#,
        );
    }
}
