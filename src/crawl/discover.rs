//! Discovery beyond links: sitemaps (`urlset`, `sitemapindex`, gzip-compressed, `lastmod`)
//! and RSS/Atom feeds, read with quick-xml.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::io::Read;

/// What a sitemap or feed lists.
#[derive(Debug, Default, PartialEq)]
pub struct Discovered {
    /// Pages, with their `lastmod` when the sitemap gives one.
    pub pages: Vec<(String, Option<String>)>,
    /// Further sitemaps (from a sitemap index).
    pub sitemaps: Vec<String>,
}

/// Is this response a sitemap or a feed (by type, or by its first bytes)?
pub fn is_xml(content_type: Option<&str>, body: &[u8]) -> bool {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if ct.contains("xml") || ct.contains("rss") || ct.contains("atom") {
        return true;
    }
    if body.starts_with(&[0x1f, 0x8b]) {
        return true;
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(512)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with("<?xml")
        || head.starts_with("<urlset")
        || head.starts_with("<sitemapindex")
        || head.starts_with("<rss")
}

/// Inflate a gzip-compressed sitemap, refusing more than `limit` bytes (a gzip bomb is cut off
/// there, not inflated).
pub fn gunzip_bounded(body: &[u8], limit: u64) -> Option<Vec<u8>> {
    if !body.starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .take(limit)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// Read a sitemap, sitemap index, RSS or Atom document. Malformed XML yields what was read
/// before the error.
pub fn parse(xml: &[u8]) -> Discovered {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().trim_text(true);
    let mut out = Discovered::default();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let (mut loc, mut lastmod, mut link): (Option<String>, Option<String>, Option<String>) = (None, None, None);
    let mut buf = Vec::new();
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                tracing::debug!("malformed sitemap/feed: {e}");
                break;
            }
        };
        match event {
            Event::Start(e) => {
                stack.push(String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase());
                text.clear();
                // Atom: <link href="…"/> may also be a start tag.
                atom_link(&e, &stack, &mut link);
            }
            Event::Empty(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_ascii_lowercase();
                stack.push(name);
                atom_link(&e, &stack, &mut link);
                stack.pop();
            }
            Event::Text(t) => text.push_str(&t.decode().unwrap_or_default()),
            Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            Event::GeneralRef(r) => {
                if let Some(c) = r
                    .decode()
                    .ok()
                    .as_deref()
                    .and_then(crate::extract::meta::char_reference)
                {
                    text.push(c);
                }
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                let parent = stack.last().map(String::as_str).unwrap_or("");
                let value = text.trim().to_owned();
                match (name.as_str(), parent) {
                    ("loc", _) => loc = Some(value),
                    ("lastmod", _) | ("pubdate", _) | ("updated", _) | ("published", _) => lastmod = Some(value),
                    ("link", "item") if !value.is_empty() => link = Some(value),
                    ("url", _) => out.pages.extend(loc.take().map(|l| (l, lastmod.take()))),
                    ("sitemap", _) => out.sitemaps.extend(loc.take()),
                    ("item", _) | ("entry", _) => out.pages.extend(link.take().map(|l| (l, lastmod.take()))),
                    _ => {}
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    out
}

fn atom_link(e: &quick_xml::events::BytesStart, stack: &[String], link: &mut Option<String>) {
    if stack.last().map(String::as_str) != Some("link")
        || stack.iter().rev().nth(1).map(String::as_str) != Some("entry")
    {
        return;
    }
    let rel = e
        .try_get_attribute("rel")
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()));
    if rel.as_deref().is_some_and(|r| r != "alternate") {
        return;
    }
    if let Some(href) = e
        .try_get_attribute("href")
        .ok()
        .flatten()
        .and_then(|a| a.unescape_value().ok())
    {
        *link = Some(href.into_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemaps_and_feeds() {
        let urlset = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://x.vn/a.htm?id=1&amp;p=2</loc><lastmod>2019-11-05</lastmod></url>
  <url><loc>https://x.vn/b.htm</loc></url>
</urlset>"#;
        let d = parse(urlset);
        assert_eq!(
            d.pages,
            [
                ("https://x.vn/a.htm?id=1&p=2".to_owned(), Some("2019-11-05".to_owned())),
                ("https://x.vn/b.htm".to_owned(), None)
            ]
        );
        let index = br#"<sitemapindex><sitemap><loc>https://x.vn/s1.xml.gz</loc></sitemap></sitemapindex>"#;
        assert_eq!(parse(index).sitemaps, ["https://x.vn/s1.xml.gz"]);
        let rss = "<rss><channel><link>https://x.vn/</link><item><title>Tin</title><link>/tin/1.htm</link><pubDate>Tue, 05 Nov 2019 13:01:00 +0700</pubDate></item></channel></rss>";
        assert_eq!(
            parse(rss.as_bytes()).pages,
            [(
                "/tin/1.htm".to_owned(),
                Some("Tue, 05 Nov 2019 13:01:00 +0700".to_owned())
            )]
        );
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://x.vn/e1"/><updated>2019-11-05T13:01:00+07:00</updated></entry></feed>"#;
        assert_eq!(parse(atom.as_bytes()).pages[0].0, "https://x.vn/e1");
        assert_eq!(
            parse(b"<urlset><url><loc>https://x.vn/c</loc></url><url><loc>broken")
                .pages
                .len(),
            1
        );
    }

    #[test]
    fn gzip_bombs_stop_at_the_limit() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut enc, &vec![b'a'; 10_000_000]).unwrap();
        let bomb = enc.finish().unwrap();
        assert!(bomb.len() < 100_000);
        assert_eq!(gunzip_bounded(&bomb, 1_000_000).unwrap().len(), 1_000_000);
    }
}
