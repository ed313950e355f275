//! `frontier` is the crawl's bookkeeping in front of the [`State`] store: scope, depth and
//! trap rules for every link, the queue and what was seen (in the store, so memory stays
//! flat), the run's and each site's page budgets, and the per-site counts the progress
//! display shows. Nothing outside reaches into its fields: the run loop asks it for the next
//! URLs ([`Frontier::pop`]) and tells it what a page gave ([`Frontier::settle`]), which
//! commits the page's outcome and the links it yielded in one transaction.

use std::collections::{HashMap, HashSet};
use url::Url;

use super::state::{CachedRobots, Outcome, Previous, RunOutcome, State, Tx};
use super::urls;
use crate::config::{Config, Site};
use crate::error::Result;

/// URLs the frontier remembers as seen in this run, at most.
const SEEN_CACHE: usize = 50_000;

/// What the frontier does with a link of a site's page, by the site's rules alone (scope,
/// depth, what the address says it is); whether it was seen in this run is the state's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Admission {
    /// Queued as a page.
    Page,
    /// Queued as a document (PDF, DOCX, …): one link deeper than `max_depth` allowed, on
    /// the site's `attachment_hosts` too, at the front of the queue.
    Document,
    NotHttp,
    OutOfScope,
    TooDeep,
    /// An image, a script, an archive: nothing to read.
    NotAPage,
}

impl Admission {
    pub fn is_queued(self) -> bool {
        matches!(self, Admission::Page | Admission::Document)
    }

    pub fn reason(self) -> &'static str {
        match self {
            Admission::Page => "a page",
            Admission::Document => "a document",
            Admission::NotHttp => "not an http(s) URL",
            Admission::OutOfScope => "out of the site's scope",
            Admission::TooDeep => "deeper than max_depth",
            Admission::NotAPage => "not a page (an image, a script, a file)",
        }
    }
}

/// The URL as the frontier keeps it (normalised), and what it does with it at `depth`.
pub fn admission(site: &Site, url: &Url, depth: u32) -> (Url, Admission) {
    if !matches!(url.scheme(), "http" | "https") {
        return (url.clone(), Admission::NotHttp);
    }
    let u = urls::normalise(url, &site.ignore_params);
    let verdict = if crate::extract::attachment::document_link(&u).is_some() {
        if !site.document_in_scope(&u) {
            Admission::OutOfScope
        } else if depth > site.max_depth.saturating_add(1) {
            Admission::TooDeep
        } else {
            Admission::Document
        }
    } else if !site.in_scope(&u) {
        Admission::OutOfScope
    } else if !urls::is_probably_page(&u) {
        Admission::NotAPage
    } else if depth > site.max_depth {
        Admission::TooDeep
    } else {
        Admission::Page
    };
    (u, verdict)
}

/// A link found on a page (or in a sitemap, robots.txt, a redirect), to queue.
pub(super) struct Link {
    pub url: Url,
    pub depth: u32,
    /// Next in line (a redirect's target) rather than at the end of the queue.
    pub front: bool,
}

/// A URL to fetch now.
pub(super) struct Next {
    pub url: Url,
    /// Index of its site in the configuration.
    pub site: usize,
    pub depth: u32,
    pub previous: Previous,
}

/// What [`Frontier::pop`] took off the queue.
pub(super) struct Popped {
    pub next: Vec<Next>,
    /// The run's page budget is spent: URLs were left queued for the next run.
    pub page_limit: bool,
}

pub(super) struct Frontier<'s> {
    state: &'s mut State,
    books: Books,
}

/// The frontier's counters and caches: what it keeps beside the store.
struct Books {
    /// Site names to their index in the configuration.
    site_index: HashMap<String, usize>,
    /// Sites crawled in this run.
    active: Vec<bool>,
    max_pages: Vec<usize>,
    /// URLs taken off the queue in this run, per site (a resumed run's earlier ones
    /// included: they spent the site's budget).
    scheduled: Vec<usize>,
    /// URLs taken off the queue by this invocation: `--max-pages` is a budget for one
    /// invocation, so a capped cron job makes progress on every run, resumed or not.
    taken: usize,
    run_max_pages: Option<usize>,
    /// URLs queued and not yet taken, per site (for the progress display).
    queued: HashMap<String, usize>,
    /// URLs known to be seen in this run: menus and sidebars repeat the same links on every
    /// page, and this spares the store those lookups. Bounded, so memory stays flat.
    seen_cache: HashSet<String>,
    max_query_variants: usize,
    /// URLs taken off the queue (inflight in the store) and not yet handed out.
    ready: std::collections::VecDeque<Next>,
}

impl<'s> Frontier<'s> {
    /// The frontier of the store's run (a resumed run keeps the budgets it spent), crawling
    /// the sites `active` names (by index).
    pub fn open(state: &'s mut State, cfg: &Config, active: &[usize], run_max_pages: Option<usize>) -> Result<Self> {
        let site_index: HashMap<String, usize> =
            cfg.sites.iter().enumerate().map(|(i, s)| (s.name.clone(), i)).collect();
        let mut scheduled = vec![0; cfg.sites.len()];
        for (name, n) in state.scheduled_per_site()? {
            if let Some(&i) = site_index.get(name.as_str()) {
                scheduled[i] = n;
            }
        }
        let queued = state.queued_per_site()?.into_iter().collect();
        let mut is_active = vec![false; cfg.sites.len()];
        for &i in active {
            is_active[i] = true;
        }
        let books = Books {
            site_index,
            active: is_active,
            max_pages: cfg.sites.iter().map(|s| s.max_pages).collect(),
            taken: 0,
            scheduled,
            run_max_pages,
            queued,
            seen_cache: HashSet::new(),
            max_query_variants: cfg.max_query_variants,
            ready: Default::default(),
        };
        Ok(Frontier { state, books })
    }

    /// URLs of a site queued and not yet taken.
    pub fn queued(&self, site: &str) -> usize {
        self.books.queued.get(site).copied().unwrap_or(0)
    }

    /// Queue a site's start URLs, sitemaps and feeds (seen already when a killed run is
    /// resumed).
    pub fn seed(&mut self, site: &Site) -> Result<()> {
        let links: Vec<Link> = site
            .start_urls
            .iter()
            .chain(&site.sitemaps)
            .chain(&site.feeds)
            .map(|u| Link {
                url: u.clone(),
                depth: 0,
                front: false,
            })
            .collect();
        self.write(|f, tx| f.admit_all(tx, site, &links))
    }

    /// Queue the site's archived articles not fetched for `every` (conditionally, as all
    /// articles are), so one that no page links to any more is still seen if it goes.
    pub fn recheck(&mut self, site: &Site, every: std::time::Duration) -> Result<usize> {
        let cutoff = chrono::Utc::now() - chrono::Duration::from_std(every).unwrap_or(chrono::Duration::MAX);
        let cutoff = cutoff.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.write(|f, tx| {
            let mut queued = 0;
            for (url, depth) in tx.stale_articles(&site.name, &cutoff)? {
                let Ok(url) = Url::parse(&url) else { continue };
                if f.admit(tx, site, &url, depth, false)? {
                    queued += 1;
                }
            }
            Ok(queued)
        })
    }

    /// Queue URLs to be fetched again in full, first: pages whose archived response was
    /// lost ([`crate::archive::LostRecord`]). Each keeps the depth it was found at.
    pub fn refetch(&mut self, site: &Site, urls: &[Url]) -> Result<usize> {
        self.write(|f, tx| {
            let mut queued = 0;
            for url in urls {
                let depth = tx.forget_fetch(url.as_str())?.unwrap_or(0);
                if f.admit(tx, site, url, depth, true)? {
                    queued += 1;
                }
            }
            Ok(queued)
        })
    }

    /// Take up to `n` URLs off the queue, within the budgets: URLs of sites not crawled in
    /// this run, or over their site's budget, are dropped from it; past the run's budget they
    /// stay queued for the next run.
    /// (`more`: whether new URLs may be taken off the queue, beyond those already taken.)
    pub fn pop(&mut self, n: usize, more: bool) -> Result<Popped> {
        let mut popped = Popped {
            next: Vec::new(),
            page_limit: false,
        };
        // URLs taken off the queue with the last page's outcome come first.
        while popped.next.len() < n {
            let Some(next) = self.books.ready.pop_front() else {
                break;
            };
            popped.next.push(next);
        }
        let want = n - popped.next.len();
        if more && want > 0 && popped.next.is_empty() {
            popped.page_limit = self.write(|f, tx| f.take(tx, want, &mut popped.next))?;
        }
        Ok(popped)
    }

    /// Record what fetching `url` gave, with the links it yielded, in one transaction: a
    /// kill never keeps one without the other. The same transaction takes up to `next` URLs
    /// off the queue for [`Frontier::pop`] (one commit per page, not two).
    pub fn settle(&mut self, site: &Site, url: &str, outcome: &Outcome, links: &[Link], next: usize) -> Result<bool> {
        self.write(|f, tx| {
            f.admit_all(tx, site, links)?;
            tx.record(url, outcome)?;
            let mut ready = std::mem::take(&mut f.ready);
            let page_limit = if next > ready.len() {
                let mut taken = Vec::new();
                let limit = f.take(tx, next - ready.len(), &mut taken)?;
                ready.extend(taken);
                limit
            } else {
                false
            };
            f.ready = ready;
            Ok(page_limit)
        })
    }

    /// A host answered its robots.txt: store it (when fetched, not cached) and queue the
    /// sitemaps it lists.
    pub fn robots_read(
        &mut self,
        site: &Site,
        host: &str,
        fetched: Option<(u16, &[u8])>,
        sitemaps: &[Link],
    ) -> Result<()> {
        self.write(|f, tx| {
            if let Some((status, body)) = fetched {
                tx.put_robots(host, status, body)?;
            }
            f.admit_all(tx, site, sitemaps)
        })
    }

    /// The archived articles that link to a document (whose index entries its text is in).
    pub fn articles_linking(&self, url: &str) -> Result<Vec<String>> {
        self.state.articles_linking(url)
    }

    /// The robots.txt stored for a host, if this run fetched it (a resumed run reuses it).
    pub fn robots_of_this_run(&self, host: &str) -> Result<Option<CachedRobots>> {
        Ok(self.state.robots(host)?.filter(|r| r.run == self.state.run()))
    }

    /// The run stops: URLs abandoned in flight are queued again, and the run is closed (or
    /// left to be resumed when its queue is not done).
    pub fn end_run(&mut self, outcome: RunOutcome, summary: &str) -> Result<()> {
        self.state.write(|tx| tx.requeue_inflight())?;
        self.state.end_run(outcome, summary)
    }

    fn write<R>(&mut self, f: impl FnOnce(&mut Books, &mut Tx<'_>) -> Result<R>) -> Result<R> {
        let books = &mut self.books;
        self.state.write(|tx| f(books, tx))
    }
}

impl Books {
    /// Take up to `n` URLs off the queue within the budgets into `out`; whether the run's
    /// budget left some queued.
    fn take(&mut self, tx: &mut Tx<'_>, n: usize, out: &mut Vec<Next>) -> Result<bool> {
        let mut page_limit = false;
        for q in tx.pop(n)? {
            if let Some(c) = self.queued.get_mut(&q.site) {
                *c = c.saturating_sub(1);
            }
            let Some(&site) = self.site_index.get(q.site.as_str()).filter(|&&i| self.active[i]) else {
                tracing::debug!("{}: site {:?} is not crawled in this run; dropped", q.url, q.site);
                tx.skip(&q.url)?;
                continue;
            };
            if self.run_max_pages.is_some_and(|m| self.taken >= m) {
                // Left queued: the next run continues from here.
                page_limit = true;
                tx.requeue(&q.url)?;
                *self.queued.entry(q.site).or_default() += 1;
                continue;
            }
            if self.scheduled[site] >= self.max_pages[site] {
                tx.skip(&q.url)?;
                continue;
            }
            // (A URL that is not http(s) may be queued by an earlier version.)
            let Some(url) = Url::parse(&q.url)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
            else {
                tracing::debug!("{}: not an http(s) URL; dropped", q.url);
                tx.skip(&q.url)?;
                continue;
            };
            self.scheduled[site] += 1;
            self.taken += 1;
            out.push(Next {
                url,
                site,
                depth: q.depth,
                previous: q.previous,
            });
        }
        Ok(page_limit)
    }

    fn admit_all(&mut self, tx: &mut Tx<'_>, site: &Site, links: &[Link]) -> Result<()> {
        for l in links {
            self.admit(tx, site, &l.url, l.depth, l.front)?;
        }
        Ok(())
    }

    /// Queue a URL unless it is out of scope, too deep, not a page, or seen in this run. A
    /// document (a PDF, DOCX, … by its address) is part of the page that links it: it may be
    /// one link deeper than `max_depth`, on one of the site's `attachment_hosts`, and it
    /// goes to the front of the queue, so an article's documents follow it.
    fn admit(&mut self, tx: &mut Tx<'_>, site: &Site, url: &Url, depth: u32, front: bool) -> Result<bool> {
        let (u, admission) = admission(site, url, depth);
        let document = match admission {
            Admission::Page => false,
            Admission::Document => true,
            refused => {
                tracing::debug!("{url}: not queued ({})", refused.reason());
                return Ok(false);
            }
        };
        if self.seen_cache.contains(u.as_str()) {
            return Ok(false);
        }
        let path_key = u
            .query()
            .map(|_| format!("{}{}", u.origin().ascii_serialization(), u.path()));
        let queued = tx.admit(
            u.as_str(),
            &site.name,
            depth,
            path_key.as_deref(),
            self.max_query_variants,
            front || document,
        )?;
        if queued {
            *self.queued.entry(site.name.clone()).or_default() += 1;
        } else if front {
            tracing::debug!("redirect to {u} not followed (seen in this run: a loop ends here)");
        }
        if self.seen_cache.len() >= SEEN_CACHE {
            self.seen_cache.clear();
        }
        self.seen_cache.insert(u.into());
        Ok(queued)
    }
}
