//! Vietnamese proper names: the case evidence the lower-case syllable model lacks.
//!
//! The model's counts are lower case, so they cannot tell `ấn độ` from `Ấn Độ`, nor read a
//! capital as the mark of a name (`t? M?` is `từ Mỹ`, not `tỉ mỉ`). `model/names-vi.txt`
//! lists names as Vietnamese news writes them — provinces, districts, regions, countries,
//! capitals, continents, bodies of the state, international organisations — and this module answers which names hold a syllable, and how each
//! of their syllables is cased. The list is parsed the first time a lost letter is restored.

use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use super::codepage::push_lowercase;
use super::lm::{Model, Slot, model};

/// A listed name as the model knows it: its syllables' ids, and which of them start with a
/// capital.
pub struct Name {
    pub ids: Vec<u32>,
    pub capital: Vec<bool>,
}

/// The names whose every syllable the model knows, and where each syllable stands in them.
pub struct Names {
    names: Vec<Name>,
    /// `(syllable id, name, place in the name)`, by id.
    by_id: Vec<(u32, u32, u32)>,
    /// One bit per syllable id: is it in some name? (Most candidates are not; one lookup
    /// says so.)
    listed: Vec<u64>,
}

static NAMES: LazyLock<Names> = LazyLock::new(|| Names::parse(include_str!("model/names-vi.txt"), model()));

/// The built-in list of names, as the model in use knows them.
pub fn names() -> &'static Names {
    &NAMES
}

impl Names {
    /// One name a line, its syllables separated by spaces; `#` starts a comment. A name with
    /// a syllable the model does not know can never be spelt, and is left out.
    pub fn parse(list: &str, m: &Model) -> Names {
        let mut names = Vec::new();
        let mut by_id = Vec::new();
        let mut lower = String::new();
        'lines: for line in list.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let line: String = line.nfc().collect();
            let mut name = Name {
                ids: Vec::new(),
                capital: Vec::new(),
            };
            for part in line.split_whitespace() {
                lower.clear();
                push_lowercase(part, &mut lower);
                let Some(id) = m.id(&lower) else { continue 'lines };
                name.ids.push(id);
                name.capital.push(part.chars().next().is_some_and(char::is_uppercase));
            }
            let n = names.len() as u32;
            by_id.extend(name.ids.iter().enumerate().map(|(at, &id)| (id, n, at as u32)));
            names.push(name);
        }
        by_id.sort_unstable();
        let mut listed = vec![0u64; m.len().div_ceil(64)];
        for &(id, _, _) in &by_id {
            listed[id as usize / 64] |= 1 << (id % 64);
        }
        Names { names, by_id, listed }
    }

    /// The names holding the syllable `id`, each with the syllable's place in it.
    pub fn containing(&self, id: u32) -> impl Iterator<Item = (&Name, usize)> {
        let listed = self
            .listed
            .get(id as usize / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0);
        let from = if listed {
            self.by_id.partition_point(|e| e.0 < id)
        } else {
            self.by_id.len()
        };
        self.by_id[from..]
            .iter()
            .take_while(move |e| e.0 == id)
            .map(|&(_, name, at)| (&self.names[name as usize], at as usize))
    }
}

/// How much likelier a syllable is where it spells a listed name with a capitalised word
/// inside a sentence (see [`favour`]).
pub const NAME: f64 = 20.0;

/// How a word of a lattice starts: whether its capital is evidence of a name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Initial {
    /// Not a word: a context token (`<s>`, `<num>`), which no name spans.
    Context,
    /// A capital inside a sentence: the mark of a name.
    Capital,
    /// A lower-case letter: not a name's capital.
    Lower,
    /// Nothing known: a lost letter, or a capital that starts a sentence.
    Unknown,
}

impl Initial {
    /// How `word` starts; `at_start` when it starts a sentence.
    pub fn of(word: &str, at_start: bool) -> Initial {
        match word.chars().next() {
            Some(c) if c.is_uppercase() && !at_start => Initial::Capital,
            Some(c) if c.is_lowercase() => Initial::Lower,
            _ => Initial::Unknown,
        }
    }
}

/// The lower-case model cannot weigh a capital: in a lattice (`bounds`, `slots`, as
/// [`Model::best_path`] takes them) whose position `t` holds a word starting as `initials[t]`,
/// make `bonus` times likelier each candidate that spells a listed name together with a
/// capitalised word inside the sentence, every word of the name in its case (`t? M?` →
/// `từ Mỹ`, `Ph? Th?` → `Phú Thọ`, not `tỉ mỉ`, `Phó Thủ`). Positions with one candidate
/// are left as they are.
pub fn favour(bounds: &[usize], slots: &mut [Slot], initials: &[Initial], bonus: f64) {
    let candidates = |t: usize| bounds[t]..bounds[t + 1];
    let alone = |t: usize| bounds[t + 1] - bounds[t] <= 1;
    let mut favoured = Vec::new();
    for (t, _) in initials.iter().enumerate().filter(|(_, i)| **i == Initial::Capital) {
        for c in candidates(t) {
            let Some(id) = slots[c].id else { continue };
            for (name, at) in names().containing(id) {
                if !name.capital[at] || at > t {
                    continue;
                }
                let start = t - at;
                let spelt: Option<Vec<(usize, usize)>> = (name.ids.iter().zip(&name.capital).enumerate())
                    .map(|(j, (&syllable, &capital))| {
                        let x = start + j;
                        let fits = match initials.get(x)? {
                            Initial::Context => false,
                            Initial::Lower => !capital,
                            Initial::Capital | Initial::Unknown => true,
                        };
                        let found = candidates(x).find(|&y| slots[y].id == Some(syllable));
                        found.filter(|_| fits).map(|y| (x, y))
                    })
                    .collect();
                favoured.extend(spelt.into_iter().flatten().filter(|&(x, _)| !alone(x)));
            }
        }
    }
    favoured.sort_unstable();
    favoured.dedup();
    for (_, y) in favoured {
        slots[y].cost += bonus.ln();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_syllable_is_found_in_every_name_that_holds_it_with_its_case() {
        let m = model();
        let names = Names::parse("# regions\nchâu Á\nĐông Nam Á\n\nMỹ  # a country\nXyzzq Á\n", m);
        let id = |s: &str| m.id(s).expect("a known syllable");
        let mut found: Vec<(Vec<u32>, usize, bool)> = names
            .containing(id("á"))
            .map(|(n, at)| (n.ids.clone(), at, n.capital[at]))
            .collect();
        found.sort();
        let mut expected = vec![
            (vec![id("châu"), id("á")], 1, true),
            (vec![id("đông"), id("nam"), id("á")], 2, true),
        ];
        expected.sort();
        // `Xyzzq Á` has a syllable the model does not know: it can never be spelt.
        assert_eq!(found, expected);
        let (chau, _) = names.containing(id("châu")).next().expect("châu Á is listed");
        assert_eq!(chau.capital, [false, true]);
        assert_eq!(names.containing(id("mỹ")).count(), 1);
    }

    #[test]
    fn every_name_of_the_built_in_list_is_known_to_the_built_in_model() {
        let list = include_str!("model/names-vi.txt");
        let listed = list
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(names().names.len(), listed);
    }

    fn check(initials: &[Initial], cands: &[&[&str]], favoured: &[&str]) {
        let m = model();
        let mut bounds = vec![0];
        let mut slots = Vec::new();
        for c in cands {
            slots.extend(c.iter().map(|s| Slot { id: m.id(s), cost: 0.0 }));
            bounds.push(slots.len());
        }
        favour(&bounds, &mut slots, initials, NAME);
        let got: Vec<&str> = slots
            .iter()
            .filter(|s| s.cost > 0.0)
            .map(|s| m.word(s.id.unwrap()))
            .collect();
        assert_eq!(got, favoured);
    }

    #[test]
    fn names_spelt_with_a_capital_inside_a_sentence_are_favoured() {
        use Initial::*;
        // `từ M?`: Mỹ, a country, against the commoner `mỉ`.
        check(&[Lower, Capital], &[&["từ"], &["mỉ", "mà", "mỹ"]], &["mỹ"]);
        // `Ph? Th?`: both syllables of Phú Thọ.
        check(
            &[Capital, Capital],
            &[&["phó", "phú"], &["thủ", "thọ"]],
            &["phú", "thọ"],
        );
        // A capital that starts a sentence says nothing.
        check(&[Unknown], &[&["mà", "mỹ"]], &[]);
        // A lower-case word where the name has a capital: the words, not the name.
        check(&[Lower, Capital], &[&["phó", "phú"], &["thọ"]], &[]);
        // A context token between the words breaks the name.
        check(
            &[Capital, Context, Capital],
            &[&["phó", "phú"], &["<num>"], &["thủ", "thọ"]],
            &[],
        );
    }
}
