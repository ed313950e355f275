//! vnnews: archive Vietnamese news portals faithfully — polite crawling, charset detection
//! and mojibake repair, article extraction, a JSON + WARC archive and full-text search.
//!
//! The modules follow the data flow — [`crawl`] → [`decode`] → [`extract`] → [`archive`] →
//! [`index`] → [`search`] — with [`config`] and [`cli`] at the edge. See ARCHITECTURE.md.
//!
//! ```
//! // The text this project was born from: a windows-1252 fragment read as UTF-8.
//! let fixed = vnnews::decode::repair("L?y l?i m\u{FFFD} b?o m?t");
//! assert_eq!(fixed.text, "Lấy lại mã bảo mật");
//! assert_eq!(vnnews::decode::fold("Bình Đẳng Giới"), "binh dang gioi");
//! ```

// The library speaks through its results and `tracing`; only the command line prints (a
// stray debugging print once shipped in the extractor, writing to every user's stderr).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod archive;
pub mod bench;
#[allow(clippy::print_stdout, clippy::print_stderr)]
pub mod cli;
pub mod config;
pub mod crawl;
pub mod decode;
pub mod demo;
pub mod error;
pub mod export;
pub mod extract;
pub mod index;
pub mod ops;
pub mod search;
pub mod time;

pub use error::{Error, Result};
