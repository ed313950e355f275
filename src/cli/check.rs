//! `check`: one page as vnnews sees it, for people (sections of `label  value` lines) or as
//! one JSON object.

use anyhow::{Context, Result};

use super::args::{CheckArgs, Cli};
use super::exit::ExitCode;
use super::output::outln;
use super::text::page_url;
use crate::config::Config;
use crate::crawl::Admission;
use crate::crawl::check::{self, Report};
use crate::extract::{ClaimField, PageType};

pub(super) fn cmd_check(cli: &Cli, a: &CheckArgs) -> Result<ExitCode> {
    let profiles = super::profiles(cli)?;
    let cfg = match super::config_if_any(cli)? {
        Some(c) => c,
        None => Config::from_toml("")?,
    };
    let web = url::Url::parse(&a.target)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let report = match web {
        Some(url) => {
            let site = check::site_for(&cfg, &url, a.site.as_deref())?;
            super::runtime()?.block_on(check::fetch_and_check(&cfg, &profiles, &url, site))?
        }
        None => {
            let path = std::path::Path::new(&a.target);
            let bytes = super::text::read_page(path)?;
            let (given, from) = page_url(a.saved.url.as_deref(), path, &bytes)?;
            let url = url::Url::parse(&given).with_context(|| format!("--url {given:?} is not a URL"))?;
            let site = check::site_for(&cfg, &url, a.site.as_deref())?;
            let mut report = check::check_page(
                &profiles,
                &bytes,
                a.saved.content_type.as_deref(),
                &url,
                site,
                a.saved.fetched_at,
                None,
            );
            report.address_from = from.map(|f| f.describe());
            report
        }
    };
    if a.json {
        serde_json::to_writer(std::io::stdout().lock(), &report)?;
        outln!()?;
    } else {
        print_report(&report)?;
    }
    Ok(ExitCode::Ok)
}

fn print_report(r: &Report) -> Result<()> {
    let line = |label: &str, value: &str| outln!("{label:<11}{value}");
    match r.address_from {
        Some(from) => line("page", &format!("{} ({from}; --url to judge it elsewhere)", r.url))?,
        None => line("page", &r.url)?,
    }
    if let Some(f) = &r.fetch {
        for (status, to) in &f.redirects {
            line("redirect", &format!("{status} → {to}"))?;
        }
        line(
            "fetched",
            &format!(
                "{} {}, {} bytes{} as {}",
                f.status,
                f.content_type.as_deref().unwrap_or("(no content type)"),
                f.bytes,
                if f.truncated { " (cut at max_body_bytes)" } else { "" },
                f.user_agent
            ),
        )?;
        let delay = f
            .robots
            .crawl_delay_ms
            .map(|d| format!(", Crawl-delay {d} ms"))
            .unwrap_or_default();
        line(
            "robots.txt",
            &format!("{}: the page is allowed{delay}", f.robots.status),
        )?;
    }
    line(
        "site",
        &format!(
            "{} · profile {} · URL patterns: {}",
            r.site.as_deref().unwrap_or("(none configured covers it)"),
            r.profile.as_deref().unwrap_or("(none)"),
            r.url_patterns.map_or("say nothing", type_word)
        ),
    )?;
    let e = &r.encoding;
    let mut charset = format!(
        "{} from {}",
        e.label,
        serde_json::to_value(e.from)?.as_str().unwrap_or("")
    );
    for (what, v) in [("HTTP", &e.http), ("meta", &e.meta)] {
        if let Some(v) = v {
            charset.push_str(&format!("; {what} says {v}"));
        }
    }
    if let Some(d) = &e.disagreement {
        charset.push_str(&format!("; {d}"));
    }
    line("charset", &charset)?;
    if !e.repairs.is_empty() {
        line("repairs", &format!("{} made", e.repairs.len()))?;
        for rep in e.repairs.iter().take(10) {
            let kind = serde_json::to_value(rep.kind)?;
            line(
                "",
                &format!(
                    "{}: {:?} → {:?}",
                    kind.as_str().unwrap_or(""),
                    clip(&rep.before, 60),
                    clip(&rep.after, 60)
                ),
            )?;
        }
    }
    let d = &r.page_type;
    line("page type", &format!("{} — {}", type_word(d.page_type), d.rule))?;
    let ev = &d.evidence;
    // Items of a kind the page type weighed, and their share of the text: `, 10 teasers (82 %
    // of the text)`, or nothing when there are none.
    let items = |n: usize, what: &str, share: f64| {
        if n > 0 {
            format!(", {n} {what} ({:.0} % of the text)", share * 100.0)
        } else {
            String::new()
        }
    };
    line(
        "evidence",
        &format!(
            "body {} chars{}, longest run of prose {}, link density {:.2}, {} headline links in the text \
             ({} switches{}), {} on the page, {} links below this address{}{}{}{}{}{}, a title of {} words{}{}{}{}{}",
            ev.body_chars,
            if ev.table_chars > 0 {
                format!(" ({} in data tables)", ev.table_chars)
            } else {
                String::new()
            },
            ev.prose_run,
            ev.link_density,
            ev.headlines,
            ev.alternations,
            if ev.headlines_after_text {
                ", all after the text"
            } else {
                ""
            },
            ev.title_links,
            ev.links_below,
            items(ev.teasers, "teasers", ev.teaser_share),
            items(ev.linked_rows, "table rows that link", ev.linked_row_share),
            items(ev.document_items, "items that name a document", ev.document_item_share),
            if ev.item_links > 0 {
                format!(", {} items closed by the same short link", ev.item_links)
            } else {
                String::new()
            },
            if ev.headline_links_away {
                ", the text headed by a link to another page"
            } else {
                ""
            },
            if ev.attachments > 0 {
                format!(
                    ", {} document{} linked",
                    ev.attachments,
                    if ev.attachments == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            },
            ev.title_words,
            if ev.url_is_root { ", the site's root" } else { "" },
            if ev.url_dated_slug {
                ", a dated post's address"
            } else {
                ""
            },
            ev.og_type
                .as_deref()
                .map(|t| format!(", og:type {t}"))
                .unwrap_or_default(),
            if ev.ld_types.is_empty() {
                String::new()
            } else {
                format!(", JSON-LD {}", ev.ld_types.join("/"))
            },
            if ev.ld_headline_is_title {
                " (its article's headline is the page's title)"
            } else {
                ""
            },
        ),
    )?;
    let art = &r.article;
    // Where a field's value stands in the page's metadata too: `  (og:title, JSON-LD
    // NewsArticle headline agree)`, or that only the page's text gives it.
    let from = |field: ClaimField, value: Option<&str>| -> String {
        let Some(v) = value else { return "(none)".to_owned() };
        let agreeing: Vec<&str> = r
            .metadata
            .iter()
            .filter(|c| c.claim.field == field && c.agrees)
            .map(|c| c.claim.origin.as_str())
            .collect();
        if agreeing.is_empty() {
            format!("{v}  (from the page's text; no metadata says so)")
        } else {
            format!(
                "{v}  ({} agree{})",
                agreeing.join(", "),
                if agreeing.len() == 1 { "s" } else { "" }
            )
        }
    };
    line("title", &from(ClaimField::Title, art.title.as_deref()))?;
    line("published", &from(ClaimField::Published, art.published.as_deref()))?;
    if art.modified.is_some() {
        line("modified", &from(ClaimField::Modified, art.modified.as_deref()))?;
    }
    let authors = art.authors.join("; ");
    line(
        "authors",
        &from(ClaimField::Author, Some(authors.as_str()).filter(|a| !a.is_empty())),
    )?;
    // What the metadata says that the fields do not: a user setting up a profile sees what
    // was passed over, and where.
    for c in r.metadata.iter().filter(|c| !c.agrees) {
        let field = match c.claim.field {
            ClaimField::Title => "title",
            ClaimField::Published => "published",
            ClaimField::Modified => "modified",
            ClaimField::Author => "author",
        };
        line(
            "metadata",
            &format!(
                "{} says {field} {:?} (not taken)",
                c.claim.origin,
                clip(&c.claim.value, 100)
            ),
        )?;
    }
    if let Some(s) = &art.source {
        line("source", s)?;
    }
    if let Some(l) = &art.lead {
        line("lead", &clip(l, 200))?;
    }
    let paragraphs = art.body.split("\n\n").filter(|p| !p.trim().is_empty()).count();
    line(
        "body",
        &format!(
            "{paragraphs} paragraphs, {} characters, language {}",
            art.body.chars().count(),
            art.language.as_deref().unwrap_or("?")
        ),
    )?;
    for p in art.body.split("\n\n").filter(|p| !p.trim().is_empty()).take(3) {
        line("", &clip(p, 160))?;
    }
    line(
        "also",
        &format!(
            "{} images, {} tables, {} cited documents, {} attached documents, {} tags",
            art.images.len(),
            art.tables.len(),
            art.documents.len(),
            art.attachments.len(),
            art.tags.len()
        ),
    )?;
    for w in &art.warnings {
        line("warning", w)?;
    }
    for f in &r.feeds {
        line("feed", f)?;
    }
    let queued = r
        .links
        .iter()
        .filter(|l| l.admission.is_some_and(Admission::is_queued))
        .count();
    line(
        "links",
        &format!(
            "{} distinct{}",
            r.links.len(),
            if r.site.is_some() {
                format!(", {queued} would be queued")
            } else {
                " (no configured site: scope not judged)".to_owned()
            }
        ),
    )?;
    for l in &r.links {
        let admission = match l.admission {
            Some(Admission::Page) => "queue as a page",
            Some(Admission::Document) => "queue as a document",
            Some(a) => a.reason(),
            None => "",
        };
        let patterns = l.url_patterns.map(type_word).unwrap_or("");
        let robots = match l.robots_allowed {
            Some(false) => " robots.txt disallows",
            _ => "",
        };
        outln!("  {admission:<24} {patterns:<8}{robots} {}", l.url)?;
    }
    Ok(())
}

fn type_word(t: PageType) -> &'static str {
    match t {
        PageType::Article => "article",
        PageType::Listing => "listing",
        PageType::Other => "other",
    }
}

fn clip(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().nth(n).is_some() {
        out.push('…');
    }
    out
}
