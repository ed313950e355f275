//! Bytes → text for one document, with a record of the evidence used.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use regex::bytes::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use super::repair::{Repair, RepairKind};

/// Where the chosen encoding came from, strongest evidence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingSource {
    /// A byte-order mark.
    Bom,
    /// The HTTP `Content-Type` charset parameter.
    Http,
    /// `<meta charset>` or `<meta http-equiv="Content-Type">`.
    Meta,
    /// The bytes contradicted the declared label and were valid UTF-8.
    Utf8Validation,
    /// No usable declaration: chardetng's guess (with the `.vn` hint).
    Sniffed,
}

/// What [`decode_document`] decided, stored in each article's `encoding` field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EncodingReport {
    /// WHATWG name of the encoding used, e.g. `utf-8`, `windows-1258`.
    pub label: String,
    pub from: EncodingSource,
    /// The charset named by HTTP, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<String>,
    /// The charset named by the page's `<meta>`, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<String>,
    /// Why a declared label was not followed, or where declarations disagree.
    pub disagreement: Option<String>,
    /// Repairs made to the text, at decode time and later in the pipeline.
    #[serde(default)]
    pub repairs: Vec<Repair>,
}

static META_CHARSET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i-u)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#).expect("valid regex"));

/// Browsers look for the meta declaration in the first 1024 bytes; real portals put long
/// scripts first, so we look a little further.
const PRESCAN_BYTES: usize = 4096;

/// Find the charset declared by a `Content-Type` header value.
pub fn http_charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
    })
}

fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    META_CHARSET
        .captures(head)
        .map(|c| String::from_utf8_lossy(&c[1]).to_ascii_lowercase())
}

fn is_utf16(enc: &'static Encoding) -> bool {
    enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE
}

/// Whether bytes could be UTF-16 text: at least one NUL byte in a hundred (HTML in UTF-16
/// has one in every two or three, Vietnamese or CJK prose one in every few code units for
/// spaces and punctuation alone).
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let nul = bytes.iter().filter(|&&b| b == 0).count();
    nul > 0 && nul * 100 >= bytes.len()
}

fn has_non_ascii(bytes: &[u8]) -> bool {
    !bytes.is_ascii()
}

/// Decode a document's raw bytes into NFC text.
///
/// `content_type` is the HTTP header value, if the bytes came over HTTP.
pub fn decode_document(bytes: &[u8], content_type: Option<&str>) -> (String, EncodingReport) {
    let http_label = content_type.and_then(http_charset).map(str::to_ascii_lowercase);
    let meta_label = meta_charset(bytes);
    let mut report = EncodingReport {
        label: String::new(),
        from: EncodingSource::Sniffed,
        http: http_label.clone(),
        meta: meta_label.clone(),
        disagreement: None,
        repairs: Vec::new(),
    };

    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        report.label = enc.name().to_ascii_lowercase();
        report.from = EncodingSource::Bom;
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (super::nfc_owned(text.into_owned()), report);
    }

    let mut http_enc = http_label.as_deref().and_then(|l| Encoding::for_label(l.as_bytes()));
    // UTF-16 without a BOM is checked against the bytes like any other label: text in it
    // has NUL bytes (the high byte of every ASCII character, markup included); bytes with
    // next to none are not UTF-16, whatever the server says, and read as CJK garbage if
    // taken for it.
    if let Some(h) = http_enc.filter(|&h| is_utf16(h) && !looks_like_utf16(bytes)) {
        report.disagreement = Some(format!("labelled {} but the bytes are not (no NUL bytes)", h.name()));
        http_enc = None;
    }
    // A meta tag cannot declare UTF-16 (the bytes would not be readable to find it).
    let meta_enc = meta_label
        .as_deref()
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .map(|e| if is_utf16(e) { UTF_8 } else { e });
    if let (Some(h), Some(m)) = (http_enc, meta_enc)
        && h != m
    {
        report.disagreement = Some(format!("HTTP says {}, the page says {}", h.name(), m.name()));
    }
    let declared = http_enc
        .map(|e| (e, EncodingSource::Http))
        .or(meta_enc.map(|e| (e, EncodingSource::Meta)));

    let as_utf8 = std::str::from_utf8(bytes).ok();
    let valid_utf8 = as_utf8.is_some();
    let (enc, from) = match declared {
        // Valid UTF-8 that is not ASCII is UTF-8, whatever the label: text in any other
        // encoding (a Latin or Cyrillic code page, GB2312, Shift_JIS, Big5) almost never
        // forms valid multi-byte sequences throughout, while a template's stale label on a
        // page re-saved as UTF-8 is common.
        Some((e, _)) if e != UTF_8 && !is_utf16(e) && valid_utf8 && has_non_ascii(bytes) => {
            report.disagreement = Some(format!("labelled {} but the bytes are valid UTF-8", e.name()));
            (UTF_8, EncodingSource::Utf8Validation)
        }
        Some((e, src)) if e == UTF_8 && !valid_utf8 && !mostly_utf8(bytes) => {
            let guess = sniff(bytes, false);
            report.disagreement = Some(format!(
                "labelled UTF-8 but the bytes are not; they read as {}",
                guess.name()
            ));
            let _ = src;
            (guess, EncodingSource::Sniffed)
        }
        Some((e, src)) => (e, src),
        None if valid_utf8 => (UTF_8, EncodingSource::Sniffed),
        None => (sniff(bytes, true), EncodingSource::Sniffed),
    };
    report.label = enc.name().to_ascii_lowercase();
    report.from = from;

    let text = if enc == UTF_8 {
        // Valid UTF-8 (the common case) is copied as it is, not validated a second time.
        as_utf8.map_or_else(|| decode_utf8_recovering(bytes, &mut report.repairs), str::to_owned)
    } else {
        enc.decode_without_bom_handling(bytes).0.into_owned()
    };
    (super::nfc_owned(text), report)
}

fn sniff(bytes: &[u8], allow_utf8: bool) -> &'static Encoding {
    let mut det = chardetng::EncodingDetector::new();
    det.feed(bytes, true);
    det.guess(Some(b"vn"), allow_utf8)
}

/// True when the bytes are UTF-8 with only a few invalid islands (a legacy fragment pasted
/// into a UTF-8 page), as opposed to a legacy page mislabelled as UTF-8.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut valid_multibyte, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid_multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (ok, tail) = rest.split_at(e.valid_up_to());
                valid_multibyte += std::str::from_utf8(ok)
                    .map(|s| s.chars().filter(|c| !c.is_ascii()).count())
                    .unwrap_or(0);
                let bad = e.error_len().unwrap_or(tail.len());
                invalid += 1;
                rest = &tail[bad..];
            }
        }
    }
    valid_multibyte >= invalid
}

/// Decode UTF-8, reading each invalid run as windows-1252 — what a legacy fragment pasted
/// into a UTF-8 page almost always is — instead of replacing it with U+FFFD.
pub fn decode_utf8_recovering(bytes: &[u8], repairs: &mut Vec<Repair>) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (ok, tail) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(ok).expect("validated prefix"));
                // Extend the invalid run over following invalid sequences.
                let mut bad = e.error_len().unwrap_or(tail.len());
                while bad < tail.len() {
                    match std::str::from_utf8(&tail[bad..]) {
                        Err(e2) if e2.valid_up_to() == 0 => bad += e2.error_len().unwrap_or(tail.len() - bad),
                        _ => break,
                    }
                }
                let (run, after) = tail.split_at(bad);
                let (recovered, _) = WINDOWS_1252.decode_without_bom_handling(run);
                let start = out.len();
                out.push_str(&recovered);
                repairs.push(Repair {
                    kind: RepairKind::InvalidUtf8,
                    offset: Some(start),
                    before: "\u{FFFD}".repeat(String::from_utf8_lossy(run).matches('\u{FFFD}').count()),
                    after: recovered.into_owned(),
                    note: Some("invalid UTF-8 bytes read as windows-1252".into()),
                });
                rest = after;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(bytes: &[u8], content_type: Option<&str>, text: &str, label: &str, from: EncodingSource) {
        let (got, report) = decode_document(bytes, content_type);
        assert_eq!(got, text);
        assert_eq!(report.label, label);
        assert_eq!(report.from, from);
    }

    #[test]
    fn decodes_by_evidence() {
        use EncodingSource::*;
        check(
            "Hà Nội".as_bytes(),
            Some("text/html; charset=utf-8"),
            "Hà Nội",
            "utf-8",
            Http,
        );
        check(
            b"\xEF\xBB\xBFH\xC3\xA0",
            Some("text/html; charset=windows-1252"),
            "Hà",
            "utf-8",
            Bom,
        );
        check(b"\xFF\xFEH\x00\xE0\x00", None, "Hà", "utf-16le", Bom);
        // A UTF-16 label on bytes that are not UTF-16 (they read as CJK garbage if obeyed)…
        let ascii = b"<html><p>Ha Noi</p></html>";
        let html = "<html><p>Ha Noi</p></html>";
        check(ascii, Some("text/html; charset=utf-16"), html, "utf-8", Sniffed);
        check(ascii, Some("text/html; charset=UTF-16BE"), html, "utf-8", Sniffed);
        check(
            "<p>Hà Nội</p>".as_bytes(),
            Some("text/html; charset=utf-16le"),
            "<p>Hà Nội</p>",
            "utf-8",
            Sniffed,
        );
        check(
            b"<meta charset=\"windows-1258\">Ha\xCC N\xF4\xF2i",
            Some("text/html; charset=utf-16"),
            "<meta charset=\"windows-1258\">Hà Nội",
            "windows-1258",
            Meta,
        );
        // … and on bytes that are: followed.
        let utf16le: Vec<u8> = "<p>Hà Nội</p>".encode_utf16().flat_map(u16::to_le_bytes).collect();
        check(
            &utf16le,
            Some("text/html; charset=utf-16le"),
            "<p>Hà Nội</p>",
            "utf-16le",
            Http,
        );
        let utf16be: Vec<u8> = "<p>北京 Hà Nội</p>".encode_utf16().flat_map(u16::to_be_bytes).collect();
        check(
            &utf16be,
            Some("text/html; charset=utf-16be"),
            "<p>北京 Hà Nội</p>",
            "utf-16be",
            Http,
        );
        // windows-1258: "Hà Nội" = H a U+0300 (0xCC) ... comes out NFC
        check(
            b"<meta charset=\"windows-1258\">Ha\xCC N\xF4\xF2i",
            None,
            "<meta charset=\"windows-1258\">Hà Nội",
            "windows-1258",
            Meta,
        );
    }

    #[test]
    fn utf8_labelled_latin1_is_read_as_utf8() {
        let (text, report) = decode_document("Việt Nam".as_bytes(), Some("text/html; charset=ISO-8859-1"));
        assert_eq!(text, "Việt Nam");
        assert_eq!(report.from, EncodingSource::Utf8Validation);
        assert!(report.disagreement.is_some());
    }

    #[test]
    fn utf8_under_a_stale_cjk_or_cyrillic_label_is_read_as_utf8() {
        // A template's `<meta charset=gb2312>` left on a page saved as UTF-8: obeyed, the
        // page read as Chinese garbage.
        for label in ["gb2312", "shift_jis", "big5", "euc-kr", "windows-1251", "koi8-r"] {
            let page = format!("<meta charset=\"{label}\"><p>Thành phố Hà Nội – 北京 – Москва</p>");
            let (text, report) = decode_document(page.as_bytes(), None);
            assert_eq!(text, page, "{label}");
            assert_eq!(report.from, EncodingSource::Utf8Validation, "{label}");
        }
        // Bytes in the labelled encoding still follow it.
        let (bytes, _, _) = encoding_rs::GBK.encode("<meta charset=\"gb2312\"><p>北京市人民政府</p>");
        let (text, report) = decode_document(&bytes, None);
        assert_eq!(text, "<meta charset=\"gb2312\"><p>北京市人民政府</p>");
        assert_eq!(report.label, "gbk");
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("<p>Правительство Москвы</p>");
        let (text, _) = decode_document(&bytes, Some("text/html; charset=windows-1251"));
        assert_eq!(text, "<p>Правительство Москвы</p>");
    }

    #[test]
    fn seed_captcha_fragment_is_recovered_not_replaced() {
        let page = b"<meta charset=\"utf-8\"><p>M\xC3\xA3 x\xC3\xA1c nh\xE1\xBA\xADn: L?y l?i m\xe3 b?o m?t</p>";
        let (text, report) = decode_document(page, None);
        assert!(text.contains("L?y l?i mã b?o m?t"), "{text}");
        assert_eq!(report.label, "utf-8");
        assert_eq!(report.repairs.len(), 1);
        assert_eq!(report.repairs[0].after, "ã");
    }

    #[test]
    fn unlabelled_windows_1258_is_sniffed() {
        let mut bytes = Vec::new();
        assert!(super::super::codepage::CodePage::Windows1258.encode(
            "Ủy ban nhân dân quận Long Biên vừa ban hành kế hoạch thực hiện tháng hành động vì bình đẳng giới",
            &mut bytes,
        ));
        let (text, report) = decode_document(&bytes, None);
        assert_eq!(report.label, "windows-1258");
        assert!(text.starts_with("Ủy ban nhân dân"), "{text}");
    }

    #[test]
    fn http_charset_parameter() {
        assert_eq!(http_charset("text/html; charset=\"UTF-8\""), Some("UTF-8"));
        assert_eq!(http_charset("text/html"), None);
    }
}
