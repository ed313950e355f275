//! Undo UTF-8 that was decoded through a single-byte code page (`Viá»‡t` → `Việt`).
//!
//! The evidence is strong by construction: a run is only replaced when its characters map
//! back to bytes that form *valid* UTF-8 containing multi-byte sequences. Clean Latin text
//! (`São Paulo`, `AÇÃO`) does not survive that test, so it is never touched.

use super::codepage::CodePage;
use super::repair::{Repair, RepairKind, Repairer};

pub struct DoubleEncoding;

impl Repairer for DoubleEncoding {
    fn repair(&self, text: &str, log: &mut Vec<Repair>) -> Option<String> {
        if text.is_ascii() || !has_lead_pair(text) {
            return None;
        }
        let mut current: Option<String> = None;
        // Twice: text that was double-encoded twice exists in the wild.
        for _ in 0..2 {
            let mut changed = false;
            for cp in [CodePage::Either, CodePage::Cp437] {
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

/// The cheap test that keeps clean text fast: mojibake always has a character that was a
/// UTF-8 lead byte (0xC2..=0xF4) followed by one that was a continuation byte (0x80..=0xBF)
/// in some code page this step knows.
fn has_lead_pair(text: &str) -> bool {
    let mut prev_lead = false;
    for c in text.chars() {
        let u = c as u32;
        if u < 0x80 {
            prev_lead = false;
            continue;
        }
        if prev_lead && is_continuation(c) {
            return true;
        }
        prev_lead = match u {
            0xC2..=0xF4 => true,
            0x80..=0xC1 | 0xF5..=0xFF | 0x1EA0..=0x1EF9 => false,
            _ => [CodePage::Either, CodePage::Cp437]
                .iter()
                .any(|cp| matches!(cp.byte(c), Some(0xC2..=0xF4))),
        };
    }
    false
}

fn is_continuation(c: char) -> bool {
    match c as u32 {
        0x80..=0xBF => true,
        0xC0..=0xFF | 0x1EA0..=0x1EF9 => false,
        _ => [CodePage::Either, CodePage::Cp437]
            .iter()
            .any(|cp| matches!(cp.byte(c), Some(0x80..=0xBF))),
    }
}

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
        // Latin-1 letters it does not).
        let pieces = match decode_run(run, cp, &mut bytes) {
            Some(fixed) => vec![(start, end, fixed)],
            None => split_words(text, start, end)
                .into_iter()
                .filter(|&(s, e)| cp != CodePage::Either || has_lead_pair(&text[s..e]))
                .filter_map(|(s, e)| decode_run(&text[s..e], cp, &mut bytes).map(|fixed| (s, e, fixed)))
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
        // plain space on the way; put it back where a lead byte is left dangling.
        Err(_) => nbsp_patched(bytes).filter(|s| s.chars().any(|c| c as u32 >= 0x100))?,
    };
    if decoded == run || decoded.is_ascii() {
        return None;
    }
    if !plausible(&decoded) {
        return None;
    }
    Some(decoded)
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

/// Does this word keep to one script? Latin letters beside Greek, Cyrillic, Hebrew, Arabic,
/// NKo … or CJK characters (letters or symbols) in one word are no writing anyone typed.
fn one_script(word: &str) -> bool {
    let latin = |c: char| c.is_ascii_alphabetic() || matches!(c as u32, 0xC0..=0x24F | 0x1E00..=0x1EFF);
    let other = |c: char| matches!(c as u32, 0x370..=0x1DFF | 0x2E80..=0xFFEF);
    !(word.chars().any(latin) && word.chars().any(other))
}

fn nbsp_patched(bytes: &[u8]) -> Option<String> {
    let mut patched = bytes.to_vec();
    for i in 0..patched.len().saturating_sub(1) {
        if (0xC2..=0xDF).contains(&patched[i]) && patched[i + 1] == b' ' {
            patched[i + 1] = 0xA0;
        }
    }
    String::from_utf8(patched).ok()
}
