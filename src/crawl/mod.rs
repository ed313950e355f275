//! `crawl` owns fetching: the frontier, politeness (one GCRA limiter per host, robots.txt,
//! `Retry-After`, bounded retries with backoff), discovery of links, and handing each page
//! to `extract` → `archive` → `index`.
//!
//! Fetch tasks run concurrently (up to `concurrency`), each gated by its host's limiter;
//! extraction (and the compression of an article's WARC record) runs on the blocking pool;
//! the archive, the index writer and the crawl [`state`] store (frontier, URL statuses,
//! validators, robots.txt) are owned by the single loop in [`run`], which stages each article
//! and hands its JSON write to the blocking pool, recording the URL when the write lands.

pub mod discover;
pub mod fetch;
pub mod progress;
pub mod robots;
pub mod state;
pub mod urls;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OnceCell, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use crate::archive::{Archive, FetchInfo, HttpResponse, Stage};
use crate::config::{Config, Site};
use crate::error::Result;
use crate::extract::{self, Extraction, Page, PageType, profile::Profiles};
use crate::index::Indexer;
use fetch::{Fetched, Fetcher, Validators};
use robots::Rules;
use state::{Outcome, Previous, State};

/// Limits for one run, on top of the configuration.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Pages to fetch in this run, over all sites.
    pub max_pages: Option<usize>,
    pub max_duration: Option<Duration>,
    /// Only crawl these sites (by name); all when empty.
    pub sites: Vec<String>,
    /// Draw progress bars (on a terminal).
    pub show_progress: bool,
}

/// Counts for one site.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct SiteStats {
    pub fetched: usize,
    /// Conditional requests answered 304 Not Modified (counted in `unchanged` too).
    pub not_modified: usize,
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
    /// The run stopped at `--max-pages` with URLs still queued.
    pub page_limit: bool,
    /// This run continued one that was killed before it finished.
    pub resumed: bool,
    /// The run's number in the crawl state store.
    pub run: i64,
    pub elapsed_secs: f64,
}

impl CrawlReport {
    pub fn total(&self) -> SiteStats {
        let mut t = SiteStats::default();
        for s in self.sites.values() {
            t.fetched += s.fetched;
            t.not_modified += s.not_modified;
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
/// two request starts never falls below it: 2 %, plus 2 ms for gaps of 20 ms and more (a
/// fixed 2 ms capped a host at 500 requests/s however high its configured rate).
fn gap(rate: f64) -> Duration {
    let period = Duration::from_secs_f64(1.0 / rate);
    period.mul_f64(1.02) + (period / 10).min(Duration::from_millis(2))
}

fn limiter(period: Duration) -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::with_period(period.max(Duration::from_nanos(1))).expect("non-zero period"))
}

struct HostRules {
    robots: Rules,
    /// The answer as fetched (status, body), to cache in the crawl state; `None` when the
    /// rules came from the cache or the host could not be reached.
    fetched: Option<(u16, Vec<u8>)>,
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

    /// Rules from the crawl state's cache (fetched earlier in this run).
    fn set_cached_rules(&self, status: u16, body: &[u8], cfg: &Config) {
        let robots = rules_for(status, body, cfg);
        let slow = self.slow_limiter(&robots);
        let _ = self.rules.set(HostRules {
            robots,
            fetched: None,
            slow,
        });
    }

    /// A slower limiter when robots.txt's Crawl-delay is longer than the configured gap.
    fn slow_limiter(&self, robots: &Rules) -> Option<DefaultDirectRateLimiter> {
        robots.delay.filter(|d| *d > self.period).map(|d| {
            tracing::info!(
                "{}: Crawl-delay {d:?} is slower than the configured rate; obeying it",
                self.origin
            );
            let l = limiter(d + Duration::from_millis(2));
            // The robots.txt request was the host's first: count it.
            let _ = l.check();
            l
        })
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
                let (robots, fetched) = match answer.expect("at least one attempt") {
                    Ok(f) => {
                        if !(200..500).contains(&f.status) {
                            tracing::warn!("{robots_url}: HTTP {}; not crawling this host in this run", f.status);
                        }
                        (rules_for(f.status, &f.body, cfg), Some((f.status, f.body)))
                    }
                    Err(e) => {
                        tracing::warn!("{robots_url}: {e}; not crawling this host in this run");
                        (Rules::disallow_all(e.to_string()), None)
                    }
                };
                let slow = self.slow_limiter(&robots);
                HostRules { robots, fetched, slow }
            })
            .await
    }
}

/// What a robots.txt answer means (RFC 9309): 2xx its rules, 4xx no rules, else nothing
/// may be crawled.
fn rules_for(status: u16, body: &[u8], cfg: &Config) -> Rules {
    match status {
        200..300 => Rules::parse(body, &cfg.user_agent, cfg.max_crawl_delay),
        400..500 => Rules::allow_all(status.to_string()),
        _ => Rules::disallow_all(status.to_string()),
    }
}

struct Job {
    url: Url,
    site: usize,
    depth: u32,
    previous: Previous,
}

enum JobResult {
    /// A page; HTML pages with what was extracted from them.
    Page(Box<Fetched>, Option<Box<Extracted>>),
    /// A conditional request answered 304.
    NotModified(u16),
    /// The same body as the last fetch of this article: nothing to extract or archive.
    SameBody(Box<Fetched>),
    /// A 3xx answer: the target is crawled as its own request.
    Redirect(Url),
    SkippedRobots,
    Failed(String),
}

/// An extracted page, with its WARC record prepared (compressed) when it is an article to
/// archive: that work is done beside the extraction, off the loop that archives.
struct Extracted {
    x: Extraction,
    page_type: PageType,
    record: Option<crate::archive::warc::Prepared>,
}

/// A page's type: the site's URL patterns first, then what extraction judged.
fn page_type(site: &Site, a: &extract::Article) -> PageType {
    if site.article_urls.iter().any(|r| r.is_match(&a.url)) {
        PageType::Article
    } else if site.listing_urls.iter().any(|r| r.is_match(&a.url)) {
        PageType::Listing
    } else {
        a.page_type
    }
}

/// The fetch time as archived (RFC 3339, seconds, UTC).
fn fetch_date(f: &Fetched) -> String {
    f.fetched_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn http_response<'a>(f: &'a Fetched, date: &'a str) -> HttpResponse<'a> {
    HttpResponse {
        url: f.final_url.as_str(),
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
        && let Some(target) = fetched.header("location").and_then(|l| fetched.final_url.join(l).ok())
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
    let fetched = Arc::new(fetched);
    let f2 = fetched.clone();
    let site = job.site;
    let extraction = tokio::task::spawn_blocking(move || {
        let url = f2.final_url.as_str();
        let page = Page {
            bytes: &f2.body,
            content_type: f2.header("content-type"),
            url,
            fetched_at: Some(f2.fetched_at.with_timezone(&crate::time::vn_offset())),
        };
        let x = extract::extract(&page, profiles.for_url(url));
        let page_type = page_type(&cfg.sites[site], &x.article);
        // An article to archive: its WARC record is compressed here, in parallel with the
        // other pages, not in the loop that appends it.
        let record = (page_type == PageType::Article && !x.article.body.trim().is_empty())
            .then(|| {
                let date = fetch_date(&f2);
                crate::archive::warc::Prepared::response(&http_response(&f2, &date))
            })
            .transpose();
        record.map(|record| Extracted { x, page_type, record })
    })
    .await;
    let fetched = Arc::try_unwrap(fetched).unwrap_or_else(|a| (*a).clone());
    match extraction {
        Ok(Ok(x)) => JobResult::Page(Box::new(fetched), Some(Box::new(x))),
        Ok(Err(e)) => JobResult::Failed(format!("cannot prepare the WARC record: {e}")),
        Err(e) => JobResult::Failed(format!("extraction panicked: {e}")),
    }
}

/// The crawl's bookkeeping: scope, depth and trap rules in front of the state store, which
/// holds the queue and what was seen; per-site page budgets.
struct Frontier<'s> {
    state: &'s mut State,
    scheduled: Vec<usize>,
    /// URLs queued and not yet taken, per site (for the progress display).
    queued: HashMap<String, usize>,
    /// URLs known to be seen in this run: menus and sidebars repeat the same links on every
    /// page, and this spares the store those lookups. Bounded, so memory stays flat.
    seen_cache: HashSet<String>,
    max_query_variants: usize,
}

impl Frontier<'_> {
    fn push(&mut self, site: &Site, url: &Url, depth: u32) -> Result<bool> {
        self.admit(site, url, depth, false)
    }

    fn push_front(&mut self, site: &Site, url: &Url, depth: u32) -> Result<bool> {
        self.admit(site, url, depth, true)
    }

    fn admit(&mut self, site: &Site, url: &Url, depth: u32, front: bool) -> Result<bool> {
        let u = urls::normalise(url, &site.ignore_params);
        if depth > site.max_depth || !site.in_scope(&u) || !urls::is_probably_page(&u) {
            return Ok(false);
        }
        if self.seen_cache.contains(u.as_str()) {
            return Ok(false);
        }
        let path_key = u
            .query()
            .map(|_| format!("{}{}", u.origin().ascii_serialization(), u.path()));
        let queued = self.state.admit(
            u.as_str(),
            &site.name,
            depth,
            path_key.as_deref(),
            self.max_query_variants,
            front,
        )?;
        if queued {
            *self.queued.entry(site.name.clone()).or_default() += 1;
        }
        if self.seen_cache.len() >= SEEN_CACHE {
            self.seen_cache.clear();
        }
        self.seen_cache.insert(u.into());
        Ok(queued)
    }

    /// Take up to `n` URLs off the queue.
    fn pop(&mut self, n: usize) -> Result<Vec<state::Queued>> {
        let batch = self.state.pop(n)?;
        for q in &batch {
            if let Some(c) = self.queued.get_mut(&q.site) {
                *c = c.saturating_sub(1);
            }
        }
        Ok(batch)
    }
}

/// URLs the frontier remembers as seen in this run, at most.
const SEEN_CACHE: usize = 50_000;

/// The crawl state store's file in the archive directory.
pub const STATE_FILE: &str = "crawl-state.sqlite";

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
    let mut state = State::open(&archive.root().join(STATE_FILE))?;
    if state.resumed() {
        tracing::warn!("resuming run {} where it stopped", state.run());
    }
    run(
        Arc::new(cfg),
        &mut archive,
        &mut indexer,
        &mut state,
        Arc::new(profiles),
        opts,
        cancel,
    )
    .await
}

/// Crawl the configured sites once: fetch, extract, archive, index, keeping the frontier
/// and what each URL gave in `state`. Stops early when `cancel` turns true (SIGINT/SIGTERM),
/// or at the run's page or time limit; a run that was killed is continued.
pub async fn run(
    cfg: Arc<Config>,
    archive: &mut Archive,
    indexer: &mut Indexer,
    state: &mut State,
    profiles: Arc<Profiles>,
    opts: &RunOptions,
    mut cancel: watch::Receiver<bool>,
) -> Result<CrawlReport> {
    let started = Instant::now();
    let fetcher = Fetcher::new(&cfg)?;
    let mut report = CrawlReport {
        resumed: state.resumed(),
        run: state.run(),
        ..CrawlReport::default()
    };
    let active: Vec<usize> = (0..cfg.sites.len())
        .filter(|&i| opts.sites.is_empty() || opts.sites.contains(&cfg.sites[i].name))
        .collect();
    let site_index: HashMap<&str, usize> = cfg
        .sites
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    let mut scheduled = vec![0; cfg.sites.len()];
    for (name, n) in state.scheduled_per_site()? {
        if let Some(&i) = site_index.get(name.as_str()) {
            scheduled[i] = n;
        }
    }
    let queued = state.queued_per_site()?.into_iter().collect();
    let mut frontier = Frontier {
        state,
        scheduled,
        queued,
        seen_cache: HashSet::new(),
        max_query_variants: cfg.max_query_variants,
    };
    for &i in &active {
        let site = &cfg.sites[i];
        report.sites.insert(site.name.clone(), SiteStats::default());
        // Seen already when a killed run is resumed.
        for u in site.start_urls.iter().chain(&site.sitemaps).chain(&site.feeds) {
            frontier.push(site, u, 0)?;
        }
    }
    let mut books = Books {
        progress: progress::Progress::new(&cfg, &active, opts.show_progress),
        since_commit: 0,
        batch: Vec::new(),
        writes: JoinSet::new(),
        writing: 0,
    };
    let mut hosts: HashMap<String, Arc<Host>> = HashMap::new();
    // Hosts whose robots.txt this run has stored and whose Sitemap lines it has queued.
    let mut robots_done: HashSet<String> = HashSet::new();
    let mut inflight: JoinSet<(Job, JobResult)> = JoinSet::new();
    let mut total_scheduled: usize = frontier.scheduled.iter().sum();
    let deadline = opts.max_duration.map(|d| started + d);

    loop {
        // Writes waiting hold their articles in memory: past a bound, fetching waits for them.
        let room = if books.pending_writes() >= cfg.concurrency * 2 {
            0
        } else {
            cfg.concurrency.saturating_sub(inflight.len())
        };
        let batch = if room > 0 && !report.page_limit {
            frontier.pop(room)?
        } else {
            Vec::new()
        };
        for q in batch {
            let Some(&site_idx) = site_index.get(q.site.as_str()).filter(|i| active.contains(i)) else {
                tracing::debug!("{}: site {:?} is not crawled in this run; dropped", q.url, q.site);
                frontier.state.skip(&q.url)?;
                continue;
            };
            let site = &cfg.sites[site_idx];
            if opts.max_pages.is_some_and(|m| total_scheduled >= m) {
                // Left queued: the next run continues from here.
                report.page_limit = true;
                frontier.state.requeue(&q.url)?;
                *frontier.queued.entry(q.site.clone()).or_default() += 1;
                continue;
            }
            if frontier.scheduled[site_idx] >= site.max_pages {
                frontier.state.skip(&q.url)?;
                continue;
            }
            let Ok(url) = Url::parse(&q.url) else {
                frontier.state.skip(&q.url)?;
                continue;
            };
            frontier.scheduled[site_idx] += 1;
            total_scheduled += 1;
            let key = host_key(&url);
            let host = match hosts.get(&key) {
                Some(h) => h.clone(),
                None => {
                    let origin = Url::parse(&url.origin().ascii_serialization()).expect("origin");
                    let h = Arc::new(Host::new(origin, site.rate));
                    // robots.txt is fetched once per host per run: a resumed run reuses it.
                    if let Some(cached) = frontier.state.robots(&key)?
                        && cached.run == frontier.state.run()
                    {
                        tracing::info!("{key}: robots.txt as fetched at {} in this run", cached.fetched_at);
                        h.set_cached_rules(cached.status, &cached.body, &cfg);
                    }
                    hosts.insert(key, h.clone());
                    h
                }
            };
            let job = Job {
                url,
                site: site_idx,
                depth: q.depth,
                previous: q.previous,
            };
            let (fetcher, cfg2, profiles) = (fetcher.clone(), cfg.clone(), profiles.clone());
            inflight.spawn(async move {
                let r = fetch_job(&job, host, fetcher, cfg2, profiles).await;
                (job, r)
            });
        }
        if inflight.is_empty() && books.pending_writes() == 0 {
            break;
        }
        let event = tokio::select! {
            // In this order: a stop is seen even while results keep arriving.
            biased;
            // (A dropped sender is no stop.)
            Ok(_) = cancel.wait_for(|c| *c) => {
                report.interrupted = true;
                Event::Stop
            }
            _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                report.timed_out = true;
                Event::Stop
            }
            r = inflight.join_next(), if !inflight.is_empty() => Event::Fetched(r),
            w = books.writes.join_next(), if !books.writes.is_empty() => Event::Written(w),
            // Nothing else is ready: write what is staged rather than wait with it.
            _ = std::future::ready(()), if !books.batch.is_empty() => Event::Idle,
        };
        let next = match event {
            Event::Fetched(Some(next)) => next,
            Event::Fetched(None) | Event::Written(None) => continue,
            Event::Written(Some(w)) => {
                books.written(w, &mut report, &mut frontier, archive, indexer, &cfg)?;
                continue;
            }
            Event::Idle => {
                books.flush();
                continue;
            }
            Event::Stop => {
                tracing::warn!("stopping: abandoning {} request(s) in flight", inflight.len());
                inflight.abort_all();
                while inflight.join_next().await.is_some() {}
                // Articles staged or being written are finished and recorded.
                books.drain(&mut report, &mut frontier, archive, indexer, &cfg).await?;
                // Abandoned requests are queued again for the next run.
                frontier.state.requeue_inflight()?;
                break;
            }
        };
        let (job, result) = match next {
            Ok(x) => x,
            Err(e) => {
                tracing::error!("a fetch task failed: {e}");
                continue;
            }
        };
        let site = &cfg.sites[job.site];
        let url = job.url.as_str();
        // Once per host: store its robots.txt in the state, queue the sitemaps it lists.
        let key = host_key(&job.url);
        if !robots_done.contains(&key)
            && let Some(rules) = hosts.get(&key).and_then(|h| h.rules.get())
        {
            robots_done.insert(key.clone());
            if let Some((status, body)) = &rules.fetched {
                frontier.state.put_robots(&key, *status, body)?;
            }
            for sm in &rules.robots.sitemaps {
                if let Ok(u) = job.url.join(sm) {
                    frontier.push(site, &u, 0)?;
                }
            }
        }
        let stats = report.sites.get_mut(&site.name).expect("site in report");
        match handle(&cfg, site, &job, result, stats, &mut frontier)? {
            Handled::Record(recorded) => {
                frontier.state.record(url, &recorded.as_ref())?;
                books.update(&site.name, stats, &frontier);
            }
            Handled::Archive(a) => {
                let mut a = *a;
                let staged = loop {
                    match archive.stage(a.article, a.fetch, a.record) {
                        Ok(Stage::Busy(back)) => {
                            // Another revision of this article is being written: let it land.
                            books.drain(&mut report, &mut frontier, archive, indexer, &cfg).await?;
                            (a.article, a.fetch, a.record) = *back;
                        }
                        other => break other,
                    }
                };
                let stats = report.sites.get_mut(&site.name).expect("site in report");
                let mut recorded = a.recorded;
                match staged {
                    Ok(Stage::Unchanged { id }) => {
                        stats.unchanged += 1;
                        recorded.state = "unchanged".into();
                        recorded.article_id = Some(id);
                    }
                    Ok(Stage::Write(staged)) => {
                        books.stage(
                            Writing {
                                id: staged.id().to_owned(),
                                url: url.to_owned(),
                                site: job.site,
                                recorded,
                            },
                            *staged,
                        );
                        continue;
                    }
                    Ok(Stage::Busy(_)) => unreachable!("no write is pending"),
                    Err(e) => {
                        tracing::error!("{url}: cannot archive: {e}");
                        stats.failed += 1;
                        recorded.state = "failed".into();
                        recorded.error = Some(format!("cannot archive: {e}"));
                    }
                }
                frontier.state.record(url, &recorded.as_ref())?;
                books.update(&site.name, stats, &frontier);
            }
        }
        if books.since_commit >= INDEX_COMMIT_EVERY {
            indexer.commit()?;
            books.since_commit = 0;
        }
    }
    archive.flush()?;
    indexer.commit()?;
    report.elapsed_secs = started.elapsed().as_secs_f64();
    let outcome = if report.interrupted {
        "interrupted"
    } else if report.timed_out {
        "timed-out"
    } else if report.page_limit {
        "page-limit"
    } else {
        "completed"
    };
    let summary = serde_json::to_string(&report)?;
    if outcome == "completed" {
        frontier.state.finish(outcome, &summary)?;
    } else {
        // Stopped early but cleanly: the next run continues this one's queue.
        frontier.state.pause(outcome, &summary)?;
    }
    books.progress.finish();
    Ok(report)
}

/// Index commits, at most one per this many archived articles (and at the end of a run). The
/// index is derived data: what a killed run archived but did not commit is indexed by the
/// next (see [`run_into`]).
const INDEX_COMMIT_EVERY: usize = 2_000;

/// What the run loop waits for.
#[allow(clippy::large_enum_variant)] // one at a time, on the stack
enum Event {
    Fetched(Option<std::result::Result<(Job, JobResult), tokio::task::JoinError>>),
    Written(Option<std::result::Result<Vec<Written>, tokio::task::JoinError>>),
    /// Nothing is ready.
    Idle,
    Stop,
}

/// An article being written: the URL to record when it is.
struct Writing {
    /// The article's id in the archive.
    id: String,
    url: String,
    site: usize,
    recorded: Recorded,
}

/// An article write that finished, successfully or not.
struct Written {
    writing: Writing,
    result: Result<crate::archive::StoredArticle>,
}

/// Articles staged together are written as one group (`archive::write_all`): one WARC sync
/// and one sync per directory for the group instead of per article.
const WRITE_BATCH: usize = 16;

/// The run loop's progress display, index commit count, and archive writes.
struct Books {
    progress: progress::Progress,
    since_commit: usize,
    /// Staged articles not yet handed to a write task.
    batch: Vec<(crate::archive::Staged, Writing)>,
    /// Groups being written, on the blocking pool.
    writes: JoinSet<Vec<Written>>,
    /// Articles in `writes`.
    writing: usize,
}

impl Books {
    fn update(&self, site: &str, stats: &SiteStats, frontier: &Frontier) {
        self.progress
            .update(site, stats, frontier.queued.get(site).copied().unwrap_or(0));
    }

    fn pending_writes(&self) -> usize {
        self.batch.len() + self.writing
    }

    /// Queue a staged article for writing; a full group is handed to a write task.
    fn stage(&mut self, writing: Writing, staged: crate::archive::Staged) {
        self.batch.push((staged, writing));
        if self.batch.len() >= WRITE_BATCH {
            self.flush();
        }
    }

    /// Hand the staged articles to a write task.
    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let (staged, writing): (Vec<_>, Vec<_>) = std::mem::take(&mut self.batch).into_iter().unzip();
        self.writing += writing.len();
        self.writes.spawn_blocking(move || {
            let results = crate::archive::write_all(staged);
            writing
                .into_iter()
                .zip(results)
                .map(|(writing, result)| Written { writing, result })
                .collect()
        });
    }

    /// Write everything staged and wait for every write to land.
    async fn drain(
        &mut self,
        report: &mut CrawlReport,
        frontier: &mut Frontier<'_>,
        archive: &mut Archive,
        indexer: &mut Indexer,
        cfg: &Config,
    ) -> Result<()> {
        self.flush();
        while let Some(w) = self.writes.join_next().await {
            self.written(w, report, frontier, archive, indexer, cfg)?;
        }
        Ok(())
    }

    /// A group of articles is written (or could not be): for each, confirm it in the archive
    /// (or have the archive forget it), index it, count it, and only then record its URL.
    fn written(
        &mut self,
        group: std::result::Result<Vec<Written>, tokio::task::JoinError>,
        report: &mut CrawlReport,
        frontier: &mut Frontier,
        archive: &mut Archive,
        indexer: &mut Indexer,
        cfg: &Config,
    ) -> Result<()> {
        let group = group.map_err(|e| crate::Error::Config(format!("an archive write task failed: {e}")))?;
        self.writing -= group.len();
        for w in group {
            let Written {
                writing:
                    Writing {
                        id,
                        url,
                        site,
                        mut recorded,
                    },
                result,
            } = w;
            let site = &cfg.sites[site];
            let stats = report.sites.get_mut(&site.name).expect("site in report");
            match result {
                Ok(s) => {
                    archive.confirm(&id);
                    if s.revision == 1 {
                        stats.new += 1;
                    } else {
                        stats.updated += 1;
                    }
                    let path = archive.path_of(&s.id).unwrap_or_default();
                    indexer.upsert(&s, &path)?;
                    self.since_commit += 1;
                    tracing::info!(
                        "archived {} ({})",
                        s.article.title.as_deref().unwrap_or("untitled"),
                        path.display()
                    );
                    recorded.article_id = Some(s.id);
                }
                Err(e) => {
                    // The catalog forgets the revision, so a later fetch stages it again.
                    archive.abandon(&id);
                    tracing::error!("{url}: cannot archive: {e}");
                    stats.failed += 1;
                    recorded.state = "failed".into();
                    recorded.error = Some(format!("cannot archive: {e}"));
                }
            }
            frontier.state.record(&url, &recorded.as_ref())?;
            self.update(&site.name, stats, frontier);
        }
        Ok(())
    }
}

/// What a fetch gave, for the URL's row in the state store (owned strings).
#[derive(Default)]
struct Recorded {
    state: String,
    status: Option<u16>,
    etag: Option<String>,
    last_modified: Option<String>,
    content_sha256: Option<String>,
    page_type: Option<&'static str>,
    article_id: Option<String>,
    error: Option<String>,
}

impl Recorded {
    fn new(state: &str) -> Recorded {
        Recorded {
            state: state.to_owned(),
            ..Recorded::default()
        }
    }

    fn fetched(state: &str, f: &Fetched) -> Recorded {
        Recorded {
            state: state.to_owned(),
            status: Some(f.status),
            etag: f.header("etag").map(str::to_owned),
            last_modified: f.header("last-modified").map(str::to_owned),
            content_sha256: (200..300).contains(&f.status).then(|| f.body_sha256.clone()),
            ..Recorded::default()
        }
    }

    fn failed(error: impl Into<String>) -> Recorded {
        Recorded {
            error: Some(error.into()),
            ..Recorded::new("failed")
        }
    }

    fn as_ref(&self) -> Outcome<'_> {
        Outcome {
            state: &self.state,
            status: self.status,
            etag: self.etag.as_deref(),
            last_modified: self.last_modified.as_deref(),
            content_sha256: self.content_sha256.as_deref(),
            page_type: self.page_type,
            article_id: self.article_id.as_deref(),
            error: self.error.as_deref(),
        }
    }
}

/// What the run loop does next with a fetched page.
enum Handled {
    /// Record this in the state store.
    Record(Recorded),
    /// Archive this article; the URL is recorded once it is.
    Archive(Box<ToArchive>),
}

impl From<Recorded> for Handled {
    fn from(r: Recorded) -> Handled {
        Handled::Record(r)
    }
}

struct ToArchive {
    article: extract::Article,
    fetch: FetchInfo,
    record: Option<crate::archive::warc::Prepared>,
    recorded: Recorded,
}

/// Act on one fetch: count it, queue what it links to; an article is handed back to be
/// archived.
fn handle(
    cfg: &Config,
    site: &Site,
    job: &Job,
    result: JobResult,
    stats: &mut SiteStats,
    frontier: &mut Frontier,
) -> Result<Handled> {
    let f = match result {
        JobResult::SkippedRobots => {
            tracing::debug!("{}: disallowed by robots.txt", job.url);
            stats.skipped_robots += 1;
            return Ok(Recorded::new("robots").into());
        }
        JobResult::Failed(e) => {
            tracing::warn!("{}: {e}", job.url);
            stats.failed += 1;
            return Ok(Recorded::failed(e).into());
        }
        JobResult::Redirect(target) => {
            stats.redirects += 1;
            tracing::debug!("{} redirects to {target}", job.url);
            // Next in line, same depth; a loop ends at a URL already seen.
            if !frontier.push_front(site, &target, job.depth)? {
                tracing::debug!(
                    "{}: redirect to {target} not followed (seen, out of scope or a loop)",
                    job.url
                );
            }
            return Ok(Recorded::new("redirect").into());
        }
        JobResult::NotModified(status) => {
            stats.fetched += 1;
            stats.not_modified += 1;
            stats.unchanged += 1;
            return Ok(Recorded {
                status: Some(status),
                ..Recorded::new("not-modified")
            }
            .into());
        }
        JobResult::SameBody(f) => {
            stats.fetched += 1;
            stats.unchanged += 1;
            return Ok(Recorded::fetched("unchanged", &f).into());
        }
        JobResult::Page(f, x) => (f, x),
    };
    let (f, x) = f;
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
        return Ok(Recorded {
            error: Some(format!("HTTP {}", f.status)),
            ..Recorded::fetched("failed", &f)
        }
        .into());
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
                    frontier.push(site, &u, job.depth + 1)?;
                }
            }
            // A sitemap index's sitemaps are as near the start as the index.
            for sm in &found.sitemaps {
                if let Ok(u) = f.final_url.join(sm) {
                    frontier.push(site, &u, job.depth)?;
                }
            }
        }
        return Ok(Recorded {
            page_type: Some("other"),
            ..Recorded::fetched("done", &f)
        }
        .into());
    };
    let Extracted { x, page_type, record } = *x;
    // An article is archived once, under its final URL.
    let final_key = urls::normalise(&f.final_url, &site.ignore_params).to_string();
    if final_key != job.url.as_str() {
        if frontier.state.state_in_run(&final_key)?.as_deref() == Some("done") {
            tracing::debug!("{}: already processed under its final URL", job.url);
            return Ok(Recorded::fetched("done", &f).into());
        }
        frontier.state.mark_seen(&final_key, &site.name, job.depth)?;
    }
    for link in x.links.iter().chain(&x.feeds) {
        frontier.push(site, link, job.depth + 1)?;
    }
    let mut article = x.article;
    article.site = site.name.clone();
    let mut recorded = Recorded::fetched("done", &f);
    match page_type {
        PageType::Listing => {
            stats.listings += 1;
            recorded.page_type = Some("listing");
        }
        PageType::Other => {
            stats.other += 1;
            recorded.page_type = Some("other");
        }
        PageType::Article => {
            recorded.page_type = Some("article");
            article.page_type = PageType::Article;
            if article.body.trim().is_empty() {
                tracing::warn!("{}: article page without text; not archived", job.url);
                stats.failed += 1;
                return Ok(Recorded {
                    error: Some("article page without text".into()),
                    ..Recorded::fetched("failed", &f)
                }
                .into());
            }
            let fetch = FetchInfo {
                fetched_at: fetch_date(&f),
                status: f.status,
                final_url: f.final_url.to_string(),
                content_type: f.header("content-type").map(str::to_owned),
                etag: f.header("etag").map(str::to_owned),
                last_modified: f.header("last-modified").map(str::to_owned),
                content_sha256: recorded.content_sha256.clone().unwrap_or_default(),
                warc: None,
            };
            return Ok(Handled::Archive(Box::new(ToArchive {
                article,
                fetch,
                record,
                recorded,
            })));
        }
    }
    Ok(recorded.into())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_safety_margin_does_not_cap_a_lifted_rate() {
        // A fixed 2 ms margin held every host to 500 requests/s, whatever its rate.
        assert!(gap(1_000_000.0) < Duration::from_micros(2));
        assert!(gap(1_000.0) < Duration::from_micros(1_200));
        // Polite rates keep their margin: 2 % and 2 ms.
        assert_eq!(gap(10.0), Duration::from_millis(104));
        assert_eq!(gap(1.0), Duration::from_millis(1_022));
    }
}
