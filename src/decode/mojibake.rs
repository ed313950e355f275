//! Undo UTF-8 that was decoded through a single-byte code page (`Viá»‡t` → `Việt`).
//!
//! The evidence is strong by construction: a run is only replaced when its characters map
//! back to bytes that form *valid* UTF-8 containing multi-byte sequences. Clean Latin text
//! (`São Paulo`, `AÇÃO`) does not survive that test, so it is never touched.

use std::sync::LazyLock;

use super::codepage::CodePage;
use super::repair::{Repair, RepairKind, Repairer};

pub struct DoubleEncoding;

impl Repairer for DoubleEncoding {
    fn repair(&self, text: &str, log: &mut Vec<Repair>) -> Option<String> {
        if text.is_ascii() || !has_lead_pair(text) {
            return None;
        }
        let mut current: Option<String> = None;
        // Layer by layer until none is left: text double-encoded two and three times exists
        // in the wild (`doesnÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢t`). Every layer undone shortens the text, so
        // this ends; the bound only caps the work on a hostile input.
        for _ in 0..MAX_LAYERS {
            let mut changed = false;
            for cp in PAGES {
                let input = current.as_deref().unwrap_or(text);
                // What one pass fixed usually leaves nothing for the next to look at.
                if current.is_some() && !has_lead_pair(input) {
                    break;
                }
                if let Some(fixed) = fix_runs(input, cp, log) {
                    current = Some(fixed);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        current
    }
}

/// The most layers of double encoding undone in one text.
const MAX_LAYERS: usize = 6;

/// The code pages UTF-8 is found read through, most common first.
const PAGES: [CodePage; 3] = [CodePage::Either, CodePage::Cp437, CodePage::MacRoman];

/// The cheap test that keeps clean text fast: mojibake always has a character that was a
/// UTF-8 lead byte (0xC2..=0xF4) followed by one that was a continuation byte (0x80..=0xBF)
/// in the same code page, one of [`PAGES`] (`đá` is no such pair: `đ` is a lead byte only in
/// windows-1258, `á` a continuation byte only in Mac OS Roman). Or a lead byte followed by
/// the plain space a no-break space (A0) became, then another space or punctuation (`Ã  partir`,
/// see [`with_lost_nbsp`]).
fn has_lead_pair(text: &str) -> bool {
    let mut prev_lead = 0u8;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c.is_ascii() {
            prev_lead = 0;
            continue;
        }
        let (lead, continuation) = byte_roles(c);
        if prev_lead & continuation != 0 {
            return true;
        }
        prev_lead = lead;
        // A two-byte lead in windows-1252 (`Â`..`ß`) before the space a lost A0 became.
        if matches!(c as u32, 0xC2..=0xDF) {
            let mut ahead = chars.clone();
            if ahead.next() == Some(' ') && ahead.next().is_none_or(|c| c == ' ' || c.is_ascii_punctuation()) {
                return true;
            }
        }
    }
    false
}

/// In which of [`PAGES`] (a bit each) this character is a UTF-8 lead byte, and in which a
/// continuation byte: one table lookup, for every character the code pages hold.
fn byte_roles(c: char) -> (u8, u8) {
    static ROLES: LazyLock<Vec<(u8, u8)>> = LazyLock::new(|| {
        (0..ROLES_SIZE)
            .map(|u| {
                let Some(c) = char::from_u32(u) else {
                    return (0, 0);
                };
                let mut roles = (0, 0);
                for (i, cp) in PAGES.iter().enumerate() {
                    match cp.byte(c) {
                        Some(0xC2..=0xF4) => roles.0 |= 1 << i,
                        Some(0x80..=0xBF) => roles.1 |= 1 << i,
                        _ => {}
                    }
                }
                roles
            })
            .collect()
    });
    ROLES.get(c as usize).copied().unwrap_or((0, 0))
}

/// Characters below this have their roles in [`byte_roles`]'s table (every character of
/// the code pages but Mac OS Roman's ligatures and Apple logo, which it leaves out).
const ROLES_SIZE: u32 = 0x2600;

/// Is this character a plausible part of UTF-8-read-as-single-byte mojibake? Such runs
/// always contain a lead byte character in U+00C2..U+00F4 (or a cp1258 equivalent).
fn could_be_lead(c: char, cp: CodePage) -> bool {
    matches!(cp.byte(c), Some(0xC2..=0xF4))
}

/// Replace every maximal run of code-page-encodable characters whose bytes are valid UTF-8.
fn fix_runs(text: &str, cp: CodePage, log: &mut Vec<Repair>) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    let mut changed = false;
    let mut bytes = Vec::new();
    for (start, end) in encodable_runs(text, cp) {
        let run = &text[start..end];
        if run.is_ascii() || !run.chars().any(|c| could_be_lead(c, cp)) {
            continue;
        }
        // Try the whole run, then each whitespace-separated piece of it. Through the
        // windows-125x code pages, only a piece with a lead byte followed by a continuation
        // byte can decode ([`has_lead_pair`] reads their characters exactly; IBM437's
        // Latin-1 letters it does not) — or one whose last byte, a no-break space, became
        // the plain space after it ([`with_lost_nbsp`], which then takes that space too).
        let pieces = match decode_run(run, cp, &mut bytes) {
            Some(fixed) => vec![(start, end, fixed)],
            None => split_words(text, start, end)
                .into_iter()
                .filter_map(|(s, e)| {
                    let piece = &text[s..e];
                    let decoded = (cp != CodePage::Either || has_lead_pair(piece))
                        .then(|| decode_run(piece, cp, &mut bytes))
                        .flatten();
                    match decoded {
                        Some(fixed) => Some((s, e, fixed)),
                        None => with_lost_nbsp(text, s, e, cp, &mut bytes).map(|fixed| (s, e + 1, fixed)),
                    }
                })
                .collect(),
        };
        for (s, e, fixed) in pieces {
            let piece = &text[s..e];
            out.push_str(&text[last..s]);
            out.push_str(&fixed);
            log.push(Repair {
                kind: RepairKind::DoubleEncoded,
                offset: Some(s),
                before: piece.to_owned(),
                after: fixed,
                note: Some(format!("UTF-8 read as {}", read_as(piece, cp)).into()),
            });
            last = e;
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// Which code page the mojibake came through, judged by its characters.
fn read_as(piece: &str, cp: CodePage) -> &'static str {
    if cp != CodePage::Either {
        cp.name()
    } else if piece.chars().all(|c| CodePage::Latin.byte(c).is_some()) {
        CodePage::Latin.name()
    } else if piece.chars().all(|c| CodePage::Windows1258.byte(c).is_some()) {
        CodePage::Windows1258.name()
    } else {
        cp.name()
    }
}

/// Byte ranges of maximal runs of characters the code page can encode.
fn encodable_runs(text: &str, cp: CodePage) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    let mut scratch = Vec::new();
    for (i, c) in text.char_indices() {
        scratch.clear();
        let ok = cp.byte(c).is_some() || cp.encode(c.encode_utf8(&mut [0; 4]), &mut scratch);
        match (ok, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        runs.push((s, text.len()));
    }
    runs
}

fn split_words(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = None;
    for (i, c) in text[start..end].char_indices() {
        let i = i + start;
        match (c == ' ', s) {
            (false, None) => s = Some(i),
            (true, Some(b)) => {
                out.push((b, i));
                s = None;
            }
            _ => {}
        }
    }
    if let Some(b) = s {
        out.push((b, end));
    }
    out
}

/// The UTF-8 text these mojibake characters were, if they were any.
fn decode_run(run: &str, cp: CodePage, bytes: &mut Vec<u8>) -> Option<String> {
    bytes.clear();
    if !cp.encode(run, bytes) {
        return None;
    }
    let decoded = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        // A no-break space (0xA0, the second byte of `à` = C3 A0) is often turned into a
        // plain space on the way; put it back where a lead byte is left dangling. (Only where
        // A0 was a no-break space: Mac OS Roman shows it as `†`, IBM437 as `á`.)
        Err(_) if cp == CodePage::Either => nbsp_patched(bytes).filter(|s| s.chars().any(|c| c as u32 >= 0x100))?,
        Err(_) => return None,
    };
    if decoded == run || decoded.is_ascii() {
        return None;
    }
    // A run read through the same code page more than once: undo every layer before judging
    // the text (a middle layer may hold the C1 controls of bytes windows-1252 lacks:
    // `â€\u{9d}` is `”` read once, `Ã¢â‚¬Â\u{9d}` twice).
    let mut decoded = decoded;
    for _ in 1..MAX_LAYERS {
        bytes.clear();
        if !cp.encode(&decoded, bytes) {
            break;
        }
        match std::str::from_utf8(bytes) {
            Ok(next) if next != decoded && !next.is_ascii() => decoded = next.to_owned(),
            _ => break,
        }
    }
    if !plausible(&decoded) {
        return None;
    }
    // Mac OS Roman was the code page of Western Macs (Hebrew, Greek or Cyrillic Macs had
    // their own): read through it, UTF-8 was Latin-script text, and a reading in another
    // script is chance (`◊ë◊î◊ï` stays).
    if cp == CodePage::MacRoman && decoded.chars().any(|c| c.is_alphabetic() && !is_latin(c)) {
        return None;
    }
    // Valid UTF-8 is not evidence enough: the bytes of clean text sometimes form it by
    // chance (`5×£35` is D7 A3 = `ף`). The decoded text must read better than the input.
    let after = oddities(&decoded);
    if after > 0 && after >= mojibake_signs(run) {
        return None;
    }
    Some(decoded)
}

/// How many characters of a text no one writes that way: a combining mark on no letter
/// (`4288ׅ`), a lone letter of another script among Latin letters, digits or symbols
/// (`5ף35`), letters hardly any language uses (`ſ`, `Ġ`, `ŀ`), which is what decoding
/// clean text as UTF-8 by chance produces.
fn oddities(text: &str) -> usize {
    let mut n = 0;
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        // An ASCII character is none of these.
        if !c.is_ascii() {
            if is_combining(c) {
                if !prev.is_some_and(|p| p.is_alphabetic()) {
                    n += 1;
                }
            } else if let Some(script) = other_script(c) {
                let same = |x: Option<char>| x.is_some_and(|x| other_script(x) == Some(script) || is_combining(x));
                if !same(prev) && !same(chars.peek().copied()) {
                    n += 1;
                }
            } else if matches!(
                c,
                'ſ' | 'ĸ' | 'ŉ' | 'Ŀ' | 'ŀ' | 'Ġ' | 'ġ' | 'Ħ' | 'ħ' | 'Ĳ' | 'ĳ' | 'Ŋ' | 'ŋ' | 'Ŧ' | 'ŧ' | 'ƒ'
            ) {
                n += 1;
            }
        }
        prev = Some(c);
    }
    n
}

/// How many characters of a text look like the debris of a misread UTF-8 sequence: a
/// symbol, punctuation or control right after a letter, inside a word (`Ã©`, `â€™`,
/// `Ð¿`) — apostrophes, hyphens, dots and the like excepted.
fn mojibake_signs(text: &str) -> usize {
    let mut n = 0;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        let debris = !c.is_alphanumeric() && !c.is_whitespace() && !"'’-‐.,:;!?&/()\"«»".contains(c);
        if debris && prev.is_some_and(|p| p.is_alphabetic()) || ('\u{80}'..='\u{9F}').contains(&c) {
            n += 1;
        }
        prev = Some(c);
    }
    n
}

fn is_combining(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F | 0x0670
        | 0x06D6..=0x06ED | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The script of a letter written neither in Latin nor in CJK (whose single characters are
/// words): Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac, Thaana, NKo… by block.
fn other_script(c: char) -> Option<u32> {
    let u = c as u32;
    ((0x0370..=0x08FF).contains(&u) && c.is_alphabetic()).then_some(u >> 7)
}

/// Text that mojibake decodes to is ordinary writing: letters of Latin-based (and other)
/// alphabets and punctuation — not controls, IPA symbols or private-use characters, which
/// is what accidental "valid UTF-8" in clean Latin-1 text decodes to — and no word mixes
/// Latin letters with another script's (VISCII's `thß¶ng` is valid UTF-8 too: `th߶ng`).
fn plausible(decoded: &str) -> bool {
    let chars_ok = decoded.chars().all(|c| {
        let u = c as u32;
        let stray_control = c.is_control() && c != '\n' && c != '\t';
        let ipa = (0x0250..0x0300).contains(&u);
        let private_use = (0xE000..0xF900).contains(&u);
        !(stray_control || ipa || private_use || c == '\u{FFFD}')
    });
    chars_ok
        && decoded
            .split(|c: char| c.is_whitespace() || c.is_ascii_punctuation())
            .all(one_script)
}

/// A letter of the Latin script (ASCII, Latin-1, Extended-A/B, Extended Additional, ligatures).
fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c as u32, 0xAA | 0xBA | 0xC0..=0x24F | 0x1E00..=0x1EFF | 0xFB00..=0xFB06)
}

/// Does this word keep to one script? Latin letters beside Greek, Cyrillic, Hebrew, Arabic,
/// NKo … in one word are no writing anyone typed. (Chinese and Japanese, written without
/// spaces, do hold Latin words: `Kindle書籍`.)
fn one_script(word: &str) -> bool {
    let latin = |c: char| c.is_ascii_alphabetic() || matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF);
    let cjk = |c: char| matches!(c as u32, 0x3000..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF);
    // (The Latin ligatures U+FB00..U+FB06, `ﬁ` `ﬂ`, are Latin.)
    let other = |c: char| matches!(c as u32, 0x370..=0x1DFF | 0x2E80..=0xFAFF | 0xFB07..=0xFFEF) && !cjk(c);
    !(word.chars().any(latin) && word.chars().any(other))
}

/// A word that ends in a dangling lead byte where a no-break space was turned into a plain
/// one: `à` is C3 A0, so `à partir` read through windows-1252 is `Ã\u{A0}partir`, and with
/// the no-break space lost, `Ã  partir` — the word's lead byte, then the lost byte's space,
/// then another space (or punctuation, or the end: `voilÃ .`). The word with that space as
/// A0, when it decodes to plausible text.
fn with_lost_nbsp(text: &str, s: usize, e: usize, cp: CodePage, bytes: &mut Vec<u8>) -> Option<String> {
    if cp != CodePage::Either {
        return None;
    }
    let last = text[s..e].chars().next_back()?;
    // An upper-case word is clean text that ends in a capital (`IRMÃ`, Portuguese).
    let before = &text[s..e - last.len_utf8()];
    if before.chars().any(char::is_alphabetic) && !before.chars().any(char::is_lowercase) {
        return None;
    }
    let mut after = text[e..].chars();
    if !matches!(cp.byte(last), Some(0xC2..=0xDF))
        || after.next() != Some(' ')
        || !after.next().is_none_or(|c| c == ' ' || c.is_ascii_punctuation())
    {
        return None;
    }
    bytes.clear();
    if !cp.encode(&text[s..e], bytes) {
        return None;
    }
    bytes.push(0xA0);
    let decoded = std::str::from_utf8(bytes).ok()?;
    (plausible(decoded) && oddities(decoded) == 0).then(|| decoded.to_owned())
}

/// The bytes with each space that stands where a sequence wants its last byte put back as
/// A0: after a two-byte lead (`Ã ` for `à`), or after a three-byte lead and one continuation
/// (`ã\u{81} ` for `だ`, E3 81 A0).
fn nbsp_patched(bytes: &[u8]) -> Option<String> {
    let mut patched = bytes.to_vec();
    let continuation = |b: u8| (0x80..=0xBF).contains(&b);
    for i in 0..patched.len().saturating_sub(1) {
        let wants_last = (0xC2..=0xDF).contains(&patched[i])
            || (i > 0 && (0xE0..=0xEF).contains(&patched[i - 1]) && continuation(patched[i]));
        if wants_last && patched[i + 1] == b' ' {
            patched[i + 1] = 0xA0;
        }
    }
    String::from_utf8(patched).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: usize) {
        assert_eq!(oddities(text), expected, "{text:?}");
    }

    #[test]
    fn oddities_are_the_characters_no_one_writes_that_way() {
        check("", 0);
        check("Lấy lại mã bảo mật", 0);
        check("cafe\u{301} au lait", 0);
        check("4288\u{5c5}", 1);
        check("\u{301}abc", 1);
        check("5\u{5e3}35", 1);
        check("שלום עולם", 0);
        check("Αθήνα 5\u{5e3}", 1);
        check("Москва, Αθήνα", 0);
        check("x\u{3b1}y", 1);
        check("SELKĠEDELLĠ", 2);
        check("ſaſ", 2);
    }
}
