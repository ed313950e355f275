//! `host` holds the politeness state of the servers a crawl talks to. A [`Server`] (host and
//! port, whatever the scheme: `http://x` and `https://x` are one machine) has the GCRA
//! limiter (governor) and the Retry-After window; a [`Host`] is one origin on it
//! (scheme, host and port, the scope of a robots.txt in RFC 9309) with its robots.txt rules,
//! fetched once per run through the server's limiter (redirects followed), and a slower
//! limiter when its Crawl-delay demands one.

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::OnceCell;
use tokio::time::Instant;
use url::Url;

use super::fetch::{Fetcher, Validators};
use super::robots::Rules;
use crate::config::Config;

/// Small safety margin on top of the configured gap, so the gap a server measures between
/// two request starts never falls below it: 2 %, plus 2 ms for gaps of 20 ms and more (a
/// fixed 2 ms capped a host at 500 requests/s however high its configured rate).
pub(super) fn gap(rate: f64) -> Duration {
    let period = Duration::from_secs_f64(1.0 / rate);
    period.mul_f64(1.02) + (period / 10).min(Duration::from_millis(2))
}

fn limiter(period: Duration) -> DefaultDirectRateLimiter {
    RateLimiter::direct(Quota::with_period(period.max(Duration::from_nanos(1))).expect("non-zero period"))
}

pub(super) struct HostRules {
    pub robots: Rules,
    /// The answer as fetched (status, body), to cache in the crawl state; `None` when the
    /// rules came from the cache or the host could not be reached.
    pub fetched: Option<(u16, Vec<u8>)>,
    /// The robots.txt exchanges (redirects included), for the WARC record; empty when the
    /// rules came from the cache.
    pub exchanges: Vec<super::fetch::Fetched>,
    /// A slower limiter when robots.txt's Crawl-delay exceeds the configured rate.
    slow: Option<DefaultDirectRateLimiter>,
    /// Why the host cannot be crawled in this run (it could not be reached, or its
    /// robots.txt answered with a server error); `None` when it can.
    pub unavailable: Option<String>,
}

/// The rate limit of one server (host and port), shared by its origins.
pub(super) struct Server {
    base: DefaultDirectRateLimiter,
    period: Duration,
    blocked_until: Mutex<Option<Instant>>,
}

impl Server {
    pub fn new(rate: f64) -> Server {
        let period = gap(rate);
        Server {
            base: limiter(period),
            period,
            blocked_until: Mutex::new(None),
        }
    }

    fn blocked_until(&self) -> Option<Instant> {
        *self.blocked_until.lock().expect("lock")
    }
}

/// Politeness state of one origin (`scheme://host:port`) on its server.
pub(super) struct Host {
    origin: Url,
    server: std::sync::Arc<Server>,
    pub rules: OnceCell<HostRules>,
    /// What the origin answers for an address that cannot exist, asked once per run when a
    /// page that was an article stops being one (soft-404 detection, see `crawl::gone`).
    pub missing: OnceCell<Option<std::sync::Arc<super::fetch::Fetched>>>,
}

impl Host {
    pub fn new(origin: Url, server: std::sync::Arc<Server>) -> Host {
        Host {
            origin,
            server,
            rules: OnceCell::new(),
            missing: OnceCell::new(),
        }
    }

    /// Keep every origin of the server off it for `d` (a 429 or 503 with Retry-After).
    pub fn block_for(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut b = self.server.blocked_until.lock().expect("lock");
        if b.is_none_or(|cur| cur < until) {
            *b = Some(until);
        }
    }

    /// Wait until a request to this origin may start: past any Retry-After window of its
    /// server, then its robots.txt's Crawl-delay (if slower), then the server's limiter.
    pub async fn acquire(&self) {
        loop {
            if let Some(until) = self.server.blocked_until() {
                tokio::time::sleep_until(until).await;
            }
            if let Some(slow) = self.rules.get().and_then(|r| r.slow.as_ref()) {
                slow.until_ready().await;
            }
            self.server.base.until_ready().await;
            // A 429 may have arrived while we waited for the limiter.
            if self.server.blocked_until().is_none_or(|u| u <= Instant::now()) {
                return;
            }
        }
    }

    /// Rules from the crawl state's cache (fetched earlier in this run).
    pub fn set_cached_rules(&self, status: u16, body: &[u8], cfg: &Config) {
        let robots = rules_for(status, body, cfg);
        let slow = self.slow_limiter(&robots);
        let _ = self.rules.set(HostRules {
            unavailable: unavailable(status),
            robots,
            fetched: None,
            exchanges: Vec::new(),
            slow,
        });
    }

    /// A slower limiter when robots.txt's Crawl-delay is longer than the configured gap.
    fn slow_limiter(&self, robots: &Rules) -> Option<DefaultDirectRateLimiter> {
        robots.delay.filter(|d| *d > self.server.period).map(|d| {
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

    pub async fn rules(&self, fetcher: &Fetcher, cfg: &Config) -> &HostRules {
        self.rules
            .get_or_init(|| async {
                let mut robots_url = self.origin.join("/robots.txt").expect("valid");
                // Follow up to five redirects (RFC 9309), each through the limiter.
                let mut answer = None;
                let mut exchanges = Vec::new();
                for _ in 0..6 {
                    self.server.base.until_ready().await;
                    let r = fetcher.get(&robots_url, &Validators::default()).await;
                    let target = match &r {
                        Ok(f) if (300..400).contains(&f.status) => {
                            f.header("location").and_then(|l| robots_url.join(l).ok())
                        }
                        _ => None,
                    };
                    if let (Ok(f), Some(_)) = (&r, &target) {
                        exchanges.push(f.clone());
                    }
                    answer = Some(r);
                    match target {
                        Some(t) => robots_url = t,
                        None => break,
                    }
                }
                let (robots, fetched, unavailable) = match answer.expect("at least one attempt") {
                    Ok(f) => {
                        let why = unavailable(f.status);
                        if let Some(why) = &why {
                            tracing::warn!("{robots_url}: {why}; not crawling this host in this run");
                        }
                        let rules = rules_for(f.status, &f.body, cfg);
                        let fetched = Some((f.status, f.body.clone()));
                        exchanges.push(f);
                        (rules, fetched, why)
                    }
                    Err(e) => {
                        tracing::warn!("{robots_url}: {e}; not crawling this host in this run");
                        let why = format!("host unreachable: {e}");
                        (Rules::disallow_all(e.to_string()), None, Some(why))
                    }
                };
                let slow = self.slow_limiter(&robots);
                HostRules {
                    robots,
                    fetched,
                    exchanges,
                    slow,
                    unavailable,
                }
            })
            .await
    }
}

/// Why a robots.txt answer with this status keeps us off the host, if it does: a server
/// error (RFC 9309: assume complete disallow) is a failing site, not a site's wish.
fn unavailable(status: u16) -> Option<String> {
    (!(200..500).contains(&status)).then(|| format!("robots.txt answered HTTP {status}"))
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

/// The robots.txt key of a URL: its origin, `scheme://host[:port]` (RFC 9309 §2.3: the
/// rules of `http://x` are not those of `https://x`, nor of `http://x:8080`).
pub(super) fn origin_key(u: &Url) -> String {
    u.origin().ascii_serialization()
}

/// The politeness key of a URL: its host and explicit port, without the scheme — `http://x`
/// and `https://x` are one server and share one limiter.
pub(super) fn host_key(u: &Url) -> String {
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
