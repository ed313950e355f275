//! `crawl` owns fetching: the frontier, politeness (one GCRA limiter per host, robots.txt,
//! `Retry-After`, bounded retries with backoff), discovery of links, and handing each page
//! to `extract` → `archive` → `index`.
//!
//! One URL's way through it: [`run::Crawl`] takes it off the [`frontier`] and starts a
//! [`job`] (the fetch, then decoding and extraction on the blocking pool); the finished job
//! comes back to `Crawl::on_event` as an event, [`page`] says what it becomes (counts, the
//! row to record, links, an article to archive), the archive's `Writer` writes the article
//! and reports it durable, and the frontier records the URL with its links in one
//! transaction of the [`state`] store.

pub mod check;
pub mod discover;
pub mod fetch;
mod frontier;
mod gone;
mod host;
mod job;
mod page;
pub mod progress;
pub mod robots;
mod run;
pub mod state;
pub mod urls;

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

use crate::archive::Archive;
use crate::config::Config;
use crate::error::Result;
use crate::extract::profile::Profiles;
use crate::index::Indexer;
use state::State;

pub use frontier::{Admission, admission};

/// Limits for one run, on top of the configuration.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Pages to fetch in this invocation, over all sites (a resumed run gets the whole budget
    /// again).
    pub max_pages: Option<usize>,
    pub max_duration: Option<Duration>,
    /// Only crawl these sites (by name); all when empty.
    pub sites: Vec<String>,
    /// Draw progress bars (on a terminal).
    pub show_progress: bool,
    /// Commit the index at least this often while articles arrive (default: a minute), so
    /// a search during a long crawl finds what it archived.
    pub index_commit_interval: Option<Duration>,
}

/// Counts for one site.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SiteStats {
    pub fetched: usize,
    /// Conditional requests answered 304 Not Modified (counted in `unchanged` too).
    pub not_modified: usize,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Pages that could not be fetched or archived (`unreachable` included).
    pub failed: usize,
    /// Pages not fetched because their host could not be reached, or its robots.txt
    /// answered with a server error.
    pub unreachable: usize,
    pub skipped_robots: usize,
    pub listings: usize,
    pub other: usize,
    pub truncated: usize,
    pub redirects: usize,
    /// Archived articles seen gone from their portal in this run, and back.
    pub gone: usize,
    pub restored: usize,
    /// Documents (PDF, DOCX, …) fetched: in all, whose text was read, and those larger than
    /// `max_attachment_bytes` (recorded, not downloaded).
    pub documents: usize,
    pub documents_read: usize,
    pub documents_too_large: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CrawlReport {
    pub sites: BTreeMap<String, SiteStats>,
    pub interrupted: bool,
    pub timed_out: bool,
    /// The run stopped at `--max-pages` with URLs still queued.
    pub page_limit: bool,
    /// This run continued one that was killed before it finished.
    pub resumed: bool,
    /// The run's number in the crawl state store.
    pub run: i64,
    pub elapsed_secs: f64,
}

impl CrawlReport {
    pub fn total(&self) -> SiteStats {
        let mut t = SiteStats::default();
        for s in self.sites.values() {
            t.fetched += s.fetched;
            t.not_modified += s.not_modified;
            t.new += s.new;
            t.updated += s.updated;
            t.unchanged += s.unchanged;
            t.failed += s.failed;
            t.unreachable += s.unreachable;
            t.skipped_robots += s.skipped_robots;
            t.listings += s.listings;
            t.other += s.other;
            t.truncated += s.truncated;
            t.redirects += s.redirects;
            t.gone += s.gone;
            t.restored += s.restored;
            t.documents += s.documents;
            t.documents_read += s.documents_read;
            t.documents_too_large += s.documents_too_large;
        }
        t
    }

    /// One line: `new 3, updated 0, unchanged 1, failed 0, skipped by robots 0 (longbien: …)`.
    pub fn summary_line(&self) -> String {
        let fmt = |s: &SiteStats| {
            let unreachable = match s.unreachable {
                0 => String::new(),
                n => format!(" ({n} on unreachable hosts)"),
            };
            let documents = match s.documents {
                0 => String::new(),
                n => format!(
                    "; documents {n} (text read {}, too large {})",
                    s.documents_read, s.documents_too_large
                ),
            };
            format!(
                "fetched {}: articles new {}, updated {}, unchanged {}, gone {}, restored {}; listings {}, other {}, \
                 redirects {}; failed {}{unreachable}, skipped by robots {}{documents}",
                s.fetched,
                s.new,
                s.updated,
                s.unchanged,
                s.gone,
                s.restored,
                s.listings,
                s.other,
                s.redirects,
                s.failed,
                s.skipped_robots
            )
        };
        let per_site: Vec<String> = self.sites.iter().map(|(n, s)| format!("{n}: {}", fmt(s))).collect();
        format!("{} [{}]", fmt(&self.total()), per_site.join("; "))
    }
}

impl CrawlReport {
    /// Sites some of whose hosts could not be reached (or failed their robots.txt), with
    /// the pages that were therefore not fetched.
    pub fn unreachable_sites(&self) -> impl Iterator<Item = (&str, usize)> {
        self.sites
            .iter()
            .filter(|(_, s)| s.unreachable > 0)
            .map(|(n, s)| (n.as_str(), s.unreachable))
    }
}

/// The crawl state store's file in the archive directory.
pub const STATE_FILE: &str = "crawl-state.sqlite";

/// Crawl into the archive at `archive_dir`: open it (taking its lock) and its index, index
/// what an interrupted run archived but did not index, then [`run`].
pub async fn run_into(
    cfg: Config,
    archive_dir: &std::path::Path,
    profiles: Profiles,
    opts: &RunOptions,
    cancel: watch::Receiver<bool>,
) -> Result<CrawlReport> {
    let mut archive = Archive::open(archive_dir)?;
    let index = crate::index::open_for_archive(&archive)?;
    let mut indexer = Indexer::new(&index)?;
    // The archive is the source of truth: first index what it holds and the index lacks.
    let caught_up = crate::index::sync(&index, &archive, &mut indexer)?;
    if caught_up > 0 {
        tracing::warn!("indexed {caught_up} archived articles the index was missing");
    }
    let mut state = State::open(&archive.root().join(STATE_FILE))?;
    if state.resumed() {
        tracing::warn!("resuming run {} where it stopped", state.run());
    }
    run(
        Arc::new(cfg),
        &mut archive,
        &mut indexer,
        &mut state,
        Arc::new(profiles),
        opts,
        cancel,
    )
    .await
}

/// Crawl the configured sites once: fetch, extract, archive, index, keeping the frontier
/// and what each URL gave in `state`. Stops early when `cancel` turns true (SIGINT/SIGTERM),
/// or at the run's page or time limit; a run that was killed is continued.
pub async fn run(
    cfg: Arc<Config>,
    archive: &mut Archive,
    indexer: &mut Indexer,
    state: &mut State,
    profiles: Arc<Profiles>,
    opts: &RunOptions,
    cancel: watch::Receiver<bool>,
) -> Result<CrawlReport> {
    run::Crawl::new(cfg, archive, indexer, state, profiles, opts, cancel)?
        .run()
        .await
}
