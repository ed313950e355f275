//! How the crawls are going, for monitoring without opening SQLite: the last runs (start,
//! end, outcome, summary) and, per site, the last successful fetch and the last error. Read
//! from the crawl state store, never written.

use serde::Serialize;

use crate::archive::Archive;
use crate::crawl::STATE_FILE;
use crate::crawl::state::{Reader, RunRecord, SiteHealth};
use crate::error::Result;

#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// Newest first.
    pub runs: Vec<RunRecord>,
    pub sites: Vec<SiteHealth>,
    /// Whether a crawl holds the archive now.
    pub crawling: bool,
}

/// The status of the archive at `root`; `None` when no crawl has run there.
pub fn status(root: &std::path::Path, runs: usize) -> Result<Option<Status>> {
    let Some(reader) = Reader::open(&root.join(STATE_FILE))? else {
        return Ok(None);
    };
    Ok(Some(Status {
        runs: reader.runs(runs)?,
        sites: reader.sites()?,
        crawling: Archive::is_being_written(root),
    }))
}
