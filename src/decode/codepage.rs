//! Single-byte code pages seen backwards: which byte a character came from.
//!
//! Double-encoding repair needs to turn mojibake back into the bytes it was decoded from;
//! lost-letter repair needs to know which letters a code page could hold at all.

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1258};
use std::sync::LazyLock;

/// A code page that UTF-8 bytes are commonly mis-read through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePage {
    /// windows-1252, plus ISO-8859-1's C1 controls for the bytes windows-1252 leaves undefined
    /// (together they cover both "read as windows-1252" and "read as ISO-8859-1").
    Latin,
    /// windows-1258, whose tone marks are combining characters.
    Windows1258,
    /// windows-1252, windows-1258 or windows-1250: each character maps to its byte in the
    /// first that holds it (they do not disagree on a character), for text that mixes kinds.
    Either,
    /// The DOS code page 437 (consoles, old tools): `Tiß║┐ng Viß╗çt`.
    Cp437,
    /// Mac OS Roman (files from old Macs, their mail): `Gr√∂√üe`.
    MacRoman,
}

impl CodePage {
    pub fn name(self) -> &'static str {
        match self {
            CodePage::Latin => "windows-1252",
            CodePage::Windows1258 => "windows-1258",
            CodePage::Either => "windows-1252/windows-1258/windows-1250",
            CodePage::Cp437 => "IBM437",
            CodePage::MacRoman => "macintosh",
        }
    }

    /// The byte this character is in the code page, if any.
    #[inline]
    pub fn byte(self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return Some(c as u8);
        }
        let table: &Table = match self {
            CodePage::Latin => &LATIN,
            CodePage::Windows1258 => &CP1258,
            CodePage::Either => &EITHER,
            CodePage::Cp437 => &CP437,
            CodePage::MacRoman => &MAC_ROMAN,
        };
        table.get(c)
    }

    /// Encode text into this code page; `None` if some character is not representable.
    /// windows-1258 text is encoded in its native decomposed form (base letter + tone mark).
    pub fn encode(self, text: &str, out: &mut Vec<u8>) -> bool {
        for c in text.chars() {
            if let Some(b) = self.byte(c) {
                out.push(b);
            } else if matches!(self, CodePage::Windows1258 | CodePage::Either) {
                if !encode_decomposed_1258(c, out) {
                    return false;
                }
            } else {
                return false;
            }
        }
        true
    }
}

/// Characters up to this code point have a slot in a [`Table`]; every character of the
/// code pages here is below it (the highest is IBM437's `■`, U+25A0, and Mac OS Roman's
/// `◊`, U+25CA), but for three of Mac OS Roman's.
const TABLE_SIZE: usize = 0x2600;

/// A code page backwards: the byte of each character (0: none; ASCII is handled before).
/// A flat array, because the lookup sits on the hot path of every repair step.
struct Table(Box<[u8; TABLE_SIZE]>);

impl Table {
    fn new() -> Table {
        Table(Box::new([0; TABLE_SIZE]))
    }

    #[inline]
    fn get(&self, c: char) -> Option<u8> {
        match self.0.get(c as usize) {
            Some(&b) if b != 0 => Some(b),
            _ => None,
        }
    }

    /// Add the high half of a code page, keeping characters already present.
    fn add(&mut self, enc: &'static Encoding, c1_fallback: bool) {
        for b in 0x80u8..=0xFF {
            let bytes = [b];
            let (s, had_errors) = enc.decode_without_bom_handling(&bytes);
            if !had_errors && let Some(c) = s.chars().next() {
                self.add_char(c, b);
            }
            if c1_fallback && (0x80..0xA0).contains(&b) {
                self.add_char(char::from(b), b);
            }
        }
    }

    /// (Mac OS Roman's ligatures `ﬁ` `ﬂ` and Apple logo lie beyond the table: as lead bytes
    /// of mojibake they are too rare to be worth a larger one.)
    fn add_char(&mut self, c: char, b: u8) {
        if let Some(slot) = self.0.get_mut(c as usize)
            && *slot == 0
        {
            *slot = b;
        }
    }

    fn of(pages: &[(&'static Encoding, bool)]) -> Table {
        let mut t = Table::new();
        for &(enc, c1) in pages {
            t.add(enc, c1);
        }
        t
    }
}

static LATIN: LazyLock<Table> = LazyLock::new(|| Table::of(&[(WINDOWS_1252, true)]));
static CP1258: LazyLock<Table> = LazyLock::new(|| Table::of(&[(WINDOWS_1258, true)]));
/// windows-1252, then windows-1258, then windows-1250 (see [`CodePage::Either`]).
static EITHER: LazyLock<Table> = LazyLock::new(|| {
    Table::of(&[
        (WINDOWS_1252, true),
        (WINDOWS_1258, true),
        (encoding_rs::WINDOWS_1250, false),
    ])
});
static MAC_ROMAN: LazyLock<Table> = LazyLock::new(|| Table::of(&[(encoding_rs::MACINTOSH, false)]));
static CP437: LazyLock<Table> = LazyLock::new(|| {
    let mut t = Table::new();
    for (c, b) in CP437_HIGH.chars().zip(0x80u8..=0xFF) {
        t.add_char(c, b);
    }
    t
});

/// Bytes 0x80..=0xFF of IBM437.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■ ";

/// The tone marks windows-1258 has as combining characters.
const TONE_MARKS: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// A precomposed letter as windows-1258 stores it: a base letter it holds (`ô`, `ă`, `ơ` …)
/// followed by a combining tone mark.
fn encode_decomposed_1258(c: char, out: &mut Vec<u8>) -> bool {
    if let Some(b) = CodePage::Windows1258.byte(c) {
        out.push(b);
        return true;
    }
    // A Vietnamese letter decomposes into at most a base, a shape mark and a tone mark.
    let mut parts = ['\0'; 4];
    let mut n = 0;
    let mut too_long = false;
    unicode_normalization::char::decompose_canonical(c, |p| {
        if n < parts.len() {
            parts[n] = p;
            n += 1;
        } else {
            too_long = true;
        }
    });
    if too_long || n < 2 {
        return false;
    }
    let Some(tone) = parts[..n].iter().copied().find(|p| TONE_MARKS.contains(p)) else {
        return false;
    };
    // The base letter: everything but the tone mark, composed again (`ê` of `ệ`).
    let mut rest = parts[..n].iter().copied().filter(|&p| p != tone);
    let Some(mut base) = rest.next() else { return false };
    for mark in rest {
        match unicode_normalization::char::compose(base, mark) {
            Some(composed) => base = composed,
            None => return false,
        }
    }
    match (CodePage::Windows1258.byte(base), CodePage::Windows1258.byte(tone)) {
        (Some(bb), Some(tb)) => {
            out.push(bb);
            out.push(tb);
            true
        }
        _ => false,
    }
}

/// Append `word` in lower case to `out`, as `char::to_lowercase` gives it letter by letter
/// (Vietnamese letters without the Unicode tables; anything else through them).
pub fn push_lowercase(word: &str, out: &mut String) {
    for c in word.chars() {
        let lower = match c as u32 {
            0..=0x7F => c.to_ascii_lowercase(),
            // Latin-1 capitals (not ×): the small letter is 0x20 above.
            0xC0..=0xD6 | 0xD8..=0xDE => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            // Ạ … Ỹ: capital and small letters alternate.
            0x1EA0..=0x1EF9 => char::from_u32(c as u32 | 1).unwrap_or(c),
            // Ă Đ Ĩ Ũ Ơ Ư.
            0x102 | 0x110 | 0x128 | 0x168 | 0x1A0 => char::from_u32(c as u32 + 1).unwrap_or(c),
            0x1AF => 'ư',
            _ => {
                out.extend(c.to_lowercase());
                continue;
            }
        };
        out.push(lower);
    }
}

pub use super::letters::is_vietnamese_letter;

/// Can ISO-8859-1 / windows-1252 hold this (Vietnamese) letter?
pub fn latin_holds(c: char) -> bool {
    // windows-1252's extra characters in 0x80..0x9F are no Vietnamese letters, so for
    // letters the question is whether they are Latin-1.
    (c as u32) < 0x80 || (0xA0..=0xFF).contains(&(c as u32))
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn windows_1258_encodes_tone_marks_as_combining() {
        let mut out = Vec::new();
        assert!(CodePage::Windows1258.encode("Hà Nội", &mut out));
        assert_eq!(out, b"H\xE0 N\xF4\xF2i");
        let (back, _) = WINDOWS_1258.decode_without_bom_handling(&out);
        assert_eq!(back.nfc().collect::<String>(), "Hà Nội");
    }

    #[test]
    fn vietnamese_letters_are_the_alphabet() {
        const LETTERS: &str =
            "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ";
        let upper: String = LETTERS.to_uppercase();
        for c in LETTERS.chars().chain(upper.chars()).chain("fjwzFJWZ".chars()) {
            assert!(is_vietnamese_letter(c), "{c}");
        }
        let count = (0..0x2000u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_vietnamese_letter(c))
            .count();
        assert_eq!(count, LETTERS.chars().count() * 2 + 8);
        for c in ['ç', 'ñ', 'ü', 'ß', 'ø', 'Ł', '?', '1'] {
            assert!(!is_vietnamese_letter(c), "{c}");
        }
    }

    #[test]
    fn latin_covers_c1_controls() {
        assert_eq!(CodePage::Latin.byte('\u{90}'), Some(0x90));
        assert_eq!(CodePage::Latin.byte('‡'), Some(0x87));
        assert_eq!(CodePage::Latin.byte('ạ'), None);
        assert!(latin_holds('ã') && !latin_holds('ạ') && !latin_holds('đ'));
    }

    #[test]
    fn lowercasing_without_the_unicode_tables_gives_what_the_tables_give() {
        for c in (0..0x3000).filter_map(char::from_u32) {
            let mut fast = String::new();
            push_lowercase(&c.to_string(), &mut fast);
            assert_eq!(fast, c.to_lowercase().collect::<String>(), "{c:?} U+{:04X}", c as u32);
        }
        let mut s = String::new();
        push_lowercase("ĐẠI HỌC Ưu TIÊN Ơn", &mut s);
        assert_eq!(s, "đại học ưu tiên ơn");
    }
}
