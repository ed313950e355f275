//! `vnnews bench …`: throughput measurements on this machine, single core, in memory — the
//! figures the issues set targets for. Benchmarks measure; tests assert.

pub mod crawl;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::decode;
use crate::extract::{self, Page, profile::Profiles};

/// One measured run.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Measure {
    pub name: String,
    pub bytes: usize,
    pub items: usize,
    pub seconds: f64,
}

impl Measure {
    pub fn mb_per_s(&self) -> f64 {
        self.bytes as f64 / 1e6 / self.seconds.max(1e-9)
    }

    pub fn per_s(&self) -> f64 {
        self.items as f64 / self.seconds.max(1e-9)
    }
}

/// Run `f` over `items` repeatedly for at least `min` (after one warm-up pass).
fn measure<T>(name: &str, items: &[T], size: impl Fn(&T) -> usize, min: Duration, mut f: impl FnMut(&T)) -> Measure {
    for it in items {
        f(it);
    }
    let per_pass: usize = items.iter().map(&size).sum();
    let start = Instant::now();
    let mut passes = 0;
    while passes == 0 || start.elapsed() < min {
        for it in items {
            f(it);
        }
        passes += 1;
    }
    Measure {
        name: name.to_owned(),
        bytes: per_pass * passes,
        items: items.len() * passes,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// The bundled sample portal's articles, extracted.
fn sample_articles() -> Vec<extract::Article> {
    let profiles = Profiles::builtin();
    crate::demo::PORTAL
        .iter()
        .filter(|(p, _)| p.starts_with("tin-tuc-su-kien/"))
        .map(|(p, bytes)| {
            let url = format!("http://localhost/{p}");
            let page = Page {
                bytes,
                content_type: None,
                url: &url,
                fetched_at: None,
                patterns: None,
            };
            extract::extract_for_site(&page, &profiles).article
        })
        .collect()
}

/// Vietnamese article text from the bundled sample portal: the clean corpus.
fn sample_paragraphs() -> Vec<String> {
    sample_articles()
        .iter()
        .flat_map(|a| a.body.split("\n\n").map(str::to_owned).collect::<Vec<_>>())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The damage of the common kinds, made from clean text.
fn broken_from(clean: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, p) in clean.iter().enumerate() {
        out.push(match i % 3 {
            // UTF-8 read as windows-1252
            0 => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(p.as_bytes())
                .0
                .into_owned(),
            // letters lost in a windows-1252 conversion
            1 => p
                .chars()
                .map(|c| if c.is_ascii() || (c as u32) < 0x100 { c } else { '?' })
                .collect(),
            // decomposed
            _ => unicode_normalization::UnicodeNormalization::nfd(p.as_str()).collect(),
        });
    }
    out
}

/// Repair throughput on clean and on broken text. With `cases` (a JSONL file of
/// `{"kind", "input"}` such as the evaluation's mojibake set), its inputs are measured too.
pub fn repair(cases: Option<&Path>, min: Duration) -> crate::Result<Vec<Measure>> {
    let clean = sample_paragraphs();
    let broken = broken_from(&clean);
    // Load the model outside the measurement.
    let _ = decode::lm::model();
    let mut out = vec![
        measure(
            "repair: clean Vietnamese (pass-through)",
            &clean,
            |s| s.len(),
            min,
            |s| {
                std::hint::black_box(decode::repair(s));
            },
        ),
        measure(
            "repair: broken (double-encoded, lost letters, NFD)",
            &broken,
            |s| s.len(),
            min,
            |s| {
                std::hint::black_box(decode::repair(s));
            },
        ),
    ];
    if let Some(path) = cases {
        let text = std::fs::read_to_string(path).map_err(|e| crate::Error::Io {
            path: path.to_owned(),
            source: e,
        })?;
        let mut by_kind: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line)?;
            let input = v["input"].as_str().unwrap_or_default().to_owned();
            let kind = v["kind"].as_str().unwrap_or("unknown");
            let group = if kind.starts_with("clean") { "clean" } else { "broken" };
            by_kind.entry(format!("{group}: all")).or_default().push(input.clone());
            by_kind.entry(format!("{group}: {kind}")).or_default().push(input);
        }
        // The mixes are the figures to quote: each kind alone repeats a few dozen texts, whose
        // model entries then stay in cache as those of new text would not.
        for (kind, inputs) in &by_kind {
            let mix = kind.ends_with(": all");
            out.push(measure(
                &format!("repair cases, {kind}"),
                inputs,
                |s| s.len(),
                if mix { min } else { min / 4 },
                |s| {
                    std::hint::black_box(decode::repair(s));
                },
            ));
        }
    }
    Ok(out)
}

fn read_pages(dir: &Path) -> crate::Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut pages = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| crate::Error::Io {
            path: dir.to_owned(),
            source: e,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            (n.ends_with(".html") || n.ends_with(".html.gz") || n.ends_with(".htm")) && !n.ends_with(".json")
        })
        .collect();
    entries.sort();
    for p in entries {
        let bytes = extract::read_saved_page(&p)?;
        pages.push((p, bytes));
    }
    Ok(pages)
}

/// Decoding + extraction throughput over the pages in each directory, in memory.
pub fn extract(dirs: &[PathBuf], min: Duration) -> crate::Result<Vec<Measure>> {
    let profiles = Profiles::builtin();
    let _ = decode::lm::model();
    let mut out = Vec::new();
    for dir in dirs {
        let pages = read_pages(dir)?;
        out.push(measure(
            &format!("extract: {}", dir.display()),
            &pages,
            |(_, b)| b.len(),
            min,
            |(p, bytes)| {
                let url = format!(
                    "http://localhost/{}",
                    p.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
                );
                let page = Page {
                    bytes,
                    content_type: None,
                    url: &url,
                    fetched_at: None,
                    patterns: None,
                };
                std::hint::black_box(extract::extract_for_site(&page, &profiles));
            },
        ));
        out.push(measure(
            &format!("parse only (html5ever): {}", dir.display()),
            &pages,
            |(_, b)| b.len(),
            min,
            |(_, bytes)| {
                std::hint::black_box(scraper::Html::parse_document(&String::from_utf8_lossy(bytes)));
            },
        ));
    }
    Ok(out)
}

/// What [`attachments`] measured: each document's reading, and the process's resident
/// memory before the first and at its peak (MB).
#[derive(Debug, Clone, serde::Serialize)]
pub struct AttachmentBench {
    pub measures: Vec<Measure>,
    pub rss_before_mb: f64,
    pub peak_rss_mb: f64,
}

/// Read each document's text ([`extract::attachment::read`], repairs included) repeatedly
/// for at least `min`. Files that are not documents are left out.
pub fn attachments(files: &[PathBuf], min: Duration) -> crate::Result<AttachmentBench> {
    use crate::error::IoContext;
    use extract::attachment;
    let _ = decode::lm::model();
    let rss_before_mb = crawl::rss_mb("VmRSS:");
    let mut measures = Vec::new();
    for path in files {
        let bytes = std::fs::read(path).at(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let url = url::Url::parse("http://localhost/")
            .and_then(|u| u.join(&name))
            .map_err(|e| crate::Error::Url {
                url: name.clone(),
                source: e,
            })?;
        let Some(format) = attachment::sniff(&bytes, None, &url) else {
            continue;
        };
        measures.push(measure(
            &format!("read {name} ({})", format.extension()),
            &[&bytes],
            |b| b.len(),
            min,
            |b| {
                std::hint::black_box(attachment::read(b, format));
            },
        ));
    }
    Ok(AttachmentBench {
        measures,
        rss_before_mb,
        peak_rss_mb: crawl::rss_mb("VmHWM:"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benchmarks_measure_something() {
        let m = repair(None, Duration::ZERO).unwrap();
        assert_eq!(m.len(), 2);
        assert!(m.iter().all(|m| m.bytes > 1000 && m.items > 0 && m.seconds > 0.0));
        let portal = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/portal/tin-tuc-su-kien");
        let e = extract(&[portal], Duration::ZERO).unwrap();
        assert_eq!(e[0].items, 5, "one pass over the five fixture articles");
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/documents");
        let files = [docs.join("bao-cao-tong-ket.docx"), docs.join("make.py")];
        let a = attachments(&files, Duration::ZERO).unwrap();
        assert_eq!(a.measures.len(), 1, "the script is no document");
        assert!(a.measures[0].items > 0 && a.peak_rss_mb > 0.0);
        let dir = tempfile::tempdir().unwrap();
        let i = index(dir.path(), 200).unwrap();
        assert_eq!(i.docs, 200);
        assert!(i.index_bytes > 0 && i.queries == 200 && i.p99_ms >= i.p50_ms);
    }

    #[test]
    fn broken_corpus_is_broken() {
        let clean = vec![
            "Việt Nam".to_owned(),
            "Lấy lại mã bảo mật".to_owned(),
            "Hà Nội".to_owned(),
        ];
        let broken = broken_from(&clean);
        assert_eq!(broken[0], "Viá»‡t Nam");
        assert_eq!(broken[1], "L?y l?i mã b?o m?t");
        assert_ne!(broken[2], clean[2]);
        for (b, c) in broken.iter().zip(&clean) {
            assert_eq!(&decode::repair(b).text, c);
        }
    }
}

/// What `vnnews bench index` measured.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IndexBench {
    pub docs: usize,
    pub index_seconds: f64,
    pub docs_per_s: f64,
    pub index_bytes: u64,
    pub queries: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Index `docs` generated articles (paragraphs of the sample portal recombined, realistic
/// lengths, four sites, ten years of dates) into `dir`, then time a fixed list of queries.
pub fn index(dir: &Path, docs: usize) -> crate::Result<IndexBench> {
    use crate::archive::{FetchInfo, StoredArticle};
    let paras = sample_paragraphs();
    let articles = sample_articles();
    let template = articles
        .iter()
        .find(|a| a.url.contains("c4-2305"))
        .expect("seed fixture")
        .clone();
    let titles: Vec<String> = articles.iter().filter_map(|a| a.title.clone()).collect();
    let sites = ["longbien", "caugiay", "hanoi", "baochinhphu"];
    let index = crate::index::open(dir)?;
    let mut ix = crate::index::Indexer::new(&index)?;
    let start = Instant::now();
    for i in 0..docs {
        let mut a = template.clone();
        a.url = format!("https://example.vn/{}/{i}.htm", sites[i % 4]);
        a.site = sites[i % 4].to_owned();
        a.title = Some(format!("{} ({i})", titles[i % titles.len()]));
        let n = 4 + i % 7;
        a.body = (0..n)
            .map(|k| paras[(i * 7 + k * 13) % paras.len()].as_str())
            .collect::<Vec<_>>()
            .join("\n\n");
        let day =
            chrono::NaiveDate::from_ymd_opt(2015, 1, 1).expect("date") + chrono::Duration::days((i % 3650) as i64);
        a.published = Some(format!("{}T08:00:00+07:00", day.format("%Y-%m-%d")));
        let s = StoredArticle {
            schema_version: crate::archive::SCHEMA_VERSION,
            id: format!("{i:020x}"),
            revision: 1,
            text_sha256: String::new(),
            article: a.into(),
            fetch: FetchInfo {
                fetched_at: "2026-01-01T00:00:00Z".into(),
                status: 200,
                final_url: String::new(),
                content_type: None,
                etag: None,
                last_modified: None,
                content_sha256: String::new(),
                warc: None,
            },
        };
        ix.upsert(&s, Path::new("bench"), &[])?;
    }
    ix.commit()?;
    let index_seconds = start.elapsed().as_secs_f64();
    drop(ix);
    let queries = [
        "bình đẳng giới",
        "binh dang gioi",
        "\"phòng cháy\"",
        "title:long biên",
        "vệ sinh môi trường",
        "doanh nghiep OR chung cu",
        "người cao tuổi -sách",
        "author:\"nhat minh\"",
        "thủ tục hành chính",
        "tết",
    ];
    let opts = crate::search::SearchOptions {
        limit: 10,
        ..Default::default()
    };
    let newest = crate::search::SearchOptions {
        limit: 10,
        sort: crate::search::Sort::Newest,
        ..Default::default()
    };
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut lat = Vec::new();
    for round in 0..20 {
        for q in &queries {
            let o = if round % 4 == 3 { &newest } else { &opts };
            let t = Instant::now();
            std::hint::black_box(crate::search::search_with(&index, &searcher, q, o)?);
            lat.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize];
    Ok(IndexBench {
        docs,
        index_seconds,
        docs_per_s: docs as f64 / index_seconds,
        index_bytes: dir_size(dir),
        queries: lat.len(),
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
    })
}
