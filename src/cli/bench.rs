//! `bench`: the measurements, run in a scratch directory unless told where.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

use super::args::BenchCommand;
use super::exit::ExitCode;
use super::output::outln;

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

pub(super) fn cmd_bench(b: &BenchCommand) -> Result<ExitCode> {
    if cfg!(debug_assertions) {
        eprintln!("vnnews: warning: a debug build; measure with `cargo run --release -- bench …`");
    }
    if let BenchCommand::Crawl {
        pages,
        concurrency,
        dir,
        json,
        url,
        write_portal,
    } = b
    {
        if let Some(out) = write_portal {
            let n = crate::bench::crawl::write_portal(out, *pages)?;
            outln!("wrote {n} files of a {pages}-article portal to {}", out.display())?;
            return Ok(ExitCode::Ok);
        }
        let rt = super::runtime()?;
        let r = in_scratch_dir(dir, "crawl", |target| {
            rt.block_on(crate::bench::crawl::crawl(target, *pages, *concurrency, url.as_ref()))
        })?;
        if *json {
            outln!("{}", serde_json::to_string(&r)?)?;
        } else {
            outln!(
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
            )?;
        }
        return Ok(ExitCode::Ok);
    }
    if let BenchCommand::Attachments { files, seconds, json } = b {
        let files = if files.is_empty() {
            let dir = Path::new("fixtures/documents");
            let mut all: Vec<PathBuf> = std::fs::read_dir(dir)
                .with_context(|| format!("reading {} (run from the repository, or name files)", dir.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            all.sort();
            all
        } else {
            files.clone()
        };
        let r = crate::bench::attachments(&files, std::time::Duration::from_secs_f64(*seconds))?;
        for m in &r.measures {
            if *json {
                let mut v = serde_json::to_value(m)?;
                v["mb_per_s"] = m.mb_per_s().into();
                v["items_per_s"] = m.per_s().into();
                outln!("{v}")?;
            } else {
                outln!(
                    "{:<50} {:>9.2} MB/s {:>9.1} documents/s",
                    m.name,
                    m.mb_per_s(),
                    m.per_s()
                )?;
            }
        }
        if *json {
            outln!(
                "{}",
                serde_json::json!({"rss_before_mb": r.rss_before_mb, "peak_rss_mb": r.peak_rss_mb})
            )?;
        } else {
            outln!("RSS before {:.0} MB, peak {:.0} MB", r.rss_before_mb, r.peak_rss_mb)?;
        }
        return Ok(ExitCode::Ok);
    }
    if let BenchCommand::Index { docs, dir, json } = b {
        let r = in_scratch_dir(dir, "index", |target| crate::bench::index(target, *docs))?;
        if *json {
            outln!("{}", serde_json::to_string(&r)?)?;
        } else {
            outln!(
                "indexed {} articles in {:.1}s: {:.0} docs/s, index {:.1} MB; {} searches: p50 {:.2} ms, p99 {:.2} ms",
                r.docs,
                r.index_seconds,
                r.docs_per_s,
                r.index_bytes as f64 / 1e6,
                r.queries,
                r.p50_ms,
                r.p99_ms
            )?;
        }
        return Ok(ExitCode::Ok);
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
        BenchCommand::Index { .. } | BenchCommand::Crawl { .. } | BenchCommand::Attachments { .. } => {
            unreachable!("handled above")
        }
    };
    for m in &measures {
        if json {
            let mut v = serde_json::to_value(m)?;
            v["mb_per_s"] = m.mb_per_s().into();
            v["items_per_s"] = m.per_s().into();
            outln!("{v}")?;
        } else {
            outln!("{:<70} {:>9.1} MB/s {:>10.1} items/s", m.name, m.mb_per_s(), m.per_s())?;
        }
    }
    Ok(ExitCode::Ok)
}
