//! Restore letters that a lossy code page turned into `?` or `�`.
//!
//! When Vietnamese text is converted to windows-1252, ISO-8859-1 or ASCII, every letter the
//! code page lacks becomes `?`; when windows-1252 bytes are then read as UTF-8, the letters it
//! *could* hold become `�`. Each damaged word therefore constrains its own letters: a `?`
//! stands for a letter outside the code page, a `�` for one inside it. Candidates are the
//! syllables of the language model that fit those constraints; a Viterbi search over each
//! phrase picks the sequence the bigram model finds most likely.
//!
//! Evidence rule: a text is only touched when some word has a `?`/`�` *inside* it (a letter
//! on both sides, or a word-initial `?` followed by letters). A `?` at the end of a word that
//! is a syllable on its own (`tăng?`) stays punctuation unless the model strongly prefers a
//! letter.

use super::codepage::{is_vietnamese_letter, latin_holds};
use super::lm::{Model, model, shape};
use super::pipeline::{Repair, RepairKind, Repairer};

pub struct LostLetters;

const REPLACEMENT: char = '\u{FFFD}';

/// What the lost letters could be: outside Latin-1 only, or any non-ASCII letter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lossy {
    Latin,
    Ascii,
}

impl Repairer for LostLetters {
    fn repair(&self, text: &str, log: &mut Vec<Repair>) -> Option<String> {
        if !text.contains(['?', REPLACEMENT]) {
            return None;
        }
        let words = words(text);
        if !words.iter().any(|w| w.strongly_damaged(text)) {
            return None;
        }
        let hyp = if text
            .chars()
            .any(|c| c == REPLACEMENT || (!c.is_ascii() && latin_holds(c) && c.is_alphabetic()))
        {
            Lossy::Latin
        } else {
            Lossy::Ascii
        };
        // Each damaged word's candidates, computed once.
        let m = model();
        let mut damaged = Vec::with_capacity(words.len());
        let (mut strong, mut fitting) = (0, 0);
        for w in &words {
            if !w.damaged(text) {
                damaged.push(None);
                continue;
            }
            let (cands, fits) = candidates(text, w, hyp, m);
            if w.strongly_damaged(text) {
                strong += 1;
                fitting += usize::from(fits);
            }
            damaged.push(Some(cands));
        }
        // Only Vietnamese text: most damaged words must fit some Vietnamese syllable
        // (`WeWork?s`, `you?re` in English text fit none and are left alone).
        if fitting == 0 || fitting * 2 < strong {
            return None;
        }
        restore(text, &words, damaged, hyp, m, log)
    }
}

/// Does a syllable fit the damaged word? Both have the same shape, so only the letters at
/// the shape's `*` positions are compared: the damaged word's (`?`, `�` or a letter the code
/// page kept) against the syllable's.
fn fits(damaged: &[char], syllable: &[char], hyp: Lossy) -> bool {
    damaged.len() == syllable.len()
        && damaged.iter().zip(syllable).all(|(&p, &c)| match p {
            '?' => hyp == Lossy::Ascii || !latin_holds(c),
            REPLACEMENT => latin_holds(c),
            _ => p == c,
        })
}

/// The letters of a lower-case word at its shape's `*` positions.
fn stars(lower: &str) -> Vec<char> {
    lower.chars().filter(|c| !c.is_ascii_alphabetic()).collect()
}

/// A maximal run of letters, `?` and `�`.
#[derive(Debug)]
struct Word {
    start: usize,
    end: usize,
}

impl Word {
    fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }

    fn damaged(&self, text: &str) -> bool {
        self.text(text).contains(['?', REPLACEMENT])
    }

    fn strongly_damaged(&self, text: &str) -> bool {
        let word = self.text(text);
        if !self.damaged(text) {
            return false;
        }
        let mut letter_before = false;
        for (i, c) in word.char_indices() {
            if c == '?' || c == REPLACEMENT {
                let rest = &word[i + c.len_utf8()..];
                let letter_after = rest.chars().any(char::is_alphabetic);
                if letter_after && (letter_before || i == 0) || (c == REPLACEMENT && letter_before) {
                    return true;
                }
            } else if c.is_alphabetic() {
                letter_before = true;
            }
        }
        false
    }
}

fn is_word_char(c: char) -> bool {
    c == '?' || c == REPLACEMENT || is_vietnamese_letter(c) || c.is_alphabetic()
}

fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Word { start: s, end: i });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Word {
            start: s,
            end: text.len(),
        });
    }
    out
}

#[derive(Debug, Clone)]
struct Candidate {
    /// Lower-case syllable for the model (may be unknown).
    id: Option<u32>,
    /// The text to write.
    text: Written,
    /// Extra log-probability (the cost of reading a trailing `?` as punctuation).
    penalty: f64,
}

/// What a candidate writes in place of the word.
#[derive(Debug, Clone)]
enum Written {
    /// The word as it stands.
    Original,
    /// The syllable `id`, in the damaged word's case (built only for the candidate that wins).
    Syllable,
    /// This text.
    Own(String),
}

/// Choose each damaged phrase's most likely reading; `damaged` holds the candidates of each
/// damaged word (`None` for the others).
fn restore(
    text: &str,
    words: &[Word],
    mut damaged: Vec<Option<Vec<Candidate>>>,
    hyp: Lossy,
    m: &Model,
    log: &mut Vec<Repair>,
) -> Option<String> {
    // Split words into phrases: runs separated by whitespace only.
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    let mut changed = false;
    let mut i = 0;
    while i < words.len() {
        let mut j = i + 1;
        while j < words.len() && text[words[j - 1].end..words[j].start].chars().all(|c| c == ' ') {
            j += 1;
        }
        let phrase = &words[i..j];
        if damaged[i..j].iter().any(Option::is_some) {
            let mut cands: Vec<Vec<Candidate>> = (i..j)
                .map(|k| damaged[k].take().unwrap_or_else(|| as_written(text, &words[k], m)))
                .collect();
            narrow_in_context(&mut cands, m);
            let best = viterbi(&cands, m);
            for (w, (k, c)) in phrase.iter().zip(best.iter().enumerate()) {
                let chosen = &cands[k][*c];
                let original = w.text(text);
                let chosen_text = match (&chosen.text, chosen.id) {
                    (Written::Own(t), _) => t.clone(),
                    (Written::Syllable, Some(id)) => write_in_case(text, phrase, k, w, m.word(id)),
                    (Written::Original | Written::Syllable, _) => continue,
                };
                if chosen_text != original {
                    out.push_str(&text[last..w.start]);
                    out.push_str(&chosen_text);
                    log.push(Repair {
                        kind: RepairKind::LostLetters,
                        offset: Some(w.start),
                        before: original.to_owned(),
                        after: chosen_text,
                        note: Some(match hyp {
                            Lossy::Latin => "letters lost in windows-1252/ISO-8859-1".into(),
                            Lossy::Ascii => "letters lost in ASCII".into(),
                        }),
                    });
                    last = w.end;
                    changed = true;
                }
            }
        }
        i = j;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// An undamaged word: itself.
fn as_written(text: &str, w: &Word, m: &Model) -> Vec<Candidate> {
    vec![Candidate {
        id: m.id(&w.text(text).to_lowercase()),
        text: Written::Original,
        penalty: 0.0,
    }]
}

/// A damaged word's candidates, and whether some syllable of the model fits it at all.
fn candidates(text: &str, w: &Word, hyp: Lossy, m: &Model) -> (Vec<Candidate>, bool) {
    let original = w.text(text);
    let lower = original.to_lowercase();
    let pattern = stars(&lower);
    let mut out = Vec::with_capacity(BEAM + 1);

    // The word as written, with trailing `?` read as punctuation.
    let stem = lower.trim_end_matches('?');
    let stem_is_syllable = !stem.is_empty() && !stem.contains(['?', REPLACEMENT]) && stem.chars().any(is_vowel);
    if stem_is_syllable {
        out.push(Candidate {
            id: m.id(stem),
            text: Written::Original,
            penalty: (0.2f64).ln(),
        });
    }
    // A beam: the most frequent candidates carry the decision; the long tail only costs time.
    // The model lists each shape's syllables most frequent first.
    let syllables = m.with_shape(&shape(&lower)).entries();
    let fitting = syllables.filter(|(_, s)| fits(&pattern, s, hyp)).take(BEAM);
    let before = out.len();
    out.extend(fitting.map(|(id, _)| Candidate {
        id: Some(id),
        text: Written::Syllable,
        penalty: 0.0,
    }));
    let fits_some = out.len() > before;

    if hyp == Lossy::Latin && !pattern.contains(&REPLACEMENT) && is_abbreviation(text, w) {
        let abbreviation = Candidate {
            id: None,
            text: Written::Own(original.replace('?', "Đ")),
            penalty: 0.0,
        };
        return (vec![abbreviation], fits_some);
    }
    if out.is_empty() {
        out.push(Candidate {
            id: None,
            text: Written::Original,
            penalty: 0.0,
        });
    }
    (out, fits_some)
}

/// Candidates kept per damaged word, by frequency.
const BEAM: usize = 24;

/// Candidates kept per damaged word for the Viterbi search, by their fit with the words
/// around them: the search costs the product of neighbouring candidate counts.
const CONTEXT_BEAM: usize = 8;

/// Keep each position's candidates that fit best with their undamaged neighbours.
fn narrow_in_context(cands: &mut [Vec<Candidate>], m: &Model) {
    let fixed: Vec<Option<Option<u32>>> = cands.iter().map(|c| (c.len() == 1).then(|| c[0].id)).collect();
    #[allow(clippy::needless_range_loop)] // neighbours are read by index
    for t in 0..cands.len() {
        if cands[t].len() <= CONTEXT_BEAM {
            continue;
        }
        let prev = t.checked_sub(1).and_then(|p| fixed[p]);
        let next = fixed.get(t + 1).copied().flatten();
        let score = |c: &Candidate| {
            let mut s = c.penalty;
            s += match prev {
                Some(p) => m.log_bigram(p, c.id),
                None => m.log_unigram(c.id),
            };
            if let Some(n) = next {
                s += m.log_bigram(c.id, n);
            }
            s
        };
        // Best first; stable, so equal scores keep their frequency order.
        cands[t].sort_by_cached_key(|c| std::cmp::Reverse(total_order(score(c))));
        cands[t].truncate(CONTEXT_BEAM);
    }
}

/// An integer that orders like `f64::total_cmp`.
fn total_order(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// A syllable written into a damaged word: its known letters keep their case; lost letters
/// take the case [`lost_case`] decides.
fn write_in_case(text: &str, phrase: &[Word], k: usize, w: &Word, syllable: &str) -> String {
    let orig_chars: Vec<char> = w.text(text).chars().collect();
    let case = lost_case(text, phrase, k, &orig_chars);
    orig_chars
        .iter()
        .zip(syllable.chars())
        .enumerate()
        .map(|(i, (&o, c))| {
            let lost = o == '?' || o == REPLACEMENT;
            if (lost && (case.all || (i == 0 && case.initial))) || (!lost && o.is_uppercase()) {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// A vowel, with or without diacritics: its base letter is one (no copy made).
fn is_vowel(c: char) -> bool {
    let mut base = None;
    unicode_normalization::char::decompose_canonical(c, |d| {
        base.get_or_insert(d);
    });
    matches!(
        base.unwrap_or(c).to_ascii_lowercase(),
        'a' | 'e' | 'i' | 'o' | 'u' | 'y'
    )
}

/// Case of a word's lost letters: `all` when the rest of the word (or, for a one-letter
/// remainder, its neighbourhood) is upper case; `initial` for a word-initial loss at the start
/// of a sentence or after a capitalised word inside one (a name: `Trung ?ông`, `H? N?i`).
struct LostCase {
    all: bool,
    initial: bool,
}

fn lost_case(text: &str, phrase: &[Word], k: usize, chars: &[char]) -> LostCase {
    let letters: Vec<char> = chars.iter().copied().filter(|c| c.is_alphabetic()).collect();
    let all_caps = |word: &Word| {
        let t = word.text(text);
        t.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !t.chars().any(|c| c.is_lowercase())
    };
    let all = (letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()))
        || (letters.len() == 1
            && letters[0].is_uppercase()
            && (k > 0 && all_caps(&phrase[k - 1]) || k + 1 < phrase.len() && all_caps(&phrase[k + 1])));
    let mut initial = all;
    if !all && chars.first().is_some_and(|&c| c == '?' || c == REPLACEMENT) {
        let sentence_start = k == 0 && sentence_start_of(text, &phrase[0]);
        let capitalised = |word: &Word| word.text(text).chars().next().is_some_and(|c| c.is_uppercase());
        let prev_cap = k > 0 && capitalised(&phrase[k - 1]) && !(k == 1 && sentence_start_of(text, &phrase[0]));
        initial = sentence_start || prev_cap;
    }
    LostCase { all, initial }
}

/// An upper-case abbreviation joined by `-` or `/` to another (`N?-CP`, `Q?-UBND`): its lost
/// letter is `Đ`, the only non-ASCII letter such abbreviations use.
fn is_abbreviation(text: &str, w: &Word) -> bool {
    let t = w.text(text);
    let known: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
    if known.is_empty() || t.chars().count() > 5 || !known.iter().all(|c| c.is_ascii_uppercase()) {
        return false;
    }
    let before = text[..w.start].chars().rev().take(2).collect::<Vec<_>>();
    let after = text[w.end..].chars().take(2).collect::<Vec<_>>();
    let joined = |sep: Option<&char>, letter: Option<&char>| {
        sep.is_some_and(|s| *s == '-' || *s == '/') && letter.is_some_and(|c| c.is_ascii_uppercase())
    };
    joined(before.first(), before.get(1)) || joined(after.first(), after.get(1))
}

fn sentence_start_of(text: &str, w: &Word) -> bool {
    let before = text[..w.start].trim_end_matches(' ');
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '\n', '"', '“', '(', '-', '–'])
}

/// Best candidate index per word under the bigram model.
fn viterbi(cands: &[Vec<Candidate>], m: &Model) -> Vec<usize> {
    let n = cands.len();
    let mut score: Vec<Vec<f64>> = Vec::with_capacity(n);
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(n);
    score.push(cands[0].iter().map(|c| m.log_unigram(c.id) + c.penalty).collect());
    back.push(vec![0; cands[0].len()]);
    // The previous position's states, best first: (score, score plus the most any bigram
    // after it can add, syllable, index).
    let mut order: Vec<(f64, f64, Option<u32>, usize)> = Vec::new();
    for t in 1..n {
        let mut s = Vec::with_capacity(cands[t].len());
        let mut b = Vec::with_capacity(cands[t].len());
        // Previous states best first: once a state's score plus the most any bigram can add
        // falls below the best path found, no later state can win (exact, fewer lookups).
        order.clear();
        order.extend(
            cands[t - 1]
                .iter()
                .zip(&score[t - 1])
                .enumerate()
                .map(|(i, (c, &p))| (p, p + m.max_log_after(c.id), c.id, i)),
        );
        order.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.3.cmp(&y.3)));
        // Every pair scores at least the back-off of its first syllable times P(second), and
        // an unseen pair exactly that: the best path through any unseen pair is known before
        // a single pair is looked up, and only pairs that could beat it are.
        let (through_backoff, backoff_arg) = order
            .iter()
            .map(|&(p, _, id, i)| (p + m.log_backoff(id), i))
            .fold((f64::NEG_INFINITY, 0), |acc, x| if x.0 > acc.0 { x } else { acc });
        for c in &cands[t] {
            let into_c = m.max_log_before(c.id);
            let (mut arg, mut best) = match c.id {
                // An unknown syllable scores the same after every state.
                None => (order[0].3, order[0].0 + m.log_unigram(None)),
                Some(_) => (backoff_arg, through_backoff + m.log_unigram(c.id)),
            };
            for &(p, after, id, i) in &order {
                if p + into_c < best {
                    break;
                }
                if after < best {
                    continue;
                }
                let v = p + m.log_bigram(id, c.id);
                if v > best || (v == best && i < arg) {
                    (arg, best) = (i, v);
                }
            }
            s.push(best + c.penalty);
            b.push(arg);
        }
        score.push(s);
        back.push(b);
    }
    let mut best = vec![0; n];
    best[n - 1] = score[n - 1]
        .iter()
        .enumerate()
        .fold(
            (0, f64::NEG_INFINITY),
            |acc, (i, &x)| if x > acc.1 { (i, x) } else { acc },
        )
        .0;
    for t in (1..n).rev() {
        best[t - 1] = back[t][best[t]];
    }
    best
}
