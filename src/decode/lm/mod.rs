//! The Vietnamese syllable language model that restores lost letters and marks.
//!
//! A trigram model with context: syllables, and the tokens `<s>` (a segment starts: the line
//! starts, or punctuation stood before), `</s>` (a segment ends) and `<num>` (a number), each
//! scored by interpolated absolute discounting — P(c | a b) falls back on P(c | b), which
//! falls back on Kneser-Ney's unigram (how many different syllables `c` follows). The scores
//! are computed once, from counts, by [`image`] into a binary image; a [`Model`] reads that
//! image in place, so a process starts repairing as soon as it runs, touching only the pages
//! its lookups need.
//!
//! The built-in model is compiled into the binary: `build.rs` runs [`image`] over the counts
//! in `model/vi-syllables.tsv.gz` (their provenance in `model/README.md`). A user's own model
//! — the built-in counts plus the syllables of their archive, from `vnnews lexicon build` —
//! sits at `<archive>/lexicon/vi-syllables.vnlm`, and every command run on that archive uses
//! it instead.
//!
//! Count file format (gzip-compressed UTF-8, NFC, lower case): comment lines start with `#`;
//! `U<TAB>syllable<TAB>count`, `B<TAB>a b<TAB>count`, `T<TAB>a b c<TAB>count`, where a
//! syllable may also be one of the context tokens.

pub mod context;
pub mod image;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use zerocopy::{FromBytes, IntoBytes};

use crate::error::{Error, IoContext, Result};

use image::{BLOCK, NONE, SECTIONS, Section, filter_slot, packed, pair_key, word_hash};
pub use image::{BOS, Counts, EOS, NUM, push_shape, shape};

// `image` is shared with the build script, which has no `decode` module: it finds the
// alphabet as its parent's.
use super::letters::is_vietnamese_letter;

/// The built-in model's image, made by `build.rs`, aligned for reading in place.
#[repr(C, align(8))]
struct Aligned<B: ?Sized>(B);

static EMBEDDED: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/vi-syllables.vnlm")));
static MODEL: OnceLock<Model<'static>> = OnceLock::new();

/// The model's file in an archive.
pub fn archive_model_path(archive: &Path) -> PathBuf {
    archive.join("lexicon").join("vi-syllables.vnlm")
}

/// Where `lexicon build` wrote its model before models were images (gzip counts, read and
/// indexed at start-up; still read, more slowly, until the model is rebuilt).
fn archive_counts_path(archive: &Path) -> PathBuf {
    archive.join("lexicon").join("vi-syllables.tsv.gz")
}

/// A syllable model, read in place from its image (see the module docs).
///
/// Syllables are numbered by shape (see [`shape`]), most frequent first within a shape, so
/// the candidates of one damaged word are neighbours in every per-syllable table and in
/// every successor list.
pub struct Model<'a> {
    word_offsets: &'a [u32],
    word_bytes: &'a [u8],
    counts: &'a [u32],
    log_unigram: &'a [f32],
    log_backoff: &'a [f32],
    /// Each syllable's successors `b` of its seen bigrams `a b`, sorted; their scores and
    /// counts at the same places.
    successor_start: &'a [u32],
    successors: &'a [u32],
    successor_scores: &'a [f32],
    successor_counts: &'a [u32],
    /// Every [`BLOCK`]th entry of each long successor list: a search reads these and then
    /// one block of the list, instead of halving its way through a list of thousands.
    fence_at: &'a [u32],
    fences: &'a [u32],
    /// Which pairs are seen bigrams, approximately (no false negatives): most pairs a repair
    /// asks about are unseen, and this answers them from one cache line.
    filter: &'a [u64],
    vocab: &'a [u32],
    shape_keys: &'a [u64],
    shape_data: &'a [u32],
    stars: &'a [u32],
    /// Each seen bigram's trigrams, as its successors are laid out.
    trigram_start: &'a [u32],
    trigram_backoff: &'a [f32],
    trigram_next: &'a [u32],
    trigram_scores: &'a [f32],
    trigram_counts: &'a [u32],
    log_unknown: f32,
    bos: Option<u32>,
    eos: Option<u32>,
    num: Option<u32>,
}

/// The syllables of one shape, most frequent first (ids `first..first + len`), each with its
/// letters at the shape's `*` positions (the ASCII letters are the shape's own): enough to
/// test a damaged word against a syllable without decoding the syllable.
#[derive(Clone, Copy, Default)]
pub struct Shape {
    first: u32,
    len: u32,
    stars_at: u32,
    stride: u32,
}

impl Shape {
    /// The syllables of the shape, most frequent first.
    pub fn ids(&self) -> std::ops::Range<u32> {
        self.first..self.first + self.len
    }

    /// Each syllable with its `*` letters (as code points).
    pub fn entries<'m>(&self, m: &Model<'m>) -> impl Iterator<Item = (u32, &'m [u32])> + use<'m> {
        let (first, at, stride, stars) = (self.first, self.stars_at as usize, self.stride as usize, m.stars);
        (0..self.len).map(move |i| {
            let from = at + i as usize * stride;
            (first + i, &stars[from..from + stride])
        })
    }
}

/// A model image in memory (a file's, or one just computed), aligned for [`Model::from_image`].
pub struct Image {
    words: Vec<u64>,
    len: usize,
}

impl Image {
    pub fn from_bytes(bytes: &[u8]) -> Image {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        words.as_mut_bytes()[..bytes.len()].copy_from_slice(bytes);
        Image {
            words,
            len: bytes.len(),
        }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.words.as_bytes()[..self.len]
    }

    /// Read the model image out of a file; a file of gzip counts (the format before images)
    /// is indexed into one.
    pub fn read(path: &Path) -> Result<Image> {
        let bytes = std::fs::read(path).at(path)?;
        if bytes.starts_with(&[0x1f, 0x8b]) {
            tracing::warn!(
                "{}: a model in the old count format, indexed at every start; rebuild it with `vnnews lexicon build`",
                path.display()
            );
            let counts = Counts::from_gzip(&bytes)?;
            return Ok(Image::from_bytes(
                &counts.image_bytes(&format!("indexed from {}", path.display())),
            ));
        }
        let image = Image::from_bytes(&bytes);
        // A model from a file is checked through before use; the built-in one was built here.
        Model::from_image(image.bytes())
            .and_then(|m| m.check_tables())
            .map_err(|e| Error::Model(format!("{}: {e}", path.display())))?;
        Ok(image)
    }
}

fn bad(what: impl Into<String>) -> Error {
    Error::Model(what.into())
}

impl<'a> Model<'a> {
    /// Read a model image in place: its header and the sizes of its tables are checked, its
    /// contents are not (see [`Model::check_tables`]).
    pub fn from_image(bytes: &'a [u8]) -> Result<Model<'a>> {
        if cfg!(target_endian = "big") {
            return Err(bad("model images are little-endian; this machine is not"));
        }
        if bytes.len() < image::header_len() || &bytes[..8] != image::MAGIC {
            return Err(bad("not a vnnews model image"));
        }
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        let (version, sections) = (word(8), word(12) as usize);
        if version != image::VERSION || sections != SECTIONS {
            return Err(bad(format!(
                "model image version {version} with {sections} sections; this vnnews reads version {} (rebuild the model with `vnnews lexicon build`)",
                image::VERSION
            )));
        }
        let mut ranges = [(0usize, 0usize); SECTIONS];
        for (i, r) in ranges.iter_mut().enumerate() {
            let at = 16 + i * 16;
            let field = |k: usize| u64::from_le_bytes(bytes[at + k..at + k + 8].try_into().expect("8 bytes")) as usize;
            let (offset, len) = (field(0), field(8));
            if !offset.is_multiple_of(8) || offset.checked_add(len).is_none_or(|end| end > bytes.len()) {
                return Err(bad(format!("model image section {i} lies outside the image")));
            }
            *r = (offset, len);
        }
        let raw = |s: Section| {
            let (o, l) = ranges[s as usize];
            &bytes[o..o + l]
        };
        fn cast<'b, T: FromBytes + zerocopy::Immutable + 'b>(b: &'b [u8], s: Section) -> Result<&'b [T]> {
            <[T]>::ref_from_bytes(b).map_err(|_| bad(format!("model image section {s:?} is misaligned or cut")))
        }
        let u32s = |s| cast::<u32>(raw(s), s);
        let f32s = |s| cast::<f32>(raw(s), s);
        let u64s = |s| cast::<u64>(raw(s), s);
        let scalars = u32s(Section::Scalars)?;
        let [unknown, bos, eos, num] = scalars else {
            return Err(bad("model image scalars are cut"));
        };
        let id = |x: u32| (x != NONE).then_some(x);
        let m = Model {
            word_offsets: u32s(Section::WordOffsets)?,
            word_bytes: raw(Section::WordBytes),
            counts: u32s(Section::Counts)?,
            log_unigram: f32s(Section::LogUnigram)?,
            log_backoff: f32s(Section::LogBackoff)?,
            successor_start: u32s(Section::SuccessorStart)?,
            successors: u32s(Section::Successors)?,
            successor_scores: f32s(Section::SuccessorScores)?,
            successor_counts: u32s(Section::SuccessorCounts)?,
            fence_at: u32s(Section::FenceAt)?,
            fences: u32s(Section::Fences)?,
            filter: u64s(Section::Filter)?,
            vocab: u32s(Section::Vocab)?,
            shape_keys: u64s(Section::ShapeKeys)?,
            shape_data: u32s(Section::ShapeData)?,
            stars: u32s(Section::Stars)?,
            trigram_start: u32s(Section::TrigramStart)?,
            trigram_backoff: f32s(Section::TrigramBackoff)?,
            trigram_next: u32s(Section::TrigramNext)?,
            trigram_scores: f32s(Section::TrigramScores)?,
            trigram_counts: u32s(Section::TrigramCounts)?,
            log_unknown: f32::from_bits(*unknown),
            bos: id(*bos),
            eos: id(*eos),
            num: id(*num),
        };
        let n = m.counts.len();
        let nb = m.successors.len();
        let nt = m.trigram_next.len();
        let sizes_agree = m.word_offsets.len() == n + 1
            && m.log_unigram.len() == n
            && m.log_backoff.len() == n
            && m.fence_at.len() == n
            && m.successor_start.len() == n + 1
            && m.successor_scores.len() == nb
            && m.successor_counts.len() == nb
            && m.trigram_start.len() == nb + 1
            && m.trigram_backoff.len() == nb
            && m.trigram_scores.len() == nt
            && m.trigram_counts.len() == nt
            && m.shape_keys.len() == m.shape_data.len() / 2
            && m.shape_data.len().is_multiple_of(4)
            && m.vocab.len().is_power_of_two()
            && m.vocab.len() > n
            && m.filter.len().is_power_of_two()
            && m.filter.len() >= image::LINE
            && [m.bos, m.eos, m.num].iter().flatten().all(|&t| (t as usize) < n);
        if !sizes_agree {
            return Err(bad("model image tables do not agree in size"));
        }
        Ok(m)
    }

    /// Check every index the lookups follow, so that a damaged model file is refused instead
    /// of failing in the middle of a repair (reads the whole image).
    pub fn check_tables(&self) -> Result<()> {
        let n = self.counts.len() as u32;
        let ascending = |v: &[u32], last: usize| v.windows(2).all(|w| w[0] <= w[1]) && v.last() == Some(&(last as u32));
        let ok = ascending(self.word_offsets, self.word_bytes.len())
            && std::str::from_utf8(self.word_bytes).is_ok()
            && ascending(self.successor_start, self.successors.len())
            && ascending(self.trigram_start, self.trigram_next.len())
            && self.successors.iter().all(|&b| b < n)
            && self.trigram_next.iter().all(|&c| c < n)
            && self.vocab.iter().all(|&v| v <= n)
            && (0..n as usize).all(|a| {
                let len = (self.successor_start[a + 1] - self.successor_start[a]) as usize;
                let f = self.fence_at[a];
                if len > 2 * BLOCK {
                    (f as usize)
                        .checked_add(len.div_ceil(BLOCK))
                        .is_some_and(|end| end <= self.fences.len())
                } else {
                    true
                }
            })
            && self.shape_data.chunks(4).all(|d| {
                let (first, len, at, stride) = (d[0] as u64, d[1] as u64, d[2] as u64, d[3] as u64);
                first + len <= n as u64 && at + len * stride <= self.stars.len() as u64
            });
        if ok {
            Ok(())
        } else {
            Err(bad("model image tables are damaged"))
        }
    }

    /// Index counts into a model image (for tests and for models made on the fly).
    pub fn image_of(counts: &Counts) -> Image {
        Image::from_bytes(&counts.image_bytes("made from counts"))
    }

    /// Syllables (and context tokens).
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    pub fn bigram_count(&self) -> usize {
        self.successors.len()
    }

    pub fn trigram_count(&self) -> usize {
        self.trigram_next.len()
    }

    pub fn id(&self, syllable: &str) -> Option<u32> {
        let mask = self.vocab.len() - 1;
        let mut slot = word_hash(syllable) as usize & mask;
        loop {
            match self.vocab[slot] {
                0 => return None,
                v if self.word(v - 1) == syllable => return Some(v - 1),
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    pub fn word(&self, id: u32) -> &'a str {
        let (s, e) = (
            self.word_offsets[id as usize] as usize,
            self.word_offsets[id as usize + 1] as usize,
        );
        // Checked when a file's image is read; the built-in one is built from UTF-8.
        std::str::from_utf8(&self.word_bytes[s..e]).unwrap_or("")
    }

    pub fn count(&self, id: u32) -> u32 {
        self.counts[id as usize]
    }

    /// The context tokens' ids: segment start, segment end, number (`None` in a model
    /// counted without them).
    pub fn bos(&self) -> Option<u32> {
        self.bos
    }

    pub fn eos(&self) -> Option<u32> {
        self.eos
    }

    pub fn num(&self) -> Option<u32> {
        self.num
    }

    /// A token as the history of the next: `</s>` inside a lattice (punctuation a code page
    /// lost, see `lost`) ends one segment, so what follows it starts the next, as after `<s>`.
    #[inline]
    pub fn as_history(&self, w: Option<u32>) -> Option<u32> {
        if w.is_some() && w == self.eos { self.bos } else { w }
    }

    /// How many times the bigram `a b` was counted (0: not seen, or pruned).
    pub fn bigram_count_of(&self, a: u32, b: u32) -> u32 {
        self.bigram_index(a, b).map_or(0, |i| self.successor_counts[i])
    }

    /// How much two syllables stand together: the Dice coefficient of their counts, 2·c(a b)
    /// / (c(a) + c(b)) — near 1 for the parts of a name (`hà nội`), near 0 for a name and the
    /// word after it (`nội đã`).
    pub fn dice(&self, a: u32, b: u32) -> f64 {
        let both = self.bigram_count_of(a, b) as f64;
        let apart = self.count(a) as f64 + self.count(b) as f64;
        if apart == 0.0 { 0.0 } else { 2.0 * both / apart }
    }

    /// Syllables of this shape (see [`shape`]), most frequent first.
    pub fn with_shape(&self, shape: &str) -> Shape {
        let Some(k) = packed(shape) else {
            return Shape::default();
        };
        let (lo, hi) = (k as u64, (k >> 64) as u64);
        // Without a three-way branch a step: shapes are asked for in no order a branch
        // predictor could learn.
        let (keys, _) = self.shape_keys.as_chunks::<2>();
        let i = keys.partition_point(|k| (k[1], k[0]) < (hi, lo));
        if keys.get(i).is_some_and(|k| (k[1], k[0]) == (hi, lo)) {
            let d = &self.shape_data[4 * i..4 * i + 4];
            return Shape {
                first: d[0],
                len: d[1],
                stars_at: d[2],
                stride: d[3],
            };
        }
        Shape::default()
    }

    /// log P(w); `None` is a syllable the model does not know.
    #[inline]
    pub fn log_unigram(&self, w: Option<u32>) -> f64 {
        w.map_or(self.log_unknown, |i| self.log_unigram[i as usize]) as f64
    }

    /// log of the back-off weight of `w1`: every [`Model::log_bigram`]`(w1, w2)` of a known
    /// `w2` is at least this plus [`Model::log_unigram`]`(w2)` (an unseen pair scores exactly
    /// that). An unknown `w1` backs off entirely.
    #[inline]
    pub fn log_backoff(&self, w1: Option<u32>) -> f64 {
        w1.map_or(0.0, |a| self.log_backoff[a as usize] as f64)
    }

    /// log P(w2 | w1), interpolated absolute discounting (backing off to P(w2) alone when
    /// either syllable is unknown).
    #[inline]
    pub fn log_bigram(&self, w1: Option<u32>, w2: Option<u32>) -> f64 {
        self.log_bigram_among(w1, w2, &mut Successors::All)
    }

    /// Where the bigram `a b` is in the successor tables, if it was seen.
    #[inline]
    pub fn bigram_index(&self, a: u32, b: u32) -> Option<usize> {
        if !self.may_contain(a, b) {
            return None;
        }
        let i = self.lower_bound(a, b);
        (i < self.successor_start[a as usize + 1] as usize && self.successors[i] == b).then_some(i)
    }

    #[inline]
    fn may_contain(&self, a: u32, b: u32) -> bool {
        let (w, bits) = filter_slot(self.filter.len(), pair_key(a, b));
        self.filter[w] & bits == bits
    }

    /// [`Model::log_bigram`], for one of several second syllables with ids in `lo..=hi`:
    /// `among` remembers where those are among `w1`'s successors once one lookup has found
    /// them, so the next lookup searches a few entries instead of the whole list.
    #[inline]
    pub fn log_bigram_among(&self, w1: Option<u32>, w2: Option<u32>, among: &mut Successors) -> f64 {
        self.bigram_among(w1, w2, among).0
    }

    /// [`Model::log_bigram_among`], with where the bigram is in the successor tables.
    #[inline]
    fn bigram_among(&self, w1: Option<u32>, w2: Option<u32>, among: &mut Successors) -> (f64, u32) {
        let (Some(a), Some(b)) = (w1, w2) else {
            return (self.log_unigram(w2), NONE);
        };
        let unseen = || {
            (
                (self.log_backoff[a as usize] + self.log_unigram[b as usize]) as f64,
                NONE,
            )
        };
        if !self.may_contain(a, b) {
            return unseen();
        }
        let end = self.successor_start[a as usize + 1] as usize;
        let range = match *among {
            Successors::All => {
                let i = self.lower_bound(a, b);
                return match self.successors.get(i) {
                    Some(&s) if s == b && i < end => (self.successor_scores[i] as f64, i as u32),
                    _ => unseen(),
                };
            }
            Successors::Between(lo, hi) => {
                let from = self.lower_bound(a, lo);
                let to = self.lower_bound(a, hi.saturating_add(1));
                *among = Successors::Found(from as u32, to as u32);
                from..to
            }
            Successors::Found(from, to) => from as usize..to as usize,
        };
        match self.successors[range.clone()].binary_search(&b) {
            Ok(i) => (self.successor_scores[range.start + i] as f64, (range.start + i) as u32),
            Err(_) => unseen(),
        }
    }

    /// Each seen bigram `a c` whose `c` is one of a position's known candidates: `by_id`
    /// holds them as sorted (id, index), with ids in `lo..=hi`, and `from` is where `a`'s
    /// first successor of at least `lo` is; `seen(index, log P(c | a), where the bigram is
    /// in the successor tables)`. `a`'s successors in that range are walked once.
    #[inline]
    fn seen_bigrams(
        &self,
        a: u32,
        from: usize,
        by_id: &[(u32, usize)],
        hi: u32,
        mut seen: impl FnMut(usize, f32, u32),
    ) {
        if by_id.is_empty() {
            return;
        }
        let end = self.successor_start[a as usize + 1] as usize;
        let mut x = 0;
        for i in from..end {
            let b = self.successors[i];
            if b > hi {
                break;
            }
            while by_id.get(x).is_some_and(|&(c, _)| c < b) {
                x += 1;
            }
            let mut y = x;
            while let Some(&(c, at)) = by_id.get(y)
                && c == b
            {
                seen(at, self.successor_scores[i], i as u32);
                y += 1;
            }
        }
    }

    /// log P(w3 | w1 w2), backing off to [`Model::log_bigram`]`(w2, w3)` through the weight
    /// the trigrams of `w1 w2` leave (all of it when the pair was not seen).
    pub fn log_trigram(&self, w1: Option<u32>, w2: Option<u32>, w3: Option<u32>) -> f64 {
        let pair = match (w1, w2) {
            (Some(a), Some(b)) => self.bigram_index(a, b).map_or(NONE, |i| i as u32),
            _ => NONE,
        };
        let bigram = self.log_bigram(w2, w3);
        self.trigram_after(pair, w3, bigram)
    }

    /// log P(c | a b) for the seen bigram at `pair` ([`NONE`]: unseen), given log P(c | b).
    #[inline]
    fn trigram_after(&self, pair: u32, c: Option<u32>, log_bigram: f64) -> f64 {
        if pair == NONE {
            return log_bigram;
        }
        let p = pair as usize;
        let (s, e) = (self.trigram_start[p] as usize, self.trigram_start[p + 1] as usize);
        if let Some(c) = c
            && let Ok(i) = self.trigram_next[s..e].binary_search(&c)
        {
            return self.trigram_scores[s + i] as f64;
        }
        self.trigram_backoff[p] as f64 + log_bigram
    }

    /// Where the first of `a`'s successors with an id of at least `x` is (or would be).
    #[inline]
    fn lower_bound(&self, a: u32, x: u32) -> usize {
        let (start, end) = (
            self.successor_start[a as usize] as usize,
            self.successor_start[a as usize + 1] as usize,
        );
        let n = end - start;
        if n <= 2 * BLOCK {
            return start + self.successors[start..end].partition_point(|&b| b < x);
        }
        let f = self.fence_at[a as usize] as usize;
        let j = self.fences[f..f + n.div_ceil(BLOCK)].partition_point(|&b| b < x);
        if j == 0 {
            return start;
        }
        // Fence j - 1 is below x, fence j (if any) is not: the answer is in the block between.
        let lo = start + BLOCK * (j - 1) + 1;
        let hi = (start + BLOCK * j).min(end);
        lo + self.successors[lo..hi].partition_point(|&b| b < x)
    }

    /// The most likely path through a lattice under the trigram model: position `t` offers
    /// `slots[bounds[t]..bounds[t + 1]]` (a syllable or `None` for one the model does not
    /// know, and an extra log-cost); `path[t]` is the index of the chosen one within its
    /// position. Ties go to the earlier candidate.
    ///
    /// A second-order Viterbi search over states (candidate at `t - 1`, candidate at `t`),
    /// with a beam: states far below the best are not extended. The states are kept in rows,
    /// one per candidate at `t - 1` that some state within the beam leads to, each row the
    /// states into every candidate at `t`: a candidate no live state reaches gets no row, so
    /// the work follows the states within the beam (on the lossy lines of the broken-text set
    /// 45 states a position against 99 pairs of candidates), not the square of the candidates. Most trigrams a search asks about were
    /// never seen, and an unseen one scores the back-off weight of its first pair plus the
    /// bigram: for each row the best way in through an unseen trigram is found once, and only
    /// first pairs with seen trigrams are searched per candidate.
    pub fn best_path(&self, bounds: &[usize], slots: &[Slot], scratch: &mut PathScratch, path: &mut Vec<usize>) {
        let n = bounds.len().saturating_sub(1);
        path.clear();
        if n == 0 {
            return;
        }
        let PathScratch {
            pairs,
            score,
            back,
            rows,
            row_at,
            row_of,
            base,
            live,
            by_id,
            unigram,
            firsts,
        } = scratch;
        pairs.clear();
        score.clear();
        back.clear();
        rows.clear();
        row_at.clear();
        row_of.clear();
        let at = |t: usize| &slots[bounds[t]..bounds[t + 1]];
        // t = 0: one row, the candidates.
        row_at.push(0);
        rows.push((0, 0));
        let mut top = f64::NEG_INFINITY;
        for s in at(0) {
            let v = self.log_unigram(s.id) + s.cost;
            top = top.max(v);
            score.push(v);
            pairs.push(NONE);
            back.push(0);
        }
        for t in 1..n {
            let (prev_slots, here) = (at(t - 1), at(t));
            let (kp, k) = (prev_slots.len(), here.len());
            let prev_rows = row_at[t - 1]..rows.len();
            if prev_rows.is_empty() {
                // Nothing reached t - 1 (only with candidates of infinite cost).
                break;
            }
            let floor = top - PATH_BEAM;
            top = f64::NEG_INFINITY;
            // The known candidates here by id: a seen bigram or trigram names an id, and the
            // lists of them are walked once rather than searched once per candidate.
            by_id.clear();
            by_id.extend(here.iter().enumerate().filter_map(|(x, s)| s.id.map(|id| (id, x))));
            by_id.sort_unstable();
            let (lo, hi) = match (by_id.first(), by_id.last()) {
                (Some(&(lo, _)), Some(&(hi, _))) => (lo, hi),
                _ => (0, 0),
            };
            // log P(c) of each candidate here, `None` for an unknown one.
            unigram.clear();
            unigram.extend(here.iter().map(|c| c.id.map(|i| self.log_unigram[i as usize])));
            // The live states (h, i), row by row: for each i, the best way on through an
            // unseen trigram (ties to the earliest h, the rows being in order of h), and the
            // states whose seen trigrams could end in a candidate here.
            base.clear();
            base.resize(kp, (f64::NEG_INFINITY, 0));
            live.clear();
            for r in prev_rows {
                let (h, row) = rows[r];
                for (i, b) in base.iter_mut().enumerate() {
                    let v = score[row + i];
                    if v < floor {
                        continue;
                    }
                    let pair = pairs[row + i];
                    let through_unseen = if pair == NONE {
                        v
                    } else {
                        // Its trigrams, narrowed below to those that end in a candidate here.
                        let p = pair as usize;
                        let (start, end) = (self.trigram_start[p], self.trigram_start[p + 1]);
                        live.push((i as u32, h as u32, v, start, end));
                        v + self.trigram_backoff[p] as f64
                    };
                    if through_unseen > b.0 {
                        *b = (through_unseen, h);
                    }
                }
            }
            // The states' trigrams that end in one of the candidates at t (neighbouring ids:
            // they share a shape). Searched after the loop above has asked for every list,
            // so the lists are read from memory together rather than one after another.
            if by_id.is_empty() {
                live.clear();
            }
            live.retain_mut(|(_, _, _, start, end)| {
                let list = &self.trigram_next[*start as usize..*end as usize];
                let from = list.partition_point(|&c| c < lo);
                let to = from + list[from..].iter().take_while(|&&c| c <= hi).count();
                (*start, *end) = (*start + from as u32, *start + to as u32);
                from < to
            });
            // Grouped by i (within a group the order does not matter: ties go to the
            // smaller h below).
            live.sort_unstable_by_key(|l| l.0);
            // Where each live row's seen bigrams start among its successors, searched before
            // the rows are made, as the trigram lists above.
            firsts.clear();
            firsts.extend(
                prev_slots
                    .iter()
                    .zip(base.iter())
                    .map(|(prev, &(b, _))| match self.as_history(prev.id) {
                        Some(a) if b > f64::NEG_INFINITY && !by_id.is_empty() => self.lower_bound(a, lo),
                        _ => 0,
                    }),
            );
            row_at.push(rows.len());
            let mut next_live = 0;
            for (i, prev) in prev_slots.iter().enumerate() {
                let (b, b_arg) = base[i];
                if b == f64::NEG_INFINITY {
                    // No live state ends in i.
                    row_of.push(NONE);
                    continue;
                }
                let row = score.len();
                row_of.push(rows.len() as u32);
                rows.push((i, row));
                // The best way into each candidate: through an unseen trigram, and an unseen
                // bigram… After a `</s>` the pairs are those of `<s>`: the trigrams through
                // `x </s>` (none: `</s>` is always last) back off with weight one to them.
                let unknown = self.log_unknown;
                match self.as_history(prev.id) {
                    Some(a) => {
                        let backoff = self.log_backoff[a as usize];
                        score.extend(unigram.iter().map(|u| b + u.map_or(unknown, |u| backoff + u) as f64));
                        // …or a seen one…
                        let states = &mut score[row..];
                        pairs.extend(std::iter::repeat_n(NONE, k));
                        let pair_row = &mut pairs[row..];
                        self.seen_bigrams(a, firsts[i], by_id, hi, |x, bigram, at| {
                            states[x] = b + bigram as f64;
                            pair_row[x] = at;
                        });
                    }
                    None => {
                        score.extend(unigram.iter().map(|u| b + u.unwrap_or(unknown) as f64));
                        pairs.extend(std::iter::repeat_n(NONE, k));
                    }
                }
                back.extend(std::iter::repeat_n(b_arg as u32, k));
                // …or through a seen trigram.
                while live.get(next_live).is_some_and(|l| (l.0 as usize) < i) {
                    next_live += 1;
                }
                while let Some(&(li, h, v, s, e)) = live.get(next_live)
                    && li as usize == i
                {
                    next_live += 1;
                    let (s, e) = (s as usize, e as usize);
                    for (j, &id) in self.trigram_next[s..e].iter().enumerate() {
                        let mut x = by_id.partition_point(|&(c, _)| c < id);
                        while let Some(&(c, at_x)) = by_id.get(x)
                            && c == id
                        {
                            let w = v + self.trigram_scores[s + j] as f64;
                            let (best, arg) = (&mut score[row + at_x], &mut back[row + at_x]);
                            if w > *best || (w == *best && h < *arg) {
                                (*best, *arg) = (w, h);
                            }
                            x += 1;
                        }
                    }
                }
                for (v, c) in score[row..].iter_mut().zip(here) {
                    *v += c.cost;
                    top = top.max(*v);
                }
            }
            debug_assert_eq!(row_of.len(), bounds[t] - bounds[0]);
        }
        // The best final state, then back along the pointers.
        path.resize(n, 0);
        let last = row_at.len() - 1;
        let (mut top, mut arg) = (f64::NEG_INFINITY, None);
        for &(i, row) in &rows[row_at[last]..] {
            for (j, &v) in score[row..row + at(last).len()].iter().enumerate() {
                if v > top {
                    (top, arg) = (v, Some((i, j)));
                }
            }
        }
        let Some((mut i, mut j)) = arg else {
            return;
        };
        path[last] = j;
        for t in (1..=last).rev() {
            path[t - 1] = i;
            if t >= 2 {
                let (_, row) = rows[row_of[bounds[t - 1] - bounds[0] + i] as usize];
                let h = back[row + j] as usize;
                j = i;
                i = h;
            }
        }
    }
}

/// How far below the best path so far (in nats) a state of [`Model::best_path`] may fall and
/// still be extended.
const PATH_BEAM: f64 = 10.0;

/// One candidate of a lattice position (see [`Model::best_path`]).
#[derive(Clone, Copy, Debug)]
pub struct Slot {
    pub id: Option<u32>,
    pub cost: f64,
}

/// The tables [`Model::best_path`] fills, kept from one search to the next.
#[derive(Default)]
pub struct PathScratch {
    /// Per state: where the bigram of its two candidates is in the successor tables
    /// ([`NONE`] if unseen), its score, and the candidate before its first on its best way in.
    pairs: Vec<u32>,
    score: Vec<f64>,
    back: Vec<u32>,
    /// The rows of states: (the candidate at `t - 1`, where its states start), those of
    /// position `t` from `row_at[t]`.
    rows: Vec<(usize, usize)>,
    row_at: Vec<usize>,
    /// Each candidate's row at `t`, [`NONE`] for none: the candidates at `t - 1` of every
    /// position in turn, so candidate `i`'s is `row_of[bounds[t - 1] - bounds[0] + i]`.
    row_of: Vec<u32>,
    /// Per candidate at `t - 1`: the best live state through an unseen trigram, and its `h`.
    base: Vec<(f64, usize)>,
    /// Live states with seen trigrams: (i, h, score, the range of their trigrams that could
    /// end in a candidate here).
    live: Vec<(u32, u32, f64, u32, u32)>,
    /// The known candidates of the current position as (id, index), sorted.
    by_id: Vec<(u32, usize)>,
    /// log P(c) of each candidate of the current position (`None`: unknown).
    unigram: Vec<Option<f32>>,
    /// Per candidate at `t - 1`: where its first successor that could be a candidate here is.
    firsts: Vec<usize>,
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

/// Use this model for repairs in this process instead of the built-in one. Must be called
/// before the first repair; returns false if a model was already in use.
pub fn install(model: Model<'static>) -> bool {
    MODEL.set(model).is_ok()
}

/// Load the archive's own model (see the module docs) if it has one, and install it.
pub fn install_from_archive(archive: &Path) -> Result<bool> {
    let path = [archive_model_path(archive), archive_counts_path(archive)]
        .into_iter()
        .find(|p| p.exists());
    let Some(path) = path else {
        return Ok(false);
    };
    // The model serves the whole process, as the built-in one does.
    let image: &'static Image = Box::leak(Box::new(Image::read(&path)?));
    Ok(install(Model::from_image(image.bytes())?))
}

/// The built-in model.
pub fn embedded() -> Model<'static> {
    Model::from_image(&EMBEDDED.0).expect("the built-in model image is valid")
}

/// The model in use: an installed one, or the built-in one.
pub fn model() -> &'static Model<'static> {
    MODEL.get_or_init(embedded)
}

impl Counts {
    /// The counts a model was built from (to extend them).
    pub fn from_model(m: &Model) -> Counts {
        let mut c = Counts::default();
        for a in 0..m.len() as u32 {
            let w = m.word(a);
            if m.count(a) > 0 && !image::is_context_token(w) {
                c.add_unigram(w, m.count(a) as u64);
            }
            let (s, e) = (
                m.successor_start[a as usize] as usize,
                m.successor_start[a as usize + 1] as usize,
            );
            for i in s..e {
                let b = m.word(m.successors[i]);
                c.add_bigram(w, b, m.successor_counts[i] as u64);
                let (ts, te) = (m.trigram_start[i] as usize, m.trigram_start[i + 1] as usize);
                for t in ts..te {
                    c.add_trigram(w, b, m.word(m.trigram_next[t]), m.trigram_counts[t] as u64);
                }
            }
        }
        c
    }

    /// Read gzip-compressed counts (the count file format).
    pub fn from_gzip(bytes: &[u8]) -> Result<Counts> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|e| bad(format!("cannot read model counts: {e}")))?;
        let mut c = Counts::default();
        c.add_count_text(&text).map_err(bad)?;
        Ok(c)
    }

    /// Write gzip-compressed counts (the count file format).
    pub fn write_gzip(&self, out: impl Write, provenance: &str) -> Result<()> {
        let mut gz = flate2::write::GzEncoder::new(out, flate2::Compression::best());
        self.write_count_text(&mut gz, provenance).map_err(output)?;
        gz.finish().map_err(output)?;
        Ok(())
    }

    /// Add the files of a count directory (the format of `shared/lm`: `key<TAB>count`):
    /// `vi-syllable-unigrams.tsv` and `vi-syllable-bigrams.tsv`, and where present
    /// `vi-syllable-trigrams.tsv`, `vi-context-bigrams.tsv` and `vi-context-trigrams.tsv`.
    pub fn add_count_dir(&mut self, dir: &Path) -> Result<Vec<&'static str>> {
        let mut read = Vec::new();
        for (name, required) in [
            ("vi-syllable-unigrams.tsv", true),
            ("vi-syllable-bigrams.tsv", true),
            ("vi-syllable-trigrams.tsv", false),
            ("vi-context-bigrams.tsv", false),
            ("vi-context-trigrams.tsv", false),
        ] {
            let path = dir.join(name);
            if !required && !path.exists() {
                continue;
            }
            let text = std::fs::read_to_string(&path).at(&path)?;
            for line in text.lines() {
                let Some((key, count)) = line.split_once('\t') else {
                    continue;
                };
                let count: u64 = count
                    .trim()
                    .parse()
                    .map_err(|_| bad(format!("{}: bad count in {line:?}", path.display())))?;
                let key = super::nfc(key);
                let gram: Vec<&str> = key.split(' ').collect();
                self.add(&gram, count);
            }
            read.push(name);
        }
        Ok(read)
    }

    /// Count the syllables of running text, split as the shipped counts were made: a line is
    /// cut into segments at punctuation (not at the `.` or `,` inside a number), each segment
    /// framed by `<s>` and `</s>`; a piece of the Vietnamese alphabet is a syllable, a number
    /// is `<num>`, anything else (a foreign word, digits joined to letters) is a gap no n-gram
    /// spans.
    pub fn add_text(&mut self, text: &str) {
        self.add_text_weighted(text, 1);
    }

    /// [`Counts::add_text`], each occurrence counting `weight` times (for small in-domain texts).
    pub fn add_text_weighted(&mut self, text: &str, weight: u64) {
        for line in text.lines() {
            for segment in segments(line) {
                let mut window: Vec<&str> = Vec::with_capacity(3);
                for piece in &segment {
                    let Some(piece) = piece else {
                        window.clear();
                        continue;
                    };
                    if !image::is_context_token(piece) {
                        self.add_unigram(piece, weight);
                    }
                    window.push(piece);
                    if window.len() > 3 {
                        window.remove(0);
                    }
                    for k in 2..=window.len() {
                        self.add(&window[window.len() - k..], weight);
                    }
                }
            }
        }
    }
}

/// A line's segments (see [`Counts::add_text`]): each a list of pieces — a syllable (lower
/// case, NFC), a context token, or `None` for a gap.
fn segments(line: &str) -> Vec<Vec<Option<String>>> {
    let mut out = Vec::new();
    let mut current: Vec<Option<String>> = Vec::new();
    let close = |current: &mut Vec<Option<String>>, out: &mut Vec<Vec<Option<String>>>| {
        if !current.is_empty() {
            let mut seg = vec![Some(BOS.to_owned())];
            seg.append(current);
            seg.push(Some(EOS.to_owned()));
            out.push(seg);
        }
    };
    for token in line.split_whitespace() {
        let chars: Vec<(usize, char)> = token.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            if !c.is_alphanumeric() || c == '_' {
                // Punctuation ends a segment.
                close(&mut current, &mut out);
                i += 1;
                continue;
            }
            // A piece: letters and digits, runs joined across a `.` or `,` between digits.
            let mut j = i;
            loop {
                while j < chars.len() && chars[j].1.is_alphanumeric() && chars[j].1 != '_' {
                    j += 1;
                }
                let joins = j + 1 < chars.len()
                    && matches!(chars[j].1, '.' | ',')
                    && chars[j - 1].1.is_ascii_digit()
                    && chars[j + 1].1.is_ascii_digit();
                if !joins {
                    break;
                }
                j += 1;
            }
            let end = chars.get(j).map_or(token.len(), |&(at, _)| at);
            let piece = &token[start..end];
            current.push(if context::is_number(piece) {
                Some(NUM.to_owned())
            } else if piece.chars().all(is_vietnamese_letter) {
                Some(super::nfc(&piece.to_lowercase()).into_owned())
            } else {
                None
            });
            i = j;
        }
    }
    close(&mut current, &mut out);
    out
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
    fn built_in_model_knows_common_syllables() {
        let m = model();
        assert!(m.len() > 10_000);
        let lay = m.id("lấy").expect("lấy");
        let lai = m.id("lại").expect("lại");
        let loi = m.id("lời").expect("lời");
        assert_eq!(m.word(lay), "lấy");
        assert!(m.log_bigram(Some(lay), Some(lai)) > m.log_bigram(Some(lay), Some(loi)));
        assert!(m.with_shape("l*y").ids().contains(&lay));
        let (_, stars) = m.with_shape("l*y").entries(m).find(|(id, _)| *id == lay).unwrap();
        assert_eq!(stars, ['ấ' as u32]);
        assert!(m.with_shape("qqqq").ids().is_empty());
        // Every syllable is found among those of its shape (the search over the shapes' keys;
        // a word too long for a shape's key has none).
        let shaped = |id: u32| !image::is_context_token(m.word(id)) && packed(&shape(m.word(id))).is_some();
        for id in (0..m.len() as u32).filter(|&id| shaped(id)) {
            assert!(m.with_shape(&shape(m.word(id))).ids().contains(&id), "{}", m.word(id));
        }
        assert!(m.bigram_count() > 100_000 && m.trigram_count() > 100_000);
        m.check_tables().unwrap();
    }

    #[test]
    fn numbers_and_segment_starts_are_context() {
        let m = model();
        let (num, bos) = (m.num().expect("<num>"), m.bos().expect("<s>"));
        let dong = m.id("đồng");
        let dong_verb = m.id("động");
        assert!(m.log_bigram(Some(num), dong) > m.log_bigram(Some(num), dong_verb));
        let trieu = m.id("triệu");
        assert!(m.log_trigram(Some(num), trieu, dong) > m.log_trigram(Some(num), trieu, dong_verb));
        assert!(m.log_bigram(Some(bos), m.id("lấy")) > m.log_unigram(m.id("lấy")) - 1.0);
    }

    #[test]
    fn a_search_through_the_fences_finds_what_a_search_of_the_whole_list_finds() {
        let m = model();
        let long: Vec<u32> = (0..m.len() as u32)
            .filter(|&a| (m.successor_start[a as usize + 1] - m.successor_start[a as usize]) as usize > 2 * BLOCK)
            .collect();
        assert!(long.len() > 100, "the model has long successor lists");
        for &a in long.iter().step_by(7) {
            let (s, e) = (
                m.successor_start[a as usize] as usize,
                m.successor_start[a as usize + 1] as usize,
            );
            let list = &m.successors[s..e];
            let probes = list
                .iter()
                .flat_map(|&b| [b.saturating_sub(1), b, b + 1])
                .chain([0, u32::MAX]);
            for x in probes.step_by(5) {
                let expected = s + list.partition_point(|&b| b < x);
                assert_eq!(m.lower_bound(a, x), expected, "lower bound of {x} in {s}..{e}");
            }
        }
    }

    #[test]
    fn counting_text_splits_like_the_shipped_counts() {
        let mut c = Counts::default();
        c.add_text("Xi-nhan, Hà Nội 2019 và\nHà Nội giá 100.000 đồng, 1.000.000đ ça va bien");
        assert_eq!(c.unigram("hà"), 2);
        assert_eq!(c.bigram("hà", "nội"), 2);
        assert_eq!(c.bigram("xi", "nhan"), 0);
        assert_eq!(c.bigram("nhan", "hà"), 0);
        assert_eq!(c.bigram("nội", "và"), 0);
        assert_eq!(c.unigram("2019"), 0);
        assert_eq!(c.bigram("nội", NUM), 1);
        assert_eq!(c.trigram("giá", NUM, "đồng"), 1);
        assert_eq!(c.bigram(BOS, "xi"), 1);
        assert_eq!(c.bigram("xi", EOS), 1);
        assert_eq!(c.bigram("đồng", EOS), 1);
        // Digits joined to letters and foreign words are gaps: no n-gram spans them, and they
        // neither start nor end a segment.
        assert_eq!(c.bigram(BOS, "va"), 0);
        assert_eq!(c.trigram("va", "bien", EOS), 1);
        assert_eq!(c.unigram("ça"), 0);
    }

    #[test]
    fn a_model_image_round_trips_its_counts() {
        let mut c = Counts::default();
        c.add_text("lấy lại mã bảo mật lấy lại");
        let image = Model::image_of(&c);
        let m = Model::from_image(image.bytes()).unwrap();
        m.check_tables().unwrap();
        assert_eq!(m.count(m.id("lấy").unwrap()), 2);
        let back = Counts::from_model(&m);
        assert_eq!(back.unigram("lấy"), 2);
        assert_eq!(back.bigram("lấy", "lại"), 2);
        assert_eq!(back.trigram("lấy", "lại", "mã"), 1);
        assert_eq!(back.bigram(BOS, "lấy"), 1);
        let mut gz = Vec::new();
        back.write_gzip(&mut gz, "test").unwrap();
        assert_eq!(Counts::from_gzip(&gz).unwrap().trigram("mã", "bảo", "mật"), 1);
    }

    #[test]
    fn a_damaged_image_is_refused() {
        let mut c = Counts::default();
        c.add_text("lấy lại mã bảo mật");
        let image = Model::image_of(&c);
        assert!(Model::from_image(&image.bytes()[..image.bytes().len() / 2]).is_err());
        let mut bytes = image.bytes().to_vec();
        bytes[0] ^= 1;
        assert!(Model::from_image(Image::from_bytes(&bytes).bytes()).is_err());
    }

    /// Regression: the search walks each seen bigram's and trigram's list once against the
    /// candidates sorted by id; candidates out of id order, an id offered twice and an
    /// unknown syllable must score as the plain sum of the model's log-probabilities does.
    #[test]
    fn the_best_path_is_the_best_of_all_paths() {
        let m = embedded();
        let slot = |w: &str, cost: f64| Slot { id: m.id(w), cost };
        let positions: Vec<Vec<Slot>> = vec![
            vec![slot("lay", 0.0), slot("lấy", -0.3), slot("láy", 0.0), slot("lây", -1.0)],
            vec![
                slot("lài", 0.0),
                slot("lại", -2.0),
                slot("lai", 0.0),
                slot("lái", -0.2),
                slot("lại", 0.0),
            ],
            vec![
                slot("ma", 0.0),
                slot("mà", 0.0),
                slot("xqzv", 0.0),
                slot("mã", -0.4),
                slot("má", 0.0),
            ],
            vec![slot("bão", 0.0), slot("bao", 0.0), slot("báo", -0.1), slot("bảo", -0.5)],
            vec![
                slot("mật", -3.0),
                slot("mặt", 0.0),
                slot("mất", -0.2),
                slot("mật", -0.6),
                slot("mắt", 0.0),
            ],
            // A word as written (one candidate), and one with an unknown reading.
            vec![slot("của", 0.0)],
            vec![slot("xqzv", 0.0), slot("bạn", -0.2), slot("bán", 0.0)],
        ];
        let mut bounds = vec![0];
        let slots: Vec<Slot> = positions.iter().flatten().copied().collect();
        for p in &positions {
            bounds.push(bounds.last().unwrap() + p.len());
        }
        let score = |path: &[usize]| {
            let w = |t: usize| positions[t][path[t]];
            (0..path.len())
                .map(|t| {
                    w(t).cost
                        + match t {
                            0 => m.log_unigram(w(0).id),
                            1 => m.log_bigram(w(0).id, w(1).id),
                            _ => m.log_trigram(w(t - 2).id, w(t - 1).id, w(t).id),
                        }
                })
                .sum::<f64>()
        };
        // Every prefix of the lattice, searched exhaustively and by `best_path`, whose rows of
        // states must lead back to the best path of each length.
        for n in 1..=positions.len() {
            let mut best = f64::NEG_INFINITY;
            let mut path = vec![0; n];
            loop {
                best = best.max(score(&path));
                // The next path, as an odometer.
                let Some(t) = (0..n).rev().find(|&t| path[t] + 1 < positions[t].len()) else {
                    break;
                };
                path[t] += 1;
                path[t + 1..].iter_mut().for_each(|x| *x = 0);
            }
            let mut found = Vec::new();
            m.best_path(&bounds[..=n], &slots, &mut PathScratch::default(), &mut found);
            assert_eq!(found.len(), n);
            assert!(
                (score(&found) - best).abs() < 1e-9,
                "{n} positions, {found:?}: {} < {best}",
                score(&found)
            );
        }
    }

    /// A model of these texts, each counted five times.
    fn counted(texts: &[&str]) -> Image {
        let mut c = Counts::default();
        for _ in 0..5 {
            texts.iter().for_each(|t| c.add_text(t));
        }
        Model::image_of(&c)
    }

    /// Regression: each state of a row keeps its own way in — here the word before `bình`
    /// depends on the word after it.
    #[test]
    fn the_best_path_keeps_each_states_own_way_in() {
        let image = counted(&["an bình cư", "yên bình dân"]);
        let m = Model::from_image(image.bytes()).unwrap();
        let slot = |w: &str, cost: f64| Slot { id: m.id(w), cost };
        for (last, want) in [(0.0, [0, 0, 0]), (-3.0, [1, 0, 1])] {
            let slots = [
                slot("an", 0.0),
                slot("yên", 0.0),
                slot("bình", 0.0),
                slot("cư", last),
                slot("dân", 0.0),
            ];
            let mut path = Vec::new();
            m.best_path(&[0, 2, 3, 5], &slots, &mut PathScratch::default(), &mut path);
            assert_eq!(path, want, "cư at {last}");
        }
    }

    #[test]
    fn the_best_path_follows_the_trigrams() {
        let image = counted(&["lấy lại mã bảo mật", "lấy lời khai"]);
        let m = Model::from_image(image.bytes()).unwrap();
        let slot = |w: &str| Slot { id: m.id(w), cost: 0.0 };
        let slots = [
            slot("lấy"),
            slot("lời"),
            slot("lại"),
            slot("mã"),
            slot("khai"),
            slot("bảo"),
            slot("mật"),
        ];
        let bounds = [0, 1, 3, 5, 6, 7];
        let mut path = Vec::new();
        m.best_path(&bounds, &slots, &mut PathScratch::default(), &mut path);
        assert_eq!(path, [0, 1, 0, 0, 0]);
    }
}
