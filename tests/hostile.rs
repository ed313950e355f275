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
