//! The bundled sample portal (`fixtures/portal/`, compiled in) served on loopback, and the
//! `vnnews demo` run over it: the real crawler, rate limiter, archive, index and search,
//! entirely offline.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::error::Result;

macro_rules! portal_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../fixtures/portal/", $path)) as &[u8])),*]
    };
}

/// The sample portal: a district portal in the style of hanoi.gov.vn's sub-portals.
pub const PORTAL: &[(&str, &[u8])] = portal_files![
    "robots.txt",
    "rss/tin-tuc-su-kien.rss",
    "index.html",
    "tin-tuc-su-kien.html",
    "tin-tuc-su-kien-p2.html",
    "tin-tuc-su-kien/long-bien-trien-khai-thang-hanh-dong-vi-binh-dang-gioi-va-phong-chong-bao-luc-tren-co-so-gioi-c4-2305.html",
    "tin-tuc-su-kien/quan-long-bien-ra-quan-tong-ve-sinh-moi-truong-don-tet-c4-2311.html",
    "tin-tuc-su-kien/long-bien-doi-thoai-voi-doanh-nghiep-ve-thu-tuc-hanh-chinh-c4-2298.html",
    "tin-tuc-su-kien/phuong-bo-de-ra-mat-tu-sach-phap-luat-cho-nguoi-cao-tuoi-c4-2286.html",
    "tin-tuc-su-kien/long-bien-tap-huan-phong-chay-chua-chay-cho-cac-khu-chung-cu-c4-2241.html",
];

/// The fixture file a request path maps to: `/` → `index.html`, `/x.htm` → `x.html`,
/// `/x.htm?page=2` → `x-p2.html` (the portal's ASP.NET-style URLs).
pub fn file_for(path: &str, query: Option<&str>) -> Option<&'static [u8]> {
    let path = path.trim_start_matches('/');
    let mut name = if path.is_empty() {
        "index.html".to_owned()
    } else {
        path.to_owned()
    };
    if let Some(stem) = name.strip_suffix(".htm") {
        let page = query
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("page=")))
            .filter(|p| *p != "1");
        name = match page {
            Some(p) => format!("{stem}-p{p}.html"),
            None => format!("{stem}.html"),
        };
    }
    PORTAL.iter().find(|(p, _)| *p == name).map(|(_, b)| *b)
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    pub path: String,
    pub at: Instant,
    pub user_agent: Option<String>,
}

/// A running sample-portal server; stops when dropped.
pub struct PortalServer {
    pub addr: SocketAddr,
    pub log: Arc<Mutex<Vec<LoggedRequest>>>,
    handle: tokio::task::JoinHandle<()>,
}

impl PortalServer {
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.lock().expect("log lock").clone()
    }
}

impl Drop for PortalServer {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

async fn serve(State(log): State<Arc<Mutex<Vec<LoggedRequest>>>>, req: Request<Body>) -> Response {
    let uri = req.uri();
    let path = uri.path().to_owned();
    log.lock().expect("log lock").push(LoggedRequest {
        path: uri.path_and_query().map(|p| p.to_string()).unwrap_or(path.clone()),
        at: Instant::now(),
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    });
    match file_for(&path, uri.query()) {
        Some(bytes) => {
            let ct = if path.ends_with(".txt") {
                "text/plain; charset=utf-8"
            } else if path.ends_with(".rss") {
                "application/rss+xml; charset=utf-8"
            } else {
                "text/html; charset=utf-8"
            };
            let mut r = Response::new(Body::from(bytes));
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
            r
        }
        None => {
            let mut r = Response::new(Body::from("Không tìm thấy trang yêu cầu"));
            *r.status_mut() = StatusCode::NOT_FOUND;
            r
        }
    }
}

/// Serve the sample portal on `127.0.0.1` at an ephemeral port.
pub async fn serve_sample_portal() -> Result<PortalServer> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(listen)?;
    let addr = listener.local_addr().map_err(listen)?;
    let log = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new().fallback(serve).with_state(log.clone());
    let handle = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!("sample portal server: {e}");
        }
    });
    Ok(PortalServer { addr, log, handle })
}

/// The demo's crawl configuration for a portal served at `base_url`.
pub fn demo_config(base_url: &str) -> String {
    format!(
        r#"user_agent = "{ua}"
concurrency = 4
rate = 8.0

[[site]]
name = "longbien"
start_urls = ["{base_url}"]
"#,
        ua = crate::config::DEFAULT_USER_AGENT
    )
}

fn listen(source: std::io::Error) -> crate::Error {
    crate::Error::Listen {
        addr: "127.0.0.1:0".into(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_urls_map_to_files() {
        assert!(file_for("/", None).is_some());
        assert!(file_for("/robots.txt", None).is_some());
        assert_eq!(
            file_for("/tin-tuc-su-kien.htm", Some("page=2")),
            file_for("/tin-tuc-su-kien-p2.html", None)
        );
        assert!(file_for("/tin-tuc-su-kien.htm", Some("page=9")).is_none());
        assert!(file_for("/admin/login.aspx", None).is_none());
    }
}
