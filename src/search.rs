//! `search` owns querying the index: the query language (phrases, `AND`/`OR`/`-`, field
//! prefixes), diacritic-insensitive matching that still ranks the exact spelling first,
//! filters, sorting and snippets.
//!
//! Every query is NFC-normalised, then searched in both the exact and the folded fields; the
//! exact fields carry the higher boost, so `mã` outranks `ma`/`mà` for the query `mã`, while
//! `binh dang gioi` finds `bình đẳng giới`.

use chrono::NaiveDate;
use regex::Regex;
use serde::Serialize;
use std::collections::HashSet;
use std::ops::Bound;
use std::sync::LazyLock;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, Order, Searcher, TantivyDocument, Term};

use crate::decode::{fold, nfc};
use crate::error::{Error, Result};
use crate::index::Fields;
use crate::time::vn_offset;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    Oldest,
}

#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    pub limit: usize,
    pub offset: usize,
    pub site: Option<String>,
    pub author: Option<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub sort: Sort,
    /// Only articles still on their portal (`Present`), or only those gone from it (`Gone`),
    /// given the ids of the gone ones (`archive::removals`).
    pub presence: Option<(PresenceFilter, std::sync::Arc<HashSet<String>>)>,
}

/// What `--status` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresenceFilter {
    Present,
    Gone,
}

/// A snippet as pieces of text, each marked as matching the query or not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snippet(pub Vec<(String, bool)>);

impl Snippet {
    pub fn plain(&self) -> String {
        self.0.iter().map(|(t, _)| t.as_str()).collect()
    }

    /// Render with matched words wrapped in `open`/`close` (e.g. ANSI colour codes).
    pub fn render(&self, open: &str, close: &str) -> String {
        self.0
            .iter()
            .map(|(t, hit)| if *hit { format!("{open}{t}{close}") } else { t.clone() })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub id: String,
    pub url: String,
    pub title: Option<String>,
    pub published: Option<String>,
    pub site: String,
    pub authors: Vec<String>,
    #[serde(serialize_with = "plain_snippet")]
    pub snippet: Snippet,
    /// The article's JSON file, relative to the archive root.
    pub path: String,
    /// Whether the article is still on its portal (set by the caller, who has the
    /// archive's removals log; `present` until then).
    pub status: String,
    /// When it was first seen gone, if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gone_since: Option<String>,
}

fn plain_snippet<S: serde::Serializer>(s: &Snippet, ser: S) -> std::result::Result<S::Ok, S::Error> {
    ser.serialize_str(&s.plain())
}

#[derive(Debug, Clone)]
pub struct Results {
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// User-facing field names and the index fields they search.
const FIELD_ALIASES: &[(&str, &str)] = &[
    ("title", "title"),
    ("lead", "lead"),
    ("sapo", "lead"),
    ("body", "body"),
    ("author", "authors"),
    ("authors", "authors"),
    ("source", "source"),
    ("category", "category"),
    ("tag", "tags"),
    ("tags", "tags"),
];

static FIELD_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b([a-z]+):("[^"]*"|\([^)]*\)|[^\s()"]+)"#).expect("regex"));

/// `title:x` → `(title:x OR title_f:x)`, so field queries are diacritic-insensitive too.
fn expand_fields(q: &str) -> String {
    FIELD_PREFIX
        .replace_all(q, |c: &regex::Captures| {
            let name = c[1].to_ascii_lowercase();
            match FIELD_ALIASES.iter().find(|(alias, _)| *alias == name) {
                Some((_, field)) => format!("({field}:{v} OR {field}_f:{v})", v = &c[2]),
                None => c[0].to_owned(),
            }
        })
        .into_owned()
}

/// The words of a query, folded, for snippets.
fn query_words(q: &str) -> HashSet<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "AND" | "OR" | "NOT"))
        .filter(|w| !FIELD_ALIASES.iter().any(|(a, _)| a == w))
        .map(fold)
        .collect()
}

fn parser(index: &Index, f: &Fields) -> QueryParser {
    // The body holds the lead as its first paragraph, so `lead:` and `tag:` are reached by
    // prefix; by default, fewer fields make every query cheaper.
    let fields = vec![f.title, f.title_f, f.body, f.body_f, f.authors, f.authors_f];
    let mut p = QueryParser::for_index(index, fields);
    p.set_conjunction_by_default();
    for (field, boost) in [
        (f.title, 6.0),
        (f.title_f, 2.0),
        (f.lead, 3.0),
        (f.lead_f, 1.0),
        (f.body, 2.0),
        (f.body_f, 0.7),
        (f.authors, 3.0),
        (f.authors_f, 1.0),
        (f.tags, 2.0),
        (f.tags_f, 0.7),
        (f.source, 2.0),
        (f.source_f, 0.7),
        (f.category, 2.0),
        (f.category_f, 0.7),
    ] {
        p.set_field_boost(field, boost);
    }
    p
}

fn day_start(d: NaiveDate) -> tantivy::DateTime {
    let t = d
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_local_timezone(vn_offset())
        .single()
        .expect("fixed offset");
    tantivy::DateTime::from_timestamp_secs(t.timestamp())
}

/// The longest query accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;

/// The deepest nesting of parentheses accepted: tantivy's query parser takes time
/// exponential in it (20 levels took a second, 3,000 over ten minutes, 50,000 overflowed the
/// stack), and no researcher's query needs more than a few.
pub const MAX_QUERY_NESTING: usize = 8;

/// Parse what the user typed. tantivy's parser panics on some inputs (a negated `*` beside
/// other words, found by fuzzing: `x - *`); that is a query it cannot parse, not a crash.
fn parse_user_query(index: &Index, f: &Fields, q: &str) -> Result<Box<dyn Query>> {
    let parser = parser(index, f);
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse_query(q))) {
        Ok(parsed) => Ok(parsed?),
        Err(_) => Err(Error::QueryShape(format!(
            "the query {q:?} cannot be parsed (a `*` can only stand alone or after a field name)"
        ))),
    }
}

/// Refuse a query too long or too deeply nested to parse in reasonable time.
fn check_shape(q: &str) -> Result<()> {
    if q.len() > MAX_QUERY_BYTES {
        return Err(Error::QueryShape(format!(
            "the query is {} bytes long; at most {MAX_QUERY_BYTES} are accepted",
            q.len()
        )));
    }
    // `*` (every article) beside other words made tantivy's parser panic when negated
    // (`x - *`, found by fuzzing) and matched nothing otherwise; it stands alone or not at all.
    let words: Vec<&str> = q
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 1 && words.iter().any(|w| w.trim_start_matches(['+', '-']) == "*") {
        return Err(Error::QueryShape("`*` matches every article: use it alone".to_owned()));
    }
    let (mut depth, mut deepest, mut quoted) = (0usize, 0usize, false);
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_QUERY_NESTING {
        return Err(Error::QueryShape(format!(
            "parentheses nest {deepest} deep; at most {MAX_QUERY_NESTING} levels are accepted"
        )));
    }
    Ok(())
}

/// Build the query: the user's words plus filters.
pub fn build_query(index: &Index, query: &str, opts: &SearchOptions) -> Result<Box<dyn Query>> {
    let f = Fields::of(&index.schema());
    check_shape(query)?;
    let q = nfc(query.trim()).into_owned();
    let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !q.is_empty() {
        parts.push((Occur::Must, parse_user_query(index, &f, &expand_fields(&q))?));
    }
    if let Some(site) = &opts.site {
        parts.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.site, site),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if let Some(author) = &opts.author {
        let words: Vec<String> = author.split_whitespace().map(|w| w.replace('"', "")).collect();
        let phrase = format!("\"{}\"", words.join(" "));
        let mut p = QueryParser::for_index(index, vec![f.authors_f]);
        p.set_conjunction_by_default();
        parts.push((Occur::Must, p.parse_query(&nfc(&phrase))?));
    }
    if opts.since.is_some() || opts.until.is_some() {
        let lower = opts
            .since
            .map(|d| Bound::Included(Term::from_field_date_for_search(f.published, day_start(d))))
            .unwrap_or(Bound::Unbounded);
        let upper = opts
            .until
            .and_then(|d| d.succ_opt())
            .map(|d| Bound::Excluded(Term::from_field_date_for_search(f.published, day_start(d))))
            .unwrap_or(Bound::Unbounded);
        parts.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
    }
    if let Some((which, gone)) = &opts.presence {
        let ids = gone.iter().map(|id| Term::from_field_text(f.id, id));
        let set: Box<dyn Query> = Box::new(tantivy::query::TermSetQuery::new(ids));
        match which {
            PresenceFilter::Gone => parts.push((Occur::Must, set)),
            PresenceFilter::Present => {
                if parts.is_empty() {
                    parts.push((Occur::Must, Box::new(tantivy::query::AllQuery)));
                }
                parts.push((Occur::MustNot, set));
            }
        }
    }
    if parts.is_empty() {
        return Ok(Box::new(tantivy::query::AllQuery));
    }
    Ok(Box::new(BooleanQuery::new(parts)))
}

/// Run a search.
pub fn search(index: &Index, query: &str, opts: &SearchOptions) -> Result<Results> {
    let reader = index.reader()?;
    search_with(index, &reader.searcher(), query, opts)
}

/// Run a search with a searcher that is kept open (a server, a benchmark).
pub fn search_with(index: &Index, searcher: &Searcher, query: &str, opts: &SearchOptions) -> Result<Results> {
    let q = build_query(index, query, opts)?;
    // No more hits than documents: a huge --limit or --offset allocated for all of them.
    let docs = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
    let limit = opts.limit.clamp(1, docs.max(1));
    let top = TopDocs::with_limit(limit).and_offset(opts.offset.min(docs));
    let (total, addrs): (usize, Vec<(f32, DocAddress)>) = match opts.sort {
        Sort::Relevance => searcher.search(&q, &(Count, top))?,
        Sort::Newest | Sort::Oldest => {
            let order = if opts.sort == Sort::Newest {
                Order::Desc
            } else {
                Order::Asc
            };
            let (n, docs) = searcher.search(
                &q,
                &(Count, top.order_by_fast_field::<tantivy::DateTime>("published", order)),
            )?;
            (n, docs.into_iter().map(|(_, a)| (0.0, a)).collect())
        }
    };
    let words = query_words(query);
    let hits = addrs
        .into_iter()
        .enumerate()
        .map(|(i, (score, addr))| hit(searcher, addr, score, opts.offset + i + 1, &words))
        .collect::<Result<Vec<_>>>()?;
    Ok(Results { total, hits })
}

fn hit(searcher: &Searcher, addr: DocAddress, score: f32, rank: usize, words: &HashSet<String>) -> Result<Hit> {
    let f = Fields::of(searcher.schema());
    let d: TantivyDocument = searcher.doc(addr)?;
    let s = |field| d.get_first(field).and_then(|v| v.as_str()).map(str::to_owned);
    let body = s(f.body).unwrap_or_default();
    let lead = s(f.lead).unwrap_or_default();
    let snippet_source = if body.is_empty() { &lead } else { &body };
    Ok(Hit {
        rank,
        score,
        id: s(f.id).unwrap_or_default(),
        url: s(f.url).unwrap_or_default(),
        title: s(f.title),
        published: s(f.published_text),
        site: s(f.site).unwrap_or_default(),
        authors: d
            .get_all(f.authors)
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        snippet: snippet(snippet_source, words, 32),
        path: s(f.path).unwrap_or_default(),
        status: "present".to_owned(),
        gone_since: None,
    })
}

/// The window of `width` words with the most query words, matched words marked. Matching is
/// on folded words, so a diacritic-free query highlights the accented text it found.
pub fn snippet(text: &str, words: &HashSet<String>, width: usize) -> Snippet {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    if tokens.is_empty() {
        return Snippet(Vec::new());
    }
    // Folding every token is the cost of a snippet; only tokens as long as a query word can match.
    let lengths: HashSet<usize> = words.iter().map(|w| w.chars().count()).collect();
    let is_hit: Vec<bool> = tokens
        .iter()
        .map(|t| {
            let t = t.trim_matches(|c: char| !c.is_alphanumeric());
            lengths.contains(&t.chars().count()) && words.contains(&fold(t))
        })
        .collect();
    let width = width.min(tokens.len());
    let mut best = (0, 0usize);
    let mut count = is_hit[..width].iter().filter(|h| **h).count();
    best.1 = count;
    for start in 1..=tokens.len() - width {
        count = count + is_hit[start + width - 1] as usize - is_hit[start - 1] as usize;
        if count > best.1 {
            best = (start, count);
        }
    }
    // Start a little before the first match, so it is read in context.
    let first_hit = (best.0..best.0 + width).find(|&i| is_hit[i]).unwrap_or(best.0);
    let start = first_hit.saturating_sub(width / 4).min(tokens.len() - width);
    let (start, end) = (start, start + width);
    let mut pieces: Vec<(String, bool)> = Vec::new();
    if start > 0 {
        pieces.push(("… ".into(), false));
    }
    for (i, t) in tokens[start..end].iter().enumerate() {
        if i > 0 {
            pieces.push((" ".into(), false));
        }
        pieces.push(((*t).to_owned(), is_hit[start + i]));
    }
    if end < tokens.len() {
        pieces.push((" …".into(), false));
    }
    Snippet(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_prefixes_search_both_forms() {
        assert_eq!(expand_fields("title:giới"), "(title:giới OR title_f:giới)");
        assert_eq!(
            expand_fields("author:\"Nhật Minh\" x"),
            "(authors:\"Nhật Minh\" OR authors_f:\"Nhật Minh\") x"
        );
        assert_eq!(expand_fields("http://x"), "http://x");
    }

    fn index_of(bodies: &[&str]) -> (tempfile::TempDir, Index) {
        let dir = tempfile::tempdir().unwrap();
        let index = crate::index::open(dir.path()).unwrap();
        let mut ix = crate::index::Indexer::new(&index).unwrap();
        for (i, b) in bodies.iter().enumerate() {
            let mut a = crate::archive::tests::sample(b);
            a.title = Some(format!("Bài {i}"));
            let s = crate::archive::StoredArticle {
                schema_version: 1,
                id: format!("id{i}"),
                revision: 1,
                text_sha256: String::new(),
                article: a,
                fetch: crate::archive::tests::fetch(),
            };
            ix.upsert(&s, std::path::Path::new("x")).unwrap();
        }
        ix.commit().unwrap();
        (dir, index)
    }

    fn first_hit(index: &Index, q: &str) -> String {
        let r = search(
            index,
            q,
            &SearchOptions {
                limit: 5,
                ..Default::default()
            },
        )
        .unwrap();
        r.hits.first().map(|h| h.id.clone()).unwrap_or_default()
    }

    #[test]
    fn exact_spelling_ranks_first_and_folded_still_matches() {
        let (_d, index) = index_of(&[
            "Lấy lại mã bảo mật.",
            "Chuyện ma quỷ.",
            "Thế mà thôi.",
            "Má tôi đi chợ.",
        ]);
        assert_eq!(first_hit(&index, "mã"), "id0");
        assert_eq!(first_hit(&index, "ma"), "id1");
        assert_eq!(first_hit(&index, "mà"), "id2");
        assert_eq!(first_hit(&index, "má"), "id3");
        // Without diacritics every spelling matches.
        let r = search(
            &index,
            "ma",
            &SearchOptions {
                limit: 10,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(r.total, 4);
        // NFD queries are normalised.
        assert_eq!(first_hit(&index, "ma\u{303}"), "id0");
    }

    #[test]
    fn snippets_highlight_folded_matches() {
        let words = query_words("binh dang");
        let s = snippet("Tháng hành động vì bình đẳng giới năm 2019.", &words, 4);
        assert_eq!(s.render("[", "]"), "… vì [bình] [đẳng] giới …");
    }

    #[test]
    fn queries_too_deep_or_too_long_are_refused_at_once() {
        // Nested parentheses made tantivy's parser exponential (3,000 levels ran for over ten
        // minutes; 50,000 overflowed the stack).
        let (_d, index) = index_of(&["Lấy lại mã bảo mật."]);
        let opts = SearchOptions::default();
        let nested = |n: usize| format!("{}mã{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(search(&index, &nested(3), &opts).unwrap().total, 1);
        for q in [nested(50), nested(50_000), "mã ".repeat(2_000)] {
            let err = search(&index, &q, &opts).unwrap_err().to_string();
            assert!(err.starts_with("search query refused"), "{err}");
        }
        // Parentheses inside a phrase are text, not nesting.
        assert!(check_shape(&format!("\"{}\"", "(".repeat(20))).is_ok());
    }

    #[test]
    fn a_star_beside_other_words_is_refused_not_a_panic() {
        // Found by fuzzing the query parser: `0t  - * 0ge` panicked tantivy's parser ("Exist
        // query without a field isn't allowed"), so `vnnews search` exited 101.
        let (_d, index) = index_of(&["Lấy lại mã bảo mật."]);
        let opts = SearchOptions::default();
        for q in ["0t  - * 0ge", "x - *", "- * y", "mã *", "(- *) mã", "+* mã"] {
            let err = search(&index, q, &opts).unwrap_err().to_string();
            assert!(err.contains("`*` matches every article"), "{q}: {err}");
        }
        assert_eq!(search(&index, "*", &opts).unwrap().total, 1);
        assert_eq!(search(&index, "mã", &opts).unwrap().total, 1);
    }

    #[test]
    fn a_huge_limit_or_offset_is_capped_at_the_documents() {
        // `--limit 18446744073709551615` panicked ("capacity overflow"); `--limit 1000000000`
        // allocated 16 GB.
        let (_d, index) = index_of(&["Lấy lại mã bảo mật.", "Mã số thuế."]);
        for (limit, offset, hits) in [(usize::MAX, 0, 2), (1_000_000_000, 0, 2), (10, usize::MAX, 0)] {
            let r = search(
                &index,
                "mã",
                &SearchOptions {
                    limit,
                    offset,
                    ..Default::default()
                },
            )
            .unwrap();
            assert_eq!((r.total, r.hits.len()), (2, hits), "limit {limit}, offset {offset}");
        }
    }
}
