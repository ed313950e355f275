//! HTTP: one reqwest client, bodies streamed with a size cap, responses kept whole (status,
//! headers, bytes) for the WARC record.

use chrono::{DateTime, Utc};
use std::time::Duration;
use url::Url;

use crate::config::Config;

/// A response as received.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL requested (the client follows no redirects: it is where the answer is from).
    pub url: Url,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// SHA-256 of the body (hex), computed as it is fetched — off the crawl's main loop.
    pub body_sha256: String,
    /// The body was cut off at `max_body_bytes`.
    pub truncated: bool,
    pub fetched_at: DateTime<Utc>,
    /// The request as sent: its header lines, in order.
    pub request_headers: Vec<(String, String)>,
    /// The server's address, when the connection told it.
    pub ip: Option<std::net::IpAddr>,
}

impl Fetched {
    pub fn header(&self, name: &str) -> Option<&str> {
        crate::archive::warc::header(&self.headers, name)
    }

    pub fn is_html(&self) -> bool {
        match self.header("content-type") {
            None => true,
            Some(ct) => {
                let ct = ct.to_ascii_lowercase();
                ct.contains("html") || ct.starts_with("text/plain")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("timed out")]
    Timeout,
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("{0}")]
    Other(String),
}

impl FetchError {
    /// Worth another try (with backoff)?
    pub fn is_transient(&self) -> bool {
        matches!(self, FetchError::Timeout | FetchError::Connect(_))
    }
}

fn classify(e: reqwest::Error) -> FetchError {
    if e.is_timeout() {
        FetchError::Timeout
    } else if e.is_connect() {
        FetchError::Connect(with_causes(&e))
    } else {
        FetchError::Other(with_causes(&e))
    }
}

/// An error with its chain of causes, outermost first: reqwest's own message ("error
/// sending request for url …") says what failed, its sources say why.
fn with_causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let line = cause.to_string();
        // Layers often repeat the message of the one below.
        if !text.ends_with(&line) {
            text.push_str(": ");
            text.push_str(&line);
        }
        source = cause.source();
    }
    text
}

/// Response headers accepted. hyper's default is 100; portals that set a cookie per widget
/// send more, and curl and browsers accept them (the cap on a body is `max_body_bytes`; a
/// header block stays bounded by hyper's buffer size).
const MAX_RESPONSE_HEADERS: usize = 1_000;

#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    max_body: u64,
    user_agent: String,
}

/// Conditional-request validators from an earlier fetch.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Fetcher {
    pub fn new(cfg: &Config) -> crate::Result<Fetcher> {
        // TLS through ring (see Cargo.toml). Installing fails only when a provider is already
        // installed in the process, which then serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut roots = Vec::new();
        for (path, pem) in &cfg.ca_certs {
            roots.extend(
                reqwest::Certificate::from_pem_bundle(pem)
                    .map_err(|e| crate::Error::Config(format!("ca_certs: {}: {e}", path.display())))?,
            );
        }
        let client = reqwest::Client::builder()
            .tls_certs_merge(roots)
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.connect_timeout)
            .read_timeout(cfg.timeout)
            .timeout(cfg.timeout * 2)
            // Redirects are followed by the crawler, one request at a time through the host's
            // limiter and robots.txt, not inside the client.
            .redirect(reqwest::redirect::Policy::none())
            .gzip(true)
            .brotli(true)
            .http1_max_headers(MAX_RESPONSE_HEADERS)
            .build()?;
        Ok(Fetcher {
            client,
            max_body: cfg.max_body_bytes,
            user_agent: cfg.user_agent.clone(),
        })
    }

    /// GET a URL, reading at most `max_body_bytes` of (decompressed) body: a gzip bomb
    /// stops at the cap like any other oversize body.
    pub async fn get(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        self.get_limited(url, validators, self.max_body, None).await
    }

    /// [`Fetcher::get`] with another body cap (a document's `max_attachment_bytes`) and,
    /// for a large download, a longer time limit for the whole exchange. A body announced
    /// (`Content-Length`) larger than the cap is not read at all: the answer comes back
    /// empty and `truncated`.
    pub async fn get_limited(
        &self,
        url: &Url,
        validators: &Validators,
        max_body: u64,
        timeout: Option<Duration>,
    ) -> Result<Fetched, FetchError> {
        let mut req = self.client.get(url.clone());
        if let Some(t) = timeout {
            req = req.timeout(t);
        }
        // The request as it goes out, for its WARC record: its own headers, then those the
        // client and the connection add, in the order and spelling they go on the wire.
        let mut request_headers = Vec::new();
        if let Some(e) = &validators.etag {
            req = req.header("If-None-Match", e);
            request_headers.push(("if-none-match".to_owned(), e.clone()));
        }
        if let Some(lm) = &validators.last_modified {
            req = req.header("If-Modified-Since", lm);
            request_headers.push(("if-modified-since".to_owned(), lm.clone()));
        }
        request_headers.extend([
            ("accept".to_owned(), "*/*".to_owned()),
            ("user-agent".to_owned(), self.user_agent.clone()),
            ("accept-encoding".to_owned(), "gzip,br".to_owned()),
            ("host".to_owned(), host_header(url)),
        ]);
        let fetched_at = Utc::now();
        let mut resp = req.send().await.map_err(classify)?;
        let ip = resp.remote_addr().map(|a| a.ip());
        let status = resp.status();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let mut body = Vec::new();
        let announced = resp
            .content_length()
            .filter(|_| resp.headers().get("content-encoding").is_none());
        let mut truncated = announced.is_some_and(|n| n > max_body);
        while !truncated && let Some(chunk) = resp.chunk().await.map_err(classify)? {
            let room = (max_body as usize).saturating_sub(body.len());
            if chunk.len() > room {
                body.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            body.extend_from_slice(&chunk);
        }
        use sha2::Digest;
        let body_sha256 = format!("{:x}", sha2::Sha256::digest(&body));
        Ok(Fetched {
            body_sha256,
            url: url.clone(),
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_owned(),
            headers,
            body,
            truncated,
            fetched_at,
            request_headers,
            ip,
        })
    }
}

/// The `Host` header of a request to `url`: host, and port when it is not the scheme's.
fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_owned(),
    }
}

/// `Retry-After`: delay-seconds or an HTTP date.
pub fn retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = value.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let t = DateTime::parse_from_rfc2822(v).ok()?;
    Some((t.with_timezone(&Utc) - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        let now = DateTime::parse_from_rfc3339("2019-11-05T06:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Tue, 05 Nov 2019 06:00:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(retry_after("Tue, 05 Nov 2019 05:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
    }
}
