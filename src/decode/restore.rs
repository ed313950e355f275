//! `restore` puts the marks back on Vietnamese typed without them (`binh dang gioi` →
//! `bình đẳng giới`): every run of unmarked words is a lattice of the syllables the model
//! knows that fold to each word, and the best path under the syllable bigram model (Viterbi)
//! is the restoration; punctuation ends a lattice. Casing comes from the input
//! (`Ha Noi` → `Hà Nội`, `HA NOI` → `HÀ NỘI`); words already marked, numbers and words that
//! fold to no syllable the model knows (`UBND`, `TP`) are kept as they are and end a lattice.
//!
//! Its users: `vnnews restore`, and search, which suggests the restored query for one typed
//! without marks.

use serde::Serialize;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::lm::{Model, model};

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

/// Restore the marks of every unmarked Vietnamese word of a line.
pub fn restore(text: &str) -> Restored {
    let m = model();
    let index = by_fold(m);
    let toks = tokens(text);
    // Each word's candidates (`None`: keep the word as it is; it also breaks the chain).
    let cands: Vec<Option<&Vec<u32>>> = toks
        .iter()
        .map(|t| match t {
            Token::Word(w) if w.is_ascii() => index.get(&w.to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut words = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if cands[i].is_none() {
            out.push_str(match toks[i] {
                Token::Word(w) | Token::Other(w) => w,
            });
            i += 1;
            continue;
        }
        // A chain: words with candidates joined by plain separators (spaces, hyphens);
        // punctuation ends it.
        let mut chain = vec![i];
        let mut j = i + 1;
        while j + 1 < toks.len()
            && matches!(toks[j], Token::Other(s) if s.chars().all(|c| c == ' ' || c == '-'))
            && cands[j + 1].is_some()
        {
            chain.push(j + 1);
            j += 2;
        }
        let ids: Vec<&Vec<u32>> = chain.iter().map(|&k| cands[k].expect("candidates")).collect();
        let best = viterbi(m, &ids);
        for (n, &k) in chain.iter().enumerate() {
            if n > 0 {
                let Token::Other(sep) = toks[k - 1] else {
                    unreachable!("chains alternate")
                };
                out.push_str(sep);
            }
            let Token::Word(input) = toks[k] else {
                unreachable!("chains hold words")
            };
            let (choice, confidence, alternatives) = &best[n];
            let restored = with_case(input, m.word(*choice));
            out.push_str(&restored);
            words.push(Word {
                input: input.to_owned(),
                output: restored,
                confidence: *confidence,
                alternatives: alternatives.iter().map(|&a| with_case(input, m.word(a))).collect(),
            });
        }
        i = *chain.last().expect("a chain") + 1;
    }
    Restored {
        text: super::nfc_owned(out),
        words,
    }
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

/// The best syllable of each position under the bigram model, with its confidence and the
/// other candidates in order.
fn viterbi(m: &Model, cands: &[&Vec<u32>]) -> Vec<(u32, f64, Vec<u32>)> {
    // score[n][c]: the best log probability of a path ending in candidate c at position n.
    let mut score: Vec<Vec<f64>> = Vec::with_capacity(cands.len());
    let mut back: Vec<Vec<usize>> = Vec::with_capacity(cands.len());
    for (n, ids) in cands.iter().enumerate() {
        let mut row = Vec::with_capacity(ids.len());
        let mut from = Vec::with_capacity(ids.len());
        for &c in ids.iter() {
            if n == 0 {
                row.push(m.log_unigram(Some(c)));
                from.push(0);
            } else {
                let (best_prev, s) = cands[n - 1]
                    .iter()
                    .enumerate()
                    .map(|(p, &prev)| (p, score[n - 1][p] + m.log_bigram(Some(prev), Some(c))))
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .expect("candidates");
                row.push(s);
                from.push(best_prev);
            }
        }
        score.push(row);
        back.push(from);
    }
    // Follow the best path back.
    let last = cands.len() - 1;
    let mut pick = vec![0usize; cands.len()];
    pick[last] = (0..cands[last].len())
        .max_by(|&a, &b| score[last][a].total_cmp(&score[last][b]))
        .expect("candidates");
    for n in (1..cands.len()).rev() {
        pick[n - 1] = back[n][pick[n]];
    }
    // Each position's candidates scored with the chosen neighbours on both sides.
    (0..cands.len())
        .map(|n| {
            let prev = (n > 0).then(|| cands[n - 1][pick[n - 1]]);
            let next = cands.get(n + 1).map(|ids| ids[pick[n + 1]]);
            let local: Vec<(u32, f64)> = cands[n]
                .iter()
                .map(|&c| {
                    let left = match prev {
                        Some(p) => m.log_bigram(Some(p), Some(c)),
                        None => m.log_unigram(Some(c)),
                    };
                    let right = next.map_or(0.0, |x| m.log_bigram(Some(c), Some(x)));
                    (c, left + right)
                })
                .collect();
            let top = local.iter().map(|&(_, s)| s).fold(f64::NEG_INFINITY, f64::max);
            let total: f64 = local.iter().map(|&(_, s)| (s - top).exp()).sum();
            let chosen = cands[n][pick[n]];
            let chosen_score = local.iter().find(|&&(c, _)| c == chosen).map_or(top, |&(_, s)| s);
            let mut others: Vec<(u32, f64)> = local.into_iter().filter(|&(c, _)| c != chosen).collect();
            others.sort_by(|a, b| b.1.total_cmp(&a.1));
            (
                chosen,
                (chosen_score - top).exp() / total,
                others.into_iter().take(4).map(|(c, _)| c).collect(),
            )
        })
        .collect()
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
