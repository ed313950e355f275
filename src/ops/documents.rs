//! The official documents cited across an archive: each number with its kind, issuer, how
//! many current articles cite it, and the first and last days they were published (or
//! fetched, for an undated article).

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

use crate::archive::{Archive, documents_of};
use crate::error::Result;
use crate::extract::docnum::DocumentRef;
use crate::time::When;

/// One document and its citations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cited {
    /// As the first citing article writes it.
    pub number: String,
    pub kind: Option<String>,
    pub year: Option<u16>,
    pub issuer: Option<String>,
    /// The date of issue, when a citing text gives it.
    pub date: Option<String>,
    /// Current articles citing it.
    pub articles: usize,
    /// The first and last day a citing article was published (fetched, when undated).
    pub first: String,
    pub last: String,
    /// The sites of the citing articles.
    pub sites: Vec<String>,
    /// Ids of the citing articles (at most ten, earliest first).
    pub examples: Vec<String>,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only articles of these sites (none: all).
    pub sites: Vec<String>,
    /// Only documents of this kind (`Kế hoạch`; without diacritics, any spelling).
    pub kind: Option<String>,
    /// Only citations published on or after this day.
    pub since: Option<NaiveDate>,
}

/// The documents cited by the archive's current articles, most cited first; and the article
/// files that could not be read.
pub fn documents(archive: &Archive, f: &Filter) -> Result<(Vec<Cited>, Vec<std::path::PathBuf>)> {
    let mut by_key: BTreeMap<String, (Cited, Vec<(String, String)>)> = BTreeMap::new();
    let mut current = archive.readable();
    for s in &mut current {
        let s = s?;
        let a = &s.article;
        if !f.sites.is_empty() && !f.sites.contains(&a.site) {
            continue;
        }
        let day = a
            .published
            .as_deref()
            .and_then(When::parse_stored)
            .map(|w| match w {
                When::Date(d) => d,
                When::DateTime(t) => t.date_naive(),
            })
            .or_else(|| {
                chrono::DateTime::parse_from_rfc3339(&s.fetch.fetched_at)
                    .ok()
                    .map(|t| t.date_naive())
            });
        if f.since.is_some_and(|since| day.is_none_or(|d| d < since)) {
            continue;
        }
        let day = day.map(|d| d.to_string()).unwrap_or_default();
        for d in documents_of(a) {
            if let Some(kind) = &f.kind
                && !d
                    .kind
                    .as_deref()
                    .is_some_and(|k| crate::search::query::name_matches(kind, k, Default::default()))
            {
                continue;
            }
            let (cited, seen) = by_key.entry(DocumentRef::key(&d.number)).or_insert_with(|| {
                (
                    Cited {
                        number: d.number.clone(),
                        kind: None,
                        year: None,
                        issuer: None,
                        date: None,
                        articles: 0,
                        first: day.clone(),
                        last: day.clone(),
                        sites: Vec::new(),
                        examples: Vec::new(),
                    },
                    Vec::new(),
                )
            });
            cited.kind = cited.kind.take().or(d.kind);
            cited.year = cited.year.or(d.year);
            cited.issuer = cited.issuer.take().or(d.issuer);
            cited.date = cited.date.take().or(d.date);
            cited.articles += 1;
            if day < cited.first {
                cited.first.clone_from(&day);
            }
            if day > cited.last {
                cited.last.clone_from(&day);
            }
            if !cited.sites.contains(&a.site) {
                cited.sites.push(a.site.clone());
            }
            seen.push((day.clone(), s.id.clone()));
        }
    }
    let mut out: Vec<Cited> = by_key
        .into_values()
        .map(|(mut c, mut seen)| {
            seen.sort();
            c.examples = seen.into_iter().take(10).map(|(_, id)| id).collect();
            c.sites.sort();
            c
        })
        .collect();
    out.sort_by(|a, b| b.articles.cmp(&a.articles).then_with(|| a.number.cmp(&b.number)));
    Ok((out, current.skipped().to_vec()))
}
