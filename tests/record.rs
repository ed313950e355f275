//! The WARC files are the record of everything a crawl saw, and articles are derived from
//! them: a page misjudged at crawl time is not lost, and `reextract` finds it again with a
//! better configuration — without a request to the portal. Served on loopback.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::process::Command;
use std::sync::{Arc, Mutex};

mod common;

type Log = Arc<Mutex<Vec<String>>>;

/// A short news item: a title and two sentences, no date, no byline — what small portals
/// publish, and what a classifier can take for something else.
fn short_item(i: usize) -> String {
    format!(
        "<html><head><title>Thông báo số {i}</title></head><body><div class=\"menu\"><a href=\"/\">Trang chủ</a></div>\
         <h1>Thông báo số {i} về lịch tiếp công dân</h1><p>Ủy ban nhân dân phường thông báo lịch tiếp công dân \
         tháng này vào sáng thứ Năm hằng tuần tại trụ sở.</p></body></html>"
    )
}

async fn portal(State(log): State<Log>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    log.lock().unwrap().push(path.clone());
    let html = |s: Vec<u8>| {
        Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(s))
            .unwrap()
    };
    match path.as_str() {
        "/robots.txt" => Response::new(Body::from("User-agent: *\nDisallow:\n")),
        "/" => {
            let links: String = (1..=5)
                .map(|i| format!("<li><a href=\"/bai/{i}.htm\">Bài {i}</a></li>"))
                .collect();
            html(format!("<html><body><ul>{links}</ul></body></html>").into_bytes())
        }
        "/bai/1.htm" => html(common::article(0)),
        p if p.starts_with("/bai/") => {
            let i: usize = p[5..].trim_end_matches(".htm").parse().unwrap_or(0);
            if (2..=5).contains(&i) {
                html(short_item(i).into_bytes())
            } else {
                Response::builder()
                    .status(StatusCode::NOT_FOUND)
                    .body(Body::empty())
                    .unwrap()
            }
        }
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::empty())
            .unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_misjudged_at_crawl_time_is_in_the_record_and_reextract_finds_it() {
    let log: Log = Default::default();
    let (base, _server) = common::serve(axum::Router::new().fallback(portal).with_state(log.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    let site = format!("[[site]]\nname = \"phuong\"\nstart_urls = [\"{base}/\"]\n");
    let cfg = format!("rate = 50\nretries = 0\n{site}");
    let report = common::crawl(&cfg, &archive).await;
    let first = report.total();
    assert!(
        first.new < 5,
        "some items judged other than articles: {}",
        report.summary_line()
    );

    // Every exchange is in WARC, whatever its page was judged.
    let mut uris = Vec::new();
    for e in std::fs::read_dir(archive.join("warc")).unwrap() {
        for r in vnnews::archive::warc::read_all(&e.unwrap().path()).unwrap() {
            if r.header("WARC-Type") == Some("response") {
                uris.push(
                    r.header("WARC-Target-URI")
                        .unwrap()
                        .trim_start_matches(&base)
                        .to_owned(),
                );
            }
        }
    }
    for path in [
        "/robots.txt",
        "/",
        "/bai/1.htm",
        "/bai/2.htm",
        "/bai/3.htm",
        "/bai/4.htm",
        "/bai/5.htm",
    ] {
        assert!(uris.iter().any(|u| u == path), "{path} not in WARC: {uris:?}");
    }

    // The user says which URLs are articles; re-extraction finds the rest, asking nothing.
    let requests = log.lock().unwrap().len();
    let config = dir.path().join("vnnews.toml");
    std::fs::write(&config, format!("{cfg}article_urls = ['/bai/\\d+\\.htm$']\n")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_vnnews"))
        .arg("--archive")
        .arg(&archive)
        .arg("--config")
        .arg(&config)
        .arg("reextract")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.contains(&format!(": {} new articles", 5 - first.new)), "{out}");
    assert_eq!(log.lock().unwrap().len(), requests, "re-extraction made no request");
    let mut files = Vec::new();
    common::json_files(&archive, &mut files);
    assert_eq!(files.len(), 5, "{files:?}");
    let titles: Vec<String> = files
        .iter()
        .map(|f| {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
            v["title"].as_str().unwrap_or_default().to_owned()
        })
        .collect();
    assert!(titles.iter().any(|t| t.contains("Thông báo số 4")), "{titles:?}");
    // And search finds them.
    let o = Command::new(env!("CARGO_BIN_EXE_vnnews"))
        .arg("--archive")
        .arg(&archive)
        .args(["search", "--json", "lịch tiếp công dân"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 4);
}
