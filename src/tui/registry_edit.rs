//! The runner's part of editing the facility registry in the TUI (issue 16): each edit through
//! the same `ops` function the CLI's `facility add|edit|place add|grade` uses, so a value is
//! checked once, in one place, and a refusal comes back in the prompt naming the field.

use super::action::Action;
use crate::domain::{FacilityField, PlaceField};
use crate::ops::{self, Ctx, NewFacility, OpsError};
use uuid::Uuid;

/// One change to the registry, as typed in a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryEdit {
    /// A new facility by name (its type guessed from the name; the other fields are edited
    /// after).
    AddFacility { name: String },
    /// A new place by its path below `parent` (None: the top of the facility's tree), e.g.
    /// "门诊楼/1层/配电室": the parts that are not registered yet are added.
    AddPlace {
        facility: Uuid,
        parent: Option<Uuid>,
        path: String,
    },
    /// One field of a facility.
    Facility {
        facility: Uuid,
        field: FacilityField,
        value: String,
    },
    /// Merge the spelling `other` (a registered facility's id, or a name typed on records)
    /// into the registered facility `keep` (`ops::merge_facilities`, like `facility merge`).
    Merge { keep: Uuid, other: String },
    /// One field of a place (名称, 重点部位 是/否, 风险等级, 管控措施, 责任人).
    Place {
        facility: Uuid,
        place: Uuid,
        field: PlaceField,
        value: String,
    },
}

/// Writes the edit; the action says what was saved and what to select.
///
/// # Errors
/// What `ops` refuses (a registered name, a bad telephone, an unknown grade …), named by field.
pub fn run(ctx: &mut Ctx, edit: RegistryEdit) -> Result<Action, OpsError> {
    let id = |u: Uuid| u.simple().to_string();
    Ok(match edit {
        RegistryEdit::Merge { keep, other } => {
            let before = ops::registry(ctx)?
                .find(&other)
                .map(|f| f.name.clone())
                .unwrap_or_else(|| other.clone());
            let f = ops::merge_facilities(ctx, &id(keep), &other)?;
            Action::RegistryEdited {
                what: format!(
                    "已合并：「{before}」并入「{}」，其记录计入该单位（其他写法：{}）",
                    f.name,
                    f.aliases.join("、")
                ),
                facility: f.id,
                place: None,
            }
        }
        RegistryEdit::AddFacility { name } => {
            let f = ops::add_facility(
                ctx,
                NewFacility {
                    name,
                    ..NewFacility::default()
                },
            )?;
            Action::RegistryEdited {
                what: format!("已登记单位「{}」（{}）", f.name, f.kind.label()),
                facility: f.id,
                place: None,
            }
        }
        RegistryEdit::AddPlace {
            facility,
            parent,
            path,
        } => {
            // The parent's stored path, read here: the screen shows text escaped for the
            // terminal, which is not the name to build on.
            let full = match parent {
                Some(pid) => {
                    let f = ops::facility(ctx, &id(facility))?;
                    let under = ops::place(&f, &id(pid))?.path;
                    format!("{under}/{}", path.trim())
                }
                None => path,
            };
            let p = ops::add_place(ctx, &id(facility), &full, None, false)?;
            Action::RegistryEdited {
                what: format!("已登记场所「{}」（{}）", p.path, p.kind.label()),
                facility,
                place: Some(p.id),
            }
        }
        RegistryEdit::Facility {
            facility,
            field,
            value,
        } => {
            let f = ops::edit_facility(ctx, &id(facility), field.id(), &value)?;
            Action::RegistryEdited {
                what: format!("已修改「{}」的{}", f.name, field.label()),
                facility,
                place: None,
            }
        }
        RegistryEdit::Place {
            facility,
            place,
            field,
            value,
        } => {
            let p = ops::set_place_fields(ctx, &id(facility), &id(place), &[(field, value)])?;
            Action::RegistryEdited {
                what: format!("已修改「{}」的{}", p.path, field.label()),
                facility,
                place: Some(place),
            }
        }
    })
}
