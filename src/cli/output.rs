//! What commands print: colour only on a terminal (or when asked), search hits for people
//! or as JSON lines for machines.

use anyhow::Result;

/// `println!` that returns the error instead of panicking when stdout is closed (`vnnews
/// stats | head -1`): `main` then exits quietly, as ripgrep does.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

pub(crate) use outln;

/// Whether an error is stdout (or another pipe) having closed: the reader has what it
/// wanted, which is no failure.
pub(super) fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let json_pipe = |e: &serde_json::Error| e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe);
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>().is_some_and(json_pipe)
            || matches!(c.downcast_ref::<crate::Error>(), Some(crate::Error::Json(e)) if json_pipe(e))
    })
}
use std::io::Write;

use super::args::Color;
use crate::search;

pub(super) fn use_color(c: Color, terminal: bool) -> bool {
    color_given(c, terminal, std::env::var_os("NO_COLOR").as_deref())
}

/// `use_color` with the value of `NO_COLOR`: it turns colour off when set and not empty
/// (no-color.org; an empty value is as if unset).
fn color_given(c: Color, terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
    match c {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

pub(super) fn print_hits(out: &mut impl Write, results: &search::Results, json: bool, color: bool) -> Result<()> {
    let u = &results.understood;
    if json {
        // First the query as understood and the total, then one hit per line.
        let mut head = serde_json::json!({
            "query": u,
            "total": results.total,
            "hits": results.hits.len(),
            "offset": results.hits.first().map_or(0, |h| h.rank - 1),
        });
        if let Some(s) = &results.suggestion {
            head["suggestion"] = s.as_str().into();
        }
        serde_json::to_writer(&mut *out, &head)?;
        writeln!(out)?;
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
    writeln!(out, "{dim}query: {}{reset}", u.describe())?;
    for n in &u.notes {
        writeln!(out, "{dim}note: {n}{reset}")?;
    }
    if let Some(s) = &results.suggestion {
        writeln!(out, "Gợi ý: {s}")?;
    }
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
        if let Some(since) = &h.gone_since {
            meta.push(format!(
                "removed from the portal on {}",
                since.get(..10).unwrap_or(since)
            ));
        }
        writeln!(out, "   {dim}{}{reset}", meta.join(" · "))?;
        writeln!(out, "   {}", h.url)?;
        let snippet = if color {
            h.snippet.render(hl, reset)
        } else {
            h.snippet.plain()
        };
        if let Some(name) = &h.attachment {
            writeln!(out, "   {dim}in the document {name}:{reset}")?;
        }
        if !snippet.is_empty() {
            writeln!(out, "   {snippet}")?;
        }
    }
    match (results.hits.first(), results.hits.last()) {
        (Some(first), Some(last)) if first.rank > 1 => writeln!(
            out,
            "{dim}{}–{} of {} matches{reset}",
            first.rank, last.rank, results.total
        )?,
        (Some(_), _) => writeln!(out, "{dim}{} of {} matches{reset}", results.hits.len(), results.total)?,
        _ if results.total > 0 => writeln!(out, "no matches on this page: {} in all", results.total)?,
        _ => writeln!(out, "no matches")?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_set_to_nothing_is_not_set() {
        let set = Some(std::ffi::OsStr::new("1"));
        let empty = Some(std::ffi::OsStr::new(""));
        for (c, terminal, no_color, expected) in [
            (Color::Auto, true, None, true),
            (Color::Auto, true, empty, true),
            (Color::Auto, true, set, false),
            (Color::Auto, false, None, false),
            (Color::Always, false, set, true),
            (Color::Never, true, None, false),
        ] {
            assert_eq!(
                color_given(c, terminal, no_color),
                expected,
                "{c:?} {terminal} {no_color:?}"
            );
        }
    }
}
