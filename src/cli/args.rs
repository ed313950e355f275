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
    Crawl(CrawlArgs),
    /// Extract articles from saved HTML files (any charset, .gz accepted); one JSON line each.
    Extract(ExtractArgs),
    /// Repair broken Vietnamese text, one line in, one line out.
    Repair(RepairArgs),
    /// Search the archive.
    Search(SearchArgs),
    /// Rebuild the search index from the archive alone.
    Reindex,
    /// Write the archive's current articles as JSON lines or CSV, with search's filters.
    Export(ExportArgs),
    /// Show an archived article by id or URL; its revisions and what changed between them.
    Show(ShowArgs),
    /// Re-run decoding and extraction on the archived raw responses (after a better model),
    /// storing a new revision where the text changes. No refetching.
    Reextract,
    /// Articles per site and month, revisions, last crawl, index health.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Check the archive: every article file parses, every WARC reference resolves and its
    /// digest matches, the index holds the current revisions. Exit 6 when something is wrong.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// What was new, changed, gone and restored between two days (the weekly report).
    Changes(ChangesArgs),
    /// A citation of an archived article, with its archive reference (WARC file, record id,
    /// payload digest).
    Cite(CiteArgs),
    /// Crawl the bundled sample portal on loopback, archive, index and search it.
    Demo,
    /// Build or extend the syllable model used to restore lost letters.
    #[command(subcommand)]
    Lexicon(LexiconCommand),
    /// Measure throughput (build with --release): repair, extraction.
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// Repair throughput on clean and broken text (MB/s, one core).
    Repair {
        /// Also measure the inputs of a JSONL case file ({"kind", "input"} per line).
        #[arg(long)]
        cases: Option<PathBuf>,
        /// Seconds per measurement.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        #[arg(long)]
        json: bool,
    },
    /// Index generated articles, then time searches (docs/s, index size, p50/p99 latency).
    Index {
        #[arg(long, default_value_t = 100_000)]
        docs: usize,
        /// Where to build the index (default: a temporary directory, removed afterwards).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// The whole pipeline against a generated loopback portal, rate limit lifted: pages/s,
    /// MB/s, peak RSS; and the frontier's memory as it grows to 100,000 URLs.
    Crawl {
        #[arg(long, default_value_t = 10_000)]
        pages: usize,
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Where to build the archive (default: a temporary directory, removed afterwards).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Crawl the portal served at this URL (a static copy written by `--write-portal`,
        /// served by nginx, say) instead of the one this process serves.
        #[arg(long)]
        url: Option<url::Url>,
        /// Write the generated portal of `--pages` articles as static files into this
        /// directory (for a web server), and exit.
        #[arg(long)]
        write_portal: Option<PathBuf>,
    },
    /// Decoding + extraction throughput over saved pages (pages/s and MB/s, one core).
    Extract {
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct CrawlArgs {
    /// Only these sites (by name).
    #[arg(long = "site")]
    pub sites: Vec<String>,
    /// Fetch at most this many pages in this run.
    #[arg(long)]
    pub max_pages: Option<usize>,
    /// Stop scheduling after this many seconds.
    #[arg(long)]
    pub max_duration: Option<f64>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    /// The URL the page was fetched from (for its site, links and URL dates).
    #[arg(long)]
    pub url: Option<String>,
    /// The HTTP Content-Type it was served with.
    #[arg(long)]
    pub content_type: Option<String>,
    /// Also print links found on the page.
    #[arg(long)]
    pub links: bool,
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
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
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = FormatArg::Jsonl)]
    pub format: FormatArg,
    /// Write to this file (made atomically) instead of standard output; `wacz` needs it.
    #[arg(short, long)]
    pub output: Option<std::path::PathBuf>,
    /// `wacz`: put each article's text in pages/pages.jsonl (full-text search on replay).
    #[arg(long)]
    pub text: bool,
    /// Only articles matching this search query.
    #[arg(long)]
    pub query: Option<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
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
    #[arg(long)]
    pub since: chrono::NaiveDate,
    /// To this day, included (default: today).
    #[arg(long)]
    pub until: Option<chrono::NaiveDate>,
    #[arg(long)]
    pub site: Option<String>,
    /// One JSON object per change.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CiteArgs {
    /// Article id or URL.
    pub article: String,
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
  vnnews show 1a2b3c --revision 1 --json    the first revision as stored")]
pub struct ShowArgs {
    /// Article id, a unique prefix of it (6+ characters), or its URL.
    #[arg(value_name = "ARTICLE")]
    pub article: String,
    /// List the revisions (number, fetch time, text hash, title) instead of the article;
    /// with --json, every revision as stored.
    #[arg(long, conflicts_with = "diff")]
    pub revisions: bool,
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
    /// Count syllables and write a model (default: <archive>/lexicon/vi-syllables.tsv.gz,
    /// which repairs then use in place of the built-in model).
    Build(LexiconArgs),
}

#[derive(Args, Debug)]
pub struct LexiconArgs {
    /// Start from count files (vi-syllable-unigrams.tsv, vi-syllable-bigrams.tsv) in DIR
    /// instead of the built-in model.
    #[arg(long)]
    pub counts: Option<PathBuf>,
    /// Add the syllables of a text file (repeatable).
    #[arg(long)]
    pub text: Vec<PathBuf>,
    /// Each occurrence in --text files counts this many times.
    #[arg(long, default_value_t = 1)]
    pub text_weight: u64,
    /// Add the text of every archived article.
    #[arg(long)]
    pub from_archive: bool,
    #[arg(long, default_value_t = 2)]
    pub min_unigram: u64,
    #[arg(long, default_value_t = 5)]
    pub min_bigram: u64,
    #[arg(long)]
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
