//! `check` shows how vnnews sees one page, the way a user sets up a new portal before a
//! long crawl: fetched politely — the origin's robots.txt first, the configured user agent
//! and rate, redirects followed one request at a time through the same limiter — or read
//! from a saved file; then decoded (the charset evidence and the repairs), extracted (the
//! fields, the profile and URL patterns that applied), typed (the rule and its evidence),
//! and every link classified as the crawl's frontier would classify it.

use serde::Serialize;
use std::sync::Arc;
use url::Url;

use super::fetch::{Fetcher, Validators};
use super::frontier::{Admission, admission};
use super::host::{Host, Server};
use crate::config::{Config, Site};
use crate::decode::EncodingReport;
use crate::error::{Error, Result};
use crate::extract::page_type::Decision;
use crate::extract::profile::Profiles;
use crate::extract::{self, Article, Claim, ClaimField, Page, PageType};
use crate::time::When;

/// Redirects followed from the URL asked for, at most (as the crawl does for robots.txt).
const MAX_REDIRECTS: usize = 5;

/// A claim of the page's metadata, and whether the field extracted says the same.
#[derive(Debug, Serialize)]
pub struct MetadataClaim {
    #[serde(flatten)]
    pub claim: Claim,
    /// The field extracted says the same: the title (its case, spacing and a site's name
    /// around it aside), the instant (or the day, where either gives only one), one of the
    /// authors.
    pub agrees: bool,
}

impl MetadataClaim {
    fn of(claim: Claim, article: &Article) -> MetadataClaim {
        let plain = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let same_time = |field: Option<&str>| {
            let (Some(ours), Some(theirs)) = (
                field.and_then(When::parse_stored),
                extract::date::parse_text(&claim.value),
            ) else {
                return false;
            };
            match (ours, theirs) {
                (When::DateTime(a), When::DateTime(b)) => a == b,
                (a, b) => own_day(a) == own_day(b),
            }
        };
        let agrees = match claim.field {
            ClaimField::Title => article
                .title
                .as_deref()
                .is_some_and(|t| !t.trim().is_empty() && plain(&claim.value).contains(&plain(t))),
            ClaimField::Published => same_time(article.published.as_deref()),
            ClaimField::Modified => same_time(article.modified.as_deref()),
            ClaimField::Author => {
                let theirs = plain(&claim.value);
                article.authors.iter().any(|a| {
                    let a = plain(a);
                    !a.is_empty() && (theirs == a || theirs.contains(&a))
                })
            }
        };
        MetadataClaim { claim, agrees }
    }
}

/// The day a time names where it was stated (its own offset, not Vietnam's).
fn own_day(w: When) -> chrono::NaiveDate {
    match w {
        When::Date(d) => d,
        When::DateTime(t) => t.date_naive(),
    }
}

/// How vnnews sees one page.
#[derive(Debug, Serialize)]
pub struct Report {
    /// The address the page was asked for (or stands for, for a saved file).
    pub url: String,
    /// For a saved file given without `--url`: where its address came from (the page's
    /// `saved from url` mark or its canonical link), if the page states one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_from: Option<&'static str>,
    /// The configured site whose scope holds the URL (or the one named), if any.
    pub site: Option<String>,
    /// The site profile (`config/sites/`) that applied, if any.
    pub profile: Option<String>,
    /// What the site's and the profile's URL patterns say of the page, if anything.
    pub url_patterns: Option<PageType>,
    /// The exchange, when the page was fetched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetch: Option<FetchReport>,
    pub encoding: EncodingReport,
    pub page_type: Decision,
    pub article: Article,
    /// What the page's metadata says of the title, dates and authors, each with whether the
    /// field extracted says the same.
    pub metadata: Vec<MetadataClaim>,
    pub links: Vec<LinkReport>,
    pub feeds: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct FetchReport {
    /// Where the page was found, after redirects.
    pub final_url: String,
    /// Each redirect: status and target.
    pub redirects: Vec<(u16, String)>,
    pub status: u16,
    pub content_type: Option<String>,
    pub bytes: usize,
    pub truncated: bool,
    pub robots: RobotsReport,
    pub user_agent: String,
}

#[derive(Debug, Serialize)]
pub struct RobotsReport {
    /// The robots.txt answer: `200`, `404`, `unreachable`, …
    pub status: String,
    /// Crawl-delay, in milliseconds, when robots.txt gives one.
    pub crawl_delay_ms: Option<u64>,
}

/// One link of the page and what a crawl of the site would do with it, the page taken as a
/// start page (its links at depth 1).
#[derive(Debug, Serialize)]
pub struct LinkReport {
    /// The URL as the frontier keeps it (fragment and tracking parameters removed).
    pub url: String,
    /// Queued as a page or a document, or why not. Without a configured site: `None`.
    pub admission: Option<Admission>,
    /// What the site's and the profile's URL patterns say it is.
    pub url_patterns: Option<PageType>,
    /// robots.txt of the page's origin allows it (`None`: another origin, not asked).
    pub robots_allowed: Option<bool>,
}

/// The configured site for a URL: the one named (an error when no site has that name), or
/// the first whose scope holds the URL.
pub fn site_for<'c>(cfg: &'c Config, url: &Url, name: Option<&str>) -> Result<Option<&'c Site>> {
    match name {
        Some(n) => cfg
            .sites
            .iter()
            .find(|s| s.name == n)
            .map(Some)
            .ok_or_else(|| Error::Config(format!("no site named {n:?} in the configuration"))),
        None => Ok(cfg.sites.iter().find(|s| s.in_scope(url))),
    }
}

/// Fetch `url` politely and report how vnnews sees it. A page robots.txt disallows is not
/// fetched ([`Error::RobotsDisallowed`]).
pub async fn fetch_and_check(cfg: &Config, profiles: &Profiles, url: &Url, site: Option<&Site>) -> Result<Report> {
    let fetcher = Fetcher::new(cfg)?;
    let rate = site.map_or(cfg.rate, |s| s.rate);
    let server = Arc::new(Server::new(rate));
    let mut current = url.clone();
    let mut redirects = Vec::new();
    // One robots.txt per origin, asked once (a redirect within the origin asks no more).
    let mut hosts: std::collections::HashMap<String, Host> = std::collections::HashMap::new();
    loop {
        let key = super::host::origin_key(&current);
        let host = hosts
            .entry(key)
            .or_insert_with(|| Host::new(current.clone(), server.clone()));
        let rules = host.rules(&fetcher, cfg).await;
        if let Some(why) = &rules.unavailable {
            return Err(Error::Fetch {
                url: current.to_string(),
                reason: why.clone(),
            });
        }
        if !rules.robots.allowed(&current) {
            return Err(Error::RobotsDisallowed {
                url: current.to_string(),
                robots: rules.robots.status.clone(),
            });
        }
        host.acquire().await;
        let f = fetcher
            .get(&current, &Validators::default())
            .await
            .map_err(|e| Error::Fetch {
                url: current.to_string(),
                reason: e.to_string(),
            })?;
        if (300..400).contains(&f.status)
            && let Some(next) = f.header("location").and_then(|l| current.join(l).ok())
        {
            if redirects.len() == MAX_REDIRECTS {
                return Err(Error::Fetch {
                    url: url.to_string(),
                    reason: format!("more than {MAX_REDIRECTS} redirects"),
                });
            }
            redirects.push((f.status, next.to_string()));
            current = next;
            continue;
        }
        let robots = &rules.robots;
        let content_type = f.header("content-type").map(str::to_owned);
        let fetched_at = f.fetched_at.with_timezone(&crate::time::vn_offset());
        let mut report = check_page(
            profiles,
            &f.body,
            content_type.as_deref(),
            &current,
            site,
            Some(fetched_at),
            Some(robots),
        );
        report.url = url.to_string();
        report.fetch = Some(FetchReport {
            final_url: current.to_string(),
            redirects,
            status: f.status,
            content_type,
            bytes: f.body.len(),
            truncated: f.truncated,
            robots: RobotsReport {
                status: robots.status.clone(),
                crawl_delay_ms: robots.delay.map(|d| d.as_millis() as u64),
            },
            user_agent: cfg.user_agent.clone(),
        });
        return Ok(report);
    }
}

/// Report how vnnews sees a page's bytes (saved, or just fetched from `url`); `robots`, the
/// rules of the page's origin, when known.
pub fn check_page(
    profiles: &Profiles,
    bytes: &[u8],
    content_type: Option<&str>,
    url: &Url,
    site: Option<&Site>,
    fetched_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    robots: Option<&super::robots::Rules>,
) -> Report {
    let profile = profiles.for_url(url.as_str());
    let x = extract::extract(
        &Page {
            bytes,
            content_type,
            url: url.as_str(),
            fetched_at,
            patterns: site.map(|s| &s.patterns),
        },
        profile,
    );
    let patterns_say = |u: &Url| {
        site.and_then(|s| s.patterns.page_type_for(u.as_str()))
            .or_else(|| profile.and_then(|p| p.page_type_for(u.as_str())))
    };
    let mut seen = std::collections::HashSet::new();
    let links = x
        .links
        .iter()
        .filter_map(|l| {
            let (normalised, verdict) = match site {
                Some(s) => {
                    let (u, a) = admission(s, l, 1);
                    (u, Some(a))
                }
                None => (l.clone(), None),
            };
            seen.insert(normalised.to_string()).then(|| LinkReport {
                url_patterns: patterns_say(&normalised),
                robots_allowed: robots
                    .filter(|_| normalised.origin() == url.origin())
                    .map(|r| r.allowed(&normalised)),
                admission: verdict,
                url: normalised.into(),
            })
        })
        .collect();
    Report {
        url: url.to_string(),
        address_from: None,
        site: site.map(|s| s.name.clone()),
        profile: profile.map(|p| p.name.clone()),
        url_patterns: patterns_say(url),
        fetch: None,
        encoding: x.article.encoding.clone(),
        page_type: x.page_type,
        feeds: x.feeds.iter().map(Url::to_string).collect(),
        links,
        metadata: x
            .metadata
            .into_iter()
            .map(|c| MetadataClaim::of(c, &x.article))
            .collect(),
        article: x.article,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"
[[site]]
name = "quan"
start_urls = ["http://quan.example.vn/"]
allow = ["http://quan.example.vn/"]
deny = ["http://quan.example.vn/dang-nhap"]
article_urls = ['/tin-tuc/[^/]+\.html$']
listing_urls = ['/tin-tuc/?$']
"#;

    #[test]
    fn a_saved_page_is_typed_and_its_links_classified_as_the_frontier_would() {
        let cfg = Config::from_toml(CONFIG).unwrap();
        let url = Url::parse("http://quan.example.vn/tin-tuc/bai-mot.html").unwrap();
        let site = site_for(&cfg, &url, None).unwrap();
        assert_eq!(site.map(|s| s.name.as_str()), Some("quan"));
        let prose = "<p>Ủy ban nhân dân quận vừa ban hành kế hoạch triển khai tháng hành động, với nhiều hoạt động tại các phường trong tháng tới.</p>".repeat(4);
        let page = format!(
            "<html><head><title>Bài một</title></head><body><h1>Bài một</h1>{prose}\
             <a href=\"/tin-tuc/bai-hai.html#top\">Bài hai</a> <a href=\"/tin-tuc/\">Tin tức</a>\
             <a href=\"/files/qd-12.pdf\">Quyết định</a> <a href=\"/dang-nhap\">Đăng nhập</a>\
             <a href=\"/anh/a.jpg\">Ảnh</a> <a href=\"http://other.vn/x.html\">Khác</a>\
             <a href=\"/tin-tuc/bai-hai.html\">Bài hai, lần nữa</a></body></html>"
        );
        let r = check_page(&Profiles::default(), page.as_bytes(), None, &url, site, None, None);
        assert_eq!(r.site.as_deref(), Some("quan"));
        assert_eq!(r.url_patterns, Some(PageType::Article));
        assert_eq!(r.page_type.page_type, PageType::Article);
        assert_eq!(r.page_type.rule, "the site's URL patterns say so");
        let got: Vec<(&str, Option<Admission>, Option<PageType>)> = r
            .links
            .iter()
            .map(|l| (l.url.as_str(), l.admission, l.url_patterns))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "http://quan.example.vn/tin-tuc/bai-hai.html",
                    Some(Admission::Page),
                    Some(PageType::Article)
                ),
                (
                    "http://quan.example.vn/tin-tuc/",
                    Some(Admission::Page),
                    Some(PageType::Listing)
                ),
                (
                    "http://quan.example.vn/files/qd-12.pdf",
                    Some(Admission::Document),
                    None
                ),
                ("http://quan.example.vn/dang-nhap", Some(Admission::OutOfScope), None),
                ("http://quan.example.vn/anh/a.jpg", Some(Admission::NotAPage), None),
                ("http://other.vn/x.html", Some(Admission::OutOfScope), None),
            ]
        );
    }

    #[test]
    fn a_site_named_that_does_not_exist_is_an_error() {
        let cfg = Config::from_toml(CONFIG).unwrap();
        let url = Url::parse("http://elsewhere.vn/").unwrap();
        assert!(site_for(&cfg, &url, Some("nowhere")).is_err());
        assert!(site_for(&cfg, &url, None).unwrap().is_none());
        assert!(site_for(&cfg, &url, Some("quan")).unwrap().is_some());
    }
    #[test]
    fn each_metadata_claim_is_shown_with_whether_the_field_extracted_agrees() {
        let prose = "<p>Ủy ban nhân dân quận vừa ban hành kế hoạch triển khai tháng hành động, với nhiều hoạt động tại các phường trong tháng tới.</p>".repeat(4);
        // The visible time is read; the JSON-LD's agrees, the meta tag's (stamped when the
        // record was saved, 20 minutes later) does not; the meta author is the office.
        let page = format!(
            "<html><head><title>Bài một - Cổng thông tin quận</title><meta property=\"og:title\" content=\"Bài một\">\
             <meta name=\"author\" content=\"Văn phòng UBND quận\">\
             <meta property=\"article:published_time\" content=\"2023-12-05T09:35:00+07:00\">\
             <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Bài một\",\"datePublished\":\"2023-12-05T09:15:00+07:00\",\"author\":{{\"@type\":\"Person\",\"name\":\"Minh Quân\"}}}}</script>\
             </head><body><h1>Bài một</h1><div class=\"date\">05/12/2023 09:15</div>{prose}<p><strong>Minh Quân</strong></p></body></html>"
        );
        let url = Url::parse("http://quan.example.vn/tin-tuc/bai-mot.html").unwrap();
        let r = check_page(&Profiles::default(), page.as_bytes(), None, &url, None, None, None);
        assert_eq!(r.article.published.as_deref(), Some("2023-12-05T09:15:00+07:00"));
        let claims: Vec<(ClaimField, &str, bool)> = r
            .metadata
            .iter()
            .map(|c| (c.claim.field, c.claim.origin.as_str(), c.agrees))
            .collect();
        assert_eq!(
            claims,
            [
                (ClaimField::Title, "<title>", true),
                (ClaimField::Title, "property=\"og:title\"", true),
                (ClaimField::Author, "name=\"author\"", false),
                (ClaimField::Published, "property=\"article:published_time\"", false),
                (ClaimField::Title, "JSON-LD NewsArticle headline", true),
                (ClaimField::Published, "JSON-LD NewsArticle datePublished", true),
                (ClaimField::Author, "JSON-LD NewsArticle author", true),
            ]
        );
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["metadata"][0]["field"], "title");
        assert_eq!(json["metadata"][0]["agrees"], true);
    }
}
