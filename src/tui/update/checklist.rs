//! The checklist: one key answers and moves on at once (the answer shows as pending until the
//! worker confirms it; a refusal puts the cursor back); `f` opens the pre-filled finding form
//! as a draft, and the item is stored 不合格 together with its finding.

use super::{Effect, back, form, moved, say};
use crate::domain::{Answer, Status};
use crate::tui::action::{Action, Command};
use crate::tui::app::{
    App, ChecklistState, Confirm, ConfirmKind, MessageKind, Overlay, Prompt, PromptKind, Screen,
};
use crate::tui::choice::{Choice, ChoiceKind, FinishSummary, REANSWER_OPTIONS};
use crate::tui::widgets::text_input::TextInput;

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Action::Cmd(cmd) = a else {
        return vec![];
    };
    let today = app.now.today();
    let me = app.inspector.clone();
    let Screen::Checklist(st) = app.screen_mut() else {
        return vec![];
    };
    let id = st.data.inspection.id;
    let finished = st.data.inspection.is_finished();
    let writes = matches!(
        cmd,
        Command::Pass
            | Command::Fail
            | Command::Na
            | Command::AddFinding
            | Command::AdHocFinding
            | Command::Finish
            | Command::AnswerNote
    );
    if writes && !finished && !st.data.inspection.is_owner(&me) {
        return ask_to_join(app, cmd);
    }
    let Screen::Checklist(st) = app.screen_mut() else {
        return vec![];
    };
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
            let Some(f) = form::prefilled(st, today, false) else {
                return vec![];
            };
            let f = form::with_draft(st, f, today);
            app.stack.push(Screen::Form(Box::new(f)));
            return vec![];
        }
        Command::AdHocFinding => return ad_hoc(app),
        Command::NextUnanswered => {
            match st.next_unanswered(st.cursor + 1) {
                Some(i) => st.cursor = i,
                None => say(app, MessageKind::Info, "全部检查项都已作答：按 F 结束检查"),
            }
            return vec![];
        }
        Command::Finish => return finish(app),
        Command::AnswerNote => return note_prompt(app),
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
    let hazards: Vec<_> = st.hazards_of(&item.id).into_iter().cloned().collect();
    if answer == Answer::Fail {
        if let Some(last) = hazards.last() {
            // The item has its hazard: open it (a second one is `a`), and mark the item failed.
            let mut effects = vec![Effect::LoadFinding(last.id)];
            if st.answer(st.cursor) != Some(Answer::Fail) {
                effects.push(send_answer(st, &item.id, Answer::Fail));
            }
            say(
                app,
                MessageKind::Info,
                "该项已登记隐患：已打开它（要另记一条，在检查表按 a）",
            );
            return effects;
        }
        let Some(f) = form::prefilled(st, today, true) else {
            return vec![];
        };
        let f = form::with_draft(st, f, today);
        app.stack.push(Screen::Form(Box::new(f)));
        return vec![];
    }
    let open: Vec<_> = hazards
        .iter()
        .filter(|h| h.status != Status::Closed)
        .map(|h| h.id)
        .collect();
    if st.answer(st.cursor) == Some(Answer::Fail) && !open.is_empty() {
        let n = open.len();
        app.overlay = Some(Overlay::Choice(Choice {
            kind: ChoiceKind::Reanswer {
                inspection: id,
                item: item.id.clone(),
                answer,
                open,
            },
            title: format!(" 改为「{}」 ", answer.label()),
            text: format!("该项有 {n} 条未销号的隐患，它们怎么处理？"),
            options: REANSWER_OPTIONS.iter().map(|s| s.to_string()).collect(),
            selected: 0,
        }));
        return vec![];
    }
    vec![send_answer(st, &item.id, answer)]
}

/// Someone else's inspection: ask whether to join it (the same op as the CLI's `--join`);
/// on yes the key that asked is carried out.
fn ask_to_join(app: &mut App, then: Command) -> Vec<Effect> {
    let Screen::Checklist(st) = app.screen() else {
        return vec![];
    };
    let insp = &st.data.inspection;
    app.overlay = Some(Overlay::Confirm(Confirm {
        kind: ConfirmKind::Join {
            inspection: insp.id,
            then,
        },
        text: format!(
            "加入 {} 的检查？（{}）",
            insp.inspectors.join("、"),
            if then == Command::Finish {
                "加入后才能结束它"
            } else {
                "加入后即可作答、登记隐患"
            }
        ),
    }));
    vec![]
}

/// Records `answer` as pending for `item`, moves the cursor past it when it is under the
/// cursor, and returns the effect that stores it.
pub fn send_answer(st: &mut ChecklistState, item: &str, answer: Answer) -> Effect {
    st.pending.insert(item.to_string(), answer);
    if st.current().is_some_and(|it| it.id == item) {
        advance(st);
    }
    Effect::Answer {
        inspection: st.data.inspection.id,
        item: item.to_string(),
        answer,
    }
}

/// Moves past the item under the cursor: the next item, or after the last one the first
/// unanswered one.
pub fn advance(st: &mut ChecklistState) {
    let i = st.cursor;
    if i + 1 < st.data.items.len() {
        st.cursor = i + 1;
    } else if let Some(n) = st.next_unanswered(0) {
        st.cursor = n;
    }
}

/// `A`: a hazard outside the checklist; its line is asked when the inspection has several.
pub fn ad_hoc(app: &mut App) -> Vec<Effect> {
    let Screen::Checklist(st) = app.screen() else {
        return vec![];
    };
    if st.data.inspection.is_finished() {
        say(app, MessageKind::Error, "该检查已结束，不能再登记隐患");
        return vec![];
    }
    let lines: Vec<(String, String)> = st.data.line_names.clone();
    let inspection = st.data.inspection.id;
    if lines.len() == 1 {
        return open_ad_hoc(app, &lines[0].0);
    }
    app.overlay = Some(Overlay::Choice(Choice {
        kind: ChoiceKind::AdHocLine {
            inspection,
            lines: lines.iter().map(|(id, _)| id.clone()).collect(),
        },
        title: " 检查表外隐患：属于哪道防线 ".into(),
        text: "本次检查的防线：".into(),
        options: lines.into_iter().map(|(_, name)| name).collect(),
        selected: 0,
    }));
    vec![]
}

/// Opens the empty form of a hazard outside the checklist on `line`.
pub fn open_ad_hoc(app: &mut App, line: &str) -> Vec<Effect> {
    let today = app.now.today();
    let Screen::Checklist(st) = app.screen_mut() else {
        return vec![];
    };
    let f = form::ad_hoc(st, line, today);
    let f = form::with_draft(st, f, today);
    app.stack.push(Screen::Form(Box::new(f)));
    vec![]
}

/// `F`: finishes at once when nothing is left to check (the summary follows); otherwise the
/// summary asks first, naming unanswered items and failed items without a hazard.
fn finish(app: &mut App) -> Vec<Effect> {
    let Screen::Checklist(st) = app.screen() else {
        return vec![];
    };
    if st.data.inspection.is_finished() {
        app.overlay = Some(Overlay::Summary(FinishSummary::of(st, true)));
        return vec![];
    }
    if !st.pending.is_empty() {
        say(app, MessageKind::Info, "正在保存刚才的作答，请稍候再按 F");
        return vec![];
    }
    let s = FinishSummary::of(st, false);
    if s.complete() {
        return vec![Effect::Finish(s.inspection)];
    }
    app.overlay = Some(Overlay::Summary(s));
    vec![]
}

/// The worker stored an answer: it is no longer pending once the stored one is what was sent
/// last. The cursor moved when the key was taken and stays where the user is.
pub fn answered(st: &mut ChecklistState, item_id: &str) {
    let stored = st.data.inspection.answers.get(item_id).map(|a| a.answer);
    if st.pending.get(item_id).copied() == stored {
        st.pending.remove(item_id);
    }
}

/// An answer sent ahead was refused: drop it and put the cursor back on its item.
pub fn refused(st: &mut ChecklistState, item_id: &str) {
    st.pending.remove(item_id);
    // Back to the refused item when the cursor went past it (the earliest of several).
    if let Some(i) = st.data.items.iter().position(|it| it.id == item_id)
        && i < st.cursor
    {
        st.cursor = i;
    }
}

/// `b`: the note of the answered item under the cursor, in a one-line prompt pre-filled with
/// the note it has (D23; the CLI's `inspection answer --note`).
fn note_prompt(app: &mut App) -> Vec<Effect> {
    let Screen::Checklist(st) = app.screen() else {
        return vec![];
    };
    let insp = &st.data.inspection;
    let why_not = if insp.is_finished() {
        Some("该检查已结束，不能再改作答备注")
    } else if st.answer(st.cursor).is_none() {
        Some("先作答（p 合格、f 不合格、n 不适用），再按 b 写备注")
    } else if st
        .current()
        .is_some_and(|i| insp.answer_conflicts.contains_key(&i.id))
    {
        Some("该项有回答冲突：先按 p / f / n 裁定，再写备注")
    } else {
        None
    };
    if let Some(why) = why_not {
        say(app, MessageKind::Error, why);
        return vec![];
    }
    let Some(item) = st.current() else {
        return vec![];
    };
    let note = insp
        .answers
        .get(&item.id)
        .map(|a| a.note.clone())
        .unwrap_or_default();
    app.overlay = Some(Overlay::Prompt(Prompt {
        kind: PromptKind::AnswerNote {
            inspection: insp.id,
            item: st.cursor,
        },
        // The popup's title has ~50 columns: the item's text cut there, marked.
        title: format!("作答备注：{}", crate::tui::screens::fit(&item.check, 40)),
        label: "备注（清空后确定即删除备注）".into(),
        input: TextInput::new(&note),
        error: None,
        overwrite: None,
        signer: None,
    }));
    vec![]
}

/// The worker stored an answer's note: the checklist shows it, the prompt closes, and the
/// status line says so only now that it is on disk.
pub fn note_saved(app: &mut App, inspection: crate::domain::Inspection, item_id: &str) {
    app.overlay = None;
    let cleared = inspection
        .answers
        .get(item_id)
        .is_none_or(|a| a.note.is_empty());
    for s in app.stack.iter_mut().rev() {
        if let Screen::Checklist(st) = s
            && st.data.inspection.id == inspection.id
        {
            st.data.inspection = inspection;
            break;
        }
    }
    let text = if cleared {
        "已删除作答备注"
    } else {
        "已保存作答备注"
    };
    say(app, MessageKind::Ok, text);
}
