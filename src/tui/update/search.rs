//! The search overlay: every keystroke asks the runner's index; Enter opens a finding's detail
//! or a register entry (chemical, equipment) on the 台账 screen,
//! or moves the checklist under it to the item.

use super::{Effect, edit, moved, say};
use crate::search::{Hit, Target};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, MessageKind, SEARCH_PAGE as PAGE, Screen, SearchState};
use crate::tui::screens::registers_state::RegisterTab;

pub fn open(app: &mut App) -> Vec<Effect> {
    if let Some(Screen::Register(st)) = app.stack.last_mut() {
        super::register::let_rows_go(st);
    }
    app.stack.push(Screen::Search(SearchState::default()));
    vec![]
}

pub fn input(app: &mut App, a: Action) -> Vec<Effect> {
    let Screen::Search(st) = app.screen_mut() else {
        return vec![];
    };
    match a {
        Action::Cmd(Command::Back) => {
            app.stack.pop();
            let_go_over_register(app)
        }
        Action::Cmd(Command::Open) => enter(app),
        Action::Cmd(c @ (Command::Up | Command::Down | Command::PageUp | Command::PageDown)) => {
            if let Some(i) = moved(st.selected, st.hits.len().min(PAGE), c) {
                st.selected = i;
            }
            vec![]
        }
        a => {
            if edit(&mut st.input, &a) {
                vec![Effect::Search(st.input.text().to_string())]
            } else {
                vec![]
            }
        }
    }
}

fn enter(app: &mut App) -> Vec<Effect> {
    let Screen::Search(st) = app.screen() else {
        return vec![];
    };
    let Some(hit) = st.hits.get(st.selected).cloned() else {
        return vec![];
    };
    // A hazard's detail opens over the search, so Esc comes back to the query and its
    // results (D24); the other targets act on the screen under the search.
    if let Target::Finding(id) = &hit.target {
        return vec![Effect::LoadFinding(*id)];
    }
    app.stack.pop();
    let mut effects = let_go_over_register(app);
    effects.extend(match &hit.target {
        Target::Finding(_) => vec![],
        Target::Item(item) => {
            open_item(app, &hit, item);
            vec![]
        }
        Target::Chemical(id) => super::registers::open_on(app, *id, RegisterTab::Chemicals),
        Target::Equipment(id) => super::registers::open_on(app, *id, RegisterTab::Equipment),
    });
    effects
}

/// After the overlay closed: the register it was opened over reads its rows again, and when
/// the register holds its rows, the runner lets go of the search index (issue 14: not both
/// at once; the next search reads the index file again).
fn let_go_over_register(app: &mut App) -> Vec<Effect> {
    if let Some(Screen::Register(st)) = app.stack.last_mut()
        && let Some(load) = super::register::take_rows_back(st)
    {
        // Loading the register lets go of the index too.
        return vec![load];
    }
    let rows_held = app
        .stack
        .iter()
        .any(|s| matches!(s, Screen::Register(st) if st.rows.is_some()));
    if rows_held {
        vec![Effect::LetGoOfSearchIndex]
    } else {
        vec![]
    }
}

/// In a checklist that has the item: the cursor goes there, one key answers it.
fn open_item(app: &mut App, hit: &Hit, item: &str) {
    if let Some(Screen::Checklist(c)) = app.stack.last_mut()
        && let Some(i) = c.data.items.iter().position(|it| it.id == item)
    {
        c.cursor = i;
        let answered = c.answer(i).is_some();
        let text = if answered {
            format!("已跳到「{}」（已作答，可重新作答）", hit.title)
        } else {
            format!("已跳到「{}」：p 合格 / f 不合格 / n 不适用", hit.title)
        };
        say(app, MessageKind::Info, text);
        return;
    }
    say(
        app,
        MessageKind::Info,
        format!(
            "检查项「{}」属于{}：在含这道防线的检查中可以作答",
            hit.title, hit.line_name
        ),
    );
}

/// Results come back; stale ones (the user typed on) are dropped.
pub fn results(app: &mut App, query: String, hits: Vec<Hit>, error: Option<String>) {
    let Some(Screen::Search(st)) = app.stack.last_mut() else {
        return;
    };
    if st.input.text() != query {
        return;
    }
    st.hits = hits;
    st.selected = 0;
    st.answered = query;
    st.error = error;
}
