//! `export` writes the archive's current articles for analysis elsewhere — JSON lines (pandas,
//! R, jq), CSV, or NDJSON for a Quickwit cluster (`config/quickwit/`) — streaming one article
//! at a time, with the same filters as `search`; and captures for replay elsewhere, as a WACZ
//! package ([`wacz`]).

pub mod wacz;

use serde::Serialize;
use std::collections::{HashMap, HashSet};
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
        "documents": crate::archive::documents_of(a).into_iter().map(|d| d.number).collect::<Vec<_>>(),
        "published": published, "fetched_at": s.fetch.fetched_at,
    })
}

/// One CSV row: the fields researchers tabulate; lists joined with `; `. Every column
/// holds one format (README: "Export fields").
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    revision: u32,
    site: &'a str,
    url: &'a str,
    canonical_url: &'a str,
    title: &'a str,
    /// RFC 3339 with the page's offset, when the page gives a time; empty when it gives
    /// only a day (that is in `published_day`).
    published: String,
    /// The publication day (YYYY-MM-DD), in the page's own offset.
    published_day: String,
    modified: String,
    authors: String,
    source: &'a str,
    category: &'a str,
    tags: String,
    language: &'a str,
    lead: &'a str,
    body: &'a str,
    images: usize,
    /// Official document numbers cited, `; `-separated.
    documents: String,
    /// Data tables in the body.
    tables: usize,
    /// The documents linked, `NAME <URL>; …` (the file name once fetched, else the link's
    /// text).
    attachments: String,
    fetched_at: &'a str,
    encoding: &'a str,
    repairs: usize,
    /// `kind×count; …`
    repair_kinds: String,
    /// `before→after; …`
    repairs_made: String,
    warc_file: &'a str,
    warc_offset: String,
    warc_record_id: &'a str,
    /// `present`, `gone` or `restored`, with the dates of a removal.
    status: &'static str,
    gone_since: String,
    last_seen_present: String,
}

/// The CSV header: [`Row`]'s fields, written even when no row follows.
const CSV_HEADER: &[&str] = &[
    "id",
    "revision",
    "site",
    "url",
    "canonical_url",
    "title",
    "published",
    "published_day",
    "modified",
    "authors",
    "source",
    "category",
    "tags",
    "language",
    "lead",
    "body",
    "images",
    "documents",
    "tables",
    "attachments",
    "fetched_at",
    "encoding",
    "repairs",
    "repair_kinds",
    "repairs_made",
    "warc_file",
    "warc_offset",
    "warc_record_id",
    "status",
    "gone_since",
    "last_seen_present",
];

/// A stored date as (RFC 3339 time or empty, day or empty).
fn time_and_day(stored: Option<&str>) -> (String, String) {
    match stored.and_then(When::parse_stored) {
        Some(When::DateTime(t)) => (
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            t.date_naive().format("%Y-%m-%d").to_string(),
        ),
        Some(When::Date(d)) => (String::new(), d.format("%Y-%m-%d").to_string()),
        None => (String::new(), String::new()),
    }
}

/// Which revisions an export writes, besides the search filters.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Every revision, oldest first, instead of the current one.
    pub all_revisions: bool,
    /// Only articles fetched at or after this time (changed or not): `last_fetched` says
    /// when each was, falling back to its latest revision's fetch.
    pub fetched_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only revisions stored at or after this time.
    pub changed_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Article id → its last successful fetch (RFC 3339), from the crawl state.
    pub last_fetched: HashMap<String, String>,
}

fn at_or_after(stamp: &str, t: chrono::DateTime<chrono::Utc>) -> bool {
    chrono::DateTime::parse_from_rfc3339(stamp).is_ok_and(|s| s >= t)
}

impl Selection {
    /// Whether a revision passes `changed_since` / `fetched_since`; `current` is the
    /// article's current revision.
    fn keeps(&self, s: &StoredArticle, current_fetch: &str) -> bool {
        if let Some(t) = self.changed_since
            && !at_or_after(&s.fetch.fetched_at, t)
        {
            return false;
        }
        if let Some(t) = self.fetched_since {
            let last = self.last_fetched.get(&s.id).map_or(current_fetch, String::as_str);
            if !at_or_after(last, t) && !at_or_after(current_fetch, t) {
                return false;
            }
        }
        true
    }
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

/// Hand `f` every revision an export writes, in id order (each article's oldest first);
/// returns the article files skipped because they could not be read.
fn each_revision(
    archive: &Archive,
    sel: &Selection,
    mut f: impl FnMut(StoredArticle) -> Result<()>,
) -> Result<Vec<std::path::PathBuf>> {
    if !sel.all_revisions {
        let mut current = archive.readable();
        for s in &mut current {
            let s = s?;
            if sel.keeps(&s, &s.fetch.fetched_at) {
                f(s)?;
            }
        }
        return Ok(current.skipped().to_vec());
    }
    let mut skipped = Vec::new();
    let files = archive.revision_files();
    let latest: HashMap<&str, u32> = files.iter().map(|(id, r, _)| (id.as_str(), *r)).collect();
    // The current revision's fetch decides `fetched_since` for all of an article's.
    let mut current_fetch: HashMap<String, String> = HashMap::new();
    for (id, r, rel) in &files {
        let s = match archive.read_file(rel) {
            Ok(s) => s,
            Err(crate::Error::UnreadableArticle { path, reason }) => {
                tracing::warn!("skipping {}: {reason}", path.display());
                skipped.push(path);
                continue;
            }
            Err(e) => return Err(e),
        };
        if !current_fetch.contains_key(id) {
            let c = if latest.get(id.as_str()) == Some(r) {
                s.fetch.fetched_at.clone()
            } else {
                archive.get(id)?.map(|c| c.fetch.fetched_at).unwrap_or_default()
            };
            current_fetch.insert(id.clone(), c);
        }
        if sel.keeps(&s, &current_fetch[id]) {
            f(s)?;
        }
    }
    Ok(skipped)
}

/// Write every article (or revision, with [`Selection::all_revisions`]) that passes the
/// filters; returns how many were written, and the article files skipped because they could
/// not be read. A CSV export always has its header row.
pub fn export(
    archive: &Archive,
    filter: &SearchOptions,
    ids: Option<&HashSet<String>>,
    sel: &Selection,
    format: Format,
    out: impl Write,
) -> Result<(usize, Vec<std::path::PathBuf>)> {
    let mut n = 0;
    let skipped = match format {
        Format::Jsonl | Format::Quickwit => {
            let mut out = std::io::BufWriter::new(out);
            let skipped = each_revision(archive, sel, |s| {
                if matches(&s, filter, ids) {
                    if format == Format::Quickwit {
                        serde_json::to_writer(&mut out, &quickwit_doc(&s))?;
                    } else {
                        // The article as archived, and whether it is still on its portal.
                        let mut v = serde_json::to_value(&s)?;
                        v["presence"] = serde_json::to_value(archive.presence(&s.id))?;
                        // Each document with what its last fetch found.
                        if !s.article.attachments.is_empty() {
                            v["attachments"] = serde_json::to_value(archive.attached(&s.article))?;
                        }
                        serde_json::to_writer(&mut out, &v)?;
                    }
                    out.write_all(b"\n").map_err(output)?;
                    n += 1;
                }
                Ok(())
            })?;
            out.flush().map_err(output)?;
            skipped
        }
        Format::Csv => {
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(out);
            w.write_record(CSV_HEADER).map_err(csv_output)?;
            let skipped = each_revision(archive, sel, |s| {
                if !matches(&s, filter, ids) {
                    return Ok(());
                }
                let a = &s.article;
                let opt = |o: &Option<String>| o.as_deref().unwrap_or("").to_owned();
                let (canonical, title, source, category, language) = (
                    opt(&a.canonical_url),
                    opt(&a.title),
                    opt(&a.source),
                    opt(&a.category),
                    opt(&a.language),
                );
                let (published, published_day) = time_and_day(a.published.as_deref());
                let (modified, modified_day) = time_and_day(a.modified.as_deref());
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
                let mut kinds: Vec<(String, usize)> = Vec::new();
                for r in &a.encoding.repairs {
                    let k = serde_json::to_value(r.kind)?.as_str().unwrap_or("").to_owned();
                    match kinds.iter_mut().find(|(x, _)| *x == k) {
                        Some((_, c)) => *c += 1,
                        None => kinds.push((k, 1)),
                    }
                }
                let warc = s.fetch.warc.as_ref();
                w.serialize(Row {
                    id: &s.id,
                    revision: s.revision,
                    site: &a.site,
                    url: &a.url,
                    canonical_url: &canonical,
                    title: &title,
                    published,
                    published_day,
                    // A modification given as a day only stays a day.
                    modified: if modified.is_empty() { modified_day } else { modified },
                    authors: a.authors.join("; "),
                    source: &source,
                    category: &category,
                    tags: a.tags.join("; "),
                    language: &language,
                    lead: &lead,
                    body: &a.body,
                    images: a.images.len(),
                    documents: crate::archive::documents_of(a)
                        .iter()
                        .map(|d| d.number.as_str())
                        .collect::<Vec<_>>()
                        .join("; "),
                    tables: a.tables.len(),
                    attachments: archive
                        .attached(a)
                        .iter()
                        .map(|d| format!("{} <{}>", d.name(), d.url))
                        .collect::<Vec<_>>()
                        .join("; "),
                    fetched_at: &s.fetch.fetched_at,
                    encoding: &a.encoding.label,
                    repairs: a.encoding.repairs.len(),
                    repair_kinds: kinds
                        .iter()
                        .map(|(k, c)| format!("{k}×{c}"))
                        .collect::<Vec<_>>()
                        .join("; "),
                    repairs_made: a
                        .encoding
                        .repairs
                        .iter()
                        .map(|r| format!("{}→{}", r.before, r.after))
                        .collect::<Vec<_>>()
                        .join("; "),
                    warc_file: warc.map_or("", |w| w.file.as_str()),
                    warc_offset: warc.map(|w| w.offset.to_string()).unwrap_or_default(),
                    warc_record_id: warc.map_or("", |w| w.record_id.as_str()),
                    status: presence.word(),
                    gone_since,
                    last_seen_present,
                })
                .map_err(csv_output)?;
                n += 1;
                Ok(())
            })?;
            w.flush().map_err(output)?;
            skipped
        }
    };
    Ok((n, skipped))
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
