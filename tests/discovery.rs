//! Discovery beyond links: robots.txt `Sitemap:` lines, a sitemap index pointing to a
//! gzip-compressed sitemap, and a configured RSS feed — served on loopback by this test.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

mod common;

type Pages = Arc<Mutex<HashMap<String, (&'static str, Vec<u8>)>>>;

async fn serve(State((pages, log)): State<(Pages, Arc<Mutex<Vec<String>>>)>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    log.lock().unwrap().push(path.clone());
    match pages.lock().unwrap().get(&path) {
        Some((ct, body)) => Response::builder()
            .header(header::CONTENT_TYPE, *ct)
            .body(Body::from(body.clone()))
            .unwrap(),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::empty())
            .unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_only_in_sitemaps_and_feeds_are_found() {
    let pages: Pages = Arc::default();
    let log = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new()
        .fallback(serve)
        .with_state((pages.clone(), log.clone()));
    let (base, server) = common::serve(app).await;
    let (html, xml) = ("text/html; charset=utf-8", "application/xml");
    let gzip = |bytes: &[u8]| {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    };
    {
        let mut p = pages.lock().unwrap();
        let home = "<html><body><h1>Cổng thông tin</h1><p>Không có liên kết.</p></body></html>";
        p.insert("/".into(), (html, home.as_bytes().to_vec()));
        let robots = format!("User-agent: *\nDisallow:\nSitemap: {base}/sitemap_index.xml\n");
        p.insert("/robots.txt".into(), ("text/plain", robots.into_bytes()));
        let index = format!(
            "<?xml version=\"1.0\"?><sitemapindex><sitemap><loc>{base}/sitemap-1.xml.gz</loc></sitemap></sitemapindex>"
        );
        p.insert("/sitemap_index.xml".into(), (xml, index.into_bytes()));
        let urlset = format!("<urlset><url><loc>{base}/a1.htm</loc><lastmod>2019-11-05</lastmod></url></urlset>");
        p.insert(
            "/sitemap-1.xml.gz".into(),
            ("application/gzip", gzip(urlset.as_bytes())),
        );
        let rss = "<rss><channel><item><title>T</title><link>/a2.htm</link></item></channel></rss>";
        p.insert("/feed.rss".into(), ("application/rss+xml", rss.as_bytes().to_vec()));
        p.insert("/a1.htm".into(), (html, common::article(0)));
        p.insert("/a2.htm".into(), (html, common::article(1)));
    }

    let dir = tempfile::tempdir().unwrap();
    let report = common::crawl(
        &format!("rate = 20.0\n[[site]]\nname = \"t\"\nstart_urls = [\"{base}/\"]\nfeeds = [\"{base}/feed.rss\"]\n"),
        dir.path(),
    )
    .await;
    server.abort();

    let log = log.lock().unwrap().clone();
    assert_eq!(report.total().new, 2, "{} — requests: {log:?}", report.summary_line());
    for path in [
        "/sitemap_index.xml",
        "/sitemap-1.xml.gz",
        "/feed.rss",
        "/a1.htm",
        "/a2.htm",
    ] {
        assert_eq!(
            log.iter().filter(|p| *p == path).count(),
            1,
            "{path} fetched once: {log:?}"
        );
    }
}
