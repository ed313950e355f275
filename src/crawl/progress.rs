//! Progress on a terminal: one indicatif line per site — fetched, archived, unchanged,
//! queued, errors and the current request rate. Off the terminal (cron, pipes) there are no
//! bars, only the `tracing` log; log lines printed while bars are drawn go through
//! [`LogWriter`], which clears the bars around each line.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::SiteStats;
use crate::config::Config;

/// The bars being drawn, if any: the log writer prints around them.
static BARS: OnceLock<Mutex<Option<MultiProgress>>> = OnceLock::new();

fn bars() -> &'static Mutex<Option<MultiProgress>> {
    BARS.get_or_init(|| Mutex::new(None))
}

/// A `tracing` writer for stderr that keeps progress bars intact.
pub struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let guard = bars().lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some(multi) => multi.suspend(|| std::io::stderr().write_all(buf))?,
            None => std::io::stderr().write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

/// Per-site progress lines.
pub(super) struct Progress {
    multi: Option<MultiProgress>,
    sites: HashMap<String, SiteBar>,
}

struct SiteBar {
    bar: ProgressBar,
    /// Recent fetch times, for the current rate.
    recent: Mutex<std::collections::VecDeque<Instant>>,
}

const RATE_WINDOW: Duration = Duration::from_secs(10);

impl Progress {
    pub(super) fn new(cfg: &Config, active: &[usize], show: bool) -> Progress {
        if !show {
            return Progress {
                multi: None,
                sites: HashMap::new(),
            };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(4));
        let style = ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg} {elapsed_precise}")
            .expect("valid template");
        let width = active.iter().map(|&i| cfg.sites[i].name.len()).max().unwrap_or(0);
        let sites = active
            .iter()
            .map(|&i| {
                let name = &cfg.sites[i].name;
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(style.clone());
                bar.set_prefix(format!("{name:width$}"));
                bar.enable_steady_tick(Duration::from_millis(250));
                let site = SiteBar {
                    bar,
                    recent: Mutex::new(Default::default()),
                };
                (name.clone(), site)
            })
            .collect();
        *bars().lock().unwrap_or_else(|e| e.into_inner()) = Some(multi.clone());
        Progress {
            multi: Some(multi),
            sites,
        }
    }

    /// After each fetch: redraw the site's line.
    pub(super) fn update(&self, site: &str, s: &SiteStats, queued: usize) {
        let Some(b) = self.sites.get(site) else { return };
        let now = Instant::now();
        let rate = {
            let mut recent = b.recent.lock().unwrap_or_else(|e| e.into_inner());
            recent.push_back(now);
            while recent.front().is_some_and(|t| now.duration_since(*t) > RATE_WINDOW) {
                recent.pop_front();
            }
            let span = now.duration_since(*recent.front().expect("just pushed")).as_secs_f64();
            if span > 0.0 {
                (recent.len() - 1) as f64 / span
            } else {
                0.0
            }
        };
        b.bar.set_message(format!(
            "fetched {} · archived {} · unchanged {} · queued {queued} · errors {} · robots {} · {rate:.1} req/s",
            s.fetched,
            s.new + s.updated,
            s.unchanged,
            s.failed,
            s.skipped_robots
        ));
    }

    pub(super) fn finish(&self) {
        for b in self.sites.values() {
            b.bar.finish();
        }
        if let Some(multi) = &self.multi {
            let _ = multi.clear();
            *bars().lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
    }
}
