//! `attachment` owns what vnnews knows of the documents pages link to — the full text of a
//! decision as PDF, a report as DOCX, figures as XLSX: which links lead to one
//! ([`document_link`]), what a fetched body is (sniffed from its bytes: [`sniff`]), the file
//! name it came under ([`file_name`]), and its text ([`read`]): a PDF's text layer (pdf-extract,
//! with the font names that say TCVN3 or VNI read by lopdf), the XML of DOCX, XLSX, PPTX and
//! the OpenDocument formats (zip), and old binary Office files best effort (the UTF-16 runs of
//! their streams). Every text goes through [`decode::repair_hinted`], as a page's does.
//!
//! Deliberately absent: no OCR (a scanned PDF is recorded as having no text layer), no text
//! from RTF, RAR or ZIP archives (kept as raw files in the WARC), no passwords for encrypted
//! PDFs beyond the empty one.

use serde::{Deserialize, Serialize};
use std::io::Read;
use url::Url;

use crate::decode::{self, Legacy};

/// The document formats vnnews fetches as attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Doc,
    Docx,
    Xls,
    Xlsx,
    Ppt,
    Pptx,
    Odt,
    Ods,
    Odp,
    Rtf,
    Zip,
    Rar,
}

impl Format {
    const ALL: [Format; 13] = [
        Format::Pdf,
        Format::Doc,
        Format::Docx,
        Format::Xls,
        Format::Xlsx,
        Format::Ppt,
        Format::Pptx,
        Format::Odt,
        Format::Ods,
        Format::Odp,
        Format::Rtf,
        Format::Zip,
        Format::Rar,
    ];

    /// The file name extension (lower case, no dot).
    pub fn extension(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Doc => "doc",
            Format::Docx => "docx",
            Format::Xls => "xls",
            Format::Xlsx => "xlsx",
            Format::Ppt => "ppt",
            Format::Pptx => "pptx",
            Format::Odt => "odt",
            Format::Ods => "ods",
            Format::Odp => "odp",
            Format::Rtf => "rtf",
            Format::Zip => "zip",
            Format::Rar => "rar",
        }
    }

    /// The IANA media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Doc => "application/msword",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Xls => "application/vnd.ms-excel",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Ppt => "application/vnd.ms-powerpoint",
            Format::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Format::Odp => "application/vnd.oasis.opendocument.presentation",
            Format::Rtf => "application/rtf",
            Format::Zip => "application/zip",
            Format::Rar => "application/vnd.rar",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Format> {
        let ext = ext.to_ascii_lowercase();
        Format::ALL.into_iter().find(|f| f.extension() == ext)
    }

    fn from_media_type(media: &str) -> Option<Format> {
        let media = media.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.media_type() == media)
            .or(match media.as_str() {
                "application/x-pdf" => Some(Format::Pdf),
                "application/x-rar-compressed" => Some(Format::Rar),
                "application/x-zip-compressed" => Some(Format::Zip),
                "text/rtf" => Some(Format::Rtf),
                _ => None,
            })
    }
}

/// The extension of a path's last segment, if it names a document format.
fn format_of_path(path: &str) -> Option<Format> {
    let last = path.rsplit('/').next().unwrap_or("");
    let (_, ext) = last.rsplit_once('.')?;
    Format::from_extension(ext)
}

/// Whether a link leads to a document, by its address: the path's file name ends in a
/// document extension (`/upload/qd-12.pdf`), or a query value does (`download.aspx?file=qd.pdf`,
/// the way many portal CMSs serve files). A link that says nothing is still recognised after
/// fetching, by [`sniff`].
pub fn document_link(url: &Url) -> Option<Format> {
    format_of_path(url.path()).or_else(|| url.query_pairs().find_map(|(_, v)| format_of_path(&v)))
}

/// What a fetched body is, as a document: by its bytes first (a PDF, an OLE2 file, a zip
/// package and what its entries say it is, RTF, RAR), by its `Content-Type` and address only
/// to tell the OLE2 formats apart. `None` for anything else (an HTML error page served at a
/// `.pdf` address is not a PDF).
pub fn sniff(bytes: &[u8], content_type: Option<&str>, url: &Url) -> Option<Format> {
    let hinted = content_type
        .and_then(Format::from_media_type)
        .or_else(|| document_link(url));
    let head = &bytes[..bytes.len().min(1024)];
    // A PDF starts with `%PDF-`; readers accept junk before it, so when the address or the
    // label says PDF it may stand anywhere in the first kilobyte (a page quoting `%PDF-` is
    // no PDF).
    let at = head.windows(5).position(|w| w == b"%PDF-");
    if at == Some(0) || at.is_some() && hinted == Some(Format::Pdf) {
        return Some(Format::Pdf);
    }
    if head.starts_with(b"{\\rtf") {
        return Some(Format::Rtf);
    }
    if head.starts_with(b"Rar!\x1a\x07") {
        return Some(Format::Rar);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(match hinted {
            Some(f @ (Format::Xls | Format::Ppt)) => f,
            _ => Format::Doc,
        });
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some(package_format(bytes));
    }
    None
}

/// A zip package: an Office Open XML or OpenDocument file by its entries, else a zip.
fn package_format(bytes: &[u8]) -> Format {
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Format::Zip;
    };
    if let Ok(mut m) = zip.by_name("mimetype") {
        let mut media = String::new();
        if (&mut m).take(200).read_to_string(&mut media).is_ok()
            && let Some(f) = Format::from_media_type(media.trim())
        {
            return f;
        }
    }
    let has = |zip: &zip::ZipArchive<_>, name: &str| zip.index_for_name(name).is_some();
    if has(&zip, "word/document.xml") {
        Format::Docx
    } else if has(&zip, "xl/workbook.xml") {
        Format::Xlsx
    } else if has(&zip, "ppt/presentation.xml") {
        Format::Pptx
    } else {
        Format::Zip
    }
}

/// The file name a document came under: `Content-Disposition`'s `filename*` (RFC 6266 / RFC
/// 8187, percent-encoded UTF-8) or `filename`, else the address's last path segment,
/// percent-decoded (`Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf` is `Quyết định.pdf`). NFC.
pub fn file_name(content_disposition: Option<&str>, url: &Url) -> Option<String> {
    let from_header = content_disposition.and_then(disposition_file_name);
    let name = from_header.or_else(|| {
        let last = url.path_segments()?.next_back()?;
        let decoded = percent_decode(last);
        (!decoded.is_empty()).then_some(decoded)
    })?;
    // A name is a name, not a path.
    let name = name.rsplit(['/', '\\']).next().unwrap_or(&name).trim().to_owned();
    (!name.is_empty()).then(|| decode::nfc_owned(name))
}

fn disposition_file_name(header: &str) -> Option<String> {
    let params: Vec<(String, String)> = header
        .split(';')
        .skip(1)
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect();
    let extended = params.iter().find(|(k, _)| k == "filename*").and_then(|(_, v)| {
        // charset'language'percent-encoded
        let mut parts = v.splitn(3, '\'');
        let (charset, _, value) = (parts.next()?, parts.next()?, parts.next()?);
        let bytes = percent_decode_bytes(value.trim_matches('"'));
        match charset.to_ascii_lowercase().as_str() {
            "utf-8" => String::from_utf8(bytes).ok(),
            _ => Some(encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned()),
        }
    });
    extended.or_else(|| {
        let (_, v) = params.iter().find(|(k, _)| k == "filename")?;
        let v = v.trim_matches('"');
        // Servers often percent-encode here too; UTF-8 raw bytes arrive as Latin-1 chars.
        let decoded = percent_decode(v);
        let latin1: Option<Vec<u8>> = decoded.chars().map(|c| u8::try_from(c as u32).ok()).collect();
        Some(latin1.and_then(|b| String::from_utf8(b).ok()).unwrap_or(decoded))
    })
}

fn percent_decode_bytes(s: &str) -> Vec<u8> {
    percent_encoding::percent_decode_str(s).collect()
}

/// Percent-decode; bytes that are not UTF-8 are read as windows-1258 (old portals' file names).
fn percent_decode(s: &str) -> String {
    let bytes = percent_decode_bytes(s);
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => encoding_rs::WINDOWS_1258.decode(e.as_bytes()).0.into_owned(),
    }
}

/// What reading a document's text gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum TextOutcome {
    /// Text was read: its length in characters, the pages of a PDF (or sheets, slides).
    Text {
        chars: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pages: Option<u32>,
        /// Read by a heuristic (old binary Office files), not by the format's structure.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        best_effort: bool,
        /// The text was longer than vnnews keeps ([`MAX_TEXT_BYTES`]) and is cut there.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        cut: bool,
    },
    /// A PDF without a text layer (a scan): its pages are images.
    NoTextLayer { pages: u32 },
    /// A format whose text vnnews does not read (archives, RTF): kept as the raw file.
    NotExtracted,
    /// The file could not be read as its format, and why.
    Unreadable { reason: String },
}

/// A document's text and how it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentText {
    /// Paragraphs (table rows as cells joined by ` | `), one per line, repaired and NFC.
    pub text: String,
    pub outcome: TextOutcome,
    /// The repairs made (as on pages: legacy-font text, lost letters, double encoding).
    pub repairs: Vec<decode::Repair>,
}

/// Text beyond this is cut: a document's text is for reading and search, and 4 MB is a
/// thousand pages of prose.
pub const MAX_TEXT_BYTES: usize = 4 << 20;

/// A package entry is read up to this many bytes (a zip bomb inflates no further).
const MAX_ENTRY_BYTES: u64 = 64 << 20;

/// Read a document's text. Never panics: a PDF the reader chokes on is unreadable, with why.
pub fn read(bytes: &[u8], format: Format) -> DocumentText {
    let read = std::panic::catch_unwind(|| match format {
        Format::Pdf => pdf(bytes),
        Format::Docx => package(bytes, "word/document.xml", &DOCX).map(Raw::text),
        Format::Pptx => slides(bytes),
        Format::Xlsx => xlsx(bytes),
        Format::Odt | Format::Ods | Format::Odp => package(bytes, "content.xml", &ODF).map(Raw::text),
        Format::Doc | Format::Xls | Format::Ppt => Ok(Raw {
            best_effort: true,
            ..Raw::text(utf16_runs(bytes))
        }),
        Format::Rtf | Format::Zip | Format::Rar => Err(None),
    });
    let raw = match read {
        Ok(Ok(raw)) => raw,
        Ok(Err(None)) => return outcome_only(TextOutcome::NotExtracted),
        Ok(Err(Some(reason))) => return outcome_only(TextOutcome::Unreadable { reason }),
        Err(p) => {
            let reason = crate::error::panic_text(p.as_ref());
            return outcome_only(TextOutcome::Unreadable {
                reason: format!("the reader failed: {reason}"),
            });
        }
    };
    let (text, repairs, cut) = tidy(&raw.text, raw.legacy);
    let chars = text.chars().count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let outcome = match (format, raw.pages) {
        // A PDF whose pages give (almost) no letters is a scan: fewer than 8 and 1.6 a page.
        (Format::Pdf, Some(p)) if letters < 8 + 16 * p as usize / 10 => TextOutcome::NoTextLayer { pages: p },
        _ if chars == 0 && raw.best_effort => TextOutcome::Unreadable {
            reason: "no text found in the file's streams".into(),
        },
        _ => TextOutcome::Text {
            chars,
            pages: raw.pages,
            best_effort: raw.best_effort,
            cut,
        },
    };
    if matches!(outcome, TextOutcome::NoTextLayer { .. }) {
        return outcome_only(outcome);
    }
    DocumentText { text, outcome, repairs }
}

/// What one reader gave: the raw text, the pages (of a PDF; sheets, slides), the legacy
/// encoding a PDF's fonts name, whether it was read by a heuristic.
struct Raw {
    text: String,
    pages: Option<u32>,
    legacy: Option<Legacy>,
    best_effort: bool,
}

impl Raw {
    fn text(text: String) -> Raw {
        Raw {
            text,
            pages: None,
            legacy: None,
            best_effort: false,
        }
    }
}

/// A reader's result; `Err(None)` for a format whose text is not read, `Err(Some(why))` for
/// a file that cannot be read as its format.
type Reading = Result<Raw, Option<String>>;

fn outcome_only(outcome: TextOutcome) -> DocumentText {
    DocumentText {
        text: String::new(),
        outcome,
        repairs: Vec::new(),
    }
}

/// Lines trimmed, runs of spaces collapsed, empty lines dropped, each paragraph repaired
/// (with the legacy encoding the fonts name, or else the one the document's first lines
/// show), the whole cut at [`MAX_TEXT_BYTES`].
fn tidy(raw: &str, legacy: Option<Legacy>) -> (String, Vec<decode::Repair>, bool) {
    let lines = || {
        raw.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
    };
    let legacy = legacy.or_else(|| {
        let mut head = String::new();
        for line in lines() {
            if head.len() > 8192 {
                break;
            }
            head.push_str(&line);
            head.push('\n');
        }
        decode::repair(&head).repairs.iter().find_map(|r| legacy_of(r.kind))
    });
    let mut out = String::new();
    let mut repairs = Vec::new();
    let mut cut = false;
    for line in lines() {
        let line = if legacy == Some(Legacy::Tcvn3) {
            soft_hyphens(&line)
        } else {
            line
        };
        let fixed = decode::repair_hinted(&line, legacy);
        repairs.extend(fixed.repairs);
        if out.len() + fixed.text.len() + 1 > MAX_TEXT_BYTES {
            cut = true;
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&fixed.text);
    }
    (out, repairs, cut)
}

fn legacy_of(kind: decode::RepairKind) -> Option<Legacy> {
    match kind {
        decode::RepairKind::Tcvn3 => Some(Legacy::Tcvn3),
        decode::RepairKind::Vni => Some(Legacy::Vni),
        decode::RepairKind::Viscii => Some(Legacy::Viscii),
        _ => None,
    }
}

/// TCVN3 puts `ư` at 0xAD, the soft hyphen, which a PDF's simple font names `hyphen`: its
/// text reads `c-êng` for `cường`. In TCVN3 text a `-` right after a lower-case letter and
/// not before a digit is that letter (`UBND-VP`, `kinh tế - xã hội`, `1-2` keep theirs).
fn soft_hyphens(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        let after_lower = i > 0 && chars[i - 1].is_lowercase();
        let before_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        out.push(if c == '-' && after_lower && !before_digit {
            '\u{AD}'
        } else {
            c
        });
    }
    out
}

fn pdf(bytes: &[u8]) -> Reading {
    let mut doc = lopdf::Document::load_mem(bytes).map_err(|e| Some(format!("not a readable PDF: {e}")))?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(Some("the PDF is encrypted with a password".into()));
    }
    let legacy = legacy_font(&doc);
    let numbers: Vec<u32> = doc.get_pages().keys().copied().collect();
    let mut text = String::new();
    for n in &numbers {
        let mut page = String::new();
        let mut out = pdf_extract::PlainTextOutput::new(&mut page);
        // A page that cannot be read leaves the others.
        if pdf_extract::output_doc_page(&doc, &mut out, *n).is_ok() {
            text.push_str(&page);
            text.push('\n');
        }
    }
    Ok(Raw {
        pages: Some(numbers.len() as u32),
        legacy,
        ..Raw::text(text)
    })
}

/// The legacy encoding a PDF's fonts name: `.VnTime`, `VnArial` (TCVN3), `VNI-Times` (VNI).
fn legacy_font(doc: &lopdf::Document) -> Option<Legacy> {
    doc.objects.values().find_map(|o| {
        let d = o.as_dict().ok()?;
        let name = d.get(b"BaseFont").ok()?.as_name().ok()?;
        let name = String::from_utf8_lossy(name);
        // A subset font's name is prefixed `ABCDEF+`.
        let name = name.rsplit('+').next().unwrap_or("").to_ascii_lowercase();
        if name.starts_with(".vn") || name.starts_with("vn") && !name.starts_with("vni") {
            Some(Legacy::Tcvn3)
        } else if name.starts_with("vni") {
            Some(Legacy::Vni)
        } else {
            None
        }
    })
}

/// How one XML format marks its text: the element text is in (any, if `None`), the elements
/// that end a paragraph, a table's cells and rows, tabs, line breaks and counted spaces.
struct Dialect {
    text_in: Option<&'static str>,
    paragraphs: &'static [&'static str],
    cell: &'static str,
    row: &'static str,
    tab: &'static str,
    breaks: &'static [&'static str],
    spaces: Option<&'static str>,
}

const DOCX: Dialect = Dialect {
    text_in: Some("t"),
    paragraphs: &["p"],
    cell: "tc",
    row: "tr",
    tab: "tab",
    breaks: &["br", "cr"],
    spaces: None,
};

const PPTX: Dialect = Dialect {
    text_in: Some("t"),
    paragraphs: &["p"],
    cell: "tc",
    row: "tr",
    tab: "tab",
    breaks: &["br"],
    spaces: None,
};

const ODF: Dialect = Dialect {
    text_in: None,
    paragraphs: &["p", "h"],
    cell: "table-cell",
    row: "table-row",
    tab: "tab",
    breaks: &["line-break"],
    spaces: Some("s"),
};

fn entry(zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Result<Option<String>, Option<String>> {
    let Ok(f) = zip.by_name(name) else { return Ok(None) };
    let mut s = String::new();
    f.take(MAX_ENTRY_BYTES)
        .read_to_string(&mut s)
        .map_err(|e| Some(format!("{name}: {e}")))?;
    Ok(Some(s))
}

fn open_zip(bytes: &[u8]) -> Result<zip::ZipArchive<std::io::Cursor<&[u8]>>, Option<String>> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| Some(format!("not a readable zip package: {e}")))
}

fn package(bytes: &[u8], name: &str, dialect: &Dialect) -> Result<String, Option<String>> {
    let mut zip = open_zip(bytes)?;
    match entry(&mut zip, name)? {
        Some(xml) => Ok(xml_text(&xml, dialect)),
        None => Err(Some(format!("the package has no {name}"))),
    }
}

/// Entries `prefix<N>.xml` in the order of N.
fn numbered(zip: &zip::ZipArchive<std::io::Cursor<&[u8]>>, prefix: &str) -> Vec<String> {
    let mut names: Vec<(u32, String)> = zip
        .file_names()
        .filter_map(|n| {
            let n = n.ok()?;
            let rest = n.strip_prefix(prefix)?.strip_suffix(".xml")?;
            Some((rest.parse().ok()?, n.to_string()))
        })
        .collect();
    names.sort();
    names.into_iter().map(|(_, n)| n).collect()
}

fn slides(bytes: &[u8]) -> Reading {
    let mut zip = open_zip(bytes)?;
    let names = numbered(&zip, "ppt/slides/slide");
    let mut text = String::new();
    for name in &names {
        if let Some(xml) = entry(&mut zip, name)? {
            text.push_str(&xml_text(&xml, &PPTX));
        }
    }
    Ok(Raw {
        pages: Some(names.len() as u32),
        ..Raw::text(text)
    })
}

fn xlsx(bytes: &[u8]) -> Reading {
    let mut zip = open_zip(bytes)?;
    let shared: Vec<String> = match entry(&mut zip, "xl/sharedStrings.xml")? {
        Some(xml) => shared_strings(&xml),
        None => Vec::new(),
    };
    let names = numbered(&zip, "xl/worksheets/sheet");
    let mut text = String::new();
    for name in &names {
        if let Some(xml) = entry(&mut zip, name)? {
            sheet_text(&xml, &shared, &mut text);
        }
    }
    Ok(Raw {
        pages: Some(names.len() as u32),
        ..Raw::text(text)
    })
}

/// Walk XML events: `on(event, local name, text)` for start, end and empty tags and text.
fn walk(xml: &str, mut on: impl FnMut(Tag<'_>)) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => on(Tag::Start(local(e.local_name().as_ref()), &e)),
            Ok(Event::Empty(e)) => {
                let name = local(e.local_name().as_ref());
                on(Tag::Start(name.clone(), &e));
                on(Tag::End(name));
            }
            Ok(Event::End(e)) => on(Tag::End(local(e.local_name().as_ref()))),
            Ok(Event::Text(t)) => on(Tag::Text(t.decode().unwrap_or_default().into_owned())),
            Ok(Event::CData(t)) => on(Tag::Text(String::from_utf8_lossy(&t).into_owned())),
            Ok(Event::GeneralRef(r)) => {
                if let Some(c) = r.decode().ok().as_deref().and_then(super::meta::char_reference) {
                    on(Tag::Text(c.to_string()));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

enum Tag<'a> {
    Start(String, &'a quick_xml::events::BytesStart<'a>),
    End(String),
    Text(String),
}

fn local(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name.as_bytes())
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// A word-processing or presentation XML part as lines: a paragraph a line, a table row a
/// line of its cells joined by ` | ` (the way the body shows a page's tables).
fn xml_text(xml: &str, d: &Dialect) -> String {
    let mut out = String::new();
    let (mut para, mut cell) = (String::new(), String::new());
    let mut row: Vec<String> = Vec::new();
    let (mut in_text, mut rows_open) = (0usize, 0usize);
    walk(xml, |tag| match tag {
        Tag::Start(name, e) => {
            if Some(name.as_str()) == d.text_in {
                in_text += 1;
            } else if name == d.row {
                rows_open += 1;
                row.clear();
            } else if name == d.tab {
                para.push('\t');
            } else if d.breaks.contains(&name.as_str()) {
                para.push('\n');
            } else if Some(name.as_str()) == d.spaces {
                let n = attr(e, "c").and_then(|c| c.parse().ok()).unwrap_or(1usize).min(100);
                para.extend(std::iter::repeat_n(' ', n));
            }
        }
        Tag::Text(t) => {
            if d.text_in.is_none() || in_text > 0 {
                para.push_str(&t);
            }
        }
        Tag::End(name) => {
            if Some(name.as_str()) == d.text_in {
                in_text = in_text.saturating_sub(1);
            } else if d.paragraphs.contains(&name.as_str()) {
                let p = std::mem::take(&mut para);
                if rows_open > 0 {
                    if !cell.is_empty() {
                        cell.push(' ');
                    }
                    cell.push_str(p.trim());
                } else if !p.trim().is_empty() {
                    out.push_str(p.trim());
                    out.push('\n');
                }
            } else if name == d.cell {
                row.push(std::mem::take(&mut cell).trim().to_owned());
            } else if name == d.row {
                rows_open = rows_open.saturating_sub(1);
                if row.iter().any(|c| !c.is_empty()) {
                    out.push_str(&row.join(" | "));
                    out.push('\n');
                }
                row.clear();
            }
        }
    });
    if !para.trim().is_empty() {
        out.push_str(para.trim());
        out.push('\n');
    }
    out
}

fn shared_strings(xml: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut current, mut in_t, mut in_phonetic) = (String::new(), false, false);
    walk(xml, |tag| match tag {
        Tag::Start(name, _) => match name.as_str() {
            "t" => in_t = true,
            "rPh" => in_phonetic = true,
            _ => {}
        },
        Tag::Text(t) if in_t && !in_phonetic => current.push_str(&t),
        Tag::Text(_) => {}
        Tag::End(name) => match name.as_str() {
            "t" => in_t = false,
            "rPh" => in_phonetic = false,
            "si" => out.push(std::mem::take(&mut current)),
            _ => {}
        },
    });
    out
}

/// A worksheet's rows as lines of cells joined by ` | `.
fn sheet_text(xml: &str, shared: &[String], out: &mut String) {
    let mut row: Vec<String> = Vec::new();
    let (mut kind, mut value, mut in_value) = (String::new(), String::new(), false);
    walk(xml, |tag| match tag {
        Tag::Start(name, e) => match name.as_str() {
            "c" => {
                kind = attr(e, "t").unwrap_or_default();
                value.clear();
            }
            "v" | "t" => in_value = true,
            _ => {}
        },
        Tag::Text(t) if in_value => value.push_str(&t),
        Tag::Text(_) => {}
        Tag::End(name) => match name.as_str() {
            "v" | "t" => in_value = false,
            "c" => {
                let v = match kind.as_str() {
                    "s" => value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| shared.get(i))
                        .cloned()
                        .unwrap_or_default(),
                    _ => value.clone(),
                };
                row.push(v.trim().to_owned());
            }
            "row" => {
                while row.last().is_some_and(String::is_empty) {
                    row.pop();
                }
                if !row.is_empty() {
                    out.push_str(&row.join(" | "));
                    out.push('\n');
                }
                row.clear();
            }
            _ => {}
        },
    });
}

/// Old binary Office files (OLE2), best effort: the runs of UTF-16LE text in their streams
/// that read as words (Word 97 and later keep Vietnamese text so), a run a line.
fn utf16_runs(bytes: &[u8]) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let letters = run.chars().filter(|c| c.is_alphabetic()).count();
        if run.chars().count() >= 8 && letters * 2 >= run.chars().count() && run.contains(' ') {
            out.push_str(run.trim());
            out.push('\n');
        }
        run.clear();
    };
    for unit in bytes.chunks_exact(2) {
        let u = u16::from_le_bytes([unit[0], unit[1]]);
        match char::from_u32(u as u32) {
            Some(c) if c == '\r' || c == '\n' || c == '\u{b}' => flush(&mut run, &mut out),
            Some(c) if is_text_char(c) => run.push(c),
            _ => flush(&mut run, &mut out),
        }
    }
    flush(&mut run, &mut out);
    out
}

fn is_text_char(c: char) -> bool {
    c == ' '
        || c.is_ascii_graphic()
        || decode::is_vietnamese_letter(c)
        || matches!(c as u32, 0xC0..=0x24F | 0x2010..=0x2026 | 0x300..=0x323)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/fixtures/documents/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn document_links_are_known_by_the_file_name_or_a_query_value() {
        let check = |u: &str, want: Option<Format>| assert_eq!(document_link(&url(u)), want, "{u}");
        check("https://x.gov.vn/upload/qd-12.PDF", Some(Format::Pdf));
        check(
            "https://x.gov.vn/Download.aspx?file=/files/bao%20cao.docx",
            Some(Format::Docx),
        );
        check("https://x.gov.vn/files/so-lieu.xlsx?v=3", Some(Format::Xlsx));
        check("https://x.gov.vn/tin-tuc/pdf-moi.html", None);
        check("https://x.gov.vn/pdf/", None);
        check("https://x.gov.vn/tin.aspx?id=12", None);
    }

    #[test]
    fn a_body_is_known_by_its_bytes_not_its_address() {
        let u = url("https://x.gov.vn/a.pdf");
        assert_eq!(
            sniff(&fixture("quyet-dinh-12-qd-ubnd.pdf"), None, &u),
            Some(Format::Pdf)
        );
        assert_eq!(sniff(b"<html>not found</html>", Some("application/pdf"), &u), None);
        let quoting = b"<html><body><p>A PDF begins with %PDF-1.4</p></body></html>";
        assert_eq!(
            sniff(quoting, Some("text/html"), &url("https://x.gov.vn/tin.html")),
            None
        );
        assert_eq!(
            sniff(b"\r\n%PDF-1.4 ...", None, &u),
            Some(Format::Pdf),
            "junk before it, at a .pdf address"
        );
        let any = url("https://x.gov.vn/get?id=1");
        assert_eq!(sniff(&fixture("bao-cao-tong-ket.docx"), None, &any), Some(Format::Docx));
        assert_eq!(
            sniff(&fixture("so-lieu-thiet-hai.xlsx"), None, &any),
            Some(Format::Xlsx)
        );
        assert_eq!(sniff(&fixture("ke-hoach.odt"), None, &any), Some(Format::Odt));
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert_eq!(sniff(&ole, None, &any), Some(Format::Doc));
        assert_eq!(sniff(&ole, None, &url("https://x.gov.vn/a.xls")), Some(Format::Xls));
        assert_eq!(sniff(b"{\\rtf1\\ansi", None, &any), Some(Format::Rtf));
    }

    #[test]
    fn file_names_come_from_the_header_or_the_decoded_path() {
        let check = |cd: Option<&str>, u: &str, want: &str| {
            assert_eq!(file_name(cd, &url(u)).as_deref(), Some(want), "{cd:?} {u}");
        };
        let u = "https://x.gov.vn/files/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf";
        check(None, u, "Quyết định 12.pdf");
        check(
            Some("attachment; filename=\"qd.pdf\"; filename*=UTF-8''C%C3%B4ng%20v%C4%83n.pdf"),
            u,
            "Công văn.pdf",
        );
        check(Some("attachment; filename=\"bao-cao.docx\""), u, "bao-cao.docx");
        // UTF-8 bytes in a plain filename arrive as Latin-1 characters.
        check(Some("attachment; filename=\"Kế hoạch.pdf\""), u, "Kế hoạch.pdf");
        let latin1: String = "Kế hoạch.pdf".bytes().map(char::from).collect();
        check(Some(&format!("attachment; filename=\"{latin1}\"")), u, "Kế hoạch.pdf");
        check(Some("attachment; filename=\"..\\..\\evil.pdf\""), u, "evil.pdf");
        // windows-1258 bytes in an old portal's path.
        check(None, "https://x.gov.vn/files/B%E1o%20c%E1o.doc", "Báo cáo.doc");
    }

    #[test]
    fn a_pdf_text_layer_is_read() {
        let d = read(&fixture("quyet-dinh-12-qd-ubnd.pdf"), Format::Pdf);
        assert!(d.text.contains("Quyết định số 12/QĐ-UBND ngày 5/3/2024"), "{}", d.text);
        assert!(d.text.contains("sơ tán người dân khỏi vùng ngập lụt"), "{}", d.text);
        assert!(
            matches!(d.outcome, TextOutcome::Text { pages: Some(1), .. }),
            "{:?}",
            d.outcome
        );
    }

    #[test]
    fn a_tcvn3_pdf_comes_out_in_unicode() {
        let d = read(&fixture("cong-van-tcvn3.pdf"), Format::Pdf);
        assert!(d.text.contains("Công văn số 567/UBND-VP"), "{}", d.text);
        assert!(
            d.text.contains("tăng cường công tác phòng chống dịch sốt xuất huyết"),
            "{}",
            d.text
        );
        assert!(!d.repairs.is_empty());
    }

    #[test]
    fn a_scanned_pdf_has_no_text_layer() {
        let d = read(&fixture("ban-chup.pdf"), Format::Pdf);
        assert_eq!(d.outcome, TextOutcome::NoTextLayer { pages: 1 });
        assert_eq!(d.text, "");
    }

    #[test]
    fn office_and_opendocument_text_is_read_from_the_xml() {
        let d = read(&fixture("bao-cao-tong-ket.docx"), Format::Docx);
        assert_eq!(
            d.text,
            "Báo cáo tổng kết công tác phòng, chống lụt bão năm 2023\n\
             Thực hiện Chỉ thị số 05/CT-UBND, huyện đã sơ tán 205 hộ dân khỏi vùng nguy hiểm.\n\
             Xã | Số hộ sơ tán\nTả Thanh Oai | 120\nVĩnh Quỳnh | 85\n\
             Tổng thiệt hại ước tính 1,2 tỷ đồng; không có thiệt hại về người."
        );
        let x = read(&fixture("so-lieu-thiet-hai.xlsx"), Format::Xlsx);
        assert_eq!(
            x.text,
            "Xã | Nhà bị tốc mái | Diện tích lúa ngập (ha)\nTả Thanh Oai | 12 | 40.5\nVĩnh Quỳnh | 7 | 22\nNgũ Hiệp | 3 | 9.75"
        );
        assert!(matches!(x.outcome, TextOutcome::Text { pages: Some(1), .. }));
        let o = read(&fixture("ke-hoach.odt"), Format::Odt);
        assert!(
            o.text
                .starts_with("Kế hoạch tổ chức ngày hội đại đoàn kết toàn dân tộc\n"),
            "{}",
            o.text
        );
    }

    #[test]
    fn broken_files_are_unreadable_with_a_reason_not_a_panic() {
        for (bytes, format) in [
            (&b"%PDF-1.4 garbage"[..], Format::Pdf),
            (b"PK\x03\x04 not really", Format::Docx),
            (b"", Format::Xlsx),
        ] {
            let d = read(bytes, format);
            assert!(
                matches!(d.outcome, TextOutcome::Unreadable { .. }),
                "{format:?}: {:?}",
                d.outcome
            );
        }
        assert_eq!(
            read(b"Rar!\x1a\x07\x00", Format::Rar).outcome,
            TextOutcome::NotExtracted
        );
    }

    #[test]
    fn cut_and_damaged_documents_are_read_without_a_panic() {
        // Every fixture cut at 64 places and with a byte flipped at 64 others: each read
        // ends with an outcome (a panic inside a reader is caught, an abort is not).
        for name in [
            "quyet-dinh-12-qd-ubnd.pdf",
            "cong-van-tcvn3.pdf",
            "ban-chup.pdf",
            "bao-cao-tong-ket.docx",
            "so-lieu-thiet-hai.xlsx",
            "ke-hoach.odt",
        ] {
            let bytes = fixture(name);
            let format = sniff(&bytes, None, &url("http://x/")).unwrap();
            for i in 1..64 {
                let at = bytes.len() * i / 64;
                let cut = read(&bytes[..at], format);
                assert!(decode::nfc(&cut.text) == cut.text, "{name} cut at {at}");
                let mut flipped = bytes.clone();
                flipped[at] ^= 0x5A;
                let _ = read(&flipped, format);
            }
        }
    }

    #[test]
    fn old_word_files_give_their_utf16_text_best_effort() {
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 3, 0];
        for c in "Nghị quyết số 05/NQ-HĐND về ngân sách\r".encode_utf16() {
            bytes.extend(c.to_le_bytes());
        }
        bytes.extend([0xFF; 40]);
        let d = read(&bytes, Format::Doc);
        assert_eq!(d.text, "Nghị quyết số 05/NQ-HĐND về ngân sách");
        assert!(matches!(d.outcome, TextOutcome::Text { best_effort: true, .. }));
    }
}
