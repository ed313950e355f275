//! robots.txt, fetched once per host per run and obeyed for our user agent (RFC 9309):
//! a missing file (4xx) allows everything; a server error or an unreachable host disallows
//! everything, since we cannot know what the site allows.

use std::time::Duration;
use texting_robots::Robot;
use url::Url;

/// What a host's robots.txt says for us.
pub struct Rules {
    robot: Option<Robot>,
    allow_all: bool,
    /// Crawl-delay, already capped.
    pub delay: Option<Duration>,
    pub sitemaps: Vec<String>,
    /// How the file was obtained, for the log and the crawl state.
    pub status: String,
}

/// The product token of a User-Agent string: `vnnews` for `vnnews/0.1 (+https://…)`.
pub fn product_token(user_agent: &str) -> &str {
    user_agent.split(['/', ' ']).next().unwrap_or(user_agent)
}

impl Rules {
    pub fn allow_all(status: impl Into<String>) -> Rules {
        Rules {
            robot: None,
            allow_all: true,
            delay: None,
            sitemaps: Vec::new(),
            status: status.into(),
        }
    }

    pub fn disallow_all(status: impl Into<String>) -> Rules {
        Rules {
            robot: None,
            allow_all: false,
            delay: None,
            sitemaps: Vec::new(),
            status: status.into(),
        }
    }

    /// Parse a robots.txt body for `user_agent`, capping Crawl-delay at `max_delay`.
    pub fn parse(body: &[u8], user_agent: &str, max_delay: Duration) -> Rules {
        match Robot::new(product_token(user_agent), body) {
            Ok(robot) => {
                let delay = robot
                    .delay
                    .or_else(|| unreadable_delay(body).then_some(f32::NAN))
                    .and_then(|d| crawl_delay(d, max_delay));
                let sitemaps = robot.sitemaps.clone();
                Rules {
                    robot: Some(robot),
                    allow_all: false,
                    delay,
                    sitemaps,
                    status: "200".into(),
                }
            }
            Err(e) => {
                tracing::warn!("unparseable robots.txt ({e}); treating as allow-all");
                Rules::allow_all("unparseable")
            }
        }
    }

    pub fn allowed(&self, u: &Url) -> bool {
        match &self.robot {
            Some(r) => r.allowed(u.as_str()),
            None => self.allow_all,
        }
    }
}

/// Whether robots.txt has a Crawl-delay line whose value is no number (`NaN`), which the
/// parser drops: whichever agent it is meant for, the polite reading is the slowest.
fn unreadable_delay(body: &[u8]) -> bool {
    String::from_utf8_lossy(body).lines().any(|l| {
        let l = l.split('#').next().unwrap_or("");
        l.split_once(':').is_some_and(|(k, v)| {
            k.trim().eq_ignore_ascii_case("crawl-delay") && v.trim().parse::<f64>().map_or(true, |d| d.is_nan())
        })
    })
}

/// A Crawl-delay as robots.txt gives it, in force: capped at `max_delay`; one that is no
/// number (`inf`, `1e400`, `NaN`) is taken as the cap, not ignored; zero or less is none.
fn crawl_delay(d: f32, max_delay: Duration) -> Option<Duration> {
    if d.is_nan() || d > 0.0 && Duration::try_from_secs_f32(d).is_err() {
        tracing::warn!("robots.txt asks for a Crawl-delay of {d}; taken as the cap, {max_delay:?}");
        return Some(max_delay);
    }
    if d <= 0.0 {
        return None;
    }
    let d = Duration::from_secs_f32(d);
    if d > max_delay {
        tracing::warn!("robots.txt asks for a Crawl-delay of {d:?}; capped at {max_delay:?}");
        return Some(max_delay);
    }
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_for_our_agent() {
        let txt = b"User-agent: *\nDisallow: /admin/\nCrawl-delay: 2\nSitemap: http://x/sitemap.xml\n\nUser-agent: vnnews\nDisallow: /private/\nCrawl-delay: 500\n";
        let r = Rules::parse(txt, "vnnews/0.1 (+https://example.org)", Duration::from_secs(60));
        let u = |p: &str| Url::parse(&format!("http://x{p}")).unwrap();
        assert!(!r.allowed(&u("/private/a")));
        assert!(r.allowed(&u("/admin/")), "our own group replaces the * group");
        assert_eq!(r.delay, Some(Duration::from_secs(60)), "absurd delay capped");
        // A delay that is no number was ignored, so the crawl ran at the full rate.
        for bad in ["inf", "1e400", "NaN"] {
            let txt = format!("User-agent: *\nDisallow:\nCrawl-delay: {bad}\n");
            let r = Rules::parse(txt.as_bytes(), "vnnews/0.1", Duration::from_secs(60));
            assert_eq!(r.delay, Some(Duration::from_secs(60)), "Crawl-delay: {bad}");
        }
        assert_eq!(r.sitemaps, ["http://x/sitemap.xml"]);
        assert!(Rules::allow_all("404").allowed(&u("/a")));
        assert!(!Rules::disallow_all("503").allowed(&u("/a")));
    }
}
