//! Decoding and extraction re-run over the archived record, with the profiles (and the
//! configuration's URL patterns) in force now. Every HTML `2xx` response in the WARC files
//! is a candidate, whatever its page was judged at crawl time: the newest response of each
//! URL is extracted again, and what comes out an article is archived — a new article (a page
//! misjudged at crawl time), a new revision when its text comes out differently, or nothing
//! when it is the same. The documents' responses (any other `2xx` body that is one by its
//! bytes) are read again too: their text files are made anew, a fetch the attachments log
//! lacks is added to it, and the articles linking them are indexed again. Nothing is
//! fetched, nothing archived is removed.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

use crate::archive::attachments::{self, Extraction, Found, TextFile};
use crate::archive::{Archive, FetchInfo, PutOutcome, WarcRef, warc};
use crate::config::Config;
use crate::error::Result;
use crate::extract::{self, Page, PageType, profile::Profiles};
use crate::index::Indexer;

/// What a re-extraction did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reextracted {
    /// HTML `2xx` responses extracted again (the newest of each URL).
    pub responses: usize,
    /// Pages that are articles now and were not archived as such: new articles.
    pub new: usize,
    /// Articles whose text changed: a new revision was stored.
    pub changed: usize,
    pub unchanged: usize,
    /// Responses that are not articles (listings, other pages, articles without text).
    pub not_articles: usize,
    /// Records that could not be read (each is logged), WARC files included.
    pub unreadable: usize,
    /// Documents whose text was read again (the newest response of each document's URL).
    pub documents: usize,
}

/// The newest `2xx` response record of every URL: HTML pages, and the other responses (the
/// documents among them are known by their bytes).
#[derive(Default)]
struct Newest {
    pages: BTreeMap<String, WarcRef>,
    others: BTreeMap<String, WarcRef>,
}

/// The newest `2xx` response record of every URL in the archive's WARC files, whole (a
/// response cut off at the size limit is not one to read again).
fn newest_responses(archive: &Archive, done: &mut Reextracted) -> Result<Newest> {
    let dir = archive.warc_dir();
    let mut newest = Newest::default();
    // Oldest first, so the last response seen of a URL is its newest.
    for file in crate::archive::cdxj::warc_files(archive.root())? {
        for m in warc::Members::open(&dir.join(&file))? {
            let (span, record) = match m {
                Ok(m) => m,
                Err(e) => {
                    tracing::error!("{e}");
                    done.unreadable += 1;
                    break;
                }
            };
            if record.header("WARC-Type") != Some("response") {
                continue;
            }
            let Some(uri) = record.header("WARC-Target-URI") else {
                continue;
            };
            let Some((status, headers, _)) = record.http() else {
                continue;
            };
            let html = warc::header(&headers, "content-type").is_none_or(|ct| {
                let ct = ct.to_ascii_lowercase();
                ct.contains("html") || ct.starts_with("text/plain")
            });
            if !(200..300).contains(&status) || record.header("WARC-Truncated").is_some() {
                continue;
            }
            let at = WarcRef {
                file: file.clone(),
                offset: span.offset,
                length: span.length,
                record_id: record.header("WARC-Record-ID").unwrap_or_default().to_owned(),
            };
            let (this, other) = if html {
                (&mut newest.pages, &mut newest.others)
            } else {
                (&mut newest.others, &mut newest.pages)
            };
            // The URL's newest response decides what it is now.
            other.remove(uri);
            this.insert(uri.to_owned(), at);
        }
    }
    Ok(newest)
}

/// Re-extract every archived HTML response (the newest of each URL) and archive what is an
/// article now.
pub fn reextract(
    archive: &mut Archive,
    indexer: &mut Indexer,
    profiles: &Profiles,
    cfg: Option<&Config>,
) -> Result<Reextracted> {
    let mut done = Reextracted::default();
    let newest = newest_responses(archive, &mut done)?;
    let reread = reread_documents(archive, &newest.others, &mut done)?;
    let mut indexed = std::collections::HashSet::new();
    for (uri, at) in newest.pages {
        let record = match warc::read_at(&archive.warc_dir(), &at) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!("{uri}: {e}");
                done.unreadable += 1;
                continue;
            }
        };
        let Some((status, headers, body)) = record.http() else {
            done.unreadable += 1;
            continue;
        };
        done.responses += 1;
        let url = url::Url::parse(&uri).ok();
        let site = cfg.and_then(|c| c.sites.iter().find(|s| url.as_ref().is_some_and(|u| s.in_scope(u))));
        let date = record.header("WARC-Date").unwrap_or_default().to_owned();
        let page = Page {
            bytes: body,
            content_type: warc::header(&headers, "content-type"),
            url: &uri,
            fetched_at: chrono::DateTime::parse_from_rfc3339(&date).ok(),
            patterns: site.map(|s| &s.patterns),
        };
        let mut article = extract::extract_for_site(&page, profiles).article;
        if article.page_type != PageType::Article || !article.is_archivable() {
            done.not_articles += 1;
            continue;
        }
        // The site: the configuration's whose scope holds the URL, else the one the article
        // was archived under, else the host.
        let id = crate::archive::article_id(article.canonical_url.as_deref().unwrap_or(&article.url));
        article.site = match (site, archive.get(&id)) {
            (Some(s), _) => s.name.clone(),
            (None, Ok(Some(stored))) => stored.article.site,
            _ => url.as_ref().and_then(|u| u.host_str()).unwrap_or("unknown").to_owned(),
        };
        // Its documents as the crawl knows their URLs (see `crawl::page`).
        let ignore = site.map_or(&[][..], |s| &s.ignore_params[..]);
        crate::config::normalise_attachments(&mut article.attachments, ignore);
        let fetch = FetchInfo {
            fetched_at: date,
            status,
            final_url: uri.clone(),
            content_type: warc::header(&headers, "content-type").map(str::to_owned),
            etag: warc::header(&headers, "etag").map(str::to_owned),
            last_modified: warc::header(&headers, "last-modified").map(str::to_owned),
            content_sha256: format!("{:x}", Sha256::digest(body)),
            warc: Some(at),
        };
        match archive.put_reextracted(article.into(), fetch)? {
            PutOutcome::Unchanged { .. } => done.unchanged += 1,
            PutOutcome::New(n) | PutOutcome::Updated(n) => {
                if n.revision == 1 {
                    done.new += 1;
                } else {
                    done.changed += 1;
                }
                indexer.upsert(
                    &n,
                    &archive.path_of(&n.id).unwrap_or_default(),
                    &archive.attachment_texts(&n.article),
                )?;
                indexed.insert(n.id);
            }
        }
    }
    // The other articles linking a document read again: indexed with its text as it is now.
    if !reread.is_empty() {
        for s in archive.readable() {
            let s = s?;
            if !indexed.contains(&s.id) && s.article.attachments.iter().any(|l| reread.contains(&l.url)) {
                indexer.upsert(
                    &s,
                    &archive.path_of(&s.id).unwrap_or_default(),
                    &archive.attachment_texts(&s.article),
                )?;
            }
        }
    }
    indexer.commit()?;
    archive.flush()?;
    Ok(done)
}

/// Read every document among `others` again: its text file is written anew, and its fetch
/// is added to the attachments log when the log does not say it (a document archived
/// before vnnews read them, a log lost). Returns the URLs read.
fn reread_documents(
    archive: &mut Archive,
    others: &BTreeMap<String, WarcRef>,
    done: &mut Reextracted,
) -> Result<std::collections::HashSet<String>> {
    use crate::extract::attachment;
    let mut reread = std::collections::HashSet::new();
    for (uri, at) in others {
        let record = match warc::read_at(&archive.warc_dir(), at) {
            Ok(r) => r,
            Err(e) => {
                tracing::error!("{uri}: {e}");
                done.unreadable += 1;
                continue;
            }
        };
        let Some((status, headers, body)) = record.http() else {
            done.unreadable += 1;
            continue;
        };
        let Ok(url) = url::Url::parse(uri) else { continue };
        let content_type = warc::header(&headers, "content-type");
        let Some(format) = attachment::sniff(body, content_type, &url) else {
            continue;
        };
        done.documents += 1;
        let read = attachment::read(body, format);
        let sha256 = format!("{:x}", Sha256::digest(body));
        if !read.text.is_empty() {
            let text = TextFile {
                sha256: sha256.clone(),
                format,
                outcome: read.outcome.clone(),
                text: read.text,
                repairs: read.repairs,
            };
            attachments::write_text(archive.root(), &text, true)?;
        }
        let fetch = attachments::Fetch {
            url: uri.clone(),
            found: Found {
                fetched_at: record.header("WARC-Date").unwrap_or_default().to_owned(),
                status: Some(status),
                file_name: attachment::file_name(warc::header(&headers, "content-disposition"), &url),
                media_type: Some(format.media_type().to_owned()),
                content_type: content_type.map(str::to_owned),
                size: Some(body.len() as u64),
                sha256: Some(sha256),
                warc: Some(at.clone()),
                extraction: Extraction::Read(read.outcome),
            },
        };
        if archive.attachments().is_news(&fetch) {
            attachments::land(
                archive.root(),
                &attachments::Pending {
                    fetch: fetch.clone(),
                    text: None,
                },
            )?;
            archive.attachment_landed(fetch);
        }
        reread.insert(uri.clone());
    }
    Ok(reread)
}
