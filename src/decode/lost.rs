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

use super::codepage::{is_vietnamese_letter, latin_holds, push_lowercase};
use super::lm::{Model, Successors, model, push_shape};
use super::repair::{Repair, RepairKind, Repairer};

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
        LATTICE.with_borrow_mut(|lattice| {
            let out = lattice.repair(text, &words, hyp, model(), log);
            lattice.release();
            out
        })
    }
}

thread_local! {
    /// Each thread's candidate tables, reused from text to text.
    static LATTICE: std::cell::RefCell<Lattice> = std::cell::RefCell::new(Lattice::default());
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

#[derive(Debug, Clone, Copy)]
struct Candidate {
    /// Lower-case syllable for the model (may be unknown).
    id: Option<u32>,
    /// The text to write.
    text: Written,
    /// Extra log-probability (the cost of reading a trailing `?` as punctuation).
    penalty: f64,
}

/// What a candidate writes in place of the word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Written {
    /// The word as it stands.
    Original,
    /// The syllable `id`, in the damaged word's case (built only for the candidate that wins).
    Syllable,
    /// An abbreviation's `?` read as `Đ` (see [`is_abbreviation`]).
    Abbreviation,
}

/// The candidates of one text, kept in flat tables (one allocation per table per text, not
/// per word): each damaged word's candidates, then per phrase the lattice the Viterbi search
/// runs over, with its scores and back-pointers.
#[derive(Default)]
struct Lattice {
    /// Every word's candidates; a word's span is a range of this table.
    all: Vec<Candidate>,
    /// The phrase being decoded: its candidates, and where each position's begin (one entry
    /// per position plus the end).
    phrase: Vec<Candidate>,
    bounds: Vec<usize>,
    /// Viterbi scores and back-pointers, parallel to `phrase`.
    score: Vec<f64>,
    back: Vec<usize>,
    /// Scratch: a word in lower case, its shape, its `*` letters, ranking keys.
    lower: String,
    shape: String,
    pattern: Vec<char>,
    keys: Vec<(std::cmp::Reverse<i64>, usize)>,
    order: Vec<(f64, f64, Option<u32>, usize)>,
    among: Vec<Successors>,
}

impl Lattice {
    /// Restore the lost letters of `text`, whose words are `words`.
    fn repair(&mut self, text: &str, words: &[Word], hyp: Lossy, m: &Model, log: &mut Vec<Repair>) -> Option<String> {
        // Each damaged word's candidates, computed once, into one table.
        self.all.clear();
        self.all.reserve(words.len() * (BEAM + 1));
        let mut spans = Vec::with_capacity(words.len());
        let (mut strong, mut fitting) = (0, 0);
        for w in words {
            if !w.damaged(text) {
                spans.push(None);
                continue;
            }
            let start = self.all.len();
            let fits = self.candidates(text, w, hyp, m);
            if w.strongly_damaged(text) {
                strong += 1;
                fitting += usize::from(fits);
            }
            spans.push(Some(start..self.all.len()));
        }
        // Only Vietnamese text: most damaged words must fit some Vietnamese syllable
        // (`WeWork?s`, `you?re` in English text fit none and are left alone).
        if fitting == 0 || fitting * 2 < strong {
            return None;
        }
        self.restore(text, words, spans, hyp, m, log)
    }

    /// Give back the memory of tables a very long text made large.
    fn release(&mut self) {
        if self.all.capacity() > 1 << 16 {
            *self = Lattice::default();
        }
    }

    /// `w` in lower case, into `self.lower`.
    fn lower(&mut self, word: &str) {
        self.lower.clear();
        push_lowercase(word, &mut self.lower);
    }

    /// Append a damaged word's candidates to `all`; returns whether some syllable of the
    /// model fits it at all.
    fn candidates(&mut self, text: &str, w: &Word, hyp: Lossy, m: &Model) -> bool {
        let original = w.text(text);
        self.lower(original);
        self.pattern.clear();
        self.pattern
            .extend(self.lower.chars().filter(|c| !c.is_ascii_alphabetic()));
        let start = self.all.len();

        // The word as written, with trailing `?` read as punctuation.
        let stem = self.lower.trim_end_matches('?');
        let stem_is_syllable = !stem.is_empty() && !stem.contains(['?', REPLACEMENT]) && stem.chars().any(is_vowel);
        if stem_is_syllable {
            self.all.push(Candidate {
                id: m.id(stem),
                text: Written::Original,
                penalty: (0.2f64).ln(),
            });
        }
        // A beam: the most frequent candidates carry the decision; the long tail only costs time.
        // The model lists each shape's syllables most frequent first.
        self.shape.clear();
        push_shape(&self.lower, &mut self.shape);
        let before = self.all.len();
        let pattern = &self.pattern;
        let shape = m.with_shape(&self.shape);
        let syllable = |id| Candidate {
            id: Some(id),
            text: Written::Syllable,
            penalty: 0.0,
        };
        if hyp == Lossy::Ascii && pattern.iter().all(|&c| c == '?') {
            // Every letter outside ASCII was lost: every syllable of the shape fits.
            self.all.extend(shape.ids().take(BEAM).map(syllable));
        } else {
            let fitting = shape.entries(m).filter(|(_, s)| fits(pattern, s, hyp)).take(BEAM);
            self.all.extend(fitting.map(|(id, _)| syllable(id)));
        }
        let fits_some = self.all.len() > before;

        if !self.pattern.contains(&REPLACEMENT) && is_abbreviation(text, w) {
            self.all.truncate(start);
            self.all.push(Candidate {
                id: None,
                text: Written::Abbreviation,
                penalty: 0.0,
            });
        } else if self.all.len() == start {
            self.all.push(Candidate {
                id: None,
                text: Written::Original,
                penalty: 0.0,
            });
        }
        fits_some
    }

    /// Append an undamaged word's one candidate, itself, to `all`.
    fn as_written(&mut self, text: &str, w: &Word, m: &Model) -> std::ops::Range<usize> {
        self.lower(w.text(text));
        self.all.push(Candidate {
            id: m.id(&self.lower),
            text: Written::Original,
            penalty: 0.0,
        });
        self.all.len() - 1..self.all.len()
    }

    /// Choose each damaged phrase's most likely reading; `spans` holds where the candidates
    /// of each damaged word are in `all` (`None` for the others).
    fn restore(
        &mut self,
        text: &str,
        words: &[Word],
        mut spans: Vec<Option<std::ops::Range<usize>>>,
        hyp: Lossy,
        m: &Model,
        log: &mut Vec<Repair>,
    ) -> Option<String> {
        // Split words into phrases: runs separated by whitespace only.
        let mut out = String::with_capacity(text.len() + 16);
        let mut last = 0;
        let mut changed = false;
        let mut best = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let mut j = i + 1;
            while j < words.len() && text[words[j - 1].end..words[j].start].bytes().all(|c| c == b' ') {
                j += 1;
            }
            let phrase = &words[i..j];
            if spans[i..j].iter().any(Option::is_some) {
                for k in i..j {
                    if spans[k].is_none() {
                        spans[k] = Some(self.as_written(text, &words[k], m));
                    }
                }
                let phrase_spans: Vec<_> = spans[i..j].iter().flatten().cloned().collect();
                self.narrow_in_context(&phrase_spans, m);
                self.viterbi(m, &mut best);
                for (k, (w, &c)) in phrase.iter().zip(&best).enumerate() {
                    let chosen = self.phrase[self.bounds[k] + c];
                    let original = w.text(text);
                    let chosen_text = match (chosen.text, chosen.id) {
                        (Written::Abbreviation, _) => original.replace('?', "Đ"),
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
                            note: Some(
                                match hyp {
                                    Lossy::Latin => "letters lost in windows-1252/ISO-8859-1",
                                    Lossy::Ascii => "letters lost in ASCII",
                                }
                                .into(),
                            ),
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

    /// Build the phrase lattice from the words' candidates, keeping each position's
    /// candidates that fit best with their undamaged neighbours.
    fn narrow_in_context(&mut self, spans: &[std::ops::Range<usize>], m: &Model) {
        let fixed = |t: usize| spans.get(t).filter(|s| s.len() == 1).map(|s| self.all[s.start].id);
        self.phrase.clear();
        self.bounds.clear();
        for (t, span) in spans.iter().enumerate() {
            self.bounds.push(self.phrase.len());
            let cands = &self.all[span.clone()];
            if cands.len() <= CONTEXT_BEAM {
                self.phrase.extend_from_slice(cands);
                continue;
            }
            let prev = t.checked_sub(1).and_then(fixed);
            let next = fixed(t + 1);
            let mut among = match prev {
                Some(_) => between(cands),
                None => Successors::All,
            };
            let mut score = |c: &Candidate| {
                let mut s = c.penalty;
                s += match prev {
                    Some(p) => m.log_bigram_among(p, c.id, &mut among),
                    None => m.log_unigram(c.id),
                };
                if let Some(n) = next {
                    s += m.log_bigram(c.id, n);
                }
                s
            };
            // The best, best first; equal scores keep their frequency order. Candidates come
            // most frequent first, so most are turned away by one comparison with the last.
            let keys = &mut self.keys;
            keys.clear();
            for (i, c) in cands.iter().enumerate() {
                let key = (std::cmp::Reverse(total_order(score(c))), i);
                if keys.len() == CONTEXT_BEAM {
                    if key >= keys[CONTEXT_BEAM - 1] {
                        continue;
                    }
                    keys.pop();
                }
                let at = keys.partition_point(|k| *k < key);
                keys.insert(at, key);
            }
            self.phrase
                .extend(self.keys[..CONTEXT_BEAM].iter().map(|&(_, i)| cands[i]));
        }
        self.bounds.push(self.phrase.len());
    }

    /// Best candidate index per position of the phrase lattice under the bigram model.
    fn viterbi(&mut self, m: &Model, best: &mut Vec<usize>) {
        let n = self.bounds.len() - 1;
        let (cands, bounds) = (&self.phrase, &self.bounds);
        let (score, back, order, among) = (&mut self.score, &mut self.back, &mut self.order, &mut self.among);
        score.clear();
        back.clear();
        score.extend(cands[..bounds[1]].iter().map(|c| m.log_unigram(c.id) + c.penalty));
        back.resize(bounds[1], 0);
        for t in 1..n {
            let prev = bounds[t - 1]..bounds[t];
            // Previous states best first: (score, score plus the most any bigram after it
            // can add, syllable, index). Once a state's score plus the most any bigram can
            // add falls below the best path found, no later state can win (exact, fewer
            // lookups).
            order.clear();
            order.extend(
                cands[prev.clone()]
                    .iter()
                    .zip(&score[prev])
                    .enumerate()
                    .map(|(i, (c, &p))| (p, p + m.max_log_after(c.id), c.id, i)),
            );
            order.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.3.cmp(&y.3)));
            // Every pair scores at least the back-off of its first syllable times P(second),
            // and an unseen pair exactly that: the best path through any unseen pair is known
            // before a single pair is looked up, and only pairs that could beat it are.
            let cands_t = &cands[bounds[t]..bounds[t + 1]];
            among.clear();
            among.resize(order.len(), between(cands_t));
            let (through_backoff, backoff_arg) = order
                .iter()
                .map(|&(p, _, id, i)| (p + m.log_backoff(id), i))
                .fold((f64::NEG_INFINITY, 0), |acc, x| if x.0 > acc.0 { x } else { acc });
            for c in cands_t {
                let into_c = m.max_log_before(c.id);
                let (mut arg, mut best) = match c.id {
                    // An unknown syllable scores the same after every state.
                    None => (order[0].3, order[0].0 + m.log_unigram(None)),
                    Some(_) => (backoff_arg, through_backoff + m.log_unigram(c.id)),
                };
                for &(p, after, id, i) in order.iter() {
                    if p + into_c < best {
                        break;
                    }
                    if after < best {
                        continue;
                    }
                    let v = p + m.log_bigram_among(id, c.id, &mut among[i]);
                    if v > best || (v == best && i < arg) {
                        (arg, best) = (i, v);
                    }
                }
                score.push(best + c.penalty);
                back.push(arg);
            }
        }
        best.clear();
        best.resize(n, 0);
        let last = &score[bounds[n - 1]..bounds[n]];
        best[n - 1] = last
            .iter()
            .enumerate()
            .fold(
                (0, f64::NEG_INFINITY),
                |acc, (i, &x)| if x > acc.1 { (i, x) } else { acc },
            )
            .0;
        for t in (1..n).rev() {
            best[t - 1] = back[bounds[t] + best[t]];
        }
    }
}

/// The successors that lookups of pairs ending in one of `cands` search: those of a shape
/// have neighbouring ids.
fn between(cands: &[Candidate]) -> Successors {
    let ids = cands.iter().filter_map(|c| c.id);
    let lo = ids.clone().min().unwrap_or(0);
    let hi = ids.max().unwrap_or(0);
    Successors::Between(lo, hi)
}

/// Candidates kept per damaged word, by frequency.
const BEAM: usize = 24;

/// Candidates kept per damaged word for the Viterbi search, by their fit with the words
/// around them: the search costs the product of neighbouring candidate counts.
const CONTEXT_BEAM: usize = 8;

/// An integer that orders like `f64::total_cmp`.
fn total_order(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// A syllable written into a damaged word: its known letters keep their case; lost letters
/// take the case [`lost_case`] decides.
fn write_in_case(text: &str, phrase: &[Word], k: usize, w: &Word, syllable: &str) -> String {
    let case = lost_case(text, phrase, k, w);
    let mut out = String::with_capacity(syllable.len() + 2);
    for (i, (o, c)) in w.text(text).chars().zip(syllable.chars()).enumerate() {
        let lost = o == '?' || o == REPLACEMENT;
        if (lost && (case.all || (i == 0 && case.initial))) || (!lost && o.is_uppercase()) {
            out.push(c.to_uppercase().next().unwrap_or(c));
        } else {
            out.push(c);
        }
    }
    out
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

fn lost_case(text: &str, phrase: &[Word], k: usize, w: &Word) -> LostCase {
    let word = w.text(text);
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let (first, count) = (letters.next(), 1 + letters.count());
    let all_caps = |word: &Word| {
        let t = word.text(text);
        t.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !t.chars().any(|c| c.is_lowercase())
    };
    let all = match first {
        None => false,
        Some(_) if count >= 2 => word.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase),
        Some(letter) => {
            letter.is_uppercase()
                && (k > 0 && all_caps(&phrase[k - 1]) || k + 1 < phrase.len() && all_caps(&phrase[k + 1]))
        }
    };
    let mut initial = all;
    if !all && word.starts_with(['?', REPLACEMENT]) {
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
    let mut known = t.chars().filter(|c| c.is_alphabetic()).peekable();
    if known.peek().is_none() || t.chars().count() > 5 || !known.all(|c| c.is_ascii_uppercase()) {
        return false;
    }
    let joined = |around: &mut dyn Iterator<Item = char>| {
        around.next().is_some_and(|s| s == '-' || s == '/') && around.next().is_some_and(|c| c.is_ascii_uppercase())
    };
    joined(&mut text[..w.start].chars().rev()) || joined(&mut text[w.end..].chars())
}

fn sentence_start_of(text: &str, w: &Word) -> bool {
    let before = text[..w.start].trim_end_matches(' ');
    before.is_empty() || before.ends_with(['.', '!', '?', ':', '\n', '"', '“', '(', '-', '–'])
}
