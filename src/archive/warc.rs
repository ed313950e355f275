//! WARC/1.1 files (ISO 28500), the record of every HTTP exchange of a crawl: for each, a
//! `response` record (or a `revisit` when the answer is a 304 or the same payload as the
//! URL's last response) followed by the `request` record concurrent to it. One gzip member
//! per record, so any record can be read from its offset; files rolled by size.
//!
//! A file being written is named `*.warc.gz.open`; it is renamed to `*.warc.gz` when closed.
//! [`recover`] finishes files left open by a crash: a partial record at the end is cut off,
//! so every `.warc.gz` holds whole records only.

use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{IoContext, Result};

/// Where one record is: enough for `vnnews reextract` or any WARC reader to find it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WarcRef {
    /// File name relative to the archive's `warc/` directory.
    pub file: String,
    pub offset: u64,
    /// Compressed length of the record's gzip member.
    pub length: u64,
    pub record_id: String,
}

/// An HTTP response as fetched.
#[derive(Debug, Clone)]
pub struct HttpResponse<'a> {
    pub url: &'a str,
    pub status: u16,
    pub reason: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    /// SHA-256 of `body` (hex) when the caller has it already.
    pub body_sha256: Option<&'a str>,
    /// RFC 3339 UTC fetch time.
    pub date: &'a str,
    /// The body was cut off at the crawl's size limit (`WARC-Truncated: length`).
    pub truncated: bool,
}

/// The request of an exchange, as sent: its header lines in order.
#[derive(Debug, Clone)]
pub struct HttpRequest<'a> {
    pub headers: &'a [(String, String)],
    /// The server's address, when the connection told it (`WARC-IP-Address`).
    pub ip: Option<std::net::IpAddr>,
}

/// Why a response is stored as a `revisit` record (WARC 1.1 §6.7): its headers only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revisit {
    /// A 304 to a conditional request.
    NotModified,
    /// A 200 whose payload is that of the URL's last response record.
    IdenticalPayload,
}

/// The earlier record a revisit refers to.
#[derive(Debug, Clone, Copy)]
pub struct RefersTo<'a> {
    pub record_id: &'a str,
    /// Its `WARC-Date`.
    pub date: &'a str,
}

/// `WARC-Payload-Digest` as pywb and warcio compute it: `sha1:` and the base32 SHA-1.
pub fn payload_digest(body: &[u8]) -> String {
    use sha1::Digest as _;
    format!("sha1:{}", data_encoding::BASE32.encode(&sha1::Sha1::digest(body)))
}

pub struct WarcWriter {
    dir: PathBuf,
    max_bytes: u64,
    current: Option<Open>,
    seq: u32,
}

struct Open {
    /// Shared with [`Durable`] handles, which sync it from other threads.
    file: Arc<File>,
    open_path: PathBuf,
    name: String,
    offset: u64,
    /// The file's CDXJ lines, written beside it when it is closed.
    index: Vec<String>,
}

fn record_id() -> String {
    format!("<urn:uuid:{}>", uuid::Uuid::new_v4())
}

/// One gzip member holding a record: its header, its block and the closing blank line.
fn gzip_member(header: &str, block: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut record = Vec::with_capacity(header.len() + block.len() + 4);
    record.extend_from_slice(header.as_bytes());
    record.extend_from_slice(block);
    record.extend_from_slice(b"\r\n\r\n");
    // The bound is zlib's; a gzip wrapper is 12 bytes longer than a zlib one.
    let mut out = vec![0u8; zlib_rs::compress_bound(record.len()) + 32];
    let config = zlib_rs::DeflateConfig {
        level: 1,
        // 15 bits of window, with a gzip header and trailer
        window_bits: 16 + 15,
        ..zlib_rs::DeflateConfig::default()
    };
    let (member, code) = zlib_rs::compress_slice(&mut out, &record, config);
    if code != zlib_rs::ReturnCode::Ok {
        return Err(std::io::Error::other(format!("gzip: {code:?}")));
    }
    let n = member.len();
    out.truncate(n);
    Ok(out)
}

/// Records ready to append: the one an article points to (a `response`, or a `revisit`) and
/// the `request` concurrent to it, each its own gzip member, written one after the other.
pub struct Prepared {
    id: String,
    member: Vec<u8>,
    /// The concurrent `request` record, written right after.
    concurrent: Vec<u8>,
    revisit: bool,
    /// What the CDXJ index says of the response (or revisit) record.
    capture: super::cdxj::Capture,
}

impl Prepared {
    /// Build and compress the record of a response, alone.
    pub fn response(r: &HttpResponse) -> std::io::Result<Prepared> {
        Prepared::exchange(r, None, None)
    }

    /// Build and compress the records of one exchange: the response — as a `revisit` when
    /// `revisit` says so, referring to the earlier record when it is known — and the request.
    pub fn exchange(
        r: &HttpResponse,
        request: Option<&HttpRequest>,
        revisit: Option<(Revisit, Option<RefersTo>)>,
    ) -> std::io::Result<Prepared> {
        let id = record_id();
        let mut h = String::with_capacity(512);
        let block = http_block(r, revisit.is_none());
        h.push_str("WARC/1.1\r\n");
        match revisit {
            None => h.push_str("WARC-Type: response\r\n"),
            Some((why, _)) => {
                h.push_str("WARC-Type: revisit\r\n");
                h.push_str(match why {
                    Revisit::NotModified => {
                        "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/server-not-modified\r\n"
                    }
                    Revisit::IdenticalPayload => {
                        "WARC-Profile: http://netpreserve.org/warc/1.1/revisit/identical-payload-digest\r\n"
                    }
                });
            }
        }
        h.push_str(&format!(
            "WARC-Record-ID: {id}\r\nWARC-Date: {}\r\nWARC-Target-URI: {}\r\n",
            r.date, r.url
        ));
        if let Some(ip) = request.and_then(|q| q.ip) {
            h.push_str(&format!("WARC-IP-Address: {ip}\r\n"));
        }
        if let Some((_, Some(to))) = revisit {
            h.push_str(&format!(
                "WARC-Refers-To: {}\r\nWARC-Refers-To-Target-URI: {}\r\nWARC-Refers-To-Date: {}\r\n",
                to.record_id, r.url, to.date
            ));
        }
        // A 304 has no payload of its own to digest.
        let payload = revisit
            .is_none_or(|(why, _)| why == Revisit::IdenticalPayload)
            .then(|| payload_digest(r.body));
        if let Some(d) = &payload {
            h.push_str(&format!("WARC-Payload-Digest: {d}\r\n"));
        }
        if r.truncated && revisit.is_none() {
            h.push_str("WARC-Truncated: length\r\n");
        }
        h.push_str(&format!(
            "WARC-Block-Digest: sha256:{:x}\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: {}\r\n\r\n",
            Sha256::digest(&block),
            block.len()
        ));
        let member = gzip_member(&h, &block)?;
        let concurrent = match request {
            Some(q) => {
                let block = request_block(r.url, q.headers);
                let mut h = format!(
                    "WARC/1.1\r\nWARC-Type: request\r\nWARC-Record-ID: {}\r\nWARC-Date: {}\r\nWARC-Target-URI: {}\r\nWARC-Concurrent-To: {id}\r\n",
                    record_id(),
                    r.date,
                    r.url
                );
                if let Some(ip) = q.ip {
                    h.push_str(&format!("WARC-IP-Address: {ip}\r\n"));
                }
                h.push_str(&format!(
                    "WARC-Block-Digest: sha256:{:x}\r\nContent-Type: application/http;msgtype=request\r\nContent-Length: {}\r\n\r\n",
                    Sha256::digest(&block),
                    block.len()
                ));
                gzip_member(&h, &block)?
            }
            None => Vec::new(),
        };
        // Its index line's fields (the SURT key among them) are made here, off the loop
        // that appends the record.
        let capture = super::cdxj::Capture::new(
            r.url,
            r.date,
            revisit.is_some(),
            Some(r.status),
            header(r.headers, "content-type"),
            payload.as_deref(),
        )
        .ok_or_else(|| std::io::Error::other(format!("{:?} is no WARC-Date", r.date)))?;
        Ok(Prepared {
            id,
            member,
            concurrent,
            revisit: revisit.is_some(),
            capture,
        })
    }

    /// The record id of the response (or revisit) record.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether the response is stored as a revisit (headers only).
    pub fn is_revisit(&self) -> bool {
        self.revisit
    }

    /// Bytes these records add to a WARC file.
    pub fn len(&self) -> usize {
        self.member.len() + self.concurrent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A GET request as sent: request line and header lines.
fn request_block(url: &str, headers: &[(String, String)]) -> Vec<u8> {
    let target = url::Url::parse(url)
        .map(|u| {
            let mut t = u.path().to_owned();
            if let Some(q) = u.query() {
                t.push('?');
                t.push_str(q);
            }
            t
        })
        .unwrap_or_else(|_| "/".to_owned());
    let mut out = format!("GET {target} HTTP/1.1\r\n").into_bytes();
    for (k, v) in headers {
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// Makes appended records durable: an fsync of their file, from any thread. Syncing once
/// covers every record appended before.
#[derive(Clone)]
pub struct Durable {
    file: Arc<File>,
    path: PathBuf,
}

impl Durable {
    pub fn sync(&self) -> Result<()> {
        self.file.sync_data().at(&self.path)
    }

    /// Do both make the same file durable (so one sync serves both)?
    pub fn same_file(&self, other: &Durable) -> bool {
        Arc::ptr_eq(&self.file, &other.file)
    }
}

/// The HTTP message as stored: status line, headers, body (or no body: a revisit keeps the
/// headers only). The body is stored decoded, so `Content-Encoding`/`Transfer-Encoding` are
/// renamed (their original values kept) and `Content-Length` is the stored length — readers
/// such as warcio and pywb then read it as is.
pub fn http_block(r: &HttpResponse, with_body: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(r.body.len() + 1024);
    out.extend_from_slice(format!("HTTP/1.1 {} {}\r\n", r.status, r.reason).as_bytes());
    for (k, v) in r.headers {
        let lk = k.to_ascii_lowercase();
        let name = match lk.as_str() {
            "content-encoding" | "transfer-encoding" | "content-length" => format!("X-Archive-Orig-{k}"),
            _ => k.clone(),
        };
        let v: String = v.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        out.extend_from_slice(format!("{name}: {v}\r\n").as_bytes());
    }
    if with_body {
        out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", r.body.len()).as_bytes());
        out.extend_from_slice(r.body);
    } else {
        out.extend_from_slice(b"\r\n");
    }
    out
}

impl WarcWriter {
    pub fn new(dir: &Path, max_bytes: u64) -> Result<WarcWriter> {
        std::fs::create_dir_all(dir).at(dir)?;
        Ok(WarcWriter {
            dir: dir.to_owned(),
            max_bytes,
            current: None,
            seq: 0,
        })
    }

    fn open(&mut self) -> Result<&mut Open> {
        if self.current.as_ref().is_some_and(|o| o.offset >= self.max_bytes) {
            self.close()?;
        }
        if self.current.is_none() {
            self.seq += 1;
            let name = format!(
                "vnnews-{}-{:05}-{}.warc.gz",
                chrono::Utc::now().format("%Y%m%d%H%M%S%3f"),
                self.seq,
                std::process::id()
            );
            let open_path = self.dir.join(format!("{name}.open"));
            let file = Arc::new(
                OpenOptions::new()
                    .create_new(true)
                    .write(true)
                    .open(&open_path)
                    .at(&open_path)?,
            );
            let mut o = Open {
                file,
                open_path,
                name,
                offset: 0,
                index: Vec::new(),
            };
            let member = warcinfo_member(&o.name).at(&o.open_path)?;
            (&*o.file).write_all(&member).at(&o.open_path)?;
            o.offset += member.len() as u64;
            self.current = Some(o);
        }
        Ok(self.current.as_mut().expect("opened above"))
    }

    /// Append a `response` record and make it durable before returning where it is.
    pub fn write_response(&mut self, r: &HttpResponse) -> Result<WarcRef> {
        let record = Prepared::response(r).at(&self.dir)?;
        let (at, durable) = self.append(record)?;
        durable.sync()?;
        Ok(at)
    }

    /// Append a record made beforehand (the compression is the costly part, and may run on
    /// another thread). The record is written, not yet durable: [`Durable::sync`] makes it so.
    pub fn append(&mut self, record: Prepared) -> Result<(WarcRef, Durable)> {
        let o = self.open()?;
        let length = record.member.len() as u64;
        let written = (&*o.file)
            .write_all(&record.member)
            .and_then(|()| (&*o.file).write_all(&record.concurrent));
        if let Err(e) = written {
            // Whatever part was written goes, so the next record starts where it is said to.
            let _ = o.file.set_len(o.offset);
            return Err(e).at(&o.open_path);
        }
        let span = Span {
            offset: o.offset,
            length,
        };
        o.index.push(record.capture.line(&o.name, span));
        let at = WarcRef {
            file: o.name.clone(),
            offset: o.offset,
            length,
            record_id: record.id,
        };
        o.offset += length + record.concurrent.len() as u64;
        let durable = Durable {
            file: o.file.clone(),
            path: o.open_path.clone(),
        };
        Ok((at, durable))
    }

    /// Close the current file: sync it, give it its final name, and write its CDXJ index
    /// (when this fails, the index is built from the file on the next open).
    pub fn close(&mut self) -> Result<()> {
        if let Some(o) = self.current.take() {
            o.file.sync_all().at(&o.open_path)?;
            let final_path = self.dir.join(&o.name);
            std::fs::rename(&o.open_path, &final_path).at(&final_path)?;
            super::sync_dir(&self.dir)?;
            // (An archive's `warc/`; a bare WARC directory gets no index.)
            if let Some(root) = self.dir.parent().filter(|_| self.dir.ends_with("warc")) {
                super::cdxj::write(root, &o.name, o.index)?;
            }
        }
        Ok(())
    }
}

impl Drop for WarcWriter {
    fn drop(&mut self) {
        if let Err(e) = self.close() {
            tracing::error!("closing WARC file: {e}");
        }
    }
}

/// A WARC file a crash left open, as [`recover`] finished it.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovered {
    /// The file's final name, relative to the `warc/` directory.
    pub file: String,
    /// Bytes of whole records kept.
    pub kept: u64,
    /// Bytes cut off the end (a partial record, or records a lost write left unreadable).
    pub cut: u64,
}

impl Recovered {
    /// Whether a record at `at` was in the part cut off.
    pub fn lost(&self, at: &WarcRef) -> bool {
        at.file == self.file && at.offset + at.length > self.kept
    }
}

/// Finish WARC files left open by a crash: keep their whole records, drop a partial tail.
/// Returns what it did to each file, so a caller can find what pointed into a cut part.
pub fn recover(dir: &Path) -> Result<Vec<Recovered>> {
    let mut done = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(done);
    };
    for e in entries {
        let path = e.at(dir)?.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".open"))
        else {
            continue;
        };
        let (good, len) = whole_members_len(&path)?;
        let file = OpenOptions::new().write(true).open(&path).at(&path)?;
        file.set_len(good).at(&path)?;
        file.sync_all().at(&path)?;
        let final_path = dir.join(name);
        std::fs::rename(&path, &final_path).at(&final_path)?;
        tracing::warn!(
            "recovered WARC file {} ({good} bytes of whole records kept, {} cut off)",
            final_path.display(),
            len - good
        );
        done.push(Recovered {
            file: name.to_owned(),
            kept: good,
            cut: len - good,
        });
    }
    if !done.is_empty() {
        super::sync_dir(dir)?;
    }
    Ok(done)
}

/// The length of the prefix of a file that consists of complete gzip members, and the
/// file's length.
fn whole_members_len(path: &Path) -> Result<(u64, u64)> {
    let data = std::fs::read(path).at(path)?;
    let mut pos = 0usize;
    while pos < data.len() {
        let mut dec = flate2::bufread::GzDecoder::new(&data[pos..]);
        let mut sink = Vec::new();
        if dec.read_to_end(&mut sink).is_err() {
            break;
        }
        let consumed = data.len() - pos - dec.into_inner().len();
        if consumed == 0 {
            break;
        }
        pos += consumed;
    }
    Ok((pos as u64, data.len() as u64))
}

/// The first header of that name (ASCII case-insensitive), in HTTP or WARC headers.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Status, headers and body of an `application/http` block.
pub type HttpParts<'a> = (u16, Vec<(String, String)>, &'a [u8]);

/// A parsed WARC record.
#[derive(Debug)]
pub struct Record {
    pub headers: Vec<(String, String)>,
    pub block: Vec<u8>,
}

impl Record {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// Split an `application/http` block into status, headers and body.
    pub fn http(&self) -> Option<HttpParts<'_>> {
        let end = self.block.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&self.block[..end]).ok()?;
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
        let headers = lines
            .filter_map(|l| {
                l.split_once(':')
                    .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            })
            .collect();
        Some((status, headers, &self.block[end + 4..]))
    }
}

/// Read the record at a [`WarcRef`].
pub fn read_at(dir: &Path, at: &WarcRef) -> Result<Record> {
    let mut path = dir.join(&at.file);
    if !path.exists() {
        // Still being written by this process.
        path = dir.join(format!("{}.open", at.file));
    }
    let mut f = File::open(&path).at(&path)?;
    f.seek(SeekFrom::Start(at.offset)).at(&path)?;
    let mut member = vec![0; at.length as usize];
    f.read_exact(&mut member).at(&path)?;
    parse_member(&member).ok_or_else(|| crate::Error::CorruptArchive {
        path: path.clone(),
        reason: format!("no WARC record at offset {}", at.offset),
    })
}

fn parse_member(member: &[u8]) -> Option<Record> {
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(member).read_to_end(&mut raw).ok()?;
    parse_record(&raw)
}

fn parse_record(raw: &[u8]) -> Option<Record> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    if !lines.next()?.starts_with("WARC/") {
        return None;
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))?
        .1
        .parse()
        .ok()?;
    let block = raw.get(end + 4..end + 4 + len)?.to_vec();
    Some(Record { headers, block })
}

/// The gzip member of a `warcinfo` record opening a WARC file named `filename`.
pub fn warcinfo_member(filename: &str) -> std::io::Result<Vec<u8>> {
    let info = format!(
        "software: vnnews/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
        env!("CARGO_PKG_VERSION")
    );
    let header = format!(
        "WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: {}\r\nWARC-Date: {}\r\nWARC-Filename: {filename}\r\nContent-Type: application/warc-fields\r\nContent-Length: {}\r\n\r\n",
        record_id(),
        chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ"),
        info.len()
    );
    gzip_member(&header, info.as_bytes())
}

/// The gzip member at `offset` of a WARC file: its bytes and its record.
pub fn member_at(path: &Path, offset: u64) -> Result<(Vec<u8>, Record)> {
    use std::io::BufRead;
    let mut f = File::open(path).at(path)?;
    f.seek(SeekFrom::Start(offset)).at(path)?;
    let mut reader = BufReader::new(f);
    let corrupt = |reason: String| crate::Error::CorruptArchive {
        path: path.to_owned(),
        reason: format!("at byte {offset}: {reason}"),
    };
    if reader.fill_buf().at(path)?.is_empty() {
        return Err(corrupt("no record here".to_owned()));
    }
    let mut raw = Vec::new();
    flate2::bufread::GzDecoder::new(&mut reader)
        .read_to_end(&mut raw)
        .map_err(|e| corrupt(format!("not a whole gzip member ({e})")))?;
    let end = reader.stream_position().at(path)?;
    let record = parse_record(&raw).ok_or_else(|| corrupt("not a WARC record".to_owned()))?;
    let mut f = reader.into_inner();
    f.seek(SeekFrom::Start(offset)).at(path)?;
    let mut member = vec![0; (end - offset) as usize];
    f.read_exact(&mut member).at(path)?;
    Ok((member, record))
}

/// Read every record of a WARC file in order (all in memory: for tests and small files;
/// [`Members`] reads one record at a time).
pub fn read_all(path: &Path) -> Result<Vec<Record>> {
    Members::open(path)?.map(|m| m.map(|(_, r)| r)).collect()
}

/// Where a record is in its file: the byte range of its gzip member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub offset: u64,
    pub length: u64,
}

/// The records of a WARC file, one gzip member at a time, each with its [`Span`]: memory
/// stays that of one record whatever the file's size. A member that does not decompress or
/// parse ends the iteration with an error naming the file and offset.
pub struct Members {
    reader: BufReader<File>,
    path: PathBuf,
    offset: u64,
    done: bool,
}

impl Members {
    pub fn open(path: &Path) -> Result<Members> {
        let f = File::open(path).at(path)?;
        Ok(Members {
            reader: BufReader::with_capacity(256 * 1024, f),
            path: path.to_owned(),
            offset: 0,
            done: false,
        })
    }

    fn corrupt(&mut self, reason: String) -> Option<Result<(Span, Record)>> {
        self.done = true;
        Some(Err(crate::Error::CorruptArchive {
            path: self.path.clone(),
            reason: format!("at byte {}: {reason}", self.offset),
        }))
    }
}

impl Iterator for Members {
    type Item = Result<(Span, Record)>;

    fn next(&mut self) -> Option<Self::Item> {
        use std::io::BufRead;
        if self.done {
            return None;
        }
        match self.reader.fill_buf() {
            Ok([]) => return None,
            Ok(_) => {}
            Err(e) => return self.corrupt(e.to_string()),
        }
        let mut raw = Vec::new();
        // The bufread decoder consumes exactly one member from the reader.
        let read = flate2::bufread::GzDecoder::new(&mut self.reader).read_to_end(&mut raw);
        if let Err(e) = read {
            return self.corrupt(format!("not a whole gzip member ({e})"));
        }
        let end = match self.reader.stream_position() {
            Ok(p) => p,
            Err(e) => return self.corrupt(e.to_string()),
        };
        let Some(record) = parse_record(&raw) else {
            return self.corrupt("not a WARC record".to_owned());
        };
        let span = Span {
            offset: self.offset,
            length: end - self.offset,
        };
        self.offset = end;
        Some(Ok((span, record)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_partial_tail_is_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = WarcWriter::new(dir.path(), 1 << 30).unwrap();
        let headers = vec![
            ("Content-Type".to_owned(), "text/html; charset=utf-8".to_owned()),
            ("Content-Encoding".to_owned(), "gzip".to_owned()),
        ];
        let body = "<p>Hà Nội</p>".as_bytes();
        let r = HttpResponse {
            url: "http://127.0.0.1/a",
            status: 200,
            reason: "OK",
            headers: &headers,
            body,
            body_sha256: None,
            date: "2019-11-05T06:01:00Z",
            truncated: false,
        };
        let at = w.write_response(&r).unwrap();
        let at2 = w.write_response(&r).unwrap();
        assert!(at2.offset > at.offset);
        // Read one member at a time, each record where its reference says.
        let open_file = dir.path().join(format!("{}.open", at.file));
        let spans: Vec<Span> = Members::open(&open_file).unwrap().map(|m| m.unwrap().0).collect();
        assert_eq!(spans.len(), 3, "warcinfo + 2 responses");
        assert_eq!(
            spans[1],
            Span {
                offset: at.offset,
                length: at.length
            }
        );
        assert_eq!(
            spans[2],
            Span {
                offset: at2.offset,
                length: at2.length
            }
        );
        let rec = read_at(dir.path(), &at).unwrap();
        assert_eq!(rec.header("WARC-Type"), Some("response"));
        assert_eq!(rec.header("WARC-Target-URI"), Some("http://127.0.0.1/a"));
        let (status, h, b) = rec.http().unwrap();
        assert_eq!((status, b), (200, body));
        assert!(
            h.iter()
                .any(|(k, v)| k == "X-Archive-Orig-Content-Encoding" && v == "gzip")
        );
        // Simulate a crash: the open file gets a torn record at its end.
        let open = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
        std::mem::forget(w);
        let mut f = OpenOptions::new().append(true).open(&open).unwrap();
        f.write_all(&gzip_member("WARC/1.1\r\n", b"torn").unwrap()[..20])
            .unwrap();
        let recovered = recover(dir.path()).unwrap();
        assert_eq!(recovered.len(), 1);
        assert_eq!(recovered[0].cut, 20, "the torn record, and nothing else");
        assert!(!recovered[0].lost(&at2) && recovered[0].file == at2.file);
        let done = dir.path().join(&at.file);
        let all = read_all(&done).unwrap();
        assert_eq!(all.len(), 3, "warcinfo + 2 responses");
        assert_eq!(all[0].header("WARC-Type"), Some("warcinfo"));
    }
}
