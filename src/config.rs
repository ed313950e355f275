//! `config` owns the crawl configuration: the TOML file researchers write (`config/vnnews.toml`
//! is the documented default), parsed into a raw struct and validated into a [`Config`]
//! whose values are all usable as they are.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

use crate::error::{Error, IoContext, Result};

/// The default configuration path, relative to the working directory.
pub const DEFAULT_PATH: &str = "config/vnnews.toml";
/// The default archive directory, relative to the working directory.
pub const DEFAULT_ARCHIVE: &str = "archive";

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub user_agent: Option<String>,
    pub concurrency: Option<usize>,
    pub rate: Option<f64>,
    pub connect_timeout_secs: Option<f64>,
    pub timeout_secs: Option<f64>,
    pub max_body_bytes: Option<u64>,
    /// The largest document (PDF, DOCX, …) fetched whole; larger ones are recorded, not
    /// fetched. Default 50 MB.
    pub max_attachment_bytes: Option<u64>,
    pub max_depth: Option<u32>,
    pub max_pages: Option<usize>,
    pub max_query_variants: Option<usize>,
    pub max_crawl_delay_secs: Option<f64>,
    pub retries: Option<u32>,
    /// Days after which an archived article is fetched again (conditionally) even when no
    /// page links to it any more, so its removal is seen; 0: on every run.
    pub recheck_days: Option<f64>,
    /// PEM files of certificate authorities to trust besides the system's (a portal whose
    /// certificate a national CA issued that the system does not carry). Relative paths are
    /// relative to the configuration file.
    #[serde(default)]
    pub ca_certs: Vec<PathBuf>,
    #[serde(default)]
    pub site: Vec<RawSite>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    pub name: String,
    pub start_urls: Vec<String>,
    pub rate: Option<f64>,
    pub max_pages: Option<usize>,
    pub max_depth: Option<u32>,
    /// URL prefixes the crawl may enter; default: the start URLs' hosts.
    #[serde(default)]
    pub allow: Vec<String>,
    /// URL prefixes never to fetch, on top of robots.txt.
    #[serde(default)]
    pub deny: Vec<String>,
    #[serde(default)]
    pub article_urls: Vec<String>,
    #[serde(default)]
    pub listing_urls: Vec<String>,
    #[serde(default)]
    pub feeds: Vec<String>,
    #[serde(default)]
    pub sitemaps: Vec<String>,
    /// Query parameters that do not change the page (session ids, sort orders).
    #[serde(default)]
    pub ignore_params: Vec<String>,
    /// Other hosts of the same authority whose documents the site's pages link to
    /// (`vanban.hanoi.gov.vn`): documents there are fetched, pages are not.
    #[serde(default)]
    pub attachment_hosts: Vec<String>,
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub user_agent: String,
    pub concurrency: usize,
    pub rate: f64,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub max_body_bytes: u64,
    /// See [`RawConfig::max_attachment_bytes`].
    pub max_attachment_bytes: u64,
    pub max_depth: u32,
    pub max_pages: usize,
    pub max_query_variants: usize,
    pub max_crawl_delay: Duration,
    pub retries: u32,
    /// See [`RawConfig::recheck_days`].
    pub recheck: Duration,
    /// Extra trusted certificate authorities: each file's path and PEM text (checked to
    /// hold at least one certificate).
    pub ca_certs: Vec<(PathBuf, Vec<u8>)>,
    pub sites: Vec<Site>,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
    pub start_urls: Vec<Url>,
    /// Requests per second to each of this site's hosts.
    pub rate: f64,
    pub max_pages: usize,
    pub max_depth: u32,
    pub allow: Vec<String>,
    pub deny: Vec<String>,
    /// `article_urls` and `listing_urls`: they decide a page's type before its content.
    pub patterns: crate::extract::UrlPatterns,
    pub feeds: Vec<Url>,
    pub sitemaps: Vec<Url>,
    pub ignore_params: Vec<String>,
    /// Host names (lower case, without `www.`) whose documents are in scope.
    pub attachment_hosts: Vec<String>,
}

pub const DEFAULT_USER_AGENT: &str = concat!(
    "vnnews/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/vnnews/vnnews)"
);

fn url(s: &str, what: &str) -> Result<Url> {
    let u = Url::parse(s).map_err(|e| Error::Config(format!("{what}: {s:?} is not a URL ({e})")))?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(Error::Config(format!("{what}: {s:?} is not an http(s) URL")));
    }
    Ok(u)
}

fn positive(v: f64, what: &str) -> Result<f64> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(Error::Config(format!("{what} must be a positive number, not {v}")))
    }
}

/// The slowest rate a site may have: one request a day (a slower one is no crawl, and its
/// gap would not fit the timers).
const MIN_RATE: f64 = 1.0 / 86_400.0;

/// The longest timeout or delay a configuration may give: a day.
const MAX_SECS: f64 = 86_400.0;

/// A rate in requests per second: positive, and at least one a day.
fn rate(v: f64, what: &str) -> Result<f64> {
    let v = positive(v, what)?;
    if v < MIN_RATE {
        return Err(Error::Config(format!(
            "{what} must be at least one request a day ({MIN_RATE:.2e}/s), not {v}"
        )));
    }
    Ok(v)
}

/// A duration in seconds: positive and at most a day.
fn seconds(v: f64, what: &str) -> Result<Duration> {
    let v = positive(v, what)?;
    if v > MAX_SECS {
        return Err(Error::Config(format!(
            "{what} must be at most {MAX_SECS} seconds (a day), not {v}"
        )));
    }
    Ok(Duration::from_secs_f64(v))
}

impl RawConfig {
    pub fn parse(path: &Path, text: &str) -> Result<RawConfig> {
        toml::from_str(text).map_err(|source| Error::Toml {
            path: path.to_owned(),
            source,
        })
    }

    /// Check every value and fill in defaults.
    pub fn validate(self) -> Result<Config> {
        let user_agent = self.user_agent.unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned());
        if user_agent.trim().is_empty() {
            return Err(Error::Config("user_agent must not be empty".into()));
        }
        let rate = rate(self.rate.unwrap_or(1.0), "rate")?;
        let concurrency = self.concurrency.unwrap_or(4);
        if concurrency == 0 {
            return Err(Error::Config("concurrency must be at least 1".into()));
        }
        let max_depth = self.max_depth.unwrap_or(8);
        let max_pages = self.max_pages.unwrap_or(10_000);
        let mut names = std::collections::HashSet::new();
        let sites = self
            .site
            .into_iter()
            .map(|s| {
                if !names.insert(s.name.clone()) {
                    return Err(Error::Config(format!("two [[site]] tables are named {:?}", s.name)));
                }
                if s.name.is_empty()
                    || s.name.contains(['/', '\\'])
                    || s.name.starts_with('.')
                    || s.name.chars().any(char::is_control)
                {
                    return Err(Error::Config(format!(
                        "site name {:?} must be a plain name (it names a directory)",
                        s.name
                    )));
                }
                let what = format!("site {:?}", s.name);
                if s.start_urls.is_empty() {
                    return Err(Error::Config(format!("{what} has no start_urls")));
                }
                let start_urls = s.start_urls.iter().map(|u| url(u, &what)).collect::<Result<Vec<_>>>()?;
                let allow = if s.allow.is_empty() {
                    start_urls
                        .iter()
                        .map(|u| u.origin().ascii_serialization() + "/")
                        .collect()
                } else {
                    s.allow
                };
                Ok(Site {
                    rate: self::rate(s.rate.unwrap_or(rate), &format!("{what} rate"))?,
                    max_pages: s.max_pages.unwrap_or(max_pages),
                    max_depth: s.max_depth.unwrap_or(max_depth),
                    allow,
                    deny: s.deny,
                    patterns: crate::extract::UrlPatterns::new(&what, &s.article_urls, &s.listing_urls)?,
                    feeds: s.feeds.iter().map(|u| url(u, &what)).collect::<Result<_>>()?,
                    sitemaps: s.sitemaps.iter().map(|u| url(u, &what)).collect::<Result<_>>()?,
                    ignore_params: s.ignore_params,
                    attachment_hosts: s
                        .attachment_hosts
                        .iter()
                        .map(|h| attachment_host(h, &what))
                        .collect::<Result<_>>()?,
                    name: s.name,
                    start_urls,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Config {
            user_agent,
            concurrency,
            rate,
            connect_timeout: seconds(self.connect_timeout_secs.unwrap_or(10.0), "connect_timeout_secs")?,
            timeout: seconds(self.timeout_secs.unwrap_or(30.0), "timeout_secs")?,
            max_body_bytes: self.max_body_bytes.unwrap_or(crate::extract::MAX_PAGE_BYTES),
            max_attachment_bytes: match self.max_attachment_bytes.unwrap_or(DEFAULT_MAX_ATTACHMENT_BYTES) {
                0 => return Err(Error::Config("max_attachment_bytes must be at least 1".into())),
                n => n,
            },
            max_depth,
            max_pages,
            max_query_variants: self.max_query_variants.unwrap_or(20),
            max_crawl_delay: seconds(self.max_crawl_delay_secs.unwrap_or(60.0), "max_crawl_delay_secs")?,
            retries: self.retries.unwrap_or(3),
            recheck: match self.recheck_days.unwrap_or(7.0) {
                d if d.is_finite() && (0.0..=3650.0).contains(&d) => Duration::from_secs_f64(d * 86_400.0),
                d => {
                    return Err(Error::Config(format!(
                        "recheck_days must be a number of days from 0 to 3650, not {d}"
                    )));
                }
            },
            ca_certs: self.ca_certs.iter().map(|p| ca_cert(p)).collect::<Result<_>>()?,
            sites,
        })
    }
}

/// The default `max_attachment_bytes`: 50 MB.
pub const DEFAULT_MAX_ATTACHMENT_BYTES: u64 = 50 * 1024 * 1024;

/// An `attachment_hosts` entry: a host name (`vanban.hanoi.gov.vn`, or a URL naming one).
fn attachment_host(entry: &str, what: &str) -> Result<String> {
    let e = entry.trim();
    let host = match Url::parse(e) {
        Ok(u) if u.host_str().is_some() => u.host_str().unwrap_or_default().to_owned(),
        _ => Url::parse(&format!("http://{e}/"))
            .ok()
            .filter(|_| !e.contains('/'))
            .and_then(|u| u.host_str().map(str::to_owned))
            .ok_or_else(|| Error::Config(format!("{what} attachment_hosts: {entry:?} is not a host name")))?,
    };
    Ok(host.trim_start_matches("www.").to_owned())
}

/// A PEM file of certificates, read and checked.
fn ca_cert(path: &Path) -> Result<(PathBuf, Vec<u8>)> {
    let pem = std::fs::read(path).at(path)?;
    match reqwest::Certificate::from_pem_bundle(&pem) {
        Ok(certs) if !certs.is_empty() => Ok((path.to_owned(), pem)),
        Ok(_) => Err(Error::Config(format!(
            "ca_certs: {} holds no PEM certificate",
            path.display()
        ))),
        Err(e) => Err(Error::Config(format!("ca_certs: {}: {e}", path.display()))),
    }
}

impl Config {
    /// Read and validate a configuration file.
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).at(path)?;
        let mut raw = RawConfig::parse(path, &text)?;
        let dir = path.parent().unwrap_or(Path::new(""));
        for p in &mut raw.ca_certs {
            if p.is_relative() {
                *p = dir.join(&*p);
            }
        }
        raw.validate()
    }

    /// Parse and validate configuration text (for tests and the demo).
    pub fn from_toml(text: &str) -> Result<Config> {
        RawConfig::parse(&PathBuf::from("<inline>"), text)?.validate()
    }
}

impl Site {
    /// Does the site's scope include this URL? Only http and https URLs ever are.
    /// Prefixes are compared without the scheme and a leading `www.`, so a portal that
    /// redirects from http to https, or to its `www.` name, stays in scope.
    pub fn in_scope(&self, u: &Url) -> bool {
        if !matches!(u.scheme(), "http" | "https") {
            return false;
        }
        let s = scope_key(u.as_str());
        self.allow.iter().any(|p| s.starts_with(scope_key(p))) && !self.deny.iter().any(|p| s.starts_with(scope_key(p)))
    }
}

impl Site {
    /// May a document at this URL be fetched: in the site's scope, or on one of its
    /// `attachment_hosts` (and not denied)?
    pub fn document_in_scope(&self, u: &Url) -> bool {
        if self.in_scope(u) {
            return true;
        }
        let host = u.host_str().map(|h| h.trim_start_matches("www."));
        matches!(u.scheme(), "http" | "https")
            && host.is_some_and(|h| self.attachment_hosts.iter().any(|a| a == h))
            && !self
                .deny
                .iter()
                .any(|p| scope_key(u.as_str()).starts_with(scope_key(p)))
    }
}

/// Query parameters that only track where a visitor came from.
const TRACKING: &[&str] = &[
    "fbclid", "gclid", "dclid", "msclkid", "zarsrc", "zx", "_ga", "mc_cid", "mc_eid", "igshid",
];

/// One page, one URL: fragment and tracking parameters removed, and the site's
/// `ignore_params` (see `crawl::urls`).
pub fn normalise_url(u: &Url, ignore: &[String]) -> Url {
    let mut u = u.clone();
    u.set_fragment(None);
    if u.query().is_some() {
        let kept: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| {
                let k = k.to_ascii_lowercase();
                !k.starts_with("utm_")
                    && !TRACKING.contains(&k.as_str())
                    && !ignore.iter().any(|i| i.eq_ignore_ascii_case(&k))
            })
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    u
}

/// An article's document links as the crawl knows their URLs ([`normalise_url`]), so a
/// document's fetch finds the articles linking it.
pub fn normalise_attachments(links: &mut [crate::extract::AttachmentLink], ignore: &[String]) {
    for link in links {
        if let Ok(u) = Url::parse(&link.url) {
            link.url = normalise_url(&u, ignore).to_string();
        }
    }
}

fn scope_key(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.strip_prefix("www.").unwrap_or(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_example_config_is_valid() {
        let c = Config::from_toml(
            r#"
user_agent = "vnnews/0.1 (+https://example.org/about-this-crawler)"
concurrency = 8
rate = 2.0

[[site]]
name = "longbien"
start_urls = ["http://127.0.0.2:8080/"]
"#,
        )
        .unwrap();
        assert_eq!(c.concurrency, 8);
        assert_eq!(c.sites[0].rate, 2.0);
        assert_eq!(c.sites[0].allow, ["http://127.0.0.2:8080/"]);
        assert!(c.sites[0].in_scope(&Url::parse("http://127.0.0.2:8080/tin-tuc").unwrap()));
        assert!(!c.sites[0].in_scope(&Url::parse("http://127.0.0.3:8080/").unwrap()));
        assert!(
            c.sites[0].in_scope(&Url::parse("https://127.0.0.2:8080/a").unwrap()),
            "http → https redirects stay in scope"
        );
    }

    #[test]
    fn documents_on_attachment_hosts_are_in_scope_and_pages_there_are_not() {
        let c = Config::from_toml(
            r#"
max_attachment_bytes = 1000
[[site]]
name = "hanoi"
start_urls = ["https://hanoi.gov.vn/"]
attachment_hosts = ["vanban.hanoi.gov.vn", "https://www.files.hanoi.gov.vn/"]
deny = ["https://vanban.hanoi.gov.vn/private/"]
"#,
        )
        .unwrap();
        let site = &c.sites[0];
        let u = |s: &str| Url::parse(s).unwrap();
        assert_eq!(c.max_attachment_bytes, 1000);
        assert_eq!(site.attachment_hosts, ["vanban.hanoi.gov.vn", "files.hanoi.gov.vn"]);
        assert!(site.document_in_scope(&u("https://vanban.hanoi.gov.vn/qd/12.pdf")));
        assert!(site.document_in_scope(&u("http://files.hanoi.gov.vn/a.docx")));
        assert!(site.document_in_scope(&u("https://hanoi.gov.vn/upload/a.pdf")));
        assert!(!site.in_scope(&u("https://vanban.hanoi.gov.vn/qd/12.pdf")));
        assert!(!site.document_in_scope(&u("https://vanban.hanoi.gov.vn/private/x.pdf")));
        assert!(!site.document_in_scope(&u("https://other.gov.vn/a.pdf")));
        let bad = "[[site]]\nname = \"a\"\nstart_urls = [\"https://a.vn/\"]\nattachment_hosts = [\"a.vn/x\"]";
        assert!(Config::from_toml(bad).is_err());
        assert!(Config::from_toml("max_attachment_bytes = 0").is_err());
        let default = Config::from_toml("[[site]]\nname = \"a\"\nstart_urls = [\"https://a.vn/\"]").unwrap();
        assert_eq!(default.max_attachment_bytes, 50 * 1024 * 1024);
    }

    #[test]
    fn shipped_config_is_valid() {
        let c = Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(DEFAULT_PATH)).unwrap();
        assert!(c.sites.iter().any(|s| s.name == "hanoi"));
    }

    #[test]
    fn bad_values_are_clear_errors() {
        for (toml, msg) in [
            ("rate = 0.0", "rate must be a positive number"),
            ("concurrency = 0", "concurrency must be at least 1"),
            (
                "[[site]]\nname = \"x\"\nstart_urls = [\"ftp://x\"]",
                "not an http(s) URL",
            ),
            ("[[site]]\nname = \"x\"\nstart_urls = []", "has no start_urls"),
            ("bogus = 1", "unknown field"),
            // Values that overflowed a Duration panicked the crawl (after it had opened the
            // archive) instead of failing here.
            ("rate = 1e-20", "at least one request a day"),
            (
                "[[site]]\nname = \"x\"\nrate = 1e-300\nstart_urls = [\"http://x/\"]",
                "at least one request a day",
            ),
            ("timeout_secs = 1e19", "timeout_secs must be at most"),
            ("connect_timeout_secs = 1e300", "connect_timeout_secs must be at most"),
            ("max_crawl_delay_secs = 1e300", "max_crawl_delay_secs must be at most"),
            ("rate = inf", "rate must be a positive number"),
            (
                "[[site]]\nname = \"a\\u0000b\"\nstart_urls = [\"http://x/\"]",
                "must be a plain name",
            ),
            (
                "[[site]]\nname = \"a\\nb\"\nstart_urls = [\"http://x/\"]",
                "must be a plain name",
            ),
            ("ca_certs = [\"/nonexistent/ca.pem\"]", "/nonexistent/ca.pem"),
            ("recheck_days = -1", "recheck_days must be a number of days"),
            ("recheck_days = nan", "recheck_days must be a number of days"),
            (
                "ca_certs = [\"Cargo.toml\"]",
                "ca_certs: Cargo.toml holds no PEM certificate",
            ),
        ] {
            let err = Config::from_toml(toml).unwrap_err().to_string();
            assert!(err.contains(msg), "{toml:?}: {err}");
        }
    }
}
