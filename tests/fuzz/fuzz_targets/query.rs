//! Any query text and any paging: a search over a real index (the demo portal's articles)
//! returns results or a clear error, never a panic, a stack overflow or a hang (tantivy's
//! parser was exponential in nesting, which `search` bounds; vnnews's own parser replaced it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use vnnews::search::{Mode, SearchOptions, Sort, search};

struct Fixture {
    index: tantivy::Index,
    _dir: tempfile::TempDir,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let portal = vnnews::demo::serve_sample_portal().await.unwrap();
        let cfg = vnnews::config::Config::from_toml(&vnnews::demo::demo_config(&portal.base_url())).unwrap();
        let (_tx, stop) = tokio::sync::watch::channel(false);
        let opts = vnnews::crawl::RunOptions::default();
        vnnews::crawl::run_into(cfg, dir.path(), vnnews::extract::profile::Profiles::builtin(), &opts, stop)
            .await
            .unwrap();
    });
    let index = vnnews::index::open_for_reading(&dir.path().join("index")).unwrap().unwrap();
    Fixture { index, _dir: dir }
});

fuzz_target!(|data: &[u8]| {
    let Some((&knobs, rest)) = data.split_first() else { return };
    let Ok(query) = std::str::from_utf8(rest) else { return };
    let opts = SearchOptions {
        // Paging at the extremes as well as ordinary values.
        limit: match knobs & 3 {
            0 => 10,
            1 => 0,
            2 => usize::MAX,
            _ => 1_000_000_000,
        },
        offset: if knobs & 4 != 0 { usize::MAX } else { 0 },
        sort: match (knobs >> 3) & 3 {
            0 => Sort::Relevance,
            1 => Sort::Newest,
            _ => Sort::Oldest,
        },
        authors: (knobs & 32 != 0).then(|| query.to_owned()).into_iter().collect(),
        sites: (knobs & 64 != 0).then(|| query.to_owned()).into_iter().collect(),
        mode: match knobs >> 7 {
            0 => Mode::Auto,
            _ => Mode::Exact,
        },
        ..SearchOptions::default()
    };
    let _ = search(&FIXTURE.index, query, &opts);
});
