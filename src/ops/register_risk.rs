//! The red/orange mark of register rows (issue 16): the 风险等级 of the place a hazard was found
//! at, when it is 重大 or 较大, looked up for 100,000 rows at a cost that grows with the
//! distinct (facility, 部位) texts, not with the rows times the registry (issue 14).

use crate::domain::{Facility, Registry, RiskGrade, name_key};
use std::cell::RefCell;
use std::collections::HashMap;
use uuid::Uuid;

/// Answers `grade` for one row after another; built once per register read.
pub(crate) struct RiskLookup<'r> {
    /// Hazards linked to a place (`PlaceLinked`): that place's grade, high or not.
    linked: HashMap<Uuid, Option<RiskGrade>>,
    /// Each spelling (as `name_key`) of an active facility, first entry first, as
    /// `Registry::by_name` picks; empty when no place anywhere is graded high, so rows skip
    /// the text lookup altogether.
    facilities: HashMap<String, &'r Facility>,
    /// facility text → 部位 text → grade: each pair is resolved once.
    memo: RefCell<HashMap<String, HashMap<String, Option<RiskGrade>>>>,
}

impl<'r> RiskLookup<'r> {
    pub(crate) fn new(reg: &'r Registry) -> RiskLookup<'r> {
        let any_high = reg.active().any(|f| {
            f.places
                .iter()
                .any(|p| p.grade.is_some_and(|g| g.is_high()))
        });
        let mut facilities = HashMap::new();
        if any_high {
            for f in reg.active() {
                for n in std::iter::once(&f.name).chain(&f.aliases) {
                    facilities.entry(name_key(n)).or_insert(f);
                }
            }
        }
        RiskLookup {
            linked: super::registry_pick::linked_grades(reg),
            facilities,
            memo: RefCell::default(),
        }
    }

    /// The mark of a hazard: a hazard linked to a place takes that place's grade; an older one
    /// the grade of the place its 部位 text names in the facility its name answers to (as
    /// `ops::high_risk_at`). Only 重大 and 较大 are returned.
    pub(crate) fn grade(&self, id: Uuid, facility: &str, location: &str) -> Option<RiskGrade> {
        if let Some(g) = self.linked.get(&id) {
            return g.filter(|g| g.is_high());
        }
        if self.facilities.is_empty() || location.trim().is_empty() {
            return None;
        }
        let mut memo = self.memo.borrow_mut();
        if let Some(g) = memo.get(facility).and_then(|m| m.get(location)) {
            return *g;
        }
        let grade = self
            .facilities
            .get(&name_key(facility))
            .and_then(|f| f.place(location))
            .and_then(|p| p.grade)
            .filter(|g| g.is_high());
        memo.entry(facility.to_string())
            .or_default()
            .insert(location.to_string(), grade);
        grade
    }
}
