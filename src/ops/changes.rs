//! `changes` is the report a researcher wants from an archive a cron job keeps: what was new,
//! what changed (a new revision), what went from its portal and what came back, between two
//! days. New and changed come from the revision files (by the day they were fetched); gone
//! and restored from the removals log (by the day they were seen).

use chrono::NaiveDate;
use serde::Serialize;

use crate::archive::Archive;
use crate::archive::removals::Change as Presence;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    New,
    Changed,
    Gone,
    Restored,
}

/// One change, with the day it was seen.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub kind: Kind,
    /// When it was seen (RFC 3339, UTC).
    pub at: String,
    pub id: String,
    pub site: String,
    pub title: Option<String>,
    pub url: String,
    /// The revision that is new (new and changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
    /// What was seen (gone and restored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// The changes seen from `since` to `until` (days, UTC, both included), of the given sites
/// (none: all), in the order they were seen; and the article files that could not be read.
pub fn changes(
    archive: &Archive,
    since: NaiveDate,
    until: Option<NaiveDate>,
    sites: &[String],
) -> Result<(Vec<Change>, Vec<std::path::PathBuf>)> {
    let other_site = |s: &str| !sites.is_empty() && !sites.iter().any(|x| x == s);
    let within = |at: &str| {
        let day = at.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        day.is_some_and(|d| d >= since && until.is_none_or(|u| d <= u))
    };
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    let mut titles = std::collections::HashMap::new();
    for (id, revision, rel) in archive.revision_files() {
        let s = match archive.read_file(&rel) {
            Ok(s) => s,
            Err(Error::UnreadableArticle { path, reason }) => {
                tracing::warn!("skipping {}: {reason}", path.display());
                skipped.push(path);
                continue;
            }
            Err(e) => return Err(e),
        };
        titles.insert(id.clone(), (s.article.site.clone(), s.article.title.clone()));
        if other_site(&s.article.site) || !within(&s.fetch.fetched_at) {
            continue;
        }
        out.push(Change {
            kind: if revision == 1 { Kind::New } else { Kind::Changed },
            at: s.fetch.fetched_at.clone(),
            id,
            site: s.article.site,
            title: s.article.title,
            url: s.fetch.final_url,
            revision: Some(revision),
            evidence: None,
        });
    }
    for m in archive.removals().all() {
        let Some((article_site, title)) = titles.get(&m.id) else {
            continue;
        };
        if other_site(article_site) || !within(&m.at) {
            continue;
        }
        out.push(Change {
            kind: match m.change {
                Presence::Gone => Kind::Gone,
                Presence::Restored => Kind::Restored,
            },
            at: m.at.clone(),
            id: m.id.clone(),
            site: article_site.clone(),
            title: title.clone(),
            url: m.url.clone(),
            revision: None,
            evidence: Some(m.evidence.clone()),
        });
    }
    out.sort_by(|a, b| (&a.at, a.kind, &a.id).cmp(&(&b.at, b.kind, &b.id)));
    Ok((out, skipped))
}
