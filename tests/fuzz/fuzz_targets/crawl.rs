//! A whole crawl of a generated hostile portal: every URL of it answers with the fuzzer's
//! status, headers and body (robots.txt included, unless the input says otherwise). The run
//! must end with a report, never a panic or a hang, and a second run over the same archive
//! must end too (a crash that repeats on every run is what kills a cron job).
#![no_main]

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request, Response};
use libfuzzer_sys::fuzz_target;
use std::sync::{LazyLock, Mutex};

/// What the server answers, as the current input says.
#[derive(Clone, Default)]
struct Answer {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    robots: Option<Vec<u8>>,
}

static ANSWER: LazyLock<Mutex<Answer>> = LazyLock::new(Default::default);

struct Server {
    rt: tokio::runtime::Runtime,
    base: String,
}

static SERVER: LazyLock<Server> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let base = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = axum::Router::new().fallback(answer);
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        base
    });
    Server { rt, base }
});

async fn answer(req: Request<Body>) -> Response<Body> {
    let a = ANSWER.lock().unwrap().clone();
    if req.uri().path() == "/robots.txt"
        && let Some(robots) = a.robots
    {
        return Response::new(Body::from(robots));
    }
    let mut r = Response::new(Body::from(a.body));
    *r.status_mut() = axum::http::StatusCode::from_u16(a.status).unwrap_or_default();
    for (k, v) in a.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::from_bytes(&v)) {
            r.headers_mut().append(k, v);
        }
    }
    r
}

const STATUSES: [u16; 8] = [200, 200, 200, 301, 302, 404, 429, 500];
const TYPES: [&str; 8] = [
    "text/html; charset=utf-8",
    "text/html",
    "text/html; charset=utf-16",
    "text/html; charset=windows-1258",
    "application/xml",
    "application/rss+xml",
    "text/plain",
    "application/octet-stream",
];

/// Input: a byte of knobs (status, content type, whether robots.txt is the body too, whether
/// the first line of the body is a `Location`), then the body.
fn answer_for(data: &[u8]) -> Answer {
    let (&knobs, rest) = data.split_first().unwrap_or((&0, &[]));
    let status = STATUSES[usize::from(knobs & 7)];
    let mut headers = vec![("content-type".to_owned(), TYPES[usize::from((knobs >> 3) & 7)].as_bytes().to_vec())];
    let mut body = rest.to_vec();
    if knobs & 64 != 0 {
        let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
        headers.push(("location".to_owned(), line.to_vec()));
        body = rest[line.len().min(rest.len())..].to_vec();
    }
    let robots = (knobs & 128 == 0).then(|| b"User-agent: *\nAllow: /\n".to_vec());
    Answer {
        status,
        headers,
        body,
        robots,
    }
}

fuzz_target!(|data: &[u8]| {
    let server = &*SERVER;
    *ANSWER.lock().unwrap() = answer_for(data);
    let dir = tempfile::tempdir().unwrap();
    let cfg = format!(
        "rate = 1000\nconcurrency = 4\nretries = 0\ntimeout_secs = 2\nconnect_timeout_secs = 2\n\
         max_pages = 6\nmax_crawl_delay_secs = 1\n\
         [[site]]\nname = \"fuzz\"\nstart_urls = [\"{}/\"]\nsitemaps = [\"{}/sitemap.xml\"]\n",
        server.base, server.base
    );
    for _ in 0..2 {
        let cfg = vnnews::config::Config::from_toml(&cfg).unwrap();
        let (_tx, stop) = tokio::sync::watch::channel(false);
        let opts = vnnews::crawl::RunOptions::default();
        let run = vnnews::crawl::run_into(cfg, dir.path(), vnnews::extract::profile::Profiles::builtin(), &opts, stop);
        server.rt.block_on(run).expect("a hostile page is the page's problem, not the run's");
    }
});
