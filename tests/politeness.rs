//! The crawler against a portal that misbehaves — flaky 500s, a 429 with Retry-After, a
//! redirect loop, an oversize page, a gzip bomb, a slow page, a calendar trap, a disallowed
//! path — asserted from the server's own request log. Everything on 127.0.0.1.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod common;

#[derive(Default)]
struct Portal {
    log: Mutex<Vec<(String, Instant)>>,
    hits: Mutex<HashMap<String, usize>>,
}

fn html(body: impl Into<Body>) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .body(body.into())
        .unwrap()
}

async fn serve(State(p): State<Arc<Portal>>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    let full = req
        .uri()
        .path_and_query()
        .map(|x| x.to_string())
        .unwrap_or(path.clone());
    p.log.lock().unwrap().push((full.clone(), Instant::now()));
    let n = {
        let mut hits = p.hits.lock().unwrap();
        let n = hits.entry(path.clone()).or_default();
        *n += 1;
        *n
    };
    match path.as_str() {
        "/robots.txt" => Response::new(Body::from("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.2\n")),
        "/" => html(
            "<html><body><ul><li><a href=\"/a.htm\">a</a></li><li><a href=\"/flaky.htm\">flaky</a></li>\
             <li><a href=\"/busy.htm\">busy</a></li><li><a href=\"/loop1.htm\">loop</a></li>\
             <li><a href=\"/big.htm\">big</a></li><li><a href=\"/bomb.htm\">bomb</a></li>\
             <li><a href=\"/slow.htm\">slow</a></li><li><a href=\"/private/secret.htm\">private</a></li>\
             <li><a href=\"/cal?d=1\">calendar</a></li></ul></body></html>",
        ),
        "/a.htm" => html(common::article(0)),
        "/flaky.htm" if n <= 2 => Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .body(Body::empty())
            .unwrap(),
        "/flaky.htm" => html(common::article(1)),
        "/busy.htm" if n == 1 => Response::builder()
            .status(StatusCode::TOO_MANY_REQUESTS)
            .header(header::RETRY_AFTER, "1")
            .body(Body::empty())
            .unwrap(),
        "/busy.htm" => html(common::article(2)),
        "/loop1.htm" => Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, "/loop2.htm")
            .body(Body::empty())
            .unwrap(),
        "/loop2.htm" => Response::builder()
            .status(StatusCode::FOUND)
            .header(header::LOCATION, "/loop1.htm")
            .body(Body::empty())
            .unwrap(),
        "/big.htm" => html(vec![b'x'; 3_000_000]),
        "/bomb.htm" => {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            enc.write_all(&vec![b' '; 50_000_000]).unwrap();
            Response::builder()
                .header(header::CONTENT_TYPE, "text/html")
                .header(header::CONTENT_ENCODING, "gzip")
                .body(Body::from(enc.finish().unwrap()))
                .unwrap()
        }
        "/slow.htm" => {
            tokio::time::sleep(Duration::from_secs(6)).await;
            html(common::article(3))
        }
        "/cal" => {
            let d: u64 = full.rsplit('=').next().and_then(|d| d.parse().ok()).unwrap_or(0);
            html(format!(
                "<html><body><a href=\"/cal?d={}\">next day</a></body></html>",
                d + 1
            ))
        }
        _ => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::empty())
            .unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misbehaving_portal_is_crawled_politely_and_bounded() {
    let portal = Arc::new(Portal::default());
    let (base, server) = common::serve(axum::Router::new().fallback(serve).with_state(portal.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let report = common::crawl(
        &format!(
            "rate = 50.0\nconcurrency = 4\nretries = 2\ntimeout_secs = 2\nmax_body_bytes = 1000000\nmax_query_variants = 5\n\
             [[site]]\nname = \"t\"\nstart_urls = [\"{base}/\"]\n"
        ),
        dir.path(),
    )
    .await;
    let elapsed = started.elapsed();
    server.abort();
    let log = portal.log.lock().unwrap().clone();
    let paths: Vec<&str> = log.iter().map(|(p, _)| p.as_str()).collect();
    let t = report.total();

    // Articles behind the flaky 500s and the 429 are archived once each.
    assert_eq!(t.new, 3, "{} — {paths:?}", report.summary_line());
    assert_eq!(
        paths.iter().filter(|p| **p == "/flaky.htm").count(),
        3,
        "two 500s, then the page"
    );
    assert_eq!(paths.iter().filter(|p| **p == "/a.htm").count(), 1);
    // Robots: fetched first, the disallowed path never.
    assert_eq!(paths[0], "/robots.txt");
    assert!(!paths.iter().any(|p| p.starts_with("/private/")));
    assert_eq!(t.skipped_robots, 1);
    // Crawl-delay 0.2 s between request starts (the configured rate alone would allow 20 ms).
    // The crawler waits 202 ms; the server stamps arrivals, which a loaded two-core machine
    // delays unevenly (a late first arrival shortens the gap after it: 194 ms was seen in CI,
    // and under a parallel build one gap fell below 180 ms). A crawler that ignored the
    // delay would show gaps near 20 ms throughout; so every gap must exceed 150 ms and the
    // gaps must average 195 ms or more.
    let gaps: Vec<Duration> = log.windows(2).map(|w| w[1].1.duration_since(w[0].1)).collect();
    for (w, gap) in log.windows(2).zip(&gaps) {
        assert!(
            *gap >= Duration::from_millis(150),
            "{} → {} only {gap:?} apart",
            w[0].0,
            w[1].0
        );
    }
    let mean = gaps.iter().sum::<Duration>() / gaps.len().max(1) as u32;
    assert!(
        mean >= Duration::from_millis(195),
        "the gaps average {mean:?}: {gaps:?}"
    );
    // Nothing inside the Retry-After window that the 429 opened.
    let busy = log.iter().position(|(p, _)| p == "/busy.htm").unwrap();
    let next = &log[busy + 1];
    assert!(
        next.1.duration_since(log[busy].1) >= Duration::from_millis(990),
        "{} came inside Retry-After",
        next.0
    );
    // The calendar trap is bounded by max_query_variants.
    assert!(paths.iter().filter(|p| p.starts_with("/cal")).count() <= 5, "{paths:?}");
    // The redirect loop, the slow page (timeouts, retried) and the oversize page end as
    // failures or cut-offs, not as a hang: the run finishes.
    assert!(t.failed >= 2, "{}", report.summary_line());
    assert!(
        t.truncated >= 2,
        "big page and gzip bomb are cut at max_body_bytes: {}",
        report.summary_line()
    );
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}

/// Regression: robots.txt rules were kept per host and port, so `https://x/` obeyed
/// `http://x/robots.txt` and never asked for its own. RFC 9309 scopes them by scheme, host
/// and port; the rate limit stays the server's, shared by both schemes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_is_per_scheme_and_the_rate_limit_per_server() {
    use axum::extract::ConnectInfo;
    use common::tls::Peer;
    type Log = Arc<Mutex<Vec<(bool, String, Instant)>>>;
    async fn serve(State(log): State<Log>, ConnectInfo(peer): ConnectInfo<Peer>, req: Request<Body>) -> Response {
        let path = req.uri().path().to_owned();
        log.lock().unwrap().push((peer.tls, path.clone(), Instant::now()));
        match path.as_str() {
            // Each scheme keeps the crawler off a different article.
            "/robots.txt" if peer.tls => Response::new(Body::from("User-agent: *\nDisallow: /a/0.htm\n")),
            "/robots.txt" => Response::new(Body::from("User-agent: *\nDisallow: /a/1.htm\n")),
            "/" => html("<html><body><a href=\"/a/0.htm\">0</a> <a href=\"/a/1.htm\">1</a></body></html>"),
            "/a/0.htm" => html(common::article(0)),
            "/a/1.htm" => html(common::article(1)),
            _ => Response::builder()
                .status(StatusCode::NOT_FOUND)
                .body(Body::empty())
                .unwrap(),
        }
    }
    let log: Log = Default::default();
    let app = axum::Router::new().fallback(serve).with_state(log.clone());
    let port = common::tls::serve_both(app).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = format!(
        "user_agent = \"vnnews-test/0.1 (+https://example.org/about-this-crawler)\"\n\
         rate = 20\nca_certs = [{ca:?}]\n\
         [[site]]\nname = \"both\"\nstart_urls = [\"http://127.0.0.1:{port}/\", \"https://127.0.0.1:{port}/\"]\n",
        ca = common::tls::CA
    );
    let report = common::crawl(&cfg, dir.path()).await;
    // (The articles' own links lead to 404s here.)
    assert_eq!(report.total().new, 2, "an article over each scheme: {report:?}");

    let log = log.lock().unwrap().clone();
    let fetched = |tls: bool, path: &str| log.iter().filter(|(t, p, _)| *t == tls && p == path).count();
    assert_eq!(fetched(false, "/robots.txt"), 1, "http's robots.txt: {log:?}");
    assert_eq!(fetched(true, "/robots.txt"), 1, "https's own robots.txt: {log:?}");
    assert_eq!(
        (fetched(false, "/a/0.htm"), fetched(false, "/a/1.htm")),
        (1, 0),
        "{log:?}"
    );
    assert_eq!(
        (fetched(true, "/a/0.htm"), fetched(true, "/a/1.htm")),
        (0, 1),
        "{log:?}"
    );
    // One server, one limit: 1/rate = 50 ms between any two requests, whatever the scheme
    // (less the jitter of a busy machine in the server's stamps).
    let gap = log.windows(2).map(|w| w[1].2.duration_since(w[0].2)).min().unwrap();
    assert!(gap >= Duration::from_millis(40), "{gap:?}: {log:?}");
}
