//! Event payloads: each carries the intent of one user action.

use super::{
    Answer, Checklist, Escalation, FacilityField, Issued, LeaderRole, Mode, Number, PlaceField,
    PlaceKind, Severity, Signer,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Names one event: the device that wrote it and its sequence number there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EventRef {
    pub device: Uuid,
    pub seq: u64,
}

/// The editable fields of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Description,
    Location,
    Department,
    Severity,
    Measures,
    Due,
    Responsible,
    /// 隐患类别 (e.g. 设备设施类, 现场管理类).
    Category,
    /// 临时防范措施: what keeps people safe until the hazard is fixed.
    Interim,
    /// 整改资金, free text with its unit (e.g. "3000元").
    Funds,
}

impl Field {
    pub const ALL: [Field; 10] = [
        Field::Description,
        Field::Location,
        Field::Department,
        Field::Severity,
        Field::Measures,
        Field::Due,
        Field::Responsible,
        Field::Category,
        Field::Interim,
        Field::Funds,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Field::Description => "问题隐患",
            Field::Location => "部位",
            Field::Department => "科室",
            Field::Severity => "隐患等级",
            Field::Measures => "整改措施",
            Field::Due => "整改时限",
            Field::Responsible => "责任单位及人员",
            Field::Category => "隐患类别",
            Field::Interim => "临时防范措施",
            Field::Funds => "整改资金",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    InspectionStarted {
        inspection_id: Uuid,
        facility: String,
        departments: Vec<String>,
        mode: Mode,
        inspectors: Vec<String>,
        lines: Vec<String>,
        /// 检查编号, made once by the device that started the inspection.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<Number>,
        /// The checklist version each line was inspected with: line id → content hash
        /// (`Checklist::content_hash`). Empty in inspections recorded before versions were.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        checklists: BTreeMap<String, String>,
        /// Who led it (主要领导, 分管领导, 上级督导, 行政检查), for the rules of frequency;
        /// None when not said (and on inspections recorded before it existed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader: Option<LeaderRole>,
    },
    ItemAnswered {
        inspection_id: Uuid,
        item_id: String,
        answer: Answer,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
        /// The earlier answer(s) to this item the author saw and replaces. Two answers that
        /// do not name each other, from different devices, with different values, conflict.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        supersedes: Vec<EventRef>,
    },
    /// A person joins an inspection someone else started (answering it adds them).
    InspectorAdded {
        inspection_id: Uuid,
        name: String,
    },
    InspectionFinished {
        inspection_id: Uuid,
    },
    FindingRecorded {
        finding_id: Uuid,
        inspection_id: Option<Uuid>,
        facility: String,
        department: String,
        location: String,
        line: String,
        item_id: Option<String>,
        description: String,
        severity: Severity,
        measures: String,
        due: Option<NaiveDate>,
        responsible: String,
        fixed_on_spot: bool,
        /// 隐患编号, made once by the recording device.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        number: Option<Number>,
        /// 隐患类别.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        category: String,
        /// 临时防范措施.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        interim: String,
        /// 整改资金.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        funds: String,
    },
    /// An edit of one field; `supersedes` names the value(s) the editor saw.
    FieldSet {
        finding_id: Uuid,
        field: Field,
        value: String,
        supersedes: Vec<EventRef>,
        /// The finding events the author had seen (the heads of its history), so that steps
        /// taken without seeing each other can be told apart. Empty on events written before
        /// this field existed: those count as having seen every event ordered before them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        after: Vec<EventRef>,
    },
    Rectified {
        finding_id: Uuid,
        note: String,
        /// 实际完成日期 when the facility finished before the step was recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        completed_on: Option<NaiveDate>,
        /// The finding events the author had seen (the heads of its history), so that steps
        /// taken without seeing each other can be told apart. Empty on events written before
        /// this field existed: those count as having seen every event ordered before them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        after: Vec<EventRef>,
        /// 整改报告人: the facility's person who reported the rectification, by name and role.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reported_by: Option<Signer>,
    },
    Verified {
        finding_id: Uuid,
        passed: bool,
        note: String,
        /// 复查人 by name and role (the account that typed it is the event's author).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        verifier: Option<Signer>,
        /// The finding events the author had seen (the heads of its history), so that steps
        /// taken without seeing each other can be told apart. Empty on events written before
        /// this field existed: those count as having seen every event ordered before them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        after: Vec<EventRef>,
    },
    /// One step of the 四书. `due` is the new deadline the document sets (seed 003: each
    /// book orders rectification by its own date); None on events written before it existed.
    Escalated {
        finding_id: Uuid,
        level: Escalation,
        note: String,
        /// The document this step issued (文号, issuer, deadline, the hazard as printed).
        /// Steps recorded before numbering have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issued: Option<Box<Issued>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<NaiveDate>,
        /// The finding events the author had seen (the heads of its history), so that steps
        /// taken without seeing each other can be told apart. Empty on events written before
        /// this field existed: those count as having seen every event ordered before them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        after: Vec<EventRef>,
    },
    Commented {
        finding_id: Uuid,
        text: String,
    },
    /// The facility received (签收) the 四书 document of step `level`, signed by `by`.
    NoticeReceived {
        finding_id: Uuid,
        level: Escalation,
        by: Signer,
        /// 整改承诺 written on the 回执, when given.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        promise: String,
    },
    Retracted {
        finding_id: Uuid,
        reason: String,
        /// The finding events the author had seen (the heads of its history), so that steps
        /// taken without seeing each other can be told apart. Empty on events written before
        /// this field existed: those count as having seen every event ordered before them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        after: Vec<EventRef>,
    },
    /// Settles crossing lifecycle steps: the author saw them all (`after`) and decided that
    /// the steps in `dropped` do not take effect. They stay in the history.
    Settled {
        finding_id: Uuid,
        dropped: Vec<EventRef>,
        note: String,
        after: Vec<EventRef>,
    },
    /// One checklist version, whole, recorded when an inspection on this store first uses it
    /// (see `domain::checklist`). `hash` is its content hash; `checklist.source` is empty.
    ChecklistRecorded {
        hash: String,
        checklist: Checklist,
    },
    /// A device describes itself: who works on it and the computer's name. Written by the
    /// device itself (`device` is always the writer's id) before its first event and again
    /// whenever either name changes; the latest by HLC order counts (see `DeviceProfile`).
    DeviceDescribed {
        device: Uuid,
        inspector: String,
        host: String,
    },
    /// A roster change signed by the organisation key: `statement` is the exact JSON text of a
    /// `RosterStatement` about `device`, `org_sig` the hex ed25519 signature over it. Any
    /// device may carry it; only the signature makes it count.
    Roster {
        device: Uuid,
        statement: String,
        org_sig: String,
    },
    /// 危险化学品储存台账: a chemical at one storage place (issue 17).
    ChemicalAdded(super::chem::ChemicalAdded),
    /// 管理使用台账: a receipt or an issue.
    ChemicalMoved(super::chem::ChemicalMoved),
    /// An edit of a chemical entry's field.
    ChemicalFieldSet(super::chem::ChemicalFieldSet),
    /// 特种设备: a piece of equipment entered in the list.
    EquipmentAdded(super::equipment::EquipmentAdded),
    /// 定期检验, 维护保养 or 安全附件 record of a piece of equipment.
    EquipmentChecked(super::equipment::EquipmentChecked),
    /// An operator or safety manager with a certificate.
    OperatorRecorded(super::equipment::OperatorRecorded),
    /// An edit of an equipment entry's field.
    EquipmentFieldSet(super::equipment::EquipmentFieldSet),
    /// A hazard recorded on a register entry (stored under the entry).
    HazardLinked(super::register::HazardLinked),
    /// A facility enters the registry (issue 16). `fields` holds the other facility fields
    /// given at once (type, address, people and telephones).
    FacilityAdded {
        facility_id: Uuid,
        name: String,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        fields: BTreeMap<FacilityField, String>,
    },
    /// An edit of one facility field; `supersedes` names the version(s) the editor saw.
    FacilityFieldSet {
        facility_id: Uuid,
        field: FacilityField,
        value: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        supersedes: Vec<EventRef>,
    },
    /// Another spelling of the facility `facility_id`: records typed with `name` count for
    /// it; `from`, when the spelling had its own registry entry, leaves the list.
    FacilityMerged {
        facility_id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<Uuid>,
        name: String,
    },
    /// A place of a facility (院区, 楼, 层, 科室 or 部位) under `parent` (None: top level).
    PlaceAdded {
        facility_id: Uuid,
        place_id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<Uuid>,
        place_kind: PlaceKind,
        name: String,
        #[serde(default)]
        key_site: bool,
    },
    /// An edit of one field of a place (风险等级, 管控措施, 责任人, key site, name).
    PlaceFieldSet {
        facility_id: Uuid,
        place_id: Uuid,
        field: PlaceField,
        value: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        supersedes: Vec<EventRef>,
    },
    /// A patrol of a facility's key sites begins (`night`: 夜间防火巡查).
    PatrolStarted {
        patrol_id: Uuid,
        facility_id: Uuid,
        night: bool,
        patroller: String,
    },
    /// One place visited on a patrol: 正常 (`ok`) or 异常, with the hazard it opened.
    PatrolVisited {
        patrol_id: Uuid,
        place_id: Uuid,
        ok: bool,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        note: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finding_id: Option<Uuid>,
    },
    PatrolFinished {
        patrol_id: Uuid,
    },
    /// A hazard, chemical or piece of equipment linked to a registered facility and place
    /// (issue 16, 17); stored under the facility.
    PlaceLinked(super::facility::PlaceLinked),
    /// A photo attached to a hazard as evidence (issue 18); its bytes travel beside the
    /// bundles, named by `photo.hash`.
    PhotoAttached {
        finding_id: Uuid,
        photo: super::PhotoRef,
    },
    /// A photo taken off a hazard (attached to the wrong hazard, a blurred shot), with why
    /// (issue 18). The attach stays in the history and the bytes stay on every device: sync
    /// still carries any photo a record names.
    PhotoRemoved {
        finding_id: Uuid,
        hash: String,
        stage: super::PhotoStage,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        reason: String,
    },
}

/// Which view an event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Entity {
    Inspection(Uuid),
    Finding(Uuid),
    /// A checklist version, by `checklist_entity_id(hash)`; it has no view of its own.
    Checklist(Uuid),
    /// Statements about one device (its self-description; roster changes).
    Device(Uuid),
    /// A chemical of the 储存台账 with its movements; folded on demand, no stored view.
    Chemical(Uuid),
    /// A piece of special equipment with its records; folded on demand, no stored view.
    Equipment(Uuid),
    /// A facility of the registry with its places; no stored view (folded when read).
    Facility(Uuid),
    /// One patrol and its visits; no stored view.
    Patrol(Uuid),
}

impl Payload {
    pub fn entity(&self) -> Entity {
        use Payload::*;
        match self {
            InspectionStarted { inspection_id, .. }
            | ItemAnswered { inspection_id, .. }
            | InspectionFinished { inspection_id }
            | InspectorAdded { inspection_id, .. } => Entity::Inspection(*inspection_id),
            FindingRecorded { finding_id, .. }
            | FieldSet { finding_id, .. }
            | Rectified { finding_id, .. }
            | Verified { finding_id, .. }
            | Escalated { finding_id, .. }
            | Commented { finding_id, .. }
            | NoticeReceived { finding_id, .. }
            | Retracted { finding_id, .. }
            | Settled { finding_id, .. }
            | PhotoAttached { finding_id, .. }
            | PhotoRemoved { finding_id, .. } => Entity::Finding(*finding_id),
            ChecklistRecorded { hash, .. } => {
                Entity::Checklist(super::checklist_entity_id(hash).unwrap_or(Uuid::nil()))
            }
            DeviceDescribed { device, .. } | Roster { device, .. } => Entity::Device(*device),
            ChemicalAdded(a) => Entity::Chemical(a.chemical_id),
            ChemicalMoved(m) => Entity::Chemical(m.chemical_id),
            ChemicalFieldSet(f) => Entity::Chemical(f.chemical_id),
            EquipmentAdded(a) => Entity::Equipment(a.equipment_id),
            EquipmentChecked(c) => Entity::Equipment(c.equipment_id),
            OperatorRecorded(o) => Entity::Equipment(o.equipment_id),
            EquipmentFieldSet(f) => Entity::Equipment(f.equipment_id),
            HazardLinked(l) => match l.register {
                super::RegisterRef::Chemical(id) => Entity::Chemical(id),
                super::RegisterRef::Equipment(id) => Entity::Equipment(id),
            },
            FacilityAdded { facility_id, .. }
            | FacilityFieldSet { facility_id, .. }
            | FacilityMerged { facility_id, .. }
            | PlaceAdded { facility_id, .. }
            | PlaceFieldSet { facility_id, .. } => Entity::Facility(*facility_id),
            PlaceLinked(l) => Entity::Facility(l.facility_id),
            PatrolStarted { patrol_id, .. }
            | PatrolVisited { patrol_id, .. }
            | PatrolFinished { patrol_id } => Entity::Patrol(*patrol_id),
        }
    }

    /// The record numbers this event assigns (隐患编号, 检查编号, a notice's 文号).
    pub fn numbers(&self) -> Vec<&Number> {
        use Payload::*;
        match self {
            InspectionStarted { number, .. } | FindingRecorded { number, .. } => {
                number.iter().collect()
            }
            Escalated {
                issued: Some(i), ..
            } => vec![&i.number],
            _ => vec![],
        }
    }

    /// The finding events the author had seen, for lifecycle steps and edits.
    pub fn after(&self) -> &[EventRef] {
        use Payload::*;
        match self {
            FieldSet { after, .. }
            | Rectified { after, .. }
            | Verified { after, .. }
            | Escalated { after, .. }
            | Retracted { after, .. }
            | Settled { after, .. } => after,
            _ => &[],
        }
    }

    pub fn kind(&self) -> &'static str {
        use Payload::*;
        match self {
            InspectionStarted { .. } => "inspection_started",
            ItemAnswered { .. } => "item_answered",
            InspectionFinished { .. } => "inspection_finished",
            InspectorAdded { .. } => "inspector_added",
            FindingRecorded { .. } => "finding_recorded",
            FieldSet { .. } => "field_set",
            Rectified { .. } => "rectified",
            Verified { .. } => "verified",
            Escalated { .. } => "escalated",
            Commented { .. } => "commented",
            NoticeReceived { .. } => "notice_received",
            Retracted { .. } => "retracted",
            Settled { .. } => "settled",
            ChecklistRecorded { .. } => "checklist_recorded",
            DeviceDescribed { .. } => "device_described",
            Roster { .. } => "roster",
            ChemicalAdded(_) => "chemical_added",
            ChemicalMoved(_) => "chemical_moved",
            ChemicalFieldSet(_) => "chemical_field_set",
            EquipmentAdded(_) => "equipment_added",
            EquipmentChecked(_) => "equipment_checked",
            OperatorRecorded(_) => "operator_recorded",
            EquipmentFieldSet(_) => "equipment_field_set",
            HazardLinked(_) => "hazard_linked",
            FacilityAdded { .. } => "facility_added",
            FacilityFieldSet { .. } => "facility_field_set",
            FacilityMerged { .. } => "facility_merged",
            PlaceAdded { .. } => "place_added",
            PlaceFieldSet { .. } => "place_field_set",
            PlaceLinked(_) => "place_linked",
            PatrolStarted { .. } => "patrol_started",
            PatrolVisited { .. } => "patrol_visited",
            PatrolFinished { .. } => "patrol_finished",
            PhotoAttached { .. } => "photo_attached",
            PhotoRemoved { .. } => "photo_removed",
        }
    }
}
