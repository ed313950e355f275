//! Counts in, a model image out: the one place the syllable model is computed.
//!
//! [`Counts`] gathers unigram, bigram and trigram counts of syllables and of the context
//! tokens `<s>`, `</s>` and `<num>` (segment start and end, a number), read from the count
//! file format or added one by one. [`Counts::image_bytes`] computes every score the decoder
//! needs — interpolated absolute discounting from trigrams down to Kneser-Ney's unigram (how
//! many syllables a syllable follows) — and lays the tables out as one little-endian byte
//! image, 8-byte aligned sections behind a header, that `Model` reads in place: no parsing,
//! no allocation, pages touched only when used.
//!
//! This file depends on `std` alone: the build script compiles the built-in model with it
//! (into the binary), and `vnnews lexicon build` writes an archive's model with it.

use std::collections::HashMap;
use std::io::Write;

use super::is_vietnamese_letter;

/// The first bytes of an image.
pub const MAGIC: &[u8; 8] = b"VNLMIMG\0";
/// The layout's version; an image of another version is refused (rebuild it).
pub const VERSION: u32 = 2;

/// The context tokens: a segment's start and end, and a number.
pub const BOS: &str = "<s>";
pub const EOS: &str = "</s>";
pub const NUM: &str = "<num>";

/// Absolute discounts of the interpolated bigram and trigram estimates.
pub const DISCOUNT_BIGRAM: f64 = 0.75;
pub const DISCOUNT_TRIGRAM: f64 = 0.8;

/// Entries per block of a successor list between two fences.
pub const BLOCK: usize = 16;

/// 64-bit words per cache line of the pair filter.
pub const LINE: usize = 8;

/// No entry.
pub const NONE: u32 = u32::MAX;

/// The image's sections, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(usize)]
pub enum Section {
    /// UTF-8: where the counts came from (for whoever opens the file; lookups never read it).
    Provenance,
    /// u32 × (syllables + 1): where each syllable's bytes are in `WordBytes`.
    WordOffsets,
    WordBytes,
    /// u32 per syllable.
    Counts,
    /// f32 per syllable: log P(w).
    LogUnigram,
    /// f32 per syllable: log of the mass its bigrams leave to the unigram estimate.
    LogBackoff,
    /// u32 × (syllables + 1): each syllable's successors are `Successors[s[a]..s[a+1]]`.
    SuccessorStart,
    /// u32 per syllable: where its fences are in `Fences` ([`NONE`] for a short list).
    FenceAt,
    /// u32 × a power of two: open-addressing table of syllable ids + 1 (0 is empty).
    Vocab,
    /// u32 per bigram: the second syllable, sorted within each first syllable.
    Successors,
    /// f32 per bigram: log P(b | a).
    SuccessorScores,
    /// u32 per bigram: its count.
    SuccessorCounts,
    /// u32: every [`BLOCK`]th successor of a long list.
    Fences,
    /// u64: the pair filter (see [`filter_slot`]).
    Filter,
    /// u64 × 2 per shape: its key (see [`packed`]), low and high halves, sorted by key.
    ShapeKeys,
    /// u32 × 4 per shape: first id, number of syllables, where its letters start in `Stars`,
    /// letters per syllable.
    ShapeData,
    /// u32: the letters at the `*` positions of every syllable that has a shape, in id order.
    Stars,
    /// u32 × (bigrams + 1): bigram `i`'s third syllables are `TrigramNext[t[i]..t[i+1]]`.
    TrigramStart,
    /// f32 per bigram: log of the mass its trigrams leave to the bigram estimate.
    TrigramBackoff,
    /// u32 per trigram: the third syllable, sorted within its bigram.
    TrigramNext,
    /// f32 per trigram: log P(c | a b).
    TrigramScores,
    /// u32 per trigram: its count.
    TrigramCounts,
    /// u32 × 4: log P of an unknown syllable (f32 bits), the ids of `<s>`, `</s>`, `<num>`
    /// ([`NONE`] when the model has none).
    Scalars,
}

pub const SECTIONS: usize = Section::Scalars as usize + 1;

/// The header: magic, version, section count, then each section's offset and length in bytes.
pub const fn header_len() -> usize {
    16 + SECTIONS * 16
}

/// A word's bytes as an integer, if it has at most 16.
pub fn packed(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    (bytes.len() <= 16).then(|| {
        let mut buf = [0u8; 16];
        buf[..bytes.len()].copy_from_slice(bytes);
        u128::from_le_bytes(buf)
    })
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

/// The vocabulary table's hash of a syllable (FNV-1a).
pub fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word.as_bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h ^ (h >> 32)
}

/// A bigram's key in the pair filter.
pub fn pair_key(a: u32, b: u32) -> u64 {
    ((a as u64) << 32) | b as u64
}

/// The pair filter is a blocked Bloom filter over bigram keys: each key sets three bits of one
/// 64-bit word, so a query reads one word; about ten bits per key, a few percent of unseen
/// pairs pass. The pairs of a tile of 8 × 8 syllable ids share one cache line: a repair asks
/// about the pairs of neighbouring candidates, which have neighbouring ids.
///
/// The word a key lives in and the bits it sets there, in a filter of `words` words.
#[inline]
pub fn filter_slot(words: usize, key: u64) -> (usize, u64) {
    let mix = |k: u64| (k ^ (k >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let tile = key >> 3 & !(0x7 << 29);
    let line = (mix(tile) >> 32) as usize & (words / LINE - 1);
    let h = mix(key);
    let word = line * LINE + (h >> 61) as usize;
    let bits = (1u64 << (h & 63)) | (1u64 << ((h >> 6) & 63)) | (1u64 << ((h >> 12) & 63));
    (word, bits)
}

/// Is this one of the context tokens?
pub fn is_context_token(w: &str) -> bool {
    w == BOS || w == EOS || w == NUM
}

/// Syllable, bigram and trigram counts, before indexing. Syllables are interned: an n-gram
/// is a few integers, so the 1.6 million n-grams of the shipped counts fit in little memory.
#[derive(Default, Clone)]
pub struct Counts {
    ids: HashMap<String, u32>,
    words: Vec<String>,
    unigrams: Vec<u64>,
    bigrams: HashMap<(u32, u32), u64>,
    trigrams: HashMap<(u32, u32, u32), u64>,
}

impl Counts {
    fn intern(&mut self, w: &str) -> u32 {
        if let Some(&id) = self.ids.get(w) {
            return id;
        }
        let id = self.words.len() as u32;
        self.ids.insert(w.to_owned(), id);
        self.words.push(w.to_owned());
        self.unigrams.push(0);
        id
    }

    pub fn add_unigram(&mut self, w: &str, n: u64) {
        let id = self.intern(w);
        self.unigrams[id as usize] += n;
    }

    pub fn add_bigram(&mut self, a: &str, b: &str, n: u64) {
        let key = (self.intern(a), self.intern(b));
        *self.bigrams.entry(key).or_default() += n;
    }

    pub fn add_trigram(&mut self, a: &str, b: &str, c: &str, n: u64) {
        let key = (self.intern(a), self.intern(b), self.intern(c));
        *self.trigrams.entry(key).or_default() += n;
    }

    /// Add an n-gram of one to three tokens.
    pub fn add(&mut self, gram: &[&str], n: u64) {
        match gram {
            [w] => self.add_unigram(w, n),
            [a, b] => self.add_bigram(a, b, n),
            [a, b, c] => self.add_trigram(a, b, c, n),
            _ => {}
        }
    }

    pub fn unigram(&self, w: &str) -> u64 {
        self.ids.get(w).map_or(0, |&id| self.unigrams[id as usize])
    }

    pub fn bigram(&self, a: &str, b: &str) -> u64 {
        match (self.ids.get(a), self.ids.get(b)) {
            (Some(&a), Some(&b)) => self.bigrams.get(&(a, b)).copied().unwrap_or(0),
            _ => 0,
        }
    }

    pub fn trigram(&self, a: &str, b: &str, c: &str) -> u64 {
        match (self.ids.get(a), self.ids.get(b), self.ids.get(c)) {
            (Some(&a), Some(&b), Some(&c)) => self.trigrams.get(&(a, b, c)).copied().unwrap_or(0),
            _ => 0,
        }
    }

    /// How many distinct syllables (context tokens included), bigrams and trigrams.
    pub fn sizes(&self) -> (usize, usize, usize) {
        let syllables = self.unigrams.iter().filter(|&&n| n > 0).count();
        (syllables, self.bigrams.len(), self.trigrams.len())
    }

    /// Merge another set of counts into this one.
    pub fn merge(&mut self, other: &Counts) {
        for (w, &n) in other.words.iter().zip(&other.unigrams) {
            if n > 0 {
                self.add_unigram(w, n);
            }
        }
        for (&(a, b), &n) in &other.bigrams {
            self.add_bigram(&other.words[a as usize], &other.words[b as usize], n);
        }
        for (&(a, b, c), &n) in &other.trigrams {
            let w = |i: u32| other.words[i as usize].as_str();
            self.add_trigram(w(a), w(b), w(c), n);
        }
    }

    /// The counts that survive pruning: syllables seen at least `min_unigram` times (context
    /// tokens always), bigrams `min_bigram` times and trigrams `min_trigram` times, of kept
    /// syllables; a trigram also needs its first bigram (every trigram is counted with it).
    pub fn pruned(&self, min_unigram: u64, min_bigram: u64, min_trigram: u64) -> Counts {
        let mut out = Counts::default();
        let keep: Vec<bool> = self
            .words
            .iter()
            .zip(&self.unigrams)
            .map(|(w, &n)| n >= min_unigram.max(1) || is_context_token(w))
            .collect();
        for (i, w) in self.words.iter().enumerate() {
            if keep[i] && self.unigrams[i] > 0 {
                out.add_unigram(w, self.unigrams[i]);
            }
        }
        let w = |i: u32| self.words[i as usize].as_str();
        let kept = |i: u32| keep[i as usize];
        for (&(a, b), &n) in &self.bigrams {
            if n >= min_bigram && kept(a) && kept(b) {
                out.add_bigram(w(a), w(b), n);
            }
        }
        for (&(a, b, c), &n) in &self.trigrams {
            if n >= min_trigram
                && kept(a)
                && kept(b)
                && kept(c)
                && self.bigrams.get(&(a, b)).is_some_and(|&m| m >= min_bigram)
            {
                out.add_trigram(w(a), w(b), w(c), n);
            }
        }
        out
    }

    /// Read the count file format: `U<TAB>w<TAB>n`, `B<TAB>a b<TAB>n`, `T<TAB>a b c<TAB>n`;
    /// `#` lines and blank lines are skipped; anything else is an error naming the line.
    pub fn add_count_text(&mut self, text: &str) -> Result<(), String> {
        for line in text.lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let mut f = line.splitn(3, '\t');
            let (Some(kind), Some(key), Some(n)) = (f.next(), f.next(), f.next()) else {
                return Err(format!("bad model line {line:?}"));
            };
            let n: u64 = n.parse().map_err(|_| format!("bad count in {line:?}"))?;
            let gram: Vec<&str> = key.split(' ').collect();
            let arity = match kind {
                "U" => 1,
                "B" => 2,
                "T" => 3,
                _ => return Err(format!("bad model line {line:?}")),
            };
            if gram.len() != arity || gram.iter().any(|w| w.is_empty()) {
                return Err(format!("bad n-gram in {line:?}"));
            }
            self.add(&gram, n);
        }
        Ok(())
    }

    /// Write the counts in the count file format, each kind most frequent first (ties by key),
    /// so that the same counts always give the same file.
    pub fn write_count_text(&self, out: &mut impl Write, provenance: &str) -> std::io::Result<()> {
        for line in provenance.lines() {
            writeln!(out, "# {line}")?;
        }
        let w = |i: u32| self.words[i as usize].as_str();
        let mut uni: Vec<(u64, &str)> = self
            .words
            .iter()
            .zip(&self.unigrams)
            .filter(|(_, n)| **n > 0)
            .map(|(w, &n)| (n, w.as_str()))
            .collect();
        uni.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(y.1)));
        for (n, k) in uni {
            writeln!(out, "U\t{k}\t{n}")?;
        }
        let mut bi: Vec<(u64, &str, &str)> = self.bigrams.iter().map(|(&(a, b), &n)| (n, w(a), w(b))).collect();
        bi.sort_by(|x, y| y.0.cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
        for (n, a, b) in bi {
            writeln!(out, "B\t{a} {b}\t{n}")?;
        }
        let mut tri: Vec<(u64, &str, &str, &str)> = self
            .trigrams
            .iter()
            .map(|(&(a, b, c), &n)| (n, w(a), w(b), w(c)))
            .collect();
        tri.sort_by(|x, y| y.0.cmp(&x.0).then((x.1, x.2, x.3).cmp(&(y.1, y.2, y.3))));
        for (n, a, b, c) in tri {
            writeln!(out, "T\t{a} {b} {c}\t{n}")?;
        }
        Ok(())
    }

    /// Compute the model and lay it out as an image (see the module docs).
    pub fn image_bytes(&self, provenance: &str) -> Vec<u8> {
        layout(self, provenance)
    }
}

/// Lay sections out behind the header.
struct Writer {
    sections: Vec<Vec<u8>>,
}

impl Writer {
    fn put(&mut self, s: Section, bytes: Vec<u8>) {
        assert_eq!(self.sections.len(), s as usize, "sections are written in order");
        self.sections.push(bytes);
    }

    fn u32s(&mut self, s: Section, v: &[u32]) {
        self.put(s, v.iter().flat_map(|x| x.to_le_bytes()).collect());
    }

    fn f32s(&mut self, s: Section, v: &[f32]) {
        self.put(s, v.iter().flat_map(|x| x.to_le_bytes()).collect());
    }

    fn u64s(&mut self, s: Section, v: &[u64]) {
        self.put(s, v.iter().flat_map(|x| x.to_le_bytes()).collect());
    }

    fn finish(self) -> Vec<u8> {
        assert_eq!(self.sections.len(), SECTIONS);
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(SECTIONS as u32).to_le_bytes());
        let mut at = header_len();
        for s in &self.sections {
            out.extend_from_slice(&(at as u64).to_le_bytes());
            out.extend_from_slice(&(s.len() as u64).to_le_bytes());
            at += s.len().next_multiple_of(8);
        }
        for s in &self.sections {
            out.extend_from_slice(s);
            out.resize(out.len().next_multiple_of(8), 0);
        }
        out
    }
}

/// Number the syllables: those made of Vietnamese letters by shape, most frequent first
/// within a shape, then alphabetically; the others (foreign words, context tokens) after
/// them. The candidates of one damaged word are then neighbours in every table.
fn numbering(counts: &Counts) -> Vec<u32> {
    let mut order: Vec<u32> = (0..counts.words.len() as u32)
        .filter(|&i| counts.unigrams[i as usize] > 0 || is_context_token(&counts.words[i as usize]))
        .collect();
    order.sort_by_cached_key(|&i| {
        let w = &counts.words[i as usize];
        let has_shape = w.chars().all(is_vietnamese_letter);
        (
            !has_shape,
            shape(w),
            std::cmp::Reverse(counts.unigrams[i as usize]),
            w.clone(),
        )
    });
    order
}

fn layout(counts: &Counts, provenance: &str) -> Vec<u8> {
    let order = numbering(counts);
    let n = order.len();
    // Interned id → model id.
    let mut id_of = vec![NONE; counts.words.len()];
    for (new, &old) in order.iter().enumerate() {
        id_of[old as usize] = new as u32;
    }
    let words: Vec<&str> = order.iter().map(|&i| counts.words[i as usize].as_str()).collect();
    let mut unigram: Vec<u64> = order.iter().map(|&i| counts.unigrams[i as usize]).collect();

    let mut bigrams: Vec<(u32, u32, u64)> = counts
        .bigrams
        .iter()
        .filter_map(|(&(a, b), &c)| {
            let (a, b) = (id_of[a as usize], id_of[b as usize]);
            (a != NONE && b != NONE).then_some((a, b, c))
        })
        .collect();
    bigrams.sort_unstable();
    // A context token's count is not among the syllable counts: it is the mass of the
    // n-grams it starts or ends.
    for (i, w) in words.iter().enumerate() {
        if is_context_token(w) && unigram[i] == 0 {
            let first: u64 = bigrams.iter().filter(|x| x.0 == i as u32).map(|x| x.2).sum();
            let second: u64 = bigrams.iter().filter(|x| x.1 == i as u32).map(|x| x.2).sum();
            unigram[i] = first.max(second);
        }
    }
    // The lowest order is Kneser-Ney's: not how often a syllable occurs but how many different
    // syllables it follows (`kông` occurs mostly after `hồng`: it is rarely the best guess
    // after anything else), add-half smoothed; an unknown syllable gets a half.
    let mut followed = vec![0u64; n];
    for &(_, b, _) in &bigrams {
        followed[b as usize] += 1;
    }
    let cont_total = followed.iter().sum::<u64>() as f64 + 0.5 * n as f64;
    let p_unigram_of = |i: usize| (followed[i] as f64 + 0.5) / cont_total;
    let p_unknown = 0.5 / cont_total;

    // Bigrams: interpolated absolute discounting.
    let mut kept_mass = vec![0f64; n];
    for &(a, _, c) in &bigrams {
        kept_mass[a as usize] += (c as f64 - DISCOUNT_BIGRAM).max(0.0);
    }
    let gamma: Vec<f64> = unigram
        .iter()
        .zip(&kept_mass)
        .map(|(&c, &m)| (1.0 - m / (c.max(1) as f64)).clamp(0.05, 1.0))
        .collect();
    let p_bigram_seen = |a: u32, b: u32, c: u64| {
        (c as f64 - DISCOUNT_BIGRAM).max(0.0) / unigram[a as usize].max(1) as f64
            + gamma[a as usize] * p_unigram_of(b as usize)
    };
    let successor_scores: Vec<f32> = bigrams
        .iter()
        .map(|&(a, b, c)| p_bigram_seen(a, b, c).ln() as f32)
        .collect();
    let mut successor_start = vec![0u32; n + 1];
    for &(a, _, _) in &bigrams {
        successor_start[a as usize + 1] += 1;
    }
    for i in 0..n {
        successor_start[i + 1] += successor_start[i];
    }
    let successors: Vec<u32> = bigrams.iter().map(|x| x.1).collect();
    let bigram_index = |a: u32, b: u32| -> Option<usize> {
        let (s, e) = (
            successor_start[a as usize] as usize,
            successor_start[a as usize + 1] as usize,
        );
        successors[s..e].binary_search(&b).ok().map(|i| s + i)
    };
    let p_bigram = |a: u32, b: u32| match bigram_index(a, b) {
        Some(i) => (successor_scores[i] as f64).exp(),
        None => gamma[a as usize] * p_unigram_of(b as usize),
    };

    // Trigrams, by their first bigram.
    let mut trigrams: Vec<(u32, u32, u32)> = counts
        .trigrams
        .iter()
        .filter_map(|(&(a, b, c), &k)| {
            let (a, b, c) = (id_of[a as usize], id_of[b as usize], id_of[c as usize]);
            if a == NONE || b == NONE || c == NONE {
                return None;
            }
            let i = bigram_index(a, b)?;
            Some((i as u32, c, k.min(u32::MAX as u64) as u32))
        })
        .collect();
    trigrams.sort_unstable();
    let mut trigram_start = vec![0u32; bigrams.len() + 1];
    let mut tri_kept = vec![0f64; bigrams.len()];
    for &(i, _, k) in &trigrams {
        trigram_start[i as usize + 1] += 1;
        tri_kept[i as usize] += (k as f64 - DISCOUNT_TRIGRAM).max(0.0);
    }
    for i in 0..bigrams.len() {
        trigram_start[i + 1] += trigram_start[i];
    }
    let tri_gamma: Vec<f64> = bigrams
        .iter()
        .zip(&tri_kept)
        .map(|(&(_, _, c), &m)| (1.0 - m / c.max(1) as f64).clamp(0.05, 1.0))
        .collect();
    let trigram_scores: Vec<f32> = trigrams
        .iter()
        .map(|&(i, c, k)| {
            let (_, b, cab) = bigrams[i as usize];
            let p = (k as f64 - DISCOUNT_TRIGRAM).max(0.0) / cab.max(1) as f64 + tri_gamma[i as usize] * p_bigram(b, c);
            p.ln() as f32
        })
        .collect();

    // Fences of long successor lists.
    let mut fences = Vec::new();
    let mut fence_at = vec![NONE; n];
    for a in 0..n {
        let list = &successors[successor_start[a] as usize..successor_start[a + 1] as usize];
        if list.len() > 2 * BLOCK {
            fence_at[a] = fences.len() as u32;
            fences.extend(list.iter().step_by(BLOCK));
        }
    }
    // The pair filter.
    let filter_words = (bigrams.len() * 10 / 64).max(LINE).next_power_of_two();
    let mut filter = vec![0u64; filter_words];
    for &(a, b, _) in &bigrams {
        let (w, bits) = filter_slot(filter_words, pair_key(a, b));
        filter[w] |= bits;
    }
    // The vocabulary table.
    let cap = (n * 2).max(16).next_power_of_two();
    let mut vocab = vec![0u32; cap];
    for (i, w) in words.iter().enumerate() {
        let mut slot = word_hash(w) as usize & (cap - 1);
        while vocab[slot] != 0 {
            slot = (slot + 1) & (cap - 1);
        }
        vocab[slot] = i as u32 + 1;
    }
    // Shapes: syllables of one shape are numbered consecutively.
    let mut shapes: Vec<(u128, [u32; 4])> = Vec::new();
    let mut stars: Vec<u32> = Vec::new();
    let mut i = 0;
    while i < n && words[i].chars().all(is_vietnamese_letter) {
        let s = shape(words[i]);
        let stride = s.bytes().filter(|&c| c == b'*').count() as u32;
        let (first, stars_at) = (i as u32, stars.len() as u32);
        while i < n && words[i].chars().all(is_vietnamese_letter) && shape(words[i]) == s {
            stars.extend(words[i].chars().filter(|c| !c.is_ascii_alphabetic()).map(|c| c as u32));
            i += 1;
        }
        if let Some(k) = packed(&s) {
            shapes.push((k, [first, i as u32 - first, stars_at, stride]));
        }
    }
    shapes.sort_unstable_by_key(|s| s.0);

    let mut word_offsets = Vec::with_capacity(n + 1);
    let mut word_bytes = Vec::new();
    for w in &words {
        word_offsets.push(word_bytes.len() as u32);
        word_bytes.extend_from_slice(w.as_bytes());
    }
    word_offsets.push(word_bytes.len() as u32);
    let id_or_none = |t: &str| words.iter().position(|w| *w == t).map_or(NONE, |i| i as u32);

    let mut out = Writer { sections: Vec::new() };
    out.put(Section::Provenance, provenance.as_bytes().to_vec());
    out.u32s(Section::WordOffsets, &word_offsets);
    out.put(Section::WordBytes, word_bytes);
    out.u32s(
        Section::Counts,
        &unigram
            .iter()
            .map(|&c| c.min(u32::MAX as u64) as u32)
            .collect::<Vec<_>>(),
    );
    out.f32s(
        Section::LogUnigram,
        &(0..n).map(|i| p_unigram_of(i).ln() as f32).collect::<Vec<_>>(),
    );
    out.f32s(
        Section::LogBackoff,
        &gamma.iter().map(|g| g.ln() as f32).collect::<Vec<_>>(),
    );
    out.u32s(Section::SuccessorStart, &successor_start);
    out.u32s(Section::FenceAt, &fence_at);
    out.u32s(Section::Vocab, &vocab);
    out.u32s(Section::Successors, &successors);
    out.f32s(Section::SuccessorScores, &successor_scores);
    out.u32s(
        Section::SuccessorCounts,
        &bigrams
            .iter()
            .map(|x| x.2.min(u32::MAX as u64) as u32)
            .collect::<Vec<_>>(),
    );
    out.u32s(Section::Fences, &fences);
    out.u64s(Section::Filter, &filter);
    out.u64s(
        Section::ShapeKeys,
        &shapes
            .iter()
            .flat_map(|s| [s.0 as u64, (s.0 >> 64) as u64])
            .collect::<Vec<_>>(),
    );
    out.u32s(Section::ShapeData, &shapes.iter().flat_map(|s| s.1).collect::<Vec<_>>());
    out.u32s(Section::Stars, &stars);
    out.u32s(Section::TrigramStart, &trigram_start);
    out.f32s(
        Section::TrigramBackoff,
        &tri_gamma.iter().map(|g| g.ln() as f32).collect::<Vec<_>>(),
    );
    out.u32s(Section::TrigramNext, &trigrams.iter().map(|x| x.1).collect::<Vec<_>>());
    out.f32s(Section::TrigramScores, &trigram_scores);
    out.u32s(
        Section::TrigramCounts,
        &trigrams.iter().map(|x| x.2).collect::<Vec<_>>(),
    );
    out.u32s(
        Section::Scalars,
        &[
            (p_unknown.ln() as f32).to_bits(),
            id_or_none(BOS),
            id_or_none(EOS),
            id_or_none(NUM),
        ],
    );
    out.finish()
}
