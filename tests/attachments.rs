//! Documents linked from articles: a loopback portal with real files (a PDF with a
//! Vietnamese text layer, a PDF whose text is TCVN3, a scanned PDF, a DOCX, an XLSX, an
//! oversize PDF, a document on a second host, a percent-encoded Vietnamese file name).

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use vnnews::archive::Archive;
use vnnews::archive::attachments::{Extraction, NotFetched};
use vnnews::extract::attachment::TextOutcome;

/// What the server saw: path and query, when, and the If-None-Match sent.
type Log = Arc<Mutex<Vec<(String, Instant, Option<String>)>>>;

fn document(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/fixtures/documents/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

const PDF_PATH: &str = "/files/Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012-Q%C4%90-UBND.pdf";

/// The article of `fixtures/extract/`, with two more documents in its box: an oversize PDF
/// and a scan on the second host.
fn article(second: &str) -> String {
    let html = std::fs::read_to_string(format!(
        "{}/fixtures/extract/quyet-dinh-kem-tep-dinh-kem.html",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let last = "<li><a href=\"/files/bao-cao-tong-ket.docx\">Tải về</a></li>";
    let more = format!(
        "{last}<li><a href=\"/files/bao-cao-50-trang.pdf\">Báo cáo 50 trang</a></li>\
         <li><a href=\"{second}/vb/ban-chup.pdf\">Bản chụp</a></li>"
    );
    assert!(html.contains(last));
    html.replacen(last, &more, 1)
}

fn answer(uri: &Uri, headers: &HeaderMap, second: &str) -> Response {
    let pq = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let etag = |tag: &str, body: Vec<u8>, ct: &'static str| {
        if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(tag) {
            return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag.to_owned())]).into_response();
        }
        (
            [(header::CONTENT_TYPE, ct.to_owned()), (header::ETAG, tag.to_owned())],
            body,
        )
            .into_response()
    };
    match pq {
        "/robots.txt" => "User-agent: *\nAllow: /\n".into_response(),
        "/" => axum::response::Html("<html><body><h1>Tin tức</h1><ul><li><a href=\"/tin-tuc/qd-12.html\">Phê duyệt kế hoạch phòng, chống thiên tai năm 2024</a></li></ul></body></html>").into_response(),
        "/tin-tuc/qd-12.html" => axum::response::Html(article(second)).into_response(),
        PDF_PATH => etag("\"qd12\"", document("quyet-dinh-12-qd-ubnd.pdf"), "application/pdf"),
        "/files/bao-cao-tong-ket.docx" => etag(
            "\"bc\"",
            document("bao-cao-tong-ket.docx"),
            "application/octet-stream",
        ),
        // No validators: the re-crawl downloads it again, and stores nothing new.
        "/files/so-lieu-thiet-hai.xlsx" => (
            [(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")],
            document("so-lieu-thiet-hai.xlsx"),
        )
            .into_response(),
        "/files/Download.aspx?file=cong-van-567.pdf" => (
            [
                (header::CONTENT_TYPE, "application/pdf"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"cv.pdf\"; filename*=UTF-8''C%C3%B4ng%20v%C4%83n%20567.pdf",
                ),
            ],
            document("cong-van-tcvn3.pdf"),
        )
            .into_response(),
        "/files/bao-cao-50-trang.pdf" => etag("\"big\"", document("bao-cao-50-trang.pdf"), "application/pdf"),
        "/vb/ban-chup.pdf" => etag("\"scan\"", document("ban-chup.pdf"), "application/pdf"),
        _ => (StatusCode::NOT_FOUND, "không tìm thấy").into_response(),
    }
}

async fn portal(log: Log, second: Arc<Mutex<String>>) -> String {
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let (log, second) = (log.clone(), second.clone());
        async move {
            let inm = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let pq = uri.path_and_query().map_or(uri.path(), |p| p.as_str()).to_owned();
            log.lock().unwrap().push((pq, Instant::now(), inm));
            let second = second.lock().unwrap().clone();
            answer(&uri, &headers, &second)
        }
    });
    common::serve(app).await.0
}

fn requests(log: &Log, path: &str) -> Vec<Option<String>> {
    log.lock()
        .unwrap()
        .iter()
        .filter(|(p, ..)| p == path)
        .map(|(_, _, inm)| inm.clone())
        .collect()
}

#[tokio::test]
async fn documents_are_fetched_politely_read_recorded_once_and_searchable() {
    let (log1, log2): (Log, Log) = Default::default();
    let second_base = Arc::new(Mutex::new(String::new()));
    let base = portal(log1.clone(), second_base.clone()).await;
    // The second host of the same authority: `localhost`, another port.
    let other = portal(log2.clone(), second_base.clone()).await;
    let other = other.replace("127.0.0.1", "localhost");
    *second_base.lock().unwrap() = other.clone();
    let dir = tempfile::tempdir().unwrap();
    let config = format!(
        r#"
rate = 20.0
max_attachment_bytes = 60000
recheck_days = 0
[[site]]
name = "thanhtri"
start_urls = ["{base}/"]
attachment_hosts = ["localhost"]
"#
    );
    let report = common::crawl(&config, dir.path()).await;
    let t = report.total();
    assert_eq!(t.new, 1, "{report:?}");
    assert_eq!(t.documents, 6, "{report:?}");
    assert_eq!(t.documents_too_large, 1);

    // Each document was asked for once, and the host's rate held.
    for path in [
        PDF_PATH,
        "/files/bao-cao-tong-ket.docx",
        "/files/so-lieu-thiet-hai.xlsx",
        "/files/Download.aspx?file=cong-van-567.pdf",
        "/files/bao-cao-50-trang.pdf",
    ] {
        assert_eq!(requests(&log1, path).len(), 1, "{path}");
    }
    assert_eq!(requests(&log2, "/vb/ban-chup.pdf").len(), 1);
    assert_eq!(
        requests(&log2, "/robots.txt").len(),
        1,
        "the second host's robots.txt is asked"
    );
    let times: Vec<Instant> = log1.lock().unwrap().iter().map(|(_, t, _)| *t).collect();
    for w in times.windows(2) {
        assert!(
            w[1] - w[0] >= Duration::from_millis(45),
            "requests {:?} apart",
            w[1] - w[0]
        );
    }

    let archive = Archive::open_read_only(dir.path()).unwrap();
    let stored = archive.current().next().unwrap().unwrap();
    let attached = archive.attached(&stored.article);
    let names: Vec<&str> = attached.iter().map(|a| a.name()).collect();
    assert_eq!(
        names,
        [
            "Quyết định 12-QĐ-UBND.pdf",
            "bao-cao-tong-ket.docx",
            "so-lieu-thiet-hai.xlsx",
            "Công văn 567.pdf",
            "bao-cao-50-trang.pdf",
            "ban-chup.pdf",
        ]
    );
    let found = |i: usize| attached[i].found.clone().unwrap();
    let outcome = |i: usize| found(i).extraction;
    assert!(matches!(
        outcome(0),
        Extraction::Read(TextOutcome::Text { pages: Some(1), .. })
    ));
    assert_eq!(
        found(1).media_type.as_deref(),
        Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "sniffed from the bytes, not the octet-stream label"
    );
    assert_eq!(outcome(4), Extraction::Fetch(NotFetched::TooLarge { limit: 60000 }));
    assert_eq!(found(4).size, Some(document("bao-cao-50-trang.pdf").len() as u64));
    assert_eq!(outcome(5), Extraction::Read(TextOutcome::NoTextLayer { pages: 1 }));
    assert_eq!(attached[0].link_text, "Tải về");
    assert!(found(0).warc.is_some() && found(0).sha256.is_some());
    // Text read and repaired like a page's: the TCVN3 PDF reads in Unicode.
    let texts = archive.attachment_texts(&stored.article);
    let cong_van = &texts.iter().find(|(n, _)| n == "Công văn 567.pdf").unwrap().1;
    assert!(cong_van.contains("phòng chống dịch sốt xuất huyết"), "{cong_van}");

    // Searchable: the words are only in the TCVN3 document, and the hit says so.
    let dir_s = dir.path().to_str().unwrap();
    let out = common::run_vnnews(&["--archive", dir_s, "search", "--json", "sốt xuất huyết"], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    let head: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(head["total"], 1, "{text}");
    let hit: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(hit["attachment"], "Công văn 567.pdf", "{text}");
    assert!(hit["snippet"].as_str().unwrap().contains("sốt xuất huyết"));
    // The article's own words rank it without naming a document.
    let out = common::run_vnnews(&["--archive", dir_s, "search", "--json", "đê điều"], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().nth(1).is_some_and(|l| !l.contains("\"attachment\"")),
        "{text}"
    );
    let out = common::run_vnnews(&["--archive", dir_s, "show", &stored.id, "--attachments"], b"");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("Công văn 567.pdf") && shown.contains("no text layer"),
        "{shown}"
    );

    // The re-crawl asks conditionally, downloads nothing that has validators, and stores
    // nothing twice.
    let fetches = dir.path().join("attachments/fetches.jsonl");
    let lines = std::fs::read_to_string(&fetches).unwrap().lines().count();
    let texts_dir = || std::fs::read_dir(dir.path().join("attachments/text")).unwrap().count();
    let text_files = texts_dir();
    assert_eq!(text_files, 4, "the texts of the four documents read");
    let report = common::crawl(&config, dir.path()).await;
    assert_eq!(report.total().new, 0, "{report:?}");
    assert_eq!(requests(&log1, PDF_PATH), [None, Some("\"qd12\"".to_owned())]);
    assert_eq!(
        requests(&log1, "/files/bao-cao-tong-ket.docx")[1].as_deref(),
        Some("\"bc\"")
    );
    assert_eq!(requests(&log1, "/files/so-lieu-thiet-hai.xlsx").len(), 2);
    assert_eq!(std::fs::read_to_string(&fetches).unwrap().lines().count(), lines);
    assert_eq!(texts_dir(), text_files);

    // What the documents gave is derived from WARC: with `attachments/` and the index gone,
    // `reextract` reads the documents' responses again, indexes the article linking them,
    // and the search finds the TCVN3 words again.
    std::fs::remove_dir_all(dir.path().join("attachments")).unwrap();
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let out = common::run_vnnews(&["--archive", dir_s, "reextract"], b"");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    // The oversize PDF's response holds no body to read.
    assert!(said.contains("5 documents read again"), "{said}");
    assert_eq!(texts_dir(), text_files);
    let archive = Archive::open_read_only(dir.path()).unwrap();
    let attached = archive.attached(&stored.article);
    assert_eq!(attached[3].name(), "Công văn 567.pdf");
    assert_eq!(
        attached[5].found.as_ref().unwrap().extraction,
        Extraction::Read(TextOutcome::NoTextLayer { pages: 1 })
    );
    let out = common::run_vnnews(&["--archive", dir_s, "search", "--json", "sốt xuất huyết"], b"");
    let text = String::from_utf8_lossy(&out.stdout);
    let hit: serde_json::Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    assert_eq!(hit["attachment"], "Công văn 567.pdf", "{text}");
}
