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

/// The request headers the portal's home page was asked with, as the server saw them.
static HOME_REQUEST: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

async fn portal(State(log): State<Log>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    log.lock().unwrap().push(path.clone());
    if path == "/" {
        *HOME_REQUEST.lock().unwrap() = req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
            .collect();
    }
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

    // Every exchange is in WARC, whatever its page was judged; a request record holds the
    // header lines the server received.
    let mut uris = Vec::new();
    for e in std::fs::read_dir(archive.join("warc")).unwrap() {
        for r in vnnews::archive::warc::read_all(&e.unwrap().path()).unwrap() {
            if r.header("WARC-Type") == Some("request") && r.header("WARC-Target-URI") == Some(&format!("{base}/")) {
                let head = String::from_utf8(r.block.clone()).unwrap();
                let mut lines = head.lines();
                assert_eq!(lines.next(), Some("GET / HTTP/1.1"));
                let mut sent: Vec<(String, String)> = lines
                    .filter(|l| !l.is_empty())
                    .map(|l| {
                        let (k, v) = l.split_once(": ").unwrap();
                        (k.to_owned(), v.to_owned())
                    })
                    .collect();
                let mut seen = HOME_REQUEST.lock().unwrap().clone();
                sent.sort();
                seen.sort();
                assert_eq!(sent, seen, "the request record against what the server received");
            }
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
    // The query line, then the hits.
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().skip(1).count(), 4);
}

/// A portal whose articles disappear in every way there is, between crawls.
struct Shifting {
    /// 0: everything online; 1: articles removed; 2: the first one back.
    phase: std::sync::atomic::AtomicUsize,
    log: Mutex<Vec<String>>,
    seed: String,
}

fn item(seed: &str, i: usize) -> String {
    seed.replace("c4-2305.htm", &format!("c4-77{i}.htm")).replace(
        "Long Biên triển khai Tháng",
        &format!("Bài {i}: Long Biên triển khai Tháng"),
    )
}

/// What the portal shows for an address it does not have (with the address in it).
fn not_found(path: &str) -> String {
    format!(
        "<html><head><title>Cổng thông tin phường</title></head><body><div class=\"menu\"><a href=\"/\">Trang chủ</a> \
         Tin tức Sự kiện Liên hệ</div><h2>Lỗi</h2><p>Rất tiếc, địa chỉ {path} hiện không có trên cổng thông tin. \
         Mời bạn quay lại trang chủ.</p><div class=\"footer\">Cổng thông tin điện tử phường Ngọc Thụy</div></body></html>"
    )
}

async fn shifting(State(p): State<Arc<Shifting>>, req: Request<Body>) -> Response {
    use std::sync::atomic::Ordering;
    let path = req.uri().path().to_owned();
    p.log.lock().unwrap().push(path.clone());
    let phase = p.phase.load(Ordering::SeqCst);
    let html = |s: String, status: u16| {
        Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(s))
            .unwrap()
    };
    let i: Option<usize> = path
        .strip_prefix("/bai/")
        .and_then(|x| x.strip_suffix(".htm"))
        .and_then(|x| x.parse().ok());
    match (path.as_str(), i) {
        ("/robots.txt", _) => Response::new(Body::from("User-agent: *\nDisallow:\n")),
        ("/", _) => {
            // Once articles go, the listing stops linking them; 5 is unlinked but online.
            let linked: Vec<usize> = match phase {
                0 => (1..=6).collect(),
                1 => vec![6],
                _ => vec![1, 6],
            };
            let links: String = linked
                .iter()
                .map(|i| format!("<li><a href=\"/bai/{i}.htm\">Bài {i}</a></li>"))
                .collect();
            html(format!("<html><body><ul>{links}</ul></body></html>"), 200)
        }
        (_, Some(1)) if phase == 1 => html(not_found(&path), 404),
        (_, Some(2)) if phase >= 1 => html(String::new(), 410),
        (_, Some(3)) if phase >= 1 => Response::builder()
            .status(StatusCode::MOVED_PERMANENTLY)
            .header(header::LOCATION, "/")
            .body(Body::empty())
            .unwrap(),
        (_, Some(4)) if phase >= 1 => html(not_found(&path), 200),
        (_, Some(i)) if (1..=6).contains(&i) => html(item(&p.seed, i), 200),
        _ => html(not_found(&path), 404),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_removed_in_every_way_are_marked_gone_and_one_that_returns_restored() {
    use std::sync::atomic::Ordering;
    let p = Arc::new(Shifting {
        phase: 0.into(),
        log: Mutex::new(Vec::new()),
        seed: common::seed_page(),
    });
    let (base, _server) = common::serve(axum::Router::new().fallback(shifting).with_state(p.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    // recheck_days = 0: every archived article is checked on every run, linked or not.
    let cfg =
        format!("rate = 50\nretries = 0\nrecheck_days = 0\n[[site]]\nname = \"phuong\"\nstart_urls = [\"{base}/\"]\n");
    assert_eq!(common::crawl(&cfg, &archive).await.total().new, 6);
    let mut files = Vec::new();
    common::json_files(&archive, &mut files);
    assert_eq!(files.len(), 6);
    let id_of = |i: usize| -> String {
        let a = vnnews::archive::Archive::open_read_only(&archive).unwrap();
        a.readable()
            .map(|s| s.unwrap())
            .find(|s| s.article.url.ends_with(&format!("/bai/{i}.htm")))
            .unwrap()
            .id
    };

    p.phase.store(1, Ordering::SeqCst);
    p.log.lock().unwrap().clear();
    let report = common::crawl(&cfg, &archive).await;
    let t = report.total();
    assert_eq!((t.gone, t.restored), (4, 0), "{}", report.summary_line());
    assert_eq!(t.failed, 0, "a removal is no failure: {}", report.summary_line());
    let log = p.log.lock().unwrap().clone();
    assert!(
        log.iter().any(|l| l == "/bai/5.htm"),
        "the unlinked article was checked: {log:?}"
    );
    assert_eq!(
        log.iter().filter(|l| l.contains("vnnews-missing-")).count(),
        1,
        "one probe: {log:?}"
    );

    let a = vnnews::archive::Archive::open_read_only(&archive).unwrap();
    use vnnews::archive::removals::Presence;
    let evidence = |i: usize| match a.presence(&id_of(i)) {
        Presence::Gone {
            evidence,
            last_seen_present,
            ..
        } => {
            assert!(last_seen_present.is_some(), "{i}");
            evidence
        }
        other => panic!("article {i}: {other:?}"),
    };
    assert_eq!(evidence(1), "HTTP 404");
    assert_eq!(evidence(2), "HTTP 410");
    assert!(evidence(3).starts_with("redirect to "), "{}", evidence(3));
    assert!(evidence(4).contains("missing address"), "{}", evidence(4));
    assert_eq!(
        a.presence(&id_of(5)),
        Presence::Present,
        "unlinked but online is not gone"
    );
    assert_eq!(a.presence(&id_of(6)), Presence::Present);
    // Nothing archived was deleted or rewritten.
    let mut now = Vec::new();
    common::json_files(&archive, &mut now);
    assert_eq!(now.len(), 6);
    drop(a);

    // The command line says so.
    let run = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_vnnews"))
            .arg("--archive")
            .arg(&archive)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert!(run(&["show", &id_of(1)]).contains("removed on "));
    assert_eq!(
        run(&["search", "--json", "--status", "gone", "bình đẳng giới"])
            .lines()
            .skip(1)
            .count(),
        4
    );
    assert_eq!(
        run(&["search", "--json", "--status", "present", "bình đẳng giới"])
            .lines()
            .skip(1)
            .count(),
        2
    );
    let all = run(&["search", "--json", "--limit", "20", "bình đẳng giới"]);
    assert_eq!(
        all.lines().filter(|l| l.contains("\"status\":\"gone\"")).count(),
        4,
        "{all}"
    );
    let csv = run(&["export", "--format", "csv"]);
    assert_eq!(csv.lines().filter(|l| l.contains(",gone,")).count(), 4, "{csv}");
    // The weekly report: six new articles, four gone.
    let today = chrono::Utc::now().date_naive().to_string();
    let report = run(&["changes", "--since", &today]);
    assert!(
        report.trim_end().ends_with("6 new, 0 changed, 4 gone, 0 restored"),
        "{report}"
    );
    let json = run(&["changes", "--since", &today, "--json"]);
    assert_eq!(
        json.lines().filter(|l| l.contains("\"kind\":\"gone\"")).count(),
        4,
        "{json}"
    );
    assert!(json.contains("HTTP 410"), "{json}");
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    assert_eq!(
        run(&["changes", "--since", &tomorrow]).lines().count(),
        1,
        "only the count line"
    );

    // Article 1 comes back.
    p.phase.store(2, Ordering::SeqCst);
    let report = common::crawl(&cfg, &archive).await;
    assert_eq!(
        (report.total().gone, report.total().restored),
        (0, 1),
        "{}",
        report.summary_line()
    );
    let a = vnnews::archive::Archive::open_read_only(&archive).unwrap();
    assert!(matches!(a.presence(&id_of(1)), Presence::Restored { .. }));
    assert!(a.presence(&id_of(2)).is_gone());
}
