//! Pure domain types and rules: no I/O, no sled, no terminal.

mod checklist;
pub mod chem;
mod crossing;
mod dates;
mod device;
pub mod equipment;
mod event;
mod facility;
mod finding;
mod hlc;
mod inspection;
mod item_label;
mod kinds;
mod now;
mod number;
mod org;
mod patrol;
mod photo;
mod plan;
mod query;
pub mod register;
mod roster;
pub mod sanitize;
mod signoff;
mod stage;
mod stamp;

pub use checklist::{Checklist, Item, Section, checklist_entity_id, fold_checklist};
pub use chem::{ChemClass, Chemical, Direction, MoveFlag};
pub use crossing::{Crossing, Hold, StepKind, edit_heads, rule as crossing_rule};
pub use dates::parse_date_input;
pub use device::{DeviceProfile, REISSUED_MARK, device_label, short_device_id};
pub use equipment::{CheckKind, DueState, EquipKind, Equipment};
pub use event::{Entity, EventRef, Field, Payload};
pub use facility::{
    Facility, FacilityField, FacilityKind, FieldConflict, LinkTarget, Place, PlaceField, PlaceKind,
    PlaceLinked, Registry, RiskGrade, name_key, version_key,
};
pub use finding::{
    Conflict, EscalationStep, Finding, FindingFold, HistoryEntry, LifecycleError, RectifyMark,
    StepConflict, StepInfo, StoredEvent,
};
pub use hlc::Hlc;
pub use inspection::{AnswerRecord, Inspection};
pub use item_label::ItemLabel;
pub use kinds::{Answer, CORE_LINES, Escalation, Mode, ParseError, Severity, Status};
pub use now::Now;
pub use number::{CODE_ALPHABET, Number, Series, agency_stem, device_code, index_key, number_key};
pub use org::{Issued, NoticeHazard, Org};
pub use patrol::{Patrol, PatrolVisit, Visit};
pub use photo::{PhotoRef, PhotoStage};
pub use plan::{
    Activity, InspectionMark, LeaderRole, MAX_PLAN_DAYS, Period, PlanFacility, PlanRow, PlanSite,
    PlanState, Rule, RulesError, SiteCount, evaluate as evaluate_plan, panel_lines, parse_rules,
    patrol_window,
};
pub use query::{DEFAULT_REVIEW_DAYS, FindingQuery, StatusFilter, facility_fits};
pub use register::{Qty, RegisterRef};
pub use roster::{
    Admit, EnrollRequest, OrgCard, RosterChange, RosterStatement, RosterStatus, fingerprint,
};
pub use signoff::{Receipt, Signer};
pub use stage::Stage;
pub use stamp::{Stamp, Wall};
