//! Paste is text. Bracketed paste is on while the UI runs (off on every way out, the panic hook
//! included), so a paste arrives as one `Event::Paste`. A terminal without it sends a paste as a
//! burst of key events; [`coalesce`] turns such a burst into one paste, so it cannot submit a
//! form or take a lifecycle step.

use ratatui::crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, Event, KeyCode, KeyEvent, KeyEventKind,
    KeyModifiers,
};
use ratatui::crossterm::execute;

/// Turns bracketed paste on, and makes the panic hook turn it off first.
pub fn enable() {
    let _ = execute!(std::io::stdout(), EnableBracketedPaste);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        disable();
        previous(info);
    }));
}

/// Turns bracketed paste off (harmless when it is off).
pub fn disable() {
    let _ = execute!(std::io::stdout(), DisableBracketedPaste);
}

/// The text a key would type in a burst: printable characters, Enter as a line break, Tab.
fn typed(k: &KeyEvent) -> Option<char> {
    if k.modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return None;
    }
    match k.code {
        KeyCode::Char(c) => Some(c),
        KeyCode::Enter => Some('\n'),
        KeyCode::Tab => Some('\t'),
        _ => None,
    }
}

/// Events read together (all that were waiting at once). A burst of two or more typing keys
/// that holds a line break and a printable character is no person typing: it becomes one
/// `Event::Paste`, so it cannot take a step. One exception, in a text field (`text_field`): a
/// single line followed by one Enter (`tmux send-keys "text" Enter`, a scanner, fast typing) is
/// the text as a paste and then that Enter, which submits the field as typing it would. Anything
/// else passes unchanged (a held `j` stays a run of `j`s).
pub fn coalesce(events: Vec<Event>, text_field: bool) -> Vec<Event> {
    let keys: Vec<&KeyEvent> = events
        .iter()
        .filter_map(|e| match e {
            Event::Key(k) if k.kind != KeyEventKind::Release => Some(k),
            _ => None,
        })
        .collect();
    let text: Option<String> = keys.iter().map(|k| typed(k)).collect();
    let last_key = keys.last().map(|k| **k);
    match text {
        Some(t) if keys.len() >= 2 && t.contains('\n') && t.chars().any(|c| !c.is_whitespace()) => {
            let mut out: Vec<Event> = events
                .into_iter()
                .filter(|e| !matches!(e, Event::Key(_)))
                .collect();
            let line = t.strip_suffix('\n').filter(|l| !l.contains('\n'));
            match (line, last_key) {
                (Some(line), Some(enter)) if text_field && enter.code == KeyCode::Enter => {
                    out.push(Event::Paste(line.to_string()));
                    out.push(Event::Key(enter));
                }
                _ => out.push(Event::Paste(t)),
            }
            out
        }
        _ => events,
    }
}
