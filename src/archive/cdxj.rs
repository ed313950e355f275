//! `cdxj` keeps the archive's CDXJ index, the pywb format: one line per `response` and
//! `revisit` record — `SURT timestamp {json}`, sorted — so a replay tool (pywb,
//! ReplayWeb.page) finds any capture without reading the WARC files. Each WARC file has its
//! own sorted index, `<archive>/cdxj/<file>.cdxj`, written atomically when the file is
//! closed; one that is missing (a file recovered after a crash, an archive from before this
//! index) is built from its WARC file when the archive is opened for writing. The index is
//! derived: deleting `cdxj/` costs one re-scan, never data.

use serde::Serialize;
use std::collections::BinaryHeap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use super::warc::{self, Members, Record};
use crate::error::{IoContext, Result};

/// The index directory's name, at the archive's root.
pub const DIR: &str = "cdxj";

/// What a CDXJ line says of a record, besides where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// The URL's SURT key ([`surt`]).
    pub key: String,
    pub url: String,
    /// `WARC-Date` as 14 digits, `YYYYMMDDhhmmss`.
    pub timestamp: String,
    /// The response's media type (no parameters), or `warc/revisit`.
    pub mime: String,
    pub status: Option<u16>,
    /// The payload digest's base32 (pywb writes it without `sha1:`).
    pub digest: Option<String>,
}

impl Capture {
    /// What the index says of a response (or, `revisit`, a revisit) to `url` at `date`
    /// (`WARC-Date`); `None` when the date is no date.
    pub fn new(
        url: &str,
        date: &str,
        revisit: bool,
        status: Option<u16>,
        content_type: Option<&str>,
        payload_digest: Option<&str>,
    ) -> Option<Capture> {
        let mime = match (revisit, content_type) {
            (true, _) => "warc/revisit".to_owned(),
            (false, Some(ct)) => media_type(ct),
            (false, None) => "unk".to_owned(),
        };
        Some(Capture {
            key: surt(url),
            url: url.to_owned(),
            timestamp: timestamp14(date)?,
            mime,
            status,
            digest: payload_digest.map(|d| d.split_once(':').map_or(d, |(_, v)| v).to_owned()),
        })
    }

    /// What to index of a record, if it is a `response` or a `revisit`.
    pub fn of(record: &Record) -> Option<Capture> {
        let revisit = match record.header("WARC-Type")? {
            "response" => false,
            "revisit" => true,
            _ => return None,
        };
        let http = record.http();
        Capture::new(
            record.header("WARC-Target-URI")?,
            record.header("WARC-Date")?,
            revisit,
            http.as_ref().map(|(s, _, _)| *s),
            http.as_ref().and_then(|(_, h, _)| warc::header(h, "content-type")),
            record.header("WARC-Payload-Digest"),
        )
    }

    /// The CDXJ line of this capture, for the record at `span` of `file`.
    pub fn line(&self, file: &str, span: warc::Span) -> String {
        #[derive(Serialize)]
        struct Json<'a> {
            url: &'a str,
            mime: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            status: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            digest: Option<&'a str>,
            length: String,
            offset: String,
            filename: &'a str,
        }
        let json = Json {
            url: &self.url,
            mime: &self.mime,
            status: self.status.map(|s| s.to_string()),
            digest: self.digest.as_deref(),
            length: span.length.to_string(),
            offset: span.offset.to_string(),
            filename: file,
        };
        format!(
            "{} {} {}",
            self.key,
            self.timestamp,
            serde_json::to_string(&json).expect("serialises")
        )
    }
}

/// The media type of a `Content-Type` value: lowercase, no parameters.
fn media_type(ct: &str) -> String {
    ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// `2026-12-02T13:29:29Z` (or with fractions) → `20261202132929`.
fn timestamp14(date: &str) -> Option<String> {
    let digits: String = date.chars().filter(char::is_ascii_digit).take(14).collect();
    (digits.len() == 14).then_some(digits)
}

/// A URL's SURT key as pywb computes it (the `surt` package's default canonicalisation):
/// scheme, fragment and a default port dropped, host lowercased without a leading `www.` or
/// `wwwN.`, its labels reversed and joined by commas, then `)` and the path and query —
/// percent-escapes decoded and only controls, spaces, `#`, `%` and non-ASCII bytes escaped
/// again — lowercased, the query's parameters sorted.
pub fn surt(url: &str) -> String {
    let Ok(u) = url::Url::parse(url) else {
        return url.to_ascii_lowercase();
    };
    let mut host = u.host_str().unwrap_or("").trim_end_matches('.').to_ascii_lowercase();
    if let Some(rest) = host.strip_prefix("www") {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if rest[digits..].starts_with('.') {
            host = rest[digits + 1..].to_owned();
        }
    }
    let mut labels: Vec<&str> = host.split('.').collect();
    labels.reverse();
    let mut key = labels.join(",");
    if let Some(port) = u.port() {
        key.push_str(&format!(":{port}"));
    }
    key.push(')');
    key.push_str(&canonical_escapes(u.path()).to_lowercase());
    if let Some(q) = u.query().filter(|q| !q.is_empty()) {
        let mut params: Vec<String> = q.split('&').map(|p| canonical_escapes(p).to_lowercase()).collect();
        params.sort();
        key.push('?');
        key.push_str(&params.join("&"));
    }
    key
}

/// Percent-escapes decoded (repeatedly), then only what must be escaped escaped again:
/// controls, space, `#`, `%` and bytes beyond ASCII.
fn canonical_escapes(s: &str) -> String {
    let mut bytes = s.as_bytes().to_vec();
    for _ in 0..8 {
        let decoded = percent_decode(&bytes);
        if decoded == bytes {
            break;
        }
        bytes = decoded;
    }
    let mut out = String::with_capacity(bytes.len());
    for b in bytes {
        if b <= 0x20 || b >= 0x7f || b == b'#' || b == b'%' {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

fn percent_decode(b: &[u8]) -> Vec<u8> {
    percent_encoding::percent_decode(b).collect()
}

/// Where the index of a WARC file is.
pub fn path_for(root: &Path, warc_file: &str) -> PathBuf {
    root.join(DIR).join(format!("{warc_file}.cdxj"))
}

/// Write a WARC file's index: `lines` sorted, atomically.
pub fn write(root: &Path, warc_file: &str, mut lines: Vec<String>) -> Result<()> {
    lines.sort();
    let dir = root.join(DIR);
    std::fs::create_dir_all(&dir).at(&dir)?;
    let mut text = lines.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    super::write_atomic(&path_for(root, warc_file), text.as_bytes())
}

/// The index lines of a WARC file, read from the file itself.
pub fn scan(warc_path: &Path) -> Result<Vec<String>> {
    let name = warc_path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned();
    let mut lines = Vec::new();
    for m in Members::open(warc_path)? {
        let (span, record) = m?;
        if let Some(c) = Capture::of(&record) {
            lines.push(c.line(&name, span));
        }
    }
    Ok(lines)
}

/// Build the index of every WARC file that has none. Returns how many were built.
pub fn ensure(root: &Path) -> Result<usize> {
    let mut built = 0;
    for name in warc_files(root)? {
        if path_for(root, &name).exists() {
            continue;
        }
        let lines = scan(&root.join("warc").join(&name))?;
        tracing::info!("indexed {name} for replay ({} captures)", lines.len());
        write(root, &name, lines)?;
        built += 1;
    }
    Ok(built)
}

/// The archive's finished WARC files, oldest first (their names start with their time).
pub fn warc_files(root: &Path) -> Result<Vec<String>> {
    let dir = root.join("warc");
    let mut names = Vec::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(names);
    };
    for e in entries {
        let name = e.at(&dir)?.file_name().to_string_lossy().into_owned();
        if name.ends_with(".warc.gz") {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// All the index's lines, merged in order from the per-file indexes (streamed: memory is a
/// line per file).
pub fn merged(root: &Path) -> Result<impl Iterator<Item = Result<String>>> {
    let mut sources = Vec::new();
    for name in warc_files(root)? {
        let path = path_for(root, &name);
        let f = std::fs::File::open(&path).at(&path)?;
        sources.push((path, BufReader::new(f).lines()));
    }
    let mut heap = BinaryHeap::new();
    for (i, (path, lines)) in sources.iter_mut().enumerate() {
        if let Some(l) = lines.next() {
            heap.push(std::cmp::Reverse((l.at(&*path)?, i)));
        }
    }
    Ok(std::iter::from_fn(move || {
        let std::cmp::Reverse((line, i)) = heap.pop()?;
        let (path, lines) = &mut sources[i];
        match lines.next().transpose() {
            Ok(Some(next)) => heap.push(std::cmp::Reverse((next, i))),
            Ok(None) => {}
            Err(e) => {
                return Some(Err(crate::Error::Io {
                    path: path.clone(),
                    source: e,
                }));
            }
        }
        Some(Ok(line))
    }))
}

/// A CDXJ line split into its key, timestamp and JSON.
pub fn parse_line(line: &str) -> Option<(&str, &str, serde_json::Value)> {
    let mut parts = line.splitn(3, ' ');
    let key = parts.next()?;
    let ts = parts.next()?;
    let json = serde_json::from_str(parts.next()?).ok()?;
    Some((key, ts, json))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &str, key: &str) {
        assert_eq!(surt(url), key, "{url}");
    }

    #[test]
    fn surt_keys_as_pywb_makes_them() {
        check("http://127.0.0.1:8080/a?b=2&a=1", "1,0,0,127:8080)/a?a=1&b=2");
        check("https://www.Hanoi.gov.vn/Tin-Tuc?x=1", "vn,gov,hanoi)/tin-tuc?x=1");
        check("http://longbien.hanoi.gov.vn/", "vn,gov,hanoi,longbien)/");
        check("https://www2.example.com:443/a#f", "com,example)/a");
        check("http://example.com", "com,example)/");
        check("http://example.vn/%7Efoo", "vn,example)/~foo");
        check("http://www.vn/", "vn)/");
        check("http://example.com/%C3%A0?q=%41", "com,example)/%c3%a0?q=a");
        check("http://example.com/à", "com,example)/%c3%a0");
        check("http://example.com/a%20b?x=%2F&y", "com,example)/a%20b?x=/&y");
        check("http://example.com/a?", "com,example)/a");
        check("http://example.com:80/x", "com,example)/x");
        check("http://EXAMPLE.com/A/../b", "com,example)/b");
        check("http://example.com/a?b&a=1&a=0", "com,example)/a?a=0&a=1&b");
    }

    #[test]
    fn a_closed_file_has_the_index_a_scan_of_it_gives() {
        let root = tempfile::tempdir().unwrap();
        let warc_dir = root.path().join("warc");
        let mut w = warc::WarcWriter::new(&warc_dir, 1 << 30).unwrap();
        let headers = vec![("Content-Type".to_owned(), "text/html; charset=utf-8".to_owned())];
        for (i, url) in ["http://www.example.vn/b", "http://example.vn/a?y=1&x=2"]
            .iter()
            .enumerate()
        {
            let body = format!("<p>{i}</p>");
            let r = warc::HttpResponse {
                url,
                status: 200,
                reason: "OK",
                headers: &headers,
                body: body.as_bytes(),
                body_sha256: None,
                date: "2026-12-02T13:29:29Z",
                truncated: false,
            };
            let req = warc::HttpRequest { headers: &[], ip: None };
            let revisit = (i == 1).then_some((warc::Revisit::IdenticalPayload, None));
            let p = warc::Prepared::exchange(&r, Some(&req), revisit).unwrap();
            w.append(p).unwrap();
        }
        w.close().unwrap();
        let name = warc_files(root.path()).unwrap().pop().unwrap();
        let written = std::fs::read_to_string(path_for(root.path(), &name)).unwrap();
        let mut scanned = scan(&warc_dir.join(&name)).unwrap();
        scanned.sort();
        assert_eq!(written.lines().collect::<Vec<_>>(), scanned);
        assert_eq!(scanned.len(), 2, "the response and the revisit, not the requests");
        let (key, ts, json) = parse_line(&scanned[0]).unwrap();
        assert_eq!((key, ts), ("vn,example)/a?x=2&y=1", "20261202132929"));
        assert_eq!(json["mime"], "warc/revisit");
        assert_eq!(parse_line(&scanned[1]).unwrap().2["mime"], "text/html");
        // Built again when missing.
        std::fs::remove_file(path_for(root.path(), &name)).unwrap();
        assert_eq!(ensure(root.path()).unwrap(), 1);
        assert_eq!(std::fs::read_to_string(path_for(root.path(), &name)).unwrap(), written);
        assert_eq!(
            merged(root.path()).unwrap().map(|l| l.unwrap()).collect::<Vec<_>>(),
            scanned
        );
    }

    #[test]
    fn timestamps_have_fourteen_digits() {
        assert_eq!(timestamp14("2026-12-02T13:29:29Z").as_deref(), Some("20261202132929"));
        assert_eq!(
            timestamp14("2026-12-02T13:29:29.123Z").as_deref(),
            Some("20261202132929")
        );
        assert_eq!(timestamp14("2026-12-02"), None);
    }
}
