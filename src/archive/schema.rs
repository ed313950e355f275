//! `schema` is the archive's on-disk article JSON: the types a revision file holds. They are
//! the archive's own, converted from what extraction produced (`From<extract::Article>`),
//! so extraction can change its working types without changing files already written.
//!
//! Every file carries `schema_version`. Readers accept every earlier version:
//! - 1: the same fields, the version under the name `schema`;
//! - 2: the version as `schema_version`.

use serde::{Deserialize, Serialize};

use super::WarcRef;
use crate::decode::EncodingReport;
use crate::extract::{self, Image, PageType};

/// Version of the stored JSON layout (see archive/README.md).
pub const SCHEMA_VERSION: u32 = 2;

/// How the page was fetched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FetchInfo {
    pub fetched_at: String,
    pub status: u16,
    pub final_url: String,
    pub content_type: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// SHA-256 of the response body as received.
    pub content_sha256: String,
    pub warc: Option<WarcRef>,
}

/// One article revision as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredArticle {
    /// The layout version this file was written in (`schema` in version 1).
    #[serde(alias = "schema")]
    pub schema_version: u32,
    pub id: String,
    pub revision: u32,
    /// SHA-256 of the article's text fields: equal hashes mean an unchanged article.
    pub text_sha256: String,
    #[serde(flatten)]
    pub article: ArticleRecord,
    pub fetch: FetchInfo,
}

/// The article's fields as stored. All text is NFC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleRecord {
    pub url: String,
    pub canonical_url: Option<String>,
    /// The site's name in the crawl configuration.
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
    /// Official documents cited by number (absent from files written before vnnews read
    /// them; [`crate::archive::documents_of`] then reads them from the text).
    #[serde(default)]
    pub documents: Vec<crate::extract::docnum::DocumentRef>,
    /// The body's data tables as grids (absent from files written before vnnews read them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<crate::extract::table::Table>,
    /// The documents the article links to (see [`crate::archive::attachments`] for what
    /// each was when fetched).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<crate::extract::AttachmentLink>,
    pub language: Option<String>,
    /// How the bytes were decoded, and every repair made to the text.
    pub encoding: EncodingReport,
    pub warnings: Vec<String>,
}

impl From<extract::Article> for ArticleRecord {
    fn from(a: extract::Article) -> ArticleRecord {
        let extract::Article {
            url,
            canonical_url,
            site,
            site_name,
            page_type,
            title,
            published,
            modified,
            authors,
            source,
            lead,
            body,
            category,
            tags,
            images,
            documents,
            tables,
            attachments,
            language,
            encoding,
            warnings,
        } = a;
        ArticleRecord {
            url,
            canonical_url,
            site,
            site_name,
            page_type,
            title,
            published,
            modified,
            authors,
            source,
            lead,
            body,
            category,
            tags,
            images,
            documents,
            tables,
            attachments,
            language,
            encoding,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_file_is_read_and_a_new_one_says_its_version() {
        let v1 = r#"{"schema": 1, "id": "5983a43246e7a1a31c29", "revision": 1, "text_sha256": "x",
            "url": "http://a/1", "canonical_url": null, "site": "a", "site_name": null,
            "page_type": "article", "title": "T", "published": "2019-11-05T13:01:00+07:00",
            "modified": null, "authors": ["Nhật Minh"], "source": null, "lead": null, "body": "B",
            "category": null, "tags": [], "images": [], "language": "vi",
            "encoding": {"label": "utf-8", "from": "http", "http": "utf-8", "meta": null,
                         "disagreement": null, "repairs": []},
            "warnings": [],
            "fetch": {"fetched_at": "2026-11-28T16:01:58Z", "status": 200, "final_url": "http://a/1",
                      "content_type": null, "etag": null, "last_modified": null,
                      "content_sha256": "y", "warc": null}}"#;
        let s: StoredArticle = serde_json::from_str(v1).unwrap();
        assert_eq!(s.schema_version, 1);
        assert_eq!(s.article.authors, ["Nhật Minh"]);
        let written = serde_json::to_value(StoredArticle {
            schema_version: SCHEMA_VERSION,
            ..s
        })
        .unwrap();
        assert_eq!(written["schema_version"], 2);
        assert!(written.get("schema").is_none());
    }
}
