//! The exit codes of `vnnews`, one place for all of them (the README lists them too).

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    /// A search or export found nothing; an article to show is not archived.
    NothingFound = 1,
    Error = 2,
    /// Another run holds the archive's lock.
    Locked = 3,
    /// The crawl stopped at `--max-pages` or `--max-duration` with URLs still queued (the
    /// next run continues it).
    Incomplete = 4,
    /// The crawl ran, but some site could not be crawled: a host could not be reached, or
    /// its robots.txt answered with a server error.
    SitesFailed = 5,
    /// Stopped by SIGINT.
    Interrupted = 130,
    /// Stopped by SIGTERM.
    Terminated = 143,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> std::process::ExitCode {
        std::process::ExitCode::from(c as u8)
    }
}
