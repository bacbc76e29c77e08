//! "Now" is a value, passed in: the domain never reads the clock.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now(pub DateTime<FixedOffset>);

impl Now {
    pub fn today(&self) -> NaiveDate {
        self.0.date_naive()
    }
    pub fn utc(&self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }
    pub fn millis(&self) -> i64 {
        self.0.timestamp_millis()
    }
    /// The local date of a UTC instant, in the same offset as now.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(self.0.offset()).date_naive()
    }
}
