//! Per-site extraction profiles (`config/sites/*.toml`): optional CSS selectors for the parts
//! of a page and URL patterns for article and listing pages. A profile only sharpens the
//! generic extractor; a site without one is handled by the generic path alone.
//!
//! ```toml
//! name = "hanoi.gov.vn"
//! hosts = ["hanoi.gov.vn", "*.hanoi.gov.vn"]
//! title = "h1.title-detail"
//! body = "div.content-detail"
//! date = ".date-detail"
//! author = ".author-detail"
//! remove = [".related-news", "#comment-form"]
//! article_urls = ['-\d+\.html?$']
//! listing_urls = ['/tin-tuc/?$']
//! ```

use ego_tree::NodeId;
use regex::Regex;
use scraper::{Html, Selector};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

use super::PageType;
use crate::error::{Error, IoContext, Result};

/// The profiles shipped in `config/sites/`, compiled in so they work from any directory.
const BUILTIN: &[(&str, &str)] = &[
    (
        "hanoi.gov.vn.toml",
        include_str!("../../config/sites/hanoi.gov.vn.toml"),
    ),
    (
        "baochinhphu.vn.toml",
        include_str!("../../config/sites/baochinhphu.vn.toml"),
    ),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    hosts: Vec<String>,
    title: Option<String>,
    body: Option<String>,
    date: Option<String>,
    author: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    article_urls: Vec<String>,
    #[serde(default)]
    listing_urls: Vec<String>,
}

/// A compiled site profile.
#[derive(Debug)]
pub struct SiteProfile {
    pub name: String,
    hosts: Vec<String>,
    title: Option<Selector>,
    body: Option<Selector>,
    date: Option<Selector>,
    author: Option<Selector>,
    remove: Vec<Selector>,
    urls: UrlPatterns,
}

/// URL patterns that say a page's type before its content is weighed: a site's in the crawl
/// configuration, a profile's.
#[derive(Debug, Clone, Default)]
pub struct UrlPatterns {
    article: Vec<Regex>,
    listing: Vec<Regex>,
}

impl UrlPatterns {
    /// Compile the patterns; `origin` names them in error messages.
    pub fn new(origin: &str, article: &[String], listing: &[String]) -> Result<UrlPatterns> {
        let all = |v: &[String]| v.iter().map(|s| regex(origin, s)).collect::<Result<Vec<_>>>();
        Ok(UrlPatterns {
            article: all(article)?,
            listing: all(listing)?,
        })
    }

    /// The page type the patterns say, if they say one (article patterns first).
    pub fn page_type_for(&self, url: &str) -> Option<PageType> {
        if self.article.iter().any(|r| r.is_match(url)) {
            Some(PageType::Article)
        } else if self.listing.iter().any(|r| r.is_match(url)) {
            Some(PageType::Listing)
        } else {
            None
        }
    }
}

fn selector(origin: &str, s: &str) -> Result<Selector> {
    Selector::parse(s).map_err(|e| Error::Profile {
        origin: origin.to_owned(),
        reason: format!("bad CSS selector {s:?}: {e}"),
    })
}

fn regex(origin: &str, s: &str) -> Result<Regex> {
    Regex::new(s).map_err(|e| Error::Profile {
        origin: origin.to_owned(),
        reason: format!("bad URL pattern {s:?}: {e}"),
    })
}

impl SiteProfile {
    /// Parse and compile a profile from TOML text; `origin` names it in error messages.
    pub fn parse(origin: &str, toml_text: &str) -> Result<SiteProfile> {
        let raw: RawProfile = toml::from_str(toml_text).map_err(|e| Error::Profile {
            origin: origin.to_owned(),
            reason: e.to_string(),
        })?;
        let opt = |s: &Option<String>| s.as_deref().map(|s| selector(origin, s)).transpose();
        Ok(SiteProfile {
            name: raw.name,
            hosts: raw.hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
            title: opt(&raw.title)?,
            body: opt(&raw.body)?,
            date: opt(&raw.date)?,
            author: opt(&raw.author)?,
            remove: raw.remove.iter().map(|s| selector(origin, s)).collect::<Result<_>>()?,
            urls: UrlPatterns::new(origin, &raw.article_urls, &raw.listing_urls)?,
        })
    }

    /// Does this profile cover the host? `*.example.vn` covers every subdomain.
    pub fn covers(&self, host: &str) -> bool {
        let host = host.trim_start_matches("www.").to_ascii_lowercase();
        self.hosts.iter().any(|h| match h.strip_prefix("*.") {
            Some(suffix) => host == suffix || host.ends_with(&format!(".{suffix}")),
            None => host == *h,
        })
    }

    pub(super) fn removed_nodes(&self, html: &Html) -> HashSet<NodeId> {
        self.remove
            .iter()
            .flat_map(|s| html.select(s).map(|e| e.id()))
            .collect()
    }

    pub(super) fn body_node(&self, html: &Html) -> Option<NodeId> {
        self.body.as_ref().and_then(|s| html.select(s).next()).map(|e| e.id())
    }

    fn text(&self, html: &Html, s: &Option<Selector>) -> Option<String> {
        let el = html.select(s.as_ref()?).next()?;
        let t = super::dom::text_of(el);
        (!t.is_empty()).then_some(t)
    }

    pub(super) fn title(&self, html: &Html) -> Option<String> {
        self.text(html, &self.title)
    }

    pub(super) fn date(&self, html: &Html) -> Option<String> {
        let el = html.select(self.date.as_ref()?).next()?;
        el.value()
            .attr("datetime")
            .or_else(|| el.value().attr("content"))
            .map(str::to_owned)
            .or_else(|| {
                let t = super::dom::text_of(el);
                (!t.is_empty()).then_some(t)
            })
    }

    pub(super) fn author(&self, html: &Html) -> Option<String> {
        self.text(html, &self.author)
    }

    /// The page type the profile's URL patterns say, if they say one.
    pub fn page_type_for(&self, url: &str) -> Option<PageType> {
        self.urls.page_type_for(url)
    }
}

/// All known profiles: the built-in ones, overridden or extended by a directory's.
#[derive(Debug, Default)]
pub struct Profiles(Vec<SiteProfile>);

impl Profiles {
    pub fn builtin() -> Profiles {
        Profiles(
            BUILTIN
                .iter()
                .map(|(name, text)| SiteProfile::parse(name, text).expect("built-in profiles are valid"))
                .collect(),
        )
    }

    /// The built-in profiles plus every `*.toml` in `dir` (a profile with the same name
    /// replaces the built-in one).
    pub fn with_dir(dir: &Path) -> Result<Profiles> {
        let mut all = Profiles::builtin();
        if !dir.is_dir() {
            return Ok(all);
        }
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .at(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).at(&p)?;
            let prof = SiteProfile::parse(&p.display().to_string(), &text)?;
            all.0.retain(|q| q.name != prof.name);
            all.0.push(prof);
        }
        Ok(all)
    }

    /// The profile for a URL's host, if any.
    pub fn for_url(&self, url: &str) -> Option<&SiteProfile> {
        let host = url::Url::parse(url).ok()?.host_str()?.to_owned();
        self.0.iter().find(|p| p.covers(&host))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_compile_and_match_hosts() {
        let p = Profiles::builtin();
        assert_eq!(
            p.for_url("https://hanoi.gov.vn/tin-tuc/x-1.htm")
                .map(|p| p.name.as_str()),
            Some("hanoi.gov.vn")
        );
        assert_eq!(
            p.for_url("https://longbien.hanoi.gov.vn/").map(|p| p.name.as_str()),
            Some("hanoi.gov.vn")
        );
        assert!(p.for_url("https://example.com/").is_none());
    }

    #[test]
    fn bad_selector_is_a_clear_error() {
        let err = SiteProfile::parse("x.toml", "name = \"x\"\nhosts = [\"x\"]\nbody = \"div[[\"").unwrap_err();
        assert!(err.to_string().contains("bad CSS selector"), "{err}");
    }
}
