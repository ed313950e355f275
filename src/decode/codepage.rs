//! Single-byte code pages seen backwards: which byte a character came from.
//!
//! Double-encoding repair needs to turn mojibake back into the bytes it was decoded from;
//! lost-letter repair needs to know which letters a code page could hold at all.

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1258};
use std::collections::HashMap;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

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
}

impl CodePage {
    pub fn name(self) -> &'static str {
        match self {
            CodePage::Latin => "windows-1252",
            CodePage::Windows1258 => "windows-1258",
            CodePage::Either => "windows-1252/windows-1258/windows-1250",
            CodePage::Cp437 => "IBM437",
        }
    }

    /// The byte this character is in the code page, if any.
    pub fn byte(self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return Some(c as u8);
        }
        match self {
            CodePage::Latin => LATIN.get(&c).copied(),
            CodePage::Windows1258 => CP1258.get(&c).copied(),
            CodePage::Either => LATIN
                .get(&c)
                .or_else(|| CP1258.get(&c))
                .or_else(|| CP1250.get(&c))
                .copied(),
            CodePage::Cp437 => CP437.get(&c).copied(),
        }
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

fn reverse_table(enc: &'static Encoding, c1_fallback: bool) -> HashMap<char, u8> {
    let mut map = HashMap::new();
    for b in 0x80u8..=0xFF {
        let bytes = [b];
        let (s, _, had_errors) = enc.decode(&bytes);
        if !had_errors && let Some(c) = s.chars().next() {
            map.insert(c, b);
        }
        if c1_fallback && (0x80..0xA0).contains(&b) {
            map.entry(char::from(b)).or_insert(b);
        }
    }
    map
}

static LATIN: LazyLock<HashMap<char, u8>> = LazyLock::new(|| reverse_table(WINDOWS_1252, true));
static CP1258: LazyLock<HashMap<char, u8>> = LazyLock::new(|| reverse_table(WINDOWS_1258, true));
static CP1250: LazyLock<HashMap<char, u8>> = LazyLock::new(|| reverse_table(encoding_rs::WINDOWS_1250, false));
static CP437: LazyLock<HashMap<char, u8>> = LazyLock::new(|| CP437_HIGH.chars().zip(0x80u8..=0xFF).collect());

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
    let parts: Vec<char> = c.nfd().collect();
    for tone in TONE_MARKS {
        if !parts.contains(&tone) {
            continue;
        }
        let base: String = parts.iter().filter(|&&p| p != tone).collect::<String>().nfc().collect();
        let mut chars = base.chars();
        if let (Some(b), None) = (chars.next(), chars.next())
            && let (Some(bb), Some(tb)) = (CodePage::Windows1258.byte(b), CodePage::Windows1258.byte(tone))
        {
            out.push(bb);
            out.push(tb);
            return true;
        }
    }
    false
}

/// Vietnamese letters, lower and upper case.
pub const VIETNAMESE_LETTERS: &str = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵAÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ";

/// Is `c` a letter of the Vietnamese alphabet (plus f, j, w, z used in loanwords)?
pub fn is_vietnamese_letter(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        // Latin-1 has the plain accented vowels; Latin Extended-A/B ă đ ĩ ũ ơ ư; the rest
        // live in Latin Extended Additional.
        0xC0..=0x1B0 | 0x1EA0..=0x1EF9 => VIETNAMESE_LETTERS.contains(c),
        _ => false,
    }
}

/// Can ISO-8859-1 / windows-1252 hold this (Vietnamese) letter?
pub fn latin_holds(c: char) -> bool {
    // windows-1252's extra characters in 0x80..0x9F are no Vietnamese letters, so for
    // letters the question is whether they are Latin-1.
    (c as u32) < 0x80 || (0xA0..=0xFF).contains(&(c as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1258_encodes_tone_marks_as_combining() {
        let mut out = Vec::new();
        assert!(CodePage::Windows1258.encode("Hà Nội", &mut out));
        assert_eq!(out, b"H\xE0 N\xF4\xF2i");
        let (back, _) = WINDOWS_1258.decode_without_bom_handling(&out);
        assert_eq!(back.nfc().collect::<String>(), "Hà Nội");
    }

    #[test]
    fn latin_covers_c1_controls() {
        assert_eq!(CodePage::Latin.byte('\u{90}'), Some(0x90));
        assert_eq!(CodePage::Latin.byte('‡'), Some(0x87));
        assert_eq!(CodePage::Latin.byte('ạ'), None);
        assert!(latin_holds('ã') && !latin_holds('ạ') && !latin_holds('đ'));
    }
}
