//! `Writer` owns the archive's write-behind protocol for a crawl. Every fetch's WARC records
//! are appended at once (cheap, on the caller's thread); an article's revision is staged
//! beside them (catalog entry). Staged work is made durable in groups on the blocking pool
//! (one WARC sync per group, then [`write_all`]: each JSON file to a temporary file,
//! renamed, one sync per directory), and when a group lands each revision is confirmed in
//! the catalog, or abandoned if its write failed. The caller says "write this"
//! ([`Writer::write`]) and later hears "durable" ([`Writer::landed`]), with a tag of its own
//! choosing carried through: a crawl records a URL as done only then.
//!
//! Two revisions of one article are never written at once: staging the second waits until
//! the first has landed (its result is kept for [`Writer::landed`]).

use std::collections::VecDeque;
use std::path::PathBuf;
use tokio::task::JoinSet;

use super::attachments::{self, Pending};
use super::{Archive, ArticleRecord, FetchInfo, Stage, Staged, StoredArticle, warc, write_all};
use crate::error::{Error, Result};

/// Revisions staged together are written as one group.
const GROUP: usize = 16;

/// What [`Writer::write`] did.
pub enum Submitted<T> {
    /// Staged; it is reported by [`Writer::landed`] once durable.
    Staged,
    /// It could not be staged (the WARC append failed).
    Failed { tag: T, error: Error },
}

/// What a landed write made durable.
pub enum Written {
    /// A new revision, and the path of its JSON file.
    Article(Box<StoredArticle>, PathBuf),
    /// The exchange's records; the article they gave has the same text as before.
    Unchanged { id: String },
    /// The exchange's records (no article).
    Records,
    /// The exchange's records, and what the document it gave is (see [`attachments`]).
    Document(Box<attachments::Fetch>),
}

/// A write that finished.
pub struct Landed<T> {
    pub tag: T,
    /// What is durable now, or why it could not be written (the catalog has then forgotten
    /// the revision, so a later fetch stages it again).
    pub result: Result<Written>,
}

/// One piece of staged work.
enum Item {
    Article(Box<Staged>),
    Records {
        warc: Option<warc::Durable>,
        unchanged: Option<String>,
        /// A document's fetch, to record after the records.
        document: Option<Box<Pending>>,
    },
}

/// One item of a written group: the revision's id (for an article), the tag, the result.
type Done<T> = (Option<String>, T, Result<Written>);

/// The write-behind archive writer of one crawl.
pub struct Writer<'a, T> {
    archive: &'a mut Archive,
    /// Staged work not yet handed to a write task.
    group: Vec<(Item, T)>,
    /// Groups being written, on the blocking pool: each item's id (for a revision), tag and
    /// result.
    writes: JoinSet<Vec<Done<T>>>,
    /// Items in `writes`.
    writing: usize,
    /// Writes that landed while the writer waited for one of them.
    landed: VecDeque<Landed<T>>,
}

impl<'a, T: Send + 'static> Writer<'a, T> {
    pub fn new(archive: &'a mut Archive) -> Writer<'a, T> {
        Writer {
            archive,
            group: Vec::new(),
            writes: JoinSet::new(),
            writing: 0,
            landed: VecDeque::new(),
        }
    }

    /// Revisions given to [`Writer::write`] and not yet reported by [`Writer::landed`]: each
    /// holds an article in memory.
    pub fn pending(&self) -> usize {
        self.group.len() + self.writing + self.landed.len()
    }

    /// Whether revisions are staged and not yet handed to a write task.
    pub fn has_staged(&self) -> bool {
        !self.group.is_empty()
    }

    /// Write an exchange's records (`records`, compressed beforehand) and the revision of
    /// the article it gave, if any (its file points to the response record).
    pub async fn write(
        &mut self,
        article: Option<(ArticleRecord, FetchInfo)>,
        records: Option<warc::Prepared>,
        tag: T,
    ) -> Submitted<T> {
        self.write_with(article, records, None, tag).await
    }

    /// [`Writer::write`], with what a document's fetch found: recorded (pointing to the
    /// response record) after the records are durable, when it says something new.
    pub async fn write_with(
        &mut self,
        article: Option<(ArticleRecord, FetchInfo)>,
        records: Option<warc::Prepared>,
        mut document: Option<Box<Pending>>,
        tag: T,
    ) -> Submitted<T> {
        let Some((mut article, mut fetch)) = article else {
            let response = records.as_ref().is_some_and(|r| !r.is_revisit());
            let warc = match records.map(|r| self.archive.append(r)).transpose() {
                Ok(at) => at.map(|(at, d)| {
                    if let Some(p) = document.as_mut().filter(|p| response && p.fetch.found.sha256.is_some()) {
                        p.fetch.found.warc = Some(at);
                    }
                    d
                }),
                Err(error) => return Submitted::Failed { tag, error },
            };
            let document = document.filter(|p| self.archive.attachments().is_news(&p.fetch));
            return self.push(
                Item::Records {
                    warc,
                    unchanged: None,
                    document,
                },
                tag,
            );
        };
        let mut record = records;
        loop {
            match self.archive.stage(article, fetch, record) {
                Ok(Stage::Busy(back)) => {
                    // Another revision of this article is being written: let it land.
                    if let Err(error) = self.wait_all().await {
                        return Submitted::Failed { tag, error };
                    }
                    (article, fetch, record) = *back;
                }
                Ok(Stage::Unchanged { id, warc }) => {
                    return self.push(
                        Item::Records {
                            warc,
                            unchanged: Some(id),
                            document: None,
                        },
                        tag,
                    );
                }
                Ok(Stage::Write(staged)) => return self.push(Item::Article(staged), tag),
                Err(error) => return Submitted::Failed { tag, error },
            }
        }
    }

    /// Append records that no outcome waits for (a robots.txt): they are durable once the
    /// next write lands (a group syncs the file they are in, and a file is synced when it
    /// is closed).
    pub fn append(&mut self, records: warc::Prepared) -> Result<()> {
        self.archive.append(records).map(|_| ())
    }

    /// The archive, to read from while writing.
    pub fn archive(&self) -> &Archive {
        self.archive
    }

    /// Record that an article is gone from its portal, or back (see [`Archive::mark`]).
    pub fn mark(&mut self, mark: super::removals::Mark) -> Result<bool> {
        self.archive.mark(mark)
    }

    /// Whether an article is gone from its portal now.
    pub fn is_gone(&self, id: &str) -> bool {
        self.archive.presence(id).is_gone()
    }

    fn push(&mut self, item: Item, tag: T) -> Submitted<T> {
        self.group.push((item, tag));
        if self.group.len() >= GROUP {
            self.flush();
        }
        Submitted::Staged
    }

    /// Hand the staged work to a write task.
    pub fn flush(&mut self) {
        if self.group.is_empty() {
            return;
        }
        let group = std::mem::take(&mut self.group);
        self.writing += group.len();
        let root = self.archive.root().to_owned();
        self.writes.spawn_blocking(move || write_group(&root, group));
    }

    /// Whether writes are under way (or landed and not yet reported): [`Writer::landed`]
    /// has something to wait for. Staged revisions are not written until [`Writer::flush`]
    /// (or a full group).
    pub fn is_writing(&self) -> bool {
        !self.writes.is_empty() || !self.landed.is_empty()
    }

    /// The next write to land; `None` when none is under way. Cancel-safe: a landed group is
    /// kept until every write in it is reported. An error means a write task itself failed
    /// (it panicked), which leaves its revisions unaccounted for: the crawl stops.
    pub async fn landed(&mut self) -> Option<Result<Landed<T>>> {
        if self.landed.is_empty() {
            let group = self.writes.join_next().await?;
            if let Err(e) = self.settle(group) {
                return Some(Err(e));
            }
        }
        self.landed.pop_front().map(Ok)
    }

    /// Write everything staged and wait for every write to land; the results are reported
    /// by [`Writer::landed`].
    pub async fn wait_all(&mut self) -> Result<()> {
        self.flush();
        while let Some(group) = self.writes.join_next().await {
            self.settle(group)?;
        }
        Ok(())
    }

    /// Confirm (or abandon) each revision of a landed group in the catalog.
    fn settle(&mut self, group: std::result::Result<Vec<Done<T>>, tokio::task::JoinError>) -> Result<()> {
        let group = group.map_err(|e| Error::Task {
            task: "an archive write",
            reason: e.to_string(),
        })?;
        self.writing -= group.len();
        for (id, tag, result) in group {
            let result = match (id, result) {
                (Some(id), Ok(Written::Article(stored, _))) => {
                    self.archive.confirm(&id);
                    let path = self.archive.path_of(&id).unwrap_or_default();
                    Ok(Written::Article(stored, path))
                }
                (Some(id), Err(e)) => {
                    // The catalog forgets the revision, so a later fetch stages it again.
                    self.archive.abandon(&id);
                    Err(e)
                }
                (None, Ok(Written::Document(fetch))) => {
                    self.archive.attachment_landed((*fetch).clone());
                    Ok(Written::Document(fetch))
                }
                (_, r) => r,
            };
            self.landed.push_back(Landed { tag, result });
        }
        Ok(())
    }

    /// Close the WARC file being written (every write has landed).
    pub fn close(&mut self) -> Result<()> {
        self.archive.flush()
    }
}

/// Make a group durable: every WARC file it appended to is synced once, then the revisions'
/// JSON files are written ([`write_all`]) and the documents' fetches recorded. One result
/// per item, in order, with the id of each revision.
fn write_group<T>(root: &std::path::Path, group: Vec<(Item, T)>) -> Vec<Done<T>> {
    let mut synced: Vec<&warc::Durable> = Vec::new();
    let mut failed = None;
    let durables = group.iter().filter_map(|(item, _)| match item {
        Item::Article(s) => s.warc(),
        Item::Records { warc, .. } => warc.as_ref(),
    });
    for d in durables {
        if synced.iter().any(|s| s.same_file(d)) {
            continue;
        }
        if let Err(e) = d.sync() {
            failed = Some(e.to_string());
        }
        synced.push(d);
    }
    let not_durable = |e: &str| Error::Io {
        path: PathBuf::from("warc"),
        source: std::io::Error::other(format!("the WARC records are not durable: {e}")),
    };
    let mut staged = Vec::new();
    let mut out: Vec<(Option<String>, T, Option<Result<Written>>)> = Vec::with_capacity(group.len());
    for (item, tag) in group {
        match item {
            Item::Article(mut s) => {
                // (Synced above.)
                s.forget_warc();
                out.push((
                    Some(s.id().to_owned()),
                    tag,
                    failed.as_deref().map(|e| Err(not_durable(e))),
                ));
                if failed.is_none() {
                    staged.push(*s);
                }
            }
            Item::Records {
                unchanged, document, ..
            } => {
                let r = match (&failed, unchanged, document) {
                    (Some(e), _, _) => Err(not_durable(e)),
                    (None, Some(id), _) => Ok(Written::Unchanged { id }),
                    (None, None, Some(p)) => attachments::land(root, &p).map(|()| Written::Document(Box::new(p.fetch))),
                    (None, None, None) => Ok(Written::Records),
                };
                out.push((None, tag, Some(r)));
            }
        }
    }
    let mut written = write_all(staged).into_iter();
    out.into_iter()
        .map(|(id, tag, r)| {
            let r = r.unwrap_or_else(|| {
                written
                    .next()
                    .expect("one result per revision")
                    .map(|s| Written::Article(Box::new(s), PathBuf::new()))
            });
            (id, tag, r)
        })
        .collect()
}
