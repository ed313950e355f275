//! `job` is one fetch with its retries and backoff: robots.txt consulted, the host's
//! limiter and Retry-After window obeyed, a conditional request when the URL last gave an
//! article; an HTML answer is decoded and extracted on the blocking pool, and an article's
//! WARC record is prepared (compressed) there too, off the crawl's loop.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

use super::fetch::{self, Fetched, Fetcher, Validators};
use super::host::Host;
use super::state::Previous;
use crate::archive::{HttpResponse, warc};
use crate::config::Config;
use crate::extract::{self, Extraction, Page, profile::Profiles};

pub(super) struct Job {
    pub url: Url,
    pub site: usize,
    pub depth: u32,
    pub previous: Previous,
}

pub(super) enum JobResult {
    /// A page; HTML pages with what was extracted from them.
    Page(Box<Fetched>, Option<Box<Extracted>>),
    /// A conditional request answered 304.
    NotModified(u16),
    /// The same body as the last fetch of this article: nothing to extract or archive.
    SameBody(Box<Fetched>),
    /// A 3xx answer: the target is crawled as its own request.
    Redirect(Url),
    SkippedRobots,
    /// The host could not be reached (or its robots.txt failed): nothing was asked of it.
    HostUnavailable(String),
    /// Handling the page panicked (now, or too often before on this content).
    Panicked {
        fetched: Box<Fetched>,
        message: String,
    },
    Failed(String),
}

/// An extracted page, with its WARC record prepared (compressed) when it is an article to
/// archive: that work is done beside the extraction, off the loop that archives.
pub(super) struct Extracted {
    pub x: Extraction,
    pub record: Option<warc::Prepared>,
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
    let mut attempt = 0;
    let fetched = loop {
        host.acquire().await;
        match fetcher.get(&job.url, &validators).await {
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
    if (300..400).contains(&fetched.status)
        && let Some(target) = fetched.header("location").and_then(|l| fetched.url.join(l).ok())
    {
        return JobResult::Redirect(target);
    }
    if fetched.status == 304 {
        return JobResult::NotModified(fetched.status);
    }
    if !(200..300).contains(&fetched.status) || !fetched.is_html() {
        return JobResult::Page(Box::new(fetched), None);
    }
    if job.previous.conditional()
        && !fetched.truncated
        && job.previous.content_sha256.as_deref() == Some(fetched.body_sha256.as_str())
    {
        return JobResult::SameBody(Box::new(fetched));
    }
    if job.previous.gives_up_on(&fetched.body_sha256) {
        return JobResult::Panicked {
            message: format!(
                "handling this content panicked {} times; not tried again until it changes",
                job.previous.panics
            ),
            fetched: Box::new(fetched),
        };
    }
    let fetched = Arc::new(fetched);
    let f2 = fetched.clone();
    let site = job.site;
    let extraction = tokio::task::spawn_blocking(move || {
        let url = f2.url.as_str();
        let page = Page {
            bytes: &f2.body,
            content_type: f2.header("content-type"),
            url,
            fetched_at: Some(f2.fetched_at.with_timezone(&crate::time::vn_offset())),
            patterns: Some(&cfg.sites[site].patterns),
        };
        let x = extract::extract(&page, profiles.for_url(url));
        // An article to archive: its WARC record is compressed here, in parallel with the
        // other pages, not in the loop that appends it.
        let record = x
            .article
            .is_archivable()
            .then(|| {
                let date = fetch_date(&f2);
                warc::Prepared::response(&http_response(&f2, &date))
            })
            .transpose();
        record.map(|record| Extracted { x, record })
    })
    .await;
    let fetched = Arc::try_unwrap(fetched).unwrap_or_else(|a| (*a).clone());
    match extraction {
        Ok(Ok(x)) => JobResult::Page(Box::new(fetched), Some(Box::new(x))),
        Ok(Err(e)) => JobResult::Failed(format!("cannot prepare the WARC record: {e}")),
        Err(e) => JobResult::Panicked {
            fetched: Box::new(fetched),
            message: format!("extraction panicked: {}", panic_message(e)),
        },
    }
}

/// What a panicked task said (its message, when it gave one).
pub(super) fn panic_message(e: tokio::task::JoinError) -> String {
    if !e.is_panic() {
        return e.to_string();
    }
    panic_text(e.into_panic().as_ref())
}

/// A panic's message, when it gave one.
pub(super) fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}
