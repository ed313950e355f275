//! End to end: the sample portal on loopback → crawl → archive → index → search.
//! Nothing here leaves 127.0.0.1.

use std::path::Path;
use std::time::Duration;

use vnnews::archive::{Archive, StoredArticle};
use vnnews::crawl;
use vnnews::demo;
use vnnews::index;
use vnnews::search::{self, SearchOptions};

const SEED_TITLE: &str =
    "Long Biên triển khai Tháng hành động vì bình đẳng giới và phòng chống bạo lực trên cơ sở giới";

mod common;

async fn crawl_portal(archive_dir: &Path, server: &demo::PortalServer) -> crawl::CrawlReport {
    common::crawl(&demo::demo_config(&server.base_url()), archive_dir).await
}

fn seed(archive: &Archive) -> StoredArticle {
    archive
        .current()
        .map(Result::unwrap)
        .find(|s| s.article.title.as_deref() == Some(SEED_TITLE))
        .expect("the seed article is archived")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sample_portal_is_crawled_archived_and_searchable() {
    let server = demo::serve_sample_portal().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = crawl_portal(dir.path(), &server).await;
    let total = report.total();
    assert_eq!(total.new, 5, "{}", report.summary_line());
    assert_eq!(total.failed, 0, "{}", report.summary_line());
    assert!(
        total.skipped_robots >= 1,
        "the robots-disallowed calendar was not skipped: {}",
        report.summary_line()
    );

    // The archived JSON of the seed article.
    let archive = Archive::open(dir.path()).unwrap();
    assert_eq!(archive.len(), 5);
    let s = seed(&archive);
    assert_eq!(s.schema_version, vnnews::archive::SCHEMA_VERSION);
    assert_eq!(s.article.published.as_deref(), Some("2019-11-05T13:01:00+07:00"));
    assert_eq!(s.article.authors, ["Nhật Minh"]);
    assert_eq!(s.article.site, "longbien");
    assert_eq!(s.article.body.split("\n\n").count(), 4);
    assert!(!s.article.body.contains("Các bài mới đăng") && !s.article.body.contains("bảo mật"));
    assert_eq!(s.fetch.status, 200);
    // The captcha fragment's windows-1252 byte was recovered, and recorded.
    assert!(
        s.article.encoding.repairs.iter().any(|r| r.after == "ã"),
        "{:?}",
        s.article.encoding.repairs
    );
    let path = archive.path_of(&s.id).unwrap();
    assert!(path.starts_with("longbien/2019/11"), "{}", path.display());
    let on_disk: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.path().join(&path)).unwrap()).unwrap();
    assert_eq!(on_disk["title"], SEED_TITLE);
    assert_eq!(on_disk["published"], "2019-11-05T13:01:00+07:00");

    // Its raw response is in the WARC file it points to.
    let rec = vnnews::archive::warc::read_at(&archive.warc_dir(), s.fetch.warc.as_ref().unwrap()).unwrap();
    let (status, _, body) = rec.http().unwrap();
    assert_eq!(status, 200);
    assert!(
        body.windows(4).any(|w| w == b"m\xe3 b"),
        "raw bytes are kept as fetched"
    );

    // Search, with and without diacritics: the seed is the top hit.
    let idx = index::open(&archive.index_dir()).unwrap();
    assert_eq!(index::doc_count(&idx).unwrap(), 5);
    for q in [
        "bình đẳng giới",
        "binh dang gioi",
        "\"bình đẳng giới\"",
        "title:gioi",
        "author:\"nhat minh\"",
    ] {
        let r = search::search(
            &idx,
            q,
            &SearchOptions {
                limit: 5,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            r.hits.first().and_then(|h| h.title.as_deref()),
            Some(SEED_TITLE),
            "query {q:?}"
        );
    }
    let none = search::search(
        &idx,
        "tàu vũ trụ",
        &SearchOptions {
            limit: 5,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(none.hits.is_empty());

    // Politeness, from the server's own log: robots.txt first, our user agent on every request,
    // nothing disallowed fetched, request starts at least Crawl-delay (0.5 s) apart.
    let log = server.requests();
    assert_eq!(log[0].path, "/robots.txt");
    assert!(
        log.iter()
            .all(|r| r.user_agent.as_deref().is_some_and(|ua| ua.starts_with("vnnews/")))
    );
    assert!(
        !log.iter()
            .any(|r| r.path.starts_with("/admin/") || r.path.starts_with("/lich-cong-tac/"))
    );
    for w in log.windows(2) {
        let gap = w[1].at.duration_since(w[0].at);
        assert!(
            gap >= Duration::from_millis(490),
            "{} → {} only {gap:?} apart",
            w[0].path,
            w[1].path
        );
    }
    // Every article fetched once.
    let seed_fetches = log.iter().filter(|r| r.path.contains("-c4-2305.htm")).count();
    assert_eq!(seed_fetches, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recrawl_keeps_one_revision_and_reindex_reproduces_the_index() {
    let server = demo::serve_sample_portal().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    crawl_portal(dir.path(), &server).await;
    let again = crawl_portal(dir.path(), &server).await;
    assert_eq!(again.total().new, 0);
    assert_eq!(again.total().unchanged, 5, "{}", again.summary_line());

    let archive = Archive::open(dir.path()).unwrap();
    let s = seed(&archive);
    assert_eq!(
        archive.revisions(&s.id).unwrap().len(),
        1,
        "identical content is never stored twice"
    );

    std::fs::remove_dir_all(archive.index_dir()).unwrap();
    assert_eq!(index::rebuild(&archive).unwrap().0, 5);
    let idx = index::open(&archive.index_dir()).unwrap();
    assert_eq!(index::doc_count(&idx).unwrap(), 5);
    let r = search::search(
        &idx,
        "binh dang gioi",
        &SearchOptions {
            limit: 1,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(r.hits[0].title.as_deref(), Some(SEED_TITLE));
}
