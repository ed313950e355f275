//! `extract` owns the step from a decoded page to an [`Article`]: page type, title,
//! publication time, authors and source, lead and body, plus the links the crawler follows.
//!
//! Parsing never fails: every page yields an `Article` (possibly with empty fields) and a
//! list of warnings; a page without a recognisable article says so in `page_type`.
//! Each page is parsed once. One walk over the tree makes the text blocks ([`dom::blocks`])
//! and another gathers the elements metadata, title, links, dates and the rest ask about
//! (`dom::Elements`); a few questions select within the tree afterwards (the lead's first
//! paragraph, anchors inside a date line, a class-named title, the container's images), each
//! with a selector compiled once.

pub mod attachment;
pub mod byline;
pub mod date;
mod doc;
pub mod docnum;
mod dom;
mod figure;
pub(crate) mod meta;
pub mod page_type;
pub mod profile;
pub mod table;

use chrono::{DateTime, FixedOffset};
use ego_tree::NodeId;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use url::Url;

use crate::decode::{self, EncodingReport};
use crate::time::When;
use doc::Doc;
use dom::{Block, BlockKind};
pub use meta::{Claim, ClaimField};
pub use profile::{SiteProfile, UrlPatterns};

/// What kind of page this is ([`page_type`] decides, and says why). Only articles are
/// archived as articles; listings feed the crawler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageType {
    Article,
    /// Many items, each a link: a section, tag, search or document list, a gallery index,
    /// a site's home page.
    Listing,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Who took the photo (`Ảnh: Minh An` under it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

/// An extracted page: the fields researchers search and cite. All text is NFC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub url: String,
    pub canonical_url: Option<String>,
    pub site: String,
    pub site_name: Option<String>,
    pub page_type: PageType,
    pub title: Option<String>,
    /// RFC 3339 with offset, or `YYYY-MM-DD` when the page gives only the day.
    pub published: Option<String>,
    pub modified: Option<String>,
    pub authors: Vec<String>,
    /// Agency or outlet the article is credited to (`TTXVN`, `VGP`), not a person.
    pub source: Option<String>,
    pub lead: Option<String>,
    /// Paragraphs separated by a blank line, lead first.
    pub body: String,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub images: Vec<Image>,
    /// Official documents the title, lead and body cite by number ([`docnum`]).
    pub documents: Vec<docnum::DocumentRef>,
    /// The data tables of the body, in order ([`table`]); their rows are also lines of the
    /// body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<table::Table>,
    /// The documents the article links to (the full text of a decision, a report), as the
    /// page gives them; what each turned out to be when fetched is the archive's
    /// (`archive::attachments`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentLink>,
    pub language: Option<String>,
    pub encoding: EncodingReport,
    pub warnings: Vec<String>,
}

/// A link from an article to a document ([`attachment::document_link`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttachmentLink {
    pub url: String,
    /// The link's text (or its `title`), NFC; `Tải về` as often as a name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

impl Article {
    /// The one rule for what is archived as an article: a page judged an article, with
    /// text.
    pub fn is_archivable(&self) -> bool {
        self.page_type == PageType::Article && !self.body.trim().is_empty()
    }
}

/// An article plus what the crawler needs from the page.
#[derive(Debug, Clone)]
pub struct Extraction {
    pub article: Article,
    /// Absolute http(s) links on the page — `<a>` and image-map `<area>` hrefs, then
    /// `<frame>`/`<iframe>` sources and `onclick` targets — fragments removed, each once.
    pub links: Vec<Url>,
    /// RSS/Atom feeds the page advertises.
    pub feeds: Vec<Url>,
    /// Why the page got its type.
    pub page_type: page_type::Decision,
    /// What the page's metadata says of the title, dates and authors, and where (NFC).
    pub metadata: Vec<meta::Claim>,
}

/// A page to extract: raw bytes plus what HTTP said about them.
pub struct Page<'a> {
    pub bytes: &'a [u8],
    pub content_type: Option<&'a str>,
    pub url: &'a str,
    /// When the page was fetched; dates after it are rejected. `None`: now.
    pub fetched_at: Option<DateTime<FixedOffset>>,
    /// The crawl configuration's URL patterns for the page's site: they decide its type
    /// before the profile's patterns and the page's own evidence.
    pub patterns: Option<&'a UrlPatterns>,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

static TITLE_CLASS: LazyLock<Selector> =
    LazyLock::new(|| sel(r#"[class*="title"], [id*="title"], [class*="tieu-de"], [class*="tieude"], h2"#));
static ANCHOR_ANY: LazyLock<Selector> = LazyLock::new(|| sel("a"));
static PARAGRAPH_LIKE: LazyLock<Selector> = LazyLock::new(|| sel("p, h2, h3, h4"));
static IMG: LazyLock<Selector> = LazyLock::new(|| sel("img[src]"));

/// LEAD_CLASS, AUTHOR_CLASS, DATE_CLASS and CAPTION_CLASS in one set, matched in one pass
/// per element.
static CLASSED: LazyLock<regex::RegexSet> = LazyLock::new(|| {
    regex::RegexSet::new([
        LEAD_CLASS.as_str(),
        AUTHOR_CLASS.as_str(),
        DATE_CLASS.as_str(),
        CAPTION_CLASS,
    ])
    .expect("regex set")
});
/// A class or id word naming a caption (`caption`, `wp-caption-text`, `caption-full`; a
/// legend, as French, German and Italian call it, `bildunterschrift`).
const CAPTION_CLASS: &str = r"caption|legend|bildunterschrift";
/// The trade's words for the sapo: `sapo`/`chapeau`/`chapo` (Vietnamese and French),
/// `standfirst`, `dek`/`deck`, `lede` (English), `sommario` (Italian), `vorspann` (German),
/// `entradilla`/`bajada` (Spanish), and the plain ones.
static LEAD_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[-_ ])(sapo|lead|lede|summary|description|desc|chapeau|chapo|standfirst|dek|deck|sommario|vorspann|entradilla|bajada|excerpt|intro|tom-?tat|tomtat|mo-?ta|teaser|abstract|subtitle|sub-?title|article-?sapo|detail-?sapo)([-_ ]|$)")
        .expect("regex")
});
static AUTHOR_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[-_ ])(author|authors|byline|tac-?gia|tacgia|writer|reporter|nguoi-?viet|author-?name|article-?author)([-_ ]|$)")
        .expect("regex")
});
static DATE_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[-_ ])(date|time|datetime|ngay|ngay-?dang|publish|published|pubdate|posted|post-?date|thoi-?gian|created|date-?time|detail-?time|news-?date|meta)([-_ ]|$)")
        .expect("regex")
});
/// `Title (13:01 05/11/2019)` — a time in the title line, as hanoi.gov.vn writes it.
static TITLE_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[\(\[]\s*(\d{1,2}[:h]\d{2}\s+\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{1,2}/\d{4}(?:\s+\d{1,2}[:h]\d{2})?)\s*[\)\]]\s*$")
        .expect("regex")
});
/// A caption's or photo credit's opening: `Ảnh: …`, and a picture word with a colon in the
/// languages the web writes most (`Photo:`, `Foto:`, `Bild:`, `Abbildung 2:`, `Figure 3:`,
/// `Fig. 3:`, `Image:`, `Hình 1:`), or a picture credit's label (`Image credit:`, `Featured
/// image:`, `Cover image:`, `Titelbild:`, `Beitragsbild:`, `Bildquelle:`, `Bildnachweis:`,
/// `Crédit photo :`).
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(^\(?\s*ảnh\s*(minh họa|minh hoạ)?\s*[:\-–)]|^\(?\s*(photos?|fotos?|bild|abbildung|abb\.|figure|fig\.|image|hình|video|clip|nguồn ảnh|đồ họa|infographic|(?:image|photo|picture) credits?|(?:featured|cover|header) (?:image|photo)|titelbild|titelfoto|beitragsbild|bildquellen?|bildnachweise?|fotonachweis|crédits? photos?)(\s*\d{1,3}[a-z]?)?\s*:)")
        .expect("regex")
});
/// A credit closing the line, `… Ảnh: H.L.`: the name's length is counted in code, as a
/// bounded repetition of a Unicode class made the regex some twenty times costlier to build.
static CLOSING_CREDIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)[\.\s\-–]ảnh\s*:\s*([\p{L}\s.,/&-]+)$").expect("regex"));
/// A picture's credit in parentheses closing the line, `… (Image: GETTY)`, `… (Foto:
/// Archivo/Soy502)`: a picture word, not a source's (`(Quelle: SWR)` closes a paragraph).
static CLOSING_PAREN_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\(\s*(?:images?|photos?|pictures?|fotos?|bild|ảnh)\s*:\s*([^()]+?)\s*\)\.?$").expect("regex")
});

/// Is the line a picture's caption or credit by its words: opened as one (see [`CAPTION`]),
/// or closed by a short credit (`Quang cảnh hội nghị. Ảnh: H.L.`, `Protesters have worn
/// masks (Image: GETTY)`)?
pub(super) fn is_caption(line: &str) -> bool {
    CAPTION.is_match(line)
        || CLOSING_CREDIT
            .captures(line)
            .is_some_and(|c| c[1].chars().count() <= 40)
        || CLOSING_PAREN_CREDIT
            .captures(line.trim_end())
            .is_some_and(|c| c[1].chars().count() <= 40)
}

/// Headings after which a page's own text has ended.
const END_MARKERS: &[&str] = &[
    "tin liên quan",
    "bài liên quan",
    "xem thêm",
    "đọc thêm",
    "tin cùng chuyên mục",
    "các bài mới đăng",
    "các bài đã đăng",
    "các bài đã đăng :",
    "các tin khác",
    "tin khác",
    "bài viết liên quan",
    "tin đã đưa",
    "các tin đã đưa",
    "tin mới hơn",
    "tin cũ hơn",
    "related",
    "related articles",
    "related posts",
    "related stories",
    "related news",
    "read more",
    "more stories",
    "bình luận",
    "ý kiến bạn đọc",
    "viết bình luận",
    "gửi bình luận",
    "tin mới nhất",
    "tin tức liên quan",
    "có thể bạn quan tâm",
    "bạn có thể quan tâm",
    "tin nổi bật",
    "you may also like",
    "you might also like",
    "mehr zum thema",
    "meistgelesen",
    "lesen sie auch",
    "verwandte artikel",
    "ähnliche artikel",
    "das könnte sie auch interessieren",
    "à lire aussi",
    "lire aussi",
    "sur le même sujet",
    "noticias relacionadas",
    "te puede interesar",
    "về tác giả",
    "about the author",
    "über den autor",
];

/// A count of the comments standing alone (`0 Kommentare`, `27 commentaires`, `No comments
/// yet`, `Keine Kommentare (Kommentare erscheinen erst nach unserer Freigabe)`): the
/// comments' box, not the text.
static COMMENT_COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:keine|noch keine|no|\d{1,5}) (?:kommentare?|comments?|commentaires?|comentarios?|commenti|bình luận)(?: yet| bisher| vorhanden)?\s*(?:\([^()]*\))?$",
    )
    .expect("regex")
});

/// Short interface strings that are never article text.
const UI_LINES: &[&str] = &[
    "chia sẻ",
    "in bài",
    "bản in",
    "in trang",
    "gửi email",
    "gửi bài",
    "quay lại",
    "về đầu trang",
    "lên đầu trang",
    "bài viết xem",
    "share",
    "print",
    "email",
    "tweet",
    "facebook",
    "zalo",
    "lượt xem",
    "tải về",
    "đầu trang",
    "trở về",
    "trở lại",
    "xem tiếp",
    "theo dõi",
    "follow",
    "like",
    "bookmark",
    "advertisement",
    "quảng cáo",
    // The label of an attachments box: the files are `attachments`, not text.
    "tệp đính kèm",
    "tập tin đính kèm",
    "file đính kèm",
    "tài liệu đính kèm",
    "văn bản đính kèm",
    "đính kèm",
    "attachments",
    "attachment",
    "downloads",
];

/// The address an `onclick` handler goes to: `location.href='…'`, `window.location = "…"`,
/// `location.assign('…')`, `window.open('…')`.
static ONCLICK_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:location(?:\.href)?\s*=|location\.(?:assign|replace)\(|window\.open\()\s*['"]([^'"]+)['"]"#)
        .expect("regex")
});

/// A file's size standing as a line of its own (`250 KB`, `(1,2 MB)`): an attachment's, not
/// text.
static FILE_SIZE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\(?\s*\d+(?:[.,]\d+)?\s*(?:bytes?|b|kb|kib|mb|mib|gb)\s*\)?$").expect("regex"));

/// A call to the reader to subscribe, follow, download the app or join, as publishers close
/// a story with it (`Subscribe now to our e-edition`, `Follow her on Twitter @…`,
/// `Únete a nuestro canal`, `Abonnieren Sie unseren Newsletter`): imperative or addressed
/// to the reader, so a story's own sentence about subscribers does not match.
static CALL_TO_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bsubscribe (?:now|today|here)\b|\b(?:you can|please) (?:also )?subscribe\b|\bsubscribe to (?:our|this) (?:\S+ )?(?:newsletter|channel|podcast)|\bfollow (?:us|him|her|them|(?:the )?(?-i:\p{Lu})\S+(?: (?-i:\p{Lu})\S+)?) on (?:twitter|facebook|instagram|x)\b|\bdownload (?:the|our) (?:\S+ ){0,5}apps?\b|\b(?:suscr[ií]bete|únete|s[ií]guenos|hazte (?:miembro|socio))\b|\b(?:abonnieren sie|abonniere (?:jetzt|unseren)|folgen sie uns|folge uns)\b|\b(?:abonnez-vous|je m[’']abonne|suivez-nous)\b|\b(?:đăng ký nhận bản tin|theo dõi chúng tôi trên)\b",
    )
    .expect("regex")
});

/// Is this paragraph a call to action (see [`CALL_TO_ACTION`]): short, and one of them.
fn is_call_to_action(text: &str) -> bool {
    text.chars().count() <= NOTICE_MAX && CALL_TO_ACTION.is_match(text)
}

/// A note that the text carries paid links or advertising (`Anzeige, enthält Affiliate
/// Links`, `*Werbung. Dieser Beitrag enthält Werbung für …`, `This post contains affiliate
/// links`): the publisher's disclosure, not the text.
static DISCLOSURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)enthält (?:werbung|affiliate|anzeigen|provisions)|(?-u:\b)(?:sind|um) (?:sogenannte |so genannte )?affiliate[- ]?links(?-u:\b)|(?-u:\b)(?:this|the) (?:post|article|page|story) (?:contains|may contain|includes) (?:affiliate|sponsored|paid)(?-u:\b)|(?-u:\b)(?:we|i) (?:may )?(?:earn|receive|get) a (?:small )?commission(?-u:\b)|(?-u:\b)contient des liens d[’']affiliation(?-u:\b)|(?-u:\b)contiene enlaces de afiliad",
    )
    .expect("regex")
});

/// A paywall's prompt, worded as one: what to do to read on (`To view the full story, please
/// subscribe …`, `already a subscriber? Log in …`, `Um diesen Artikel zu lesen …`, `Cet
/// article est réservé aux abonnés`, `Para seguir leyendo, suscríbete`, `Đăng nhập để đọc
/// tiếp`), not a sentence that speaks of subscribers.
static PAYWALL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)to (?:view|read|continue reading|keep reading|access|unlock) (?:the|this) (?:full |entire |whole )?(?:story|article|content)(?-u:\b)[^.]{0,40}(?-u:\b)(?:subscribe|subscription|log ?in|sign ?in|register)|(?-u:\b)already (?:a |an )?(?:subscriber|member)(?-u:\b)[^.]{0,60}(?-u:\b)(?:log ?in|sign ?in)|(?-u:\b)(?:subscribe|log ?in|sign ?in) to (?:continue|keep) reading(?-u:\b)|(?-u:\b)um (?:diesen|den) (?:artikel|beitrag) (?:vollständig |weiter )?zu lesen(?-u:\b)|(?-u:\b)sie sind bereits (?:abonnent|registriert)|(?-u:\b)cet article est réservé aux abonnés(?-u:\b)|(?-u:\b)déjà abonné|(?-u:\b)para (?:seguir|continuar) leyendo(?-u:\b)[^.]{0,60}(?-u:\b)(?:suscr|inicia sesión|regístrate)|(?-u:\b)(?:contenido|artículo) exclusivo para suscriptores(?-u:\b)|(?-u:\b)ya eres suscriptor(?-u:\b)|đăng nhập để (?:đọc|xem) (?:tiếp|toàn bộ)",
    )
    .expect("regex")
});

/// A publisher's appeal for the reader's support, worded as one (`If you enjoyed reading this
/// post – would you consider supporting our work?`, `If you enjoyed this article, we have a
/// proposition for you`, `Wenn Ihnen dieser Artikel gefallen hat`, `Soutenez-nous`), and a
/// suggested citation of the page (`SUGGESTED CITATION Sauer, Heiko: …`, `Zitiervorschlag:
/// …`, `Pour citer cet article : …`).
static APPEAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)if you (?:enjoyed|liked|value|appreciated?) (?:reading )?(?:this|our) (?:post|article|story|blog|piece|newsletter|journalism)(?-u:\b)|(?-u:\b)would you consider (?:supporting|donating to) (?:our|us|this)(?-u:\b)|(?-u:\b)(?:wenn|falls) (?:dir|ihnen|euch) (?:dieser|der|unser) (?:artikel|beitrag|text) gefallen hat(?-u:\b)|(?-u:\b)unterstützen sie (?:uns|unsere arbeit)(?-u:\b)|(?-u:\b)unterstütze (?:uns|unsere arbeit)(?-u:\b)|(?-u:\b)si (?:vous avez aimé|cet article vous a plu)(?-u:\b)|(?-u:\b)soutenez(?:-nous| notre travail| notre journalisme)(?-u:\b)|(?-u:\b)si te (?:gustó|ha gustado) (?:este|el) (?:artículo|post)(?-u:\b)|^\s*(?:suggested citation|cite as|cite this (?:article|post|page)|zitiervorschlag|pour citer cet article|citer cet article|how to cite this (?:article|post|page))\s*:?\s+\S",
    )
    .expect("regex")
});

/// The label of an advertisement's slot, standing alone (`Anzeige`, `-- Werbung --`).
const AD_LABELS: &[&str] = &["anzeige", "werbung", "publicité", "publicidad", "pubblicità", "reklama"];

/// Is this paragraph such a disclosure (see [`DISCLOSURE`]), a paywall's prompt (see
/// [`PAYWALL`]), an appeal for support or a suggested citation (see [`APPEAL`]), or an
/// advertisement's label?
fn is_notice(text: &str) -> bool {
    if text.chars().count() > NOTICE_MAX {
        return false;
    }
    let label = text.trim_matches(|c: char| !c.is_alphanumeric());
    (label.len() <= 16 && AD_LABELS.contains(&label.to_lowercase().as_str()))
        || DISCLOSURE.is_match(text)
        || PAYWALL.is_match(text)
        || APPEAL.is_match(text)
}

/// The longest paragraph read as a publisher's notice: a call to action, a disclosure, a
/// copyright notice.
const NOTICE_MAX: usize = 400;

/// Extract an article from a page. Never fails.
pub fn extract(page: &Page, profile: Option<&SiteProfile>) -> Extraction {
    let (text, report) = decode::decode_document(page.bytes, page.content_type);
    extract_text(&text, report, page, profile)
}

/// [`extract`] with the site profile for the page's URL, if there is one.
pub fn extract_for_site(page: &Page, profiles: &profile::Profiles) -> Extraction {
    extract(page, profiles.for_url(page.url))
}

/// Read a saved page: raw bytes as served, gunzipped when gzip-compressed (`.gz`).
/// A gzip-compressed page is inflated to at most [`MAX_PAGE_BYTES`], as the crawler cuts a
/// body off at `max_body_bytes` (a 1 MB file can inflate to gigabytes); a page cut off is
/// said so in a warning.
pub fn read_saved_page(path: &std::path::Path) -> crate::Result<Vec<u8>> {
    use crate::error::IoContext;
    let bytes = std::fs::read(path).at(path)?;
    inflate_saved_page(bytes, path)
}

/// A saved page's bytes as read (from a file or standard input, named `path` in messages),
/// gunzipped when they are gzip, up to [`MAX_PAGE_BYTES`].
pub fn inflate_saved_page(bytes: Vec<u8>, path: &std::path::Path) -> crate::Result<Vec<u8>> {
    use crate::error::IoContext;
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .take(MAX_PAGE_BYTES + 1)
        .read_to_end(&mut out)
        .at(path)?;
    if out.len() as u64 > MAX_PAGE_BYTES {
        out.truncate(MAX_PAGE_BYTES as usize);
        tracing::warn!(
            "{}: inflates to more than {MAX_PAGE_BYTES} bytes; cut off there",
            path.display()
        );
    }
    Ok(out)
}

/// The most bytes of one page read by default: the crawler's `max_body_bytes` unless the
/// configuration says otherwise, and the cap on an inflated saved page.
pub const MAX_PAGE_BYTES: u64 = 10 * 1024 * 1024;

/// Extract from already-decoded text (the report says how it was decoded): the stages of
/// [`doc`], in order — and once more with `<noscript>` opened when the page's text is only
/// there (see [`noscript_opened`]).
pub fn extract_text(text: &str, report: EncodingReport, page: &Page, profile: Option<&SiteProfile>) -> Extraction {
    let text = document_part(text);
    let first = extract_document(text, text, report.clone(), page, profile);
    if first.article.body.len() >= SHORT_BODY {
        return first;
    }
    let Some(opened) = noscript_opened(text) else {
        return first;
    };
    let mut second = extract_document(text, &opened, report, page, profile);
    if second.article.page_type == PageType::Article
        && second.article.body.len() >= first.article.body.len().max(SHORT_BODY) * 2
    {
        second
            .article
            .warnings
            .push("the text stands in <noscript> (for readers without scripts); read from there".to_owned());
        second
    } else {
        first
    }
}

/// A body shorter than this (in bytes) may be a page whose text a script writes.
const SHORT_BODY: usize = 250;

/// The text inside `<noscript>` elements, at least this many characters of it outside tags,
/// is worth a second reading.
const NOSCRIPT_TEXT: usize = 500;

static NOSCRIPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<noscript\b[^>]*>(.*?)</noscript\s*>").expect("regex"));
static NOSCRIPT_TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<(/?)noscript\b").expect("regex"));

/// The document with its `<noscript>` elements turned into `<div>`s, when they hold text:
/// a parser that runs scripts (as a browser does, and as ours does) reads a `<noscript>` as
/// one string, but some pages (a blog host's, among others) put the article there for
/// readers without scripts, and draw it with a script for the rest.
fn noscript_opened(text: &str) -> Option<String> {
    let visible = |markup: &str| {
        let mut in_tag = false;
        markup
            .chars()
            .filter(|&c| {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    _ => return !in_tag && !c.is_whitespace(),
                }
                false
            })
            .count()
    };
    let inside: usize = NOSCRIPT.captures_iter(text).map(|c| visible(&c[1])).sum();
    (inside >= NOSCRIPT_TEXT).then(|| NOSCRIPT_TAG.replace_all(text, "<${1}div").into_owned())
}

/// [`extract_text`] of `markup`, a reading of the document `text`.
fn extract_document(
    text: &str,
    markup: &str,
    mut report: EncodingReport,
    page: &Page,
    profile: Option<&SiteProfile>,
) -> Extraction {
    let html = Html::parse_document(markup);
    let doc = Doc::new(&html, page, profile);
    let mut warnings = Vec::new();

    let site_name = doc.site_name();
    let container = doc.container();
    let (title, title_when) = doc.title(site_name.as_deref(), &container);
    let figures = figure::read(&html, &doc.m, container.first, &doc.base);
    let captions = doc::captions_to_leave_out(&html, &doc.els, &container, &figures);
    let lead_text = doc.lead_text(&container, title.as_deref(), &captions);
    let mut paragraphs = doc::paragraphs(
        &html,
        &container.blocks,
        title.as_deref(),
        lead_text.as_deref(),
        &captions,
    );
    let credits = doc.credits(&mut paragraphs, site_name.as_deref());
    // Advertising notices leave after the credits are read: a lone `Anzeige` closing the
    // text is known to the byline reader as a label that signs nothing, while the line
    // above it (`SOCIAL MEDIA SEITEN` over a row of icons) could pass for a name.
    paragraphs.retain(|b| !is_notice(&b.text));
    let (lead, body) = doc::lead_and_body(lead_text, &paragraphs);
    let tables = doc.tables(&paragraphs);
    let found = doc.published(title_when, &container, &mut warnings);
    let published = found.as_ref().map(|p| p.when);
    let local = found.as_ref().and_then(|p| p.local);
    let relative = found.as_ref().is_some_and(|p| p.relative);
    let modified = doc.modified(&container);
    let table_chars = paragraphs
        .iter()
        .filter(|b| b.kind == BlockKind::Row)
        .map(|b| b.chars())
        .sum();
    let links = links(&doc.els, &doc.base);
    let attachments = attachment_links(&html, &doc.els, container.first, &doc.base);
    let decision = doc.page_type(
        &container,
        &body,
        table_chars,
        &links,
        title.as_deref(),
        published.is_some(),
        credits.signed,
        attachments.len(),
    );
    let page_type = decision.page_type;

    if title.is_none() {
        warnings.push("no title found".to_owned());
    }
    if page_type == PageType::Article {
        if published.is_none() {
            warnings.push("no publication date found".to_owned());
        }
        if body.is_empty() {
            warnings.push("no article text found".to_owned());
        }
    }

    let fields = doc::repair(
        text,
        doc::Repaired {
            title,
            lead,
            body,
            authors: credits.authors,
            tables,
        },
        &mut report,
    );
    let m = &doc.m;
    let base = &doc.base;
    let language = language(m, &fields.body);
    // Vietnam's offset is assumed for Vietnamese pages and Vietnamese hosts only (and where
    // the language is not known and the text may be Vietnamese): another page's clock
    // readings take the offset it states in its metadata. A clock reading that cannot be
    // placed is kept in words, not lost.
    let (published, modified) = if !clock_is_vietnams(page.url, language.as_deref(), &fields.body) {
        let offset = m
            .published
            .iter()
            .chain(&m.modified)
            .find_map(|d| date::stated_offset(d));
        let mut place = |field: &str, w: Option<When>, relative: bool| {
            // A time counted back from the fetch is an instant: given in the page's offset
            // (else UTC), never read as a clock reading in Vietnam's.
            let placed = match w {
                Some(When::DateTime(t)) if relative => Some(When::DateTime(
                    t.with_timezone(&offset.unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc))),
                )),
                _ => w.map(|w| date::on_foreign_page(w, offset)),
            };
            if let (Some(When::DateTime(t)), Some(When::Date(_))) = (w, placed) {
                warnings.push(format!(
                    "{field}: the page gives {} without an offset; only the day is kept",
                    t.naive_local().format("%Y-%m-%d %H:%M")
                ));
            }
            placed
        };
        (
            place("published", published, relative),
            place("modified", modified, false),
        )
    } else {
        (published, modified)
    };
    // A time stated in UTC is given in the publisher's offset when the page shows it (see
    // `date::local_offset`): the same instant, on the day the publisher dated it.
    let in_local = |w: Option<When>| match (w, local) {
        (Some(When::DateTime(t)), Some(o)) if t.offset().local_minus_utc() == 0 => {
            Some(When::DateTime(t.with_timezone(&o)))
        }
        _ => w,
    };
    let (published, modified) = (in_local(published), in_local(modified));
    let body = fields.body.join("\n\n");
    let documents = docnum::collect(&[
        ("title", fields.title.as_deref().unwrap_or("")),
        ("lead", fields.lead.as_deref().unwrap_or("")),
        ("body", &body),
    ]);
    Extraction {
        article: Article {
            url: page.url.to_owned(),
            canonical_url: m.canonical.as_deref().and_then(|c| resolve(base, c)).map(String::from),
            site: site_of(page.url),
            site_name: site_name.map(|s| decode::nfc(&s).into_owned()),
            page_type,
            title: fields.title,
            published: published.map(When::to_rfc3339),
            modified: modified.map(When::to_rfc3339),
            authors: fields.authors,
            source: credits.source,
            lead: fields.lead,
            category: m.section.clone().or_else(|| breadcrumb(&doc.els)),
            tags: tags(&doc.els, m),
            images: figures.images,
            language,
            body,
            documents,
            tables: fields.tables,
            attachments,
            encoding: report,
            warnings,
        },
        links,
        feeds: m.feeds.iter().filter_map(|f| resolve(base, f)).collect(),
        page_type: decision,
        metadata: m
            .claims
            .iter()
            .map(|c| meta::Claim {
                value: decode::nfc(&c.value).into_owned(),
                ..c.clone()
            })
            .collect(),
    }
}

static DOCUMENT_START: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<(?:!doctype|html)[\s>]").expect("regex"));
static DOCUMENT_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)</html\s*>").expect("regex"));
static TAG_START: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<[A-Za-z]").expect("regex"));

/// The part of a file that is the HTML document: text before its `<!DOCTYPE>` or `<html>`
/// (a server-side template directive, `<%@ Page … %>`, `@model …`) and after its `</html>`
/// is no part of it, but a parser puts it into the body as a paragraph. Cut only where no
/// element stands in that text; markup outside `<html>` is the parser's to place.
fn document_part(text: &str) -> &str {
    let head = &text[..date::floor_char(text, text.len().min(64 * 1024))];
    let start = DOCUMENT_START
        .find(head)
        .map(|m| m.start())
        .filter(|&s| !TAG_START.is_match(&text[..s]))
        .unwrap_or(0);
    // Only the tail is searched: what follows `</html>` is short when it is anything.
    let tail = date::floor_char(text, text.len().saturating_sub(64 * 1024)).max(start);
    let end = DOCUMENT_END
        .find_iter(&text[tail..])
        .last()
        .map(|m| tail + m.end())
        .filter(|&e| !TAG_START.is_match(&text[e..]))
        .unwrap_or(text.len());
    &text[start..end]
}

/// `<!-- saved from url=(0071)https://… -->`: the mark browsers write into a page they save.
static SAVED_FROM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->").expect("regex"));

/// Where a saved page's own address comes from (see [`stated_address`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatedAddress {
    /// The `saved from url` mark a browser wrote when saving it.
    SavedFrom,
    /// Its `<link rel=canonical>`, else its `og:url`.
    Canonical,
}

impl StatedAddress {
    pub fn describe(self) -> &'static str {
        match self {
            StatedAddress::SavedFrom => "the address its browser saved it from",
            StatedAddress::Canonical => "its canonical link",
        }
    }
}

/// The address a saved page states for itself — the `saved from url` mark, else its
/// canonical link or `og:url` — when it is an absolute http(s) address. A file given
/// without `--url` is judged at it, so what an address tells (the site's profile, a root or
/// a dated address, links resolved against it) is the page's own, not a `file://` path's.
pub fn stated_address(bytes: &[u8]) -> Option<(Url, StatedAddress)> {
    // The marks stand in the head: the first 256 KB hold it.
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256 * 1024)]);
    let web = |u: &str| {
        Url::parse(u.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    };
    if let Some(u) = SAVED_FROM.captures(&head).and_then(|c| web(&c[1])) {
        return Some((u, StatedAddress::SavedFrom));
    }
    // The canonical link and `og:url` belong in the head, and a page is mostly body: the head
    // alone is parsed, the whole page only when its head states no address.
    let canonical = |part: &str| {
        let html = Html::parse_document(document_part(part));
        let m = meta::read(&dom::Elements::of(&html, &CLASSED));
        m.canonical.as_deref().and_then(web)
    };
    let found = match HEAD_END.find(&head) {
        Some(end) => canonical(&head[..end.start()]).or_else(|| canonical(&head)),
        None => canonical(&head),
    };
    found.map(|u| (u, StatedAddress::Canonical))
}

/// Where a page's head ends: its `</head>`, else the `<body>` that starts without one.
static HEAD_END: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)</head\s*>|<body[\s>]").expect("regex"));

static FONT_FACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:font-family\s*:|face\s*=)\s*["']?\s*((?:vni[- ][a-z0-9-]+)|(?:\.vn[a-z0-9]+))"#)
        .expect("regex")
});

/// The legacy encoding a page's font names give away (`VNI-Times`, `.VnTime`), if any.
fn font_hint(html: &str) -> Option<decode::Legacy> {
    // A page without such a name in it (most) is answered by a search for the names'
    // letters, not by the case-blind pattern's walk of every byte.
    static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)vni[- ]|\.vn[a-z0-9]").expect("regex"));
    if !NAME.is_match(html) {
        return None;
    }
    FONT_FACE
        .captures_iter(html)
        .find_map(|c| decode::Legacy::from_font_name(&c[1]))
}

/// The host a URL belongs to, without `www.`.
pub fn site_of(url: &str) -> String {
    Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_start_matches("www.").to_owned()))
        .unwrap_or_default()
}

fn base_url(url: &str, base_href: Option<&str>) -> Option<Url> {
    let page = Url::parse(url).ok()?;
    Some(base_href.and_then(|b| page.join(b).ok()).unwrap_or(page))
}

fn resolve(base: &Option<Url>, href: &str) -> Option<Url> {
    let href = href.trim();
    let mut u = match base {
        Some(b) => b.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    if u.scheme() != "http" && u.scheme() != "https" {
        return None;
    }
    u.set_fragment(None);
    Some(u)
}

fn links(els: &dom::Elements, base: &Option<Url>) -> Vec<Url> {
    // Menus repeat the same hrefs: resolve each distinct one once.
    let mut hrefs = HashSet::new();
    let mut seen = HashSet::new();
    let followed = |a: &ElementRef| a.value().attr("rel").is_none_or(|r| !r.contains("nofollow"));
    els.anchors()
        .chain(els.areas.iter().copied())
        .filter(followed)
        .filter_map(|a| a.value().attr("href"))
        // A frameset's pages, and pages a page shows in an `<iframe>`, are its links too;
        // and the page an `onclick` goes to.
        .chain(els.frames.iter().filter_map(|f| f.value().attr("src")))
        .chain(els.onclick.iter().filter_map(|e| {
            let c = ONCLICK_URL.captures(e.value().attr("onclick")?)?;
            Some(c.get(1)?.as_str())
        }))
        .filter(|h| hrefs.insert(*h))
        .filter_map(|h| resolve(base, h))
        .filter(|u| seen.insert(u.clone()))
        .collect()
}

/// The document links of the article: those in the region around its text's container —
/// the container and up to three of its ancestors, while an ancestor adds no more text than
/// the container holds (plus a box's worth), never `<body>` — where a portal puts its "Tệp
/// đính kèm" box, leaving out those in navigation, headers, footers, and boilerplate or
/// layout boxes (a sidebar's "Văn bản mới"); a document shown in an `<iframe>` is one too.
/// Each URL once, in document order.
fn attachment_links(
    html: &Html,
    els: &dom::Elements,
    container: Option<NodeId>,
    base: &Option<Url>,
) -> Vec<AttachmentLink> {
    let Some(first) = container.and_then(|c| html.tree.get(c)).and_then(ElementRef::wrap) else {
        return Vec::new();
    };
    let chars = |e: ElementRef| e.text().map(|t| t.trim().chars().count()).sum::<usize>();
    let own = chars(first);
    let mut region = first;
    for _ in 0..3 {
        let Some(parent) = region.parent().and_then(ElementRef::wrap) else {
            break;
        };
        if matches!(parent.value().name(), "body" | "html") || chars(parent) > 2 * own + 2000 {
            break;
        }
        region = parent;
    }
    let around = region.id();
    let furniture = |a: &ElementRef| {
        a.ancestors()
            .take_while(|n| n.id() != around)
            .filter_map(ElementRef::wrap)
            .any(|e| {
                matches!(e.value().name(), "nav" | "header" | "footer" | "aside")
                    || dom::is_boilerplate(e.value())
                    || dom::is_layout(e.value())
            })
    };
    let mut seen = HashSet::new();
    // Links to documents, and documents the text shows in a frame (a PDF in an `<iframe>`,
    // directly or through a viewer's `?url=`), in document order (nodes are numbered so).
    let mut sources: Vec<(ElementRef, &str)> = els
        .anchors()
        .map(|a| (a, "href"))
        .chain(els.frames.iter().map(|f| (*f, "src")))
        .filter(|(a, _)| a.ancestors().any(|n| n.id() == around) && !furniture(a))
        .collect();
    sources.sort_by_key(|(e, _)| e.id());
    sources
        .into_iter()
        .filter_map(|(a, attr)| {
            let url = resolve(base, a.value().attr(attr)?)?;
            attachment::document_link(&url)?;
            if !seen.insert(url.clone()) {
                return None;
            }
            let text = normalise_text(&a.text().collect::<String>());
            let text = if text.is_empty() {
                normalise_text(a.value().attr("title").unwrap_or(""))
            } else {
                text
            };
            Some(AttachmentLink {
                url: url.into(),
                text: decode::nfc_owned(text),
            })
        })
        .collect()
}

fn normalise_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Same text, ignoring whitespace and case (compared as it goes: most blocks differ from the
/// title in their first letters).
fn same_text(a: &str, b: &str) -> bool {
    fn folded(s: &str) -> impl Iterator<Item = char> + '_ {
        s.split_whitespace()
            .flat_map(|w| std::iter::once(' ').chain(w.chars().flat_map(char::to_lowercase)))
    }
    folded(a).eq(folded(b))
}

fn words_overlap(a: &str, b: &str) -> f64 {
    let (wa, wb) = (word_set(a), word_set(b));
    if wa.is_empty() || wb.is_empty() {
        return 0.0;
    }
    wa.intersection(&wb).count() as f64 / wa.len().min(wb.len()) as f64
}

/// The headline, and a time found in the title line (`… (13:01 05/11/2019)`).
fn title(
    html: &Html,
    els: &dom::Elements,
    m: &meta::Meta,
    profile: Option<&SiteProfile>,
    base: &Option<Url>,
    shown: Option<(String, NodeId)>,
) -> (Option<String>, Option<When>) {
    let mut title_when = None;
    let mut take_time = |t: String| -> String {
        if let Some(c) = TITLE_TIME.captures(&t) {
            title_when = date::parse_text(&c[1]);
            return t[..c.get(0).expect("match").start()].trim().to_owned();
        }
        t
    };
    if let Some(t) = profile.and_then(|p| p.title(html)) {
        return (Some(take_time(t)), title_when);
    }
    let reference: Vec<&String> = [&m.og_title, &m.ld_headline, &m.title_tag]
        .into_iter()
        .flatten()
        .collect();
    // An `<h1>` that is the site's masthead — its name, or a link to its home page (a blog's
    // `<h1><a href="/">`), or classed as its logo, or the `<title>` that names the site
    // standing above the line that heads the text (`shown`) — matches the `<title>` by the
    // site's part of it; it is no article's title unless the page's own headline
    // (`og:title`, JSON-LD) says so too.
    let masthead = |h: ElementRef| {
        let t = dom::text_of(h);
        let above_headline = shown.as_ref().is_some_and(|(_, at)| h.id() < *at)
            && m.title_tag.as_deref().is_some_and(|tt| same_text(tt, &t));
        let named = above_headline
            || dom::is_logo(h)
            || m.site_name.as_deref().is_some_and(|s| same_text(s, &t))
            || h.select(&ANCHOR_ANY).any(|a| {
                a.value()
                    .attr("href")
                    .and_then(|href| resolve(base, href))
                    .is_some_and(|u| base.as_ref().is_none_or(|b| b.host() == u.host()) && page_type::is_root(&u))
            });
        named
            && ![&m.og_title, &m.ld_headline]
                .into_iter()
                .flatten()
                .any(|r| words_overlap(&t, r) >= 0.6)
    };
    let h1s: Vec<String> = els
        .h1
        .iter()
        .filter(|h| !masthead(**h))
        .map(|h| headline_of(*h, &reference))
        .filter(|t| t.split_whitespace().count() >= 2)
        .collect();
    let matches_reference = |t: &str| reference.iter().any(|r| words_overlap(t, r) >= 0.6);
    let chosen = h1s
        .iter()
        .find(|t| matches_reference(t))
        .cloned()
        .or_else(|| {
            html.select(&TITLE_CLASS)
                .map(dom::text_of)
                .filter(|t| t.split_whitespace().count() >= 3 && t.chars().count() < 300)
                .find(|t| matches_reference(t))
        })
        .or_else(|| m.ld_headline.clone())
        .or_else(|| m.og_title.clone())
        // No heading shows the `<title>`, which names the site or a section: the line that
        // heads the text (see `Doc::title`).
        .or(shown.map(|(t, _)| t))
        .or_else(|| (h1s.len() == 1).then(|| h1s[0].clone()))
        .or_else(|| m.title_tag.clone());
    let chosen = chosen.map(&mut take_time);
    (chosen.filter(|t| !t.is_empty()), title_when)
}

/// An `<h1>`'s headline: its text, or the one part of it the page's own title names more
/// nearly than the whole — a kicker (`<span class=roofline>Tunesien</span> Große Aufgaben …`),
/// a subtitle (`… <small>Welcome to …</small>`), a line for screen readers (`Headline:`), a
/// date above the headline (`<span>27.01.2022</span>MineralölINFO …`) are parts of the
/// element, not of the headline.
fn headline_of(h1: ElementRef, reference: &[&String]) -> String {
    let whole = dom::text_of(h1);
    // Through the wrappers that hold all of it.
    let mut el = h1;
    loop {
        let mut with_text = el.children().filter(|c| match c.value() {
            Node::Text(t) => !t.trim().is_empty(),
            Node::Element(_) => ElementRef::wrap(*c).is_some_and(|e| !dom::text_of(e).is_empty()),
            _ => false,
        });
        match (with_text.next(), with_text.next()) {
            (Some(only), None) if only.value().is_element() => el = ElementRef::wrap(only).expect("an element"),
            _ => break,
        }
    }
    let mut parts: Vec<String> = Vec::new();
    let mut loose = String::new();
    for c in el.children() {
        match c.value() {
            Node::Text(t) => loose.push_str(t),
            Node::Element(e) if e.name() == "br" => {}
            Node::Element(_) => {
                let t = ElementRef::wrap(c).map(dom::text_of).unwrap_or_default();
                if !t.is_empty() {
                    parts.push(std::mem::take(&mut loose));
                    parts.push(t);
                }
            }
            _ => {}
        }
    }
    parts.push(loose);
    parts.retain(|p| !p.trim().is_empty());
    if parts.len() < 2 {
        return whole;
    }
    let nearness = |t: &str| reference.iter().map(|r| words_alike(t, r)).fold(0.0, f64::max);
    let best = parts
        .iter()
        .map(|p| (nearness(p), p))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(n, p)| *n > nearness(&whole) && p.split_whitespace().count() >= 2);
    match best {
        Some((_, p)) => p.split_whitespace().collect::<Vec<_>>().join(" "),
        None => whole,
    }
}

/// The share of the two texts' words (lower-cased) that both hold.
fn words_alike(a: &str, b: &str) -> f64 {
    let (wa, wb) = (word_set(a), word_set(b));
    let union = wa.union(&wb).count();
    if union == 0 {
        return 0.0;
    }
    wa.intersection(&wb).count() as f64 / union as f64
}

/// A text's words, lower-cased.
fn word_set(text: &str) -> HashSet<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

/// Remove ` | Báo Chính phủ`, ` - VnExpress` and the like.
fn strip_site_suffix(title: &str, site_name: Option<&str>, url: &str) -> String {
    let site = site_of(url);
    let site_word = site.split('.').next().unwrap_or("").to_lowercase().replace('-', "");
    let mut t = title.trim().to_owned();
    // Tail by tail (`Headline | Site | Slogan`), while one names the site.
    loop {
        let before = t.len();
        for sep in [" | ", " - ", " – ", " — ", " :: ", " » "] {
            if let Some(pos) = t.rfind(sep) {
                let (head, tail) = (&t[..pos], &t[pos + sep.len()..]);
                let tail_l = tail.trim().to_lowercase();
                let tail_folded = decode::fold(&tail_l).replace([' ', '-'], "");
                // The site's own name: the headline before it may be a word (`Ischgl | Site`).
                let names_site = !site_word.is_empty() && tail_folded.contains(&site_word);
                let named =
                    site_name.is_some_and(|s| s.trim().to_lowercase() == tail_l) || (site_word.len() > 2 && names_site);
                let is_site = names_site
                    || tail_l.contains(".vn")
                    || tail_l.contains(".com")
                    || tail_l.starts_with("báo ")
                    || tail_l.starts_with("cổng thông tin")
                    || tail_l.starts_with("trang thông tin")
                    || (sep == " | " && tail.split_whitespace().count() <= 4);
                let head_words = head.split_whitespace().count();
                if (named && head_words >= 1) || (is_site && head_words >= 3) {
                    t = head.trim().to_owned();
                }
            }
        }
        if t.len() == before {
            break t;
        }
    }
}

/// The element schema.org microdata marks as the article's text (`itemprop=articleBody`),
/// when it holds real prose: the page's own statement beats any score. Where each paragraph
/// carries the mark, the text is all of them: their parent.
fn microdata_body(html: &Html, els: &dom::Elements, blocks: &[Block]) -> Option<NodeId> {
    let prose = |id: NodeId| -> usize {
        let inside = dom::Subtrees::of(html, [id]);
        blocks
            .iter()
            .filter(|b| inside.holds(b))
            .filter(|b| !matches!(b.kind, BlockKind::Heading(_)))
            .map(|b| b.chars())
            .sum()
    };
    let marked: Vec<NodeId> = els.article_body.iter().map(|e| e.id()).collect();
    let parent = |id: NodeId| html.tree.get(id).and_then(|n| n.parent()).map(|p| p.id());
    if let [first, rest @ ..] = &marked[..]
        && !rest.is_empty()
        && let Some(common) = parent(*first)
        && rest.iter().all(|&id| parent(id) == Some(common))
        && prose(common) >= 150
    {
        return Some(common);
    }
    marked.into_iter().find(|&id| prose(id) >= 150)
}

/// The element holding most of the page's prose (readability-style scoring), plus those of
/// its siblings that hold the same kind of prose (text split by an ad or an image box into
/// several containers).
fn containers(html: &Html, blocks: &[Block]) -> Vec<NodeId> {
    let (scores, order) = container_scores(html, blocks);
    let Some(top) = pick_best(&scores, order) else {
        return lone_marked_article(html).into_iter().collect();
    };
    // Less prose than a paragraph's (a copyright line under a photo post's short lines):
    // the article the page marks around it, if it marks one.
    if scores[&top] < SHORT_PROSE
        && let Some(article) = lone_marked_article(html)
        && html
            .tree
            .get(top)
            .is_some_and(|t| t.ancestors().any(|a| a.id() == article))
    {
        return vec![article];
    }
    let top = enclosing_article(html, blocks, top);
    if let Some(posts) = thread_of_posts(html, blocks, top) {
        return posts;
    }
    let top_score = scores.get(&top).copied().unwrap_or(0.0);
    let mut out = vec![top];
    let Some(parent) = html.tree.get(top).and_then(|n| n.parent()) else {
        return out;
    };
    // Blocks by their element, built when a sibling paragraph first asks.
    let by_owner = std::cell::OnceCell::new();
    let by_owner = || {
        by_owner.get_or_init(|| {
            let mut m: HashMap<NodeId, &Block> = HashMap::new();
            for b in blocks {
                m.entry(b.owner).or_insert(b);
            }
            m
        })
    };
    for sib in parent.children() {
        if sib.id() == top || !sib.value().is_element() {
            continue;
        }
        let s = scores.get(&sib.id()).copied().unwrap_or(0.0);
        if s >= (top_score * 0.2).max(60.0) || is_prose_paragraph(sib, by_owner) {
            out.push(sib.id());
        }
    }
    out
}

/// The texts of a thread when the best container is one post of it: a forum's posts, a live
/// blog's entries. The container stands (within [`THREAD_DEPTH`] levels) inside one of a
/// series of like items — siblings of one tag and first class — and every other item holds
/// prose at the same place (the same tags and first classes down from the item), and every
/// item shows a date beside its text, as posts and entries do and a layout's boxes do not. A
/// series whose items carry their own headline (`<h1>`, `<h2>`: whole articles one after the
/// other, related stories) ends the search; a series that is not a thread (a post's cell
/// beside its author's) is passed for the next level up. The posts come in document order.
fn thread_of_posts(html: &Html, blocks: &[Block], top: NodeId) -> Option<Vec<NodeId>> {
    type Sig<'e> = (&'e str, Option<&'e str>);
    fn sig(n: ego_tree::NodeRef<'_, scraper::Node>) -> Option<Sig<'_>> {
        // The first class as written (`message message--post`: a post), not the set's.
        n.value()
            .as_element()
            .map(|e| (e.name(), e.attr("class").and_then(|c| c.split_whitespace().next())))
    }
    let headed = |n: ego_tree::NodeRef<scraper::Node>| {
        n.descendants()
            .any(|d| d.value().as_element().is_some_and(|e| matches!(e.name(), "h1" | "h2")))
    };
    // Blocks by the element that holds them, gathered when a series is first found (most
    // pages have none).
    let owned = std::cell::OnceCell::new();
    let owned = || {
        owned.get_or_init(|| {
            let mut m: HashMap<NodeId, Vec<&Block>> = HashMap::new();
            for b in blocks {
                m.entry(b.owner).or_default().push(b);
            }
            m
        })
    };
    // Prose characters under an element.
    let prose_in = |n: ego_tree::NodeRef<scraper::Node>| {
        n.descendants()
            .filter_map(|d| owned().get(&d.id()))
            .flatten()
            .filter(|b| !matches!(b.kind, BlockKind::Heading(_)) && scores_as_prose(b))
            .map(|b| b.chars())
            .sum::<usize>()
    };
    // Does the item carry a date beside its post (a `<time>`, a short line with a date), as
    // a forum's posts and a live blog's entries do and a layout's boxes do not?
    let dated = |item: ego_tree::NodeRef<scraper::Node>, post: NodeId| {
        let in_post = |d: &ego_tree::NodeRef<scraper::Node>| {
            std::iter::once(*d)
                .chain(d.ancestors().take_while(|a| a.id() != item.id()))
                .any(|a| a.id() == post)
        };
        item.descendants().filter(|d| !in_post(d)).any(|d| {
            d.value().as_element().is_some_and(|e| e.name() == "time")
                || owned().get(&d.id()).is_some_and(|bs| {
                    bs.iter()
                        .any(|b| b.chars() <= 120 && date::parse_text(&b.text).is_some())
                })
        })
    };
    let mut item = html.tree.get(top)?;
    // The steps from the item down to the container, innermost last.
    let mut steps: Vec<(Sig, usize)> = Vec::new();
    for _ in 0..THREAD_DEPTH {
        let here = sig(item)?;
        if matches!(here.0, "body" | "html") {
            return None;
        }
        let parent = item.parent()?;
        let like: Vec<_> = parent
            .children()
            .filter(|s| s.id() != item.id() && here.1.is_some() && sig(*s) == Some(here))
            .collect();
        if !like.is_empty() {
            if headed(item) || like.iter().any(|s| headed(*s)) {
                return None;
            }
            let posts: Vec<NodeId> = like
                .iter()
                .filter_map(|s| {
                    let post = steps.iter().rev().try_fold(*s, |n, &(step, nth)| {
                        n.children().filter(|c| sig(*c) == Some(step)).nth(nth)
                    })?;
                    (prose_in(post) >= THREAD_POST_CHARS && dated(*s, post.id())).then_some(post.id())
                })
                .collect();
            if posts.len() >= 2 && posts.len() == like.len() && dated(item, top) {
                let mut all: Vec<NodeId> = posts;
                all.push(top);
                // Nodes are numbered as the parser made them: in document order.
                all.sort();
                return Some(all);
            }
        }
        // Which of its parent's children of its kind it is (`message-cell` twice: the
        // author's, then the post's).
        let nth = parent
            .children()
            .filter(|c| sig(*c) == Some(here))
            .position(|c| c.id() == item.id())
            .unwrap_or(0);
        steps.push((here, nth));
        item = parent;
    }
    None
}

/// How far above the best container a thread's item may stand (see [`thread_of_posts`]).
const THREAD_DEPTH: usize = 10;
/// The prose another item must hold, at the container's place, to count as a post.
const THREAD_POST_CHARS: usize = 40;

/// The element that holds the whole article when the best-scored container holds only part
/// of it (an article split into sections, each scored on its own): from the best container,
/// step up to the nearest ancestor that adds text while what it adds is mostly prose, not
/// navigation, as long as each step adds a real share of prose. One level that adds too
/// little (a small box beside the text: a sidebar slot of a page builder's grid) may be
/// passed over when the next adds a real share beyond it — unless that level marks an
/// article (see [`marks_an_article`]): the article's own element is where the text ends.
fn enclosing_article(html: &Html, blocks: &[Block], top: NodeId) -> NodeId {
    let Some(top_node) = html.tree.get(top) else {
        return top;
    };
    // The container and its ancestors, innermost first; a block counts at the innermost of
    // them that holds it. Each element's answer is remembered, so the walks up stay linear
    // in the page however deep it nests.
    let chain: Vec<NodeId> = std::iter::once(top)
        .chain(top_node.ancestors().map(|a| a.id()))
        .collect();
    let mut level: HashMap<NodeId, usize> = chain.iter().enumerate().map(|(i, &id)| (id, i)).collect();
    // Prose (as the scores weigh it) and noise (link lists, interface lines) at each level.
    let (mut prose, mut noise) = (vec![0.0; chain.len()], vec![0.0; chain.len()]);
    let mut path = Vec::new();
    for b in blocks {
        if matches!(b.kind, BlockKind::Heading(_)) {
            continue;
        }
        path.clear();
        let mut node = html.tree.get(b.owner);
        let at = loop {
            match node {
                None => break None,
                Some(n) => match level.get(&n.id()) {
                    Some(&i) => break Some(i),
                    None => {
                        path.push(n.id());
                        node = n.parent();
                    }
                },
            }
        };
        let Some(at) = at else { continue };
        level.extend(path.iter().map(|&id| (id, at)));
        if !scores_as_prose(b) {
            noise[at] += b.chars() as f64;
        } else {
            prose[at] += prose_score(b);
        }
    }
    // Over each level's whole subtree.
    for i in 1..chain.len() {
        prose[i] += prose[i - 1];
        noise[i] += noise[i - 1];
    }
    let mut cur = 0;
    // The one level that added too little, passed over for the next (see below).
    let mut passed: Option<usize> = None;
    for (i, a) in top_node.ancestors().enumerate().map(|(i, a)| (i + 1, a)) {
        if a.value()
            .as_element()
            .is_none_or(|e| matches!(e.name(), "body" | "html"))
        {
            break;
        }
        let (gain, added_noise) = (prose[i] - prose[cur], noise[i] - noise[cur]);
        if gain <= 0.0 && added_noise <= 0.0 {
            // A wrapper: the same text.
            continue;
        }
        // What this level adds beyond the one passed over, if any: a step past a small
        // box must itself add a real share (the text on the far side of a sidebar slot),
        // not merely sum up small additions.
        let own = prose[i] - passed.map_or(prose[cur], |p| prose[p]);
        let share = ENCLOSING_GAIN * prose[cur];
        if gain >= share && own >= share && added_noise <= ENCLOSING_NOISE * gain {
            cur = i;
            passed = None;
        } else if marks_an_article(a.value().as_element()) {
            // The element that holds the article is never passed over.
            break;
        } else if prose[i] == prose[i - 1] && noise[i] == noise[i - 1] {
            // A wrapper of the level below.
            continue;
        } else if passed.is_some() {
            // Only one box is passed over.
            break;
        } else {
            passed = Some(i);
        }
    }
    chain[cur]
}

/// A container's score ([`prose_score`]) below a paragraph's: two short sentences.
const SHORT_PROSE: f64 = 150.0;

/// Where no block scores as prose (a photo post of short lines: `Kameras`, `Walter:
/// PENTAX Z-1 p.`), the element the page marks as its one article ([`marks_an_article`]),
/// when it is the only one outside another and holds the page's `<h1>`: its short lines are
/// the text. A listing marks many, or none around its headline.
fn lone_marked_article(html: &Html) -> Option<NodeId> {
    // The outermost marked elements: a walk that does not go into one (linear in the page,
    // however deep marked elements nest in each other).
    let mut outer = Vec::new();
    let mut stack = vec![html.tree.root()];
    while let Some(n) = stack.pop() {
        if marks_an_article(n.value().as_element()) {
            outer.push(n);
            if outer.len() > 1 {
                return None;
            }
        } else {
            stack.extend(n.children());
        }
    }
    let only = outer.pop()?;
    only.descendants()
        .any(|d| d.value().as_element().is_some_and(|e| e.name() == "h1"))
        .then_some(only.id())
}

/// Does the element say it holds one article: `<article>`, a microformats `hentry`, a
/// schema.org article type?
fn marks_an_article(e: Option<&scraper::node::Element>) -> bool {
    e.is_some_and(|e| {
        e.name() == "article"
            || e.has_class("hentry", scraper::CaseSensitivity::AsciiCaseInsensitive)
            || e.attr("itemtype")
                .is_some_and(|t| t.ends_with("Article") || t.ends_with("BlogPosting"))
    })
}

/// How much more prose (a share of what the container holds) a step up must add.
const ENCLOSING_GAIN: f64 = 0.2;
/// How much navigation per unit of added prose a step up may bring.
const ENCLOSING_NOISE: f64 = 0.25;

/// How much a teaser's summary weighs as prose, against a paragraph of the same size.
const TEASER_WEIGHT: f64 = 0.2;
/// The most text a teaser's item holds.
const TEASER_ITEM_CHARS: usize = 400;

/// Is the block another story's summary: in a small item (its parent or grandparent holds
/// [`TEASER_ITEM_CHARS`] at most) that also holds, before it and outside it, a link of four
/// words or more — the story's headline (`<div class="item"><h3><a>…</a></h3><p>…</p></div>`)?
/// A sidebar of ten such items outweighed a short article beside it.
fn teaser_summary(html: &Html, b: &Block, small: &mut HashMap<NodeId, bool>) -> bool {
    if b.chars() > TEASER_ITEM_CHARS {
        return false;
    }
    let Some(owner) = html.tree.get(b.owner) else {
        return false;
    };
    for item in owner.ancestors().take(2) {
        let Some(item) = ElementRef::wrap(item) else {
            return false;
        };
        if !*small
            .entry(item.id())
            .or_insert_with(|| dom::short_text_of(item, TEASER_ITEM_CHARS).is_some())
        {
            return false;
        }
        let headline_before = item.select(&ANCHOR_ANY).any(|a| {
            a.id() < b.owner
                && !a.ancestors().any(|x| x.id() == b.owner)
                && a.text().flat_map(str::split_whitespace).nth(3).is_some()
        });
        if headline_before {
            return true;
        }
    }
    false
}

/// A block's weight as prose: its unlinked characters, and a bonus for sentence punctuation.
/// Is the block long enough and free enough of links to count as prose where containers are
/// weighed (shorter lines and link lists are navigation, interface, noise)?
fn scores_as_prose(b: &Block) -> bool {
    b.chars() >= 25 && b.link_density() <= 0.5
}

fn prose_score(b: &Block) -> f64 {
    b.chars() as f64 * (1.0 - b.link_density()) + 20.0 * b.text.matches([',', '.']).count().min(10) as f64
}

/// A sibling `<p>` of the main container that reads as a sentence of the article (the intro
/// line before a list-shaped story), as Readability judges them: longer than 80 characters
/// with few links, or a short linkless sentence.
fn is_prose_paragraph<'b>(
    node: ego_tree::NodeRef<scraper::Node>,
    by_owner: impl Fn() -> &'b HashMap<NodeId, &'b Block>,
) -> bool {
    if node.value().as_element().map(|e| e.name()) != Some("p") {
        return false;
    }
    let Some(b) = by_owner().get(&node.id()) else {
        return false;
    };
    let n = b.chars();
    let text = b.text.trim_end();
    (n > 80 && b.link_density() < 0.25) || (n >= 25 && b.link_chars == 0 && text.ends_with(['.', '!', '?', '…', ':']))
}

fn pick_best(scores: &HashMap<NodeId, f64>, order: Vec<NodeId>) -> Option<NodeId> {
    // Prefer the outer element on ties (it holds the same text and more).
    order
        .into_iter()
        .fold(None, |best: Option<(NodeId, f64)>, id| {
            let s = scores[&id];
            match best {
                Some((_, bs)) if bs >= s => best,
                _ => Some((id, s)),
            }
        })
        .map(|(id, _)| id)
}

fn container_scores(html: &Html, blocks: &[Block]) -> (HashMap<NodeId, f64>, Vec<NodeId>) {
    let mut scores: HashMap<NodeId, f64> = HashMap::new();
    let mut order: Vec<NodeId> = Vec::new();
    let mut add = |id: NodeId, s: f64, scores: &mut HashMap<NodeId, f64>| {
        let e = scores.entry(id).or_insert_with(|| {
            order.push(id);
            0.0
        });
        *e += s;
    };
    // Whether an element is a small item (see `teaser_summary`), asked once per element:
    // the paragraphs of one text share their parent.
    let mut small: HashMap<NodeId, bool> = HashMap::new();
    for b in blocks {
        if matches!(b.kind, BlockKind::Heading(_)) {
            continue;
        }
        if !scores_as_prose(b) {
            continue;
        }
        // A picture's caption says less about where the article is than a paragraph does
        // (a photo story, all captions, is still found: nothing else outweighs them).
        let caption = html.tree.get(b.owner).is_some_and(|n| {
            std::iter::once(n).chain(n.ancestors()).take(4).any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "figcaption" | "figure"))
            })
        });
        let weight = if caption {
            0.5
        } else if teaser_summary(html, b, &mut small) {
            TEASER_WEIGHT
        } else {
            1.0
        };
        let s = prose_score(b) * weight;
        add(b.owner, s, &mut scores);
        for (i, a) in b.ancestors(html).take(3).enumerate() {
            add(a, s * [1.0, 0.5, 0.25][i], &mut scores);
        }
    }
    (scores, order)
}

fn lead_element<'a>(candidates: &[ElementRef<'a>]) -> Option<ElementRef<'a>> {
    candidates.iter().copied().find(|el| {
        if el
            .ancestors()
            .any(|a| a.value().as_element().is_some_and(dom::is_boilerplate))
            || matches!(el.value().name(), "meta" | "a" | "img" | "ul" | "ol" | "figcaption")
            // A picture's caption (`…-desc`) is no sapo.
            || el.ancestors().any(|a| a.value().as_element().is_some_and(|e| e.name() == "figure"))
        {
            return false;
        }
        let t = dom::text_of(*el);
        let n = t.chars().count();
        (30..1500).contains(&n)
            // Nor is a line of metadata (`VON … am 21. April 2020` in a `teaser__metadata`),
            // or a picture's caption with its credit (`… © WSNA`), as in the body.
            && !is_date_line(&t)
            && !(t.contains('©') && n < 200)
    })
}

/// A short line that is only a date (the date line under a headline).
fn is_date_line(t: &str) -> bool {
    if t.chars().count() > 70 {
        return false;
    }
    t.chars().filter(|c| c.is_alphabetic()).count() < 25 && date::parse_text(t).is_some()
}

/// The publication time: the profile's date element, else the first of metadata, the
/// title, a visible date and the URL (a date alone completed by a time of the same day from
/// another of them). Never after the fetch, never before 1991.
fn published(
    doc: &Doc,
    date_els: &[ElementRef],
    title_when: Option<When>,
    container: &[&Block],
    warnings: &mut Vec<String>,
) -> Option<Published> {
    let (els, m, blocks, now) = (&doc.els, &doc.m, &doc.blocks[..], doc.now);
    let ok = |w: &When| !w.is_after(now) && w.date().format("%Y").to_string().as_str() > "1990";
    if let Some(w) = doc
        .profile
        .and_then(|p| p.date(doc.html))
        .and_then(|t| date::parse_text(&t))
        .filter(ok)
    {
        return Some(Published {
            when: w,
            local: None,
            relative: false,
        });
    }
    let from_meta = m.published.iter().filter_map(|d| date::parse_text(d)).find(ok);
    let from_url = date::from_url(doc.url).filter(ok);
    // The boxes beside the text are read for a date only when nothing else gives one.
    let boxes = (from_meta.is_none() && title_when.is_none() && from_url.is_none()).then_some(doc.html);
    let shown = visible_dates(els, date_els, blocks, container, now, boxes);
    let visible = shown.first().map(|&(w, _)| w).filter(ok);
    // The time a page shows its readers is the one researchers cite: when metadata gives
    // a time minutes away from it (a CMS stamps the record when saved, the line when
    // published), the visible one is taken.
    let from_meta = match from_meta {
        Some(When::DateTime(m)) => match shown.iter().find(|(w, reading)| {
            *reading == Reading::Written
                && matches!(w, When::DateTime(v) if (m - *v).num_minutes() != 0 && (m - *v).num_minutes().abs() <= 30)
        }) {
            Some(&(shown, _)) => {
                warnings.push(format!(
                    "published: the page shows {}, its metadata says {}",
                    shown.to_rfc3339(),
                    When::DateTime(m).to_rfc3339()
                ));
                Some(shown)
            }
            None => from_meta,
        },
        _ => from_meta,
    };
    let candidates = [from_meta, title_when.filter(ok), visible, from_url];
    // The first source that has a time wins; a date alone is completed by a time of the
    // same day from another source.
    let first = candidates.iter().flatten().next().copied()?;
    let with_time = candidates
        .iter()
        .flatten()
        .find(|w| w.has_time() && w.date() == first.date())
        .copied();
    let chosen = if first.has_time() {
        first
    } else {
        with_time.unwrap_or(first)
    };
    // A time stated in UTC: the page's other readings of it may say the publisher's clock.
    let local = match chosen {
        When::DateTime(t) => {
            let readings: Vec<When> = shown
                .iter()
                .filter(|(_, r)| *r != Reading::Relative)
                .map(|&(w, _)| w)
                .chain(
                    m.published
                        .iter()
                        .chain(&m.modified)
                        .filter_map(|d| date::parse_text(d)),
                )
                .collect();
            date::local_offset(t, &readings)
        }
        When::Date(_) => None,
    };
    Some(Published {
        when: chosen,
        local,
        relative: shown.iter().any(|&(w, r)| r == Reading::Relative && w == chosen),
    })
}

/// The publication time a page gives, with what places it: for a time stated in UTC, the
/// publisher's offset when the page shows it (`date::local_offset`); whether it was counted
/// back from the fetch (`2 hours ago`: an instant, whatever the page's language).
pub(super) struct Published {
    pub when: When,
    pub local: Option<FixedOffset>,
    pub relative: bool,
}

/// A date its label calls the publication's (`Datum: 03.11.2021`, or the label in a block of
/// its own and the date in the next), wherever the page puts it.
fn labelled_date(blocks: &[Block]) -> Option<When> {
    labelled_dates(blocks).next()
}

/// Every date a label calls the publication's (see [`labelled_date`]), in document order.
fn labelled_dates(blocks: &[Block]) -> impl Iterator<Item = When> + '_ {
    blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| b.chars() <= 80)
        .filter_map(|(i, b)| {
            let rest = date::after_published_label(&b.text)?;
            if rest.trim().is_empty() {
                blocks
                    .get(i + 1)
                    .filter(|n| n.chars() <= 80)
                    .and_then(|n| date::parse_text(&n.text))
            } else {
                date::parse_text(rest)
            }
        })
}

/// The one date a label calls the publication's in a box the walk leaves out (a sidebar's
/// `NEWS INFO`: `Datum` / `31.01.2022`): none when the boxes label two different dates (a
/// list of events, each `Datum: …`).
fn labelled_date_in_boxes(html: &Html) -> Option<When> {
    let all = dom::blocks_keeping_boxes(html);
    let mut dates = labelled_dates(&all);
    let first = dates.next()?;
    dates.all(|d| d == first).then_some(first)
}

/// The date of a line among the last two of the text that is a date (not an update's), or
/// a byline and a date.
fn closing_date(container: &[&Block]) -> Option<When> {
    container
        .iter()
        .rev()
        .take(2)
        .map(|b| b.text.trim())
        .filter(|t| t.chars().count() <= 80 && !date::is_update_line(t))
        .find_map(|t| {
            if is_date_line(t) {
                return date::parse_text(t);
            }
            // The byline ends at the first separator after which a date line stands.
            t.match_indices([',', '-', '–', '|']).find_map(|(i, sep)| {
                let (who, when) = (&t[..i], &t[i + sep.len()..]);
                (is_date_line(when) && byline::parse(who).is_some_and(|b| !b.authors.is_empty()))
                    .then(|| date::parse_text(when))
                    .flatten()
            })
        })
}

/// The dates shown on the page, most telling first: `<time datetime>` elements, date-classed
/// elements (not in a box of related news or comments; a share bar often holds the date
/// line), and date lines just before the article text; each with whether a reader sees it
/// written (`<time datetime>` is machine-readable, its text may say anything). `boxes`: the
/// document, when a labelled date in a box the walk left out may be read (no other source
/// dates the page).
fn visible_dates(
    els: &dom::Elements,
    date_els: &[ElementRef],
    blocks: &[Block],
    container: &[&Block],
    now: DateTime<FixedOffset>,
    boxes: Option<&Html>,
) -> Vec<(When, Reading)> {
    let mut out: Vec<(When, Reading)> = els
        .time
        .iter()
        .filter_map(|t| t.value().attr("datetime").and_then(date::parse_text))
        .map(|w| (w, Reading::Machine))
        .collect();
    let mut updates = Vec::new();
    for el in outside_boxes(date_els) {
        if let Some(t) = dom::short_text_of(*el, 120) {
            // An update's date says when the page was last changed: the publication time
            // only when the page shows no other.
            let line = date::line_dates(&t);
            if line.published.is_some() || line.updated.is_some() {
                out.extend(line.published.map(|w| (w, Reading::Written)));
                updates.extend(line.updated.map(|w| (w, Reading::Update)));
                continue;
            }
            // `Hôm nay, 10:30` is a clock reading on a day named from the fetch; `2 giờ
            // trước` an instant counted back from it.
            let reading = if date::is_clock_on_named_day(&t) {
                Reading::Written
            } else {
                Reading::Relative
            };
            let when = date::parse_relative(&t, now).map(|w| (w, reading));
            if date::is_update_line(&t) {
                updates.extend(when);
            } else {
                out.extend(when);
            }
        }
    }
    // A date line just before the article text (within a few blocks of it); an update there,
    // as one in a date-classed element, only when the page shows no other date.
    let (mut published, mut updated) = (None, None);
    for b in near_text(blocks, container).filter(|b| b.chars() <= 120) {
        // Once the publication is found, only a line naming an update has more to say.
        if published.is_some() && (updated.is_some() || !date::mentions_update(&b.text)) {
            continue;
        }
        let line = date::line_dates(&b.text);
        published = published.or(line.published);
        updated = updated.or(line.updated);
    }
    out.extend(published.map(|w| (w, Reading::Written)));
    updates.extend(updated.map(|w| (w, Reading::Update)));
    // A date its label calls the publication's, looked for only when the page shows no other
    // (it would come after them).
    if out.is_empty() {
        out.extend(labelled_date(blocks).map(|w| (w, Reading::Written)));
    }
    // A date line closing the text — `15/02/2024`, `Hà Nội, ngày 15/02/2024`, or after the
    // byline: `Minh Châu - 15/02/2024` — where the page shows no other date.
    if out.is_empty() {
        out.extend(closing_date(container).map(|w| (w, Reading::Written)));
    }
    // A date opening the text (`01.02.2022 „Der Arbeitsmarkt …`: a press release's, a
    // sports report's), where the page shows no other: in its first two paragraphs.
    if out.is_empty() {
        out.extend(
            container
                .iter()
                .filter(|b| !matches!(b.kind, BlockKind::Heading(_)))
                .take(2)
                .find_map(|b| date::opening_date(&b.text))
                .map(|w| (w, Reading::Written)),
        );
    }
    // Last, a labelled date in a box beside the text (a sidebar's facts about the article),
    // which the walk left out.
    if out.is_empty()
        && updates.is_empty()
        && let Some(html) = boxes
    {
        out.extend(labelled_date_in_boxes(html).map(|w| (w, Reading::Written)));
    }
    out.extend(updates);
    out
}

/// The date-classed elements outside boxes of related news or comments (a share bar, a
/// widget, often holds the date line).
fn outside_boxes<'e, 'a>(date_els: &'e [ElementRef<'a>]) -> impl Iterator<Item = &'e ElementRef<'a>> {
    date_els.iter().filter(|el| {
        !el.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| dom::is_boilerplate(e) && !dom::is_widget(e))
        })
    })
}

/// The blocks around the start of the article text, where its date line stands: eight
/// before its first paragraph to two after.
fn near_text<'b>(blocks: &'b [Block], container: &[&Block]) -> impl Iterator<Item = &'b Block> {
    let first_body = container.first().map(|b| b.owner);
    let idx = first_body
        .and_then(|o| blocks.iter().position(|b| b.owner == o))
        .unwrap_or(0);
    blocks[idx.saturating_sub(8)..(idx + 3).min(blocks.len())].iter()
}

/// When the page shows its readers it was updated (`Cập nhật: 12/05/2023 08:15`,
/// `Updated …`): an update line in a date-classed element or just before the text.
fn visible_update(date_els: &[ElementRef], blocks: &[Block], container: &[&Block]) -> Option<When> {
    outside_boxes(date_els)
        .filter_map(|el| dom::short_text_of(*el, 120))
        .chain(
            near_text(blocks, container)
                .filter(|b| b.chars() <= 120)
                .map(|b| b.text.clone()),
        )
        .filter(|t| date::mentions_update(t))
        .find_map(|t| date::line_dates(&t).updated)
}

/// How a date shown on the page reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    /// For machines (`<time datetime>`): its text may say anything.
    Machine,
    /// Written for readers.
    Written,
    /// Written for readers as the time of the last update (`Cập nhật: …`): the publication
    /// time only when the page shows no other, and never a correction of the metadata's.
    Update,
    /// Written relative to now (`2 giờ trước`, `3 hours ago`), counted back from the fetch:
    /// an instant, not a clock reading that needs an offset.
    Relative,
}

fn tags(els: &dom::Elements, m: &meta::Meta) -> Vec<String> {
    let mut out: Vec<String> = m.keywords.clone();
    for a in &els.tag_links {
        let t = dom::text_of(*a);
        let t = t.trim_start_matches('#').trim().to_owned();
        if !t.is_empty() && t.chars().count() <= 60 && !out.iter().any(|o| o.eq_ignore_ascii_case(&t)) {
            out.push(t);
        }
    }
    out.into_iter().map(decode::nfc_owned).collect()
}

fn breadcrumb(els: &dom::Elements) -> Option<String> {
    let items: Vec<String> = els
        .breadcrumb
        .iter()
        .map(|e| dom::text_of(*e))
        .filter(|t| !t.is_empty() && t.chars().count() < 60)
        .collect();
    items
        .into_iter()
        .rfind(|t| !matches!(t.to_lowercase().as_str(), "trang chủ" | "home"))
}

/// `vi` when the text is written with Vietnamese letters, else what the page declares, else
/// `en` for plain Latin text.
fn language(m: &meta::Meta, paras: &[String]) -> Option<String> {
    let sample = language_sample(paras);
    let (letters, vi) = vietnamese_letters(&sample);
    if letters >= 50 && vi * 100 >= letters * 2 {
        return Some("vi".into());
    }
    if let Some(l) = &m.lang {
        return Some(l.split(['-', '_']).next().unwrap_or(l).to_owned());
    }
    // Unlabelled text in plain ASCII letters (curly quotes, dashes and currency signs aside;
    // a name's accent or two) is English only when it reads so: its commonest words make up
    // a good share of it (German or Dutch is ASCII often enough).
    let words: Vec<&str> = sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let english = words
        .iter()
        .filter(|w| ENGLISH_COMMON.contains(&w.to_ascii_lowercase().as_str()))
        .count();
    let foreign_letters = sample.chars().filter(|c| c.is_alphabetic() && !c.is_ascii()).count();
    (letters >= 50 && foreign_letters * 100 <= letters && english * 10 >= words.len()).then(|| "en".into())
}

/// The text [`language`] reads: the first five paragraphs.
fn language_sample(paras: &[String]) -> String {
    paras.iter().take(5).map(String::as_str).collect::<Vec<_>>().join(" ")
}

/// Letters of `sample`, and those only Vietnamese writes (`ă đ ơ ư`, a vowel with a tone
/// mark of the Latin Extended Additional block).
fn vietnamese_letters(sample: &str) -> (usize, usize) {
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    let vi = sample
        .chars()
        .filter(|c| {
            matches!(
                *c,
                'ă' | 'đ' | 'ơ' | 'ư' | 'Ă' | 'Đ' | 'Ơ' | 'Ư' | '\u{1EA0}'..='\u{1EF9}'
            )
        })
        .count();
    (letters, vi)
}

/// Are the page's clock readings that state no offset Vietnam's? On a host under `.vn`
/// (one time zone), whatever the language; else when the page is Vietnamese, or of no
/// language known unless its text plainly is not Vietnamese (200 letters or more, hardly
/// any of them Vietnamese's own: an unlabelled German or French page).
fn clock_is_vietnams(url: &str, language: Option<&str>, paras: &[String]) -> bool {
    let on_vn_host = Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_end_matches('.').to_ascii_lowercase()))
        .is_some_and(|h| h.ends_with(".vn"));
    if on_vn_host {
        return true;
    }
    match language {
        Some(l) => l == "vi",
        None => {
            let (letters, vi) = vietnamese_letters(&language_sample(paras));
            letters < 200 || vi * 200 >= letters
        }
    }
}

/// The commonest English words, a tenth of any English text.
const ENGLISH_COMMON: &[&str] = &[
    "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "was", "on", "with", "as", "be", "by", "at", "are",
    "this", "from", "have", "has", "an", "not", "or", "which", "were", "they", "their", "said",
];

#[cfg(test)]
mod tests;
