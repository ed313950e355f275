//! `run` is the crawl's main loop: a [`Crawl`] owns everything one run changes — the
//! frontier (and the state store behind it), the archive writer, the index writer, the
//! hosts' politeness state, the fetches in flight and the report — and handles one
//! [`Event`] at a time in [`Crawl::on_event`]. Fetches run concurrently as tasks; archive
//! writes run on the blocking pool; everything else happens here, in order.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::{JoinError, JoinSet};
use tokio::time::Instant;
use url::Url;

use super::fetch::Fetcher;
use super::frontier::{Frontier, Link};
use super::host::{Host, Server, host_key, origin_key};
use super::job::{Job, JobResult, fetch_job};
use super::page::{self, ToArchive};
use super::state::{Outcome, RunOutcome, State, UrlState};
use super::{CrawlReport, RunOptions, SiteStats, progress};
use crate::archive::{self, Archive, Landed, Submitted, Written};
use crate::config::Config;
use crate::error::Result;
use crate::extract::profile::Profiles;
use crate::index::Indexer;

/// Index commits: after this many archived articles, or [`INDEX_COMMIT_INTERVAL`] after the
/// last commit when articles arrived since, and at the end of a run. The index is derived
/// data: what a killed run archived but did not commit is indexed by the next (see
/// [`super::run_into`]).
const INDEX_COMMIT_EVERY: usize = 2_000;
const INDEX_COMMIT_INTERVAL: Duration = Duration::from_secs(60);

/// What the run loop waits for.
pub(super) enum Event {
    /// A fetch task finished.
    Fetched(Box<(Job, JobResult)>),
    /// A fetch task panicked or was cancelled.
    FetchTaskFailed(JoinError),
    /// An article write landed (or failed).
    Written(Box<Landed<Writing>>),
    /// Nothing is ready: write what is staged rather than wait with it.
    Idle,
    /// A signal, or the run's time limit.
    Stop,
    /// An archive write task itself failed: the run cannot account for its articles.
    Failed(crate::Error),
}

/// An article being written: what to record for its URL when it lands.
pub(super) struct Writing {
    url: String,
    site: usize,
    recorded: Outcome,
    links: Vec<Link>,
}

/// One crawl run.
pub(super) struct Crawl<'a> {
    cfg: Arc<Config>,
    profiles: Arc<Profiles>,
    fetcher: Fetcher,
    frontier: Frontier<'a>,
    writer: archive::Writer<'a, Writing>,
    indexer: &'a mut Indexer,
    /// Each origin's robots.txt and politeness state, by [`origin_key`]…
    hosts: HashMap<String, Arc<Host>>,
    /// …on its server's rate limit, by [`host_key`] (the origins of one server share it).
    servers: HashMap<String, Arc<Server>>,
    /// Origins whose robots.txt this run has stored and whose Sitemap lines it has queued.
    robots_done: HashSet<String>,
    inflight: JoinSet<(Job, JobResult)>,
    /// The URL and site of each fetch task, so a task that panics is recorded as failed.
    tasks: HashMap<tokio::task::Id, (String, usize)>,
    report: CrawlReport,
    progress: progress::Progress,
    /// Articles indexed since the last index commit, and when that was.
    since_commit: usize,
    last_commit: Instant,
    commit_interval: Duration,
    started: Instant,
    deadline: Option<Instant>,
    cancel: watch::Receiver<bool>,
}

impl<'a> Crawl<'a> {
    pub fn new(
        cfg: Arc<Config>,
        archive: &'a mut Archive,
        indexer: &'a mut Indexer,
        state: &'a mut State,
        profiles: Arc<Profiles>,
        opts: &RunOptions,
        cancel: watch::Receiver<bool>,
    ) -> Result<Crawl<'a>> {
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
        let mut frontier = Frontier::open(state, &cfg, &active, opts.max_pages)?;
        for &i in &active {
            let site = &cfg.sites[i];
            report.sites.insert(site.name.clone(), SiteStats::default());
            frontier.seed(site)?;
            let lost: Vec<Url> = archive
                .to_refetch()
                .filter(|l| l.site == site.name)
                .filter_map(|l| Url::parse(&l.url).ok())
                .collect();
            let n = frontier.recheck(site, cfg.recheck)?;
            if n > 0 {
                tracing::info!("{}: {n} archived articles queued to be checked again", site.name);
            }
            if !lost.is_empty() {
                let n = frontier.refetch(site, &lost)?;
                tracing::warn!(
                    "{}: {n} of {} articles whose WARC record a crash cut off are queued for re-fetch",
                    site.name,
                    lost.len()
                );
            }
        }
        Ok(Crawl {
            progress: progress::Progress::new(&cfg, &active, opts.show_progress),
            profiles,
            fetcher,
            frontier,
            writer: archive::Writer::new(archive),
            indexer,
            hosts: HashMap::new(),
            servers: HashMap::new(),
            robots_done: HashSet::new(),
            inflight: JoinSet::new(),
            tasks: HashMap::new(),
            report,
            since_commit: 0,
            last_commit: started,
            commit_interval: opts.index_commit_interval.unwrap_or(INDEX_COMMIT_INTERVAL),
            started,
            deadline: opts.max_duration.map(|d| started + d),
            cancel,
            cfg,
        })
    }

    /// Run to the end: until the queue is done, or a stop.
    pub async fn run(mut self) -> Result<CrawlReport> {
        loop {
            self.schedule()?;
            let Some(event) = self.next_event().await else { break };
            if !self.on_event(event).await? {
                break;
            }
        }
        self.finish()
    }

    /// Start fetches while there is room: up to `concurrency` in flight, and fewer while
    /// writes hold articles in memory.
    fn schedule(&mut self) -> Result<()> {
        let room = self.room();
        if room == 0 {
            return Ok(());
        }
        // Past the run's page budget, only URLs already taken off the queue are started.
        let popped = self.frontier.pop(room, !self.report.page_limit)?;
        self.report.page_limit |= popped.page_limit;
        for next in popped.next {
            let Some(host) = self.host(&next.url, next.site)? else {
                tracing::debug!("{}: no host to fetch it from; dropped", next.url);
                let mut recorded = Outcome::of(UrlState::Failed);
                recorded.error = Some("no host to fetch it from".into());
                self.settle(next.site, next.url.as_str(), &recorded, &[])?;
                continue;
            };
            let job = Job {
                url: next.url,
                site: next.site,
                depth: next.depth,
                previous: next.previous,
            };
            let (fetcher, cfg, profiles) = (self.fetcher.clone(), self.cfg.clone(), self.profiles.clone());
            let task = (job.url.to_string(), job.site);
            let handle = self.inflight.spawn(async move {
                let r = fetch_job(&job, host, fetcher, cfg, profiles).await;
                (job, r)
            });
            self.tasks.insert(handle.id(), task);
        }
        Ok(())
    }

    /// Fetches that may start now: up to `concurrency` in flight, none while writes hold
    /// many articles in memory.
    fn room(&self) -> usize {
        if self.writer.pending() >= self.cfg.concurrency * 2 {
            0
        } else {
            self.cfg.concurrency.saturating_sub(self.inflight.len())
        }
    }

    /// The politeness state of a URL's origin, made on its first URL.
    fn host(&mut self, url: &Url, site: usize) -> Result<Option<Arc<Host>>> {
        let key = origin_key(url);
        if let Some(h) = self.hosts.get(&key) {
            return Ok(Some(h.clone()));
        }
        // The frontier hands out http(s) URLs only, whose origin is never opaque; a URL
        // without a host to be polite to is not fetched.
        let Ok(origin) = Url::parse(&url.origin().ascii_serialization()) else {
            return Ok(None);
        };
        let rate = self.cfg.sites[site].rate;
        let server = self
            .servers
            .entry(host_key(url))
            .or_insert_with(|| Arc::new(Server::new(rate)))
            .clone();
        let h = Arc::new(Host::new(origin, server));
        // robots.txt is fetched once per origin per run: a resumed run reuses it.
        if let Some(cached) = self.frontier.robots_of_this_run(&key)? {
            tracing::info!("{key}: robots.txt as fetched at {} in this run", cached.fetched_at);
            h.set_cached_rules(cached.status, &cached.body, &self.cfg);
        }
        self.hosts.insert(key, h.clone());
        Ok(Some(h))
    }

    /// Wait for the next event; `None` when nothing is in flight or being written.
    async fn next_event(&mut self) -> Option<Event> {
        if self.inflight.is_empty() && self.writer.pending() == 0 {
            return None;
        }
        let deadline = self.deadline;
        loop {
            let event = tokio::select! {
                // In this order: a stop is seen even while results keep arriving.
                biased;
                // (A dropped sender is no stop.)
                Ok(_) = self.cancel.wait_for(|c| *c) => {
                    self.report.interrupted = true;
                    Event::Stop
                }
                _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => {
                    self.report.timed_out = true;
                    Event::Stop
                }
                r = self.inflight.join_next_with_id(), if !self.inflight.is_empty() => match r {
                    Some(Ok((id, done))) => {
                        self.tasks.remove(&id);
                        Event::Fetched(Box::new(done))
                    }
                    Some(Err(e)) => Event::FetchTaskFailed(e),
                    None => continue,
                },
                w = self.writer.landed(), if self.writer.is_writing() => match w {
                    Some(Ok(landed)) => Event::Written(Box::new(landed)),
                    Some(Err(e)) => Event::Failed(e),
                    None => continue,
                },
                _ = std::future::ready(()), if self.writer.has_staged() => Event::Idle,
            };
            return Some(event);
        }
    }

    /// Handle one event; `false` when the run stops.
    pub async fn on_event(&mut self, event: Event) -> Result<bool> {
        match event {
            Event::Fetched(done) => {
                let (job, result) = *done;
                self.fetched(job, result).await?;
            }
            Event::FetchTaskFailed(e) => self.fetch_task_failed(e)?,
            Event::Written(landed) => self.written(*landed)?,
            Event::Idle => self.writer.flush(),
            Event::Failed(e) => return Err(e),
            Event::Stop => {
                tracing::warn!("stopping: abandoning {} request(s) in flight", self.inflight.len());
                self.inflight.abort_all();
                while self.inflight.join_next().await.is_some() {}
                self.tasks.clear();
                // Articles staged or being written are finished and recorded.
                self.writer.wait_all().await?;
                while let Some(landed) = self.writer.landed().await {
                    self.written(landed?)?;
                }
                return Ok(false);
            }
        }
        if self.since_commit >= INDEX_COMMIT_EVERY
            || self.since_commit > 0 && self.last_commit.elapsed() >= self.commit_interval
        {
            self.indexer.commit()?;
            self.since_commit = 0;
            self.last_commit = Instant::now();
        }
        Ok(true)
    }

    /// A fetch finished: count it, record it, queue its links; an article goes to the writer.
    async fn fetched(&mut self, job: Job, result: JobResult) -> Result<()> {
        let site = &self.cfg.sites[job.site];
        // Once per origin: store its robots.txt in the state, queue the sitemaps it lists.
        let key = origin_key(&job.url);
        if !self.robots_done.contains(&key)
            && let Some(rules) = self.hosts.get(&key).and_then(|h| h.rules.get())
        {
            let sitemaps: Vec<Link> = rules
                .robots
                .sitemaps
                .iter()
                .filter_map(|sm| job.url.join(sm).ok())
                .map(|url| Link {
                    url,
                    depth: 0,
                    front: false,
                })
                .collect();
            let fetched = rules.fetched.as_ref().map(|(s, b)| (*s, b.as_slice()));
            self.frontier.robots_read(site, &key, fetched, &sitemaps)?;
            // Its exchanges go to WARC with this page's (durable when the page's land).
            for f in &rules.exchanges {
                let appended = super::job::capture(f, &Default::default())
                    .map_err(|e| e.to_string())
                    .and_then(|c| self.writer.append(c.records).map_err(|e| e.to_string()));
                if let Err(e) = appended {
                    tracing::error!("{}: cannot write the WARC records: {e}", f.url);
                }
            }
            self.robots_done.insert(key);
        }
        let stats = self.report.sites.get_mut(&site.name).expect("site in report");
        // A panic while handling one page is that page's failure, not the run's.
        let handled = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            page::handle(&self.cfg, site, &job, result, stats)
        })) {
            Ok(h) => h,
            Err(p) => {
                let message = format!("handling the page panicked: {}", super::job::panic_text(p.as_ref()));
                tracing::error!("{}: {message}", job.url);
                stats.failed += 1;
                Outcome::panicked(message).into()
            }
        };
        let url = job.url.as_str();
        for records in handled.extra {
            if let Err(e) = self.writer.append(records) {
                tracing::error!("{url}: cannot write the WARC records of a probe: {e}");
            }
        }
        if let Some(m) = handled.mark {
            self.apply_mark(job.site, m)?;
        }
        if handled.records.is_none() && handled.archive.is_none() {
            return self.settle(job.site, url, &handled.recorded, &handled.links);
        }
        let document = handled.attachment;
        let article = handled.archive.map(|a| {
            let ToArchive { article, fetch } = *a;
            (article.into(), fetch)
        });
        let writing = Writing {
            url: url.to_owned(),
            site: job.site,
            recorded: handled.recorded,
            links: handled.links,
        };
        match self
            .writer
            .write_with(article, handled.records, document, writing)
            .await
        {
            Submitted::Staged => Ok(()),
            Submitted::Failed { tag, error } => self.write_failed(tag, &error),
        }
    }

    /// A fetch task panicked (or was cancelled): its URL is recorded as failed, with the
    /// panic's message, and the run goes on.
    fn fetch_task_failed(&mut self, e: JoinError) -> Result<()> {
        let Some((url, site)) = self.tasks.remove(&e.id()) else {
            tracing::error!("a fetch task failed: {e}");
            return Ok(());
        };
        let message = format!("the fetch panicked: {}", super::job::panic_message(e));
        tracing::error!("{url}: {message}");
        self.stats(site).failed += 1;
        self.settle(site, &url, &Outcome::panicked(message), &[])
    }

    /// Record a change of an article's presence (only a change is recorded) and count it.
    fn apply_mark(&mut self, site: usize, m: archive::removals::Mark) -> Result<()> {
        let (change, url, evidence) = (m.change, m.url.clone(), m.evidence.clone());
        // (A log that cannot be written is this page's problem, not the run's.)
        let recorded = self.writer.mark(m).unwrap_or_else(|e| {
            tracing::error!("{url}: cannot record that the article is {change:?}: {e}");
            false
        });
        if recorded {
            let stats = self.stats(site);
            match change {
                archive::removals::Change::Gone => {
                    stats.gone += 1;
                    tracing::warn!("{url}: the archived article is gone from the portal: {evidence}");
                }
                archive::removals::Change::Restored => {
                    stats.restored += 1;
                    tracing::info!("{url}: the article is back on the portal");
                }
            }
        }
        Ok(())
    }

    /// A write landed: a new revision is indexed and counted; then the URL is recorded.
    fn written(&mut self, landed: Landed<Writing>) -> Result<()> {
        let Landed { tag, result } = landed;
        let mut recorded = tag.recorded;
        match result {
            Ok(Written::Article(stored, path)) => {
                let stats = self.stats(tag.site);
                if stored.revision == 1 {
                    stats.new += 1;
                } else {
                    stats.updated += 1;
                }
                let texts = self.writer.archive().attachment_texts(&stored.article);
                self.indexer.upsert(&stored, &path, &texts)?;
                self.since_commit += 1;
                tracing::info!(
                    "archived {} ({})",
                    stored.article.title.as_deref().unwrap_or("untitled"),
                    path.display()
                );
                self.restore_if_gone(tag.site, &stored.id, &tag.url)?;
                recorded.article_id = Some(stored.id);
            }
            Ok(Written::Unchanged { id }) => {
                self.stats(tag.site).unchanged += 1;
                recorded.state = UrlState::Unchanged;
                self.restore_if_gone(tag.site, &id, &tag.url)?;
                recorded.article_id = Some(id);
            }
            Ok(Written::Records) => {}
            Ok(Written::Document(fetch)) => self.document_landed(&fetch)?,
            Err(e) => {
                return self.write_failed(Writing { recorded, ..tag }, &e);
            }
        }
        self.settle(tag.site, &tag.url, &recorded, &tag.links)
    }

    /// A document's fetch is recorded: the articles that link to it are indexed again, with
    /// its text.
    fn document_landed(&mut self, fetch: &archive::attachments::Fetch) -> Result<()> {
        tracing::info!("{}: {}", fetch.url, fetch.found.extraction.describe());
        for id in self.frontier.articles_linking(&fetch.url)? {
            let archive = self.writer.archive();
            let stored = match archive.get(&id) {
                Ok(Some(s)) => s,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!("{id}: not indexed again with {}: {e}", fetch.url);
                    continue;
                }
            };
            let path = archive.path_of(&id).unwrap_or_default();
            let texts = archive.attachment_texts(&stored.article);
            self.indexer.upsert(&stored, &path, &texts)?;
            self.since_commit += 1;
        }
        Ok(())
    }

    /// The URL answered with the article: if it was gone, it is back.
    fn restore_if_gone(&mut self, site: usize, id: &str, url: &str) -> Result<()> {
        if !self.writer.is_gone(id) {
            return Ok(());
        }
        let m = archive::removals::Mark {
            id: id.to_owned(),
            url: url.to_owned(),
            change: archive::removals::Change::Restored,
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            last_seen_present: None,
            evidence: "the article again (HTTP 200)".to_owned(),
        };
        self.apply_mark(site, m)
    }

    fn write_failed(&mut self, tag: Writing, e: &crate::Error) -> Result<()> {
        tracing::error!("{}: cannot archive: {e}", tag.url);
        self.stats(tag.site).failed += 1;
        let mut recorded = tag.recorded;
        recorded.fail(format!("cannot archive: {e}"));
        // (Its records are not durable: the URL's last record stays what it was.)
        recorded.record = None;
        self.settle(tag.site, &tag.url, &recorded, &tag.links)
    }

    fn stats(&mut self, site: usize) -> &mut SiteStats {
        let name = &self.cfg.sites[site].name;
        self.report.sites.get_mut(name).expect("site in report")
    }

    /// Record a URL's outcome with its links, and show the site's progress. The same
    /// transaction takes the URLs the next [`Crawl::schedule`] will start.
    fn settle(&mut self, site: usize, url: &str, recorded: &Outcome, links: &[Link]) -> Result<()> {
        let site = &self.cfg.sites[site];
        let room = self.room();
        if !self.report.page_limit {
            self.report.page_limit |= self.frontier.settle(site, url, recorded, links, room)?;
        } else {
            self.frontier.settle(site, url, recorded, links, 0)?;
        }
        let stats = &self.report.sites[&site.name];
        self.progress
            .update(&site.name, stats, self.frontier.queued(&site.name));
        Ok(())
    }

    /// The run ended: commit the index, close or pause the run in the store.
    fn finish(mut self) -> Result<CrawlReport> {
        self.writer.close()?;
        self.indexer.commit()?;
        self.report.elapsed_secs = self.started.elapsed().as_secs_f64();
        let outcome = if self.report.interrupted {
            RunOutcome::Interrupted
        } else if self.report.timed_out {
            RunOutcome::TimedOut
        } else if self.report.page_limit {
            RunOutcome::PageLimit
        } else {
            RunOutcome::Completed
        };
        let summary = serde_json::to_string(&self.report)?;
        // Stopped early but cleanly: the next run continues this one's queue.
        self.frontier.end_run(outcome, &summary)?;
        self.progress.finish();
        Ok(self.report)
    }
}
