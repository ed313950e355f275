//! `page` decides what one fetch becomes — an outcome value for the run loop: the counts it
//! adds to its site, the row to record for its URL, the links to queue, the exchange's WARC
//! records (every answer has them, whatever the page), and, for an article, what to archive.
//! It reads no state and touches neither the frontier nor the archive.

use super::SiteStats;
use super::discover;
use super::fetch::Fetched;
use super::frontier::Link;
use super::job::{Captured, Job, JobResult, NoLonger, fetch_date};
use super::job::{DocumentRead, is_document};
use super::state::{Outcome, UrlState};
use crate::archive::attachments::{self, Extraction, NotFetched};
use crate::archive::removals::{Change, Mark};
use crate::archive::{FetchInfo, warc};
use crate::config::{Config, Site};
use crate::extract::attachment;
use crate::extract::{self, PageType};

/// The outcomes a fetch gives (see [`handle`]).
impl Outcome {
    /// Handling the URL panicked: recorded failed, with the message, and counted.
    pub fn panicked(message: String) -> Outcome {
        Outcome {
            error: Some(message),
            panicked: true,
            ..Outcome::of(UrlState::Failed)
        }
    }

    fn fetched(state: UrlState, f: &Fetched) -> Outcome {
        Outcome {
            status: Some(f.status),
            etag: f.header("etag").map(str::to_owned),
            last_modified: f.header("last-modified").map(str::to_owned),
            content_sha256: (200..300).contains(&f.status).then(|| f.body_sha256.clone()),
            ..Outcome::of(state)
        }
    }

    /// This outcome failed, and why.
    pub fn fail(&mut self, error: String) {
        self.state = UrlState::Failed;
        self.error = Some(error);
    }
}

/// An article to archive (its JSON file points to the exchange's response record).
pub(super) struct ToArchive {
    pub article: extract::Article,
    pub fetch: FetchInfo,
}

/// What one fetch becomes. Its URL is recorded (with its links) once its records, and its
/// article, are durable.
pub(super) struct Handled {
    pub recorded: Outcome,
    /// Links to queue.
    pub links: Vec<Link>,
    /// The exchange's WARC records.
    pub records: Option<warc::Prepared>,
    /// Other exchanges the fetch made (a probe for a missing address), to WARC with it.
    pub extra: Vec<warc::Prepared>,
    pub archive: Option<Box<ToArchive>>,
    /// The article the URL gave is gone from it, or back.
    pub mark: Option<Mark>,
    /// What a document's fetch found, to record once its records are durable.
    pub attachment: Option<Box<attachments::Pending>>,
}

impl From<Outcome> for Handled {
    fn from(recorded: Outcome) -> Handled {
        Handled {
            recorded,
            links: Vec::new(),
            records: None,
            extra: Vec::new(),
            archive: None,
            mark: None,
            attachment: None,
        }
    }
}

/// A mark for the article the URL last gave (none when the state does not say which).
pub(super) fn mark(job: &Job, change: Change, evidence: String) -> Option<Mark> {
    let p = &job.previous;
    let id = p.article_id.clone()?;
    let was_present = p.status.is_some_and(|s| (200..300).contains(&s) || s == 304);
    Some(Mark {
        id,
        url: job.url.to_string(),
        change,
        at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        last_seen_present: p.fetched_at.clone().filter(|_| was_present),
        evidence,
    })
}

fn was_article(job: &Job) -> bool {
    job.previous.page_type == Some(PageType::Article)
}

impl Handled {
    /// With the exchange's records: a response record becomes the URL's last record.
    fn with(mut self, captured: Captured) -> Handled {
        self.recorded.record = captured.last;
        self.records = Some(captured.records);
        self
    }
}

/// Count one fetch in its site's `stats` and say what becomes of it.
pub(super) fn handle(cfg: &Config, site: &Site, job: &Job, result: JobResult, stats: &mut SiteStats) -> Handled {
    match result {
        JobResult::SkippedRobots => {
            tracing::debug!("{}: disallowed by robots.txt", job.url);
            stats.skipped_robots += 1;
            Outcome::of(UrlState::Robots).into()
        }
        JobResult::HostUnavailable(why) => {
            tracing::debug!("{}: not fetched: {why}", job.url);
            stats.failed += 1;
            stats.unreachable += 1;
            let mut r = Outcome::of(UrlState::Failed);
            r.error = Some(why);
            r.into()
        }
        JobResult::Panicked {
            fetched,
            message,
            captured,
        } => {
            tracing::error!("{}: {message}", job.url);
            stats.fetched += 1;
            stats.failed += 1;
            // The content it panicked on, so the give-up rule knows when it changed.
            let mut r = Outcome::panicked(message);
            r.content_sha256 = Some(fetched.body_sha256.clone());
            Handled::from(r).with(captured)
        }
        JobResult::Failed(e) => {
            tracing::warn!("{}: {e}", job.url);
            stats.failed += 1;
            let mut r = Outcome::of(UrlState::Failed);
            r.error = Some(e);
            r.into()
        }
        JobResult::Redirect(target, captured) => {
            stats.redirects += 1;
            tracing::debug!("{} redirects to {target}", job.url);
            let away = was_article(job)
                .then(|| super::gone::redirect_away(&job.url, &target, site))
                .flatten();
            // Next in line, same depth; a loop ends at a URL already seen.
            Handled {
                links: vec![Link {
                    url: target,
                    depth: job.depth,
                    front: true,
                }],
                mark: away.and_then(|why| mark(job, Change::Gone, why)),
                ..Outcome::of(UrlState::Redirect).into()
            }
            .with(captured)
        }
        JobResult::NotModified(status, captured) => {
            stats.fetched += 1;
            stats.not_modified += 1;
            stats.unchanged += 1;
            Handled {
                mark: mark(job, Change::Restored, format!("HTTP {status} to a conditional request")),
                ..Outcome {
                    status: Some(status),
                    ..Outcome::of(UrlState::NotModified)
                }
                .into()
            }
            .with(captured)
        }
        JobResult::SameBody(f, captured) => {
            stats.fetched += 1;
            stats.unchanged += 1;
            // The body of the article as last archived (a page that marked it gone leaves
            // neither its hash nor its validators behind): if it was gone, it is back.
            Handled {
                mark: mark(job, Change::Restored, format!("the article again (HTTP {})", f.status)),
                ..Outcome::fetched(UrlState::Unchanged, &f).into()
            }
            .with(captured)
        }
        JobResult::Page(f, x, captured, no_longer) => {
            let mut handled = page(cfg, site, job, *f, x, no_longer.map(|n| *n), stats);
            // A document's address that answers with an error: said of the document.
            if is_document(job)
                && let (Some(status), true) = (handled.recorded.status, handled.recorded.state == UrlState::Failed)
            {
                handled.attachment = Some(Box::new(failed_document(job, status)));
            }
            handled.with(captured)
        }
        JobResult::Document(f, captured, read) => document(cfg, job, *f, *read, stats).with(captured),
    }
}

/// A document answered: its outcome (text read, too large, not a document), to record; its
/// URL is one to check again, conditionally.
fn document(cfg: &Config, job: &Job, f: Fetched, read: DocumentRead, stats: &mut SiteStats) -> Handled {
    stats.fetched += 1;
    stats.documents += 1;
    let extraction = match (&read.format, &read.text) {
        _ if f.truncated => {
            stats.documents_too_large += 1;
            tracing::warn!(
                "{}: larger than max_attachment_bytes ({}); recorded, not downloaded",
                job.url,
                cfg.max_attachment_bytes
            );
            Extraction::Fetch(NotFetched::TooLarge {
                limit: cfg.max_attachment_bytes,
            })
        }
        (None, _) => {
            tracing::info!("{}: a document's address answered with something else", job.url);
            Extraction::Fetch(NotFetched::NotADocument)
        }
        (Some(_), Some(t)) => {
            if matches!(t.outcome, attachment::TextOutcome::Text { .. }) {
                stats.documents_read += 1;
            }
            Extraction::Read(t.outcome.clone())
        }
        (Some(_), None) => Extraction::Read(attachment::TextOutcome::NotExtracted),
    };
    let size = if f.truncated {
        f.header("content-length").and_then(|n| n.trim().parse().ok())
    } else {
        Some(f.body.len() as u64)
    };
    let sha256 = (!f.truncated).then(|| f.body_sha256.clone());
    let text = match (read.format, read.text, &sha256) {
        // (Only a text is kept: the outcome of one without text is in the line.)
        (Some(format), Some(t), Some(sha)) if !t.text.is_empty() => Some(attachments::TextFile {
            sha256: sha.clone(),
            format,
            outcome: t.outcome,
            text: t.text,
            repairs: t.repairs,
        }),
        _ => None,
    };
    let fetch = attachments::Fetch {
        url: job.url.to_string(),
        found: attachments::Found {
            fetched_at: fetch_date(&f),
            status: Some(f.status),
            file_name: attachment::file_name(f.header("content-disposition"), &f.url),
            media_type: read.format.map(|m| m.media_type().to_owned()),
            content_type: f.header("content-type").map(str::to_owned),
            size,
            sha256,
            warc: None,
            extraction,
        },
    };
    let mut recorded = Outcome::fetched(UrlState::Done, &f);
    recorded.page_type = Some(PageType::Other);
    recorded.document = read.format.is_some();
    Handled {
        attachment: Some(Box::new(attachments::Pending { fetch, text })),
        ..recorded.into()
    }
}

/// A document's address answered with an error status.
fn failed_document(job: &Job, status: u16) -> attachments::Pending {
    attachments::Pending {
        fetch: attachments::Fetch {
            url: job.url.to_string(),
            found: attachments::Found {
                fetched_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                status: Some(status),
                file_name: attachment::file_name(None, &job.url),
                media_type: None,
                content_type: None,
                size: None,
                sha256: None,
                warc: None,
                extraction: Extraction::Fetch(NotFetched::Failed {
                    reason: format!("HTTP {status}"),
                }),
            },
        },
        text: None,
    }
}

/// A page answered (not a redirect, not a 304).
fn page(
    cfg: &Config,
    site: &Site,
    job: &Job,
    f: Fetched,
    x: Option<Box<extract::Extraction>>,
    no_longer: Option<NoLonger>,
    stats: &mut SiteStats,
) -> Handled {
    stats.fetched += 1;
    if f.truncated {
        stats.truncated += 1;
        tracing::warn!(
            "{}: body cut off at max_body_bytes ({} bytes)",
            job.url,
            cfg.max_body_bytes
        );
    }
    if !(200..300).contains(&f.status) {
        let mut r = Outcome::fetched(UrlState::Failed, &f);
        r.error = Some(format!("HTTP {}", f.status));
        if was_article(job)
            && matches!(f.status, 404 | 410)
            && let Some(m) = mark(job, Change::Gone, format!("HTTP {}", f.status))
        {
            // An archived article the portal took down: counted as gone, not as a failure.
            // The URL keeps the article's validators, so its return is seen.
            (r.etag, r.last_modified) = (None, None);
            return Handled {
                mark: Some(m),
                ..r.into()
            };
        }
        tracing::warn!("{}: HTTP {}", job.url, f.status);
        stats.failed += 1;
        return r.into();
    }
    let Some(x) = x else {
        stats.other += 1;
        return Handled {
            links: feed_links(cfg, job, &f),
            ..Outcome {
                page_type: Some(PageType::Other),
                ..Outcome::fetched(UrlState::Done, &f)
            }
            .into()
        };
    };
    let page_type = x.article.page_type;
    let links = x
        .links
        .iter()
        .chain(&x.feeds)
        .map(|u| Link {
            url: u.clone(),
            depth: job.depth + 1,
            front: false,
        })
        .collect();
    let mut article = x.article;
    article.site = site.name.clone();
    let mut recorded = Outcome::fetched(UrlState::Done, &f);
    recorded.page_type = Some(page_type);
    // The URL gave an article and gives another page now: the probe's records go with this
    // page's, and a not-found page marks the article gone (its URL stays one to re-check).
    let (mut extra, mut gone) = (Vec::new(), None);
    if let Some(n) = no_longer {
        extra.extend(n.probe.map(|c| c.records));
        if let Some(why) = n.gone {
            // The URL stays one of an article, with the article's body hash and validators:
            // it is checked again, and its return is seen.
            recorded.page_type = Some(PageType::Article);
            (recorded.etag, recorded.last_modified, recorded.content_sha256) = (None, None, None);
            gone = mark(job, Change::Gone, why);
        }
    }
    if gone.is_some() {
        return Handled {
            recorded,
            links,
            extra,
            mark: gone,
            ..Outcome::of(UrlState::Done).into()
        };
    }
    match page_type {
        PageType::Listing => stats.listings += 1,
        PageType::Other => stats.other += 1,
        PageType::Article => {
            if !article.is_archivable() {
                tracing::warn!("{}: article page without text; not archived", job.url);
                stats.failed += 1;
                let mut r = Outcome::fetched(UrlState::Failed, &f);
                r.error = Some("article page without text".into());
                return Handled { links, ..r.into() };
            }
            // The documents as the frontier knows their URLs (normalised), to find the article
            // again when one of them is read.
            crate::config::normalise_attachments(&mut article.attachments, &site.ignore_params);
            recorded.attachments = article.attachments.iter().map(|l| l.url.clone()).collect();
            let fetch = FetchInfo {
                fetched_at: fetch_date(&f),
                status: f.status,
                final_url: f.url.to_string(),
                content_type: f.header("content-type").map(str::to_owned),
                etag: f.header("etag").map(str::to_owned),
                last_modified: f.header("last-modified").map(str::to_owned),
                content_sha256: recorded.content_sha256.clone().unwrap_or_default(),
                warc: None,
            };
            return Handled {
                recorded,
                links,
                extra,
                archive: Some(Box::new(ToArchive { article, fetch })),
                ..Outcome::of(UrlState::Done).into()
            };
        }
    }
    Handled {
        recorded,
        links,
        extra,
        ..Outcome::of(UrlState::Done).into()
    }
}

/// The pages and sitemaps a sitemap or feed lists (nothing for other answers).
fn feed_links(cfg: &Config, job: &Job, f: &Fetched) -> Vec<Link> {
    if !discover::is_xml(f.header("content-type"), &f.body) {
        return Vec::new();
    }
    let xml = discover::gunzip_bounded(&f.body, cfg.max_body_bytes);
    let found = discover::parse(xml.as_deref().unwrap_or(&f.body));
    tracing::debug!(
        "{}: {} pages, {} sitemaps listed",
        job.url,
        found.pages.len(),
        found.sitemaps.len()
    );
    let pages = found
        .pages
        .iter()
        .filter_map(|(page, _lastmod)| f.url.join(page).ok())
        .map(|u| Link {
            url: u,
            depth: job.depth + 1,
            front: false,
        });
    // A sitemap index's sitemaps are as near the start as the index.
    let sitemaps = found
        .sitemaps
        .iter()
        .filter_map(|sm| f.url.join(sm).ok())
        .map(|u| Link {
            url: u,
            depth: job.depth,
            front: false,
        });
    pages.chain(sitemaps).collect()
}
