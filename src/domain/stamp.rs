//! When a person did something, as people read it (issue 9 point 3, DESIGN "Dates people read").
//!
//! Each event records the writing device's wall clock and UTC offset (`Wall`); the HLC only
//! orders events. So one write made with the clock at 2099 dates that one event 2099, and the
//! events after it carry their own, right, dates. A `Stamp` is what the views keep: the instant,
//! and the writer's offset when it was recorded. Its date is the writer's date, the same on every
//! reader whatever the reader's time zone. Events written before walls were recorded have no
//! offset; their dates read as before, in the reader's offset.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The writing device's wall clock at the moment of an event: Unix milliseconds (UTC) and the
/// device's UTC offset in seconds east (+08:00 is 28800). Stored in the signed event body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Wall {
    pub ms: i64,
    pub off: i32,
}

impl Wall {
    /// The offset, or UTC when the recorded one is out of range (a hostile event).
    pub fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.off).unwrap_or(FixedOffset::east_opt(0).expect("zero"))
    }
}

/// An instant with the writer's UTC offset when known. Serialised as RFC 3339: with the
/// writer's offset (`2026-11-22T09:00:00+08:00`, `+00:00` for UTC) when known, with `Z` when
/// not (the form every view had before offsets were recorded), so old views read back as they
/// were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Stamp {
    utc: DateTime<Utc>,
    offset: Option<i32>,
}

impl Stamp {
    /// From a recorded wall clock.
    pub fn from_wall(w: Wall) -> Stamp {
        Stamp {
            utc: DateTime::from_timestamp_millis(w.ms).unwrap_or_default(),
            offset: Some(w.offset().local_minus_utc()),
        }
    }

    /// The instant in UTC.
    pub fn utc(&self) -> DateTime<Utc> {
        self.utc
    }

    /// Unix seconds.
    pub fn timestamp(&self) -> i64 {
        self.utc.timestamp()
    }

    /// The writer's UTC offset, when it was recorded.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset.and_then(FixedOffset::east_opt)
    }

    /// The local time as written: in the writer's offset, else in `reader`'s.
    pub fn local_or(&self, reader: &FixedOffset) -> DateTime<FixedOffset> {
        self.utc.with_timezone(&self.offset().unwrap_or(*reader))
    }

    /// The writer's date (the same on every reader); `reader`'s date for old events.
    pub fn date_or(&self, reader: &FixedOffset) -> NaiveDate {
        self.local_or(reader).date_naive()
    }
}

impl From<DateTime<Utc>> for Stamp {
    fn from(utc: DateTime<Utc>) -> Stamp {
        Stamp { utc, offset: None }
    }
}

impl From<DateTime<FixedOffset>> for Stamp {
    fn from(t: DateTime<FixedOffset>) -> Stamp {
        Stamp {
            utc: t.with_timezone(&Utc),
            offset: Some(t.offset().local_minus_utc()),
        }
    }
}

impl Serialize for Stamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let text = match self.offset() {
            Some(o) => self
                .utc
                .with_timezone(&o)
                .to_rfc3339_opts(SecondsFormat::AutoSi, false),
            None => self.utc.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        };
        s.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Stamp, D::Error> {
        let text = String::deserialize(d)?;
        let t = DateTime::parse_from_rfc3339(&text).map_err(serde::de::Error::custom)?;
        Ok(if text.ends_with(['Z', 'z']) {
            t.with_timezone(&Utc).into()
        } else {
            t.into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn east(h: i32) -> FixedOffset {
        FixedOffset::east_opt(h * 3600).unwrap()
    }

    #[test]
    fn the_writers_date_is_the_same_for_every_reader() {
        // 2026-11-22 07:30 in Beijing is still the 21st in UTC and in New York.
        let at = DateTime::parse_from_rfc3339("2026-11-22T07:30:00+08:00").unwrap();
        let s = Stamp::from(at);
        for reader in [east(0), east(-5), east(8), east(12)] {
            assert_eq!(s.date_or(&reader).to_string(), "2026-11-22");
        }
    }

    #[test]
    fn old_stamps_read_in_the_readers_offset_as_before() {
        let utc: DateTime<Utc> = "2026-11-21T23:30:00Z".parse().unwrap();
        let s = Stamp::from(utc);
        assert_eq!(s.date_or(&east(8)).to_string(), "2026-11-22");
        assert_eq!(s.date_or(&east(0)).to_string(), "2026-11-21");
    }

    #[test]
    fn serde_keeps_whether_the_offset_was_known() {
        let old = Stamp::from("2026-11-21T23:30:00Z".parse::<DateTime<Utc>>().unwrap());
        let utc_writer = Stamp::from(DateTime::parse_from_rfc3339("2026-11-21T23:30:00Z").unwrap());
        let bj = Stamp::from_wall(Wall {
            ms: old.utc().timestamp_millis(),
            off: 8 * 3600,
        });
        for (s, text) in [
            (old, "\"2026-11-21T23:30:00Z\""),
            (utc_writer, "\"2026-11-21T23:30:00+00:00\""),
            (bj, "\"2026-11-22T07:30:00+08:00\""),
        ] {
            assert_eq!(serde_json::to_string(&s).unwrap(), text);
            assert_eq!(serde_json::from_str::<Stamp>(text).unwrap(), s);
        }
    }
}
