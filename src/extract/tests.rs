//! Golden-file tests: every `fixtures/**/NAME.html` with a `NAME.expected.json` beside it is
//! extracted and compared field by field with what the expected file states.

use super::*;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn golden_pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("fixtures dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            golden_pages(&p, out);
        } else if p.to_string_lossy().ends_with(".expected.json") {
            out.push(p);
        }
    }
}

fn page_for(expected: &Path) -> PathBuf {
    PathBuf::from(expected.to_string_lossy().trim_end_matches(".expected.json"))
}

fn run(page: &Path, url: &str) -> Article {
    let bytes = read_saved_page(page).expect("page");
    let profiles = profile::Profiles::builtin();
    let fetched = DateTime::parse_from_rfc3339("2026-01-01T00:00:00+07:00").ok();
    extract(
        &Page {
            bytes: &bytes,
            content_type: None,
            url,
            fetched_at: fetched,
            patterns: None,
        },
        profiles.for_url(url),
    )
    .article
}

#[test]
fn golden_fixtures() {
    let mut expected = Vec::new();
    golden_pages(&fixtures(), &mut expected);
    assert!(expected.len() >= 5, "golden fixtures missing: {expected:?}");
    let mut failures = Vec::new();
    for exp_path in &expected {
        let exp: serde_json::Value = serde_json::from_slice(&std::fs::read(exp_path).expect("read")).expect("json");
        let url = exp["url"].as_str().expect("expected.json has a url");
        let got = serde_json::to_value(run(&page_for(exp_path), url)).expect("serialise");
        for (k, v) in exp.as_object().expect("object") {
            if got.get(k) != Some(v) {
                failures.push(format!(
                    "{}: {k}\n   expected {v}\n   got      {}",
                    exp_path.display(),
                    got.get(k).unwrap_or(&serde_json::Value::Null)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "golden mismatches:\n{}", failures.join("\n"));
}

#[test]
fn seed_article_without_profile_reads_the_same() {
    // The generic path alone must carry the seed page.
    let page = fixtures().join("portal/tin-tuc-su-kien/long-bien-trien-khai-thang-hanh-dong-vi-binh-dang-gioi-va-phong-chong-bao-luc-tren-co-so-gioi-c4-2305.html");
    let bytes = std::fs::read(page).unwrap();
    let a = extract(
        &Page {
            bytes: &bytes,
            content_type: Some("text/html; charset=utf-8"),
            url: "http://example.org/x.htm",
            fetched_at: None,
            patterns: None,
        },
        None,
    )
    .article;
    assert_eq!(
        a.title.as_deref(),
        Some("Long Biên triển khai Tháng hành động vì bình đẳng giới và phòng chống bạo lực trên cơ sở giới")
    );
    assert_eq!(a.published.as_deref(), Some("2019-11-05T13:01:00+07:00"));
    assert_eq!(a.authors, ["Nhật Minh"]);
    assert_eq!(a.page_type, PageType::Article);
    let paras: Vec<&str> = a.body.split("\n\n").collect();
    assert_eq!(paras.len(), 4, "{paras:#?}");
    assert!(paras[0].starts_with("HNP - UBND quận Long Biên"));
    for boiler in [
        "Các bài mới đăng",
        "Viết bình luận",
        "bảo mật",
        "Họ tên",
        "Nhật Minh",
        "In bài viết",
    ] {
        assert!(!a.body.contains(boiler), "body holds {boiler:?}");
    }
}

#[test]
fn messy_html_never_fails() {
    for html in [
        "",
        "<",
        "<html><body><p>",
        "\u{0}\u{1}binary",
        "<div><div><div>",
        "<p>Chỉ một câu.</p>",
    ] {
        let a = extract_at(html, "not a url").article;
        assert_ne!(a.page_type, PageType::Article, "{html:?}");
    }
}

/// One-line byline cases: the last paragraph of an article body decides the authors.
fn check_byline(last_paragraph_html: &str, authors: &[&str], source: Option<&str>) {
    let body = "<p>Đoạn văn thứ nhất của bài viết, đủ dài để được xem là nội dung chính của trang, nói về hoạt động của quận.</p>\
        <p>Đoạn văn thứ hai tiếp tục trình bày chi tiết kế hoạch, các mốc thời gian, các đơn vị phối hợp và kết quả dự kiến.</p>\
        <p>Đoạn văn thứ ba nêu trách nhiệm của các phòng, ban, đơn vị và ủy ban nhân dân các phường trong việc thực hiện.</p>";
    let html = format!(
        "<html><head><title>Tiêu đề bài viết thử nghiệm</title></head><body><h1>Tiêu đề bài viết thử nghiệm</h1><div class=\"date\">05/11/2019 13:01</div><div>{body}{last_paragraph_html}</div></body></html>"
    );
    let a = extract_at(&html, "http://example.org/a.htm").article;
    assert_eq!(a.authors, authors, "{last_paragraph_html}");
    assert_eq!(a.source.as_deref(), source, "{last_paragraph_html}");
    // A byline or source line is not body text; any other last paragraph is.
    let text = regex::Regex::new("<[^>]*>")
        .unwrap()
        .replace_all(last_paragraph_html, "");
    let is_credit = !authors.is_empty() || source.is_some();
    // (Metadata alone has no text to look for.)
    if !text.trim().is_empty() {
        assert_eq!(
            a.body.contains(text.trim()),
            !is_credit,
            "{last_paragraph_html}: {:?}",
            a.body
        );
    }
}

#[test]
fn bylines_at_the_end() {
    check_byline(
        "<p style=\"text-align:right\"><strong>Nhật Minh</strong></p>",
        &["Nhật Minh"],
        None,
    );
    check_byline(
        "<p align=\"right\"><b>Minh Anh - Thu Hà</b></p>",
        &["Minh Anh", "Thu Hà"],
        None,
    );
    check_byline("<p><strong>PV</strong></p>", &["PV"], None);
    check_byline("<p><strong>Nhóm PV</strong></p>", &["Nhóm PV"], None);
    check_byline("<p><em>Theo TTXVN</em></p>", &[], Some("TTXVN"));
    check_byline("<p>Nguồn: VGP</p>", &[], Some("VGP"));
    check_byline(
        "<p><strong>Hoàng Long (TTXVN)</strong></p>",
        &["Hoàng Long"],
        Some("TTXVN"),
    );
    check_byline("<p>Quận sẽ tổng kết vào cuối năm.</p>", &[], None);
    // The writer and the source in one line; the editor's credit after the writer's.
    check_byline(
        "<p>Tác giả: Nguyễn Thị Hoa - Nguồn: Phòng GD&amp;ĐT</p>",
        &["Nguyễn Thị Hoa"],
        Some("Phòng GD&ĐT"),
    );
    check_byline(
        "<p style=\"text-align:right\"><strong>Minh Anh</strong></p><p style=\"text-align:right\">Biên tập viên: Trần Long</p>",
        &["Minh Anh"],
        None,
    );
    // A credit that names no one (`Sưu tầm`: collected) closes no text either.
    for credit in [
        "<p><em>Sưu tầm</em></p>",
        "<p style=\"text-align:right\">(Tổng hợp)</p>",
    ] {
        let a = extract_at(
            &format!(
                "<html><head><title>Tiêu đề bài viết thử nghiệm</title></head><body><h1>Tiêu đề bài viết thử nghiệm</h1>\
                 <div class=\"date\">05/11/2019 13:01</div><div><p>Đoạn văn thứ nhất của bài viết, đủ dài để được xem là nội \
                 dung chính của trang, nói về hoạt động của quận trong năm qua.</p>{credit}</div></body></html>"
            ),
            "http://example.org/a.htm",
        )
        .article;
        assert!(
            a.authors.is_empty() && a.body.ends_with("năm qua."),
            "{credit}: {:?}",
            a.body
        );
    }
    // An uploader's label and a user name: no one's byline, and not the text either.
    let a = extract_at(
        "<html><head><title>Tiêu đề bài viết thử nghiệm</title></head><body><h1>Tiêu đề bài viết thử nghiệm</h1>\
         <div class=\"date\">05/11/2019 13:01</div><div><p>Đoạn văn thứ nhất của bài viết, đủ dài để được xem là nội \
         dung chính của trang, nói về hoạt động của quận trong năm qua.</p><p>Người đăng: admin</p></div></body></html>",
        "http://example.org/a.htm",
    )
    .article;
    assert!(
        a.authors.is_empty() && !a.body.contains("admin"),
        "{:?} {}",
        a.authors,
        a.body
    );
    // A heading titles what follows it; it signs nothing.
    check_byline("<h3>Hoạt Động Chung</h3>", &[], None);
    // A lone plain word is a label as often as a name; an abbreviation signs.
    check_byline("<p>Loading</p>", &[], None);
    check_byline("<p>PV</p>", &["PV"], None);
    // School and office portals: the one who wrote or collected it, after a label.
    check_byline("<p><strong>ST: Nguyễn Văn An</strong></p>", &["Nguyễn Văn An"], None);
    check_byline("<p><b>Người viết: Trần Thị Bình</b></p>", &["Trần Thị Bình"], None);
    check_byline(
        "<p><strong>Sưu tầm: Phạm Văn Cường</strong></p>",
        &["Phạm Văn Cường"],
        None,
    );
    // The writer and the office they write for.
    check_byline(
        "<p style=\"text-align:right\"><strong>Hồng Nhung - Trung tâm VHTT&amp;TT</strong></p>",
        &["Hồng Nhung"],
        Some("Trung tâm VHTT&TT"),
    );
    // Text and pictures by one reporter: a byline, not a picture's credit.
    check_byline("<p><strong>Tin, ảnh: Minh Anh</strong></p>", &["Minh Anh"], None);
    check_byline("<p><strong>Bài, ảnh: Thu Hà</strong></p>", &["Thu Hà"], None);
    // The writer and the photographer, each after their label.
    check_byline("<p>Tin: Hoàng Anh; Ảnh: Minh Đức</p>", &["Hoàng Anh", "Minh Đức"], None);
    check_byline("<p>Tin bài: Thanh Tâm</p>", &["Thanh Tâm"], None);
    // A plain line longer than a name signs when an author's label opens it.
    check_byline(
        "<p>Tác giả bài viết: Nguyễn Thị Lan - Trường THCS Cầu Giấy</p>",
        &["Nguyễn Thị Lan"],
        Some("Trường THCS Cầu Giấy"),
    );
    // A teacher's label, and a position held after the name: neither is an author.
    check_byline(
        "<p style=\"text-align:right\"><strong>GV: Nguyễn Thị Hoa</strong></p>",
        &["Nguyễn Thị Hoa"],
        None,
    );
    check_byline(
        "<p>Tác giả: Nguyễn Văn An - GV Trường THCS Bình Minh</p>",
        &["Nguyễn Văn An"],
        None,
    );
    // A signature: the name, and the position on a line of its own under it.
    check_byline(
        "<p style=\"text-align:right\"><strong>Nguyễn Văn Bình</strong><br>Hiệu trưởng</p>",
        &["Nguyễn Văn Bình"],
        None,
    );
    // Mass organisations and a school's teams are sources, not people (`Đoàn` alone is a
    // surname).
    check_byline(
        "<p style=\"text-align:right\"><em>Trần Minh Tuấn - Đoàn Thanh niên xã</em></p>",
        &["Trần Minh Tuấn"],
        Some("Đoàn Thanh niên xã"),
    );
    check_byline(
        "<p style=\"text-align:right\"><strong>Tổ Văn phòng</strong></p>",
        &[],
        Some("Tổ Văn phòng"),
    );
    check_byline(
        "<p style=\"text-align:right\"><strong>Đoàn Văn Hậu</strong></p>",
        &["Đoàn Văn Hậu"],
        None,
    );
}

#[test]
fn a_date_closing_the_text_dates_an_article_that_shows_no_other() {
    let page = |end: &str| {
        format!(
            "<html><head><title>Huyện phát động Tết trồng cây năm 2024</title></head><body>\
             <h1>Huyện phát động Tết trồng cây năm 2024</h1><div class=\"noi-dung\">\
             <p>Sáng nay, tại xã Vân Hà, Ủy ban nhân dân huyện tổ chức lễ phát động Tết trồng cây đời đời nhớ ơn Bác Hồ \
             năm 2024 với sự tham gia của đông đảo cán bộ, đoàn viên thanh niên và nhân dân trên địa bàn.</p>\
             <p>Dịp này, huyện phấn đấu trồng mới năm nghìn cây xanh tại các trường học, trụ sở cơ quan, khu dân cư và \
             trên các tuyến đường, góp phần cải thiện môi trường sống của người dân.</p>{end}</div></body></html>"
        )
    };
    let url = "http://huyen.example.gov.vn/tin-tuc/trong-cay.html";
    // The byline and the date in one line, set apart.
    let a = extract_at(
        &page("<p style=\"text-align:right\"><strong>Minh Châu - 15/02/2024</strong></p>"),
        url,
    )
    .article;
    assert_eq!(a.published.as_deref(), Some("2024-02-15"));
    assert_eq!(a.authors, ["Minh Châu"]);
    assert!(!a.body.contains("15/02/2024"), "{}", a.body);
    // The byline, then the date on a line of its own.
    let a = extract_at(&page("<p>Minh Châu</p><p>15/02/2024</p>"), url).article;
    assert_eq!(a.published.as_deref(), Some("2024-02-15"));
    assert_eq!(a.authors, ["Minh Châu"]);
    assert_eq!(a.page_type, PageType::Article);
}

#[test]
fn an_author_named_after_a_label_in_the_metadata_line_above_the_text() {
    let page = |info: &str| {
        format!(
            "<html><head><title>Hội nghị tổng kết công tác năm 2023 của huyện</title></head><body>\
             <h1>Hội nghị tổng kết công tác năm 2023 của huyện</h1><div class=\"info\">{info}</div><div class=\"noi-dung\">\
             <p>Sáng nay, Ủy ban nhân dân huyện tổ chức hội nghị tổng kết công tác năm 2023 và triển khai nhiệm vụ \
             trọng tâm năm 2024 với sự tham gia của lãnh đạo các phòng, ban, đơn vị và các xã.</p>\
             <p>Năm qua, huyện đã hoàn thành và vượt mức nhiều chỉ tiêu kinh tế - xã hội quan trọng, công tác cải \
             cách hành chính tiếp tục được đẩy mạnh.</p></div></body></html>"
        )
    };
    let check = |info: &str, authors: &[&str], source: Option<&str>| {
        let a = extract_at(&page(info), "http://huyen.example.gov.vn/tin-tuc/hoi-nghi.html").article;
        assert_eq!(a.authors, authors, "{info}");
        assert_eq!(a.source.as_deref(), source, "{info}");
        assert!(a.published.is_some(), "{info}");
    };
    check(
        "Tác giả: Nguyễn Văn An | Ngày đăng: 15/01/2024 10:30 | Lượt xem: 125",
        &["Nguyễn Văn An"],
        None,
    );
    check("15/01/2024 10:30 | Tác giả: Lê Thu", &["Lê Thu"], None);
    check(
        "Ngày đăng: 15/01/2024 | Người viết: Trần Bình | Nguồn: Phòng VH-TT",
        &["Trần Bình"],
        Some("Phòng VH-TT"),
    );
    // A user name after an uploader's label is nobody's byline.
    check("Người đăng: admin | 15/01/2024 10:30", &[], None);
    // Unlabelled, a full name beside the date signs; a place or a pen name of two words
    // may stand there too, and does not.
    check("Thứ hai, 15/01/2024 10:30 - Nguyễn Văn An", &["Nguyễn Văn An"], None);
    check("15/01/2024 10:30 | Trần Thị Minh Thu", &["Trần Thị Minh Thu"], None);
    check("Thứ hai, 15/01/2024 10:30 - Hoàng Mai", &[], None);
}

#[test]
fn the_office_a_portal_names_as_author_is_no_person() {
    // Portals fill <meta name="author"> with their owner: the school, the office.
    check_byline(
        "<meta name=\"author\" content=\"Trường THCS Nguyễn Du\"><meta name=\"copyright\" content=\"Trường THCS Nguyễn Du\">",
        &[],
        None,
    );
    check_byline(
        "<meta name=\"author\" content=\"Ban Biên Tập\"><meta name=\"copyright\" content=\"© Cổng thông tin quận\">",
        &[],
        None,
    );
    // An owner with a company's name is no author; a blogger's own name, owner and author
    // at once, is.
    check_byline(
        "<meta name=\"author\" content=\"Muster Verlag GmbH\"><meta name=\"copyright\" content=\"Muster Verlag GmbH\">",
        &[],
        None,
    );
    check_byline(
        "<meta name=\"author\" content=\"Anna Schmidt\"><meta name=\"copyright\" content=\"Anna Schmidt\">",
        &["Anna Schmidt"],
        None,
    );
    // The same meta naming a person, beside the copyright of the office, is the author.
    check_byline(
        "<meta name=\"author\" content=\"Trường Giang\"><meta name=\"copyright\" content=\"Trường THCS Nguyễn Du\">",
        &["Trường Giang"],
        None,
    );
}

/// One-line date cases: a date line under the headline.
fn check_date(date_html: &str, expected: Option<&str>) {
    let html = format!(
        "<html><body><h1>Tiêu đề bài viết thử nghiệm về ngày tháng</h1>{date_html}<div><p>Nội dung bài viết đủ dài, với nhiều câu văn, để trình trích xuất nhận ra đây là phần chính của trang.</p><p>Một đoạn văn nữa, cũng khá dài, nói về những điều khác nhau trong ngày hôm ấy và các ngày sau đó.</p></div></body></html>"
    );
    let a = extract_at(&html, "http://example.org/a.htm").article;
    assert_eq!(a.published.as_deref(), expected, "{date_html}");
}

#[test]
fn date_lines() {
    check_date(
        "<div class=\"date\">Thứ Ba, 05/11/2019 - 13:01</div>",
        Some("2019-11-05T13:01:00+07:00"),
    );
    check_date(
        "<span class=\"time\">05/11/2019 13:01 (GMT+7)</span>",
        Some("2019-11-05T13:01:00+07:00"),
    );
    check_date(
        "<p class=\"ngay-dang\">Hà Nội, ngày 5 tháng 11 năm 2019</p>",
        Some("2019-11-05"),
    );
    check_date("<div class=\"meta\">Cập nhật: 05-11-2019</div>", Some("2019-11-05"));
    check_date(
        "<time datetime=\"2019-11-05T13:01:00+07:00\">5/11</time>",
        Some("2019-11-05T13:01:00+07:00"),
    );
    check_date("<div class=\"date\">05/11/2099 13:01</div>", None);
    // The offset a page states is kept: converted to +07:00, an evening in New York became
    // the next day.
    check_date(
        "<meta property=\"article:published_time\" content=\"2021-11-03T20:00:00-05:00\">",
        Some("2021-11-03T20:00:00-05:00"),
    );
    check_date(
        "<time datetime=\"2021-11-03T23:30:00+01:00\">3. November 2021</time>",
        Some("2021-11-03T23:30:00+01:00"),
    );
    // Yoast's JSON-LD: the dates stand on the WebPage of an @graph with no Article in it.
    check_date(
        r#"<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},{"@type":"WebPage","datePublished":"2021-11-03T09:15:00+00:00","dateModified":"2021-11-04T10:00:00+00:00"}]}</script>"#,
        Some("2021-11-03T09:15:00+00:00"),
    );
    // A page's visible time beats metadata minutes away from it (a CMS stamps the record
    // when saved); a first date elsewhere on the page (today's date in the header) does not
    // hide it, and metadata of the same minute keeps its seconds.
    check_date(
        "<div class=\"clock\">Thứ hai, 04/10/2021 - 10:06</div><meta property=\"article:published_time\" content=\"2018-03-06T16:08:33+0700\"><div class=\"social\"><div class=\"news-date\">Ngày đăng: 06/03/2018 - 16:07</div></div>",
        Some("2018-03-06T16:07:00+07:00"),
    );
    check_date(
        "<meta property=\"article:published_time\" content=\"2018-03-06T16:07:33+0700\"><div class=\"news-date\">06/03/2018 - 16:07</div>",
        Some("2018-03-06T16:07:33+07:00"),
    );
    // An update line is the publication time only when the page shows no other.
    check_date(
        "<div class=\"meta\">Cập nhật: 06/11/2019 09:00</div><div class=\"date\">Đăng lúc 13:01, 05/11/2019</div>",
        Some("2019-11-05T13:01:00+07:00"),
    );
    // A visible German date line.
    check_date("<p class=\"meta\">Datum: 03.11.2021</p>", Some("2021-11-03"));
    // An update line in no date-classed element, just above the text, when it is the only
    // date: the page had none, and read as no article.
    check_date(
        "<div>Cập nhật lúc 15:30 ngày 12/05/2023</div>",
        Some("2023-05-12T15:30:00+07:00"),
    );
    // An update minutes after the metadata's time does not correct it (a visible time of
    // publication would).
    check_date(
        "<meta property=\"article:published_time\" content=\"2019-11-20T13:38:07+07:00\"><div>Cập nhật: 20/11/2019 13:41</div>",
        Some("2019-11-20T13:38:07+07:00"),
    );
}

#[test]
fn regression_a_byline_box_holding_the_date_and_a_zone_abbreviation() {
    // The name was lost for the date beside it, and `EST` was no offset.
    let html = format!(
        "<html lang=\"en-US\"><head><title>Plague cases confirmed</title></head><body><h1>Three cases of plague confirmed</h1>\
         <div class=\"byline\">By Jane Smith | March 3, 2021 at 4:15 p.m. EST</div><div class=\"text\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    );
    let a = extract_at(&html, "https://news.example.com/2021/plague").article;
    assert_eq!(a.authors, ["Jane Smith"]);
    assert_eq!(a.published.as_deref(), Some("2021-03-03T16:15:00-05:00"));
}

#[test]
fn regression_a_labelled_date_in_a_sidebar_box_was_not_read() {
    // A sidebar's facts about the article (`Datum` / `31.01.2022`), the page's only date:
    // the walk leaves sidebars out.
    let page = |sidebar: &str| {
        format!(
            "<html lang=\"de\"><body><h1>Hoch hinaus bei den Hallenmeisterschaften</h1><div class=\"text\"><p>{PROSE}</p><p>{PROSE}</p></div>\
             <div class=\"sidebar\">{sidebar}</div></body></html>"
        )
    };
    let info = "<h6>NEWS INFO</h6><ul><li><div>Datum</div><div>31.01.2022</div></li><li><div>Autor</div><div>Peter Middel</div></li></ul>";
    let a = extract_at(&page(info), "https://verband.example.de/news/detail/hoch-hinaus/").article;
    assert_eq!(a.published.as_deref(), Some("2022-01-31"));
    // Boxes labelling two dates (a list of events) date nothing.
    let events = "<ul><li>Datum: 12.02.2022 Hallenmeeting</li><li>Datum: 19.02.2022 Kreismeisterschaften</li></ul>";
    let a = extract_at(&page(events), "https://verband.example.de/news/detail/hoch-hinaus/").article;
    assert_eq!(a.published, None);
}

#[test]
fn regression_microdata_and_rdfa_dates_on_any_element() {
    // Drupal's RDFa on a `<span>`: the page had no date.
    check_date(
        "<span property=\"schema:dateCreated\" content=\"2022-01-28T12:45:46+00:00\" class=\"rdf-meta\"></span>",
        Some("2022-01-28T12:45:46+00:00"),
    );
    // A product's review dates the review, not the page (a `<meta>` or a `<span>` in it).
    check_date(
        "<div itemprop=\"review\" itemscope itemtype=\"https://schema.org/Review\"><span itemprop=\"author\" content=\"Georg N.\"></span>\
         <meta itemprop=\"datePublished\" content=\"2020-04-10\"><span itemprop=\"datePublished\" content=\"2020-04-11\"></span></div>",
        None,
    );
    // Misnested in its author's `Person`, an article's date is still the page's.
    check_date(
        "<div itemprop=\"author\" itemscope itemtype=\"http://schema.org/Person\"><meta itemprop=\"datePublished\" content=\"2019-11-18T17:01:27Z\"></div>",
        Some("2019-11-18T17:01:27+00:00"),
    );
}

/// One-line cases of the modification time: date lines under the headline.
fn check_modified(date_html: &str, published: Option<&str>, modified: Option<&str>) {
    let html = format!(
        "<html><body><h1>Tiêu đề bài viết thử nghiệm về ngày tháng</h1>{date_html}<div><p>Nội dung bài viết đủ dài, với nhiều câu văn, để trình trích xuất nhận ra đây là phần chính của trang.</p><p>Một đoạn văn nữa, cũng khá dài, nói về những điều khác nhau trong ngày hôm ấy và các ngày sau đó.</p></div></body></html>"
    );
    let a = extract_at(&html, "http://example.org/a.htm").article;
    assert_eq!(
        (a.published.as_deref(), a.modified.as_deref()),
        (published, modified),
        "{date_html}"
    );
}

#[test]
fn an_update_line_the_page_shows_is_its_modification_time() {
    check_modified(
        "<div>Ngày đăng: 10/05/2023 08:00</div><div>Cập nhật: 12/05/2023 09:00</div>",
        Some("2023-05-10T08:00:00+07:00"),
        Some("2023-05-12T09:00:00+07:00"),
    );
    check_modified(
        "<span class=\"date\">Posted: 16/02/2018 18:45</span><span class=\"date\">Updated: 17/02/2018 20:31</span>",
        Some("2018-02-16T18:45:00+07:00"),
        Some("2018-02-17T20:31:00+07:00"),
    );
    // The metadata's modification time comes first.
    check_modified(
        "<meta property=\"article:modified_time\" content=\"2023-05-13T07:00:00+07:00\"><div>Cập nhật: 12/05/2023 09:00</div>",
        Some("2023-05-12T09:00:00+07:00"),
        Some("2023-05-13T07:00:00+07:00"),
    );
    check_modified(
        "<div>Ngày đăng: 10/05/2023 08:00</div>",
        Some("2023-05-10T08:00:00+07:00"),
        None,
    );
    // The update's line above the publication's, its label after `Ngày`.
    check_modified(
        "<div>Ngày cập nhật: 12/05/2023 09:00</div><div>Ngày đăng: 10/05/2023 08:00</div>",
        Some("2023-05-10T08:00:00+07:00"),
        Some("2023-05-12T09:00:00+07:00"),
    );
}

#[test]
fn regression_one_line_with_several_labelled_dates() {
    // The update first: the line was read as the update alone, and its time published.
    check_modified(
        "<div class=\"info\">Cập nhật: 13/03/2024 08:00 - Ngày đăng: 12/03/2024 10:25</div>",
        Some("2024-03-12T10:25:00+07:00"),
        Some("2024-03-13T08:00:00+07:00"),
    );
    // The update after the publication: it was lost.
    check_modified(
        "<div class=\"info\">Ngày đăng: 12/03/2024 | Cập nhật: 13/03/2024 08:00 | Lượt xem: 45</div>",
        Some("2024-03-12"),
        Some("2024-03-13T08:00:00+07:00"),
    );
    check_modified(
        "<p class=\"date\">Written: 2023-11-07 15:03:30 / Updated: 2023-11-07 15:30:46</p>",
        Some("2023-11-07T15:03:30+07:00"),
        Some("2023-11-07T15:30:46+07:00"),
    );
    // A document's issue date is not the page's: it had been read as published.
    check_modified(
        "<div>Ngày ban hành: 01/03/2024 - Ngày đăng: 12/03/2024</div>",
        Some("2024-03-12"),
        None,
    );
}

/// One-line title cases: a portal page with `head` in its `<head>` and `top` above its text.
fn check_title(head: &str, top: &str, expected: &str) {
    let html = format!(
        "<html><head><meta charset=\"utf-8\">{head}</head><body><div class=\"header\"><a href=\"/\">Trang chủ</a> \
         <a href=\"/tin-tuc\">Tin tức</a></div><div class=\"main\">{top}<div class=\"content\"><p>{PROSE}</p><p>{PROSE}</p></div></div>\
         <div class=\"footer\">Cổng thông tin điện tử huyện Mẫu</div></body></html>"
    );
    let a = extract_at(&html, "http://huyen.example.gov.vn/tin-tuc/hoi-nghi-123.html").article;
    assert_eq!(a.title.as_deref(), Some(expected), "{head} {top}");
}

#[test]
fn regression_a_logo_classed_h1_was_taken_for_the_headline() {
    // The `<h1>` shows the site's name, as the `<title>` does; the headline is an `<h2>` in
    // the text's own box, whose words include the district's name.
    const T: &str = "Huyện Bình Minh tổ chức hội nghị tổng kết công tác năm 2023";
    for logo in [
        "<h1 class=\"logo\">UBND HUYỆN BÌNH MINH</h1>",
        "<div class=\"logo\"><img src=\"/logo.png\"><h1>UBND HUYỆN BÌNH MINH</h1></div>",
    ] {
        let html = format!(
            "<html><head><meta charset=\"utf-8\"><title>UBND huyện Bình Minh</title></head><body>{logo}\
             <div class=\"menu\"><a href=\"/\">Trang chủ</a> <a href=\"/tin-tuc\">Tin tức</a></div>\
             <h2>{T}</h2><div>12/03/2024</div><p>{PROSE}</p><p>{PROSE}</p></body></html>"
        );
        let a = extract_at(&html, "http://binhminh.example.gov.vn/tin-tuc/hoi-nghi-123.html").article;
        assert_eq!(a.title.as_deref(), Some(T), "{logo}");
        assert!(a.body.starts_with(&PROSE[..40]), "{logo}: {}", a.body);
    }
}

#[test]
fn a_portals_generic_title_gives_way_to_the_line_heading_the_text() {
    const T: &str = "Huyện tổ chức hội nghị tổng kết công tác năm 2023";
    // The `<title>` is the site's name (its footer says so), the headline a classed `<div>`.
    check_title(
        "<title>Cổng thông tin điện tử huyện Mẫu</title>",
        &format!("<div class=\"title\">{T}</div><div class=\"date\">12/05/2023</div>"),
        T,
    );
    // The `<h1>` is the masthead; the headline an `<h2>`.
    check_title(
        "<title>Cổng thông tin điện tử huyện Mẫu</title>",
        &format!("<h1><a href=\"/\">Cổng thông tin điện tử huyện Mẫu</a></h1><h2>{T}</h2>"),
        T,
    );
    // The `<h1>` is the masthead though it links nowhere: the `<title>`, the site's name,
    // above the headline.
    check_title(
        "<title>Cổng thông tin điện tử huyện Mẫu</title>",
        &format!("<h1>Cổng thông tin điện tử huyện Mẫu</h1><h2>{T}</h2>"),
        T,
    );
    // An `<h1>` showing a short `<title>` below a bold greeting is the page's heading.
    check_title(
        "<title>Giới thiệu chung</title>",
        "<p><strong>Ủy ban nhân dân huyện Mẫu kính chào quý khách</strong></p><h1>Giới thiệu chung</h1>",
        "Giới thiệu chung",
    );
    // A page type's name, and the headline in a classed table cell above the date line.
    check_title(
        "<title>Chi tiết tin</title>",
        &format!("<table><tr><td class=\"title_news\">{T}</td></tr><tr><td>Ngày đăng: 12/05/2023</td></tr></table>"),
        T,
    );
    // A `<title>` of its own stays, whatever bold line stands above the text.
    check_title(
        &format!("<title>{T}</title>"),
        "<p><strong>Hội nghị có sự tham dự của lãnh đạo các phòng ban</strong></p>",
        T,
    );
    // A line in another script (a carousel of greetings) heads no Latin text.
    check_title(
        "<title>pix-bavaria</title>",
        "<h2>صور من ولاية بايرن في ألمانيا</h2>",
        "pix-bavaria",
    );
}

#[test]
fn a_headlines_kicker_subtitle_or_label_is_no_part_of_it() {
    const T: &str = "Huyện tổ chức hội nghị tổng kết công tác năm 2023";
    let og = format!("<meta property=\"og:title\" content=\"{T}\">");
    // A kicker above the headline, in a span or a `<small>` and a line break.
    check_title(&og, &format!("<h1><span class=\"kicker\">Thời sự</span> {T}</h1>"), T);
    check_title(&og, &format!("<h1><small>Thời sự</small><br> {T}</h1>"), T);
    // A subtitle after it, the headline itself in a span.
    check_title(
        &og,
        &format!("<h1><span>{T}</span> <small>Nhiều chỉ tiêu vượt kế hoạch đề ra</small></h1>"),
        T,
    );
    // A date glued to it; a label for screen readers in a wrapper.
    check_title(&og, &format!("<h1><span class=\"date\">12.05.2023</span>{T}</h1>"), T);
    check_title(
        &og,
        &format!("<h1><div class=\"headline\"><span class=\"visually-hidden\">Tiêu đề:</span> {T}</div></h1>"),
        T,
    );
    // Markup inside the headline splits it into parts none of which is nearer the page's title.
    check_title(
        &og,
        "<h1>Huyện tổ chức <em>hội nghị</em> tổng kết công tác năm 2023</h1>",
        T,
    );
    // With no title to compare with, the `<h1>` stays whole.
    check_title(
        "",
        &format!("<h1><span class=\"kicker\">Thời sự</span> {T}</h1>"),
        &format!("Thời sự {T}"),
    );
}

#[test]
fn regression_a_headline_wrapped_in_a_div_inside_the_h1_was_read_into_the_body() {
    let a = extract_at(
        &format!(
            "<html><head><meta charset=\"utf-8\"><meta property=\"og:title\" content=\"Hội nghị tổng kết công tác năm 2023\"></head>\
             <body><div class=\"main\"><h1><div><span>Tiêu đề:</span> Hội nghị tổng kết công tác năm 2023</div></h1>\
             <p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
        ),
        "http://huyen.example.gov.vn/tin-tuc/hoi-nghi-123.html",
    )
    .article;
    assert_eq!(a.title.as_deref(), Some("Hội nghị tổng kết công tác năm 2023"));
    assert!(a.body.starts_with(&PROSE[..40]), "{}", a.body);
    // An `<h1>` left open wraps the text that follows it: that text is no heading.
    let a = extract_at(
        &format!(
            "<html><head><meta charset=\"utf-8\"></head><body><div class=\"main\"><h1>Hội nghị tổng kết công tác năm 2023\
             <div class=\"content\"><p>{PROSE}</p><p>{PROSE}</p></div></div></body></html>"
        ),
        "http://huyen.example.gov.vn/tin-tuc/hoi-nghi-123.html",
    )
    .article;
    assert!(a.body.contains(&PROSE[..40]), "{}", a.body);
}

#[test]
fn title_suffixes_are_removed() {
    let f = |t: &str| strip_site_suffix(t, Some("Báo Chính phủ"), "https://baochinhphu.vn/a.htm");
    assert_eq!(
        f("Thủ tướng chủ trì phiên họp Chính phủ | Báo Chính phủ"),
        "Thủ tướng chủ trì phiên họp Chính phủ"
    );
    assert_eq!(
        strip_site_suffix(
            "Giá vàng hôm nay tăng mạnh - VnExpress",
            None,
            "https://vnexpress.net/a.html"
        ),
        "Giá vàng hôm nay tăng mạnh"
    );
    assert_eq!(
        strip_site_suffix(
            "Hà Nội - Hải Phòng: tuyến cao tốc mới",
            None,
            "https://example.vn/a.html"
        ),
        "Hà Nội - Hải Phòng: tuyến cao tốc mới"
    );
    // Tail by tail, and a one-word headline before the site's own name.
    assert_eq!(
        strip_site_suffix(
            "Lễ hội hoa | Báo Mẫu | Tin nhanh mỗi ngày",
            None,
            "https://baomau.example.vn/a.html"
        ),
        "Lễ hội hoa"
    );
    assert_eq!(
        strip_site_suffix(
            "Bielersee-Winterhechte | petri-heil.ch",
            None,
            "https://www.petri-heil.ch/a"
        ),
        "Bielersee-Winterhechte"
    );
    assert_eq!(
        strip_site_suffix(
            "Ischgl - Trails Magazin",
            Some("Trails Magazin"),
            "https://example.com/a"
        ),
        "Ischgl"
    );
    // A one-word headline stays before a tail that only looks like a site's.
    assert_eq!(
        strip_site_suffix("Ischgl | Sommer 2023", None, "https://example.com/a"),
        "Ischgl | Sommer 2023"
    );
}

/// One-line container cases: the body extracted from a page shell around `inner` must
/// contain `kept` and not `dropped`.
fn check_body(inner: &str, kept: &str, dropped: &str) {
    let html = format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>{inner}</body></html>"
    );
    let page = Page {
        bytes: html.as_bytes(),
        content_type: None,
        url: "http://example.org/a.htm",
        fetched_at: None,
        patterns: None,
    };
    let a = extract(&page, None).article;
    assert!(a.body.contains(kept), "lost {kept:?}: {:?}", a.body);
    assert!(!a.body.contains(dropped), "kept {dropped:?}: {:?}", a.body);
}

const PROSE: &str = "Three cases of plague have been diagnosed, sparking fears about the spread of the disease. \
    Officials say the risk of an outbreak is low, and the patients are being treated in hospital. \
    Health authorities traced the contacts of every patient and found no further infections so far.";

#[test]
fn a_paginated_articles_text_is_not_taken_for_a_pager() {
    check_body(
        &format!(
            "<div class=\"article-body pagination-first\"><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></div><div class=\"pagination\"><a href=\"/2\">2</a> <a href=\"/3\">3</a></div>"
        ),
        "Health authorities traced",
        "\n2",
    );
}

#[test]
fn an_article_inside_a_box_named_for_its_share_buttons_is_kept() {
    // WordPress themes name the article's wrapper after a button row inside it.
    for class in [
        "entry themeform share",
        "entry-content no-share",
        "post-body social-ready print",
    ] {
        check_body(
            &format!(
                "<div class=\"{class}\"><div class=\"share\"><a href=\"/fb\">Facebook</a> <a href=\"/x\">Tweet this story</a></div><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></div>"
            ),
            "Health authorities traced",
            "Tweet this story",
        );
    }
    // A pop-up or a comment box keeps being pruned, however much prose it holds.
    let popup = "Become a member to read every story without advertisements and support our newsroom. ".repeat(10);
    check_body(
        &format!(
            "<div class=\"content\"><p>{PROSE}</p><p>{PROSE}</p></div><div class=\"popup share\"><p>{popup}</p></div>"
        ),
        "Health authorities traced",
        "Become a member",
    );
    check_body(
        &format!(
            "<div class=\"content\"><p>{PROSE}</p><p>{PROSE}</p></div><div class=\"comments share\"><p>{popup}</p></div>"
        ),
        "Health authorities traced",
        "Become a member",
    );
}

#[test]
fn microdata_article_body_wins_over_a_longer_footer_text() {
    let footer = "The Customer Service Center can be contacted with any questions or requests, by telephone, fax or e-mail, on weekdays. ".repeat(6);
    check_body(
        &format!(
            "<div itemprop=\"articleBody\">{PROSE}<br>More text follows here, in one short paragraph.</div><div class=\"site-info\">{footer}</div>"
        ),
        "Health authorities traced",
        "Customer Service Center",
    );
}

#[test]
fn the_intro_sentence_before_a_list_shaped_story_is_kept() {
    let item = "<li><strong>The attorney general is investigating the company.</strong> The company confirmed that it had been contacted by the office, which will focus on its founder.</li>";
    check_body(
        &format!(
            "<div class=\"post\"><p>Good morning! This is the news you need to know today.</p><ol>{}</ol></div><p class=\"note\">Share this: <a href=\"/x\">link</a></p>",
            item.repeat(6)
        ),
        "Good morning! This is the news",
        "Share this",
    );
}

#[test]
fn an_article_split_into_sections_is_read_whole() {
    // A page builder wraps each part of the text in its own section: the best-scored part
    // is one of them, and the article is all of them (but not the link list beside them).
    let section = |text: &str| {
        format!(
            "<section class=\"richtext\"><div class=\"text\"><div class=\"cmp\"><p>{text}</p></div></div></section>"
        )
    };
    let nav = "<ul class=\"latest\"><li><a href=\"/a\">Another story about the weather today</a></li><li><a href=\"/b\">Yet another story about the weather</a></li></ul>";
    let first = PROSE.repeat(3);
    let second = "Doctors in the region were told to report every case of fever with swollen glands at once. ";
    let page = format!(
        "<main><div class=\"grid\">{}{}{}</div><aside>{nav}</aside></main>",
        section(&first),
        section(second),
        section(&PROSE.replace("Three cases", "Four cases"))
    );
    check_body(&page, "Doctors in the region", "Yet another story");
    check_body(&page, "Four cases of plague", "Another story");
}

#[test]
fn a_blogs_tagline_under_its_name_is_not_the_sapo() {
    // The blog's name is the `<h1>`, a link to its home page, and matched the `<title>`: it
    // was taken for the title. Its tagline, classed a description, stood between it and the
    // post's own title and was taken for the sapo.
    let html = format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán | Sổ tay y tế</title></head><body>\
         <div id=\"header\"><h1><a href=\"/\">Sổ tay y tế</a></h1><div id=\"site-description\">Ghi chép về sức khỏe cộng đồng, mỗi tuần một bài</div></div>\
         <div class=\"post\"><h2 class=\"entry-title\">Ba ca dịch hạch được chẩn đoán</h2><div class=\"entry-content\"><p>{PROSE}</p><p>{PROSE}</p></div></div></body></html>"
    );
    let a = extract_html(&html);
    assert_eq!(a.title.as_deref(), Some("Ba ca dịch hạch được chẩn đoán"));
    assert_eq!(a.lead, None);
    assert!(!a.body.contains("Ghi chép về sức khỏe"), "{:?}", a.body);
    assert!(a.body.starts_with("Three cases of plague"), "{:?}", a.body);
}

#[test]
fn a_pictures_credited_caption_is_not_the_sapo() {
    // A caption classed a description, with its credit, stood first under the headline and
    // was taken for the sapo; the sapo-classed paragraph after it is the sapo.
    let html = format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
         <div class=\"image\"><img src=\"/a.jpg\"><div class=\"image-description\">The hospital in the capital. © Example Photo Agency</div></div>\
         <div class=\"intro\">Health officials confirmed three cases of plague on Monday, the first in the region for a decade.</div>\
         <div class=\"text\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    );
    let a = extract_html(&html);
    assert_eq!(
        a.lead.as_deref(),
        Some("Health officials confirmed three cases of plague on Monday, the first in the region for a decade.")
    );
    assert!(!a.body.contains("Example Photo Agency"), "{:?}", a.body);
}

#[test]
fn a_date_line_inside_the_text_is_part_of_it() {
    // An event's date between two paragraphs was dropped as if it dated the article.
    let page = format!(
        "<div class=\"post\"><p>12.02.2020</p><p>{PROSE}</p><p>Termin: 29.02.2020, 19 Uhr</p><p>{}</p></div>",
        PROSE.replace("Three cases", "Four cases")
    );
    check_body(&page, "Termin: 29.02.2020, 19 Uhr", "12.02.2020");
}

#[test]
fn a_small_box_beside_one_section_does_not_cut_the_article_there() {
    // Each row of a page builder's grid holds a wide slot of text and a narrow one: the
    // narrow slot beside the best-scored part added too little, and the climb stopped there,
    // losing the rows before it.
    let row = |main: &str, side: &str| {
        format!(
            "<div class=\"row\"><div class=\"slots\"><div class=\"slot-wide\"><div class=\"box\"><p>{main}</p></div></div><div class=\"slot-narrow\"><div class=\"box\"><p>{side}</p></div></div></div></div>"
        )
    };
    let intro = "Doctors in the region were told to report every case of fever with swollen glands at once.";
    let page = format!(
        "<div class=\"grid\">{}{}</div>",
        row(&format!("{intro} {PROSE}"), "<a href=\"/shop\">Order the report</a>"),
        row(
            &PROSE.replace("Three cases", "Four cases").repeat(3),
            "A short note on sources."
        ),
    );
    check_body(&page, "Doctors in the region", "Order the report");
    // The element that marks the article is where the climb ends, whatever lies beyond.
    let page = format!(
        "<div class=\"main\"><article><div class=\"text\"><p>{}</p></div><p>A short note on sources.</p></article><div class=\"about\"><p>{}</p></div></div>",
        PROSE.repeat(3),
        "The society was founded in 1950 to inform the public about disease. It publishes a weekly letter, runs courses for volunteers, and answers questions from readers on every working day. ".repeat(3)
    );
    check_body(&page, "Health authorities traced", "The society was founded");
}

#[test]
fn a_linked_headline_under_the_article_is_not_a_subheading() {
    // A box of other stories: each headline a heading that is a link.
    check_body(
        &format!(
            "<div class=\"post\"><p>{PROSE}</p><h2>What happens next</h2><p>{PROSE}</p><div class=\"more\"><h3><a href=\"/other\">Heat wave expected to last until the weekend</a></h3></div></div>"
        ),
        "What happens next",
        "Heat wave expected",
    );
}

#[test]
fn the_title_of_a_box_of_links_after_the_text_is_not_part_of_it() {
    let more = "<div class=\"box\"><h2>You might also like</h2><ul><li><a href=\"/x\">Heat wave expected to last until the weekend</a></li><li><a href=\"/y\">Storm warning lifted for the coast tonight</a></li></ul></div>";
    check_body(
        &format!("<div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p>{more}</div>"),
        "Health authorities traced",
        "You might also like",
    );
    // A heading the text ends with, over a picture and no links, stays.
    check_body(
        &format!(
            "<div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p><h3>What comes next</h3><p><img src=\"/a.jpg\"></p></div>"
        ),
        "What comes next",
        "You might also like",
    );
}

#[test]
fn a_pictures_credit_line_is_not_a_paragraph() {
    check_body(
        &format!(
            "<div class=\"post\"><p>{PROSE}</p><div>The hospital in the capital. © Jane Doe / Example Photo Agency</div><p>{PROSE}</p></div>"
        ),
        "Health authorities traced",
        "Example Photo Agency",
    );
}

#[test]
fn hyphenation_hints_are_no_part_of_the_text() {
    check_body(
        &format!(
            "<div class=\"post\"><p>{PROSE}</p><p>The Kon&shy;zept&shy;papier was published on Monday by the ministry of health.</p></div>"
        ),
        "The Konzeptpapier was published",
        "\u{ad}",
    );
}

#[test]
fn another_storys_teaser_is_not_the_lead() {
    let teaser = |text: &str| format!("<div class=\"teaser\"><p>{text}</p></div>");
    let page = |before: &str, after: &str| {
        format!(
            "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body>{before}<h1>Ba ca dịch hạch được chẩn đoán</h1><div class=\"sapo\">Three cases of plague were confirmed in the north of the country on Monday.</div><div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div>{after}</body></html>"
        )
    };
    // A box of other stories above the headline, or below the text: the sapo under the
    // headline is the lead.
    let other = teaser("A heat wave is expected to last until the weekend across the south.");
    for html in [page(&other, ""), page("", &other)] {
        let a = extract_html(&html);
        assert_eq!(
            a.lead.as_deref(),
            Some("Three cases of plague were confirmed in the north of the country on Monday.")
        );
        assert!(!a.body.contains("heat wave"), "{:?}", a.body);
    }
}

/// Regression: a magazine's seventy "recommended" cards under the story, each a kicker, a
/// headline and a dated teaser beside an empty `<a href>` drawn over the card, were read as
/// the story's text (no text was inside a link).
#[test]
fn cards_an_empty_link_covers_are_links_not_text() {
    let card = |n: usize| {
        format!(
            "<li><div class=\"image\"><a href=\"/tin/{n}\"></a><img src=\"/{n}.jpg\"></div><div class=\"text\">\
             <div class=\"topline\">Giao thông</div><a href=\"/tin/{n}\" title=\"Tin {n}\"></a>\
             <div class=\"title\">Thông xe cầu vượt số {n} trước Tết</div>\
             <p><span class=\"date\">05.01.2024</span>Cầu vượt số {n} được thông xe sớm hơn kế hoạch hai tuần, giảm ùn tắc cho cửa ngõ phía nam.</p></div></li>"
        )
    };
    let cards: String = (1..=6).map(card).collect();
    let html = format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
         <div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div><ul class=\"timeline\">{cards}</ul></body></html>"
    );
    let a = extract_html(&html);
    assert!(a.body.contains(PROSE), "{:?}", a.body);
    assert!(!a.body.contains("Cầu vượt số"), "{:?}", a.body);
    assert!(!a.body.contains("Thông xe cầu vượt"), "{:?}", a.body);
}

#[test]
fn regression_a_legacy_image_tables_caption_classed_a_description_was_the_lead() {
    // `<td class="image_desc">` under the picture: the caption was taken for the sapo and
    // stood first in the body.
    let cell = "Đồng chí Chủ tịch UBND huyện phát biểu tại hội nghị";
    let page = |head: &str| {
        format!(
            "<html><head><title>Ba ca dịch hạch được chẩn đoán</title>{head}</head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
             <div class=\"content\"><p>{PROSE}</p><table class=\"image\"><tr><td><img src=\"/a.jpg\"></td></tr>\
             <tr><td class=\"image_desc\">{cell}</td></tr></table><p>{PROSE}</p></div></body></html>"
        )
    };
    let a = extract_html(&page(""));
    assert_eq!(a.lead, None);
    assert!(!a.body.contains(cell), "{:?}", a.body);
    assert_eq!(a.images.iter().find_map(|i| i.caption.as_deref()), Some(cell));
    // A site that writes its summary under the picture says so in its description (here cut
    // short): that caption is the sapo.
    let summary = "Health officials confirmed three cases of plague on Monday, the first in the region for a decade, and asked the district hospitals to report every fever.";
    let a = extract_html(
        &page(&format!(
            "<meta name=\"description\" content=\"{} ...\">",
            &summary[..90]
        ))
        .replace(cell, summary),
    );
    assert_eq!(a.lead.as_deref(), Some(summary));
}

#[test]
fn a_pictures_caption_is_not_the_lead() {
    let a = extract_html(&format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1><figure><img src=\"/a.jpg\"><figcaption class=\"image-desc\">The district hospital where the patients are being treated.</figcaption></figure><div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    ));
    assert_eq!(a.lead, None);
    assert!(!a.body.contains("district hospital"), "{:?}", a.body);
}

#[test]
fn the_trades_words_for_the_sapo_mark_the_lead() {
    for class in [
        "sapo",
        "content__standfirst",
        "article__dek",
        "chapo",
        "sommario",
        "vorspann",
        "entradilla",
    ] {
        let a = extract_html(&format!(
            "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
             <div class=\"{class}\">Three cases of plague were confirmed in the north of the country on Monday.</div>\
             <div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
        ));
        assert_eq!(
            a.lead.as_deref(),
            Some("Three cases of plague were confirmed in the north of the country on Monday."),
            "{class}"
        );
    }
}

#[test]
fn a_sentence_long_heading_under_the_headline_is_the_lead() {
    let page = |sub: &str| {
        format!(
            "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><header><hgroup><h1>Ba ca dịch hạch được chẩn đoán</h1>{sub}</hgroup></header>\
             <aside class=\"embed\"><p class=\"description\">Another story's summary, embedded in the page as a box of its own.</p></aside>\
             <div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
        )
    };
    let a = extract_html(&page(
        "<h2>Three cases of plague were confirmed in the north of the country on Monday.</h2>",
    ));
    assert_eq!(
        a.lead.as_deref(),
        Some("Three cases of plague were confirmed in the north of the country on Monday.")
    );
    assert!(
        a.body.starts_with("Three cases of plague were confirmed"),
        "{:?}",
        a.body
    );
    // A short heading there is a section's or a label's, not a standfirst.
    let a = extract_html(&page("<h2>Health</h2>"));
    assert_ne!(a.lead.as_deref(), Some("Health"));
}

#[test]
fn a_teaser_classed_date_line_is_not_the_lead() {
    let a = extract_html(&format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
         <div class=\"teaser-small__metadata\">VON MAX MUSTER am 21. April 2020</div>\
         <p class=\"lead\">Three cases of plague were confirmed in the north of the country on Monday.</p>\
         <div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    ));
    assert_eq!(
        a.lead.as_deref(),
        Some("Three cases of plague were confirmed in the north of the country on Monday.")
    );
    assert!(!a.body.contains("MAX MUSTER"), "{:?}", a.body);
}

#[test]
fn a_commenters_name_and_a_comment_forms_label_are_no_authors() {
    let page = |extra: &str| {
        format!(
            "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body class=\"single comments-open\"><h1>Ba ca dịch hạch được chẩn đoán</h1><div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div>{extra}</body></html>"
        )
    };
    for extra in [
        "<ul class=\"recentcomments\"><li><span class=\"comment-author-link\">Martin Weber</span> on <a href=\"/x\">Another post</a></li></ul>",
        "<form><p class=\"comment-form-author\"><label for=\"author\">Name</label> <input id=\"author\"></p></form>",
    ] {
        assert_eq!(extract_html(&page(extra)).authors, Vec::<String>::new(), "{extra}");
    }
    // The post's own byline, on a page that takes comments, is read.
    let byline = "<div class=\"post-author\"><a href=\"/author/jd\">Jane Doe</a></div>";
    assert_eq!(extract_html(&page(byline)).authors, vec!["Jane Doe".to_owned()]);
}

#[test]
fn unlabelled_ascii_text_is_english_only_when_it_reads_so() {
    let page = |text: &str| {
        format!(
            "<html><head><title>Ein Titel</title></head><body><h1>Ein Titel</h1><div class=\"post\"><p>{text}</p><p>{text}</p></div></body></html>"
        )
    };
    let german = "Die Stadt hat heute neue Regeln beschlossen, die ab Montag gelten. Der Rat stimmte mit grosser Mehrheit dafuer.";
    assert_eq!(extract_html(&page(german)).language, None);
    assert_eq!(extract_html(&page(PROSE)).language.as_deref(), Some("en"));
    // Typographic quotes, a dash and a currency sign are no letters of another language.
    let typeset = "“Three cases of plague were confirmed in the north on Monday,” health officials said — and the region’s ₹20 crore fund will pay for the tracing.";
    assert_eq!(extract_html(&page(typeset)).language.as_deref(), Some("en"));
    // German with its own letters is still not English.
    let german = "Die Stadt hat heute neue Regeln beschlossen, die ab Montag für alle gelten. Der Rat stimmte mit großer Mehrheit dafür.";
    assert_eq!(extract_html(&page(german)).language, None);
}

#[test]
fn a_camel_case_class_names_a_date_field() {
    // `ArticlePage-datePublished` is a date field, its day and time in two children.
    let html = "<html lang=\"en\"><head><title>Three cases of plague</title>\
        <meta property=\"article:published_time\" content=\"2019-11-20T01:53:14Z\"></head><body>\
        <h1>Three cases of plague</h1><div class=\"ArticlePage-datePublished\">\n<div>Nov. 19, 2019</div>\n<div>5:53 PM</div>\n</div>";
    let a = extract_html(&format!(
        "{html}<div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    ));
    // The page's clock places the UTC time on the publisher's day.
    assert_eq!(a.published.as_deref(), Some("2019-11-19T17:53:14-08:00"));
}

#[test]
fn a_deeply_nested_page_does_not_overflow_the_stack() {
    // The DOM walk recursed once per element: 5,000 nested <div>s (a 30 KB page) aborted a
    // crawl's worker thread, 20,000 nested <span>s `vnnews extract`. Test threads have small
    // stacks, so a recursion this deep would abort here too.
    let para = "Đoạn văn của bài viết, đủ dài để được xem là nội dung chính của trang, nói về hoạt động của quận.";
    for (open, close, n) in [("<div>", "</div>", 5_000), ("<span>", "</span>", 20_000)] {
        let html = format!(
            "<html><head><title>Bài viết</title></head><body>{}<p>{para}</p>{}</body></html>",
            open.repeat(n),
            close.repeat(n)
        );
        let a = extract_at(&html, "http://example.org/a.htm").article;
        assert!(a.body.contains("nội dung chính"), "{open} × {n}: {:?}", a.body);
    }
}

#[test]
fn a_saved_page_inflates_only_to_the_page_cap() {
    // `vnnews extract page.html.gz` inflated without a limit: a 1 MB file that inflates to
    // 1 GiB tried to allocate 1 GiB.
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.html.gz");
    let mut enc = flate2::write::GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::fast());
    enc.write_all(b"<html><body><p>").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..(super::MAX_PAGE_BYTES >> 20) + 4 {
        enc.write_all(&chunk).unwrap();
    }
    enc.finish().unwrap();
    let bytes = super::read_saved_page(&path).unwrap();
    assert_eq!(bytes.len() as u64, super::MAX_PAGE_BYTES);
    assert!(bytes.starts_with(b"<html>"));
}

fn extract_html(html: &str) -> Article {
    extract(
        &Page {
            bytes: html.as_bytes(),
            content_type: Some("text/html; charset=utf-8"),
            url: "http://example.org/van-ban/77.htm",
            fetched_at: None,
            patterns: None,
        },
        None,
    )
    .article
}

/// The extraction of a page served at `url` without a charset label.
fn extract_at(html: &str, url: &str) -> super::Extraction {
    extract(
        &Page {
            bytes: html.as_bytes(),
            content_type: None,
            url,
            fetched_at: None,
            patterns: None,
        },
        None,
    )
}

#[test]
fn a_short_notice_beside_a_box_of_other_notices_is_an_article() {
    // A portal's notice: two lines and an attachment under its headline, ten other notices'
    // headlines in a box beside it. It read as a listing (many headline links, no prose).
    let others: String = (1..=10)
        .map(|i| format!("<li><a href=\"/thong-bao/tb-{i}.html\">Thông báo lịch tiếp công dân định kỳ của lãnh đạo huyện tháng {i}</a></li>"))
        .collect();
    let page = format!(
        "<html><head><title>Thông báo lịch tiếp công dân tháng 5 năm 2023</title></head><body>\
         <h1>Thông báo lịch tiếp công dân tháng 5 năm 2023</h1><div class=\"ngay-dang\">05/05/2023</div>\
         <div class=\"noi-dung\"><p>Ủy ban nhân dân huyện thông báo lịch tiếp công dân định kỳ tháng 5 năm 2023 của Chủ tịch \
         và các Phó Chủ tịch tại trụ sở tiếp công dân huyện.</p><p>Tệp đính kèm: <a href=\"/files/tb.pdf\">tb.pdf</a></p></div>\
         <div class=\"box\"><h3>Thông báo khác</h3><ul>{others}</ul></div></body></html>"
    );
    let e = extract_at(&page, "http://huyen.example.gov.vn/thong-bao/tb-11.html");
    assert_eq!(e.article.page_type, PageType::Article, "{}", e.page_type.rule);
    assert!(
        e.article.body.contains("lịch tiếp công dân định kỳ tháng 5"),
        "{}",
        e.article.body
    );
    // The box alone, under a section's name, is the section's listing.
    let section = format!(
        "<html><head><title>Thông báo</title></head><body><h1>Thông báo</h1><div class=\"ngay-dang\">05/05/2023</div>\
         <ul>{others}</ul></body></html>"
    );
    let e = extract_at(&section, "http://huyen.example.gov.vn/thong-bao.html");
    assert_eq!(e.article.page_type, PageType::Listing, "{}", e.page_type.rule);
}

#[test]
fn a_notice_whose_substance_is_its_attached_document_is_an_article() {
    // `Xem chi tiết tại file đính kèm` and the plan itself as a PDF, linked or shown in a
    // frame: no text of 100 characters, so the other plans' headlines beside it made the
    // page a listing.
    let others: String = (1..=10)
        .map(|i| {
            format!(
                "<li><a href=\"/van-ban/kh-{i}.html\">Kế hoạch tổ chức hoạt động chào mừng ngày lễ lớn số {i}</a></li>"
            )
        })
        .collect();
    let page = |document: &str| {
        format!(
            "<html><head><title>Kế hoạch tổ chức các hoạt động chào mừng kỷ niệm ngày thành lập Đảng</title></head><body>\
             <h1>Kế hoạch tổ chức các hoạt động chào mừng kỷ niệm ngày thành lập Đảng</h1>\
             <div class=\"ngay-dang\">15/01/2024</div><div class=\"noi-dung\"><p>Xem chi tiết tại file đính kèm.</p>\
             {document}</div><div class=\"box\"><h3>Văn bản khác</h3><ul>{others}</ul></div></body></html>"
        )
    };
    let url = "http://huyen.example.gov.vn/van-ban/kh-12.html";
    for document in [
        "<p><a href=\"/files/kh-12.pdf\">Tải về</a></p>",
        "<iframe src=\"/files/kh-12.pdf\"></iframe>",
        "<iframe src=\"/viewer.html?file=/files/kh-12.pdf\"></iframe>",
    ] {
        let e = extract_at(&page(document), url);
        assert_eq!(
            e.article.page_type,
            PageType::Article,
            "{document}: {}",
            e.page_type.rule
        );
        assert_eq!(e.page_type.evidence.attachments, 1, "{document}");
        assert!(
            e.article.attachments[0].url.ends_with("/files/kh-12.pdf"),
            "{document}: {:?}",
            e.article.attachments
        );
    }
    // Without a document, one line under a headline is no article.
    let e = extract_at(&page(""), url);
    assert_ne!(e.article.page_type, PageType::Article, "{}", e.page_type.rule);
}

#[test]
fn a_short_article_with_the_other_stories_listed_after_it_in_its_cell_is_an_article() {
    // A legacy portal: the headline, the date, two paragraphs and the byline, then
    // `Các tin đã đưa` — ten headlines — in the same table cell. The links were a third of
    // the cell's text, so it read as a listing (`many headline links and no dominant prose`).
    let others: String = (1..=10)
        .map(|i| {
            format!("<p>- <a href=\"/tin/{i}.html\">Huyện tổ chức hội nghị triển khai nhiệm vụ công tác tháng {i}</a> ({i}/02/2024)</p>")
        })
        .collect();
    let page = format!(
        "<html><head><title>Huyện phát động Tết trồng cây đời đời nhớ ơn Bác Hồ</title></head><body><table><tr>\
         <td class=\"left\"><a href=\"/\">Trang chủ</a><br><a href=\"/tin\">Tin tức</a></td><td class=\"main\">\
         <b class=\"title\">Huyện phát động Tết trồng cây đời đời nhớ ơn Bác Hồ</b><br><i>15/02/2024 10:30</i>\
         <p>Sáng 15/2, tại xã Vân Hà, Ủy ban nhân dân huyện tổ chức lễ phát động Tết trồng cây đời đời nhớ ơn Bác Hồ \
         năm 2024 với sự tham gia của đông đảo cán bộ và nhân dân.</p><p>Dịp này, huyện phấn đấu trồng mới năm nghìn \
         cây xanh tại các trường học, trụ sở cơ quan, khu dân cư và các tuyến đường trên địa bàn.</p>\
         <p style=\"text-align:right\"><b>Minh Châu</b></p><p><b>Các tin đã đưa:</b></p>{others}</td></tr></table></body></html>"
    );
    let e = extract_at(&page, "http://huyen.example.gov.vn/tin/99.html");
    assert_eq!(e.article.page_type, PageType::Article, "{}", e.page_type.rule);
    assert!(e.page_type.evidence.headlines_after_text);
    assert_eq!(e.article.authors, ["Minh Châu"]);
}

#[test]
fn a_table_of_documents_each_row_a_link_is_a_listing() {
    // A portal's document list: number (a link), date, summary, download — no teaser has a
    // headline-sized link, and the unlinked summaries read as text.
    let subjects = [
        "Về việc ban hành kế hoạch kiểm tra nội bộ trường học năm học 2023 - 2024",
        "Về việc thành lập tổ công tác chuyển đổi số trong các cơ sở giáo dục trên địa bàn huyện",
        "Về việc tổ chức hội thi giáo viên dạy giỏi cấp huyện bậc trung học cơ sở",
        "Về việc phân công nhiệm vụ cán bộ quản lý, giáo viên và nhân viên nhà trường",
        "Về việc ban hành quy chế chi tiêu nội bộ và quản lý tài sản công của đơn vị",
        "Về việc kiện toàn hội đồng thi đua khen thưởng và hội đồng kỷ luật của trường",
    ];
    let rows: String = subjects
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "<tr><td>{n}</td><td><a href=\"/van-ban/{n}.html\">{n}/QĐ-THCS</a></td><td>0{n}/09/2023</td><td>{s}</td>\
                 <td><a href=\"/files/{n}.pdf\">Tải về</a></td></tr>",
                n = i + 1
            )
        })
        .collect();
    let page = format!(
        "<html><head><title>Văn bản của nhà trường</title></head><body><h1>Văn bản của nhà trường</h1>\
         <div class=\"noi-dung\"><table><tr><th>STT</th><th>Số hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th>\
         <th>Tệp</th></tr>{rows}</table></div></body></html>"
    );
    let e = extract_at(&page, "http://thcs.example.edu.vn/van-ban.html");
    assert_eq!(e.article.page_type, PageType::Listing, "{}", e.page_type.rule);
}

#[test]
fn a_list_of_questions_each_with_the_same_link_to_its_answer_is_a_listing() {
    // A portal's questions and answers: each question a paragraph of its own, each followed
    // by `Xem trả lời` to the answer's page — no headline links, and the questions ran
    // together as one run of prose.
    let items: String = (1..=8)
        .map(|i| {
            format!(
                "<div class=\"qa\"><p><b>Hỏi:</b> Tôi muốn hỏi về thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ tại xã \
                 thì cần chuẩn bị những giấy tờ gì và nộp ở đâu? (Người hỏi: Nguyễn Văn Bình, ngày {i}/01/2024)</p>\
                 <p><a href=\"/hoi-dap/{i}.html\">Xem trả lời</a></p></div>"
            )
        })
        .collect();
    let page = format!(
        "<html><head><title>Hỏi đáp</title></head><body><h1>Hỏi đáp</h1><div class=\"noi-dung\">{items}</div></body></html>"
    );
    let e = extract_at(&page, "http://huyen.example.gov.vn/trang/hoi-dap.html");
    assert_eq!(e.article.page_type, PageType::Listing, "{}", e.page_type.rule);
    assert_eq!(e.page_type.evidence.item_links, 8);
}

#[test]
fn a_documents_record_table_alone_does_not_make_an_article() {
    // A document's page: its fields as a small table, a date, nothing to read.
    let rows = [
        ("Tiêu đề văn bản", "Kế hoạch hoạt động năm học"),
        ("Số hiệu", "77/KH-THCS"),
        ("Ngày ban hành", "07/10/2020"),
        ("Trạng thái", "Đã có hiệu lực"),
        ("Người ký", "Nguyễn Văn Bình"),
        ("Tài liệu đính kèm", "Tải về"),
        ("Cơ quan ban hành", "Trường Trung học cơ sở Nguyễn Du"),
        (
            "Trích yếu",
            "Kế hoạch hoạt động năm học của nhà trường về dạy học, giáo dục đạo đức, kỹ năng sống và phong trào thi đua",
        ),
        ("Lĩnh vực", "Giáo dục và đào tạo"),
    ];
    let cells: String = rows
        .iter()
        .map(|(k, v)| format!("<tr><td>{k}</td><td>{v}</td></tr>"))
        .collect();
    let page = |extra: &str| {
        format!(
            "<html><head><title>Kế hoạch hoạt động năm học</title><meta property=\"og:type\" content=\"article\"></head>\
             <body><h1>Kế hoạch hoạt động năm học</h1><div class=\"noi-dung\"><table>{cells}</table>{extra}</div></body></html>"
        )
    };
    let a = extract_html(&page(""));
    // Long enough that, counted as prose, it would make the page an article.
    assert!(a.body.chars().count() >= 300, "{}", a.body);
    assert_ne!(a.page_type, PageType::Article, "{}", a.body);
    assert!(a.body.contains("Số hiệu | 77/KH-THCS"), "{}", a.body);
    // With prose beside it, the same table is part of an article.
    let prose = "<p>Nhà trường xây dựng kế hoạch hoạt động năm học với các mục tiêu về chất lượng dạy và học, cơ sở vật chất, đội ngũ giáo viên và phong trào thi đua.</p>"
        .repeat(3);
    let a = extract_html(&page(&prose));
    assert_eq!(a.page_type, PageType::Article, "{}", a.body);
    assert_eq!(a.tables.len(), 1);
    assert_eq!(a.tables[0].rows[1], ["Số hiệu", "77/KH-THCS"]);
}

#[test]
fn text_outside_the_html_element_is_not_a_paragraph() {
    let prose = format!("<p>{PROSE}</p>").repeat(3);
    let html = format!(
        "<%@ Page Language=\"C#\" Inherits=\"Portal.Article\" %>\n<!DOCTYPE html><html><head><title>Ba ca dịch hạch</title></head><body><h1>Ba ca dịch hạch</h1>{prose}</body></html>\n<!-- served in 12 ms --> cache: HIT node-07"
    );
    let a = extract_html(&html);
    assert!(a.body.starts_with("Three cases of plague"), "{}", a.body);
    assert!(
        !a.body.contains("Page Language") && !a.body.contains("cache: HIT"),
        "{}",
        a.body
    );
    // Markup before <html> stays the parser's to place: a page that opens with its body
    // and only then says <html> keeps that text.
    let html = format!("<div><p>{PROSE}</p></div><html><body><p>{PROSE}</p></body></html>");
    assert_eq!(extract_html(&html).body.matches("Three cases").count(), 2);
}

#[test]
fn a_photo_storys_figcaptions_are_its_body_and_other_figcaptions_are_not() {
    let caption = |i: usize| {
        format!(
            "<figure><img src=\"/anh/{i}.jpg\"><figcaption>Ảnh số {i}: người dân dạo bộ dưới hàng cây đang chuyển màu lá, phố phường rực rỡ trong nắng chiều cuối thu.</figcaption></figure>"
        )
    };
    let figures: String = (1..=6).map(caption).collect();
    let story = format!(
        "<html><head><title>Phố mùa thu</title></head><body><article><h1>Phố mùa thu</h1>\
         <p class=\"date\">08/11/2023 15:58</p><p>Những ngày cuối thu, phố phường khoác màu vàng.</p>{figures}</article></body></html>"
    );
    let a = extract_html(&story);
    assert_eq!(a.page_type, PageType::Article, "{}", a.body);
    for i in 1..=6 {
        assert!(
            a.body.contains(&format!("Ảnh số {i}:")),
            "caption {i} missing: {}",
            a.body
        );
    }
    // In an article of prose, a figcaption (of a video, a chart) stays out of the body.
    let prose = format!("<p>{PROSE}</p>").repeat(4);
    let article = format!(
        "<html><head><title>Ba ca dịch hạch</title></head><body><article><h1>Ba ca dịch hạch</h1>{prose}\
         <figure><video src=\"/v.mp4\"></video><figcaption>A nurse walks past the ward where the patients are treated.</figcaption></figure>{prose}</article></body></html>"
    );
    let a = extract_html(&article);
    assert!(a.body.contains("Health authorities traced"), "{}", a.body);
    assert!(!a.body.contains("A nurse walks past"), "{}", a.body);
}

#[test]
fn regression_a_caption_closed_by_a_credit_in_parentheses_was_text() {
    // Captions in paragraphs of their own between the text's, each closed by its credit.
    let captions = [
        "China has warned it will take control of Hong Kong (Image: GETTY )",
        "The protests kicked off in June and have grown in size (Image: GETTY)",
    ];
    let article = format!(
        "<html><head><title>Troops sent to Hong Kong</title></head><body><h1>Troops sent to Hong Kong</h1><div class=\"text\">\
         <p>{PROSE}</p><p>{}</p><p>{PROSE}</p><p>{}</p><p>{PROSE}</p></div></body></html>",
        captions[0], captions[1]
    );
    let a = extract_html(&article);
    assert!(a.body.contains("Health authorities traced"), "{}", a.body);
    for c in captions {
        assert!(!a.body.contains(c), "{c}: {}", a.body);
    }
    // A source closing a paragraph is no picture's credit.
    let sourced = format!(
        "<html><head><title>Troops sent to Hong Kong</title></head><body><h1>Troops sent to Hong Kong</h1><div class=\"text\">\
         <p>{PROSE}</p><p>The investigation into the second case goes on. (Quelle: SWR)</p><p>{PROSE}</p></div></body></html>"
    );
    assert!(extract_html(&sourced).body.contains("(Quelle: SWR)"));
    // A photo story told in such captions keeps them: they are its text.
    let story: String = (1..=6)
        .map(|i| format!("<p><img src=\"/{i}.jpg\"></p><p>Người dân đổ về trung tâm thành phố đón Giáng sinh, đường phố rực rỡ ánh đèn, điểm số {i}. (Ảnh: Mạnh Quân)</p>"))
        .collect();
    let a = extract_html(&format!(
        "<html><head><title>Không khí Giáng sinh</title></head><body><article><h1>Không khí Giáng sinh</h1>\
         <p>Nhà thờ khắp cả nước rực rỡ ánh đèn đón người dân.</p>{story}</article></body></html>"
    ));
    for i in 1..=6 {
        assert!(a.body.contains(&format!("điểm số {i}.")), "caption {i}: {}", a.body);
    }
}

#[test]
fn regression_a_hover_card_inside_a_sentence_made_its_paragraph_a_box_of_links() {
    // A name in the sentence carries a card a script shows over it: the person's photo and
    // latest stories. The sentence (wrapped in a span of its own, or not) is text; the card
    // is not.
    let card = "<span class=\"rollover-people\"><a href=\"/people/ilhan-omar\">Ilhan Omar</a><span class=\"rollover-people-block\"><span class=\"rollover-block\"><span><img src=\"/omar.jpg\" alt=\"\"><a class=\"name\" href=\"/people/ilhan-omar\">Ilhan Omar</a>\
        <a href=\"/policy/1-progressives-oppose-funding-bill\">Progressives oppose funding bill over surveillance authority as senators call for coordinator</a> \
        <a href=\"/policy/2-progressives-oppose-stopgap\">Progressives oppose spending stopgap measure over surveillance authority extension</a> \
        <a href=\"/news/3-omar-asks-court\">Omar asks court to apply a system of compassion in sentencing man who threatened her</a></span></span></span></span>";
    for wrap in [("", ""), ("<span style=\"font-weight: 400;\">", "</span>")] {
        let html = format!(
            "<html><head><title>Man pleads guilty to threatening Omar</title></head><body><h1>Man pleads guilty to threatening Omar</h1><div class=\"text\">\
             <p>{}A New York man pleaded guilty to charges he threatened to kill Rep. {card} (D-Minn.), the U.S. Attorney’s Office announced Monday.{}</p><p>{PROSE}</p><p>{PROSE}</p></div></body></html>",
            wrap.0, wrap.1
        );
        let a = extract_html(&html);
        assert!(a.body.contains("A New York man pleaded guilty"), "{wrap:?}: {}", a.body);
        assert!(!a.body.contains("Progressives oppose"), "{wrap:?}: {}", a.body);
    }
}

#[test]
fn regression_a_paragraph_of_sentences_dense_in_links_was_dropped() {
    let linked = "<p>Monday’s best deals include <a href=\"/2019/11/18/macbook-sale/\">various MacBook models from $700 at Amazon</a>. \
        You’ll also find <a href=\"/2019/11/17/airpods-deals/\">AirPods 2 with wireless charging case for $150</a> and \
        <a href=\"/2019/11/18/ecobee-pricing/\">Black Friday pricing on ecobee thermostats from $139</a>. All that and more is below.</p>";
    // Two headlines linked in a line of their own are another box's, as before.
    let headlines = "<p><a href=\"/2019/11/16/ipad-deals/\">Best iPad deals of the week so far, from Amazon and Best Buy</a> \
        <a href=\"/2019/11/15/watch-deals/\">Apple Watch Series 5 sees its first discount at Amazon this weekend</a></p>";
    let a = extract_html(&format!(
        "<html><head><title>MacBook deals</title></head><body><h1>MacBook deals</h1><div class=\"post-body\">{linked}<p>{PROSE}</p><p>{PROSE}</p>{headlines}</div></body></html>"
    ));
    assert!(a.body.contains("Monday’s best deals include"), "{}", a.body);
    assert!(!a.body.contains("Best iPad deals"), "{}", a.body);
}

#[test]
fn a_pictures_caption_does_not_outweigh_a_paragraph_of_the_same_size() {
    // A paywalled story: a picture with a long caption in the header, one paragraph below.
    let a = extract_html(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
         <div class=\"media\"><figure><img src=\"/a.jpg\"><figcaption>The district hospital where the three patients are being treated, seen from the road on Monday morning.</figcaption></figure></div>\
         <div class=\"post\"><p>Three cases of plague were confirmed in the north of the country on Monday, health officials said.</p></div></body></html>",
    );
    assert!(a.body.contains("Three cases of plague"), "{:?}", a.body);
}

#[test]
fn a_legacy_portals_listing_of_teasers_in_table_cells_is_no_article() {
    // Ten items, each one cell: a headline link, a date in brackets, a summary ending "...".
    let items: String = (0..10)
        .map(|i| {
            format!(
                "<tr><td><img src=\"/img/{i}.jpg\"></td><td><a href=\"/tin-tuc/bai-{i}.htm\">Ủy ban nhân dân quận tổ chức hội nghị số {i} về công tác cải cách hành chính</a> \
                 <span>({:02}/11/2019)</span><br>Sáng nay, Ủy ban nhân dân quận đã tổ chức hội nghị tổng kết công tác cải cách hành chính năm 2019, triển khai nhiệm vụ năm 2020 với sự tham dự của các đơn vị...</td></tr>",
                i + 1
            )
        })
        .collect();
    let page = format!(
        "<html><head><title>Tin tức - Sự kiện</title></head><body><table><tr><td><h1>Tin tức - Sự kiện</h1><table>{items}</table>\
         <div>Trang: <a href=\"?page=2\">2</a> <a href=\"?page=3\">3</a></div></td></tr></table></body></html>"
    );
    let x = extract_at(&page, "http://quan.example.vn/tin-tuc/danh-sach.htm");
    assert_eq!(x.article.page_type, PageType::Listing, "{:?}", x.page_type);
    assert!(x.page_type.rule.contains("teasers"), "{}", x.page_type.rule);
    // An article whose paragraphs each hold a link of their own is still an article: its
    // paragraphs differ in size.
    let paragraphs: String = [120, 340, 200, 460, 260, 150]
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                "<p>Theo <a href=\"/van-ban/{i}.htm\">Quyết định số {i} của Ủy ban nhân dân</a>, {}</p>",
                "quận triển khai nhiều hoạt động thiết thực ".repeat(n / 40)
            )
        })
        .collect();
    let article = format!(
        "<html><head><title>Quận triển khai</title></head><body><h1>Quận triển khai</h1><div class=\"date\">05/11/2019 13:01</div><div>{paragraphs}</div></body></html>"
    );
    assert_eq!(extract_html(&article).page_type, PageType::Article);
}

#[test]
fn a_json_ld_article_with_little_text_on_the_page_is_still_an_article() {
    // A paywalled story: its JSON-LD names it, one teaser paragraph stands in the HTML, and a
    // menu and a box of other stories bring many headline links.
    let other: String = (0..12)
        .map(|i| format!("<li><a href=\"/tin/{i}.htm\">Một tin khác của chuyên mục kinh tế số {i}</a></li>"))
        .collect();
    let page = |headline: &str| {
        format!(
            "<html><head><title>Giá điện tăng từ tháng sau - Báo Mẫu</title>\
             <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"{headline}\",\"datePublished\":\"2023-05-08T15:58:00+07:00\"}}</script></head>\
             <body><ul>{other}</ul><h1>Giá điện tăng từ tháng sau</h1><p>Bộ Công Thương vừa công bố mức giá điện mới.</p>\
             <div class=\"paywall\">Đăng nhập để đọc tiếp</div></body></html>"
        )
    };
    let x = extract_at(
        &page("Giá điện tăng từ tháng sau"),
        "http://bao.example.vn/kinh-te/gia-dien-tang.htm",
    );
    assert_eq!(x.article.page_type, PageType::Article, "{:?}", x.page_type);
    assert!(x.page_type.rule.contains("JSON-LD"), "{}", x.page_type.rule);
    // JSON-LD of another story (a page featuring it) says nothing about this page.
    let x = extract_at(
        &page("Xăng dầu giảm giá lần thứ ba"),
        "http://bao.example.vn/kinh-te/gia-dien-tang.htm",
    );
    assert_ne!(x.article.page_type, PageType::Article, "{:?}", x.page_type);
}

#[test]
fn a_few_related_headlines_inside_an_article_make_no_listing() {
    let para = |i: usize| {
        format!(
            "<p>Đoạn {i}: Ủy ban nhân dân quận tổ chức hội nghị tổng kết công tác cải cách hành chính, \
             đánh giá kết quả đạt được và đề ra nhiệm vụ trọng tâm cho năm tới.</p>"
        )
    };
    let headline = |i: usize| {
        format!("<p><a href=\"/tin/{i}.htm\">Quận công bố kết quả chỉ số cải cách hành chính số {i}</a></p>")
    };
    let page = |items: &str| {
        format!(
            "<html><head><title>Quận tổng kết cải cách hành chính</title></head><body><h1>Quận tổng kết cải cách hành chính</h1>\
             <div class=\"date\">05/11/2019 13:01</div><div>{items}</div></body></html>"
        )
    };
    let type_of = |html: &str| extract_at(html, "http://quan.example.vn/tin/tong-ket.htm");
    // Five paragraphs in a row, then three related headlines each between paragraphs.
    let article: String = (0..5)
        .map(para)
        .chain((5..8).flat_map(|i| [headline(i), para(i)]))
        .collect();
    let x = type_of(&page(&article));
    assert_eq!(x.article.page_type, PageType::Article, "{:?}", x.page_type);
    // A short article with a box of three related stories, each a headline and a line of
    // summary, set between its paragraphs.
    let short: String = std::iter::once(para(0))
        .chain((1..4).flat_map(|i| [headline(i), format!("<p>Tóm tắt ngắn của tin số {i}.</p>")]))
        .chain(std::iter::once(para(4)))
        .collect();
    let x = type_of(&page(&short));
    assert_eq!(x.article.page_type, PageType::Article, "{:?}", x.page_type);
    // Four headlines each with a one-paragraph summary is a small listing still.
    let listing: String = (0..4).flat_map(|i| [headline(i), para(i)]).collect();
    let x = type_of(&page(&listing));
    assert_eq!(x.article.page_type, PageType::Listing, "{:?}", x.page_type);
}

#[test]
fn a_short_dated_post_is_an_article_unless_the_page_lists_other_stories() {
    let page = |menu: &str| {
        format!(
            "<html><head><title>Lịch tiếp dân tháng 12</title>\
             <meta property=\"article:published_time\" content=\"2023-12-01T08:00:00+07:00\"></head>\
             <body>{menu}<h1>Lịch tiếp dân tháng 12</h1><p>Lãnh đạo phường tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở.</p></body></html>"
        )
    };
    let x = extract_html(&page(""));
    assert_eq!(x.page_type, PageType::Article, "{}", x.body);
    assert!(x.body.contains("sáng thứ Năm"), "{}", x.body);
    let menu: String = (0..12)
        .map(|i| format!("<li><a href=\"/tin/{i}.htm\">Thông báo của Ủy ban nhân dân phường số {i}</a></li>"))
        .collect();
    assert_ne!(
        extract_html(&page(&format!("<ul>{menu}</ul>"))).page_type,
        PageType::Article
    );
}

#[test]
fn a_short_post_at_a_dated_address_is_an_article() {
    let menu: String = (0..10)
        .map(|i| format!("<li><a href=\"/2019/10/{i}/bai-khac\">Một bài viết khác của trang nhật ký số {i}</a></li>"))
        .collect();
    let html = format!(
        "<html><head><title>Mưa lớn</title></head><body><ul>{menu}</ul><h1>Mưa lớn</h1>\
         <p>Sáng nay trời mưa lớn, con đường trước nhà ngập gần nửa mét, xe cộ phải đi vòng qua ngõ bên cạnh.</p></body></html>"
    );
    let type_at = |url: &str| extract_at(&html, url).article.page_type;
    assert_eq!(
        type_at("https://blog.example.org/2021/03/08/mua-lon/"),
        PageType::Article
    );
    assert_ne!(type_at("https://blog.example.org/mua-lon/"), PageType::Article);
}

#[test]
fn paragraphs_each_marked_as_the_article_body_are_read_together() {
    let p = |i: usize| format!("<p class=\"text\" itemprop=\"articleBody\">Đoạn {i}. {PROSE}</p>");
    let a = extract_html(&format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
         <main>{}<div class=\"interceptor\"></div><h2 class=\"subtitle\">Điều tra nguồn lây</h2>{}{}</main></body></html>",
        p(1),
        p(2),
        p(3)
    ));
    for i in 1..=3 {
        assert!(a.body.contains(&format!("Đoạn {i}.")), "{i}: {:?}", a.body);
    }
}

#[test]
fn a_foreign_pages_clock_takes_the_offset_it_states_and_vietnams_only_on_vietnamese_pages() {
    let page = |lang: &str, meta: &str, line: &str, text: &str| {
        format!(
            "<html lang=\"{lang}\"><head><title>Ba ca dịch hạch được chẩn đoán</title>{meta}</head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
             <p class=\"date\">{line}</p><div class=\"post\"><p>{text}</p><p>{text}</p></div></body></html>"
        )
    };
    let modified = "<meta property=\"article:modified_time\" content=\"2021-11-04T10:00:00+01:00\">";
    let english = page("en", modified, "November 3, 2021 at 5:12 pm", PROSE);
    assert_eq!(
        extract_html(&english).published.as_deref(),
        Some("2021-11-03T17:12:00+01:00")
    );
    // No offset anywhere: the day, and the clock reading in a warning.
    let english = page("en", "", "November 3, 2021 at 5:12 pm", PROSE);
    let a = extract_html(&english);
    assert_eq!(a.published.as_deref(), Some("2021-11-03"));
    assert!(
        a.warnings.iter().any(|w| w.contains("2021-11-03 17:12")),
        "{:?}",
        a.warnings
    );
    // A Vietnamese page's clock is Vietnam's.
    let vietnamese = page(
        "vi",
        modified,
        "03/11/2021 17:12",
        "Ba ca dịch hạch được xác nhận tại miền Bắc vào thứ Hai, các quan chức y tế cho biết. Cơ quan y tế đã truy vết những người tiếp xúc gần.",
    );
    assert_eq!(
        extract_html(&vietnamese).published.as_deref(),
        Some("2021-11-03T17:12:00+07:00")
    );
    // A page that names no language, its text plainly not Vietnamese: not Vietnam's clock.
    let german = "<html><head><title>Stadtrat beschließt neuen Haushalt</title></head><body>\
        <h1>Stadtrat beschließt neuen Haushalt</h1><p class=\"date\">03.11.2021, 17:12 Uhr</p><div class=\"post\">\
        <p>Der Stadtrat hat am Donnerstag den Haushalt beschlossen, der mehr Geld für Schulen und Straßen vorsieht \
        und die Steuern für die meisten Bürger stabil hält.</p><p>Die Opposition kritisierte die geplanten Ausgaben \
        für neue Verwaltungsgebäude und forderte eine Überprüfung im kommenden Frühjahr.</p></div></body></html>";
    let a = extract_at(german, "http://www.example.de/politik/haushalt.html").article;
    assert_eq!(a.published.as_deref(), Some("2021-11-03"));
    // A host under `.vn` keeps Vietnam's clock in any language (an English edition).
    let a = extract_at(
        &page("en", "", "November 3, 2021 at 5:12 pm", PROSE),
        "https://e.example.vn/news/plague.html",
    )
    .article;
    assert_eq!(a.published.as_deref(), Some("2021-11-03T17:12:00+07:00"));
}

#[test]
fn a_time_stated_in_utc_keeps_the_day_its_publisher_dated_it() {
    // Metadata in UTC, the page's line in the publisher's clock: kept in UTC, the evening
    // story was dated the next day.
    let page = |meta_time: &str, line: &str| {
        format!(
            "<html lang=\"en\"><head><title>Ba ca dịch hạch được chẩn đoán</title>\
             <meta property=\"article:published_time\" content=\"{meta_time}\"></head><body>\
             <h1>Ba ca dịch hạch được chẩn đoán</h1><p class=\"date\">{line}</p>\
             <div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
        )
    };
    let a = extract_html(&page(
        "2023-11-09T05:30:59Z",
        "Published November 8, 2023 at 11:30 p.m.",
    ));
    assert_eq!(a.published.as_deref(), Some("2023-11-08T23:30:59-06:00"));
    // A line that says its clock is GMT gives no other offset.
    let a = extract_html(&page("2023-11-09T05:30:59Z", "November 9, 2023 03:30 GMT"));
    assert_eq!(a.published.as_deref(), Some("2023-11-09T05:30:59+00:00"));
}

#[test]
fn a_time_counted_back_from_the_fetch_is_an_instant_whatever_the_pages_language() {
    let page = |lang: &str, meta: &str, line: &str| {
        format!(
            "<html lang=\"{lang}\"><head><title>Three cases of plague</title>{meta}</head><body>\
             <h1>Three cases of plague</h1><p class=\"date\">{line}</p>\
             <div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
        )
    };
    let published = |html: &str, fetched: &str| {
        extract(
            &Page {
                bytes: html.as_bytes(),
                content_type: None,
                url: "https://example.org/news/plague",
                fetched_at: chrono::DateTime::parse_from_rfc3339(fetched).ok(),
                patterns: None,
            },
            None,
        )
        .article
        .published
    };
    // Fetched at 11:00 UTC, as a crawl gives it (in Vietnam's offset) and as a WARC record's
    // date does (in UTC): two hours before is 09:00 UTC either way. It was read as a clock
    // showing 16:00 and put in the page's +01:00 (15:00 UTC).
    let modified = "<meta property=\"article:modified_time\" content=\"2021-11-04T10:30:00+01:00\">";
    let english = page("en", modified, "2 hours ago");
    for fetched in ["2021-11-04T18:00:00+07:00", "2021-11-04T11:00:00Z"] {
        assert_eq!(
            published(&english, fetched).as_deref(),
            Some("2021-11-04T10:00:00+01:00"),
            "{fetched}"
        );
    }
    // No offset stated: UTC, to the minute (not the day alone, as a clock reading would be).
    let english = page("en", "", "2 hours ago");
    assert_eq!(
        published(&english, "2021-11-04T11:00:00Z").as_deref(),
        Some("2021-11-04T09:00:00+00:00")
    );
    // A Vietnamese page: Vietnam's offset, whatever offset the fetch time came in.
    let vietnamese = page("vi", "", "2 giờ trước");
    for fetched in ["2021-11-04T18:00:00+07:00", "2021-11-04T11:00:00Z"] {
        assert_eq!(
            published(&vietnamese, fetched).as_deref(),
            Some("2021-11-04T16:00:00+07:00"),
            "{fetched}"
        );
    }
    // A clock time on a day named from the fetch is a clock reading: Vietnam's on a
    // Vietnamese page; on an English page that states no offset, the day alone.
    let vietnamese = page("vi", "", "Hôm qua lúc 15:45");
    assert_eq!(
        published(&vietnamese, "2021-11-04T11:00:00Z").as_deref(),
        Some("2021-11-03T15:45:00+07:00")
    );
    let english = page("en", "", "Yesterday at 3:45 PM");
    assert_eq!(
        published(&english, "2021-11-04T11:00:00Z").as_deref(),
        Some("2021-11-03")
    );
}

#[test]
fn a_date_its_label_calls_the_publications_is_read_wherever_it_stands() {
    // No metadata, no date-classed element: the labelled line after the text.
    let page = |info: &str| {
        format!(
            "<html lang=\"de\"><head><title>Drei Fälle von Pest bestätigt</title></head><body>\
             <h1>Drei Fälle von Pest bestätigt</h1><div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p></div>\
             <div class=\"info\">{info}</div></body></html>"
        )
    };
    let published = |info: &str| extract_html(&page(info)).published;
    assert_eq!(published("<h5>Datum: </h5>03.11.2021").as_deref(), Some("2021-11-03"));
    assert_eq!(
        published("<div>Datum</div><div>03.11.2021</div>").as_deref(),
        Some("2021-11-03")
    );
    // Another date, unlabelled, far from the text: not the publication's.
    assert_eq!(published("<div>Termine</div><div>03.11.2021</div>"), None);
}

#[test]
fn a_saved_page_states_its_own_address() {
    use super::{StatedAddress, stated_address};
    let check = |html: &str, expected: Option<(&str, StatedAddress)>| {
        let got = stated_address(html.as_bytes());
        assert_eq!(got.as_ref().map(|(u, f)| (u.as_str(), *f)), expected, "{html}");
    };
    let canonical = "<link rel=\"canonical\" href=\"https://example.vn/tin/a-1.htm\">";
    check(
        &format!("<html><head>{canonical}</head><body></body></html>"),
        Some(("https://example.vn/tin/a-1.htm", StatedAddress::Canonical)),
    );
    check(
        "<html><head><meta property=\"og:url\" content=\"https://example.vn/tin/a-2.htm\"></head></html>",
        Some(("https://example.vn/tin/a-2.htm", StatedAddress::Canonical)),
    );
    // The browser's mark says where the file came from: it goes first.
    check(
        &format!("<!-- saved from url=(0032)https://example.vn/tin/a-3.htm -->\n<html><head>{canonical}</head></html>"),
        Some(("https://example.vn/tin/a-3.htm", StatedAddress::SavedFrom)),
    );
    // A relative or non-web address says nothing.
    check(
        "<html><head><link rel=\"canonical\" href=\"/tin/a-1.htm\"></head></html>",
        None,
    );
    check("<html><head></head><body><p>Không có địa chỉ.</p></body></html>", None);
    // The head is read first: its address is the page's own, not one an embedded item of the
    // body carries; a page whose template puts the link in the body still has one.
    check(
        &format!(
            "<html><head>{canonical}</head><body><div class=\"embed\">\
             <link rel=\"canonical\" href=\"https://other.example/b-9.htm\"></div></body></html>"
        ),
        Some(("https://example.vn/tin/a-1.htm", StatedAddress::Canonical)),
    );
    check(
        &format!("<html><head><title>Tin</title></head><body>{canonical}<p>Nội dung.</p></body></html>"),
        Some(("https://example.vn/tin/a-1.htm", StatedAddress::Canonical)),
    );
    check(
        &format!("<html><title>Tin</title>{canonical}<body><p>Nội dung.</p></body></html>"),
        Some(("https://example.vn/tin/a-1.htm", StatedAddress::Canonical)),
    );
}

#[test]
fn a_gallerys_caption_elements_leave_the_body() {
    // The pictures are drawn by a script; only their captions stand in the HTML.
    let gallery: String = (1..=3)
        .map(|i| format!("<li><div class=\"caption-full\">Ảnh {i}: quang cảnh buổi lễ khánh thành cây cầu mới bắc qua sông trong sáng nay.</div></li>"))
        .collect();
    let a = extract_html(&format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
         <div class=\"article-body\"><ul class=\"gallery\">{gallery}</ul><p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    ));
    assert!(a.body.contains("Three cases of plague"), "{:?}", a.body);
    assert!(!a.body.contains("quang cảnh buổi lễ"), "{:?}", a.body);
    // French, German and Italian call a caption a legend (`légende`, `Legende`).
    let a = extract_html(&format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
         <div class=\"article-body\"><div class=\"image\"><div class=\"bild-legende\">Der Hirschkäfer lebt in lichten Eichenwäldern.</div></div>\
         <p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    ));
    assert!(!a.body.contains("Hirschkäfer"), "{:?}", a.body);
}

#[test]
fn a_line_opened_by_a_picture_word_is_a_caption() {
    let check = |line: &str, caption: bool| assert_eq!(super::is_caption(line), caption, "{line:?}");
    check("Ảnh: Minh An", true);
    check("Quang cảnh hội nghị. Ảnh: H.L.", true);
    check("Quang cảnh hội nghị - Ảnh: Hoàng Lan, Minh Đức", true);
    // What follows `Ảnh:` at a line's end is a credit only as long as a name is.
    check(
        "Đoàn công tác tại công trường. Ảnh: đoàn đại biểu tỉnh thăm khu công nghiệp mới",
        false,
    );
    check(
        "Abbildung 2: Vergleich auf dem Gletscher (links) und die Karte (rechts).",
        true,
    );
    check("(Bild: Dieter Stork)", true);
    check("Fotos: Helmut Elstrodt, Klaus Friedrich", true);
    check("Fig. 3: The sample after heating", true);
    check("Hình 1: Sơ đồ tổ chức bộ máy", true);
    // A picture credit's label.
    check("Titelbild: Geyres Christophe/ABACA/picture-alliance", true);
    check("Beitragsbild: Stefan Mang", true);
    check("Bildquelle: Peter Ferstl", true);
    check("(Image credit: All About Space)", true);
    check("featured image: Tetbir Salim via Unsplash", true);
    check("Crédit photo : KB / Bondy Blog", true);
    // The same words opening a sentence of the text.
    check("Image credits are listed at the end of the report: see there.", false);
    check("Bild und Ton waren an diesem Abend hervorragend.", false);
    check("Photos of the event were shared widely.", false);
    check("Hình thức thi: trắc nghiệm khách quan", false);
    check("Figures released on Monday: unemployment fell.", false);
}

#[test]
fn a_photo_credit_line_leaves_the_body() {
    // A German magazine credits each picture on a line of its own, in brackets.
    let a = extract_html(&format!(
        "<html><head><title>Ba ca dịch hạch được chẩn đoán</title></head><body><h1>Ba ca dịch hạch được chẩn đoán</h1>\
         <div class=\"article-body\"><p>{PROSE}</p><p>(Bild: Dieter Stork)</p><p>{PROSE}</p>\
         <p>Abbildung 2: Vergleich auf dem Gletscher.</p><p>{PROSE}</p></div></body></html>"
    ));
    assert!(a.body.contains("Three cases of plague"), "{:?}", a.body);
    assert!(!a.body.contains("Dieter Stork"), "{:?}", a.body);
    assert!(!a.body.contains("Vergleich auf dem Gletscher"), "{:?}", a.body);
}

#[test]
fn an_attachments_box_label_and_file_sizes_are_not_text() {
    let a = extract_html(&format!(
        "<html><head><title>Kế hoạch tổ chức hội nghị tổng kết năm học</title></head><body><h1>Kế hoạch tổ chức hội nghị tổng kết năm học</h1>\
         <div class=\"noi-dung\"><p>{PROSE}</p><p>{PROSE}</p><p><b>Tệp đính kèm:</b></p>\
         <table><tr><td>1</td><td><a href=\"/files/kh-12.pdf\">Kế hoạch số 12/KH-UBND.pdf</a></td><td>250 KB</td></tr></table></div></body></html>"
    ));
    assert!(a.body.ends_with("no further infections so far."), "{:?}", a.body);
    assert!(
        !a.body.contains("Tệp đính kèm") && !a.body.contains("250 KB"),
        "{:?}",
        a.body
    );
    assert_eq!(a.attachments.len(), 1, "{:?}", a.attachments);
}

#[test]
fn a_framesets_pages_image_map_areas_and_onclick_targets_are_links() {
    // A legacy portal: a frameset holds its pages, an image map its menu.
    let e = extract_at(
        "<html><head><title>UBND tỉnh</title></head><frameset rows=\"100,*\"><frame src=\"/top.asp\">\
         <frame src=\"/main.asp?id=5\" name=\"main\"></frameset></html>",
        "http://tinh.example.gov.vn/",
    );
    let links: Vec<&str> = e.links.iter().map(|u| u.as_str()).collect();
    assert_eq!(
        links,
        [
            "http://tinh.example.gov.vn/top.asp",
            "http://tinh.example.gov.vn/main.asp?id=5"
        ]
    );
    let e = extract_at(
        "<html><body><img src=\"/menu.gif\" usemap=\"#m\"><map name=\"m\"><area shape=\"rect\" coords=\"0,0,80,20\" href=\"/tin-tuc.asp\">\
         </map><iframe src=\"/danh-sach.aspx?cat=1\"></iframe></body></html>",
        "http://tinh.example.gov.vn/",
    );
    let links: Vec<&str> = e.links.iter().map(|u| u.as_str()).collect();
    assert_eq!(
        links,
        [
            "http://tinh.example.gov.vn/tin-tuc.asp",
            "http://tinh.example.gov.vn/danh-sach.aspx?cat=1"
        ]
    );
    // Rows and buttons that go to a page by script.
    let e = extract_at(
        "<html><body><table><tr onclick=\"location.href='/tin/12.aspx'\"><td>Tin 12</td></tr>\
         <tr onclick=\"window.open('/van-ban/7.pdf', '_blank')\"><td>Văn bản 7</td></tr>\
         <tr onclick=\"highlight(this)\"><td>Khác</td></tr></table></body></html>",
        "http://tinh.example.gov.vn/",
    );
    let links: Vec<&str> = e.links.iter().map(|u| u.as_str()).collect();
    assert_eq!(
        links,
        [
            "http://tinh.example.gov.vn/tin/12.aspx",
            "http://tinh.example.gov.vn/van-ban/7.pdf"
        ]
    );
}

#[test]
fn paragraphs_that_link_as_they_go_are_no_teasers() {
    // An encyclopedia's article: like-sized paragraphs, a word linked here and there (a
    // quarter of the text in links). Each read as a teaser, and the page as a listing.
    let para = |i: usize| {
        format!(
            "<p>The <a href=\"/wiki/River_{i}\">river valley</a> was settled by farmers who built terraces along the slopes \
             and traded grain with the <a href=\"/wiki/Coast_{i}\">coastal towns</a> during the <a href=\"/wiki/Medieval_{i}\">\
             medieval period</a>, when the <a href=\"/wiki/Abbey_{i}\">abbey</a> held most of the land and the \
             <a href=\"/wiki/Market_{i}\">market</a> of the lower town drew traders from the hills.</p>"
        )
    };
    let body: String = (0..8).map(para).collect();
    let e = extract_at(
        &format!(
            "<html lang=\"en\"><head><title>River valley</title></head><body><h1>River valley</h1><div id=\"content\">{body}</div></body></html>"
        ),
        "https://en.example.org/wiki/River_valley",
    );
    assert_eq!(e.article.page_type, PageType::Article, "{}", e.page_type.rule);
}

#[test]
fn a_section_page_leading_with_one_storys_summary_is_a_listing() {
    let summary = "Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác năm, đánh giá kết quả đạt được, \
                   chỉ ra những tồn tại, hạn chế và đề ra phương hướng, nhiệm vụ trọng tâm cho năm tới, với sự \
                   tham dự của lãnh đạo các sở, ban, ngành và địa phương trên địa bàn.";
    let others: String = (2..10)
        .map(|i| {
            format!(
                "<li><a href=\"/tin/{i}.html\">Triển khai nhiệm vụ trọng tâm của tỉnh số {i}</a> (1{i}/03/2024)</li>"
            )
        })
        .collect();
    let page = |href: &str| {
        format!(
            "<html><head><title>Tin hoạt động</title></head><body><h2>Tin hoạt động</h2>\
             <div class=\"featured\"><h3><a href=\"{href}\">Hội nghị tổng kết công tác cải cách hành chính năm 2023</a></h3>\
             <p>{summary} {summary}</p></div><ul>{others}</ul></body></html>"
        )
    };
    let x = extract_at(&page("/tin/1.html"), "https://tinh.example.gov.vn/tin-hoat-dong");
    assert_eq!(x.article.page_type, PageType::Listing, "{:?}", x.page_type.rule);
    // The same text under a headline that links to the page itself is its article.
    let x = extract_at(&page("/tin/1.html"), "https://tinh.example.gov.vn/tin/1.html");
    assert_eq!(x.article.page_type, PageType::Article, "{:?}", x.page_type.rule);
}

#[test]
fn a_list_of_documents_each_item_naming_one_is_a_listing_and_an_article_citing_them_is_not() {
    let subjects = [
        "ban hành kế hoạch kiểm tra nội bộ trường học năm học 2023 - 2024",
        "thành lập tổ công tác chuyển đổi số trong các cơ sở giáo dục trên địa bàn huyện",
        "tổ chức hội thi giáo viên dạy giỏi cấp huyện bậc trung học cơ sở",
        "phân công nhiệm vụ cán bộ quản lý, giáo viên và nhân viên nhà trường",
        "ban hành quy chế chi tiêu nội bộ và quản lý tài sản công của đơn vị",
        "kiện toàn hội đồng thi đua khen thưởng và hội đồng kỷ luật của trường",
    ];
    let items: String = subjects
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "<li>Quyết định số {n}/QĐ-UBND ngày 1{n}/01/2024 về việc {s}. <a href=\"/files/{n}.pdf\">Tải về</a></li>",
                n = i + 1
            )
        })
        .collect();
    let page = |prose: &str| {
        format!(
            "<html><head><title>Văn bản chỉ đạo điều hành của Ủy ban nhân dân huyện</title></head><body>\
             <h1>Văn bản chỉ đạo điều hành của Ủy ban nhân dân huyện</h1><div class=\"noi-dung\">{prose}<ul>{items}</ul></div></body></html>"
        )
    };
    let e = extract_at(&page(""), "http://huyen.example.gov.vn/van-ban-chi-dao.html");
    assert_eq!(e.article.page_type, PageType::Listing, "{}", e.page_type.rule);
    // The same documents cited by an article's text, which is most of the page.
    let paragraph = "<p>Năm 2024, Ủy ban nhân dân huyện tập trung chỉ đạo các phòng, ban chuyên môn và ủy ban nhân \
                     dân các xã, thị trấn triển khai đồng bộ các nhiệm vụ, giải pháp phát triển kinh tế - xã hội, bảo \
                     đảm quốc phòng, an ninh trên địa bàn, với nhiều văn bản chỉ đạo kịp thời và sát thực tế.</p>";
    let e = extract_at(
        &page(&paragraph.repeat(8)),
        "http://huyen.example.gov.vn/tin/tong-ket.html",
    );
    assert_eq!(e.article.page_type, PageType::Article, "{}", e.page_type.rule);
}

#[test]
fn a_headline_in_the_texts_own_cell_is_the_title_where_the_title_tag_is_generic() {
    const T: &str = "Huyện tổ chức hội nghị tổng kết công tác năm 2023";
    let check = |head: &str, opening: &str, expected: &str| {
        let html = format!(
            "<html><head><meta charset=\"utf-8\">{head}</head><body><div class=\"header\"><a href=\"/\">Trang chủ</a></div>\
             <div class=\"content\">{opening}<p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
        );
        let x = extract_at(&html, "http://huyen.example.gov.vn/tin-tuc/hoi-nghi-123.html").article;
        assert_eq!(x.title.as_deref(), Some(expected), "{head} {opening}");
        // The headline is not the text's first paragraph too.
        if expected == T {
            assert!(!x.body.starts_with(T), "{head} {opening}: {}", x.body);
        }
    };
    // A legacy portal's bold headline in the text's cell, under the office's name as `<title>`.
    check(
        "<title>UBND huyện Mẫu</title>",
        &format!("<p><font size=\"4\"><b>{T}</b></font></p><p>12/05/2023</p>"),
        T,
    );
    // Bold, sharing its block with the date line under it.
    check(
        "<title>Tin tức</title>",
        &format!("<span style=\"font-weight:bold\">{T}</span><br><span>12/05/2023</span>"),
        T,
    );
    // A headline classed as one, under a longer site name.
    check(
        "<title>Cổng thông tin điện tử Sở Nội vụ</title>",
        &format!("<div class=\"news-title\">{T}</div>"),
        T,
    );
    // Plain type, but the `<title>` names it after its section.
    check(
        &format!("<title>Tin tức - Sự kiện - {T}</title>"),
        &format!("<div>{T}</div>"),
        T,
    );
    // A bold sapo (sentences) is no headline.
    check(
        "<title>UBND huyện Mẫu</title>",
        "<p><b>Sáng nay, huyện tổ chức hội nghị tổng kết công tác năm.</b></p>",
        "UBND huyện Mẫu",
    );
    // An ASP.NET portal's classed span over its date line, in one element with them, under
    // the office's name and section as `<title>`; and the same under a breadcrumb.
    let classed = format!(
        "<span class=\"tieude\">{T}</span><br><span class=\"ngay\">(Cập nhật lúc 14:20 ngày 05/12/2023)</span><br>"
    );
    check("<title>Sở Y tế - Tin hoạt động</title>", &classed, T);
    check(
        "<title>Sở Y tế - Tin hoạt động</title>",
        &format!(
            "<div class=\"duongdan\"><a href=\"/\">Trang chủ</a> » <a href=\"/tin\">Tin hoạt động của ngành</a> » <a href=\"/tinh\">Tin trong tỉnh</a></div>{classed}"
        ),
        T,
    );
}

#[test]
fn a_short_article_beside_a_sidebar_of_teasers_is_the_article() {
    let teasers: String = (0..10)
        .map(|i| {
            format!(
                "<div class=\"item\"><a href=\"/t/{i}.html\"><img src=\"/i{i}.jpg\"></a>\
                 <a href=\"/t/{i}.html\">Tin tức khác về hoạt động của tỉnh trong tuần số {i}</a>\
                 <p>Tóm tắt ngắn gọn nội dung của tin tức số {i} trong chuyên mục.</p></div>"
            )
        })
        .collect();
    let text = "Sáng 20/3, đoàn công tác của tỉnh do đồng chí Phó Chủ tịch UBND tỉnh làm trưởng đoàn đã đến thăm và làm việc tại huyện.";
    let html = format!(
        "<html><head><title>Đoàn công tác của tỉnh thăm và làm việc tại huyện miền núi</title></head><body>\
         <div class=\"main\"><h1>Đoàn công tác của tỉnh thăm và làm việc tại huyện miền núi</h1>\
         <div class=\"date\">20/03/2024 10:00</div><iframe src=\"https://www.youtube.com/embed/abc\"></iframe><p>{text}</p></div>\
         <div class=\"col-right\"><h3>Tin mới</h3>{teasers}</div></body></html>"
    );
    let x = extract_at(&html, "https://tinh.example.gov.vn/tin/doan-cong-tac.html");
    assert_eq!(x.article.page_type, PageType::Article, "{}", x.page_type.rule);
    assert_eq!(x.article.body, text);
}

#[test]
fn a_thread_of_posts_is_read_whole() {
    // Posts as a forum lays them out: the author's cell, then the post's cell with its time
    // and its text. `stamp` says whether each post shows its time; `head` puts a headline in
    // each item (whole stories one after the other, which are no thread).
    let page = |stamp: bool, head: bool| {
        let posts = [
            "<p>Chào các bác, nhà em ở quận Cầu Giấy, tuần trước em nộp hồ sơ cấp đổi giấy phép lái xe qua cổng dịch vụ \
             công nhưng đến nay vẫn chưa thấy trả kết quả. Có bác nào làm rồi cho em hỏi mất bao lâu ạ?</p>\
             <p>Em đã nộp đủ ảnh, bản sao căn cước và giấy khám sức khỏe, lệ phí cũng đã thanh toán trực tuyến, trạng \
             thái hồ sơ vẫn ghi là đang xử lý từ hôm thứ hai đến giờ.</p>\
             <p>Hôm qua em gọi tổng đài thì được hướng dẫn chờ thêm, nhưng không ai nói rõ hồ sơ đang vướng ở \
             khâu nào, cũng không có tin nhắn báo bổ sung giấy tờ.</p>\
             <p>Em cần giấy phép để đi công tác cuối tháng nên hơi sốt ruột, cảm ơn các bác đã đọc và chia sẻ kinh \
             nghiệm.</p>",
            // Replies too short to draw the search for the text up to the thread.
            "Mình làm tháng trước khoảng năm ngày là xong",
            "Bác xem lại ảnh xem ảnh sai quy cách là bị trả",
        ];
        let items: String = posts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                format!(
                    "<article class=\"message message--post\"><div class=\"message-inner\">\
                     <div class=\"message-cell message-cell--user\"><h4><a href=\"/u/{i}\">thanhvien{i}</a></h4>\
                     <h5>Thành viên tích cực</h5></div>\
                     <div class=\"message-cell message-cell--main\">{}{}\
                     <div class=\"message-content\"><div class=\"bbWrapper\">{text}</div></div></div></div></article>",
                    if head {
                        format!("<h2>Câu chuyện số {i}</h2>")
                    } else {
                        String::new()
                    },
                    if stamp {
                        format!(
                            "<time datetime=\"2024-03-0{}T09:00:00+07:00\">0{}/03/2024</time>",
                            i + 1,
                            i + 1
                        )
                    } else {
                        String::new()
                    },
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Hỏi về thời gian cấp đổi giấy phép lái xe</title></head><body>\
             <h1>Hỏi về thời gian cấp đổi giấy phép lái xe</h1><div class=\"block-body\">{items}</div></body></html>"
        );
        extract_at(&html, "https://forum.example.vn/threads/hoi-ve-cap-doi-gplx.123/").article
    };
    let a = page(true, false);
    assert!(
        a.body.contains("Chào các bác") && a.body.contains("năm ngày") && a.body.contains("sai quy cách"),
        "{}",
        a.body
    );
    assert!(!a.body.contains("Thành viên tích cực"), "{}", a.body);
    // Boxes of a layout that show no time are no thread: the main text alone.
    let a = page(false, false);
    assert!(
        a.body.contains("Chào các bác") && !a.body.contains("năm ngày"),
        "{}",
        a.body
    );
    // Nor are stories one after the other, each under its headline.
    let a = page(true, true);
    assert!(
        a.body.contains("Chào các bác") && !a.body.contains("năm ngày"),
        "{}",
        a.body
    );
}

#[test]
fn a_date_opening_the_text_dates_an_article_that_shows_no_other() {
    let html = "<html><head><title>Arbeitsmarkt im Januar</title></head><body><h1>Arbeitsmarkt im Januar</h1>\
         <div class=\"text\"><h3>Auch am Jahresanfang auf Erholungskurs</h3>\
         <p>01.02.2022 „Der Arbeitsmarkt ist gut in das Jahr gestartet. Die Zahl der arbeitslosen Menschen ist im \
         Januar zwar gestiegen, aber bei Weitem nicht so stark wie sonst in diesem Monat.“</p>\
         <p>Im Zuge der Winterpause hat sich die Zahl der Arbeitslosen im Januar gegenüber dem Vormonat erhöht, \
         und zwar um 133.000 auf 2.462.000, weniger als in den Jahren zuvor.</p></div></body></html>";
    let a = extract_at(html, "https://amt.example.de/news/arbeitsmarkt").article;
    assert_eq!(a.published.as_deref(), Some("2022-02-01"));
    assert!(a.body.contains("01.02.2022 „Der Arbeitsmarkt"), "{}", a.body);
}

#[test]
fn regression_a_themes_posted_label_is_no_author() {
    // A blog theme's meta line: the label in an author-classed element of its own, the name
    // in the hCard after the date.
    let html = "<html><head><title>Một ngày ở Hội An</title></head><body><article class=\"post hentry\">\
         <header><h1 class=\"entry-title\">Một ngày ở Hội An</h1><div class=\"entry-meta\">\
         <span class=\"meta-prep meta-prep-author\">Posted </span><a href=\"/p/1\"><time class=\"entry-date\" \
         datetime=\"2018-04-11T02:22:15+07:00\">11/04/2018</time></a><span class=\"meta-sep\"> by </span>\
         <span class=\"author vcard\"><a class=\"url fn n\" href=\"/author/lan\">Nguyễn Thị Lan</a></span></div></header>\
         <div class=\"entry-content\"><p>Chúng tôi đến Hội An vào một buổi sáng mùa xuân, khi phố cổ còn vắng và những \
         chiếc đèn lồng vẫn treo dọc các mái hiên.</p><p>Buổi chiều, cả nhóm đi thuyền trên sông Hoài và thả đèn hoa \
         đăng trước khi ăn tối ở một quán nhỏ gần chợ.</p></div></article></body></html>";
    let a = extract_at(html, "https://blog.example.vn/2018/04/mot-ngay-o-hoi-an/").article;
    assert_eq!(a.authors, ["Nguyễn Thị Lan"]);
}

/// Regression: a photo post whose text is a few short lines (a place, a film, a camera)
/// inside the article the page marks, where the longest "prose" was the copyright line
/// under it: that line was the container, and the body came out empty. And `Related
/// Posts` heads a box of other posts, as `Related articles` does.
#[test]
fn a_marked_article_of_short_lines_is_read_when_nothing_else_is_prose() {
    let e = extract_html(
        r#"<html lang="vi"><head><title>Đổi phim tháng Tư - Ảnh phim</title></head><body>
        <nav><a href="/">Trang chủ</a> <a href="/doi-phim">Đổi phim</a> <a href="/lien-he">Liên hệ</a></nav>
        <article class="post hentry"><h1>Đổi phim tháng Tư</h1>
        <div class="entry-content">
          <h3>Địa điểm</h3><p>Lan: Huế.</p><p>Minh: Đà Lạt.</p>
          <h3>Phim</h3><p>Kodak Gold 200.</p>
          <h3>Máy ảnh</h3><p>Lan: Zenit E.</p><p>Minh: Pentax K1000.</p>
          <p class="cc-block">Bản quyền 2024. Giữ mọi quyền.</p>
        </div>
        <h2>Related Posts</h2><ul><li><div><a href="/doi-phim-thang-nam">Đổi phim tháng Năm</a></div><div>98</div></li>
        <li><div><a href="/doi-phim-thang-sau">Đổi phim tháng Sáu</a></div><div>81</div></li></ul>
        </article>
        <footer><a href="/gioi-thieu">Giới thiệu</a></footer></body></html>"#,
    );
    let body = e.body;
    for line in ["Lan: Huế.", "Kodak Gold 200.", "Minh: Pentax K1000."] {
        assert!(body.contains(line), "{line} missing from {body:?}");
    }
    // The box of related posts after it is none of it.
    assert!(!body.contains("Related Posts") && !body.contains("98"), "{body:?}");
}

/// Regression: a wine guide's box of related stories under its text, headed `Mehr zum
/// Thema`, each story a label, a linked headline and a sentence, was read as the guide's;
/// cut there, its last line, the label of a box `ERSCHIENEN IN` over a magazine's name and
/// link, was read as its author.
#[test]
fn a_related_box_ends_the_text_in_other_languages_too() {
    let story = |n: usize| {
        format!(
            "<div class=\"slide\"><div>News</div><h3><a href=\"/nd/{n}\">Weingüter am See, Teil {n}</a></h3>\
             <p>Ästhetisch und authentisch: die Weingüter am Westufer des Sees, von Winzern geführt.</p></div>"
        )
    };
    let page = |inside: &str| {
        let stories: String = (1..=5).map(story).collect();
        format!(
            "<html lang=\"de\"><head><title>Ruster Ausbruch</title></head><body><article><h1>Ruster Ausbruch</h1>\
             <div class=\"post\"><p>{PROSE}</p><p>{PROSE}</p>{inside}</div>\
             <div class=\"breaker\"><p>ERSCHIENEN IN</p><h5>Burgenland Spezial</h5><a href=\"/magazin/burgenland\">Zum Magazin</a></div>\
             <h2>Mehr zum Thema</h2>{stories}</article></body></html>"
        )
    };
    let e = extract_html(&page(""));
    assert!(e.body.contains(PROSE), "{:?}", e.body);
    for gone in ["Mehr zum Thema", "Ästhetisch", "ERSCHIENEN IN", "Burgenland Spezial"] {
        assert!(!e.body.contains(gone), "{gone} in {:?}", e.body);
    }
    assert_eq!(e.authors, Vec::<String>::new());
    // A box about the author, under its heading, is no part of the text either.
    let bio = "<h3>Über den Autor</h3><p>Jossi Loibl schreibt seit zwanzig Jahren über Wein.</p>";
    let e = extract_html(&page(bio));
    assert!(
        !e.body.contains("Über den Autor") && !e.body.contains("zwanzig Jahren"),
        "{:?}",
        e.body
    );
    // The same words over the text's own paragraph head a part of the text.
    let own = "Einen Überblick über die Lagen und die Winzer finden Sie im Weinführer des Landes, den die Weinakademie jedes Jahr herausgibt.";
    let e = extract_html(&page(&format!("<h3>Mehr zum Thema</h3><p>{own}</p>")));
    assert!(e.body.contains(own), "{:?}", e.body);
}

/// Regression: a news site closed every story with a call to subscribe to its e-edition and
/// get its app, and another with `Únete a nuestro canal`; they were read as the stories'
/// last paragraphs.
#[test]
fn a_call_to_the_reader_closing_a_story_is_not_its_text() {
    let page = |tail: &str| {
        extract_html(&format!(
            "<html lang=\"en\"><head><title>Fuel prices rise</title></head><body><article><h1>Fuel prices rise</h1>\
             <div class=\"entry\"><p>{PROSE}</p><p>{PROSE}</p>{tail}</div></article></body></html>"
        ))
    };
    for cta in [
        "Subscribe now to our e-edition for the full story.",
        "For the latest stories download the Daily News app for iOS and Android.",
        "Follow The Daily News on Twitter and Instagram.",
        "¿Ya sabías que tenemos canal de Telegram? Únete desde tu celular.",
        "Ihnen hat der Artikel gefallen? Dann abonnieren Sie unseren Newsletter!",
    ] {
        let e = page(&format!("<p>{cta}</p><p>Please subscribe to our newsletter.</p>"));
        assert!(e.body.contains(PROSE), "{:?}", e.body);
        assert!(
            !e.body.contains(cta) && !e.body.contains("newsletter."),
            "{cta}: {:?}",
            e.body
        );
    }
    // Nor is the publisher's copyright notice under it.
    let notice = "© 2024, The Daily News. This article is the copyrighted property of The Daily News. \
                  Written permission must be obtained before reprint in any form, print or electronic, \
                  and no part of it may be stored or shared without the publisher's leave.";
    let e = page(&format!("<p><em>{notice}</em></p>"));
    assert!(
        e.body.contains(PROSE) && !e.body.contains("copyrighted property"),
        "{:?}",
        e.body
    );
    // A story's own last sentence about subscribers, or one that asks nothing of the
    // reader, or one about copyright, stays.
    for own in [
        "The newspaper lost a fifth of its print subscribers last year, its owner said.",
        "The company follows the market on Twitter and other networks, a spokesman said.",
        "Traders follow the market on Twitter more than on television now, the survey found.",
        "Listeners can subscribe to the podcast on every platform from Friday, the station said.",
        "Copyright holders will be paid for every article the platforms show, under a law that \
         takes effect next year and that the publishers' association has called long overdue.",
    ] {
        let e = page(&format!("<p>{own}</p>"));
        assert!(e.body.contains(own), "{:?}", e.body);
    }
}

/// Regression: advertising notices stood in texts as their paragraphs: slot labels
/// (`- Advertisement -`, `-- Anzeige --`) and disclosures of paid links (`Anzeige, enthält
/// Affiliate Links`, `Dieser Beitrag enthält Werbung für …`).
#[test]
fn advertising_notices_are_not_text() {
    let notices = [
        "- Advertisement -",
        "-- Anzeige --",
        "Werbung:",
        "Anzeige, enthält Affiliate Links",
        "*Werbung. Dieser Beitrag enthält Werbung für eine Modemarke.",
        "This post contains affiliate links: we earn a commission when you buy through them.",
    ];
    let own = "The network recruited affiliates in ten countries before its product had proven itself.";
    let also_own = "The bill contains paid leave for carers, and Amazon cut its fees on affiliate links.";
    let inner: String = notices.iter().map(|n| format!("<p>{n}</p><p>{PROSE}</p>")).collect();
    let e = extract_html(&format!(
        "<html lang=\"en\"><head><title>Plague cases</title></head><body><article><h1>Plague cases</h1>\
         <div class=\"entry\">{inner}<p>{own}</p><p>{also_own}</p><p>Anzeige</p></div></article></body></html>"
    ));
    assert!(
        e.body.contains(PROSE) && e.body.contains(own) && e.body.contains(also_own),
        "{:?}",
        e.body
    );
    for n in notices {
        assert!(!e.body.contains(n), "{n} in {:?}", e.body);
    }
    assert!(!e.body.ends_with("Anzeige"), "{:?}", e.body);
}

/// Each of `lines` stands after a paragraph of prose in a post, `own` (a sentence of the
/// text that speaks of the same things) before them: the lines leave the body, the prose and
/// `own` stay.
fn check_not_text(lines: &[&str], own: &str) {
    let inner: String = lines.iter().map(|n| format!("<p>{PROSE}</p><p>{n}</p>")).collect();
    let e = extract_html(&format!(
        "<html lang=\"en\"><head><title>Family reunited</title></head><body><article><h1>Family reunited</h1>\
         <div class=\"entry\"><p>{own}</p>{inner}</div></article></body></html>"
    ));
    assert!(e.body.contains(PROSE) && e.body.contains(own), "{:?}", e.body);
    for n in lines {
        assert!(!e.body.contains(n), "{n} in {:?}", e.body);
    }
}

/// Regression: a paywall's prompts stood in the text as its paragraphs, in its middle (`To
/// view the full story, please subscribe to …`) and at its end (`… already a subscriber, you
/// can log in for immediate access to this story.`).
#[test]
fn a_paywalls_prompts_are_not_text() {
    check_not_text(
        &[
            "To view the full story, please subscribe to The Island Times. You can choose an annual subscription.",
            "If you are seeing this message but you are already a subscriber, you can log in for immediate access.",
            "Um diesen Artikel vollständig zu lesen, melden Sie sich mit Ihrem Abo an.",
            "Cet article est réservé aux abonnés.",
            "Para seguir leyendo, suscríbete a nuestro diario.",
            "Bạn đọc vui lòng đăng nhập để đọc tiếp toàn bộ bài viết.",
        ],
        "Subscribers to the water scheme were already members of the cooperative when it failed.",
    );
}

/// Regression: a blog's appeal for support (`If you enjoyed reading this post – would you
/// consider supporting our work?`), a magazine's (`If you enjoyed this article, we have a
/// proposition for you`) and a suggested citation of the page closed texts as paragraphs.
#[test]
fn appeals_for_support_and_suggested_citations_are_not_text() {
    check_not_text(
        &[
            "If you enjoyed reading this post – would you consider supporting our work? Just click here. Thanks!",
            "If you enjoyed this article, we have a proposition for you: join our members.",
            "Wenn Ihnen dieser Artikel gefallen hat, unterstützen Sie unsere Arbeit.",
            "SUGGESTED CITATION Sauer, Heiko: Experts in the crisis, Blog, 2020/4/09, https://blog.example/experts/.",
            "Zitiervorschlag: Berger, Jana: Der Fluss, 2021.",
        ],
        "Donors who enjoyed the concert were asked whether they would fund the orchestra again.",
    );
}

/// Regression: the count of a post's comments (`0 Kommentare`, `Keine Kommentare
/// (Kommentare erscheinen erst nach unserer Freigabe)`) closed its text.
#[test]
fn a_count_of_comments_is_not_text() {
    check_not_text(
        &[
            "0 Kommentare",
            "Keine Kommentare (Kommentare erscheinen erst nach unserer Freigabe)",
            "27 commentaires",
        ],
        "No comment was made by the ministry.",
    );
}

/// Regression: pages that credit themselves — JSON-LD's author named as the site (`Die
/// Tagespresse`), `von AUTO ZEITUNG` on autozeitung.de — had the site read as a person who
/// wrote the article.
#[test]
fn the_site_itself_is_the_source_not_an_author() {
    let page = |author: &str| {
        format!(
            "<html lang=\"de\"><head><title>Ad Blue nachfüllen</title>\
             <meta property=\"og:site_name\" content=\"Die Zeitung\">\
             <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\"headline\":\"Ad Blue nachfüllen\",\
             \"author\":{{\"@type\":\"Person\",\"name\":\"{author}\"}},\
             \"publisher\":{{\"@type\":\"Organization\",\"name\":\"Autozeitung\"}}}}</script></head>\
             <body><article><h1>Ad Blue nachfüllen</h1><p>{PROSE}</p><p>{PROSE}</p></article></body></html>"
        )
    };
    let at = "https://www.autozeitung.de/adblue-nachfuellen.html";
    for (author, source) in [("Die Zeitung", "Die Zeitung"), ("von AUTO ZEITUNG", "AUTO ZEITUNG")] {
        let e = extract_at(&page(author), at).article;
        assert_eq!(e.authors, Vec::<String>::new(), "{author}");
        assert_eq!(e.source.as_deref(), Some(source), "{author}");
    }
    // A person's name stays the author's.
    let e = extract_at(&page("Jana Berger"), at).article;
    assert_eq!(e.authors, ["Jana Berger"]);
}

/// Regression: Joomla's `<meta name="author" content="Super User">` made its account the
/// author of a firm's page of advice; without it the page, undated, lost the one sign that
/// it is an article the system wrote.
#[test]
fn a_content_systems_account_signs_but_is_no_author() {
    let html = format!(
        "<html lang=\"en\"><head><title>Writing style</title><meta name=\"author\" content=\"Super User\"></head>\
         <body><div class=\"item-page\"><h1>Writing style</h1><p>{PROSE}</p><p>{PROSE}</p></div></body></html>"
    );
    let e = extract_html(&html);
    assert_eq!(e.authors, Vec::<String>::new());
    assert_eq!(e.page_type, PageType::Article, "{:?}", e.body);
}

/// Regression: a digest's items — each a linked headline and a sentence — were dropped one
/// by one wherever the headline outweighed the sentence, though the list's other items
/// were kept as text.
#[test]
fn every_item_of_a_list_read_as_text_is_kept() {
    let item = |headline: &str, sentence: &str| {
        format!(
            "<li><strong><a href=\"/tin/{}\">{headline}</a>.</strong> {sentence}</li>",
            headline.len()
        )
    };
    let items = [
        item(
            "Tỉnh khởi công tuyến đường ven biển",
            "Dự án dài 40 km, nối ba huyện ven biển, dự kiến hoàn thành sau ba năm thi công liên tục.",
        ),
        item(
            "Ngành giáo dục công bố lịch thi tuyển sinh lớp 10 năm học mới tại tất cả các điểm thi của tỉnh",
            "Kỳ thi diễn ra trong hai ngày đầu tháng Sáu, tại hai mươi điểm thi.",
        ),
        item(
            "Bệnh viện tỉnh đưa vào sử dụng khu điều trị mới",
            "Khu điều trị có 200 giường, phục vụ người bệnh của cả các huyện lân cận trong tỉnh.",
        ),
        item(
            "Nông dân thu hoạch lúa hè thu sớm hơn mọi năm",
            "Năng suất bình quân đạt hơn sáu tấn một héc-ta, cao hơn vụ trước gần nửa tấn.",
        ),
    ];
    let e = extract_html(&format!(
        "<html lang=\"vi\"><head><title>Tin vắn sáng nay - Báo tỉnh</title></head><body><article>\
         <h1>Tin vắn sáng nay</h1><p>Chào buổi sáng! Đây là những tin bạn cần biết hôm nay, thứ Ba.</p>\
         <ol>{}</ol></article></body></html>",
        items.concat()
    ));
    assert!(
        e.body.contains("Kỳ thi diễn ra trong hai ngày đầu tháng Sáu"),
        "{:?}",
        e.body
    );
    assert!(e.body.contains("Nông dân thu hoạch lúa hè thu"), "{:?}", e.body);
}
