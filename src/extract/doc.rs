//! `doc` runs the extraction of one page as a sequence of stages over a [`Doc`] — the parsed
//! tree, the elements gathered from it, its metadata, its text blocks, the site profile, the
//! base URL and the time of the fetch:
//!
//! 1. [`Doc::title`] — the headline (and a time it carries);
//! 2. [`Doc::container`] — the element(s) holding the article's text;
//! 3. [`Doc::lead_text`] and [`paragraphs`] — the sapo and the body's paragraphs;
//! 4. [`Doc::credits`] — authors and source, from the text's ends, byline boxes, metadata
//!    (the site's own name is its source, not an author);
//! 5. [`Doc::published`] — the publication time, from the profile, metadata, the page, the URL;
//! 6. [`Doc::page_type`] — article, listing or other;
//! 7. [`repair`] — every text field through the repair pipeline, the legacy font judged once.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset};
use ego_tree::NodeId;
use scraper::{ElementRef, Html};
use url::Url;

use super::dom::{self, Block, BlockKind};
use super::{
    ANCHOR_ANY, CLASSED, COMMENT_COUNT, END_MARKERS, FILE_SIZE, NOTICE_MAX, PARAGRAPH_LIKE, Page, SiteProfile,
    UI_LINES, UrlPatterns, byline, containers, date, is_call_to_action, is_caption, is_date_line, lead_element, meta,
    microdata_body, normalise_text, page_type, published, same_text,
};
use crate::decode::{self, EncodingReport};
use crate::time::When;

/// A parsed page and what every stage reads from it.
pub(super) struct Doc<'a> {
    pub html: &'a Html,
    pub els: dom::Elements<'a>,
    pub m: meta::Meta,
    /// The page's text blocks, less what the profile removes.
    pub blocks: Vec<Block>,
    /// The boxes of the parts of the text its JSON-LD lists, with their blocks
    /// ([`parts_boxes`]): the text's wherever the container is.
    pub parts: Vec<(NodeId, Vec<Block>)>,
    pub profile: Option<&'a SiteProfile>,
    pub patterns: Option<&'a UrlPatterns>,
    pub url: &'a str,
    pub base: Option<Url>,
    /// The fetch time: later dates are not publication dates.
    pub now: DateTime<FixedOffset>,
    /// The page's description with its white space normalised, when it is of a sentence's
    /// length or more (see [`Doc::repeats_description`]): asked of every paragraph of a page
    /// that has no sapo element, it is normalised once.
    description: Option<String>,
}

/// The share of a text's letters that are Latin (Vietnamese included).
fn latin_share(text: &str) -> f64 {
    let (mut latin, mut letters) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        latin += usize::from((c as u32) < 0x250 || (0x1E00..0x1F00).contains(&(c as u32)));
    }
    latin as f64 / letters.max(1) as f64
}

/// Words of a title: its tokens that hold a letter (`Tin tức - Sự kiện` has four).
fn title_words(title: &str) -> usize {
    title
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count()
}

/// How far into an item (in bytes) a document's number may stand for the item to name it:
/// after its kind and `số` (`Quyết định số 12/QĐ-UBND`, `Công văn 45/UBND-VP`).
const DOCUMENT_ITEM_OPENING: usize = 60;

/// The lines of a block that are not date lines, trimmed, empty ones left out.
fn undated_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !super::is_date_line(l))
        .collect()
}

/// Is `line` the first or the last part of `title` (`Tin tức - Sự kiện - <line>`, `<line> |
/// Sở Nội vụ`)?
fn title_part(title: &str, line: &str) -> bool {
    [" - ", " | ", " – ", " — ", " » "].into_iter().any(|sep| {
        title
            .split_once(sep)
            .is_some_and(|(first, _)| same_text(first.trim(), line))
            || title
                .rsplit_once(sep)
                .is_some_and(|(_, last)| same_text(last.trim(), line))
    })
}

/// How often one short link must stand alone in the text to be each item's link.
const ITEM_LINKS: usize = 4;

/// Headings below the first level.
static HEADINGS: std::sync::LazyLock<scraper::Selector> =
    std::sync::LazyLock::new(|| scraper::Selector::parse("h2, h3").expect("selector"));

/// A class that names a headline: `title`, `news-title`, `tieude`, `tieu-de`.
static TITLE_WORD: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"(?i)title|tieu-?de").expect("regex"));

/// The article's main container: the chosen elements and the blocks inside them.
pub(super) struct Container<'d> {
    pub first: Option<NodeId>,
    pub blocks: Vec<&'d Block>,
    pub chars: usize,
    pub link_chars: usize,
}

/// Who wrote the article, and whom it is credited to.
pub(super) struct Credits {
    pub authors: Vec<String>,
    pub source: Option<String>,
    /// Someone signs it: an author, or the content system's account its metadata names
    /// (`<meta name="author" content="Super User">` is written on an article's page, though
    /// it names no one).
    pub signed: bool,
}

impl<'a> Doc<'a> {
    pub fn new(html: &'a Html, page: &Page<'a>, profile: Option<&'a SiteProfile>) -> Doc<'a> {
        let els = dom::Elements::of(html, &CLASSED);
        let m = meta::read(&els);
        let base = super::base_url(page.url, m.base_href.as_deref());
        // In Vietnam's offset whatever the caller gave (a crawl, a WARC record's UTC date),
        // so a time counted back from it reads the same on every extraction of the page.
        let now = page
            .fetched_at
            .unwrap_or_else(|| chrono::Utc::now().fixed_offset())
            .with_timezone(&crate::time::vn_offset());
        let removed = dom::Subtrees::of(html, profile.map(|p| p.removed_nodes(html)).unwrap_or_default());
        let mut blocks = dom::blocks(html);
        if !removed.is_empty() {
            blocks.retain(|b| !removed.holds(b));
        }
        let parts = if profile.is_none() && !m.ld_parts.is_empty() {
            parts_boxes(html, &m.ld_parts)
        } else {
            Vec::new()
        };
        let description = m
            .description
            .as_deref()
            .map(normalise_text)
            .filter(|d| d.chars().count() >= 60);
        Doc {
            html,
            els,
            description,
            m,
            blocks,
            parts,
            profile,
            patterns: page.patterns,
            url: page.url,
            base,
            now,
        }
    }

    /// The site's name, from metadata.
    pub fn site_name(&self) -> Option<String> {
        self.m.site_name.clone().or_else(|| self.m.publisher.clone())
    }

    /// The headline without the site's name, and a time it carries.
    pub fn title(&self, site_name: Option<&str>, container: &Container) -> (Option<String>, Option<When>) {
        // A `<title>` that names the site or a section — a few words, or words the page
        // shows as a line of its own (a menu's link, its masthead, its footer) or as its
        // `og:site_name` — gives way to the line that heads the text, when no heading
        // shows the `<title>` itself (see `super::title`).
        // So does a `<title>` of which the line is one part (`Tin tức - Sự kiện - <line>`),
        // and any `<title>` sharing few words with a line a title's class marks: the page's
        // own markup names it the headline.
        let shown = self.headline_above(container).filter(|(h, at)| {
            self.m.title_tag.as_deref().is_none_or(|t| {
                title_part(t, h)
                    || self.logo_shows(t)
                    || super::words_overlap(h, t) < 0.6
                        && (title_words(t) <= 4
                            || site_name.is_some_and(|s| same_text(s, t))
                            || self.title_classed(*at)
                            || self.line_title_classed(*at, h)
                            || self.shown_elsewhere(t))
            })
        });
        let (title, when) = super::title(self.html, &self.els, &self.m, self.profile, &self.base, shown);
        (title.map(|t| super::strip_site_suffix(&t, site_name, self.url)), when)
    }

    /// Where the first line of `block`'s element stands among the page's blocks (the lines
    /// above it are the text's surroundings: its headline, its date and metadata lines).
    fn position_of(&self, block: &Block) -> Option<usize> {
        self.blocks.iter().position(|b| b.owner == block.owner)
    }

    /// An author named after a label in a line of metadata just above the text, among its
    /// date and counters: `Tác giả: Nguyễn Văn An | Ngày đăng: 15/01/2024 | Lượt xem: 125`,
    /// `Ngày đăng: … | Người viết: Trần Bình | Nguồn: Phòng VH-TT` (the source too).
    fn labelled_author_above(&self, first: Option<&Block>) -> Option<byline::Byline> {
        let at = self.position_of(first?)?;
        self.blocks[at.saturating_sub(8)..at]
            .iter()
            .filter(|b| b.chars() <= 200 && b.text.contains(['|', '•', '·']))
            .find_map(|b| {
                let parts: Vec<byline::Byline> = b
                    .text
                    .split(['|', '•', '·'])
                    .map(str::trim)
                    .filter(|p| byline::is_author_line(p) || byline::is_source_line(p))
                    .filter_map(byline::parse)
                    .collect();
                let authors: Vec<String> = parts.iter().flat_map(|p| p.authors.clone()).collect();
                (!authors.is_empty()).then(|| byline::Byline {
                    authors,
                    source: parts.iter().find_map(|p| p.source.clone()),
                })
            })
            .or_else(|| self.named_in_date_line_above(at))
    }

    /// A person's full name beside the date in the line above the text, unlabelled:
    /// `Thứ hai, 15/01/2024 10:30 - Nguyễn Văn An`. Only a name of three or four words that
    /// opens with a common surname: a shorter one may be a pen name or a place (`Hoàng
    /// Mai`, `Long Biên`), which such a line also names.
    fn named_in_date_line_above(&self, at: usize) -> Option<byline::Byline> {
        self.blocks[at.saturating_sub(8)..at]
            .iter()
            .filter(|b| b.chars() <= 120 && b.link_density() < 0.5)
            .find_map(|b| {
                let t = b.text.trim();
                let (when, who) = t
                    .rsplit_once(" - ")
                    .or_else(|| t.rsplit_once(" – "))
                    .or_else(|| t.rsplit_once(" | "))?;
                let who = who.trim();
                (super::is_date_line(when.trim()) && byline::is_full_personal_name(who)).then(|| byline::Byline {
                    authors: vec![who.to_owned()],
                    source: None,
                })
            })
    }

    /// Does the page show `text` as a line of its own besides its `<title>` (a menu's link,
    /// a masthead, a footer, pruned from the blocks)?
    fn shown_elsewhere(&self, text: &str) -> bool {
        // Most text nodes are white space or a word: their length rules them out at once.
        let least = text.trim().len() / 2;
        self.html.tree.nodes().any(|n| match n.value() {
            scraper::Node::Text(x) => {
                x.len() >= least
                    && same_text(x, text)
                    && n.parent()
                        .and_then(|p| p.value().as_element())
                        .is_some_and(|e| e.name() != "title")
            }
            // A logo's alternative text names the site as its masthead shows it.
            scraper::Node::Element(e) => {
                e.name() == "img" && e.attr("alt").is_some_and(|a| a.len() >= least && same_text(a, text))
            }
            _ => false,
        })
    }

    /// Does an `<h1>` classed as the site's logo show `text` (the `<title>` naming the site,
    /// however many words it shares with the headline: `UBND huyện Bình Minh`)?
    fn logo_shows(&self, text: &str) -> bool {
        self.els
            .h1
            .iter()
            .any(|h| dom::is_logo(*h) && same_text(&dom::text_of(*h), text))
    }

    /// Does the element, or one of its two parents, have a class that names a title
    /// (`title`, `news-title`, `tieude`)?
    fn title_classed(&self, at: NodeId) -> bool {
        self.html.tree.get(at).is_some_and(|node| {
            std::iter::once(node)
                .chain(node.ancestors())
                .take(3)
                .filter_map(|a| a.value().as_element())
                .any(|e| e.attr("class").is_some_and(|c| TITLE_WORD.is_match(c)))
        })
    }

    /// The line that heads the text: the nearest line above its first paragraph (date lines
    /// passed over) that a heading, a title-classed element or bold type sets apart, of a
    /// headline's length (four words or more, 300 characters at most), not a link, in the
    /// text's script, and the element it stands in. A portal whose `<title>` is only its own
    /// name shows the article's title so. Where no line stands above, the text's own first
    /// line, set apart and shaped as a headline (see [`Doc::headline_opening`]).
    fn headline_above(&self, container: &Container) -> Option<(String, NodeId)> {
        let at = self.position_of(container.blocks.first()?)?;
        for b in self.blocks[at.saturating_sub(8)..at].iter().rev() {
            // A headline and its date line may share a block (`<b>…</b><br>(12/05/2023)`).
            let lines = undated_lines(&b.text);
            let [t] = lines[..] else {
                if lines.is_empty() {
                    continue;
                }
                return None;
            };
            if t.split_whitespace().count() < 4 {
                continue;
            }
            let n = t.chars().count();
            if n > 300 || b.link_density() > 0.5 || t.ends_with(':') {
                return None;
            }
            // A headline is written in its text's script (not one of a carousel of
            // greetings in many languages).
            let same_script = (latin_share(t) >= 0.5) == (latin_share(&self.blocks[at].text) >= 0.5);
            return (self.set_apart(b, t) && same_script).then(|| (t.to_owned(), b.owner));
        }
        self.headline_opening(container)
    }

    /// The text's first line when it is its headline: set apart (a heading, bold type, a
    /// title-classed element, or a part of the `<title>`), one line of four to thirty words
    /// and 200 characters at most that is not a link and ends in no full stop (a bold sapo
    /// is sentences), with more of the text after it — on a page with no `<h1>` and no
    /// heading that shows its `<title>`. Portals put the title inside the text's own cell
    /// (`<p><font size="4"><b>…</b></font></p>`, `<div class="news-title">`).
    fn headline_opening(&self, container: &Container) -> Option<(String, NodeId)> {
        // A breadcrumb's links may open the container.
        let from = container.blocks.iter().take_while(|b| b.link_density() > 0.5).count();
        let [b, _, ..] = container.blocks[from..] else {
            return None;
        };
        // A page with an `<h1>`, or a heading that shows its `<title>`, heads its text there
        // (not one its class calls the site's logo).
        if self
            .els
            .h1
            .iter()
            .any(|h| !dom::is_logo(*h) && dom::text_of(*h).split_whitespace().nth(1).is_some())
        {
            return None;
        }
        if let Some(tt) = self.m.title_tag.as_deref()
            && self
                .html
                .select(&HEADINGS)
                .any(|h| !dom::is_logo(h) && super::words_overlap(&dom::text_of(h), tt) >= 0.6)
        {
            return None;
        }
        // A headline and its date line may share a block (`<b>…</b><br>20/03/2024`).
        let lines = undated_lines(&b.text);
        let [t] = lines[..] else {
            return None;
        };
        let words = t.split_whitespace().count();
        let headline_shaped = (4..=30).contains(&words)
            && t.chars().count() <= 200
            && !t.ends_with(['.', ':'])
            && b.link_density() <= 0.5;
        // The `<title>` names it too, after the section's name (`Tin tức - <line>`): that
        // sets it apart, whatever its type.
        let in_title = || self.m.title_tag.as_deref().is_some_and(|tt| title_part(tt, t));
        (headline_shaped && (self.set_apart(b, t) || in_title())).then(|| (t.to_owned(), b.owner))
    }

    /// Does the layout set the line apart as a headline: a heading, bold type (four fifths of
    /// its letters), or an element (or one of its two parents) whose class names a title —
    /// the block's, or one inside it that holds just the line (a portal's `<span
    /// class="tieude">` over its date line and text, in one cell)?
    fn set_apart(&self, b: &Block, t: &str) -> bool {
        let visible = t.chars().filter(|c| !c.is_whitespace()).count();
        let bold = b.bold_chars * 10 >= visible * 8;
        matches!(b.kind, BlockKind::Heading(_))
            || bold
            || self.title_classed(b.owner)
            || self.line_title_classed(b.owner, t)
    }

    /// Does an element inside the block whose class names a title hold the line, and only it?
    fn line_title_classed(&self, owner: NodeId, t: &str) -> bool {
        self.html
            .tree
            .get(owner)
            .and_then(ElementRef::wrap)
            .is_some_and(|owner| {
                owner.descendants().filter_map(ElementRef::wrap).any(|e| {
                    e.value().attr("class").is_some_and(|c| TITLE_WORD.is_match(c)) && same_text(&dom::text_of(e), t)
                })
            })
    }

    /// Does a link to another page head the text — the nearest line above its first
    /// paragraph (date lines passed over), of four words or more and mostly a link, whose
    /// address is neither this page's nor its canonical one (nor ends as they do), and whose
    /// words are not the page's title? A section page's featured story is so: its headline,
    /// then its summary, which is all the text there is.
    fn headline_links_away(&self, container: &Container) -> bool {
        let Some(at) = container.blocks.first().and_then(|b| self.position_of(b)) else {
            return false;
        };
        let Some(b) = self.blocks[at.saturating_sub(3)..at].iter().rev().find(|b| {
            let t = b.text.trim();
            !t.is_empty() && !super::is_date_line(t)
        }) else {
            return false;
        };
        if b.text.split_whitespace().count() < 4 || b.link_density() <= 0.5 {
            return false;
        }
        let names_this_page = [&self.m.title_tag, &self.m.og_title]
            .into_iter()
            .flatten()
            .any(|t| super::words_overlap(&b.text, t) >= 0.6);
        if names_this_page {
            return false;
        }
        // Where the page is: its own address, and the one it names canonical (a headline
        // linking to itself, or to the story's clean address, stays).
        let key = |u: &Url| {
            let host = u
                .host_str()
                .unwrap_or("")
                .trim_start_matches("www.")
                .to_ascii_lowercase();
            format!("{host}{}", u.path().trim_end_matches('/'))
        };
        let last_segment = |k: &str| k.rsplit('/').next().unwrap_or("").to_owned();
        let here: Vec<String> = [Some(self.url), self.m.canonical.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(|u| super::resolve(&self.base, u))
            .map(|u| key(&u))
            .collect();
        let Some(node) = self.html.tree.get(b.owner) else {
            return false;
        };
        let targets: Vec<String> = node
            .descendants()
            .filter_map(|d| d.value().as_element())
            .filter(|e| e.name() == "a")
            .filter_map(|e| e.attr("href"))
            .filter_map(|h| super::resolve(&self.base, h))
            .map(|u| key(&u))
            .collect();
        !targets.is_empty()
            && targets
                .iter()
                .all(|t| !here.contains(t) && !here.iter().any(|h| last_segment(h) == last_segment(t)))
    }

    /// The element(s) holding the article's text: the profile's, the microdata's, or the
    /// best-scoring one with its like siblings.
    pub fn container(&self) -> Container<'_> {
        let chosen: Vec<NodeId> = match self.profile.and_then(|p| p.body_node(self.html)) {
            Some(f) => vec![f],
            None => microdata_body(self.html, &self.els, &self.blocks)
                .map_or_else(|| containers(self.html, &self.blocks), |b| vec![b]),
        };
        let inside = dom::Subtrees::of(self.html, chosen.iter().copied());
        let in_parts = dom::Subtrees::of(self.html, self.parts.iter().map(|(b, _)| *b));
        let mut blocks: Vec<&Block> = self
            .blocks
            .iter()
            .filter(|b| inside.holds(b) && !in_parts.holds(b))
            .collect();
        // The boxes of the parts the page's structured data lists are the text's too, where
        // they stand: node ids follow document order, so a box goes before the first block
        // after it.
        for (b, theirs) in &self.parts {
            let at = blocks.iter().position(|x| x.owner > *b).unwrap_or(blocks.len());
            blocks.splice(at..at, theirs);
        }
        Container {
            first: chosen.first().copied(),
            chars: blocks.iter().map(|b| b.chars()).sum(),
            link_chars: blocks.iter().map(|b| b.link_chars).sum(),
            blocks,
        }
    }

    /// The data tables whose rows made it into the body, in order.
    pub fn tables(&self, paragraphs: &[&Block]) -> Vec<super::table::Table> {
        let mut seen = Vec::new();
        for b in paragraphs.iter().filter(|b| b.kind == BlockKind::Row) {
            let table = self
                .html
                .tree
                .get(b.owner)
                .and_then(ElementRef::wrap)
                .and_then(super::table::of_row);
            if let Some(t) = table
                && !seen.iter().any(|s: &ElementRef| s.id() == t.id())
            {
                seen.push(t);
            }
        }
        seen.into_iter().map(super::table::read).collect()
    }

    /// The sapo: the headline's subtitle (a sentence-long heading right under it), else a
    /// lead-classed element between the headline (the `<h1>`, or a later heading that shows
    /// the `title`) and the end of the text (one elsewhere is another story's teaser, or the
    /// site's tagline), else the visible paragraph the page's description repeats. A
    /// picture's caption is none of them, whatever its class (`image_desc`).
    pub fn lead_text(&self, container: &Container, title: Option<&str>, captions: &dom::Subtrees) -> Option<String> {
        // Nodes are numbered in document order.
        let (first, last) = (
            container.blocks.first().map(|b| b.owner),
            container.blocks.last().map(|b| b.owner),
        );
        let headline_el = first.and_then(|f| self.els.h1.iter().copied().rfind(|h| h.id() <= f));
        // The heading that shows the article's title, when it is not the `<h1>` (a blog's
        // `<h1>` names the blog, and its tagline, classed a description, stands under it).
        let titled = title.and_then(|ti| {
            self.blocks
                .iter()
                .rev()
                .filter(|b| matches!(b.kind, BlockKind::Heading(_)) && first.is_none_or(|f| b.owner <= f))
                .find(|b| same_text(&b.text, ti))
                .map(|b| b.owner)
        });
        let headline = headline_el.map(|h| h.id()).max(titled);
        // A heading of a sentence's length right under the headline (`<hgroup><h1>…<h2>…`)
        // is its subtitle: the standfirst, whatever its class.
        let subtitle = headline_el
            .and_then(|h| h.next_siblings().find_map(ElementRef::wrap))
            .filter(|e| matches!(e.value().name(), "h2" | "h3" | "h4"))
            .map(dom::text_of)
            .filter(|t| (60..1500).contains(&t.chars().count()));
        if subtitle.is_some() {
            return subtitle;
        }
        let near: Vec<ElementRef> = self.els.classed[0]
            .iter()
            .copied()
            .filter(|el| headline.is_none_or(|h| el.id() > h) && last.is_none_or(|l| el.id() <= l))
            // A caption is the sapo only where the page's description says so (a site that
            // writes its summary under the picture).
            .filter(|el| !captions.contains(el.id()) || self.repeats_description(&dom::text_of(*el), true))
            .collect();
        lead_element(&near)
            .map(dom::text_of)
            .filter(|t| t.chars().count() >= 30)
            .or_else(|| {
                // No sapo element: the visible paragraph that the page's own description
                // repeats is the sapo (wherever the layout put it).
                self.html
                    .select(&PARAGRAPH_LIKE)
                    .map(dom::text_of)
                    .find(|t| self.repeats_description(t, false))
            })
    }

    /// Is `text` the page's description (`<meta name="description">`, `og:description`) of a
    /// sentence's length or more, whole or a little longer than a description cut short?
    /// With `cut`, any text a description cut short by an ellipsis opens, however long.
    fn repeats_description(&self, text: &str, cut: bool) -> bool {
        let Some(desc) = self.description.as_deref() else {
            return false;
        };
        let stem = desc.trim_end_matches(['.', '…']);
        let cut = cut && (desc.ends_with("...") || desc.ends_with('…'));
        // The text normalised as `desc` is, read as it is compared (most paragraphs differ
        // in their first words, and none is copied).
        let t = || {
            text.split_whitespace()
                .enumerate()
                .flat_map(|(i, w)| (i > 0).then_some(' ').into_iter().chain(w.chars()))
        };
        let starts_with = |prefix: &str| {
            let mut t = t();
            prefix.chars().all(|c| t.next() == Some(c))
        };
        t().eq(desc.chars())
            || if cut {
                starts_with(stem.trim_end())
            } else {
                starts_with(stem) && t().count() < desc.chars().count() + 40
            }
    }

    /// Authors and source: bylines at the end (or the start) of the text, which are taken
    /// out of `paragraphs`; else structured data, byline-classed elements, `<meta>` authors;
    /// the profile's author element over all of them.
    pub fn credits(&self, paragraphs: &mut Vec<&Block>, site_name: Option<&str>) -> Credits {
        let mut authors: Vec<String> = Vec::new();
        let mut source: Option<String> = None;
        // A signature: the name, then the position held on a line of its own (`Nguyễn Văn
        // Bình` / `Hiệu trưởng`). The position goes; the name signs below.
        if let [.., name, position] = paragraphs.as_slice()
            && position.chars() <= 60
            && byline::is_position(&position.text)
            && name.chars() <= 40
            && byline::parse(&name.text).is_some_and(|b| !b.authors.is_empty())
        {
            paragraphs.pop();
        }
        for _ in 0..3 {
            let Some(last) = paragraphs.last() else { break };
            // A heading titles what follows it (`Themen`, `Topics`): it signs nothing.
            if last.chars() > 80 || matches!(last.kind, BlockKind::Heading(_)) {
                break;
            }
            let Some(b) = byline::parse(&last.text) else {
                // An uploader's or an author's label with no one's name after it (`Người
                // đăng: admin`) is the page's record, not its text.
                if byline::is_author_line(&last.text) && last.chars() <= 60 {
                    paragraphs.pop();
                    continue;
                }
                break;
            };
            let emphasised = last.is_bold() || last.right_aligned || last.is_italic();
            // A lone plain word at the end is a label as often as a name (`Anzeige`,
            // `Loading`); an abbreviation or initials (`PV`, `P.T.`) sign.
            let lone_word = matches!(&b.authors[..], [a] if !a.contains(' ') && !a.contains('.') && a.chars().any(char::is_lowercase));
            // A plain line signs when it is short, or when an author's label opens it
            // (`Tác giả bài viết: … - Trường THCS …`).
            let labelled = byline::is_author_line(&last.text);
            if b.authors.is_empty() || emphasised || labelled || (last.chars() <= 40 && !lone_word) {
                if authors.is_empty() && !b.authors.is_empty() {
                    authors = b.authors;
                }
                if source.is_none() {
                    source = b.source;
                }
                paragraphs.pop();
            } else {
                break;
            }
        }
        // A short emphasised byline right at the top of the text.
        if let Some(first) = paragraphs.first()
            && first.chars() <= 60
            && !matches!(first.kind, BlockKind::Heading(_))
            && (first.is_bold() || first.right_aligned || first.is_italic())
            && let Some(b) = byline::parse(&first.text)
            && !b.authors.is_empty()
            && authors.is_empty()
        {
            authors = b.authors;
            source = source.or(b.source);
            paragraphs.remove(0);
        }
        if authors.is_empty() {
            // Structured data names people explicitly.
            authors = self
                .m
                .ld_authors
                .iter()
                .filter_map(|a| byline::parse(a))
                .flat_map(|b| b.authors)
                .collect();
        }
        if authors.is_empty() {
            for &el in &self.els.classed[1] {
                // A form's field (`comment-form-author`: "Name") or a comment's signature
                // names no author of the article. A form around the element says nothing
                // (ASP.NET portals wrap the whole page in one), nor do the page's and the
                // post's own boxes (`comments-open` on WordPress).
                let names_comment = |e: &scraper::node::Element| {
                    !matches!(e.name(), "html" | "body" | "article" | "main")
                        && [e.attr("class"), e.attr("id")]
                            .into_iter()
                            .flatten()
                            .any(|v| v.to_ascii_lowercase().contains("comment"))
                };
                let in_comments = names_comment(el.value())
                    || el.ancestors().filter_map(|a| a.value().as_element()).any(names_comment);
                let a_field = el.descendants().any(|d| {
                    d.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "input" | "label" | "textarea" | "select"))
                });
                if in_comments || a_field {
                    continue;
                }
                // Several linked names in one byline box are several authors.
                let linked: Vec<String> = el
                    .select(&ANCHOR_ANY)
                    .map(dom::text_of)
                    .filter(|t| !t.is_empty())
                    .collect();
                let text = if linked.len() > 1 {
                    linked.join(" - ")
                } else {
                    dom::text_of(el)
                };
                // A byline box often holds the date and more beside the name: `By Jane Smith |
                // March 3, 2021 at 4:15 p.m. EST`.
                let with_authors = |b: &byline::Byline| !b.authors.is_empty();
                if let Some(b) = byline::parse(&text)
                    .filter(with_authors)
                    .or_else(|| text.split(['|', '•', '·']).filter_map(byline::parse).find(with_authors))
                {
                    authors = b.authors;
                    source = source.or(b.source);
                    break;
                }
            }
        }
        if authors.is_empty()
            && let Some(b) = self.labelled_author_above(paragraphs.first().copied())
        {
            authors = b.authors;
            source = source.or(b.source);
        }
        if authors.is_empty() {
            authors = people(self.m.meta_authors.iter(), site_name, &self.m.owners);
        }
        // The site's own name, its publisher's or its address signs for no one: a page that
        // credits itself (`"author": {"name": "Die Tagespresse"}`, `von AUTO ZEITUNG` on
        // autozeitung.de, a portal's office) names its source.
        let host = url::Url::parse(self.url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        let houses: Vec<String> = [site_name, self.m.publisher.as_deref(), host.as_deref()]
            .into_iter()
            .flatten()
            .map(squashed)
            .filter(|h| h.chars().count() >= 3)
            .collect();
        if !houses.is_empty() {
            let (house, people): (Vec<String>, Vec<String>) =
                authors.into_iter().partition(|a| houses.contains(&squashed(a)));
            authors = people;
            source = source.or(house.into_iter().next());
        }
        if let Some(p) = self.profile
            && let Some(a) = p.author(self.html)
            && let Some(b) = byline::parse(&a)
        {
            authors = b.authors;
            source = b.source.or(source);
        }
        authors.dedup();
        let signed = !authors.is_empty()
            || self
                .m
                .meta_authors
                .iter()
                .chain(&self.m.ld_authors)
                .any(|a| byline::is_account(a));
        Credits {
            authors,
            source,
            signed,
        }
    }

    /// When the article was published; where the page's visible time and its metadata
    /// disagree by minutes, the visible one, with a warning naming both. With it, for a time
    /// stated in UTC, the publisher's offset when the page shows it (`date::local_offset`).
    pub fn published(
        &self,
        title_when: Option<When>,
        container: &Container,
        warnings: &mut Vec<String>,
    ) -> Option<super::Published> {
        published(self, &self.els.classed[2], title_when, &container.blocks, warnings)
    }

    /// When the page says it was modified: its metadata, else the update line it shows.
    pub fn modified(&self, container: &Container) -> Option<When> {
        self.m
            .modified
            .iter()
            .filter_map(|d| date::parse_text(d))
            .chain(super::visible_update(
                &self.els.classed[2],
                &self.blocks,
                &container.blocks,
            ))
            .find(|w| !w.is_after(self.now))
    }

    /// Article, listing, home or other, and why: URL patterns (the configuration's, then
    /// the profile's) first, then the page's evidence ([`super::page_type`]).
    #[allow(clippy::too_many_arguments)]
    pub fn page_type(
        &self,
        container: &Container,
        body_paras: &[String],
        table_chars: usize,
        links: &[Url],
        title: Option<&str>,
        published: bool,
        authors: bool,
        attachments: usize,
    ) -> page_type::Decision {
        let url_pattern = self
            .patterns
            .and_then(|p| p.page_type_for(self.url))
            .or_else(|| self.profile.and_then(|p| p.page_type_for(self.url)));
        // A small data table (a document's record, a box of the latest documents on a home
        // page) does not make a page an article; a table of substance (results, figures) is
        // text like any other.
        let furniture = if table_chars < page_type::SMALL_TABLE_CHARS {
            table_chars
        } else {
            0
        };
        let body_chars = body_paras
            .iter()
            .map(|p| p.chars().count())
            .sum::<usize>()
            .saturating_sub(furniture);
        let title_links = self
            .els
            .anchors()
            .filter(|a| a.text().flat_map(str::split_whitespace).nth(4).is_some())
            .count();
        // A listing alternates headline links and short summaries; an article is a run of
        // paragraphs (perhaps followed by a list of related links).
        let is_headline = |b: &Block| b.link_density() >= 0.5 && b.text.split_whitespace().count() >= 4;
        let headlines = container.blocks.iter().filter(|b| is_headline(b)).count();
        let alternations = container
            .blocks
            .windows(2)
            .filter(|w| is_headline(w[0]) != is_headline(w[1]))
            .count();
        // Teasers in one piece, counted only when alike in size: a listing repeats one
        // shape of item, an article's paragraphs with links in them vary.
        // One or two links (a headline, a "more"): a paragraph that links a word here and
        // there as it goes (an encyclopedia's) is no teaser, however like-sized.
        let is_teaser = |b: &Block| {
            b.link_chars >= 20 && b.chars() <= 500 && (0.1..0.5).contains(&b.link_density()) && b.links <= 2
        };
        let mut sizes: Vec<usize> = container
            .blocks
            .iter()
            .filter(|b| is_teaser(b))
            .map(|b| b.chars())
            .collect();
        sizes.sort_unstable();
        let median = sizes.get(sizes.len() / 2).copied().unwrap_or(0);
        let alike: Vec<usize> = sizes
            .into_iter()
            .filter(|&n| n * 10 >= median * 7 && n * 10 <= median * 13)
            .collect();
        let (teasers, teaser_chars) = (alike.len(), alike.iter().sum::<usize>());
        // A table of items: rows of a data table that each hold a link (a document list,
        // a register of notices), and how much of the text they are.
        let linked_rows: Vec<usize> = container
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Row && b.link_chars > 0)
            .map(|b| b.chars())
            .collect();
        // A short link repeated item after item (`Xem trả lời`, `Chi tiết`, `Read more`),
        // standing alone: each opens one item's page, so the texts between are items, not
        // one run of prose.
        let is_lone_link = |b: &Block| b.link_density() >= 0.9 && b.text.split_whitespace().count() <= 4;
        let mut lone_links: HashMap<&str, usize> = HashMap::new();
        for b in container.blocks.iter().filter(|b| is_lone_link(b)) {
            *lone_links.entry(b.text.trim()).or_default() += 1;
        }
        let is_item_link =
            |b: &Block| is_lone_link(b) && lone_links.get(b.text.trim()).is_some_and(|&n| n >= ITEM_LINKS);
        let item_links = container.blocks.iter().filter(|b| is_item_link(b)).count();
        // Items that each open with an official document's number and link somewhere (to
        // the document's file or page): a document list laid out as a list or paragraphs.
        let mut numbers = HashSet::new();
        let document_items: Vec<usize> = container
            .blocks
            .iter()
            .filter(|b| {
                matches!(b.kind, BlockKind::ListItem | BlockKind::Paragraph | BlockKind::Row)
                    && b.link_chars > 0
                    && b.chars() <= 400
            })
            .filter(|b| {
                super::docnum::find(&b.text)
                    .first()
                    .is_some_and(|(at, d)| *at <= DOCUMENT_ITEM_OPENING && numbers.insert(d.number.clone()))
            })
            .map(|b| b.chars())
            .collect();
        // Headline links that all come after the text (a legacy portal's `Các tin đã đưa`
        // in the article's own cell), and how much of the text before them links.
        let first_headline = container.blocks.iter().position(|b| is_headline(b));
        let last_prose = container
            .blocks
            .iter()
            .rposition(|b| !is_headline(b) && b.chars() >= 40 && b.link_density() < 0.3);
        let headlines_after_text = matches!((first_headline, last_prose), (Some(h), Some(p)) if h > p);
        // Headline links with paragraphs of the text on both sides: a box of related
        // stories set into an article, not a list.
        let is_paragraph = |b: &Block| {
            !is_headline(b) && !matches!(b.kind, BlockKind::Heading(_)) && b.chars() >= 100 && b.link_chars == 0
        };
        let last_headline = container.blocks.iter().rposition(|b| is_headline(b));
        let headlines_inside_text = match (first_headline, last_headline) {
            (Some(f), Some(l)) => {
                container.blocks[..f].iter().any(|b| is_paragraph(b))
                    && container.blocks[l + 1..].iter().any(|b| is_paragraph(b))
            }
            _ => false,
        };
        let before = &container.blocks[..first_headline.unwrap_or(container.blocks.len())];
        let text_link_density = before.iter().map(|b| b.link_chars).sum::<usize>() as f64
            / before.iter().map(|b| b.chars()).sum::<usize>().max(1) as f64;
        let mut prose_run = 0;
        let mut run = 0;
        for b in &container.blocks {
            if is_headline(b) || is_item_link(b) {
                run = 0;
            } else if b.link_density() < 0.3 && !matches!(b.kind, BlockKind::Heading(_)) {
                run += b.chars();
                prose_run = prose_run.max(run);
            }
        }
        let page_url = Url::parse(self.url).ok();
        let headline_links_away = self.headline_links_away(container);
        page_type::Evidence {
            url_pattern,
            url_is_root: page_url.as_ref().is_some_and(page_type::is_root),
            url_dated_slug: page_url.as_ref().is_some_and(page_type::is_dated_slug),
            links_below: page_url.as_ref().map_or(0, |u| page_type::links_below(u, links)),
            og_type: self.m.og_type.clone(),
            ld_types: self.m.ld_types.clone(),
            ld_article: self.m.ld_article,
            ld_headline_is_title: self.m.ld_headline.as_deref().is_some_and(|h| {
                [&self.m.og_title, &self.m.title_tag]
                    .into_iter()
                    .flatten()
                    .any(|t| super::words_overlap(h, t) >= 0.6)
            }),
            body_chars,
            table_chars,
            prose_run,
            link_density: container.link_chars as f64 / container.chars.max(1) as f64,
            headlines,
            alternations,
            teasers,
            teaser_share: teaser_chars as f64 / container.chars.max(1) as f64,
            item_links,
            headlines_after_text,
            headlines_inside_text,
            text_link_density,
            headline_links_away,
            document_items: document_items.len(),
            document_item_share: document_items.iter().sum::<usize>() as f64 / container.chars.max(1) as f64,
            linked_rows: linked_rows.len(),
            linked_row_share: linked_rows.iter().sum::<usize>() as f64 / container.chars.max(1) as f64,
            title_links,
            title: title.is_some(),
            title_words: title.map_or(0, title_words),
            published,
            authors,
            attachments,
        }
        .decide()
    }
}

/// The first candidate byline that names people other than the site itself or the
/// organisation that owns it (a portal's `<meta name="author">` often repeats its
/// `copyright`: the school, the office, the company). A blogger's own name is both owner
/// and author, so an owner's name is dropped only when it reads as an organisation's: four
/// words or more, or a company's form (`GmbH`, `Ltd`).
fn people<'s>(cands: impl Iterator<Item = &'s String>, site_name: Option<&str>, owners: &[String]) -> Vec<String> {
    let site_lower = site_name.map(str::to_lowercase);
    let owners: Vec<String> = owners
        .iter()
        .map(|o| o.trim_start_matches(['©', ' ']).to_lowercase())
        .collect();
    let organisation = |a: &str| {
        a.split_whitespace().count() >= 4
            || a.split(|c: char| !c.is_alphanumeric() && c != '.').any(|w| {
                matches!(
                    w,
                    "gmbh"
                        | "ag"
                        | "kg"
                        | "e.v."
                        | "ltd"
                        | "ltd."
                        | "inc"
                        | "inc."
                        | "llc"
                        | "plc"
                        | "verlag"
                        | "s.a."
                        | "srl"
                        | "bv"
                        | "jsc"
                )
            })
    };
    for cand in cands {
        let Some(b) = byline::parse(cand) else { continue };
        let names: Vec<String> = b
            .authors
            .into_iter()
            .filter(|a| {
                let a = a.to_lowercase();
                site_lower.as_deref() != Some(a.as_str())
                    && !(organisation(&a) && owners.iter().any(|o| *o == a || o.ends_with(&format!(" {a}"))))
            })
            .collect();
        if !names.is_empty() {
            return names;
        }
    }
    Vec::new()
}

/// A name as it is compared with a site's: lower case, letters and digits only (`AUTO
/// ZEITUNG`, `Autozeitung` and `autozeitung` are one; `www.` left out of an address).
fn squashed(name: &str) -> String {
    name.trim_start_matches("www.")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The most text a box of links titled by a heading holds with its label (see [`paragraphs`]).
const LABEL_BOX_MAX: usize = 200;
/// How deep in that box its label stands at most.
const LABEL_DEPTH: usize = 4;

/// The container's paragraphs of article text: interface lines, headlines, the title and
/// the lead, date lines before or after the text and captions left out; after a "related
/// news" marker, nothing until the article's own prose resumes.
pub(super) fn paragraphs<'d>(
    html: &Html,
    container: &[&'d Block],
    title: Option<&str>,
    lead_text: Option<&str>,
    captions: &dom::Subtrees,
) -> Vec<&'d Block> {
    let mut paragraphs: Vec<&Block> = Vec::new();
    // The items of one list are alike: where most of a list's items read as text, their
    // links a part of them, an item whose link outweighs its words is one of them too (a
    // digest's items, each a linked headline and a sentence).
    let list_of = |b: &Block| {
        (b.kind == BlockKind::ListItem)
            .then(|| html.tree.get(b.owner).and_then(|n| n.parent()).map(|p| p.id()))
            .flatten()
    };
    let mut lists: HashMap<NodeId, (usize, usize)> = HashMap::new();
    for b in container {
        if let Some(l) = list_of(b) {
            let (items, text) = lists.entry(l).or_default();
            *items += 1;
            if b.link_density() <= 0.5 {
                *text += 1;
            }
        }
    }
    let item_of_a_text_list = |b: &Block| {
        b.visible_chars().saturating_sub(b.link_chars) >= 40
            && list_of(b)
                .and_then(|l| lists.get(&l))
                .is_some_and(|&(items, text)| items >= 3 && text * 2 >= items)
    };
    // After a "related news" heading, blocks are skipped until the article's own prose
    // resumes: two long, link-free paragraphs in a row (a related box alternates links and
    // summaries).
    let prose = |b: &Block| b.chars() >= 80 && b.link_density() < 0.2 && !matches!(b.kind, BlockKind::Heading(_));
    let mut in_related = false;
    // Where the last paragraph of prose stands, and whether one was kept: what lies between
    // them is inside the text.
    let last_prose = container.iter().rposition(|b| prose(b));
    let mut kept_prose = false;
    // A line its words call a caption (`… Ảnh: H.L.`, `… (Image: GETTY)`) leaves the text,
    // unless such lines are two thirds of it or more: a photo story's captions are its body,
    // as when its caption elements are most of it (`captions_to_leave_out`). (A report with
    // a captioned picture after each paragraph has about as much of one as of the other.)
    let worded_caption: Vec<bool> = container
        .iter()
        .map(|b| {
            let t = b.text.trim();
            is_caption(t) && t.chars().count() < 250 && !byline::is_author_line(t)
        })
        .collect();
    let worded_caption_chars: usize = container
        .iter()
        .zip(&worded_caption)
        .filter(|(_, w)| **w)
        .map(|(b, _)| b.chars())
        .sum();
    let total_chars: usize = container.iter().map(|b| b.chars()).sum();
    let captions_are_text = worded_caption_chars * 3 >= total_chars * 2;
    for (i, b) in container.iter().enumerate() {
        let t = b.text.trim();
        // Markers and interface lines are short: a paragraph is not lower-cased to be compared.
        let lower = if t.len() <= 80 { t.to_lowercase() } else { String::new() };
        // (Decoration around a label is none of it: `- Advertisement -`, `[Anzeige]`.)
        let lower = lower.trim_matches(|c: char| !c.is_alphanumeric());
        // (A marker the text's own prose follows is a heading of the text: `Mehr zum Thema`
        // over a paragraph that points to more.)
        if !paragraphs.is_empty() && END_MARKERS.contains(&lower) {
            in_related = !container.get(i + 1).is_some_and(|n| prose(n));
            continue;
        }
        if in_related {
            if prose(b) && container.get(i + 1).is_some_and(|n| prose(n)) {
                in_related = false;
            } else {
                continue;
            }
        }
        if t.chars().count() < 2
            || UI_LINES.contains(&lower)
            || END_MARKERS.contains(&lower)
            || (t.len() <= 120 && COMMENT_COUNT.is_match(t))
            || FILE_SIZE.is_match(t)
        {
            continue;
        }
        // A heading that is a link is another page's headline (a teaser), not a heading of
        // this text.
        if b.link_density() > 0.5 && !item_of_a_text_list(b) && !links_in_sentences(b) {
            continue;
        }
        if matches!(b.kind, BlockKind::Heading(1)) || title.is_some_and(|ti| same_text(ti, t)) {
            continue;
        }
        if lead_text.is_some_and(|l| same_text(l, t)) {
            continue;
        }
        // A date line between paragraphs of the text is part of it (an event's date); the
        // date lines around the text date the article.
        // A byline with its date after a dash, set apart (`Minh Châu - 15/02/2024` in bold)
        // is a byline: the credits take it at the end of the text.
        let signed = || {
            (b.is_bold() || b.right_aligned || b.is_italic())
                && t.rsplit_once(" - ")
                    .or_else(|| t.rsplit_once(" – "))
                    .is_some_and(|(who, when)| {
                        is_date_line(when) && byline::parse(who).is_some_and(|by| !by.authors.is_empty())
                    })
        };
        let dated = is_date_line(t) && !(kept_prose && last_prose.is_some_and(|l| l > i)) && !signed();
        let caption_line = !captions_are_text && worded_caption[i];
        if dated || caption_line || captions.holds(b) {
            continue;
        }
        // A short line with a copyright sign is a picture's credit, wherever the layout put
        // it; a paragraph that opens with one is the publisher's notice (`© 2022, …. This
        // article is the copyrighted property of …`).
        let notice = t.starts_with('©')
            || (t.get(..9).is_some_and(|w| w.eq_ignore_ascii_case("copyright"))
                && t[9..]
                    .trim_start()
                    .starts_with(|c: char| c == '©' || c == '(' || c.is_ascii_digit()));
        if (t.contains('©') && t.chars().count() < 200) || (notice && t.chars().count() <= NOTICE_MAX) {
            continue;
        }
        kept_prose |= prose(b);
        paragraphs.push(b);
    }
    // A heading with nothing of the text after it, only links, titled a box of links.
    while let Some(last) = paragraphs.last()
        && matches!(last.kind, BlockKind::Heading(_))
    {
        let at = container.iter().position(|b| std::ptr::eq(*b, *last));
        let links_after = at.is_some_and(|i| container[i + 1..].iter().any(|b| b.link_density() > 0.5));
        if !links_after {
            break;
        }
        let heading = paragraphs.pop().expect("the last paragraph");
        // The box's label above its heading (`ERSCHIENEN IN` over a magazine's name and its
        // link) goes with it: the lines of the small element that holds the heading.
        let label_box = html
            .tree
            .get(heading.owner)
            .and_then(|h| h.parent())
            .and_then(ElementRef::wrap)
            .filter(|b| dom::short_text_of(*b, LABEL_BOX_MAX).is_some())
            .map(|b| b.id());
        let in_box = |p: &Block| {
            html.tree.get(p.owner).is_some_and(|o| {
                std::iter::once(o)
                    .chain(o.ancestors())
                    .take(LABEL_DEPTH)
                    .any(|a| Some(a.id()) == label_box)
            })
        };
        while paragraphs.last().is_some_and(|p| in_box(p)) {
            paragraphs.pop();
        }
    }
    // The calls to the reader a publisher closes its stories with (subscribe, follow us,
    // get the app) are not the story's.
    while paragraphs.len() > 1 && paragraphs.last().is_some_and(|p| is_call_to_action(&p.text)) {
        paragraphs.pop();
    }
    paragraphs
}

/// A paragraph of sentences whose words link to several pages (`Monday’s best deals include
/// <a>various MacBook models from $700</a>. You’ll also find <a>…</a> and <a>…</a>. All that
/// and more is below.`): dense in links, yet sentences of the text, not a box of headlines.
/// Long, two links or more, words of its own between them, and closed as a sentence is.
fn links_in_sentences(b: &Block) -> bool {
    b.kind == BlockKind::Paragraph
        && b.links >= 2
        && b.chars() >= 150
        && b.visible_chars().saturating_sub(b.link_chars) >= 50
        && b.text.trim_end().ends_with(['.', '!', '?', '…', '"', '”', ')'])
}

/// The caption elements whose text leaves the body — the images' captions and every
/// `<figcaption>` (of a video, a chart, a lazy-loaded picture) — unless captions are most of
/// the container's text: then the page is a photo story and its captions are its body.
pub(super) fn captions_to_leave_out(
    html: &Html,
    els: &dom::Elements,
    container: &Container,
    figures: &super::figure::Figures,
) -> dom::Subtrees {
    let figcaptions = els.figcaption.iter().map(|e| e.id());
    // An element its class calls a caption, of a caption's length (a gallery's captions,
    // whose pictures a script draws).
    let classed = els.classed[3]
        .iter()
        .filter(|e| dom::text_of(**e).chars().count() <= 300)
        .map(|e| e.id());
    let captions = dom::Subtrees::of(
        html,
        figures.caption_nodes.iter().copied().chain(figcaptions).chain(classed),
    );
    let caption_chars: usize = container
        .blocks
        .iter()
        .filter(|b| captions.holds(b))
        .map(|b| b.chars())
        .sum();
    if caption_chars * 2 > container.chars {
        return dom::Subtrees::of(html, []);
    }
    captions
}

/// The lead (the sapo, or a bold first paragraph) and the body's paragraphs, lead first.
pub(super) fn lead_and_body(lead_text: Option<String>, paragraphs: &[&Block]) -> (Option<String>, Vec<String>) {
    let mut body: Vec<String> = paragraphs.iter().map(|b| b.text.clone()).collect();
    let lead = match lead_text {
        Some(l) => Some(l),
        None => paragraphs
            .first()
            .filter(|b| b.is_bold() && b.chars() >= 60 && paragraphs.len() > 1)
            .map(|b| b.text.clone()),
    };
    if let Some(l) = &lead
        && !body.first().is_some_and(|p| same_text(p, l))
    {
        body.insert(0, l.clone());
    }
    (lead, body)
}

/// The text fields, repaired.
pub(super) struct Repaired {
    pub title: Option<String>,
    pub lead: Option<String>,
    pub body: Vec<String>,
    pub authors: Vec<String>,
    pub tables: Vec<super::table::Table>,
}

/// Every text field through the repair pipeline, each change recorded in `report`. A legacy
/// font (TCVN3, VNI, VISCII) is judged once for the page — by its font names in `text`, or on
/// the whole body, where the evidence is strongest — and then applied to every field.
pub(super) fn repair(text: &str, fields: Repaired, report: &mut EncodingReport) -> Repaired {
    let legacy = super::font_hint(text)
        .or_else(|| decode::legacy::LegacyFont::detect(&fields.body.join("\n"), None).map(|(enc, _)| enc));
    let mut fix = |s: String| -> String {
        let r = decode::repair_hinted(&s, legacy);
        report.repairs.extend(r.repairs);
        r.text
    };
    let title = fields.title.map(&mut fix);
    let lead = fields.lead.map(&mut fix);
    let body = fields.body.into_iter().map(&mut fix).collect();
    let authors = fields.authors.into_iter().map(&mut fix).collect();
    // A table's cells are the body's rows again: repaired alike, their repairs not counted
    // twice.
    let cell = |s: &mut String| {
        if !s.is_empty() {
            *s = decode::repair_hinted(s, legacy).text;
        }
    };
    let mut tables = fields.tables;
    for t in &mut tables {
        t.caption.iter_mut().for_each(cell);
        t.header.iter_mut().chain(t.rows.iter_mut()).flatten().for_each(cell);
    }
    Repaired {
        title,
        lead,
        body,
        authors,
        tables,
    }
}

/// The boxes that show the parts of the text a page's JSON-LD lists (a recipe's
/// ingredients, its steps: [`meta::Meta::ld_parts`]), each with its blocks read keeping
/// every box ([`dom::blocks_keeping_boxes`]): the walk may have pruned such a box for its
/// class (`ingredients table-header`, `print-list`). Their links are the parts' names (an
/// ingredient links to its product), not a box of links: they count as text.
///
/// For each list, of the elements up to [`PARTS_DEPTH`] levels around the blocks that show
/// one of its parts (all but a fifth of a part's words, or a piece of it: an ingredient's
/// name in a cell of its own), the box is the one that shows the most parts, at least half
/// of them and two, in blocks that are half its text or more (the list's box, not the page
/// around it); the deepest of equals. Memory and time stay linear in the page however deep
/// it nests (the elements looked at are a few levels above the blocks, the text under each
/// is summed once, children before parents).
fn parts_boxes(html: &Html, lists: &[Vec<String>]) -> Vec<(NodeId, Vec<Block>)> {
    let all = dom::blocks_keeping_boxes(html);
    let is_within = |id: NodeId, root: NodeId| {
        html.tree
            .get(id)
            .is_some_and(|n| n.id() == root || n.ancestors().any(|a| a.id() == root))
    };
    // Each block's words, and the page's elements children-after-parents: the same for
    // every list.
    let words: Vec<HashSet<String>> = all.iter().map(|b| text_words(&b.text)).collect();
    let order: Vec<_> = html.tree.root().descendants().collect();
    let mut boxes: Vec<NodeId> = Vec::new();
    for parts in lists {
        let parts: Vec<HashSet<String>> = parts
            .iter()
            .take(PARTS_MAX)
            .map(|p| text_words(p))
            .filter(|w| !w.is_empty())
            .collect();
        if parts.len() < 2 {
            continue;
        }
        // For each block, the parts it shows.
        let shown: Vec<Vec<usize>> = all
            .iter()
            .zip(&words)
            .map(|(b, words)| {
                (0..parts.len())
                    .filter(|&i| {
                        let common = parts[i].intersection(words).count();
                        common > 0
                            && (common * 5 >= parts[i].len() * 4
                                || common == words.len() && b.text.chars().count() >= 3)
                    })
                    .collect()
            })
            .collect();
        if shown.iter().all(Vec::is_empty) {
            continue;
        }
        // The elements near the blocks showing parts, with the parts shown under them.
        let mut seen: HashMap<NodeId, Vec<bool>> = HashMap::new();
        for (b, which) in all.iter().zip(&shown).filter(|(_, w)| !w.is_empty()) {
            let Some(owner) = html.tree.get(b.owner) else { continue };
            for a in std::iter::once(owner).chain(owner.ancestors()).take(PARTS_DEPTH) {
                let s = seen.entry(a.id()).or_insert_with(|| vec![false; parts.len()]);
                which.iter().for_each(|&i| s[i] = true);
            }
        }
        // Their text, all of it and that of the blocks showing parts: each block adds to
        // the elements above it, children before parents (the reverse of document order).
        let mut chars: HashMap<NodeId, (usize, usize)> = HashMap::new();
        for (b, which) in all.iter().zip(&shown) {
            let (total, showing) = chars.entry(b.owner).or_default();
            *total += b.chars();
            if !which.is_empty() {
                *showing += b.chars();
            }
        }
        for n in order.iter().rev() {
            if let (Some(&here), Some(parent)) = (chars.get(&n.id()), n.parent()) {
                let up = chars.entry(parent.id()).or_default();
                up.0 += here.0;
                up.1 += here.1;
            }
        }
        // The most parts, then the least text, then the latest node (the deepest).
        let best = seen
            .iter()
            .filter_map(|(&id, s)| {
                let count = s.iter().filter(|&&x| x).count();
                let (total, showing) = chars.get(&id).copied().unwrap_or_default();
                (count >= 2 && count * 2 >= parts.len() && showing * 2 >= total).then_some((id, count, total))
            })
            .max_by_key(|&(id, count, total)| (count, std::cmp::Reverse(total), id));
        let Some((mut b, _, _)) = best else { continue };
        // The list's title comes with it: the box's parent, while what it adds is headings.
        for _ in 0..PARTS_TITLE_LEVELS {
            let Some(parent) = html
                .tree
                .get(b)
                .and_then(|n| n.parent())
                .filter(|p| p.value().is_element())
            else {
                break;
            };
            let (in_parent, in_box) = (dom::Subtrees::of(html, [parent.id()]), dom::Subtrees::of(html, [b]));
            let only_headings = all
                .iter()
                .filter(|x| in_parent.holds(x) && !in_box.holds(x))
                .all(|x| matches!(x.kind, BlockKind::Heading(_)));
            if !only_headings {
                break;
            }
            b = parent.id();
        }
        if !boxes.contains(&b) {
            boxes.push(b);
        }
    }
    // A box inside another's is in it already.
    let outer: Vec<NodeId> = boxes
        .iter()
        .copied()
        .filter(|&b| !boxes.iter().any(|&o| o != b && is_within(b, o)))
        .collect();
    outer
        .into_iter()
        .map(|b| {
            let inside = dom::Subtrees::of(html, [b]);
            (b, all.iter().filter(|x| inside.holds(x)).map(Block::as_text).collect())
        })
        .collect()
}

/// The parts of a list looked for: a recipe has a few dozen, an FAQ a few score; a page
/// listing thousands costs no more than this.
const PARTS_MAX: usize = 200;
/// How far above the blocks showing a list's parts its box may stand.
const PARTS_DEPTH: usize = 12;
/// How many levels above a list's box its title may stand (`<div><h3>Nguyên liệu</h3><table>`).
const PARTS_TITLE_LEVELS: usize = 3;

/// A text's words, lower-cased, punctuation aside (`125 g Mehl,` is `125`, `g`, `mehl`).
fn text_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}
