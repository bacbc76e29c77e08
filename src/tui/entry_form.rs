//! The 台账 screen's forms (issue 17): add a chemical or a piece of equipment, edit one, record
//! a receipt or an issue, a 定期检验 / 维护保养 / 安全附件 check, an operator, or link a hazard.
//! One generic form: labelled fields (text, or a choice cycled with Space / ←→), each label the
//! one `ops` names in a refusal, so an error lands under the field it is about.

use super::suggest::{Candidate, Suggest, candidates};
use super::widgets::text_input::TextInput;
use crate::domain::{CheckKind, ChemClass, Chemical, Direction, EquipKind, Equipment, RegisterRef};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What a form writes when saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryFormKind {
    AddChemical,
    EditChemical(Uuid),
    /// 入库 or 领用 of a chemical.
    Move(Uuid, Direction),
    AddEquipment,
    EditEquipment(Uuid),
    /// A 定期检验, 维护保养 or 安全附件 check.
    Check(Uuid, CheckKind),
    /// An operator or safety manager with a certificate.
    Operator(Uuid),
    /// A hazard (by its 隐患编号) recorded on the entry.
    LinkHazard(RegisterRef),
}

impl EntryFormKind {
    /// The name of its draft file (see `ops::DraftKey::register_entry`).
    pub fn draft_name(self) -> (&'static str, Option<Uuid>) {
        match self {
            EntryFormKind::AddChemical => ("chem-add", None),
            EntryFormKind::EditChemical(id) => ("chem-edit", Some(id)),
            EntryFormKind::Move(id, Direction::Receipt) => ("chem-receipt", Some(id)),
            EntryFormKind::Move(id, Direction::Issue) => ("chem-issue", Some(id)),
            EntryFormKind::AddEquipment => ("equipment-add", None),
            EntryFormKind::EditEquipment(id) => ("equipment-edit", Some(id)),
            EntryFormKind::Check(id, CheckKind::Inspection) => ("equipment-inspection", Some(id)),
            EntryFormKind::Check(id, CheckKind::Maintenance) => ("equipment-maintenance", Some(id)),
            EntryFormKind::Check(id, CheckKind::Accessory) => ("equipment-accessory", Some(id)),
            EntryFormKind::Operator(id) => ("equipment-operator", Some(id)),
            EntryFormKind::LinkHazard(RegisterRef::Chemical(id)) => ("chem-link", Some(id)),
            EntryFormKind::LinkHazard(RegisterRef::Equipment(id)) => ("equipment-link", Some(id)),
        }
    }

    pub fn draft_key(self) -> crate::ops::DraftKey {
        let (name, target) = self.draft_name();
        crate::ops::DraftKey::register_entry(name, target)
    }
}

/// A field's input: free text, or one of a few options.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldInput {
    Text(TextInput),
    Choice {
        options: Vec<String>,
        selected: usize,
    },
}

/// One labelled field.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryField {
    /// The label shown, and the one `ops` names in a refusal (数量, CAS号, 有效期至 …).
    pub label: &'static str,
    /// A short hint shown after the field when it has the focus.
    pub hint: &'static str,
    pub input: FieldInput,
    /// The value it opened with: an edit sends only what changed, and a draft is kept only
    /// once something differs.
    pub initial: String,
    /// The registry list it picks from (单位, 储存地点 …), if any.
    pub suggest: Suggest,
}

impl EntryField {
    fn text(label: &'static str, hint: &'static str, value: &str) -> EntryField {
        EntryField {
            label,
            hint,
            input: FieldInput::Text(TextInput::new(value)),
            initial: value.to_string(),
            suggest: Suggest::None,
        }
    }

    /// A text field that picks from the registry as `suggest` says (free text still allowed).
    fn picking(label: &'static str, hint: &'static str, value: &str, suggest: Suggest) -> Self {
        EntryField {
            suggest,
            ..EntryField::text(label, hint, value)
        }
    }

    fn choice(label: &'static str, hint: &'static str, options: Vec<String>) -> EntryField {
        EntryField {
            label,
            hint,
            initial: options.first().cloned().unwrap_or_default(),
            input: FieldInput::Choice {
                options,
                selected: 0,
            },
            suggest: Suggest::None,
        }
    }

    /// The value as typed or chosen.
    pub fn value(&self) -> String {
        match &self.input {
            FieldInput::Text(t) => t.text().to_string(),
            FieldInput::Choice { options, selected } => {
                options.get(*selected).cloned().unwrap_or_default()
            }
        }
    }

    /// Puts a value back (a draft): text as it was, a choice when it is one of the options.
    pub fn set(&mut self, value: &str) {
        match &mut self.input {
            FieldInput::Text(t) => t.set(value),
            FieldInput::Choice { options, selected } => {
                if let Some(i) = options.iter().position(|o| o == value) {
                    *selected = i;
                }
            }
        }
    }
}

/// The option of the 类别 choice that lets ops take the class from the known varieties.
pub const CLASS_FROM_NAME: &str = "按名称（常见品种）";

/// An open form of the 台账 screen.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryForm {
    pub kind: EntryFormKind,
    pub title: String,
    /// The entry it writes to, as one line (名称 · 储存地点 · 结存).
    pub about: String,
    pub fields: Vec<EntryField>,
    pub focus: usize,
    /// Refusals by field index, as ops worded them.
    pub errors: BTreeMap<usize, String>,
    /// A refusal not about one field (the entry is gone, the disk is full).
    pub save_error: Option<String>,
    /// Sent to the worker; a second Ctrl-s waits.
    pub saving: bool,
    /// The entry's facility, for a form whose places are picked without a 单位 field (an edit).
    pub facility: String,
    /// The registered facilities with their places, once loaded (for `Suggest` fields).
    pub registry: Option<Vec<crate::ops::FacilityPlaces>>,
    /// The highlighted candidate under the focused field.
    pub pick: usize,
}

impl EntryForm {
    fn new(kind: EntryFormKind, title: &str, about: String, fields: Vec<EntryField>) -> EntryForm {
        EntryForm {
            kind,
            title: title.to_string(),
            about,
            fields,
            focus: 0,
            errors: BTreeMap::new(),
            save_error: None,
            saving: false,
            facility: String::new(),
            registry: None,
            pick: 0,
        }
    }

    /// Whether any field picks from the registry (the form then asks for it once).
    pub fn picks(&self) -> bool {
        self.fields.iter().any(|f| f.suggest != Suggest::None)
    }

    /// The registry candidates for the focused field as it stands, best first.
    pub fn candidates(&self) -> Vec<Candidate> {
        let (Some(registry), Some(field)) = (&self.registry, self.fields.get(self.focus)) else {
            return vec![];
        };
        let FieldInput::Text(input) = &field.input else {
            return vec![];
        };
        let facility = match field.suggest {
            Suggest::Place(label) => self
                .field_named(label)
                .map(|i| self.fields[i].value())
                .unwrap_or_else(|| self.facility.clone()),
            _ => String::new(),
        };
        candidates(registry, field.suggest, input.text(), &facility)
    }

    /// The word that counts the focused field's candidates: 家 for facilities, 处 for places.
    pub fn candidate_unit(&self) -> &'static str {
        match self.fields.get(self.focus).map(|f| f.suggest) {
            Some(Suggest::Facility) => "家",
            _ => "处",
        }
    }

    /// Every value, in field order.
    pub fn values(&self) -> Vec<String> {
        self.fields.iter().map(EntryField::value).collect()
    }

    /// Whether anything differs from what the form opened with.
    pub fn touched(&self) -> bool {
        self.fields.iter().any(|f| f.value() != f.initial)
    }

    /// The field a refusal names, by its label.
    pub fn field_named(&self, label: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.label == label)
    }

    /// The value of the field labelled `label` (empty when there is none).
    pub fn value_of(&self, label: &str) -> String {
        self.field_named(label)
            .map(|i| self.fields[i].value())
            .unwrap_or_default()
    }

    /// The fields whose value changed, as (label, new value).
    pub fn changed(&self) -> Vec<(&'static str, String)> {
        self.fields
            .iter()
            .filter(|f| f.value() != f.initial)
            .map(|f| (f.label, f.value()))
            .collect()
    }

    /// A new chemical; `facility` pre-filled from the entry selected (the same unit, most
    /// often).
    pub fn add_chemical(facility: &str, place: &str) -> EntryForm {
        let mut classes = vec![CLASS_FROM_NAME.to_string()];
        classes.extend(ChemClass::ALL.iter().map(|c| c.label().to_string()));
        EntryForm::new(
            EntryFormKind::AddChemical,
            " 登记危险化学品（储存台账） ",
            "结存由入库、领用记录算出，登记后按 i 入库".into(),
            vec![
                EntryField::picking("单位", "", facility, Suggest::Facility),
                EntryField::picking(
                    "储存地点",
                    "危化品库、检验科试剂柜 …",
                    place,
                    Suggest::Place("单位"),
                ),
                EntryField::text("名称", "乙醇、过氧乙酸、甲醛 …", ""),
                EntryField::choice("类别", "空格或 ←→ 选择", classes),
                EntryField::text("CAS号", "常见品种可空，如 64-17-5", ""),
                EntryField::text("计量单位", "升、千克、瓶 …", ""),
                EntryField::text("最大储存量", "该地点允许的最大量，按计量单位", ""),
                EntryField::text("包装容器", "", ""),
                EntryField::text("储存条件", "阴凉通风、远离火源 …", ""),
            ],
        )
    }

    /// The editable fields of a chemical, filled with what is stored.
    pub fn edit_chemical(c: &Chemical) -> EntryForm {
        let mut form = EntryForm::new(
            EntryFormKind::EditChemical(c.id),
            " 修改危险化学品 ",
            chemical_line(c),
            vec![
                EntryField::picking("储存地点", "", &c.place, Suggest::Place("单位")),
                EntryField::text("最大储存量", "按计量单位", &c.max.to_string()),
                EntryField::text("包装容器", "", &c.container),
                EntryField::text("储存条件", "", &c.conditions),
                EntryField::text("CAS号", "", &c.cas),
            ],
        );
        form.facility = c.facility.clone();
        form
    }

    /// A receipt or an issue of `c`: the unit pre-filled with the chemical's, the date today.
    pub fn movement(c: &Chemical, dir: Direction, me: &str, today: &str) -> EntryForm {
        let (title, who, purpose, hint) = match dir {
            Direction::Receipt => (" 入库 ", "经手人", "来源", "供货单位、调拨 …"),
            Direction::Issue => (" 领用 ", "领用人", "用途", "必填：消毒、检验 …"),
        };
        EntryForm::new(
            EntryFormKind::Move(c.id, dir),
            title,
            chemical_line(c),
            vec![
                EntryField::text("数量", "正数，最多 3 位小数", ""),
                EntryField::text("计量单位", "", &c.unit),
                EntryField::text(who, "", me),
                EntryField::text("日期", "2026-11-30 或 -1（昨天）", today),
                EntryField::text(purpose, hint, ""),
            ],
        )
    }

    /// A new piece of equipment.
    pub fn add_equipment(facility: &str) -> EntryForm {
        EntryForm::new(
            EntryFormKind::AddEquipment,
            " 登记特种设备 ",
            "检验、维护保养、安全附件和持证人员登记后分别按 v、m、c、p 记录".into(),
            vec![
                EntryField::picking("使用单位", "", facility, Suggest::Facility),
                EntryField::text("设备名称", "1号客梯、高压氧舱 …", ""),
                EntryField::choice(
                    "设备类别",
                    "空格或 ←→ 选择",
                    EquipKind::ALL
                        .iter()
                        .map(|k| k.label().to_string())
                        .collect(),
                ),
                EntryField::text("使用登记证号", "", ""),
                EntryField::picking("安装地点", "", "", Suggest::Place("使用单位")),
                EntryField::text("制造单位", "", ""),
                EntryField::text("出厂编号", "", ""),
                EntryField::text("下次检验日期", "检验报告上的日期，可空", ""),
            ],
        )
    }

    /// The editable fields of a piece of equipment, filled with what is stored.
    pub fn edit_equipment(q: &Equipment) -> EntryForm {
        let mut form = EntryForm::new(
            EntryFormKind::EditEquipment(q.id),
            " 修改特种设备 ",
            equipment_line(q),
            vec![
                EntryField::text("设备名称", "", &q.name),
                EntryField::text("使用登记证号", "", &q.reg_no),
                EntryField::picking("安装地点", "", &q.place, Suggest::Place("使用单位")),
                EntryField::text("制造单位", "", &q.maker),
                EntryField::text("出厂编号", "", &q.factory_no),
            ],
        );
        form.facility = q.facility.clone();
        form
    }

    /// A 定期检验 (with the next due date it sets), a 维护保养 or a 安全附件 check of `q`.
    pub fn check(q: &Equipment, kind: CheckKind, today: &str) -> EntryForm {
        let (title, by, hint) = match kind {
            CheckKind::Inspection => (" 记录定期检验 ", "检验机构", "特种设备检验所 …"),
            CheckKind::Maintenance => (" 记录维护保养 ", "维保单位", "维保公司名称"),
            CheckKind::Accessory => (" 记录安全附件检查 ", "安全附件", "安全阀、压力表 …"),
        };
        let mut fields = vec![
            EntryField::text(by, hint, ""),
            EntryField::text("日期", "2026-11-30 或 -1（昨天）", today),
            EntryField::text("结论", "合格、正常、更换 …", ""),
        ];
        if kind == CheckKind::Inspection {
            fields.push(EntryField::text("下次检验日期", "必填：检验报告上写明", ""));
        }
        EntryForm::new(
            EntryFormKind::Check(q.id, kind),
            title,
            equipment_line(q),
            fields,
        )
    }

    /// An operator or safety manager of `q`; the same certificate number again renews it.
    pub fn operator(q: &Equipment) -> EntryForm {
        EntryForm::new(
            EntryFormKind::Operator(q.id),
            " 登记持证人员 ",
            equipment_line(q),
            vec![
                EntryField::text("姓名", "", ""),
                EntryField::text("岗位", "作业人员、安全管理员 …", ""),
                EntryField::text("证书编号", "同一编号再登记即为换证", ""),
                EntryField::text("有效期至", "2027-06-30", ""),
            ],
        )
    }

    /// A hazard recorded on the entry, named by its 隐患编号 (as `chem link --finding`).
    pub fn link_hazard(target: RegisterRef, about: String) -> EntryForm {
        EntryForm::new(
            EntryFormKind::LinkHazard(target),
            " 关联隐患（隐患排查整治台账） ",
            about,
            vec![EntryField::text(
                "隐患编号",
                "如 YH-2026-A3K-0007，或隐患 ID 的前几位",
                "",
            )],
        )
    }
}

/// "乙醇 · 药剂科危化品库 · 结存 40 升".
pub fn chemical_line(c: &Chemical) -> String {
    format!(
        "{} · {} · {} · 结存 {} {}（最大 {}）",
        c.name, c.facility, c.place, c.balance, c.unit, c.max
    )
}

/// "1号客梯 · 电梯 · 门诊楼".
pub fn equipment_line(q: &Equipment) -> String {
    format!(
        "{} · {} · {} · {}",
        q.name,
        q.kind.label(),
        q.facility,
        if q.place.is_empty() { "—" } else { &q.place }
    )
}
