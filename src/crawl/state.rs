//! The crawl state store: one SQLite database per archive (`<archive>/crawl-state.sqlite`)
//! holding the frontier, every URL seen with its status, validators (ETag, Last-Modified)
//! and content hash, each host's robots.txt with its age, and one row per run.
//!
//! The store is what makes a crawl resumable and incremental:
//! * a run that did not finish — killed (even by SIGKILL), interrupted, or stopped at
//!   `--max-pages` / `--max-duration` — is *resumed* by the next one: its queue is the rows
//!   still `queued` (or `inflight` when it died) in that run;
//! * a new run starts from the start URLs again, but a URL that last gave an article is
//!   fetched with `If-None-Match` / `If-Modified-Since`, and a 304 or an unchanged body is
//!   recorded without touching the archive.
//!
//! The frontier lives here, not in memory: a URL is "seen in this run" when its row carries
//! the run's number, so memory stays flat however many URLs a site has. The links a page
//! yields and its outcome are committed in one transaction once the page is handled (WAL
//! mode: no fsync per commit), so a kill loses only requests in flight, which the next run
//! repeats — the archive, written first, is the source of truth, and re-archiving an
//! unchanged page is a no-op.
//!
//! Researchers can query the store directly (`sqlite3 archive/crawl-state.sqlite`); the
//! schema is below.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::extract::PageType;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    -- completed | interrupted | timed-out | page-limit; NULL while running (or killed)
    outcome     TEXT,
    summary     TEXT
);
CREATE TABLE IF NOT EXISTS urls (
    url            TEXT PRIMARY KEY,   -- normalised URL
    site           TEXT NOT NULL,
    depth          INTEGER NOT NULL,
    -- queued | inflight | done | not-modified | unchanged | failed | robots | redirect | skipped
    state          TEXT NOT NULL,
    run            INTEGER NOT NULL,   -- the run that last queued it
    seq            INTEGER NOT NULL,   -- queue order within the run
    priority       INTEGER NOT NULL,   -- 0: next in line (redirect targets), 1: normal
    path_key       TEXT,               -- origin + path, for URLs with a query
    first_seen     TEXT NOT NULL,
    fetched_at     TEXT,
    status         INTEGER,
    etag           TEXT,
    last_modified  TEXT,
    content_sha256 TEXT,
    page_type      TEXT,               -- article | listing | other (of the last 2xx page)
    article_id     TEXT,
    error          TEXT,
    panics         INTEGER NOT NULL DEFAULT 0, -- fetches in a row whose handling panicked
    record_id      TEXT,   -- the URL's last WARC response record: its id,
    record_date    TEXT,   -- WARC-Date,
    record_sha256  TEXT,   -- and payload (what a revisit of the same payload refers to)
    document       INTEGER NOT NULL DEFAULT 0 -- 1: its last 2xx answer was a document (PDF, DOCX, …)
);
CREATE INDEX IF NOT EXISTS urls_queue ON urls (run, state, priority, seq);
CREATE INDEX IF NOT EXISTS urls_path ON urls (run, path_key) WHERE path_key IS NOT NULL;
-- The documents each archived article links to: whose index entry a document's new text
-- changes.
CREATE TABLE IF NOT EXISTS attachment_links (
    url        TEXT NOT NULL,   -- the document's normalised URL
    article_id TEXT NOT NULL,
    PRIMARY KEY (url, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS robots (
    host       TEXT PRIMARY KEY,       -- host[:port]
    run        INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       BLOB NOT NULL
);
";

/// Declares a closed vocabulary stored as text: each variant with the word the schema uses.
macro_rules! stored_words {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $word:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vm])* $variant,)+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)+
                }
            }

            fn from_word(s: &str) -> Option<$name> {
                match s {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                let s = v.as_str()?;
                $name::from_word(s).ok_or_else(|| FromSqlError::Other(format!("unknown {} {s:?}", stringify!($name)).into()))
            }
        }
    };
}

stored_words! {
    /// Where a URL stands (the `urls.state` column).
    UrlState {
        Queued = "queued",
        Inflight = "inflight",
        /// Fetched and handled (an article archived, a listing or other page read).
        Done = "done",
        /// A conditional request answered 304.
        NotModified = "not-modified",
        /// The same article as archived: nothing written.
        Unchanged = "unchanged",
        Failed = "failed",
        /// Disallowed by robots.txt.
        Robots = "robots",
        Redirect = "redirect",
        /// Dropped without fetching (over a budget, or its site is not crawled in this run).
        Skipped = "skipped",
    }
}

stored_words! {
    /// How a run ended (the `runs.outcome` column).
    RunOutcome {
        Completed = "completed",
        Interrupted = "interrupted",
        TimedOut = "timed-out",
        PageLimit = "page-limit",
    }
}

impl RunOutcome {
    /// Whether the run's queue is done (else the next run resumes it).
    pub fn is_finished(self) -> bool {
        self == RunOutcome::Completed
    }
}

/// Page types are stored by their serde names (`article`, `listing`, `other`).
fn page_type_word(t: PageType) -> &'static str {
    match t {
        PageType::Article => "article",
        PageType::Listing => "listing",
        PageType::Other => "other",
    }
}

impl ToSql for PageType {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(page_type_word(*self)))
    }
}

impl FromSql for PageType {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        match v.as_str()? {
            "article" => Ok(PageType::Article),
            "listing" => Ok(PageType::Listing),
            "other" => Ok(PageType::Other),
            s => Err(FromSqlError::Other(format!("unknown page type {s:?}").into())),
        }
    }
}

/// A URL taken off the queue, with what the last fetch of it left behind.
#[derive(Debug, Clone)]
pub struct Queued {
    pub url: String,
    pub site: String,
    pub depth: u32,
    pub previous: Previous,
}

/// What an earlier run learnt about a URL.
#[derive(Debug, Clone, Default)]
pub struct Previous {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_sha256: Option<String>,
    pub page_type: Option<PageType>,
    /// Fetches in a row whose handling panicked (on the content `content_sha256`).
    pub panics: u32,
    /// The article the URL last gave, the last fetch's time and status: what a crawl needs
    /// to see an article disappear.
    pub article_id: Option<String>,
    pub fetched_at: Option<String>,
    pub status: Option<u16>,
    /// The URL's last WARC response record.
    pub record: Option<LastRecord>,
    /// Its last 2xx answer was a document.
    pub document: bool,
}

/// A URL's last WARC response record: what a revisit refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct LastRecord {
    pub id: String,
    /// Its `WARC-Date`.
    pub date: String,
    /// SHA-256 (hex) of its payload.
    pub sha256: String,
}

/// After this many panics on the same content, a URL is fetched but no longer handled until
/// its content changes: a page that crashes the extractor does not do so on every run.
pub const MAX_PANICS: u32 = 3;

impl Previous {
    /// Whether handling this content has panicked too often to try again.
    pub fn gives_up_on(&self, body_sha256: &str) -> bool {
        self.panics >= MAX_PANICS && self.content_sha256.as_deref() == Some(body_sha256)
    }

    /// Re-fetch conditionally only pages that were articles, and documents: listings and
    /// start pages are where new links appear, so they are always fetched (and parsed) in
    /// full.
    pub fn conditional(&self) -> bool {
        self.page_type == Some(PageType::Article) || self.document
    }
}

/// The outcome of one fetch, for the URL's row.
#[derive(Debug)]
pub struct Outcome {
    pub state: UrlState,
    pub status: Option<u16>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_sha256: Option<String>,
    pub page_type: Option<PageType>,
    pub article_id: Option<String>,
    pub error: Option<String>,
    /// Handling the fetch panicked (counted: see [`MAX_PANICS`]).
    pub panicked: bool,
    /// A response record was written for this fetch (not a revisit): it becomes the URL's
    /// last record.
    pub record: Option<LastRecord>,
    /// The answer was a document.
    pub document: bool,
    /// The documents the archived article links to (normalised URLs).
    pub attachments: Vec<String>,
}

impl Outcome {
    /// An outcome with nothing but its state.
    pub fn of(state: UrlState) -> Outcome {
        Outcome {
            state,
            status: None,
            etag: None,
            last_modified: None,
            content_sha256: None,
            page_type: None,
            article_id: None,
            error: None,
            panicked: false,
            record: None,
            document: false,
            attachments: Vec::new(),
        }
    }
}

/// A cached robots.txt.
pub struct CachedRobots {
    pub run: i64,
    pub fetched_at: String,
    pub status: u16,
    pub body: Vec<u8>,
}

/// The open state store, with the current run.
pub struct State {
    conn: Connection,
    path: PathBuf,
    run: i64,
    resumed: bool,
    seq: i64,
}

fn db(path: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |e| Error::State {
        path: path.to_owned(),
        reason: e.to_string(),
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl State {
    /// Open (or create) the store and start a run: the unfinished previous run if there is
    /// one (resumed), else a new one.
    pub fn open(path: &Path) -> Result<State> {
        let conn = Connection::open(path).map_err(db(path))?;
        let e = db(path);
        // WAL: readers (a researcher's sqlite3) never block the crawl; NORMAL sync is
        // durable across a process kill, which is the failure this store is for.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(&e)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(&e)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(&e)?;
        conn.execute_batch(SCHEMA).map_err(&e)?;
        // Stores made by earlier versions get the columns added since.
        for (column, ty) in [
            ("panics", "INTEGER NOT NULL DEFAULT 0"),
            ("record_id", "TEXT"),
            ("record_date", "TEXT"),
            ("record_sha256", "TEXT"),
            ("document", "INTEGER NOT NULL DEFAULT 0"),
        ] {
            let has: i64 = conn
                .query_row(
                    "SELECT COUNT(*) FROM pragma_table_info('urls') WHERE name = ?1",
                    [column],
                    |r| r.get(0),
                )
                .map_err(&e)?;
            if has == 0 {
                conn.execute_batch(&format!("ALTER TABLE urls ADD COLUMN {column} {ty}"))
                    .map_err(&e)?;
            }
        }
        let unfinished: Option<i64> = conn
            .query_row(
                "SELECT id FROM runs WHERE finished_at IS NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(&e)?;
        let (run, resumed) = match unfinished {
            Some(id) => {
                // Requests in flight when the run died are queued again.
                conn.execute(
                    "UPDATE urls SET state = ?2 WHERE run = ?1 AND state = ?3",
                    params![id, UrlState::Queued, UrlState::Inflight],
                )
                .map_err(&e)?;
                (id, true)
            }
            None => {
                conn.execute("INSERT INTO runs (started_at) VALUES (?1)", [now()])
                    .map_err(&e)?;
                (conn.last_insert_rowid(), false)
            }
        };
        let seq: i64 = conn
            .query_row("SELECT COALESCE(MAX(seq), 0) FROM urls WHERE run = ?1", [run], |r| {
                r.get(0)
            })
            .map_err(&e)?;
        Ok(State {
            conn,
            path: path.to_owned(),
            run,
            resumed,
            seq,
        })
    }

    pub fn run(&self) -> i64 {
        self.run
    }

    /// Whether this run continues one that did not finish.
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        db(&self.path)
    }

    /// Make changes in one transaction: all of them are committed when `f` succeeds, none
    /// when it fails (or the process dies first).
    pub fn write<R>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<R>) -> Result<R> {
        let e = db(&self.path);
        let mut tx = Tx {
            tx: self.conn.transaction().map_err(&e)?,
            path: &self.path,
            run: self.run,
            seq: &mut self.seq,
        };
        let r = f(&mut tx)?;
        tx.tx.commit().map_err(&e)?;
        Ok(r)
    }

    /// URLs this run has taken off the queue, per site (the page budgets on resume).
    pub fn scheduled_per_site(&self) -> Result<Vec<(String, usize)>> {
        self.count_per_site("state NOT IN ('queued', 'skipped')")
    }

    /// URLs queued in this run and not yet taken, per site.
    pub fn queued_per_site(&self) -> Result<Vec<(String, usize)>> {
        self.count_per_site("state = 'queued'")
    }

    /// URLs of this run in the states `condition` selects, per site.
    fn count_per_site(&self, condition: &str) -> Result<Vec<(String, usize)>> {
        let sql = format!("SELECT site, COUNT(*) FROM urls WHERE run = ?1 AND {condition} GROUP BY site");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(self.err())?;
        let rows = stmt
            .query_map([self.run], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize))
            })
            .map_err(self.err())?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(self.err())?;
        Ok(rows)
    }

    /// The archived articles that link to a document.
    pub fn articles_linking(&self, url: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT article_id FROM attachment_links WHERE url = ?1 ORDER BY article_id")
            .map_err(self.err())?;
        let ids = stmt
            .query_map([url], |r| r.get(0))
            .map_err(self.err())?
            .collect::<std::result::Result<Vec<String>, _>>()
            .map_err(self.err())?;
        Ok(ids)
    }

    /// The robots.txt cached for a host.
    pub fn robots(&self, host: &str) -> Result<Option<CachedRobots>> {
        self.conn
            .prepare_cached("SELECT run, fetched_at, status, body FROM robots WHERE host = ?1")
            .map_err(self.err())?
            .query_row([host], |r| {
                Ok(CachedRobots {
                    run: r.get(0)?,
                    fetched_at: r.get(1)?,
                    status: r.get(2)?,
                    body: r.get(3)?,
                })
            })
            .optional()
            .map_err(self.err())
    }

    /// Stop the run before its queue is empty (a signal or a limit): the next run resumes
    /// it. A completed run is closed: the next run starts from the start URLs again.
    pub fn end_run(&mut self, outcome: RunOutcome, summary: &str) -> Result<()> {
        let finished = outcome.is_finished().then(now);
        self.conn
            .execute(
                "UPDATE runs SET finished_at = ?2, outcome = ?3, summary = ?4 WHERE id = ?1",
                params![self.run, finished, outcome, summary],
            )
            .map_err(self.err())?;
        Ok(())
    }
}

/// A run as the store remembers it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RunRecord {
    pub id: i64,
    pub started_at: String,
    /// `None` while it runs, or when it was killed or stopped at a limit (the next run
    /// resumes it).
    pub finished_at: Option<String>,
    /// completed | interrupted | timed-out | page-limit; `None` while running or killed.
    pub outcome: Option<String>,
    /// The run's summary line.
    pub summary: Option<String>,
}

/// The last failure of a site's URL.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LastError {
    pub at: String,
    pub url: String,
    pub status: Option<u16>,
    pub error: String,
}

/// How one site's URLs stand.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SiteHealth {
    pub site: String,
    /// The last fetch that gave a page (2xx or 304, any page type), RFC 3339.
    pub last_success: Option<String>,
    /// The most recent fetch that failed, if the URL has not succeeded since.
    pub last_error: Option<LastError>,
    /// URLs whose last fetch failed.
    pub failing: usize,
    /// URLs known.
    pub urls: usize,
}

/// The store opened for reading only (monitoring, exports): it never creates, migrates or
/// writes anything, and reads a copy on read-only media.
pub struct Reader {
    conn: Connection,
    path: PathBuf,
}

/// The states of a fetch that gave a page.
const SUCCEEDED: &str =
    "state IN ('done', 'not-modified', 'unchanged', 'redirect') AND (status IS NULL OR status < 400)";

impl Reader {
    /// Open the store at `path`; `None` when there is none (no crawl has run).
    pub fn open(path: &Path) -> Result<Option<Reader>> {
        use rusqlite::OpenFlags;
        if !path.exists() {
            return Ok(None);
        }
        let e = db(path);
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = match Connection::open_with_flags(path, flags) {
            Ok(c)
                if c.query_row("SELECT COUNT(*) FROM runs", [], |r| r.get::<_, i64>(0))
                    .is_ok() =>
            {
                c
            }
            // A WAL database on read-only media cannot make its shared-memory file: read it
            // as immutable.
            _ => {
                let uri = format!("file:{}?immutable=1", path.display());
                Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI).map_err(&e)?
            }
        };
        conn.busy_timeout(Duration::from_secs(5)).map_err(&e)?;
        Ok(Some(Reader {
            conn,
            path: path.to_owned(),
        }))
    }

    /// The last `n` runs, newest first.
    pub fn runs(&self, n: usize) -> Result<Vec<RunRecord>> {
        let e = db(&self.path);
        let mut st = self
            .conn
            .prepare("SELECT id, started_at, finished_at, outcome, summary FROM runs ORDER BY id DESC LIMIT ?1")
            .map_err(&e)?;
        let rows = st
            .query_map([n as i64], |r| {
                Ok(RunRecord {
                    id: r.get(0)?,
                    started_at: r.get(1)?,
                    finished_at: r.get(2)?,
                    outcome: r.get(3)?,
                    summary: r.get(4)?,
                })
            })
            .map_err(&e)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(&e)
    }

    /// Every site's health, by site name.
    pub fn sites(&self) -> Result<Vec<SiteHealth>> {
        let e = db(&self.path);
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT site, COUNT(*),
                    MAX(CASE WHEN {SUCCEEDED} THEN fetched_at END),
                    SUM(CASE WHEN state = 'failed' THEN 1 ELSE 0 END)
                 FROM urls GROUP BY site ORDER BY site"
            ))
            .map_err(&e)?;
        let mut sites = st
            .query_map([], |r| {
                Ok(SiteHealth {
                    site: r.get(0)?,
                    urls: r.get::<_, i64>(1)? as usize,
                    last_success: r.get(2)?,
                    failing: r.get::<_, i64>(3)? as usize,
                    last_error: None,
                })
            })
            .map_err(&e)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(&e)?;
        let mut last = self
            .conn
            .prepare(
                "SELECT fetched_at, url, status, COALESCE(error, 'HTTP ' || status) FROM urls
                 WHERE site = ?1 AND state = 'failed' AND fetched_at IS NOT NULL
                 ORDER BY fetched_at DESC LIMIT 1",
            )
            .map_err(&e)?;
        for s in &mut sites {
            s.last_error = last
                .query_row([&s.site], |r| {
                    Ok(LastError {
                        at: r.get(0)?,
                        url: r.get(1)?,
                        status: r.get(2)?,
                        error: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    })
                })
                .optional()
                .map_err(&e)?;
        }
        Ok(sites)
    }

    /// When each article was last fetched (changed or not), by article id: the latest fetch
    /// of any URL that gave it.
    pub fn last_fetched_articles(&self) -> Result<std::collections::HashMap<String, String>> {
        let e = db(&self.path);
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT article_id, MAX(fetched_at) FROM urls
                 WHERE article_id IS NOT NULL AND fetched_at IS NOT NULL AND {SUCCEEDED}
                 GROUP BY article_id"
            ))
            .map_err(&e)?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(&e)?;
        rows.collect::<rusqlite::Result<_>>().map_err(&e)
    }
}

/// Changes to the store inside one transaction ([`State::write`]).
pub struct Tx<'s> {
    tx: Transaction<'s>,
    path: &'s Path,
    run: i64,
    seq: &'s mut i64,
}

impl Tx<'_> {
    fn err(&self) -> impl Fn(rusqlite::Error) -> Error + '_ {
        db(self.path)
    }

    /// Queue a URL for this run unless it was seen in this run already, or its path has had
    /// `max_variants` query variants queued. Returns whether it was queued.
    pub fn admit(
        &mut self,
        url: &str,
        site: &str,
        depth: u32,
        path_key: Option<&str>,
        max_variants: usize,
        front: bool,
    ) -> Result<bool> {
        let e = db(self.path);
        let run: Option<i64> = self
            .tx
            .prepare_cached("SELECT run FROM urls WHERE url = ?1")
            .map_err(&e)?
            .query_row([url], |r| r.get(0))
            .optional()
            .map_err(&e)?;
        if run == Some(self.run) {
            return Ok(false);
        }
        if let Some(key) = path_key {
            let n: i64 = self
                .tx
                .prepare_cached("SELECT COUNT(*) FROM urls WHERE run = ?1 AND path_key = ?2")
                .map_err(&e)?
                .query_row(params![self.run, key], |r| r.get(0))
                .map_err(&e)?;
            if n as usize >= max_variants {
                tracing::debug!("{url}: too many query variants of this path; skipped");
                return Ok(false);
            }
        }
        *self.seq += 1;
        self.tx
            .prepare_cached(
                "INSERT INTO urls (url, site, depth, state, run, seq, priority, path_key, first_seen)
                 VALUES (?1, ?2, ?3, ?9, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (url) DO UPDATE SET site = excluded.site, depth = excluded.depth,
                    state = excluded.state, run = excluded.run, seq = excluded.seq,
                    priority = excluded.priority, path_key = excluded.path_key",
            )
            .map_err(&e)?
            .execute(params![
                url,
                site,
                depth,
                self.run,
                *self.seq,
                if front { 0 } else { 1 },
                path_key,
                now(),
                UrlState::Queued
            ])
            .map_err(&e)?;
        Ok(true)
    }

    /// Take up to `n` URLs off this run's queue (they become `inflight`).
    pub fn pop(&mut self, n: usize) -> Result<Vec<Queued>> {
        let e = db(self.path);
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT url, site, depth, etag, last_modified, content_sha256, page_type, panics,
                    record_id, record_date, record_sha256, article_id, fetched_at, status, document FROM urls
                 WHERE run = ?1 AND state = ?3 ORDER BY priority, seq LIMIT ?2",
            )
            .map_err(&e)?;
        let rows = stmt
            .query_map(params![self.run, n as i64, UrlState::Queued], |r| {
                Ok(Queued {
                    url: r.get(0)?,
                    site: r.get(1)?,
                    depth: r.get(2)?,
                    previous: Previous {
                        etag: r.get(3)?,
                        last_modified: r.get(4)?,
                        content_sha256: r.get(5)?,
                        page_type: r.get(6)?,
                        panics: r.get(7)?,
                        article_id: r.get(11)?,
                        fetched_at: r.get(12)?,
                        status: r.get(13)?,
                        record: match (r.get(8)?, r.get(9)?, r.get(10)?) {
                            (Some(id), Some(date), Some(sha256)) => Some(LastRecord { id, date, sha256 }),
                            _ => None,
                        },
                        document: r.get(14)?,
                    },
                })
            })
            .map_err(&e)?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(&e)?;
        drop(stmt);
        for q in &rows {
            self.set_state(&q.url, UrlState::Inflight)?;
        }
        Ok(rows)
    }

    /// URLs of a site that last gave an article, not seen in this run, last fetched before
    /// `cutoff` (RFC 3339, UTC; at it, too): with the depth each was found at.
    pub fn stale_articles(&mut self, site: &str, cutoff: &str) -> Result<Vec<(String, u32)>> {
        let e = db(self.path);
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT url, depth FROM urls WHERE site = ?1 AND (page_type = 'article' OR document = 1) AND run != ?2
                    AND (fetched_at IS NULL OR fetched_at <= ?3)",
            )
            .map_err(&e)?;
        let rows = stmt
            .query_map(params![site, self.run, cutoff], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(&e)?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(&e)?;
        Ok(rows)
    }

    /// Forget what earlier fetches of a URL left (validators, body hash, page type, last
    /// record), so its
    /// next fetch is unconditional and handled in full. Returns the depth it was found at,
    /// if it is known.
    pub fn forget_fetch(&mut self, url: &str) -> Result<Option<u32>> {
        self.tx
            .prepare_cached(
                "UPDATE urls SET etag = NULL, last_modified = NULL, content_sha256 = NULL, page_type = NULL,
                    record_id = NULL, record_date = NULL, record_sha256 = NULL
                 WHERE url = ?1 RETURNING depth",
            )
            .map_err(self.err())?
            .query_row([url], |r| r.get(0))
            .optional()
            .map_err(self.err())
    }

    /// Put a URL taken off the queue back on it (not fetched in this run after all).
    pub fn requeue(&mut self, url: &str) -> Result<()> {
        self.set_state(url, UrlState::Queued)
    }

    fn set_state(&mut self, url: &str, state: UrlState) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE urls SET state = ?2 WHERE url = ?1")
            .map_err(self.err())?
            .execute(params![url, state])
            .map_err(self.err())?;
        Ok(())
    }

    /// Drop a queued URL from this run without fetching it (over a page budget).
    pub fn skip(&mut self, url: &str) -> Result<()> {
        self.record(url, &Outcome::of(UrlState::Skipped))
    }

    /// Record what fetching a URL gave. Validators and page type are kept from earlier
    /// fetches when this one has none (a 304 carries no body to classify).
    pub fn record(&mut self, url: &str, o: &Outcome) -> Result<()> {
        let fetched = (o.state != UrlState::Skipped).then(now);
        self.tx
            .prepare_cached(
                "UPDATE urls SET state = ?2, fetched_at = COALESCE(?3, fetched_at),
                    status = COALESCE(?4, status), etag = COALESCE(?5, etag),
                    last_modified = COALESCE(?6, last_modified),
                    content_sha256 = COALESCE(?7, content_sha256),
                    page_type = COALESCE(?8, page_type), article_id = COALESCE(?9, article_id),
                    error = ?10,
                    panics = CASE WHEN ?11 THEN panics + 1 WHEN ?2 = 'skipped' THEN panics ELSE 0 END,
                    record_id = COALESCE(?12, record_id), record_date = COALESCE(?13, record_date),
                    record_sha256 = COALESCE(?14, record_sha256),
                    document = CASE WHEN ?15 THEN 1 ELSE document END
                 WHERE url = ?1",
            )
            .map_err(self.err())?
            .execute(params![
                url,
                o.state,
                fetched,
                o.status,
                o.etag,
                o.last_modified,
                o.content_sha256,
                o.page_type,
                o.article_id,
                o.error,
                o.panicked,
                o.record.as_ref().map(|r| &r.id),
                o.record.as_ref().map(|r| &r.date),
                o.record.as_ref().map(|r| &r.sha256),
                o.document
            ])
            .map_err(self.err())?;
        if let Some(id) = o.article_id.as_deref().filter(|_| !o.attachments.is_empty()) {
            let mut link = self
                .tx
                .prepare_cached("INSERT OR IGNORE INTO attachment_links (url, article_id) VALUES (?1, ?2)")
                .map_err(self.err())?;
            for url in &o.attachments {
                link.execute(params![url, id]).map_err(self.err())?;
            }
        }
        Ok(())
    }

    pub fn put_robots(&mut self, host: &str, status: u16, body: &[u8]) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO robots (host, run, fetched_at, status, body) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (host) DO UPDATE SET run = excluded.run, fetched_at = excluded.fetched_at,
                    status = excluded.status, body = excluded.body",
            )
            .map_err(self.err())?
            .execute(params![host, self.run, now(), status, body])
            .map_err(self.err())?;
        Ok(())
    }

    /// Put every abandoned in-flight URL back on the queue.
    pub fn requeue_inflight(&mut self) -> Result<()> {
        self.tx
            .execute(
                "UPDATE urls SET state = ?2 WHERE run = ?1 AND state = ?3",
                params![self.run, UrlState::Queued, UrlState::Inflight],
            )
            .map_err(self.err())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &Path) -> State {
        State::open(&dir.join("state.sqlite")).unwrap()
    }

    fn admit(s: &mut State, url: &str, depth: u32, path_key: Option<&str>, max: usize, front: bool) -> Result<bool> {
        s.write(|t| t.admit(url, "a", depth, path_key, max, front))
    }

    fn pop(s: &mut State, n: usize) -> Result<Vec<Queued>> {
        s.write(|t| t.pop(n))
    }

    #[test]
    fn a_url_is_queued_once_per_run_and_again_in_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = open(dir.path());
        assert!(admit(&mut s, "http://a/1", 0, None, 10, false).unwrap());
        assert!(!admit(&mut s, "http://a/1", 1, None, 10, false).unwrap());
        let q = pop(&mut s, 10).unwrap();
        assert_eq!(q.len(), 1);
        s.write(|t| {
            t.record(
                "http://a/1",
                &Outcome {
                    status: Some(200),
                    etag: Some("\"v1\"".into()),
                    page_type: Some(PageType::Article),
                    ..Outcome::of(UrlState::Done)
                },
            )
        })
        .unwrap();
        assert!(!admit(&mut s, "http://a/1", 0, None, 10, false).unwrap());
        s.end_run(RunOutcome::Completed, "{}").unwrap();
        drop(s);

        let mut s = open(dir.path());
        assert!(!s.resumed());
        assert!(admit(&mut s, "http://a/1", 0, None, 10, false).unwrap());
        let q = pop(&mut s, 10).unwrap();
        assert_eq!(q[0].previous.etag.as_deref(), Some("\"v1\""));
        assert!(q[0].previous.conditional());
    }

    #[test]
    fn a_killed_run_is_resumed_with_its_queue_and_in_flight_urls() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = open(dir.path());
        let run = s.run();
        for i in 0..5 {
            admit(&mut s, &format!("http://a/{i}"), 0, None, 10, false).unwrap();
        }
        let taken = pop(&mut s, 2).unwrap();
        s.write(|t| t.record(&taken[0].url, &Outcome::of(UrlState::Done)))
            .unwrap();
        drop(s); // killed: never finished

        let mut s = open(dir.path());
        assert!(s.resumed());
        assert_eq!(s.run(), run);
        let rest: Vec<String> = pop(&mut s, 10).unwrap().into_iter().map(|q| q.url).collect();
        assert_eq!(rest, ["http://a/1", "http://a/2", "http://a/3", "http://a/4"]);
        assert!(!admit(&mut s, "http://a/0", 0, None, 10, false).unwrap());
    }

    #[test]
    fn query_variants_of_a_path_are_bounded_per_run() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = open(dir.path());
        let admitted = (0..10)
            .filter(|i| {
                admit(
                    &mut s,
                    &format!("http://a/cal?d={i}"),
                    0,
                    Some("http://a/cal"),
                    3,
                    false,
                )
                .unwrap()
            })
            .count();
        assert_eq!(admitted, 3);
    }

    #[test]
    fn redirect_targets_go_to_the_front_of_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = open(dir.path());
        admit(&mut s, "http://a/1", 0, None, 10, false).unwrap();
        admit(&mut s, "http://a/2", 0, None, 10, true).unwrap();
        assert_eq!(pop(&mut s, 1).unwrap()[0].url, "http://a/2");
    }

    #[test]
    fn a_url_whose_handling_panics_is_given_up_on_until_its_content_changes() {
        // A page that panicked the run was retried at every run forever.
        let dir = tempfile::tempdir().unwrap();
        for n in 1..=MAX_PANICS {
            let mut s = open(dir.path());
            assert!(admit(&mut s, "http://a/1", 0, None, 10, false).unwrap());
            let q = pop(&mut s, 1).unwrap();
            assert_eq!(q[0].previous.panics, n - 1);
            assert!(!q[0].previous.gives_up_on("sha-1"));
            s.write(|t| {
                t.record(
                    "http://a/1",
                    &Outcome {
                        content_sha256: Some("sha-1".into()),
                        panicked: true,
                        ..Outcome::of(UrlState::Failed)
                    },
                )
            })
            .unwrap();
            s.end_run(RunOutcome::Completed, "{}").unwrap();
        }
        let mut s = open(dir.path());
        admit(&mut s, "http://a/1", 0, None, 10, false).unwrap();
        let q = pop(&mut s, 1).unwrap();
        assert!(
            q[0].previous.gives_up_on("sha-1"),
            "the same content is not handled again"
        );
        assert!(!q[0].previous.gives_up_on("sha-2"), "changed content is");
        // A fetch that is handled resets the count.
        s.write(|t| t.record("http://a/1", &Outcome::of(UrlState::Done)))
            .unwrap();
        s.end_run(RunOutcome::Completed, "{}").unwrap();
        let mut s = open(dir.path());
        admit(&mut s, "http://a/1", 0, None, 10, false).unwrap();
        assert_eq!(pop(&mut s, 1).unwrap()[0].previous.panics, 0);
    }

    #[test]
    fn a_store_made_before_the_panics_and_document_columns_gets_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite");
        let old = SCHEMA.replace(
            ",\n    panics         INTEGER NOT NULL DEFAULT 0, -- fetches in a row whose handling panicked
    record_id      TEXT,   -- the URL's last WARC response record: its id,
    record_date    TEXT,   -- WARC-Date,
    record_sha256  TEXT,   -- and payload (what a revisit of the same payload refers to)
    document       INTEGER NOT NULL DEFAULT 0 -- 1: its last 2xx answer was a document (PDF, DOCX, …)",
            "",
        );
        assert!(!old.contains("panics") && !old.contains("document  "));
        Connection::open(&path).unwrap().execute_batch(&old).unwrap();
        let mut s = State::open(&path).unwrap();
        assert!(admit(&mut s, "http://a/1", 0, None, 10, false).unwrap());
        let q = pop(&mut s, 1).unwrap();
        assert_eq!(q[0].previous.panics, 0);
        assert!(!q[0].previous.document);
    }
}
