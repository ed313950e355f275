//! The command line as clap parses it: flags and subcommands, nothing validated yet. The
//! library's own types appear here only through conversions (`SortArg` → [`Sort`]), so
//! clap stays at the edge.

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

use crate::config;
use crate::export::Format;
use crate::search::{SearchOptions, Sort};

#[derive(Parser, Debug)]
#[command(
    name = "vnnews",
    version,
    about = "Archive Vietnamese news portals faithfully, and search the archive."
)]
pub struct Cli {
    /// Archive directory.
    #[arg(long, global = true, env = "VNNEWS_ARCHIVE", default_value = config::DEFAULT_ARCHIVE)]
    pub archive: PathBuf,
    /// Crawl configuration (default: config/vnnews.toml).
    #[arg(long, global = true, env = "VNNEWS_CONFIG")]
    pub config: Option<PathBuf>,
    /// More log output (-v, -vv).
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
    /// Less output: only errors.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub quiet: u8,
    /// Colour: auto (only on a terminal), always, never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Crawl the configured sites once: fetch, extract, archive, index.
    #[command(after_help = "Examples:
  vnnews crawl                               every site in config/vnnews.toml
  vnnews crawl --site longbien --max-pages 500 --max-duration 3600
  vnnews crawl -q --json                     for cron: errors only, the summary as JSON")]
    Crawl(CrawlArgs),
    /// Extract articles from saved HTML files (any charset, .gz accepted, - for standard
    /// input); one JSON line each.
    #[command(after_help = "Examples:
  vnnews extract --url https://longbien.hanoi.gov.vn/tin-tuc-su-kien/a-c4-2305.htm page.html
  curl -s https://example.vn/a.htm | vnnews extract --url https://example.vn/a.htm -
  vnnews extract saved/*.html.gz | jq .title")]
    Extract(ExtractArgs),
    /// Show how vnnews sees one page before a long crawl: fetched politely (robots.txt, the
    /// configured user agent and rate) or read from a file — charset evidence and repairs,
    /// page type with its evidence, the fields, the profile and patterns that applied, and
    /// every link as the crawl would classify and queue it.
    #[command(after_help = "Examples:
  vnnews check https://longbien.hanoi.gov.vn/tin-tuc-su-kien/a-c4-2305.htm
  vnnews check --site longbien --url https://longbien.hanoi.gov.vn/tin-tuc-su-kien saved.html
  vnnews check --json https://example.gov.vn/ | jq '.links[] | select(.admission == \"page\") | .url'")]
    Check(CheckArgs),
    /// Repair broken Vietnamese text, one line in, one line out.
    #[command(after_help = "Examples:
  echo 'L?y l?i m\u{fffd} b?o m?t' | vnnews repair
  vnnews repair --explain broken.txt | jq .repairs")]
    Repair(RepairArgs),
    /// Put the marks back on Vietnamese typed without them, one line in, one line out.
    #[command(after_help = "Examples:
  echo 'binh dang gioi' | vnnews restore
  vnnews restore --explain notes.txt | jq '.words[] | select(.confidence < 0.6)'")]
    Restore(RestoreArgs),
    /// Search the archive.
    Search(SearchArgs),
    /// Rebuild the search index from the archive alone.
    #[command(
        after_help = "Example:\n  vnnews reindex                             after a crash, a copy, or a new vnnews"
    )]
    Reindex,
    /// Write the archive's articles as JSON lines, CSV or Quickwit NDJSON, or its captures as
    /// a WACZ package, with search's filters.
    Export(ExportArgs),
    /// Show an archived article by id (or a unique prefix) or URL; its revisions, or what
    /// changed between them.
    Show(ShowArgs),
    /// Re-run decoding and extraction on the archived raw responses (after a better model),
    /// storing a new revision where the text changes. No refetching.
    #[command(after_help = "Example:\n  vnnews lexicon build --from-archive && vnnews reextract")]
    Reextract,
    /// Articles per site and month, revisions, last successful fetch, index health.
    #[command(after_help = "Examples:\n  vnnews stats\n  vnnews stats --json | jq .sites")]
    Stats {
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// The last crawl runs (start, end, outcome, summary) and, per site, the last successful
    /// fetch and the last error: monitoring without opening SQLite.
    #[command(after_help = "Examples:\n  vnnews status\n  vnnews status --runs 20 --json")]
    Status(StatusArgs),
    /// Check the archive: every article file parses, every WARC reference resolves and its
    /// digest matches, the index holds the current revisions. Exit 6 when something is wrong.
    #[command(after_help = "Example:\n  vnnews verify --json > verify.json || echo 'archive damaged: see verify.json'")]
    Verify {
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// What was new, changed, gone and restored between two days (the weekly report).
    #[command(after_help = "Examples:
  vnnews changes --since 2026-11-25
  vnnews changes --since 2026-11-01 --until 2026-11-30 --site longbien --json")]
    Changes(ChangesArgs),
    /// A citation of an archived article, with its archive reference (WARC file, record id,
    /// payload digest).
    #[command(after_help = "Examples:
  vnnews cite 1a2b3c
  vnnews cite https://longbien.hanoi.gov.vn/tin-tuc-su-kien/a-c4-2305.htm --format bibtex")]
    Cite(CiteArgs),
    /// The official documents the archive's articles cite by number (Kế hoạch số
    /// 373/KH-UBND, Nghị định 30/2020/NĐ-CP…), most cited first, with kind, issuer, count
    /// and first/last publication days.
    #[command(after_help = "Examples:
  vnnews documents
  vnnews documents --site longbien --kind 'Quyết định' --since 2024-01-01
  vnnews documents --json | jq -r 'select(.articles > 1) | .number'
  vnnews search doc:373/KH-UBND             the articles citing one of them")]
    Documents(DocumentsArgs),
    /// Crawl the bundled sample portal on loopback, archive, index and search it.
    #[command(after_help = "Example:\n  vnnews --archive /tmp/demo demo")]
    Demo,
    /// Build or extend the syllable model used to restore lost letters.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "Examples:
  vnnews completions bash > ~/.local/share/bash-completion/completions/vnnews
  vnnews completions zsh > ~/.zfunc/_vnnews
  vnnews completions fish > ~/.config/fish/completions/vnnews.fish")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), for man(1).
    #[command(after_help = "Example:\n  vnnews man > ~/.local/share/man/man1/vnnews.1 && man vnnews")]
    Man,
    /// Measure throughput (build with --release): repair, extract, index, crawl.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Repair throughput on clean and broken text (MB/s, one core).
    #[command(after_help = "Example:\n  vnnews bench repair --cases ../shared/eval/mojibake/dev.jsonl")]
    Repair {
        /// Also measure the inputs of a JSONL case file ({"kind", "input"} per line).
        #[arg(long, value_name = "FILE")]
        cases: Option<PathBuf>,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read the text of documents (PDF, DOCX, XLSX, ODT, …), one at a time: documents/s and
    /// MB/s per file, and the process's peak memory (RSS) before and after.
    #[command(
        after_help = "Examples:\n  vnnews bench attachments                     the documents in fixtures/documents/\n  vnnews bench attachments --seconds 10 big.pdf"
    )]
    Attachments {
        /// Documents to read (default: every file of fixtures/documents/).
        #[arg(value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Index generated articles, then time searches (docs/s, index size, p50/p99 latency).
    #[command(after_help = "Example:\n  vnnews bench index --docs 100000")]
    Index {
        /// How many generated articles to index.
        #[arg(long, default_value_t = 100_000)]
        docs: usize,
        /// Where to build the index (default: a temporary directory, removed afterwards).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The whole pipeline against a generated loopback portal, rate limit lifted: pages/s,
    /// MB/s, peak RSS; and the frontier's memory as it grows to 100,000 URLs.
    #[command(after_help = "Examples:
  vnnews bench crawl --pages 10000
  vnnews bench crawl --pages 10000 --write-portal /srv/bench && vnnews bench crawl --url http://127.0.0.1:8080/")]
    Crawl {
        /// How many article pages the generated portal has.
        #[arg(long, default_value_t = 10_000)]
        pages: usize,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Where to build the archive (default: a temporary directory, removed afterwards).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
        /// Crawl the portal served at this URL (a static copy written by `--write-portal`,
        /// served by nginx, say) instead of the one this process serves.
        #[arg(long)]
        url: Option<url::Url>,
        /// Write the generated portal of `--pages` articles as static files into this
        /// directory (for a web server), and exit.
        #[arg(long, value_name = "DIR")]
        write_portal: Option<PathBuf>,
    },
    /// Decoding + extraction throughput over saved pages (pages/s and MB/s, one core).
    #[command(after_help = "Example:\n  vnnews bench extract ../shared/eval/sh-dev/html")]
    Extract {
        /// Directories of saved pages (.html, .htm, .gz).
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Print the figures as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct DocumentsArgs {
    /// Only documents cited by articles of this site (repeatable).
    #[arg(long = "site", value_name = "NAME")]
    pub sites: Vec<String>,
    /// Only documents of this kind (Kế hoạch, Quyết định, Nghị định, Thông tư, Công văn…;
    /// without diacritics, any spelling).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Only citations in articles published on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DAY")]
    pub since: Option<chrono::NaiveDate>,
    /// One JSON object per document.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    /// How many of the last runs to list.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub runs: usize,
    /// Print one JSON object: runs, sites, whether a crawl is running.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CrawlArgs {
    /// Only this site, by its name in the configuration (repeatable).
    #[arg(long = "site", value_name = "NAME")]
    pub sites: Vec<String>,
    /// Fetch at most this many pages in this run (the next run resumes the queue).
    #[arg(long, value_name = "N")]
    pub max_pages: Option<usize>,
    /// Stop scheduling after this many seconds (the next run resumes the queue).
    #[arg(long, value_name = "SECONDS")]
    pub max_duration: Option<f64>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// What a saved page's file does not say about it: where, how and when it was fetched.
#[derive(Args, Debug)]
pub struct SavedPageArgs {
    /// The URL the page was fetched from (for its site, links and URL dates).
    #[arg(long)]
    pub url: Option<String>,
    /// The HTTP Content-Type it was served with.
    #[arg(long)]
    pub content_type: Option<String>,
    /// When it was fetched (RFC 3339): relative times (`2 giờ trước`) count from it, and
    /// later dates are not publication dates. Default: now.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub fetched_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub saved: SavedPageArgs,
    /// Also print links found on the page.
    #[arg(long)]
    pub links: bool,
    /// Also print why the page got its type: the rule and the evidence (`explain`).
    #[arg(long)]
    pub explain: bool,
    /// Saved pages (any charset; .gz accepted); `-` reads one from standard input.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// An http(s) URL to fetch, or a saved page (any charset, .gz accepted; - for standard
    /// input).
    #[arg(value_name = "URL|FILE")]
    pub target: String,
    /// The configured site to judge the page and its links by (default: the site whose
    /// scope holds the URL).
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,
    /// For a saved page: where, how and when it was fetched.
    #[command(flatten)]
    pub saved: SavedPageArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// Print a JSON line per input line: each word with its confidence and alternatives.
    #[arg(long)]
    pub explain: bool,
    /// Input file (default: standard input).
    pub file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RepairArgs {
    /// Print a JSON line per input line with the repairs made.
    #[arg(long)]
    pub explain: bool,
    /// Input file (default: standard input).
    pub file: Option<PathBuf>,
}

#[derive(Args, Debug)]
#[command(after_help = SEARCH_EXAMPLES)]
pub struct SearchArgs {
    /// The query: words (all must match), "a phrase", -word or NOT word (exclude), a OR b,
    /// (groups), and field:word for title, lead, body, author, source, category, tag. A word
    /// typed with diacritics matches that spelling only; one typed without matches every
    /// spelling, the exact one ranked first. Put `--` before a query that starts with `-`.
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// Every word matches every spelling, diacritics typed or not.
    #[arg(long, conflicts_with = "exact")]
    pub fold: bool,
    /// Every word matches only the spelling typed (case aside), marks or none.
    #[arg(long)]
    pub exact: bool,
    /// One JSON object per line: first the query as understood with the total, then a hit per
    /// line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Order of the hits: by relevance, or by publication time.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Show at most this many hits (1 or more).
    #[arg(long, default_value_t = 10, value_parser = at_least_one)]
    pub limit: usize,
    /// Skip this many hits first (for paging: --offset 10 is the second page of ten).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
}

/// `--limit`: a count of 1 or more.
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("0 would show nothing: give 1 or more".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

const SEARCH_EXAMPLES: &str = "Examples:
  vnnews search 'bình đẳng giới'            words with diacritics: that spelling
  vnnews search binh dang gioi              without: every spelling, exact first
  vnnews search '\"Long Biên\" -bão'          a phrase, and an exclusion
  vnnews search 'bão OR lũ' --site hanoi --site longbien --since 2024-01-01
  vnnews search 373/KH-UBND                 literal text: numbers, times, URLs
  vnnews search --json 'title:\"Long Biên\"' | jq .title
  vnnews search -- -bão                     only exclusions: every article without bão";

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  vnnews export --format csv --site longbien --since 2019-01-01 > longbien.csv
  vnnews export --format jsonl --query 'bình đẳng giới' -o gender.jsonl
  vnnews export --format quickwit --changed-since 2026-11-25 | quickwit index ingest --index vnnews
  vnnews export --format jsonl --all-revisions --site longbien > revisions.jsonl
  vnnews export --format wacz --site longbien --since 2026-01-01 -o longbien.wacz

Exit status: 0 something was written, 1 nothing matched (the output is then empty, or a
CSV header alone; a WACZ file is not made), 2 an error, 6 some article files could not be
read (skipped, named on stderr; the rest is written).")]
pub struct ExportArgs {
    /// jsonl: the stored JSON per line; csv: a row per article; quickwit: NDJSON for
    /// config/quickwit/; wacz: a web-archive package of the captures.
    #[arg(long, value_enum, default_value_t = FormatArg::Jsonl)]
    pub format: FormatArg,
    /// Write to this file (made atomically) instead of standard output; `wacz` needs it.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// `wacz`: put each article's text in pages/pages.jsonl (full-text search on replay).
    #[arg(long)]
    pub text: bool,
    /// Only articles matching this search query (the syntax of `vnnews search`).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Only articles fetched on or after this day or time (YYYY-MM-DD, UTC, or RFC 3339),
    /// changed or not: what a nightly crawl saw.
    #[arg(long, value_name = "WHEN", value_parser = parse_instant)]
    pub fetched_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only articles new or changed (a revision stored) on or after this day or time
    /// (YYYY-MM-DD, UTC, or RFC 3339): incremental ingest, whatever their publication date.
    #[arg(long, value_name = "WHEN", value_parser = parse_instant)]
    pub changed_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Every revision of each article, oldest first, not only the current one (jsonl, csv).
    #[arg(long)]
    pub all_revisions: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// A day (its start, UTC) or an RFC 3339 time.
fn parse_instant(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&chrono::Utc));
    }
    match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Ok(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()),
        Err(_) => Err(format!("{s:?} is neither a day (YYYY-MM-DD) nor an RFC 3339 time")),
    }
}

/// The filters `search` and `export` share.
#[derive(Args, Debug)]
pub struct FilterArgs {
    /// Only articles of this site, by its name in the configuration (repeatable: any of them).
    #[arg(long = "site", value_name = "NAME")]
    pub sites: Vec<String>,
    /// Only articles by this author, a name or part of one, spelt by the query's rule
    /// (repeatable: any of them).
    #[arg(long = "author", value_name = "NAME")]
    pub authors: Vec<String>,
    /// Published on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DAY")]
    pub since: Option<chrono::NaiveDate>,
    /// Published on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DAY")]
    pub until: Option<chrono::NaiveDate>,
    /// Articles still on their portal, gone from it, or all (gone ones marked).
    #[arg(long, value_enum, default_value_t = StatusArg::All)]
    pub status: StatusArg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusArg {
    Present,
    Gone,
    All,
}

impl FilterArgs {
    /// The search options these filters say; `--status` needs the archive's removals log.
    pub(super) fn options(&self, removals: &crate::archive::removals::Removals) -> SearchOptions {
        use crate::search::PresenceFilter;
        let which = match self.status {
            StatusArg::Present => Some(PresenceFilter::Present),
            StatusArg::Gone => Some(PresenceFilter::Gone),
            StatusArg::All => None,
        };
        SearchOptions {
            sites: self.sites.clone(),
            authors: self.authors.clone(),
            since: self.since,
            until: self.until,
            presence: which.map(|w| (w, std::sync::Arc::new(removals.gone().map(str::to_owned).collect()))),
            ..Default::default()
        }
    }
}

#[derive(Args, Debug)]
pub struct ChangesArgs {
    /// From this day (YYYY-MM-DD, UTC), included.
    #[arg(long, value_name = "DAY")]
    pub since: chrono::NaiveDate,
    /// To this day, included (default: today).
    #[arg(long, value_name = "DAY")]
    pub until: Option<chrono::NaiveDate>,
    /// Only this site, by its name in the configuration (repeatable).
    #[arg(long = "site", value_name = "NAME")]
    pub sites: Vec<String>,
    /// One JSON object per change.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CiteArgs {
    /// Article id, a unique prefix of it (6+ characters), or its URL.
    #[arg(value_name = "ARTICLE")]
    pub article: String,
    /// text: one line for a bibliography; csl-json (Zotero, pandoc), bibtex, ris.
    #[arg(long, value_enum, default_value_t = CiteFormat::Text)]
    pub format: CiteFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CiteFormat {
    Text,
    CslJson,
    Bibtex,
    Ris,
}

#[derive(Args, Debug)]
#[command(after_help = "Examples:
  vnnews show 1a2b3c                        an article by a unique id prefix (6+ characters)
  vnnews show https://longbien.hanoi.gov.vn/tin-tuc-su-kien/a-c4-2305.htm
  vnnews show 1a2b3c --revisions            the list of revisions only
  vnnews show 1a2b3c --diff                 what the last revision changed, word by word
  vnnews show 1a2b3c --diff --from 1 --revision 3
  vnnews show 1a2b3c --revision 1 --json    the first revision as stored
  vnnews show 1a2b3c --attachments          its documents: file, type, size, text read")]
pub struct ShowArgs {
    /// Article id, a unique prefix of it (6+ characters), or its URL.
    #[arg(value_name = "ARTICLE")]
    pub article: String,
    /// List the revisions (number, fetch time, text hash, title) instead of the article;
    /// with --json, every revision as stored.
    #[arg(long, conflicts_with = "diff")]
    pub revisions: bool,
    /// List the documents the article links to (PDF, DOCX, …): file name, media type,
    /// size, SHA-256, WARC record and what reading its text gave; with --json, as objects.
    #[arg(long, conflicts_with_all = ["diff", "revisions"])]
    pub attachments: bool,
    /// Show what changed, word by word, between the revision before --revision (or
    /// --from) and --revision (default: the last two).
    #[arg(long)]
    pub diff: bool,
    /// The revision to show (default: the current one); with --diff, the newer side.
    #[arg(long, value_name = "N")]
    pub revision: Option<u32>,
    /// With --diff: the older side (default: the revision before).
    #[arg(long, value_name = "N", requires = "diff")]
    pub from: Option<u32>,
    /// Print JSON: the stored revision (with its presence), every revision with
    /// --revisions, the changed paragraphs with --diff.
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum LexiconCommand {
    /// Count syllables and write a model (default: <archive>/lexicon/vi-syllables.vnlm,
    /// which every command on that archive then uses in place of the built-in model). Give at
    /// least one source: --from-archive, --text or --counts.
    #[command(after_help = "Examples:
  vnnews lexicon build --from-archive
  vnnews lexicon build --counts ../shared/lm --text corpus.txt --text-weight 3
  vnnews lexicon build --out model.vnlm      the built-in model, written out
  vnnews lexicon build --counts ../shared/lm --out counts.tsv.gz    counts, not an image")]
    Build(LexiconArgs),
}

#[derive(Args, Debug)]
pub struct LexiconArgs {
    /// Start from count files in DIR (vi-syllable-unigrams.tsv, vi-syllable-bigrams.tsv, and
    /// where present vi-syllable-trigrams.tsv, vi-context-bigrams.tsv,
    /// vi-context-trigrams.tsv) instead of the built-in model's counts.
    #[arg(long, value_name = "DIR")]
    pub counts: Option<PathBuf>,
    /// Add the syllables of a text file (repeatable).
    #[arg(long, value_name = "FILE")]
    pub text: Vec<PathBuf>,
    /// Each occurrence in --text files counts this many times.
    #[arg(long, default_value_t = 1)]
    pub text_weight: u64,
    /// Add the text of every archived article.
    #[arg(long)]
    pub from_archive: bool,
    /// Drop syllables counted fewer times than this.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub min_unigram: u64,
    /// Drop syllable pairs counted fewer times than this.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub min_bigram: u64,
    /// Drop syllable triples counted fewer times than this.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub min_trigram: u64,
    /// Write the model here (default: <archive>/lexicon/vi-syllables.vnlm, which commands
    /// on that archive then use). A name ending in .gz gets gzip counts instead of an image.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `--sort` as typed.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum SortArg {
    Relevance,
    Newest,
    Oldest,
}

impl From<SortArg> for Sort {
    fn from(s: SortArg) -> Sort {
        match s {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Newest => Sort::Newest,
            SortArg::Oldest => Sort::Oldest,
        }
    }
}

/// `export --format` as typed.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    Jsonl,
    Csv,
    /// NDJSON for the Quickwit index in `config/quickwit/`: NFC text plus folded twins.
    Quickwit,
    /// A WACZ 1.1.1 package of the captures (WARC records, CDXJ, pages) for ReplayWeb.page
    /// and pywb; `--site` and `--since`/`--until` (capture days) select; needs `-o`.
    Wacz,
}

impl FormatArg {
    /// The article format, for all but `wacz`.
    pub(super) fn articles(self) -> Option<Format> {
        match self {
            FormatArg::Jsonl => Some(Format::Jsonl),
            FormatArg::Csv => Some(Format::Csv),
            FormatArg::Quickwit => Some(Format::Quickwit),
            FormatArg::Wacz => None,
        }
    }
}

/// An RFC 3339 time (`2026-12-06T08:00:00+07:00`).
fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::FixedOffset>, String> {
    chrono::DateTime::parse_from_rfc3339(s).map_err(|e| format!("{s:?} is not an RFC 3339 time ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every flag and argument of every command says what it does, and every command that
    /// runs something shows examples after its help.
    #[test]
    fn every_flag_is_described_and_every_command_has_examples() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}: no help"));
                }
            }
            let leaf = cmd.get_subcommands().next().is_none();
            if leaf && !path.is_empty() && cmd.get_after_help().is_none() {
                missing.push(format!("{path}: no examples"));
            }
            for sub in cmd.get_subcommands() {
                if sub.get_name() == "help" {
                    continue;
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn the_same_filter_is_repeatable_everywhere() {
        for args in [
            &[
                "vnnews", "search", "--site", "a", "--site", "b", "--author", "x", "--author", "y", "q",
            ][..],
            &[
                "vnnews", "export", "--site", "a", "--site", "b", "--author", "x", "--author", "y",
            ],
            &["vnnews", "crawl", "--site", "a", "--site", "b"],
            &[
                "vnnews",
                "changes",
                "--since",
                "2026-01-01",
                "--site",
                "a",
                "--site",
                "b",
            ],
        ] {
            assert!(Cli::try_parse_from(args).is_ok(), "{args:?}");
        }
        let err = Cli::try_parse_from(["vnnews", "search", "--limit", "0", "q"]).unwrap_err();
        assert!(err.to_string().contains("give 1 or more"), "{err}");
        assert!(Cli::try_parse_from(["vnnews", "search", "--fold", "--exact", "q"]).is_err());
        // `show --diff ID` reads ID as the article, not as a revision range.
        let cli = Cli::try_parse_from(["vnnews", "show", "--diff", "1a2b3c"]).unwrap();
        assert!(matches!(cli.command, Command::Show(ShowArgs { ref article, diff: true, .. }) if article == "1a2b3c"));
    }
}
