//! `lost` keeps the articles whose raw response a crash took: when [`super::warc::recover`]
//! has to cut more than a torn record off a WARC file (a disk that lost writes, a copy cut
//! short), article files written before the crash may point into the part cut off. Each
//! such revision is listed in `<archive>/lost-records.jsonl`, for good: the loss is part of
//! the archive's history. While a lost revision is its article's current one, the crawl
//! queues its URL first and writes a new revision (with a record) even when the text is the
//! same; the entry then says which revision replaced it, and `vnnews verify` reports the
//! loss as known and repaired rather than as damage.
//!
//! The file is rewritten atomically.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

use super::warc::WarcRef;
use crate::error::Result;

/// The list's file name, at the archive's root.
pub const LOST_FILE: &str = "lost-records.jsonl";

/// A current article revision whose WARC record is gone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LostRecord {
    pub id: String,
    pub revision: u32,
    /// The revision's file, relative to the archive's root.
    pub path: PathBuf,
    /// The URL to fetch again, and the site (by its configured name) it belongs to.
    pub url: String,
    pub site: String,
    /// Where the record was.
    pub warc: WarcRef,
    /// The revision, fetched again, that replaced this one (none yet: still to re-fetch).
    #[serde(default)]
    pub refetched_as: Option<u32>,
}

/// The list as stored; a line that cannot be read is skipped with a warning (what it named
/// is found again by `vnnews verify`, as a missing record).
pub(super) fn load(root: &Path) -> Vec<LostRecord> {
    let path = root.join(LOST_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| match serde_json::from_str(l) {
            Ok(r) => Some(r),
            Err(e) => {
                tracing::warn!("{}: skipping an unreadable line: {e}", path.display());
                None
            }
        })
        .collect()
}

/// Replace the stored list (atomically).
pub(super) fn save(root: &Path, records: &[LostRecord]) -> Result<()> {
    let path = root.join(LOST_FILE);
    if records.is_empty() && !path.exists() {
        return Ok(());
    }
    let mut out = Vec::new();
    for r in records {
        out.extend(serde_json::to_vec(r).expect("a LostRecord serialises"));
        out.push(b'\n');
    }
    super::write_atomic(&path, &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> LostRecord {
        LostRecord {
            id: id.to_owned(),
            revision: 1,
            path: PathBuf::from(format!("s/undated/{id}.json")),
            url: format!("http://127.0.0.1/{id}"),
            site: "s".to_owned(),
            warc: WarcRef {
                file: "a.warc.gz".to_owned(),
                offset: 10,
                length: 20,
                record_id: "<urn:uuid:x>".to_owned(),
            },
            refetched_as: None,
        }
    }

    #[test]
    fn round_trips_and_skips_a_torn_line() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).is_empty());
        save(dir.path(), &[]).unwrap();
        assert!(!dir.path().join(LOST_FILE).exists(), "no file for an empty list");
        save(dir.path(), &[record("a"), record("b")]).unwrap();
        assert_eq!(load(dir.path()), vec![record("a"), record("b")]);
        let mut text = std::fs::read_to_string(dir.path().join(LOST_FILE)).unwrap();
        text.push_str("{\"id\": \"c\", \"revi");
        std::fs::write(dir.path().join(LOST_FILE), text).unwrap();
        assert_eq!(load(dir.path()).len(), 2);
        save(dir.path(), &[]).unwrap();
        assert!(load(dir.path()).is_empty());
    }
}
