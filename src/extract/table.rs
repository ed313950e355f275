//! Data tables: which `<table>`s hold data — rows of cells a reader reads across — rather than
//! lay out a page or frame an image, their rows as lines of the body (cells in order, ` | `
//! between them, header rows first), and their cells as a grid with `colspan` and `rowspan`
//! resolved for the article's `tables`.
//!
//! A table is data when it has at least two rows and two columns of text, no table inside
//! it, no cell of page-sized prose (over [`MAX_CELL_CHARS`]) or headline, and is not mostly
//! links (a menu laid out as a table) or an image with its caption. Everything else is
//! walked as before: its cells are blocks like any other.

use super::dom;
use scraper::ElementRef;
use serde::{Deserialize, Serialize};

/// A data table as the article JSON keeps it. Spanned cells are repeated in every
/// position they cover (as pandas' `read_html` does), so each row has the table's width.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Rows of the `<thead>`, or the leading rows made only of `<th>` cells.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header: Vec<Vec<String>>,
    pub rows: Vec<Vec<String>>,
}

/// A cell this long is a page's column of prose, not a datum.
pub const MAX_CELL_CHARS: usize = 1000;

/// The most rows or columns a span may cover (`rowspan=100000` would otherwise allocate a
/// grid of that size).
const MAX_SPAN: usize = 1000;

/// The most places a table's grid holds; rows beyond it are left out of `tables` (the body
/// keeps them). A hostile page of many `colspan=1000` rows would otherwise ask for gigabytes.
const MAX_GRID_PLACES: usize = 100_000;

/// One row as a line of text, with the counts a block is judged by.
pub struct RowLine<'a> {
    pub row: ElementRef<'a>,
    pub text: String,
    pub link_chars: usize,
    pub bold_chars: usize,
    pub italic_chars: usize,
}

/// A cell: its text, span, whether it is a `<th>`, and its counts.
struct Cell {
    text: String,
    header: bool,
    colspan: usize,
    rowspan: usize,
    link_chars: usize,
    bold_chars: usize,
    italic_chars: usize,
}

/// The table's rows in document order, each with whether it sits in a `<thead>`.
fn rows<'a>(table: ElementRef<'a>) -> Vec<(ElementRef<'a>, bool)> {
    let mut out = Vec::new();
    for child in table.children().filter_map(ElementRef::wrap) {
        match child.value().name() {
            "tr" => out.push((child, false)),
            section @ ("thead" | "tbody" | "tfoot") => out.extend(
                child
                    .children()
                    .filter_map(ElementRef::wrap)
                    .filter(|r| r.value().name() == "tr")
                    .map(|r| (r, section == "thead")),
            ),
            _ => {}
        }
    }
    out
}

fn span(el: &scraper::node::Element, name: &str) -> usize {
    el.attr(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_SPAN)
}

/// A cell: its text and counts ([`dom::styled_text`]), its span, whether it is a `<th>`.
fn cell(el: ElementRef) -> Cell {
    let t = dom::styled_text(el);
    let v = el.value();
    Cell {
        text: t.text,
        header: v.name() == "th",
        colspan: span(v, "colspan"),
        rowspan: span(v, "rowspan"),
        link_chars: t.link_chars,
        bold_chars: t.bold_chars,
        italic_chars: t.italic_chars,
    }
}

fn cells(row: ElementRef) -> Vec<Cell> {
    row.children()
        .filter_map(ElementRef::wrap)
        .filter(|c| matches!(c.value().name(), "td" | "th"))
        .map(cell)
        .collect()
}

/// Is this `<table>` a data table (see the module's docs)?
pub fn is_data_table(table: ElementRef) -> bool {
    let v = table.value();
    if v.attr("role")
        .is_some_and(|r| r.eq_ignore_ascii_case("presentation") || r.eq_ignore_ascii_case("none"))
    {
        return false;
    }
    let mut has_img = false;
    for d in table.descendants().skip(1) {
        if let Some(e) = d.value().as_element() {
            match e.name() {
                "table" | "h1" | "h2" | "form" | "iframe" | "nav" => return false,
                "img" => has_img = true,
                _ => {}
            }
        }
    }
    let rows = rows(table);
    if rows.len() < 2 {
        return false;
    }
    let (mut full_rows, mut width, mut chars, mut link_chars) = (0, 0, 0, 0);
    let mut texts = 0;
    for (row, _) in &rows {
        let cs = cells(*row);
        if cs.iter().any(|c| c.text.chars().count() > MAX_CELL_CHARS) {
            return false;
        }
        let filled = cs.iter().filter(|c| !c.text.is_empty()).count();
        texts += filled;
        full_rows += usize::from(filled >= 2);
        width = width.max(cs.iter().map(|c| c.colspan).sum::<usize>());
        for c in &cs {
            chars += c.text.chars().filter(|c| !c.is_whitespace()).count();
            link_chars += c.link_chars;
        }
    }
    // An image with its caption (a legacy portal's `<table class="image">`) is a figure.
    if has_img && (rows.len() <= 3 || texts <= rows.len()) {
        return false;
    }
    full_rows >= 2 && width >= 2 && link_chars * 2 <= chars
}

/// Header rows first (a `<thead>` after the body is still the header), then the others.
fn ordered<'a>(table: ElementRef<'a>) -> Vec<(ElementRef<'a>, Vec<Cell>, bool)> {
    let mut out: Vec<(ElementRef, Vec<Cell>, bool)> = Vec::new();
    let mut leading = true;
    for (row, in_head) in rows(table) {
        let cs = cells(row);
        if cs.is_empty() {
            continue;
        }
        let header = in_head || leading && cs.iter().all(|c| c.header);
        leading &= header;
        out.push((row, cs, header));
    }
    out.sort_by_key(|(_, _, header)| !*header);
    out
}

/// The caption's text, if the table has one.
fn caption(table: ElementRef) -> Option<String> {
    table
        .children()
        .filter_map(ElementRef::wrap)
        .find(|c| c.value().name() == "caption")
        .map(|c| cell(c).text)
        .filter(|t| !t.is_empty())
}

/// The body's lines of a data table: its caption, then each row's cells in order (each
/// once, empty ones kept as empty places), header rows first.
pub fn lines(table: ElementRef) -> (Option<String>, Vec<RowLine>) {
    let lines = ordered(table)
        .into_iter()
        .filter(|(_, cs, _)| cs.iter().any(|c| !c.text.is_empty()))
        .map(|(row, cs, _)| RowLine {
            row,
            text: cs
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
                .trim_end()
                .to_owned(),
            link_chars: cs.iter().map(|c| c.link_chars).sum(),
            bold_chars: cs.iter().map(|c| c.bold_chars).sum(),
            italic_chars: cs.iter().map(|c| c.italic_chars).sum(),
        })
        .collect();
    (caption(table), lines)
}

/// The table as a grid: every row as wide as the table, spanned cells repeated where they
/// reach, places no cell covers left empty.
pub fn read(table: ElementRef) -> Table {
    let rows = ordered(table);
    let mut grid: Vec<Vec<Option<String>>> = Vec::with_capacity(rows.len());
    let mut is_header = Vec::with_capacity(rows.len());
    let mut placed = 0usize;
    'rows: for (r, (_, cs, header)) in rows.iter().enumerate() {
        if grid.len() <= r {
            grid.push(Vec::new());
        }
        is_header.push(*header);
        let mut col = 0;
        for c in cs {
            while grid[r].get(col).is_some_and(Option::is_some) {
                col += 1;
            }
            // A span reaches no further than the table's last row.
            let down = c.rowspan.min(rows.len() - r);
            placed += down * c.colspan;
            if placed > MAX_GRID_PLACES {
                grid.truncate(r);
                is_header.truncate(r);
                break 'rows;
            }
            for rr in r..r + down {
                if grid.len() <= rr {
                    grid.push(Vec::new());
                }
                let line = &mut grid[rr];
                if line.len() < col + c.colspan {
                    line.resize(col + c.colspan, None);
                }
                for place in &mut line[col..col + c.colspan] {
                    place.get_or_insert_with(|| c.text.clone());
                }
            }
            col += c.colspan;
        }
    }
    let width = grid.iter().map(Vec::len).max().unwrap_or(0);
    grid.truncate(MAX_GRID_PLACES / width.max(1));
    let mut t = Table {
        caption: caption(table),
        header: Vec::new(),
        rows: Vec::new(),
    };
    for (line, header) in grid.into_iter().zip(is_header) {
        let mut line: Vec<String> = line.into_iter().map(Option::unwrap_or_default).collect();
        line.resize(width, String::new());
        if line.iter().all(String::is_empty) {
            continue;
        }
        if header {
            t.header.push(line);
        } else {
            t.rows.push(line);
        }
    }
    t
}

/// The `<table>` a row belongs to.
pub fn of_row<'a>(row: ElementRef<'a>) -> Option<ElementRef<'a>> {
    row.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == "table")
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::{Html, Selector};

    fn table(html: &str) -> Html {
        Html::parse_document(&format!("<html><body>{html}</body></html>"))
    }

    fn first(doc: &Html) -> ElementRef<'_> {
        doc.select(&Selector::parse("table").unwrap()).next().unwrap()
    }

    /// Is it a data table, and if so its body lines and its grid.
    fn check(html: &str, expected: Option<(&[&str], Table)>) {
        let doc = table(html);
        let t = first(&doc);
        match expected {
            None => assert!(!is_data_table(t), "a data table: {html}"),
            Some((want_lines, want)) => {
                assert!(is_data_table(t), "not a data table: {html}");
                let (cap, lines) = lines(t);
                let mut got: Vec<String> = cap.into_iter().collect();
                got.extend(lines.into_iter().map(|l| l.text));
                assert_eq!(got, want_lines);
                assert_eq!(read(t), want);
            }
        }
    }

    fn grid(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    #[test]
    fn a_header_row_comes_first_and_short_cells_stay() {
        check(
            "<table><caption>Số hộ sơ tán</caption><tr><th>Huyện</th><th>Số hộ</th></tr>\
             <tr><td>Thăng Bình</td><td>1.250</td></tr><tr><td>Duy Xuyên</td><td>7</td></tr></table>",
            Some((
                &["Số hộ sơ tán", "Huyện | Số hộ", "Thăng Bình | 1.250", "Duy Xuyên | 7"],
                Table {
                    caption: Some("Số hộ sơ tán".into()),
                    header: grid(&[&["Huyện", "Số hộ"]]),
                    rows: grid(&[&["Thăng Bình", "1.250"], &["Duy Xuyên", "7"]]),
                },
            )),
        );
    }

    #[test]
    fn a_thead_after_the_body_is_still_the_header() {
        check(
            "<table><tbody><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></tbody>\
             <thead><tr><td>Tên</td><td>Số</td></tr></thead></table>",
            Some((
                &["Tên | Số", "a | 1", "b | 2"],
                Table {
                    caption: None,
                    header: grid(&[&["Tên", "Số"]]),
                    rows: grid(&[&["a", "1"], &["b", "2"]]),
                },
            )),
        );
    }

    #[test]
    fn spans_are_repeated_in_the_grid_and_said_once_in_the_body() {
        check(
            "<table><tr><th rowspan=2>Huyện</th><th colspan=2>Số hộ</th></tr>\
             <tr><th>2023</th><th>2024</th></tr>\
             <tr><td rowspan=2>Quảng Nam</td><td>10</td><td>12</td></tr>\
             <tr><td>3</td><td></td></tr></table>",
            Some((
                &["Huyện | Số hộ", "2023 | 2024", "Quảng Nam | 10 | 12", "3 |"],
                Table {
                    caption: None,
                    header: grid(&[&["Huyện", "Số hộ", "Số hộ"], &["Huyện", "2023", "2024"]]),
                    rows: grid(&[&["Quảng Nam", "10", "12"], &["Quảng Nam", "3", ""]]),
                },
            )),
        );
    }

    #[test]
    fn a_row_header_column_does_not_make_header_rows() {
        check(
            "<table><tr><th>Dân số</th><td>8,4 triệu</td></tr><tr><th>Diện tích</th><td>3.359 km²</td></tr></table>",
            Some((
                &["Dân số | 8,4 triệu", "Diện tích | 3.359 km²"],
                Table {
                    caption: None,
                    header: vec![],
                    rows: grid(&[&["Dân số", "8,4 triệu"], &["Diện tích", "3.359 km²"]]),
                },
            )),
        );
    }

    #[test]
    fn line_breaks_in_a_cell_separate_words() {
        check(
            "<table><tr><td>Ông A<br>Chủ tịch</td><td>x</td></tr><tr><td>Bà B</td><td>y</td></tr></table>",
            Some((
                &["Ông A Chủ tịch | x", "Bà B | y"],
                Table {
                    caption: None,
                    header: vec![],
                    rows: grid(&[&["Ông A Chủ tịch", "x"], &["Bà B", "y"]]),
                },
            )),
        );
    }

    #[test]
    fn a_huge_span_reaches_no_further_than_the_table() {
        let doc =
            table("<table><tr><td rowspan=99999 colspan=3>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>");
        let t = read(first(&doc));
        assert_eq!(t.rows, grid(&[&["a", "a", "a", "b", ""], &["a", "a", "a", "c", "d"]]));
        let doc = table("<table><tr><td rowspan=2>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>");
        assert_eq!(read(first(&doc)).rows, grid(&[&["a", "b", ""], &["a", "c", "d"]]));
    }

    #[test]
    fn a_hostile_tables_grid_stays_bounded() {
        let rows = "<tr><td colspan=1000>a</td><td>b</td></tr>".repeat(5000);
        let doc = table(&format!("<table>{rows}</table>"));
        let t = read(first(&doc));
        assert!(t.rows.len() * t.rows[0].len() <= MAX_GRID_PLACES);
        assert_eq!(t.rows.len(), 99);
        assert_eq!(lines(first(&doc)).1.len(), 5000);
    }

    #[test]
    fn layout_tables_are_not_data() {
        // One column, one row, a page's prose, a nested table, a menu, an image and its caption.
        check("<table><tr><td>Một</td></tr><tr><td>Hai</td></tr></table>", None);
        check("<table><tr><td>Một</td><td>Hai</td></tr></table>", None);
        let prose = "Nội dung bài viết rất dài. ".repeat(60);
        check(
            &format!("<table><tr><td>Menu</td><td>{prose}</td></tr><tr><td>a</td><td>b</td></tr></table>"),
            None,
        );
        check(
            "<table><tr><td><table><tr><td>a</td><td>b</td></tr></table></td><td>c</td></tr><tr><td>d</td><td>e</td></tr></table>",
            None,
        );
        check(
            "<table><tr><td><a href=/1>Trang chủ</a></td><td><a href=/2>Tin tức</a></td></tr>\
             <tr><td><a href=/3>Liên hệ</a></td><td><a href=/4>Hỏi đáp</a></td></tr></table>",
            None,
        );
        check(
            "<table class=image><tr><td><img src=a.jpg></td></tr><tr><td>Chủ tịch phát biểu. Ảnh: Minh An</td></tr></table>",
            None,
        );
        check(
            "<table role=presentation><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>",
            None,
        );
    }
}
