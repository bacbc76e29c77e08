//! What the two registers (危险化学品台账, 特种设备安全清单; issue 17) share: quantities in
//! thousandths, the link from a hazard to a register entry, and the fold of field edits that
//! flags two edits made without seeing each other (as hazard fields are flagged).

use super::{EventRef, Hlc, StoredEvent};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// A quantity in thousandths of its unit (`2.5` 升 is 2500). Integers, so sums are exact and
/// every device computes the same balance.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Qty(pub i64);

/// The largest quantity accepted at input: 10⁹ of any unit (no hospital store holds more).
pub const MAX_QTY: Qty = Qty(1_000_000_000_000);

impl Qty {
    /// Parses a quantity as a person types it: digits with at most three decimals ("12",
    /// "2.5", "0.125"). Errors are Chinese sentences naming what is wrong; zero and negative
    /// values are refused (a movement or a limit is always positive).
    pub fn parse(text: &str) -> Result<Qty, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("不能为空，请填写数量（如 20 或 2.5）".into());
        }
        if t.starts_with('-') {
            return Err(format!("「{t}」是负数；数量须大于 0"));
        }
        let (int, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(int) || (!frac.is_empty() && !digits(frac)) || t.ends_with('.') {
            return Err(format!(
                "「{t}」不是数字；数量只写数字（如 20 或 2.5），单位另填"
            ));
        }
        if frac.len() > 3 {
            return Err(format!("「{t}」小数位太多，最多 3 位"));
        }
        if int.len() > 10 {
            return Err(format!("「{t}」太大"));
        }
        let whole: i64 = int.parse().map_err(|_| format!("「{t}」太大"))?;
        let mut f = frac.to_string();
        while f.len() < 3 {
            f.push('0');
        }
        let q = Qty(whole * 1000 + f.parse::<i64>().unwrap_or(0));
        if q.0 <= 0 {
            return Err(format!("「{t}」为零；数量须大于 0"));
        }
        if q > MAX_QTY {
            return Err(format!("「{t}」太大"));
        }
        Ok(q)
    }
}

impl std::fmt::Display for Qty {
    /// `2500` → "2.5", `20000` → "20", `-1500` → "-1.5".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let (whole, frac) = (a / 1000, a % 1000);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let s = format!("{frac:03}");
            write!(f, "{sign}{whole}.{}", s.trim_end_matches('0'))
        }
    }
}

/// The register entry a hazard is recorded on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "register", content = "id", rename_all = "snake_case")]
pub enum RegisterRef {
    /// A chemical of the 储存台账.
    Chemical(Uuid),
    /// A piece of special equipment.
    Equipment(Uuid),
}

/// A hazard (finding) recorded on a register entry. Stored under the entry's entity, so the
/// finding's own events stay as they were; `finding show` finds the link through the entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HazardLinked {
    pub finding_id: Uuid,
    pub register: RegisterRef,
}

/// One field's value after folding its edits, with the crossed edits when there are any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldValue {
    pub value: String,
    /// The event whose value stands (deterministic winner: max (hlc, device, seq)).
    pub event: EventRef,
    /// Other values set without seeing each other (冲突): empty when none. The office settles
    /// them with a new edit, which supersedes them all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crossed: Vec<String>,
}

/// One field edit as the fold sees it.
pub struct Edit<'a, F> {
    pub event: &'a StoredEvent,
    pub field: F,
    pub value: &'a str,
    pub supersedes: &'a [EventRef],
}

/// Folds field edits: per field, the edits no later edit of that field supersedes are the
/// heads; one head stands alone, several heads with different values are a conflict (the
/// winner by max (hlc, device, seq), the others listed in `crossed`). The result is the same
/// in every delivery order.
pub fn fold_edits<F: Ord + Copy>(edits: &[Edit<'_, F>]) -> BTreeMap<F, FieldValue> {
    let mut by_field: BTreeMap<F, Vec<&Edit<'_, F>>> = BTreeMap::new();
    for e in edits {
        by_field.entry(e.field).or_default().push(e);
    }
    let mut out = BTreeMap::new();
    for (field, list) in by_field {
        let superseded: std::collections::BTreeSet<EventRef> = list
            .iter()
            .flat_map(|e| e.supersedes.iter().copied())
            .collect();
        let mut heads: Vec<&&Edit<'_, F>> = list
            .iter()
            .filter(|e| !superseded.contains(&e.event.r))
            .collect();
        if heads.is_empty() {
            // A cycle can only come from hostile events: fall back to all of them.
            heads = list.iter().collect();
        }
        heads.sort_by_key(|e| e.event.order_key());
        let win = heads.last().expect("at least one edit");
        let mut crossed: Vec<String> = heads
            .iter()
            .filter(|e| e.value != win.value)
            .map(|e| e.value.to_string())
            .collect();
        crossed.dedup();
        out.insert(
            field,
            FieldValue {
                value: win.value.to_string(),
                event: win.event.r,
                crossed,
            },
        );
    }
    out
}

/// The order key of an event, for sorting register records the same way on every device.
pub fn order(e: &StoredEvent) -> (Hlc, Uuid, u64) {
    e.order_key()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_parse_and_print_as_typed() {
        assert_eq!(Qty::parse("20").unwrap(), Qty(20_000));
        assert_eq!(Qty::parse(" 2.5 ").unwrap(), Qty(2_500));
        assert_eq!(Qty::parse("0.125").unwrap().to_string(), "0.125");
        assert_eq!(Qty(2_500).to_string(), "2.5");
        assert_eq!(Qty(-1_500).to_string(), "-1.5");
        for bad in ["", "0", "0.000", "-3", "2.5升", "1.2345", "abc", "1.", ".5"] {
            assert!(Qty::parse(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(Qty::parse("-3").unwrap_err().contains("负数"));
        assert!(Qty::parse("0").unwrap_err().contains("零"));
        assert!(Qty::parse("5L").unwrap_err().contains("单位另填"));
    }
}
