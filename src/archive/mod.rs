//! `archive` owns the archive directory, the source of truth:
//!
//! ```text
//! <archive>/<site>/<yyyy>/<mm>/<id>.json      revision 1 of an article (publication month)
//! <archive>/<site>/<yyyy>/<mm>/<id>.r2.json   revision 2, … (never overwritten)
//! <archive>/<site>/undated/<id>.json          articles without a publication date
//! <archive>/warc/*.warc.gz                    every HTTP exchange (WARC/1.1): the record
//! <archive>/cdxj/<file>.cdxj                  each WARC file's CDXJ index (rebuildable)
//! <archive>/index/                            the search index (rebuildable from the above)
//! <archive>/lost-records.jsonl                articles whose WARC record a crash cut off
//! <archive>/removals.jsonl                    articles seen gone from their portal, or back
//! <archive>/attachments/                      what the documents articles link to gave
//!                                             (see [`attachments`])
//! ```
//!
//! Every file is written atomically (temporary file, fsync, rename, directory fsync), and a
//! JSON file is only written after the WARC record it points to is durable, so nothing
//! half-written is ever visible and nothing visible points to what is not there.

pub mod attachments;
pub mod cdxj;
mod lost;
pub mod removals;
mod schema;
pub mod warc;
mod writer;

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, IoContext, Result};
use crate::time::When;
pub use lost::{LOST_FILE, LostRecord};
pub use schema::{ArticleRecord, FetchInfo, SCHEMA_VERSION, StoredArticle};
pub use warc::{HttpRequest, HttpResponse, WarcRef, WarcWriter};
pub use writer::{Landed, Submitted, Writer, Written};

/// Directories of the archive root that are not sites.
pub const RESERVED_DIRS: &[&str] = &[
    "warc",
    "cdxj",
    "attachments",
    "index",
    "index.new",
    "index.old",
    "lexicon",
    "state",
    "tmp",
];

/// The stable id of an article: a hash of its canonical URL.
pub fn article_id(canonical_url: &str) -> String {
    let d = Sha256::digest(canonical_url.as_bytes());
    d[..10].iter().map(|b| format!("{b:02x}")).collect()
}

/// The documents an article cites: as stored, or — for a file written before vnnews read
/// document numbers — read from its title, lead and body now.
pub fn documents_of(a: &ArticleRecord) -> Vec<crate::extract::docnum::DocumentRef> {
    if !a.documents.is_empty() {
        return a.documents.clone();
    }
    crate::extract::docnum::collect(&[
        ("title", a.title.as_deref().unwrap_or("")),
        ("lead", a.lead.as_deref().unwrap_or("")),
        ("body", &a.body),
    ])
}

/// Hash of what a reader sees: title, time, authors, source, lead and body, and the
/// documents it links to (an article without any hashes as before they were read).
pub fn text_hash(a: &ArticleRecord) -> String {
    let mut h = Sha256::new();
    for part in [
        a.title.as_deref().unwrap_or(""),
        a.published.as_deref().unwrap_or(""),
        &a.authors.join("\u{1f}"),
        a.source.as_deref().unwrap_or(""),
        a.lead.as_deref().unwrap_or(""),
        &a.body,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    for link in &a.attachments {
        h.update(link.url.as_bytes());
        h.update([1u8]);
    }
    format!("{:x}", h.finalize())
}

/// Append one line to a log durably (fsynced). After a torn last line (a crash mid-append)
/// the new line starts a line of its own; readers skip the torn one.
pub(crate) fn append_line(path: &Path, mut line: Vec<u8>) -> Result<()> {
    use std::os::unix::fs::FileExt;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .at(path)?;
    let len = f.metadata().at(path)?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        f.read_exact_at(&mut last, len - 1).at(path)?;
        if last[0] != b'\n' {
            line.insert(0, b'\n');
        }
    }
    f.write_all(&line).at(path)?;
    f.sync_data().at(path)
}

/// Write a file so that it is either absent or complete: temp file, fsync, rename, dir fsync.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = write_temp(path, bytes)?;
    std::fs::rename(&tmp, path).at(path)?;
    sync_dir(parent(path)?)
}

fn parent(path: &Path) -> Result<&Path> {
    path.parent().ok_or_else(|| Error::Io {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "a file path without a directory"),
    })
}

/// The first half of [`write_atomic`]: `bytes` in a durable temporary file beside `path`
/// (a name the archive's scan ignores and removes), to be renamed into place.
fn write_temp(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    let dir = parent(path)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    // The directory is made when it is missing, not asked for before every file.
    let mut f = match std::fs::File::create(&tmp) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(dir).at(dir)?;
            std::fs::File::create(&tmp)
        }
        r => r,
    }
    .at(&tmp)?;
    f.write_all(bytes).at(&tmp)?;
    f.sync_all().at(&tmp)?;
    Ok(tmp)
}

/// fsync a directory so a rename in it is durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    std::fs::File::open(dir).and_then(|d| d.sync_all()).at(dir)
}

#[derive(Debug, Clone)]
struct Entry {
    /// Path of revision 1, relative to the root.
    first: PathBuf,
    revision: u32,
    /// The current revision's text hash, when this process wrote it (else read from its file).
    text_sha256: Option<String>,
}

/// What [`Archive::put`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum PutOutcome {
    New(StoredArticle),
    Updated(StoredArticle),
    Unchanged { id: String },
}

/// What [`Archive::stage`] did.
pub enum Stage {
    /// The article's text is unchanged: no revision to write (the exchange's records were
    /// appended all the same: `warc` makes them durable).
    Unchanged { id: String, warc: Option<warc::Durable> },
    /// A new revision, placed in the catalog (its raw response appended to WARC): its JSON
    /// file is still to be written with [`Staged::write`], then [`Archive::confirm`]ed (or
    /// [`Archive::abandon`]ed if the write failed).
    Write(Box<Staged>),
    /// Another revision of this article is being written: stage again (what was given comes
    /// back) once it is confirmed.
    Busy(Box<(ArticleRecord, FetchInfo, Option<warc::Prepared>)>),
}

/// A revision whose JSON file is to be written. Writing is the costly part of archiving a page
/// (a file created, two fsyncs), and needs nothing from the archive: a crawl writes several at
/// once, on other threads, while it stages the next.
pub struct Staged {
    path: PathBuf,
    stored: StoredArticle,
    warc: Option<warc::Durable>,
}

impl Staged {
    pub fn id(&self) -> &str {
        &self.stored.id
    }

    /// What makes its WARC record durable.
    pub(crate) fn warc(&self) -> Option<&warc::Durable> {
        self.warc.as_ref()
    }

    /// Its WARC record was made durable already.
    pub(crate) fn forget_warc(&mut self) {
        self.warc = None;
    }

    /// Make the WARC record durable, then write the JSON file atomically: nothing visible
    /// points to what is not there.
    pub fn write(self) -> Result<StoredArticle> {
        write_all(vec![self]).pop().expect("one result per revision")
    }
}

/// Write staged revisions as one group, each as [`Staged::write`] would, with fewer fsyncs:
/// every WARC file they point to is synced once, first; each JSON file is written to a
/// temporary file and synced; then all are renamed into place and each directory is synced
/// once. One result per revision, in order.
pub fn write_all(batch: Vec<Staged>) -> Vec<Result<StoredArticle>> {
    let mut warc_synced: Vec<&warc::Durable> = Vec::new();
    let mut warc_failed = None;
    for w in batch.iter().filter_map(|s| s.warc.as_ref()) {
        if warc_synced.iter().any(|d| d.same_file(w)) {
            continue;
        }
        if let Err(e) = w.sync() {
            warc_failed = Some(e.to_string());
        }
        warc_synced.push(w);
    }
    let temps: Vec<Result<PathBuf>> = batch
        .iter()
        .map(|s| {
            if let Some(e) = &warc_failed {
                return Err(Error::Io {
                    path: s.path.clone(),
                    source: std::io::Error::other(format!("its WARC record is not durable: {e}")),
                });
            }
            let mut json = serde_json::to_vec_pretty(&s.stored)?;
            json.push(b'\n');
            write_temp(&s.path, &json)
        })
        .collect();
    // Renamed into place; each directory synced once, after its last rename.
    let mut dirs: Vec<PathBuf> = Vec::new();
    let renamed: Vec<Result<(usize, PathBuf, StoredArticle)>> = batch
        .into_iter()
        .zip(temps)
        .map(|(s, tmp)| {
            std::fs::rename(tmp?, &s.path).at(&s.path)?;
            let dir = parent(&s.path)?;
            let d = match dirs.iter().position(|x| x == dir) {
                Some(d) => d,
                None => {
                    dirs.push(dir.to_owned());
                    dirs.len() - 1
                }
            };
            Ok((d, s.path, s.stored))
        })
        .collect();
    let synced: Vec<Option<String>> = dirs.iter().map(|d| sync_dir(d).err().map(|e| e.to_string())).collect();
    renamed
        .into_iter()
        .map(|r| {
            let (d, path, stored) = r?;
            match &synced[d] {
                // A rename whose directory could not be synced is not durable.
                Some(e) => Err(Error::Io {
                    path,
                    source: std::io::Error::other(e.clone()),
                }),
                None => Ok(stored),
            }
        })
        .collect()
}

/// An open archive directory.
pub struct Archive {
    root: PathBuf,
    catalog: HashMap<String, Entry>,
    warc: Option<WarcWriter>,
    warc_max_bytes: u64,
    /// Staged revisions not yet confirmed, with the catalog entry each replaced.
    pending: HashMap<String, Option<Entry>>,
    /// Revisions whose WARC record is gone (see [`lost`]), and whether the stored list is
    /// behind this one.
    lost: Vec<LostRecord>,
    lost_changed: bool,
    /// Articles seen gone from their portals, and back (see [`removals`]).
    removals: removals::Removals,
    /// What the documents articles link to gave (see [`attachments`]).
    attachments: attachments::Attachments,
    /// Held while the archive is open for writing, so two runs never write at once.
    _lock: Option<std::fs::File>,
}

fn revision_path(first: &Path, revision: u32) -> PathBuf {
    if revision <= 1 {
        return first.to_owned();
    }
    let stem = first.file_stem().and_then(|s| s.to_str()).unwrap_or("article");
    first.with_file_name(format!("{stem}.r{revision}.json"))
}

/// `<id>.json` → (id, 1); `<id>.r3.json` → (id, 3).
fn parse_file_name(name: &str) -> Option<(&str, u32)> {
    let stem = name.strip_suffix(".json")?;
    if stem.starts_with('.') {
        return None;
    }
    match stem.split_once(".r") {
        Some((id, rev)) => Some((id, rev.parse().ok()?)),
        None => Some((stem, 1)),
    }
}

/// The readable current articles of an archive: [`Archive::readable`].
pub struct Readable<'a> {
    archive: &'a Archive,
    ids: std::vec::IntoIter<String>,
    skipped: Vec<PathBuf>,
}

impl Readable<'_> {
    /// The files skipped so far because they could not be read.
    pub fn skipped(&self) -> &[PathBuf] {
        &self.skipped
    }
}

impl Iterator for Readable<'_> {
    type Item = Result<StoredArticle>;

    fn next(&mut self) -> Option<Result<StoredArticle>> {
        for id in self.ids.by_ref() {
            match self.archive.get(&id) {
                Ok(Some(s)) => return Some(Ok(s)),
                Ok(None) => {}
                Err(Error::UnreadableArticle { path, reason }) => {
                    tracing::warn!("skipping {}: {reason}", path.display());
                    self.skipped.push(path);
                }
                Err(e) => return Some(Err(e)),
            }
        }
        None
    }
}

impl Archive {
    /// Whether a run holds the archive's lock (is writing it) right now. A reader's check:
    /// it takes no lock that lasts, and works on a read-only copy.
    pub fn is_being_written(root: &Path) -> bool {
        let Ok(f) = std::fs::File::open(root.join(".lock")) else {
            return false;
        };
        matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock))
    }

    /// Open (creating if needed) an archive for writing: takes the archive's lock (failing
    /// with [`Error::Locked`] while another run holds it), finishes WARC files a crash left
    /// open and removes stray temporary files.
    pub fn open(root: &Path) -> Result<Archive> {
        std::fs::create_dir_all(root).at(root)?;
        let lock_path = root.join(".lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .at(&lock_path)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(Error::Locked { path: root.to_owned() }),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::Io {
                    path: lock_path,
                    source: e,
                });
            }
        }
        let recovered = warc::recover(&root.join("warc"))?;
        let mut a = Archive {
            root: root.to_owned(),
            catalog: HashMap::new(),
            warc: None,
            warc_max_bytes: 1 << 30,
            pending: HashMap::new(),
            lost: Vec::new(),
            lost_changed: false,
            removals: removals::Removals::load(root),
            attachments: attachments::Attachments::load(root),
            _lock: Some(lock),
        };
        a.scan()?;
        a.load_lost();
        let cut: Vec<_> = recovered.into_iter().filter(|r| r.cut > 0).collect();
        if !cut.is_empty() {
            a.find_lost(&cut);
        }
        a.save_lost()?;
        cdxj::ensure(root)?;
        Ok(a)
    }

    /// Open an archive to read it while another run may be writing it (no lock, no recovery:
    /// a crawl in progress only ever adds whole files).
    pub fn open_read_only(root: &Path) -> Result<Archive> {
        if !root.is_dir() {
            return Err(Error::Io {
                path: root.to_owned(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no archive here"),
            });
        }
        let mut a = Archive {
            root: root.to_owned(),
            catalog: HashMap::new(),
            warc: None,
            warc_max_bytes: 1 << 30,
            pending: HashMap::new(),
            lost: Vec::new(),
            lost_changed: false,
            removals: removals::Removals::load(root),
            attachments: attachments::Attachments::load(root),
            _lock: None,
        };
        a.scan()?;
        a.load_lost();
        Ok(a)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The last fetch of every document articles link to.
    pub fn attachments(&self) -> &attachments::Attachments {
        &self.attachments
    }

    /// An article's documents, each with what its last fetch found.
    pub fn attached(&self, a: &ArticleRecord) -> Vec<attachments::Attached> {
        self.attachments.of(a)
    }

    /// The texts of an article's documents: `(name, text)`, for the index.
    pub fn attachment_texts(&self, a: &ArticleRecord) -> Vec<(String, String)> {
        if a.attachments.is_empty() {
            return Vec::new();
        }
        attachments::texts(&self.root, &self.attached(a))
    }

    /// A document's fetch landed (see [`attachments::land`]).
    pub(crate) fn attachment_landed(&mut self, fetch: attachments::Fetch) {
        self.attachments.landed(fetch);
    }

    pub fn warc_dir(&self) -> PathBuf {
        self.root.join("warc")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.root.join("index")
    }

    pub fn len(&self) -> usize {
        self.catalog.len()
    }

    pub fn is_empty(&self) -> bool {
        self.catalog.is_empty()
    }

    fn scan(&mut self) -> Result<()> {
        let mut stack = Vec::new();
        for e in std::fs::read_dir(&self.root).at(&self.root)? {
            let e = e.at(&self.root)?;
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().at(e.path())?.is_dir() && !RESERVED_DIRS.contains(&name.as_str()) && !name.starts_with('.')
            {
                stack.push(e.path());
            }
        }
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).at(&dir)? {
                let e = e.at(&dir)?;
                let path = e.path();
                let name = e.file_name().to_string_lossy().into_owned();
                if e.file_type().at(&path)?.is_dir() {
                    stack.push(path);
                } else if name.ends_with(".tmp") {
                    // A write that never completed: it was never visible, remove it (unless
                    // another run may be writing it right now).
                    if self._lock.is_some() {
                        let _ = std::fs::remove_file(&path);
                    }
                } else if let Some((id, rev)) = parse_file_name(&name) {
                    let rel = path.strip_prefix(&self.root).expect("under root").to_owned();
                    let entry = self.catalog.entry(id.to_owned()).or_insert(Entry {
                        first: rel.clone(),
                        revision: 0,
                        text_sha256: None,
                    });
                    if rev == 1 {
                        entry.first = rel;
                    }
                    entry.revision = entry.revision.max(rev);
                }
            }
        }
        Ok(())
    }

    /// Read the stored list of lost records. An entry still to re-fetch whose article has
    /// moved on anyway (a run that ended before storing the list) is marked replaced.
    fn load_lost(&mut self) {
        self.lost = lost::load(&self.root);
        for r in &mut self.lost {
            let current = self.catalog.get(&r.id).map(|e| e.revision);
            if r.refetched_as.is_none()
                && let Some(c) = current.filter(|&c| c > r.revision)
            {
                r.refetched_as = Some(c);
                self.lost_changed = true;
            }
        }
    }

    /// Find the revisions whose WARC record was in a part [`warc::recover`] cut off: each
    /// is reported and listed, and the current ones are to be fetched again.
    fn find_lost(&mut self, cut: &[warc::Recovered]) {
        for (id, revision, rel) in self.revision_files() {
            let Ok(stored) = self.read(&rel) else { continue };
            let Some(at) = stored.fetch.warc.as_ref().filter(|at| cut.iter().any(|c| c.lost(at))) else {
                continue;
            };
            let current = self.catalog.get(&id).map_or(revision, |e| e.revision);
            let path = self.root.join(&rel);
            let next = if current == revision {
                format!(
                    "{} is queued for re-fetch by the next crawl of site {:?}",
                    stored.article.url, stored.article.site
                )
            } else {
                format!("revision {current} replaces it")
            };
            tracing::warn!(
                "{}: its WARC record ({} at offset {}) was cut off by the recovery of a crashed write; {next}",
                path.display(),
                at.file,
                at.offset,
            );
            self.lost.retain(|l| !(l.id == id && l.revision == revision));
            self.lost.push(LostRecord {
                id,
                revision,
                path: rel,
                url: stored.article.url.clone(),
                site: stored.article.site.clone(),
                warc: at.clone(),
                refetched_as: (current != revision).then_some(current),
            });
            self.lost_changed = true;
        }
    }

    fn save_lost(&mut self) -> Result<()> {
        if self.lost_changed && self._lock.is_some() {
            self.lost.sort_by(|a, b| (&a.id, a.revision).cmp(&(&b.id, b.revision)));
            lost::save(&self.root, &self.lost)?;
            self.lost_changed = false;
        }
        Ok(())
    }

    /// Every revision whose WARC record a crash took (by id, then revision), re-fetched or
    /// not.
    pub fn lost_records(&self) -> &[LostRecord] {
        &self.lost
    }

    /// The lost revisions still current: their URLs are to be fetched again, and the next
    /// fetch writes a new revision even if the text is the same.
    pub fn to_refetch(&self) -> impl Iterator<Item = &LostRecord> {
        self.lost.iter().filter(|l| l.refetched_as.is_none())
    }

    fn is_lost(&self, id: &str) -> bool {
        self.to_refetch().any(|l| l.id == id)
    }

    /// An article's presence on its portal.
    pub fn presence(&self, id: &str) -> removals::Presence {
        self.removals.presence(id)
    }

    /// The log of removals and restorations.
    pub fn removals(&self) -> &removals::Removals {
        &self.removals
    }

    /// Record that an article is gone from its portal, or back (only a change is recorded).
    pub fn mark(&mut self, mark: removals::Mark) -> Result<bool> {
        self.removals.record(&self.root, mark)
    }

    /// The current revision of an article.
    pub fn get(&self, id: &str) -> Result<Option<StoredArticle>> {
        let Some(e) = self.catalog.get(id) else { return Ok(None) };
        self.read(&revision_path(&e.first, e.revision)).map(Some)
    }

    /// Every revision of an article, oldest first.
    pub fn revisions(&self, id: &str) -> Result<Vec<StoredArticle>> {
        let Some(e) = self.catalog.get(id) else {
            return Ok(Vec::new());
        };
        (1..=e.revision)
            .map(|r| self.read(&revision_path(&e.first, r)))
            .collect()
    }

    fn read(&self, rel: &Path) -> Result<StoredArticle> {
        let path = self.root.join(rel);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                return Err(Error::UnreadableArticle {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| Error::UnreadableArticle {
            path,
            reason: e.to_string(),
        })
    }

    /// The current revision of every article that can be read (sorted by id). A file that
    /// cannot be read is skipped with a warning naming it, and listed in
    /// [`Readable::skipped`]; any other failure ends the iteration with that error.
    pub fn readable(&self) -> Readable<'_> {
        Readable {
            archive: self,
            ids: self.ids().into_iter(),
            skipped: Vec::new(),
        }
    }

    /// The relative path of every revision file of every article (sorted by id, oldest
    /// revision first).
    pub fn revision_files(&self) -> Vec<(String, u32, PathBuf)> {
        let mut out = Vec::new();
        for id in self.ids() {
            let e = &self.catalog[&id];
            for r in 1..=e.revision {
                out.push((id.clone(), r, revision_path(&e.first, r)));
            }
        }
        out
    }

    /// Read one revision file (a path from [`Archive::revision_files`]).
    pub fn read_file(&self, rel: &Path) -> Result<StoredArticle> {
        self.read(rel)
    }

    /// Ids of all articles, sorted.
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.catalog.keys().cloned().collect();
        ids.sort();
        ids
    }

    /// The current revision of every article (sorted by id); see [`Archive::readable`] for
    /// the iteration that skips unreadable files.
    pub fn current(&self) -> impl Iterator<Item = Result<StoredArticle>> + '_ {
        self.ids().into_iter().filter_map(move |id| self.get(&id).transpose())
    }

    /// Store an article fetched from `response`: a new article, a new revision of a changed
    /// one, or nothing when the text is unchanged. The raw response goes to WARC first.
    pub fn put(&mut self, article: ArticleRecord, fetch: FetchInfo, response: &HttpResponse) -> Result<PutOutcome> {
        let record = warc::Prepared::response(response).at(self.warc_dir())?;
        self.put_inner(article, fetch, Some(record))
    }

    /// Store a re-extraction of an archived response: its WARC record already exists, so the
    /// new revision points to the same record.
    pub fn put_reextracted(&mut self, article: ArticleRecord, fetch: FetchInfo) -> Result<PutOutcome> {
        self.put_inner(article, fetch, None)
    }

    fn put_inner(
        &mut self,
        article: ArticleRecord,
        fetch: FetchInfo,
        record: Option<warc::Prepared>,
    ) -> Result<PutOutcome> {
        let staged = match self.stage(article, fetch, record)? {
            Stage::Unchanged { id, warc } => {
                if let Some(w) = warc {
                    w.sync()?;
                }
                return Ok(PutOutcome::Unchanged { id });
            }
            Stage::Write(s) => *s,
            Stage::Busy(_) => unreachable!("put confirms every revision it stages before returning"),
        };
        let id = staged.id().to_owned();
        match staged.write() {
            Ok(stored) => {
                self.confirm(&id);
                Ok(if stored.revision == 1 {
                    PutOutcome::New(stored)
                } else {
                    PutOutcome::Updated(stored)
                })
            }
            Err(e) => {
                self.abandon(&id);
                Err(e)
            }
        }
    }

    /// Append an exchange's records to WARC (not yet durable: see [`warc::Durable`]).
    pub fn append(&mut self, records: warc::Prepared) -> Result<(WarcRef, warc::Durable)> {
        if self.warc.is_none() {
            self.warc = Some(WarcWriter::new(&self.warc_dir(), self.warc_max_bytes)?);
        }
        self.warc.as_mut().expect("opened").append(records)
    }

    /// Append the records of the exchange an article came from (`record`, made beforehand
    /// with [`warc::Prepared::exchange`]) to WARC, and place a new revision of the article
    /// in the catalog unless its text is unchanged; the JSON file is written by
    /// [`Staged::write`].
    pub fn stage(
        &mut self,
        article: ArticleRecord,
        mut fetch: FetchInfo,
        record: Option<warc::Prepared>,
    ) -> Result<Stage> {
        let key = article.canonical_url.as_deref().unwrap_or(&article.url);
        let id = article_id(key);
        let text_sha256 = text_hash(&article);
        let existing = self.catalog.get(&id).cloned();
        let mut unchanged = false;
        if let Some(e) = &existing {
            let current = match &e.text_sha256 {
                Some(h) => h.clone(),
                None => match self.read(&revision_path(&e.first, e.revision)) {
                    Ok(s) => s.text_sha256,
                    // The current revision cannot be read: a new one is written beside it
                    // (which keeps the article readable; the damaged file stays).
                    Err(e @ Error::UnreadableArticle { .. }) => {
                        tracing::warn!("{e}: writing a new revision");
                        String::new()
                    }
                    Err(e) => return Err(e),
                },
            };
            // (A revision whose WARC record is lost is written again, with a record.)
            unchanged = current == text_sha256 && !self.is_lost(&id);
            if !unchanged && self.pending.contains_key(&id) {
                return Ok(Stage::Busy(Box::new((article, fetch, record))));
            }
        }
        let mut durable = None;
        if let Some(record) = record {
            let (at, d) = self.append(record)?;
            fetch.warc = Some(at);
            durable = Some(d);
        }
        if unchanged {
            return Ok(Stage::Unchanged { id, warc: durable });
        }
        let (first, revision) = match &existing {
            Some(e) => (e.first.clone(), e.revision + 1),
            None => (self.place(&article, &id), 1),
        };
        let path = self.root.join(revision_path(&first, revision));
        self.catalog.insert(
            id.clone(),
            Entry {
                first,
                revision,
                text_sha256: Some(text_sha256.clone()),
            },
        );
        self.pending.insert(id.clone(), existing);
        Ok(Stage::Write(Box::new(Staged {
            path,
            stored: StoredArticle {
                schema_version: SCHEMA_VERSION,
                id,
                revision,
                text_sha256,
                article,
                fetch,
            },
            warc: durable,
        })))
    }

    /// A staged revision was written.
    pub fn confirm(&mut self, id: &str) {
        self.pending.remove(id);
        let revision = self.revision_of(id);
        for l in self.lost.iter_mut().filter(|l| l.id == id && l.refetched_as.is_none()) {
            l.refetched_as = revision;
            self.lost_changed = true;
        }
    }

    /// A staged revision could not be written: the catalog forgets it.
    pub fn abandon(&mut self, id: &str) {
        match self.pending.remove(id) {
            Some(Some(previous)) => {
                self.catalog.insert(id.to_owned(), previous);
            }
            Some(None) => {
                self.catalog.remove(id);
            }
            None => {}
        }
    }

    /// `<site>/<yyyy>/<mm>/<id>.json` by publication month.
    fn place(&self, a: &ArticleRecord, id: &str) -> PathBuf {
        let site: String = a
            .site
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '.' || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let site = if site.is_empty() || site.starts_with('.') || RESERVED_DIRS.contains(&site.as_str()) {
            format!("site-{site}")
        } else {
            site
        };
        let month = a
            .published
            .as_deref()
            .and_then(When::parse_stored)
            .map(|w| w.date().format("%Y/%m").to_string())
            .unwrap_or_else(|| "undated".to_owned());
        PathBuf::from(site).join(month).join(format!("{id}.json"))
    }

    /// Close the open WARC file (also done on drop), and store the list of lost records
    /// when re-fetches shortened it.
    pub fn flush(&mut self) -> Result<()> {
        if let Some(w) = self.warc.as_mut() {
            w.close()?;
        }
        self.save_lost()
    }

    /// The current revision number of `id`.
    pub fn revision_of(&self, id: &str) -> Option<u32> {
        self.catalog.get(id).map(|e| e.revision)
    }

    /// Where the current revision of `id` is, relative to the root.
    pub fn path_of(&self, id: &str) -> Option<PathBuf> {
        self.catalog.get(id).map(|e| revision_path(&e.first, e.revision))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::decode::EncodingReport;
    use crate::extract::PageType;

    pub(crate) fn sample(body: &str) -> ArticleRecord {
        ArticleRecord {
            url: "http://127.0.0.1/a.htm".into(),
            canonical_url: None,
            site: "longbien".into(),
            site_name: None,
            page_type: PageType::Article,
            title: Some("Tiêu đề".into()),
            published: Some("2019-11-05T13:01:00+07:00".into()),
            modified: None,
            authors: vec!["Nhật Minh".into()],
            source: None,
            lead: None,
            body: body.into(),
            category: None,
            tags: vec![],
            images: vec![],
            documents: vec![],
            tables: vec![],
            attachments: vec![],
            language: Some("vi".into()),
            encoding: EncodingReport {
                label: "utf-8".into(),
                from: crate::decode::EncodingSource::Http,
                http: None,
                meta: None,
                disagreement: None,
                repairs: vec![],
            },
            warnings: vec![],
        }
    }

    pub(crate) fn fetch() -> FetchInfo {
        FetchInfo {
            fetched_at: "2019-11-05T06:01:00Z".into(),
            status: 200,
            final_url: "http://127.0.0.1/a.htm".into(),
            content_type: None,
            etag: None,
            last_modified: None,
            content_sha256: String::new(),
            warc: None,
        }
    }

    pub(crate) fn response(body: &[u8]) -> HttpResponse<'_> {
        HttpResponse {
            url: "http://127.0.0.1/a.htm",
            status: 200,
            reason: "OK",
            headers: &[],
            body,
            body_sha256: None,
            date: "2019-11-05T06:01:00Z",
            truncated: false,
        }
    }

    #[test]
    fn put_new_unchanged_and_revised() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Archive::open(dir.path()).unwrap();
        let PutOutcome::New(s) = a.put(sample("Đoạn một."), fetch(), &response(b"x")).unwrap() else {
            panic!()
        };
        assert_eq!(
            a.path_of(&s.id).unwrap(),
            Path::new("longbien/2019/11").join(format!("{}.json", s.id))
        );
        assert!(matches!(
            a.put(sample("Đoạn một."), fetch(), &response(b"x")).unwrap(),
            PutOutcome::Unchanged { .. }
        ));
        let PutOutcome::Updated(s2) = a.put(sample("Đoạn một, đã sửa."), fetch(), &response(b"y")).unwrap()
        else {
            panic!()
        };
        assert_eq!(s2.revision, 2);
        a.flush().unwrap();
        // Reopening finds both revisions; the current one is the latest.
        assert!(
            matches!(Archive::open(dir.path()), Err(Error::Locked { .. })),
            "a second writer is refused"
        );
        let reader = Archive::open_read_only(dir.path()).unwrap();
        assert_eq!(reader.len(), 1);
        drop(a);
        let b = Archive::open(dir.path()).unwrap();
        assert_eq!(b.len(), 1);
        let revs = b.revisions(&s.id).unwrap();
        assert_eq!(revs.len(), 2);
        assert_eq!(revs[0].article.body, "Đoạn một.");
        assert_eq!(b.get(&s.id).unwrap().unwrap().article.body, "Đoạn một, đã sửa.");
        let rec = warc::read_at(&b.warc_dir(), s2.fetch.warc.as_ref().unwrap()).unwrap();
        assert_eq!(rec.http().unwrap().2, b"y");
    }

    #[test]
    fn a_revision_staged_twice_waits_for_the_first_and_a_failed_write_is_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Archive::open(dir.path()).unwrap();
        let rec = |b: &[u8]| Some(warc::Prepared::response(&response(b)).unwrap());
        let Stage::Write(first) = a.stage(sample("Một."), fetch(), rec(b"1")).unwrap() else {
            panic!("a new article is written")
        };
        // While it is being written: the same text is unchanged, other text must wait.
        assert!(matches!(
            a.stage(sample("Một."), fetch(), rec(b"1")).unwrap(),
            Stage::Unchanged { .. }
        ));
        let Stage::Busy(back) = a.stage(sample("Hai."), fetch(), rec(b"2")).unwrap() else {
            panic!("a second revision waits for the first")
        };
        let id = first.id().to_owned();
        let stored = first.write().unwrap();
        a.confirm(&id);
        assert_eq!(stored.revision, 1);
        let (article, f, r) = *back;
        let Stage::Write(second) = a.stage(article, f, r).unwrap() else {
            panic!("staged again once the first is confirmed")
        };
        assert_eq!(second.stored.revision, 2);
        // The write fails (say the disk is full): the catalog is as before it.
        a.abandon(&id);
        assert_eq!(a.revision_of(&id), Some(1));
        assert_eq!(a.get(&id).unwrap().unwrap().article.body, "Một.");
    }

    #[test]
    fn file_names() {
        assert_eq!(parse_file_name("abc.json"), Some(("abc", 1)));
        assert_eq!(parse_file_name("abc.r12.json"), Some(("abc", 12)));
        assert_eq!(parse_file_name(".abc.json.1.tmp"), None);
    }
}
