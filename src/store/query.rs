//! Reads of the derived views. Everything here is read-only.

use super::idx_groups;
use super::row_codec::RowKeys;
use super::{Result, Store, StoreError};
use crate::domain::{Finding, FindingQuery, Inspection, Status, StatusFilter};
use chrono::NaiveDate;
use uuid::Uuid;

/// A stored view (packed or, as stored before issue 14, plain JSON) decoded.
fn decode<T: serde::de::DeserializeOwned>(v: &[u8]) -> Result<T> {
    serde_json::from_slice(&super::pack::view_json(v))
        .map_err(|e| StoreError::Corrupt(format!("视图无法解析：{e}")))
}

impl Store {
    pub fn finding(&self, id: Uuid) -> Result<Option<Finding>> {
        self.findings
            .get(id.as_bytes())?
            .map(|v| decode(&v))
            .transpose()
    }

    pub fn inspection(&self, id: Uuid) -> Result<Option<Inspection>> {
        self.inspections
            .get(id.as_bytes())?
            .map(|v| decode(&v))
            .transpose()
    }

    pub fn finding_count(&self) -> usize {
        self.findings.len()
    }

    /// Every finding view, in id order (UUIDv7: creation order). A walk that keeps sled's
    /// cache within its capacity (`walk.rs`).
    pub fn all_findings(&self) -> impl Iterator<Item = Result<Finding>> + '_ {
        super::walk::walk(&self.findings, self.findings.iter())
            .map(|kv| kv.map_err(StoreError::from).and_then(|(_, v)| decode(&v)))
    }

    pub fn all_inspections(&self) -> Result<Vec<Inspection>> {
        self.inspections
            .iter()
            .map(|kv| kv.map_err(StoreError::from).and_then(|(_, v)| decode(&v)))
            .collect()
    }

    /// Ids from the index under the logical `prefix`, taking the trailing 16 bytes of each
    /// logical key: from keys stored one by one and from the groups (`idx_groups.rs`) under the
    /// prefix or holding it, ascending, each once.
    pub(super) fn ids_under(&self, prefix: &[u8]) -> Result<Vec<Uuid>> {
        let id_of = |k: &[u8]| {
            k.len()
                .checked_sub(16)
                .and_then(|at| Uuid::from_slice(&k[at..]).ok())
                .ok_or_else(|| StoreError::Corrupt("索引键无效".into()))
        };
        let grouped = |ids: &mut Vec<Uuid>, g: &[u8], v: &[u8]| -> Result<()> {
            for k in idx_groups::expand(g, v).map_err(StoreError::Corrupt)? {
                if k.starts_with(prefix) {
                    ids.push(id_of(&k)?);
                }
            }
            Ok(())
        };
        let mut ids = Vec::new();
        if let Some(g) = idx_groups::group_for_prefix(prefix)
            && let Some(v) = self.idx.get(&g)?
        {
            grouped(&mut ids, &g, &v)?;
        }
        for kv in self.idx.scan_prefix(prefix) {
            let (k, v) = kv?;
            if idx_groups::is_group(&k) {
                grouped(&mut ids, &k, &v)?;
            } else {
                ids.push(id_of(&k)?);
            }
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    /// The hashes of every photo a finding names (issue 18), in order, each once: what a sync
    /// fetches from the folder when the blob is not here yet.
    pub fn photo_hashes(&self) -> Result<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for kv in self.idx.scan_prefix(b"p\0") {
            let (k, _) = kv?;
            let hash = &k[2..k.len().saturating_sub(17).max(2)];
            let hash = String::from_utf8_lossy(hash).into_owned();
            if out.last() != Some(&hash) {
                out.push(hash);
            }
        }
        Ok(out)
    }

    /// Findings matching the query, in id order. Uses the narrowest index it can.
    pub fn query(&self, q: &FindingQuery, today: NaiveDate) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        self.query_each(q, today, |f| {
            out.push(f);
            Ok::<_, StoreError>(())
        })?;
        Ok(out)
    }

    /// Hands each finding matching `q` to `each` as it is read, so a caller that prints or
    /// counts holds one finding at a time, not the 100,000 of an office store (issue 14). The
    /// order is id order (creation order); with a narrowing filter (inspection, status, line,
    /// facility, conflicts) only the index's candidates are read, still in id order.
    ///
    /// # Errors
    /// The first read or decode error, or the first error `each` returns (reading stops there).
    pub fn query_each<E: From<StoreError>>(
        &self,
        q: &FindingQuery,
        today: NaiveDate,
        mut each: impl FnMut(Finding) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let candidates: Option<Vec<Uuid>> = if let Some(i) = q.inspection {
            Some(self.ids_under(&[b"i\0".as_slice(), i.as_bytes()].concat())?)
        } else if let Some(s) = q.status {
            Some(self.ids_where_row(|r| status_admits(s, r, today))?)
        } else if let Some(l) = &q.line {
            Some(self.ids_where_row(|r| r.line == l.as_str())?)
        } else if let Some(fac) = &q.facility {
            // Every spelling the filter stands for (a facility's merged spellings).
            let names: Vec<&String> = std::iter::once(fac).chain(&q.facility_spellings).collect();
            Some(self.ids_where_row(|r| names.iter().any(|n| n.as_str() == r.facility))?)
        } else if q.conflicted_only {
            Some(self.ids_under(b"c\0")?)
        } else {
            None
        };
        match candidates {
            Some(mut ids) => {
                ids.sort();
                ids.dedup();
                for id in ids {
                    let v = super::walk::get_sparse(&self.findings, id.as_bytes())
                        .map_err(StoreError::from)?;
                    if let Some(f) = v.map(|v| decode::<Finding>(&v)).transpose()?
                        && q.matches(&f, today)
                    {
                        each(f)?;
                    }
                }
            }
            None => {
                for f in self.all_findings() {
                    let f = f?;
                    if q.matches(&f, today) {
                        each(f)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The ids of the findings whose register row `keep` admits, in id order: one walk over
    /// the rows (`#r`, a few MB at 100,000 findings), which hold the status, deadline, line
    /// and facility that index keys of their own used to give (`views::RETIRED_INDEX_PREFIXES`).
    fn ids_where_row(&self, keep: impl Fn(&RowKeys) -> bool) -> Result<Vec<Uuid>> {
        let mut ids = Vec::new();
        self.for_each_row_keys(|r| {
            if keep(r) {
                ids.push(r.id);
            }
        })?;
        Ok(ids)
    }

    /// Resolves a full id, or a unique piece of at least 6 hex digits from its start or its end.
    /// Lists print the last 8 digits: a UUIDv7 starts with its timestamp, so ids made in the
    /// same minute share their first digits, while the end is random.
    /// A finding by its full id, an id prefix or tail, or its 隐患编号.
    pub fn resolve_finding(&self, text: &str) -> Result<Option<Uuid>> {
        if let Some(id) = self.finding_by_number(text)? {
            return Ok(Some(id));
        }
        self.resolve(&self.findings, text)
    }

    /// An inspection by its full id, an id prefix or tail, or its 检查编号.
    pub fn resolve_inspection(&self, text: &str) -> Result<Option<Uuid>> {
        if crate::domain::number_key(text).is_some()
            && let Some(id) = self.inspection_by_number(text)?
        {
            return Ok(Some(id));
        }
        self.resolve(&self.inspections, text)
    }

    /// Findings listed under one 文号 (the hazards of one notice), in id order.
    pub fn findings_by_wenhao(&self, wenhao: &str) -> Result<Vec<Uuid>> {
        let mut prefix = b"w\0".to_vec();
        prefix.extend_from_slice(wenhao.trim().as_bytes());
        prefix.push(0);
        self.ids_under(&prefix)
    }

    /// The finding whose 隐患编号 is `text` as typed ("YH-2026-A3K-0007", "yh2026a3k7").
    pub fn finding_by_number(&self, text: &str) -> Result<Option<Uuid>> {
        let Some(key) = crate::domain::number_key(text) else {
            return Ok(None);
        };
        let mut prefix = b"n\0".to_vec();
        prefix.extend_from_slice(key.as_bytes());
        prefix.push(0);
        // The first in key order, as when each number was a key of its own.
        Ok(self.ids_under(&prefix)?.into_iter().next())
    }

    /// The inspection whose 检查编号 is `text` as typed.
    pub fn inspection_by_number(&self, text: &str) -> Result<Option<Uuid>> {
        let Some(key) = crate::domain::number_key(text) else {
            return Ok(None);
        };
        for kv in self.inspections.iter() {
            let (_, v) = kv?;
            if let Ok(i) =
                serde_json::from_slice::<crate::domain::Inspection>(&super::pack::view_json(&v))
                && i.number.as_ref().map(crate::domain::index_key) == Some(key.clone())
            {
                return Ok(Some(i.id));
            }
        }
        Ok(None)
    }

    fn resolve(&self, tree: &sled::Tree, text: &str) -> Result<Option<Uuid>> {
        let t = text.trim().to_ascii_lowercase();
        if let Ok(id) = Uuid::parse_str(&t) {
            return Ok(tree.contains_key(id.as_bytes())?.then_some(id));
        }
        let hex: String = t.chars().filter(|c| *c != '-').collect();
        if hex.len() < 6 || hex.len() > 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let mut found: Vec<Uuid> = Vec::new();
        // Whole bytes of a prefix narrow the scan; the odd nibble is checked per key.
        let whole = hex::decode(&hex[..hex.len() / 2 * 2]).unwrap_or_default();
        for kv in tree.scan_prefix(&whole) {
            let (k, _) = kv?;
            if hex::encode(&k).starts_with(&hex) {
                found.extend(Uuid::from_slice(&k).ok());
            }
        }
        if found.is_empty() {
            for kv in tree.iter() {
                let (k, _) = kv?;
                if hex::encode(&k).ends_with(&hex) {
                    found.extend(Uuid::from_slice(&k).ok());
                }
            }
        }
        match found.len() {
            0 => Ok(None),
            1 => Ok(Some(found[0])),
            n => Err(StoreError::Ambiguous(text.trim().to_string(), n)),
        }
    }
}

/// Whether a finding with register row `r` is a candidate for the status filter `s` on
/// `today`: as the status index keys grouped them, a retracted finding only under
/// 已撤销, the others under their status; 逾期 is open with a deadline in force before today.
/// `FindingQuery::matches` then decides on the whole view.
fn status_admits(s: StatusFilter, r: &RowKeys, today: NaiveDate) -> bool {
    match s {
        StatusFilter::Retracted => r.retracted,
        _ if r.retracted => false,
        StatusFilter::Open => r.status == Status::Open,
        StatusFilter::Rectified | StatusFilter::ReviewLate => r.status == Status::Rectified,
        StatusFilter::Closed => r.status == Status::Closed,
        StatusFilter::Overdue => r.status == Status::Open && r.due.is_some_and(|d| d < today),
    }
}
