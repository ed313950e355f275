//! URL normalisation, so that one page is one URL: fragments and tracking parameters
//! removed, per-site ignored parameters removed, scheme/host case and default ports unified
//! (the `url` crate does the last two) — `config::normalise_url`, which `reextract` shares —
//! and which links are pages at all.

use url::Url;

pub use crate::config::normalise_url as normalise;

/// Links that are never pages (documents and media are not crawled).
pub fn is_probably_page(u: &Url) -> bool {
    let path = u.path().to_ascii_lowercase();
    const SKIP: &[&str] = &[
        ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".mp3", ".mp4", ".avi", ".wmv", ".flv",
        ".zip", ".rar", ".7z", ".gz", ".exe", ".msi", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
        ".css", ".js", ".woff", ".woff2", ".ttf", ".apk", ".iso",
    ];
    // Gzip-compressed sitemaps are fetched; other archives are not.
    path.ends_with(".xml.gz") || !SKIP.iter().any(|ext| path.ends_with(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let u = Url::parse(input).unwrap();
        assert_eq!(normalise(&u, &["sid".to_owned()]).as_str(), expected);
    }

    #[test]
    fn normalisation() {
        check(
            "HTTP://Example.VN:80/a?utm_source=x&id=5#top",
            "http://example.vn/a?id=5",
        );
        check("https://example.vn:443/a?utm_medium=y", "https://example.vn/a");
        check(
            "https://example.vn/a?SID=abc&page=2&fbclid=1",
            "https://example.vn/a?page=2",
        );
        check(
            "https://example.vn/tìm kiếm",
            "https://example.vn/t%C3%ACm%20ki%E1%BA%BFm",
        );
    }
}
