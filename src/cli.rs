//! `cli` is the edge: flags parsed into raw structs (clap), validated, dispatched to the
//! library; results to stdout, logs to stderr; exit codes 0 ok, 1 nothing found, 2 error,
//! 3 another run holds the archive, 130/143 interrupted by SIGINT/SIGTERM.

use anyhow::{Context, Result, bail};
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use crate::archive::Archive;
use crate::config::{self, Config};
use crate::crawl::{self, RunOptions};
use crate::decode::{self, lm};
use crate::extract::{self, Page, profile::Profiles};
use crate::index;
use crate::search::{self, SearchOptions, Sort};

pub const EXIT_OK: u8 = 0;
pub const EXIT_NOTHING_FOUND: u8 = 1;
pub const EXIT_ERROR: u8 = 2;
pub const EXIT_LOCKED: u8 = 3;
/// The crawl stopped at `--max-pages` or `--max-duration` with URLs still queued (the next
/// run continues it).
pub const EXIT_INCOMPLETE: u8 = 4;
pub const EXIT_SIGINT: u8 = 130;
pub const EXIT_SIGTERM: u8 = 143;

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
pub struct SearchArgs {
    /// Words, "phrases", AND/OR/-word, title:/author:/tag: prefixes.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub filter: FilterArgs,
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    pub sort: Sort,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = crate::export::Format::Jsonl)]
    pub format: crate::export::Format,
    /// Only articles matching this search query.
    #[arg(long)]
    pub query: Option<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

/// The filters `search` and `export` share.
#[derive(Args, Debug)]
pub struct FilterArgs {
    #[arg(long)]
    pub site: Option<String>,
    #[arg(long)]
    pub author: Option<String>,
    /// Published on or after this day (YYYY-MM-DD).
    #[arg(long)]
    pub since: Option<chrono::NaiveDate>,
    /// Published on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub until: Option<chrono::NaiveDate>,
}

impl FilterArgs {
    fn options(&self) -> SearchOptions {
        SearchOptions {
            site: self.site.clone(),
            author: self.author.clone(),
            since: self.since,
            until: self.until,
            ..Default::default()
        }
    }
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// Article id or URL.
    pub article: String,
    /// List all revisions.
    #[arg(long)]
    pub revisions: bool,
    /// Print what changed between the last two revisions (or `--diff 1..3`).
    #[arg(long, num_args = 0..=1, default_missing_value = "")]
    pub diff: Option<String>,
    /// Print the stored JSON.
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

/// Run the command line; the binary's whole `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("vnnews: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn use_color(c: Color, terminal: bool) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn init_logging(cli: &Cli) {
    let default = match (cli.quiet, cli.verbose) {
        (q, _) if q > 0 => "error",
        (_, 0) => "warn,vnnews=info",
        (_, 1) => "info,vnnews=debug",
        _ => "debug,vnnews=trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("VNNEWS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_writer(|| crawl::progress::LogWriter)
        .with_ansi(use_color(cli.color, std::io::stderr().is_terminal()))
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

fn run(cli: Cli) -> Result<u8> {
    // A model built from this archive, if there is one, replaces the built-in one.
    if let Err(e) = lm::install_from_archive(&cli.archive) {
        tracing::warn!("ignoring the archive's syllable model: {e}");
    }
    match &cli.command {
        Command::Extract(a) => cmd_extract(a),
        Command::Repair(a) => cmd_repair(a),
        Command::Search(a) => cmd_search(&cli, a),
        Command::Reindex => cmd_reindex(&cli),
        Command::Export(a) => cmd_export(&cli, a),
        Command::Stats { json } => cmd_stats(&cli, *json),
        Command::Show(a) => cmd_show(&cli, a),
        Command::Reextract => cmd_reextract(&cli),
        Command::Crawl(a) => runtime()?.block_on(cmd_crawl(&cli, a)),
        Command::Demo => runtime()?.block_on(cmd_demo(&cli)),
        Command::Lexicon(LexiconCommand::Build(a)) => cmd_lexicon(&cli, a),
        Command::Bench(b) => cmd_bench(b),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Named apart from the main thread, which runs the crawl's archive/index loop.
        .thread_name("vnnews-worker")
        // Extraction and archive writes run on the blocking pool: a few threads keep both
        // cores busy and overlap the fsyncs; each thread more is another malloc arena.
        .max_blocking_threads(8)
        .build()
        .context("starting the async runtime")
}

fn cmd_extract(a: &ExtractArgs) -> Result<u8> {
    let profiles = Profiles::builtin();
    let mut code = EXIT_OK;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for file in &a.files {
        let bytes = match extract::read_saved_page(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("vnnews: error: {e:#}");
                code = EXIT_ERROR;
                continue;
            }
        };
        let url = match &a.url {
            Some(u) if !u.is_empty() => u.clone(),
            _ => url::Url::from_file_path(std::path::absolute(file)?)
                .map(String::from)
                .unwrap_or_else(|_| file.display().to_string()),
        };
        let page = Page {
            bytes: &bytes,
            content_type: a.content_type.as_deref(),
            url: &url,
            fetched_at: None,
            patterns: None,
        };
        // Extraction never fails on input; a panic would be a bug — report it and go on.
        let x = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            extract::extract_for_site(&page, &profiles)
        })) {
            Ok(x) => x,
            Err(_) => {
                eprintln!(
                    "vnnews: error: {}: the extractor crashed (a bug; please report it)",
                    file.display()
                );
                code = EXIT_ERROR;
                continue;
            }
        };
        let mut v = serde_json::to_value(&x.article)?;
        if a.links {
            v["links"] = x.links.iter().map(|l| l.as_str()).collect::<Vec<_>>().into();
        }
        serde_json::to_writer(&mut out, &v)?;
        writeln!(out)?;
    }
    Ok(code)
}

fn cmd_repair(a: &RepairArgs) -> Result<u8> {
    let input: Box<dyn BufRead> = match &a.file {
        Some(p) => Box::new(std::io::BufReader::new(
            std::fs::File::open(p).with_context(|| format!("cannot read {}", p.display()))?,
        )),
        None => Box::new(std::io::stdin().lock()),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in input.split(b'\n') {
        let mut line = line?;
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        let mut repairs = Vec::new();
        let text = decode::decode_utf8_recovering(&line, &mut repairs);
        let r = decode::repair(&text);
        repairs.extend(r.repairs);
        if a.explain {
            serde_json::to_writer(
                &mut out,
                &serde_json::json!({"input": text, "output": r.text, "repairs": repairs}),
            )?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", r.text)?;
        }
        out.flush()?;
    }
    Ok(EXIT_OK)
}

fn open_index(archive: &Path) -> Result<tantivy::Index> {
    let dir = archive.join("index");
    if !dir.join("meta.json").exists() {
        bail!(
            "no search index in {} — run `vnnews crawl` (or `vnnews reindex` for an existing archive)",
            archive.display()
        );
    }
    Ok(index::open(&dir)?)
}

fn cmd_search(cli: &Cli, a: &SearchArgs) -> Result<u8> {
    let index = open_index(&cli.archive)?;
    let query = a.query.join(" ");
    let opts = SearchOptions {
        limit: a.limit,
        offset: a.offset,
        sort: a.sort,
        ..a.filter.options()
    };
    let results = search::search(&index, &query, &opts)?;
    let stdout = std::io::stdout();
    let color = use_color(cli.color, stdout.is_terminal());
    let mut out = stdout.lock();
    print_hits(&mut out, &results, a.json, color)?;
    Ok(if results.hits.is_empty() {
        EXIT_NOTHING_FOUND
    } else {
        EXIT_OK
    })
}

fn print_hits(out: &mut impl Write, results: &search::Results, json: bool, color: bool) -> Result<()> {
    if json {
        for h in &results.hits {
            serde_json::to_writer(&mut *out, h)?;
            writeln!(out)?;
        }
        return Ok(());
    }
    let (bold, hl, dim, reset) = if color {
        ("\x1b[1m", "\x1b[1;33m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    for h in &results.hits {
        writeln!(
            out,
            "{bold}{}. {}{reset}",
            h.rank,
            h.title.as_deref().unwrap_or("(untitled)")
        )?;
        let mut meta = vec![h.published.clone().unwrap_or_else(|| "undated".into()), h.site.clone()];
        if !h.authors.is_empty() {
            meta.push(h.authors.join(", "));
        }
        writeln!(out, "   {dim}{}{reset}", meta.join(" · "))?;
        writeln!(out, "   {}", h.url)?;
        let snippet = if color {
            h.snippet.render(hl, reset)
        } else {
            h.snippet.plain()
        };
        if !snippet.is_empty() {
            writeln!(out, "   {snippet}")?;
        }
    }
    if results.hits.is_empty() {
        writeln!(out, "no matches")?;
    } else if results.total > results.hits.len() {
        writeln!(out, "{dim}{} of {} matches{reset}", results.hits.len(), results.total)?;
    }
    Ok(())
}

fn cmd_reindex(cli: &Cli) -> Result<u8> {
    let archive = Archive::open(&cli.archive)?;
    let n = index::rebuild(&archive)?;
    println!("indexed {n} articles from {}", cli.archive.display());
    Ok(EXIT_OK)
}

/// SIGINT/SIGTERM → stop flag; which one it was decides the exit code.
fn stop_signal() -> (tokio::sync::watch::Receiver<bool>, Arc<std::sync::atomic::AtomicU8>) {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let which = Arc::new(std::sync::atomic::AtomicU8::new(0));
    let w = which.clone();
    tokio::spawn(async move {
        #[cfg(unix)]
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        let code = tokio::select! {
            _ = tokio::signal::ctrl_c() => EXIT_SIGINT,
            _ = term => EXIT_SIGTERM,
        };
        tracing::warn!("stopping (signal); finishing up");
        w.store(code, std::sync::atomic::Ordering::SeqCst);
        let _ = tx.send(true);
    });
    (rx, which)
}

async fn crawl_with(
    cli: &Cli,
    cfg: Config,
    profiles: Profiles,
    opts: RunOptions,
    json: bool,
) -> Result<(crawl::CrawlReport, u8)> {
    let (stop, which) = stop_signal();
    let report = crawl::run_into(cfg, &cli.archive, profiles, &opts, stop).await?;
    if json {
        println!("{}", serde_json::to_string(&report)?);
    } else if cli.quiet == 0 {
        println!("{}", report.summary_line());
    }
    let code = match which.load(std::sync::atomic::Ordering::SeqCst) {
        0 if report.page_limit || report.timed_out => EXIT_INCOMPLETE,
        0 => EXIT_OK,
        c => c,
    };
    Ok((report, code))
}

async fn cmd_crawl(cli: &Cli, a: &CrawlArgs) -> Result<u8> {
    let path = cli
        .config
        .clone()
        .unwrap_or_else(|| PathBuf::from(config::DEFAULT_PATH));
    let cfg = Config::load(&path).with_context(|| format!("loading {}", path.display()))?;
    for s in &a.sites {
        if !cfg.sites.iter().any(|c| &c.name == s) {
            bail!("no site named {s:?} in {}", path.display());
        }
    }
    let sites_dir = path.parent().unwrap_or(Path::new(".")).join("sites");
    let profiles = Profiles::with_dir(&sites_dir)?;
    let opts = RunOptions {
        max_pages: a.max_pages,
        max_duration: a.max_duration.map(std::time::Duration::from_secs_f64),
        sites: a.sites.clone(),
        show_progress: cli.quiet == 0 && !a.json && std::io::stderr().is_terminal(),
    };
    let (report, code) = match crawl_with(cli, cfg, profiles, opts, a.json).await {
        Err(e) if matches!(e.downcast_ref::<crate::Error>(), Some(crate::Error::Locked { .. })) => {
            eprintln!("vnnews: {e}");
            return Ok(EXIT_LOCKED);
        }
        r => r?,
    };
    if code == EXIT_OK
        && report.total().failed > 0
        && report.total().new + report.total().unchanged + report.total().updated == 0
    {
        return Ok(EXIT_ERROR);
    }
    Ok(code)
}

async fn cmd_demo(cli: &Cli) -> Result<u8> {
    let server = crate::demo::serve_sample_portal().await?;
    let base = server.base_url();
    println!("Serving the sample portal (a district portal in the style of hanoi.gov.vn) at {base}");
    let cfg = Config::from_toml(&crate::demo::demo_config(&base))?;
    println!(
        "Crawling it politely: {:.1} requests/s per host at most, robots.txt obeyed, as {:?}",
        cfg.rate, cfg.user_agent
    );
    let opts = RunOptions {
        show_progress: cli.quiet == 0 && std::io::stderr().is_terminal(),
        ..RunOptions::default()
    };
    let (report, code) = crawl_with(cli, cfg, Profiles::builtin(), opts, false).await?;
    if code != EXIT_OK {
        return Ok(code);
    }
    let t = report.total();
    println!(
        "Fetched {} pages ({} requests incl. robots.txt) in {:.1}s: {} articles archived, {} unchanged, {} listings, {} skipped by robots.txt.",
        t.fetched,
        server.requests().len(),
        report.elapsed_secs,
        t.new + t.updated,
        t.unchanged,
        t.listings,
        t.skipped_robots
    );
    println!(
        "Archive: {} (JSON per article, raw responses in warc/, index in index/)",
        cli.archive.display()
    );
    let index = index::open(&cli.archive.join("index"))?;
    let stdout = std::io::stdout();
    let color = use_color(cli.color, stdout.is_terminal());
    let mut found_all = true;
    for q in ["bình đẳng giới", "binh dang gioi"] {
        println!("\n$ vnnews search '{q}'");
        let results = search::search(
            &index,
            q,
            &SearchOptions {
                limit: 3,
                ..Default::default()
            },
        )?;
        found_all &= !results.hits.is_empty();
        print_hits(&mut stdout.lock(), &results, false, color)?;
    }
    Ok(if found_all { EXIT_OK } else { EXIT_NOTHING_FOUND })
}

fn cmd_lexicon(cli: &Cli, a: &LexiconArgs) -> Result<u8> {
    let mut provenance = vec!["vnnews syllable model v1".to_owned()];
    let mut counts = match &a.counts {
        Some(dir) => {
            let mut c = lm::Counts::default();
            c.add_count_files(
                &dir.join("vi-syllable-unigrams.tsv"),
                &dir.join("vi-syllable-bigrams.tsv"),
            )?;
            provenance.push("source: syllable unigram/bigram counts (see src/decode/model/README.md)".into());
            c
        }
        None => {
            provenance.push("source: the built-in vnnews model".into());
            lm::Counts::read_model(lm::Model::embedded_bytes())?
        }
    };
    for t in &a.text {
        let text = std::fs::read_to_string(t).with_context(|| format!("cannot read {}", t.display()))?;
        counts.add_text_weighted(&decode::nfc(&text), a.text_weight);
        provenance.push(format!(
            "plus: {} (weight {})",
            t.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            a.text_weight
        ));
    }
    if a.from_archive {
        let archive = Archive::open_read_only(&cli.archive)?;
        let mut n = 0;
        for s in archive.current() {
            let s = s?;
            let art = &s.article;
            for part in [
                art.title.as_deref().unwrap_or(""),
                art.lead.as_deref().unwrap_or(""),
                &art.body,
            ] {
                counts.add_text(part);
            }
            n += 1;
        }
        provenance.push(format!("plus: {n} articles of the archive"));
    }
    provenance.push(format!(
        "pruned: unigrams >= {}, bigrams >= {}",
        a.min_unigram, a.min_bigram
    ));
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| cli.archive.join("lexicon").join("vi-syllables.tsv.gz"));
    let mut buf = Vec::new();
    let (u, b) = counts.write_model(&mut buf, &provenance.join("\n"), a.min_unigram, a.min_bigram)?;
    crate::archive::write_atomic(&out, &buf)?;
    println!(
        "wrote {} ({u} syllables, {b} bigrams, {} bytes)",
        out.display(),
        buf.len()
    );
    Ok(EXIT_OK)
}

/// Run a benchmark in `dir`, or in a temporary directory removed afterwards.
fn in_scratch_dir<T>(dir: &Option<PathBuf>, name: &str, f: impl FnOnce(&Path) -> crate::Result<T>) -> Result<T> {
    let target = dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("vnnews-bench-{name}-{}", std::process::id())));
    std::fs::create_dir_all(&target).with_context(|| format!("creating {}", target.display()))?;
    let r = f(&target);
    if dir.is_none() {
        let _ = std::fs::remove_dir_all(&target);
    }
    Ok(r?)
}

fn cmd_bench(b: &BenchCommand) -> Result<u8> {
    if cfg!(debug_assertions) {
        eprintln!("vnnews: warning: a debug build; measure with `cargo run --release -- bench …`");
    }
    if let BenchCommand::Crawl {
        pages,
        concurrency,
        dir,
        json,
    } = b
    {
        let rt = runtime()?;
        let r = in_scratch_dir(dir, "crawl", |target| {
            rt.block_on(crate::bench::crawl::crawl(target, *pages, *concurrency))
        })?;
        if *json {
            println!("{}", serde_json::to_string(&r)?);
        } else {
            println!(
                "crawled {} pages ({} articles archived and indexed, {:.0} MB of articles) in {:.1}s: {:.0} pages/s, {:.1} MB/s; peak RSS {:.0} MB; frontier RSS growth: +{:.1} MB at 10,000 URLs, +{:.1} MB at 100,000",
                r.requests,
                r.articles_archived,
                r.bytes as f64 / 1e6,
                r.seconds,
                r.pages_per_s,
                r.mb_per_s,
                r.peak_rss_mb,
                r.frontier_rss_growth_10k_mb,
                r.frontier_rss_growth_100k_mb
            );
        }
        return Ok(EXIT_OK);
    }
    if let BenchCommand::Index { docs, dir, json } = b {
        let r = in_scratch_dir(dir, "index", |target| crate::bench::index(target, *docs))?;
        if *json {
            println!("{}", serde_json::to_string(&r)?);
        } else {
            println!(
                "indexed {} articles in {:.1}s: {:.0} docs/s, index {:.1} MB; {} searches: p50 {:.2} ms, p99 {:.2} ms",
                r.docs,
                r.index_seconds,
                r.docs_per_s,
                r.index_bytes as f64 / 1e6,
                r.queries,
                r.p50_ms,
                r.p99_ms
            );
        }
        return Ok(EXIT_OK);
    }
    let (measures, json) = match b {
        BenchCommand::Repair { cases, seconds, json } => (
            crate::bench::repair(cases.as_deref(), std::time::Duration::from_secs_f64(*seconds))?,
            *json,
        ),
        BenchCommand::Extract { dirs, seconds, json } => (
            crate::bench::extract(dirs, std::time::Duration::from_secs_f64(*seconds))?,
            *json,
        ),
        BenchCommand::Index { .. } | BenchCommand::Crawl { .. } => unreachable!("handled above"),
    };
    for m in &measures {
        if json {
            let mut v = serde_json::to_value(m)?;
            v["mb_per_s"] = m.mb_per_s().into();
            v["items_per_s"] = m.per_s().into();
            println!("{v}");
        } else {
            println!("{:<70} {:>9.1} MB/s {:>10.1} items/s", m.name, m.mb_per_s(), m.per_s());
        }
    }
    Ok(EXIT_OK)
}

fn cmd_export(cli: &Cli, a: &ExportArgs) -> Result<u8> {
    let archive = Archive::open_read_only(&cli.archive)?;
    let filter = a.filter.options();
    let ids = match &a.query {
        Some(q) => {
            let index = open_index(&cli.archive)?;
            let all = index::doc_count(&index)? as usize;
            let hits = search::search(
                &index,
                q,
                &SearchOptions {
                    limit: all.max(1),
                    ..Default::default()
                },
            )?;
            Some(hits.hits.into_iter().map(|h| h.id).collect())
        }
        None => None,
    };
    let n = crate::export::export(&archive, &filter, ids.as_ref(), a.format, std::io::stdout().lock())?;
    tracing::info!("exported {n} articles");
    Ok(if n == 0 { EXIT_NOTHING_FOUND } else { EXIT_OK })
}

fn cmd_stats(cli: &Cli, json: bool) -> Result<u8> {
    use std::collections::BTreeMap;
    let archive = Archive::open_read_only(&cli.archive)?;
    let mut per_site: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let (mut articles, mut revisions, mut last_fetch) = (0usize, 0usize, String::new());
    for s in archive.current() {
        let s = s?;
        articles += 1;
        revisions += s.revision as usize;
        let month = s
            .article
            .published
            .as_deref()
            .and_then(|p| p.get(..7))
            .unwrap_or("undated")
            .to_owned();
        *per_site
            .entry(s.article.site.clone())
            .or_default()
            .entry(month)
            .or_default() += 1;
        if s.fetch.fetched_at > last_fetch {
            last_fetch = s.fetch.fetched_at.clone();
        }
    }
    let indexed = match index::open(&archive.index_dir()) {
        Ok(ix) if archive.index_dir().join("meta.json").exists() => Some(index::doc_count(&ix)? as usize),
        _ => None,
    };
    let healthy = indexed == Some(articles);
    if json {
        println!(
            "{}",
            serde_json::json!({
                "articles": articles, "revisions": revisions, "last_fetch": last_fetch,
                "indexed": indexed, "index_matches_archive": healthy, "sites": per_site,
            })
        );
        return Ok(EXIT_OK);
    }
    println!(
        "{articles} articles ({revisions} revisions) in {}",
        cli.archive.display()
    );
    println!(
        "last fetch: {}",
        if last_fetch.is_empty() { "never" } else { &last_fetch }
    );
    match indexed {
        Some(n) if healthy => println!("index: {n} documents, one per article"),
        Some(n) => println!("index: {n} documents for {articles} articles — run `vnnews reindex`"),
        None => println!("index: missing — run `vnnews reindex`"),
    }
    for (site, months) in &per_site {
        let total: usize = months.values().sum();
        println!("{site}: {total}");
        for (m, n) in months {
            println!("  {m}  {n}");
        }
    }
    Ok(EXIT_OK)
}

fn find_article(archive: &Archive, key: &str) -> Result<Option<String>> {
    if archive.revision_of(key).is_some() {
        return Ok(Some(key.to_owned()));
    }
    let by_url = crate::archive::article_id(key);
    if archive.revision_of(&by_url).is_some() {
        return Ok(Some(by_url));
    }
    for s in archive.current() {
        let s = s?;
        if s.article.url == key || s.article.canonical_url.as_deref() == Some(key) || s.fetch.final_url == key {
            return Ok(Some(s.id));
        }
    }
    Ok(None)
}

fn cmd_show(cli: &Cli, a: &ShowArgs) -> Result<u8> {
    let archive = Archive::open_read_only(&cli.archive)?;
    let Some(id) = find_article(&archive, &a.article)? else {
        eprintln!("vnnews: no archived article with id or URL {:?}", a.article);
        return Ok(EXIT_NOTHING_FOUND);
    };
    let revs = archive.revisions(&id)?;
    let current = revs.last().expect("an archived article has a revision");
    if a.json {
        println!("{}", serde_json::to_string_pretty(current)?);
    } else {
        let art = &current.article;
        println!("{}", art.title.as_deref().unwrap_or("(untitled)"));
        println!(
            "{} · {} · {}",
            art.published.as_deref().unwrap_or("undated"),
            art.site,
            art.authors.join(", ")
        );
        println!("{}", art.url);
        println!(
            "id {id}, revision {} of {}, fetched {}",
            current.revision,
            revs.len(),
            current.fetch.fetched_at
        );
        println!("\n{}", art.body);
    }
    if a.revisions {
        println!();
        for r in &revs {
            println!(
                "revision {}  fetched {}  text {}  {}",
                r.revision,
                r.fetch.fetched_at,
                &r.text_sha256[..12],
                r.article.title.as_deref().unwrap_or("")
            );
        }
    }
    if let Some(spec) = &a.diff {
        let (from, to) = match spec.split_once("..") {
            Some((x, y)) => (x.parse::<usize>()?, y.parse::<usize>()?),
            None if revs.len() >= 2 => (revs.len() - 1, revs.len()),
            None => {
                println!("\nonly one revision: nothing changed");
                return Ok(EXIT_OK);
            }
        };
        let get = |n: usize| {
            revs.get(n.wrapping_sub(1))
                .ok_or_else(|| anyhow::anyhow!("no revision {n}"))
        };
        let (old, new) = (get(from)?, get(to)?);
        let text = |s: &crate::archive::StoredArticle| {
            format!("{}\n\n{}", s.article.title.as_deref().unwrap_or(""), s.article.body).replace("\n\n", "\n")
        };
        println!(
            "\n--- revision {from} ({})\n+++ revision {to} ({})",
            old.fetch.fetched_at, new.fetch.fetched_at
        );
        let diff = similar::TextDiff::from_lines(&text(old), &text(new))
            .unified_diff()
            .context_radius(1)
            .to_string();
        print!(
            "{}",
            diff.lines()
                .filter(|l| !l.starts_with("---") && !l.starts_with("+++"))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        );
    }
    Ok(EXIT_OK)
}

fn cmd_reextract(cli: &Cli) -> Result<u8> {
    let mut archive = Archive::open(&cli.archive)?;
    let profiles = Profiles::builtin();
    let index = index::open(&archive.index_dir())?;
    let mut indexer = index::Indexer::new(&index)?;
    let (mut changed, mut same, mut failed) = (0, 0, 0);
    for id in archive.ids() {
        let Some(s) = archive.get(&id)? else { continue };
        let Some(at) = &s.fetch.warc else { continue };
        let record = match crate::archive::warc::read_at(&archive.warc_dir(), at) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("vnnews: {id}: {e}");
                failed += 1;
                continue;
            }
        };
        let Some((status, headers, body)) = record.http() else {
            failed += 1;
            continue;
        };
        let ct = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.as_str());
        let fetched = chrono::DateTime::parse_from_rfc3339(&s.fetch.fetched_at).ok();
        let page = Page {
            bytes: body,
            content_type: ct,
            url: &s.fetch.final_url,
            fetched_at: fetched,
            patterns: None,
        };
        let mut article = extract::extract_for_site(&page, &profiles).article;
        article.site = s.article.site.clone();
        article.page_type = s.article.page_type;
        if !(200..300).contains(&status) {
            failed += 1;
            continue;
        }
        match archive.put_reextracted(article, s.fetch.clone())? {
            crate::archive::PutOutcome::Unchanged { .. } => same += 1,
            crate::archive::PutOutcome::New(n) | crate::archive::PutOutcome::Updated(n) => {
                indexer.upsert(&n, &archive.path_of(&n.id).unwrap_or_default())?;
                changed += 1;
            }
        }
    }
    indexer.commit()?;
    archive.flush()?;
    println!(
        "re-extracted {} articles: {changed} changed (new revision), {same} unchanged, {failed} unreadable",
        changed + same + failed
    );
    Ok(if failed > 0 { EXIT_ERROR } else { EXIT_OK })
}
