//! A portal edits an article between two crawls: the archive keeps both revisions, `show`
//! lists and diffs them, search finds the current text only once; `reextract` re-reads the
//! raw responses without refetching.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, header};
use axum::response::Response;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

mod common;
use common::seed_page;

async fn serve(State((seed, edited)): State<(Arc<String>, Arc<AtomicBool>)>, req: Request<Body>) -> Response {
    let body = match req.uri().path() {
        "/robots.txt" => "User-agent: *\nDisallow:\n".to_owned(),
        "/" => "<html><body><a href=\"/bai.htm\">Bài</a></body></html>".to_owned(),
        "/bai.htm" if edited.load(Ordering::SeqCst) => {
            seed.replace("Kế hoạch số 373/KH-UBND", "Kế hoạch số 374/KH-UBND (đã sửa)")
        }
        "/bai.htm" => seed.to_string(),
        _ => return Response::builder().status(404).body(Body::empty()).unwrap(),
    };
    Response::builder()
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(Body::from(body))
        .unwrap()
}

fn vnnews(archive: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vnnews"))
        .arg("--archive")
        .arg(archive)
        .args(args)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_article_becomes_a_revision_that_can_be_diffed() {
    let edited = Arc::new(AtomicBool::new(false));
    let app = axum::Router::new()
        .fallback(serve)
        .with_state((Arc::new(seed_page()), edited.clone()));
    let (base, server) = common::serve(app).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        format!("rate = 50.0\n[[site]]\nname = \"rev\"\nstart_urls = [\"{base}/\"]\n"),
    )
    .unwrap();
    let archive = dir.path().join("archive");
    let crawl = |archive: &Path| {
        Command::new(env!("CARGO_BIN_EXE_vnnews"))
            .arg("--archive")
            .arg(archive)
            .arg("--config")
            .arg(&config)
            .args(["crawl", "--json"])
            .output()
            .unwrap()
    };
    let first: serde_json::Value = serde_json::from_slice(&crawl(&archive).stdout).unwrap();
    assert_eq!(first["sites"]["rev"]["new"], 1);
    // Fetch times have whole seconds: a moment clearly between the two crawls.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let between = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    edited.store(true, Ordering::SeqCst);
    let second: serde_json::Value = serde_json::from_slice(&crawl(&archive).stdout).unwrap();
    assert_eq!(second["sites"]["rev"]["updated"], 1, "{second}");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let before_third = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let third: serde_json::Value = serde_json::from_slice(&crawl(&archive).stdout).unwrap();
    assert_eq!(
        third["sites"]["rev"]["unchanged"], 1,
        "identical content is not stored again"
    );
    server.abort();

    let url = "https://longbien.hanoi.gov.vn/tin-tuc-su-kien/long-bien-trien-khai-thang-hanh-dong-vi-binh-dang-gioi-va-phong-chong-bao-luc-tren-co-so-gioi-c4-2305.htm";
    let o = vnnews(&archive, &["show", url, "--revisions"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    // The list alone, not the article first.
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("revision 1  fetched ") && lines[1].starts_with("revision 2  fetched "),
        "{out}"
    );

    // `show --diff ID` took ID as the revision range; the diff is word by word, alone.
    let o = vnnews(&archive, &["show", "--diff", url]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("--- revision 1 (fetched "), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("[-373/KH-UBND-]{+374/KH-UBND (đã sửa)+}")),
        "{out}"
    );
    assert!(
        !out.contains("HNP - UBND quận Long Biên vừa ban hành\n"),
        "only changed paragraphs"
    );

    // All revisions as JSON; one revision by number; the article by a prefix of its id.
    let o = vnnews(&archive, &["show", url, "--revisions", "--json"]);
    let all: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        (all[0]["revision"].as_u64(), all[1]["revision"].as_u64()),
        (Some(1), Some(2))
    );
    let id = all[0]["id"].as_str().unwrap();
    let o = vnnews(&archive, &["show", &id[..6], "--revision", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("revision 1 of 2") && out.contains("373/KH-UBND") && !out.contains("374/KH-UBND"),
        "{out}"
    );
    let o = vnnews(&archive, &["show", &id[..6], "--revision", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no revision 3: it has 1 to 2"));
    let o = vnnews(&archive, &["show", "--diff", "--json", &id[..8]]);
    let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        d["changed"][0]["pieces"][1],
        serde_json::json!({"kind": "removed", "text": "373/KH-UBND"}),
        "{d}"
    );

    // Incremental export: the article published in 2019 and revised now is in an export of
    // what changed since `between` (the README's Quickwit recipe filtered on publication and
    // missed it); with every revision, only the new one is.
    let lines = |args: &[&str]| -> Vec<serde_json::Value> {
        let o = vnnews(&archive, args);
        String::from_utf8(o.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let changed = lines(&["export", "--changed-since", &between]);
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["revision"], 2);
    let changed_all = lines(&["export", "--changed-since", &between, "--all-revisions"]);
    assert_eq!(changed_all.len(), 1, "revision 1 was stored before");
    let all = lines(&["export", "--all-revisions"]);
    assert_eq!(
        all.iter().map(|v| v["revision"].as_u64().unwrap()).collect::<Vec<_>>(),
        [1, 2]
    );
    // The third crawl fetched it again, unchanged (the crawl state knows): fetched since,
    // not changed since.
    assert_eq!(lines(&["export", "--fetched-since", &before_third]).len(), 1);
    assert_eq!(lines(&["export", "--changed-since", &before_third]).len(), 0);

    let o = vnnews(&archive, &["search", "--json", "374/KH-UBND"]);
    assert_eq!(
        String::from_utf8(o.stdout).unwrap().lines().skip(1).count(),
        1,
        "the index holds the current revision once"
    );
    let o = vnnews(&archive, &["search", "--json", "\"Kế hoạch số 373\""]);
    assert_eq!(o.status.code(), Some(1), "the old text is no longer current");

    let o = vnnews(&archive, &["reextract"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8(o.stdout)
            .unwrap()
            .contains("0 changed (new revision), 1 unchanged")
    );
}
