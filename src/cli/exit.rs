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
    /// The command finished, but skipped article files it could not read (each named on
    /// stderr); or `vnnews verify` found the archive damaged.
    Damaged = 6,
    /// Stopped by SIGINT.
    Interrupted = 130,
    /// Stopped by SIGTERM.
    Terminated = 143,
}

impl ExitCode {
    /// `Ok` when the command found something, else `NothingFound` (exit 1, as grep).
    pub fn found(found: bool) -> ExitCode {
        if found { ExitCode::Ok } else { ExitCode::NothingFound }
    }

    /// `self`, or [`ExitCode::Damaged`] when article files were skipped: a command that
    /// finished without them says so to cron.
    pub fn unless_skipped(self, skipped: &[std::path::PathBuf]) -> ExitCode {
        if skipped.is_empty() {
            return self;
        }
        eprintln!(
            "vnnews: {} unreadable article file(s) skipped — `vnnews verify` lists what is damaged",
            skipped.len()
        );
        ExitCode::Damaged
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> std::process::ExitCode {
        std::process::ExitCode::from(c as u8)
    }
}
