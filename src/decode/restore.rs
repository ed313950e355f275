//! `restore` puts the marks back on Vietnamese typed without them (`binh dang gioi` →
//! `bình đẳng giới`): every run of words in one segment (spaces between them, or a number:
//! `gia 100.000 dong`) is a lattice of the syllables the model knows that fold to each word,
//! framed by the context tokens the model was counted with (`<s>` after punctuation or at the
//! start, `</s>` before punctuation or at the end, `<num>` for a number), and the best path
//! under the trigram model is the restoration. Words already marked that the model knows stay
//! as they are and give the words around them context; casing comes from the input
//! (`Ha Noi` → `Hà Nội`, `HA NOI` → `HÀ NỘI`); words that fold to no syllable the model knows
//! (`UBND`, `TP`) are kept and end a lattice.
//!
//! Its users: `vnnews restore`, and search, which suggests the restored query for one typed
//! without marks.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::lm::context::{Gap, gap, left_context, right_context};
use super::lm::{Model, PathScratch, Slot, model};

/// At most this many candidates per word, the most frequent first (a word folds to at most
/// a few dozen syllables; the tail never wins).
const MAX_CANDIDATES: usize = 12;

/// The model's syllables by their folded form (marks removed, `đ` → `d`), most frequent
/// first. Built once, on first use (≈ 70,000 syllables).
fn by_fold(m: &Model) -> &'static HashMap<String, Vec<u32>> {
    static INDEX: OnceLock<HashMap<String, Vec<u32>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<String, Vec<u32>> = HashMap::new();
        for id in 0..m.len() as u32 {
            index.entry(super::fold(m.word(id))).or_default().push(id);
        }
        for ids in index.values_mut() {
            ids.sort_by_key(|&id| std::cmp::Reverse(m.count(id)));
            ids.truncate(MAX_CANDIDATES);
        }
        index
    })
}

/// One word as restored, with the alternatives the model weighed.
#[derive(Debug, Clone, Serialize)]
pub struct Word {
    pub input: String,
    pub output: String,
    /// The best path's share of the probability among the word's candidates, given its
    /// neighbours on that path (1.0 when there was no choice).
    pub confidence: f64,
    /// Other candidates, most likely first (at most four).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
}

/// A line restored.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub text: String,
    /// Every word that had candidates (unchanged ones included).
    pub words: Vec<Word>,
}

/// A token of the input: a word the model may restore, or anything else kept as it is.
enum Token<'a> {
    Word(&'a str),
    Other(&'a str),
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_word = false;
    for (i, c) in text.char_indices() {
        let letter = c.is_alphabetic();
        if letter != in_word && i > start {
            out.push(if in_word {
                Token::Word(&text[start..i])
            } else {
                Token::Other(&text[start..i])
            });
            start = i;
        }
        in_word = letter;
    }
    if start < text.len() {
        out.push(if in_word {
            Token::Word(&text[start..])
        } else {
            Token::Other(&text[start..])
        });
    }
    out
}

/// What the lattice offers for a word.
#[derive(Clone, Copy)]
enum Offer<'a> {
    /// An unmarked word: the syllables that fold to it, most frequent first.
    Choose(&'a [u32]),
    /// A word already marked that the model knows: itself.
    Fixed(u32),
}

/// Restore the marks of every unmarked Vietnamese word of a line.
pub fn restore(text: &str) -> Restored {
    let m = model();
    let index = by_fold(m);
    let toks = tokens(text);
    // What each word offers (`None`: kept as it is, and the model sees a gap there).
    let offers: Vec<Option<Offer>> = toks
        .iter()
        .map(|t| match t {
            Token::Word(w) if w.is_ascii() => index.get(&w.to_ascii_lowercase()).map(|ids| Offer::Choose(ids)),
            Token::Word(w) => m.id(&super::nfc(&w.to_lowercase())).map(Offer::Fixed),
            Token::Other(_) => None,
        })
        .collect();
    let text_of = |k: usize| match toks[k] {
        Token::Word(w) | Token::Other(w) => w,
    };
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut words = Vec::new();
    let mut scratch = PathScratch::default();
    let mut i = 0;
    while i < toks.len() {
        if offers[i].is_none() {
            out.push_str(text_of(i));
            i += 1;
            continue;
        }
        // A chain: words with nothing but spaces, or a number between spaces, between them.
        let mut chain = vec![i];
        let mut j = i;
        while j + 2 < toks.len()
            && matches!(toks[j + 1], Token::Other(s) if gap(s) != Gap::Break)
            && offers[j + 2].is_some()
        {
            chain.push(j + 2);
            j += 2;
        }
        let (before, after_word) = match i.checked_sub(1) {
            Some(p) if matches!(toks[p], Token::Other(_)) => (text_of(p), p > 0),
            Some(_) => ("", true),
            None => ("", false),
        };
        let (after, before_word) = match toks.get(j + 1) {
            Some(Token::Other(s)) => (*s, j + 2 < toks.len()),
            Some(Token::Word(_)) => ("", true),
            None => ("", false),
        };
        // The lattice: context tokens, each word's offer, a `<num>` where a number stands.
        let mut bounds = vec![0];
        let mut slots = Vec::new();
        let mut owners = Vec::new();
        let mut push = |ids: &mut dyn Iterator<Item = Option<u32>>, owner: Option<usize>| {
            slots.extend(ids.map(|id| Slot { id, cost: 0.0 }));
            bounds.push(slots.len());
            owners.push(owner);
        };
        for token in left_context(before, after_word, m) {
            push(&mut std::iter::once(token), None);
        }
        for (n, &k) in chain.iter().enumerate() {
            if n > 0 && matches!(toks[k - 1], Token::Other(s) if gap(s) == Gap::Number) {
                push(&mut std::iter::once(m.num()), None);
            }
            match offers[k].expect("chains hold words with offers") {
                Offer::Choose(ids) => push(&mut ids.iter().map(|&id| Some(id)), Some(k)),
                Offer::Fixed(id) => push(&mut std::iter::once(Some(id)), None),
            }
        }
        for token in right_context(after, before_word, m) {
            push(&mut std::iter::once(token), None);
        }
        let mut path = Vec::new();
        m.best_path(&bounds, &slots, &mut scratch, &mut path);
        let chosen: Vec<Option<u32>> = (0..path.len()).map(|t| slots[bounds[t] + path[t]].id).collect();
        // Each token of the chain as restored (`None`: kept as typed).
        let mut restored_at: Vec<Option<String>> = vec![None; j + 1 - i];
        for (t, owner) in owners.iter().enumerate() {
            let Some(k) = *owner else { continue };
            let input = text_of(k);
            let cands = &slots[bounds[t]..bounds[t + 1]];
            let (confidence, alternatives) = weigh(m, &chosen, t, cands);
            let restored = with_case(input, m.word(chosen[t].expect("offers are known syllables")));
            words.push(Word {
                input: input.to_owned(),
                output: restored.clone(),
                confidence,
                alternatives: alternatives.iter().map(|&a| with_case(input, m.word(a))).collect(),
            });
            restored_at[k - i] = Some(restored);
        }
        for (k, restored) in (i..=j).zip(&restored_at) {
            out.push_str(restored.as_deref().unwrap_or(text_of(k)));
        }
        i = j + 1;
    }
    Restored {
        text: super::nfc_owned(out),
        words,
    }
}

/// The chosen candidate's share of the probability at position `t` against the others, each
/// scored with the chosen path around it (the trigrams it takes part in), and the others,
/// most likely first (at most four).
fn weigh(m: &Model, chosen: &[Option<u32>], t: usize, cands: &[Slot]) -> (f64, Vec<u32>) {
    let mut path = chosen.to_vec();
    let local: Vec<(u32, f64)> = cands
        .iter()
        .filter_map(|c| c.id)
        .map(|c| {
            path[t] = Some(c);
            let score = (t..(t + 3).min(path.len()))
                .map(|u| match u {
                    0 => m.log_unigram(path[0]),
                    1 => m.log_bigram(path[0], path[1]),
                    _ => m.log_trigram(path[u - 2], path[u - 1], path[u]),
                })
                .sum::<f64>();
            (c, score)
        })
        .collect();
    let top = local.iter().map(|&(_, s)| s).fold(f64::NEG_INFINITY, f64::max);
    let total: f64 = local.iter().map(|&(_, s)| (s - top).exp()).sum();
    let pick = chosen[t].expect("a word's position holds a syllable");
    let pick_score = local.iter().find(|&&(c, _)| c == pick).map_or(top, |&(_, s)| s);
    let mut others: Vec<(u32, f64)> = local.into_iter().filter(|&(c, _)| c != pick).collect();
    others.sort_by(|a, b| b.1.total_cmp(&a.1));
    (
        (pick_score - top).exp() / total,
        others.into_iter().take(4).map(|(c, _)| c).collect(),
    )
}

/// The restored syllable in the input's casing, letter by letter (`Ha` → `Hà`, `HA` → `HÀ`,
/// `MiG` → `MiG`): folding keeps one letter per letter, so the positions agree.
fn with_case(input: &str, restored: &str) -> String {
    let mut out = String::with_capacity(restored.len() + 2);
    let mut upper = input.chars().map(char::is_uppercase);
    for c in restored.chars() {
        if upper.next().unwrap_or(false) {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(restore(input).text, expected, "restoring {input:?}");
    }

    #[test]
    fn unmarked_vietnamese_gets_its_marks_back() {
        check("binh dang gioi", "bình đẳng giới");
        check("Ha Noi", "Hà Nội");
        check("HA NOI", "HÀ NỘI");
        check("Thanh pho Ho Chi Minh", "Thành phố Hồ Chí Minh");
        check("Uy ban nhan dan quan Long Bien", "Ủy ban nhân dân quận Long Biên");
    }

    #[test]
    fn what_is_not_an_unmarked_syllable_is_kept() {
        // Marked words, numbers, punctuation, abbreviations.
        check("Kế hoạch số 373/KH-UBND ngay 5/11", "Kế hoạch số 373/KH-UBND ngày 5/11");
        check("UBND TP. Ha Noi", "UBND TP. Hà Nội");
        check("", "");
        check("  , . ", "  , . ");
    }

    #[test]
    fn every_word_reports_its_alternatives() {
        let r = restore("ban do");
        assert_eq!(r.words.len(), 2);
        assert!(r.words.iter().all(|w| w.confidence > 0.0 && w.confidence <= 1.0));
        assert!(!r.words[0].alternatives.is_empty());
    }
}
