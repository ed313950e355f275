//! Helpers shared by the integration tests: a loopback server for a router, and one crawl.
#![allow(dead_code)] // each test file uses some of these

use std::path::{Path, PathBuf};

pub mod tls;

use vnnews::config::Config;
use vnnews::crawl::{self, CrawlReport, RunOptions};
use vnnews::extract::profile::Profiles;

/// Serve `app` on 127.0.0.1 at an ephemeral port; returns its base URL (no trailing slash).
pub async fn serve(app: axum::Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, handle)
}

/// Crawl once with this configuration into the archive at `dir`.
pub async fn crawl(config_toml: &str, dir: &Path) -> CrawlReport {
    let cfg = Config::from_toml(config_toml).unwrap();
    let (_tx, stop) = tokio::sync::watch::channel(false);
    crawl::run_into(cfg, dir, Profiles::builtin(), &RunOptions::default(), stop)
        .await
        .unwrap()
}

/// The bytes of the `i`-th article of the bundled sample portal.
pub fn article(i: usize) -> Vec<u8> {
    vnnews::demo::PORTAL
        .iter()
        .filter(|(p, _)| p.starts_with("tin-tuc-su-kien/"))
        .nth(i)
        .expect("fixture")
        .1
        .to_vec()
}

/// The seed article's page as text.
pub fn seed_page() -> String {
    let bytes = vnnews::demo::PORTAL
        .iter()
        .find(|(p, _)| p.contains("c4-2305"))
        .expect("seed")
        .1;
    String::from_utf8_lossy(bytes).into_owned()
}

/// The article JSON files of an archive (revisions included), outside `index/` and `warc/`.
pub fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() && !matches!(name.as_str(), "index" | "warc") {
            json_files(&p, out);
        } else if name.ends_with(".json") {
            out.push(p);
        }
    }
}

/// Run the vnnews binary from the repository's root with `args`, `stdin` as its standard
/// input, and collect what it printed.
pub fn run_vnnews<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_vnnews"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}
