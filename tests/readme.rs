//! The README's examples stay true: every `vnnews …` line in its shell blocks parses as a
//! command line, and those that read an archive or text are run against a demo archive
//! (placeholders such as `URL|ID`, `page.html` and `broken.txt` become the demo's article,
//! the seed page and a broken line) and must succeed; every query in the search-syntax
//! table must run without an error.

use std::path::Path;
use std::process::Output;

mod common;

const SEED_PAGE: &str = "fixtures/portal/tin-tuc-su-kien/long-bien-trien-khai-thang-hanh-dong-vi-binh-dang-gioi-va-phong-chong-bao-luc-tren-co-so-gioi-c4-2305.html";

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// Split a shell line into words: single and double quotes, nothing else (the README needs
/// no more).
fn words(line: &str) -> Vec<String> {
    let (mut out, mut cur, mut quote, mut any) = (Vec::new(), String::new(), None, false);
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => {
                quote = Some(c);
                any = true;
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            (_, c) => {
                cur.push(c);
                any = true;
            }
        }
    }
    assert!(quote.is_none(), "unclosed quote in {line:?}");
    if any {
        out.push(cur);
    }
    out
}

/// The README's example command lines: `vnnews …` in ```sh blocks, without the comment, the
/// redirections and what a pipe feeds; optional parts in `[…]` kept.
fn examples() -> Vec<(String, Vec<String>)> {
    let text = readme();
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in text.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh || !line.starts_with("vnnews ") {
            continue;
        }
        let mut cmd = line.split("  #").next().unwrap().trim().to_owned();
        for cut in [" | ", " > ", " < ", " >> ", " && "] {
            if let Some(i) = cmd.find(cut) {
                cmd.truncate(i);
            }
        }
        let cmd = cmd.replace(['[', ']'], "");
        let args = words(&cmd)[1..].to_vec();
        out.push((line.to_owned(), args));
    }
    out
}

fn vnnews(archive: &str, args: &[String], stdin: &[u8]) -> Output {
    let mut all = vec!["--archive".to_owned(), archive.to_owned()];
    all.extend_from_slice(args);
    common::run_vnnews(&all, stdin)
}

#[test]
fn every_readme_example_parses() {
    let examples = examples();
    assert!(examples.len() >= 25, "found {} examples", examples.len());
    for (line, args) in &examples {
        let mut argv = vec!["vnnews".to_owned()];
        argv.extend(args.iter().map(|a| a.replace("URL|ID", "0123456789abcdef0123")));
        if let Err(e) = <vnnews::cli::Cli as clap::Parser>::try_parse_from(&argv) {
            panic!("README example does not parse: {line}\n{e}");
        }
    }
}

#[test]
fn readme_examples_run_on_the_demo_archive() {
    let archive = tempfile::tempdir().unwrap();
    let a = archive.path().to_str().unwrap();
    let o = vnnews(a, &["-q".to_owned(), "demo".to_owned()], b"");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = vnnews(a, &["search".into(), "--json".into(), "bình đẳng giới".into()], b"");
    let hit: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&o.stdout).lines().nth(1).unwrap()).unwrap();
    let id = hit["id"].as_str().unwrap().to_owned();
    let out = tempfile::tempdir().unwrap();
    let today = chrono::Utc::now().date_naive().to_string();
    let mut ran = 0;
    for (line, args) in examples() {
        // Crawling needs the configured portals, benchmarks a release build; the demo ran.
        if matches!(args[0].as_str(), "crawl" | "bench" | "demo") {
            continue;
        }
        let args: Vec<String> = args
            .iter()
            .map(|w| match w.as_str() {
                "URL|ID" | "ID|URL" => id.clone(),
                "page.html" => SEED_PAGE.to_owned(),
                "https://…" => "https://longbien.hanoi.gov.vn/tin-tuc-su-kien/a-c4-2305.htm".to_owned(),
                // The examples' dates are of the day the README was written; the demo
                // archive was made today.
                "2026-11-25" | "2026-01-01" => today.clone(),
                w if w.ends_with(".wacz") => out.path().join(w).to_string_lossy().into_owned(),
                w => w.to_owned(),
            })
            .collect();
        let stdin: &[u8] = if args[0] == "repair" {
            "L?y l?i m\u{fffd} b?o m?t\n".as_bytes()
        } else {
            b""
        };
        let o = vnnews(a, &args, stdin);
        assert!(
            o.status.success(),
            "README example failed ({:?}): {line}\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        );
        if args[0] == "repair" {
            assert_eq!(
                String::from_utf8_lossy(&o.stdout).trim(),
                "Lấy lại mã bảo mật",
                "{line}"
            );
        }
        ran += 1;
    }
    assert!(ran >= 18, "ran {ran} examples");
}

#[test]
fn every_query_in_the_search_syntax_table_runs() {
    let archive = tempfile::tempdir().unwrap();
    let a = archive.path().to_str().unwrap();
    assert!(vnnews(a, &["-q".to_owned(), "demo".to_owned()], b"").status.success());
    let text = readme();
    let section = &text[text.find("### Search syntax").unwrap()..];
    let rows = section
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'));
    let mut queries = Vec::new();
    for row in rows.filter(|l| l.starts_with("| `")) {
        let first = row.split(" | ").next().unwrap().trim_start_matches("| ");
        for q in first.split(", ") {
            let q = q.trim().trim_matches('`');
            if q.contains('…') {
                continue;
            }
            queries.push(q.to_owned());
        }
    }
    assert!(queries.len() >= 15, "{queries:?}");
    for q in queries {
        // As typed in single quotes, after `--` (a query may start with `-`).
        let o = vnnews(a, &["search".to_owned(), "--".to_owned(), q.clone()], b"");
        assert!(
            o.status.code().is_some_and(|c| c <= 1) && o.stderr.is_empty(),
            "{q}: {:?} {}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
