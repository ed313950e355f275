//! `vnnews bench crawl`: the whole pipeline — fetch → decode → extract → archive → index —
//! against a generated portal on loopback with the rate limit lifted, and the memory the
//! frontier takes as it grows.
//!
//! The portal has `pages` articles of 20–60 KB, shaped like real portal pages: 2–8 KB of
//! article text (Vietnamese paragraphs of the sample portal, a date line and a byline, each
//! page its own title and canonical URL) in a page of menus, a sidebar of links and inline
//! script (the Vietnamese evaluation pages average 190 KB of HTML around 5.6 KB of text).
//! Articles are reached from a home page through listing pages of 50 links. The server runs
//! in this process, so its CPU time and memory count against the crawl's: the figures are
//! a lower bound. `--write-portal DIR` writes the same portal as static files, and `--url`
//! crawls it from another server (nginx), so the crawler is measured alone.

use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use crate::config::Config;
use crate::crawl::{self, RunOptions};
use crate::extract::profile::Profiles;

const PER_LISTING: usize = 50;

/// What `vnnews bench crawl` measured.
#[derive(Debug, Clone, Serialize)]
pub struct CrawlBench {
    pub pages: usize,
    pub articles_archived: usize,
    pub requests: usize,
    /// Bytes of HTML served for the articles.
    pub bytes: u64,
    pub seconds: f64,
    pub pages_per_s: f64,
    pub mb_per_s: f64,
    /// Peak resident memory of the process (crawler and server), MB.
    pub peak_rss_mb: f64,
    /// Resident memory growth while queueing 10,000 and then 100,000 URLs in the frontier.
    pub frontier_rss_growth_10k_mb: f64,
    pub frontier_rss_growth_100k_mb: f64,
}

struct Portal {
    paragraphs: Vec<String>,
    pages: usize,
    /// The menu every page carries, and inline script to pad pages to their size, made once:
    /// the server's CPU counts against the crawl's, and a portal serves its pages from
    /// templates and caches.
    menu: String,
    script: String,
}

impl Portal {
    fn new(paragraphs: Vec<String>, pages: usize) -> Portal {
        let mut script = String::new();
        let mut n = 0;
        while script.len() < 60_000 {
            script.push_str(&format!(
                "var w{n}=document.getElementById('widget-{n}');if(w{n}){{w{n}.style.display='block';}}\n"
            ));
            n += 1;
        }
        let listings = pages.div_ceil(PER_LISTING);
        let menu = (0..40)
            .map(|m| {
                let k = m % listings;
                format!("<li class=\"menu-item\"><a href=\"/list/{k}\">Chuyên mục {m}</a></li>")
            })
            .collect();
        Portal {
            paragraphs,
            pages,
            menu,
            script,
        }
    }
}

impl Portal {
    fn article(&self, i: usize) -> String {
        let size = 20_000 + (i * 7_919) % 40_000;
        let text = 2_000 + (i * 104_729) % 6_000;
        let mut body = String::with_capacity(text + 1_000);
        let mut k = i;
        while body.len() < text {
            let p = &self.paragraphs[k % self.paragraphs.len()];
            body.push_str("<p>");
            body.push_str(p);
            body.push_str("</p>\n");
            k = k.wrapping_mul(31).wrapping_add(17);
        }
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let menu = &self.menu;
        let sidebar: String = (1..=20)
            .map(|d| {
                let j = (i + d * 37) % self.pages;
                format!("<li><a href=\"/a/{j}.htm\" title=\"Tin số {j}\">Tin số {j}: hoạt động của phường</a></li>")
            })
            .collect();
        let mut page = format!(
            "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">\
             <title>Tin số {i}: hoạt động của phường trong tháng {month} | Cổng thông tin</title>\
             <link rel=\"canonical\" href=\"/a/{i}.htm\"></head><body>\
             <header><ul class=\"menu\">{menu}</ul></header>\
             <div class=\"article\"><h1>Tin số {i}: hoạt động của phường trong tháng {month}</h1>\
             <div class=\"date\">Thứ Ba, {day:02}/{month:02}/2024 - 08:30</div>\
             <div class=\"content\">{body}<p style=\"text-align:right\"><strong>Minh Anh</strong></p></div></div>\
             <aside class=\"most-read\"><h3>Đọc nhiều</h3><ul>{sidebar}</ul></aside>\
             <footer>Cổng thông tin điện tử phường — Địa chỉ: số 1 phố Huế, Hà Nội</footer><script>"
        );
        // Inline script up to the page's size, as portals carry (analytics, widgets).
        if page.len() < size {
            let need = size - page.len();
            let cut = self.script[need..]
                .find('\n')
                .map_or(self.script.len(), |i| need + i + 1);
            page.push_str(&self.script[..cut]);
        }
        page.push_str("</script></body></html>");
        page
    }

    fn listing(&self, k: usize) -> String {
        let links: String = (k * PER_LISTING..((k + 1) * PER_LISTING).min(self.pages))
            .map(|i| format!("<li><a href=\"/a/{i}.htm\">Tin số {i}</a> <span>08:30 01/01/2024</span></li>"))
            .collect();
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Tin tức - trang {k}</title></head>\
             <body><h1>Tin tức</h1><ul class=\"list-news\">{links}</ul></body></html>"
        )
    }

    fn home(&self) -> String {
        let links: String = (0..self.pages.div_ceil(PER_LISTING))
            .map(|k| format!("<a href=\"/list/{k}\">{}</a> ", k + 1))
            .collect();
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Cổng thông tin</title></head>\
             <body><div class=\"pager\">{links}</div></body></html>"
        )
    }
}

async fn serve(State(p): State<Arc<Portal>>, req: Request<Body>) -> Response {
    let path = req.uri().path();
    let page = if path == "/robots.txt" {
        return Response::new(Body::from("User-agent: *\nAllow: /\n"));
    } else if path == "/" {
        Some(p.home())
    } else if let Some(k) = path.strip_prefix("/list/").and_then(|k| k.parse().ok()) {
        Some(p.listing(k))
    } else {
        path.strip_prefix("/a/")
            .and_then(|x| x.strip_suffix(".htm"))
            .and_then(|x| x.parse::<usize>().ok())
            .filter(|&i| i < p.pages)
            .map(|i| p.article(i))
    };
    match page {
        Some(html) => Response::builder()
            .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
            .body(Body::from(html))
            .expect("response"),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Body::empty())
            .expect("response"),
    }
}

/// Resident memory (`VmRSS`) or its peak (`VmHWM`) of this process, MB.
pub(crate) fn rss_mb(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Queue 100,000 URLs in a fresh crawl state: memory growth after 10,000 and after 100,000.
fn frontier_growth(dir: &Path) -> crate::Result<(f64, f64)> {
    let mut state = crawl::state::State::open(&dir.join("frontier-bench.sqlite"))?;
    let base = rss_mb("VmRSS:");
    let mut at_10k = 0.0;
    // In transactions of 1,000, as a crawl commits a page's links together.
    for chunk in 0..100 {
        state.write(|tx| {
            for i in chunk * 1_000..(chunk + 1) * 1_000 {
                let url = format!("http://bench.example/tin-tuc/bai-viet-so-{i}.htm");
                tx.admit(&url, "bench", 1, None, 100, false)?;
            }
            Ok(())
        })?;
        if chunk == 9 {
            at_10k = rss_mb("VmRSS:") - base;
        }
    }
    Ok((at_10k, rss_mb("VmRSS:") - base))
}

/// Write the portal of `pages` articles as static files under `out` (`index.html` for `/`,
/// `list/<k>` and `a/<i>.htm`, `robots.txt`): every file is HTML but `robots.txt`, so a server
/// whose default type is `text/html; charset=utf-8` serves it as the bench does. Returns how
/// many files were written.
pub fn write_portal(out: &Path, pages: usize) -> crate::Result<usize> {
    use crate::error::IoContext;
    let portal = Portal::new(super::sample_paragraphs(), pages);
    for d in [out.to_owned(), out.join("list"), out.join("a")] {
        std::fs::create_dir_all(&d).at(&d)?;
    }
    let mut n = 0;
    let mut put = |rel: String, text: String| -> crate::Result<()> {
        let path = out.join(rel);
        std::fs::write(&path, text).at(&path)?;
        n += 1;
        Ok(())
    };
    put("robots.txt".into(), "User-agent: *\nAllow: /\n".into())?;
    put("index.html".into(), portal.home())?;
    for k in 0..pages.div_ceil(PER_LISTING) {
        put(format!("list/{k}"), portal.listing(k))?;
    }
    for i in 0..pages {
        put(format!("a/{i}.htm"), portal.article(i))?;
    }
    Ok(n)
}

/// Crawl a generated portal of `pages` articles into a fresh archive in `dir`: the one this
/// process serves, or the static copy served at `url`.
pub async fn crawl(dir: &Path, pages: usize, concurrency: usize, url: Option<&url::Url>) -> crate::Result<CrawlBench> {
    let portal = Arc::new(Portal::new(super::sample_paragraphs(), pages));
    let (base, server) = match url {
        Some(u) => (u.as_str().trim_end_matches('/').to_owned(), None),
        None => {
            let listen = |source| crate::Error::Listen {
                addr: "127.0.0.1:0".into(),
                source,
            };
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(listen)?;
            let base = format!("http://{}", listener.local_addr().map_err(listen)?);
            let app = axum::Router::new().fallback(serve).with_state(portal.clone());
            (
                base,
                Some(tokio::spawn(async move { axum::serve(listener, app).await })),
            )
        }
    };

    let bytes: u64 = (0..pages).map(|i| portal.article(i).len() as u64).sum();
    let listings = pages.div_ceil(PER_LISTING);
    let cfg = Config::from_toml(&format!(
        "user_agent = \"vnnews-bench/0.1 (+https://example.org/about-this-crawler)\"\n\
         concurrency = {concurrency}\nrate = 1000000.0\n\
         [[site]]\nname = \"bench\"\nstart_urls = [\"{base}/\"]\nmax_pages = {}\n",
        pages + listings + 10
    ))?;
    // The frontier's growth first, while this process's memory is still small and settled.
    let (g10, g100) = frontier_growth(dir)?;
    let (_tx, stop) = tokio::sync::watch::channel(false);
    let archive = dir.join("archive");
    let started = Instant::now();
    let report = crawl::run_into(cfg, &archive, Profiles::builtin(), &RunOptions::default(), stop).await?;
    let seconds = started.elapsed().as_secs_f64();
    if let Some(s) = server {
        s.abort();
    }
    let t = report.total();
    let peak_rss_mb = rss_mb("VmHWM:");
    Ok(CrawlBench {
        pages,
        articles_archived: t.new + t.updated,
        requests: t.fetched,
        bytes,
        seconds,
        pages_per_s: t.fetched as f64 / seconds,
        mb_per_s: bytes as f64 / 1e6 / seconds,
        peak_rss_mb,
        frontier_rss_growth_10k_mb: g10,
        frontier_rss_growth_100k_mb: g100,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn crawl_benchmark_archives_every_generated_article() {
        let dir = tempfile::tempdir().unwrap();
        let r = crawl(dir.path(), 120, 8, None).await.unwrap();
        assert_eq!(r.articles_archived, 120);
        // robots.txt is not a page; home + 3 listings + 120 articles are.
        assert_eq!(r.requests, 124);
        let sizes: Vec<usize> = {
            let p = Portal::new(crate::bench::sample_paragraphs(), 120);
            (0..120).map(|i| p.article(i).len()).collect()
        };
        assert!(sizes.iter().all(|&n| (20_000..62_000).contains(&n)), "{sizes:?}");
        // The static copy holds the same pages.
        let copy = tempfile::tempdir().unwrap();
        assert_eq!(write_portal(copy.path(), 120).unwrap(), 2 + 3 + 120);
        let p = Portal::new(crate::bench::sample_paragraphs(), 120);
        assert_eq!(
            std::fs::read_to_string(copy.path().join("a/7.htm")).unwrap(),
            p.article(7)
        );
        assert_eq!(
            std::fs::read_to_string(copy.path().join("list/2")).unwrap(),
            p.listing(2)
        );
        // Memory is the benchmark's to measure, in a process of its own: here other tests
        // share the process.
    }
}
