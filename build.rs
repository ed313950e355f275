//! Compiles the built-in syllable model: the counts in `src/decode/model/vi-syllables.tsv.gz`
//! become the model image the library embeds (`$OUT_DIR/vi-syllables.vnlm`), computed by the
//! same code (`src/decode/lm/image.rs`) that `vnnews lexicon build` uses for an archive's model.

use std::io::Read;
use std::path::Path;

#[path = "src/decode/letters.rs"]
mod letters;
use letters::is_vietnamese_letter;

#[path = "src/decode/lm/image.rs"]
#[allow(dead_code)]
mod image;

const COUNTS: &str = "src/decode/model/vi-syllables.tsv.gz";

fn main() {
    for input in [COUNTS, "src/decode/lm/image.rs", "src/decode/letters.rs", "build.rs"] {
        println!("cargo::rerun-if-changed={input}");
    }
    let gz = std::fs::read(COUNTS).unwrap_or_else(|e| panic!("{COUNTS}: {e}"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{COUNTS}: {e}"));
    let mut counts = image::Counts::default();
    counts.add_count_text(&text).unwrap_or_else(|e| panic!("{COUNTS}: {e}"));
    let provenance: Vec<&str> = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect();
    let bytes = counts.image_bytes(&provenance.join("\n"));
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("vi-syllables.vnlm");
    std::fs::write(&out, bytes).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
