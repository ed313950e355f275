//! What a page says about itself: `<meta>`, `<link>`, `<html lang>` and JSON-LD.

use serde::Serialize;
use serde_json::Value;

use super::dom::{Elements, text_of};

/// An article's field the page's metadata speaks of (see [`Claim`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimField {
    Title,
    Published,
    Modified,
    Author,
}

/// What the page's metadata says of one of the article's fields, and where it says it
/// (`<title>`, `og:title`, `article:published_time`, `JSON-LD NewsArticle datePublished`):
/// `vnnews check` sets these beside the fields extracted, so a user sees which the metadata
/// gave and which the page's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    pub field: ClaimField,
    pub origin: String,
    pub value: String,
}

#[derive(Debug, Default)]
pub struct Meta {
    pub title_tag: Option<String>,
    pub og_title: Option<String>,
    pub ld_headline: Option<String>,
    pub site_name: Option<String>,
    pub canonical: Option<String>,
    pub og_type: Option<String>,
    /// JSON-LD says this is an article (`NewsArticle`, `Article`, `BlogPosting`, …).
    pub ld_article: bool,
    /// Every JSON-LD `@type` on the page, lower case, in order.
    pub ld_types: Vec<String>,
    pub published: Vec<String>,
    pub modified: Vec<String>,
    /// Author names from `<meta name="author">` and `article:author` (unchecked).
    pub meta_authors: Vec<String>,
    /// JSON-LD authors that are people.
    pub ld_authors: Vec<String>,
    pub publisher: Option<String>,
    /// Names the page gives its owner: `copyright`, `publisher`, `DC.Publisher`,
    /// `og:site_name`, JSON-LD's publisher. An "author" among them is the organisation.
    pub owners: Vec<String>,
    pub description: Option<String>,
    pub section: Option<String>,
    pub keywords: Vec<String>,
    pub image: Option<String>,
    pub lang: Option<String>,
    pub base_href: Option<String>,
    pub feeds: Vec<String>,
    /// Parts of the main text a JSON-LD `Recipe`, `HowTo` or `FAQPage` lists, one list per
    /// kind: the ingredients (`recipeIngredient`), the steps (`recipeInstructions`, `step`,
    /// as text or `HowToStep`s, sections flattened), the questions with their answers. A
    /// page's layout may set them apart from the prose around them (in a box its class
    /// calls a widget, an accordion's headers); these say they are its text.
    pub ld_parts: Vec<Vec<String>>,
    /// Every title, date and author the metadata gives, with where it gives it, in the order
    /// read.
    pub claims: Vec<Claim>,
}

impl Meta {
    fn claim(&mut self, field: ClaimField, origin: impl Into<String>, value: &str) {
        self.claims.push(Claim {
            field,
            origin: origin.into(),
            value: value.to_owned(),
        });
    }
}

fn clean(s: &str) -> Option<String> {
    let t: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

/// The character an HTML/XML character reference names (`amp`, `#7852`, `#x1EAC`).
pub(crate) fn char_reference(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

/// Character references left in JSON-LD strings by CMSs that HTML-escape them
/// (`NH&#7852;T XUÂN`).
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = char_reference(name);
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn read(els: &Elements) -> Meta {
    let mut m = Meta {
        title_tag: els.title.first().and_then(|t| clean(&text_of(*t))),
        ..Meta::default()
    };
    if let Some(t) = m.title_tag.clone() {
        m.claim(ClaimField::Title, "<title>", &t);
    }
    m.lang = els
        .html
        .first()
        .and_then(|h| h.value().attr("lang"))
        .and_then(clean)
        .map(|l| l.to_ascii_lowercase());
    m.base_href = els.base.iter().find_map(|b| b.value().attr("href")).and_then(clean);

    for el in &els.meta {
        let v = el.value();
        let named = ["property", "name", "itemprop", "http-equiv"]
            .into_iter()
            .find_map(|a| v.attr(a).map(|k| (a, k.trim())));
        let (Some((attr, written)), Some(content)) = (named, v.attr("content").and_then(clean)) else {
            continue;
        };
        let key = written.to_ascii_lowercase();
        // Where a claim stands, as the page writes it: `property="og:title"`, `name="author"`.
        let origin = || format!("{attr}=\"{written}\"");
        match key.as_str() {
            "og:title" | "twitter:title" => {
                m.claim(ClaimField::Title, origin(), &content);
                m.og_title.get_or_insert(content);
            }
            "og:site_name" | "application-name" if m.site_name.is_none() => {
                m.owners.push(content.clone());
                m.site_name = Some(content)
            }
            "copyright" | "publisher" | "dc.publisher" | "dc.rights" | "owner" | "dcterms.publisher" => {
                m.owners.push(content)
            }
            "og:type" => m.og_type = Some(content.to_ascii_lowercase()),
            "og:url" if m.canonical.is_none() => m.canonical = Some(content),
            "article:published_time"
            | "datepublished"
            | "pubdate"
            | "publishdate"
            | "publish-date"
            | "date"
            | "dc.date"
            | "dc.date.issued"
            | "dcterms.created"
            | "og:published_time"
            | "article:published"
            | "sailthru.date"
            | "parsely-pub-date"
            | "dc.date.created"
            | "dcterms.date"
            | "created"
            // RDFa with schema.org's or Dublin Core's prefix (Drupal marks its nodes so), and
            // microdata's creation date.
            | "schema:datepublished"
            | "schema:datecreated"
            | "datecreated"
            | "dc:date"
            | "dc:created"
            | "dcterms:created"
            | "dcterms:issued" => {
                m.claim(ClaimField::Published, origin(), &content);
                m.published.push(content)
            }
            "article:modified_time"
            | "datemodified"
            | "og:updated_time"
            | "lastmod"
            | "last-modified"
            | "dcterms.modified"
            | "schema:datemodified"
            | "dcterms:modified" => {
                m.claim(ClaimField::Modified, origin(), &content);
                m.modified.push(content)
            }
            "author" | "article:author" | "dc.creator" | "sailthru.author" | "parsely-author"
                if !content.starts_with("http") =>
            {
                m.claim(ClaimField::Author, origin(), &content);
                m.meta_authors.push(content)
            }
            "description" | "og:description" if m.description.is_none() => m.description = Some(content),
            "article:section" | "articlesection" if m.section.is_none() => m.section = Some(content),
            "keywords" | "news_keywords" | "article:tag" => {
                for k in content.split([',', ';']) {
                    if let Some(k) = clean(k)
                        && !m.keywords.contains(&k)
                    {
                        m.keywords.push(k);
                    }
                }
            }
            "og:image" if m.image.is_none() => m.image = Some(content),
            "content-language" | "language" if m.lang.is_none() => m.lang = Some(content.to_ascii_lowercase()),
            _ => {}
        }
    }

    for el in els.link.iter().filter(|l| l.value().attr("href").is_some()) {
        let v = el.value();
        let rel = v.attr("rel").unwrap_or("").to_ascii_lowercase();
        let href = v.attr("href").unwrap_or("").trim().to_owned();
        if rel.split_whitespace().any(|r| r == "canonical") && !href.is_empty() {
            m.canonical = Some(href);
        } else if rel.split_whitespace().any(|r| r == "alternate")
            && v.attr("type").is_some_and(|t| t.contains("rss") || t.contains("atom"))
        {
            m.feeds.push(href);
        }
    }

    let ld = els.script.iter().filter(|s| {
        s.value()
            .attr("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
    });
    for el in ld {
        let raw: String = el.text().collect();
        if let Some(v) = parse_ld(raw.trim()) {
            read_ld(&v, &mut m);
        }
    }
    m
}

/// A JSON-LD block as JSON; where a CMS wrote line breaks or tabs raw inside its strings
/// (which JSON forbids, and browsers and search engines read anyway), again with each such
/// control character read as a space.
fn parse_ld(raw: &str) -> Option<Value> {
    match serde_json::from_str::<Value>(raw) {
        Ok(v) => Some(v),
        Err(e) if e.classify() == serde_json::error::Category::Syntax => {
            let (mut in_string, mut escaped, mut changed) = (false, false, false);
            let mended: String = raw
                .chars()
                .map(|c| {
                    if in_string && !escaped && c.is_control() {
                        changed = true;
                        return ' ';
                    }
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = in_string;
                    } else if c == '"' {
                        in_string = !in_string;
                    }
                    c
                })
                .collect();
            if changed {
                serde_json::from_str(&mended).ok()
            } else {
                None
            }
        }
        Err(_) => None,
    }
}

fn ld_types(v: &Value) -> Vec<String> {
    match v.get("@type") {
        Some(Value::String(s)) => vec![s.to_ascii_lowercase()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str())
            .map(str::to_ascii_lowercase)
            .collect(),
        _ => Vec::new(),
    }
}

/// A JSON-LD node's type as the page writes it (`NewsArticle`), for saying where a claim
/// stands.
fn ld_name(v: &Value) -> String {
    match v.get("@type") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("/"),
        _ => "node".to_owned(),
    }
}

const ARTICLE_TYPES: &[&str] = &[
    "newsarticle",
    "article",
    "blogposting",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "backgroundnewsarticle",
    "scholarlyarticle",
    "techarticle",
    "report",
    "liveblogposting",
];

fn read_ld(v: &Value, m: &mut Meta) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| read_ld(i, m)),
        Value::Object(o) => {
            if let Some(g) = o.get("@graph") {
                read_ld(g, m);
            }
            let types = ld_types(v);
            for t in &types {
                if !m.ld_types.contains(t) {
                    m.ld_types.push(t.clone());
                }
            }
            if types.iter().any(|t| t == "faqpage")
                && let Some(entities) = o.get("mainEntity")
            {
                let mut parts = Vec::new();
                for q in entities
                    .as_array()
                    .map(|a| a.iter().collect())
                    .unwrap_or_else(|| vec![entities])
                {
                    if let Some(name) = q.get("name") {
                        ld_texts(name, &mut parts);
                    }
                    if let Some(answer) = q.get("acceptedAnswer") {
                        ld_texts(answer, &mut parts);
                    }
                }
                if !parts.is_empty() {
                    m.ld_parts.push(parts);
                }
            }
            if types.iter().any(|t| t == "recipe" || t == "howto") {
                for key in ["recipeIngredient", "recipeInstructions", "step"] {
                    let mut parts = Vec::new();
                    if let Some(v) = o.get(key) {
                        ld_texts(v, &mut parts);
                    }
                    if !parts.is_empty() {
                        m.ld_parts.push(parts);
                    }
                }
            }
            if !types.iter().any(|t| ARTICLE_TYPES.contains(&t.as_str())) {
                // A `WebPage` (Yoast's `@graph` puts the dates there too) or any other typed
                // node: its dates count after the page's meta tags, its other fields not.
                if !types.is_empty() {
                    let node = ld_name(v);
                    if let Some(d) = o.get("datePublished").and_then(Value::as_str).and_then(clean) {
                        m.claim(ClaimField::Published, format!("JSON-LD {node} datePublished"), &d);
                        m.published.push(d);
                    }
                    if let Some(d) = o.get("dateModified").and_then(Value::as_str).and_then(clean) {
                        m.claim(ClaimField::Modified, format!("JSON-LD {node} dateModified"), &d);
                        m.modified.push(d);
                    }
                }
                return;
            }
            m.ld_article = true;
            let node = ld_name(v);
            if let Some(h) = o
                .get("headline")
                .and_then(Value::as_str)
                .and_then(|h| clean(&unescape(h)))
            {
                m.claim(ClaimField::Title, format!("JSON-LD {node} headline"), &h);
                m.ld_headline.get_or_insert(h);
            }
            if let Some(d) = o.get("datePublished").and_then(Value::as_str).and_then(clean) {
                m.claim(ClaimField::Published, format!("JSON-LD {node} datePublished"), &d);
                m.published.insert(0, d);
            }
            if let Some(d) = o.get("dateModified").and_then(Value::as_str).and_then(clean) {
                m.claim(ClaimField::Modified, format!("JSON-LD {node} dateModified"), &d);
                m.modified.insert(0, d);
            }
            if let Some(a) = o.get("author") {
                let known = m.ld_authors.len();
                ld_people(a, &mut m.ld_authors);
                let named: Vec<Claim> = m.ld_authors[known..]
                    .iter()
                    .map(|name| Claim {
                        field: ClaimField::Author,
                        origin: format!("JSON-LD {node} author"),
                        value: name.clone(),
                    })
                    .collect();
                m.claims.extend(named);
            }
            if let Some(p) = o.get("publisher").and_then(|p| p.get("name")).and_then(Value::as_str) {
                m.publisher = clean(p);
                m.owners.extend(clean(p));
            }
            if let Some(s) = o.get("articleSection") {
                let s = match s {
                    Value::String(s) => clean(s),
                    Value::Array(a) => a.first().and_then(Value::as_str).and_then(clean),
                    _ => None,
                };
                if m.section.is_none() {
                    m.section = s;
                }
            }
        }
        _ => {}
    }
}

/// The texts of a list of parts: strings (a string of several lines is a line each), a
/// `HowToStep`'s `text` (else its `name`), a `HowToSection`'s `itemListElement`s; markup a CMS
/// left in them goes.
fn ld_texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let text = without_tags(&unescape(s));
            out.extend(text.lines().filter_map(clean));
        }
        Value::Array(items) => items.iter().for_each(|i| ld_texts(i, out)),
        Value::Object(o) => {
            if let Some(items) = o.get("itemListElement") {
                ld_texts(items, out);
            } else if let Some(t) = o.get("text").or_else(|| o.get("name")) {
                ld_texts(t, out);
            }
        }
        _ => {}
    }
}

/// Text with its tags taken out, each read as a line break (`<p>Schritt 1</p><p>…`).
fn without_tags(s: &str) -> String {
    if !s.contains('<') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push('\n');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn ld_people(a: &Value, out: &mut Vec<String>) {
    match a {
        Value::Array(items) => items.iter().for_each(|i| ld_people(i, out)),
        Value::String(s) => out.extend(clean(&unescape(s))),
        Value::Object(o) => {
            let types = ld_types(a);
            if types
                .iter()
                .any(|t| t == "organization" || t == "newsmediaorganization")
            {
                return;
            }
            if let Some(n) = o.get("name").and_then(Value::as_str).and_then(|n| clean(&unescape(n))) {
                out.push(n);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn character_references_are_unescaped() {
        assert_eq!(super::unescape("NH&#7852;T XUÂN &amp; Hà"), "NHẬT XUÂN & Hà");
        assert_eq!(super::unescape("Tiếng Việt &x &#; Đà"), "Tiếng Việt &x &#; Đà");
    }

    #[test]
    fn json_ld_with_raw_line_breaks_in_its_strings_is_read() {
        let published = |raw: &str| {
            super::parse_ld(raw).and_then(|v| v.get("datePublished").and_then(|d| d.as_str()).map(String::from))
        };
        let raw = "{\"headline\":\"Ba ca\n\tdịch hạch\",\"datePublished\":\"2022-02-02T11:14:00+01:00\"}";
        assert_eq!(published(raw).as_deref(), Some("2022-02-02T11:14:00+01:00"));
        // An escaped quote and an escaped backslash do not end the string early.
        let raw = "{\"headline\":\"\\\"Ba\\\" ca\\\\\n\",\"datePublished\":\"2022-02-02\"}";
        assert_eq!(published(raw).as_deref(), Some("2022-02-02"));
        // Not JSON at all: nothing.
        assert_eq!(published("{headline: Ba ca}"), None);
    }

    #[test]
    fn the_parts_a_recipe_a_how_to_or_an_faq_lists_are_read_in_every_shape() {
        let check = |ld: &str, expected: &[&[&str]]| {
            let mut m = super::Meta::default();
            super::read_ld(&super::parse_ld(ld).expect("json"), &mut m);
            assert_eq!(m.ld_parts, expected, "{ld}");
        };
        check(
            r#"{"@type":"Recipe","recipeIngredient":["500 g cá lóc","2 quả &amp; cà chua"],
                "recipeInstructions":"<p>Làm sạch cá.</p><p>Nấu canh.</p>"}"#,
            &[&["500 g cá lóc", "2 quả & cà chua"], &["Làm sạch cá.", "Nấu canh."]],
        );
        check(
            r#"{"@graph":[{"@type":"WebPage"},{"@type":["Recipe"],"recipeInstructions":[
                {"@type":"HowToSection","name":"Bột","itemListElement":[{"@type":"HowToStep","text":"Nhào bột."}]},
                {"@type":"HowToStep","name":"Bước 2","text":"Nướng bánh."},
                "Để nguội\nrồi cắt"]}]}"#,
            &[&["Nhào bột.", "Nướng bánh.", "Để nguội", "rồi cắt"]],
        );
        check(
            r#"{"@type":"HowTo","step":[{"@type":"HowToStep","name":"Mở máy"}]}"#,
            &[&["Mở máy"]],
        );
        // An FAQ's questions and answers, in order.
        check(
            r#"{"@type":"FAQPage","mainEntity":[
                {"@type":"Question","name":"Hồ sơ gồm những gì?","acceptedAnswer":{"@type":"Answer","text":"<p>Đơn và bản sao.</p>"}},
                {"@type":"Question","name":"Nộp ở đâu?","acceptedAnswer":{"@type":"Answer","text":"Bộ phận một cửa."}}]}"#,
            &[&[
                "Hồ sơ gồm những gì?",
                "Đơn và bản sao.",
                "Nộp ở đâu?",
                "Bộ phận một cửa.",
            ]],
        );
        // Only a recipe's, a how-to's or an FAQ's lists are parts of the text.
        check(r#"{"@type":"NewsArticle","recipeIngredient":["muối"]}"#, &[]);
    }
}
