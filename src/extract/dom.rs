//! The page as blocks of text: one walk over the DOM that drops what is never content
//! (scripts, forms, navigation, boilerplate-classed boxes) and yields paragraphs with the
//! facts the extractor scores them by.

use ego_tree::iter::Edge;
use ego_tree::{NodeId, NodeRef};
use regex::Regex;
use scraper::{ElementRef, Html, Node};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Elements whose content is never article text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea", "input", "nav",
    "footer", "aside", "label", "object", "embed", "video", "audio", "canvas", "map", "head", "title", "meta", "link",
    "dialog", "menu",
];

/// Elements that start a new block of text.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tbody",
    "thead",
    "tr",
    "td",
    "th",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "center",
    "body",
    "address",
    "hr",
    "caption",
];

/// class/id words that mark boxes which never hold the article (comments, sharing, related
/// news, ads) — pruned wherever they are.
static BOILERPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(^|[-_ ])(
          comments?|binh-?luan|y-?kien|related|relate|lien-?quan|tin-?khac|othernews|other-?news|more-?news|
          same-?cate|cung-?chuyen-?muc|share|sharing|social|socials|sns|like|tags?|tag-?list|keywords?|
          breadcrumbs?|postmetadata|recirc|recirculation|adv|advs|ads|adsense|advert|advertisement|quang-?cao|qc|popup|modal|dialog|captcha|print|
          rating|vote|newsletter|subscribe|cookie|most-?view|xem-?nhieu|doc-?nhieu|
          top-?news|hot-?news|tin-?moi|tin-?cu|video-?player|player|bookmark|fb|
          facebook|zalo|twitter|login|register|hotline|weather|copyright|copy-?right|toc|table-of-contents
        )([-_ ]|$)",
    )
    .expect("regex")
});

/// Fragments that mark boilerplate even inside a longer class/id/type word
/// (`kbwscwl-relatedbox`, `VCObjectBoxRelatedNewsItemSapo`, `fb-commentbox`). A
/// `commentary` is a kind of article (an opinion piece), not its comments.
static BOILERPLATE_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"related|comment($|[^a]|a$|a[^r])|lienquan|tinlienquan|quangcao|advert|sharebox|socialshare|binhluan|cookie",
    )
    .expect("regex")
});

/// class/id words of a box about the author (a biography under the post): never the article,
/// though WordPress's `author-…` classes otherwise only describe a post.
static AUTHOR_BOX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[-_ ])(author-?bio|about-?(the-?)?author|author-?description)([-_ ]|$)").expect("regex")
});

/// class/id words of page layout (menus, sidebars, headers, footers, pagination): usually
/// boilerplate, but some portals put the article itself in a `sidebar-1` or a `box-*`, and a
/// paginated article's text sits in `article-body pagination-first` — so these are pruned
/// only when they hold no run of paragraphs.
static LAYOUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(^|[-_ ])(
          menu|navbar|nav|navigation|sidebar|side-?bar|footer|header|banner|widget|box-?tin|box-?category|
          toolbar|tool|tools|action|actions|search|bottom|other|complementary|contentinfo|
          pagination|paging|pager
        )([-_ ]|$)",
    )
    .expect("regex")
});

/// class/id words that mark the article's own parts; they override a boilerplate word in the
/// same attribute (`article-tools` is boilerplate, `detail-content` is not).
static CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[-_ ])(content|article|detail|body|post|entry|story|news-?content|noi-?dung|main)([-_ ]|$)")
        .expect("regex")
});

/// The elements of the tag names extraction asks about, in document order: one walk of the
/// tree instead of one selector pass per question.
#[derive(Default)]
pub struct Elements<'a> {
    pub html: Vec<ElementRef<'a>>,
    pub title: Vec<ElementRef<'a>>,
    pub base: Vec<ElementRef<'a>>,
    pub meta: Vec<ElementRef<'a>>,
    pub link: Vec<ElementRef<'a>>,
    pub script: Vec<ElementRef<'a>>,
    pub h1: Vec<ElementRef<'a>>,
    pub a: Vec<ElementRef<'a>>,
    pub time: Vec<ElementRef<'a>>,
    pub figcaption: Vec<ElementRef<'a>>,
    /// Where else a page links: `<frame>`/`<iframe>` sources (a legacy portal's frameset
    /// holds its pages so) and image-map `<area>`s.
    pub frames: Vec<ElementRef<'a>>,
    pub areas: Vec<ElementRef<'a>>,
    /// Elements whose `onclick` goes to another page (`location.href='…'`, `window.open('…')`):
    /// a legacy portal's rows and buttons link so.
    pub onclick: Vec<ElementRef<'a>>,
    /// Links inside a tag/keyword box (`[class*=tag] a`, `keyword`, `tu-khoa`).
    pub tag_links: Vec<ElementRef<'a>>,
    /// Links and items of a breadcrumb trail (`[class*=breadcrumb] a, li`, `duong-dan a`).
    pub breadcrumb: Vec<ElementRef<'a>>,
    /// Elements marked as the article's text by schema.org microdata (`itemprop=articleBody`).
    pub article_body: Vec<ElementRef<'a>>,
    /// For each pattern of the set given to [`Elements::of`], the elements whose class/id
    /// words match it.
    pub classed: Vec<Vec<ElementRef<'a>>>,
}

/// Does a microdata or RDFa property describe the page: not inside an item (`itemscope`,
/// `typeof`) that is a review, a comment, a rating or an offer on it? (Other items are
/// often the page's own, misnested: an article's date inside its author's `Person`.)
fn of_the_page(el: ElementRef) -> bool {
    !el.ancestors()
        .filter_map(|a| a.value().as_element())
        .filter(|a| a.attr("itemscope").is_some() || a.attr("typeof").is_some())
        .any(|item| {
            let kind = item.attr("itemtype").or_else(|| item.attr("typeof")).unwrap_or("");
            let kind = kind.to_ascii_lowercase();
            ["review", "comment", "rating", "offer"]
                .iter()
                .any(|k| kind.contains(k))
        })
}

/// Boxes an element can sit in, by an ancestor's class.
#[derive(Clone, Copy, Default)]
struct InBox {
    tags: bool,
    breadcrumb: bool,
    duong_dan: bool,
}

impl InBox {
    fn enter(self, class: Option<&str>) -> InBox {
        let Some(c) = class else { return self };
        InBox {
            tags: self.tags || ["tag", "keyword", "tu-khoa"].iter().any(|n| c.contains(n)),
            breadcrumb: self.breadcrumb || c.contains("breadcrumb"),
            duong_dan: self.duong_dan || c.contains("duong-dan"),
        }
    }
}

impl<'a> Elements<'a> {
    /// One walk in document order, knowing which boxes each element sits in (an explicit
    /// stack: deeply nested pages do not exhaust the call stack).
    pub fn of(html: &'a Html, patterns: &regex::RegexSet) -> Elements<'a> {
        let mut e = Elements {
            classed: vec![Vec::new(); patterns.len()],
            ..Elements::default()
        };
        // Each entry: a node and the boxes its ancestors make.
        let mut stack = vec![(html.tree.root(), InBox::default())];
        let mut matched: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        while let Some((node, around)) = stack.pop() {
            let mut inside = around;
            if let Some(el) = ElementRef::wrap(node) {
                match el.value().name() {
                    "html" => e.html.push(el),
                    "title" => e.title.push(el),
                    "base" => e.base.push(el),
                    "link" => e.link.push(el),
                    "script" => e.script.push(el),
                    "h1" => e.h1.push(el),
                    "time" => e.time.push(el),
                    "figcaption" => e.figcaption.push(el),
                    "frame" | "iframe" => e.frames.push(el),
                    "area" => e.areas.push(el),
                    "a" => {
                        e.a.push(el);
                        if around.tags {
                            e.tag_links.push(el);
                        }
                        if around.breadcrumb || around.duong_dan {
                            e.breadcrumb.push(el);
                        }
                    }
                    "li" if around.breadcrumb => e.breadcrumb.push(el),
                    _ => {}
                }

                if attr(el.value(), "itemprop")
                    .is_some_and(|p| p.split_whitespace().any(|w| w.eq_ignore_ascii_case("articlebody")))
                {
                    e.article_body.push(el);
                }
                // Microdata and RDFa carry metadata on any element, its value in `content`
                // (`<span property="schema:dateCreated" content="2022-01-28T12:45:46+00:00">`):
                // read as a `<meta>` is, when it describes the page, not a review or a comment
                // inside it.
                let v = el.value();
                let Scan {
                    words: text,
                    onclick,
                    marked,
                    valued,
                } = scan_attrs(v);
                let meta = v.name() == "meta";
                if (meta || marked && valued) && (!marked || of_the_page(el)) {
                    e.meta.push(el);
                }
                if onclick.is_some_and(|v| v.contains("location") || v.contains("window.open")) {
                    e.onclick.push(el);
                }
                if !text.is_empty() {
                    // A page repeats its class names element after element: each is
                    // matched once.
                    let matched = matched
                        .entry(text)
                        .or_insert_with_key(|text| patterns.matches(&field_words(text.clone())).iter().collect());
                    for &i in matched.iter() {
                        e.classed[i].push(el);
                    }
                }
                inside = around.enter(attr(el.value(), "class"));
            }
            // Pushed in reverse, children come off the stack in document order.
            let first = stack.len();
            stack.extend(node.children().filter(|c| c.value().is_element()).map(|c| (c, inside)));
            stack[first..].reverse();
        }
        e
    }

    /// `<a href>` elements.
    pub fn anchors(&self) -> impl Iterator<Item = ElementRef<'a>> + '_ {
        self.a.iter().copied().filter(|a| a.value().attr("href").is_some())
    }
}

/// The attributes whose words say what an element is, in the order their words are joined.
const WORDY_ATTRS: [&str; 9] = [
    "class",
    "id",
    "type",
    "data-type",
    "data-role",
    "role",
    "data-slot",
    "data-field",
    "itemprop",
];

/// The words of an element's class, id and type-like attributes, lower-cased. One pass over
/// the element's attributes (no per-name lookups: this runs for every element).
fn attr_words(el: &scraper::node::Element) -> String {
    let mut s = attr_text(el);
    s.make_ascii_lowercase();
    s
}

/// The class, id and other wordy attributes' values as written, space-separated.
fn attr_text(el: &scraper::node::Element) -> String {
    scan_attrs(el).words
}

/// [`attr_text`], and the element's `onclick` handler: one pass over its attributes.
fn scan_attrs(el: &scraper::node::Element) -> Scan<'_> {
    let mut found: [Option<&str>; WORDY_ATTRS.len()] = [None; WORDY_ATTRS.len()];
    let mut any = false;
    let mut scan = Scan::default();
    for (name, value) in el.attrs() {
        match name {
            "onclick" => scan.onclick = Some(value),
            "itemprop" | "property" => scan.marked = true,
            "content" => scan.valued = true,
            _ => {}
        }
        if let Some(i) = WORDY_ATTRS.iter().position(|a| *a == name) {
            found[i] = Some(value);
            any = true;
        }
    }
    if !any {
        return scan;
    }
    for v in found.into_iter().flatten() {
        if !scan.words.is_empty() {
            scan.words.push(' ');
        }
        scan.words.push_str(v);
    }
    scan
}

/// What one pass over an element's attributes finds (asking for each by name costs an
/// interned name's hash).
#[derive(Default)]
struct Scan<'a> {
    /// [`attr_text`].
    words: String,
    /// Its `onclick` handler.
    onclick: Option<&'a str>,
    /// It names a microdata or RDFa property (`itemprop`, `property`)…
    marked: bool,
    /// …and holds a value (`content`).
    valued: bool,
}

/// The words fields are looked for in: the element's [`attr_words`] and, where a name is
/// written in camelCase, the same split at each capital (`ArticlePage-datePublished` is also
/// `article-page-date-published`), so that a field's name is found as a word. Only the named
/// fields are looked for so; boxes are judged by the names as written (`bHeaderBox` is no
/// page header).
fn field_words(text: String) -> String {
    let camel = text
        .as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
    let mut words = text.to_ascii_lowercase();
    if camel {
        words.push(' ');
        let mut prev_lower = false;
        for c in text.chars() {
            if prev_lower && c.is_ascii_uppercase() {
                words.push('-');
            }
            prev_lower = c.is_ascii_lowercase();
            words.push(c.to_ascii_lowercase());
        }
    }
    words
}

/// Is this element a boilerplate box by its class/id, or hidden?
pub fn is_boilerplate(el: &scraper::node::Element) -> bool {
    is_boilerplate_with(el, &attr_words(el))
}

fn is_boilerplate_with(el: &scraper::node::Element, words: &str) -> bool {
    // A quotation is the article's, whatever its class names: an embedded post
    // (`<blockquote class="twitter-tweet">`) quotes its source.
    if is_content_container(el) || el.name() == "blockquote" && !is_hidden(el) {
        return false;
    }
    if is_hidden(el) {
        return true;
    }
    if words.is_empty() {
        return false;
    }
    // A heading a table of contents links to (`<h2 class="ez-toc-section">`) is a section's
    // heading: the box of contents is the one that lists them.
    let heading = matches!(el.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
    // Judge each class/id token on its own: "content-detail tags" has a boilerplate token.
    words
        .split_whitespace()
        .any(|w| is_boilerplate_token(w) && !(heading && TOC.is_match(w)))
}

/// Is the element only the frame of a quotation: its one element (scripts aside) a
/// `<blockquote>`? An embedded post's frame is named for where it comes from
/// (`<div class="social-media-embed"><blockquote class="twitter-tweet">`), and the
/// quotation is the article's, as a `<blockquote>` is (see [`is_boilerplate_with`]) —
/// unless the frame is hidden.
fn frames_a_quotation(node: NodeRef<Node>, el: &scraper::node::Element, words: &str) -> bool {
    if is_hidden_by_words(el, words) {
        return false;
    }
    let mut inner = node
        .children()
        .filter_map(|c| c.value().as_element())
        .filter(|e| !matches!(e.name(), "script" | "style" | "noscript" | "template"));
    inner.next().is_some_and(|e| e.name() == "blockquote") && inner.next().is_none()
}

/// A class/id word naming a table of contents.
static TOC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(^|[-_ ])(toc|table-of-contents)([-_ ]|$)").expect("regex"));

/// Hidden by an attribute, an inline style or a class that hides (`sr-only`, `d-none`).
fn is_hidden_by_words(el: &scraper::node::Element, words: &str) -> bool {
    is_hidden(el) || words.split_whitespace().any(is_hiding_token)
}

/// A class word that hides its element from sighted readers.
fn is_hiding_token(w: &str) -> bool {
    matches!(
        w,
        "hidden" | "hide" | "sr-only" | "visually-hidden" | "screen-reader-text" | "d-none" | "invisible"
    )
}

/// Does an inline element stand inside a sentence: words of its block before it (not a
/// separator such as `|` or `·`), and after it the sentence going on (a word, a number, or
/// the punctuation that closes a phrase)? Its words are then the sentence's
/// (`streiche ihn glatt mit <span class=tool>einem Tortenheber</span>.`), whatever its
/// class or id calls it; a box of its own never stands so.
fn in_sentence(before: &str, el: NodeRef<Node>) -> bool {
    let before = before.trim_end();
    let after = el
        .next_sibling()
        .and_then(|n| n.value().as_text())
        .map_or("", |t| t.trim_start());
    let joins = |c: char| c.is_alphanumeric() || matches!(c, ',' | '(' | '"' | '\'' | '„' | '“' | '‘');
    let goes_on = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c,
                '.' | ',' | ';' | ':' | '!' | '?' | ')' | '"' | '”' | '“' | '’' | '\''
            )
    };
    before.chars().next_back().is_some_and(joins) && after.chars().next().is_some_and(goes_on)
}

/// Characters a card holds at most (a kicker, a headline, a date and a sentence of teaser).
const CARD_MAX: usize = 400;

/// Elements a card holds at most: a card is small in elements as in text (and a page of
/// nested boxes is looked at a bounded number of times, not once per level).
const CARD_NODES: usize = 64;

/// A card a link covers: a box whose own child is an empty link to a page (drawn over the
/// box, `<a href="/story"></a>` beside the headline and teaser it makes clickable), and a
/// block of its own beside it, small as a teaser is. Its text is the link's, as it would be
/// were the link written around it. (An empty link inside a paragraph's sentence, an
/// editor's leftover, does not make one.)
fn is_linked_card(node: NodeRef<Node>) -> bool {
    let (mut overlay, mut blocks) = (false, false);
    for c in node.children() {
        let Some(el) = c.value().as_element() else {
            continue;
        };
        if el.name() == "a" {
            // Links do not nest: each link's own elements are looked at by its parent only.
            overlay |= el
                .attr("href")
                .is_some_and(|h| !h.trim().is_empty() && !h.starts_with('#') && !h.starts_with("javascript:"))
                && !text_longer_than(c, 0)
                && !c.descendants().any(is_media);
        } else {
            blocks |= BLOCK.contains(&el.name());
        }
    }
    if !(overlay && blocks) {
        return false;
    }
    // Its text, read only as far as a card's size.
    let (mut chars, mut nodes) = (0, 0);
    for d in node.descendants() {
        nodes += 1;
        if let Some(t) = d.value().as_text() {
            chars += t.trim().chars().count();
        }
        if nodes > CARD_NODES || chars > CARD_MAX {
            return false;
        }
    }
    chars > 0
}

/// A hover card inside a paragraph's sentence: an inline element that holds a picture, two
/// links or more and no words outside its links (a person's photo, name and latest stories,
/// which a script shows over the name). Its links are no words of the sentence; read, they
/// made the paragraph a box of links. (An element wrapping the sentence holds its words.)
fn is_hover_card(n: NodeRef<Node>, owner: NodeRef<Node>) -> bool {
    let in_paragraph = owner.value().as_element().is_some_and(|e| e.name() == "p");
    if !in_paragraph || !n.children().any(|c| c.value().is_element()) {
        return false;
    }
    let (mut media, mut links, mut words, mut nodes) = (false, 0, 0, 0);
    let mut stack = vec![n];
    while let Some(d) = stack.pop() {
        nodes += 1;
        if nodes > CARD_NODES {
            return false;
        }
        match d.value() {
            Node::Text(t) => words += t.trim().chars().count(),
            Node::Element(e) => match e.name() {
                "img" | "picture" => media = true,
                // A link's words are the card's; its elements are not looked into.
                "a" => links += 1,
                _ => stack.extend(d.children()),
            },
            _ => {}
        }
    }
    media && links >= 2 && words <= 20
}

fn is_media(n: NodeRef<Node>) -> bool {
    n.value()
        .as_element()
        .is_some_and(|e| matches!(e.name(), "img" | "picture" | "svg" | "video"))
}

/// Hidden by an attribute or an inline style.
fn is_hidden(el: &scraper::node::Element) -> bool {
    el.attrs().any(|(name, value)| match name {
        "hidden" => true,
        "aria-hidden" => value == "true",
        "style" => {
            let s: String = value
                .to_ascii_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            s.contains("display:none") || s.contains("visibility:hidden")
        }
        _ => false,
    })
}

/// Semantic content containers are never boilerplate, whatever their classes say
/// (WordPress gives `<article>` a class per tag and category: `tag-news`, `category-ads`).
fn is_content_container(el: &scraper::node::Element) -> bool {
    matches!(el.name(), "article" | "main" | "body" | "html")
        || el.attrs().any(|(name, value)| match name {
            "role" => value == "main",
            "itemprop" => value.eq_ignore_ascii_case("articleBody"),
            _ => false,
        })
}

/// An attribute's value, found by comparing the names the element has. Walks ask several
/// per element; [`scraper::node::Element::attr`] interns the name and builds and drops a
/// qualified name for each ask, which costs more than reading an element's few names.
pub fn attr<'e>(el: &'e scraper::node::Element, name: &str) -> Option<&'e str> {
    el.attrs().find_map(|(n, v)| (n == name).then_some(v))
}

/// Class tokens that describe the content rather than a box (WordPress and Drupal add a class
/// per category, tag, format and state: `category-advertising`, `tag-comment`,
/// `field-label-hidden`, `modal-enabled`): never a reason to prune.
fn is_descriptive_token(w: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "category-",
        "tag-",
        "post-",
        "postid-",
        "format-",
        "status-",
        "type-",
        "has-",
        "page-id",
        "single-",
        "field-label",
        "field-name",
        "field-type",
        "author-",
    ];
    const SUFFIXES: &[&str] = &[
        "-enabled",
        "-disabled",
        "-open",
        "-closed",
        "-active",
        "-loaded",
        "-ready",
        "-init",
        "-js",
    ];
    PREFIXES.iter().any(|p| w.starts_with(p)) || SUFFIXES.iter().any(|s| w.ends_with(s))
}

fn is_boilerplate_token(w: &str) -> bool {
    remembered(Token::Boilerplate, w, boilerplate_token)
}

fn boilerplate_token(w: &str) -> bool {
    if is_hiding_token(w) {
        return true;
    }
    if AUTHOR_BOX.is_match(w) {
        return true;
    }
    !is_descriptive_token(w)
        && (BOILERPLATE.is_match(w) || BOILERPLATE_PART.is_match(w))
        && (!CONTENT.is_match(w) || BOX_OF.is_match(w))
}

/// A token that names a box of related stories or of comments by its first word
/// (`related_post`, `related-content`, `comments-body`): its content word says what the box
/// holds — other posts, readers' text — not that it is the article.
static BOX_OF: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(related|comments?)[-_]").expect("regex"));

/// class/id words of small widgets — sharing and print buttons, social links, ratings, ads,
/// tag lists — that never hold a run of paragraphs of their own. A box so named that does
/// hold one carries the article too (`entry themeform share`, `entry-content no-share`): the
/// word describes a button row inside it, and the box is pruned only when it holds no prose,
/// as layout boxes are. Comments, related news, pop-ups and sign-up or cookie boxes hold
/// prose or teasers of their own and stay pruned whatever they hold.
static WIDGET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)(^|[-_ ])(
          share|sharing|sharebox|socialshare|social|socials|sns|like|print|rating|vote|bookmark|fb|facebook|
          zalo|twitter|hotline|weather|player|video-?player|tags?|tag-?list|keywords?|adv|advs|ads|adsense|
          advert|advertisement
        )([-_ ]|$)",
    )
    .expect("regex")
});

/// Is this element a small widget's box by its class/id ([`WIDGET`]): a share bar, which
/// often carries the article's date line too?
pub fn is_widget(el: &scraper::node::Element) -> bool {
    is_widget_with(el, &attr_words(el))
}

/// Is this element a box to prune only when it holds no run of paragraphs: a widget by its
/// words ([`WIDGET`]), and not boilerplate for any other word or for being hidden?
fn is_widget_with(el: &scraper::node::Element, words: &str) -> bool {
    let mut any_widget = false;
    for w in words.split_whitespace().filter(|w| is_boilerplate_token(w)) {
        if !WIDGET.is_match(w) || BOILERPLATE_PART.is_match(w) && !w.contains("share") {
            return false;
        }
        any_widget = true;
    }
    any_widget && !is_hidden(el)
}

/// Class and id words of a site's masthead: its logo, its brand, its name.
static LOGO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[-_ ])(?:logo|brand|branding|site[-_]?(?:title|name|logo|branding)|masthead)(?:[-_ ]|$)")
        .expect("regex")
});

/// Does the element, or one of its two parents, name itself the site's logo or name
/// (`class="logo"`, `site-title`, `id="masthead"`)? A portal's `<h1>` so classed holds the
/// site's name above every page, not an article's headline.
pub fn is_logo(el: ElementRef) -> bool {
    std::iter::once(*el)
        .chain(el.ancestors())
        .take(3)
        .filter_map(|n| n.value().as_element())
        .any(|e| attr_words(e).split_whitespace().any(|w| LOGO.is_match(w)))
}

/// Is this element a layout box by its class/id (a sidebar, a menu, a footer)?
/// Does the element say it is the sidebar: its id or a class is `sidebar` (`side-bar`,
/// `sidebar-1`), or its ARIA role `complementary` — content beside the article, never a
/// part of it, however much prose its widgets hold? (Not a layout's name for a page that
/// has one, `right-sidebar`, `content-sidebar-wrap`, nor `<body>`'s.)
fn is_sidebar_with(el: &scraper::node::Element, words: &str) -> bool {
    static SIDEBAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(sidebar|side-bar)([-_]?[0-9]+)?$").expect("regex"));
    !matches!(el.name(), "html" | "body" | "main" | "article")
        && (attr(el, "role") == Some("complementary") || words.split_whitespace().any(|w| SIDEBAR.is_match(w)))
}

/// Does the subtree hold the article itself: its headline (`<h1>`) or an `<article>`, `<main>`,
/// within its first [`SIDEBAR_NODES`] nodes (a sidebar nested in sidebars is looked at a
/// bounded number of times, not once per level)?
fn holds_the_article(node: NodeRef<Node>) -> bool {
    node.descendants().take(SIDEBAR_NODES).any(|d| {
        d.value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "h1" | "article" | "main"))
    })
}

/// Nodes of a sidebar looked through for the article (see [`holds_the_article`]).
const SIDEBAR_NODES: usize = 5000;

pub fn is_layout(el: &scraper::node::Element) -> bool {
    is_layout_with(el, &attr_words(el))
}

fn is_layout_with(el: &scraper::node::Element, words: &str) -> bool {
    !is_content_container(el)
        && words
            .split_whitespace()
            .any(|w| remembered(Token::Layout, w, layout_token))
}

fn layout_token(w: &str) -> bool {
    !is_descriptive_token(w) && LAYOUT.is_match(w) && !CONTENT.is_match(w)
}

/// What a class/id word is taken for, by a test of several patterns.
#[derive(Clone, Copy)]
enum Token {
    Boilerplate,
    Layout,
}

/// The most answers [`remembered`] keeps of a kind; past it they are forgotten and found
/// again.
const REMEMBERED_TOKENS: usize = 4096;

/// `test(w)`, remembered: every element of every page has its class/id words judged, and
/// a page (a site) repeats a few dozen of them thousands of times, each judged by several
/// patterns. Per thread, bounded: a long crawl of many sites does not grow it.
fn remembered(kind: Token, w: &str, test: fn(&str) -> bool) -> bool {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static ANSWERS: RefCell<[HashMap<Box<str>, bool>; 2]> = RefCell::new([HashMap::new(), HashMap::new()]);
    }
    ANSWERS.with(|answers| {
        let known = answers.borrow()[kind as usize].get(w).copied();
        known.unwrap_or_else(|| {
            let answer = test(w);
            let answers = &mut answers.borrow_mut()[kind as usize];
            if answers.len() >= REMEMBERED_TOKENS {
                answers.clear();
            }
            answers.insert(w.into(), answer);
            answer
        })
    })
}

/// Does this subtree hold prose: 600 characters of text outside links and scripts?
/// Menus and sidebars are mostly links; an article is mostly not.
fn holds_paragraphs(node: NodeRef<Node>) -> bool {
    let mut n = 0;
    let mut stack: Vec<NodeRef<Node>> = node.children().collect();
    stack.reverse();
    while let Some(d) = stack.pop() {
        match d.value() {
            Node::Text(t) => {
                n += t.trim().chars().count();
                if n >= 600 {
                    return true;
                }
            }
            Node::Element(e) if !matches!(e.name(), "a" | "script" | "style" | "noscript") => {
                let before = stack.len();
                stack.extend(d.children());
                stack[before..].reverse();
            }
            _ => {}
        }
    }
    false
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading(u8),
    ListItem,
    Quote,
    Cell,
    /// A row of a data table ([`super::table`]): its cells joined by ` | `.
    Row,
}

/// A paragraph of text with what the extractor needs to judge it.
#[derive(Debug, Clone)]
pub struct Block {
    pub text: String,
    /// Characters of `text` inside links.
    pub link_chars: usize,
    /// Characters of `text` inside `<b>`/`<strong>`.
    pub bold_chars: usize,
    pub kind: BlockKind,
    /// Links that begin in the block.
    pub links: usize,
    /// The block element that holds the text (its ancestors are the tree's: see
    /// [`Block::ancestors`] and [`Subtrees`]; a copy per block made memory quadratic in a
    /// page's depth).
    pub owner: NodeId,
    pub right_aligned: bool,
    pub italic_chars: usize,
    /// Characters of `text`, and those other than white space: counted once, asked often.
    char_count: usize,
    visible: usize,
}

impl Block {
    /// A block of one line of text, with its link, bold and italic character counts.
    fn line(text: String, kind: BlockKind, owner: NodeId, [link_chars, bold_chars, italic_chars]: [usize; 3]) -> Block {
        Block {
            char_count: text.chars().count(),
            visible: text.chars().filter(|c| !c.is_whitespace()).count(),
            text,
            // A data table's row or a caption: whether it links, not how often.
            links: usize::from(link_chars > 0),
            link_chars,
            bold_chars,
            italic_chars,
            kind,
            owner,
            right_aligned: false,
        }
    }

    /// The block with its links read as text: a list the page's structured data names.
    pub fn as_text(&self) -> Block {
        Block {
            link_chars: 0,
            links: 0,
            ..self.clone()
        }
    }

    /// The owner's ancestors in `html`, nearest first.
    pub fn ancestors<'h>(&self, html: &'h Html) -> impl Iterator<Item = NodeId> + 'h {
        html.tree
            .get(self.owner)
            .into_iter()
            .flat_map(|n| n.ancestors())
            .map(|a| a.id())
    }

    pub fn chars(&self) -> usize {
        self.char_count
    }

    /// Characters other than white space (what the link/bold/italic counts count).
    pub fn visible_chars(&self) -> usize {
        self.visible
    }

    pub fn link_density(&self) -> f64 {
        self.link_chars as f64 / self.visible_chars().max(1) as f64
    }

    pub fn is_bold(&self) -> bool {
        self.bold_chars * 10 >= self.visible_chars() * 8
    }

    pub fn is_italic(&self) -> bool {
        self.italic_chars * 10 >= self.visible_chars() * 8
    }
}

#[derive(Default, Clone)]
struct Buffer {
    text: String,
    link_chars: usize,
    bold_chars: usize,
    italic_chars: usize,
    /// Where in `text` each link began (a teaser holds one or two; a paragraph that links
    /// as it goes, many).
    link_starts: Vec<usize>,
    /// The bold count at each line break: each line's own is the difference (a bold
    /// headline over a plain date line in one block is bold).
    bold_at_breaks: Vec<usize>,
}

impl Buffer {
    fn push(&mut self, s: &str, in_link: bool, in_bold: bool, in_italic: bool) {
        let mut n = 0;
        for c in s.chars().filter(|&c| c != SOFT_HYPHEN) {
            if c.is_whitespace() {
                if !self.text.is_empty() && !self.text.ends_with([' ', '\n']) {
                    self.text.push(' ');
                }
            } else {
                self.text.push(c);
                n += 1;
            }
        }
        if in_link {
            self.link_chars += n;
        }
        if in_bold {
            self.bold_chars += n;
        }
        if in_italic {
            self.italic_chars += n;
        }
    }

    fn line_break(&mut self) {
        while self.text.ends_with(' ') {
            self.text.pop();
        }
        if !self.text.is_empty() {
            self.text.push('\n');
            self.bold_at_breaks.push(self.bold_chars);
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Style {
    link: bool,
    bold: bool,
    italic: bool,
}

/// The nodes of some subtrees (roots included): "is this block inside one of them" is one
/// lookup of its owner, however deep the page.
pub struct Subtrees(HashSet<NodeId>);

impl Subtrees {
    pub fn of(html: &Html, roots: impl IntoIterator<Item = NodeId>) -> Subtrees {
        let mut nodes = HashSet::new();
        for root in roots {
            if let Some(r) = html.tree.get(root) {
                nodes.extend(r.descendants().map(|d| d.id()));
            }
        }
        Subtrees(nodes)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Is the block's text inside one of the subtrees?
    pub fn holds(&self, b: &Block) -> bool {
        self.0.contains(&b.owner)
    }

    /// Is the node inside one of the subtrees?
    pub fn contains(&self, id: NodeId) -> bool {
        self.0.contains(&id)
    }
}

/// Walk the document and return its text blocks in document order.
pub fn blocks(html: &Html) -> Vec<Block> {
    walk_blocks(html, false)
}

/// The document's text blocks with every box kept, whatever its class calls it, and form
/// labels and `<aside>`s read (a recipe's ingredients are a shopping list's checkboxes, in
/// a box named `print-list`, set beside the steps): for finding text the page's structured
/// data says is its own. Hidden text and the other elements [`SKIP`] names still go.
pub fn blocks_keeping_boxes(html: &Html) -> Vec<Block> {
    walk_blocks(html, true)
}

fn walk_blocks(html: &Html, keep_boxes: bool) -> Vec<Block> {
    let mut out = Vec::new();
    let page_text = std::cell::OnceCell::new();
    let mut w = Walk {
        out: &mut out,
        page_text: &page_text,
        keep_boxes,
    };
    w.walk(html.tree.root());
    out
}

/// What a walk over the document shares: the blocks found, and the page's text length
/// (counted once, when a form asks).
struct Walk<'o> {
    out: &'o mut Vec<Block>,
    page_text: &'o std::cell::OnceCell<usize>,
    /// Boxes are kept whatever their class, and labels read ([`blocks_keeping_boxes`]).
    keep_boxes: bool,
}

/// Characters of text under a node.
/// Characters a button's label holds at most (`role="button"`: `Bild anzeigen`, `Xem thêm`):
/// more is a box a script made clickable (a teaser, a card).
const BUTTON_MAX: usize = 40;

/// Characters a heading holds at most: more is text a heading left open wraps.
const HEADING_MAX: usize = 300;

/// Does `n` hold more than `limit` characters of text (counted only as far as `limit`)?
fn text_longer_than(n: NodeRef<Node>, limit: usize) -> bool {
    let mut count = 0;
    n.descendants().filter_map(|d| d.value().as_text()).any(|t| {
        count += t.trim().chars().count();
        count > limit
    })
}

fn text_len(n: NodeRef<Node>) -> usize {
    n.descendants()
        .filter_map(|d| d.value().as_text())
        .map(|t| t.trim().chars().count())
        .sum()
}

/// An element being walked: its next child to visit, the block its text goes to, the
/// style its text inherits, and whether it is that block (to flush when it is done).
struct Frame<'a> {
    next: Option<NodeRef<'a, Node>>,
    owner: NodeRef<'a, Node>,
    style: Style,
    is_block: bool,
}

impl Walk<'_> {
    /// Walk the tree under `root` with an explicit stack (html5ever does not cap nesting,
    /// and a recursion per element overflows the stack on a page of a few thousand nested
    /// elements). Each block element's text is collected in a buffer of its own; inline
    /// elements add to their block's buffer with their style.
    fn walk(&mut self, root: NodeRef<Node>) {
        let mut bufs = vec![Buffer::default()];
        let mut stack = vec![Frame {
            next: root.first_child(),
            owner: root,
            style: Style::default(),
            is_block: false,
        }];
        while let Some(top) = stack.last_mut() {
            let Some(child) = top.next else {
                let done = stack.pop().expect("a frame");
                if done.is_block || stack.is_empty() {
                    let mut buf = bufs.pop().expect("a buffer per block");
                    flush(&mut buf, done.owner, self.out);
                }
                continue;
            };
            top.next = child.next_sibling();
            let (owner, style) = (top.owner, top.style);
            let buf = bufs.last_mut().expect("a buffer per block");
            match child.value() {
                Node::Text(t) => buf.push(t, style.link, style.bold, style.italic),
                Node::Element(el) => {
                    let name = el.name();
                    if SKIP.contains(&name) && !(self.keep_boxes && matches!(name, "label" | "aside")) {
                        continue;
                    }
                    let words = attr_words(el);
                    // An element that says it is a button holds its label, not text (`Bild
                    // anzeigen`), unless it is a box a script made clickable.
                    let button = attr(el, "role") == Some("button") && !text_longer_than(child, BUTTON_MAX);
                    let pruned = button
                        || if self.keep_boxes {
                            is_hidden_by_words(el, &words)
                        } else {
                            (is_boilerplate_with(el, &words)
                                && !(is_widget_with(el, &words) && holds_paragraphs(child))
                                && !frames_a_quotation(child, el, &words))
                                || (name == "form" && self.is_small_form(child))
                                || (is_layout_with(el, &words) && !holds_paragraphs(child))
                                || (is_sidebar_with(el, &words) && !holds_the_article(child))
                        };
                    // A word of a sentence stays whatever its class names elsewhere.
                    let sentence_word =
                        || !BLOCK.contains(&name) && !is_hidden_by_words(el, &words) && in_sentence(&buf.text, child);
                    if pruned && !sentence_word() {
                        continue;
                    }
                    if name == "br" {
                        buf.line_break();
                        continue;
                    }
                    if !BLOCK.contains(&name) && name != "a" && is_hover_card(child, owner) {
                        continue;
                    }
                    if name == "img" {
                        continue;
                    }
                    if name == "table"
                        && let Some(t) = ElementRef::wrap(child).filter(|t| super::table::is_data_table(*t))
                    {
                        flush(buf, owner, self.out);
                        let (caption, rows) = super::table::lines(t);
                        if let Some(c) = caption {
                            self.out
                                .push(Block::line(c, BlockKind::Paragraph, child.id(), [0, 0, 0]));
                        }
                        for r in rows {
                            let counts = [r.link_chars, r.bold_chars, r.italic_chars];
                            self.out.push(Block::line(r.text, BlockKind::Row, r.row.id(), counts));
                        }
                        continue;
                    }
                    if BLOCK.contains(&name) {
                        // Text before this block belongs to the enclosing block.
                        flush(buf, owner, self.out);
                        bufs.push(Buffer::default());
                        let style = Style {
                            link: style.link || is_linked_card(child),
                            ..style
                        };
                        stack.push(Frame {
                            next: child.first_child(),
                            owner: child,
                            style,
                            is_block: true,
                        });
                    } else {
                        if name == "a" && !style.link {
                            buf.link_starts.push(buf.text.len());
                        }
                        let style = Style {
                            link: style.link || name == "a",
                            bold: style.bold || matches!(name, "b" | "strong") || is_bold_style(el),
                            italic: style.italic || matches!(name, "i" | "em"),
                        };
                        stack.push(Frame {
                            next: child.first_child(),
                            owner,
                            style,
                            is_block: false,
                        });
                    }
                }
                _ => {}
            }
        }
    }

    /// A comment, login or search form — but not the `<form>` that ASP.NET portals wrap around
    /// the whole page.
    fn is_small_form(&self, node: NodeRef<Node>) -> bool {
        let page = *self
            .page_text
            .get_or_init(|| node.ancestors().last().map(text_len).unwrap_or(0));
        let form = text_len(node);
        form < 2000 && form * 2 < page
    }
}

fn is_bold_style(el: &scraper::node::Element) -> bool {
    attr(el, "style").is_some_and(|s| {
        if !s.as_bytes().windows(11).any(|w| w.eq_ignore_ascii_case(b"font-weight")) {
            return false;
        }
        let s = s.to_ascii_lowercase().replace(' ', "");
        s.contains("font-weight:bold") || s.contains("font-weight:700")
    })
}

fn is_right_aligned(node: NodeRef<Node>) -> bool {
    let Some(el) = node.value().as_element() else {
        return false;
    };
    el.attr("align").is_some_and(|a| a.eq_ignore_ascii_case("right"))
        || el
            .attr("style")
            .is_some_and(|s| s.to_ascii_lowercase().replace(' ', "").contains("text-align:right"))
        || el.attr("class").is_some_and(|c| {
            let c = c.to_ascii_lowercase();
            c.contains("text-right") || c.contains("align-right") || c.contains("text-align-right")
        })
}

/// A PHP diagnostic the server wrote into the page (`Warning: Use of undefined constant … in
/// /htdocs/…/plugin.php on line 928`, `Deprecated: …`, `Notice: Undefined index …`): old
/// portals print them wherever the failing code runs, one per line, and they are never the
/// page's text.
fn is_server_diagnostic(line: &str) -> bool {
    static DIAGNOSTIC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^(?:php )?(?:warning|notice|deprecated|strict standards|(?:catchable )?fatal error|parse error)\s*:\s.*\sin\s+\S+\s+on line\s+\d+\.?$",
        )
        .expect("regex")
    });
    line.contains("on line") && DIAGNOSTIC.is_match(line)
}

fn flush(buf: &mut Buffer, owner: NodeRef<Node>, out: &mut Vec<Block>) {
    if buf.text.trim().is_empty() {
        *buf = Buffer::default();
        return;
    }
    // A block inside a heading (a `<div>` an `<h1>` wraps its headline in) is the heading's;
    // not inside an `<h1>` left open around the text, which holds more than a headline.
    let heading = owner
        .ancestors()
        .take(3)
        .find(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
        })
        .filter(|h| !text_longer_than(*h, HEADING_MAX))
        .and_then(|h| h.value().as_element().map(scraper::node::Element::name));
    let kind = match heading.or_else(|| owner.value().as_element().map(scraper::node::Element::name)) {
        Some("h1") => BlockKind::Heading(1),
        Some("h2") => BlockKind::Heading(2),
        Some("h3") => BlockKind::Heading(3),
        Some("h4") | Some("h5") | Some("h6") => BlockKind::Heading(4),
        Some("li") | Some("dt") | Some("dd") => BlockKind::ListItem,
        Some("blockquote") => BlockKind::Quote,
        Some("td") | Some("th") => BlockKind::Cell,
        _ => BlockKind::Paragraph,
    };
    let right_aligned = is_right_aligned(owner)
        || owner.children().filter(|c| c.value().is_element()).count() == 1
            && owner
                .children()
                .find(|c| c.value().is_element())
                .is_some_and(is_right_aligned);
    // Each line (a `<br>`) becomes its own block: its bold count is its own, the link and
    // italic counts are shared out by length.
    let total = buf.text.chars().filter(|c| !c.is_whitespace()).count().max(1);
    // Links begin in text order: each line takes those before its end.
    let (mut line_end, mut starts) = (0, buf.link_starts.iter().peekable());
    let mut bold_before = 0;
    for (i, line) in buf.text.split('\n').enumerate() {
        line_end += line.len() + 1;
        let bold_upto = buf.bold_at_breaks.get(i).copied().unwrap_or(buf.bold_chars);
        let bold_chars = bold_upto.saturating_sub(bold_before);
        bold_before = bold_upto;
        let mut links = 0;
        while starts.next_if(|&&at| at < line_end).is_some() {
            links += 1;
        }
        let text = line.trim();
        if text.is_empty() || is_server_diagnostic(text) {
            continue;
        }
        let visible = text.chars().filter(|c| !c.is_whitespace()).count();
        let share = |n: usize| n * visible / total;
        out.push(Block {
            char_count: text.chars().count(),
            visible,
            text: text.to_owned(),
            link_chars: share(buf.link_chars),
            bold_chars,
            italic_chars: share(buf.italic_chars),
            links,
            kind,
            owner: owner.id(),
            right_aligned,
        });
    }
    *buf = Buffer::default();
}

/// Text with the characters of it inside links, bold and italics (white space not counted).
pub struct Styled {
    pub text: String,
    pub link_chars: usize,
    pub bold_chars: usize,
    pub italic_chars: usize,
}

impl Styled {
    /// Is (nearly) all of it in italics — a caption's look?
    pub fn is_italic(&self) -> bool {
        let visible = self.text.chars().filter(|c| !c.is_whitespace()).count();
        visible > 0 && self.italic_chars * 10 >= visible * 8
    }
}

/// Block-level elements whose edges separate words inside a cell.
fn separates(name: &str) -> bool {
    matches!(
        name,
        "br" | "p" | "div" | "li" | "ul" | "ol" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr" | "td" | "th"
    )
}

/// An element's text, whitespace collapsed, `<br>` and block edges as spaces, scripts and
/// styles left out; with the characters inside links, bold and italics. An iterative
/// traversal: deeply nested spans do not recurse.
pub fn styled_text(el: ElementRef) -> Styled {
    read_text(el, false, usize::MAX)
}

/// The one walk [`styled_text`] and [`text_of`] share; `drop_soft_hyphens` leaves out the
/// hyphenation hints (`&shy;`).
/// Reads until the text holds more than `limit` characters (then what it has read).
fn read_text(el: ElementRef, drop_soft_hyphens: bool, limit: usize) -> Styled {
    let mut text = String::new();
    let mut count = 0usize;
    let (mut links, mut bolds, mut italics, mut skip) = (0usize, 0usize, 0usize, 0usize);
    let (mut link_chars, mut bold_chars, mut italic_chars) = (0, 0, 0);
    let mut space = false;
    for edge in el.traverse().skip(1) {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e) => match e.name() {
                    "script" | "style" | "noscript" | "template" => skip += 1,
                    "a" => links += 1,
                    "b" | "strong" => bolds += 1,
                    "i" | "em" => italics += 1,
                    name if separates(name) => space = true,
                    _ => {}
                },
                Node::Text(t) if skip == 0 => {
                    for c in t.chars().filter(|&c| !(drop_soft_hyphens && c == SOFT_HYPHEN)) {
                        if c.is_whitespace() {
                            space = true;
                            continue;
                        }
                        if space && !text.is_empty() {
                            text.push(' ');
                        }
                        space = false;
                        text.push(c);
                        count += 1;
                        link_chars += usize::from(links > 0);
                        bold_chars += usize::from(bolds > 0);
                        italic_chars += usize::from(italics > 0);
                    }
                }
                _ => {}
            },
            Edge::Close(_) if count > limit => break,
            Edge::Close(n) => {
                if let Node::Element(e) = n.value() {
                    match e.name() {
                        "script" | "style" | "noscript" | "template" => skip = skip.saturating_sub(1),
                        "a" => links = links.saturating_sub(1),
                        "b" | "strong" => bolds = bolds.saturating_sub(1),
                        "i" | "em" => italics = italics.saturating_sub(1),
                        name if separates(name) => space = true,
                        _ => {}
                    }
                }
            }
        }
    }
    Styled {
        text,
        link_chars,
        bold_chars,
        italic_chars,
    }
}

/// Does an element of this name start a block of text?
pub fn is_block(name: &str) -> bool {
    BLOCK.contains(&name)
}

/// A hyphenation hint (`&shy;`), invisible unless a line breaks there: no part of the text.
const SOFT_HYPHEN: char = '\u{ad}';

/// The text of an element as a reader sees it: whitespace collapsed, `<br>` and block edges
/// as spaces (`<div>Nov. 19, 2019</div><div>5:53 PM</div>` is two readings, not
/// `20195:53`), scripts and styles left out, hyphenation hints dropped.
pub fn text_of(el: ElementRef) -> String {
    read_text(el, true, usize::MAX).text
}

/// [`text_of`], when the element holds `max` characters or fewer (a date line, a label):
/// it stops reading as soon as it knows, not after a whole box's text.
pub fn short_text_of(el: ElementRef, max: usize) -> Option<String> {
    let t = read_text(el, true, max).text;
    (t.chars().count() <= max).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_answers_are_the_tests_answers_past_the_bound() {
        fn odd(w: &str) -> bool {
            w.parse::<usize>().is_ok_and(|n| n % 2 == 1)
        }
        for round in 0..2 {
            for n in 0..REMEMBERED_TOKENS + 100 {
                let w = n.to_string();
                assert_eq!(remembered(Token::Layout, &w, odd), n % 2 == 1, "{w} in round {round}");
            }
        }
        // Each kind of answer is kept apart.
        assert!(!remembered(Token::Boilerplate, "1", |_| false));
        assert!(remembered(Token::Layout, "1", odd));
    }

    #[test]
    fn an_attribute_read_by_name_is_the_one_scraper_reads() {
        let html = Html::parse_document(
            r#"<html><body><div id="x" class="a b" data-role="button" HIDDEN aria-hidden=true style="color: red"></div></body></html>"#,
        );
        let el = html.select(&scraper::Selector::parse("#x").unwrap()).next().unwrap();
        for name in [
            "id",
            "class",
            "data-role",
            "hidden",
            "aria-hidden",
            "style",
            "role",
            "itemprop",
            "",
        ] {
            assert_eq!(attr(el.value(), name), el.value().attr(name), "{name}");
        }
        assert_eq!(attr(el.value(), "hidden"), Some(""));
    }

    #[test]
    fn text_reads_as_a_reader_sees_it() {
        let check = |inner: &str, expected: &str| {
            let html = Html::parse_document(&format!("<html><body><div id=\"x\">{inner}</div></body></html>"));
            let el = html.select(&scraper::Selector::parse("#x").unwrap()).next().unwrap();
            assert_eq!(text_of(el), expected, "{inner}");
        };
        check("<div>Nov. 19, 2019</div><div>5:53 PM</div>", "Nov. 19, 2019 5:53 PM");
        check("Dòng một<br>dòng hai", "Dòng một dòng hai");
        check("<b>Hà</b><i>Nội</i>", "HàNội");
        check(
            "<style>.a{color:red}</style>Tiêu đề<script>var x = 1;</script>",
            "Tiêu đề",
        );
        check("  Hà \n Nội  ", "Hà Nội");
        check("khai\u{ad}mạc", "khaimạc");
    }

    /// The texts of the blocks `walk` reads from `inner` set in an `<article>`.
    fn texts_of(inner: &str, walk: fn(&Html) -> Vec<Block>) -> Vec<String> {
        let html = Html::parse_document(&format!("<html><body><article>{inner}</article></body></html>"));
        walk(&html).into_iter().map(|b| b.text).collect()
    }

    /// Regression: a photo post's few lines lost to the blog's sidebar, whose text widget (a
    /// disclaimer of 700 characters) held more prose than the post.
    #[test]
    fn the_sidebar_is_never_text() {
        let widget = "Auf dieser Seite gibt es gelegentlich Links zu fremden Webseiten. ".repeat(12);
        let widget = widget.trim_end();
        let check = |body_class: &str, inner: &str, expected: &[&str]| {
            let html = Html::parse_document(&format!(
                "<html><body class=\"{body_class}\"><div id=\"main\"><p>Bài viết.</p></div>{inner}</body></html>"
            ));
            let texts: Vec<String> = blocks(&html).into_iter().map(|b| b.text).collect();
            assert_eq!(texts, expected, "{body_class} {inner}");
        };
        check(
            "",
            &format!(r#"<div id="sidebar"><div class="widget"><p>{widget}</p></div></div>"#),
            &["Bài viết."],
        );
        check(
            "",
            &format!(r#"<div role="complementary"><p>{widget}</p></div>"#),
            &["Bài viết."],
        );
        // A layout's name for a page with a sidebar, and a sidebar holding the headline, are
        // not the sidebar.
        check(
            "right-sidebar",
            &format!(r#"<div class="content-sidebar-wrap"><p>{widget}</p></div>"#),
            &["Bài viết.", widget],
        );
        check(
            "",
            &format!(r#"<div class="sidebar"><h1>Tiêu đề</h1><p>{widget}</p></div>"#),
            &["Bài viết.", "Tiêu đề", widget],
        );
    }

    /// Regression: a word of a sentence marked up with a class that names a box elsewhere
    /// (`tool`, `tag`, `share`) was pruned from the sentence (`Das geht am besten mit .`).
    #[test]
    fn a_word_inside_a_sentence_stays_whatever_its_class() {
        let check = |inner: &str, expected: &[&str]| assert_eq!(texts_of(inner, blocks), expected, "{inner}");
        check(
            "<p>Das geht am besten mit <span class=tool>einem Tortenheber</span>.</p>",
            &["Das geht am besten mit einem Tortenheber."],
        );
        check(
            "<p>Phó <a class=tag href=/t>Chủ tịch UBND</a> TP.HCM phát biểu.</p>",
            &["Phó Chủ tịch UBND TP.HCM phát biểu."],
        );
        // A box of its own, hidden text, and a widget between separators still go.
        check(
            "<p>Câu thứ nhất.</p><div class=share>Chia sẻ bài viết</div><p>Câu thứ hai.</p>",
            &["Câu thứ nhất.", "Câu thứ hai."],
        );
        check(
            "<p>Xem <span class=sr-only>liên kết mở cửa sổ mới</span> tại đây.</p>",
            &["Xem tại đây."],
        );
        check(
            "<p>Tác giả | <span class=share>Chia sẻ</span> | 12 giờ</p>",
            &["Tác giả | | 12 giờ"],
        );
        check(
            "<p><span class=share>Chia sẻ</span> bài viết này.</p>",
            &["bài viết này."],
        );
    }

    #[test]
    fn a_card_an_empty_link_covers_is_linked_text() {
        let check = |inner: &str, expected: &[(&str, bool)]| {
            let html = Html::parse_document(&format!("<html><body><article>{inner}</article></body></html>"));
            let got: Vec<(String, bool)> = blocks(&html)
                .into_iter()
                .map(|b| (b.text.clone(), b.link_density() > 0.9))
                .collect();
            let expected: Vec<(String, bool)> = expected.iter().map(|&(t, l)| (t.to_owned(), l)).collect();
            assert_eq!(got, expected, "{inner}");
        };
        // The link drawn over a card: the card's headline and teaser are the link's.
        check(
            r#"<div class="card"><a href="/tin/1"></a><h3>Thông xe cầu vượt</h3><p>Sớm hơn kế hoạch hai tuần.</p></div>"#,
            &[("Thông xe cầu vượt", true), ("Sớm hơn kế hoạch hai tuần.", true)],
        );
        // An empty link left in a sentence, a named anchor, a link to a place on the page, a
        // link around a picture: the text is text.
        for inner in [
            r#"<div><p>Sớm hơn <a href="/x"></a>kế hoạch.</p></div>"#,
            r#"<div><a name="muc-1"></a><p>Sớm hơn kế hoạch.</p></div>"#,
            r##"<div><a href="#muc-1"></a><p>Sớm hơn kế hoạch.</p></div>"##,
            r#"<div><a href="/anh.jpg"><img src="/anh.jpg"></a><p>Sớm hơn kế hoạch.</p></div>"#,
        ] {
            check(inner, &[("Sớm hơn kế hoạch.", false)]);
        }
        // A box longer than a card, or of more elements than one holds, is not one.
        let long = "Cầu vượt được thông xe sớm hơn kế hoạch hai tuần. ".repeat(10);
        check(
            &format!(r#"<div><a href="/tin/1"></a><p>{}</p></div>"#, long.trim_end()),
            &[(long.trim_end(), false)],
        );
        let nested = format!(
            r#"<div><a href="/tin/1"></a>{}Sớm hơn kế hoạch.{}</div>"#,
            "<div>".repeat(CARD_NODES),
            "</div>".repeat(CARD_NODES)
        );
        check(&nested, &[("Sớm hơn kế hoạch.", false)]);
    }

    /// Regression: a recipe's steps each carried `Bild anzeigen Bild schließen`, the label of
    /// a `<div role="button">` that shows the step's picture.
    #[test]
    fn a_button_holds_its_label_not_text() {
        let check = |inner: &str, expected: &[&str]| {
            assert_eq!(texts_of(inner, blocks), expected, "{inner}");
            assert_eq!(texts_of(inner, blocks_keeping_boxes), expected, "{inner}");
        };
        check(
            r#"<p>Rửa sạch rau.</p><div role="button"><span>Xem ảnh</span> <span>Đóng ảnh</span></div><p>Để ráo nước.</p>"#,
            &["Rửa sạch rau.", "Để ráo nước."],
        );
        // A card a script made clickable holds text of its own.
        check(
            r#"<div role="button"><p>Thông báo tuyển sinh lớp 10 năm học 2024–2025 của các trường trên địa bàn.</p></div>"#,
            &["Thông báo tuyển sinh lớp 10 năm học 2024–2025 của các trường trên địa bàn."],
        );
    }

    /// Regression: an embedded post (`<blockquote class="twitter-tweet">`) the article quotes
    /// was pruned for its class's `twitter`.
    #[test]
    fn a_quotation_is_the_articles_whatever_its_class() {
        let texts = texts_of(
            r#"<p>Bộ trưởng viết trên mạng xã hội:</p>
            <blockquote class="twitter-tweet"><p>Chúng tôi sẽ hỗ trợ bà con vùng lũ ngay trong đêm nay.</p></blockquote>
            <div class="twitter-share"><a href="/share">Chia sẻ lên Twitter</a></div>
            <blockquote class="quote" hidden><p>Bản nháp.</p></blockquote>
            <div class="social-media-embed"><blockquote class="twitter-tweet"><p>Đoàn cứu trợ đã đến nơi.</p></blockquote><script src="/widgets.js"></script></div>
            <div class="social-media-embed d-none"><blockquote class="twitter-tweet"><p>Bản nháp thứ hai.</p></blockquote></div>
            <div class="social-box"><blockquote><p>Theo dõi chúng tôi.</p></blockquote><a href="/follow">Theo dõi</a></div>"#,
            blocks,
        );
        // The frame an embedded post comes in (`social-media-embed`) is named for its
        // source: the quotation inside is the article's; not when the frame is hidden, nor
        // when the box holds more than the quotation.
        assert_eq!(
            texts,
            [
                "Bộ trưởng viết trên mạng xã hội:",
                "Chúng tôi sẽ hỗ trợ bà con vùng lũ ngay trong đêm nay.",
                "Đoàn cứu trợ đã đến nơi."
            ]
        );
    }

    /// Regression: a WordPress table-of-contents plugin classes every heading it lists
    /// `ez-toc-section`; the headings were pruned as the box of contents is.
    #[test]
    fn a_heading_a_table_of_contents_lists_is_no_box() {
        let texts = texts_of(
            r##"<div class="ez-toc-container"><a href="#a">Cách nộp hồ sơ</a></div>
            <h2 class="ez-toc-section" id="a">Cách nộp hồ sơ</h2><p>Người dân nộp hồ sơ tại bộ phận một cửa.</p>"##,
            blocks,
        );
        assert_eq!(texts, ["Cách nộp hồ sơ", "Người dân nộp hồ sơ tại bộ phận một cửa."]);
    }

    /// Regression: the PHP warnings an old blog printed into its sidebar outweighed its post.
    #[test]
    fn server_diagnostics_are_no_text() {
        for (line, diagnostic) in [
            (
                "Warning: Use of undefined constant comments - assumed 'comments' in /htdocs/wp-content/plugins/x.php on line 928",
                true,
            ),
            (
                "Deprecated: Assigning the return value of new by reference is deprecated in /www/wp-settings.php on line 520",
                true,
            ),
            (
                "Notice: Undefined index: id in C:\\inetpub\\portal\\tin-tuc.php on line 12",
                true,
            ),
            (
                "Strict Standards: Non-static method nggGallery::i18n() should not be called statically in /www/ngg.php on line 33",
                true,
            ),
            // Prose that speaks of warnings and lines is text.
            ("Warning: the ferry stops running on line 4 after dark.", false),
            ("Cảnh báo: mưa lớn trên tuyến số 4.", false),
        ] {
            assert_eq!(is_server_diagnostic(line), diagnostic, "{line}");
        }
    }

    /// Regression: an opinion piece's box (`article commentary`) was pruned as comments.
    #[test]
    fn boilerplate_tokens() {
        for (w, boilerplate) in [
            ("comments", true),
            ("comment", true),
            ("fb-commentbox", true),
            ("commentaires", true),
            ("commentlist", true),
            ("commentary", false),
            ("commentaries", false),
            ("relatedposts", true),
            // A box named for related stories or comments first holds those, whatever
            // content word follows; a content box named first is the article's.
            ("related_post", true),
            ("related-content", true),
            ("comments-body", true),
            ("post-content", false),
            ("content-related", false),
            // A dialog (a privacy notice, a sign-up form) is a pop-up: never the article.
            ("dialog", true),
            ("newsletter_small_dialog", true),
            // A box about the author is no part of the post; WordPress's `author-NAME` is.
            ("author-bio", true),
            ("author-description", true),
            ("about-the-author", true),
            ("author-jane", false),
            // A table of contents is navigation; the content beside it is not.
            ("ez-toc-container", true),
            ("toc_container", true),
            ("table-of-contents", true),
            ("toc-content", false),
            // WordPress's classic themes close a post with its filing line (`Der Beitrag
            // wurde am … veröffentlicht und wurde unter … abgelegt`); publishers name their
            // boxes of other stories for recirculation.
            ("postmetadata", true),
            // A consent plugin's box stands where the content it blocks would (`Klicken Sie
            // auf den unteren Button, um den Inhalt zu laden`), named for cookies however
            // the plugin spells it.
            ("borlabscookie", true),
            ("cookie-notice", true),
            ("cmp-cookiebanner", true),
            ("recirc-list-wrapper", true),
            ("wp-block-mmo-recirculation-box", true),
            ("content", false),
            ("tag-comment", false),
        ] {
            assert_eq!(is_boilerplate_token(w), boilerplate, "{w}");
        }
    }

    #[test]
    fn elements_come_in_document_order_with_the_boxes_around_them() {
        let html = Html::parse_document(
            r#"<html lang="vi"><head><title>T</title></head><body>
            <ul class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="/x">Tin tức</a></li></ul>
            <div><a href="/1">1</a><p><a href="/2">2</a></p><a>3</a></div>
            <div class="tags-box"><a href="/t">thẻ</a></div>
            <div class="duong-dan"><a href="/d">đường dẫn</a></div>
            <h1>Tiêu đề</h1></body></html>"#,
        );
        let e = Elements::of(&html, &regex::RegexSet::new(["tags", "breadcrumb"]).unwrap());
        let text = |v: &[ElementRef]| v.iter().map(|el| text_of(*el)).collect::<Vec<_>>();
        assert_eq!(text(&e.a), ["Trang chủ", "Tin tức", "1", "2", "3", "thẻ", "đường dẫn"]);
        assert_eq!(e.anchors().count(), 6);
        assert_eq!(text(&e.tag_links), ["thẻ"]);
        assert_eq!(
            text(&e.breadcrumb),
            ["Trang chủ", "Trang chủ", "Tin tức", "Tin tức", "đường dẫn"]
        );
        assert_eq!(text(&e.h1), ["Tiêu đề"]);
        assert_eq!(text(&e.classed[0]), ["thẻ"]);
        assert_eq!(e.classed[1].len(), 1);
        assert_eq!(e.classed[1][0].value().name(), "ul");
        assert_eq!(e.html.len(), 1);
        assert_eq!(text(&e.title), ["T"]);
    }
}
