//! `gone` decides whether the URL of an archived article still holds it. An answer that is
//! not the article marks it gone (see [`crate::archive::removals`]): a 404 or 410; a redirect
//! away from it — to the home page, a listing, a parent of its address; or a page like the one
//! the portal shows for an address that does not exist. The last is recognised by what it is:
//! the crawl asks the origin once per run for an address that cannot exist and compares the
//! two pages' words; failing such a probe, a short page that is no article and says it is
//! missing. A page that simply is no longer linked is not gone.

use std::collections::HashSet;
use url::Url;

use super::fetch::Fetched;
use crate::config::Site;
use crate::decode::fold;

/// A page's text, decoded.
fn text(f: &Fetched) -> String {
    crate::decode::decode_document(&f.body, f.header("content-type")).0
}

/// Words of a page's visible text, folded (no tone marks, lowercase).
fn words(text: &str) -> HashSet<String> {
    let html = scraper::Html::parse_document(text);
    let mut out = HashSet::new();
    for node in html.root_element().descendants() {
        let Some(t) = node.value().as_text() else { continue };
        let hidden = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "noscript" | "template"))
        });
        if hidden {
            continue;
        }
        for w in t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            out.insert(fold(w));
        }
    }
    out
}

/// Two pages are the same template when most of their words are shared (Jaccard ≥ 0.8: a
/// not-found page echoes the address asked for, so it is never identical).
pub(super) fn similar(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let shared = a.intersection(b).count();
    let all = a.len() + b.len() - shared;
    shared * 10 >= all * 8
}

/// What portals say on a page for a missing address (folded): a second signal only, for a
/// short page that is not an article.
const SAYS_MISSING: &[&str] = &[
    "khong tim thay",
    "khong ton tai",
    "da bi xoa",
    "da bi go",
    "not found",
    "page not found",
    "404",
];

/// Words of a page short enough to be an error page.
const SHORT_PAGE_WORDS: usize = 120;

/// Why a page that was an article is a not-found page now, if it is.
pub(super) fn soft_404(page: &Fetched, probe: Option<&Fetched>) -> Option<String> {
    let page_text = text(page);
    let page_words = words(&page_text);
    if let Some(probe) = probe
        && similar(&page_words, &words(&text(probe)))
    {
        return Some(format!(
            "the page the portal shows for a missing address (as for {}, HTTP {})",
            probe.url, probe.status
        ));
    }
    if !page_words.is_empty() && page_words.len() <= SHORT_PAGE_WORDS {
        let folded = fold(&page_text);
        if let Some(p) = SAYS_MISSING.iter().find(|p| folded.contains(*p)) {
            return Some(format!("a short page that is no article and says “{p}”"));
        }
    }
    None
}

/// Why a redirect from an article's URL leads away from the article, if it does: to the
/// site's home, to a parent of its address, or to a listing by the site's patterns.
pub(super) fn redirect_away(from: &Url, to: &Url, site: &Site) -> Option<String> {
    let path = to.path().trim_end_matches('/');
    let from_path = from.path().trim_end_matches('/');
    let home = path.is_empty() || path == "/index.html" || path == "/index.htm" || path == "/index.php";
    let parent = !path.is_empty() && from_path.starts_with(&format!("{path}/"));
    let listing = site.patterns.page_type_for(to.as_str()) == Some(crate::extract::PageType::Listing);
    (home || parent || listing).then(|| format!("redirect to {to}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(url: &str, status: u16, body: &str) -> Fetched {
        Fetched {
            url: Url::parse(url).unwrap(),
            status,
            reason: String::new(),
            headers: vec![("content-type".into(), "text/html; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
            body_sha256: String::new(),
            truncated: false,
            fetched_at: chrono::Utc::now(),
            request_headers: Vec::new(),
            ip: None,
        }
    }

    fn template(addr: &str) -> String {
        format!(
            "<html><body><div class=menu>Trang chủ Tin tức Sự kiện Liên hệ</div><h1>Lỗi</h1>\
             <p>Rất tiếc, trang {addr} bạn tìm hiện không có trên cổng thông tin. Vui lòng quay lại trang chủ.</p>\
             <div class=footer>Cổng thông tin điện tử phường Ngọc Thụy</div></body></html>"
        )
    }

    #[test]
    fn a_page_like_the_portals_missing_page_is_a_soft_404() {
        let probe = page(
            "http://p.vn/tin/vnnews-missing-1.htm",
            404,
            &template("/tin/vnnews-missing-1.htm"),
        );
        let was_article = page("http://p.vn/tin/bai-1.htm", 200, &template("/tin/bai-1.htm"));
        assert!(soft_404(&was_article, Some(&probe)).is_some());
        // A real page of the portal is not.
        let listing = page(
            "http://p.vn/tin/",
            200,
            "<html><body><div class=menu>Trang chủ Tin tức Sự kiện Liên hệ</div><ul><li>Phường tổ chức hội nghị \
             tiếp xúc cử tri</li><li>Ra quân vệ sinh môi trường đón Tết</li><li>Tập huấn phòng cháy chữa cháy</li>\
             </ul></body></html>",
        );
        assert_eq!(soft_404(&listing, Some(&probe)), None);
        // Without a probe, a short page that says so.
        let says = page(
            "http://p.vn/a",
            200,
            "<html><body><h1>Bài viết không tồn tại hoặc đã bị xóa</h1></body></html>",
        );
        assert!(soft_404(&says, None).is_some());
        assert_eq!(soft_404(&listing, None), None);
    }

    #[test]
    fn redirects_home_or_up_lead_away_but_not_to_another_address_of_the_article() {
        let site = crate::config::Config::from_toml("[[site]]\nname = \"p\"\nstart_urls = [\"http://p.vn/\"]\n")
            .unwrap()
            .sites
            .remove(0);
        let from = Url::parse("http://p.vn/tin-tuc/bai-1.htm").unwrap();
        let to = |u: &str| Url::parse(u).unwrap();
        assert!(redirect_away(&from, &to("http://p.vn/"), &site).is_some());
        assert!(redirect_away(&from, &to("https://p.vn/index.php"), &site).is_some());
        assert!(redirect_away(&from, &to("http://p.vn/tin-tuc/"), &site).is_some());
        assert_eq!(redirect_away(&from, &to("https://p.vn/tin-tuc/bai-1.htm"), &site), None);
        assert_eq!(
            redirect_away(&from, &to("http://p.vn/tin-tuc/bai-1-moi.htm"), &site),
            None
        );
    }
}
