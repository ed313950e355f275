//! A write-heavy crawl killed with SIGKILL at random moments, then run to the end: every
//! archived JSON file parses, nothing is archived twice, the index ends with exactly one
//! document per article, and `reindex` reproduces it.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

const ARTICLES: usize = 150;

mod common;
use common::{json_files, seed_page};

async fn serve(State(seed): State<Arc<String>>, req: Request<Body>) -> Response {
    let path = req.uri().path();
    let html = |s: String| {
        Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(s))
            .unwrap()
    };
    if path == "/robots.txt" {
        return Response::new(Body::from("User-agent: *\nDisallow:\n"));
    }
    if path == "/" {
        let links: String = (0..ARTICLES)
            .map(|i| format!("<li><a href=\"/a/{i}.htm\">Bài {i}</a></li>"))
            .collect();
        return html(format!("<html><body><ul>{links}</ul></body></html>"));
    }
    if let Some(i) = path
        .strip_prefix("/a/")
        .and_then(|p| p.strip_suffix(".htm"))
        .and_then(|i| i.parse::<usize>().ok())
    {
        let page = seed.replace("c4-2305.htm", &format!("c4-{i}.htm")).replace(
            "Long Biên triển khai Tháng",
            &format!("Long Biên (bài {i}) triển khai Tháng"),
        );
        return html(page);
    }
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .body(Body::empty())
        .unwrap()
}

fn vnnews(archive: &Path, config: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vnnews"));
    c.arg("--archive")
        .arg(archive)
        .arg("--config")
        .arg(config)
        .args(args)
        .arg("-q");
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

fn stats_json(archive: &Path) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_vnnews"))
        .arg("--archive")
        .arg(archive)
        .args(["stats", "--json"])
        .output();
    out.unwrap().stdout
}

fn random_ms(lo: u64, hi: u64) -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(lo);
    lo + h.finish() % (hi - lo)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_random_points_loses_nothing_and_leaves_nothing_half_written() {
    let (base, server) = common::serve(axum::Router::new().fallback(serve).with_state(Arc::new(seed_page()))).await;

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vnnews.toml");
    std::fs::write(
        &config,
        format!("rate = 400.0\nconcurrency = 8\n[[site]]\nname = \"crash\"\nstart_urls = [\"{base}/\"]\n"),
    )
    .unwrap();
    let archive = dir.path().join("archive");

    for round in 0..4 {
        let mut child = vnnews(&archive, &config, &["crawl"]).spawn().unwrap();
        tokio::time::sleep(Duration::from_millis(random_ms(100 + round * 50, 900))).await;
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Whatever was visible after the kill is whole.
        let mut files = Vec::new();
        if archive.exists() {
            json_files(&archive, &mut files);
        }
        for f in &files {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(f).unwrap())
                .unwrap_or_else(|e| panic!("{} is half-written: {e}", f.display()));
            assert_eq!(v["schema_version"], vnnews::archive::SCHEMA_VERSION);
        }
    }
    // An uninterrupted run finishes the job.
    let status = vnnews(&archive, &config, &["crawl"]).status().unwrap();
    assert!(status.success());
    server.abort();

    let mut files = Vec::new();
    json_files(&archive, &mut files);
    assert_eq!(files.len(), ARTICLES, "every article archived exactly once");
    let stats: serde_json::Value = serde_json::from_slice(&stats_json(&archive)).unwrap();
    assert_eq!(stats["articles"], ARTICLES);
    assert_eq!(stats["indexed"], ARTICLES, "the index caught up with the archive");
    // reindex reproduces it.
    assert!(vnnews(&archive, &config, &["reindex"]).status().unwrap().success());
    let stats: serde_json::Value = serde_json::from_slice(&stats_json(&archive)).unwrap();
    assert_eq!(stats["indexed"], ARTICLES);
    // WARC files: none left open, every record whole.
    for e in std::fs::read_dir(archive.join("warc")).unwrap() {
        let p = e.unwrap().path();
        assert!(p.to_string_lossy().ends_with(".warc.gz"), "{} left open", p.display());
        vnnews::archive::warc::read_all(&p).unwrap();
    }
}
