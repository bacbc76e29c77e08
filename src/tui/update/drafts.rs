//! Results about the finding form: a draft restored, a failed answer saved with its finding,
//! the checklist's record of its hazards kept current.

use super::{Effect, form, say};
use crate::domain::{Finding, Inspection};
use crate::ops::{FindingDraft, HazardBrief};
use crate::tui::app::{App, ChecklistState, MessageKind, Screen};

/// A draft left by an earlier run: over its own checklist it comes back as the form; elsewhere
/// the user is told where to find it.
pub fn loaded(app: &mut App, draft: Option<FindingDraft>) -> Vec<Effect> {
    let Some(d) = draft else {
        return vec![];
    };
    let today = app.now.today();
    let quiet = app.message.is_none();
    match app.screen_mut() {
        Screen::Checklist(st) if st.data.inspection.id == d.inspection => {
            let Some(f) = form::restored(st, &d, today) else {
                return vec![];
            };
            if let Some(i) = d
                .item_id
                .as_ref()
                .and_then(|id| st.data.items.iter().position(|it| &it.id == id))
            {
                st.cursor = i;
            }
            app.stack.push(Screen::Form(Box::new(f)));
            say(
                app,
                MessageKind::Info,
                "已恢复上次未保存的隐患草稿：Ctrl-s 保存，Esc 可放弃",
            );
        }
        Screen::Home(_) if quiet => say(
            app,
            MessageKind::Info,
            "有一份未保存的隐患草稿：打开它所属的未完成检查即可恢复",
        ),
        _ => {}
    }
    vec![]
}

/// The hazard-form drafts of an inspection, newest first: over its checklist the newest comes
/// back as its form at once (after a crash the user lands where they were), the others when
/// their forms are opened. Damaged draft files were set aside: the first is named.
pub fn loaded_for(
    app: &mut App,
    inspection: uuid::Uuid,
    drafts: Vec<FindingDraft>,
    problems: Vec<String>,
) -> Vec<Effect> {
    let today = app.now.today();
    if let Some(p) = problems.first() {
        let more = if problems.len() > 1 {
            format!("（另有 {} 份草稿也已移开）", problems.len() - 1)
        } else {
            String::new()
        };
        say(app, MessageKind::Error, format!("{p}{more}"));
    }
    let Screen::Checklist(st) = app.screen_mut() else {
        return vec![];
    };
    if st.data.inspection.id != inspection || drafts.is_empty() {
        return vec![];
    }
    let mut drafts = drafts.into_iter();
    let newest = drafts.next();
    st.drafts = drafts.collect();
    let Some(d) = newest else {
        return vec![];
    };
    let others = st.drafts.len();
    let Some(f) = form::restored(st, &d, today) else {
        return vec![];
    };
    if let Some(i) = d
        .item_id
        .as_ref()
        .and_then(|id| st.data.items.iter().position(|it| &it.id == id))
    {
        st.cursor = i;
    }
    app.stack.push(Screen::Form(Box::new(f)));
    let more = if others > 0 {
        format!("；另有 {others} 份草稿，打开其所属项的登记表时恢复")
    } else {
        String::new()
    };
    if problems.is_empty() {
        say(
            app,
            MessageKind::Info,
            format!("已恢复上次未保存的隐患草稿：Ctrl-s 保存，Esc 可放弃{more}"),
        );
    }
    vec![]
}

/// The item was stored 不合格 with its finding: the form closes, the checklist moves on.
pub fn fail_saved(app: &mut App, inspection: Inspection, finding: Finding) -> Vec<Effect> {
    let photos = super::attach::form_photos(app);
    if matches!(app.screen(), Screen::Form(_)) {
        app.stack.pop();
    }
    for s in app.stack.iter_mut().rev() {
        if let Screen::Checklist(st) = s
            && st.data.inspection.id == inspection.id
        {
            st.data.inspection = inspection;
            note_hazard(st, &finding);
            if let Some(item) = &finding.item_id {
                st.pending.remove(item);
                if st.current().is_some_and(|it| &it.id == item) {
                    super::checklist::advance(st);
                }
            }
            break;
        }
    }
    let more = if photos.is_empty() {
        String::new()
    } else {
        format!("；正在添加 {} 张整改前照片", photos.len())
    };
    say(
        app,
        MessageKind::Ok,
        format!(
            "已保存：不合格，{}（{}）{}{more}",
            finding.spoken_name(),
            finding.severity.label(),
            closed_on_spot(&finding)
        ),
    );
    super::attach::after_save(&finding, photos)
}

/// A finding of this checklist's inspection was recorded.
pub fn note_hazard(st: &mut ChecklistState, f: &Finding) {
    if f.inspection_id != Some(st.data.inspection.id) {
        return;
    }
    if let Some(item) = &f.item_id {
        *st.data.findings.entry(item.clone()).or_insert(0) += 1;
    }
    st.data.hazards.push(HazardBrief {
        id: f.id,
        item_id: f.item_id.clone(),
        severity: f.severity,
        status: f.status,
        fixed_on_spot: f.fixed_on_spot,
    });
}

/// A finding changed (rectified, retracted...): the checklist's brief follows.
pub fn hazard_changed(st: &mut ChecklistState, f: &Finding) {
    let Some(pos) = st.data.hazards.iter().position(|h| h.id == f.id) else {
        return;
    };
    if f.retracted {
        st.data.hazards.remove(pos);
        if let Some(item) = &f.item_id
            && let Some(n) = st.data.findings.get_mut(item)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                st.data.findings.remove(item);
            }
        }
    } else {
        let h = &mut st.data.hazards[pos];
        h.status = f.status;
        h.severity = f.severity;
    }
}

/// What a saved hazard's message adds when it was fixed while the inspector watched: it is
/// closed at once (D21: the save said nothing of it).
pub fn closed_on_spot(f: &Finding) -> &'static str {
    if f.fixed_on_spot {
        "，立查立改，已销号"
    } else {
        ""
    }
}
