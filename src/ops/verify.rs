//! `verify` is fsck for an archive: every revision file parses, every WARC reference it holds
//! resolves to a record whose block digest matches and whose target is the article's URL,
//! and the index holds exactly the current revision of every readable article. It reads only;
//! what it finds is a list of [`Problem`]s, each naming the file it concerns. A record a
//! crash took and a re-fetch has replaced (`lost-records.jsonl`, see
//! [`crate::archive::LostRecord`]) is a known loss, listed apart: it is history, not damage.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::archive::{Archive, warc};
use crate::error::{Error, Result};
use crate::index;

/// What is wrong, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// An article file that cannot be read or parsed.
    UnreadableArticle,
    /// A WARC reference that leads to no whole record (missing file, cut file, bad offset).
    MissingRecord,
    /// A current revision whose record crash recovery cut off, not yet fetched again (the
    /// next crawl of its site does).
    LostRecord,
    /// The record is there but its block does not hash to its `WARC-Block-Digest`.
    DigestMismatch,
    /// The record is of another URL than the article's fetch.
    WrongRecord,
    /// A readable current article without a document in the index, or with an older one.
    NotIndexed,
    /// A document in the index for an article the archive does not hold.
    IndexedNotArchived,
    /// The index cannot be opened or read.
    UnreadableIndex,
}

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The file concerned (article JSON, WARC file, or the index directory).
    pub path: String,
    pub detail: String,
}

/// What `verify` checked and found.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub article_files: usize,
    pub warc_records: usize,
    pub indexed: usize,
    pub problems: Vec<Problem>,
    /// Revisions whose record crash recovery cut off and that a re-fetch has replaced.
    pub known_losses: Vec<KnownLoss>,
}

/// A lost record, replaced.
#[derive(Debug, Clone, Serialize)]
pub struct KnownLoss {
    /// The revision's file.
    pub path: String,
    /// The revision that replaced it.
    pub replaced_by: u32,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, kind: ProblemKind, path: impl Into<String>, detail: impl Into<String>) {
        self.problems.push(Problem {
            kind,
            path: path.into(),
            detail: detail.into(),
        });
    }
}

/// Check the archive (and its index, when it has one).
pub fn verify(archive: &Archive) -> Result<Report> {
    let mut report = Report::default();
    let warc_dir = archive.warc_dir();
    let mut current: HashMap<String, u32> = HashMap::new();
    let lost: HashMap<(&str, u32), Option<u32>> = archive
        .lost_records()
        .iter()
        .map(|l| ((l.id.as_str(), l.revision), l.refetched_as))
        .collect();
    for (id, revision, rel) in archive.revision_files() {
        report.article_files += 1;
        let stored = match archive.read_file(&rel) {
            Ok(s) => s,
            Err(Error::UnreadableArticle { path, reason }) => {
                report.problem(ProblemKind::UnreadableArticle, path.display().to_string(), reason);
                continue;
            }
            Err(e) => return Err(e),
        };
        if archive.revision_of(&id) == Some(revision) {
            current.insert(id.clone(), revision);
        }
        let Some(at) = &stored.fetch.warc else { continue };
        let json = rel.display().to_string();
        report.warc_records += 1;
        let record = match warc::read_at(&warc_dir, at) {
            Ok(r) => r,
            Err(_) if lost.contains_key(&(id.as_str(), revision)) => {
                match lost[&(id.as_str(), revision)] {
                    Some(replaced_by) => report.known_losses.push(KnownLoss {
                        path: json,
                        replaced_by,
                    }),
                    None => report.problem(
                        ProblemKind::LostRecord,
                        json,
                        format!(
                            "{} at {}: cut off by crash recovery; {} is queued for re-fetch",
                            at.file, at.offset, stored.article.url
                        ),
                    ),
                }
                continue;
            }
            Err(e) => {
                report.problem(
                    ProblemKind::MissingRecord,
                    json,
                    format!("{} at {}: {e}", at.file, at.offset),
                );
                continue;
            }
        };
        let digest = format!("sha256:{:x}", Sha256::digest(&record.block));
        match record.header("WARC-Block-Digest") {
            Some(d) if d.eq_ignore_ascii_case(&digest) => {}
            stated => report.problem(
                ProblemKind::DigestMismatch,
                json.clone(),
                format!(
                    "{} at {}: block hashes to {digest}, the record says {}",
                    at.file,
                    at.offset,
                    stated.unwrap_or("nothing")
                ),
            ),
        }
        if record.header("WARC-Target-URI") != Some(stored.fetch.final_url.as_str()) {
            report.problem(
                ProblemKind::WrongRecord,
                json,
                format!(
                    "{} at {} is of {}, the article was fetched from {}",
                    at.file,
                    at.offset,
                    record.header("WARC-Target-URI").unwrap_or("no URL"),
                    stored.fetch.final_url
                ),
            );
        }
    }
    let index_dir = archive.index_dir();
    let shown = index_dir.display().to_string();
    match index::open_for_reading(&index_dir).and_then(|ix| match ix {
        Some(ix) => index::indexed_revisions(&ix).map(Some),
        None => Ok(None),
    }) {
        Ok(Some(indexed)) => {
            report.indexed = indexed.len();
            let mut ids: Vec<&String> = current.keys().collect();
            ids.sort();
            for id in ids {
                let rev = current[id];
                match indexed.get(id) {
                    Some(&r) if r == u64::from(rev) => {}
                    Some(&r) => report.problem(
                        ProblemKind::NotIndexed,
                        shown.clone(),
                        format!("{id}: revision {rev} archived, {r} indexed"),
                    ),
                    None => report.problem(
                        ProblemKind::NotIndexed,
                        shown.clone(),
                        format!("{id}: not in the index"),
                    ),
                }
            }
            let mut extra: Vec<&String> = indexed.keys().filter(|id| archive.revision_of(id).is_none()).collect();
            extra.sort();
            for id in extra {
                report.problem(
                    ProblemKind::IndexedNotArchived,
                    shown.clone(),
                    format!("{id}: indexed, not archived"),
                );
            }
        }
        Ok(None) if current.is_empty() => {}
        Ok(None) => report.problem(ProblemKind::NotIndexed, shown, "no index: run `vnnews reindex`"),
        Err(e) => report.problem(ProblemKind::UnreadableIndex, shown, e.to_string()),
    }
    Ok(report)
}
