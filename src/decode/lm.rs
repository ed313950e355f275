//! The Vietnamese syllable language model used to restore lost letters.
//!
//! A model is a table of syllable unigram and bigram counts. The default model is compiled
//! into the binary (`model/vi-syllables.tsv.gz`, built by `vnnews lexicon build` from the
//! counts described in `model/README.md`); users rebuild or extend it from their own archive,
//! and a model at `<archive>/lexicon/vi-syllables.tsv.gz` is used in its place.
//!
//! File format (gzip-compressed UTF-8, NFC, lower case): comment lines start with `#`;
//! `U<TAB>syllable<TAB>count` and `B<TAB>syllable syllable<TAB>count`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::sync::OnceLock;

use crate::error::{Error, IoContext, Result};

use super::codepage::is_vietnamese_letter;

static EMBEDDED: &[u8] = include_bytes!("model/vi-syllables.tsv.gz");
static MODEL: OnceLock<Model> = OnceLock::new();

/// Absolute discount for the interpolated bigram model.
const DISCOUNT: f64 = 0.75;

/// Syllable counts, indexed for scoring and for candidate lookup.
///
/// Laid out for a repair's memory accesses, which dominate its time on text that does not
/// repeat: syllables are numbered by shape (see [`shape`]), most frequent first within a
/// shape, so the candidates of one damaged word are neighbours in every per-syllable table
/// and in every successor list; each syllable's scores sit in one record.
pub struct Model {
    /// Syllable ids: short syllables by their bytes packed into an integer (no pointer to
    /// follow), longer ones by string.
    vocab: HashMap<u128, u32, BuildFastHasher>,
    long_vocab: HashMap<Box<str>, u32, BuildFastHasher>,
    words: Vec<Box<str>>,
    counts: Vec<u32>,
    /// Each syllable's scores and successor range.
    syllables: Vec<Syllable>,
    /// log P(w) of an unknown syllable.
    log_unknown: f32,
    /// log P(b | a) of each seen bigram `a b`, interpolated, computed once when the model is
    /// built: scoring is then one lookup (and an addition for unseen pairs). Stored by first
    /// syllable — `a`'s successors `b` sorted in `successors[a.start..a.end]`, their scores at
    /// the same places of `successor_scores` — so the lookups of a Viterbi step, which share
    /// their first syllables and whose second syllables share a shape, stay in cache.
    successors: Vec<u32>,
    successor_scores: Vec<f32>,
    /// Every [`BLOCK`]th entry of each long successor list: a search reads these (a small
    /// table that stays in cache) and then one block of the list, instead of halving its way
    /// through a list of thousands.
    fences: Vec<u32>,
    /// Which pairs are seen bigrams, approximately (no false negatives): most pairs a repair
    /// asks about are unseen, and this answers them from one cache line (of a filter of about
    /// a megabyte) instead of a search through megabytes.
    seen: PairFilter,
    /// Syllables by shape: a range of ids, most frequent first. (A shape longer than 16
    /// characters, which no Vietnamese syllable has, is not kept.)
    shapes: HashMap<u128, Shape, BuildFastHasher>,
    /// The letters at the `*` positions of every syllable that has a shape, in id order.
    stars: Vec<char>,
}

/// One syllable's scores.
#[derive(Clone, Copy, Default)]
struct Syllable {
    /// log P(w).
    log_unigram: f32,
    /// log of the probability mass left for back-off after discounting this syllable's bigrams.
    log_backoff: f32,
    /// Upper bounds of log P(· | w) and of log P(w | ·) over all syllables, for pruning.
    max_after: f32,
    max_before: f32,
    /// This syllable's successors in the bigram tables, and the fences of a long list.
    start: u32,
    end: u32,
    fences: u32,
}

/// Entries per block of a successor list between two fences.
const BLOCK: usize = 16;

/// The syllables of one shape, most frequent first (ids `first..first + len`), each with its
/// letters at the shape's `*` positions (the ASCII letters are the shape's own): enough to
/// test a damaged word against a syllable without decoding the syllable.
#[derive(Clone, Copy, Default)]
pub struct Shape {
    first: u32,
    len: u32,
    /// Where the first syllable's `*` letters are in [`Model::stars`], and how many each has.
    stars_at: u32,
    stride: u32,
}

impl Shape {
    /// The syllables of the shape, most frequent first.
    pub fn ids(&self) -> std::ops::Range<u32> {
        self.first..self.first + self.len
    }

    /// Each syllable with its `*` letters.
    pub fn entries<'m>(&self, m: &'m Model) -> impl Iterator<Item = (u32, &'m [char])> + use<'m> {
        let (first, at, stride) = (self.first, self.stars_at as usize, self.stride as usize);
        (0..self.len).map(move |i| {
            let from = at + i as usize * stride;
            (first + i, &m.stars[from..from + stride])
        })
    }
}

/// A word's bytes as an integer, if it has at most 16.
fn packed(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    (bytes.len() <= 16).then(|| {
        let mut buf = [0u8; 16];
        buf[..bytes.len()].copy_from_slice(bytes);
        u128::from_le_bytes(buf)
    })
}

/// Number the syllables: those made of Vietnamese letters by shape, most frequent first
/// within a shape, then alphabetically; the others after them.
fn number(words: &mut [Box<str>], count: impl Fn(&str) -> u64) {
    words.sort_by_cached_key(|w| {
        let has_shape = w.chars().all(is_vietnamese_letter);
        (!has_shape, shape(w), std::cmp::Reverse(count(w)), w.clone())
    });
}

/// Counts as read from a model file or gathered from text, before indexing.
#[derive(Default)]
pub struct Counts {
    pub unigrams: HashMap<String, u64>,
    pub bigrams: HashMap<(String, String), u64>,
}

impl Counts {
    /// Count the syllables of running text, splitting as the shipped counts were made:
    /// pieces of the Vietnamese alphabet only; bigrams never cross punctuation or lines.
    pub fn add_text(&mut self, text: &str) {
        self.add_text_weighted(text, 1);
    }

    /// [`Counts::add_text`], each occurrence counting `weight` times (for small in-domain texts).
    pub fn add_text_weighted(&mut self, text: &str, weight: u64) {
        for line in text.lines() {
            let mut prev: Option<String> = None;
            for token in line.split_whitespace() {
                let pieces: Vec<&str> = token.split(|c: char| !c.is_alphanumeric() || c == '_').collect();
                let mut last_kept = None;
                for (i, piece) in pieces.iter().enumerate() {
                    last_kept = None;
                    if piece.is_empty() || !piece.chars().all(is_vietnamese_letter) {
                        continue;
                    }
                    let syl = super::nfc(&piece.to_lowercase()).into_owned();
                    *self.unigrams.entry(syl.clone()).or_default() += weight;
                    // A bigram joins two syllables with nothing but whitespace between them.
                    if i == 0
                        && let Some(p) = prev.take()
                    {
                        *self.bigrams.entry((p, syl.clone())).or_default() += weight;
                    }
                    last_kept = Some(syl);
                }
                prev = last_kept;
            }
        }
    }

    /// Add counts from `syllable<TAB>count` / `a b<TAB>count` files (the format of `shared/lm`).
    pub fn add_count_files(&mut self, unigrams: &Path, bigrams: &Path) -> Result<()> {
        for (path, is_bigram) in [(unigrams, false), (bigrams, true)] {
            let file = std::fs::File::open(path).at(path)?;
            for line in BufReader::new(file).lines() {
                let line = line.at(path)?;
                let Some((key, count)) = line.split_once('\t') else {
                    continue;
                };
                let count: u64 = count
                    .trim()
                    .parse()
                    .map_err(|_| Error::Model(format!("{}: bad count in {line:?}", path.display())))?;
                let key = super::nfc(key).into_owned();
                if is_bigram {
                    if let Some((a, b)) = key.split_once(' ') {
                        *self.bigrams.entry((a.to_owned(), b.to_owned())).or_default() += count;
                    }
                } else {
                    *self.unigrams.entry(key).or_default() += count;
                }
            }
        }
        Ok(())
    }

    /// Read a model file (gzip TSV) back into counts, e.g. to extend it.
    pub fn read_model(bytes: &[u8]) -> Result<Self> {
        let text = inflate(bytes)?;
        let mut counts = Counts::default();
        parse_model(&text, |line| match line {
            Line::Unigram(w, n) => *counts.unigrams.entry(w.to_owned()).or_default() += n,
            Line::Bigram(a, b, n) => *counts.bigrams.entry((a.to_owned(), b.to_owned())).or_default() += n,
        })?;
        Ok(counts)
    }

    /// Write a pruned model file: unigrams with count ≥ `min_unigram`, bigrams ≥ `min_bigram`.
    pub fn write_model(
        &self,
        out: impl Write,
        provenance: &str,
        min_unigram: u64,
        min_bigram: u64,
    ) -> Result<(usize, usize)> {
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::best());
        for line in provenance.lines() {
            writeln!(gz, "# {line}").map_err(output)?;
        }
        let mut uni: Vec<_> = self.unigrams.iter().filter(|(_, n)| **n >= min_unigram).collect();
        uni.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (k, n) in &uni {
            writeln!(gz, "U\t{k}\t{n}").map_err(output)?;
        }
        let mut bi: Vec<_> = self
            .bigrams
            .iter()
            .filter(|((a, b), n)| {
                **n >= min_bigram
                    && self.unigrams.get(a).is_some_and(|c| *c >= min_unigram)
                    && self.unigrams.get(b).is_some_and(|c| *c >= min_unigram)
            })
            .collect();
        bi.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for ((a, b), n) in &bi {
            writeln!(gz, "B\t{a} {b}\t{n}").map_err(output)?;
        }
        gz.finish().map_err(output)?;
        Ok((uni.len(), bi.len()))
    }
}

/// The shape key of a (lower-case) word: ASCII letters kept, anything else `*`.
pub fn shape(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    push_shape(word, &mut out);
    out
}

/// Append the shape key of `word` to `out` (see [`shape`]).
pub fn push_shape(word: &str, out: &mut String) {
    out.extend(word.chars().map(|c| if c.is_ascii_alphabetic() { c } else { '*' }));
}

impl Model {
    /// Index counts for scoring.
    pub fn from_counts(counts: &Counts) -> Model {
        let pairs = counts.bigrams.iter().map(|((a, b), &n)| (a.as_str(), b.as_str(), n));
        Model::index(
            |w| counts.unigrams.get(w).copied(),
            counts.unigrams.keys().map(String::as_str),
            pairs,
        )
    }

    /// Number the syllables (see [`number`]), then count their bigrams by id.
    fn index<'a>(
        count: impl Fn(&str) -> Option<u64>,
        syllables: impl Iterator<Item = &'a str>,
        pairs: impl ExactSizeIterator<Item = (&'a str, &'a str, u64)>,
    ) -> Model {
        let mut words: Vec<Box<str>> = syllables.map(Box::from).collect();
        let count = |w: &str| count(w).unwrap_or(0);
        number(&mut words, count);
        let ids: HashMap<&str, u32, BuildFastHasher> =
            words.iter().enumerate().map(|(i, w)| (&**w, i as u32)).collect();
        let unigram_counts: Vec<u32> = words.iter().map(|w| count(w).min(u32::MAX as u64) as u32).collect();
        let mut bigrams = HashMap::with_capacity_and_hasher(pairs.len(), BuildFastHasher);
        let mut kept_mass = vec![0f64; words.len()];
        for (a, b, n) in pairs {
            if let (Some(&ia), Some(&ib)) = (ids.get(a), ids.get(b)) {
                let n = n.min(u32::MAX as u64) as u32;
                *bigrams.entry(key(ia, ib)).or_insert(0) += n;
                kept_mass[ia as usize] += (n as f64 - DISCOUNT).max(0.0);
            }
        }
        drop(ids);
        Model::assemble(words, unigram_counts, bigrams, kept_mass)
    }

    fn assemble(
        words: Vec<Box<str>>,
        unigram_counts: Vec<u32>,
        bigrams: HashMap<u64, u32, BuildFastHasher>,
        kept_mass: Vec<f64>,
    ) -> Model {
        let mut vocab = HashMap::with_capacity_and_hasher(words.len(), BuildFastHasher);
        let mut long_vocab = HashMap::default();
        for (i, w) in words.iter().enumerate() {
            match packed(w) {
                Some(k) => vocab.insert(k, i as u32),
                None => long_vocab.insert(w.clone(), i as u32),
            };
        }
        let backoff: Vec<f64> = unigram_counts
            .iter()
            .zip(&kept_mass)
            .map(|(&c, &m)| (1.0 - m / (c.max(1) as f64)).clamp(0.05, 1.0))
            .collect();
        let total = unigram_counts.iter().map(|&c| c as f64).sum::<f64>().max(1.0);
        // P(w): add-half smoothed; an unknown word gets the probability of a half count.
        let denominator = total + 0.5 * words.len() as f64;
        let unigram = |c: u32| (c as f64 + 0.5) / denominator;
        // log P(b | a), interpolated absolute discounting.
        let mut log_bigrams: Vec<(u32, u32, f32)> = bigrams
            .iter()
            .map(|(&k, &cab)| {
                let (a, b) = ((k >> 32) as u32, (k & 0xFFFF_FFFF) as u32);
                let ca = unigram_counts[a as usize].max(1) as f64;
                let p =
                    (cab as f64 - DISCOUNT).max(0.0) / ca + backoff[a as usize] * unigram(unigram_counts[b as usize]);
                (a, b, p.ln() as f32)
            })
            .collect();
        log_bigrams.sort_unstable_by_key(|&(a, b, _)| (a, b));
        let best_unigram = unigram_counts
            .iter()
            .map(|&c| unigram(c).ln() as f32)
            .fold(f32::NEG_INFINITY, f32::max);
        let mut syllables: Vec<Syllable> = unigram_counts
            .iter()
            .zip(&backoff)
            .map(|(&c, &b)| {
                let log_unigram = unigram(c).ln() as f32;
                let log_backoff = b.ln() as f32;
                Syllable {
                    log_unigram,
                    log_backoff,
                    // Unseen pairs score log backoff(a) + log P(b); seen ones their own value.
                    max_after: log_backoff + best_unigram,
                    // An unknown first syllable scores P(b) alone.
                    max_before: log_unigram,
                    start: 0,
                    end: 0,
                    fences: 0,
                }
            })
            .collect();
        let mut seen = PairFilter::with_capacity(log_bigrams.len());
        for (i, &(a, b, lp)) in log_bigrams.iter().enumerate() {
            let sa = &mut syllables[a as usize];
            if sa.end == 0 {
                sa.start = i as u32;
            }
            sa.end = i as u32 + 1;
            sa.max_after = sa.max_after.max(lp);
            let sb = &mut syllables[b as usize];
            sb.max_before = sb.max_before.max(lp);
            seen.insert(key(a, b));
        }
        let successors: Vec<u32> = log_bigrams.iter().map(|&(_, b, _)| b).collect();
        let mut fences = Vec::new();
        for s in &mut syllables {
            let list = &successors[s.start as usize..s.end as usize];
            if list.len() > 2 * BLOCK {
                s.fences = fences.len() as u32;
                fences.extend(list.iter().step_by(BLOCK));
            }
        }
        let successor_scores = log_bigrams.iter().map(|&(_, _, lp)| lp).collect();
        // Syllables of one shape are numbered consecutively (see `number`).
        let mut shapes: HashMap<u128, Shape, BuildFastHasher> = HashMap::default();
        let mut stars = Vec::new();
        let mut current: Option<(String, Shape)> = None;
        for (i, w) in words.iter().enumerate() {
            if !w.chars().all(is_vietnamese_letter) {
                break;
            }
            let s = shape(w);
            match &mut current {
                Some((cs, shape)) if *cs == s => shape.len += 1,
                _ => {
                    if let Some((cs, shape)) = current.take()
                        && let Some(k) = packed(&cs)
                    {
                        shapes.insert(k, shape);
                    }
                    let stride = s.bytes().filter(|&c| c == b'*').count() as u32;
                    let shape = Shape {
                        first: i as u32,
                        len: 1,
                        stars_at: stars.len() as u32,
                        stride,
                    };
                    current = Some((s, shape));
                }
            }
            stars.extend(w.chars().filter(|c| !c.is_ascii_alphabetic()));
        }
        if let Some((cs, shape)) = current
            && let Some(k) = packed(&cs)
        {
            shapes.insert(k, shape);
        }
        Model {
            vocab,
            long_vocab,
            words,
            syllables,
            log_unknown: unigram(0).ln() as f32,
            counts: unigram_counts,
            successors,
            successor_scores,
            fences,
            seen,
            shapes,
            stars,
        }
    }

    /// Load a model file (gzip TSV).
    pub fn from_bytes(bytes: &[u8]) -> Result<Model> {
        let text = inflate(bytes)?;
        // Straight into the indexed tables: the model loads on every process's first repair.
        let mut counts: HashMap<&str, u64, BuildFastHasher> = HashMap::default();
        let mut pairs: Vec<(&str, &str, u64)> = Vec::new();
        parse_model(&text, |line| match line {
            Line::Unigram(w, n) => *counts.entry(w).or_default() += n,
            Line::Bigram(a, b, n) => pairs.push((a, b, n)),
        })?;
        Ok(Model::index(
            |w| counts.get(w).copied(),
            counts.keys().copied(),
            pairs.into_iter(),
        ))
    }

    /// The model compiled into the binary.
    pub fn embedded() -> Model {
        Model::from_bytes(EMBEDDED).expect("the embedded model is valid")
    }

    pub fn embedded_bytes() -> &'static [u8] {
        EMBEDDED
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn bigram_count(&self) -> usize {
        self.successors.len()
    }

    pub fn id(&self, syllable: &str) -> Option<u32> {
        match packed(syllable) {
            Some(k) => self.vocab.get(&k).copied(),
            None => self.long_vocab.get(syllable).copied(),
        }
    }

    pub fn word(&self, id: u32) -> &str {
        &self.words[id as usize]
    }

    pub fn count(&self, id: u32) -> u32 {
        self.counts[id as usize]
    }

    /// Syllables of this shape (see [`shape`]), most frequent first.
    pub fn with_shape(&self, shape: &str) -> Shape {
        packed(shape)
            .and_then(|k| self.shapes.get(&k).copied())
            .unwrap_or_default()
    }

    /// log P(w); `None` is a syllable the model does not know.
    #[inline]
    pub fn log_unigram(&self, w: Option<u32>) -> f64 {
        w.map_or(self.log_unknown, |i| self.syllables[i as usize].log_unigram) as f64
    }

    /// log of the back-off weight of `w1`: every [`Model::log_bigram`]`(w1, w2)` of a known
    /// `w2` is at least this plus [`Model::log_unigram`]`(w2)` (an unseen pair scores exactly
    /// that; a seen one adds its discounted count). An unknown `w1` backs off entirely.
    #[inline]
    pub fn log_backoff(&self, w1: Option<u32>) -> f64 {
        w1.map_or(0.0, |a| self.syllables[a as usize].log_backoff as f64)
    }

    /// An upper bound of [`Model::log_bigram`]`(w1, ·)`.
    #[inline]
    pub fn max_log_after(&self, w1: Option<u32>) -> f64 {
        // An unknown first syllable scores P(w2), at most 1.
        w1.map_or(0.0, |a| self.syllables[a as usize].max_after as f64)
    }

    /// An upper bound of [`Model::log_bigram`]`(·, w2)`.
    #[inline]
    pub fn max_log_before(&self, w2: Option<u32>) -> f64 {
        w2.map_or(self.log_unknown, |b| self.syllables[b as usize].max_before) as f64
    }

    /// log P(w2 | w1), interpolated absolute discounting (backing off to P(w2) alone when
    /// either syllable is unknown).
    #[inline]
    pub fn log_bigram(&self, w1: Option<u32>, w2: Option<u32>) -> f64 {
        self.log_bigram_among(w1, w2, &mut Successors::All)
    }

    /// [`Model::log_bigram`], for one of several second syllables with ids in `lo..=hi`:
    /// `among` remembers where those are among `w1`'s successors once one lookup has found
    /// them, so the next lookup searches a few entries instead of the whole list.
    #[inline]
    pub fn log_bigram_among(&self, w1: Option<u32>, w2: Option<u32>, among: &mut Successors) -> f64 {
        let (Some(a), Some(b)) = (w1, w2) else {
            return self.log_unigram(w2);
        };
        let sa = &self.syllables[a as usize];
        let unseen = || (sa.log_backoff + self.syllables[b as usize].log_unigram) as f64;
        if !self.seen.may_contain(key(a, b)) {
            return unseen();
        }
        let range = match *among {
            Successors::All => {
                let i = self.lower_bound(sa, b);
                return match self.successors.get(i) {
                    Some(&s) if s == b && i < sa.end as usize => self.successor_scores[i] as f64,
                    _ => unseen(),
                };
            }
            Successors::Between(lo, hi) => {
                let from = self.lower_bound(sa, lo);
                let to = self.lower_bound(sa, hi.saturating_add(1));
                *among = Successors::Found(from as u32, to as u32);
                from..to
            }
            Successors::Found(from, to) => from as usize..to as usize,
        };
        match self.successors[range.clone()].binary_search(&b) {
            Ok(i) => self.successor_scores[range.start + i] as f64,
            Err(_) => unseen(),
        }
    }

    /// Where the first of `s`'s successors with an id of at least `x` is (or would be).
    #[inline]
    fn lower_bound(&self, s: &Syllable, x: u32) -> usize {
        let (start, end) = (s.start as usize, s.end as usize);
        let n = end - start;
        if n <= 2 * BLOCK {
            return start + self.successors[start..end].partition_point(|&b| b < x);
        }
        let f = s.fences as usize;
        let j = self.fences[f..f + n.div_ceil(BLOCK)].partition_point(|&b| b < x);
        if j == 0 {
            return start;
        }
        // Fence j - 1 is below x, fence j (if any) is not: the answer is in the block between.
        let lo = start + BLOCK * (j - 1) + 1;
        let hi = (start + BLOCK * j).min(end);
        lo + self.successors[lo..hi].partition_point(|&b| b < x)
    }
}

/// Which of a first syllable's successors a lookup searches (see [`Model::log_bigram_among`]).
#[derive(Clone, Copy, Debug)]
pub enum Successors {
    /// All of them.
    All,
    /// Those with ids in `lo..=hi` (the second syllables to come), not yet located.
    Between(u32, u32),
    /// Those, located: `successors[from..to]`.
    Found(u32, u32),
}

/// A blocked Bloom filter over bigram keys: each key sets three bits of one 64-bit word, so
/// a query reads one word. About ten bits per key: a few percent of unseen pairs pass.
///
/// The pairs of a tile of 8 × 8 syllable ids share one cache line: a repair asks about the
/// pairs of neighbouring candidates, which have neighbouring ids (see [`number`]), so its
/// queries read a few lines instead of one line each.
struct PairFilter {
    words: Vec<u64>,
}

/// 64-bit words per cache line.
const LINE: usize = 8;

impl PairFilter {
    fn with_capacity(keys: usize) -> PairFilter {
        let words = (keys * 10 / 64).max(LINE).next_power_of_two();
        PairFilter { words: vec![0; words] }
    }

    /// The word a key lives in and the bits it sets there.
    #[inline]
    fn slot(&self, key: u64) -> (usize, u64) {
        let mix = |k: u64| (k ^ (k >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let tile = key >> 3 & !(0x7 << 29);
        let line = (mix(tile) >> 32) as usize & (self.words.len() / LINE - 1);
        let h = mix(key);
        let word = line * LINE + (h >> 61) as usize;
        let bits = (1u64 << (h & 63)) | (1u64 << ((h >> 6) & 63)) | (1u64 << ((h >> 12) & 63));
        (word, bits)
    }

    fn insert(&mut self, key: u64) {
        let (w, bits) = self.slot(key);
        self.words[w] |= bits;
    }

    #[inline]
    fn may_contain(&self, key: u64) -> bool {
        let (w, bits) = self.slot(key);
        self.words[w] & bits == bits
    }
}

/// The model's tables are built from trusted counts and looked up on the repair's hot path: a
/// multiplicative hash is enough there, and several times faster than SipHash.
#[derive(Clone, Copy, Default)]
struct BuildFastHasher;

struct FastHasher(u64);

impl std::hash::BuildHasher for BuildFastHasher {
    type Hasher = FastHasher;
    fn build_hasher(&self) -> FastHasher {
        FastHasher(0)
    }
}

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (v ^ (v >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    /// A packed syllable (see [`packed`]): both halves folded, then mixed so that the low
    /// bits, which pick the bucket, depend on every byte.
    fn write_u128(&mut self, v: u128) {
        let x = (v as u64) ^ ((v >> 64) as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        let x = (x ^ (x >> 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
}

fn key(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

/// Use this model for repairs in this process instead of the embedded one. Must be called
/// before the first repair; returns false if a model was already in use.
pub fn install(model: Model) -> bool {
    MODEL.set(model).is_ok()
}

/// Load `<archive>/lexicon/vi-syllables.tsv.gz` if it exists and install it.
pub fn install_from_archive(archive: &Path) -> Result<bool> {
    let path = archive.join("lexicon").join("vi-syllables.tsv.gz");
    if !path.exists() {
        return Ok(false);
    }
    let bytes = std::fs::read(&path).at(&path)?;
    Ok(install(Model::from_bytes(&bytes)?))
}

/// The model in use: an installed one, or the embedded default.
pub fn model() -> &'static Model {
    MODEL.get_or_init(Model::embedded)
}

/// A model file's text: gzip-compressed TSV.
fn inflate(bytes: &[u8]) -> Result<String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .map_err(|e| Error::Model(format!("cannot read model: {e}")))?;
    Ok(text)
}

/// One line of a model file.
enum Line<'a> {
    /// `U<TAB>syllable<TAB>count`
    Unigram(&'a str, u64),
    /// `B<TAB>first second<TAB>count`
    Bigram(&'a str, &'a str, u64),
}

/// The one parser of the model file format: each count line to `each`; `#` lines and blank
/// lines are skipped; anything else is an error naming the line.
fn parse_model<'a>(text: &'a str, mut each: impl FnMut(Line<'a>)) -> Result<()> {
    for line in text.lines() {
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let mut f = line.splitn(3, '\t');
        let (Some(kind), Some(key), Some(n)) = (f.next(), f.next(), f.next()) else {
            return Err(Error::Model(format!("bad model line {line:?}")));
        };
        let n: u64 = n.parse().map_err(|_| Error::Model(format!("bad count in {line:?}")))?;
        match kind {
            "U" => each(Line::Unigram(key, n)),
            "B" => {
                let (a, b) = key
                    .split_once(' ')
                    .ok_or_else(|| Error::Model(format!("bad bigram {line:?}")))?;
                each(Line::Bigram(a, b, n));
            }
            _ => return Err(Error::Model(format!("bad model line {line:?}"))),
        }
    }
    Ok(())
}

fn output(source: std::io::Error) -> Error {
    Error::Output {
        what: "the syllable model",
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_model_knows_common_syllables() {
        let m = model();
        assert!(m.len() > 10_000);
        let lay = m.id("lấy").expect("lấy");
        let lai = m.id("lại").expect("lại");
        let loi = m.id("lời").expect("lời");
        assert!(m.log_bigram(Some(lay), Some(lai)) > m.log_bigram(Some(lay), Some(loi)));
        assert!(m.with_shape("l*y").ids().contains(&lay));
        let (_, stars) = m.with_shape("l*y").entries(m).find(|(id, _)| *id == lay).unwrap();
        assert_eq!(stars, ['ấ']);
    }

    #[test]
    fn a_search_through_the_fences_finds_what_a_search_of_the_whole_list_finds() {
        let m = model();
        let long: Vec<&Syllable> = m
            .syllables
            .iter()
            .filter(|s| s.end - s.start > 2 * BLOCK as u32)
            .collect();
        assert!(long.len() > 100, "the model has long successor lists");
        for s in long.iter().step_by(7) {
            let list = &m.successors[s.start as usize..s.end as usize];
            let probes = list
                .iter()
                .flat_map(|&b| [b.saturating_sub(1), b, b + 1])
                .chain([0, u32::MAX]);
            for x in probes.step_by(5) {
                let expected = s.start as usize + list.partition_point(|&b| b < x);
                assert_eq!(
                    m.lower_bound(s, x),
                    expected,
                    "lower bound of {x} in {}..{}",
                    s.start,
                    s.end
                );
            }
        }
    }

    #[test]
    fn counting_text_splits_like_the_shipped_counts() {
        let mut c = Counts::default();
        c.add_text("Xi-nhan, Hà Nội 2019 và\nHà Nội");
        assert_eq!(c.unigrams["hà"], 2);
        assert_eq!(c.bigrams[&("hà".to_owned(), "nội".to_owned())], 2);
        assert!(!c.bigrams.contains_key(&("xi".to_owned(), "nhan".to_owned())));
        assert!(!c.bigrams.contains_key(&("nhan".to_owned(), "hà".to_owned())));
        assert!(!c.bigrams.contains_key(&("nội".to_owned(), "và".to_owned())));
        assert!(!c.unigrams.contains_key("2019"));
    }

    #[test]
    fn model_file_round_trips() {
        let mut c = Counts::default();
        c.add_text("lấy lại mã bảo mật lấy lại");
        let mut buf = Vec::new();
        c.write_model(&mut buf, "test", 1, 1).unwrap();
        let m = Model::from_bytes(&buf).unwrap();
        assert_eq!(m.count(m.id("lấy").unwrap()), 2);
        assert_eq!(m.bigram_count(), 5);
    }
}
