//! The commands that read (or re-derive) an archive: `search`, `show`, `export`, `stats`,
//! `reindex`, `reextract`.

use anyhow::{Result, bail};
use std::io::IsTerminal;
use std::path::Path;

use super::args::{ChangesArgs, CiteArgs, Cli, ExportArgs, SearchArgs, ShowArgs};
use super::exit::ExitCode;
use super::output::outln;
use super::output::{print_hits, use_color};
use crate::archive::Archive;
use crate::archive::removals::{Presence, Removals};
use crate::index;
use crate::ops::{find, reextract, stats};
use crate::search::{self, SearchOptions};

pub(super) fn open_index(archive: &Path) -> Result<tantivy::Index> {
    match index::open_for_reading(&archive.join("index"))? {
        Some(index) => Ok(index),
        None => bail!(
            "no search index in {} — run `vnnews crawl` (or `vnnews reindex` for an existing archive)",
            archive.display()
        ),
    }
}

pub(super) fn cmd_search(cli: &Cli, a: &SearchArgs) -> Result<ExitCode> {
    let index = open_index(&cli.archive)?;
    let query = a.query.join(" ");
    let removals = Removals::load(&cli.archive);
    let mode = match (a.fold, a.exact) {
        (true, _) => search::Mode::Fold,
        (_, true) => search::Mode::Exact,
        _ => search::Mode::Auto,
    };
    let opts = SearchOptions {
        limit: a.limit,
        offset: a.offset,
        sort: a.sort.into(),
        mode,
        ..a.filter.options(&removals)
    };
    let mut results = search::search(&index, &query, &opts)?;
    for h in &mut results.hits {
        let p = removals.presence(&h.id);
        h.status = p.word().to_owned();
        if let Presence::Gone { since, .. } = p {
            h.gone_since = Some(since);
        }
    }
    let stdout = std::io::stdout();
    let color = use_color(cli.color, stdout.is_terminal());
    let mut out = stdout.lock();
    print_hits(&mut out, &results, a.json, color)?;
    Ok(ExitCode::found(!results.hits.is_empty()))
}

pub(super) fn cmd_reindex(cli: &Cli) -> Result<ExitCode> {
    let archive = Archive::open(&cli.archive)?;
    let (n, skipped) = index::rebuild(&archive)?;
    outln!("indexed {n} articles from {}", cli.archive.display())?;
    Ok(ExitCode::Ok.unless_skipped(&skipped))
}

/// Write `path` atomically: `fill` writes a temporary file beside it, which then takes its
/// name (an interrupted export leaves no half-written file). With `keep_empty`, a file that
/// found nothing is kept (an article export then still has its CSV header, so an
/// incremental pipeline reads "no rows"); without, none is made (an empty WACZ is no
/// package).
fn write_file_atomically(
    path: &Path,
    keep_empty: bool,
    fill: impl FnOnce(&mut std::fs::File) -> Result<ExitCode>,
) -> Result<ExitCode> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", path.display()))?;
    let result = fill(&mut f).and_then(|code| {
        if code == ExitCode::NothingFound && !keep_empty {
            std::fs::remove_file(&tmp)?;
            return Ok(code);
        }
        f.sync_all()?;
        std::fs::rename(&tmp, path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        Ok(code)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn cmd_export_wacz(cli: &Cli, a: &ExportArgs, archive: &Archive) -> Result<ExitCode> {
    let Some(output) = &a.output else {
        bail!("--format wacz writes a ZIP file: give it with -o FILE.wacz");
    };
    if a.query.is_some()
        || !a.filter.authors.is_empty()
        || a.all_revisions
        || a.fetched_since.is_some()
        || a.changed_since.is_some()
    {
        bail!("--format wacz selects captures by --site and --since/--until only");
    }
    let cfg = super::config_if_any(cli)?;
    let scopes = match &cfg {
        Some(cfg) => cfg.sites.iter().filter(|s| a.filter.sites.contains(&s.name)).collect(),
        None => Vec::new(),
    };
    let sel = crate::export::wacz::Selection {
        sites: &a.filter.sites,
        scopes,
        since: a.filter.since,
        until: a.filter.until,
        text: a.text,
    };
    write_file_atomically(output, false, |f| {
        let (packed, skipped) = crate::export::wacz::write_wacz(archive, &sel, &mut *f, output)?;
        tracing::info!(
            "wrote {}: {} captures ({} records, {} bytes of WARC), {} pages",
            output.display(),
            packed.captures,
            packed.records,
            packed.bytes,
            packed.pages
        );
        Ok(ExitCode::found(packed.captures > 0).unless_skipped(&skipped))
    })
}

pub(super) fn cmd_export(cli: &Cli, a: &ExportArgs) -> Result<ExitCode> {
    let archive = Archive::open_read_only(&cli.archive)?;
    let Some(format) = a.format.articles() else {
        return cmd_export_wacz(cli, a, &archive);
    };
    let filter = a.filter.options(archive.removals());
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
    let last_fetched = match a.fetched_since {
        Some(_) => match crate::crawl::state::Reader::open(&cli.archive.join(crate::crawl::STATE_FILE))? {
            Some(r) => r.last_fetched_articles()?,
            None => Default::default(),
        },
        None => Default::default(),
    };
    let sel = crate::export::Selection {
        all_revisions: a.all_revisions,
        fetched_since: a.fetched_since,
        changed_since: a.changed_since,
        last_fetched,
    };
    let export = |out: &mut dyn std::io::Write| -> Result<ExitCode> {
        let (n, skipped) = crate::export::export(&archive, &filter, ids.as_ref(), &sel, format, out)?;
        tracing::info!("exported {n} articles");
        Ok(ExitCode::found(n > 0).unless_skipped(&skipped))
    };
    match &a.output {
        Some(path) => write_file_atomically(path, true, |f| export(f)),
        None => export(&mut std::io::stdout().lock()),
    }
}

pub(super) fn cmd_stats(cli: &Cli, json: bool) -> Result<ExitCode> {
    let archive = Archive::open_read_only(&cli.archive)?;
    let st = stats::stats(&archive)?;
    if json {
        // Through a JSON value: its keys come out sorted, as they always have.
        outln!("{}", serde_json::to_value(&st)?)?;
        return Ok(ExitCode::Ok.unless_skipped(&st.unreadable));
    }
    outln!(
        "{} articles ({} revisions) in {}",
        st.articles,
        st.revisions,
        cli.archive.display()
    )?;
    outln!(
        "last successful fetch: {}",
        if st.last_fetch.is_empty() {
            "never"
        } else {
            &st.last_fetch
        }
    )?;
    match st.indexed {
        Some(n) if st.index_matches_archive => outln!("index: {n} documents, one per article"),
        // During a crawl the index catches up by itself (and reindex would wait for the lock).
        Some(n) if Archive::is_being_written(&cli.archive) => outln!(
            "index: {n} documents for {} articles — a crawl is writing the archive; its index commits at least every minute",
            st.articles
        ),
        Some(n) => outln!(
            "index: {n} documents for {} articles — run `vnnews reindex`",
            st.articles
        ),
        None => outln!("index: missing — run `vnnews reindex`"),
    }?;
    for (site, months) in &st.sites {
        let total: usize = months.values().sum();
        match st.last_fetch_per_site.get(site) {
            Some(at) => outln!("{site}: {total} (last successful fetch {at})")?,
            None => outln!("{site}: {total}")?,
        }
        for (m, n) in months {
            outln!("  {m}  {n}")?;
        }
    }
    Ok(ExitCode::Ok.unless_skipped(&st.unreadable))
}

pub(super) fn cmd_documents(cli: &Cli, a: &super::args::DocumentsArgs) -> Result<ExitCode> {
    let archive = Archive::open_read_only(&cli.archive)?;
    let filter = crate::ops::documents::Filter {
        sites: a.sites.clone(),
        kind: a.kind.clone(),
        since: a.since,
    };
    let (docs, skipped) = crate::ops::documents::documents(&archive, &filter)?;
    for d in &docs {
        if a.json {
            outln!("{}", serde_json::to_string(d)?)?;
            continue;
        }
        let days = if d.first == d.last {
            d.first.clone()
        } else {
            format!("{} … {}", d.first, d.last)
        };
        outln!(
            "{:<22} {:<14} {:>4} article{}  {days}  {}",
            d.number,
            d.kind.as_deref().unwrap_or("-"),
            d.articles,
            if d.articles == 1 { " " } else { "s" },
            d.sites.join(", ")
        )?;
    }
    if !a.json {
        outln!("{} documents cited", docs.len())?;
    }
    Ok(ExitCode::found(!docs.is_empty()).unless_skipped(&skipped))
}

pub(super) fn cmd_status(cli: &Cli, a: &super::args::StatusArgs) -> Result<ExitCode> {
    let Some(st) = crate::ops::status::status(&cli.archive, a.runs)? else {
        eprintln!(
            "vnnews: no crawl has run on {} (no {})",
            cli.archive.display(),
            crate::crawl::STATE_FILE
        );
        return Ok(ExitCode::NothingFound);
    };
    if a.json {
        outln!("{}", serde_json::to_string(&st)?)?;
        return Ok(ExitCode::Ok);
    }
    if st.crawling {
        outln!("a crawl is running now")?;
    }
    outln!("last runs:")?;
    for r in &st.runs {
        let outcome = match (&r.outcome, &r.finished_at) {
            (Some(o), _) => o.clone(),
            (None, _) if st.crawling && r.id == st.runs[0].id => "running".to_owned(),
            (None, _) => "did not finish (killed?) — the next crawl resumes it".to_owned(),
        };
        outln!(
            "  #{}  {} → {}  {outcome}",
            r.id,
            r.started_at,
            r.finished_at.as_deref().unwrap_or("…")
        )?;
        if let Some(summary) = r.summary.as_deref().filter(|s| !s.is_empty()) {
            outln!("       {}", run_summary(summary))?;
        }
    }
    outln!("sites:")?;
    for s in &st.sites {
        outln!(
            "  {}: last successful fetch {}; {} of {} URLs failing",
            s.site,
            s.last_success.as_deref().unwrap_or("never"),
            s.failing,
            s.urls
        )?;
        if let Some(e) = &s.last_error {
            outln!("    last error {}: {} — {}", e.at, e.url, e.error)?;
        }
    }
    Ok(ExitCode::Ok)
}

/// A run's stored summary (the JSON `crawl --json` prints) in one line per site.
fn run_summary(stored: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(stored) else {
        return stored.to_owned();
    };
    let Some(sites) = v["sites"].as_object() else {
        return stored.to_owned();
    };
    let n = |s: &serde_json::Value, k: &str| s[k].as_u64().unwrap_or(0);
    sites
        .iter()
        .map(|(name, s)| {
            format!(
                "{name}: fetched {}, new {}, updated {}, unchanged {}, not modified {}, failed {}, gone {}",
                n(s, "fetched"),
                n(s, "new"),
                n(s, "updated"),
                n(s, "unchanged"),
                n(s, "not_modified"),
                n(s, "failed"),
                n(s, "gone")
            )
        })
        .collect::<Vec<_>>()
        .join("\n       ")
}

pub(super) fn cmd_verify(cli: &Cli, json: bool) -> Result<ExitCode> {
    let archive = Archive::open_read_only(&cli.archive)?;
    let report = crate::ops::verify::verify(&archive)?;
    if json {
        outln!("{}", serde_json::to_string(&report)?)?;
    } else {
        for p in &report.problems {
            outln!(
                "{}: {}: {}",
                serde_json::to_value(p.kind)?.as_str().unwrap_or("problem"),
                p.path,
                p.detail
            )?;
        }
        for k in &report.known_losses {
            outln!(
                "known loss: {}: its WARC record was cut off by crash recovery; revision {} replaces it",
                k.path,
                k.replaced_by
            )?;
        }
        outln!(
            "{} article files, {} WARC records, {} indexed documents: {}",
            report.article_files,
            report.warc_records,
            report.indexed,
            if report.is_clean() {
                "no problems".to_owned()
            } else {
                format!("{} problem(s)", report.problems.len())
            }
        )?;
    }
    Ok(if report.is_clean() {
        ExitCode::Ok
    } else {
        ExitCode::Damaged
    })
}

pub(super) fn cmd_changes(cli: &Cli, a: &ChangesArgs) -> Result<ExitCode> {
    let archive = Archive::open_read_only(&cli.archive)?;
    let (changes, skipped) = crate::ops::changes::changes(&archive, a.since, a.until, &a.sites)?;
    for c in &changes {
        if a.json {
            outln!("{}", serde_json::to_string(c)?)?;
        } else {
            let kind = serde_json::to_value(c.kind)?;
            let what = match (&c.revision, &c.evidence) {
                (Some(r), _) if *r > 1 => format!(" (revision {r})"),
                (_, Some(e)) => format!(" ({e})"),
                _ => String::new(),
            };
            outln!(
                "{}  {:<8} {}  {}{what}\n    {}",
                c.at.get(..10).unwrap_or(&c.at),
                kind.as_str().unwrap_or(""),
                c.site,
                c.title.as_deref().unwrap_or("(untitled)"),
                c.url
            )?;
        }
    }
    if !a.json {
        let count = |k| changes.iter().filter(|c| c.kind == k).count();
        use crate::ops::changes::Kind;
        outln!(
            "{} new, {} changed, {} gone, {} restored",
            count(Kind::New),
            count(Kind::Changed),
            count(Kind::Gone),
            count(Kind::Restored)
        )?;
    }
    Ok(ExitCode::found(!changes.is_empty()).unless_skipped(&skipped))
}

/// The archive and the id of the article `key` names (an id or a URL), or `None` after
/// saying there is none.
fn find_named(cli: &Cli, key: &str) -> Result<Option<(Archive, String)>> {
    let archive = Archive::open_read_only(&cli.archive)?;
    let index = index::open_for_reading(&archive.index_dir())?;
    match find::find_article(&archive, index.as_ref(), key)? {
        Some(id) => Ok(Some((archive, id))),
        None => {
            eprintln!("vnnews: no archived article with id or URL {key:?}");
            Ok(None)
        }
    }
}

pub(super) fn cmd_cite(cli: &Cli, a: &CiteArgs) -> Result<ExitCode> {
    use super::args::CiteFormat;
    use crate::ops::cite::{Citation, Style};
    let Some((archive, id)) = find_named(cli, &a.article)? else {
        return Ok(ExitCode::NothingFound);
    };
    let Some(current) = archive.get(&id)? else {
        return Ok(ExitCode::NothingFound);
    };
    let style = match a.format {
        CiteFormat::Text => Style::Text,
        CiteFormat::CslJson => Style::CslJson,
        CiteFormat::Bibtex => Style::Bibtex,
        CiteFormat::Ris => Style::Ris,
    };
    outln!("{}", Citation::of(&current, &archive.warc_dir()).render(style))?;
    Ok(ExitCode::Ok)
}

pub(super) fn cmd_show(cli: &Cli, a: &ShowArgs) -> Result<ExitCode> {
    let Some((archive, id)) = find_named(cli, &a.article)? else {
        return Ok(ExitCode::NothingFound);
    };
    let revs = archive.revisions(&id)?;
    let count = revs.len() as u32;
    let get = |n: u32| {
        revs.get((n as usize).wrapping_sub(1))
            .ok_or_else(|| anyhow::anyhow!("article {id} has no revision {n}: it has 1 to {count}"))
    };
    if a.revisions {
        if a.json {
            outln!("{}", serde_json::to_string_pretty(&revs)?)?;
            return Ok(ExitCode::Ok);
        }
        for r in &revs {
            outln!(
                "revision {}  fetched {}  text {}  {}",
                r.revision,
                r.fetch.fetched_at,
                r.text_sha256.get(..12).unwrap_or(&r.text_sha256),
                r.article.title.as_deref().unwrap_or("(untitled)")
            )?;
        }
        return Ok(ExitCode::Ok);
    }
    if a.diff {
        let to = a.revision.unwrap_or(count);
        let from = a.from.unwrap_or(to.saturating_sub(1));
        if count < 2 && a.from.is_none() {
            outln!("article {id} has one revision: nothing changed")?;
            return Ok(ExitCode::Ok);
        }
        let (old, new) = (get(from)?, get(to)?);
        let changed = crate::ops::diff::word_diff(old, new);
        if a.json {
            let v = serde_json::json!({
                "id": id,
                "from": {"revision": from, "fetched_at": old.fetch.fetched_at},
                "to": {"revision": to, "fetched_at": new.fetch.fetched_at},
                "changed": changed,
            });
            outln!("{}", serde_json::to_string_pretty(&v)?)?;
            return Ok(ExitCode::Ok);
        }
        let color = use_color(cli.color, std::io::stdout().is_terminal());
        outln!(
            "--- revision {from} (fetched {})\n+++ revision {to} (fetched {})",
            old.fetch.fetched_at,
            new.fetch.fetched_at
        )?;
        if changed.is_empty() {
            outln!("the title and text are the same")?;
        }
        for c in &changed {
            let place = if c.paragraph == 0 {
                "title".to_owned()
            } else {
                format!("paragraph {}", c.paragraph)
            };
            outln!("@@ {place} @@\n{}", render_pieces(&c.pieces, color))?;
        }
        return Ok(ExitCode::Ok);
    }
    let current = match a.revision {
        Some(n) => get(n)?,
        None => revs.last().expect("an archived article has a revision"),
    };
    let attached = archive.attached(&current.article);
    if a.attachments {
        if a.json {
            outln!("{}", serde_json::to_string_pretty(&attached)?)?;
        } else if attached.is_empty() {
            outln!("article {id} links to no documents")?;
        } else {
            for d in &attached {
                outln!("{}", render_attached(d))?;
            }
        }
        return Ok(ExitCode::Ok);
    }
    let presence = archive.presence(&id);
    if a.json {
        let mut v = serde_json::to_value(current)?;
        v["presence"] = serde_json::to_value(&presence)?;
        if !attached.is_empty() {
            v["attachments"] = serde_json::to_value(&attached)?;
        }
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(ExitCode::Ok);
    }
    let art = &current.article;
    outln!("{}", art.title.as_deref().unwrap_or("(untitled)"))?;
    outln!(
        "{} · {} · {}",
        art.published.as_deref().unwrap_or("undated"),
        art.site,
        art.authors.join(", ")
    )?;
    outln!("{}", art.url)?;
    outln!(
        "id {id}, revision {} of {}, fetched {}",
        current.revision,
        revs.len(),
        current.fetch.fetched_at
    )?;
    match &presence {
        Presence::Gone {
            since,
            last_seen_present,
            evidence,
        } => outln!(
            "removed on {} (first seen gone: {evidence}; last seen present {})",
            since.get(..10).unwrap_or(since),
            last_seen_present.as_deref().unwrap_or("unknown")
        )?,
        Presence::Restored { since, gone_since } => outln!(
            "restored on {} (it had been gone since {})",
            since.get(..10).unwrap_or(since),
            gone_since.get(..10).unwrap_or(gone_since)
        )?,
        Presence::Present => {}
    }
    outln!("\n{}", art.body)?;
    if !attached.is_empty() {
        outln!("\nDocuments:")?;
        for d in &attached {
            outln!("  {} — {}", d.name(), d.outcome())?;
        }
    }
    Ok(ExitCode::Ok)
}

/// One document of an article, for people: its name and URL, then what was fetched.
fn render_attached(d: &crate::archive::attachments::Attached) -> String {
    let mut lines = vec![d.name().to_owned(), format!("  url      {}", d.url)];
    if !d.link_text.is_empty() && d.link_text != d.name() {
        lines.push(format!("  link     {}", d.link_text));
    }
    if let Some(f) = &d.found {
        if let Some(m) = &f.media_type {
            lines.push(format!("  type     {m}"));
        }
        if let Some(n) = f.size {
            lines.push(format!("  size     {n} bytes"));
        }
        if let Some(h) = &f.sha256 {
            lines.push(format!("  sha256   {h}"));
        }
        if let Some(w) = &f.warc {
            lines.push(format!("  warc     {} at {} ({})", w.file, w.offset, w.record_id));
        }
        lines.push(format!("  fetched  {}", f.fetched_at));
    }
    lines.push(format!("  text     {}", d.outcome()));
    lines.join("\n")
}

/// A changed paragraph: removed words red and added green on a terminal, else
/// `[-removed-]{+added+}` (git's `--word-diff=plain`).
fn render_pieces(pieces: &[crate::ops::diff::Piece], color: bool) -> String {
    use crate::ops::diff::Piece;
    pieces
        .iter()
        .map(|p| match (p, color) {
            (Piece::Same(s), _) => s.clone(),
            (Piece::Removed(s), true) => format!("\x1b[31m{s}\x1b[0m"),
            (Piece::Added(s), true) => format!("\x1b[32m{s}\x1b[0m"),
            (Piece::Removed(s), false) => format!("[-{s}-]"),
            (Piece::Added(s), false) => format!("{{+{s}+}}"),
        })
        .collect()
}

pub(super) fn cmd_reextract(cli: &Cli) -> Result<ExitCode> {
    let mut archive = Archive::open(&cli.archive)?;
    let profiles = super::profiles(cli)?;
    let cfg = super::config_if_any(cli)?;
    let index = index::open_for_archive(&archive)?;
    let mut indexer = index::Indexer::new(&index)?;
    let done = reextract::reextract(&mut archive, &mut indexer, &profiles, cfg.as_ref())?;
    outln!(
        "re-extracted {} archived HTML responses: {} new articles, {} changed (new revision), {} unchanged, {} not articles, {} unreadable; {} documents read again",
        done.responses,
        done.new,
        done.changed,
        done.unchanged,
        done.not_articles,
        done.unreadable,
        done.documents
    )?;
    Ok(if done.unreadable > 0 {
        ExitCode::Error
    } else {
        ExitCode::Ok
    })
}
