//! What a full build of the search index reads from the store, held compactly so the store can
//! be closed before the index is built (issue 14: at most 80 MB resident for every command at
//! 100,000 hazards).
//!
//! Built with the store open, the index (≈ 35 MB at 100,000 hazards while it grows) sat beside
//! sled's page table (≈ 40 MB until the close): the first `xuncha search` after
//! `doctor --rebuild` took 91–94 MB. [`Gathered`] holds each finding's texts as numbers into
//! one pool of distinct texts (facility, department, location, measures and most descriptions
//! repeat): under 7 MB for 100,000 findings. [`Gathered::build`] then gives, after the store is
//! closed, exactly the index [`super::load_search_index`] builds: the same findings and register
//! entries put in in the same order.

use super::{Ctx, Result};
use crate::catalog::Catalog;
use crate::domain::{Chemical, Equipment, Severity, Status};
use crate::search::{FindingDoc, Index};
use crate::store::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use std::borrow::Cow;
use std::collections::HashMap;
use uuid::Uuid;

/// Every finding view's indexed part and every register entry, read in the order a build
/// puts them into the index.
pub(super) struct Gathered {
    /// Distinct texts; [`Doc::texts`] are positions in it.
    pool: Vec<Box<str>>,
    findings: Vec<Doc>,
    chemicals: Vec<Chemical>,
    equipment: Vec<Equipment>,
}

/// A [`FindingDoc`] with its texts as positions in the pool (under 70 bytes).
struct Doc {
    id: Uuid,
    created_at: DateTime<Utc>,
    due: Option<NaiveDate>,
    /// Facility, department, location, line, description, measures, responsible.
    texts: [u32; 7],
    severity: Severity,
    status: Status,
    retracted: bool,
}

/// Reads what [`Gathered::build`] needs: one walk of the finding views (as
/// `load_search_index` makes), then the registers.
///
/// # Errors
/// `Store` when a view cannot be read or decoded, or a register cannot be read.
pub(super) fn gather(ctx: &Ctx) -> Result<Gathered> {
    let mut ids: HashMap<Box<str>, u32> = HashMap::new();
    let mut intern = |text: &str| -> u32 {
        if let Some(&id) = ids.get(text) {
            return id;
        }
        let id = ids.len() as u32;
        ids.insert(text.into(), id);
        id
    };
    let mut findings = Vec::new();
    ctx.store.for_each_finding_json(|bytes| {
        let f: FindingDoc = serde_json::from_slice(bytes)
            .map_err(|e| StoreError::Corrupt(format!("隐患视图无法解析：{e}")))?;
        findings.push(Doc {
            id: f.id,
            created_at: f.created_at,
            due: f.due,
            texts: [
                intern(&f.facility),
                intern(&f.department),
                intern(&f.location),
                intern(&f.line),
                intern(&f.description),
                intern(&f.measures),
                intern(&f.responsible),
            ],
            severity: f.severity,
            status: f.status,
            retracted: f.retracted,
        });
        Ok(())
    })?;
    findings.shrink_to_fit();
    let mut pool: Vec<Box<str>> = vec![Box::from(""); ids.len()];
    for (text, id) in ids {
        pool[id as usize] = text;
    }
    Ok(Gathered {
        pool,
        findings,
        chemicals: super::chem::chemicals(ctx)?,
        equipment: super::equipment::equipment_list(ctx)?,
    })
}

impl Gathered {
    /// The index of `catalog`'s items and everything gathered, as `load_search_index` builds
    /// it from the store. Consumes the gathered texts: each finding's part is let go once in.
    pub(super) fn build(self, catalog: &Catalog) -> Index {
        let mut index = Index::of_catalog(catalog);
        let text = |i: u32| Cow::Borrowed(&*self.pool[i as usize]);
        for d in &self.findings {
            let [
                facility,
                department,
                location,
                line,
                description,
                measures,
                responsible,
            ] = d.texts;
            index.upsert_doc(&FindingDoc {
                id: d.id,
                facility: text(facility),
                department: text(department),
                location: text(location),
                line: text(line),
                description: text(description),
                severity: d.severity,
                status: d.status,
                due: d.due,
                measures: text(measures),
                responsible: text(responsible),
                created_at: d.created_at,
                retracted: d.retracted,
            });
        }
        for c in &self.chemicals {
            index.upsert_chemical(c);
        }
        for q in &self.equipment {
            index.upsert_equipment(q);
        }
        index
    }

    /// Findings gathered.
    #[cfg(test)]
    pub(super) fn finding_count(&self) -> usize {
        self.findings.len()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{demo_ctx, fire_inspection};
    use super::super::{NewFinding, load_search_index, record_finding};
    use super::gather;

    /// The index file's bytes for `index` (a fixed stamp): equal bytes, equal index.
    fn bytes(index: &crate::search::Index) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        index.write_to(b"{}", &mut out).unwrap();
        out.into_inner()
    }

    #[test]
    fn the_gathered_build_is_the_build_from_the_store() {
        // The demo's findings (every status, retracted ones, registers) and texts that JSON
        // escapes or leaves empty.
        let (_dir, mut c) = demo_ctx(300);
        let (insp, _) = fire_inspection(&mut c);
        for (description, location) in [
            ("灭火器压力不足 \"过期\"\n二楼", ""),
            ("配电室堆放纸箱", ""),
        ] {
            let new = NewFinding {
                inspection: Some(insp),
                description: description.into(),
                location: location.into(),
                ..Default::default()
            };
            record_finding(&mut c, new).unwrap();
        }
        let (from_store, _) = load_search_index(&c).unwrap();
        assert!(from_store.register_count() > 0, "the demo has registers");
        let gathered = gather(&c).unwrap();
        assert_eq!(gathered.finding_count(), from_store.finding_count());
        assert_eq!(bytes(&gathered.build(&c.catalog)), bytes(&from_store));
    }
}
