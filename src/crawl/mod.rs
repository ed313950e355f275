//! `crawl` owns fetching: the frontier, politeness (one GCRA limiter per host, robots.txt,
//! `Retry-After`, bounded retries with backoff), discovery of links, and handing each page
//! to `extract` → `archive` → `index`.
//!
//! Fetch tasks run concurrently (up to `concurrency`), each gated by its host's limiter;
//! extraction runs on the blocking pool; the archive and the index writer are owned by the
//! single loop in [`run`], so writes never race.

pub mod discover;
pub mod fetch;
pub mod robots;
pub mod urls;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OnceCell, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use crate::archive::{Archive, FetchInfo, HttpResponse, PutOutcome};
use crate::config::{Config, Site};
use crate::error::Result;
use crate::extract::{self, Extraction, Page, PageType, profile::Profiles};
use crate::index::Indexer;
use fetch::{Fetched, Fetcher, Validators};
use robots::Rules;

/// Limits for one run, on top of the configuration.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Pages to fetch in this run, over all sites.
    pub max_pages: Option<usize>,
    pub max_duration: Option<Duration>,
    /// Only crawl these sites (by name); all when empty.
    pub sites: Vec<String>,
}

/// Counts for one site.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SiteStats {
    pub fetched: usize,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub skipped_robots: usize,
    pub listings: usize,
    pub other: usize,
    pub truncated: usize,
    pub redirects: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CrawlReport {
    pub sites: BTreeMap<String, SiteStats>,
    pub interrupted: bool,
    pub timed_out: bool,
    pub elapsed_secs: f64,
    /// Articles written in this run (new or updated), with their archive paths.
    #[serde(skip)]
    pub archived: Vec<(String, std::path::PathBuf)>,
}

impl CrawlReport {
    pub fn total(&self) -> SiteStats {
        let mut t = SiteStats::default();
        for s in self.sites.values() {
            t.fetched += s.fetched;
            t.new += s.new;
            t.updated += s.updated;
            t.unchanged += s.unchanged;
            t.failed += s.failed;
            t.skipped_robots += s.skipped_robots;
            t.listings += s.listings;
            t.other += s.other;
            t.truncated += s.truncated;
            t.redirects += s.redirects;
        }
        t
    }

    /// One line: `new 3, updated 0, unchanged 1, failed 0, skipped by robots 0 (longbien: …)`.
    pub fn summary_line(&self) -> String {
        let fmt = |s: &SiteStats| {
            format!(
                "fetched {}, new {}, updated {}, unchanged {}, failed {}, skipped by robots {}",
                s.fetched, s.new, s.updated, s.unchanged, s.failed, s.skipped_robots
            )
        };
        let per_site: Vec<String> = self.sites.iter().map(|(n, s)| format!("{n}: {}", fmt(s))).collect();
        format!("{} [{}]", fmt(&self.total()), per_site.join("; "))
    }
}

/// Small safety margin on top of the configured gap, so the gap a server measures between
/// two request starts never falls below it.
fn gap(rate: f64) -> Duration {
    Duration::from_secs_f64(1.0 / rate).mul_f64(1.02) + Duration::from_millis(2)
}

fn limiter(period: Duration) -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::with_period(period.max(Duration::from_nanos(1))).expect("non-zero period"))
}

struct HostRules {
    robots: Rules,
    /// A slower limiter when robots.txt's Crawl-delay exceeds the configured rate.
    slow: Option<DefaultDirectRateLimiter>,
}

/// Politeness state of one host (`scheme://host:port`).
struct Host {
    origin: Url,
    base: DefaultDirectRateLimiter,
    period: Duration,
    rules: OnceCell<HostRules>,
    blocked_until: Mutex<Option<Instant>>,
}

impl Host {
    fn new(origin: Url, rate: f64) -> Host {
        let period = gap(rate);
        Host {
            origin,
            base: limiter(period),
            period,
            rules: OnceCell::new(),
            blocked_until: Mutex::new(None),
        }
    }

    fn blocked_until(&self) -> Option<Instant> {
        *self.blocked_until.lock().expect("lock")
    }

    fn block_for(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut b = self.blocked_until.lock().expect("lock");
        if b.is_none_or(|cur| cur < until) {
            *b = Some(until);
        }
    }

    /// Wait until a request to this host may start: past any Retry-After window, then the
    /// host's limiter.
    async fn acquire(&self) {
        loop {
            if let Some(until) = self.blocked_until() {
                tokio::time::sleep_until(until).await;
            }
            match self.rules.get().and_then(|r| r.slow.as_ref()) {
                Some(slow) => slow.until_ready().await,
                None => self.base.until_ready().await,
            }
            // A 429 may have arrived while we waited for the limiter.
            if self.blocked_until().is_none_or(|u| u <= Instant::now()) {
                return;
            }
        }
    }

    async fn rules(&self, fetcher: &Fetcher, cfg: &Config) -> &HostRules {
        self.rules
            .get_or_init(|| async {
                let mut robots_url = self.origin.join("/robots.txt").expect("valid");
                // Follow up to five redirects (RFC 9309), each through the limiter.
                let mut answer = None;
                for _ in 0..6 {
                    self.base.until_ready().await;
                    let r = fetcher.get(&robots_url, &Validators::default()).await;
                    let target = match &r {
                        Ok(f) if (300..400).contains(&f.status) => {
                            f.header("location").and_then(|l| robots_url.join(l).ok())
                        }
                        _ => None,
                    };
                    answer = Some(r);
                    match target {
                        Some(t) => robots_url = t,
                        None => break,
                    }
                }
                let robots = match answer.expect("at least one attempt") {
                    Ok(f) if (200..300).contains(&f.status) => {
                        Rules::parse(&f.body, &cfg.user_agent, cfg.max_crawl_delay)
                    }
                    Ok(f) if (400..500).contains(&f.status) => Rules::allow_all(f.status.to_string()),
                    Ok(f) => {
                        tracing::warn!("{robots_url}: HTTP {}; not crawling this host in this run", f.status);
                        Rules::disallow_all(f.status.to_string())
                    }
                    Err(e) => {
                        tracing::warn!("{robots_url}: {e}; not crawling this host in this run");
                        Rules::disallow_all(e.to_string())
                    }
                };
                let slow = robots.delay.filter(|d| *d > self.period).map(|d| {
                    tracing::info!(
                        "{}: Crawl-delay {d:?} is slower than the configured rate; obeying it",
                        self.origin
                    );
                    let l = limiter(d + Duration::from_millis(2));
                    // The robots.txt request was the host's first: count it.
                    let _ = l.check();
                    l
                });
                HostRules { robots, slow }
            })
            .await
    }
}

struct Job {
    url: Url,
    site: usize,
    depth: u32,
}

enum JobResult {
    Page(Box<Fetched>, Option<Box<Extraction>>),
    /// A 3xx answer: the target is crawled as its own request.
    Redirect(Url),
    SkippedRobots,
    Failed(String),
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

async fn fetch_job(
    job: &Job,
    host: Arc<Host>,
    fetcher: Fetcher,
    cfg: Arc<Config>,
    profiles: Arc<Profiles>,
) -> JobResult {
    let rules = host.rules(&fetcher, &cfg).await;
    if !rules.robots.allowed(&job.url) {
        return JobResult::SkippedRobots;
    }
    let mut attempt = 0;
    let fetched = loop {
        host.acquire().await;
        match fetcher.get(&job.url, &Validators::default()).await {
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
        && let Some(target) = fetched.header("location").and_then(|l| fetched.final_url.join(l).ok())
    {
        return JobResult::Redirect(target);
    }
    if !(200..300).contains(&fetched.status) || !fetched.is_html() {
        return JobResult::Page(Box::new(fetched), None);
    }
    let fetched = Arc::new(fetched);
    let f2 = fetched.clone();
    let extraction = tokio::task::spawn_blocking(move || {
        let url = f2.final_url.as_str();
        let page = Page {
            bytes: &f2.body,
            content_type: f2.header("content-type"),
            url,
            fetched_at: Some(f2.fetched_at.with_timezone(&extract::date::vn_offset())),
        };
        extract::extract(&page, profiles.for_url(url))
    })
    .await;
    let fetched = Arc::try_unwrap(fetched).unwrap_or_else(|a| (*a).clone());
    match extraction {
        Ok(x) => JobResult::Page(Box::new(fetched), Some(Box::new(x))),
        Err(e) => JobResult::Failed(format!("extraction panicked: {e}")),
    }
}

/// The crawl's bookkeeping: what is queued and seen, per-site budgets and trap limits.
struct Frontier {
    queue: VecDeque<Job>,
    seen: HashSet<String>,
    scheduled: Vec<usize>,
    query_variants: HashMap<String, usize>,
}

impl Frontier {
    fn push(&mut self, cfg: &Config, site: &Site, site_idx: usize, url: &Url, depth: u32) -> bool {
        self.admit(cfg, site, site_idx, url, depth, false)
    }

    fn push_front(&mut self, cfg: &Config, site: &Site, site_idx: usize, url: &Url, depth: u32) -> bool {
        self.admit(cfg, site, site_idx, url, depth, true)
    }

    fn admit(&mut self, cfg: &Config, site: &Site, site_idx: usize, url: &Url, depth: u32, front: bool) -> bool {
        let u = urls::normalise(url, &site.ignore_params);
        if depth > site.max_depth || !site.in_scope(&u) || !urls::is_probably_page(&u) {
            return false;
        }
        if !self.seen.insert(u.as_str().to_owned()) {
            return false;
        }
        if u.query().is_some() {
            let key = format!("{}{}", u.origin().ascii_serialization(), u.path());
            let n = self.query_variants.entry(key).or_default();
            *n += 1;
            if *n > cfg.max_query_variants {
                tracing::debug!("{u}: too many query variants of this path; skipped");
                return false;
            }
        }
        let job = Job {
            url: u,
            site: site_idx,
            depth,
        };
        if front {
            self.queue.push_front(job);
        } else {
            self.queue.push_back(job);
        }
        true
    }
}

/// Crawl into the archive at `archive_dir`: open it (taking its lock) and its index, index
/// what an interrupted run archived but did not index, then [`run`].
pub async fn run_into(
    cfg: Config,
    archive_dir: &std::path::Path,
    profiles: Profiles,
    opts: &RunOptions,
    cancel: watch::Receiver<bool>,
) -> Result<CrawlReport> {
    let mut archive = Archive::open(archive_dir)?;
    let index = crate::index::open(&archive.index_dir())?;
    let mut indexer = Indexer::new(&index)?;
    // The archive is the source of truth: first index what it holds and the index lacks.
    let caught_up = crate::index::sync(&index, &archive, &mut indexer)?;
    if caught_up > 0 {
        tracing::warn!("indexed {caught_up} archived articles the index was missing");
    }
    run(
        Arc::new(cfg),
        &mut archive,
        &mut indexer,
        Arc::new(profiles),
        opts,
        cancel,
    )
    .await
}

/// Crawl the configured sites once: fetch, extract, archive, index. Stops early when
/// `cancel` turns true (SIGINT/SIGTERM), or at the run's page or time limit.
pub async fn run(
    cfg: Arc<Config>,
    archive: &mut Archive,
    indexer: &mut Indexer,
    profiles: Arc<Profiles>,
    opts: &RunOptions,
    mut cancel: watch::Receiver<bool>,
) -> Result<CrawlReport> {
    let started = Instant::now();
    let fetcher = Fetcher::new(&cfg)?;
    let mut report = CrawlReport::default();
    let active: Vec<usize> = (0..cfg.sites.len())
        .filter(|&i| opts.sites.is_empty() || opts.sites.contains(&cfg.sites[i].name))
        .collect();
    let mut frontier = Frontier {
        queue: VecDeque::new(),
        seen: HashSet::new(),
        scheduled: vec![0; cfg.sites.len()],
        query_variants: HashMap::new(),
    };
    for &i in &active {
        let site = &cfg.sites[i];
        report.sites.insert(site.name.clone(), SiteStats::default());
        for u in site.start_urls.iter().chain(&site.sitemaps).chain(&site.feeds) {
            frontier.push(&cfg, site, i, u, 0);
        }
    }
    let mut hosts: HashMap<String, Arc<Host>> = HashMap::new();
    let mut done: HashSet<String> = HashSet::new();
    let mut robots_sitemaps_seen: HashSet<String> = HashSet::new();
    let mut inflight: JoinSet<(Job, JobResult)> = JoinSet::new();
    let mut total_scheduled = 0usize;
    let deadline = opts.max_duration.map(|d| started + d);
    let mut since_commit = 0usize;

    loop {
        while inflight.len() < cfg.concurrency {
            let Some(job) = frontier.queue.pop_front() else { break };
            let site = &cfg.sites[job.site];
            if frontier.scheduled[job.site] >= site.max_pages || opts.max_pages.is_some_and(|m| total_scheduled >= m) {
                continue;
            }
            frontier.scheduled[job.site] += 1;
            total_scheduled += 1;
            let origin = job.url.origin().ascii_serialization();
            let host = hosts
                .entry(host_key(&job.url))
                .or_insert_with(|| Arc::new(Host::new(Url::parse(&origin).expect("origin"), site.rate)))
                .clone();
            let (fetcher, cfg2, profiles) = (fetcher.clone(), cfg.clone(), profiles.clone());
            inflight.spawn(async move {
                let r = fetch_job(&job, host, fetcher, cfg2, profiles).await;
                (job, r)
            });
        }
        if inflight.is_empty() {
            break;
        }
        let next = tokio::select! {
            r = inflight.join_next() => r,
            _ = cancel.wait_for(|c| *c) => {
                report.interrupted = true;
                None
            }
            _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                report.timed_out = true;
                None
            }
        };
        let Some(next) = next else {
            tracing::warn!("stopping: abandoning {} request(s) in flight", inflight.len());
            inflight.abort_all();
            while inflight.join_next().await.is_some() {}
            break;
        };
        let (job, result) = match next {
            Ok(x) => x,
            Err(e) => {
                tracing::error!("a fetch task failed: {e}");
                continue;
            }
        };
        let site = &cfg.sites[job.site];
        // The sitemaps robots.txt lists, once per host, once it has been read.
        let key = host_key(&job.url);
        if !robots_sitemaps_seen.contains(&key)
            && let Some(rules) = hosts.get(&key).and_then(|h| h.rules.get())
        {
            robots_sitemaps_seen.insert(key);
            for sm in &rules.robots.sitemaps {
                if let Ok(u) = job.url.join(sm) {
                    frontier.push(&cfg, site, job.site, &u, 0);
                }
            }
        }
        let stats = report.sites.get_mut(&site.name).expect("site in report");
        match result {
            JobResult::SkippedRobots => {
                tracing::debug!("{}: disallowed by robots.txt", job.url);
                stats.skipped_robots += 1;
            }
            JobResult::Failed(e) => {
                tracing::warn!("{}: {e}", job.url);
                stats.failed += 1;
            }
            JobResult::Redirect(target) => {
                stats.redirects += 1;
                tracing::debug!("{} redirects to {target}", job.url);
                // Next in line, same depth; a loop ends at a URL already seen.
                if !frontier.push_front(&cfg, site, job.site, &target, job.depth) {
                    tracing::debug!(
                        "{}: redirect to {target} not followed (seen, out of scope or a loop)",
                        job.url
                    );
                }
            }
            JobResult::Page(f, x) => {
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
                    tracing::warn!("{}: HTTP {}", job.url, f.status);
                    stats.failed += 1;
                    continue;
                }
                let Some(x) = x else {
                    stats.other += 1;
                    if discover::is_xml(f.header("content-type"), &f.body) {
                        let xml = discover::gunzip_bounded(&f.body, cfg.max_body_bytes);
                        let found = discover::parse(xml.as_deref().unwrap_or(&f.body));
                        tracing::debug!(
                            "{}: {} pages, {} sitemaps listed",
                            job.url,
                            found.pages.len(),
                            found.sitemaps.len()
                        );
                        for (page, _lastmod) in &found.pages {
                            if let Ok(u) = f.final_url.join(page) {
                                frontier.push(&cfg, site, job.site, &u, job.depth + 1);
                            }
                        }
                        // A sitemap index's sitemaps are as near the start as the index.
                        for sm in &found.sitemaps {
                            if let Ok(u) = f.final_url.join(sm) {
                                frontier.push(&cfg, site, job.site, &u, job.depth);
                            }
                        }
                    }
                    continue;
                };
                let final_key = urls::normalise(&f.final_url, &site.ignore_params).to_string();
                if f.final_url != job.url {
                    frontier.seen.insert(final_key.clone());
                }
                if !done.insert(final_key) {
                    tracing::debug!("{}: already processed under its final URL", job.url);
                    continue;
                }
                for link in x.links.iter().chain(&x.feeds) {
                    frontier.push(&cfg, site, job.site, link, job.depth + 1);
                }
                let mut article = x.article;
                article.site = site.name.clone();
                let page_type = if site.article_urls.iter().any(|r| r.is_match(&article.url)) {
                    PageType::Article
                } else if site.listing_urls.iter().any(|r| r.is_match(&article.url)) {
                    PageType::Listing
                } else {
                    article.page_type
                };
                match page_type {
                    PageType::Listing => stats.listings += 1,
                    PageType::Other => stats.other += 1,
                    PageType::Article => {
                        article.page_type = PageType::Article;
                        if article.body.trim().is_empty() {
                            tracing::warn!("{}: article page without text; not archived", job.url);
                            stats.failed += 1;
                            continue;
                        }
                        let fetch = FetchInfo {
                            fetched_at: f.fetched_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                            status: f.status,
                            final_url: f.final_url.to_string(),
                            content_type: f.header("content-type").map(str::to_owned),
                            etag: f.header("etag").map(str::to_owned),
                            last_modified: f.header("last-modified").map(str::to_owned),
                            content_sha256: sha256_hex(&f.body),
                            warc: None,
                        };
                        let response = HttpResponse {
                            url: f.final_url.as_str(),
                            status: f.status,
                            reason: &f.reason,
                            headers: &f.headers,
                            body: &f.body,
                            date: &fetch.fetched_at.clone(),
                        };
                        match archive.put(article, fetch, &response) {
                            Ok(PutOutcome::Unchanged { .. }) => stats.unchanged += 1,
                            Ok(PutOutcome::New(s)) | Ok(PutOutcome::Updated(s)) => {
                                if s.revision == 1 {
                                    stats.new += 1;
                                } else {
                                    stats.updated += 1;
                                }
                                let path = archive.path_of(&s.id).unwrap_or_default();
                                indexer.upsert(&s, &path)?;
                                since_commit += 1;
                                tracing::info!(
                                    "archived {} ({})",
                                    s.article.title.as_deref().unwrap_or("untitled"),
                                    path.display()
                                );
                                report.archived.push((s.id.clone(), path));
                            }
                            Err(e) => {
                                tracing::error!("{}: cannot archive: {e}", job.url);
                                stats.failed += 1;
                            }
                        }
                    }
                }
                if since_commit >= 500 {
                    indexer.commit()?;
                    since_commit = 0;
                }
            }
        }
    }
    archive.flush()?;
    indexer.commit()?;
    report.elapsed_secs = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The politeness key of a URL: its host and explicit port, without the scheme — `http://x`
/// and `https://x` are one server and share one limiter.
fn host_key(u: &Url) -> String {
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(bytes))
}
