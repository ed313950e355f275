//! `export` writes the archive's current articles for analysis elsewhere — JSON lines (pandas,
//! R, jq), CSV, or NDJSON for a Quickwit cluster (`config/quickwit/`) — streaming one article
//! at a time, with the same filters as `search`; and captures for replay elsewhere, as a WACZ
//! package ([`wacz`]).

pub mod wacz;

use serde::Serialize;
use std::collections::HashSet;
use std::io::Write;

use crate::archive::{Archive, StoredArticle};
use crate::decode::fold;
use crate::error::Result;
use crate::search::SearchOptions;
use crate::time::When;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
    /// NDJSON for the Quickwit index in `config/quickwit/`: NFC text plus folded twins.
    Quickwit,
}

/// A document for `config/quickwit/vnnews-index.yaml`.
fn quickwit_doc(s: &StoredArticle) -> serde_json::Value {
    let a = &s.article;
    let f = |t: &Option<String>| t.as_deref().map(fold);
    // A date alone is midnight in Vietnam.
    let published = a.published.as_deref().and_then(When::parse_stored).map(|w| match w {
        When::Date(d) => format!("{}T00:00:00+07:00", d.format("%Y-%m-%d")),
        When::DateTime(_) => w.to_rfc3339(),
    });
    serde_json::json!({
        "id": s.id, "revision": s.revision, "site": a.site, "url": a.url,
        "title": a.title, "title_folded": f(&a.title),
        "lead": a.lead, "lead_folded": f(&a.lead),
        "body": a.body, "body_folded": fold(&a.body),
        "authors": a.authors, "authors_folded": a.authors.iter().map(|x| fold(x)).collect::<Vec<_>>(),
        "source": a.source, "category": a.category, "tags": a.tags, "language": a.language,
        "published": published, "fetched_at": s.fetch.fetched_at,
    })
}

/// One CSV row: the fields researchers tabulate; lists joined with `; `.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    revision: u32,
    site: &'a str,
    url: &'a str,
    canonical_url: &'a str,
    title: &'a str,
    published: &'a str,
    authors: String,
    source: &'a str,
    category: &'a str,
    tags: String,
    language: &'a str,
    lead: &'a str,
    body: &'a str,
    fetched_at: &'a str,
    encoding: &'a str,
    repairs: usize,
    /// `present`, `gone` or `restored`, with the dates of a removal.
    status: &'static str,
    gone_since: String,
    last_seen_present: String,
}

/// Does an article pass the search filters (site, author, publication days)?
pub fn matches(s: &StoredArticle, f: &SearchOptions, ids: Option<&HashSet<String>>) -> bool {
    let a = &s.article;
    if ids.is_some_and(|ids| !ids.contains(&s.id)) {
        return false;
    }
    if !f.sites.is_empty() && !f.sites.contains(&a.site) {
        return false;
    }
    if let Some((which, gone)) = &f.presence {
        let is_gone = gone.contains(&s.id);
        if is_gone != (*which == crate::search::PresenceFilter::Gone) {
            return false;
        }
    }
    if !f.authors.is_empty()
        && !f.authors.iter().any(|want| {
            a.authors
                .iter()
                .any(|x| crate::search::query::name_matches(want, x, f.mode))
        })
    {
        return false;
    }
    if f.since.is_some() || f.until.is_some() {
        let Some(day) = a.published.as_deref().and_then(When::parse_stored).map(When::date) else {
            return false;
        };
        if f.since.is_some_and(|d| day < d) || f.until.is_some_and(|d| day > d) {
            return false;
        }
    }
    true
}

/// Write every current article that passes the filters; returns how many were written, and
/// the article files skipped because they could not be read.
pub fn export(
    archive: &Archive,
    filter: &SearchOptions,
    ids: Option<&HashSet<String>>,
    format: Format,
    out: impl Write,
) -> Result<(usize, Vec<std::path::PathBuf>)> {
    let mut n = 0;
    let mut current = archive.readable();
    match format {
        Format::Jsonl | Format::Quickwit => {
            let mut out = std::io::BufWriter::new(out);
            for s in &mut current {
                let s = s?;
                if matches(&s, filter, ids) {
                    if format == Format::Quickwit {
                        serde_json::to_writer(&mut out, &quickwit_doc(&s))?;
                    } else {
                        // The article as archived, and whether it is still on its portal.
                        let mut v = serde_json::to_value(&s)?;
                        v["presence"] = serde_json::to_value(archive.presence(&s.id))?;
                        serde_json::to_writer(&mut out, &v)?;
                    }
                    out.write_all(b"\n").map_err(output)?;
                    n += 1;
                }
            }
            out.flush().map_err(output)?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            for s in &mut current {
                let s = s?;
                if !matches(&s, filter, ids) {
                    continue;
                }
                let a = &s.article;
                let opt = |o: &Option<String>| o.as_deref().unwrap_or("").to_owned();
                let (canonical, title, published, source, category, language) = (
                    opt(&a.canonical_url),
                    opt(&a.title),
                    opt(&a.published),
                    opt(&a.source),
                    opt(&a.category),
                    opt(&a.language),
                );
                let lead = opt(&a.lead);
                let presence = archive.presence(&s.id);
                let (gone_since, last_seen_present) = match &presence {
                    crate::archive::removals::Presence::Gone {
                        since,
                        last_seen_present,
                        ..
                    } => (since.clone(), last_seen_present.clone().unwrap_or_default()),
                    crate::archive::removals::Presence::Restored { gone_since, .. } => {
                        (gone_since.clone(), String::new())
                    }
                    crate::archive::removals::Presence::Present => (String::new(), String::new()),
                };
                w.serialize(Row {
                    id: &s.id,
                    revision: s.revision,
                    site: &a.site,
                    url: &a.url,
                    canonical_url: &canonical,
                    title: &title,
                    published: &published,
                    authors: a.authors.join("; "),
                    source: &source,
                    category: &category,
                    tags: a.tags.join("; "),
                    language: &language,
                    lead: &lead,
                    body: &a.body,
                    fetched_at: &s.fetch.fetched_at,
                    encoding: &a.encoding.label,
                    repairs: a.encoding.repairs.len(),
                    status: presence.word(),
                    gone_since,
                    last_seen_present,
                })
                .map_err(csv_output)?;
                n += 1;
            }
            w.flush().map_err(output)?;
        }
    }
    Ok((n, current.skipped().to_vec()))
}

/// A CSV write error: the I/O error under it when there is one (a closed pipe stays one).
fn csv_output(e: csv::Error) -> crate::Error {
    output(match e.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    })
}

fn output(source: std::io::Error) -> crate::Error {
    crate::Error::Output {
        what: "the export",
        source,
    }
}
