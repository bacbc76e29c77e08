//! What a key means to a pick list drawn under a form field (the 部位 picker, the 科室
//! choices): one reading of the keys, so every picker moves and takes the same way.

use crate::tui::action::{Action, Command};

/// A key as a pick list under the focused field reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKey {
    /// Ctrl-n (+1) / Ctrl-p (-1): move the highlight, wrapping.
    Step(isize),
    /// Enter: take the highlighted candidate; the form then moves on to the next field.
    Take,
    /// Typing or deleting: the text changed, the highlight goes back to the best match.
    Typed,
    /// Anything else, left to the form.
    Other,
}

impl PickKey {
    /// How a pick list reads `a`.
    pub fn of(a: &Action) -> PickKey {
        match a {
            Action::Cmd(Command::Down) => PickKey::Step(1),
            Action::Cmd(Command::Up) => PickKey::Step(-1),
            Action::Cmd(Command::Open) => PickKey::Take,
            Action::Char(_)
            | Action::Paste(_)
            | Action::Cmd(Command::Backspace | Command::Delete) => PickKey::Typed,
            _ => PickKey::Other,
        }
    }
}

/// The highlight moved by `by` within `n` candidates, wrapping; unchanged when there are none.
pub fn stepped(cursor: usize, n: usize, by: isize) -> usize {
    if n == 0 {
        return cursor;
    }
    (cursor.min(n - 1) as isize + by).rem_euclid(n as isize) as usize
}
