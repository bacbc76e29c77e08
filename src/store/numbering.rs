//! The per-device, per-series, per-year counters behind 隐患编号, 检查编号 and 文号.
//!
//! The log is the truth: the next number is one past the highest this device has written in
//! its own events for that series and year. A `meta` entry caches (highest, own seq scanned up
//! to) so only events written since the last call are read; a crash between the cache write and
//! an append costs nothing, since the cache never claims more than the log holds.

use super::{Record, Result, Store, StoreError, codec};
use crate::domain::{Number, Series, device_code};

const PREFIX: &str = "num/";

impl Store {
    /// This device's three-character code in record numbers (see `domain::device_code`).
    pub fn device_code(&self) -> String {
        device_code(self.device)
    }

    /// The next number of `series` for `year` on this device. Reading it does not reserve it:
    /// the caller writes it in the event it appends next.
    pub fn next_number(&self, series: Series, year: i32) -> Result<Number> {
        let key = format!("{PREFIX}{}/{year}", series.id());
        let (mut last, scanned) = match self.meta.get(key.as_bytes())? {
            Some(v) if v.len() == 12 => (
                u32::from_be_bytes(v[..4].try_into().unwrap_or_default()),
                u64::from_be_bytes(v[4..].try_into().unwrap_or_default()),
            ),
            _ => (0, 0),
        };
        let scanned = scanned.min(self.head_seq);
        let from = codec::log_key(self.device, scanned + 1);
        let to = codec::log_key(self.device, u64::MAX);
        for kv in self.log.range(from..=to) {
            let (_, v) = kv?;
            let body = Record::from_stored(&v)
                .body()
                .map_err(|e| StoreError::Corrupt(format!("本设备日志无法解码：{e}")))?;
            for n in body.payload.numbers() {
                if n.series == series && n.year == year {
                    last = last.max(n.seq);
                }
            }
        }
        let mut cache = last.to_be_bytes().to_vec();
        cache.extend_from_slice(&self.head_seq.to_be_bytes());
        self.meta.insert(key.as_bytes(), cache)?;
        Ok(Number {
            series,
            year,
            device: self.device_code(),
            seq: last + 1,
        })
    }
}
