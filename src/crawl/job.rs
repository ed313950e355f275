//! `job` is one fetch with its retries and backoff: robots.txt consulted, the host's
//! limiter and Retry-After window obeyed, a conditional request when the URL last gave an
//! article; every answer's WARC records (response or revisit, and request) are prepared
//! (compressed) on the blocking pool, and an HTML answer is decoded and extracted there too,
//! off the crawl's loop.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

use super::fetch::{self, Fetched, Fetcher, Validators};
use super::host::Host;
use super::state::{LastRecord, Previous};
use crate::archive::{HttpRequest, HttpResponse, warc};
use crate::config::Config;
use crate::extract::attachment::{self, DocumentText, Format};
use crate::extract::{self, Extraction, Page, profile::Profiles};

pub(super) struct Job {
    pub url: Url,
    pub site: usize,
    pub depth: u32,
    pub previous: Previous,
}

pub(super) enum JobResult {
    /// A page, with its WARC records; HTML pages with what was extracted from them; when the
    /// URL was an article and is none now, whether it is a not-found page.
    Page(Box<Fetched>, Option<Box<Extraction>>, Captured, Option<Box<NoLonger>>),
    /// A document's URL answered 2xx (or a body sniffed as a document): what it is, and its
    /// text when it was read.
    Document(Box<Fetched>, Captured, Box<DocumentRead>),
    /// A conditional request answered 304.
    NotModified(u16, Captured),
    /// The same body as the last fetch of this article: nothing to extract.
    SameBody(Box<Fetched>, Captured),
    /// A 3xx answer: the target is crawled as its own request.
    Redirect(Url, Captured),
    SkippedRobots,
    /// The host could not be reached (or its robots.txt failed): nothing was asked of it.
    HostUnavailable(String),
    /// Handling the page panicked (now, or too often before on this content).
    Panicked {
        fetched: Box<Fetched>,
        message: String,
        captured: Captured,
    },
    /// No answer (or none that could be recorded).
    Failed(String),
}

/// What a document's answer is.
pub(super) struct DocumentRead {
    /// Sniffed from the bytes; `None`: not a document (an HTML page at a `.pdf` address).
    pub format: Option<Format>,
    /// Its text, unless it was cut off at `max_attachment_bytes` (or is not a document).
    pub text: Option<DocumentText>,
}

/// Whether a job is for a document: by its address, or because it gave one before.
pub(super) fn is_document(job: &Job) -> bool {
    job.previous.document || attachment::document_link(&job.url).is_some()
}

/// A document's download may take this long (a 50 MB file at 100 kB/s), against the page
/// limit of twice `timeout_secs`.
const DOCUMENT_TIMEOUT: Duration = Duration::from_secs(600);

/// A URL that gave an article gives another page now.
pub(super) struct NoLonger {
    /// Why it is a not-found page, if it is one.
    pub gone: Option<String>,
    /// The records of the probe for a missing address, when this job asked it.
    pub probe: Option<Captured>,
}

/// The WARC records of one exchange, prepared off the loop that appends them.
pub(super) struct Captured {
    pub records: warc::Prepared,
    /// The URL's new last record, when this is a response record (not a revisit).
    pub last: Option<LastRecord>,
}

/// Prepare the records of an exchange: a revisit when the answer is a 304 or the payload of
/// the URL's last response record, else a response; the request after it.
pub(super) fn capture(f: &Fetched, previous: &Previous) -> std::io::Result<Captured> {
    let date = fetch_date(f);
    let ok = (200..300).contains(&f.status);
    let revisit = if f.status == 304 {
        Some(warc::Revisit::NotModified)
    } else if ok && !f.truncated && previous.record.as_ref().is_some_and(|r| r.sha256 == f.body_sha256) {
        Some(warc::Revisit::IdenticalPayload)
    } else {
        None
    };
    let refers = previous.record.as_ref().map(|r| warc::RefersTo {
        record_id: &r.id,
        date: &r.date,
    });
    let request = HttpRequest {
        headers: &f.request_headers,
        ip: f.ip,
    };
    let records = warc::Prepared::exchange(
        &http_response(f, &date),
        Some(&request),
        revisit.map(|why| (why, refers)),
    )?;
    let last = (revisit.is_none() && ok && !f.truncated).then(|| LastRecord {
        id: records.id().to_owned(),
        date: date.clone(),
        sha256: f.body_sha256.clone(),
    });
    Ok(Captured { records, last })
}

/// The fetch time as archived (RFC 3339, seconds, UTC).
pub(super) fn fetch_date(f: &Fetched) -> String {
    f.fetched_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn http_response<'a>(f: &'a Fetched, date: &'a str) -> HttpResponse<'a> {
    HttpResponse {
        url: f.url.as_str(),
        status: f.status,
        reason: &f.reason,
        headers: &f.headers,
        body: &f.body,
        body_sha256: Some(&f.body_sha256),
        date,
        truncated: f.truncated,
    }
}

fn jitter(max: Duration) -> Duration {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    max.mul_f64((h.finish() % 1000) as f64 / 1000.0)
}

fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(500 * (1u64 << attempt.min(7))).min(Duration::from_secs(60))
        + jitter(Duration::from_millis(250))
}

pub(super) async fn fetch_job(
    job: &Job,
    host: Arc<Host>,
    fetcher: Fetcher,
    cfg: Arc<Config>,
    profiles: Arc<Profiles>,
) -> JobResult {
    let rules = host.rules(&fetcher, &cfg).await;
    if let Some(why) = &rules.unavailable {
        return JobResult::HostUnavailable(why.clone());
    }
    if !rules.robots.allowed(&job.url) {
        return JobResult::SkippedRobots;
    }
    let validators = if job.previous.conditional() {
        Validators {
            etag: job.previous.etag.clone(),
            last_modified: job.previous.last_modified.clone(),
        }
    } else {
        Validators::default()
    };
    let document = is_document(job);
    let (max_body, timeout) = if document {
        (cfg.max_attachment_bytes, Some(DOCUMENT_TIMEOUT.max(cfg.timeout * 2)))
    } else {
        (cfg.max_body_bytes, None)
    };
    let mut attempt = 0;
    let fetched = loop {
        host.acquire().await;
        match fetcher.get_limited(&job.url, &validators, max_body, timeout).await {
            Ok(f) if f.status == 429 || f.status == 503 => {
                let wait = f
                    .header("retry-after")
                    .and_then(|v| fetch::retry_after(v, chrono::Utc::now()))
                    .unwrap_or_else(|| backoff(attempt));
                tracing::info!("{}: HTTP {}; backing off the host for {wait:?}", job.url, f.status);
                host.block_for(wait.min(Duration::from_secs(3600)));
                if attempt >= cfg.retries {
                    break f;
                }
            }
            Ok(f) if f.status >= 500 && attempt < cfg.retries => {
                tracing::info!("{}: HTTP {}; retrying", job.url, f.status);
                tokio::time::sleep(backoff(attempt)).await;
            }
            Ok(f) => break f,
            Err(e) if e.is_transient() && attempt < cfg.retries => {
                tracing::info!("{}: {e}; retrying", job.url);
                tokio::time::sleep(backoff(attempt)).await;
            }
            Err(e) => return JobResult::Failed(e.to_string()),
        }
        attempt += 1;
    };
    let redirect = (300..400)
        .contains(&fetched.status)
        .then(|| fetched.header("location").and_then(|l| fetched.url.join(l).ok()))
        .flatten();
    let ok = (200..300).contains(&fetched.status);
    let same_body = job.previous.conditional()
        && !fetched.truncated
        && job.previous.content_sha256.as_deref() == Some(fetched.body_sha256.as_str());
    // A document: a 2xx at a document's address, or bytes that are one whatever the label.
    let format = ok
        .then(|| attachment::sniff(&fetched.body, fetched.header("content-type"), &fetched.url))
        .flatten();
    let as_document = ok && (document || format.is_some());
    let html = ok && !as_document && fetched.is_html();
    let give_up = (html || as_document) && !same_body && job.previous.gives_up_on(&fetched.body_sha256);
    let extract_it = html && !same_body && !give_up;
    let read_it = as_document && !same_body && !give_up && !fetched.truncated;
    // The records, and the extraction of an HTML page, on the blocking pool: compressing
    // and parsing are the costly parts of a page, and run in parallel with other pages.
    let previous = job.previous.clone();
    let site = job.site;
    let done = tokio::task::spawn_blocking(move || {
        let mut captured = capture(&fetched, &previous);
        let text = format.filter(|_| read_it).map(|f| attachment::read(&fetched.body, f));
        let x = extract_it.then(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let url = fetched.url.as_str();
                let page = Page {
                    bytes: &fetched.body,
                    content_type: fetched.header("content-type"),
                    url,
                    fetched_at: Some(fetched.fetched_at.with_timezone(&crate::time::vn_offset())),
                    patterns: Some(&cfg.sites[site].patterns),
                };
                extract::extract(&page, profiles.for_url(url))
            }))
        });
        // An article's file points to its response record, which must hold the payload: a
        // page seen before with this payload (as a listing, say) gets a full record again.
        let archivable =
            |x: &Extraction| x.article.page_type == extract::PageType::Article && x.article.is_archivable();
        if matches!(&x, Some(Ok(x)) if archivable(x)) && captured.as_ref().is_ok_and(|c| c.records.is_revisit()) {
            captured = capture(&fetched, &Previous::default());
        }
        (fetched, captured, x, text)
    })
    .await;
    let (fetched, captured, x, text) = match done {
        Ok(d) => d,
        Err(e) => return JobResult::Failed(format!("recording the answer failed: {}", panic_message(e))),
    };
    let captured = match captured {
        Ok(c) => c,
        Err(e) => return JobResult::Failed(format!("cannot prepare the WARC records: {e}")),
    };
    if let Some(target) = redirect {
        return JobResult::Redirect(target, captured);
    }
    if fetched.status == 304 {
        return JobResult::NotModified(fetched.status, captured);
    }
    if same_body {
        return JobResult::SameBody(Box::new(fetched), captured);
    }
    if give_up {
        return JobResult::Panicked {
            message: format!(
                "handling this content panicked {} times; not tried again until it changes",
                job.previous.panics
            ),
            fetched: Box::new(fetched),
            captured,
        };
    }
    if as_document {
        return JobResult::Document(Box::new(fetched), captured, Box::new(DocumentRead { format, text }));
    }
    match x {
        None => JobResult::Page(Box::new(fetched), None, captured, None),
        Some(Ok(x)) => {
            let no_longer = if job.previous.page_type == Some(extract::PageType::Article)
                && !(x.article.page_type == extract::PageType::Article && x.article.is_archivable())
            {
                Some(Box::new(no_longer(&fetched, &host, &fetcher, &rules.robots).await))
            } else {
                None
            };
            JobResult::Page(Box::new(fetched), Some(Box::new(x)), captured, no_longer)
        }
        Some(Err(p)) => JobResult::Panicked {
            fetched: Box::new(fetched),
            message: format!("extraction panicked: {}", panic_text(p.as_ref())),
            captured,
        },
    }
}

/// A URL that gave an article answers with another page: is it the portal's page for a
/// missing address? The origin is asked once per run for an address that cannot exist, near
/// this one (through its limiter, if robots.txt allows), and the two pages compared.
async fn no_longer(page: &Fetched, host: &Host, fetcher: &Fetcher, robots: &super::robots::Rules) -> NoLonger {
    let mut asked = None;
    let probe = host
        .missing
        .get_or_init(|| async {
            let n = jitter(Duration::from_secs(1_000_000)).as_nanos();
            let probe = page.url.join(&format!("vnnews-missing-{n:x}.htm")).ok()?;
            if !robots.allowed(&probe) {
                return None;
            }
            host.acquire().await;
            let f = Arc::new(fetcher.get(&probe, &Validators::default()).await.ok()?);
            asked = Some(f.clone());
            Some(f)
        })
        .await
        .clone();
    let gone = super::gone::soft_404(page, probe.as_deref());
    let probe = asked.and_then(|f| capture(&f, &Previous::default()).ok());
    NoLonger { gone, probe }
}

/// What a panicked task said (its message, when it gave one).
pub(super) fn panic_message(e: tokio::task::JoinError) -> String {
    if !e.is_panic() {
        return e.to_string();
    }
    panic_text(e.into_panic().as_ref())
}

pub(super) use crate::error::panic_text;
