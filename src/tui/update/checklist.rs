//! The checklist: one key answers and moves on; fail opens the pre-filled finding form.

use super::{Effect, back, form, moved, say};
use crate::domain::Answer;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, ChecklistState, Confirm, ConfirmKind, MessageKind, Overlay, Screen};

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    let today = app.now.today();
    let Screen::Checklist(st) = app.screen_mut() else {
        return vec![];
    };
    let id = st.data.inspection.id;
    let finished = st.data.inspection.is_finished();
    let answer = match cmd {
        Command::Back => return back(app),
        Command::Pass => Answer::Pass,
        Command::Fail => Answer::Fail,
        Command::Na => Answer::Na,
        Command::AddFinding => {
            if finished {
                say(app, MessageKind::Error, "该检查已结束，不能再登记隐患");
                return vec![];
            }
            let Some(f) = form::prefilled(st, today) else {
                return vec![];
            };
            app.stack.push(Screen::Form(Box::new(f)));
            return vec![];
        }
        Command::NextUnanswered => {
            match st.next_unanswered(st.cursor + 1) {
                Some(i) => st.cursor = i,
                None => say(app, MessageKind::Info, "全部检查项都已作答：按 F 结束检查"),
            }
            return vec![];
        }
        Command::Finish => return finish(app),
        Command::Print => {
            say(app, MessageKind::Info, "正在生成整改表……");
            return vec![Effect::PrintForm(id)];
        }
        c => {
            if let Some(i) = moved(st.cursor, st.data.items.len(), c) {
                st.cursor = i;
            }
            return vec![];
        }
    };
    if finished {
        say(app, MessageKind::Error, "该检查已结束，不能再作答");
        return vec![];
    }
    let Some(item) = st.current().cloned() else {
        return vec![];
    };
    let effects = vec![Effect::Answer {
        inspection: id,
        item: item.id.clone(),
        answer,
    }];
    if answer == Answer::Fail
        && let Some(f) = form::prefilled(st, today)
    {
        app.stack.push(Screen::Form(Box::new(f)));
    }
    effects
}

fn finish(app: &mut App) -> Vec<Effect> {
    let Screen::Checklist(st) = app.screen() else {
        return vec![];
    };
    if st.data.inspection.is_finished() {
        say(app, MessageKind::Info, "该检查已经结束");
        return vec![];
    }
    let left = st.unanswered();
    let id = st.data.inspection.id;
    if left == 0 {
        return vec![Effect::Finish(id)];
    }
    app.overlay = Some(Overlay::Confirm(Confirm {
        kind: ConfirmKind::Finish(id),
        text: format!("还有 {left} 项未作答。仍要结束这次检查吗？结束后不能再作答。"),
    }));
    vec![]
}

/// After an answer is stored: move past the answered item (or to the next unanswered one).
pub fn after_answer(st: &mut ChecklistState, item_id: &str) {
    let Some(i) = st.data.items.iter().position(|it| it.id == item_id) else {
        return;
    };
    if i != st.cursor {
        return;
    }
    if i + 1 < st.data.items.len() {
        st.cursor = i + 1;
    } else if let Some(n) = st.next_unanswered(0) {
        st.cursor = n;
    }
}
