//! Context of a run of words, as the model's counts saw it (see [`super::Counts::add_text`]):
//! which words stand in one segment, and which context tokens — `<s>`, `</s>`, `<num>` — frame
//! the run. Lost-letter repair and mark restoration both frame their lattices with these.

use super::Model;

/// What stands between two words of a text, as the model's counts saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// Spaces: the words stand next to each other.
    Join,
    /// A number between spaces: the words stand either side of a `<num>`.
    Number,
    /// Punctuation, a line end, or something that is neither word nor number: the words
    /// are in different segments.
    Break,
}

pub fn gap(between: &str) -> Gap {
    if between.bytes().all(|b| b == b' ') {
        return Gap::Join;
    }
    let trimmed = between.trim_matches(' ');
    if between.starts_with(' ') && between.ends_with(' ') && is_number(trimmed) {
        Gap::Number
    } else {
        Gap::Break
    }
}

/// Digits, or runs of digits joined by single `.` or `,` (`2019`, `100.000`, `3,5`).
pub(super) fn is_number(s: &str) -> bool {
    !s.is_empty()
        && s.split(['.', ','])
            .all(|run| !run.is_empty() && run.bytes().all(|b| b.is_ascii_digit()))
}

/// The end of a number that `s` ends with, where it starts (the number must not be joined
/// to a letter before it: `u23` is no number).
fn trailing_number(s: &str) -> Option<usize> {
    let start = s
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_ascii_digit() || c == '.' || c == ',')
        .last()?
        .0;
    // A separator at either end is punctuation, not part of the number.
    let start = start + s[start..].find(|c: char| c.is_ascii_digit())?;
    let joined = s[..start].chars().next_back().is_some_and(char::is_alphanumeric);
    (is_number(&s[start..]) && !joined).then_some(start)
}

/// Where the number `s` starts with ends (not joined to a letter after it: `10h` is none).
fn leading_number(s: &str) -> Option<usize> {
    let end = s
        .char_indices()
        .take_while(|&(_, c)| c.is_ascii_digit() || c == '.' || c == ',')
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    let end = s[..end].rfind(|c: char| c.is_ascii_digit())? + 1;
    let joined = s[end..].chars().next().is_some_and(char::is_alphanumeric);
    (is_number(&s[..end]) && !joined).then_some(end)
}

/// The context tokens before a phrase, given the text between it and the word before it (or
/// the text's start): `<s>` after punctuation or at the start, `<num>` for a number. After a
/// word the model does not take (`after_word`), spaces alone are no boundary.
pub fn left_context(before: &str, after_word: bool, m: &Model) -> Vec<Option<u32>> {
    let boundary = |s: &str| {
        let s = s.trim_end_matches(' ');
        (s.is_empty() && !after_word) || s.chars().next_back().is_some_and(|c| !c.is_alphanumeric())
    };
    let trimmed = before.trim_end_matches(' ');
    let tokens = match trailing_number(trimmed) {
        Some(at) if trimmed.len() < before.len() => {
            let mut t = if boundary(&trimmed[..at]) {
                vec![m.bos()]
            } else {
                vec![]
            };
            t.push(m.num());
            t
        }
        _ if boundary(before) => vec![m.bos()],
        _ => vec![],
    };
    tokens.into_iter().filter(Option::is_some).collect()
}

/// The context tokens after a phrase, given the text between it and the next word (or the
/// text's end): `</s>` before punctuation or at the end, `<num>` for a number. Before a word
/// the model does not take (`before_word`), spaces alone are no boundary.
pub fn right_context(after: &str, before_word: bool, m: &Model) -> Vec<Option<u32>> {
    let boundary = |s: &str| {
        let s = s.trim_start_matches(' ');
        (s.is_empty() && !before_word) || s.chars().next().is_some_and(|c| !c.is_alphanumeric())
    };
    let trimmed = after.trim_start_matches(' ');
    let tokens = match leading_number(trimmed) {
        Some(at) if trimmed.len() < after.len() => {
            let mut t = vec![m.num()];
            if boundary(&trimmed[at..]) {
                t.push(m.eos());
            }
            t
        }
        _ if boundary(after) => vec![m.eos()],
        _ => vec![],
    };
    tokens.into_iter().filter(Option::is_some).collect()
}

#[cfg(test)]
mod tests {
    use super::super::model;
    use super::*;

    /// The context tokens as words: `<s>`, `</s>`, `<num>`.
    fn words(tokens: Vec<Option<u32>>) -> Vec<&'static str> {
        tokens.into_iter().flatten().map(|t| model().word(t)).collect()
    }

    #[test]
    fn what_stands_between_two_words() {
        for (between, expected) in [
            (" ", Gap::Join),
            ("  ", Gap::Join),
            (" 100.000 ", Gap::Number),
            (" 3,5 ", Gap::Number),
            (", ", Gap::Break),
            (" 5/11 ", Gap::Break),
            ("100 ", Gap::Break),
            (" 1.000. ", Gap::Break),
        ] {
            assert_eq!(gap(between), expected, "{between:?}");
        }
    }

    #[test]
    fn a_phrase_is_framed_as_the_counts_were_made() {
        let m = model();
        for (before, after_word, expected) in [
            ("", false, vec!["<s>"]),
            ("", true, vec![]),
            (", ", false, vec!["<s>"]),
            ("ngày 5/", false, vec!["<s>"]),
            (" 2019 ", false, vec!["<s>", "<num>"]),
            ("giá 100.000 ", true, vec!["<num>"]),
            ("10h30 ", false, vec![]),
            ("u23 ", false, vec![]),
        ] {
            assert_eq!(
                words(left_context(before, after_word, m)),
                expected,
                "before {before:?}"
            );
        }
        for (after, before_word, expected) in [
            ("", false, vec!["</s>"]),
            (".", false, vec!["</s>"]),
            (" 100.000 đồng", true, vec!["<num>"]),
            (" 2019.", false, vec!["<num>", "</s>"]),
            (" 10h", false, vec![]),
        ] {
            assert_eq!(words(right_context(after, before_word, m)), expected, "after {after:?}");
        }
    }
}
