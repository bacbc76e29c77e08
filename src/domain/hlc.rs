//! Hybrid logical clock: wall milliseconds plus a counter, so causally later events sort later
//! even when clocks are skewed.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct Hlc {
    pub ms: i64,
    pub c: u32,
}

impl Hlc {
    /// The next stamp for a local event, given the last one issued or seen.
    pub fn tick(last: Hlc, wall_ms: i64) -> Hlc {
        if wall_ms > last.ms {
            Hlc { ms: wall_ms, c: 0 }
        } else {
            Hlc {
                ms: last.ms,
                c: last.c.saturating_add(1),
            }
        }
    }

    /// Big-endian bytes that sort like the stamp (for index keys).
    pub fn sort_key(&self) -> [u8; 12] {
        let mut k = [0u8; 12];
        k[..8].copy_from_slice(&((self.ms as u64) ^ (1 << 63)).to_be_bytes());
        k[8..].copy_from_slice(&self.c.to_be_bytes());
        k
    }

    pub fn to_utc(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp_millis(self.ms).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_is_monotonic_when_clock_goes_back() {
        let a = Hlc::tick(Hlc::default(), 1000);
        let b = Hlc::tick(a, 500);
        let c = Hlc::tick(b, 2000);
        assert!(a < b && b < c);
        assert_eq!(b, Hlc { ms: 1000, c: 1 });
    }

    #[test]
    fn sort_key_orders_like_stamp() {
        let xs = [
            Hlc { ms: -5, c: 0 },
            Hlc { ms: 3, c: 9 },
            Hlc { ms: 3, c: 10 },
        ];
        for w in xs.windows(2) {
            assert!(w[0].sort_key() < w[1].sort_key());
        }
    }
}
