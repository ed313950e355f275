//! `wacz` packages captures of the archive as WACZ 1.1.1 (the Webrecorder format that
//! ReplayWeb.page and pywb load): a ZIP, every entry stored, holding
//!
//! ```text
//! archive/data.warc.gz        the selected records, their gzip members copied byte for byte
//! indexes/index.cdx           their CDXJ index (sorted; offsets into data.warc.gz)
//! pages/pages.jsonl           one line per archived article: url, ts, title (and text)
//! datapackage.json            every file above with its sha256 and size
//! datapackage-digest.json     the sha256 of datapackage.json
//! ```
//!
//! The selection is every `response` and `revisit` record of the chosen sites (their
//! configured scope and the hosts of their articles) captured in the chosen days, each
//! with its concurrent `request` record; a revisit brings the response it repeats, so
//! replay never meets a revisit without its payload.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::archive::{Archive, cdxj, warc};
use crate::config::Site;
use crate::error::{Error, IoContext, Result};

/// What to put in a package.
#[derive(Debug, Default)]
pub struct Selection<'a> {
    /// Only these sites' captures and articles (none: all). A site's captures are those in
    /// its configured scope (when `scopes` has it) and those on the hosts of its archived
    /// articles (an archive made under another configuration keeps its own hosts).
    pub sites: &'a [String],
    pub scopes: Vec<&'a Site>,
    /// Captured on or after / on or before these days (UTC, as WARC dates are).
    pub since: Option<chrono::NaiveDate>,
    pub until: Option<chrono::NaiveDate>,
    /// Put each article's text in `pages.jsonl` (full-text search in ReplayWeb.page).
    pub text: bool,
}

/// What a package holds.
#[derive(Debug, Default, Serialize)]
pub struct Packed {
    pub records: usize,
    pub captures: usize,
    pub pages: usize,
    pub bytes: u64,
}

/// One capture of the archive's CDXJ index, and where it is.
struct Capture {
    url: String,
    timestamp: String,
    revisit: bool,
    digest: Option<String>,
    file: String,
    offset: u64,
}

impl Capture {
    fn parse(line: &str) -> Option<Capture> {
        let (_, ts, json) = cdxj::parse_line(line)?;
        let s = |k: &str| json[k].as_str().map(str::to_owned);
        Some(Capture {
            url: s("url")?,
            timestamp: ts.to_owned(),
            revisit: json["mime"] == "warc/revisit",
            digest: s("digest"),
            file: s("filename")?,
            offset: s("offset")?.parse().ok()?,
        })
    }
}

/// The index lines of every WARC file (read from `cdxj/`, or from the file when its index is
/// missing: this reads, it writes nothing).
fn all_captures(archive: &Archive) -> Result<Vec<Capture>> {
    let root = archive.root();
    let mut out = Vec::new();
    for name in cdxj::warc_files(root)? {
        let path = cdxj::path_for(root, &name);
        let lines: Vec<String> = match std::fs::read_to_string(&path) {
            Ok(text) => text.lines().map(str::to_owned).collect(),
            Err(_) => cdxj::scan(&archive.warc_dir().join(&name))?,
        };
        out.extend(lines.iter().filter_map(|l| Capture::parse(l)));
    }
    Ok(out)
}

/// A ZIP entry's content hashed as it is written.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[derive(Serialize)]
struct Resource {
    name: String,
    path: String,
    hash: String,
    bytes: u64,
}

/// The package being written.
struct Package<W: Write + std::io::Seek> {
    zip: zip::ZipWriter<W>,
    resources: Vec<Resource>,
    path: PathBuf,
}

impl<W: Write + std::io::Seek> Package<W> {
    fn err(&self, e: impl std::fmt::Display) -> Error {
        Error::Io {
            path: self.path.clone(),
            source: std::io::Error::other(e.to_string()),
        }
    }

    /// Write one entry, stored, and list it among the package's resources; `fill` writes its
    /// content.
    fn resource(&mut self, name: &str, large: bool, fill: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
        let (hash, bytes) = self.entry(name, large, fill)?;
        self.resources.push(Resource {
            name: name.rsplit('/').next().unwrap_or(name).to_ascii_lowercase(),
            path: name.to_owned(),
            hash,
            bytes,
        });
        Ok(())
    }

    /// Write one entry, stored; `fill` writes its content. Returns its sha256 and size.
    fn entry(
        &mut self,
        name: &str,
        large: bool,
        fill: impl FnOnce(&mut dyn Write) -> Result<()>,
    ) -> Result<(String, u64)> {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(large);
        self.zip.start_file(name, options).map_err(|e| self.err(e))?;
        let mut w = Hashing {
            inner: &mut self.zip,
            hash: Sha256::new(),
            bytes: 0,
        };
        fill(&mut w)?;
        Ok((format!("sha256:{:x}", w.hash.finalize()), w.bytes))
    }
}

fn day_of(timestamp: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(timestamp.get(..8)?, "%Y%m%d").ok()
}

/// Write a WACZ package of the selection to `out` (at `path`, for messages).
pub fn write_wacz<W: Write + std::io::Seek>(
    archive: &Archive,
    sel: &Selection,
    out: W,
    path: &Path,
) -> Result<(Packed, Vec<PathBuf>)> {
    // The hosts of the sites' archived articles (besides their configured scopes).
    let mut skipped = Vec::new();
    let mut hosts = HashSet::new();
    let mut articles = Vec::new();
    let mut readable = archive.readable();
    for s in &mut readable {
        let s = s?;
        if !sel.sites.is_empty() && !sel.sites.contains(&s.article.site) {
            continue;
        }
        if let Some(h) = url::Url::parse(&s.fetch.final_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
        {
            hosts.insert(h);
        }
        articles.push(s);
    }
    skipped.extend(readable.skipped().iter().cloned());
    let in_site = |url: &str| -> bool {
        if sel.sites.is_empty() {
            return true;
        }
        let Ok(u) = url::Url::parse(url) else { return false };
        sel.scopes.iter().any(|site| site.in_scope(&u)) || u.host_str().is_some_and(|h| hosts.contains(h))
    };
    let in_days = |ts: &str| {
        let day = day_of(ts);
        sel.since.is_none_or(|d| day.is_some_and(|x| x >= d)) && sel.until.is_none_or(|d| day.is_some_and(|x| x <= d))
    };

    let all = all_captures(archive)?;
    // The latest response of each URL and payload, for the revisits that repeat one.
    let mut originals: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, c) in all.iter().enumerate() {
        if let (false, Some(d)) = (c.revisit, &c.digest) {
            originals.insert((c.url.as_str(), d.as_str()), i);
        }
    }
    let mut chosen: BTreeSet<usize> = BTreeSet::new();
    for (i, c) in all.iter().enumerate() {
        if in_site(&c.url) && in_days(&c.timestamp) {
            chosen.insert(i);
            if let (true, Some(d)) = (c.revisit, &c.digest)
                && let Some(&o) = originals.get(&(c.url.as_str(), d.as_str()))
            {
                chosen.insert(o);
            }
        }
    }
    // Copied in the order they are in the files.
    let mut order: Vec<usize> = chosen.into_iter().collect();
    order.sort_by(|&a, &b| (&all[a].file, all[a].offset).cmp(&(&all[b].file, all[b].offset)));
    let source_bytes: u64 = cdxj::warc_files(archive.root())?
        .iter()
        .filter_map(|n| std::fs::metadata(archive.warc_dir().join(n)).ok())
        .map(|m| m.len())
        .sum();

    let mut pkg = Package {
        zip: zip::ZipWriter::new(out),
        resources: Vec::new(),
        path: path.to_owned(),
    };
    let mut packed = Packed::default();
    let mut index_lines = Vec::new();
    let mut captured_urls = HashSet::new();
    let warc_dir = archive.warc_dir();
    pkg.resource("archive/data.warc.gz", source_bytes > 3 << 30, |w| {
        let info = warc::warcinfo_member("data.warc.gz").at(path)?;
        w.write_all(&info).at(path)?;
        let mut offset = info.len() as u64;
        for &i in &order {
            let c = &all[i];
            let file = warc_dir.join(&c.file);
            let (member, record) = warc::member_at(&file, c.offset)?;
            w.write_all(&member).at(path)?;
            let span = warc::Span {
                offset,
                length: member.len() as u64,
            };
            offset += span.length;
            packed.records += 1;
            packed.captures += 1;
            if let Some(cap) = cdxj::Capture::of(&record) {
                index_lines.push(cap.line("data.warc.gz", span));
            }
            captured_urls.insert(c.url.clone());
            // Its request, right after it.
            let next = c.offset + member.len() as u64;
            if let Ok((req, r)) = warc::member_at(&file, next)
                && r.header("WARC-Type") == Some("request")
                && r.header("WARC-Concurrent-To") == record.header("WARC-Record-ID")
            {
                w.write_all(&req).at(path)?;
                offset += req.len() as u64;
                packed.records += 1;
            }
        }
        packed.bytes = offset;
        Ok(())
    })?;
    index_lines.sort();
    pkg.resource("indexes/index.cdx", false, |w| {
        for l in &index_lines {
            w.write_all(l.as_bytes()).at(path)?;
            w.write_all(b"\n").at(path)?;
        }
        Ok(())
    })?;
    pkg.resource("pages/pages.jsonl", false, |w| {
        let mut header = serde_json::json!({"format": "json-pages-1.0", "id": "pages", "title": "All Pages"});
        if sel.text {
            header["hasText"] = serde_json::Value::Bool(true);
        }
        serde_json::to_writer(&mut *w, &header)?;
        w.write_all(b"\n").at(path)?;
        for s in &articles {
            if !captured_urls.contains(&s.fetch.final_url) {
                continue;
            }
            let mut page = serde_json::json!({
                "id": s.id,
                "url": s.fetch.final_url,
                "ts": s.fetch.fetched_at,
                "title": s.article.title,
            });
            if sel.text {
                page["text"] = serde_json::Value::String(s.article.body.clone());
            }
            serde_json::to_writer(&mut *w, &page)?;
            w.write_all(b"\n").at(path)?;
            packed.pages += 1;
        }
        Ok(())
    })?;
    let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let package = serde_json::json!({
        "profile": "data-package",
        "wacz_version": "1.1.1",
        "title": if sel.sites.is_empty() { "vnnews archive".to_owned() } else { format!("vnnews archive: {}", sel.sites.join(", ")) },
        "created": created,
        "software": format!("vnnews/{}", env!("CARGO_PKG_VERSION")),
        "resources": pkg.resources,
    });
    let package = serde_json::to_vec_pretty(&package)?;
    let (digest, _) = pkg.entry("datapackage.json", false, |w| w.write_all(&package).at(path))?;
    let digest = serde_json::to_vec_pretty(&serde_json::json!({"path": "datapackage.json", "hash": digest}))?;
    pkg.entry("datapackage-digest.json", false, |w| w.write_all(&digest).at(path))?;
    let path_owned = pkg.path.clone();
    pkg.zip.finish().map_err(|e| Error::Io {
        path: path_owned,
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok((packed, skipped))
}
