//! Vietnamese text typed in the legacy font-hack encodings — TCVN3 (`.VnTime`, "ABC"),
//! VNI-Windows (`VNI-Times`) and VISCII — and shown through windows-1252:
//! `Céng hßa x· héi` (TCVN3) and `Coäng hoøa xaõ hoäi` (VNI) are `Cộng hòa xã hội`.
//!
//! Detection: a page's font-family names it when it can (a hint); otherwise the conversion is
//! made only when it turns a text whose accented words are mostly not Vietnamese into one whose
//! accented words mostly are (judged by the syllable model's vocabulary).

use serde::{Deserialize, Serialize};

use super::codepage::CodePage;
use super::lm::{Model, model};
use super::repair::{Repair, RepairKind, Repairer};

/// A legacy Vietnamese encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Legacy {
    Tcvn3,
    Vni,
    Viscii,
}

impl Legacy {
    pub const ALL: [Legacy; 3] = [Legacy::Tcvn3, Legacy::Vni, Legacy::Viscii];

    pub fn name(self) -> &'static str {
        match self {
            Legacy::Tcvn3 => "TCVN3",
            Legacy::Vni => "VNI-Windows",
            Legacy::Viscii => "VISCII",
        }
    }

    /// Read text that is this encoding shown as windows-1252; `None` if nothing changes.
    pub fn decode(self, text: &str) -> Option<String> {
        let out = match self {
            Legacy::Tcvn3 => single_byte(text, |b| match b {
                0xA1..=0xFF => Some(TCVN3_HIGH[(b - 0xA0) as usize]).filter(|c| *c != '\0'),
                _ => None,
            }),
            Legacy::Viscii => single_byte(text, |b| match b {
                0x80..=0xFF => Some(VISCII_HIGH[(b - 0x80) as usize]),
                _ => VISCII_C0.iter().find(|(k, _)| *k == b).map(|(_, c)| *c),
            }),
            Legacy::Vni => vni(text),
        };
        let out = super::nfc_owned(out);
        (out != text).then_some(out)
    }

    /// The encoding a CSS font-family or `<font face>` names, if it is one of these.
    pub fn from_font_name(font: &str) -> Option<Legacy> {
        let f = font.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        if f.starts_with("vni-") || f.starts_with("vni ") || f == "vni" {
            Some(Legacy::Vni)
        } else if f.starts_with(".vn") {
            Some(Legacy::Tcvn3)
        } else if f.starts_with("viscii") || f.starts_with("vn-") && f.contains("viscii") {
            Some(Legacy::Viscii)
        } else {
            None
        }
    }
}

fn single_byte(text: &str, map: impl Fn(u8) -> Option<char>) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut last = None;
    for c in text.chars() {
        if c.is_ascii() && !c.is_ascii_control() {
            out.push(c);
            last = Some(c);
            continue;
        }
        let c = CodePage::Latin.byte(c).and_then(&map).unwrap_or(c);
        // A tone mark (TCVN3 has them as separate letters) joins the letter before it where
        // Unicode has the pair precomposed: the text is then mostly NFC already, and
        // normalising it (the same result either way) takes the fast path.
        if let Some(composed) = last.and_then(|l| unicode_normalization::char::compose(l, c)) {
            out.pop();
            out.push(composed);
            last = Some(composed);
        } else {
            out.push(c);
            last = Some(c);
        }
    }
    out
}

const ACUTE: char = '\u{301}';
const GRAVE: char = '\u{300}';
const HOOK: char = '\u{309}';
const TILDE: char = '\u{303}';
const DOT: char = '\u{323}';
const CIRC: char = '\u{302}';
const BREVE: char = '\u{306}';

/// A VNI mark character: (shape mark, tone mark).
fn vni_mark(c: char) -> Option<(Option<char>, Option<char>)> {
    Some(match c.to_lowercase().next()? {
        'ù' => (None, Some(ACUTE)),
        'ø' => (None, Some(GRAVE)),
        'û' => (None, Some(HOOK)),
        'õ' => (None, Some(TILDE)),
        'ï' => (None, Some(DOT)),
        'â' => (Some(CIRC), None),
        'á' => (Some(CIRC), Some(ACUTE)),
        'à' => (Some(CIRC), Some(GRAVE)),
        'å' => (Some(CIRC), Some(HOOK)),
        'ã' => (Some(CIRC), Some(TILDE)),
        'ä' => (Some(CIRC), Some(DOT)),
        'ê' => (Some(BREVE), None),
        'é' => (Some(BREVE), Some(ACUTE)),
        'è' => (Some(BREVE), Some(GRAVE)),
        'ú' => (Some(BREVE), Some(HOOK)),
        'ü' => (Some(BREVE), Some(TILDE)),
        'ë' => (Some(BREVE), Some(DOT)),
        _ => return None,
    })
}

/// VNI letters that stand alone.
fn vni_single(c: char) -> Option<char> {
    Some(match c {
        'ñ' => 'đ',
        'Ñ' => 'Đ',
        'ô' => 'ơ',
        'Ô' => 'Ơ',
        'ö' => 'ư',
        'Ö' => 'Ư',
        'æ' => 'ỉ',
        'Æ' => 'Ỉ',
        'ó' => 'ĩ',
        'Ó' => 'Ĩ',
        'ò' => 'ị',
        'Ò' => 'Ị',
        'î' => 'ỵ',
        'Î' => 'Ỵ',
        _ => return None,
    })
}

fn vni(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // The base: a plain vowel, or VNI's ơ/ư.
        let base = match c {
            'a' | 'e' | 'o' | 'u' | 'y' | 'A' | 'E' | 'O' | 'U' | 'Y' => Some(c),
            'ô' | 'Ô' | 'ö' | 'Ö' => vni_single(c),
            _ => None,
        };
        if let (Some(base), Some(&next)) = (base, chars.get(i + 1))
            && let Some((shape, tone)) = vni_mark(next)
        {
            let lower = base.to_lowercase().next().unwrap_or(base);
            let shape_ok = match shape {
                None => true,
                Some(CIRC) => matches!(lower, 'a' | 'e' | 'o'),
                Some(_) => lower == 'a',
            };
            if shape_ok {
                // Composed here, so the text rarely needs a normalisation pass afterwards.
                let mut letter = base;
                for mark in shape.into_iter().chain(tone) {
                    match unicode_normalization::char::compose(letter, mark) {
                        Some(composed) => letter = composed,
                        None => {
                            out.push(letter);
                            letter = mark;
                        }
                    }
                }
                out.push(letter);
                i += 2;
                continue;
            }
        }
        out.push(vni_single(c).unwrap_or(c));
        i += 1;
    }
    out
}

/// Characters that betray a legacy font shown as windows-1252: Latin-1 characters that are
/// not Vietnamese letters (`¸ µ ® ø ï ä ð þ ±`), and the rarer windows-1252 extras. Curly
/// quotes and dashes are left out: clean Vietnamese text is full of them.
fn suspicious(c: char) -> bool {
    match c as u32 {
        0x80..=0xFF => !super::codepage::is_vietnamese_letter(c),
        0x152 | 0x153 | 0x160 | 0x161 | 0x178 | 0x17D | 0x17E | 0x192 | 0x2C6 | 0x2DC | 0x2020 | 0x2021 | 0x2030
        | 0x2039 | 0x203A => true,
        _ => false,
    }
}

/// Does the text hold a [`suspicious`] character? Only characters whose UTF-8 lead byte
/// could start one are decoded (`C2`/`C3` for Latin-1, `C5`, `C6`, `CB`, `E2` for the
/// windows-1252 extras): clean text is settled in one pass over its bytes.
fn any_suspicious(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        if matches!(b, 0xC2 | 0xC3 | 0xC5 | 0xC6 | 0xCB | 0xE2) && text[i..].chars().next().is_some_and(suspicious) {
            return true;
        }
        i += match b {
            0xF0.. => 4,
            0xE0.. => 3,
            _ => 2,
        };
    }
    false
}

/// (accented words, accented words the model knows). A word of one letter does not count:
/// Vietnamese has a few (`ở`, `ý`), but text that is not Vietnamese turns into nothing but
/// those when read as a legacy font (Mac-Roman Hebrew `◊ë◊î◊ï` gives `◊ẻ◊ĩ◊ỉ`).
fn coverage(text: &str, m: &Model) -> (usize, usize) {
    let mut n = 0;
    let mut known = 0;
    let mut lower = String::new();
    // ASCII and Vietnamese letters are settled without the Unicode tables.
    let letter = |c: char| super::codepage::is_vietnamese_letter(c) || (!c.is_ascii() && c.is_alphabetic());
    for w in text.split(|c: char| !letter(c)) {
        if w.is_ascii() || w.chars().nth(1).is_none() {
            continue;
        }
        n += 1;
        lower.clear();
        super::codepage::push_lowercase(w, &mut lower);
        if m.id(&lower).is_some() {
            known += 1;
        }
    }
    (n, known)
}

fn ratio((n, k): (usize, usize)) -> f64 {
    if n == 0 { 0.0 } else { k as f64 / n as f64 }
}

/// Convert legacy-font text: the hinted encoding, or the one the evidence picks.
pub struct LegacyFont {
    pub hint: Option<Legacy>,
}

impl LegacyFont {
    /// The encoding this text is in, judged by the model, with the converted text.
    pub fn detect(text: &str, hint: Option<Legacy>) -> Option<(Legacy, String)> {
        if hint.is_none() && !any_suspicious(text) {
            return None;
        }
        let m = model();
        let before = coverage(text, m);
        // Without a hint a conversion must raise the share of known words by a quarter: text
        // that already reads as Vietnamese is settled without decoding it three ways.
        if hint.is_none() && ratio(before) > 0.75 {
            return None;
        }
        let candidates: Vec<Legacy> = match hint {
            Some(h) => vec![h],
            None => Legacy::ALL.to_vec(),
        };
        let (enc, out, after) = candidates
            .into_iter()
            .filter_map(|e| e.decode(text).map(|o| (e, o)))
            .map(|(e, o)| {
                let cov = coverage(&o, m);
                (e, o, cov)
            })
            .max_by(|a, b| ratio(a.2).total_cmp(&ratio(b.2)).then(a.2.1.cmp(&b.2.1)))?;
        let accept = if hint.is_some() {
            // Even with a hint, only where the conversion makes more words Vietnamese: a
            // field already in Unicode stays as it is.
            after.1 > before.1 && ratio(after) >= ratio(before)
        } else {
            after.0 >= 2 && ratio(after) >= 0.75 && ratio(after) >= ratio(before) + 0.25 && after.1 > before.1
        };
        accept.then_some((enc, out))
    }
}

impl Repairer for LegacyFont {
    fn repair(&self, text: &str, log: &mut Vec<Repair>) -> Option<String> {
        let (enc, out) = LegacyFont::detect(text, self.hint)?;
        log.push(Repair {
            kind: match enc {
                Legacy::Tcvn3 => RepairKind::Tcvn3,
                Legacy::Vni => RepairKind::Vni,
                Legacy::Viscii => RepairKind::Viscii,
            },
            offset: None,
            before: text.to_owned(),
            after: out.clone(),
            note: Some(format!("{} text shown as windows-1252", enc.name()).into()),
        });
        Some(out)
    }
}

/// TCVN3 (VN3, the `.VnTime` "ABC" fonts), bytes 0xA0..=0xFF; `'\0'`: not a letter in TCVN3
/// (the byte keeps its windows-1252 reading). Generated from glibc's TCVN5712-1 table.
pub(super) const TCVN3_HIGH: [char; 96] = [
    ' ', 'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', 'Ằ', '\u{300}', '\u{309}', '\u{303}',
    '\u{301}', '\u{323}', 'à', 'ả', 'ã', 'á', 'ạ', 'Ẳ', 'ằ', 'ẳ', 'ẵ', 'ắ', 'Ẵ', 'Ắ', 'Ầ', 'Ẩ', 'Ẫ', 'Ấ', 'Ề', 'ặ',
    'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', 'Ể', 'ẻ', 'ẽ', 'é', 'ẹ', 'ề', 'ể', 'ễ', 'ế', 'ệ', 'ì', 'ỉ', 'Ễ', 'Ế', 'Ồ', 'ĩ', 'í',
    'ị', 'ò', 'Ổ', 'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ', 'ù', 'Ỗ', 'ủ', 'ũ', 'ú', 'ụ',
    'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ', 'Ố',
];
/// VISCII, bytes 0x80..=0xFF. Generated from glibc's VISCII table.
pub(super) const VISCII_HIGH: [char; 128] = [
    'Ạ', 'Ắ', 'Ằ', 'Ặ', 'Ấ', 'Ầ', 'Ẩ', 'Ậ', 'Ẽ', 'Ẹ', 'Ế', 'Ề', 'Ể', 'Ễ', 'Ệ', 'Ố', 'Ồ', 'Ổ', 'Ỗ', 'Ộ', 'Ợ', 'Ớ', 'Ờ',
    'Ở', 'Ị', 'Ỏ', 'Ọ', 'Ỉ', 'Ủ', 'Ũ', 'Ụ', 'Ỳ', 'Õ', 'ắ', 'ằ', 'ặ', 'ấ', 'ầ', 'ẩ', 'ậ', 'ẽ', 'ẹ', 'ế', 'ề', 'ể', 'ễ',
    'ệ', 'ố', 'ồ', 'ổ', 'ỗ', 'Ỡ', 'Ơ', 'ộ', 'ờ', 'ở', 'ị', 'Ự', 'Ứ', 'Ừ', 'Ử', 'ơ', 'ớ', 'Ư', 'À', 'Á', 'Â', 'Ã', 'Ả',
    'Ă', 'ẳ', 'ẵ', 'È', 'É', 'Ê', 'Ẻ', 'Ì', 'Í', 'Ĩ', 'ỳ', 'Đ', 'ứ', 'Ò', 'Ó', 'Ô', 'ạ', 'ỷ', 'ừ', 'ử', 'Ù', 'Ú', 'ỹ',
    'ỵ', 'Ý', 'ỡ', 'ư', 'à', 'á', 'â', 'ã', 'ả', 'ă', 'ữ', 'ẫ', 'è', 'é', 'ê', 'ẻ', 'ì', 'í', 'ĩ', 'ỉ', 'đ', 'ự', 'ò',
    'ó', 'ô', 'õ', 'ỏ', 'ọ', 'ụ', 'ù', 'ú', 'ũ', 'ủ', 'ý', 'ợ', 'Ữ',
];
/// VISCII's six letters in C0 positions.
pub(super) const VISCII_C0: [(u8, char); 6] = [
    (0x02, 'Ẳ'),
    (0x05, 'Ẵ'),
    (0x06, 'Ẫ'),
    (0x14, 'Ỷ'),
    (0x19, 'Ỹ'),
    (0x1E, 'Ỵ'),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte scan finds exactly the characters the char test names.
    #[test]
    fn the_byte_scan_agrees_with_the_char_test() {
        for c in (0..0x1_0000).filter_map(char::from_u32) {
            let text = format!("Việt {c} Nam");
            assert_eq!(any_suspicious(&text), text.chars().any(suspicious), "{c:?}");
        }
    }

    #[test]
    fn decodes_each_legacy_encoding() {
        assert_eq!(
            Legacy::Tcvn3.decode("Céng hßa x· héi").as_deref(),
            Some("Cộng hòa xã hội")
        );
        assert_eq!(
            Legacy::Vni.decode("Coäng hoøa xaõ hoäi").as_deref(),
            Some("Cộng hòa xã hội")
        );
        assert_eq!(
            Legacy::Vni.decode("ngöôøi, ñaëc bieät, OÂng, AÂu").as_deref(),
            Some("người, đặc biệt, Ông, Âu")
        );
        assert_eq!(Legacy::Viscii.decode("Thông tß 25").as_deref(), Some("Thông tư 25"));
    }

    #[test]
    fn detection_needs_evidence() {
        assert_eq!(
            LegacyFont::detect("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", None).map(|d| d.0),
            Some(Legacy::Vni)
        );
        assert_eq!(
            LegacyFont::detect("Céng hßa x· héi chñ nghÜa ViÖt Nam", None).map(|d| d.0),
            Some(Legacy::Tcvn3)
        );
        for clean in [
            "Cộng hòa xã hội chủ nghĩa Việt Nam",
            "São Paulo, AÇÃO, naïve café, Größe",
            "Nhiệt độ 30°C © 2019",
        ] {
            assert_eq!(LegacyFont::detect(clean, None), None, "{clean}");
        }
    }

    #[test]
    fn font_names() {
        assert_eq!(Legacy::from_font_name("'VNI-Times'"), Some(Legacy::Vni));
        assert_eq!(Legacy::from_font_name(".VnTime"), Some(Legacy::Tcvn3));
        assert_eq!(Legacy::from_font_name("Times New Roman"), None);
    }
}
