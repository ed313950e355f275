//! What commands print: colour only on a terminal (or when asked), search hits for people
//! or as JSON lines for machines.

use anyhow::Result;
use std::io::Write;

use super::args::Color;
use crate::search;

pub(super) fn use_color(c: Color, terminal: bool) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && std::env::var_os("NO_COLOR").is_none(),
    }
}

pub(super) fn print_hits(out: &mut impl Write, results: &search::Results, json: bool, color: bool) -> Result<()> {
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
