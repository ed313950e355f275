//! Any bytes, any Content-Type: decoding never panics, always yields NFC, and extraction of
//! the result never panics either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unicode_normalization::is_nfc;

fuzz_target!(|data: &[u8]| {
    let (ct, body) = match data.split_first() {
        Some((0, rest)) => (Some("text/html; charset=windows-1258"), rest),
        Some((1, rest)) => (Some("text/html; charset=ISO-8859-1"), rest),
        Some((2, rest)) => (Some("text/html; charset=utf-8"), rest),
        Some((_, rest)) => (None, rest),
        None => (None, data),
    };
    let (text, _report) = vnnews::decode::decode_document(body, ct);
    assert!(is_nfc(&text));
    let page = vnnews::extract::Page {
        bytes: body,
        content_type: ct,
        url: "http://127.0.0.1/a.htm",
        fetched_at: None,
        patterns: None,
    };
    let a = vnnews::extract::extract(&page, None).article;
    assert!(is_nfc(&a.body));
});
