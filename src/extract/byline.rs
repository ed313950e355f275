//! Bylines: who wrote an article (people) and where it came from (agencies, sources).
//! Vietnamese articles often credit the author in a short bold or right-aligned line at the
//! end; `Theo TTXVN` / `Nguồn: VGP` name a source, not an author.

use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Byline {
    pub authors: Vec<String>,
    pub source: Option<String>,
}

static SOURCE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\(?\s*(?:theo|nguồn tin|nguồn ảnh|nguồn|source)\s*:?\s+(.+?)\)?\.?$").expect("regex")
});
static AUTHOR_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:tác giả(?: bài viết)?|bài(?:\s*(?:và|,|&)\s*ảnh)?|bài viết|tin bài|tin và bài|ảnh\s*(?:,|và|&)\s*(?:tin|bài)|thực hiện|nhóm thực hiện|phóng viên|by|written by|ghi chép|tin(?:\s*,\s*ảnh)?|tin và ảnh|người viết(?: bài)?|người đăng|người đưa tin|người đưa bài|người thực hiện|người sưu tầm|sưu tầm|st|biên soạn|người soạn|author|autor|autorin|auteur|autore|autora|text|texte|text und fotos?|text & fotos?)\s*[:\-–]|(?:gv|giáo viên|ctv|cộng tác viên)\s*:)\s*(.+)$")
        .expect("regex")
});
/// A second credit in an author's line: `Tin: Hoàng Anh; Ảnh: Minh Đức`, `Bài: Thu Hà - Ảnh:
/// Minh Anh`. The photographer is credited too.
static PHOTO_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*[;,\-–—|]\s*(?:ảnh|video|clip|đồ họa|fotos?|photos?|bilder?)\s*:\s*").expect("regex")
});
/// A date after the byline: `Minh Châu - 15/02/2024`, `Thu Hà (15/2/2024)`.
static TRAILING_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*(?:[-–,|]\s*)?\(?\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(?:\s+\d{1,2}[:h]\d{2})?\)?$").expect("regex")
});
/// Bylines of the web's main languages put no colon after the word: `By Jane Doe`, `Posted by
/// Jane Doe`, `Von Max Muster`, `Par Jean Dupont`, `Por Ana Pérez`, `Door Jan Jansen`.
static BY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:written by|posted by|by|von|par|por|door)\s+(.+)$").expect("regex"));
/// `Minh Anh (TTXVN)`, `Thu Hằng/VOV`, `Minh Hòa/VOV-Tây Bắc`, `Nguyễn Hòa/Báo Tin tức`.
static TRAILING_AGENCY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?)\s*(?:\(([^)]+)\)|/\s*([^/()]{2,30}))$").expect("regex"));

/// The editor's credit, or a designer's, which names no author: `Biên tập viên: Trần Long`,
/// `Người biên tập: …`, `Thiết kế: …`.
static EDITOR_CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:biên tập viên|người biên tập|biên tập|btv|người duyệt|duyệt bài|thiết kế|trình bày|đồ họa|đồ hoạ)\s*:\s*(\S.*)$").expect("regex")
});
/// A labelled source after the writer's credit in one line: `Tác giả: Nguyễn Thị Hoa -
/// Nguồn: Phòng GD&ĐT`, `Tác giả: Minh Anh | Nguồn tin: Sở Y tế`.
static CREDIT_THEN_SOURCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(.+?)\s*[-–|;,]\s*((?:nguồn tin|nguồn|theo)(?-u:\b).+)$").expect("regex"));

/// Notes after a byline that are not part of it: `Hà Thu (tổng hợp)`, `(lược dịch)`, the
/// place a correspondent writes from (`Vũ Nam (từ Hà Nội)`).
static EDITORIAL_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s*[\(\[]\s*(tổng hợp|tổng hợp từ [^)\]]*|(?:gửi |viết )?từ (?-i:\p{Lu})[^)\]]{1,40}|t/h|lược dịch|biên dịch|dịch|ghi|ghi chép|thực hiện|tường thuật|st|sưu tầm)\s*[\)\]]")
        .expect("regex")
});
/// The writer's role in parentheses after the name, `Minh Anh (CTV)`: no part of it (alone,
/// `(PV)` is the reporter's credit, as `PV` is).
static ROLE_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\s*[\(\[]\s*(?:ctv|cộng tác viên|pv|phóng viên)\s*[\)\]]").expect("regex"));

/// Does the line open with an author's label (`Bài, ảnh:`, `Tin, ảnh:`, `Tác giả:`)? Such
/// a line credits the text's writer, though it names a photographer too.
pub fn is_author_line(text: &str) -> bool {
    AUTHOR_PREFIX.is_match(text.trim())
}

/// Does the line open with a source's label (`Theo`, `Nguồn:`)?
pub fn is_source_line(text: &str) -> bool {
    SOURCE_PREFIX.is_match(text.trim())
}

/// Agencies and outlets that are sources, not authors.
const AGENCIES: &[&str] = &[
    "ttxvn",
    "vna",
    "vov",
    "vtv",
    "vgp",
    "ttxvn/vna",
    "vietnam+",
    "vietnamplus",
    "vnexpress",
    "vne",
    "tuổi trẻ",
    "dân trí",
    "vietnamnet",
    "vnn",
    "thanh niên",
    "tiền phong",
    "nhân dân",
    "quân đội nhân dân",
    "qđnd",
    "hà nội mới",
    "hnm",
    "lao động",
    "cand",
    "công an nhân dân",
    "báo chính phủ",
    "chinhphu.vn",
    "baochinhphu.vn",
    "reuters",
    "afp",
    "ap",
    "bloomberg",
    "xinhua",
    "tân hoa xã",
    "bbc",
    "cnn",
    "vtc",
    "vtc news",
    "zing",
    "znews",
    "người lao động",
    "nld",
    "sggp",
    "đài tiếng nói việt nam",
    "thông tấn xã việt nam",
    "hnp",
    "cổng ttđt",
];

pub fn is_agency(s: &str) -> bool {
    let t = s.trim().trim_matches(['(', ')', '.', ' ']);
    // A regional desk or channel of an outlet: `VOV-Tây Bắc`, `TTXVN-Hà Nội`.
    if let Some((outlet, desk)) = t.split_once('-')
        && !outlet.contains(' ')
        && desk.starts_with(char::is_uppercase)
        && is_agency(outlet)
    {
        return true;
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    // One word written like a brand: `VnEconomy`, `CafeF`, `VietNamNet`; or an acronym of
    // three or more capitals: `TTXVN`, `VOV`, `NLĐ`.
    if let [w] = words.as_slice() {
        let upper = w.chars().filter(|c| c.is_uppercase()).count();
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        let camel = w.chars().skip(1).any(|c| c.is_uppercase()) && w.chars().any(|c| c.is_lowercase());
        if camel || (letters >= 3 && upper == letters && !matches!(w.to_lowercase().as_str(), "ctv")) {
            return true;
        }
    }
    let l = t.to_lowercase();
    if l.split(|c: char| !c.is_alphanumeric()).any(|w| {
        matches!(
            w,
            "online"
                | "news"
                | "times"
                | "post"
                | "express"
                | "tv"
                | "radio"
                | "agency"
                | "agencia"
                | "agence"
                | "agentur"
                | "press"
                | "presse"
        )
    }) {
        return true;
    }
    AGENCIES.contains(&l.as_str())
        || l.starts_with("báo ")
        || l.starts_with("theo ")
        || l.starts_with("cổng thông tin")
        || l.starts_with("cổng tt")
        || l.starts_with("trang thông tin")
        || l.starts_with("trang tin")
        || l.starts_with("trang tt")
        || l.starts_with("đài ")
        || l.starts_with("tạp chí")
        || l.starts_with("sở ")
        || l.starts_with("ubnd")
        || l.starts_with("ủy ban")
        || is_organisation(&l)
        || l.contains(".vn")
        || l.contains(".com")
}

/// Vietnamese names of institutions — a school, an office, a department, a party or mass
/// organisation's committee — by the words they open with. Only heads no personal or pen
/// name starts with: `Trường` alone is a given name (`Trường Giang`), so a school needs its
/// level after it (`Trường THCS …`, `Trường Tiểu học …`).
fn is_organisation(lower: &str) -> bool {
    const HEADS: &[&str] = &[
        "trường thcs",
        "trường thpt",
        "trường th ",
        "trường tiểu học",
        "trường trung học",
        "trường mầm non",
        "trường mn ",
        "trường đại học",
        "trường cao đẳng",
        "trường phổ thông",
        "trường ptdt",
        "trường th&thcs",
        "trường liên cấp",
        "phòng gd",
        "phòng giáo dục",
        "phòng văn hóa",
        "sở gd",
        "bộ giáo dục",
        "văn phòng ",
        "trung tâm ",
        "chi cục ",
        "tổng cục ",
        "học viện ",
        "bệnh viện ",
        "viện ",
        "cục ",
        "trạm y tế",
        "công an ",
        "bộ chỉ huy",
        "ban chỉ huy",
        "bộ đội biên phòng",
        "đồn biên phòng",
        "công ty ",
        "đảng ủy",
        "đảng bộ",
        "huyện ủy",
        "tỉnh ủy",
        "thành ủy",
        "quận ủy",
        "công đoàn ",
        "liên đoàn ",
        "hội đồng ",
        "thư viện ",
        "ban biên tập",
        "ban quản lý",
        "ban tuyên giáo",
        "ban chỉ đạo",
        "mttq",
        "mặt trận tổ quốc",
        // Mass organisations and a school's or an office's own teams: `Đoàn` alone is a
        // surname, `Ban` a pen name (`Ban Mai`); `Phòng` and `Hội` head no name.
        "đoàn thanh niên",
        "đoàn tn",
        "đoàn trường",
        "chi đoàn",
        "chi bộ",
        "liên đội",
        "ban giám hiệu",
        "ban chấp hành",
        "ban đại diện",
        "ban tổ chức",
        "ban thường vụ",
        "phòng ",
        "hội ",
    ];
    // A team (`Tổ Văn phòng`, `Tổ Toán`), not a residential group (`Tổ 10`, `Tổ dân phố 5`),
    // which is an address.
    let team = lower
        .strip_prefix("tổ ")
        .is_some_and(|rest| rest.starts_with(char::is_alphabetic) && !rest.starts_with("dân"));
    team || HEADS.iter().any(|h| lower.starts_with(h))
}

/// A position held, by the words it opens with: what a signature or a byline gives after
/// the name (`Nguyễn Văn An - GV Trường THCS …`, `Hiệu trưởng`).
pub fn is_position(text: &str) -> bool {
    const POSITIONS: &[&str] = &[
        "gv ",
        "giáo viên",
        "hiệu trưởng",
        "phó hiệu trưởng",
        "tổng phụ trách",
        "học sinh",
        "hs ",
        "cán bộ",
        "nhân viên",
        "bí thư",
        "phó bí thư",
        "chủ tịch",
        "phó chủ tịch",
        "giám đốc",
        "phó giám đốc",
        "trưởng phòng",
        "phó trưởng phòng",
        "trưởng ban",
        "phó trưởng ban",
        "thư ký",
        "chánh văn phòng",
    ];
    let lower = text.trim().to_lowercase();
    POSITIONS.iter().any(|p| lower.starts_with(p) || lower == p.trim_end())
}

/// Is the part only the word a byline opens with, in a language the web writes much
/// (`Posted`, `By`, `Von`, `Par`, `Tác giả`), with no name after it?
fn is_byline_label(part: &str) -> bool {
    const LABELS: &[&str] = &[
        "posted",
        "posted by",
        "published",
        "published by",
        "written",
        "written by",
        "by",
        "author",
        "von",
        "autor",
        "verfasst von",
        "par",
        "auteur",
        "por",
        "di",
        "door",
        "tác giả",
        "bởi",
        "đăng bởi",
        "người đăng",
        "người viết",
    ];
    let p = part.trim().trim_end_matches(':').trim().to_lowercase();
    LABELS.contains(&p.as_str())
}

/// A job English bylines give after the name (`Jane Doe, Staff Writer`, `Senior Political
/// Correspondent`): its last word names the job; or a Vietnamese writer's role standing as
/// a part of its own (`Minh Anh - CTV`).
fn is_staff_role(part: &str) -> bool {
    if matches!(
        part.trim().to_lowercase().as_str(),
        "ctv" | "cộng tác viên" | "pv" | "phóng viên"
    ) {
        return true;
    }
    const JOBS: &[&str] = &[
        "writer",
        "reporter",
        "correspondent",
        "editor",
        "columnist",
        "contributor",
        "photographer",
        "journalist",
        "producer",
        "critic",
        "intern",
        "staff",
    ];
    part.split_whitespace()
        .last()
        .is_some_and(|w| JOBS.contains(&w.to_lowercase().trim_end_matches('s')))
}

/// Ranks and titles Vietnamese bylines write in lower case before a name (`Thượng tá Lê Văn
/// Cường`, `Cô giáo Nguyễn Thị Hoa`, `Nhà báo Hoàng Minh`); the byline keeps them, as it keeps
/// `ThS.` and `TS.`. Anchored: most lines fail at their first letter.
static HONORIFIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:(?:thiếu|trung|thượng|đại) (?:úy|uý|tá|tướng)|cô giáo|thầy giáo|nhà (?:giáo|báo|văn|thơ)|luật sư|bác (?:sĩ|sỹ)|dược sĩ|kỹ sư|kiến trúc sư|nghệ (?:sĩ|nhân)|nhạc sĩ|(?:họa|hoạ) sĩ|thạc sĩ|tiến sĩ|(?:phó )?giáo sư) +(.+)$",
    )
    .expect("regex")
});

/// A content system's account or placeholder, which names no one: Joomla's `Super User`,
/// `admin`, `Unknown`, `Quản trị viên`.
pub fn is_account(s: &str) -> bool {
    matches!(
        s.trim().to_lowercase().as_str(),
        "super user"
            | "superuser"
            | "administrator"
            | "admin"
            | "webmaster"
            | "unknown"
            | "anonymous"
            | "guest"
            | "quản trị"
            | "quản trị viên"
            | "ẩn danh"
    )
}

/// A person's name as bylines write it: 1–5 capitalised words (initials like `P.T.` allowed),
/// after a rank or title (see [`HONORIFIC`]) or not, or the reporter credits `PV`, `Nhóm
/// PV`, `CTV`.
pub fn looks_like_name(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 40 {
        return false;
    }
    if let Some(c) = HONORIFIC.captures(s) {
        // The name after it: two words or more (`Thượng tá Cường` may be a sentence's start).
        let name = c[1].trim();
        return name.split_whitespace().nth(1).is_some() && looks_like_name(name);
    }
    let lower = s.to_lowercase();
    if matches!(
        lower.as_str(),
        "pv" | "nhóm pv" | "ctv" | "nhóm ctv" | "pv-ctv" | "nhóm phóng viên"
    ) {
        return true;
    }
    // A team of reporters named after its desk: `Nhóm PV Xã hội`, `Nhóm phóng viên Kinh tế`.
    for team in ["nhóm pv ", "nhóm ctv ", "nhóm pv-ctv ", "nhóm phóng viên "] {
        if lower.starts_with(team)
            && let Some(desk) = s.get(team.len()..)
            && desk.starts_with(char::is_uppercase)
            && desk.split_whitespace().count() <= 3
        {
            return true;
        }
    }
    if is_account(s) {
        return false;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || is_agency(s) || is_position(s) {
        return false;
    }
    const NOT_NAMES: &[&str] = &[
        "ảnh", "video", "tin", "xem", "thêm", "trang", "chủ", "liên", "quan", "bài", "viết", "đọc", "tiếp", "chia",
        "sẻ", "bình", "luận", "in", "gửi", "quay", "lại", "đầu", "trang", "mới", "nhất", "tags", "tag", "từ", "khóa",
        "nguồn", "theo", "lượt", "xem", "hotline", "email", "facebook",
    ];
    let mut stop_words = 0;
    for w in &words {
        let mut chars = w.chars();
        let Some(first) = chars.next() else { return false };
        if !first.is_uppercase() {
            return false;
        }
        if !w.chars().all(|c| c.is_alphabetic() || c == '.' || c == '-') {
            return false;
        }
        if NOT_NAMES.contains(&w.to_lowercase().as_str()) {
            stop_words += 1;
        }
    }
    stop_words * 2 < words.len().max(1) + 1 && !(words.len() == 1 && stop_words == 1)
}

/// The surnames most Vietnamese carry (with their spelling variants): nine in ten people
/// bear one of them.
const SURNAMES: &[&str] = &[
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô", "dương",
    "lý", "đinh", "trịnh", "lương", "mai", "trương", "đoàn", "lâm", "tạ", "hà", "cao", "chu", "tô", "vương", "la",
    "thái", "tăng", "kiều", "lưu", "quách",
];

/// A Vietnamese person's full name: three or four capitalised words, the first a common
/// surname (`Nguyễn Văn An`, `Trần Thị Minh Thu`).
pub fn is_full_personal_name(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    (3..=4).contains(&words.len()) && SURNAMES.contains(&words[0].to_lowercase().as_str()) && looks_like_name(s)
}

/// A source named with its label (see [`SOURCE_PREFIX`]): `Theo Reuters` in `Hoàng Hà
/// (Theo Reuters)` is `Reuters`.
fn without_label(source: &str) -> &str {
    SOURCE_PREFIX
        .captures(source)
        .and_then(|c| c.get(1))
        .map_or(source, |m| m.as_str().trim())
}

/// A name after the writer's role, which school portals and papers put before it without a
/// colon (`GV Nguyễn Thị Hoa`, `CTV Minh Anh`, `Phóng viên Minh Anh`): the name alone.
fn without_role(part: &str) -> &str {
    let lower = part.to_lowercase();
    for role in ["gv.", "gv", "giáo viên", "ctv", "cộng tác viên", "pv", "phóng viên"] {
        if lower.starts_with(role)
            && let Some(rest) = part.get(role.len()..)
            && rest.starts_with(' ')
            && rest.trim_start().starts_with(char::is_uppercase)
        {
            return rest.trim_start();
        }
    }
    part
}

/// Read a byline such as `Nhật Minh`, `Minh Anh - Thu Hà`, `Theo TTXVN`, `Bài, ảnh: Minh Anh`,
/// `Minh Anh (TTXVN)`. `None` when the text is not a byline.
pub fn parse(text: &str) -> Option<Byline> {
    // A credit that names no one: the text was collected (`Sưu tầm`, `(St)`) or compiled
    // (`(Tổng hợp)`), as school portals close what they repost.
    let bare = text.trim().trim_end_matches('.');
    if bare.is_empty() {
        return None;
    }
    if EDITORIAL_NOTE.replace(bare, "").trim().is_empty()
        || (bare.chars().count() <= 60
            && EDITOR_CREDIT.captures(bare).is_some_and(|c| {
                c[1].split([',', ';', '-', '–'])
                    .map(str::trim)
                    .all(|n| !n.is_empty() && looks_like_name(n))
            }))
        || matches!(
            bare.to_lowercase().as_str(),
            "sưu tầm" | "st" | "s.t" | "sưu tầm - tổng hợp" | "sưu tầm, tổng hợp"
        )
    {
        return Some(Byline::default());
    }
    let t = EDITORIAL_NOTE.replace(text.trim(), "");
    let without_role_note = ROLE_NOTE.replace(t.trim(), "");
    let t = if without_role_note.trim().is_empty() {
        t
    } else {
        std::borrow::Cow::Owned(without_role_note.into_owned())
    };
    let t = TRAILING_DATE.replace(t.trim(), "");
    let t = t.trim().trim_end_matches(['.', ';']).trim();
    // A credit in parentheses of its own: `(TTXVN/Vietnam+)`.
    let t = t
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .filter(|r| !r.contains(['(', ')']))
        .map_or(t, str::trim);
    if t.is_empty() || t.chars().count() > 80 {
        return None;
    }
    if let Some(c) = CREDIT_THEN_SOURCE.captures(t)
        && let Some(src) = SOURCE_PREFIX.captures(&c[2]).map(|s| s[1].trim().to_owned())
        // A source is named, not a sentence going on (`Minh Anh, theo dõi …`).
        && src.starts_with(|ch: char| ch.is_uppercase() || ch.is_ascii_digit())
        && let Some(credit) = parse(&c[1]).filter(|b| !b.authors.is_empty() && b.source.is_none())
    {
        return Some(Byline {
            authors: credit.authors,
            source: Some(src),
        });
    }
    if let Some(c) = SOURCE_PREFIX.captures(t) {
        let mut src = c[1].trim().to_owned();
        // `Theo Minh Anh (Báo Tin tức)`: a person and the outlet she wrote for (the label's
        // pattern took the closing parenthesis).
        if src.matches('(').count() > src.matches(')').count() {
            src.push(')');
            if let Some(b) = parse(&src).filter(|b| !b.authors.is_empty()) {
                return Some(b);
            }
        }
        // `Theo Thanh Xuân` credits a person; `Theo TTXVN` an agency.
        if !t.to_lowercase().starts_with("nguồn") && !is_agency(&src) && looks_like_name(&src) {
            return Some(Byline {
                authors: vec![src],
                source: None,
            });
        }
        return (src.chars().count() <= 50).then_some(Byline {
            authors: Vec::new(),
            source: Some(src),
        });
    }
    let (body, source) = match TRAILING_AGENCY.captures(t) {
        Some(c) => {
            let agency = c.get(2).or(c.get(3)).map(|m| m.as_str().trim().to_owned());
            match agency {
                // Two outlets, one through the other: `TTXVN/Vietnam+`.
                Some(a) if is_agency(&a) && is_agency(&c[1]) => (String::new(), Some(t.to_owned())),
                Some(a)
                    if is_agency(&a)
                        || is_source_line(&a)
                        || (a.chars().any(char::is_alphabetic)
                            && a.chars().all(|c| c.is_uppercase() || !c.is_alphabetic())) =>
                {
                    (c[1].trim().to_owned(), Some(without_label(&a).to_owned()))
                }
                _ => (t.to_owned(), None),
            }
        }
        None => (t.to_owned(), None),
    };
    let body = AUTHOR_PREFIX
        .captures(&body)
        .or_else(|| BY.captures(&body))
        .map(|c| c[1].trim().to_owned())
        .unwrap_or(body);
    // Writers, then the photographers credited after them.
    let mut names: Vec<String> = PHOTO_CREDIT
        .split(&body)
        .flat_map(|credit| credit.split([',', '–', '—', ';', '&']))
        .flat_map(|p| p.split(" - "))
        .flat_map(|p| p.split(" và "))
        .flat_map(|p| p.split(" and "))
        .map(|p| {
            let p = p.trim();
            let p = p.strip_prefix("and ").unwrap_or(p).trim_matches(['-', '(', ')']).trim();
            without_role(p).to_owned()
        })
        .filter(|p| !p.is_empty())
        .collect();
    // A byline's label standing alone (a theme's `Posted` before the date, the name in an
    // element of its own) names no one.
    names.retain(|n| !is_byline_label(n));
    // A job given after a name is no author; a byline of jobs alone (`Editorial Staff`) is
    // what the page signs with.
    if names.iter().any(|n| !is_staff_role(n)) {
        names.retain(|n| !is_staff_role(n));
    }
    if names.is_empty() {
        return source.map(|s| Byline {
            authors: Vec::new(),
            source: Some(s),
        });
    }
    if names.iter().all(|n| looks_like_name(n)) {
        return Some(Byline { authors: names, source });
    }
    // People, then the office they write for: `Hồng Nhung - Trung tâm VHTT&TT`, `Phạm Minh
    // Tuấn - Phòng GD&ĐT`.
    if source.is_none()
        && let Some((people, office)) = body.rsplit_once(" - ").or_else(|| body.rsplit_once(" – "))
        && (is_agency(office.trim()) || is_position(office))
    {
        let people: Vec<String> = people
            .split([',', '–', '—', ';'])
            .flat_map(|p| p.split(" - "))
            .map(|p| without_role(p.trim()).to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        if !people.is_empty() && people.iter().all(|n| looks_like_name(n)) {
            // A position held is no source: `Nguyễn Văn An - GV Trường THCS …`.
            return Some(Byline {
                authors: people,
                source: (!is_position(office)).then(|| office.trim().to_owned()),
            });
        }
    }
    if is_agency(&body) {
        return Some(Byline {
            authors: Vec::new(),
            source: Some(body),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, authors: &[&str], source: Option<&str>) {
        let b = parse(text).unwrap_or_default();
        assert_eq!(b.authors, authors, "authors of {text:?}");
        assert_eq!(b.source.as_deref(), source, "source of {text:?}");
    }

    #[test]
    fn byline_forms() {
        check("Nhật Minh", &["Nhật Minh"], None);
        // A job after the name is no second author.
        check("By Mark Ortiz, Staff Writer", &["Mark Ortiz"], None);
        check(
            "Jane Doe, Senior Political Correspondent, and Tom Lee, Photographers",
            &["Jane Doe", "Tom Lee"],
            None,
        );
        check("By Jane Doe and Tom Lee", &["Jane Doe", "Tom Lee"], None);
        check("By Editorial Staff", &["Editorial Staff"], None);
        check("Minh Anh - Thu Hà", &["Minh Anh", "Thu Hà"], None);
        check("PV", &["PV"], None);
        check("Nhóm PV", &["Nhóm PV"], None);
        // A rank or a title in lower case before the name; the name must follow.
        check("Thượng tá Lê Văn Cường", &["Thượng tá Lê Văn Cường"], None);
        check("Cô giáo Nguyễn Thị Hoa", &["Cô giáo Nguyễn Thị Hoa"], None);
        check("Nhà báo Hoàng Minh", &["Nhà báo Hoàng Minh"], None);
        check(
            "Đại úy Nguyễn Văn Hùng - Công an huyện",
            &["Đại úy Nguyễn Văn Hùng"],
            Some("Công an huyện"),
        );
        assert!(parse("Luật sư cho biết").is_none());
        assert!(parse("Bác sĩ Hùng").is_none());
        check("Theo TTXVN", &[], Some("TTXVN"));
        check("Nguồn: VGP", &[], Some("VGP"));
        check("(Theo Báo Chính phủ)", &[], Some("Báo Chính phủ"));
        check("Bài, ảnh: Minh Anh", &["Minh Anh"], None);
        check("Tác giả: Lê Văn Tám", &["Lê Văn Tám"], None);
        check("Minh Anh (TTXVN)", &["Minh Anh"], Some("TTXVN"));
        check("Hoàng Long, Thu Trang", &["Hoàng Long", "Thu Trang"], None);
        check("P.T.", &["P.T"], None);
        check("Hà Thu (tổng hợp)", &["Hà Thu"], None);
        check("Theo Thanh Xuân", &["Thanh Xuân"], None);
        check("VnEconomy", &[], Some("VnEconomy"));
        check("TTXVN", &[], Some("TTXVN"));
        check("NHẬT XUÂN - NGHI VŨ", &["NHẬT XUÂN", "NGHI VŨ"], None);
        check("By Jane Doe", &["Jane Doe"], None);
        check("by Jane Doe, John Roe", &["Jane Doe", "John Roe"], None);
        check("TUOI TRE ONLINE", &[], Some("TUOI TRE ONLINE"));
        check("Agencia EFE", &[], Some("Agencia EFE"));
        check("Associated Press", &[], Some("Associated Press"));
        check(
            "Hồng Nhung - Trung tâm VHTT&TT",
            &["Hồng Nhung"],
            Some("Trung tâm VHTT&TT"),
        );
        check(
            "Minh Anh, Thu Hà - Phòng GD&ĐT",
            &["Minh Anh", "Thu Hà"],
            Some("Phòng GD&ĐT"),
        );
        check("Tin, ảnh: Minh Anh", &["Minh Anh"], None);
        check("Tin: Hoàng Anh; Ảnh: Minh Đức", &["Hoàng Anh", "Minh Đức"], None);
        check("Bài: Thu Hà - Ảnh: Minh Anh", &["Thu Hà", "Minh Anh"], None);
        check("Tin bài: Thanh Tâm", &["Thanh Tâm"], None);
        check("Minh Châu - 15/02/2024", &["Minh Châu"], None);
        check("Thu Hà (15/2/2024 08:30)", &["Thu Hà"], None);
        check("GV: Nguyễn Thị Hoa", &["Nguyễn Thị Hoa"], None);
        // An outlet's desk or channel after the slash, an outlet in words, one agency
        // through another, a source with its label inside the parentheses.
        check("Minh Hòa/VOV-Tây Bắc", &["Minh Hòa"], Some("VOV-Tây Bắc"));
        check("Hồng Nhung/VOV1", &["Hồng Nhung"], Some("VOV1"));
        check("Nguyễn Hòa/Báo Tin tức", &["Nguyễn Hòa"], Some("Báo Tin tức"));
        check("Minh Anh/Vietnamplus", &["Minh Anh"], Some("Vietnamplus"));
        check("(TTXVN/Vietnam+)", &[], Some("TTXVN/Vietnam+"));
        check("Hoàng Hà (Theo Reuters)", &["Hoàng Hà"], Some("Reuters"));
        check("Hoàng Hà (t/h)", &["Hoàng Hà"], None);
        // School portals' labels and short roles.
        check(
            "GV Nguyễn Thị Hoa - Tổ Ngữ văn",
            &["Nguyễn Thị Hoa"],
            Some("Tổ Ngữ văn"),
        );
        check("Người đưa tin: Lê Văn Tám", &["Lê Văn Tám"], None);
        check("Nguồn tin: Phòng Giáo dục", &[], Some("Phòng Giáo dục"));
        // Where a correspondent writes from, a role in parentheses or before the name, a
        // desk's team, an office's portal, a labelled source inside the parentheses.
        check("Vũ Nam (từ Hà Nội)", &["Vũ Nam"], None);
        check("Hà Nội (từ 2008)", &[], None);
        check("Minh Anh (CTV)", &["Minh Anh"], None);
        check("Phóng viên Minh Anh", &["Minh Anh"], None);
        check("PV Minh Anh", &["Minh Anh"], None);
        check("Nhóm PV Xã hội", &["Nhóm PV Xã hội"], None);
        check("Nhóm phóng viên Kinh tế", &["Nhóm phóng viên Kinh tế"], None);
        check("Minh Anh (Cổng TTĐT Hà Nội)", &["Minh Anh"], Some("Cổng TTĐT Hà Nội"));
        check("Phương Thảo (Nguồn: Bộ Y tế)", &["Phương Thảo"], Some("Bộ Y tế"));
        check("Theo Minh Anh (Báo Tin tức)", &["Minh Anh"], Some("Báo Tin tức"));
        check("Người viết bài: Nguyễn Thị Hoa", &["Nguyễn Thị Hoa"], None);
        check("Ảnh, tin: Minh Anh", &["Minh Anh"], None);
        check("Minh Anh - CTV", &["Minh Anh"], None);
        check("Tác giả: Minh Anh | Nguồn tin: Sở Y tế", &["Minh Anh"], Some("Sở Y tế"));
        // The labels of other languages' credits, and their photographers.
        check("Author: Jane Doe", &["Jane Doe"], None);
        check("Autor: Max Muster", &["Max Muster"], None);
        check("Auteur : Jean Dupont", &["Jean Dupont"], None);
        check(
            "Text: Max Muster, Fotos: Anna Beispiel",
            &["Max Muster", "Anna Beispiel"],
            None,
        );
        // The editor is no author, yet the line is a credit; a designer's too, when it names
        // people, not a product's design.
        assert_eq!(parse("Biên tập viên: Trần Long"), Some(Byline::default()));
        assert_eq!(parse("Thiết kế: hiện đại, tiện nghi"), None);
        // A role in parentheses alone is the reporter's credit, as the role is; a sentence
        // going on after `theo` names no source.
        check("(PV)", &["PV"], None);
        check("Minh Anh, theo dõi sát diễn biến", &[], None);
        // A footnote's address is no outlet.
        check("Thu Hà/2024", &[], None);
        assert_eq!(parse("  "), None);
        // A credit that names no one is still a credit (it leaves the text's end).
        for credit in ["Sưu tầm", "(Sưu tầm)", "ST", "(Tổng hợp)", "Sưu tầm - Tổng hợp"] {
            assert_eq!(parse(credit), Some(Byline::default()), "{credit}");
        }
        check(
            "Tác giả: Nguyễn Văn An - GV Trường THCS Bình Minh",
            &["Nguyễn Văn An"],
            None,
        );
        check(
            "Trần Minh Tuấn - Đoàn Thanh niên xã",
            &["Trần Minh Tuấn"],
            Some("Đoàn Thanh niên xã"),
        );
        check("Tổ Văn phòng", &[], Some("Tổ Văn phòng"));
        check("Tổ 10, Cự Khối, Quận Long Biên", &[], None);
        check("Đoàn Văn Hậu", &["Đoàn Văn Hậu"], None);
        check("Ban Mai", &["Ban Mai"], None);
        check(
            "Tác giả bài viết: Nguyễn Thị Lan - Trường THCS Cầu Giấy",
            &["Nguyễn Thị Lan"],
            Some("Trường THCS Cầu Giấy"),
        );
    }

    #[test]
    fn full_personal_names() {
        assert!(is_full_personal_name("Nguyễn Văn An"));
        assert!(is_full_personal_name("Trần Thị Minh Thu"));
        assert!(!is_full_personal_name("Hoàng Mai"));
        assert!(!is_full_personal_name("Long Biên"));
        assert!(!is_full_personal_name("Hà Nội"));
        assert!(!is_full_personal_name("Minh Anh Thu"));
        assert!(!is_full_personal_name("Lượt xem: 125"));
    }

    #[test]
    fn sentences_are_not_bylines() {
        check("Tăng cường công tác kiểm tra liên ngành.", &[], None);
        check("Xem thêm", &[], None);
        check("Tin liên quan", &[], None);
        check("Hà Nội, ngày 5 tháng 11", &[], None);
        // A byline's label in an element of its own, the name in the next.
        check("Posted", &[], None);
        check("Por Ana Pérez", &["Ana Pérez"], None);
        check("Von Max Muster", &["Max Muster"], None);
        check("Von", &[], None);
        check("Tác giả:", &[], None);
        // A content system's account signs for no one.
        check("Super User", &[], None);
        check("Written by Administrator", &[], None);
        check("Người đăng: Quản trị viên", &[], None);
        check("Unknown", &[], None);
    }
}
