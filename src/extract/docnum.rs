//! Official document numbers cited in a text, in the format of Decree 30/2020/NĐ-CP
//! (số/năm/loại-cơ quan): `Kế hoạch số 373/KH-UBND`, `Quyết định số 1234/QĐ-UBND ngày
//! 12/3/2024`, `Nghị định 30/2020/NĐ-CP`, `Thông tư số 01/2023/TT-BNV`, `Công văn số
//! 567/UBND-VP`, `Luật số 45/2013/QH13`.
//!
//! A number is `digits/[year/]CODE`, where the code is an upper-case abbreviation joined to
//! others by `-` (`KH-UBND`, `NĐ-CP`, `UBND-VP`) or, with a year, an issuer alone (`QH13`).
//! The kind comes from the type code (`KH` is a Kế hoạch) or, when the code has none, from the
//! kind word just before (`Công văn số 567/UBND-VP`, `Luật Đất đai số 45/2013/QH13`). A date
//! given right after (`ngày 12/3/2024`, `ngày 12 tháng 3 năm 2024`) is the date of issue.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// A document cited by an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRef {
    /// The number as the official format writes it: `373/KH-UBND`, `30/2020/NĐ-CP`.
    pub number: String,
    /// The kind of document, in Vietnamese (`Kế hoạch`, `Nghị định`), when known.
    pub kind: Option<String>,
    /// The year in the number (`30/2020/NĐ-CP`), or of the date of issue.
    pub year: Option<u16>,
    /// The type code in the number (`KH`, `NĐ`, `TT`), when it has one.
    pub type_code: Option<String>,
    /// The issuing body's code (`UBND`, `CP`, `BNV`, `UBND-VP`, `QH13`).
    pub issuer: Option<String>,
    /// The date of issue when the text gives it (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// Where it was found: `title`, `lead`, `body` (each once, in that order).
    pub found_in: Vec<String>,
}

impl DocumentRef {
    /// The number as the index and `doc:` queries compare it: NFC, upper case.
    pub fn key(number: &str) -> String {
        crate::decode::nfc(number.trim()).to_uppercase()
    }
}

/// Type codes of Decree 30/2020/NĐ-CP (appendix III) and laws, with the kind each names.
const TYPE_CODES: &[(&str, &str)] = &[
    ("NQ", "Nghị quyết"),
    ("NĐ", "Nghị định"),
    ("QĐ", "Quyết định"),
    ("CT", "Chỉ thị"),
    ("TT", "Thông tư"),
    ("TTLT", "Thông tư liên tịch"),
    ("QC", "Quy chế"),
    ("QYĐ", "Quy định"),
    ("TB", "Thông báo"),
    ("HD", "Hướng dẫn"),
    ("CTR", "Chương trình"),
    ("KH", "Kế hoạch"),
    ("PA", "Phương án"),
    ("ĐA", "Đề án"),
    ("DA", "Dự án"),
    ("BC", "Báo cáo"),
    ("BB", "Biên bản"),
    ("TTR", "Tờ trình"),
    ("HĐ", "Hợp đồng"),
    ("CĐ", "Công điện"),
    ("BGN", "Bản ghi nhớ"),
    ("BTT", "Bản thỏa thuận"),
    ("GUQ", "Giấy ủy quyền"),
    ("GM", "Giấy mời"),
    ("GGT", "Giấy giới thiệu"),
    ("GNP", "Giấy nghỉ phép"),
    ("PG", "Phiếu gửi"),
    ("PC", "Phiếu chuyển"),
    ("PB", "Phiếu báo"),
    ("L", "Lệnh"),
    ("PL", "Pháp lệnh"),
];

/// Kind words as texts write them before a number.
const KIND_WORDS: &[&str] = &[
    "Thông tư liên tịch",
    "Nghị quyết",
    "Nghị định",
    "Quyết định",
    "Chỉ thị",
    "Thông tư",
    "Quy chế",
    "Quy định",
    "Thông báo",
    "Hướng dẫn",
    "Chương trình",
    "Kế hoạch",
    "Phương án",
    "Đề án",
    "Báo cáo",
    "Tờ trình",
    "Công điện",
    "Công văn",
    "Văn bản",
    "Pháp lệnh",
    "Hiến pháp",
    "Luật",
    "Lệnh",
];

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        (?P<num>\d{1,6}[a-z]?)
        /
        (?:(?P<year>(?:19|20)\d{2})/)?
        (?P<code>[A-ZĐ][A-ZĐa-zđ]{0,5}\d{0,2}(?:-[A-ZĐ0-9][A-ZĐa-zđ0-9]{0,9}){0,4})
        (?P<date>\s*,?\s*(?:ban\ hành\s+)?ngày\s+
            (?P<d>\d{1,2})\s*(?:/|-|\.|\s+tháng\s+)\s*(?P<m>\d{1,2})\s*(?:/|-|\.|\s+năm\s+)\s*(?P<y>(?:19|20)\d{2}))?",
    )
    .expect("regex")
});

static KIND_WORD: LazyLock<Regex> = LazyLock::new(|| {
    let alternatives = KIND_WORDS.join("|");
    Regex::new(&format!(r"(?i)\b(?:{alternatives})\b")).expect("regex")
});

/// The kind word nearest before a number, if the words between them name the document
/// (six words at most, no sentence break): `Kế hoạch số `, `Luật Đất đai số `.
fn kind_before(before: &str) -> Option<String> {
    let last = KIND_WORD.find_iter(before).last()?;
    let between = &before[last.end()..];
    let words = between
        .split_whitespace()
        .filter(|w| !w.eq_ignore_ascii_case("số") && *w != "số:")
        .count();
    if words > 6 || between.contains(['.', ';', '!', '?', '\n']) {
        return None;
    }
    Some(canonical_kind(last.as_str()))
}

/// Whether a code is shaped like an official one: upper-case letters (a type or issuer
/// abbreviation may have one lower-case letter inside, as `TTr`, `CTr`, `QyĐ` do).
fn plausible_code(code: &str, has_year: bool) -> bool {
    let segments: Vec<&str> = code.split('-').collect();
    let upper_enough = |s: &str| {
        let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
        !letters.is_empty() && letters.iter().filter(|c| c.is_lowercase()).count() <= 1 && letters[0].is_uppercase()
    };
    if !segments
        .iter()
        .all(|s| upper_enough(s) || s.chars().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    // `24/7`, `1/2` never get here; `12/UBND` alone is too little to tell from a path or a
    // ratio, unless a year stands in the number (`45/2013/QH13`).
    segments.len() >= 2 || has_year
}

/// Every document number in `text`, in order, with where it stands (byte offset).
pub fn find(text: &str) -> Vec<(usize, DocumentRef)> {
    let mut out = Vec::new();
    for c in NUMBER.captures_iter(text) {
        let whole = c.get(0).expect("match");
        // Not the tail of a longer token (`a/12/KH-UBND`, `v1.2/X-Y`, a URL path).
        if text[..whole.start()]
            .chars()
            .next_back()
            .is_some_and(|p| p.is_alphanumeric() || matches!(p, '/' | '.' | '-' | '_'))
        {
            continue;
        }
        let code = &c["code"];
        let year = c.name("year").map(|y| y.as_str());
        if !plausible_code(code, year.is_some()) {
            continue;
        }
        let number = match year {
            Some(y) => format!("{}/{y}/{code}", &c["num"]),
            None => format!("{}/{code}", &c["num"]),
        };
        let (first, rest) = code.split_once('-').unwrap_or((code, ""));
        let type_kind = TYPE_CODES
            .iter()
            .find(|(t, _)| *t == first.to_uppercase())
            .map(|(_, k)| *k);
        let (type_code, issuer) = match type_kind {
            Some(_) if !rest.is_empty() => (Some(first.to_owned()), Some(rest.to_owned())),
            _ => (None, Some(code.to_owned())),
        };
        let mut from = whole.start().saturating_sub(120);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let before = &text[from..whole.start()];
        let word_kind = kind_before(before);
        let kind = match (type_kind.filter(|_| type_code.is_some()), word_kind) {
            (Some(k), _) => Some(k.to_owned()),
            (None, Some(k)) => Some(k),
            (None, None) => None,
        };
        let date = c.name("date").and_then(|_| {
            let (d, m, y) = (c["d"].parse().ok()?, c["m"].parse().ok()?, c["y"].parse().ok()?);
            chrono::NaiveDate::from_ymd_opt(y, m, d)
        });
        let year = year
            .and_then(|y| y.parse().ok())
            .or_else(|| date.map(|d| chrono::Datelike::year(&d) as u16));
        out.push((
            whole.start(),
            DocumentRef {
                number,
                kind,
                year,
                type_code,
                issuer,
                date: date.map(|d| d.format("%Y-%m-%d").to_string()),
                found_in: Vec::new(),
            },
        ));
    }
    out
}

/// `text` when it is one document number and nothing else (a query word): its key.
pub fn as_number(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches(['.', ',', ';', ')']);
    let found = find(text);
    match found.as_slice() {
        [(0, d)] if d.number.len() == text.len() => Some(DocumentRef::key(&d.number)),
        _ => None,
    }
}

/// A kind word as the list writes it (`QUYẾT ĐỊNH` → `Quyết định`).
fn canonical_kind(found: &str) -> String {
    let lower = found.to_lowercase();
    KIND_WORDS
        .iter()
        .find(|k| k.to_lowercase() == lower)
        .map_or_else(|| found.to_owned(), |k| (*k).to_owned())
}

/// The documents an article cites, each once (by [`DocumentRef::key`]) in order of first
/// appearance: what the places say of it merged (a kind or date one place gives).
pub fn collect(places: &[(&str, &str)]) -> Vec<DocumentRef> {
    let mut out: Vec<DocumentRef> = Vec::new();
    for (place, text) in places {
        for (_, d) in find(text) {
            let key = DocumentRef::key(&d.number);
            match out.iter_mut().find(|o| DocumentRef::key(&o.number) == key) {
                Some(o) => {
                    o.kind = o.kind.take().or(d.kind);
                    o.date = o.date.take().or(d.date);
                    o.year = o.year.or(d.year);
                    if !o.found_in.iter().any(|p| p == place) {
                        o.found_in.push((*place).to_owned());
                    }
                }
                None => out.push(DocumentRef {
                    found_in: vec![(*place).to_owned()],
                    ..d
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbers found in `text`, each as `number kind year type issuer date`.
    fn check(text: &str, expected: &[&str]) {
        let got: Vec<String> = find(text)
            .into_iter()
            .map(|(_, d)| {
                let o = |x: Option<String>| x.unwrap_or_else(|| "-".to_owned());
                format!(
                    "{} | {} | {} | {} | {} | {}",
                    d.number,
                    o(d.kind),
                    o(d.year.map(|y| y.to_string())),
                    o(d.type_code),
                    o(d.issuer),
                    o(d.date)
                )
            })
            .collect();
        assert_eq!(got, expected, "{text}");
    }

    #[test]
    fn numbers_of_every_kind() {
        check(
            "vừa ban hành Kế hoạch số 373/KH-UBND về",
            &["373/KH-UBND | Kế hoạch | - | KH | UBND | -"],
        );
        check(
            "Quyết định số 1234/QĐ-UBND ngày 12/3/2024 của UBND",
            &["1234/QĐ-UBND | Quyết định | 2024 | QĐ | UBND | 2024-03-12"],
        );
        check(
            "theo Nghị định 30/2020/NĐ-CP",
            &["30/2020/NĐ-CP | Nghị định | 2020 | NĐ | CP | -"],
        );
        check(
            "Thông tư số 01/2023/TT-BNV ngày 15 tháng 2 năm 2023",
            &["01/2023/TT-BNV | Thông tư | 2023 | TT | BNV | 2023-02-15"],
        );
        check(
            "Công văn số 567/UBND-VP gửi các phường",
            &["567/UBND-VP | Công văn | - | - | UBND-VP | -"],
        );
        check("Chỉ thị 05/CT-TTg", &["05/CT-TTg | Chỉ thị | - | CT | TTg | -"]);
        check(
            "Nghị quyết số 15/2021/NQ-HĐND",
            &["15/2021/NQ-HĐND | Nghị quyết | 2021 | NQ | HĐND | -"],
        );
        check(
            "Luật Đất đai số 45/2013/QH13",
            &["45/2013/QH13 | Luật | 2013 | - | QH13 | -"],
        );
        check(
            "Tờ trình số 12/TTr-UBND",
            &["12/TTr-UBND | Tờ trình | - | TTr | UBND | -"],
        );
        check("QUYẾT ĐỊNH SỐ 9/QĐ-BYT", &["9/QĐ-BYT | Quyết định | - | QĐ | BYT | -"]);
        check(
            "Quyết định phê duyệt Kế hoạch số 8/UBND-VP",
            &["8/UBND-VP | Kế hoạch | - | - | UBND-VP | -"],
        );
        check(
            "các văn bản 12/KH-UBND, 13/KH-UBND",
            &[
                "12/KH-UBND | Kế hoạch | - | KH | UBND | -",
                "13/KH-UBND | Kế hoạch | - | KH | UBND | -",
            ],
        );
    }

    #[test]
    fn a_query_word_that_is_a_number() {
        assert_eq!(as_number("373/KH-UBND").as_deref(), Some("373/KH-UBND"));
        assert_eq!(as_number("30/2020/nđ-cp"), None, "lower case is no official number");
        assert_eq!(as_number("30/2020/NĐ-CP.").as_deref(), Some("30/2020/NĐ-CP"));
        assert_eq!(as_number("12/TTr-UBND").as_deref(), Some("12/TTR-UBND"));
        assert_eq!(as_number("số 373/KH-UBND"), None);
        assert_eq!(as_number("8/9"), None);
    }

    #[test]
    fn what_is_not_a_number() {
        for text in [
            "ngày 12/3/2024",
            "24/7",
            "tỷ lệ 1/2",
            "http://example.vn/tin-tuc/12/KH-UBND",
            "https://x.vn/a/373/KH-UBND.htm",
            "ngày 8/9, theo kế hoạch",
            "COVID-19 và 5/10",
            "giá 100.000/kg",
            "lớp 12/A",
        ] {
            check(text, &[]);
        }
    }

    #[test]
    fn an_article_cites_each_document_once() {
        let docs = collect(&[
            ("title", "Triển khai Kế hoạch 373/KH-UBND"),
            (
                "body",
                "Kế hoạch số 373/KH-UBND ngày 1/11/2019 và Nghị định 30/2020/NĐ-CP; lại 373/kh-ubnd",
            ),
        ]);
        let numbers: Vec<(&str, Option<&str>, &[String])> = docs
            .iter()
            .map(|d| (d.number.as_str(), d.date.as_deref(), d.found_in.as_slice()))
            .collect();
        assert_eq!(numbers.len(), 2, "{docs:?}");
        assert_eq!(numbers[0].0, "373/KH-UBND");
        assert_eq!(
            numbers[0].1,
            Some("2019-11-01"),
            "the body's date joins the title's number"
        );
        assert_eq!(numbers[0].2, ["title".to_owned(), "body".to_owned()]);
        assert_eq!(numbers[1].0, "30/2020/NĐ-CP");
    }
}
