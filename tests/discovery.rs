//! Discovery beyond links: robots.txt `Sitemap:` lines, a sitemap index pointing to a
//! gzip-compressed sitemap, and a configured RSS feed — served on loopback by this test.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use vnnews::archive::Archive;
use vnnews::config::Config;
use vnnews::crawl::{self, RunOptions};
use vnnews::extract::profile::Profiles;
use vnnews::index;

type Pages = Arc<HashMap<String, (&'static str, Vec<u8>)>>;

fn article(i: usize) -> Vec<u8> {
    vnnews::demo::PORTAL
        .iter()
        .filter(|(p, _)| p.starts_with("tin-tuc-su-kien/"))
        .nth(i)
        .expect("fixture article")
        .1
        .to_vec()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

async fn serve(State((pages, log)): State<(Pages, Arc<Mutex<Vec<String>>>)>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    log.lock().unwrap().push(path.clone());
    match pages.get(&path) {
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let html = "text/html; charset=utf-8";
    let xml = "application/xml";
    let mut pages: HashMap<String, (&'static str, Vec<u8>)> = HashMap::new();
    pages.insert(
        "/".into(),
        (
            html,
            "<html><body><h1>Cổng thông tin</h1><p>Không có liên kết.</p></body></html>"
                .as_bytes()
                .to_vec(),
        ),
    );
    pages.insert(
        "/robots.txt".into(),
        (
            "text/plain",
            format!("User-agent: *\nDisallow:\nSitemap: {base}/sitemap_index.xml\n").into_bytes(),
        ),
    );
    pages.insert(
        "/sitemap_index.xml".into(),
        (xml, format!("<?xml version=\"1.0\"?><sitemapindex><sitemap><loc>{base}/sitemap-1.xml.gz</loc></sitemap></sitemapindex>").into_bytes()),
    );
    pages.insert(
        "/sitemap-1.xml.gz".into(),
        (
            "application/gzip",
            gzip(
                format!("<urlset><url><loc>{base}/a1.htm</loc><lastmod>2019-11-05</lastmod></url></urlset>").as_bytes(),
            ),
        ),
    );
    pages.insert(
        "/feed.rss".into(),
        (
            "application/rss+xml",
            b"<rss><channel><item><title>T</title><link>/a2.htm</link></item></channel></rss>".to_vec(),
        ),
    );
    pages.insert("/a1.htm".into(), (html, article(0)));
    pages.insert("/a2.htm".into(), (html, article(1)));
    let log = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new()
        .fallback(serve)
        .with_state((Arc::new(pages), log.clone()));
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let cfg = Config::from_toml(&format!(
        "rate = 20.0\n[[site]]\nname = \"t\"\nstart_urls = [\"{base}/\"]\nfeeds = [\"{base}/feed.rss\"]\n"
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open(dir.path()).unwrap();
    let ix = index::open(&archive.index_dir()).unwrap();
    let mut indexer = index::Indexer::new(&ix).unwrap();
    let (_tx, stop) = tokio::sync::watch::channel(false);
    let report = crawl::run(
        Arc::new(cfg),
        &mut archive,
        &mut indexer,
        Arc::new(Profiles::builtin()),
        &RunOptions::default(),
        stop,
    )
    .await
    .unwrap();
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
