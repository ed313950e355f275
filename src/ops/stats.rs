//! What an archive holds: articles per site and month, revisions, the last fetch, and
//! whether the index matches the archive.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::archive::Archive;
use crate::error::Result;
use crate::index;

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub articles: usize,
    pub revisions: usize,
    /// The latest fetch time of a current revision (RFC 3339), empty when none.
    pub last_fetch: String,
    /// Documents in the index; `None` when there is no index.
    pub indexed: Option<usize>,
    pub index_matches_archive: bool,
    /// Site → publication month (`YYYY-MM`, or `undated`) → articles.
    pub sites: BTreeMap<String, BTreeMap<String, usize>>,
    /// Article files that could not be read (skipped, not counted above).
    pub unreadable: Vec<std::path::PathBuf>,
}

/// Count what the archive holds (one pass over its current revisions).
pub fn stats(archive: &Archive) -> Result<Stats> {
    let mut per_site: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let (mut articles, mut revisions, mut last_fetch) = (0usize, 0usize, String::new());
    let mut current = archive.readable();
    for s in &mut current {
        let s = s?;
        articles += 1;
        revisions += s.revision as usize;
        let month = s
            .article
            .published
            .as_deref()
            .and_then(|p| p.get(..7))
            .unwrap_or("undated")
            .to_owned();
        *per_site
            .entry(s.article.site.clone())
            .or_default()
            .entry(month)
            .or_default() += 1;
        if s.fetch.fetched_at > last_fetch {
            last_fetch = s.fetch.fetched_at.clone();
        }
    }
    let indexed = match index::open_for_reading(&archive.index_dir()) {
        Ok(Some(ix)) => Some(index::doc_count(&ix)? as usize),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!("the index cannot be read: {e}");
            None
        }
    };
    Ok(Stats {
        articles,
        revisions,
        last_fetch,
        index_matches_archive: indexed == Some(articles),
        indexed,
        sites: per_site,
        unreadable: current.skipped().to_vec(),
    })
}
