//! `ops` holds the operations over a whole archive that the command line offers besides
//! crawling and searching: [`stats`] (what the archive holds), [`reextract`] (decoding and
//! extraction re-run over the archived responses), [`lexicon`] (a syllable model built from
//! counts, texts and the archive), [`find`] (an article by id, id prefix or URL), [`diff`] (what
//! changed between two revisions, word by word), [`changes`], [`cite`], [`documents`] (official documents cited, with counts), [`status`] (runs and
//! site health, from the crawl state) and [`verify`] (fsck for
//! an archive). They sit above
//! `archive` and `index` and below `cli`, which only parses flags and prints.

pub mod changes;
pub mod cite;
pub mod diff;
pub mod documents;
pub mod find;
pub mod lexicon;
pub mod reextract;
pub mod stats;
pub mod status;
pub mod verify;
