//! The per-device, per-series, per-year counters behind 隐患编号, 检查编号 and 文号.
//!
//! The log is the truth: the next number is one past the highest this device has written in
//! its own events for that series and year. One `meta` entry caches the highest number of every
//! series and year this device's own events hold, up to the own seq scanned, so only events
//! written since the last call are read. One entry for all series and years, not one each: a
//! series or year met for the first time (the first hazard of a new year) would otherwise read
//! the device's whole own log again (issue 14: 3 s at 100,000 hazards). A crash between the
//! cache write and an append costs nothing, since the cache never claims more than the log
//! holds; a cache of another device id (a re-issued identity) or one that does not decode is
//! read again from the start.

use super::{Record, Result, Store, StoreError};
use crate::domain::{Number, Series, device_code};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The cache's key in `meta`. Versions before kept `num/<series>/<year>` keys, left unread.
const CACHE_KEY: &[u8] = b"num/all";

/// What the cache holds (JSON).
#[derive(Debug, Default, Serialize, Deserialize)]
struct Counters {
    device: Uuid,
    /// Own seqs up to this one are counted.
    scanned: u64,
    /// (series id, year, highest seq) for every series and year met.
    highest: Vec<(String, i32, u32)>,
}

impl Counters {
    fn note(&mut self, n: &Number) {
        let id = n.series.id();
        match self
            .highest
            .iter_mut()
            .find(|(s, y, _)| s == id && *y == n.year)
        {
            Some(entry) => entry.2 = entry.2.max(n.seq),
            None => self.highest.push((id.to_string(), n.year, n.seq)),
        }
    }

    fn highest(&self, series: Series, year: i32) -> u32 {
        self.highest
            .iter()
            .find(|(s, y, _)| s == series.id() && *y == year)
            .map_or(0, |e| e.2)
    }
}

impl Store {
    /// This device's three-character code in record numbers (see `domain::device_code`).
    pub fn device_code(&self) -> String {
        device_code(self.device)
    }

    /// The next number of `series` for `year` on this device. Reading it does not reserve it:
    /// the caller writes it in the event it appends next.
    pub fn next_number(&self, series: Series, year: i32) -> Result<Number> {
        let counters = self.count_numbers()?;
        Ok(Number {
            series,
            year,
            device: self.device_code(),
            seq: counters.highest(series, year) + 1,
        })
    }

    /// Brings the cache of numbers up to this device's last own event (a whole `xuncha demo`
    /// calls it at the end, so the first hazard recorded after does not read its events).
    ///
    /// # Errors
    /// `Store` when the log cannot be read or an own event does not decode.
    pub fn count_own_numbers(&self) -> Result<()> {
        self.count_numbers().map(|_| ())
    }

    /// The cache, brought up to date and written back.
    fn count_numbers(&self) -> Result<Counters> {
        let mut c = match self.meta.get(CACHE_KEY)? {
            Some(v) => serde_json::from_slice::<Counters>(&v)
                .ok()
                .filter(|c| c.device == self.device)
                .unwrap_or_default(),
            None => Counters::default(),
        };
        if c.device != self.device {
            c = Counters {
                device: self.device,
                ..Counters::default()
            };
        }
        let scanned = c.scanned.min(self.head_seq);
        for kv in super::log_runs::range(&self.log, self.device, scanned + 1, u64::MAX)? {
            let (_, v) = kv?;
            let body = Record::from_stored(&v)
                .body()
                .map_err(|e| StoreError::Corrupt(format!("本设备日志无法解码：{e}")))?;
            for n in body.payload.numbers() {
                c.note(n);
            }
        }
        c.scanned = self.head_seq;
        let json = serde_json::to_vec(&c).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.meta.insert(CACHE_KEY, json)?;
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path()).unwrap();
        (dir, s)
    }

    /// The cache as stored, decoded.
    fn cached(s: &Store) -> Counters {
        serde_json::from_slice(&s.meta.get(CACHE_KEY).unwrap().unwrap()).unwrap()
    }

    #[test]
    fn a_series_or_year_met_first_reads_no_event_the_cache_has_counted() {
        let (_dir, s) = store();
        assert_eq!(s.next_number(Series::Finding, 2026).unwrap().seq, 1);
        let c = cached(&s);
        assert_eq!((c.device, c.scanned), (s.device, s.head_seq));
        // A cache that says this device wrote 41 hazards in 2026 up to its head: the next is 42,
        // and a new year starts at 1 without reading the log again (scanned stays the head).
        let mut c = c;
        c.highest = vec![("finding".into(), 2026, 41)];
        s.meta
            .insert(CACHE_KEY, serde_json::to_vec(&c).unwrap())
            .unwrap();
        assert_eq!(s.next_number(Series::Finding, 2026).unwrap().seq, 42);
        assert_eq!(s.next_number(Series::Finding, 2027).unwrap().seq, 1);
        assert_eq!(s.next_number(Series::Inspection, 2026).unwrap().seq, 1);
    }

    #[test]
    fn a_cache_of_another_device_or_that_does_not_decode_is_read_again_from_the_log() {
        let (_dir, s) = store();
        let other = Counters {
            device: Uuid::now_v7(),
            scanned: u64::MAX,
            highest: vec![("finding".into(), 2026, 900)],
        };
        s.meta
            .insert(CACHE_KEY, serde_json::to_vec(&other).unwrap())
            .unwrap();
        assert_eq!(s.next_number(Series::Finding, 2026).unwrap().seq, 1);
        s.meta.insert(CACHE_KEY, &b"{not json"[..]).unwrap();
        assert_eq!(s.next_number(Series::Finding, 2026).unwrap().seq, 1);
        assert_eq!(cached(&s).device, s.device);
    }
}
