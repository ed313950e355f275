//! Inputs from portals nobody controls, served on loopback: each must be handled, and the
//! next run must complete too (a crash that repeats on every run kills a cron job).

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::sync::{Arc, Mutex};

mod common;

type Log = Arc<Mutex<Vec<String>>>;

/// A portal whose robots.txt, sitemap and redirects point to URLs on its own host with
/// schemes other than http(s).
async fn odd_schemes(State((base, log)): State<(Arc<Mutex<String>>, Log)>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    log.lock().unwrap().push(path.clone());
    let base = base.lock().unwrap().clone();
    let hostport = base.trim_start_matches("http://").to_owned();
    let html = |body: String| {
        Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(body))
            .unwrap()
    };
    let redirect = |to: String| {
        Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, to)
            .body(Body::empty())
            .unwrap()
    };
    match path.as_str() {
        "/robots.txt" => Response::new(Body::from(format!(
            "User-agent: *\nDisallow:\nSitemap: foo://www.{hostport}/z\nSitemap: {base}/sitemap.xml\n"
        ))),
        "/sitemap.xml" => Response::builder()
            .header(header::CONTENT_TYPE, "application/xml")
            .body(Body::from(format!(
                "<urlset><url><loc>foo://www.{hostport}/x</loc></url><url><loc>{base}/a1.htm</loc></url></urlset>"
            )))
            .unwrap(),
        "/" => html(
            "<html><body><h1>Cổng</h1><a href=\"/r1\">1</a><a href=\"/r2\">2</a><a href=\"/r3\">3</a></body></html>"
                .into(),
        ),
        "/r1" => redirect(format!("foo://www.{hostport}/etc/passwd")),
        "/r2" => redirect(format!("ftp://{hostport}/f")),
        "/r3" => redirect(format!("gopher://{hostport}/g")),
        "/a1.htm" => Response::new(Body::from(common::article(0))),
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::empty())
            .unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urls_of_other_schemes_on_the_allowed_host_are_dropped_not_fetched() {
    // `foo://www.<host>:<port>/x` passed the scope check (which ignores the scheme and
    // `www.`), was queued, and popping it panicked the run loop — on every later run too.
    let base_cell = Arc::new(Mutex::new(String::new()));
    let log: Log = Arc::default();
    let app = axum::Router::new()
        .fallback(odd_schemes)
        .with_state((base_cell.clone(), log.clone()));
    let (base, server) = common::serve(app).await;
    *base_cell.lock().unwrap() = base.clone();
    let config = format!("rate = 50.0\n[[site]]\nname = \"t\"\nstart_urls = [\"{base}/\"]\n");
    let dir = tempfile::tempdir().unwrap();
    for run in 0..2 {
        let report = common::crawl(&config, dir.path()).await;
        let t = report.total();
        assert_eq!(t.redirects, 3, "run {run}: {}", report.summary_line());
        assert_eq!(t.new + t.unchanged, 1, "run {run}: {}", report.summary_line());
    }
    server.abort();
    let log = log.lock().unwrap().clone();
    for path in ["/x", "/z", "/etc/passwd", "/f", "/g"] {
        assert!(!log.iter().any(|p| p == path), "{path} requested: {log:?}");
    }
}

/// A portal of twelve articles linked from its home page.
async fn twelve(State(log): State<Log>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    log.lock().unwrap().push(path.clone());
    let page = |title: &str, body: String| {
        Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(format!(
                "<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
            )))
            .unwrap()
    };
    match path.as_str() {
        "/robots.txt" => Response::new(Body::from("User-agent: *\nDisallow:\n")),
        "/" => page(
            "Trang chủ",
            (1..=12)
                .map(|i| format!("<a href=\"/bai-{i}.htm\">Bài {i}</a> "))
                .collect(),
        ),
        p if p.starts_with("/bai-") => {
            let n = p.trim_start_matches("/bai-").trim_end_matches(".htm");
            let para = format!(
                "<p>Bài số {n}: ủy ban nhân dân quận vừa ban hành kế hoạch triển khai tháng hành động, giao các phòng, ban, đơn vị phối hợp thực hiện.</p>"
            );
            let date = "<div class=\"date\">05/11/2019 13:01</div>";
            page(&format!("Tin tức số {n} của quận"), format!("{date}{}", para.repeat(4)))
        }
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::empty())
            .unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capped_crawl_makes_progress_on_every_run() {
    // `--max-pages` counted the pages of the run being resumed: every capped run after the
    // first stopped at once (exit 4), and eight runs of a 12-article portal archived one.
    let log: Log = Arc::default();
    let app = axum::Router::new().fallback(twelve).with_state(log.clone());
    let (base, server) = common::serve(app).await;
    let cfg = format!("rate = 50.0\n[[site]]\nname = \"t\"\nstart_urls = [\"{base}/\"]\n");
    let dir = tempfile::tempdir().unwrap();
    let opts = vnnews::crawl::RunOptions {
        max_pages: Some(3),
        ..Default::default()
    };
    let mut archived = Vec::new();
    for _ in 0..5 {
        let (_tx, stop) = tokio::sync::watch::channel(false);
        let cfg = vnnews::config::Config::from_toml(&cfg).unwrap();
        let report = vnnews::crawl::run_into(
            cfg,
            dir.path(),
            vnnews::extract::profile::Profiles::builtin(),
            &opts,
            stop,
        )
        .await
        .unwrap();
        let t = report.total();
        assert!(
            t.fetched >= 1,
            "a capped run fetched nothing: {}",
            report.summary_line()
        );
        let mut files = Vec::new();
        common::json_files(dir.path(), &mut files);
        archived.push(files.len());
    }
    server.abort();
    // 13 pages at 3 per run: 2, 5, 8, 11 articles, then the last one.
    assert_eq!(archived, [2, 5, 8, 11, 12], "{:?}", log.lock().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_portal_is_a_failure_cron_hears_about() {
    // A site whose host refused connections printed nothing under -q and exited 0 (and
    // without -q was counted as "skipped by robots"): the cron job looked fine.
    let server = vnnews::demo::serve_sample_portal().await.unwrap();
    let live = server.base_url();
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", l.local_addr().unwrap())
    }; // closed again: connections are refused
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vnnews.toml");
    std::fs::write(
        &config,
        format!(
            "rate = 50.0\nconnect_timeout_secs = 2\nretries = 0\n\
             [[site]]\nname = \"live\"\nstart_urls = [\"{live}\"]\n\
             [[site]]\nname = \"down\"\nstart_urls = [\"{refused}\"]\n"
        ),
    )
    .unwrap();
    let archive = dir.path().join("archive");
    for run in 0..2 {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_vnnews"))
            .arg("--archive")
            .arg(&archive)
            .arg("--config")
            .arg(&config)
            .args(["-q", "crawl"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(5), "run {run}: {err}");
        assert!(
            err.contains("site down") && !err.contains("site live"),
            "run {run}: {err}"
        );
        assert!(o.stdout.is_empty(), "-q prints no summary");
    }
    let mut files = Vec::new();
    common::json_files(&archive, &mut files);
    assert_eq!(files.len(), 5, "the live site was crawled as usual");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_during_a_long_crawl_finds_what_it_archived() {
    // The index was committed every 2,000 articles: on a polite crawl, search found nothing
    // for hours. It is now committed at least every minute (here, every 200 ms).
    let log: Log = Arc::default();
    let app = axum::Router::new().fallback(twelve).with_state(log.clone());
    let (base, server) = common::serve(app).await;
    let cfg = format!("rate = 4.0\n[[site]]\nname = \"t\"\nstart_urls = [\"{base}/\"]\n");
    let dir = tempfile::tempdir().unwrap();
    let opts = vnnews::crawl::RunOptions {
        index_commit_interval: Some(std::time::Duration::from_millis(200)),
        ..Default::default()
    };
    let (_tx, stop) = tokio::sync::watch::channel(false);
    let root = dir.path().to_owned();
    let crawl = tokio::spawn(async move {
        let cfg = vnnews::config::Config::from_toml(&cfg).unwrap();
        vnnews::crawl::run_into(cfg, &root, vnnews::extract::profile::Profiles::builtin(), &opts, stop)
            .await
            .unwrap()
    });
    // 13 pages at 4 per second: after two seconds the crawl is midway.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let index = vnnews::index::open(&dir.path().join("index")).unwrap();
    let found = vnnews::search::search(&index, "quận", &vnnews::search::SearchOptions::default())
        .unwrap()
        .total;
    assert!(!crawl.is_finished(), "the crawl ended before the search");
    assert!(
        found > 0,
        "nothing searchable while the crawl runs: {:?}",
        log.lock().unwrap()
    );
    let report = crawl.await.unwrap();
    server.abort();
    assert_eq!(report.total().new, 12);
}

/// A portal whose every response carries 300 `Set-Cookie` headers.
async fn cookie_jar(req: Request<Body>) -> Response {
    let mut r = Response::builder().header(header::CONTENT_TYPE, "text/html; charset=utf-8");
    for i in 0..300 {
        r = r.header(header::SET_COOKIE, format!("widget{i}=1; Path=/"));
    }
    match req.uri().path() {
        "/robots.txt" => r.body(Body::from("User-agent: *\nDisallow:\n")).unwrap(),
        "/" => r
            .body(Body::from("<html><body><a href=\"/a1.htm\">Bài</a></body></html>"))
            .unwrap(),
        "/a1.htm" => r.body(Body::from(common::article(0))).unwrap(),
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::empty())
            .unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_response_with_hundreds_of_headers_is_fetched() {
    // hyper's default of 100 response headers failed such pages with an opaque "error
    // sending request"; curl and browsers fetch them.
    let (base, server) = common::serve(axum::Router::new().fallback(cookie_jar)).await;
    let config = format!("rate = 50.0\nretries = 0\n[[site]]\nname = \"t\"\nstart_urls = [\"{base}/\"]\n");
    let dir = tempfile::tempdir().unwrap();
    let report = common::crawl(&config, dir.path()).await;
    server.abort();
    // (The article's links to the rest of the sample portal are 404s here.)
    assert_eq!(report.total().new, 1, "{}", report.summary_line());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_request_is_recorded_with_its_cause() {
    // The state said only "error sending request for url (…)": not why.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                // Two different lengths: no client may guess which is right.
                let _ = s
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 9\r\n\r\nabc")
                    .await;
            });
        }
    });
    let config = format!("rate = 50.0\nretries = 0\n[[site]]\nname = \"t\"\nstart_urls = [\"{base}/\"]\n");
    let dir = tempfile::tempdir().unwrap();
    let report = common::crawl(&config, dir.path()).await;
    server.abort();
    assert_eq!(report.total().failed, 1, "{}", report.summary_line());
    let db = rusqlite::Connection::open(dir.path().join(vnnews::crawl::STATE_FILE)).unwrap();
    let error: String = db
        .query_row("SELECT error FROM urls WHERE url = ?1", [format!("{base}/")], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(error.contains("content-length"), "{error}");
}

/// A portal that labels every page UTF-16 though it sends UTF-8.
async fn utf16_label(req: Request<Body>) -> Response {
    let page = |body: Vec<u8>| {
        Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-16")
            .body(Body::from(body))
            .unwrap()
    };
    match req.uri().path() {
        "/" => page(b"<html><body><a href=\"/a1.htm\">Bai</a></body></html>".to_vec()),
        "/a1.htm" => page(common::article(0)),
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::empty())
            .unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_falsely_labelled_utf16_is_read_by_its_bytes() {
    // Taken at its word, the label turned the page into CJK garbage: no links, no article.
    let (base, server) = common::serve(axum::Router::new().fallback(utf16_label)).await;
    let config = format!("rate = 50.0\nretries = 0\n[[site]]\nname = \"t\"\nstart_urls = [\"{base}/\"]\n");
    let dir = tempfile::tempdir().unwrap();
    let report = common::crawl(&config, dir.path()).await;
    server.abort();
    assert_eq!(report.total().new, 1, "{}", report.summary_line());
    let mut files = Vec::new();
    common::json_files(dir.path(), &mut files);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    let title = v["title"].as_str().unwrap();
    assert!(title.contains("Long Biên"), "{title}");
    assert_eq!(v["encoding"]["label"], "utf-8", "{}", v["encoding"]);
    assert!(
        v["encoding"]["disagreement"].as_str().unwrap().contains("UTF-16"),
        "{}",
        v["encoding"]
    );
}
