//! Decoding and extraction re-run over the archived raw responses, with the profiles (and
//! the configuration's URL patterns) in force now: an article whose text comes out
//! differently gets a new revision (and its index document is replaced); nothing is fetched.

use serde::Serialize;

use crate::archive::{Archive, PutOutcome, warc};
use crate::config::Config;
use crate::error::Result;
use crate::extract::{self, Page, profile::Profiles};
use crate::index::Indexer;

/// What a re-extraction did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reextracted {
    /// Articles whose text changed: a new revision was stored.
    pub changed: usize,
    pub unchanged: usize,
    /// Articles whose archived response could not be read (each is logged).
    pub unreadable: usize,
}

impl Reextracted {
    pub fn total(&self) -> usize {
        self.changed + self.unchanged + self.unreadable
    }
}

/// Re-extract every current article of the archive from its WARC record.
pub fn reextract(
    archive: &mut Archive,
    indexer: &mut Indexer,
    profiles: &Profiles,
    cfg: Option<&Config>,
) -> Result<Reextracted> {
    let mut done = Reextracted::default();
    for id in archive.ids() {
        let s = match archive.get(&id) {
            Ok(Some(s)) => s,
            Ok(None) => continue,
            Err(e @ crate::Error::UnreadableArticle { .. }) => {
                tracing::warn!("skipping: {e}");
                done.unreadable += 1;
                continue;
            }
            Err(e) => return Err(e),
        };
        let Some(at) = &s.fetch.warc else { continue };
        let record = match warc::read_at(&archive.warc_dir(), at) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!("{id}: {e}");
                done.unreadable += 1;
                continue;
            }
        };
        let Some((status, headers, body)) = record.http() else {
            tracing::error!("{id}: its WARC record holds no HTTP response");
            done.unreadable += 1;
            continue;
        };
        if !(200..300).contains(&status) {
            tracing::error!("{id}: its archived response is HTTP {status}");
            done.unreadable += 1;
            continue;
        }
        let site = cfg.and_then(|c| c.sites.iter().find(|site| site.name == s.article.site));
        let page = Page {
            bytes: body,
            content_type: warc::header(&headers, "content-type"),
            url: &s.fetch.final_url,
            fetched_at: chrono::DateTime::parse_from_rfc3339(&s.fetch.fetched_at).ok(),
            patterns: site.map(|site| &site.patterns),
        };
        let mut article = extract::extract_for_site(&page, profiles).article;
        article.site = s.article.site.clone();
        article.page_type = s.article.page_type;
        match archive.put_reextracted(article.into(), s.fetch.clone())? {
            PutOutcome::Unchanged { .. } => done.unchanged += 1,
            PutOutcome::New(n) | PutOutcome::Updated(n) => {
                indexer.upsert(&n, &archive.path_of(&n.id).unwrap_or_default())?;
                done.changed += 1;
            }
        }
    }
    indexer.commit()?;
    archive.flush()?;
    Ok(done)
}
