//! `extract`, `repair` and `lexicon build`: the text pipeline on files and standard input.

use anyhow::{Context, Result};
use std::io::{BufRead, Write};

use super::args::{Cli, ExtractArgs, LexiconArgs, RepairArgs, RestoreArgs};
use super::exit::ExitCode;
use super::output::outln;
use crate::archive::Archive;
use crate::decode;
use crate::extract::{self, Page};
use crate::ops::lexicon;

pub(super) fn cmd_extract(cli: &Cli, a: &ExtractArgs) -> Result<ExitCode> {
    let profiles = super::profiles(cli)?;
    let mut code = ExitCode::Ok;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut stdin_read = false;
    for file in &a.files {
        let is_stdin = file.as_os_str() == "-";
        if is_stdin && std::mem::replace(&mut stdin_read, true) {
            eprintln!("vnnews: error: `-` (standard input) can be given once");
            code = ExitCode::Error;
            continue;
        }
        let bytes = match read_page(file) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("vnnews: error: {}", super::error_text(&e));
                code = ExitCode::Error;
                continue;
            }
        };
        let (url, _) = page_url(a.saved.url.as_deref(), file, &bytes)?;
        let page = Page {
            bytes: &bytes,
            content_type: a.saved.content_type.as_deref(),
            url: &url,
            fetched_at: a.saved.fetched_at,
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
                code = ExitCode::Error;
                continue;
            }
        };
        let mut v = serde_json::to_value(&x.article)?;
        if a.links {
            v["links"] = x.links.iter().map(|l| l.as_str()).collect::<Vec<_>>().into();
        }
        if a.explain {
            v["explain"] = serde_json::to_value(&x.page_type)?;
        }
        serde_json::to_writer(&mut out, &v)?;
        writeln!(out)?;
    }
    Ok(code)
}

/// A saved page's bytes: the file's, or standard input's for `-`; gunzipped either way.
pub(super) fn read_page(path: &std::path::Path) -> Result<Vec<u8>> {
    if path.as_os_str() != "-" {
        return Ok(extract::read_saved_page(path)?);
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes).context("reading standard input")?;
    Ok(extract::inflate_saved_page(bytes, std::path::Path::new("<stdin>"))?)
}

/// The address a saved page stands for: the one given, else the file's own (`file:…`).
/// The address a saved page is judged at: `--url`, else the one the page states for itself
/// (see [`extract::stated_address`]; with where it came from), else the file's own.
pub(super) fn page_url(
    given: Option<&str>,
    path: &std::path::Path,
    bytes: &[u8],
) -> Result<(String, Option<extract::StatedAddress>)> {
    if let Some(u) = given.filter(|u| !u.is_empty()) {
        return Ok((u.to_owned(), None));
    }
    if let Some((u, from)) = extract::stated_address(bytes) {
        tracing::info!(
            "{}: judged at {u} ({}); --url says otherwise",
            path.display(),
            from.describe()
        );
        return Ok((u.into(), Some(from)));
    }
    Ok((
        if path.as_os_str() == "-" {
            "file:///dev/stdin".to_owned()
        } else {
            url::Url::from_file_path(std::path::absolute(path)?)
                .map(String::from)
                .unwrap_or_else(|_| path.display().to_string())
        },
        None,
    ))
}

pub(super) fn cmd_repair(a: &RepairArgs) -> Result<ExitCode> {
    each_line(a.file.as_deref(), |text, mut repairs, out| {
        let r = decode::repair(text);
        repairs.extend(r.repairs);
        if a.explain {
            serde_json::to_writer(
                &mut *out,
                &serde_json::json!({"input": text, "output": r.text, "repairs": repairs}),
            )?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", r.text)?;
        }
        Ok(())
    })
}

pub(super) fn cmd_restore(a: &RestoreArgs) -> Result<ExitCode> {
    each_line(a.file.as_deref(), |text, _, out| {
        let r = decode::restore::restore(text);
        if a.explain {
            serde_json::to_writer(
                &mut *out,
                &serde_json::json!({"input": text, "output": r.text, "words": r.words}),
            )?;
            writeln!(out)?;
        } else {
            writeln!(out, "{}", r.text)?;
        }
        Ok(())
    })
}

/// One line in, one line out: each line of the file (or standard input) as text — invalid
/// UTF-8 read as windows-1252, recorded — handed to `each` with a writer flushed after it.
fn each_line(
    file: Option<&std::path::Path>,
    mut each: impl FnMut(&str, Vec<decode::Repair>, &mut std::io::BufWriter<std::io::StdoutLock>) -> Result<()>,
) -> Result<ExitCode> {
    let input: Box<dyn BufRead> = match file {
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
        each(&text, repairs, &mut out)?;
        out.flush()?;
    }
    Ok(ExitCode::Ok)
}

pub(super) fn cmd_lexicon(cli: &Cli, a: &LexiconArgs) -> Result<ExitCode> {
    // With nothing to add, the archive's model would be quietly rebuilt from the built-in
    // one (73,621 syllables became 73,620): say what to give instead.
    if a.counts.is_none() && a.text.is_empty() && !a.from_archive && a.out.is_none() {
        anyhow::bail!(
            "nothing to build from: give --from-archive, --text FILE or --counts DIR (or --out FILE to write the built-in model there)"
        );
    }
    let archive = match a.from_archive {
        true => Some(Archive::open_read_only(&cli.archive)?),
        false => None,
    };
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| decode::lm::archive_model_path(&cli.archive));
    let built = lexicon::build(
        &lexicon::Sources {
            counts: a.counts.as_deref(),
            texts: &a.text,
            text_weight: a.text_weight,
            archive: archive.as_ref(),
            min_unigram: a.min_unigram,
            min_bigram: a.min_bigram,
            min_trigram: a.min_trigram,
        },
        &out,
    )?;
    outln!(
        "wrote {} ({} syllables, {} bigrams, {} trigrams, {} bytes)",
        out.display(),
        built.syllables,
        built.bigrams,
        built.trigrams,
        built.bytes
    )?;
    Ok(ExitCode::Ok)
}
