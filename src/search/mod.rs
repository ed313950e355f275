//! `search` owns querying the index: the query language ([`query`]: phrases, `OR`, `-`,
//! groups, field prefixes, the spelling rule), filters, sorting, totals and snippets.
//!
//! Every query is NFC-normalised. A word typed with diacritics is searched in the exact
//! fields only (`bão` finds `bão`, never `bạo`/`báo`/`bảo`); a word typed without them in the
//! folded fields too, with the exact fields boosted, so `binh dang gioi` finds `bình đẳng
//! giới` and `ma` ranks `ma` above `mà`/`má`.

pub mod query;

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashSet;
use std::ops::Bound;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, Order, Searcher, TantivyDocument, Term};

use crate::error::{Error, Result};
use crate::index::Fields;
use crate::time::vn_offset;
use query::Builder;
pub use query::{Highlight, Mode, Understood};

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
    /// Any of these sites (none: every site).
    pub sites: Vec<String>,
    /// Any of these authors, each a phrase in the authors field, spelt as [`query`] spells
    /// words.
    pub authors: Vec<String>,
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub sort: Sort,
    /// How query words treat diacritics.
    pub mode: Mode,
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
    /// Whether a piece matched the query.
    pub fn has_hits(&self) -> bool {
        self.0.iter().any(|(_, hit)| *hit)
    }

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
    /// The document whose text matched, when the article's own text does not (the snippet
    /// is then from the document).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<String>,
}

fn plain_snippet<S: serde::Serializer>(s: &Snippet, ser: S) -> std::result::Result<S::Ok, S::Error> {
    ser.serialize_str(&s.plain())
}

#[derive(Debug, Clone)]
pub struct Results {
    /// Every article the query matches (the hits are the page `limit`/`offset` chose).
    pub total: usize,
    pub hits: Vec<Hit>,
    pub understood: Understood,
    /// The query with its marks restored, when it was typed without any and restoring
    /// changes it (`binh dang gioi` → `bình đẳng giới`): what the user likely meant.
    pub suggestion: Option<String>,
}

/// The query with its marks restored ([`crate::decode::restore`]), for a query typed
/// without any that restoring changes.
pub fn suggestion(query: &str) -> Option<String> {
    if !query.is_ascii() || !query.chars().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let restored = crate::decode::restore::restore(query).text;
    (restored != query).then_some(restored)
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

/// Build the query: the user's words plus filters; and how the words were understood.
pub fn build_query(index: &Index, query: &str, opts: &SearchOptions) -> Result<(Box<dyn Query>, Understood)> {
    let f = Fields::of(&index.schema());
    check_shape(query)?;
    let mut builder = Builder::new(index, opts.mode);
    let built = builder.user_query(query);
    let mut understood = built.understood;
    let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    match built.query {
        Some(q) => parts.push((Occur::Must, q)),
        // What the notes say is why nothing is left (a `doc:` on an old index).
        None if !understood.notes.is_empty() => {
            return Err(Error::QueryShape(understood.notes.join("; ")));
        }
        None if !query.trim().is_empty() => {
            return Err(Error::QueryShape(format!(
                "{query:?} has no word to search for (letters or digits); `*` matches every article"
            )));
        }
        None => {}
    }
    if !opts.sites.is_empty() {
        let any: Vec<(Occur, Box<dyn Query>)> = opts
            .sites
            .iter()
            .map(|site| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(f.site, site),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        parts.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    if !opts.authors.is_empty() {
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for author in &opts.authors {
            let b = builder.phrase_in("authors", author);
            if let Some(q) = b.query {
                any.push((Occur::Should, q));
            }
        }
        if any.is_empty() {
            return Err(Error::QueryShape("--author has no name to search for".to_owned()));
        }
        parts.push((Occur::Must, Box::new(BooleanQuery::new(any))));
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
    if understood.parsed.is_empty() {
        understood.parsed = "*".to_owned();
    }
    if parts.is_empty() {
        return Ok((Box::new(tantivy::query::AllQuery), understood));
    }
    Ok((Box::new(BooleanQuery::new(parts)), understood))
}

/// Run a search.
pub fn search(index: &Index, query: &str, opts: &SearchOptions) -> Result<Results> {
    let reader = index.reader()?;
    search_with(index, &reader.searcher(), query, opts)
}

/// Run a search with a searcher that is kept open (a server, a benchmark).
pub fn search_with(index: &Index, searcher: &Searcher, query: &str, opts: &SearchOptions) -> Result<Results> {
    let (q, understood) = build_query(index, query, opts)?;
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
    let words = understood.highlight();
    let hits = addrs
        .into_iter()
        .enumerate()
        .map(|(i, (score, addr))| hit(searcher, addr, score, opts.offset + i + 1, &words))
        .collect::<Result<Vec<_>>>()?;
    Ok(Results {
        total,
        hits,
        understood,
        suggestion: suggestion(query),
    })
}

fn hit(searcher: &Searcher, addr: DocAddress, score: f32, rank: usize, words: &Highlight) -> Result<Hit> {
    let f = Fields::of(searcher.schema());
    let d: TantivyDocument = searcher.doc(addr)?;
    let s = |field| d.get_first(field).and_then(|v| v.as_str()).map(str::to_owned);
    let body = s(f.body).unwrap_or_default();
    let lead = s(f.lead).unwrap_or_default();
    let snippet_source = if body.is_empty() { &lead } else { &body };
    let mut snippet = snippet(snippet_source, words, 32);
    let title_hit = s(f.title).is_some_and(|t| self::snippet(&t, words, 32).has_hits());
    let mut attachment = None;
    if !snippet.has_hits()
        && !title_hit
        && let Some(af) = f.attachment
    {
        let names = d.get_all(af.name).filter_map(|v| v.as_str());
        let texts = d.get_all(af.text).filter_map(|v| v.as_str());
        if let Some((name, s)) = names
            .zip(texts)
            .map(|(name, text)| (name, self::snippet(text, words, 32)))
            .find(|(_, s)| s.has_hits())
        {
            attachment = Some(name.to_owned());
            snippet = s;
        }
    }
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
        snippet,
        path: s(f.path).unwrap_or_default(),
        status: "present".to_owned(),
        gone_since: None,
        attachment,
    })
}

/// The window of `width` words with the most query words, matched words marked. A token
/// matches when one of its runs of letters and digits is a query word: as typed for words
/// typed with diacritics, folded for the others (so `binh` highlights `bình`).
pub fn snippet(text: &str, words: &Highlight, width: usize) -> Snippet {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    if tokens.is_empty() {
        return Snippet(Vec::new());
    }
    // Lower-casing and folding every token is the cost of a snippet; only runs as long as a
    // query word can match.
    let lengths: HashSet<usize> = words
        .exact
        .iter()
        .chain(&words.folded)
        .map(|w| w.chars().count())
        .collect();
    let is_hit: Vec<bool> = tokens
        .iter()
        .map(|t| {
            t.split(|c: char| !c.is_alphanumeric())
                .any(|run| !run.is_empty() && lengths.contains(&run.chars().count()) && words.matches(run))
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

    /// One article of the test index: id, title, body, authors, site, publication day.
    type Spec = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static str,
        &'static str,
    );

    /// Four spellings of `bao`, a few Long Biên titles, literal text (times, numbers, URLs,
    /// apostrophes, document numbers).
    const CORPUS: &[Spec] = &[
        (
            "bao3",
            "Bão số 3 đổ bộ Quảng Ninh",
            "Cơn bão mạnh gây mưa lớn lúc 13:01 ngày 8/9, theo Kế hoạch số 373/KH-UBND.",
            &["Nhật Minh"],
            "quangninh",
            "2024-09-08",
        ),
        (
            "baoluc",
            "Bạo lực học đường",
            "Nhiều vụ bạo lực ở trường học.",
            &["Thu Hà"],
            "hanoi",
            "2023-05-01",
        ),
        (
            "baocao",
            "Báo cáo kinh tế quý I",
            "Báo cáo của Xi'an, đăng tại http://example.vn/bao-cao/a.htm lúc 9:30.",
            &["Nhật Minh"],
            "hanoi",
            "2023-04-02",
        ),
        (
            "baove",
            "Bảo vệ môi trường ở Long Biên",
            "Quận Long Biên: 2019 là năm bảo vệ môi trường.",
            &["Lê Văn Ba"],
            "longbien",
            "2019-06-01",
        ),
        (
            "binhdang",
            "Long Biên triển khai Tháng hành động vì bình đẳng giới",
            "Hội nghị bàn về bình đẳng giới năm 2019.",
            &["Thu Hà"],
            "longbien",
            "2019-11-05",
        ),
        (
            "longbao",
            "Long Biên khắc phục hậu quả bão",
            "Sau cơn bão, quận dọn cây đổ.",
            &["Nhật Minh"],
            "longbien",
            "2024-09-10",
        ),
        ("ma", "Chuyện ma", "Chuyện ma ở làng.", &[], "hanoi", "2020-01-01"),
        (
            "maso",
            "Lấy lại mã bảo mật",
            "Cách lấy lại mã bảo mật khi quên.",
            &[],
            "hanoi",
            "2020-02-01",
        ),
        (
            "muc373",
            "Mục 373 KH UBND trong sổ tay",
            "Sổ tay có nhiều mục.",
            &[],
            "hanoi",
            "2025-01-01",
        ),
    ];

    fn index_of(specs: &[Spec]) -> (tempfile::TempDir, Index) {
        let dir = tempfile::tempdir().unwrap();
        let index = crate::index::open(dir.path()).unwrap();
        let mut ix = crate::index::Indexer::new(&index).unwrap();
        for (id, title, body, authors, site, day) in specs {
            let mut a = crate::archive::tests::sample(body);
            a.title = Some((*title).to_owned());
            a.authors = authors.iter().map(|s| (*s).to_owned()).collect();
            a.site = (*site).to_owned();
            a.published = Some((*day).to_owned());
            let s = crate::archive::StoredArticle {
                schema_version: 1,
                id: (*id).to_owned(),
                revision: 1,
                text_sha256: String::new(),
                article: a,
                fetch: crate::archive::tests::fetch(),
            };
            ix.upsert(&s, std::path::Path::new("x"), &[]).unwrap();
        }
        ix.commit().unwrap();
        (dir, index)
    }

    static INDEX: std::sync::LazyLock<(tempfile::TempDir, Index)> = std::sync::LazyLock::new(|| index_of(CORPUS));

    fn ids_with(q: &str, opts: SearchOptions) -> Vec<String> {
        let opts = SearchOptions { limit: 100, ..opts };
        let r = search(&INDEX.1, q, &opts).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert_eq!(r.total, r.hits.len(), "{q}");
        r.hits.into_iter().map(|h| h.id).collect()
    }

    /// The ids `q` finds, in any order.
    fn check_with(q: &str, opts: SearchOptions, expected: &[&str]) {
        let mut got = ids_with(q, opts);
        got.sort();
        let mut want: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
        want.sort();
        assert_eq!(got, want, "query {q:?}");
    }

    fn check(q: &str, expected: &[&str]) {
        check_with(q, SearchOptions::default(), expected);
    }

    /// The id `q` ranks first.
    fn check_first(q: &str, expected: &str) {
        let got = ids_with(q, SearchOptions::default());
        assert_eq!(got.first().map(String::as_str), Some(expected), "query {q:?}: {got:?}");
    }

    #[test]
    fn the_spelling_typed_is_the_spelling_meant() {
        // Marks typed: that spelling only, any case.
        check("bão", &["bao3", "longbao"]);
        check("BÃO", &["bao3", "longbao"]);
        check("bạo", &["baoluc"]);
        check("báo", &["baocao"]);
        check("bảo", &["baove", "maso"]);
        check("mã", &["maso"]);
        // No marks: every spelling.
        check("bao", &["bao3", "baoluc", "baocao", "baove", "longbao", "maso"]);
        check("ma", &["ma", "maso"]);
        check("binh dang gioi", &["binhdang"]);
        // NFD input is the same query.
        check("ba\u{303}o", &["bao3", "longbao"]);
    }

    #[test]
    fn the_typed_spelling_ranks_first_when_folding() {
        check_first("ma", "ma");
        check_first("mã", "maso");
        check_first("bao cao", "baocao");
    }

    #[test]
    fn phrases_and_exclusions_follow_the_rule_word_by_word() {
        check("\"bình đẳng giới\"", &["binhdang"]);
        check("\"binh dang gioi\"", &["binhdang"]);
        check("\"bình dang gioi\"", &["binhdang"]);
        check("\"bảo mật\"", &["maso"]);
        check("\"bão mật\"", &[]);
        check("\"giới bình\"", &[]);
        check("title:\"Long Biên\" -bão", &["baove", "binhdang"]);
        check("title:\"Long Biên\" -bao", &["binhdang"]);
        check("long bien -\"bình đẳng\"", &["baove", "longbao"]);
        check("bao -bão", &["baoluc", "baocao", "baove", "maso"]);
        check("bao NOT báo NOT bạo", &["bao3", "baove", "longbao", "maso"]);
    }

    #[test]
    fn operators_groups_and_fields() {
        check("bão OR bạo", &["bao3", "baoluc", "longbao"]);
        check("bão OR bạo Quảng", &["bao3"]);
        check("(bão OR báo) -Long", &["bao3", "baocao"]);
        check("+mã bảo", &["maso"]);
        check("title:bão", &["bao3", "longbao"]);
        check("title:bao", &["bao3", "baoluc", "baocao", "baove", "longbao", "maso"]);
        check("body:bảo", &["baove", "maso"]);
        check("author:\"Nhật Minh\"", &["bao3", "baocao", "longbao"]);
        check("author:(nhat minh) title:bão", &["bao3", "longbao"]);
        check(
            "*",
            &[
                "bao3", "baoluc", "baocao", "baove", "binhdang", "longbao", "ma", "maso", "muc373",
            ],
        );
    }

    #[test]
    fn only_exclusions_match_everything_else() {
        check("-bao", &["binhdang", "ma", "muc373"]);
        check("NOT bao -ma", &["binhdang", "muc373"]);
    }

    #[test]
    fn literal_text_is_literal() {
        check("13:01", &["bao3"]);
        check("9:30", &["baocao"]);
        check("Xi'an", &["baocao"]);
        check("http://example.vn/bao-cao/a.htm", &["baocao"]);
        check("\"373/KH-UBND\"", &["bao3", "muc373"]);
        check("Long Biên: 2019", &["baove", "binhdang"]);
        check("\"Long Biên: 2019\"", &["baove"]);
        // Not a field: searched as the text it is (with a note, below).
        check("titel:bão", &[]);
        check("8/9", &["bao3"]);
        check("9/8", &[]);
    }

    #[test]
    fn document_numbers() {
        // `doc:` finds the articles that cite the number, in any case; a number typed alone
        // finds the text too, the citing article first.
        check("doc:373/KH-UBND", &["bao3"]);
        check("doc:373/kh-ubnd", &["bao3"]);
        check("doc:374/KH-UBND", &[]);
        check("373/KH-UBND", &["bao3", "muc373"]);
        check_first("373/KH-UBND", "bao3");
        check("title:bão doc:373/KH-UBND", &["bao3"]);
    }

    #[test]
    fn forced_modes() {
        let fold = SearchOptions {
            mode: Mode::Fold,
            ..Default::default()
        };
        let exact = SearchOptions {
            mode: Mode::Exact,
            ..Default::default()
        };
        check_with(
            "bão",
            fold.clone(),
            &["bao3", "baoluc", "baocao", "baove", "longbao", "maso"],
        );
        check_with("ma", exact.clone(), &["ma"]);
        // Only the URL's `bao-cao` spells it so.
        check_with("bao", exact, &["baocao"]);
        check_with("-bão", fold, &["binhdang", "ma", "muc373"]);
    }

    #[test]
    fn filters() {
        let with = |f: fn(&mut SearchOptions)| {
            let mut o = SearchOptions::default();
            f(&mut o);
            o
        };
        check_with(
            "bao",
            with(|o| o.sites = vec!["hanoi".into()]),
            &["baoluc", "baocao", "maso"],
        );
        check_with(
            "bao",
            with(|o| o.sites = vec!["hanoi".into(), "quangninh".into()]),
            &["bao3", "baoluc", "baocao", "maso"],
        );
        check_with("", with(|o| o.authors = vec!["Thu Hà".into()]), &["baoluc", "binhdang"]);
        check_with("", with(|o| o.authors = vec!["thu ha".into()]), &["baoluc", "binhdang"]);
        check_with("", with(|o| o.authors = vec!["Thu Hả".into()]), &[]);
        check_with(
            "",
            with(|o| o.authors = vec!["Thu Hà".into(), "Lê Văn Ba".into()]),
            &["baoluc", "baove", "binhdang"],
        );
        check_with(
            "long bien",
            with(|o| o.since = NaiveDate::from_ymd_opt(2019, 11, 1)),
            &["binhdang", "longbao"],
        );
        check_with(
            "*",
            with(|o| o.until = NaiveDate::from_ymd_opt(2019, 12, 31)),
            &["baove", "binhdang"],
        );
    }

    #[test]
    fn the_query_as_understood() {
        let r = search(&INDEX.1, "title:\"Long Biên\" -bão bao", &SearchOptions::default()).unwrap();
        let u = &r.understood;
        assert_eq!(u.parsed, "title:\"Long Biên\" -bão bao");
        let modes: Vec<(&str, query::WordMode, query::Role)> =
            u.words.iter().map(|w| (w.word.as_str(), w.mode, w.role)).collect();
        use query::{Role, WordMode};
        assert_eq!(
            modes,
            [
                ("long", WordMode::Folded, Role::Must),
                ("biên", WordMode::Exact, Role::Must),
                ("bão", WordMode::Exact, Role::MustNot),
                ("bao", WordMode::Folded, Role::Must),
            ]
        );
        assert_eq!(
            u.describe(),
            "title:\"Long Biên\" -bão bao · as typed: biên, bão · any diacritics: long, bao"
        );
        let r = search(&INDEX.1, "titel:bão", &SearchOptions::default()).unwrap();
        assert!(
            r.understood.notes[0].contains("fields: title, lead, sapo"),
            "{:?}",
            r.understood.notes
        );
    }

    #[test]
    fn snippets_highlight_what_the_query_matched() {
        let r = search(&INDEX.1, "binh dang", &SearchOptions::default()).unwrap();
        let words = r.understood.highlight();
        let s = snippet("Tháng hành động vì bình đẳng giới năm 2019.", &words, 4);
        assert_eq!(s.render("[", "]"), "… vì [bình] [đẳng] giới …");
        // A word typed with marks highlights only that spelling.
        let r = search(&INDEX.1, "bão", &SearchOptions::default()).unwrap();
        let s = snippet("Bão, bạo, báo, bảo.", &r.understood.highlight(), 8);
        assert_eq!(s.render("[", "]"), "[Bão,] bạo, báo, bảo.");
    }

    #[test]
    fn punctuation_alone_is_no_query() {
        let err = search(&INDEX.1, "–", &SearchOptions::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("has no word to search for"), "{err}");
    }

    #[test]
    fn queries_too_deep_or_too_long_are_refused_at_once() {
        // Nested parentheses made tantivy's parser exponential (3,000 levels ran for over ten
        // minutes; 50,000 overflowed the stack).
        let (_d, index) = index_of(&CORPUS[7..8]);
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
        let (_d, index) = index_of(&CORPUS[7..8]);
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
        let (_d, index) = index_of(&CORPUS[6..8]);
        for (limit, offset, hits) in [(usize::MAX, 0, 2), (1_000_000_000, 0, 2), (10, usize::MAX, 0)] {
            let r = search(
                &index,
                "ma",
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
