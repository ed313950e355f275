//! `vnnews check` against a loopback portal: robots.txt asked first and obeyed, the
//! configured user agent sent, redirects followed, the page typed and its links classified
//! as the crawl would; a saved page read the same way without a request.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use std::sync::{Arc, Mutex};

mod common;

type Log = Arc<Mutex<Vec<(String, String)>>>;

async fn serve(State(log): State<Log>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    let agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    log.lock().unwrap().push((path.clone(), agent));
    let page = |body: String| {
        Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(body))
            .unwrap()
    };
    match path.as_str() {
        "/robots.txt" => Response::new(Body::from("User-agent: *\nDisallow: /rieng/\nCrawl-delay: 0.1\n")),
        "/cu.htm" => Response::builder()
            .status(StatusCode::MOVED_PERMANENTLY)
            .header(header::LOCATION, "/tin-tuc-su-kien/a-c4-2305.htm")
            .body(Body::empty())
            .unwrap(),
        "/tin-tuc-su-kien/a-c4-2305.htm" => page(common::seed_page().replace(
            "</body>",
            "<a href=\"/rieng/bao-cao.htm\">Báo cáo nội bộ</a> <a href=\"/van-ban/qd-12.pdf\">Quyết định 12</a></body>",
        )),
        _ => page("<html><body><p>Trang riêng.</p></body></html>".to_owned()),
    }
}

fn config(dir: &std::path::Path, base: &str) -> std::path::PathBuf {
    let path = dir.join("vnnews.toml");
    std::fs::write(
        &path,
        format!(
            "user_agent = \"vnnews-check-test/1 (+http://example.org/bot)\"\nrate = 20\n\n[[site]]\nname = \"portal\"\nstart_urls = [\"{base}/\"]\nallow = [\"{base}/\"]\narticle_urls = ['/tin-tuc-su-kien/.+-c4-\\d+\\.htm$']\n"
        ),
    )
    .unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn check_fetches_politely_follows_redirects_and_classifies_links() {
    let log: Log = Arc::default();
    let (base, _server) = common::serve(axum::Router::new().fallback(serve).with_state(log.clone())).await;
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &base);
    let cfg_arg = cfg.to_str().unwrap().to_owned();

    let run = |args: Vec<String>| tokio::task::spawn_blocking(move || common::run_vnnews(&args, b""));
    // `check` of a saved page judged at `url`: its report, the run having succeeded.
    let check_saved = |url: &str, file: &std::path::Path| {
        let args = vec![
            "--config".into(),
            cfg_arg.clone(),
            "check".into(),
            "--url".into(),
            url.into(),
            file.to_str().unwrap().into(),
        ];
        async move {
            let o = run(args).await.unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            String::from_utf8(o.stdout).unwrap()
        }
    };
    let o = run(vec![
        "--config".into(),
        cfg_arg.clone(),
        "check".into(),
        "--json".into(),
        format!("{base}/cu.htm"),
    ])
    .await
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["site"], "portal");
    assert_eq!(v["fetch"]["status"], 200);
    assert_eq!(
        v["fetch"]["redirects"],
        serde_json::json!([[301, format!("{base}/tin-tuc-su-kien/a-c4-2305.htm")]])
    );
    assert_eq!(v["fetch"]["robots"]["status"], "200");
    assert_eq!(v["fetch"]["robots"]["crawl_delay_ms"], 100);
    assert_eq!(v["url_patterns"], "article");
    assert_eq!(v["page_type"]["page_type"], "article");
    assert_eq!(v["article"]["authors"], serde_json::json!(["Nhật Minh"]));
    assert_eq!(v["encoding"]["label"], "utf-8");
    let link = |suffix: &str| {
        v["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["url"].as_str().unwrap().ends_with(suffix))
            .unwrap_or_else(|| panic!("no link ending {suffix}: {}", v["links"]))
            .clone()
    };
    assert_eq!(link("/rieng/bao-cao.htm")["robots_allowed"], false);
    assert_eq!(link("/van-ban/qd-12.pdf")["admission"], "document");
    assert_eq!(
        link("/tin-tuc-su-kien/quan-long-bien-ra-quan-tong-ve-sinh-moi-truong-don-tet-c4-2311.htm")["url_patterns"],
        "article"
    );
    assert_eq!(link("https://hanoi.gov.vn/")["admission"], "out-of-scope");
    {
        let log = log.lock().unwrap();
        let paths: Vec<&str> = log.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["/robots.txt", "/cu.htm", "/tin-tuc-su-kien/a-c4-2305.htm"]);
        assert!(
            log.iter()
                .all(|(_, a)| a == "vnnews-check-test/1 (+http://example.org/bot)"),
            "{log:?}"
        );
    }

    // A page robots.txt disallows is not fetched.
    let o = run(vec![
        "--config".into(),
        cfg_arg.clone(),
        "check".into(),
        format!("{base}/rieng/bao-cao.htm"),
    ])
    .await
    .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("robots.txt"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!log.lock().unwrap().iter().any(|(p, _)| p.starts_with("/rieng/")));

    // A saved page: no request at all, the same reading.
    let before = log.lock().unwrap().len();
    let saved = dir.path().join("trang.html");
    std::fs::write(&saved, common::seed_page()).unwrap();
    let o = run(vec![
        "--config".into(),
        cfg_arg.clone(),
        "check".into(),
        "--url".into(),
        format!("{base}/tin-tuc-su-kien/a-c4-2305.htm"),
        saved.to_str().unwrap().into(),
    ])
    .await
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains("page type  article — the site's URL patterns say so"),
        "{out}"
    );
    assert!(out.contains("authors    Nhật Minh"), "{out}");

    // Saved by a browser and given without --url: judged at the address the browser saved
    // it from (it was judged at its file:// path, where no site, pattern or link applied).
    let marked = dir.path().join("da-luu.html");
    let page_url = format!("{base}/tin-tuc-su-kien/a-c4-2305.htm");
    let mark = format!("<!-- saved from url=({:04}){page_url} -->\n", page_url.len());
    std::fs::write(&marked, mark + &common::seed_page()).unwrap();
    let o = run(vec![
        "--config".into(),
        cfg_arg.clone(),
        "check".into(),
        marked.to_str().unwrap().into(),
    ])
    .await
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.contains(&format!(
            "page       {page_url} (the address its browser saved it from;"
        )),
        "{out}"
    );
    assert!(
        out.contains("page type  article — the site's URL patterns say so"),
        "{out}"
    );
    assert_eq!(log.lock().unwrap().len(), before);

    // The evidence line names what the page type weighed: here a notice and its document.
    let notice = dir.path().join("thong-bao.html");
    std::fs::write(
        &notice,
        "<html><head><title>Kế hoạch tổ chức các hoạt động chào mừng ngày thành lập Đảng</title></head><body>\
         <h1>Kế hoạch tổ chức các hoạt động chào mừng ngày thành lập Đảng</h1><div class=\"date\">15/01/2024</div>\
         <div class=\"noi-dung\"><p>Xem chi tiết tại file đính kèm.</p><p><a href=\"/files/kh.pdf\">Tải về</a></p></div>\
         </body></html>",
    )
    .unwrap();
    let out = check_saved("http://khac.example.gov.vn/van-ban/kh.html", &notice).await;
    assert!(
        out.contains("page type  article — a short dated or signed text under a headline of its own"),
        "{out}"
    );
    assert!(out.contains(", 1 document linked,"), "{out}");

    // … and here a section page's featured story: its headline links to the story's page.
    let section = dir.path().join("tin-hoat-dong.html");
    let others: String = (2..10)
        .map(|i| format!("<li><a href=\"/tin/{i}.html\">Triển khai nhiệm vụ trọng tâm của tỉnh số {i}</a></li>"))
        .collect();
    std::fs::write(
        &section,
        format!(
            "<html><head><title>Tin hoạt động</title></head><body><h2>Tin hoạt động</h2>\
             <div><h3><a href=\"/tin/1.html\">Hội nghị tổng kết công tác cải cách hành chính năm 2023</a></h3>\
             <p>Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm, đánh giá kết quả đạt được, chỉ ra \
             những tồn tại, hạn chế và đề ra phương hướng, nhiệm vụ trọng tâm cho năm tới, với sự tham dự của \
             lãnh đạo các sở, ban, ngành và địa phương trên địa bàn tỉnh trong năm.</p></div><ul>{others}</ul></body></html>"
        ),
    )
    .unwrap();
    let out = check_saved("http://khac.example.gov.vn/tin-hoat-dong", &section).await;
    assert!(
        out.contains("page type  listing — the text is a summary under a link"),
        "{out}"
    );
    assert!(out.contains(", the text headed by a link to another page,"), "{out}");

    // … and here a week's schedule: a data table and nothing that says it is an article.
    let schedule = dir.path().join("lich-cong-tac.html");
    let rows: String = (2..7)
        .map(|d| {
            format!(
                "<tr><td>Thứ {d}, {}/03/2024</td><td>8h00</td><td>Họp giao ban công tác tuần, triển khai nhiệm vụ trọng tâm</td>\
                 <td>Chủ tịch UBND xã</td><td>Hội trường UBND xã</td></tr>",
                10 + d
            )
        })
        .collect();
    std::fs::write(
        &schedule,
        format!(
            "<html><head><title>Lịch công tác</title></head><body><h1>Lịch công tác tuần 11 năm 2024</h1>\
             <table><tr><th>Ngày</th><th>Giờ</th><th>Nội dung</th><th>Chủ trì</th><th>Địa điểm</th></tr>{rows}</table></body></html>"
        ),
    )
    .unwrap();
    let out = check_saved("http://khac.example.gov.vn/lich-cong-tac/tuan-11", &schedule).await;
    assert!(
        out.contains("page type  other — most of the text is a data table"),
        "{out}"
    );
    assert!(out.contains(" in data tables), longest run of prose"), "{out}");
}
