//! The query language, parsed by vnnews itself (tantivy's parser read `13:01` as field `13`
//! and folded every word): words, `"phrases"`, `-word`/`NOT word`, `+word`, `OR`, `(groups)`,
//! `field:word`, `*`.
//!
//! **The spelling typed is the spelling meant.** A word typed with diacritics (`bão`)
//! matches that spelling only, in any case; a word typed without them (`bao`) matches every
//! spelling (`bão`, `bạo`, `báo`, `bảo`, `bao`), the one typed ranked first. Phrases and
//! exclusions follow the rule word by word. [`Mode::Fold`] and [`Mode::Exact`] force one
//! mode for every word.
//!
//! **Literal text is literal.** A word is split into tokens exactly as the index splits text,
//! and a word of several tokens is a phrase: `13:01`, `Xi'an`, `373/KH-UBND`, a URL all match
//! the text they are. A colon makes a field only after a known field name (`title:`); a
//! word that looks like a wrong field name is searched as text, with a note naming the fields.
//!
//! `OR` binds tighter than the implicit AND (`bão OR lũ Quảng Nam` is `(bão OR lũ) AND
//! Quảng Nam`, as in web search engines). Parsing never fails: what cannot be read as an
//! operator is text or is dropped with a note; the caller gets the query *and* the notes.

use serde::Serialize;
use std::collections::HashSet;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, Term};

use crate::decode::nfc;
use crate::index::{EXACT, FOLDED, Fields};

/// How query words treat diacritics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Per word: marks typed → that spelling; none typed → every spelling.
    #[default]
    Auto,
    /// Every word matches every spelling (`--fold`).
    Fold,
    /// Every word matches only the spelling typed (`--exact`).
    Exact,
}

/// One searchable field as users name it: its exact and folded index fields and their
/// boosts.
#[derive(Debug, Clone, Copy)]
struct Target {
    exact: Field,
    folded: Field,
    boost: f32,
    folded_boost: f32,
}

/// The names users may put before a colon, and the index field each searches.
pub const FIELD_NAMES: &[(&str, &str)] = &[
    ("title", "title"),
    ("lead", "lead"),
    ("sapo", "lead"),
    ("body", "body"),
    ("text", "body"),
    ("author", "authors"),
    ("authors", "authors"),
    ("source", "source"),
    ("category", "category"),
    ("tag", "tags"),
    ("tags", "tags"),
    ("doc", "doc"),
    ("attachment", "attachment"),
    ("file", "attachment"),
];

/// The field names, for messages.
pub fn field_list() -> String {
    let mut names: Vec<&str> = FIELD_NAMES.iter().map(|(n, _)| *n).collect();
    names.dedup();
    names.join(", ")
}

fn targets(f: &Fields, field: Option<&str>) -> Vec<Target> {
    let t = |exact, folded, boost, folded_boost| Target {
        exact,
        folded,
        boost,
        folded_boost,
    };
    let title = t(f.title, f.title_f, 6.0, 2.0);
    let lead = t(f.lead, f.lead_f, 3.0, 1.0);
    let body = t(f.body, f.body_f, 2.0, 0.7);
    let authors = t(f.authors, f.authors_f, 3.0, 1.0);
    // A document's text counts for less than the article's own.
    let attachment = f.attachment.map(|a| t(a.text, a.text_f, 0.8, 0.3));
    match field {
        // The body holds the lead as its first paragraph, so unprefixed words search title,
        // body, authors and the documents' text; fewer fields make every query cheaper.
        None => [title, body, authors].into_iter().chain(attachment).collect(),
        Some("title") => vec![title],
        Some("lead") => vec![lead],
        Some("body") => vec![body],
        Some("authors") => vec![authors],
        Some("source") => vec![t(f.source, f.source_f, 2.0, 0.7)],
        Some("category") => vec![t(f.category, f.category_f, 2.0, 0.7)],
        Some("tags") => vec![t(f.tags, f.tags_f, 2.0, 0.7)],
        // Document numbers are matched whole, not through text fields (`Builder::doc`).
        Some("doc") => Vec::new(),
        Some("attachment") => attachment.into_iter().collect(),
        Some(other) => unreachable!("field {other} is not in FIELD_NAMES"),
    }
}

/// How a query word is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WordMode {
    /// Only the spelling typed (any case).
    Exact,
    /// Every spelling; the one typed ranks first.
    Folded,
}

/// Whether a clause must, may or must not match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Must,
    Should,
    MustNot,
}

/// One word of the query as understood.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordUse {
    /// The token, lower-cased NFC, as the index holds it.
    pub word: String,
    pub mode: WordMode,
    /// The field it is searched in (`None`: title, text and authors).
    pub field: Option<&'static str>,
    pub role: Role,
    /// Part of a phrase (or of literal text of several tokens).
    pub phrase: bool,
}

/// The query as vnnews understood it: every word with its mode, and notes on what was read
/// otherwise than a user may have meant.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Understood {
    /// The query written back in its parsed form.
    pub parsed: String,
    pub words: Vec<WordUse>,
    pub notes: Vec<String>,
}

impl Understood {
    /// One line for people: the parsed query, then which words match only as typed and which
    /// match every spelling.
    pub fn describe(&self) -> String {
        let list = |mode| {
            let mut seen = HashSet::new();
            self.words
                .iter()
                // Numbers have no spelling to keep or fold.
                .filter(|w| w.mode == mode && !w.word.chars().all(|c| c.is_numeric()) && seen.insert(w.word.as_str()))
                .map(|w| w.word.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut parts = vec![self.parsed.clone()];
        let (exact, folded) = (list(WordMode::Exact), list(WordMode::Folded));
        if !exact.is_empty() {
            parts.push(format!("as typed: {exact}"));
        }
        if !folded.is_empty() {
            parts.push(format!("any diacritics: {folded}"));
        }
        parts.join(" · ")
    }

    /// The words that highlight a snippet: exact ones as typed, the others folded.
    pub fn highlight(&self) -> Highlight {
        let mut h = Highlight::default();
        for w in self.words.iter().filter(|w| w.role != Role::MustNot) {
            match w.mode {
                WordMode::Exact => h.exact.insert(w.word.clone()),
                WordMode::Folded => h.folded.insert(crate::decode::fold(&w.word)),
            };
        }
        h
    }
}

/// Words to mark in a snippet.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    /// Lower-cased, matched as spelt.
    pub exact: HashSet<String>,
    /// Folded, matched against the folded token.
    pub folded: HashSet<String>,
}

impl Highlight {
    pub fn matches(&self, token: &str) -> bool {
        let lower = token.to_lowercase();
        self.exact.contains(&lower) || (!self.folded.is_empty() && self.folded.contains(&crate::decode::fold(&lower)))
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.folded.is_empty()
    }
}

/// Whether the name `want` (an `--author` filter) is in `name`, by the spelling rule: as
/// typed where it has diacritics, folded where it has none. Export filters with it without
/// the index.
pub fn name_matches(want: &str, name: &str, mode: Mode) -> bool {
    let want = nfc(want.trim()).to_lowercase();
    let name = nfc(name).to_lowercase();
    let folded_want = crate::decode::fold(&want);
    let exact = match mode {
        Mode::Exact => true,
        Mode::Fold => false,
        Mode::Auto => folded_want != want,
    };
    if exact {
        name.contains(&want)
    } else {
        crate::decode::fold(&name).contains(&folded_want)
    }
}

/// A lexical token of the query.
#[derive(Debug, Clone, PartialEq)]
enum Lex {
    Open,
    Close,
    Or,
    And,
    Not,
    Plus,
    /// A known field name followed by a colon, applying to what follows.
    Field(&'static str),
    Quoted(String),
    Word(String),
}

fn known_field(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    FIELD_NAMES.iter().find(|(n, _)| *n == lower).map(|(_, f)| *f)
}

/// Split the query into tokens; notes say what was read as text though it looked like
/// syntax.
fn lex(q: &str, notes: &mut Vec<String>) -> Vec<Lex> {
    let mut out = Vec::new();
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push(Lex::Open);
                i += 1;
                continue;
            }
            ')' => {
                out.push(Lex::Close);
                i += 1;
                continue;
            }
            '"' => {
                let end = chars[i + 1..].iter().position(|&c| c == '"').map(|p| i + 1 + p);
                let text: String = chars[i + 1..end.unwrap_or(chars.len())].iter().collect();
                if end.is_none() {
                    notes.push("a quote is not closed: the phrase runs to the end of the query".to_owned());
                }
                out.push(Lex::Quoted(text));
                i = end.map_or(chars.len(), |e| e + 1);
                continue;
            }
            // A sign is an operator only at the start of a word, before something.
            '-' | '+'
                if chars
                    .get(i + 1)
                    .is_some_and(|n| !n.is_whitespace() && *n != '-' && *n != '+' && *n != ')') =>
            {
                out.push(if c == '-' { Lex::Not } else { Lex::Plus });
                i += 1;
                continue;
            }
            _ => {}
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && !matches!(chars[i], '(' | ')' | '"') {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        match word.as_str() {
            "OR" | "||" => out.push(Lex::Or),
            "AND" | "&&" => out.push(Lex::And),
            "NOT" => out.push(Lex::Not),
            _ => lex_word(word, &mut out, notes),
        }
    }
    out
}

/// A word, or `field:` and a word.
fn lex_word(word: String, out: &mut Vec<Lex>, notes: &mut Vec<String>) {
    if let Some((name, rest)) = word.split_once(':')
        && !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphabetic())
    {
        if let Some(field) = known_field(name) {
            out.push(Lex::Field(field));
            if !rest.is_empty() {
                out.push(Lex::Word(rest.to_owned()));
            }
            return;
        }
        // `http://…`, `https:…` are text; so is `Biên:`. A word of letters before a colon
        // and more after it may be a mistyped field.
        let scheme =
            rest.starts_with("//") || matches!(name.to_ascii_lowercase().as_str(), "http" | "https" | "mailto");
        if !scheme && !rest.is_empty() {
            notes.push(format!(
                "`{name}:` is not a field, so `{word}` is searched as text (fields: {})",
                field_list()
            ));
        }
    }
    out.push(Lex::Word(word));
}

/// The parsed query.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    All,
    Text {
        field: Option<&'static str>,
        text: String,
        quoted: bool,
    },
    And(Vec<(Sign, Node)>),
    Or(Vec<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Sign {
    Plain,
    Must,
    Not,
}

struct Parser {
    toks: Vec<Lex>,
    at: usize,
    notes: Vec<String>,
}

impl Parser {
    fn peek(&self) -> Option<&Lex> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Lex> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    /// Clauses up to a closing parenthesis (consumed) or the end.
    fn and(&mut self, field: Option<&'static str>, depth: usize) -> Node {
        let mut clauses = Vec::new();
        loop {
            match self.peek() {
                None => break,
                Some(Lex::Close) if depth > 0 => {
                    self.at += 1;
                    return Node::And(clauses);
                }
                Some(Lex::Close) => {
                    self.notes.push("a `)` without its `(` is ignored".to_owned());
                    self.at += 1;
                }
                Some(Lex::And) => self.at += 1,
                Some(Lex::Or) => {
                    self.notes.push("`OR` needs words on both sides; ignored".to_owned());
                    self.at += 1;
                }
                Some(_) => {
                    if let Some(c) = self.or(field, depth) {
                        clauses.push(c);
                    }
                }
            }
        }
        if depth > 0 {
            self.notes
                .push("a `(` is not closed: the group runs to the end of the query".to_owned());
        }
        Node::And(clauses)
    }

    /// A signed clause, and the clauses joined to it by `OR`.
    fn or(&mut self, field: Option<&'static str>, depth: usize) -> Option<(Sign, Node)> {
        let first = self.unary(field, depth)?;
        let mut alternatives = vec![first];
        while self.peek() == Some(&Lex::Or) {
            self.at += 1;
            match self.peek() {
                None | Some(Lex::Close) | Some(Lex::Or) | Some(Lex::And) => {
                    self.notes.push("`OR` needs words on both sides; ignored".to_owned());
                    break;
                }
                _ => {
                    if let Some(next) = self.unary(field, depth) {
                        alternatives.push(next);
                    }
                }
            }
        }
        if alternatives.len() == 1 {
            return alternatives.pop();
        }
        let nodes = alternatives
            .into_iter()
            .map(|(sign, node)| match sign {
                Sign::Not => Node::And(vec![(Sign::Not, node)]),
                _ => node,
            })
            .collect();
        Some((Sign::Plain, Node::Or(nodes)))
    }

    fn unary(&mut self, field: Option<&'static str>, depth: usize) -> Option<(Sign, Node)> {
        let sign = match self.peek() {
            Some(Lex::Not) => Sign::Not,
            Some(Lex::Plus) => Sign::Must,
            _ => Sign::Plain,
        };
        if sign != Sign::Plain {
            self.at += 1;
        }
        self.primary(field, depth).map(|n| (sign, n))
    }

    fn primary(&mut self, field: Option<&'static str>, depth: usize) -> Option<Node> {
        match self.next()? {
            Lex::Open => Some(self.and(field, depth + 1)),
            Lex::Quoted(text) => Some(Node::Text {
                field,
                text,
                quoted: true,
            }),
            Lex::Word(w) if w == "*" => Some(Node::All),
            Lex::Word(text) => Some(Node::Text {
                field,
                text,
                quoted: false,
            }),
            Lex::Field(f) => match self.peek() {
                Some(Lex::Open | Lex::Quoted(_) | Lex::Word(_)) => self.primary(Some(f), depth),
                _ => {
                    self.notes
                        .push(format!("`{f}:` is followed by nothing to search; ignored"));
                    None
                }
            },
            // A group's end where a word belongs: the group ends here.
            Lex::Close => {
                self.at -= 1;
                None
            }
            // An operator where a word belongs: read on.
            Lex::Not | Lex::Plus | Lex::And | Lex::Or => {
                self.notes
                    .push("an operator stands where a word belongs; ignored".to_owned());
                None
            }
        }
    }
}

/// Turns parsed text into tantivy queries, with the index's own analyzers.
pub struct Builder {
    fields: Fields,
    exact: TextAnalyzer,
    folded: TextAnalyzer,
    mode: Mode,
}

/// A query built from what the user typed: the query (`None` when nothing was left to
/// search), and how it was understood.
pub struct Built {
    pub query: Option<Box<dyn Query>>,
    pub understood: Understood,
}

impl Builder {
    pub fn new(index: &Index, mode: Mode) -> Builder {
        let get = |name| index.tokenizers().get(name).expect("vnnews analyzers are registered");
        Builder {
            fields: Fields::of(&index.schema()),
            exact: get(EXACT),
            folded: get(FOLDED),
            mode,
        }
    }

    /// Parse and build the user's query (NFC-normalised first).
    pub fn user_query(&mut self, q: &str) -> Built {
        let q = nfc(q.trim()).into_owned();
        let mut notes = Vec::new();
        let toks = lex(&q, &mut notes);
        let mut p = Parser { toks, at: 0, notes };
        let tree = p.and(None, 0);
        let mut understood = Understood {
            notes: p.notes,
            ..Default::default()
        };
        let query = self.node(&tree, Role::Must, &mut understood);
        understood.parsed = render(&tree);
        if let Node::And(clauses) = &tree
            && !clauses.is_empty()
            && clauses.iter().all(|(s, _)| *s == Sign::Not)
        {
            understood
                .notes
                .push("the query only excludes: every article without those words matches".to_owned());
        }
        Built { query, understood }
    }

    /// Text searched in one field as a phrase (the `--author` filter).
    pub fn phrase_in(&mut self, field: &'static str, text: &str) -> Built {
        let mut understood = Understood::default();
        let node = Node::Text {
            field: Some(field),
            text: nfc(text.trim()).into_owned(),
            quoted: true,
        };
        let query = self.node(&node, Role::Must, &mut understood);
        understood.parsed = render(&node);
        Built { query, understood }
    }

    fn node(&mut self, node: &Node, role: Role, u: &mut Understood) -> Option<Box<dyn Query>> {
        match node {
            Node::All => Some(Box::new(AllQuery)),
            Node::Text { field, text, quoted } => self.text(*field, text, *quoted, role, u),
            Node::Or(alternatives) => {
                let parts: Vec<(Occur, Box<dyn Query>)> = alternatives
                    .iter()
                    .filter_map(|n| self.node(n, if role == Role::MustNot { role } else { Role::Should }, u))
                    .map(|q| (Occur::Should, q))
                    .collect();
                (!parts.is_empty()).then(|| Box::new(BooleanQuery::new(parts)) as Box<dyn Query>)
            }
            Node::And(clauses) => {
                let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for (sign, n) in clauses {
                    let (occur, r) = match (sign, role) {
                        (Sign::Not, Role::MustNot) => (Occur::MustNot, Role::Must),
                        (Sign::Not, _) => (Occur::MustNot, Role::MustNot),
                        (_, r) => (Occur::Must, r),
                    };
                    if let Some(q) = self.node(n, r, u) {
                        parts.push((occur, q));
                    }
                }
                if parts.is_empty() {
                    return None;
                }
                if parts.iter().all(|(o, _)| *o == Occur::MustNot) {
                    parts.insert(0, (Occur::Must, Box::new(AllQuery)));
                }
                if parts.len() == 1 && parts[0].0 == Occur::Must {
                    return parts.pop().map(|(_, q)| q);
                }
                Some(Box::new(BooleanQuery::new(parts)))
            }
        }
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            out.push(t.text.clone());
        }
        out
    }

    /// `doc:NUMBER`: the articles citing that document (the number as written, any case).
    fn doc(&self, text: &str, role: Role, u: &mut Understood) -> Option<Box<dyn Query>> {
        let Some(field) = self.fields.doc else {
            u.notes
                .push("this index predates document numbers: run `vnnews reindex` to search `doc:`".to_owned());
            return None;
        };
        let key = crate::extract::docnum::DocumentRef::key(text);
        if key.is_empty() {
            return None;
        }
        u.words.push(WordUse {
            word: key.clone(),
            mode: WordMode::Exact,
            field: Some("doc"),
            role,
            phrase: false,
        });
        Some(Box::new(TermQuery::new(
            Term::from_field_text(field, &key),
            IndexRecordOption::Basic,
        )))
    }

    fn text(
        &mut self,
        field: Option<&'static str>,
        text: &str,
        quoted: bool,
        role: Role,
        u: &mut Understood,
    ) -> Option<Box<dyn Query>> {
        if field == Some("doc") {
            return self.doc(text, role, u);
        }
        let exact = Self::tokens(&mut self.exact, text);
        let folded = Self::tokens(&mut self.folded, text);
        if exact.is_empty() || exact.len() != folded.len() {
            // Punctuation alone (`-`, `–`) is no word; a phrase of it is worth a note.
            if quoted {
                u.notes
                    .push(format!("\"{text}\" has no letters or digits to search; ignored"));
            }
            return None;
        }
        let modes: Vec<WordMode> = exact
            .iter()
            .zip(&folded)
            .map(|(e, f)| match self.mode {
                Mode::Exact => WordMode::Exact,
                Mode::Fold => WordMode::Folded,
                Mode::Auto if e != f => WordMode::Exact,
                Mode::Auto => WordMode::Folded,
            })
            .collect();
        let phrase = exact.len() > 1;
        for (word, mode) in exact.iter().zip(&modes) {
            u.words.push(WordUse {
                word: word.clone(),
                mode: *mode,
                field,
                role,
                phrase: phrase || quoted,
            });
        }
        let mut per_field: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for t in targets(&self.fields, field) {
            let exact_terms: Vec<Term> = exact.iter().map(|w| Term::from_field_text(t.exact, w)).collect();
            let folded_terms: Vec<Term> = folded.iter().map(|w| Term::from_field_text(t.folded, w)).collect();
            // The spelling typed, in the exact field: always a way to match, ranked higher.
            per_field.push((Occur::Should, boost(seq(exact_terms.clone()), t.boost)));
            if modes.contains(&WordMode::Folded) {
                // Every spelling of the folded words, in the folded field; each word typed
                // with marks must also stand, so spelt, in the exact field.
                let mut all: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, seq(folded_terms))];
                for (term, mode) in exact_terms.into_iter().zip(&modes) {
                    if *mode == WordMode::Exact {
                        all.push((Occur::Must, seq(vec![term])));
                    }
                }
                let q: Box<dyn Query> = if all.len() == 1 {
                    all.pop().expect("one").1
                } else {
                    Box::new(BooleanQuery::new(all))
                };
                per_field.push((Occur::Should, boost(q, t.folded_boost)));
            }
        }
        // A document number: the articles that cite it rank first.
        if field.is_none()
            && let (Some(doc), Some(key)) = (self.fields.doc, crate::extract::docnum::as_number(text))
        {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(doc, &key),
                IndexRecordOption::Basic,
            ));
            per_field.push((Occur::Should, Box::new(ConstScoreQuery::new(q, DOC_SCORE))));
        }
        Some(Box::new(BooleanQuery::new(per_field)))
    }
}

/// What citing a document a query names by number adds to a hit's score: more than text
/// matches give (a few units to a few dozen), so the citing articles come first, ordered
/// among themselves by their text.
const DOC_SCORE: f32 = 1000.0;

/// One term, or a phrase of several.
fn seq(mut terms: Vec<Term>) -> Box<dyn Query> {
    if terms.len() == 1 {
        Box::new(TermQuery::new(terms.pop().expect("one"), IndexRecordOption::WithFreqs))
    } else {
        Box::new(PhraseQuery::new(terms))
    }
}

fn boost(q: Box<dyn Query>, by: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, by))
}

/// The parsed query, written back.
fn render(node: &Node) -> String {
    match node {
        Node::All => "*".to_owned(),
        Node::Text { field, text, quoted } => {
            let name = field.map(|f| format!("{f}:")).unwrap_or_default();
            let several = text.split_whitespace().nth(1).is_some();
            if *quoted || several {
                format!("{name}\"{}\"", text.trim())
            } else {
                format!("{name}{text}")
            }
        }
        Node::Or(alternatives) => {
            let inner: Vec<String> = alternatives.iter().map(render).collect();
            format!("({})", inner.join(" OR "))
        }
        Node::And(clauses) => {
            let inner: Vec<String> = clauses
                .iter()
                .map(|(sign, n)| {
                    let r = render(n);
                    let r = match n {
                        Node::And(c) if c.len() > 1 => format!("({r})"),
                        _ => r,
                    };
                    match sign {
                        Sign::Plain => r,
                        Sign::Must => format!("+{r}"),
                        Sign::Not => format!("-{r}"),
                    }
                })
                .collect();
            inner.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parse of `q`, written back, and its notes.
    fn parsed(q: &str) -> (String, Vec<String>) {
        let mut notes = Vec::new();
        let toks = lex(q, &mut notes);
        let mut p = Parser { toks, at: 0, notes };
        let tree = p.and(None, 0);
        (render(&tree), p.notes)
    }

    fn check(q: &str, expected: &str) {
        assert_eq!(parsed(q).0, expected, "query {q:?}");
    }

    #[test]
    fn parses() {
        check("bão", "bão");
        check("bão lũ", "bão lũ");
        check("\"bình đẳng giới\"", "\"bình đẳng giới\"");
        check("-bão", "-bão");
        check("NOT bão", "-bão");
        check("+bão lũ", "+bão lũ");
        check("bão OR lũ Quảng", "(bão OR lũ) Quảng");
        check("title:\"Long Biên\" -bão", "title:\"Long Biên\" -bão");
        check("tag:(a b)", "(tags:a tags:b)");
        check("Title:bão", "title:bão");
        check("sapo:x", "lead:x");
        check("13:01", "13:01");
        check("Long Biên: 2019", "Long Biên: 2019");
        check("http://x.vn/a.htm", "http://x.vn/a.htm");
        check("373/KH-UBND", "373/KH-UBND");
        check("Xi'an", "Xi'an");
        check("a - b", "a - b");
        check("KH-UBND", "KH-UBND");
        check("(a OR b) -(c d)", "(a OR b) -(c d)");
        check("*", "*");
    }

    #[test]
    fn odd_syntax_is_text_or_a_note_never_an_error() {
        for (q, note) in [
            ("titel:bão", "`titel:` is not a field"),
            ("(bão", "a `(` is not closed"),
            ("bão)", "a `)` without its `(`"),
            ("\"bão", "a quote is not closed"),
            ("OR bão", "`OR` needs words on both sides"),
            ("bão OR", "`OR` needs words on both sides"),
            ("title:", "`title:` is followed by nothing"),
        ] {
            let (_, notes) = parsed(q);
            assert!(notes.iter().any(|n| n.contains(note)), "{q}: {notes:?}");
        }
        for q in ["13:01", "http://x.vn/a", "https:x", "Biên:", "Long Biên: 2019"] {
            assert_eq!(parsed(q).1, Vec::<String>::new(), "{q}");
        }
    }
}
