//! What an archive holds: articles per site and month, revisions, the last successful fetch
//! (per site), and whether the index matches the archive.

use serde::Serialize;
use std::collections::BTreeMap;

use crate::archive::Archive;
use crate::error::Result;
use crate::index;

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub articles: usize,
    pub revisions: usize,
    /// The last successful fetch of any site (RFC 3339; from the crawl state, else the
    /// latest fetch of a current revision), empty when none.
    pub last_fetch: String,
    /// Site → its last successful fetch (from the crawl state; sites it does not know: the
    /// latest fetch of one of their current revisions).
    pub last_fetch_per_site: BTreeMap<String, String>,
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
    let (mut articles, mut revisions) = (0usize, 0usize);
    let mut last_fetch_per_site: BTreeMap<String, String> = BTreeMap::new();
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
        let last = last_fetch_per_site.entry(s.article.site.clone()).or_default();
        if s.fetch.fetched_at > *last {
            last.clone_from(&s.fetch.fetched_at);
        }
    }
    // A site re-fetched without change has a later successful fetch than any revision.
    match crate::crawl::state::Reader::open(&archive.root().join(crate::crawl::STATE_FILE)) {
        Ok(Some(reader)) => {
            for site in reader.sites()? {
                if let Some(at) = site.last_success {
                    last_fetch_per_site.insert(site.site, at);
                }
            }
        }
        Ok(None) => {}
        Err(e) => tracing::warn!("the crawl state cannot be read: {e}"),
    }
    let last_fetch = last_fetch_per_site.values().max().cloned().unwrap_or_default();
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
        last_fetch_per_site,
        index_matches_archive: indexed == Some(articles),
        indexed,
        sites: per_site,
        unreadable: current.skipped().to_vec(),
    })
}
