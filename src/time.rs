//! `time` is the leaf vocabulary of publication times every layer shares: Vietnam's offset
//! and [`When`], a time as precise as a page gives it. Parsing dates out of pages is
//! `extract::date`'s work; storing, indexing, filtering and exporting them only need this.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// Vietnam's offset. Asia/Ho_Chi_Minh has had no daylight saving since 1975.
pub fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("valid offset")
}

/// A publication time as precise as the page gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Date(NaiveDate),
    DateTime(DateTime<FixedOffset>),
}

impl When {
    /// RFC 3339 with offset, or `YYYY-MM-DD` for a date alone.
    pub fn to_rfc3339(self) -> String {
        match self {
            When::Date(d) => d.format("%Y-%m-%d").to_string(),
            When::DateTime(t) => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        }
    }

    pub fn date(self) -> NaiveDate {
        match self {
            When::Date(d) => d,
            When::DateTime(t) => t.with_timezone(&vn_offset()).date_naive(),
        }
    }

    pub fn has_time(self) -> bool {
        matches!(self, When::DateTime(_))
    }

    /// Is this after `now` (allowing a day of slack for a date alone)?
    pub fn is_after(self, now: DateTime<FixedOffset>) -> bool {
        match self {
            When::Date(d) => d > now.with_timezone(&vn_offset()).date_naive(),
            When::DateTime(t) => t > now + chrono::Duration::minutes(5),
        }
    }

    /// Parse what [`When::to_rfc3339`] writes.
    pub fn parse_stored(s: &str) -> Option<When> {
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(When::DateTime(t));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().map(When::Date)
    }
}
