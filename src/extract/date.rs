//! Dates and times in text: Vietnamese first (day-first, Asia/Ho_Chi_Minh +07:00 unless the
//! text says otherwise), month names of the other languages most met on the web, the time of
//! day kept when given.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};

use crate::time::{When, vn_offset};
use regex::Regex;
use std::sync::LazyLock;

/// Year first: `2019-11-05T13:01:00+07:00`, and, in a text, `2019/11/05 13:01` or
/// `2019.11.05` (one separator throughout, a year of this era).
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})([-/.])(\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?")
        .expect("regex")
});
static DMY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\b").expect("regex"));
/// Day first with a year of two figures, dotted as central Europe writes it (`31.10.23`, `1.11.23
/// 20:19`): not a part of a longer dotted run (`1.2.3.4`, a version `v2.10.23`). A year below
/// 69 is this century's, as `strptime`'s `%y` reads it.
static DMY_SHORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\w.])(\d{1,2})\.(\d{1,2})\.(\d{2})(?:$|[^\w.]|\.(?:\s|$))").expect("regex"));
/// `ngày 5 tháng 11 năm 2019`, `Thứ Ba, 5 tháng 11, 2019` (a blog host's Vietnamese form),
/// `Thứ ba, 05 Tháng 11 2019` (Joomla's), and the short months of the usual Vietnamese
/// locales: `5 thg 11, 2019` (CLDR's), `5 Th11 2019` (moment's), `5 Th.11 2019`.
static WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:ngày\s+)?\b(\d{1,2})\s+(?:tháng\s+|thg\.?\s*|th\.?)(\d{1,2})(?:\s*(?:năm|,)\s*|\s+)(\d{4})\b")
        .expect("regex")
});
/// Vietnamese months in words, as WordPress's Vietnamese locale writes them: `8 Tháng Năm,
/// 2023` (day first) and `Tháng Năm 8, 2023`, `Tháng 5 8, 2023` (month first, `F j, Y`).
static VI_MONTH_DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})\s+tháng\s+(một|giêng|hai|ba|tư|năm|sáu|bảy|tám|chín|mười một|mười hai|mười|chạp)\s*,?\s*(?:năm\s+)?(\d{4})\b")
        .expect("regex")
});
static VI_MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\btháng\s+(một|giêng|hai|ba|tư|năm|sáu|bảy|tám|chín|mười một|mười hai|mười|chạp|\d{1,2})\s+(\d{1,2}),\s*(\d{4})\b")
        .expect("regex")
});

/// The month a Vietnamese month word (or number) names.
fn vi_month(name: &str) -> Option<u32> {
    let name = name.to_lowercase();
    let n = match name.split_whitespace().collect::<Vec<_>>()[..] {
        ["một"] | ["giêng"] => 1,
        ["hai"] => 2,
        ["ba"] => 3,
        ["tư"] => 4,
        ["năm"] => 5,
        ["sáu"] => 6,
        ["bảy"] => 7,
        ["tám"] => 8,
        ["chín"] => 9,
        ["mười"] => 10,
        ["mười", "một"] => 11,
        ["mười", "hai"] | ["chạp"] => 12,
        [n] => n.parse().ok().filter(|m| (1..=12).contains(m))?,
        _ => return None,
    };
    Some(n)
}

/// `5 March 2021`, `5. März 2021`, `5 de marzo de 2021`, `5th Mar. 2021`: day, month name, year.
static DAY_MONTH_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})(?:\.|st|nd|rd|th|er)?\s+(?:de\s+)?(\p{L}+)\.?,?\s+(?:de\s+)?(\d{4})\b").expect("regex")
});
/// `March 5, 2021`, `Mar. 5th 2021`: month name, day, year.
static MONTH_NAME_DAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(\p{L}+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b").expect("regex"));

/// The month a name (or its usual abbreviation) stands for in the languages of the web's
/// news most often met beside Vietnamese: English, German, French, Spanish, Italian,
/// Portuguese, Dutch.
fn month_number(name: &str) -> Option<u32> {
    const MONTHS: [&[&str]; 12] = [
        &[
            "january", "jan", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro",
            "januari",
        ],
        &[
            "february",
            "feb",
            "februar",
            "feber",
            "février",
            "févr",
            "fevrier",
            "febrero",
            "febbraio",
            "fevereiro",
            "fev",
            "februari",
        ],
        &[
            "march", "mar", "märz", "maerz", "mrz", "mars", "marzo", "março", "marco", "maart", "mrt",
        ],
        &["april", "apr", "avril", "avr", "abril", "abr", "aprile"],
        &["may", "mai", "mayo", "maggio", "mag", "maio", "mei"],
        &["june", "jun", "juni", "juin", "junio", "giugno", "giu", "junho"],
        &[
            "july", "jul", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho",
        ],
        &["august", "aug", "août", "aout", "agosto", "ago", "augustus"],
        &[
            "september",
            "sep",
            "sept",
            "septembre",
            "septiembre",
            "settembre",
            "set",
            "setembro",
        ],
        &[
            "october", "oct", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out",
        ],
        &["november", "nov", "novembre", "noviembre", "novembro"],
        &[
            "december",
            "dec",
            "dezember",
            "dez",
            "décembre",
            "déc",
            "decembre",
            "diciembre",
            "dic",
            "dicembre",
            "dezembro",
        ],
    ];
    let name = name.to_lowercase();
    MONTHS
        .iter()
        .position(|names| names.contains(&name.as_str()))
        .map(|i| i as u32 + 1)
}

static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,2})(?:\s*(?::|h|giờ)\s*|g)(\d{2})(?:\s*phút)?(?:\s*:\s*(\d{2}))?(?:\s*(AM|PM|SA|CH|(?i:am|pm|a\.m\.|p\.m\.)|(?i:sáng|trưa|chiều|tối|đêm)\b))?")
        .expect("regex")
});
static GMT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:GMT|UTC)(?:\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?)?\b").expect("regex"));

static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(\d{1,3})\s*(phút|giờ|tiếng|ngày|tuần|minutes?|mins?|hours?|hrs?|days?|weeks?)\s*(?:trước|ago)\b|\b(vừa xong|vừa đăng|just now|hôm nay|hôm qua|today|yesterday)\b",
    )
    .expect("regex")
});
static UPDATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:(?:ngày|thời gian|lần|date|last)\s+)?(?:cập nhật|cập nhập|sửa đổi|chỉnh sửa|updated?|modified|aktualisiert|mis à jour)\b",
    )
    .expect("regex")
});

/// A time given relative to the fetch (`2 giờ trước`, `15 phút trước`, `hôm qua`,
/// `3 hours ago`): minutes and hours to the minute; days and weeks as the day alone
/// (the page does not say the time), in the fetch's offset. A day named so with a clock
/// time beside it (`Hôm nay, 10:30`, `Hôm qua lúc 15:45`, `Yesterday 3:45 PM`) is that
/// day at that time.
pub fn parse_relative(text: &str, now: chrono::DateTime<FixedOffset>) -> Option<When> {
    let c = RELATIVE.captures(text)?;
    if let Some(word) = c.get(3) {
        let days = match word.as_str().to_lowercase().as_str() {
            "hôm qua" | "yesterday" => 1,
            "hôm nay" | "today" => 0,
            _ => return Some(When::DateTime(now)),
        };
        let day = (now - chrono::Duration::days(days)).date_naive();
        let at = TIME.captures(text).and_then(|t| to_time(&t));
        return Some(
            match at.and_then(|t| now.offset().from_local_datetime(&day.and_time(t)).single()) {
                Some(t) => When::DateTime(t),
                // Today without a time says nothing a reader could cite.
                None if days == 0 => return None,
                None => When::Date(day),
            },
        );
    }
    let n: i64 = c[1].parse().ok()?;
    let unit = c[2].to_lowercase();
    let minutes = match unit.as_str() {
        "phút" | "minute" | "minutes" | "min" | "mins" => n,
        "giờ" | "tiếng" | "hour" | "hours" | "hr" | "hrs" => n * 60,
        "ngày" | "day" | "days" => return Some(When::Date((now - chrono::Duration::days(n)).date_naive())),
        _ => return Some(When::Date((now - chrono::Duration::weeks(n)).date_naive())),
    };
    let t = now - chrono::Duration::minutes(minutes);
    Some(When::DateTime(t - chrono::Duration::seconds(t.timestamp() % 60)))
}

/// Is `text` a clock time on a day named from the fetch (`Hôm nay, 10:30`, `Yesterday 3:45
/// PM`): a reading of the publisher's clock, not an instant counted back?
pub fn is_clock_on_named_day(text: &str) -> bool {
    RELATIVE.captures(text).is_some_and(|c| {
        c.get(3).is_some_and(|w| {
            matches!(
                w.as_str().to_lowercase().as_str(),
                "hôm nay" | "hôm qua" | "today" | "yesterday"
            )
        })
    }) && TIME.is_match(text)
}

/// A label that says the date after it is the publication's: `Datum:`, `Published on`,
/// `Ngày đăng:`, `Veröffentlicht am`, `Fecha de publicación:` (the languages of the month
/// names above).
static PUBLISHED_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*(?:ngày đăng|ngày xuất bản|đăng ngày|datum|date|date de publication|publication date|published(?:\s+on)?|posted(?:\s+on)?|veröffentlicht(?:\s+am)?|erstellt(?:\s+am)?|publiziert(?:\s+am)?|erschienen(?:\s+am)?|fecha(?:\s+de\s+publicación)?|publicado(?:\s+(?:el|em))?|publié(?:\s+le)?|pubblicato(?:\s+il)?|data(?:\s+di\s+pubblicazione)?|gepubliceerd(?:\s+op)?)\s*:?\s*",
    )
    .expect("regex")
});

/// The text after a publication-date label, if `text` starts with one (`Datum: 03.11.2021`
/// gives `03.11.2021`; a label standing alone gives an empty text).
pub fn after_published_label(text: &str) -> Option<&str> {
    let m = PUBLISHED_LABEL.find(text)?;
    // The label is a word of its own (`Date:`, not `Dates`, `Datenschutz`).
    let rest = &text[m.end()..];
    let whole_word =
        m.as_str().ends_with([':', ' ']) || rest.is_empty() || rest.starts_with(|c: char| !c.is_alphabetic());
    whole_word.then_some(rest)
}

/// Does this date line say when the page was updated rather than published (`Cập nhật:`,
/// `Updated`)?
pub fn is_update_line(text: &str) -> bool {
    UPDATED.is_match(text)
}

/// Time zones news pages name by their abbreviation, in capitals, and their offsets in hours:
/// only those that name one zone (not `CST` or `IST`, each two or three).
const ZONES: &[(&str, i32)] = &[
    ("EST", -5),
    ("EDT", -4),
    ("CDT", -5),
    ("MST", -7),
    ("MDT", -6),
    ("PST", -8),
    ("PDT", -7),
    ("BST", 1),
    ("CET", 1),
    ("MEZ", 1),
    ("CEST", 2),
    ("MESZ", 2),
    ("EET", 2),
    ("EEST", 3),
    ("ICT", 7),
    ("WIB", 7),
    ("SGT", 8),
    ("HKT", 8),
    ("JST", 9),
    ("KST", 9),
    ("AEST", 10),
    ("AEDT", 11),
];

static ZONE: LazyLock<Regex> = LazyLock::new(|| {
    let names: Vec<&str> = ZONES.iter().map(|(z, _)| *z).collect();
    Regex::new(&format!(r"\b({})\b", names.join("|"))).expect("regex")
});

/// The offset a text names: `GMT+7`, `UTC-05:00`, `GMT` or a zone's abbreviation (`EST`).
fn named_offset(text: &str) -> Option<FixedOffset> {
    if let Some(g) = GMT.captures(text) {
        return gmt_offset(&g);
    }
    let z = ZONE.captures(text)?;
    let hours = ZONES.iter().find(|(name, _)| *name == &z[1])?.1;
    FixedOffset::east_opt(hours * 3600)
}

/// How far before a date its zone may stand, after the time (`6:12 p.m. ET `).
const ZONE_BEFORE: usize = 12;

/// The US zones American news names without saying standard or daylight time (`6:12 p.m.
/// ET`), by their standard offset in hours: `ET` and `PT` only (`CT` and `MT` are also
/// states' abbreviations, as datelines write them).
fn us_zone(text: &str) -> Option<i32> {
    static US_ZONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(ET|PT)\b").expect("regex"));
    match &US_ZONE.captures(text)?[1] {
        "ET" => Some(-5),
        "PT" => Some(-8),
        _ => None,
    }
}

/// A US zone's offset at a clock reading: an hour ahead of `standard` in daylight time, from
/// 2:00 on the second Sunday of March to 2:00 on the first Sunday of November (from 2007;
/// before, the first Sunday of April to the last Sunday of October).
fn us_offset(standard: i32, clock: NaiveDateTime) -> FixedOffset {
    use chrono::Weekday::Sun;
    let y = clock.year();
    let sunday = |month, n| NaiveDate::from_weekday_of_month_opt(y, month, Sun, n);
    let (start, end) = if y >= 2007 {
        (sunday(3, 2), sunday(11, 1))
    } else {
        (sunday(4, 1), sunday(10, 5).or_else(|| sunday(10, 4)))
    };
    let at_two = |d: Option<NaiveDate>| d.and_then(|d| d.and_hms_opt(2, 0, 0));
    let daylight = matches!((at_two(start), at_two(end)), (Some(a), Some(b)) if clock >= a && clock < b);
    let hours = if daylight { standard + 1 } else { standard };
    FixedOffset::east_opt(hours * 3600).expect("a US offset is in range")
}

/// The offset a date string states (`…+02:00`, `…Z`, `GMT+1`, `EST`), if it states one.
pub fn stated_offset(text: &str) -> Option<FixedOffset> {
    if let Some(o) = ISO.captures(text).and_then(|c| c.get(8)) {
        return parse_offset(o.as_str());
    }
    named_offset(text)
}

/// The offset a `GMT+7` / `UTC-05:00` match names (`GMT` alone: none).
fn gmt_offset(g: &regex::Captures) -> Option<FixedOffset> {
    let Some(sign) = g.get(1) else {
        return FixedOffset::east_opt(0);
    };
    let sign = if sign.as_str() == "-" { -1 } else { 1 };
    FixedOffset::east_opt(sign * (num(g, 2) * 3600 + g.get(3).map_or(0, |_| num(g, 3)) * 60))
}

/// A time read on a page that is not Vietnamese: Vietnam's offset is assumed only for
/// Vietnamese pages, so a time in it (a clock reading that stated no offset) is put in the
/// offset the page states elsewhere (`offset`), or, where it states none, is known to the
/// day only.
pub fn on_foreign_page(w: When, offset: Option<FixedOffset>) -> When {
    match w {
        When::DateTime(t) if t.offset() == &vn_offset() => match offset {
            Some(o) if o == vn_offset() => w,
            Some(o) => o
                .from_local_datetime(&t.naive_local())
                .single()
                .map_or(When::Date(t.naive_local().date()), When::DateTime),
            None => When::Date(t.naive_local().date()),
        },
        _ => w,
    }
}

/// The offset of the publisher's clock for a time a page states in UTC.
///
/// Metadata often gives the publication time as an instant in UTC (`2023-11-09T05:30:59Z`),
/// while the page shows its readers the publisher's clock (`November 8, 2023 at 11:30 p.m.`)
/// or states the same instant elsewhere with its offset (`2023-11-08T23:30:59-06:00`). Kept in
/// UTC, an evening story lands on the next day. Among `readings` (the page's other times,
/// clock readings without an offset held in Vietnam's, see [`on_foreign_page`]), the first
/// that is the same instant in another offset gives it, or a clock reading a whole or half
/// number of hours from it, within the offsets in use (−12:00 to +14:00), or one an hour
/// off the zone it names (summer time under winter's name). Midnight is not a
/// clock reading (a date alone reads so); a reading to the minute is compared to the minute.
pub fn local_offset(t: DateTime<FixedOffset>, readings: &[When]) -> Option<FixedOffset> {
    if t.offset().local_minus_utc() != 0 {
        return None;
    }
    readings.iter().find_map(|r| {
        let When::DateTime(v) = *r else { return None };
        if *v.offset() != vn_offset() {
            if v == t && v.offset().local_minus_utc() != 0 {
                return Some(*v.offset());
            }
            // The same instant to the minute the reading gives (`12:04AM ET` for `05:04:02Z`)
            // is in the zone it names. A site that writes `EST` all year shows summer times in
            // the zone an hour off the one it names: its clock, an hour from the instant, is
            // that zone's (never a time in UTC, an instant of its own).
            let named = i64::from(v.offset().local_minus_utc());
            let off = clock_minus_utc(v.naive_local(), t)?;
            return (named != 0 && (off == named || (off - named).abs() == 3600))
                .then(|| FixedOffset::east_opt(off as i32))
                .flatten();
        }
        let clock = v.naive_local();
        if clock.time() == NaiveTime::MIN {
            return None;
        }
        let diff = clock_minus_utc(clock, t)?;
        let in_use = diff != 0 && (-12 * 3600..=14 * 3600).contains(&diff) && diff % 1800 == 0;
        in_use.then(|| FixedOffset::east_opt(diff as i32)).flatten()
    })
}

/// How far a clock reading stands from the instant `t` in UTC, in seconds; to the minute
/// when the reading is.
fn clock_minus_utc(clock: NaiveDateTime, t: DateTime<FixedOffset>) -> Option<i64> {
    let utc = if clock.second() == 0 {
        t.naive_utc().with_second(0)?
    } else {
        t.naive_utc()
    };
    Some((clock - utc).num_seconds())
}

/// What may stand between a date and its time: punctuation, and the word for "at" (`lúc`,
/// `vào`, `at`, `um`, `à`, `a las`, `alle`, `om`, `kl.`).
static TIME_GAP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:[\s,\-|–—(]|lúc|vào|at|um|à|a\s+las|alle|om|kl\.?)*$").expect("regex"));

/// How far (in bytes) a time of day may stand from the date it belongs to.
const TIME_WINDOW: usize = 40;

/// Find the first date (with its time, if one stands next to it) in free text.
pub fn parse_text(text: &str) -> Option<When> {
    parse_text_all(text).into_iter().next()
}

/// All dates found in a text, in order.
pub fn parse_text_all(text: &str) -> Vec<When> {
    dates_at(text).into_iter().map(|(_, w)| w).collect()
}

/// What a label inside a line says of the date after it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Label {
    Published,
    Updated,
    /// Some other event's date: a document's issue or effect, a deadline, a birth.
    Other,
}

/// The words of an update's label inside a line, in the languages of the month names.
const UPDATE_WORDS: &str =
    "cập nhật|cập nhập|sửa đổi|chỉnh sửa|updated?|modified|aktualisiert|mis à jour|actualizado|aggiornato|bijgewerkt";

/// Labels inside a line (not only at its start, as [`PUBLISHED_LABEL`] and [`UPDATED`]
/// read them), in the groups of [`Label`].
static LINE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:(ngày đăng|đăng ngày|đăng lúc|ngày xuất bản|thời gian đăng|published|posted|veröffentlicht|publié|publicado|pubblicato|gepubliceerd)|({UPDATE_WORDS})|(ngày ban hành|ban hành|ngày ký|ngày có hiệu lực|có hiệu lực|hiệu lực|hết hiệu lực|ngày hết hạn|hạn nộp|hạn chót|ngày sinh|effective|deadline))\b",
    ))
    .expect("regex")
});

/// An update's label anywhere in a text, word boundaries unchecked (a cheap test before
/// [`line_dates`] is asked for an update).
static UPDATE_WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!("(?i){UPDATE_WORDS}")).expect("regex"));

/// Does the text name an update anywhere (`… | Cập nhật: …`, `Written: … / Updated: …`)?
pub fn mentions_update(text: &str) -> bool {
    UPDATE_WORD.is_match(text)
}

/// The dates of one line, each read as the label before it says: `Ngày đăng: 12/03/2024 |
/// Cập nhật: 13/03/2024 08:00` was published on the 12th and updated on the 13th, and a
/// document's `Ngày ban hành: 01/03/2024 - Ngày đăng: 12/03/2024` was published on the
/// 12th. A date belongs to a label that stands just before it (a colon, a weekday or `lúc`
/// between, no figure).
#[derive(Debug, Default, PartialEq)]
pub struct LineDates {
    /// The first date a publication label names; else the first no label names; else
    /// the first another event's label names.
    pub published: Option<When>,
    /// The first date an update label names, or, on a line that opens with one
    /// ([`is_update_line`]), the first date no other label names.
    pub updated: Option<When>,
}

/// The publication and update dates of one line (see [`LineDates`]).
pub fn line_dates(text: &str) -> LineDates {
    let dates = dates_at(text);
    if dates.is_empty() {
        return LineDates::default();
    }
    let labels: Vec<(usize, Label)> = LINE_LABEL
        .captures_iter(text)
        .map(|c| {
            let kind = if c.get(1).is_some() {
                Label::Published
            } else if c.get(2).is_some() {
                Label::Updated
            } else {
                Label::Other
            };
            (c.get(0).expect("match").end(), kind)
        })
        .collect();
    let opens_with_update = is_update_line(text);
    let label_of = |at: usize| {
        labels
            .iter()
            .rev()
            .find(|(end, _)| *end <= at)
            .filter(|(end, _)| {
                let gap = &text[*end..at];
                gap.chars().count() <= 20 && !gap.bytes().any(|b| b.is_ascii_digit())
            })
            .map(|&(_, kind)| kind)
    };
    let mut first = [None, None, None, None];
    for (at, when) in dates {
        let slot = match label_of(at) {
            Some(Label::Published) => 0,
            None if opens_with_update => 1,
            Some(Label::Updated) => 1,
            None => 2,
            Some(Label::Other) => 3,
        };
        first[slot].get_or_insert(when);
    }
    let [labelled, updated, unlabelled, other] = first;
    LineDates {
        published: labelled.or(unlabelled).or(if updated.is_none() { other } else { None }),
        updated,
    }
}

/// The date a text opens with (`01.02.2022 „Der Arbeitsmarkt …`, `23.01.2022 - Wierer …`):
/// a day, month and year at its start, behind at most an opening bracket, and words after it.
pub fn opening_date(text: &str) -> Option<When> {
    let text = text.trim_start();
    let lead = text.len() - text.trim_start_matches(['(', '[']).len();
    let (at, when) = dates_at(text).into_iter().next()?;
    (at <= lead && text.chars().filter(|c| c.is_alphabetic()).count() >= 25).then_some(when)
}

/// Every date of a text with the byte where it starts, in order.
fn dates_at(text: &str) -> Vec<(usize, When)> {
    let mut found: Vec<(usize, When)> = Vec::new();
    // Every form read here has a year in figures: a text without a digit (most lines a
    // page shows) is no date, and is answered before any pattern runs.
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    for c in ISO.captures_iter(text) {
        let (y, m, d) = (num(&c, 1), num(&c, 3), num(&c, 4));
        let separator = &c[2];
        let second = &text[c.get(3).expect("month").end()..][..1];
        if separator != second || (separator != "-" && !(1900..2100).contains(&y)) {
            continue;
        }
        let Some(date) = NaiveDate::from_ymd_opt(y, m as u32, d as u32) else {
            continue;
        };
        let when = match c.get(5) {
            Some(_) => {
                let time = NaiveTime::from_hms_opt(
                    num(&c, 5) as u32,
                    num(&c, 6) as u32,
                    c.get(7).map_or(0, |_| num(&c, 7)) as u32,
                );
                let offset = c
                    .get(8)
                    .and_then(|o| parse_offset(o.as_str()))
                    .unwrap_or_else(vn_offset);
                time.and_then(|t| offset.from_local_datetime(&NaiveDateTime::new(date, t)).single())
                    .map(When::DateTime)
                    .unwrap_or(When::Date(date))
            }
            None => When::Date(date),
        };
        found.push((c.get(0).expect("match").start(), when));
    }
    let day_first = DMY
        .captures_iter(text)
        .map(|c| (c.get(0).expect("match").range(), num(&c, 1), num(&c, 2), num(&c, 3)))
        .chain(
            WORDS
                .captures_iter(text)
                .map(|c| (c.get(0).expect("match").range(), num(&c, 1), num(&c, 2), num(&c, 3))),
        )
        .chain(DMY_SHORT.captures_iter(text).map(|c| {
            let y = num(&c, 3);
            // From the day to the year: what surrounds them is not the date.
            let range = c.get(1).expect("day").start()..c.get(3).expect("year").end();
            (range, num(&c, 1), num(&c, 2), if y < 69 { 2000 + y } else { 1900 + y })
        }))
        .chain(DAY_MONTH_NAME.captures_iter(text).filter_map(|c| {
            let m = month_number(&c[2])?;
            Some((c.get(0).expect("match").range(), num(&c, 1), m as i32, num(&c, 3)))
        }))
        .chain(MONTH_NAME_DAY.captures_iter(text).filter_map(|c| {
            let m = month_number(&c[1])?;
            Some((c.get(0).expect("match").range(), num(&c, 2), m as i32, num(&c, 3)))
        }))
        .chain(VI_MONTH_DAY_FIRST.captures_iter(text).filter_map(|c| {
            let m = vi_month(&c[2])?;
            Some((c.get(0).expect("match").range(), num(&c, 1), m as i32, num(&c, 3)))
        }))
        .chain(VI_MONTH_FIRST.captures_iter(text).filter_map(|c| {
            let m = vi_month(&c[1])?;
            Some((c.get(0).expect("match").range(), num(&c, 2), m as i32, num(&c, 3)))
        }));
    for (range, d, m, y) in day_first {
        if found.iter().any(|(s, _)| *s == range.start) {
            continue;
        }
        // Day first; a "month" above 12 says the writer put the month first (`11/23/2021`).
        let (d, m) = if m > 12 && d <= 12 { (m, d) } else { (d, m) };
        let Some(date) = NaiveDate::from_ymd_opt(y, m as u32, d as u32) else {
            continue;
        };
        // The zone follows the date (`05/11/2019 13:01 GMT+7`), or stands between the time
        // before it and the date (`6:12 p.m. ET Nov. 3, 2024`).
        let after = &text[range.end..floor_char(text, text.len().min(range.end + 40))];
        let before = &text[ceil_char(text, range.start.saturating_sub(ZONE_BEFORE))..range.start];
        let when = time_near(text, range.start, range.end)
            .and_then(|t| {
                let clock = NaiveDateTime::new(date, t);
                let offset = named_offset(after)
                    .or_else(|| named_offset(before))
                    .or_else(|| us_zone(after).or_else(|| us_zone(before)).map(|z| us_offset(z, clock)))
                    .unwrap_or_else(vn_offset);
                offset.from_local_datetime(&clock).single()
            })
            .map(When::DateTime)
            .unwrap_or(When::Date(date));
        found.push((range.start, when));
    }
    found.sort_by_key(|(s, _)| *s);
    found
}

/// A time of day just before or just after the date at `start..end`.
fn time_near(text: &str, start: usize, end: usize) -> Option<NaiveTime> {
    // The window is widened to whole words: cut inside `15 giờ 30`, it would read `5 giờ 30`;
    // cut inside `10 giờ 30 tối`, it would lose the part of the day.
    let mut after_end = floor_char(text, (end + TIME_WINDOW).min(text.len()));
    after_end += text[after_end..]
        .find(|c: char| !c.is_alphanumeric())
        .unwrap_or(text.len() - after_end);
    let after = &text[end..after_end];
    let mut before_start = ceil_char(text, start.saturating_sub(TIME_WINDOW));
    before_start = text[..before_start]
        .rfind(|c: char| !c.is_alphanumeric())
        .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    let before = &text[before_start..start];
    // After the date: "05/11/2019 13:01", "05/11/2019 - 13:01", "05/11/2019 | 13:01".
    if let Some(c) = TIME.captures(after)
        && TIME_GAP.is_match(&after[..c.get(0).expect("match").start()])
    {
        return to_time(&c);
    }
    // Before the date: "13:01 05/11/2019", "13:01, Thứ Ba 05/11/2019".
    TIME.captures_iter(before).last().and_then(|c| {
        let gap = &before[c.get(0).expect("match").end()..];
        (gap.chars().count() <= 20 && !gap.chars().any(|ch| ch.is_ascii_digit()))
            .then(|| to_time(&c))
            .flatten()
    })
}

fn to_time(c: &regex::Captures) -> Option<NaiveTime> {
    let mut h = num(c, 1) as u32;
    let m = num(c, 2) as u32;
    let s = c.get(3).map_or(0, |_| num(c, 3)) as u32;
    // The part of the day Vietnamese says after the hour: `3:58 chiều` is 15:58, `1 giờ
    // trưa` 13:00, `10 giờ đêm` 22:00 (but `2 giờ đêm` 02:00).
    match c.get(4).map(|x| x.as_str().to_uppercase().replace('.', "")).as_deref() {
        Some("PM" | "CH" | "CHIỀU" | "TỐI") if h < 12 => h += 12,
        Some("TRƯA") if h < 11 => h += 12,
        Some("ĐÊM") if (6..12).contains(&h) => h += 12,
        Some("AM" | "SA") if h == 12 => h = 0,
        _ => {}
    }
    NaiveTime::from_hms_opt(h, m, s)
}

fn num(c: &regex::Captures, i: usize) -> i32 {
    c.get(i).and_then(|m| m.as_str().parse().ok()).unwrap_or(0)
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    if s == "Z" {
        return FixedOffset::east_opt(0);
    }
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    let h: i32 = digits.get(..2)?.parse().ok()?;
    let m: i32 = digits.get(2..4).unwrap_or("0").parse().ok()?;
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// The largest character boundary at or before `i` (`i` within the text).
pub(crate) fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

static URL_STAMP_17: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[-/_](\d{17})\.(?:s?html?|aspx|vn)").expect("regex"));
static URL_STAMP_18: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[-/_]\d{3}(\d{12})\d{3}\.(?:s?html?|aspx|vn)").expect("regex"));
/// A year, month and day in an address: a path of their own (`/2019/11/05/`,
/// `/2019-11-05/`), or ending a slug (`…-responses-20191115/`), the last part of a
/// segment (before `/`, an extension, or the address's end).
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[/-]((?:19|20)\d{2})[/-]?(0[1-9]|1[0-2])[/-]?(0[1-9]|[12]\d|3[01])(?:/|\.[a-z]+|$)").expect("regex")
});
/// The same, day first (`/meldungen/29-10-2021`).
static URL_DATE_DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/(0[1-9]|[12]\d|3[01])[-.](0[1-9]|1[0-2])[-.]((?:19|20)\d{2})(?:/|\.[a-z]+|$)").expect("regex")
});

/// Timestamps Vietnamese CMSs embed in article URLs:
/// `…-20250818132533149.htm` (yyyyMMddHHmmssSSS), `…-102240425094504794.htm`
/// (3 digits, yyMMddHHmmss, 3 digits), and `/2019/11/05/` paths.
pub fn from_url(url: &str) -> Option<When> {
    let vn = vn_offset();
    if let Some(c) = URL_STAMP_17.captures(url)
        && let Ok(t) = NaiveDateTime::parse_from_str(&c[1][..14], "%Y%m%d%H%M%S")
        && (2000..2100).contains(&t.year())
    {
        return vn.from_local_datetime(&t).single().map(When::DateTime);
    }
    if let Some(c) = URL_STAMP_18.captures(url)
        && let Ok(t) = NaiveDateTime::parse_from_str(&format!("20{}", &c[1]), "%Y%m%d%H%M%S")
    {
        return vn.from_local_datetime(&t).single().map(When::DateTime);
    }
    // The path only: a query's numbers are anything.
    let path = url.split(['?', '#']).next().unwrap_or(url);
    if let Some(c) = URL_DATE.captures(path) {
        return NaiveDate::from_ymd_opt(num(&c, 1), num(&c, 2) as u32, num(&c, 3) as u32).map(When::Date);
    }
    let c = URL_DATE_DAY_FIRST.captures(path)?;
    NaiveDate::from_ymd_opt(num(&c, 3), num(&c, 2) as u32, num(&c, 1) as u32).map(When::Date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Option<&str>) {
        assert_eq!(
            parse_text(text).map(When::to_rfc3339).as_deref(),
            expected,
            "parsing {text:?}"
        );
    }

    #[test]
    fn vietnamese_date_forms() {
        check("(13:01 05/11/2019)", Some("2019-11-05T13:01:00+07:00"));
        check("Thứ Ba, 05/11/2019 - 13:01", Some("2019-11-05T13:01:00+07:00"));
        check("05/11/2019 13:01 (GMT+7)", Some("2019-11-05T13:01:00+07:00"));
        check("30 April 2019 13:10 GMT", Some("2019-04-30T13:10:00+00:00"));
        // A zone's abbreviation after the time.
        check("March 3, 2021 at 4:15 p.m. EST", Some("2021-03-03T16:15:00-05:00"));
        check("3. März 2021, 10:30 Uhr MEZ", Some("2021-03-03T10:30:00+01:00"));
        // The zone between the time and the date; `ET` and `PT` in standard or daylight
        // time by the date, the change at 2:00 (from 2007 in March and November, before in
        // April and October).
        check("Published 11:11 PM EST Nov 19, 2019", Some("2019-11-19T23:11:00-05:00"));
        check("Published 6:12 p.m. ET Nov. 3, 2024", Some("2024-11-03T18:12:00-05:00"));
        check("Published 1:30 a.m. ET Nov. 3, 2024", Some("2024-11-03T01:30:00-04:00"));
        check("Updated 9:05 a.m. PT July 4, 2023", Some("2023-07-04T09:05:00-07:00"));
        check(
            "Published 8:00 a.m. ET March 10, 2024",
            Some("2024-03-10T08:00:00-04:00"),
        );
        check(
            "Published 8:00 a.m. ET March 10, 2006",
            Some("2006-03-10T08:00:00-05:00"),
        );
        check(
            "Published 8:00 a.m. ET Oct. 30, 2006",
            Some("2006-10-30T08:00:00-05:00"),
        );
        check(
            "Published 8:00 a.m. ET Oct. 28, 2006",
            Some("2006-10-28T08:00:00-04:00"),
        );
        check("05/11/2019 13:01 ICT", Some("2019-11-05T13:01:00+07:00"));
        // A year of two figures, dotted.
        check("Von: Jan Berg | 31.10.23", Some("2023-10-31"));
        check("1.11.23 20:19 von Lars", Some("2023-11-01T20:19:00+07:00"));
        check("am 03.04.98.", Some("1998-04-03"));
        check("Version 1.2.3.4", None);
        check("v2.10.23", None);
        check("Preis 12.50.00", None);
        check("Thứ hai, 23/12/2022 - 14:47 (GMT+7)", Some("2022-12-23T14:47:00+07:00"));
        check("ngày 5 tháng 11 năm 2019", Some("2019-11-05"));
        check("Thứ Năm, 14 tháng 3, 2024", Some("2024-03-14"));
        // Months in words, as WordPress's Vietnamese locale writes them.
        check("08 Tháng Năm 2023", Some("2023-05-08"));
        check("12 Tháng Mười Hai, 2022", Some("2022-12-12"));
        check("Tháng Năm 8, 2023", Some("2023-05-08"));
        check("Tháng Mười 3, 2022", Some("2022-10-03"));
        check("Tháng 5 8, 2023", Some("2023-05-08"));
        check("Tháng Tư 30, 2021 lúc 10:15 sáng", Some("2021-04-30T10:15:00+07:00"));
        // The part of the day after the hour.
        check("8 tháng 5, 2023 lúc 3:58 chiều", Some("2023-05-08T15:58:00+07:00"));
        check("08/05/2023 10 giờ 30 tối", Some("2023-05-08T22:30:00+07:00"));
        check("08/05/2023 1 giờ 15 trưa", Some("2023-05-08T13:15:00+07:00"));
        check("08/05/2023 2 giờ 00 đêm", Some("2023-05-08T02:00:00+07:00"));
        // A time before the date, its hour further back than the window reaches.
        check("15 giờ 30 phút, ngày 12/5/2023", Some("2023-05-12T15:30:00+07:00"));
        check(
            "Lúc 10 giờ 30 phút tối, ngày 12/5/2023",
            Some("2023-05-12T22:30:00+07:00"),
        );
        // A part of the day just beyond the window after the date.
        check(
            "Thứ Sáu, ngày 12/5/2023, vào lúc 10 giờ 30 tối",
            Some("2023-05-12T22:30:00+07:00"),
        );
        // A month word in a sentence is no date.
        check("Tháng Năm là tháng của những cơn mưa đầu mùa", None);
        check("Cập nhật: 05-11-2019", Some("2019-11-05"));
        check("5/11/2019, 08h30", Some("2019-11-05T08:30:00+07:00"));
        check("5/11/2019 08g30", Some("2019-11-05T08:30:00+07:00"));
        check("05/11/2019 09:15 AM", Some("2019-11-05T09:15:00+07:00"));
        check("02/01/2020 03:15 PM", Some("2020-01-02T15:15:00+07:00"));
        check("2019-11-05T06:01:00Z", Some("2019-11-05T06:01:00+00:00"));
        check("2019-11-05T13:01:00+07:00", Some("2019-11-05T13:01:00+07:00"));
        check("2019-11-05 13:01", Some("2019-11-05T13:01:00+07:00"));
        check("Số 373/KH-UBND", None);
        // Found by fuzzing: the look-ahead for a GMT offset must not split a character.
        check(
            "(08:45 18/12/2019)v> Liên kết website Cổng giao tiếp điện tử",
            Some("2019-12-18T08:45:00+07:00"),
        );
        check("31/02/2019", None);
        // Year first with slashes or dots, one separator throughout.
        check("2024/03/12 10:25", Some("2024-03-12T10:25:00+07:00"));
        check("Ngày đăng: 2024.03.12", Some("2024-03-12"));
        check("2024/03-12", None);
        check("Mã số 1234.5.6", None);
    }

    fn check_line(text: &str, published: Option<&str>, updated: Option<&str>) {
        let line = line_dates(text);
        assert_eq!(
            (
                line.published.map(When::to_rfc3339).as_deref(),
                line.updated.map(When::to_rfc3339).as_deref()
            ),
            (published, updated),
            "{text:?}"
        );
    }

    #[test]
    fn each_date_of_a_line_is_what_its_label_says() {
        check_line("05/11/2019 13:01", Some("2019-11-05T13:01:00+07:00"), None);
        check_line("Cập nhật: 06/11/2019", None, Some("2019-11-06"));
        check_line(
            "Cập nhật lúc 15:30 ngày 12/05/2023",
            None,
            Some("2023-05-12T15:30:00+07:00"),
        );
        check_line(
            "Cập nhật: 13/03/2024 - Ngày đăng: 12/03/2024",
            Some("2024-03-12"),
            Some("2024-03-13"),
        );
        check_line(
            "Ngày đăng: 12/03/2024 | Cập nhật: 13/03/2024 | Lượt xem: 45",
            Some("2024-03-12"),
            Some("2024-03-13"),
        );
        check_line(
            "Ngày ban hành: 01/03/2024 - Ngày đăng: 12/03/2024",
            Some("2024-03-12"),
            None,
        );
        // Another event's date stands for the page's only when the line gives no other.
        check_line("Ngày ban hành: 01/03/2024", Some("2024-03-01"), None);
        check_line(
            "Ngày ban hành: 01/03/2024 | Cập nhật: 13/03/2024",
            None,
            Some("2024-03-13"),
        );
        // A label far from the date, or with a figure between, names another thing.
        check_line(
            "12/03/2024 - Thông tư sửa đổi quy định về thuế, ngày 13/03/2024",
            Some("2024-03-12"),
            None,
        );
        check_line("Không có ngày", None, None);
    }

    #[test]
    fn short_and_joomla_vietnamese_months() {
        // Joomla's Vietnamese pack: no `năm` and no comma before the year.
        check("Thứ hai, 12 Tháng 3 2024 10:25", Some("2024-03-12T10:25:00+07:00"));
        check(
            "Được đăng ngày Thứ sáu, 08 Tháng 11 2019 08:15",
            Some("2019-11-08T08:15:00+07:00"),
        );
        // Short months: CLDR's `thg`, moment's `Th03`, a date picker's `Th.3`.
        check("12 thg 3, 2024", Some("2024-03-12"));
        check("T3, 12 Th03 2024 10:25", Some("2024-03-12T10:25:00+07:00"));
        check("12 Th.3 2024", Some("2024-03-12"));
        // A weekday's short form before a date is no month.
        check("Th 3, 12/03/2024", Some("2024-03-12"));
    }

    #[test]
    fn a_publication_label_is_a_word_of_its_own() {
        for (text, expected) in [
            ("Datum: 03.11.2021", Some("03.11.2021")),
            ("Published on March 3, 2021", Some("March 3, 2021")),
            ("Ngày đăng: 05/11/2019", Some("05/11/2019")),
            ("Veröffentlicht am 3. November 2021", Some("3. November 2021")),
            ("Fecha de publicación: 03/11/2021", Some("03/11/2021")),
            ("Datum", Some("")),
            ("Datenschutz", None),
            ("Dates to remember: 5 May 2021", None),
            ("Updated: 5 May 2021", None),
            // A sentence of the text that starts with a date (`Ngày 12/5/2023, …`) is no label.
            ("Ngày 12/5/2023, UBND tỉnh tổ chức hội nghị", None),
        ] {
            assert_eq!(after_published_label(text), expected, "{text}");
        }
    }

    #[test]
    fn a_utc_time_takes_the_offset_the_page_shows_its_clock_in() {
        let check = |t: &str, readings: &[&str], expected: Option<&str>| {
            let Some(When::DateTime(t)) = parse_text(t) else {
                panic!("{t}")
            };
            let readings: Vec<When> = readings.iter().filter_map(|r| parse_text(r)).collect();
            assert_eq!(
                local_offset(t, &readings).map(|o| o.to_string()).as_deref(),
                expected,
                "{t} {readings:?}"
            );
        };
        check(
            "2023-11-09T05:30:59Z",
            &["November 8, 2023 at 11:30 p.m."],
            Some("-06:00"),
        );
        check("2020-02-25T02:25:54Z", &["2020-02-24T21:25:54-05:00"], Some("-05:00"));
        check("2023-11-09T05:30:00Z", &["09/11/2023 12:30"], Some("+07:00"));
        check("2019-04-30T12:40:00Z", &["30/04/2019 18:10"], Some("+05:30"));
        // The reading stated in GMT, a date alone, midnight, a reading minutes away, a time
        // already in an offset of its own: nothing to say.
        check("2019-04-30T15:10:10Z", &["30 April 2019 13:10 GMT"], None);
        check("2023-11-09T05:30:59Z", &["2023-11-08"], None);
        check("2018-02-20T05:00:00Z", &["2018-02-20 00:00"], None);
        check("2023-11-09T05:30:00Z", &["09/11/2023 12:50"], None);
        check("2023-11-08T23:30:59-06:00", &["2023-11-09 01:30"], None);
        check("2023-11-09T05:30:00Z", &["2023-11-10 05:30"], None);
        // `EST` written in June: the clock is an hour off the zone it names, Eastern summer
        // time. An hour off a time stated in UTC is another instant.
        check("2020-06-12T13:49:32Z", &["June 12, 2020 9:49 am EST"], Some("-04:00"));
        check("2020-06-12T13:49:32Z", &["June 12, 2020 10:49 am EST"], None);
        // The instant itself, to the minute, in the zone the reading names.
        check(
            "2019-11-19T05:04:02Z",
            &["November 19, 2019 12:04AM EST"],
            Some("-05:00"),
        );
        check("2020-08-29T09:46:06Z", &["2020-08-29T10:46:06+00:00"], None);
    }

    #[test]
    fn month_names_of_other_languages() {
        check("Published: March 5, 2021", Some("2021-03-05"));
        check("Mar. 5th, 2021 10:30 am", Some("2021-03-05T10:30:00+07:00"));
        check("5 March 2021", Some("2021-03-05"));
        check("Veröffentlicht am 5. März 2021", Some("2021-03-05"));
        check("le 1er décembre 2020", Some("2020-12-01"));
        check("5 de marzo de 2021", Some("2021-03-05"));
        check("23 ottobre 2019, 14:05", Some("2019-10-23T14:05:00+07:00"));
        // A word that is no month, and a month with no day, are no date.
        check("5 apples 2021", None);
        check("March 2021", None);
        // Day first unless the numbers say otherwise.
        check("03/11/2021", Some("2021-11-03"));
        check("11/23/2021 4:05 PM", Some("2021-11-23T16:05:00+07:00"));
        // A time after the word for "at", and a 12-hour clock in lower case.
        check(
            "Posted on November 3, 2021 at 5:12 pm",
            Some("2021-11-03T17:12:00+07:00"),
        );
        check("3. November 2021 um 14:05 Uhr", Some("2021-11-03T14:05:00+07:00"));
        check(
            "3 de noviembre de 2021 a las 9:30 p.m.",
            Some("2021-11-03T21:30:00+07:00"),
        );
    }

    #[test]
    fn times_relative_to_the_fetch() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-06T10:30:45+07:00").unwrap();
        let f = |t: &str| parse_relative(t, now).map(When::to_rfc3339);
        assert_eq!(f("2 giờ trước").as_deref(), Some("2026-12-06T08:30:00+07:00"));
        assert_eq!(f("15 phút trước").as_deref(), Some("2026-12-06T10:15:00+07:00"));
        assert_eq!(f("3 ngày trước").as_deref(), Some("2026-12-03"));
        assert_eq!(f("Hôm qua").as_deref(), Some("2026-12-05"));
        assert_eq!(f("posted 5 hours ago").as_deref(), Some("2026-12-06T05:30:00+07:00"));
        assert_eq!(f("1 tuần trước").as_deref(), Some("2026-11-29"));
        assert_eq!(f("Giá vàng tăng 2 giờ liền"), None);
        // A day named relative to the fetch, with a clock time.
        assert_eq!(f("Hôm nay, 09:15").as_deref(), Some("2026-12-06T09:15:00+07:00"));
        assert_eq!(f("Hôm qua lúc 15:45").as_deref(), Some("2026-12-05T15:45:00+07:00"));
        assert_eq!(f("10:30 hôm nay").as_deref(), Some("2026-12-06T10:30:00+07:00"));
        assert_eq!(f("Yesterday 3:45 PM").as_deref(), Some("2026-12-05T15:45:00+07:00"));
        assert_eq!(f("Today at 8:05 am").as_deref(), Some("2026-12-06T08:05:00+07:00"));
        // `Hôm nay` alone dates nothing (a page's greeting, a weather box).
        assert_eq!(f("Hôm nay"), None);
        assert!(is_clock_on_named_day("Hôm qua lúc 15:45"));
        assert!(!is_clock_on_named_day("Hôm qua"));
        assert!(!is_clock_on_named_day("2 giờ trước"));
        assert!(is_update_line("Cập nhật: 05/11/2019 14:00"));
        assert!(is_update_line("Updated Nov 5, 2019"));
        assert!(is_update_line("Ngày cập nhật: 22/03/2024 10:00"));
        assert!(is_update_line("Thời gian cập nhật: 22/03/2024"));
        assert!(is_update_line("Last modified: 22/03/2024"));
        assert!(!is_update_line("Ngày đăng: 20/03/2024 09:15"));
        assert!(!is_update_line("Thứ Ba, 05/11/2019 - 13:01"));
    }

    #[test]
    fn url_timestamps() {
        for (url, expected) in [
            (
                "https://dantri.com.vn/x-y-20250818132533149.htm",
                Some("2025-08-18T13:25:33+07:00"),
            ),
            (
                "https://baochinhphu.vn/a-b-102240425094504794.htm",
                Some("2024-04-25T09:45:04+07:00"),
            ),
            ("https://example.vn/2019/11/05/tin.html", Some("2019-11-05")),
            ("https://example.vn/tin-123.html", None),
            // A date ending a slug, a day-first segment; not a number inside a longer one,
            // nor one in the query.
            (
                "https://example.org/cells-that-taste-danger-20191115/",
                Some("2019-11-15"),
            ),
            ("https://example.org/meldungen/29-10-2021", Some("2021-10-29")),
            ("https://example.org/story/2019-11-19/merger.html", Some("2019-11-19")),
            ("https://example.org/item-2019111512/", None),
            ("https://example.org/list?from=20191115", None),
        ] {
            assert_eq!(from_url(url).map(When::to_rfc3339).as_deref(), expected, "{url}");
        }
    }

    #[test]
    fn a_text_opening_with_a_date() {
        let check = |text: &str, expected: Option<&str>| {
            assert_eq!(opening_date(text).map(When::to_rfc3339).as_deref(), expected, "{text}");
        };
        check(
            "01.02.2022 „Der Arbeitsmarkt ist gut in das Jahr 2022 gestartet.",
            Some("2022-02-01"),
        );
        check(
            "(23/01/2022) Sáng nay, tại xã Vân Hà, huyện tổ chức lễ phát động.",
            Some("2022-01-23"),
        );
        // A date inside the text, or a date line with nothing after it, opens no text.
        check("Sáng 01/02/2022, tại xã Vân Hà, huyện tổ chức lễ phát động.", None);
        check("01.02.2022 - 14:30", None);
    }
}
