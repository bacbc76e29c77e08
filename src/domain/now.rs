//! "Now" is a value, passed in: the domain never reads the clock.

use super::Stamp;
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
    /// The date people read for a stamp: the writer's date when its offset was recorded (the
    /// same on every reader), else (old events, plain UTC instants) the date in now's offset.
    pub fn local_date(&self, at: impl Into<Stamp>) -> NaiveDate {
        at.into().date_or(self.0.offset())
    }

    /// The wall clock as an event records it: Unix milliseconds and the UTC offset.
    pub fn wall(&self) -> super::Wall {
        super::Wall {
            ms: self.millis(),
            off: self.0.offset().local_minus_utc(),
        }
    }
}
