//! `cite` gives what a paper needs to cite exactly what was seen: the article's title,
//! authors, site, publication date and URL, when it was archived, and the archive reference
//! — WARC file, record id and payload digest — as text, CSL-JSON (Zotero, Pandoc), BibLaTeX
//! or RIS. Names are given whole (`literal`): Vietnamese names put the family name first and
//! must not be split as Western ones are.

use serde_json::json;

use crate::archive::{StoredArticle, warc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Text,
    CslJson,
    Bibtex,
    Ris,
}

/// What a citation says of one archived revision.
#[derive(Debug, Clone)]
pub struct Citation {
    pub id: String,
    pub title: String,
    pub authors: Vec<String>,
    pub site: String,
    /// `YYYY-MM-DD`, when the page gives one.
    pub published: Option<String>,
    pub url: String,
    /// Where it was fetched from, when that is not `url` (its canonical address).
    pub fetched_from: Option<String>,
    /// When vnnews fetched it (RFC 3339, UTC).
    pub archived_at: String,
    pub warc_file: Option<String>,
    pub record_id: Option<String>,
    pub payload_digest: Option<String>,
}

impl Citation {
    /// The citation of a revision; the payload digest is read from its WARC record when it
    /// can be.
    pub fn of(s: &StoredArticle, warc_dir: &std::path::Path) -> Citation {
        let a = &s.article;
        let at = s.fetch.warc.as_ref();
        let payload_digest = at
            .and_then(|at| warc::read_at(warc_dir, at).ok())
            .and_then(|r| r.header("WARC-Payload-Digest").map(str::to_owned));
        Citation {
            id: s.id.clone(),
            title: a.title.clone().unwrap_or_else(|| "(untitled)".to_owned()),
            authors: a.authors.clone(),
            site: a.site_name.clone().unwrap_or_else(|| a.site.clone()),
            published: a.published.as_deref().and_then(|p| p.get(..10)).map(str::to_owned),
            url: a.canonical_url.clone().unwrap_or_else(|| s.fetch.final_url.clone()),
            fetched_from: a
                .canonical_url
                .as_ref()
                .filter(|c| **c != s.fetch.final_url)
                .map(|_| s.fetch.final_url.clone()),
            archived_at: s.fetch.fetched_at.clone(),
            warc_file: at.map(|at| at.file.clone()),
            record_id: at.map(|at| at.record_id.clone()),
            payload_digest,
        }
    }

    fn archive_note(&self) -> String {
        let mut parts = vec![format!("archived {} by vnnews", self.archived_at)];
        if let Some(from) = &self.fetched_from {
            parts.push(format!("fetched from {from}"));
        }
        if let Some(f) = &self.warc_file {
            parts.push(format!("WARC file {f}"));
        }
        if let Some(r) = &self.record_id {
            parts.push(format!("record {r}"));
        }
        if let Some(d) = &self.payload_digest {
            parts.push(format!("payload digest {d}"));
        }
        parts.join("; ")
    }

    fn date_parts(d: &str) -> Option<serde_json::Value> {
        let p: Vec<i64> = d.get(..10)?.split('-').filter_map(|x| x.parse().ok()).collect();
        (p.len() == 3).then(|| json!({ "date-parts": [p] }))
    }

    /// The citation in a style.
    pub fn render(&self, style: Style) -> String {
        match style {
            Style::Text => {
                let who = if self.authors.is_empty() {
                    self.site.clone()
                } else {
                    self.authors.join(", ")
                };
                let when = self.published.as_deref().unwrap_or("n.d.");
                format!(
                    "{who} ({when}). {}. {}. {} ({}).",
                    self.title,
                    self.site,
                    self.url,
                    self.archive_note()
                )
            }
            Style::CslJson => {
                let mut item = json!({
                    "id": format!("vnnews-{}", self.id),
                    "type": "webpage",
                    "title": self.title,
                    "container-title": self.site,
                    "URL": self.url,
                    "note": self.archive_note(),
                });
                if !self.authors.is_empty() {
                    item["author"] = json!(self.authors.iter().map(|a| json!({ "literal": a })).collect::<Vec<_>>());
                }
                if let Some(d) = self.published.as_deref().and_then(Citation::date_parts) {
                    item["issued"] = d;
                }
                if let Some(d) = Citation::date_parts(&self.archived_at) {
                    item["accessed"] = d;
                }
                serde_json::to_string_pretty(&json!([item])).expect("serialises")
            }
            Style::Bibtex => {
                let esc = |s: &str| {
                    s.replace('\\', "\\textbackslash{}")
                        .replace('{', "\\{")
                        .replace('}', "\\}")
                };
                let mut f = vec![
                    format!("  title = {{{}}}", esc(&self.title)),
                    format!("  organization = {{{}}}", esc(&self.site)),
                    format!("  url = {{{}}}", self.url),
                    format!(
                        "  urldate = {{{}}}",
                        self.archived_at.get(..10).unwrap_or(&self.archived_at)
                    ),
                    format!("  note = {{{}}}", esc(&self.archive_note())),
                ];
                if !self.authors.is_empty() {
                    // Braced whole: no family/given split.
                    let names: Vec<String> = self.authors.iter().map(|a| format!("{{{}}}", esc(a))).collect();
                    f.insert(0, format!("  author = {{{}}}", names.join(" and ")));
                }
                if let Some(d) = &self.published {
                    f.push(format!("  date = {{{d}}}"));
                }
                format!("@online{{vnnews-{},\n{}\n}}", self.id, f.join(",\n"))
            }
            Style::Ris => {
                let mut l = vec!["TY  - ELEC".to_owned(), format!("TI  - {}", self.title)];
                l.extend(self.authors.iter().map(|a| format!("AU  - {a}")));
                if let Some(d) = &self.published {
                    l.push(format!("PY  - {}", d.get(..4).unwrap_or(d)));
                    l.push(format!("DA  - {}", d.replace('-', "/")));
                }
                l.push(format!("T2  - {}", self.site));
                l.push(format!("UR  - {}", self.url));
                l.push(format!(
                    "Y2  - {}",
                    self.archived_at
                        .get(..10)
                        .unwrap_or(&self.archived_at)
                        .replace('-', "/")
                ));
                l.push(format!("N1  - {}", self.archive_note()));
                l.push("ER  - ".to_owned());
                l.join("\n")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Citation {
        Citation {
            id: "5983a43246e7a1a31c29".into(),
            title: "Long Biên triển khai Tháng hành động vì bình đẳng giới".into(),
            authors: vec!["Nhật Minh".into()],
            site: "Cổng thông tin điện tử quận Long Biên".into(),
            published: Some("2019-11-05".into()),
            url: "https://longbien.hanoi.gov.vn/tin-tuc-su-kien/a-c4-2305.htm".into(),
            fetched_from: None,
            archived_at: "2026-12-02T13:29:29Z".into(),
            warc_file: Some("vnnews-1.warc.gz".into()),
            record_id: Some("<urn:uuid:1>".into()),
            payload_digest: Some("sha1:ABC".into()),
        }
    }

    #[test]
    fn each_style_carries_the_archive_reference_and_whole_names() {
        let c = sample();
        let text = c.render(Style::Text);
        assert!(
            text.starts_with("Nhật Minh (2019-11-05). Long Biên triển khai"),
            "{text}"
        );
        for style in [Style::Text, Style::CslJson, Style::Bibtex, Style::Ris] {
            let s = c.render(style);
            assert!(
                s.contains("vnnews-1.warc.gz") && s.contains("<urn:uuid:1>") && s.contains("sha1:ABC"),
                "{s}"
            );
        }
        let csl: serde_json::Value = serde_json::from_str(&c.render(Style::CslJson)).unwrap();
        assert_eq!(csl[0]["author"][0]["literal"], "Nhật Minh");
        assert_eq!(csl[0]["issued"]["date-parts"][0], json!([2019, 11, 5]));
        assert_eq!(csl[0]["accessed"]["date-parts"][0], json!([2026, 12, 2]));
        assert!(c.render(Style::Bibtex).contains("author = {{Nhật Minh}}"));
        let ris = c.render(Style::Ris);
        assert!(ris.starts_with("TY  - ELEC\n") && ris.ends_with("ER  - "), "{ris}");
        assert!(ris.contains("\nAU  - Nhật Minh\n") && ris.contains("\nDA  - 2019/11/05\n"));
    }
}
