//! The organisation profile printed on every form, and what a 四书 notice fixes when issued.

use super::{Number, Severity};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Who issues the papers: set once per installation (config `[org]`, the TUI's first run, or
/// `xuncha org`). Every field is optional; a form prints a blank line to fill by hand only where
/// the profile has no value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Org {
    /// 发文机关, e.g. "某某市卫生健康委员会": the header of every notice.
    pub authority: String,
    /// 机关代字 for the 文号 without the book's word, e.g. "某卫安" (文号
    /// "某卫安整〔2026〕A3K-12号"; see [`super::agency_stem`]).
    pub agency_code: String,
    /// 检查单位, e.g. "某某市卫生健康委员会安全生产检查组" or a hospital's 保卫科: signs the
    /// 整改表 and issues a 自查's internal 整改通知单.
    pub unit: String,
    /// 联系人.
    pub contact: String,
    /// 联系电话.
    pub phone: String,
}

impl Org {
    /// No profile at all.
    pub const EMPTY: Org = Org {
        authority: String::new(),
        agency_code: String::new(),
        unit: String::new(),
        contact: String::new(),
        phone: String::new(),
    };

    /// The field names, for messages and the CLI.
    pub const FIELDS: [(&'static str, &'static str); 5] = [
        ("authority", "发文机关"),
        ("agency_code", "机关代字"),
        ("unit", "检查单位"),
        ("contact", "联系人"),
        ("phone", "联系电话"),
    ];

    pub fn is_empty(&self) -> bool {
        self == &Org::default()
    }

    /// The value of one field by its id in [`Org::FIELDS`].
    pub fn get(&self, id: &str) -> Option<&str> {
        Some(match id {
            "authority" => &self.authority,
            "agency_code" => &self.agency_code,
            "unit" => &self.unit,
            "contact" => &self.contact,
            "phone" => &self.phone,
            _ => return None,
        })
    }

    /// Sets one field by its id; false for an unknown id. A 机关代字 is kept as its stem
    /// ([`super::agency_stem`]): typed "某卫安整" it is stored "某卫安", since the 文号 adds
    /// 整/约/追 itself.
    pub fn set(&mut self, id: &str, value: String) -> bool {
        let value = if id == "agency_code" {
            super::agency_stem(&value).to_string()
        } else {
            value
        };
        let slot = match id {
            "authority" => &mut self.authority,
            "agency_code" => &mut self.agency_code,
            "unit" => &mut self.unit,
            "contact" => &mut self.contact,
            "phone" => &mut self.phone,
            _ => return false,
        };
        *slot = value;
        true
    }

    /// Who signs a document: the authority, else the inspecting unit.
    pub fn issuer(&self) -> &str {
        if self.authority.trim().is_empty() {
            &self.unit
        } else {
            &self.authority
        }
    }
}

/// What a 四书 step fixed when it was taken, carried in its `Escalated` event so that a reprint
/// years later, on any device, prints the same document: its 文号, the issuer as the profile
/// stood that day, the deadline then in force, and the hazard as it read then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    pub number: Number,
    /// The 文号 as printed (made from `number` and the 机关代字 of the day).
    pub wenhao: String,
    pub org: Org,
    /// 整改期限 stated by this document (None: 立即).
    #[serde(default)]
    pub due: Option<NaiveDate>,
    /// The 文号 of the earlier documents this one cites, in order.
    #[serde(default)]
    pub cites: Vec<String>,
    pub hazard: NoticeHazard,
}

impl NoticeHazard {
    /// The hazard as a notice prints it, taken from the finding as it reads now.
    pub fn of(f: &super::Finding) -> NoticeHazard {
        let place = [f.department.as_str(), f.location.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" / ");
        NoticeHazard {
            number: f.number.as_ref().map(Number::code).unwrap_or_default(),
            facility: f.facility.clone(),
            place,
            description: f.description.clone(),
            severity: f.severity,
            measures: f.measures.clone(),
            responsible: f.responsible.clone(),
            interim: f.interim.clone(),
        }
    }
}

/// One hazard as a notice lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeHazard {
    /// 隐患编号 in its spoken form (YH-2026-A3K-0007).
    pub number: String,
    pub facility: String,
    /// 科室 / 部位.
    pub place: String,
    pub description: String,
    pub severity: Severity,
    pub measures: String,
    pub responsible: String,
    /// 临时防范措施.
    #[serde(default)]
    pub interim: String,
}
