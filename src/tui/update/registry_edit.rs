//! Adding and editing the facility registry in the TUI (issue 16): `a` adds a facility (or,
//! on the places side, a place under the selected one), `e` edits a field in a prompt that is
//! filled with the value shown (Tab: the next field), Tab / Enter move to the places, whose
//! patrol log shows under the tree. Every write goes through the CLI's ops functions.

use super::{Effect, say};
use crate::domain::{Facility, FacilityField, Place, PlaceField};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, MessageKind, Overlay, Prompt, PromptKind, Screen};
use crate::tui::patrol_state::RegistryPane;
use crate::tui::registry_edit::RegistryEdit;
use crate::tui::widgets::text_input::TextInput;
use uuid::Uuid;

/// The registry screen's add / edit / pane keys.
pub fn input(app: &mut App, cmd: Command) -> Vec<Effect> {
    let Screen::Facilities(st) = app.screen_mut() else {
        return vec![];
    };
    let facility = st.current().cloned();
    match cmd {
        Command::NextField | Command::PrevField | Command::Open => {
            let Some(f) = facility else {
                say(app, MessageKind::Info, "还没有登记单位：按 a 登记");
                return vec![];
            };
            st.pane = match (st.pane, cmd) {
                (RegistryPane::Facilities, _) => RegistryPane::Places,
                // Enter on a place stays there (its log is shown already).
                (RegistryPane::Places, Command::Open) => RegistryPane::Places,
                (RegistryPane::Places, _) => RegistryPane::Facilities,
            };
            if st.pane == RegistryPane::Places && f.places.is_empty() {
                say(
                    app,
                    MessageKind::Info,
                    format!("「{}」尚未登记场所：按 a 登记", f.name),
                );
            }
            vec![]
        }
        Command::AddEntry => {
            let prompt = match (&facility, st.current_place()) {
                (Some(f), Some(p)) => add_place_prompt(f, Some(p)),
                _ if st.pane == RegistryPane::Places => match &facility {
                    Some(f) => add_place_prompt(f, None),
                    None => add_facility_prompt(),
                },
                _ => add_facility_prompt(),
            };
            app.overlay = Some(Overlay::Prompt(prompt));
            vec![]
        }
        Command::EditField => {
            let prompt = match (&facility, st.current_place()) {
                (Some(f), Some(p)) => place_prompt(f, p, PlaceField::Grade),
                (Some(f), None) => facility_prompt(f, FacilityField::Name),
                (None, _) => {
                    say(app, MessageKind::Info, "还没有登记单位：按 a 添加");
                    return vec![];
                }
            };
            app.overlay = Some(Overlay::Prompt(prompt));
            vec![]
        }
        _ => vec![],
    }
}

fn prompt(kind: PromptKind, title: String, label: String, value: &str) -> Prompt {
    Prompt {
        kind,
        title,
        label,
        input: TextInput::new(value),
        error: None,
        overwrite: None,
        signer: None,
    }
}

fn add_facility_prompt() -> Prompt {
    prompt(
        PromptKind::AddFacility,
        "登记单位（类型按名称推断，其余各栏随后按 e 修改）".into(),
        "单位名称（必填）".into(),
        "",
    )
}

/// A place under `parent` (or at the top of the tree): a name, or a path of several levels
/// ("门诊楼/1层/配电室").
fn add_place_prompt(f: &Facility, parent: Option<&Place>) -> Prompt {
    let title = match parent {
        Some(p) => format!("在「{}」下登记场所", p.path),
        None => format!("为「{}」登记场所（院区/楼/层/科室或部位）", f.name),
    };
    prompt(
        PromptKind::AddPlace {
            facility: f.id,
            parent: parent.map(|p| p.id),
        },
        title,
        "名称，多级用 / 分隔（必填）".into(),
        "",
    )
}

/// The edit prompt of one facility field, filled with the value shown.
pub fn facility_prompt(f: &Facility, field: FacilityField) -> Prompt {
    let hint = match field {
        FacilityField::Type => "：医院、社区卫生服务中心、乡镇卫生院、疾控中心、急救中心、其他",
        _ => "",
    };
    prompt(
        PromptKind::EditFacility(f.id, field),
        format!("修改「{}」：{}（Tab 换一栏）", f.name, field.label()),
        format!("{}{hint}", field.label()),
        &f.field(field),
    )
}

/// The edit prompt of one place field, filled with the value shown.
pub fn place_prompt(f: &Facility, p: &Place, field: PlaceField) -> Prompt {
    let (value, hint) = match field {
        PlaceField::Name => (p.name.clone(), ""),
        PlaceField::KeySite => (
            if p.key_site { "是" } else { "否" }.to_string(),
            "：是 或 否",
        ),
        PlaceField::Grade => (
            p.grade.map(|g| g.label().to_string()).unwrap_or_default(),
            "：重大、较大、一般、低",
        ),
        PlaceField::Measures => (p.measures.clone(), ""),
        PlaceField::Responsible => (p.responsible.clone(), ""),
    };
    prompt(
        PromptKind::EditPlace {
            facility: f.id,
            place: p.id,
            field,
        },
        format!("修改「{}」：{}（Tab 换一栏）", p.path, field.label()),
        format!("{}{hint}", field.label()),
        &value,
    )
}

fn next<T: Copy + PartialEq>(all: &[T], x: T) -> T {
    let i = all.iter().position(|y| *y == x).unwrap_or(0);
    all[(i + 1) % all.len()]
}

/// Tab in a registry edit prompt: the next field, filled from the registry on screen.
/// None when the prompt is not a registry edit.
pub fn tab(app: &mut App, a: &Action) -> Option<Vec<Effect>> {
    let (Some(Overlay::Prompt(p)), Action::Cmd(Command::ToggleFormat)) = (&app.overlay, a) else {
        return None;
    };
    let Screen::Facilities(st) = app.screen() else {
        return None;
    };
    let list = st.list.as_ref()?;
    let find = |id: Uuid| list.iter().find(|f| f.id == id);
    let next_prompt = match p.kind {
        PromptKind::EditFacility(id, field) => {
            facility_prompt(find(id)?, next(FacilityField::ALL, field))
        }
        PromptKind::EditPlace {
            facility,
            place,
            field,
        } => {
            let f = find(facility)?;
            let p = f.places.iter().find(|x| x.id == place)?;
            place_prompt(f, p, next(PlaceField::ALL, field))
        }
        _ => return None,
    };
    app.overlay = Some(Overlay::Prompt(next_prompt));
    Some(vec![])
}

/// The effect a submitted registry prompt asks for; None for other prompts.
pub fn submitted(kind: &PromptKind, value: String) -> Option<Effect> {
    let edit = match kind {
        PromptKind::AddFacility => RegistryEdit::AddFacility { name: value },
        PromptKind::AddPlace { facility, parent } => RegistryEdit::AddPlace {
            facility: *facility,
            parent: *parent,
            path: value,
        },
        PromptKind::EditFacility(facility, field) => RegistryEdit::Facility {
            facility: *facility,
            field: *field,
            value,
        },
        PromptKind::EditPlace {
            facility,
            place,
            field,
        } => RegistryEdit::Place {
            facility: *facility,
            place: *place,
            field: *field,
            value,
        },
        _ => return None,
    };
    Some(Effect::EditRegistry(edit))
}

/// An edit was written: the prompt closes, the message says what was saved, and the registry
/// reloads with the edited entry selected.
pub fn edited(app: &mut App, what: String, facility: Uuid, place: Option<Uuid>) -> Vec<Effect> {
    if matches!(
        &app.overlay,
        Some(Overlay::Prompt(Prompt {
            kind: PromptKind::AddFacility
                | PromptKind::AddPlace { .. }
                | PromptKind::EditFacility(..)
                | PromptKind::EditPlace { .. },
            ..
        }))
    ) {
        app.overlay = None;
    }
    for s in app.stack.iter_mut() {
        if let Screen::Facilities(st) = s {
            st.want = Some((facility, place));
            if place.is_some() {
                st.pane = RegistryPane::Places;
            }
        }
    }
    say(app, MessageKind::Ok, what);
    vec![Effect::LoadRegistry]
}
