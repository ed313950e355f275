//! The article's images with their captions and photo credits, and which elements are
//! those captions (they are kept with their image, not in the body).
//!
//! A caption is, for an image: the `<figcaption>` of its `<figure>`; the text cells of a
//! table that frames it (a legacy portal's `<table class="image">`: an image cell and a
//! caption cell); or the short italic, centred (or `Ảnh: …`) line, or the line that says
//! what its `alt` or `title` says, directly under it — the rest of the image's own
//! paragraph, or the element right after it. A photo credit (`Ảnh: Minh
//! An`, `(Ảnh: TTXVN)`, `Photo: …`) at the end of a caption, or standing as that line, is
//! the image's `credit`.

use ego_tree::NodeId;
use regex::Regex;
use scraper::{ElementRef, Html};
use std::sync::LazyLock;
use url::Url;

use super::{IMG, Image, dom, is_caption, meta, resolve, table};

/// Longer than this, a line under an image is text of its own, not a caption.
const MAX_CAPTION_CHARS: usize = 300;

/// More words than this after `Ảnh:` are a caption, not a credit.
const MAX_CREDIT_WORDS: usize = 7;

/// A photo credit at the end of a caption, or as the whole of it.
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[(\[]?\s*(?:ảnh|nguồn ảnh|ảnh minh (?:họa|hoạ)|photo|foto|photograph|image)\s*(?::|-|–)\s*([^()\[\]:]{1,60}?)\s*[)\]]?\s*\.?\s*$",
    )
    .expect("regex")
});

/// The images of a page, and the caption elements found for them.
pub struct Figures {
    pub images: Vec<Image>,
    /// Elements that are captions (their blocks leave the body unless the captions are
    /// the body: see [`super::doc::paragraphs`]).
    pub caption_nodes: Vec<NodeId>,
}

/// A caption's text split into what it says and who took the photo.
fn split_credit(text: &str) -> (Option<String>, Option<String>) {
    let text = text.trim();
    let Some(c) = CREDIT.captures(text) else {
        return (Some(text.to_owned()).filter(|t| !t.is_empty()), None);
    };
    let whole = c.get(0).expect("match");
    let credit = c[1].trim().trim_end_matches('.').trim().to_owned();
    // "Ảnh minh họa" alone is a note, not a name.
    if credit.is_empty() {
        return (Some(text.to_owned()), None);
    }
    // A credit names a photographer or an agency in a few words, their affiliation after a
    // dash or a slash (`Thanh Hải - Trung tâm Văn hóa huyện`); more words before any are what
    // the picture shows (`Ảnh: Đồng chí Chủ tịch UBND huyện phát biểu tại hội nghị`).
    let who = credit
        .split(['-', '–', '/'])
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .count();
    if who > MAX_CREDIT_WORDS {
        let caption = if whole.start() == 0 { &c[1] } else { text };
        return (Some(caption.trim().to_owned()), None);
    }
    let caption = text[..whole.start()]
        .trim()
        .trim_end_matches(['-', '–', '(', '|'])
        .trim();
    (Some(caption.to_owned()).filter(|c| !c.is_empty()), Some(credit))
}

/// Does this element's text read as a caption: short, and in italics, a photo line, in an
/// element its class calls one (`wp-caption-text`, `media__caption`), or centred as the
/// editors of portals centre an image and the line under it?
fn captionlike(el: ElementRef, img: ElementRef) -> Option<String> {
    if !within(el, MAX_CAPTION_CHARS, 1) {
        return None;
    }
    let t = dom::styled_text(el);
    let n = t.text.chars().count();
    (n > 0
        && n <= MAX_CAPTION_CHARS
        && (t.is_italic()
            || is_caption(&t.text)
            || repeats_description(&t.text, img)
            || CREDIT.is_match(&t.text)
            || caption_classed(el)
            || centred(el) && plain_caption(el, &t.text)))
    .then_some(t.text)
}

/// Does the line say what the image's own description (its `alt` or `title`) says? A
/// page that writes the description under its picture has written the picture's caption.
fn repeats_description(text: &str, img: ElementRef) -> bool {
    ["alt", "title"].iter().any(|a| {
        img.value().attr(a).is_some_and(|d| {
            let d = d.trim();
            d.chars().count() >= MIN_DESCRIPTION_CHARS && text.contains(d)
        })
    })
}

/// A shorter `alt` (`ảnh`, `photo`, a file name's stem) says too little to tell a caption by.
const MIN_DESCRIPTION_CHARS: usize = 20;

/// Does a line in plain type read as a caption: one line (no `<br>` after its first text),
/// one sentence, not a quotation? A centred review or a centred title of two lines under a
/// picture is text of the page.
fn plain_caption(el: ElementRef, text: &str) -> bool {
    let mut seen_text = false;
    for d in el.descendants() {
        match d.value() {
            scraper::Node::Text(t) if !t.trim().is_empty() => seen_text = true,
            scraper::Node::Element(e) if e.name() == "br" && seen_text => return false,
            _ => {}
        }
    }
    let sentences = text
        .trim_end_matches(['.', '!', '?', ' '])
        .match_indices(['.', '!', '?'])
        .filter(|(i, _)| text[i + 1..].starts_with(' '))
        .count();
    sentences == 0 && !text.starts_with(['“', '"', '«', '„', '\''])
}

/// Is the element's text centred by its own markup (`align="center"`, `text-align:
/// center`, a `text-center`/`aligncenter` class)?
fn centred(el: ElementRef) -> bool {
    let e = el.value();
    e.attr("align").is_some_and(|a| a.eq_ignore_ascii_case("center"))
        || e.attr("style")
            .is_some_and(|s| s.to_ascii_lowercase().replace(' ', "").contains("text-align:center"))
        || e.classes().any(|c| {
            let c = c.to_ascii_lowercase();
            c == "text-center" || c == "aligncenter" || c == "has-text-align-center"
        })
}

/// Does the element's class name it a caption (a token holding `caption`)?
fn caption_classed(el: ElementRef) -> bool {
    el.value().classes().any(|c| c.to_ascii_lowercase().contains("caption"))
}

/// Does this element hold at most `chars` characters of text and `imgs` images? It stops
/// reading as soon as it knows: asked for every image, it must not read a whole page each
/// time.
fn within(el: ElementRef, chars: usize, imgs: usize) -> bool {
    let (mut n, mut i) = (0, 0);
    for d in el.descendants() {
        match d.value() {
            scraper::Node::Text(t) => n += t.chars().filter(|c| !c.is_whitespace()).count(),
            scraper::Node::Element(e) if e.name() == "img" => i += 1,
            _ => {}
        }
        if n > chars || i > imgs {
            return false;
        }
    }
    true
}

/// Has this element text of its own, besides images?
fn has_text(el: ElementRef) -> bool {
    el.text().any(|t| !t.trim().is_empty())
}

/// The caption of one image, and the element holding it.
fn caption_of(img: ElementRef) -> Option<(String, NodeId)> {
    let ancestors = || img.ancestors().filter_map(ElementRef::wrap);
    if let Some(f) = ancestors().find(|a| a.value().name() == "figure") {
        let mut inside = f.descendants().filter_map(ElementRef::wrap);
        let cap = inside
            .clone()
            .find(|d| d.value().name() == "figcaption")
            .or_else(|| inside.find(|d| caption_classed(*d)))?;
        let text = dom::text_of(cap);
        return (!text.is_empty()).then(|| (text, cap.id()));
    }
    // A table framing the image: its cells without an image are the caption.
    if let Some(t) = ancestors().find(|a| a.value().name() == "table")
        && within(t, 2 * MAX_CAPTION_CHARS, 1)
        && !table::is_data_table(t)
    {
        let cells: Vec<ElementRef> = t
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|d| matches!(d.value().name(), "td" | "th"))
            .filter(|d| d.select(&IMG).next().is_none() && has_text(*d))
            .collect();
        let text = cells.iter().map(|c| dom::text_of(*c)).collect::<Vec<_>>().join(" ");
        let n = text.chars().count();
        if !cells.is_empty() && n <= MAX_CAPTION_CHARS && cells.len() <= 2 {
            return Some((text, t.id()));
        }
        return None;
    }
    // The image's own block, when it has text: `<p><img><br><em>…</em></p>` — a caption
    // only when all of the block's text is one.
    if let Some(b) = ancestors().find(|a| dom::is_block(a.value().name()))
        && has_text(b)
    {
        return captionlike(b, img).map(|t| (t, b.id()));
    }
    // Else the element right after the image's unit (its ancestors without text).
    let unit = ancestors().take_while(|a| !has_text(*a)).last().unwrap_or(img);
    let next = unit.next_siblings().filter_map(ElementRef::wrap).next()?;
    captionlike(next, img).map(|t| (t, next.id()))
}

/// The page's images — its `og:image` first, then those of the article's container — with
/// their captions and credits.
pub fn read(html: &Html, m: &meta::Meta, container: Option<NodeId>, base: &Option<Url>) -> Figures {
    let mut f = Figures {
        images: Vec::new(),
        caption_nodes: Vec::new(),
    };
    if let Some(u) = m.image.as_deref().and_then(|i| resolve(base, i)) {
        f.images.push(Image {
            url: u.into(),
            caption: None,
            credit: None,
        });
    }
    let Some(c) = container.and_then(|c| html.tree.get(c)).and_then(ElementRef::wrap) else {
        return f;
    };
    for img in c.select(&IMG) {
        // A picture loaded as it scrolls into view has a placeholder (`data:`) for its
        // `src`, and its address in a `data-` attribute.
        let Some(u) = ["src", "data-src", "data-lazy-src", "data-original"]
            .iter()
            .find_map(|a| img.value().attr(a).and_then(|s| resolve(base, s)))
        else {
            continue;
        };
        let (caption, credit) = match caption_of(img) {
            Some((text, node)) => {
                f.caption_nodes.push(node);
                split_credit(&text)
            }
            None => (
                img.value()
                    .attr("alt")
                    .map(|a| a.trim().to_owned())
                    .filter(|a| !a.is_empty()),
                None,
            ),
        };
        match f.images.iter_mut().find(|i| i.url == u.as_str()) {
            // The og:image is often the first image of the text: it gains its caption.
            Some(seen) if seen.caption.is_none() && seen.credit.is_none() => {
                seen.caption = caption;
                seen.credit = credit;
            }
            Some(_) => {}
            None => f.images.push(Image {
                url: u.into(),
                caption,
                credit,
            }),
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Selector;

    fn check(body: &str, expected: &[(&str, Option<&str>, Option<&str>)], captions: usize) {
        let html = Html::parse_document(&format!("<html><body><div id=c>{body}</div></body></html>"));
        let c = html.select(&Selector::parse("#c").unwrap()).next().unwrap().id();
        let base = Url::parse("http://example.org/").ok();
        let f = read(&html, &meta::Meta::default(), Some(c), &base);
        let got: Vec<(String, Option<String>, Option<String>)> =
            f.images.into_iter().map(|i| (i.url, i.caption, i.credit)).collect();
        let want: Vec<(String, Option<String>, Option<String>)> = expected
            .iter()
            .map(|(u, c, r)| {
                (
                    format!("http://example.org/{u}"),
                    c.map(String::from),
                    r.map(String::from),
                )
            })
            .collect();
        assert_eq!(got, want, "{body}");
        assert_eq!(f.caption_nodes.len(), captions, "{body}");
    }

    #[test]
    fn captions_and_credits() {
        check(
            "<figure><img src=a.jpg><figcaption>Đoàn công tác thăm hỏi. Ảnh: Minh An</figcaption></figure>",
            &[("a.jpg", Some("Đoàn công tác thăm hỏi."), Some("Minh An"))],
            1,
        );
        check(
            "<table class=image><tr><td><img src=a.jpg></td></tr><tr><td>Lễ ra quân (Ảnh: TTXVN)</td></tr></table>",
            &[("a.jpg", Some("Lễ ra quân"), Some("TTXVN"))],
            1,
        );
        check(
            "<p style='text-align:center'><img src=a.jpg></p><p style='text-align:center'><em>Quang cảnh hội nghị</em></p><p>Sáng nay, hội nghị đã khai mạc.</p>",
            &[("a.jpg", Some("Quang cảnh hội nghị"), None)],
            1,
        );
        check(
            "<p><img src=a.jpg><br><i>Người dân nhận quà</i></p>",
            &[("a.jpg", Some("Người dân nhận quà"), None)],
            1,
        );
        check(
            "<p><img src=a.jpg></p><p>Ảnh: Hoàng Long</p>",
            &[("a.jpg", None, Some("Hoàng Long"))],
            1,
        );
        // A caption its class names, in plain type: WordPress's, or inside a figure that
        // has no figcaption.
        check(
            "<div class='wp-caption'><img src=a.jpg><p class='wp-caption-text'>Quang cảnh hội nghị sáng nay</p></div><p>Sáng nay, hội nghị đã khai mạc.</p>",
            &[("a.jpg", Some("Quang cảnh hội nghị sáng nay"), None)],
            1,
        );
        check(
            "<figure><div><img src=a.jpg></div><h2 class='figure__caption'>Quang cảnh hội nghị</h2></figure>",
            &[("a.jpg", Some("Quang cảnh hội nghị"), None)],
            1,
        );
        // A paragraph of text under the image is the article's, and the alt text stands in.
        check(
            "<p><img src=a.jpg alt='Hội nghị'></p><p>Sáng nay, hội nghị tổng kết công tác năm đã khai mạc tại trụ sở.</p>",
            &[("a.jpg", Some("Hội nghị"), None)],
            0,
        );
        // A centred line under a centred image, in plain type: in its own paragraph, or
        // after a `<br>` in the image's.
        check(
            "<p style='text-align:center'><img src=a.jpg></p><p style='text-align:center'>Đồng chí Chủ tịch UBND huyện phát biểu tại hội nghị</p>",
            &[(
                "a.jpg",
                Some("Đồng chí Chủ tịch UBND huyện phát biểu tại hội nghị"),
                None,
            )],
            1,
        );
        check(
            "<p align=center><img src=a.jpg><br>Quang cảnh hội nghị</p>",
            &[("a.jpg", Some("Quang cảnh hội nghị"), None)],
            1,
        );
        // A centred review (sentences, a quotation) or a centred title of two lines is text.
        check(
            "<p style='text-align:center'><img src=a.jpg></p><p style='text-align:center'>“Very talented people! Super fun!”</p>",
            &[("a.jpg", None, None)],
            0,
        );
        check(
            "<p style='text-align:center'><img src=a.jpg></p><p style='text-align:center'>Buổi biểu diễn nghệ thuật<br>Nhà hát Lớn</p>",
            &[("a.jpg", None, None)],
            0,
        );
        // An image inside a paragraph of text has no caption from it.
        check(
            "<p>Theo báo cáo <img src=a.gif> của <em>Sở</em>, số hộ tăng.</p>",
            &[("a.gif", None, None)],
            0,
        );
        // A line in plain type under the picture that says what its `alt` says, after a
        // link's label; a picture loaded as it scrolls, its address in `data-src`.
        check(
            "<div><picture><img src='data:image/gif;base64,R0lGOD' data-src=a.jpg alt='Cầu Long Biên nhìn từ bãi giữa sông Hồng'>\
             </picture><div class=desc><a href=a.jpg>Phóng to</a> Cầu Long Biên nhìn từ bãi giữa sông Hồng</div></div>",
            &[("a.jpg", Some("Phóng to Cầu Long Biên nhìn từ bãi giữa sông Hồng"), None)],
            1,
        );
        // An `alt` too short to tell by says nothing of the line under it.
        check(
            "<div><picture><img src=a.jpg alt='Long Biên'></picture><div>Cầu Long Biên nhìn từ bãi giữa</div></div>",
            &[("a.jpg", Some("Long Biên"), None)],
            0,
        );
    }

    #[test]
    fn a_credit_is_split_from_its_caption() {
        for (text, caption, credit) in [
            (
                "Chủ tịch phát biểu. Ảnh: Minh An",
                Some("Chủ tịch phát biểu."),
                Some("Minh An"),
            ),
            ("Chủ tịch phát biểu (Ảnh: VGP)", Some("Chủ tịch phát biểu"), Some("VGP")),
            ("Ảnh minh họa", Some("Ảnh minh họa"), None),
            ("Photo: Reuters", None, Some("Reuters")),
            ("Cầu Long Biên về đêm", Some("Cầu Long Biên về đêm"), None),
            ("Ảnh: Đài Truyền hình Việt Nam", None, Some("Đài Truyền hình Việt Nam")),
            (
                "Ảnh: Thanh Hải - Trung tâm Văn hóa Thông tin huyện Bình Minh",
                None,
                Some("Thanh Hải - Trung tâm Văn hóa Thông tin huyện Bình Minh"),
            ),
            // The label before what the picture shows: a caption (it had been the credit).
            (
                "Ảnh: Đồng chí Chủ tịch UBND huyện phát biểu tại hội nghị",
                Some("Đồng chí Chủ tịch UBND huyện phát biểu tại hội nghị"),
                None,
            ),
        ] {
            let (c, r) = split_credit(text);
            assert_eq!((c.as_deref(), r.as_deref()), (caption, credit), "{text}");
        }
    }
}
