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
    if quick_check_says_yes(text) {
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

/// Is the character NFC on its own and composing with nothing before it: below U+0300
/// (ASCII, Latin-1, Latin Extended-A/B), a Vietnamese letter (U+1EA0..U+1EF9), typographic
/// punctuation (U+2010..U+205F: dashes, curly quotes, ellipsis, bullets), a currency sign
/// (U+20A0..U+20C0: ₫, €), `™` (windows-1252 has it) or the replacement character `�` (what
/// a lossy conversion leaves)?
fn settled(c: char) -> bool {
    (c as u32) < 0x300 || matches!(c as u32, 0x1EA0..=0x1EF9 | 0x2010..=0x205F | 0x20A0..=0x20C0 | 0x2122 | 0xFFFD)
}

/// Does Unicode's NFC quick check say yes for the text? Clean Vietnamese text is settled
/// ([`settled`]) without the check's table lookups, ASCII runs skipped 32 bytes at a time
/// (pages are mostly markup); only the runs of other characters are looked up. A settled
/// character is a starter the check passes, so its state starts afresh after one: the runs
/// checked alone answer as the whole text does, and an emoji in a page's footer no longer
/// sends the whole page through the lookups.
fn quick_check_says_yes(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(skip) = first_non_ascii(&bytes[i..]) {
        i += skip;
        let c = text[i..]
            .chars()
            .next()
            .expect("a char starts at a non-continuation byte");
        if settled(c) {
            i += c.len_utf8();
            continue;
        }
        let end = text[i..]
            .char_indices()
            .find(|&(_, c)| settled(c))
            .map_or(text.len(), |(at, _)| i + at);
        if is_nfc_quick(text[i..end].chars()) != unicode_normalization::IsNormalized::Yes {
            return false;
        }
        i = end;
    }
    true
}

/// Where the first byte of `bytes` at or above 0x80 is: 32 bytes at a time (four words of
/// eight, one of which has a high bit set when the block holds it), then a word of eight
/// at a time, the rest one by one.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let word = |w: &[u8]| u64::from_le_bytes(w.try_into().expect("eight bytes"));
    let mut blocks = bytes.chunks_exact(32);
    let mut at = 0;
    for b in blocks.by_ref() {
        if (word(&b[..8]) | word(&b[8..16]) | word(&b[16..24]) | word(&b[24..])) & HIGH != 0 {
            break;
        }
        at += 32;
    }
    let rest = &bytes[at..];
    let mut words = rest.chunks_exact(8);
    for (n, w) in words.by_ref().enumerate() {
        let high = word(w) & HIGH;
        if high != 0 {
            return Some(at + n * 8 + high.trailing_zeros() as usize / 8);
        }
    }
    let tail = rest.len() - words.remainder().len();
    words.remainder().iter().position(|&b| b >= 0x80).map(|p| at + tail + p)
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
    fn the_first_byte_above_ascii_is_found_wherever_it_stands() {
        for len in [0, 1, 7, 8, 9, 31, 32, 33, 64, 100] {
            let ascii = vec![b'a'; len];
            assert_eq!(first_non_ascii(&ascii), None, "{len} ASCII bytes");
            for at in 0..len {
                let mut bytes = ascii.clone();
                bytes[at] = 0xC3;
                if at + 1 < len {
                    bytes[at + 1] = 0xA9;
                }
                assert_eq!(first_non_ascii(&bytes), Some(at), "at {at} of {len}");
            }
        }
    }

    #[test]
    fn the_quick_check_by_runs_answers_as_over_the_whole_text() {
        for text in [
            "",
            "plain ASCII markup <div class=\"x\">",
            "Lấy lại mã bảo mật – “Hà Nội” 100.000₫ …",
            "a footer 🙂 after the text, ▲ and ☰ and █",
            "Русский текст и 中文 and العربية",
            "كَتَبْ",                 // marks in canonical order
            "كْ\u{64E}b",           // sukun (34) before fatha (30): not NFC
            "e\u{301} decomposed", // composes with the letter before: maybe
            "\u{301} a mark first, then 🏳\u{FE0F}\u{200D}🌈",
            "\u{1100}\u{1161} jamo that compose",
            "\u{FEFF}bom and private \u{F002}",
        ] {
            let whole = is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes;
            assert_eq!(quick_check_says_yes(text), whole, "{text:?}");
        }
    }

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
