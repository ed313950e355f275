//! `crawl` and `demo`: a crawl run with SIGINT/SIGTERM turned into a clean stop, its
//! summary printed, its outcome turned into an exit code.

use anyhow::{Context, Result, bail};
use std::io::IsTerminal;
use std::sync::{Arc, OnceLock};

use super::args::{Cli, CrawlArgs};
use super::exit::ExitCode;
use super::output::outln;
use super::output::{print_hits, use_color};
use crate::config::Config;
use crate::crawl::{self, RunOptions};
use crate::extract::profile::Profiles;
use crate::index;
use crate::search::{self, SearchOptions};

/// SIGINT/SIGTERM → stop flag; which one it was decides the exit code.
fn stop_signal() -> (tokio::sync::watch::Receiver<bool>, Arc<OnceLock<ExitCode>>) {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let which = Arc::new(OnceLock::new());
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
            _ = tokio::signal::ctrl_c() => ExitCode::Interrupted,
            _ = term => ExitCode::Terminated,
        };
        tracing::warn!("stopping (signal); finishing up");
        let _ = w.set(code);
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
) -> Result<(crawl::CrawlReport, ExitCode)> {
    let (stop, which) = stop_signal();
    let report = crawl::run_into(cfg, &cli.archive, profiles, &opts, stop).await?;
    if json {
        outln!("{}", serde_json::to_string(&report)?)?;
    } else if cli.quiet == 0 {
        outln!("{}", report.summary_line())?;
    }
    let code = match which.get() {
        Some(signal) => *signal,
        None if report.page_limit || report.timed_out => ExitCode::Incomplete,
        None => ExitCode::Ok,
    };
    Ok((report, code))
}

pub(super) async fn cmd_crawl(cli: &Cli, a: &CrawlArgs) -> Result<ExitCode> {
    let path = super::config_path(cli);
    let cfg = Config::load(&path).with_context(|| format!("loading {}", path.display()))?;
    for s in &a.sites {
        if !cfg.sites.iter().any(|c| &c.name == s) {
            bail!("no site named {s:?} in {}", path.display());
        }
    }
    let profiles = super::profiles(cli)?;
    let opts = RunOptions {
        max_pages: a.max_pages,
        max_duration: a.max_duration.map(std::time::Duration::from_secs_f64),
        sites: a.sites.clone(),
        show_progress: cli.quiet == 0 && !a.json && std::io::stderr().is_terminal(),
        ..RunOptions::default()
    };
    let (report, code) = match crawl_with(cli, cfg, profiles, opts, a.json).await {
        Err(e) if matches!(e.downcast_ref::<crate::Error>(), Some(crate::Error::Locked { .. })) => {
            eprintln!("vnnews: {e}");
            return Ok(ExitCode::Locked);
        }
        r => r?,
    };
    // Said even under -q: cron mails what a job prints, and a portal that is down is news.
    let mut unreachable = false;
    for (site, pages) in report.unreachable_sites() {
        eprintln!(
            "vnnews: site {site}: {pages} page(s) not fetched: a host could not be reached or its robots.txt failed (see the log)"
        );
        unreachable = true;
    }
    if code != ExitCode::Ok {
        return Ok(code);
    }
    if unreachable {
        return Ok(ExitCode::SitesFailed);
    }
    let t = report.total();
    if t.failed > 0 && t.new + t.unchanged + t.updated == 0 {
        return Ok(ExitCode::Error);
    }
    Ok(code)
}

pub(super) async fn cmd_demo(cli: &Cli) -> Result<ExitCode> {
    let server = crate::demo::serve_sample_portal().await?;
    let base = server.base_url();
    outln!("Serving the sample portal (a district portal in the style of hanoi.gov.vn) at {base}")?;
    let cfg = Config::from_toml(&crate::demo::demo_config(&base))?;
    outln!(
        "Crawling it politely: {:.1} requests/s per host at most, robots.txt obeyed, as {:?}",
        cfg.rate,
        cfg.user_agent
    )?;
    let opts = RunOptions {
        show_progress: cli.quiet == 0 && std::io::stderr().is_terminal(),
        ..RunOptions::default()
    };
    let (report, code) = crawl_with(cli, cfg, Profiles::builtin(), opts, false).await?;
    if code != ExitCode::Ok {
        return Ok(code);
    }
    let t = report.total();
    outln!(
        "Fetched {} pages ({} requests incl. robots.txt) in {:.1}s: {} articles archived, {} unchanged, {} listings, {} skipped by robots.txt.",
        t.fetched,
        server.requests().len(),
        report.elapsed_secs,
        t.new + t.updated,
        t.unchanged,
        t.listings,
        t.skipped_robots
    )?;
    outln!(
        "Archive: {} (JSON per article, every HTTP exchange in warc/, index in index/)",
        cli.archive.display()
    )?;
    let index = index::open(&cli.archive.join("index"))?;
    let stdout = std::io::stdout();
    let color = use_color(cli.color, stdout.is_terminal());
    let mut found_all = true;
    for q in ["bình đẳng giới", "binh dang gioi"] {
        outln!("\n$ vnnews search '{q}'")?;
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
    Ok(if found_all {
        ExitCode::Ok
    } else {
        ExitCode::NothingFound
    })
}
