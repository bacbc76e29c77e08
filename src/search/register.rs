//! Register entries in the index (issue 17): each chemical of the 储存台账 and each piece of
//! special equipment is one more record, found by its name, class or kind, CAS No. or
//! 使用登记证号, place, facility and maker, in Chinese or pinyin like hazards and items.
//!
//! They rank with the checklist items (before findings: a register entry is a thing to open,
//! not a case to work), match no `status:` filter, and match `line:hazchem` (chemicals) or
//! `line:special_equipment` (equipment).

use super::index::{Field, Index, Kind};
use crate::domain::{Chemical, Equipment};
use uuid::Uuid;

/// Where register entries sort among the status-less records: after every checklist item
/// (whose order is its catalog position, far below this).
const REGISTER_ORDER: i32 = 1 << 24;

/// The line a chemical belongs to (its checklist family: 危险化学品).
pub const CHEMICAL_LINE: (&str, &str) = ("hazchem", "危险化学品");
/// The line a piece of equipment belongs to (特种设备, an extra checklist family).
pub const EQUIPMENT_LINE: (&str, &str) = ("special_equipment", "特种设备");

impl Index {
    /// Adds or replaces a chemical.
    pub fn upsert_chemical(&mut self, c: &Chemical) {
        let fields = [
            (Field::Chemical, c.name.as_str()),
            (Field::Kind, c.class.label()),
            (Field::RegisterNo, c.cas.as_str()),
            (Field::Place, c.place.as_str()),
            (Field::Facility, c.facility.as_str()),
        ];
        self.upsert_register(Kind::Chemical, c.id, CHEMICAL_LINE, &fields);
    }

    /// Adds or replaces a piece of equipment.
    pub fn upsert_equipment(&mut self, q: &Equipment) {
        let fields = [
            (Field::Equipment, q.name.as_str()),
            (Field::Kind, q.kind.label()),
            (Field::RegisterNo, q.reg_no.as_str()),
            (Field::Place, q.place.as_str()),
            (Field::Facility, q.facility.as_str()),
            (Field::Maker, q.maker.as_str()),
            (Field::Maker, q.factory_no.as_str()),
        ];
        self.upsert_register(Kind::Equipment, q.id, EQUIPMENT_LINE, &fields);
    }

    fn upsert_register(
        &mut self,
        kind: Kind,
        id: Uuid,
        (line_id, line_name): (&str, &str),
        texts: &[(Field, &str)],
    ) {
        self.changed();
        let line = self.line_of(line_id, line_name);
        let fields: Vec<_> = texts
            .iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(f, t)| (*f, self.intern(t)))
            .collect();
        let order = REGISTER_ORDER + self.registers.len() as i32;
        let existing = self.registers.get(&id).copied();
        let order = existing.map_or(order, |s| self.hot[s as usize].day_or_order);
        let hot = self.hot_of(line, None, None, order, &fields);
        let slot = self.put_register(kind, id, existing, hot);
        self.registers.insert(id, slot);
    }
}
