//! `cli` is the edge: flags parsed by clap (`args`), checked, and handed to the library;
//! results to stdout (`output`), logs to stderr; one file per group of commands; exit codes
//! in `exit` (0 ok, 1 nothing found, 2 error, 3 another run holds the archive, 4 a crawl
//! stopped at its page or time limit with URLs still queued, 5 a site could not be crawled,
//! 130/143 interrupted by SIGINT/SIGTERM). `anyhow` is used here and nowhere else.

mod archive;
mod args;
mod bench;
mod check;
mod crawl;
mod exit;
mod output;
mod text;

use anyhow::{Context, Result};
use clap::Parser;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub use args::{Cli, Color, Command};
pub use exit::ExitCode;

use crate::config::{self, Config};
use crate::decode::lm;
use crate::extract::profile::Profiles;
use args::LexiconCommand;

/// Run the command line; the binary's whole `main`.
pub fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    init_logging(&cli);
    match run(cli) {
        Ok(code) => code.into(),
        Err(e) if output::is_broken_pipe(&e) => ExitCode::Ok.into(),
        Err(e) => {
            eprintln!("vnnews: error: {}", error_text(&e));
            ExitCode::Error.into()
        }
    }
}

/// An error and its causes on one line, each said once: the library's messages already
/// name their source (`I/O error on F: No such file…`), which `{:#}` would print again.
pub(super) fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !text.contains(&c) {
            text.push_str(": ");
            text.push_str(&c);
        }
    }
    text
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
        .with_writer(|| crate::crawl::progress::LogWriter)
        .with_ansi(output::use_color(cli.color, std::io::stderr().is_terminal()))
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

fn run(cli: Cli) -> Result<ExitCode> {
    // A model built from this archive, if there is one, replaces the built-in one.
    let needs_model = !matches!(cli.command, Command::Completions { .. } | Command::Man);
    if needs_model && let Err(e) = lm::install_from_archive(&cli.archive) {
        tracing::warn!("ignoring the archive's syllable model: {e}");
    }
    match &cli.command {
        Command::Extract(a) => text::cmd_extract(&cli, a),
        Command::Repair(a) => text::cmd_repair(a),
        Command::Restore(a) => text::cmd_restore(a),
        Command::Check(a) => check::cmd_check(&cli, a),
        Command::Search(a) => archive::cmd_search(&cli, a),
        Command::Reindex => archive::cmd_reindex(&cli),
        Command::Export(a) => archive::cmd_export(&cli, a),
        Command::Stats { json } => archive::cmd_stats(&cli, *json),
        Command::Status(a) => archive::cmd_status(&cli, a),
        Command::Documents(a) => archive::cmd_documents(&cli, a),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "vnnews", &mut std::io::stdout().lock());
            Ok(ExitCode::Ok)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut std::io::stdout().lock())?;
            Ok(ExitCode::Ok)
        }
        Command::Show(a) => archive::cmd_show(&cli, a),
        Command::Verify { json } => archive::cmd_verify(&cli, *json),
        Command::Changes(a) => archive::cmd_changes(&cli, a),
        Command::Cite(a) => archive::cmd_cite(&cli, a),
        Command::Reextract => archive::cmd_reextract(&cli),
        Command::Crawl(a) => runtime()?.block_on(crawl::cmd_crawl(&cli, a)),
        Command::Demo => runtime()?.block_on(crawl::cmd_demo(&cli)),
        Command::Lexicon(LexiconCommand::Build(a)) => text::cmd_lexicon(&cli, a),
        Command::Bench(b) => bench::cmd_bench(b),
    }
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime> {
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

/// glibc's malloc gives threads arenas of their own (up to eight per core); the crawl's
/// blocking pool spreads page-sized allocations over them, and RSS stood 10–25 MB above the
/// heap in use (`bench crawl`: peak heap 76 MB, RSS 147–165 MB). Two arenas keep RSS near
/// the heap. `MALLOC_ARENA_MAX` in the environment, if set, is left to decide.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a tunable of the allocator; it is called before any
        // other thread exists.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, 2);
        }
    }
}

/// The configuration file: `--config`, else `config/vnnews.toml`.
fn config_path(cli: &Cli) -> PathBuf {
    cli.config
        .clone()
        .unwrap_or_else(|| PathBuf::from(config::DEFAULT_PATH))
}

/// The site profiles every command extracts with: the built-in ones plus the `sites/`
/// directory beside the configuration file.
fn profiles(cli: &Cli) -> Result<Profiles> {
    let path = config_path(cli);
    let dir = path.parent().unwrap_or(Path::new(".")).join("sites");
    Profiles::with_dir(&dir).with_context(|| format!("loading the site profiles in {}", dir.display()))
}

/// The configuration, when there is a file to read (commands that only use its sites' URL
/// patterns work without one).
fn config_if_any(cli: &Cli) -> Result<Option<Config>> {
    let path = config_path(cli);
    if !path.exists() {
        return Ok(None);
    }
    let cfg = Config::load(&path).with_context(|| format!("loading {}", path.display()))?;
    Ok(Some(cfg))
}
