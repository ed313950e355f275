//! The `vnnews` binary as a user runs it: stdout for data, exit codes, one line per input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

mod common;

const SEED_PAGE: &str = "fixtures/portal/tin-tuc-su-kien/long-bien-trien-khai-thang-hanh-dong-vi-binh-dang-gioi-va-phong-chong-bao-luc-tren-co-so-gioi-c4-2305.html";

fn vnnews(args: &[&str], stdin: Option<&str>) -> Output {
    common::run_vnnews(args, stdin.unwrap_or("").as_bytes())
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn extract_prints_the_seed_article_fields() {
    let o = vnnews(
        &[
            "extract",
            "--url",
            "https://longbien.hanoi.gov.vn/tin-tuc-su-kien/a-c4-2305.htm",
            SEED_PAGE,
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["title"],
        "Long Biên triển khai Tháng hành động vì bình đẳng giới và phòng chống bạo lực trên cơ sở giới"
    );
    assert_eq!(v["published"], "2019-11-05T13:01:00+07:00");
    assert_eq!(v["authors"], serde_json::json!(["Nhật Minh"]));
    assert_eq!(v["page_type"], "article");
    assert_eq!(v["site"], "longbien.hanoi.gov.vn");
    assert_eq!(v["language"], "vi");
    assert_eq!(v["encoding"]["label"], "utf-8");
    assert!(v["lead"].as_str().unwrap().starts_with("HNP - "));
    for key in ["url", "body", "encoding"] {
        assert!(v.get(key).is_some(), "{key} missing");
    }
}

#[test]
fn restore_puts_the_marks_back_line_by_line() {
    let o = vnnews(&["restore"], Some("binh dang gioi\nUBND TP Ha Noi\n"));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(stdout(&o), "bình đẳng giới\nUBND TP Hà Nội\n");
    let o = vnnews(&["restore", "--explain"], Some("binh dang\n"));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["output"], "bình đẳng");
    assert_eq!(v["words"][0]["input"], "binh");
    assert!(v["words"][0]["confidence"].as_f64().unwrap() > 0.5);
}

#[test]
fn extract_counts_relative_times_from_the_fetch_time_given() {
    let page = "<html><head><title>Tin mới</title></head><body><h1>Tin mới</h1><div class=\"date\">2 giờ trước</div>\
        <div><p>Ủy ban nhân dân quận vừa ban hành kế hoạch triển khai tháng hành động, với nhiều hoạt động tại các phường trong tháng tới.</p>\
        <p>Các phòng, ban, đơn vị và ủy ban nhân dân các phường có trách nhiệm phối hợp thực hiện và báo cáo kết quả trước cuối năm.</p>\
        <p>Kế hoạch nêu rõ các mốc thời gian, các đơn vị chủ trì và kết quả dự kiến của từng hoạt động trong tháng hành động.</p></div></body></html>";
    let o = vnnews(
        &[
            "extract",
            "--fetched-at",
            "2019-11-05T15:01:30+07:00",
            "--url",
            "http://example.org/tin.htm",
            "-",
        ],
        Some(page),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["published"], "2019-11-05T13:01:00+07:00");
    let o = vnnews(&["extract", "--fetched-at", "yesterday", "-"], Some(page));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn extract_explain_says_why_a_page_got_its_type() {
    let o = vnnews(
        &[
            "extract",
            "--explain",
            "--url",
            "https://example.org/tin-tuc/a-c4-2305.htm",
            SEED_PAGE,
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["explain"]["page_type"], "article");
    assert_eq!(v["explain"]["rule"], "a titled run of prose with few links");
    assert!(v["explain"]["evidence"]["prose_run"].as_u64().unwrap() > 1000);
    assert_eq!(v["explain"]["evidence"]["published"], true);
    // The same page at a site's root is its home page: a listing, and it says so.
    let o = vnnews(
        &["extract", "--explain", "--url", "https://example.org/", SEED_PAGE],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["page_type"], "listing");
    assert_eq!(v["explain"]["rule"], "a home page: the URL is the site's root");
    // Site knowledge first: the Hanoi portal's profile names its article URLs.
    let o = vnnews(
        &[
            "extract",
            "--explain",
            "--url",
            "https://longbien.hanoi.gov.vn/tin-tuc-su-kien/a-c4-2305.htm",
            SEED_PAGE,
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["explain"]["rule"], "the site's URL patterns say so");
    // Without --explain, no explain.
    let o = vnnews(&["extract", SEED_PAGE], None);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(v.get("explain").is_none());
}

#[test]
fn extract_reads_gzip_and_keeps_going_after_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("seed.html.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), flate2::Compression::fast());
    enc.write_all(&std::fs::read(SEED_PAGE).unwrap()).unwrap();
    enc.finish().unwrap();
    let o = vnnews(&["extract", "does-not-exist.html", gz.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "a missing file sets the exit code");
    assert!(String::from_utf8_lossy(&o.stderr).contains("does-not-exist.html"));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["authors"], serde_json::json!(["Nhật Minh"]));
}

#[test]
fn repair_writes_one_line_per_input_line() {
    let input = "L?y l?i m\u{FFFD} b?o m?t\nViá»‡t Nam\nTại sao giá lại tăng?\n\nSão Paulo\n";
    let o = vnnews(&["repair"], Some(input));
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "Lấy lại mã bảo mật\nViệt Nam\nTại sao giá lại tăng?\n\nSão Paulo\n"
    );

    let o = vnnews(&["repair", "--explain"], Some("Viá»‡t Nam\n"));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["output"], "Việt Nam");
    assert_eq!(v["repairs"][0]["kind"], "double-encoded");
}

#[test]
fn search_without_an_index_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = vnnews(&["--archive", dir.path().to_str().unwrap(), "search", "x"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("vnnews reindex"));
}

#[test]
fn demo_then_search_json_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().to_str().unwrap();
    let o = vnnews(&["--archive", archive, "demo"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    for q in ["$ vnnews search 'bình đẳng giới'", "$ vnnews search 'binh dang gioi'"] {
        let after = &out[out.find(q).unwrap_or_else(|| panic!("{q} missing in {out}"))..];
        // The command, the query as understood (and for a query without marks, the
        // suggestion with its marks restored), then the hits.
        let skip = if q.contains("binh") { 3 } else { 2 };
        if q.contains("binh") {
            assert_eq!(after.lines().nth(2), Some("Gợi ý: bình đẳng giới"));
        }
        let first_hit = after.lines().nth(skip).unwrap();
        assert!(
            first_hit.starts_with("1. Long Biên triển khai Tháng hành động vì bình đẳng giới"),
            "{first_hit}"
        );
        assert!(after.contains("2019-11-05T13:01") && after.contains("Nhật Minh"));
    }

    let o = vnnews(
        &["--archive", archive, "search", "--json", "binh", "dang", "gioi"],
        None,
    );
    assert!(o.status.success());
    let mut lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // First the query as understood, with the total; then the hits.
    let head = lines.remove(0);
    assert_eq!(head["total"], lines.len());
    assert_eq!(head["query"]["words"][0]["mode"], "folded");
    // Typed without marks: the restored query is suggested.
    assert_eq!(head["suggestion"], "bình đẳng giới");
    assert!(!lines.is_empty());
    assert_eq!(lines[0]["published"], "2019-11-05T13:01:00+07:00");
    assert_eq!(lines[0]["rank"], 1);

    let o = vnnews(&["--archive", archive, "search", "binh dang gioi"], None);
    assert!(stdout(&o).contains("Gợi ý: bình đẳng giới"), "{}", stdout(&o));
    let o = vnnews(&["--archive", archive, "search", "--json", "bình đẳng giới"], None);
    let head: serde_json::Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert!(
        head.get("suggestion").is_none(),
        "a query with marks gets no suggestion: {head}"
    );

    let o = vnnews(&["--archive", archive, "search", "tàu vũ trụ"], None);
    assert_eq!(o.status.code(), Some(1), "nothing found is exit 1");

    // Export: CSV that Python's csv module reads, JSON lines, filters.
    let o = vnnews(&["--archive", archive, "export", "--format", "csv"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let py = Command::new("python3")
        .args(["-c", "import csv,sys; rows=list(csv.DictReader(sys.stdin)); print(len(rows)); print(sorted(r['authors'] for r in rows))"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is part of the machine image");
    py.stdin.as_ref().unwrap().write_all(&o.stdout).unwrap();
    let py = py.wait_with_output().unwrap();
    let py_out = String::from_utf8(py.stdout).unwrap();
    assert!(py_out.starts_with("5\n"), "{py_out}");
    assert!(
        py_out.contains("'Minh Anh; Thu Hà'") && py_out.contains("'Nhật Minh'"),
        "{py_out}"
    );
    let o = vnnews(
        &[
            "--archive",
            archive,
            "export",
            "--author",
            "nhat minh",
            "--since",
            "2019-11-01",
            "--until",
            "2019-11-30",
        ],
        None,
    );
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["authors"], serde_json::json!(["Nhật Minh"]));
    let o = vnnews(&["--archive", archive, "export", "--query", "binh dang gioi"], None);
    assert_eq!(stdout(&o).lines().count(), 1);
    let o = vnnews(
        &[
            "--archive",
            archive,
            "export",
            "--format",
            "quickwit",
            "--author",
            "Nhật Minh",
        ],
        None,
    );
    let doc: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        doc["title_folded"],
        "long bien trien khai thang hanh dong vi binh dang gioi va phong chong bao luc tren co so gioi"
    );
    assert_eq!(doc["published"], "2019-11-05T13:01:00+07:00");
    let o = vnnews(&["--archive", archive, "export", "--site", "nowhere"], None);
    assert_eq!(o.status.code(), Some(1));

    let o = vnnews(&["--archive", archive, "stats", "--json"], None);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(v["articles"], 5);
    assert_eq!(v["index_matches_archive"], true);
    assert_eq!(v["sites"]["longbien"]["2019-11"], 1);

    // A second demo serves the portal on another port: the articles' canonical URLs keep
    // their ids, so nothing is archived twice and the seed is still found once.
    let o = vnnews(&["--archive", archive, "demo"], None);
    assert!(o.status.success());
    assert!(
        stdout(&o).contains("0 articles archived, 5 unchanged"),
        "{}",
        stdout(&o)
    );
    let o = vnnews(&["--archive", archive, "search", "--json", "bình đẳng giới"], None);
    let seed_hits = stdout(&o)
        .lines()
        .filter(|l| l.contains("\"published\":\"2019-11-05T13:01:00+07:00\""))
        .count();
    assert_eq!(seed_hits, 1);
}

#[test]
fn a_second_run_on_the_same_archive_exits_at_once_with_code_3() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vnnews.toml");
    std::fs::write(
        &config,
        "[[site]]\nname = \"x\"\nstart_urls = [\"http://127.0.0.1:9/\"]\n",
    )
    .unwrap();
    let archive = dir.path().join("archive");
    let held = vnnews::archive::Archive::open(&archive).unwrap();
    let o = vnnews(
        &[
            "--archive",
            archive.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "crawl",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another vnnews run"));
    drop(held);
}

/// A configuration directory whose `sites/` holds one profile.
fn config_with_profile(profile: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sites")).unwrap();
    std::fs::write(dir.path().join("sites").join("test.toml"), profile).unwrap();
    dir
}

#[test]
fn extract_applies_the_profiles_beside_the_configuration() {
    // They applied to `crawl` only: a user could not try a profile on one page.
    let conf = config_with_profile("name = \"test\"\nhosts = [\"portal.example\"]\nlisting_urls = ['/a\\.htm$']\n");
    let config = conf.path().join("vnnews.toml");
    let page_type = |extra: &[&str]| {
        let mut args = extra.to_vec();
        args.extend(["extract", "--url", "http://portal.example/a.htm", SEED_PAGE]);
        let o = vnnews(&args, None);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        v["page_type"].as_str().unwrap().to_owned()
    };
    assert_eq!(page_type(&[]), "article");
    assert_eq!(page_type(&["--config", config.to_str().unwrap()]), "listing");
}

#[test]
fn reextract_applies_the_profiles_beside_the_configuration() {
    let archive = tempfile::tempdir().unwrap();
    let a = archive.path().to_str().unwrap();
    let o = vnnews(&["--archive", a, "-q", "demo"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // With the repository's profiles nothing changes; a profile for the demo's host that
    // removes a paragraph changes every article.
    let o = vnnews(&["--archive", a, "reextract"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Every archived HTML response is read again, listings included.
    assert!(
        stdout(&o).contains("re-extracted 9 archived HTML responses: 0 new articles, 0 changed (new revision), 5 unchanged, 4 not articles"),
        "{}",
        stdout(&o)
    );
    let conf = config_with_profile("name = \"demo\"\nhosts = [\"127.0.0.1\"]\nremove = [\"p:nth-of-type(2)\"]\n");
    let config = conf.path().join("vnnews.toml");
    let o = vnnews(
        &["--archive", a, "--config", config.to_str().unwrap(), "reextract"],
        None,
    );
    let out = stdout(&o);
    assert!(out.contains(" 5 changed (new revision), 0 unchanged"), "{out}");
}

/// A demo archive, and the id of the top hit for "bình đẳng giới" in it.
fn demo_archive() -> (tempfile::TempDir, String) {
    let archive = tempfile::tempdir().unwrap();
    let a = archive.path().to_str().unwrap();
    assert!(vnnews(&["--archive", a, "-q", "demo"], None).status.success());
    let o = vnnews(&["--archive", a, "search", "--json", "bình đẳng giới"], None);
    let first: serde_json::Value = serde_json::from_str(stdout(&o).lines().nth(1).unwrap()).unwrap();
    let id = first["id"].as_str().unwrap().to_owned();
    (archive, id)
}

#[test]
fn a_closed_stdout_ends_a_command_quietly() {
    // `vnnews stats | head -1` panicked (exit 101); search and export printed an error and
    // exited 2. The reader closing the pipe has what it wanted: exit 0, nothing on stderr.
    let (archive, id) = demo_archive();
    let a = archive.path().to_str().unwrap();
    for args in [
        vec!["stats"],
        vec!["show", &id],
        vec!["search", "bình đẳng giới"],
        vec!["export"],
        vec!["export", "--format", "csv"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_vnnews"))
            .args(["--archive", a])
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Closed before the command writes (it loads its model first).
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked") && !err.contains("error"), "{args:?}: {err}");
    }
}

/// Whether the tests run as root (whom file modes do not stop) where `unshare -m` works.
fn as_root_with_mount_namespaces() -> bool {
    (unsafe { libc::geteuid() }) == 0
        && Command::new("unshare")
            .args(["-m", "true"])
            .status()
            .is_ok_and(|s| s.success())
}

/// Run `vnnews --archive DIR ARGS` with DIR read-only: a read-only bind mount in a mount
/// namespace of its own when run as root, file modes otherwise.
fn on_a_read_only_copy(dir: &std::path::Path, args: &[&str]) -> Output {
    let bin = env!("CARGO_BIN_EXE_vnnews");
    let d = dir.to_str().unwrap();
    let mut c = if as_root_with_mount_namespaces() {
        let mut c = Command::new("unshare");
        c.args([
            "-m",
            "sh",
            "-c",
            "mount --bind -o ro \"$1\" \"$1\" && shift && exec \"$@\"",
            "sh",
            d,
            bin,
        ]);
        c
    } else {
        Command::new(bin)
    };
    c.args(["--archive", d]).args(args);
    c.output().unwrap()
}

#[test]
fn a_read_only_archive_is_searched_and_read() {
    // Researchers share archives read-only: search and stats failed with "Failed to acquire
    // Lockfile: … ReadOnlyFilesystem" (tantivy's reader creates a lock file).
    let (archive, id) = demo_archive();
    let a = archive.path().to_str().unwrap();
    if !as_root_with_mount_namespaces() {
        if unsafe { libc::geteuid() } == 0 {
            eprintln!("as root without mount namespaces: file modes do not make the copy read-only here");
        }
        let ro = Command::new("chmod").args(["-R", "a-w", a]).status().unwrap();
        assert!(ro.success());
    }
    let check = |args: &[&str], expect: &str| {
        let o = on_a_read_only_copy(archive.path(), args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(stdout(&o).contains(expect), "{args:?}: {}", stdout(&o));
        assert!(!err.contains("WARN") && !err.contains("error"), "{args:?}: {err}");
    };
    check(&["search", "bình đẳng giới"], "Long Biên triển khai Tháng hành động");
    check(&["stats"], "5 articles");
    check(&["show", &id], "Nhật Minh");
    check(&["export"], &id);
    let _ = Command::new("chmod").args(["-R", "u+w", a]).status();
}

#[test]
fn a_truncated_article_file_is_skipped_named_and_counted() {
    // One truncated JSON file made reindex, stats and show exit 2 ("the archive … is corrupt")
    // and stopped export after the files before it: a lost index could not be rebuilt.
    let archive = tempfile::tempdir().unwrap();
    let a = archive.path().to_str().unwrap();
    assert!(vnnews(&["--archive", a, "-q", "demo"], None).status.success());
    let o = vnnews(&["--archive", a, "verify"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("5 article files, 5 WARC records, 5 indexed documents: no problems"),
        "{}",
        stdout(&o)
    );

    let mut files = Vec::new();
    common::json_files(archive.path(), &mut files);
    files.sort();
    let damaged = &files[2];
    let bytes = std::fs::read(damaged).unwrap();
    std::fs::write(damaged, &bytes[..bytes.len() / 2]).unwrap();
    let name = damaged.file_name().unwrap().to_str().unwrap();

    for (args, expect) in [
        (vec!["stats"], "4 articles"),
        (vec!["export"], ""),
        (vec!["reindex"], "indexed 4 articles"),
    ] {
        let o = vnnews(&[&["--archive", a][..], &args].concat(), None);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(6), "{args:?}: {err}");
        assert!(stdout(&o).contains(expect), "{args:?}: {}", stdout(&o));
        assert!(
            err.contains(name) && err.contains("1 unreadable article file"),
            "{args:?}: {err}"
        );
    }
    let o = vnnews(&["--archive", a, "export"], None);
    assert_eq!(stdout(&o).lines().count(), 4, "the other articles are exported");

    let o = vnnews(&["--archive", a, "verify", "--json"], None);
    assert_eq!(o.status.code(), Some(6));
    let report: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{report}");
    assert_eq!(problems[0]["kind"], "unreadable-article");
    assert!(problems[0]["path"].as_str().unwrap().ends_with(name));
}

#[test]
fn export_wacz_packages_every_capture_with_hashes_an_index_and_pages() {
    use std::io::Read;
    let (archive, _) = demo_archive();
    let a = archive.path().to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let wacz = out.path().join("demo.wacz");
    let o = vnnews(
        &[
            "--archive",
            a,
            "export",
            "--format",
            "wacz",
            "--text",
            "-o",
            wacz.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&wacz).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut e = zip.by_name(name).unwrap();
        assert_eq!(e.compression(), zip::CompressionMethod::Stored, "{name}");
        let mut v = Vec::new();
        e.read_to_end(&mut v).unwrap();
        v
    };
    let package: serde_json::Value = serde_json::from_slice(&read("datapackage.json")).unwrap();
    assert_eq!(package["wacz_version"], "1.1.1");
    let sha = |b: &[u8]| {
        use sha2::Digest;
        format!("sha256:{:x}", sha2::Sha256::digest(b))
    };
    let resources = package["resources"].as_array().unwrap();
    let paths: Vec<&str> = resources.iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        ["archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl"]
    );
    for r in resources {
        let bytes = read(r["path"].as_str().unwrap());
        assert_eq!(r["hash"], sha(&bytes).as_str(), "{}", r["path"]);
        assert_eq!(r["bytes"], bytes.len());
    }
    let digest: serde_json::Value = serde_json::from_slice(&read("datapackage-digest.json")).unwrap();
    assert_eq!(digest["hash"], sha(&read("datapackage.json")).as_str());

    // Every capture of the crawl, each index line pointing at its record in data.warc.gz.
    let warc = read("archive/data.warc.gz");
    let index = String::from_utf8(read("indexes/index.cdx")).unwrap();
    let lines: Vec<&str> = index.lines().collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "the index is sorted");
    let mut archived = 0;
    for e in std::fs::read_dir(archive.path().join("cdxj")).unwrap() {
        archived += std::fs::read_to_string(e.unwrap().path()).unwrap().lines().count();
    }
    assert_eq!(lines.len(), archived);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("data.warc.gz"), &warc).unwrap();
    for l in &lines {
        let (_, _, j) = vnnews::archive::cdxj::parse_line(l).unwrap();
        let at = vnnews::archive::WarcRef {
            file: "data.warc.gz".into(),
            offset: j["offset"].as_str().unwrap().parse().unwrap(),
            length: j["length"].as_str().unwrap().parse().unwrap(),
            record_id: String::new(),
        };
        let r = vnnews::archive::warc::read_at(dir.path(), &at).unwrap();
        assert_eq!(r.header("WARC-Target-URI"), j["url"].as_str());
    }
    let records = vnnews::archive::warc::read_all(&dir.path().join("data.warc.gz")).unwrap();
    assert_eq!(
        records
            .iter()
            .filter(|r| r.header("WARC-Type") == Some("request"))
            .count(),
        lines.len()
    );
    // A page per article, with its text.
    let pages = String::from_utf8(read("pages/pages.jsonl")).unwrap();
    let pages: Vec<serde_json::Value> = pages.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(pages[0]["format"], "json-pages-1.0");
    assert_eq!(pages.len(), 1 + 5);
    assert!(
        pages[1..]
            .iter()
            .all(|p| p["text"].as_str().is_some_and(|t| !t.is_empty()))
    );

    // Nothing of a site the archive does not hold: exit 1, and no file.
    let none = out.path().join("none.wacz");
    let o = vnnews(
        &[
            "--archive",
            a,
            "export",
            "--format",
            "wacz",
            "--site",
            "nowhere",
            "-o",
            none.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(!none.exists());
    // And without -o, a clear error.
    let o = vnnews(&["--archive", a, "export", "--format", "wacz"], None);
    assert!(String::from_utf8_lossy(&o.stderr).contains("-o FILE.wacz"));
}

#[test]
fn cite_gives_the_archive_reference_in_every_format() {
    let (archive, id) = demo_archive();
    let a = archive.path().to_str().unwrap();
    let cite = |format: &str| {
        let o = vnnews(&["--archive", a, "cite", &id, "--format", format], None);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        stdout(&o)
    };
    let csl: serde_json::Value = serde_json::from_str(&cite("csl-json")).unwrap();
    let item = &csl[0];
    assert_eq!(item["type"], "webpage");
    assert!(item["title"].as_str().unwrap().contains("bình đẳng giới"));
    assert_eq!(item["issued"]["date-parts"][0][0], 2019);
    let note = item["note"].as_str().unwrap();
    assert!(
        note.contains(".warc.gz") && note.contains("urn:uuid:") && note.contains("payload digest sha1:"),
        "{note}"
    );
    let ris = cite("ris");
    assert!(
        ris.starts_with("TY  - ELEC")
            && ris.contains("\nUR  - https://longbien.hanoi.gov.vn/")
            && ris.contains("fetched from http://127.0.0.1:"),
        "{ris}"
    );
    assert!(cite("bibtex").starts_with(&format!("@online{{vnnews-{id},")));
    assert!(cite("text").contains("(2019-11-05)."));
}

/// `search --json` on the archive: the head object and the hits.
fn search_json(archive: &str, query: &[&str]) -> (serde_json::Value, Vec<serde_json::Value>) {
    let mut args = vec!["--archive", archive, "search", "--json", "--limit", "50", "--"];
    args.extend_from_slice(query);
    let o = vnnews(&args, None);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let head = lines.remove(0);
    assert_eq!(head["total"], lines.len(), "{head}");
    (head, lines)
}

#[test]
fn search_bao_finds_bao_not_bao_bao_bao() {
    // On the demo archive `vnnews search bão` returned four articles and none held `bão`
    // (they matched through `bạo lực`, `báo cáo`, `bảo vệ`); the README's `title:"Long Biên"
    // -bão` returned one of four Long Biên titles, since `-bão` excluded `bạo`/`báo`/`bảo`.
    let (archive, _) = demo_archive();
    let a = archive.path().to_str().unwrap();
    let (head, hits) = search_json(a, &["bão"]);
    assert_eq!(head["query"]["words"][0]["mode"], "exact");
    assert!(hits.is_empty(), "no demo article has the word bão: {hits:?}");
    let (_, folded) = search_json(a, &["bao"]);
    assert!(folded.len() >= 3, "bao matches every spelling: {folded:?}");
    let (_, long_bien) = search_json(a, &["title:\"Long Biên\""]);
    let (_, without) = search_json(a, &["title:\"Long Biên\"", "-bão"]);
    assert!(long_bien.len() >= 4);
    assert_eq!(
        without.len(),
        long_bien.len(),
        "no title has bão, so -bão excludes none"
    );
    let (_, without_any) = search_json(a, &["title:\"Long Biên\"", "-bao"]);
    assert!(without_any.len() < long_bien.len(), "-bao excludes every spelling");
}

#[test]
fn literal_text_is_searched_and_odd_queries_explain_themselves_once() {
    // `vnnews search 13:01` failed with "Field does not exist: '13': Field does not exist:
    // '13'" (the error printed twice); `--limit 0` showed one hit.
    let (archive, _) = demo_archive();
    let a = archive.path().to_str().unwrap();
    for q in [
        "13:01",
        "373/KH-UBND",
        "Xi'an",
        "http://127.0.0.1/a.htm",
        "Long Biên: 2019",
    ] {
        let o = vnnews(&["--archive", a, "search", q], None);
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{q}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(o.stderr.is_empty(), "{q}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let (_, hits) = search_json(a, &["373/KH-UBND"]);
    assert_eq!(hits.len(), 1, "the seed article cites Kế hoạch số 373/KH-UBND");
    let o = vnnews(&["--archive", a, "search", "titel:x"], None);
    assert_eq!(stdout(&o).matches("is not a field").count(), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("fields: title, lead"));
    let o = vnnews(&["--archive", a, "search", "--", "-long"], None);
    assert_eq!(stdout(&o).matches("only excludes").count(), 1, "{}", stdout(&o));
    let o = vnnews(&["--archive", a, "search", "--limit", "0", "x"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give 1 or more"));
    let o = vnnews(&["--archive", a, "search", "lễ", "ra", "quân"], None);
    assert!(stdout(&o).trim_end().ends_with("1 of 1 matches"), "{}", stdout(&o));
}

#[test]
fn export_keeps_one_format_per_column_and_a_header_when_empty() {
    // An empty CSV had no header row (and with -o no file at all); `published` mixed dates
    // and timestamps, which pandas' to_datetime refuses.
    let (archive, _) = demo_archive();
    let a = archive.path().to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.csv");
    let o = vnnews(
        &[
            "--archive",
            a,
            "export",
            "--format",
            "csv",
            "--site",
            "nowhere",
            "-o",
            empty.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let text = std::fs::read_to_string(&empty).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("id,revision,site,url,"));

    let o = vnnews(&["--archive", a, "export", "--format", "csv"], None);
    let py = Command::new("python3")
        .args([
            "-c",
            "import csv,sys,datetime
rows=list(csv.DictReader(sys.stdin))
for r in rows:
    if r['published']: datetime.datetime.fromisoformat(r['published'])
    datetime.date.fromisoformat(r['published_day'])
    assert r['warc_file'].endswith('.warc.gz') and int(r['warc_offset']) >= 0, r
    assert r['warc_record_id'].startswith('<urn:uuid:'), r
    int(r['images'])
print(len(rows))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    py.stdin.as_ref().unwrap().write_all(&o.stdout).unwrap();
    let out = py.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "5");

    // Incremental: what changed or was fetched since a time.
    let count = |args: &[&str]| {
        let mut all = vec!["--archive", a, "export"];
        all.extend_from_slice(args);
        stdout(&vnnews(&all, None)).lines().count()
    };
    assert_eq!(count(&["--changed-since", "2020-01-01"]), 5);
    assert_eq!(count(&["--changed-since", "2999-01-01"]), 0);
    assert_eq!(count(&["--fetched-since", "2020-01-01T00:00:00+07:00"]), 5);
    assert_eq!(count(&["--fetched-since", "2999-01-01"]), 0);
    assert_eq!(count(&["--all-revisions"]), 5);
    let o = vnnews(&["--archive", a, "export", "--changed-since", "yesterday"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("neither a day"));
}

#[test]
fn status_reports_runs_and_sites_without_sqlite() {
    let (archive, _) = demo_archive();
    let a = archive.path().to_str().unwrap();
    let o = vnnews(&["--archive", a, "status", "--json"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["runs"][0]["outcome"], "completed", "{v}");
    assert!(v["runs"][0]["finished_at"].is_string());
    assert_eq!(v["sites"][0]["site"], "longbien");
    assert!(v["sites"][0]["last_success"].is_string(), "{v}");
    assert_eq!(v["crawling"], false);
    let o = vnnews(&["--archive", a, "status"], None);
    let out = stdout(&o);
    assert!(out.contains("completed") && out.contains("longbien: fetched "), "{out}");
    assert!(out.contains("longbien: last successful fetch 20"), "{out}");
    // `stats` says the site's last successful fetch, not the last archived article's.
    let stats = stdout(&vnnews(&["--archive", a, "stats"], None));
    assert!(stats.contains("longbien: 5 (last successful fetch 20"), "{stats}");
    let empty = tempfile::tempdir().unwrap();
    let o = vnnews(&["--archive", empty.path().to_str().unwrap(), "status"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no crawl has run"));
}

#[test]
fn completions_man_stdin_and_a_lexicon_without_source() {
    for shell in ["bash", "zsh", "fish"] {
        let o = vnnews(&["completions", shell], None);
        assert!(o.status.success(), "{shell}");
        let script = stdout(&o);
        assert!(
            script.contains("vnnews") && script.contains("search") && script.contains("changed-since"),
            "{shell}"
        );
    }
    let o = vnnews(&["man"], None);
    assert!(o.status.success());
    assert!(stdout(&o).contains(".TH vnnews 1"));

    // `extract -` reads the page from standard input.
    let page = std::fs::read(SEED_PAGE).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vnnews"))
        .args([
            "extract",
            "--url",
            "https://longbien.hanoi.gov.vn/tin-tuc-su-kien/a-c4-2305.htm",
            "-",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&page).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["title"].as_str().unwrap().starts_with("Long Biên triển khai"), "{v}");

    // `lexicon build` with nothing to build from rebuilt the archive's model in silence.
    let dir = tempfile::tempdir().unwrap();
    let o = vnnews(&["--archive", dir.path().to_str().unwrap(), "lexicon", "build"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to build from"));
    assert!(!dir.path().join("lexicon").exists());
}

#[test]
fn an_error_is_said_once() {
    // "I/O error on /nonexistent.html: No such file or directory (os error 2): No such file
    // or directory (os error 2)": the cause was printed again after the message naming it.
    for args in [
        &["extract", "/nonexistent.html"][..],
        &["--archive", "/nonexistent", "stats"],
        &["--config", "/nonexistent.toml", "crawl"],
    ] {
        let o = vnnews(args, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        let line = err
            .lines()
            .find(|l| l.starts_with("vnnews: error: "))
            .unwrap_or_else(|| panic!("{err}"));
        for cause in ["No such file or directory (os error 2)", "no archive here"] {
            assert!(line.matches(cause).count() <= 1, "{line}");
        }
    }
}

#[test]
fn documents_lists_the_numbers_the_archive_cites_and_search_finds_them() {
    let (archive, seed_id) = demo_archive();
    let a = archive.path().to_str().unwrap();
    let o = vnnews(&["--archive", a, "documents", "--json"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let docs: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let plan = docs
        .iter()
        .find(|d| d["number"] == "373/KH-UBND")
        .expect("the seed's plan");
    assert_eq!(plan["kind"], "Kế hoạch");
    assert_eq!(plan["issuer"], "UBND");
    assert_eq!(plan["first"], "2019-11-05");
    assert!(
        plan["examples"]
            .as_array()
            .unwrap()
            .iter()
            .any(|id| id == seed_id.as_str())
    );
    let o = vnnews(&["--archive", a, "documents", "--kind", "ke hoach"], None);
    assert!(stdout(&o).contains("373/KH-UBND"), "{}", stdout(&o));
    let o = vnnews(&["--archive", a, "documents", "--kind", "Nghị định"], None);
    assert!(!stdout(&o).contains("373/KH-UBND"));
    // `doc:` and the number alone find the citing article, first.
    for q in ["doc:373/KH-UBND", "doc:373/kh-ubnd", "373/KH-UBND"] {
        let (_, hits) = search_json(a, &[q]);
        assert_eq!(
            hits.first().map(|h| h["id"].clone()),
            Some(seed_id.clone().into()),
            "{q}"
        );
    }
    // Exports carry them.
    let o = vnnews(&["--archive", a, "export", "--format", "csv"], None);
    assert!(stdout(&o).contains(",373/KH-UBND,"), "the CSV documents column");
}

#[test]
fn an_archive_model_built_by_lexicon_is_the_one_repairs_use() {
    // Counts in which `lấy lời` is far more common than `lấy lại`: under this model the
    // seed's `L?y l?i` reads differently than under the built-in one.
    let counts = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(counts.path().join(name), text).unwrap();
    write(
        "vi-syllable-unigrams.tsv",
        "lấy\t500\nlời\t400\nlại\t300\nmã\t200\nbảo\t200\nmật\t200\nkhai\t100\n",
    );
    write(
        "vi-syllable-bigrams.tsv",
        "lấy lời\t300\nlời khai\t100\nbảo mật\t150\nmã bảo\t50\n",
    );
    write("vi-syllable-trigrams.tsv", "lấy lời khai\t90\n");
    write("vi-context-bigrams.tsv", "<s> lấy\t200\nmật </s>\t100\n");
    let archive = tempfile::tempdir().unwrap();
    let a = archive.path().to_str().unwrap();
    let c = counts.path().to_str().unwrap();
    let o = vnnews(
        &["--archive", a, "lexicon", "build", "--counts", c, "--min-bigram", "1"],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("7 syllables"), "{}", stdout(&o));
    let image = archive.path().join("lexicon").join("vi-syllables.vnlm");
    assert!(std::fs::read(&image).unwrap().starts_with(b"VNLMIMG"));

    let seed = "L?y l?i m� b?o m?t\n";
    assert_eq!(stdout(&vnnews(&["repair"], Some(seed))), "Lấy lại mã bảo mật\n");
    assert_eq!(
        stdout(&vnnews(&["--archive", a, "repair"], Some(seed))),
        "Lấy lời mã bảo mật\n"
    );

    // A model written by an older vnnews (gzip counts) is still read, and said to be slow.
    let o = vnnews(
        &[
            "--archive",
            a,
            "lexicon",
            "build",
            "--counts",
            c,
            "--min-bigram",
            "1",
            "--out",
            archive
                .path()
                .join("lexicon")
                .join("vi-syllables.tsv.gz")
                .to_str()
                .unwrap(),
        ],
        None,
    );
    assert!(o.status.success());
    std::fs::remove_file(&image).unwrap();
    let o = vnnews(&["--archive", a, "repair"], Some(seed));
    assert_eq!(stdout(&o), "Lấy lời mã bảo mật\n");
    assert!(String::from_utf8_lossy(&o.stderr).contains("rebuild it"));

    // A damaged model file is named in a warning and the built-in model serves (a cron run
    // goes on), not a panic in the middle of a repair.
    std::fs::write(&image, b"VNLMIMG\0 not a model").unwrap();
    let o = vnnews(&["--archive", a, "repair"], Some(seed));
    assert!(o.status.success());
    assert_eq!(stdout(&o), "Lấy lại mã bảo mật\n");
    assert!(String::from_utf8_lossy(&o.stderr).contains("vi-syllables.vnlm"));
}
