//! `index` owns the Tantivy index inside the archive (`<archive>/index/`). It is derived data:
//! [`rebuild`] recreates it from the archive alone, and [`Indexer::upsert`] replaces an
//! article's document by id, so every current article has exactly one document.
//!
//! Text fields are indexed twice: `title` with the exact analyzer (lower-cased NFC) and
//! `title_f` with the folded one (diacritics removed, `đ`→`d`), both with positions for
//! phrase queries. Exact matches can then outrank folded ones at query time.

use std::path::Path;
use tantivy::schema::{
    DateOptions, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{AsciiFoldingFilter, TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, IndexWriter, Term, doc};

use crate::archive::{Archive, StoredArticle};
use crate::decode;
use crate::error::{IoContext, Result};
use crate::time::When;

mod read_only;

pub const EXACT: &str = "vn_exact";
pub const FOLDED: &str = "vn_folded";

/// The text fields that are indexed exact and folded.
pub const TEXT_FIELDS: &[&str] = &["title", "lead", "body", "authors", "source", "category", "tags"];

/// Field handles of the schema.
#[derive(Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub url: Field,
    pub site: Field,
    pub title: Field,
    pub title_f: Field,
    pub lead: Field,
    pub lead_f: Field,
    pub body: Field,
    pub body_f: Field,
    pub authors: Field,
    pub authors_f: Field,
    pub source: Field,
    pub source_f: Field,
    pub category: Field,
    pub category_f: Field,
    pub tags: Field,
    pub tags_f: Field,
    pub published: Field,
    pub published_text: Field,
    pub fetched: Field,
    pub revision: Field,
    pub path: Field,
    /// Official document numbers cited ([`crate::extract::docnum`]), upper-case NFC, raw.
    /// `None` in an index an older vnnews made (`vnnews reindex` adds it).
    pub doc: Option<Field>,
    /// The text of the article's documents (one value per document, in link order), exact
    /// and folded, and each document's name (same order). `None` in an older index.
    pub attachment: Option<AttachmentFields>,
}

/// The index fields of an article's documents' text.
#[derive(Clone, Copy)]
pub struct AttachmentFields {
    pub text: Field,
    pub text_f: Field,
    pub name: Field,
}

fn text(tokenizer: &str, stored: bool) -> TextOptions {
    let o = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored { o.set_stored() } else { o }
}

pub fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STRING | STORED | FAST);
    b.add_text_field("url", STRING | STORED);
    b.add_text_field("site", STRING | STORED | FAST);
    for name in TEXT_FIELDS {
        b.add_text_field(name, text(EXACT, true));
        b.add_text_field(&format!("{name}_f"), text(FOLDED, false));
    }
    let date = DateOptions::from(INDEXED).set_stored().set_fast();
    b.add_date_field("published", date.clone());
    b.add_text_field("published_text", STORED);
    b.add_date_field("fetched", date);
    b.add_u64_field("revision", STORED | FAST);
    b.add_text_field("path", STORED);
    b.add_text_field("doc", STRING);
    b.add_text_field("attachment", text(EXACT, true));
    b.add_text_field("attachment_f", text(FOLDED, false));
    b.add_text_field("attachment_name", STORED);
    b.build()
}

impl Fields {
    pub fn of(s: &Schema) -> Fields {
        let f = |n: &str| s.get_field(n).expect("field in schema");
        Fields {
            id: f("id"),
            url: f("url"),
            site: f("site"),
            title: f("title"),
            title_f: f("title_f"),
            lead: f("lead"),
            lead_f: f("lead_f"),
            body: f("body"),
            body_f: f("body_f"),
            authors: f("authors"),
            authors_f: f("authors_f"),
            source: f("source"),
            source_f: f("source_f"),
            category: f("category"),
            category_f: f("category_f"),
            tags: f("tags"),
            tags_f: f("tags_f"),
            published: f("published"),
            published_text: f("published_text"),
            fetched: f("fetched"),
            revision: f("revision"),
            path: f("path"),
            doc: s.get_field("doc").ok(),
            attachment: match (
                s.get_field("attachment"),
                s.get_field("attachment_f"),
                s.get_field("attachment_name"),
            ) {
                (Ok(text), Ok(text_f), Ok(name)) => Some(AttachmentFields { text, text_f, name }),
                _ => None,
            },
        }
    }
}

/// Tokens of 48 bytes and more are not indexed (base64 blobs, runs of digits).
const MAX_TOKEN_BYTES: usize = 48;

/// Splits text into runs of letters and digits and lower-cases them, dropping tokens of
/// [`MAX_TOKEN_BYTES`] and more: the tokens of tantivy's `SimpleTokenizer` followed by
/// `RemoveLongFilter` and `LowerCaser`, exactly (an index built with those stays valid), in
/// one pass, with Vietnamese letters settled without the Unicode tables — tokenizing the text
/// twice per field was the largest part of indexing an article.
#[derive(Clone, Default)]
pub struct VnTokenizer {
    token: Token,
}

pub struct VnTokenStream<'a> {
    text: &'a str,
    at: usize,
    token: &'a mut Token,
}

impl Tokenizer for VnTokenizer {
    type TokenStream<'a> = VnTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VnTokenStream<'a> {
        self.token.reset();
        VnTokenStream {
            text,
            at: 0,
            token: &mut self.token,
        }
    }
}

fn is_token_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        decode::is_vietnamese_letter(c) || c.is_alphanumeric()
    }
}

/// `c.to_lowercase()` into `out`, without the tables for Vietnamese letters.
fn push_lower(out: &mut String, c: char) {
    let u = c as u32;
    let lower = match u {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE => char::from_u32(u + 0x20),
        0x61..=0x7A | 0xDF..=0xFF => Some(c),
        // Ă Đ Ĩ Ũ Ơ and their lower cases
        0x102 | 0x110 | 0x128 | 0x168 | 0x1A0 => char::from_u32(u + 1),
        0x103 | 0x111 | 0x129 | 0x169 | 0x1A1 | 0x1B0 => Some(c),
        0x1AF => Some('ư'),
        // Latin Extended Additional's Vietnamese block: upper case even, lower case odd
        0x1EA0..=0x1EF9 => char::from_u32(u | 1),
        _ => None,
    };
    match lower {
        Some(l) => out.push(l),
        None => out.extend(c.to_lowercase()),
    }
}

impl TokenStream for VnTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            self.token.text.clear();
            let rest = &self.text[self.at..];
            let Some((start, _)) = rest.char_indices().find(|&(_, c)| is_token_char(c)) else {
                self.at = self.text.len();
                return false;
            };
            let from = self.at + start;
            let len = self.text[from..]
                .char_indices()
                .find(|&(_, c)| !is_token_char(c))
                .map_or(self.text.len() - from, |(i, _)| i);
            let to = from + len;
            self.at = to;
            // Positions count every token, kept or not (as RemoveLongFilter's do).
            self.token.position = self.token.position.wrapping_add(1);
            if len >= MAX_TOKEN_BYTES {
                continue;
            }
            self.token.offset_from = from;
            self.token.offset_to = to;
            let word = &self.text[from..to];
            if word.is_ascii() {
                self.token.text.push_str(word);
                self.token.text.make_ascii_lowercase();
            } else {
                for c in word.chars() {
                    push_lower(&mut self.token.text, c);
                }
            }
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

fn register(index: &Index) {
    let exact = TextAnalyzer::builder(VnTokenizer::default()).build();
    let folded = TextAnalyzer::builder(VnTokenizer::default())
        .filter(AsciiFoldingFilter)
        .build();
    index.tokenizers().register(EXACT, exact);
    index.tokenizers().register(FOLDED, folded);
}

/// Open the index in `dir` for reading: `None` when there is none. Nothing is created, and a
/// copy the reader may not write to is read as it is (see [`read_only`]).
pub fn open_for_reading(dir: &Path) -> Result<Option<Index>> {
    if !dir.join("meta.json").exists() {
        return Ok(None);
    }
    let mmap = tantivy::directory::MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
    let index = Index::open(read_only::Reading(mmap))?;
    register(&index);
    Ok(Some(index))
}

/// Open the index in `dir` to write it, creating it if absent.
pub fn open(dir: &Path) -> Result<Index> {
    std::fs::create_dir_all(dir).at(dir)?;
    let index = if dir.join("meta.json").exists() {
        Index::open_in_dir(dir)?
    } else {
        Index::create_in_dir(dir, schema())?
    };
    register(&index);
    Ok(index)
}

fn to_date(w: When) -> tantivy::DateTime {
    let secs = match w {
        When::DateTime(t) => t.timestamp(),
        When::Date(d) => d
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_local_timezone(crate::time::vn_offset())
            .single()
            .map(|t| t.timestamp())
            .unwrap_or(0),
    };
    tantivy::DateTime::from_timestamp_secs(secs)
}

/// Whether `index` has every field of this version's schema (an older vnnews made it
/// otherwise).
pub fn is_current(index: &Index) -> bool {
    let have = index.schema();
    schema().fields().all(|(_, entry)| have.get_field(entry.name()).is_ok())
}

/// The archive's index, to write: rebuilt from the archive first when an older vnnews made
/// it without a field this one indexes (the index is derived data).
pub fn open_for_archive(archive: &Archive) -> Result<Index> {
    let dir = archive.index_dir();
    let index = open(&dir)?;
    if is_current(&index) {
        return Ok(index);
    }
    tracing::warn!(
        "the search index in {} was made by an older vnnews: rebuilding it from the archive",
        dir.display()
    );
    drop(index);
    let (n, _) = rebuild(archive)?;
    tracing::info!("rebuilt the search index: {n} articles");
    open(&dir)
}

/// Adds and replaces articles; commits on [`Indexer::commit`].
pub struct Indexer {
    writer: IndexWriter,
    fields: Fields,
    pending: usize,
}

impl Indexer {
    pub fn new(index: &Index) -> Result<Indexer> {
        // Tantivy's indexing budget, shared by its threads. 64 MB let `bench crawl` peak at
        // 154 MB RSS in one run of three (140 MB otherwise); 48 MB held it at 139–140 MB in
        // four runs at the same throughput (1,011–1,043 pages/s).
        let writer = index.writer(48 * 1024 * 1024)?;
        Ok(Indexer {
            writer,
            fields: Fields::of(&index.schema()),
            pending: 0,
        })
    }

    /// Replace the document of this article (by id) with its current revision.
    /// Index an article (replacing its document) with the texts of its documents, `(name,
    /// text)` ([`Archive::attachment_texts`]).
    pub fn upsert(&mut self, s: &StoredArticle, path: &Path, attachments: &[(String, String)]) -> Result<()> {
        let f = self.fields;
        self.writer.delete_term(Term::from_field_text(f.id, &s.id));
        let a = &s.article;
        let mut d = doc!(
            f.id => s.id.as_str(),
            f.url => a.url.as_str(),
            f.site => a.site.as_str(),
            f.revision => s.revision as u64,
            f.path => path.to_string_lossy().as_ref(),
        );
        // Text is NFC already (decode's invariant); normalise anyway, it is cheap when true.
        let mut add = |exact: Field, folded: Field, value: &str| {
            let v = decode::nfc(value);
            d.add_text(exact, v.as_ref());
            d.add_text(folded, v.as_ref());
        };
        if let Some(t) = &a.title {
            add(f.title, f.title_f, t);
        }
        if let Some(l) = &a.lead {
            add(f.lead, f.lead_f, l);
        }
        add(f.body, f.body_f, &a.body);
        for au in &a.authors {
            add(f.authors, f.authors_f, au);
        }
        if let Some(src) = &a.source {
            add(f.source, f.source_f, src);
        }
        if let Some(c) = &a.category {
            add(f.category, f.category_f, c);
        }
        for t in &a.tags {
            add(f.tags, f.tags_f, t);
        }
        if let Some(doc) = f.doc {
            for number in crate::archive::documents_of(a) {
                d.add_text(doc, crate::extract::docnum::DocumentRef::key(&number.number));
            }
        }
        if let Some(af) = f.attachment {
            for (name, text) in attachments {
                let text = decode::nfc(text);
                d.add_text(af.text, text.as_ref());
                d.add_text(af.text_f, text.as_ref());
                d.add_text(af.name, decode::nfc(name).as_ref());
            }
        }
        if let Some(p) = &a.published {
            if let Some(w) = When::parse_stored(p) {
                d.add_date(f.published, to_date(w));
            }
            d.add_text(f.published_text, p);
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&s.fetch.fetched_at) {
            d.add_date(f.fetched, tantivy::DateTime::from_timestamp_secs(t.timestamp()));
        }
        self.writer.add_document(d)?;
        self.pending += 1;
        Ok(())
    }

    /// Make everything added so far durable and visible.
    pub fn commit(&mut self) -> Result<usize> {
        self.writer.commit()?;
        let n = self.pending;
        self.pending = 0;
        Ok(n)
    }
}

/// Rebuild the index from the archive alone: into `index.new`, then swapped in by two
/// renames. A crash before them leaves the old index in place, after them the new one;
/// between them no index is in place, and the next crawl's [`sync`] (or another rebuild)
/// makes one from the archive, which a rebuild never touches. Returns the number of
/// documents.
pub fn rebuild(archive: &Archive) -> Result<(usize, Vec<std::path::PathBuf>)> {
    let root = archive.root();
    let new_dir = root.join("index.new");
    let old_dir = root.join("index.old");
    let live = archive.index_dir();
    if new_dir.exists() {
        std::fs::remove_dir_all(&new_dir).at(&new_dir)?;
    }
    let index = open(&new_dir)?;
    let mut ix = Indexer::new(&index)?;
    let mut n = 0;
    let mut current = archive.readable();
    for s in &mut current {
        let s = s?;
        let path = archive.path_of(&s.id).unwrap_or_default();
        ix.upsert(&s, &path, &archive.attachment_texts(&s.article))?;
        n += 1;
    }
    ix.commit()?;
    ix.writer.wait_merging_threads()?;
    if old_dir.exists() {
        std::fs::remove_dir_all(&old_dir).at(&old_dir)?;
    }
    if live.exists() {
        std::fs::rename(&live, &old_dir).at(&old_dir)?;
    }
    std::fs::rename(&new_dir, &live).at(&live)?;
    crate::archive::sync_dir(root)?;
    if old_dir.exists() {
        std::fs::remove_dir_all(&old_dir).at(&old_dir)?;
    }
    Ok((n, current.skipped().to_vec()))
}

/// The (id, revision) of every live document, read from the fast fields.
pub fn indexed_revisions(index: &Index) -> Result<std::collections::HashMap<String, u64>> {
    let searcher = index.reader()?.searcher();
    let mut out = std::collections::HashMap::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let (Some(ids), revs) = (ff.str("id")?, ff.u64("revision")?) else {
            continue;
        };
        let alive = seg.alive_bitset();
        let mut id = String::new();
        for doc in 0..seg.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let Some(ord) = ids.term_ords(doc).next() else { continue };
            id.clear();
            ids.ord_to_str(ord, &mut id).map_err(tantivy::TantivyError::from)?;
            out.insert(id.clone(), revs.first(doc).unwrap_or(0));
        }
    }
    Ok(out)
}

/// Bring the index up to the archive: index every current article whose revision the index
/// lacks (after a crash between an archive write and an index commit). Returns how many.
pub fn sync(index: &Index, archive: &Archive, indexer: &mut Indexer) -> Result<usize> {
    let have = indexed_revisions(index)?;
    let mut n = 0;
    for id in archive.ids() {
        if have.get(&id).copied() == archive.revision_of(&id).map(u64::from) {
            continue;
        }
        match archive.get(&id) {
            Ok(Some(s)) => {
                indexer.upsert(
                    &s,
                    &archive.path_of(&id).unwrap_or_default(),
                    &archive.attachment_texts(&s.article),
                )?;
                n += 1;
            }
            Ok(None) => {}
            // Not indexable; the run goes on (`vnnews verify` lists such files).
            Err(e @ crate::Error::UnreadableArticle { .. }) => tracing::warn!("not indexed: {e}"),
            Err(e) => return Err(e),
        }
    }
    if n > 0 {
        indexer.commit()?;
    }
    Ok(n)
}

/// The id of the article fetched from `url`, if the index holds it.
pub fn id_of_url(index: &Index, url: &str) -> Result<Option<String>> {
    let f = Fields::of(&index.schema());
    let searcher = index.reader()?.searcher();
    let query = tantivy::query::TermQuery::new(Term::from_field_text(f.url, url), IndexRecordOption::Basic);
    let top = searcher.search(&query, &tantivy::collector::TopDocs::with_limit(1))?;
    let Some((_, addr)) = top.first() else { return Ok(None) };
    let doc: tantivy::TantivyDocument = searcher.doc(*addr)?;
    use tantivy::schema::Value;
    Ok(doc.get_first(f.id).and_then(|v| v.as_str()).map(str::to_owned))
}

/// Number of documents in the index.
pub fn doc_count(index: &Index) -> Result<u64> {
    Ok(index.reader()?.searcher().num_docs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer};

    /// Every token, with position and offsets.
    fn all_tokens(mut a: TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            let t = s.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn vn_tokenizer_gives_the_tokens_of_the_analyzers_it_replaces() {
        let text = "ỦY BAN Nhân dân TP. Hà Nội: Đoàn THANH NIÊN, ƯU TIÊN Ăn Ĩnh Ũ Ơ — 100.000₫ \
                    São Paulo AÇÃO Größe İstanbul ΣΟΦΙΑ привет 東京 x²³ 
                    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa kết thúc Ỹ ỹ Ẳ";
        // Tokens just under and at the length limit, in bytes (`ư` is two).
        let text = &format!("{text} {} {} {}", "b".repeat(47), "c".repeat(48), "ư".repeat(24));
        let simple = |folded: bool| {
            let b = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(48))
                .filter(LowerCaser);
            if folded {
                b.filter(AsciiFoldingFilter).build()
            } else {
                b.build()
            }
        };
        let vn = |folded: bool| {
            if folded {
                TextAnalyzer::builder(VnTokenizer::default())
                    .filter(AsciiFoldingFilter)
                    .build()
            } else {
                TextAnalyzer::builder(VnTokenizer::default()).build()
            }
        };
        for folded in [false, true] {
            assert_eq!(
                all_tokens(vn(folded), text),
                all_tokens(simple(folded), text),
                "folded: {folded}"
            );
        }
        // Every letter of the Vietnamese alphabet, in both cases.
        let letters: String = (0x1EA0u32..=0x1EF9)
            .chain([
                0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169, 0x1A0, 0x1A1, 0x1AF, 0x1B0,
            ])
            .chain(0xC0..=0xFF)
            .filter_map(char::from_u32)
            .map(|c| format!("{c} "))
            .collect();
        assert_eq!(all_tokens(vn(false), &letters), all_tokens(simple(false), &letters));
    }

    fn tokens(index: &Index, analyzer: &str, text: &str) -> Vec<String> {
        let mut a = index.tokenizers().get(analyzer).unwrap();
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn sync_indexes_what_the_index_missed() {
        use crate::archive::tests::{fetch, response, sample};
        let dir = tempfile::tempdir().unwrap();
        let mut archive = Archive::open(dir.path()).unwrap();
        let mut a = sample("Đoạn một.");
        archive.put(a.clone(), fetch(), &response(b"x")).unwrap();
        a.url = "http://127.0.0.1/b.htm".into();
        archive.put(a, fetch(), &response(b"y")).unwrap();
        // The process died before indexing anything: the index is empty.
        let index = open(&archive.index_dir()).unwrap();
        let mut ix = Indexer::new(&index).unwrap();
        assert_eq!(sync(&index, &archive, &mut ix).unwrap(), 2);
        assert_eq!(doc_count(&index).unwrap(), 2);
        assert_eq!(sync(&index, &archive, &mut ix).unwrap(), 0, "nothing left to catch up");
        let revs = indexed_revisions(&index).unwrap();
        assert_eq!(revs.values().copied().collect::<Vec<_>>(), [1, 1]);
    }

    #[test]
    fn an_index_without_the_doc_field_is_read_and_rebuilt_for_writing() {
        use crate::archive::tests::{fetch, response, sample};
        let dir = tempfile::tempdir().unwrap();
        let mut archive = Archive::open(dir.path()).unwrap();
        archive
            .put(sample("Theo Kế hoạch số 373/KH-UBND."), fetch(), &response(b"x"))
            .unwrap();
        // The schema of the vnnews before document numbers.
        let mut old = Schema::builder();
        for (_, entry) in schema().fields().filter(|(_, e)| e.name() != "doc") {
            old.add_field(entry.clone());
        }
        let idx_dir = archive.index_dir();
        std::fs::create_dir_all(&idx_dir).unwrap();
        let old_index = Index::create_in_dir(&idx_dir, old.build()).unwrap();
        register(&old_index);
        assert!(!is_current(&old_index));
        let mut ix = Indexer::new(&old_index).unwrap();
        assert_eq!(sync(&old_index, &archive, &mut ix).unwrap(), 1);
        drop((ix, old_index));
        // Readers search it as it is (no `doc:`) ...
        let reading = open_for_reading(&idx_dir).unwrap().unwrap();
        let err = crate::search::search(&reading, "doc:373/KH-UBND", &Default::default()).unwrap_err();
        assert!(err.to_string().contains("run `vnnews reindex`"), "{err}");
        assert_eq!(
            crate::search::search(&reading, "373/KH-UBND", &Default::default())
                .unwrap()
                .total,
            1
        );
        drop(reading);
        // ... a writer rebuilds it from the archive first.
        let index = open_for_archive(&archive).unwrap();
        assert!(is_current(&index));
        let r = crate::search::search(&index, "doc:373/KH-UBND", &Default::default()).unwrap();
        assert_eq!(r.total, 1);
    }

    #[test]
    fn analyzers_keep_or_fold_diacritics() {
        let dir = tempfile::tempdir().unwrap();
        let index = open(dir.path()).unwrap();
        assert_eq!(tokens(&index, EXACT, "Bình Đẳng GIỚI"), ["bình", "đẳng", "giới"]);
        assert_eq!(tokens(&index, FOLDED, "Bình Đẳng GIỚI"), ["binh", "dang", "gioi"]);
        assert_eq!(tokens(&index, FOLDED, "ma má mà mã mạ mả"), ["ma"; 6]);
    }
}
