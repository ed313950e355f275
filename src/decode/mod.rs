//! `decode` owns the step from fetched bytes to correct Vietnamese text.
//!
//! * [`decode_document`] turns a page's raw bytes into text: BOM, HTTP `Content-Type`, the
//!   `<meta>` prescan browsers do, then chardetng with the `.vn` hint — never trusting a label
//!   the bytes contradict — and records what it chose and why in an [`EncodingReport`].
//! * [`repair`] repairs text that decoded "successfully" but is still wrong: double-encoded
//!   UTF-8, decomposed (NFD) text, legacy font-hack text (TCVN3, VNI, VISCII) and letters
//!   lost to a code page that could not hold them.
//!   Every change is a [`Repair`] record, so each repair is auditable and can be re-run.
//!
//! Everything that leaves this module is Unicode NFC.

mod charset;
mod codepage;
pub mod legacy;
mod letters;
pub mod lm;
mod lost;
mod mojibake;
mod names;
mod pipeline;
mod repair;
pub mod restore;

pub use charset::{EncodingReport, EncodingSource, decode_document, decode_utf8_recovering, http_charset};
pub use codepage::is_vietnamese_letter;
pub use legacy::Legacy;
pub use pipeline::{repair, repair_hinted, repair_with};
pub use repair::{Repair, RepairKind, Repaired, Repairer};

use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// NFC-normalise, borrowing when the text already is NFC (the common case).
pub fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    // Below U+0300 (ASCII, Latin-1, Latin Extended-A/B) and in the Vietnamese block
    // U+1EA0..U+1EF9 every character is NFC on its own and composes with nothing before it:
    // clean Vietnamese text is settled without the general quick check's table lookups.
    if all_settled(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    if is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
        return std::borrow::Cow::Borrowed(text);
    }
    // The quick check can only say "maybe" for some text that is NFC already.
    let composed: String = text.nfc().collect();
    if composed == text {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(composed)
    }
}

/// Is every character one that is NFC on its own and composes with nothing before it (below
/// U+0300, Vietnamese letters U+1EA0..U+1EF9, typographic punctuation, currency signs, `™`, `�`)?
/// ASCII runs are skipped eight bytes at a time: pages are mostly markup.
fn all_settled(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(skip) = first_non_ascii(&bytes[i..]) {
        i += skip;
        let c = text[i..]
            .chars()
            .next()
            .expect("a char starts at a non-continuation byte");
        // Typographic punctuation (U+2010..U+205F: dashes, curly quotes, ellipsis, bullets),
        // currency signs (U+20A0..U+20C0: ₫, €), `™` (windows-1252 has it) and the
        // replacement character `�` (what a lossy conversion leaves) are NFC on their own too.
        if !((c as u32) < 0x300
            || matches!(c as u32, 0x1EA0..=0x1EF9 | 0x2010..=0x205F | 0x20A0..=0x20C0 | 0x2122 | 0xFFFD))
        {
            return false;
        }
        i += c.len_utf8();
    }
    true
}

/// Where the first byte of `bytes` at or above 0x80 is: a word of eight bytes at a time (one
/// with a high bit set holds it), the rest one by one.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    for (n, w) in words.by_ref().enumerate() {
        let high = u64::from_le_bytes(w.try_into().expect("eight bytes")) & HIGH;
        if high != 0 {
            return Some(n * 8 + high.trailing_zeros() as usize / 8);
        }
    }
    let tail = bytes.len() - words.remainder().len();
    words.remainder().iter().position(|&b| b >= 0x80).map(|p| tail + p)
}

/// [`nfc`] of an owned string, without copying it when it is NFC already.
pub fn nfc_owned(text: String) -> String {
    match nfc(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(composed) => composed,
    }
}

/// Remove diacritics and map `đ` to `d`, lower-casing: the "folded" form used for search.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_tones_and_maps_d_bar() {
        assert_eq!(fold("Bình Đẳng GIỚI"), "binh dang gioi");
        assert_eq!(fold("Lấy lại mã bảo mật"), "lay lai ma bao mat");
    }

    #[test]
    fn nfc_composes_windows_1258_style_text() {
        // windows-1258 keeps tone marks as combining characters: "Hà" = H a U+0300
        assert_eq!(nfc("Ha\u{300}"), "Hà");
        assert!(matches!(nfc("Hà Nội"), std::borrow::Cow::Borrowed(_)));
        // Found by fuzzing: NFC text the quick check calls "maybe" is not a repair.
        assert!(matches!(nfc("Nghị \u{311}ịnh"), std::borrow::Cow::Borrowed(_)));
        // Punctuation and currency signs settle quickly; a combining mark after them is still
        // seen (and kept: nothing composes with a dash).
        assert!(matches!(nfc("“Giá” – 100.000 ₫…"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(nfc("Ha\u{300} – e\u{301}"), "Hà – é");
    }

    #[test]
    fn the_first_non_ascii_byte_is_found_in_any_position_of_a_word() {
        let text = "abcdefghijklmnopqrstuvwxyz0123456789";
        for at in 0..text.len() {
            let s = format!("{}é{}", &text[..at], &text[at..]);
            assert_eq!(first_non_ascii(s.as_bytes()), Some(at), "{s}");
        }
        assert_eq!(first_non_ascii(text.as_bytes()), None);
        assert_eq!(first_non_ascii(b""), None);
    }
}
