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

use rusqlite::{Connection, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};

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
    error          TEXT
);
CREATE INDEX IF NOT EXISTS urls_queue ON urls (run, state, priority, seq);
CREATE INDEX IF NOT EXISTS urls_path ON urls (run, path_key) WHERE path_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS robots (
    host       TEXT PRIMARY KEY,       -- host[:port]
    run        INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       BLOB NOT NULL
);
";

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
    pub page_type: Option<String>,
}

impl Previous {
    /// Re-fetch conditionally only pages that were articles: listings and start pages are
    /// where new links appear, so they are always fetched (and parsed) in full.
    pub fn conditional(&self) -> bool {
        self.page_type.as_deref() == Some("article")
    }
}

/// The outcome of one fetch, for the URL's row.
#[derive(Debug, Default)]
pub struct Outcome<'a> {
    pub state: &'a str,
    pub status: Option<u16>,
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
    pub content_sha256: Option<&'a str>,
    pub page_type: Option<&'a str>,
    pub article_id: Option<&'a str>,
    pub error: Option<&'a str>,
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
    in_tx: bool,
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
                    "UPDATE urls SET state = 'queued' WHERE run = ?1 AND state = 'inflight'",
                    [id],
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
            in_tx: false,
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

    /// Open a transaction if none is open: writes are batched.
    fn write(&mut self) -> Result<()> {
        if !self.in_tx {
            self.conn.execute_batch("BEGIN").map_err(db(&self.path))?;
            self.in_tx = true;
        }
        Ok(())
    }

    pub fn commit(&mut self) -> Result<()> {
        if self.in_tx {
            self.conn.execute_batch("COMMIT").map_err(db(&self.path))?;
            self.in_tx = false;
        }
        Ok(())
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
        self.write()?;
        let e = db(&self.path);
        let run: Option<i64> = self
            .conn
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
                .conn
                .prepare_cached("SELECT COUNT(*) FROM urls WHERE run = ?1 AND path_key = ?2")
                .map_err(&e)?
                .query_row(params![self.run, key], |r| r.get(0))
                .map_err(&e)?;
            if n as usize >= max_variants {
                tracing::debug!("{url}: too many query variants of this path; skipped");
                return Ok(false);
            }
        }
        self.seq += 1;
        self.conn
            .prepare_cached(
                "INSERT INTO urls (url, site, depth, state, run, seq, priority, path_key, first_seen)
                 VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (url) DO UPDATE SET site = excluded.site, depth = excluded.depth,
                    state = 'queued', run = excluded.run, seq = excluded.seq,
                    priority = excluded.priority, path_key = excluded.path_key",
            )
            .map_err(&e)?
            .execute(params![
                url,
                site,
                depth,
                self.run,
                self.seq,
                if front { 0 } else { 1 },
                path_key,
                now()
            ])
            .map_err(&e)?;
        Ok(true)
    }

    /// Mark a URL seen in this run without queueing it (a redirect's final URL).
    pub fn mark_seen(&mut self, url: &str, site: &str, depth: u32) -> Result<()> {
        self.write()?;
        self.seq += 1;
        self.conn
            .prepare_cached(
                "INSERT INTO urls (url, site, depth, state, run, seq, priority, first_seen)
                 VALUES (?1, ?2, ?3, 'inflight', ?4, ?5, 1, ?6)
                 ON CONFLICT (url) DO UPDATE SET state = 'inflight', run = excluded.run",
            )
            .map_err(self.err())?
            .execute(params![url, site, depth, self.run, self.seq, now()])
            .map_err(self.err())?;
        Ok(())
    }

    /// Take up to `n` URLs off this run's queue (they become `inflight`).
    pub fn pop(&mut self, n: usize) -> Result<Vec<Queued>> {
        self.write()?;
        let e = db(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT url, site, depth, etag, last_modified, content_sha256, page_type FROM urls
                 WHERE run = ?1 AND state = 'queued' ORDER BY priority, seq LIMIT ?2",
            )
            .map_err(&e)?;
        let rows = stmt
            .query_map(params![self.run, n as i64], |r| {
                Ok(Queued {
                    url: r.get(0)?,
                    site: r.get(1)?,
                    depth: r.get(2)?,
                    previous: Previous {
                        etag: r.get(3)?,
                        last_modified: r.get(4)?,
                        content_sha256: r.get(5)?,
                        page_type: r.get(6)?,
                    },
                })
            })
            .map_err(&e)?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(&e)?;
        drop(stmt);
        let mut mark = self
            .conn
            .prepare_cached("UPDATE urls SET state = 'inflight' WHERE url = ?1")
            .map_err(&e)?;
        for q in &rows {
            mark.execute([&q.url]).map_err(&e)?;
        }
        Ok(rows)
    }

    /// Drop a queued URL from this run without fetching it (over a page budget).
    pub fn skip(&mut self, url: &str) -> Result<()> {
        self.record(
            url,
            &Outcome {
                state: "skipped",
                ..Outcome::default()
            },
        )
    }

    /// Record what fetching a URL gave, and commit it with the links it queued. Validators
    /// and page type are kept from earlier fetches when this one has none (a 304 carries no
    /// body to classify).
    pub fn record(&mut self, url: &str, o: &Outcome) -> Result<()> {
        self.write()?;
        let fetched = (o.state != "skipped").then(now);
        self.conn
            .prepare_cached(
                "UPDATE urls SET state = ?2, fetched_at = COALESCE(?3, fetched_at),
                    status = COALESCE(?4, status), etag = COALESCE(?5, etag),
                    last_modified = COALESCE(?6, last_modified),
                    content_sha256 = COALESCE(?7, content_sha256),
                    page_type = COALESCE(?8, page_type), article_id = COALESCE(?9, article_id),
                    error = ?10
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
                o.error
            ])
            .map_err(self.err())?;
        self.commit()
    }

    /// The state of a URL in this run, if it was seen in it.
    pub fn state_in_run(&self, url: &str) -> Result<Option<String>> {
        self.conn
            .prepare_cached("SELECT state FROM urls WHERE url = ?1 AND run = ?2")
            .map_err(self.err())?
            .query_row(params![url, self.run], |r| r.get(0))
            .optional()
            .map_err(self.err())
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

    pub fn put_robots(&mut self, host: &str, status: u16, body: &[u8]) -> Result<()> {
        self.write()?;
        self.conn
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

    /// Put a URL taken off the queue back on it (not fetched in this run after all).
    pub fn requeue(&mut self, url: &str) -> Result<()> {
        self.write()?;
        self.conn
            .prepare_cached("UPDATE urls SET state = 'queued' WHERE url = ?1")
            .map_err(self.err())?
            .execute([url])
            .map_err(self.err())?;
        Ok(())
    }

    /// Put every abandoned in-flight URL back on the queue.
    pub fn requeue_inflight(&mut self) -> Result<()> {
        self.write()?;
        self.conn
            .execute(
                "UPDATE urls SET state = 'queued' WHERE run = ?1 AND state = 'inflight'",
                [self.run],
            )
            .map_err(self.err())?;
        Ok(())
    }

    /// Stop the run before its queue is empty (a signal or a limit): the next run resumes
    /// it.
    pub fn pause(&mut self, outcome: &str, summary: &str) -> Result<()> {
        self.write()?;
        self.conn
            .execute(
                "UPDATE runs SET outcome = ?2, summary = ?3 WHERE id = ?1",
                params![self.run, outcome, summary],
            )
            .map_err(self.err())?;
        self.commit()
    }

    /// Close the run: its queue is done. The next run starts from the start URLs again.
    pub fn finish(&mut self, outcome: &str, summary: &str) -> Result<()> {
        self.write()?;
        self.conn
            .execute(
                "UPDATE runs SET finished_at = ?2, outcome = ?3, summary = ?4 WHERE id = ?1",
                params![self.run, now(), outcome, summary],
            )
            .map_err(self.err())?;
        self.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &Path) -> State {
        State::open(&dir.join("state.sqlite")).unwrap()
    }

    #[test]
    fn a_url_is_queued_once_per_run_and_again_in_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = open(dir.path());
        assert!(s.admit("http://a/1", "a", 0, None, 10, false).unwrap());
        assert!(!s.admit("http://a/1", "a", 1, None, 10, false).unwrap());
        let q = s.pop(10).unwrap();
        assert_eq!(q.len(), 1);
        s.record(
            "http://a/1",
            &Outcome {
                state: "done",
                status: Some(200),
                etag: Some("\"v1\""),
                page_type: Some("article"),
                ..Outcome::default()
            },
        )
        .unwrap();
        assert!(!s.admit("http://a/1", "a", 0, None, 10, false).unwrap());
        s.finish("completed", "{}").unwrap();
        drop(s);

        let mut s = open(dir.path());
        assert!(!s.resumed());
        assert!(s.admit("http://a/1", "a", 0, None, 10, false).unwrap());
        let q = s.pop(10).unwrap();
        assert_eq!(q[0].previous.etag.as_deref(), Some("\"v1\""));
        assert!(q[0].previous.conditional());
    }

    #[test]
    fn a_killed_run_is_resumed_with_its_queue_and_in_flight_urls() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = open(dir.path());
        let run = s.run();
        for i in 0..5 {
            s.admit(&format!("http://a/{i}"), "a", 0, None, 10, false).unwrap();
        }
        let taken = s.pop(2).unwrap();
        s.record(
            &taken[0].url,
            &Outcome {
                state: "done",
                ..Outcome::default()
            },
        )
        .unwrap();
        s.commit().unwrap();
        drop(s); // killed: never finished

        let mut s = open(dir.path());
        assert!(s.resumed());
        assert_eq!(s.run(), run);
        let rest: Vec<String> = s.pop(10).unwrap().into_iter().map(|q| q.url).collect();
        assert_eq!(rest, ["http://a/1", "http://a/2", "http://a/3", "http://a/4"]);
        assert!(!s.admit("http://a/0", "a", 0, None, 10, false).unwrap());
    }

    #[test]
    fn query_variants_of_a_path_are_bounded_per_run() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = open(dir.path());
        let admitted = (0..10)
            .filter(|i| {
                s.admit(&format!("http://a/cal?d={i}"), "a", 0, Some("http://a/cal"), 3, false)
                    .unwrap()
            })
            .count();
        assert_eq!(admitted, 3);
    }

    #[test]
    fn redirect_targets_go_to_the_front_of_the_queue() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = open(dir.path());
        s.admit("http://a/1", "a", 0, None, 10, false).unwrap();
        s.admit("http://a/2", "a", 0, None, 10, true).unwrap();
        assert_eq!(s.pop(1).unwrap()[0].url, "http://a/2");
    }
}
