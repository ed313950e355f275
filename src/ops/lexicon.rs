//! Build the syllable model lost-letter repair uses: from count files or the built-in model,
//! plus the syllables of texts and, to adapt it to a user's portals, of every archived
//! article; pruned, written atomically (by default into the archive, where repairs then
//! pick it up in place of the built-in one).

use std::path::{Path, PathBuf};

use crate::archive::{self, Archive};
use crate::decode::{self, lm};
use crate::error::{IoContext, Result};

/// Where the counts come from.
#[derive(Clone)]
pub struct Sources<'a> {
    /// A directory with `vi-syllable-unigrams.tsv` and `vi-syllable-bigrams.tsv`; the
    /// built-in model when `None`.
    pub counts: Option<&'a Path>,
    /// Text files whose syllables are added, each occurrence `text_weight` times.
    pub texts: &'a [PathBuf],
    pub text_weight: u64,
    /// An archive whose articles' text is added.
    pub archive: Option<&'a Archive>,
    pub min_unigram: u64,
    pub min_bigram: u64,
}

/// What was written.
#[derive(Debug, Clone)]
pub struct Built {
    pub syllables: usize,
    pub bigrams: usize,
    pub bytes: usize,
}

/// Count, prune and write the model to `out`.
pub fn build(src: &Sources, out: &Path) -> Result<Built> {
    let mut provenance = vec!["vnnews syllable model v1".to_owned()];
    let mut counts = match src.counts {
        Some(dir) => {
            let mut c = lm::Counts::default();
            c.add_count_files(
                &dir.join("vi-syllable-unigrams.tsv"),
                &dir.join("vi-syllable-bigrams.tsv"),
            )?;
            provenance.push("source: syllable unigram/bigram counts (see src/decode/model/README.md)".into());
            c
        }
        None => {
            provenance.push("source: the built-in vnnews model".into());
            lm::Counts::read_model(lm::Model::embedded_bytes())?
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
        "pruned: unigrams >= {}, bigrams >= {}",
        src.min_unigram, src.min_bigram
    ));
    let mut buf = Vec::new();
    let (syllables, bigrams) = counts.write_model(&mut buf, &provenance.join("\n"), src.min_unigram, src.min_bigram)?;
    archive::write_atomic(out, &buf)?;
    Ok(Built {
        syllables,
        bigrams,
        bytes: buf.len(),
    })
}
