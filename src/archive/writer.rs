//! `Writer` owns the archive's write-behind protocol for a crawl: a revision is staged
//! (catalog entry, WARC append: cheap, on the caller's thread), staged revisions are written
//! in groups on the blocking pool ([`write_all`]: one WARC sync per group, each JSON file
//! to a temporary file, renamed, one sync per directory), and when a group lands each
//! revision is confirmed in the catalog, or abandoned if its write failed. The caller says
//! "write this" ([`Writer::write`]) and later hears "durable" ([`Writer::landed`]), with a tag
//! of its own choosing carried through.
//!
//! Two revisions of one article are never written at once: staging the second waits until
//! the first has landed (its result is kept for [`Writer::landed`]).

use std::collections::VecDeque;
use std::path::PathBuf;
use tokio::task::JoinSet;

use super::{Archive, ArticleRecord, FetchInfo, Stage, Staged, StoredArticle, warc, write_all};
use crate::error::{Error, Result};

/// Revisions staged together are written as one group.
const GROUP: usize = 16;

/// What [`Writer::write`] did with a revision.
pub enum Submitted<T> {
    /// The article's text is unchanged: nothing to write.
    Unchanged { id: String, tag: T },
    /// Staged; it is reported by [`Writer::landed`] once written.
    Staged,
    /// It could not be staged (the WARC append failed).
    Failed { tag: T, error: Error },
}

/// A write that finished.
pub struct Landed<T> {
    pub tag: T,
    /// The stored revision and the path of its JSON file, or why it could not be written
    /// (the catalog has then forgotten it, so a later fetch stages it again).
    pub result: Result<(StoredArticle, PathBuf)>,
}

/// The write-behind archive writer of one crawl.
pub struct Writer<'a, T> {
    archive: &'a mut Archive,
    /// Staged revisions not yet handed to a write task.
    group: Vec<(Staged, T)>,
    /// Groups being written, on the blocking pool: each revision's id, tag and result.
    writes: JoinSet<Vec<(String, T, Result<StoredArticle>)>>,
    /// Revisions in `writes`.
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

    /// Write a revision of an article (with the compressed WARC record of its response).
    pub async fn write(
        &mut self,
        article: ArticleRecord,
        fetch: FetchInfo,
        record: Option<warc::Prepared>,
        tag: T,
    ) -> Submitted<T> {
        let (mut article, mut fetch, mut record) = (article, fetch, record);
        loop {
            match self.archive.stage(article, fetch, record) {
                Ok(Stage::Busy(back)) => {
                    // Another revision of this article is being written: let it land.
                    if let Err(error) = self.wait_all().await {
                        return Submitted::Failed { tag, error };
                    }
                    (article, fetch, record) = *back;
                }
                Ok(Stage::Unchanged { id }) => return Submitted::Unchanged { id, tag },
                Ok(Stage::Write(staged)) => {
                    self.group.push((*staged, tag));
                    if self.group.len() >= GROUP {
                        self.flush();
                    }
                    return Submitted::Staged;
                }
                Err(error) => return Submitted::Failed { tag, error },
            }
        }
    }

    /// Hand the staged revisions to a write task.
    pub fn flush(&mut self) {
        if self.group.is_empty() {
            return;
        }
        let (staged, tags): (Vec<_>, Vec<_>) = std::mem::take(&mut self.group).into_iter().unzip();
        let ids: Vec<String> = staged.iter().map(|s| s.id().to_owned()).collect();
        self.writing += tags.len();
        self.writes.spawn_blocking(move || {
            let results = write_all(staged);
            ids.into_iter()
                .zip(tags)
                .zip(results)
                .map(|((id, tag), r)| (id, tag, r))
                .collect()
        });
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
    fn settle(
        &mut self,
        group: std::result::Result<Vec<(String, T, Result<StoredArticle>)>, tokio::task::JoinError>,
    ) -> Result<()> {
        let group = group.map_err(|e| Error::Task {
            task: "an archive write",
            reason: e.to_string(),
        })?;
        self.writing -= group.len();
        for (id, tag, result) in group {
            let result = match result {
                Ok(stored) => {
                    self.archive.confirm(&id);
                    let path = self.archive.path_of(&id).unwrap_or_default();
                    Ok((stored, path))
                }
                Err(e) => {
                    // The catalog forgets the revision, so a later fetch stages it again.
                    self.archive.abandon(&id);
                    Err(e)
                }
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
