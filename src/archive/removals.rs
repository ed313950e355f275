//! `removals` keeps what became of archived articles on their portals: when a crawl sees an
//! article's URL answer 404 or 410, redirect to a page that is not the article (the home
//! page, a listing), or answer with the page the portal shows for a missing page, the
//! article is marked **gone**; when it answers with the article again, **restored**. Marks
//! are appended to `<archive>/removals.jsonl` (one JSON object per line, fsynced), never
//! rewritten: the log is the history, and an article's presence is its last mark. Nothing
//! archived is deleted.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

use crate::error::Result;

/// The log's file name, at the archive's root.
pub const FILE: &str = "removals.jsonl";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Gone,
    Restored,
}

/// One observed change of an article's presence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    pub id: String,
    pub url: String,
    pub change: Change,
    /// When the crawl saw it (RFC 3339, UTC).
    pub at: String,
    /// The last time before that the URL answered with the article, when known.
    pub last_seen_present: Option<String>,
    /// What was seen: `HTTP 404`, `redirect to …`, `a page like the portal's page for a
    /// missing address`, `the article again`.
    pub evidence: String,
}

/// An article's presence on its portal, from its last mark.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Presence {
    Present,
    Gone {
        /// First seen gone.
        since: String,
        last_seen_present: Option<String>,
        evidence: String,
    },
    Restored {
        since: String,
        /// When it had been found gone.
        gone_since: String,
    },
}

impl Presence {
    pub fn is_gone(&self) -> bool {
        matches!(self, Presence::Gone { .. })
    }

    /// `present`, `gone` or `restored`.
    pub fn word(&self) -> &'static str {
        match self {
            Presence::Present => "present",
            Presence::Gone { .. } => "gone",
            Presence::Restored { .. } => "restored",
        }
    }
}

/// The log, read: every article's marks, oldest first.
#[derive(Debug, Default, Clone)]
pub struct Removals {
    marks: HashMap<String, Vec<Mark>>,
}

impl Removals {
    /// Read the log of the archive at `root` (a torn last line, from a crash mid-append, is
    /// skipped with a warning).
    pub fn load(root: &Path) -> Removals {
        let mut r = Removals::default();
        let path = root.join(FILE);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return r;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str::<Mark>(line) {
                Ok(m) => r.marks.entry(m.id.clone()).or_default().push(m),
                Err(e) => tracing::warn!("{}: skipping an unreadable line: {e}", path.display()),
            }
        }
        r
    }

    /// An article's presence now.
    pub fn presence(&self, id: &str) -> Presence {
        let Some(marks) = self.marks.get(id) else {
            return Presence::Present;
        };
        let last = marks.last().expect("no empty list");
        match last.change {
            Change::Gone => Presence::Gone {
                since: last.at.clone(),
                last_seen_present: last.last_seen_present.clone(),
                evidence: last.evidence.clone(),
            },
            Change::Restored => Presence::Restored {
                since: last.at.clone(),
                gone_since: marks
                    .iter()
                    .rev()
                    .find(|m| m.change == Change::Gone)
                    .map(|m| m.at.clone())
                    .unwrap_or_default(),
            },
        }
    }

    /// Ids of the articles gone now.
    pub fn gone(&self) -> impl Iterator<Item = &str> {
        self.marks
            .iter()
            .filter(|(_, m)| m.last().is_some_and(|m| m.change == Change::Gone))
            .map(|(id, _)| id.as_str())
    }

    /// Every mark, oldest first within each article.
    pub fn all(&self) -> impl Iterator<Item = &Mark> {
        self.marks.values().flatten()
    }

    /// Record a change if it is one (gone when not gone, restored when gone), appending it to
    /// the log durably. Returns whether it was recorded.
    pub fn record(&mut self, root: &Path, mark: Mark) -> Result<bool> {
        let gone = self.presence(&mark.id).is_gone();
        let change = match mark.change {
            Change::Gone => !gone,
            Change::Restored => gone,
        };
        if !change {
            return Ok(false);
        }
        let mut line = serde_json::to_vec(&mark)?;
        line.push(b'\n');
        super::append_line(&root.join(FILE), line)?;
        self.marks.entry(mark.id.clone()).or_default().push(mark);
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(change: Change, at: &str) -> Mark {
        Mark {
            id: "a".into(),
            url: "http://127.0.0.1/a".into(),
            change,
            at: at.into(),
            last_seen_present: Some("2026-11-01T00:00:00Z".into()),
            evidence: "HTTP 404".into(),
        }
    }

    #[test]
    fn only_changes_are_recorded_and_the_log_is_the_history() {
        let dir = tempfile::tempdir().unwrap();
        let mut r = Removals::load(dir.path());
        assert_eq!(r.presence("a"), Presence::Present);
        assert!(
            !r.record(dir.path(), mark(Change::Restored, "2026-11-02T00:00:00Z"))
                .unwrap()
        );
        assert!(
            r.record(dir.path(), mark(Change::Gone, "2026-11-03T00:00:00Z"))
                .unwrap()
        );
        // Seen gone again: the first sighting stays the date.
        assert!(
            !r.record(dir.path(), mark(Change::Gone, "2026-11-04T00:00:00Z"))
                .unwrap()
        );
        assert!(matches!(r.presence("a"), Presence::Gone { since, .. } if since == "2026-11-03T00:00:00Z"));
        assert!(
            r.record(dir.path(), mark(Change::Restored, "2026-11-05T00:00:00Z"))
                .unwrap()
        );
        let again = Removals::load(dir.path());
        assert_eq!(
            again.presence("a"),
            Presence::Restored {
                since: "2026-11-05T00:00:00Z".into(),
                gone_since: "2026-11-03T00:00:00Z".into()
            }
        );
        assert_eq!(again.all().count(), 2);
        // A torn last line (a crash mid-append) is skipped.
        let mut text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        text.push_str("{\"id\": \"a\", \"ch");
        std::fs::write(dir.path().join(FILE), text).unwrap();
        let mut r = Removals::load(dir.path());
        assert_eq!(r.all().count(), 2);
        // And the next mark starts a line of its own.
        assert!(
            r.record(dir.path(), mark(Change::Gone, "2026-11-06T00:00:00Z"))
                .unwrap()
        );
        assert_eq!(Removals::load(dir.path()).all().count(), 3);
    }
}
