//! `page_type` owns the decision of what a page is — an article, a listing (a section, tag,
//! search or document list, a gallery index, a site's home page), or something else — from
//! evidence that holds on any site in any language, and the record of why ([`Decision`],
//! printed by `vnnews extract --explain` and `vnnews check`). A home page is a listing to
//! the archive and the crawler; the rule that decided says "home page".
//!
//! The evidence, in the order it is weighed:
//! - the configuration's and the profile's URL patterns (site knowledge wins);
//! - what the page says it is: JSON-LD `@type`s (`CollectionPage`, `SearchResultsPage`,
//!   `ItemList` against `NewsArticle`, `BlogPosting`…) and `og:type`;
//! - the URL's shape: a site's root is its home page (unless it links to hardly any story
//!   and holds prose: the site's one text); a page linking to many addresses
//!   below its own path is a section; a year then a slug of words names one dated post;
//! - the text's shape: teasers (headline links alternating with short summaries) and rows
//!   of a table each linking to its item (a document list) against one dominant run of
//!   sentences, the share of text inside links, the headline links of
//!   the whole page;
//! - what an article carries: a title, a publication time, authors; a JSON-LD article
//!   whose headline is the page's own title is one even when little of its text is in
//!   the HTML.

use serde::Serialize;
use url::Url;

use super::PageType;

/// The signals read from one page, and the rule they decided by.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Evidence {
    /// What the configuration's or the profile's URL patterns say, if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_pattern: Option<PageType>,
    /// The URL is a site's root (`/`, `/index.html`, `/trang-chu`) with no query.
    pub url_is_root: bool,
    /// The URL names one dated post: a year (and perhaps month and day) in its path, then a
    /// slug of words (`/2021/03/08/tram-sac-dien/`). A month's archive has no slug.
    pub url_dated_slug: bool,
    /// Distinct links to addresses below this page's own path (`/tin-tuc/` → `/tin-tuc/a.html`).
    pub links_below: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub og_type: Option<String>,
    /// Every JSON-LD `@type` on the page, lower case.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ld_types: Vec<String>,
    /// JSON-LD describes the page as an article (`NewsArticle`, `BlogPosting`, …).
    pub ld_article: bool,
    /// The JSON-LD article's headline is the page's own title (`og:title` or `<title>`), not
    /// that of a story the page features.
    pub ld_headline_is_title: bool,
    /// Characters of the body's paragraphs (small data tables left out).
    pub body_chars: usize,
    /// Characters of the body's data-table rows (all of them, however small the table).
    pub table_chars: usize,
    /// The longest run of the container's paragraphs not interrupted by a headline link or
    /// an item's link (see `item_links`).
    pub prose_run: usize,
    /// Share of the container's text inside links.
    pub link_density: f64,
    /// Blocks of the container that are headline links (mostly link, four words or more).
    pub headlines: usize,
    /// How often the container switches between headline links and other text.
    pub alternations: usize,
    /// Every headline link of the container stands after its last paragraph (a list of
    /// other stories under the text, in the same cell).
    pub headlines_after_text: bool,
    /// Paragraphs of the text (100 characters or more, unlinked) stand both before the
    /// container's first headline link and after its last (a related box set into it).
    pub headlines_inside_text: bool,
    /// Share of the text before the container's first headline link inside links.
    pub text_link_density: f64,
    /// The line heading the text is a link to another page (a featured story's headline
    /// over its summary, on a section page).
    pub headline_links_away: bool,
    /// Blocks of the container that read as a teaser in one piece — a headline-sized link
    /// (20 characters or more, in one or two links) with a short text beside it (the link a
    /// tenth to a half of at most 500 characters), as legacy portals list their news in table
    /// cells — and are alike in size (within 30 % of their median).
    pub teasers: usize,
    /// Share of the container's text in such blocks.
    pub teaser_share: f64,
    /// Blocks of the container that are one short link repeated item after item (`Xem trả
    /// lời`, `Chi tiết`, `Read more`: the same words four times or more); the text between
    /// two is one item's, so they break `prose_run`.
    pub item_links: usize,
    /// Items of the container (list items, paragraphs, rows of 400 characters at most) that
    /// each open with a different official document's number and hold a link.
    pub document_items: usize,
    /// Share of the container's text in such items.
    pub document_item_share: f64,
    /// Rows of the container's data tables that each hold a link (a document list's rows).
    pub linked_rows: usize,
    /// Share of the container's text in such rows.
    pub linked_row_share: f64,
    /// Links of five words or more anywhere on the page.
    pub title_links: usize,
    pub title: bool,
    /// Words of the title (tokens with a letter): a section is named in a few (`Tin tức - Sự
    /// kiện`, `Hoạt động của lãnh đạo`), a story in a sentence.
    pub title_words: usize,
    pub published: bool,
    pub authors: bool,
    /// Documents the text links to (PDF, Word, spreadsheets: `Extraction`'s attachments).
    pub attachments: usize,
}

/// A page type and why.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub page_type: PageType,
    /// The rule that decided, in words.
    pub rule: &'static str,
    pub evidence: Evidence,
}

/// A data table of fewer characters is furniture (a document's record, a box of the latest
/// documents): left out of `body_chars`.
pub const SMALL_TABLE_CHARS: usize = 1000;

/// The most headline links a site's root may have and still be the site's one text.
const ONE_TEXT_LINKS: usize = 5;

/// JSON-LD types that say a page is about many items.
const LISTING_TYPES: &[&str] = &["collectionpage", "searchresultspage", "itemlist", "profilepage"];

impl Evidence {
    /// Characters of the body outside its data tables (`body_chars` leaves small tables out
    /// already).
    fn chars_beside_tables(&self) -> usize {
        if self.table_chars >= SMALL_TABLE_CHARS {
            self.body_chars.saturating_sub(self.table_chars)
        } else {
            self.body_chars
        }
    }

    fn article_signals(&self) -> bool {
        self.ld_article || self.og_type.as_deref() == Some("article") || self.published || self.authors
    }

    pub fn decide(self) -> Decision {
        let (page_type, rule) = self.rule();
        Decision {
            page_type,
            rule,
            evidence: self,
        }
    }

    fn rule(&self) -> (PageType, &'static str) {
        let ld_article = self.ld_article;
        if let Some(t) = self.url_pattern {
            return (t, "the site's URL patterns say so");
        }
        let ld_listing = self.ld_types.iter().any(|t| LISTING_TYPES.contains(&t.as_str()));
        if ld_listing && !ld_article {
            return (PageType::Listing, "JSON-LD says it is a collection, not an article");
        }
        // A site's root that links to hardly any story and holds a run of prose is the
        // site's one text (a small firm's or a project's page), not a home page over its
        // news: every home page of the evaluation sets links to 20 stories or more.
        let one_text_site = self.title_links <= ONE_TEXT_LINKS && self.prose_run >= 500;
        if self.url_is_root && !ld_article && !one_text_site {
            return (PageType::Listing, "a home page: the URL is the site's root");
        }
        // Teasers are a few lines each; an article has paragraphs in a row. Tuned on half
        // of the evaluation sites: listings' longest run 30–450 characters, articles' whose
        // teaser-shaped tail (related links) misled the rule below, 950 and more.
        let dominant_prose = self.prose_run >= 900;
        // A listing repeats its item many times, and each item's text is short; a few
        // headline links (a box of related stories inside the text) beside a run of
        // several paragraphs make no listing. The evaluation sets' listings this rule
        // decided had 10 headlines or more and runs of at most 450 characters; the articles
        // it misread, 3 or 4 headlines beside runs of 607–764.
        // Nor do a few set into the text, its paragraphs before and after them.
        let few_items_beside_prose = self.headlines < 5 && (self.prose_run >= 600 || self.headlines_inside_text);
        if self.links_below >= 6 && !dominant_prose && !ld_article {
            return (PageType::Listing, "it links to many pages below its own address");
        }
        // A page that says in JSON-LD it is an article, whose text is mostly not links, is
        // one: its alternation is a box of related headlines beside the text.
        let declared_article = ld_article && self.link_density < 0.2;
        if self.headlines >= 3
            && self.alternations >= 4
            && !dominant_prose
            && !few_items_beside_prose
            && !declared_article
            && !self.url_dated_slug
        {
            return (PageType::Listing, "headline links alternate with short texts (teasers)");
        }
        if self.teasers >= 5 && self.teaser_share >= 0.6 && !ld_article {
            return (
                PageType::Listing,
                "most of the text is items each with a link and a short text (teasers)",
            );
        }
        // Items each closed by the same short link to their page (`Xem trả lời`, `Chi
        // tiết`, `Read more`), a question or summary between two: a list of questions, of
        // notices.
        if self.item_links >= 4 && !dominant_prose && !ld_article {
            return (
                PageType::Listing,
                "items each end in the same short link to their page (`Read more`)",
            );
        }
        // A document list is a table whose every row links to one document or notice (its
        // number, date and summary beside the link): rows of items, not teasers, but a
        // listing as much. Articles of the evaluation sets with such rows hold five or six,
        // and they are at most a tenth of the text.
        if self.linked_rows >= 5 && self.linked_row_share >= 0.6 && !ld_article {
            return (
                PageType::Listing,
                "most of the text is a table whose rows each link to a page (a document list)",
            );
        }
        // A section page that leads with one story: the line heading the text links to the
        // story's own page, and its summary (a few hundred characters) is all the text there
        // is. Articles of the evaluation sets headed so (a breadcrumb's or a byline's link
        // above the text) say in `og:type` or JSON-LD they are articles, or hold 1,099
        // characters or more.
        if self.headline_links_away
            && self.body_chars < 700
            && self.title_links >= 5
            && !ld_article
            && self.og_type.as_deref() != Some("article")
        {
            return (
                PageType::Listing,
                "the text is a summary under a link to another page (a section's featured story)",
            );
        }
        // The same list laid out as list items or paragraphs, each opening with its
        // document's number (`Quyết định số 12/QĐ-UBND ngày … về việc …  Tải về`). An
        // article of the evaluation sets that cites nine documents, each with its link,
        // has them in a fifth of its text.
        if self.document_items >= 5 && self.document_item_share >= 0.6 && !ld_article {
            return (
                PageType::Listing,
                "most of the text is items that each name a document and link to it (a document list)",
            );
        }
        let article_signals = self.article_signals();
        // A data table with hardly a sentence beside it (a week's schedule, a staff
        // directory, a price list) is a page of data, not an article, unless the page dates
        // it, signs it or declares it one (a results table published as news).
        if !article_signals && self.table_chars >= 500 && self.table_chars >= 4 * self.chars_beside_tables() {
            return (
                PageType::Other,
                "most of the text is a data table, and nothing says it is an article",
            );
        }
        if self.title
            && self.body_chars >= 300
            && self.link_density < 0.35
            && (article_signals || self.body_chars >= 1200)
        {
            return (PageType::Article, "a titled run of prose with few links");
        }
        // The page names itself in JSON-LD as the article its title is, though little of
        // its text stands in the HTML (a paywall, a body drawn by script, a product sheet).
        if ld_article && self.ld_headline_is_title && self.title {
            return (PageType::Article, "JSON-LD says it is the article its title names");
        }
        // A short notice (a meeting's date, a document to download) under a headline of its
        // own, with other stories' headlines only in boxes beside it or in a list after it,
        // not in its text: a listing's page is named in a few words (`Thông báo`, `Tin tức -
        // Sự kiện`, six syllables at most in Vietnamese), and its container holds the
        // headlines. A notice whose substance is the document it links to (`Xem file đính
        // kèm`) may say no more. Its signature stands for its date where it has none (a
        // portal's short report signed at its end).
        if self.title
            && (self.published || self.authors)
            && self.title_words >= 7
            && (self.body_chars >= 100 || self.attachments > 0)
            && (self.headlines == 0 || self.headlines_after_text)
            && self.text_link_density < 0.2
        {
            return (
                PageType::Article,
                "a short dated or signed text under a headline of its own",
            );
        }
        if self.title_links >= 8 && !dominant_prose && !self.url_dated_slug {
            return (PageType::Listing, "many headline links and no dominant prose");
        }
        if self.title && self.body_chars >= 500 && article_signals && self.link_density < 0.5 {
            return (
                PageType::Article,
                "prose with an article's metadata (type, date or author)",
            );
        }
        if dominant_prose && self.title && self.link_density < 0.35 {
            return (PageType::Article, "one dominant run of prose");
        }
        // A short post (a few lines of a blog, a notice): dated, and on a page that links to
        // hardly any other story — every listing, section and home page of the evaluation
        // sets links to 11 or more.
        if self.title && self.published && self.body_chars >= 50 && self.title_links <= 3 && self.link_density < 0.35 {
            return (
                PageType::Article,
                "a short dated text on a page that links to no other stories",
            );
        }
        if self.title && self.url_dated_slug && self.body_chars >= 50 && self.link_density < 0.5 {
            return (PageType::Article, "a text at a dated post's address");
        }
        (PageType::Other, "neither an article's prose nor a listing's teasers")
    }
}

/// Is this URL a site's root: no path beyond `/` or an index page, and no query?
pub fn is_root(url: &Url) -> bool {
    // A query that only picks the language (`?lang=vi`) leaves a root a root.
    let only_language = || {
        url.query_pairs()
            .all(|(k, _)| matches!(k.to_ascii_lowercase().as_str(), "lang" | "language" | "hl" | "locale"))
    };
    if url.query().is_some_and(|q| !q.is_empty()) && !only_language() {
        return false;
    }
    let segments: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    let mut rest = &segments[..];
    // A language's prefix (`/vi/`, `/en-us/`), then a portal's folder or SharePoint's
    // (`/portal/`, `/Pages/default.aspx`, as many government portals are built).
    if let [first, tail @ ..] = rest
        && is_language(first)
    {
        rest = tail;
    }
    for folder in ["portal", "pages"] {
        if let [first, tail @ ..] = rest
            && first.eq_ignore_ascii_case(folder)
        {
            rest = tail;
        }
    }
    match rest {
        [] => true,
        [page] => {
            let stem = page.split('.').next().unwrap_or(page).to_ascii_lowercase();
            matches!(
                stem.as_str(),
                "index" | "default" | "home" | "trang-chu" | "trangchu" | "homepage"
            )
        }
        _ => false,
    }
}

/// A language's code as a path's first segment: `vi`, `en`, `vi-vn`, `en_US`.
fn is_language(segment: &str) -> bool {
    let letters = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic());
    letters(segment)
        || segment
            .split_once(['-', '_'])
            .is_some_and(|(a, b)| letters(a) && letters(b))
}

/// Does the URL name one dated post: a year segment (1990–2099), then the last segment a slug
/// of words — two or more after a month (`/2021/03/08/tram-sac-dien/`), three or more
/// right after the year (`/2021/ep12-dien-mat-troi/`)?
pub fn is_dated_slug(url: &Url) -> bool {
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|x| !x.is_empty()).collect())
        .unwrap_or_default();
    let Some(year) = segments
        .iter()
        .position(|s| s.len() == 4 && s.parse::<u16>().is_ok_and(|y| (1990..2100).contains(&y)))
    else {
        return false;
    };
    let Some(last) = segments.last().filter(|_| segments.len() > year + 1) else {
        return false;
    };
    let stem = last.split('.').next().unwrap_or(last);
    let words = stem
        .split(['-', '_'])
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    let month = segments
        .get(year + 1)
        .is_some_and(|m| m.len() <= 2 && m.parse::<u8>().is_ok_and(|m| (1..=12).contains(&m)));
    words >= if month { 2 } else { 3 }
}

/// Distinct links on the same host whose path lies below the page's own path (a page at the
/// root has no such notion: every link is below it).
pub fn links_below(url: &Url, links: &[Url]) -> usize {
    let own = url.path().trim_end_matches('/');
    // A file's address (`/a/b.html`) has nothing below it.
    if own.is_empty() || own.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        return 0;
    }
    let prefix = format!("{own}/");
    let mut seen: Vec<&str> = links
        .iter()
        .filter(|l| l.host_str() == url.host_str())
        .map(|l| l.path())
        .filter(|p| p.starts_with(&prefix) && p.len() > prefix.len())
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn dated_slugs() {
        for (u, dated) in [
            ("https://blog.example.org/2021/03/08/tram-sac-dien/", true),
            ("https://podcast.example.org/2021/ep12-dien-mat-troi/", true),
            ("https://x.org/2020/05/enhanced-safe-browsing.html", true),
            ("https://x.org/2019/11/", false),
            ("https://x.org/2019/11/17/", false),
            ("https://x.org/2019/tin-tuc/", false),
            ("https://x.org/tin-tuc/bai-viet-123.htm", false),
            ("https://x.org/1234/abc-def-ghi", false),
        ] {
            assert_eq!(is_dated_slug(&url(u)), dated, "{u}");
        }
    }

    #[test]
    fn roots() {
        for u in [
            "https://baochinhphu.vn/",
            "https://ncov.moh.gov.vn",
            "http://x.edu.vn/index.php",
            "http://x.gov.vn/Trang-chu",
            "http://x.gov.vn/default.aspx",
            "https://x.gov.vn/vi/",
            "https://x.gov.vn/en-us/index.html",
            "https://x.gov.vn/Pages/default.aspx",
            "https://x.gov.vn/portal/Pages/default.aspx",
            "https://x.gov.vn/vi/trang-chu",
            "https://x.edu.vn/index.php?lang=vi",
        ] {
            assert!(is_root(&url(u)), "{u}");
        }
        for u in [
            "http://blog.example.de/?p=2895",
            "https://x.vn/tin-tuc",
            "https://x.vn/a/index.html",
            "https://x.vn/bai-viet.html",
            "https://x.vn/vi/tin-tuc",
            "https://x.vn/vi/a/index.html",
            "https://x.vn/Pages/tin-tuc.aspx",
            "https://x.edu.vn/index.php?lang=vi&id=12",
        ] {
            assert!(!is_root(&url(u)), "{u}");
        }
    }

    #[test]
    fn links_below_a_section() {
        let page = url("http://x.edu.vn/tin-tuc-su-kien");
        let links: Vec<Url> = [
            "http://x.edu.vn/tin-tuc-su-kien/a.html",
            "http://x.edu.vn/tin-tuc-su-kien/b.html",
            "http://x.edu.vn/tin-tuc-su-kien/b.html",
            "http://x.edu.vn/tin-tuc-su-kien/hoat-dong/c.html",
            "http://x.edu.vn/tin-tuc-su-kien",
            "http://x.edu.vn/gioi-thieu/d.html",
            "http://other.vn/tin-tuc-su-kien/e.html",
        ]
        .into_iter()
        .map(url)
        .collect();
        assert_eq!(links_below(&page, &links), 3);
        assert_eq!(links_below(&url("http://x.edu.vn/tin-tuc-su-kien/a.html"), &links), 0);
        assert_eq!(links_below(&url("http://x.edu.vn/"), &links), 0);
    }

    fn check(e: Evidence, ld_article: bool, expected: PageType) {
        let e = Evidence { ld_article, ..e };
        let d = e.clone().decide();
        assert_eq!(d.page_type, expected, "{e:?}: {}", d.rule);
    }

    #[test]
    fn decisions() {
        let article = Evidence {
            title: true,
            body_chars: 2400,
            prose_run: 2400,
            link_density: 0.05,
            published: true,
            ..Evidence::default()
        };
        check(article.clone(), false, PageType::Article);
        // An article that ends with a list of related headlines is still an article.
        check(
            Evidence {
                headlines: 6,
                alternations: 6,
                title_links: 30,
                ..article.clone()
            },
            false,
            PageType::Article,
        );
        // Said in JSON-LD to be an article, and mostly not links: the teasers beside its
        // text are a related box.
        check(
            Evidence {
                headlines: 7,
                alternations: 14,
                prose_run: 800,
                link_density: 0.13,
                ..article.clone()
            },
            true,
            PageType::Article,
        );
        // A week's schedule: a data table, its title beside it and nothing else, undated.
        // Dated (a results table published as news), it is an article.
        let schedule = Evidence {
            title: true,
            title_words: 8,
            body_chars: 1900,
            table_chars: 1850,
            prose_run: 1900,
            link_density: 0.0,
            ..Evidence::default()
        };
        check(schedule.clone(), false, PageType::Other);
        check(
            Evidence {
                published: true,
                ..schedule.clone()
            },
            false,
            PageType::Article,
        );
        // A table of substance inside a long undated text is part of the text.
        check(
            Evidence {
                body_chars: 4000,
                prose_run: 2100,
                ..schedule.clone()
            },
            false,
            PageType::Article,
        );
        // A document list: a table whose every row links to its document, its summary
        // unlinked beside the link. A table of a few links inside an article is not one.
        let documents = Evidence {
            title: true,
            body_chars: 2300,
            prose_run: 2300,
            link_density: 0.1,
            linked_rows: 15,
            linked_row_share: 0.95,
            ..Evidence::default()
        };
        check(documents.clone(), false, PageType::Listing);
        check(
            Evidence {
                linked_rows: 6,
                linked_row_share: 0.07,
                ..article.clone()
            },
            false,
            PageType::Article,
        );
        // Items each closed by the same short link (`Xem trả lời`): a listing unless one
        // run of prose dominates (an article with a `Read more` box after it).
        let questions = Evidence {
            title: true,
            body_chars: 1100,
            prose_run: 140,
            item_links: 8,
            link_density: 0.06,
            ..Evidence::default()
        };
        check(questions.clone(), false, PageType::Listing);
        check(
            Evidence {
                prose_run: 2000,
                ..questions
            },
            false,
            PageType::Article,
        );
        // A dated notice of a few lines under its own headline, beside a box of other
        // notices' headlines; a section named in two words with the same box is a listing.
        let notice = Evidence {
            title: true,
            title_words: 10,
            published: true,
            body_chars: 130,
            prose_run: 130,
            title_links: 10,
            ..Evidence::default()
        };
        check(notice.clone(), false, PageType::Article);
        // Signed at its end but undated, as a portal's short report may be, it is one too;
        // neither dated nor signed, it is not.
        check(
            Evidence {
                published: false,
                authors: true,
                ..notice.clone()
            },
            false,
            PageType::Article,
        );
        check(
            Evidence {
                published: false,
                ..notice.clone()
            },
            false,
            PageType::Listing,
        );
        // Other stories' headlines listed after the text, in its own container.
        let listed_after = Evidence {
            headlines: 10,
            alternations: 1,
            link_density: 0.36,
            text_link_density: 0.0,
            headline_links_away: false,
            headlines_inside_text: false,
            document_items: 0,
            document_item_share: 0.0,
            ..notice.clone()
        };
        check(listed_after.clone(), false, PageType::Listing);
        check(
            Evidence {
                headlines_after_text: true,
                ..listed_after
            },
            false,
            PageType::Article,
        );
        // One line (`Xem file đính kèm`) and the document it links to.
        let linked_document = Evidence {
            body_chars: 31,
            prose_run: 31,
            ..notice.clone()
        };
        check(linked_document.clone(), false, PageType::Listing);
        check(
            Evidence {
                attachments: 1,
                ..linked_document
            },
            false,
            PageType::Article,
        );
        check(
            Evidence {
                title_words: 2,
                ..notice.clone()
            },
            false,
            PageType::Listing,
        );
        // Teasers: headline, summary, headline, summary…
        let teasers = Evidence {
            title: true,
            body_chars: 1400,
            prose_run: 180,
            link_density: 0.3,
            headlines: 10,
            alternations: 19,
            title_links: 40,
            ..Evidence::default()
        };
        check(teasers.clone(), false, PageType::Listing);
        check(
            Evidence {
                url_pattern: Some(PageType::Article),
                ..teasers.clone()
            },
            false,
            PageType::Article,
        );
        // A site's root that links to its stories is its home page, whatever prose it shows.
        check(
            Evidence {
                url_is_root: true,
                title_links: 24,
                ..article.clone()
            },
            false,
            PageType::Listing,
        );
        check(
            Evidence {
                url_is_root: true,
                title_links: 24,
                ..article.clone()
            },
            true,
            PageType::Article,
        );
        // One that links to hardly any is the site's one text (it read as a home page).
        check(
            Evidence {
                url_is_root: true,
                title_links: 2,
                ..article.clone()
            },
            false,
            PageType::Article,
        );
        check(
            Evidence {
                ld_types: vec!["collectionpage".into()],
                ..article.clone()
            },
            false,
            PageType::Listing,
        );
        check(
            Evidence {
                links_below: 12,
                prose_run: 300,
                body_chars: 400,
                ..article.clone()
            },
            false,
            PageType::Listing,
        );
        check(Evidence::default(), false, PageType::Other);
    }
}
