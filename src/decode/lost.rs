//! Restore letters that a lossy code page turned into `?` or `�`.
//!
//! When Vietnamese text is converted to windows-1252, ISO-8859-1 or ASCII, every letter the
//! code page lacks becomes `?`; when windows-1252 bytes are then read as UTF-8, the letters it
//! *could* hold become `�`. Each damaged word therefore constrains its own letters: a `?`
//! stands for a letter outside the code page, a `�` for one inside it. Candidates are the
//! syllables of the language model that fit those constraints; each phrase (words in one
//! segment, framed by the model's context tokens: `<s>` after punctuation, `<num>` for a
//! number — `100.000 ??ng` is `đồng`) is a lattice the trigram model's best path decides.
//! Markers written against a number (`100.000?`), which the model never saw, are read by
//! rule: `đ` after an amount, a dash between numbers, else punctuation.
//! Lost capitals follow the evidence around them: a sentence start, an abbreviation
//! (`Q?-UBND`), or a name (a capitalised neighbour the syllable stands together with, by the
//! model's counts: `Ấn ?ộ`, but not `Hà Nội ?ã`, nor `Quyết ?ịnh`, where `định` follows many
//! words; or a name of the list in [`super::names`]
//! the chosen syllables spell: `?n ??` → `Ấn Độ`). That list also weighs a capital inside a
//! sentence, which the lower-case model cannot: `t? M?` is `từ Mỹ`.
//!
//! Quotation marks and ellipses the conversion lost are restored after the letters, from
//! where the markers left stand ([`lost_quotes`]).
//!
//! Evidence rule: a text is only touched when some word has a `?`/`�` *inside* it (a letter
//! on both sides, or a word-initial `?` followed by letters). A `?` at the end of a word that
//! is a syllable on its own (`tăng?`) stays punctuation unless the model strongly prefers a
//! letter.

use super::codepage::{is_vietnamese_letter, latin_holds, push_lowercase};
use super::lm::context::{Gap, gap, left_context, right_context};
use super::lm::{Model, PathScratch, Slot, Successors, model, push_shape};
use super::names::{self, Initial, NAME, names};
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
        // Two byte searches (memchr) settle clean text faster than one pass over its chars.
        if !text.as_bytes().contains(&b'?') && !text.contains(REPLACEMENT) {
            return None;
        }
        let mut words = words(text);
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
        // What a dash the conversion lost became: nothing when the text still has dashes or
        // the typographic punctuation of windows-1252 (the code page held them); `�` when
        // windows-1252 bytes were read as UTF-8 (its dash is such a byte); `?` otherwise.
        let lost_dash = if text.contains(['–', '—']) {
            None
        } else if text.contains(REPLACEMENT) {
            Some(REPLACEMENT)
        } else if text.contains(['“', '”', '…']) {
            None
        } else {
            Some('?')
        };
        // Quotation marks: windows-1252 held them, so where its bytes were read as UTF-8 they
        // became `�`; ISO-8859-1 and ASCII turned them into `?`. A text with quotes left
        // lost none.
        let lost_quote = if text.contains(['"', '“', '”', '«', '»', '„']) {
            None
        } else if text.contains(REPLACEMENT) {
            Some(REPLACEMENT)
        } else {
            Some('?')
        };
        LATTICE.with_borrow_mut(|lattice| {
            lattice.lost_dash = lost_dash;
            lattice.lost_quote = lost_quote;
            let out = lattice.repair(text, &mut words, hyp, model(), log);
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
fn fits(damaged: &[u32], syllable: &[u32], hyp: Lossy) -> bool {
    const QUESTION: u32 = '?' as u32;
    const LOST: u32 = REPLACEMENT as u32;
    let holds = |c: u32| char::from_u32(c).is_some_and(latin_holds);
    damaged.len() == syllable.len()
        && damaged.iter().zip(syllable).all(|(&p, &c)| match p {
            QUESTION => hyp == Lossy::Ascii || !holds(c),
            LOST => holds(c),
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
    // `?` before a capitalised word (`?Con`, `?Tr?ng`) is punctuation a code page lost (an
    // opening quote): no Vietnamese word has a lower-case letter before an upper-case one.
    for w in &mut out {
        let t = &text[w.start..w.end];
        let lead = t.len() - t.trim_start_matches(['?', REPLACEMENT]).len();
        if lead == 0 {
            continue;
        }
        let mut rest = t[lead..].chars();
        let capitalised = rest.next().is_some_and(char::is_uppercase) && rest.next().is_some_and(char::is_lowercase);
        // So is one before letters no lost first letter stands before (`?nghe`, `?k?`), unless
        // they are upper case, an abbreviation that lost its `Đ` (`?V`, `?HQG`).
        let upper = !t[lead..].chars().any(char::is_lowercase);
        if capitalised || (!upper && !follows_a_first_letter(&t[lead..])) {
            w.start += lead;
        }
    }
    out
}

/// Can `rest` follow a syllable's lost first letter (`đ`, or a vowel with its marks)? After
/// `đ` comes a vowel; after a vowel, a vowel or a final consonant (`c`, `ch`, `m`, `n`, `ng`,
/// `nh`, `p`, `t`). The model's counts hold abbreviations (`đk`, `đb`), so a fitting syllable
/// alone does not settle it.
fn follows_a_first_letter(rest: &str) -> bool {
    let mut letters = rest.chars().map(|c| c.to_ascii_lowercase());
    match (letters.next(), letters.next(), letters.next()) {
        (Some('n'), Some('g'), Some('h')) | (Some('p' | 't'), Some('h'), _) | (Some('t'), Some('r'), _) => false,
        (Some(c), _, _) if c.is_ascii_alphabetic() => {
            matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'c' | 'm' | 'n' | 'p' | 't')
        }
        _ => true,
    }
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
    /// A `?` standing alone between words read as the punctuation that stands so, a dash.
    Punctuation,
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
    /// What a lost dash became, if the conversion lost dashes (see [`Written::Punctuation`]).
    lost_dash: Option<char>,
    /// What lost quotation marks became, if the text has none left (see [`lost_quotes`]).
    lost_quote: Option<char>,
    /// Scratch: where each such marker copied as it was stands, in the output and the input.
    kept: Vec<(usize, usize)>,
    /// The phrase's candidates as the model's search takes them, and its tables.
    slots: Vec<Slot>,
    scratch: PathScratch,
    /// Scratch: a word in lower case, its shape, its `*` letters, ranking keys.
    lower: String,
    shape: String,
    pattern: Vec<u32>,
    keys: Vec<(std::cmp::Reverse<i64>, usize)>,
    /// How each word of the phrase starts, for [`names::favour`].
    initials: Vec<Initial>,
}

impl Lattice {
    /// Restore the lost letters of `text`, whose words are `words`.
    fn repair(
        &mut self,
        text: &str,
        words: &mut [Word],
        hyp: Lossy,
        m: &Model,
        log: &mut Vec<Repair>,
    ) -> Option<String> {
        // Each damaged word's candidates, computed once, into one table.
        self.all.clear();
        self.all.reserve(words.len() * (BEAM + 1));
        let mut spans = Vec::with_capacity(words.len());
        let (mut strong, mut fitting) = (0, 0);
        for w in words.iter_mut() {
            if !w.damaged(text) {
                spans.push(None);
                continue;
            }
            let start = self.all.len();
            let mut fits = self.candidates(text, w, hyp, m);
            // Markers before letters that no lost first letter can stand before (`?nghe`,
            // `?kh?ng?`: no syllable fits) are punctuation the conversion lost, an opening
            // quote: the word is what follows them. (Not an abbreviation's: `?HQG`.)
            let t = w.text(text);
            if !fits
                && self.all[start].text != Written::Abbreviation
                && let lead = t.len() - t.trim_start_matches(['?', REPLACEMENT]).len()
                && lead > 0
                && t[lead..].starts_with(char::is_alphabetic)
            {
                self.all.truncate(start);
                w.start += lead;
                if !w.damaged(text) {
                    spans.push(None);
                    continue;
                }
                fits = self.candidates(text, w, hyp, m);
            }
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
            .extend(self.lower.chars().filter(|c| !c.is_ascii_alphabetic()).map(u32::from));
        let start = self.all.len();
        if glued_to_number(text, w) {
            return self.after_number(text, w, hyp, m);
        }

        // The word as written, with trailing `?` (or `�`) read as punctuation. A `�` is more
        // often a letter windows-1252 held (`thu�` is `thuê`) than its `…` or `”`.
        let stem = self.lower.trim_end_matches(['?', REPLACEMENT]);
        let as_punctuation = if self.lower.ends_with(REPLACEMENT) {
            TRAILING_REPLACEMENT
        } else {
            0.2f64
        }
        .ln();
        let stem_is_syllable = !stem.is_empty() && !stem.contains(['?', REPLACEMENT]) && stem.chars().any(is_vowel);
        if stem_is_syllable {
            self.all.push(Candidate {
                id: m.id(stem),
                text: Written::Original,
                penalty: as_punctuation,
            });
        }
        // A beam: the most frequent candidates carry the decision; the long tail only costs time.
        // The model lists each shape's syllables most frequent first.
        let before = self.all.len();
        self.push_fitting(0, 0, 0.0, hyp, m);
        // Trailing `?` (or `�`) may be punctuation a lossy code page also lost (`…`, `”`)
        // after a damaged word: the stem's syllables too, at the cost of reading it so.
        // Each tail of the run may be the punctuation: `nh��` is `nhà”`, `m?�` is `mẹ…`.
        let (mut cut, mut chars) = (0, 0);
        let marker = |c: &char| matches!(*c, '?' | REPLACEMENT);
        while let Some(c) = self.lower[..self.lower.len() - cut].chars().next_back().filter(marker) {
            cut += c.len_utf8();
            chars += 1;
            if chars < self.pattern.len() && self.lower[..self.lower.len() - cut].chars().any(char::is_alphabetic) {
                self.push_fitting(cut, chars, as_punctuation, hyp, m);
            }
        }
        let fits_some = self.all.len() > before;

        // A `?` (or `�`) standing alone may be punctuation a code page lost (a dash, a
        // bullet): read so, the words either side are in different segments — the candidate
        // ends the segment before (`</s>`), and the model reads what follows it as the start
        // of the next (see `Model::as_history`).
        if let Some(dash) = self.lost_dash
            && original.len() == dash.len_utf8()
            && original.starts_with(dash)
            && let Some(eos) = m.eos()
        {
            self.all.push(Candidate {
                id: Some(eos),
                text: Written::Punctuation,
                penalty: LOST_DASH.ln(),
            });
        }
        let known_upper = {
            let mut known = original.chars().filter(|c| c.is_alphabetic()).peekable();
            known.peek().is_some() && known.all(|c| c.is_ascii_uppercase())
        };
        let short = original.chars().count() <= 5;
        if !self.pattern.contains(&(REPLACEMENT as u32))
            && (is_abbreviation(text, w) || (!fits_some && known_upper && short))
        {
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

    /// Append the one reading of markers glued to a number (`100.000?`, `2019?`, `2017?2018`),
    /// which the model cannot weigh (its counts hold no letter written against a number):
    /// a dash the conversion lost between two numbers; the currency sign `đ` — the letter
    /// Vietnamese writes against a number — where what follows cannot follow a question mark
    /// (punctuation, or a word in lower case: `1000?.`, `50.000? m?t`); else the marker as
    /// written, a question mark ending the segment (`năm 2019? Không`). Returns whether `đ`
    /// was read.
    fn after_number(&mut self, text: &str, w: &Word, hyp: Lossy, m: &Model) -> bool {
        let original = w.text(text);
        let after = &text[w.end..];
        let (id, written) = if let Some(dash) = self.lost_dash
            && original.len() == dash.len_utf8()
            && original.starts_with(dash)
            && after.starts_with(|c: char| c.is_ascii_digit())
        {
            (m.eos(), Written::Punctuation)
        } else if let Some(id) = m.id("đ")
            && fits(&self.pattern, &['đ' as u32], hyp)
            && an_amount(&text[..w.start])
            && continues_a_sentence(after)
        {
            (Some(id), Written::Syllable)
        } else {
            (m.eos(), Written::Original)
        };
        self.all.push(Candidate {
            id,
            text: written,
            penalty: 0.0,
        });
        written == Written::Syllable
    }

    /// Append the syllables that fit the word in `self.lower` without its last `chars`
    /// characters, `cut` bytes (the word's shape and `*` letters as `self.lower` and
    /// `self.pattern` hold them; those characters are markers, each one `*`).
    fn push_fitting(&mut self, cut: usize, chars: usize, penalty: f64, hyp: Lossy, m: &Model) {
        let stem = &self.lower[..self.lower.len() - cut];
        let pattern = &self.pattern[..self.pattern.len() - chars];
        self.shape.clear();
        push_shape(stem, &mut self.shape);
        let shape = m.with_shape(&self.shape);
        let syllable = |id| Candidate {
            id: Some(id),
            text: Written::Syllable,
            penalty,
        };
        if hyp == Lossy::Ascii && pattern.iter().all(|&c| c == '?' as u32) {
            // Every letter outside ASCII was lost: every syllable of the shape fits.
            self.all.extend(shape.ids().take(BEAM).map(syllable));
        } else {
            let fitting = shape.entries(m).filter(|(_, s)| fits(pattern, s, hyp)).take(BEAM);
            self.all.extend(fitting.map(|(id, _)| syllable(id)));
        }
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
        let mut out = String::with_capacity(text.len() + 16);
        self.kept.clear();
        let mut last = 0;
        let mut changed = false;
        let mut best = Vec::new();
        let mut i = 0;
        while i < words.len() {
            // A phrase: words with nothing but spaces, or a number between spaces, between them
            // (a segment as the model's counts were made, see `lm::Counts::add_text`).
            let mut j = i + 1;
            while j < words.len() && !matches!(gap(&text[words[j - 1].end..words[j].start]), Gap::Break) {
                j += 1;
            }
            if spans[i..j].iter().any(Option::is_some) {
                for k in i..j {
                    if spans[k].is_none() {
                        spans[k] = Some(self.as_written(text, &words[k], m));
                    }
                }
                // The lattice's positions: context tokens, and each word's candidates.
                let before = if i == 0 {
                    &text[..words[0].start]
                } else {
                    &text[words[i - 1].end..words[i].start]
                };
                let after = match words.get(j) {
                    Some(next) => &text[words[j - 1].end..next.start],
                    None => &text[words[j - 1].end..],
                };
                let mut positions = Vec::with_capacity(2 * (j - i) + 4);
                let mut owners = Vec::with_capacity(positions.capacity());
                // A number written against the phrase frames it as a spaced one would.
                let spaced;
                let before = if glued_to_number(text, &words[i]) {
                    spaced = format!("{before} ");
                    spaced.as_str()
                } else {
                    before
                };
                for token in left_context(before, false, m) {
                    positions.push(self.context(token));
                    owners.push(None);
                }
                for k in i..j {
                    if k > i && matches!(gap(&text[words[k - 1].end..words[k].start]), Gap::Number) {
                        positions.push(self.context(m.num()));
                        owners.push(None);
                    }
                    positions.push(spans[k].clone().expect("every word of the phrase has candidates"));
                    owners.push(Some(k));
                }
                for token in right_context(after, false, m) {
                    positions.push(self.context(token));
                    owners.push(None);
                }
                self.narrow_in_context(&positions, m);
                self.slots.clear();
                self.slots.extend(self.phrase.iter().map(|c| Slot {
                    id: c.id,
                    cost: c.penalty,
                }));
                initials(text, words, &owners, &mut self.initials);
                names::favour(&self.bounds, &mut self.slots, &self.initials, NAME);
                m.best_path(&self.bounds, &self.slots, &mut self.scratch, &mut best);
                // Each word's chosen syllable, for the case of its neighbours' lost letters.
                let mut chosen_ids = vec![None; j - i];
                for (t, owner) in owners.iter().enumerate() {
                    if let Some(k) = *owner {
                        chosen_ids[k - i] = self.phrase[self.bounds[t] + best[t]].id;
                    }
                }
                for (t, owner) in owners.iter().enumerate() {
                    let Some(k) = *owner else { continue };
                    let w = &words[k];
                    let chosen = self.phrase[self.bounds[t] + best[t]];
                    let original = w.text(text);
                    let chosen_text = match (chosen.text, chosen.id) {
                        (Written::Abbreviation, _) => original.replace('?', "Đ"),
                        // A dash stands before something (`2017 ? 2018, …`); at the end of
                        // a phrase, before punctuation, the `?` is a question mark.
                        (Written::Punctuation, _)
                            if text[w.end..].trim_start_matches(' ').starts_with(char::is_alphanumeric) =>
                        {
                            "–".to_owned()
                        }
                        (Written::Punctuation, _) => continue,
                        (Written::Syllable, Some(id)) => {
                            let phrase = Phrase {
                                text,
                                words: &words[i..j],
                                ids: &chosen_ids,
                            };
                            write_in_case(&phrase, k - i, m.word(id), m)
                        }
                        (Written::Original | Written::Syllable, _) => continue,
                    };
                    if chosen_text != original {
                        self.copy(&mut out, text, last..w.start);
                        // Any marker left in a restored word is one of its trailing ones,
                        // which stand where they stood.
                        if let Some(q) = self.lost_quote {
                            let from_end = |x: usize| w.end - (chosen_text.len() - x);
                            let at = out.len();
                            self.kept.extend(
                                chosen_text
                                    .char_indices()
                                    .filter(|&(_, c)| c == q)
                                    .map(|(x, _)| (at + x, from_end(x))),
                            );
                        }
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
        self.copy(&mut out, text, last..text.len());
        if let Some(q) = self.lost_quote {
            let note = match hyp {
                Lossy::Latin => "quotation mark lost in windows-1252/ISO-8859-1",
                Lossy::Ascii => "quotation mark lost in ASCII",
            };
            // From the end, so the offsets before each replacement still hold.
            for (at, from, quote) in lost_quotes(&out, &self.kept, q).into_iter().rev() {
                out.replace_range(at..at + q.len_utf8(), quote);
                log.push(Repair {
                    kind: RepairKind::LostLetters,
                    offset: Some(from),
                    before: q.to_string(),
                    after: quote.to_owned(),
                    note: Some(note.into()),
                });
            }
        }
        Some(out)
    }

    /// Copy `text[range]` to `out` as it is, noting where each lost-quote marker lands.
    fn copy(&mut self, out: &mut String, text: &str, range: std::ops::Range<usize>) {
        if let Some(q) = self.lost_quote {
            let (at, from) = (out.len(), range.start);
            let lead = q.encode_utf8(&mut [0; 4]).as_bytes()[0];
            for (x, _) in text.as_bytes()[range.clone()]
                .iter()
                .enumerate()
                .filter(|&(_, &b)| b == lead)
            {
                if text[from + x..].starts_with(q) {
                    self.kept.push((at + x, from + x));
                }
            }
        }
        out.push_str(&text[range]);
    }

    /// A context token's one candidate, appended to `all`.
    fn context(&mut self, id: Option<u32>) -> std::ops::Range<usize> {
        self.all.push(Candidate {
            id,
            text: Written::Original,
            penalty: 0.0,
        });
        self.all.len() - 1..self.all.len()
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
                    s += m.log_bigram(m.as_history(c.id), n);
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
            // Those far below the best cannot win once the search weighs them either.
            let from_order = |k: i64| f64::from_bits(total_order_bits(k) as u64);
            let floor = from_order(self.keys[0].0.0) - CONTEXT_MARGIN;
            self.phrase.extend(
                self.keys[..CONTEXT_BEAM]
                    .iter()
                    .filter(|k| from_order(k.0.0) >= floor)
                    .map(|&(_, i)| cands[i]),
            );
        }
        self.bounds.push(self.phrase.len());
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

/// How far below the best fit with its neighbours (in nats) a candidate may fall and still be
/// weighed by the search.
const CONTEXT_MARGIN: f64 = 8.0;

/// How likely a `?` standing alone is a lost dash rather than a word, before the words
/// around it are weighed: the model ends segments at every comma and full stop, and a spaced
/// dash is rarely the punctuation that ends one (a single-letter word, `ở`, `ý`, `ổ`, is the
/// likelier reading unless the words around it side with a break).
const LOST_DASH: f64 = 0.001;

/// Candidates kept per damaged word, by frequency.
const BEAM: usize = 32;

/// The prior of a word-final `�` being punctuation (`…`, `”`) rather than a letter.
const TRAILING_REPLACEMENT: f64 = 0.05;

/// Candidates kept per damaged word for the Viterbi search, by their fit with the words
/// around them: the search costs the product of neighbouring candidate counts. As many as
/// the beam holds: a word's fit with its fixed neighbours alone turned away the reading the
/// whole phrase wanted (16 lost 0.3 % of tokens on the lossy lines made from the dev sets,
/// on both halves), and the search walks seen pairs' successor lists, not the product. Only
/// a word read two ways (a trailing `?` as a letter and as punctuation) is narrowed.
const CONTEXT_BEAM: usize = BEAM;

/// An integer that orders like `f64::total_cmp`.
fn total_order(x: f64) -> i64 {
    total_order_bits(x.to_bits() as i64)
}

/// The map between a float's bits and [`total_order`]'s integer, both ways (it undoes itself).
fn total_order_bits(bits: i64) -> i64 {
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// How each lattice position's word starts (see [`names::favour`]), into `out`.
fn initials(text: &str, words: &[Word], owners: &[Option<usize>], out: &mut Vec<Initial>) {
    let first = owners.iter().flatten().next().copied();
    out.clear();
    out.extend(owners.iter().map(|&owner| {
        let Some(k) = owner else { return Initial::Context };
        let at_start = Some(k) == first && (sentence_start_of(text, &words[k]) || after_spaced_dash(text, &words[k]));
        Initial::of(words[k].text(text), at_start)
    }));
}

/// The quotation marks a lossy code page lost, among the markers (`?` or `�`) a repair left
/// as they were (`kept`: each one's offset in `out` and in the input): one before a word, at
/// the start or after a space or bracket, opens (`?Con` → `“Con`); the next one after a word,
/// before a space, punctuation or the end, closes it (`kh?ng?,` → `không”,`) — except a `?`
/// that ends a sentence (a capital follows) or stands before another (`không??` is
/// `không?”`). Where the marker is `�` (windows-1252 held `…` too), one that ends a word
/// outside a quote is an ellipsis. Returns `(offset in out, offset in the input, mark)`.
fn lost_quotes(out: &str, kept: &[(usize, usize)], marker: char) -> Vec<(usize, usize, &'static str)> {
    let after_mark =
        |found: &[(usize, usize, &str)], at: usize| found.last().is_some_and(|&(a, _, _)| a + marker.len_utf8() == at);
    let mut found = Vec::new();
    let mut open = false;
    for &(at, from) in kept {
        let before = out[..at].chars().next_back();
        let mut after = out[at + marker.len_utf8()..].chars();
        let next = after.next();
        if before.is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '[')) && next.is_some_and(char::is_alphanumeric)
        {
            found.push((at, from, "“"));
            open = true;
            continue;
        }
        let after_word = before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '!' | '?' | '…'));
        let ends = match next {
            None => true,
            // `??`: a question mark, then the quote; `�` is never a question mark (ASCII kept it).
            Some(c) if c == marker => marker == REPLACEMENT,
            // A lone `?` before a capital ends a sentence; the second of `??` still closes.
            Some(c) if c.is_whitespace() => {
                !(marker == '?' && before != Some('?') && after.next().is_some_and(char::is_uppercase))
            }
            Some(c) => matches!(c, '.' | ',' | ';' | ':' | ')' | '!' | '?' | '…'),
        };
        if open && after_word && ends {
            found.push((at, from, "”"));
            open = false;
        } else if marker == REPLACEMENT && ends && (after_word || after_mark(&found, at)) {
            // Of what windows-1252 held, what ends a word outside a quote is an ellipsis
            // (also after a quote it just closed: `tr??c��` is `trước”…`).
            found.push((at, from, "…"));
        }
    }
    found
}

/// A phrase of the text with the syllables chosen for its words.
struct Phrase<'a> {
    text: &'a str,
    words: &'a [Word],
    ids: &'a [Option<u32>],
}

impl Phrase<'_> {
    fn word(&self, k: usize) -> &str {
        self.words[k].text(self.text)
    }

    fn capitalised(&self, k: usize) -> bool {
        self.word(k).chars().next().is_some_and(char::is_uppercase)
    }

    /// Does word `k` start with a letter the conversion kept, in lower case?
    fn known_lower(&self, k: usize) -> bool {
        self.word(k).chars().next().is_some_and(char::is_lowercase)
    }

    fn all_caps(&self, k: usize) -> bool {
        let t = self.word(k);
        t.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !t.chars().any(char::is_lowercase)
    }
}

/// A syllable written into a damaged word: its known letters keep their case; lost letters
/// take the case [`lost_case`] decides.
fn write_in_case(phrase: &Phrase, k: usize, syllable: &str, m: &Model) -> String {
    let case = lost_case(phrase, k, m);
    let mut out = String::with_capacity(syllable.len() + 2);
    for (i, (o, c)) in phrase.word(k).chars().zip(syllable.chars()).enumerate() {
        let lost = o == '?' || o == REPLACEMENT;
        if (lost && (case.all || (i == 0 && case.initial))) || (!lost && o.is_uppercase()) {
            out.push(c.to_uppercase().next().unwrap_or(c));
        } else {
            out.push(c);
        }
    }
    // A stem's syllable: the word's trailing punctuation stays.
    out.extend(phrase.word(k).chars().skip(syllable.chars().count()));
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
/// remainder, every neighbour) is upper case; `initial` for a word-initial loss at the start
/// of a sentence, or in a name: next to a capitalised word it forms a collocation with (`Ấn
/// Độ`, `Đà Lạt`; not `Hà Nội đã`, where a name is followed by a word), or in a listed name
/// the chosen syllables spell (`ấn độ` → `Ấn Độ`, see [`in_listed_name`]).
struct LostCase {
    all: bool,
    initial: bool,
}

/// Two syllables that stand together much more than apart (Dice coefficient of their counts):
/// the parts of a name, not a name and the word after it.
const COLLOCATION: f64 = 0.1;

/// The share of a syllable's occurrences after one word that makes it that word's name part
/// (see [`lost_case`]).
const MOSTLY_AFTER: f64 = 0.5;

fn lost_case(phrase: &Phrase, k: usize, m: &Model) -> LostCase {
    let word = phrase.word(k);
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let (first, count) = (letters.next(), 1 + letters.count());
    let n = phrase.words.len();
    let all = match first {
        None => false,
        Some(_) if count >= 2 => word.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase),
        Some(letter) => {
            let neighbours = [k.checked_sub(1), (k + 1 < n).then_some(k + 1)];
            letter.is_uppercase()
                && neighbours.iter().any(Option::is_some)
                && neighbours.iter().flatten().all(|&x| phrase.all_caps(x))
        }
    };
    let mut initial = all;
    if !all && word.starts_with(['?', REPLACEMENT]) {
        let sentence_start = k == 0 && sentence_start_of(phrase.text, &phrase.words[0]);
        let together = |a: Option<u32>, b: Option<u32>| match (a, b) {
            (Some(a), Some(b)) => m.dice(a, b) >= COLLOCATION,
            _ => false,
        };
        // A capitalised word that starts a sentence, or the part of a line after a spaced
        // dash (`TT - Trao ?ổi`, a dateline), says nothing of a name (`Quyết ?ịnh`).
        let first_of_sentence = |x: usize| {
            x == 0
                && (sentence_start_of(phrase.text, &phrase.words[0])
                    || after_spaced_dash(phrase.text, &phrase.words[0]))
        };
        // After a capitalised word, the syllable continues a name only where it mostly
        // stands after that word (`Đà Lạt`, `Hà Nội`): a syllable that follows many words is
        // the common part of a capitalised compound (`Quyết định`, `Tòa án`, `Dự án`).
        let mostly_after = |a: Option<u32>, b: Option<u32>| match (a, b) {
            (Some(a), Some(b)) => m.bigram_count_of(a, b) as f64 >= MOSTLY_AFTER * m.count(b).max(1) as f64,
            _ => false,
        };
        let after_name = k > 0
            && phrase.capitalised(k - 1)
            && !first_of_sentence(k - 1)
            && together(phrase.ids[k - 1], phrase.ids[k])
            && mostly_after(phrase.ids[k - 1], phrase.ids[k]);
        let before_name = k + 1 < n && phrase.capitalised(k + 1) && together(phrase.ids[k], phrase.ids[k + 1]);
        // Between two capitalised words (the first not capitalised for starting a
        // sentence): inside a name (`Hồ ?ức Phớc`).
        let inside_name =
            k > 0 && k + 1 < n && phrase.capitalised(k - 1) && phrase.capitalised(k + 1) && !first_of_sentence(k - 1);
        // A label after a spaced dash or an opening bracket, `… - Ảnh: H.L.`, `(Ảnh: H.L.)`
        // (a picture's credit, `Nguồn:`), is capitalised as a sentence's first word is.
        let label = k == 0
            && (after_spaced_dash(phrase.text, &phrase.words[0])
                || phrase.text[..phrase.words[0].start].ends_with(['(', '[']))
            && phrase.text[phrase.words[0].end..].starts_with(':');
        initial = sentence_start || after_name || before_name || inside_name || label || in_listed_name(phrase, k);
    }
    LostCase { all, initial }
}

/// Do the chosen syllables around word `k` spell a listed name of two syllables or more
/// that writes `k` with a capital (`?n ??` → `Ấn Độ`, `châu ?` → `châu Á`)? A known
/// lower-case initial where the name has a capital says the writer meant the words, not the
/// name (`trung ?ông` stays).
fn in_listed_name(phrase: &Phrase, k: usize) -> bool {
    let Some(id) = phrase.ids[k] else {
        return false;
    };
    names().containing(id).any(|(name, at)| {
        let len = name.ids.len();
        len >= 2
            && name.capital[at]
            && k >= at
            && k - at + len <= phrase.ids.len()
            && (0..len).all(|j| {
                let x = k - at + j;
                phrase.ids[x] == Some(name.ids[j]) && (!name.capital[j] || !phrase.known_lower(x))
            })
    })
}

/// An upper-case abbreviation joined by `-`, `/` or `&` to another (`N?-CP`, `Q?-UBND`, `GD&?T`): its lost
/// letter is `Đ`, the only non-ASCII letter such abbreviations use.
fn is_abbreviation(text: &str, w: &Word) -> bool {
    let t = w.text(text);
    let mut known = t.chars().filter(|c| c.is_alphabetic()).peekable();
    if known.peek().is_none() || t.chars().count() > 5 || !known.all(|c| c.is_ascii_uppercase()) {
        return false;
    }
    let joined = |around: &mut dyn Iterator<Item = char>| {
        around.next().is_some_and(|s| matches!(s, '-' | '/' | '&'))
            && around.next().is_some_and(|c| c.is_ascii_uppercase())
    };
    joined(&mut text[..w.start].chars().rev()) || joined(&mut text[w.end..].chars())
}

/// Is the word nothing but markers, written against a number before it (`100.000?`)?
fn glued_to_number(text: &str, w: &Word) -> bool {
    text[..w.start].ends_with(|c: char| c.is_ascii_digit())
        && w.text(text).chars().all(|c| matches!(c, '?' | REPLACEMENT))
}

/// Does `before` end with a number written as an amount of money is: in groups of three
/// digits (`50.000`, `1,200`), or of four digits or more ending in `00` (`1000`)? A marker
/// glued to another number is rather a lost `°`, `…` or `”` (`90?`, `lớp 1?`).
fn an_amount(before: &str) -> bool {
    let start = before.len()
        - before
            .bytes()
            .rev()
            .take_while(|b| b.is_ascii_digit() || matches!(b, b'.' | b','))
            .count();
    let mut groups = before[start..].split(['.', ',']);
    let first = groups.next().unwrap_or("");
    let mut rest = groups.peekable();
    if rest.peek().is_none() {
        first.len() >= 4 && first.ends_with("00")
    } else {
        (1..=3).contains(&first.len()) && rest.all(|g| g.len() == 3)
    }
}

/// Can `after` not follow a question mark: punctuation that does not end a sentence, or
/// a word in lower case?
fn continues_a_sentence(after: &str) -> bool {
    let next = after.trim_start_matches(' ');
    match next.chars().next() {
        Some(c) if next.len() < after.len() => c.is_lowercase(),
        Some(c) => matches!(c, '.' | ',' | ';' | ':' | ')'),
        None => false,
    }
}

/// Does the word stand right after a dash with a space on either side (`TT - Trao`)?
fn after_spaced_dash(text: &str, w: &Word) -> bool {
    let before = &text[..w.start];
    before
        .strip_suffix(' ')
        .and_then(|b| b.strip_suffix(['-', '–', '—']))
        .is_some_and(|b| b.ends_with(' '))
}

fn sentence_start_of(text: &str, w: &Word) -> bool {
    starts_a_sentence(text[..w.start].trim_end_matches(' '))
}

/// Does a sentence start after `before` (spaces trimmed)?
fn starts_a_sentence(before: &str) -> bool {
    // A dash starts a sentence at the start of a line (a list or a reply), not inside one.
    let dash_line = before
        .strip_suffix(['-', '–', '—'])
        .is_some_and(|b| b.trim_end_matches(' ').is_empty() || b.ends_with('\n'));
    // After a quote or an opening bracket, one starts where it would before them (`nói:
    // "Đây`, `đẹp." Ông`; not `sản phẩm "ăn khách"`, `Hà Nội (ông`).
    if let Some(inner) = before.strip_suffix(['"', '“', '”', '(']) {
        return starts_a_sentence(inner.trim_end_matches(' '));
    }
    // A person's initial is no sentence's end: `anh H. được`, `cô C. ông thầy`.
    let initial = before.strip_suffix('.').is_some_and(|b| {
        let mut rev = b.chars().rev();
        rev.next().is_some_and(char::is_uppercase) && rev.next().is_none_or(|c| c == ' ' || c == '.')
    });
    before.is_empty() || dash_line || (!initial && before.ends_with(['.', '!', '?', ':', '\n']))
}
