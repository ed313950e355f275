//! Build the syllable model lost-letter and mark restoration use: from count files or the
//! built-in model's counts, plus the syllables of texts and, to adapt it to a user's portals,
//! of every archived article; pruned, and written atomically — as a model image (by default
//! into the archive, where every command then reads it in place of the built-in one), or as
//! gzip counts (the form the built-in model's counts are kept in, `*.tsv.gz`).

use std::path::{Path, PathBuf};

use crate::archive::{self, Archive};
use crate::decode::{self, lm};
use crate::error::{IoContext, Result};

/// Where the counts come from.
#[derive(Clone)]
pub struct Sources<'a> {
    /// A directory of count files (see [`lm::Counts::add_count_dir`]); the built-in model's
    /// counts when `None`.
    pub counts: Option<&'a Path>,
    /// Text files whose syllables are added, each occurrence `text_weight` times.
    pub texts: &'a [PathBuf],
    pub text_weight: u64,
    /// An archive whose articles' text is added.
    pub archive: Option<&'a Archive>,
    pub min_unigram: u64,
    pub min_bigram: u64,
    pub min_trigram: u64,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Built {
    pub syllables: usize,
    pub bigrams: usize,
    pub trigrams: usize,
    pub bytes: usize,
}

/// What a model file holds, by its name: gzip counts (`*.gz`) or an image (anything else).
pub fn writes_counts(out: &Path) -> bool {
    out.extension().is_some_and(|e| e == "gz")
}

/// Count, prune and write the model to `out`.
pub fn build(src: &Sources, out: &Path) -> Result<Built> {
    let mut provenance = vec!["vnnews syllable model v2 (trigrams with <s>, </s>, <num> context)".to_owned()];
    let mut counts = match src.counts {
        Some(dir) => {
            let mut c = lm::Counts::default();
            let files = c.add_count_dir(dir)?;
            provenance.push(format!("source: {} (see src/decode/model/README.md)", files.join(", ")));
            c
        }
        None => {
            provenance.push("source: the built-in vnnews model".into());
            lm::Counts::from_model(&lm::embedded())
        }
    };
    for t in src.texts {
        let text = std::fs::read_to_string(t).at(t)?;
        counts.add_text_weighted(&decode::nfc(&text), src.text_weight);
        provenance.push(format!(
            "plus: {} (weight {})",
            t.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            src.text_weight
        ));
    }
    if let Some(archive) = src.archive {
        let mut n = 0;
        for s in archive.readable() {
            let s = s?;
            let art = &s.article;
            for part in [
                art.title.as_deref().unwrap_or(""),
                art.lead.as_deref().unwrap_or(""),
                &art.body,
            ] {
                counts.add_text(part);
            }
            n += 1;
        }
        provenance.push(format!("plus: {n} articles of the archive"));
    }
    provenance.push(format!(
        "pruned: unigrams >= {}, bigrams >= {}, trigrams >= {}",
        src.min_unigram, src.min_bigram, src.min_trigram
    ));
    let counts = counts.pruned(src.min_unigram, src.min_bigram, src.min_trigram);
    let provenance = provenance.join("\n");
    let mut buf = Vec::new();
    if writes_counts(out) {
        counts.write_gzip(&mut buf, &provenance)?;
    } else {
        buf = counts.image_bytes(&provenance);
    }
    archive::write_atomic(out, &buf)?;
    let (syllables, bigrams, trigrams) = counts.sizes();
    Ok(Built {
        syllables,
        bigrams,
        trigrams,
        bytes: buf.len(),
    })
}
