//! A script of keys for the real loop (worker thread, keymap) on a TestBackend: each step waits
//! until the state says so, then sends its events; every status line seen while busy is kept.

use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use xuncha::tui::EventSource;
use xuncha::tui::app::App;
use xuncha::tui::keymap::Key;

pub fn key(k: &str) -> Event {
    let key = Key::parse(k).unwrap();
    let mut mods = KeyModifiers::NONE;
    if key.ctrl {
        mods |= KeyModifiers::CONTROL;
    }
    if matches!(key.code, KeyCode::Char(c) if c.is_uppercase()) {
        mods |= KeyModifiers::SHIFT;
    }
    Event::Key(KeyEvent::new(key.code, mods))
}

pub fn text(s: &str) -> Vec<Event> {
    s.chars()
        .map(|c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
        .collect()
}

/// A condition on the state.
pub type When = Box<dyn Fn(&App) -> bool>;

/// Steps of (wait until the state says so, then these events at once); quits when done and
/// after 60 s whatever happens.
pub struct Script {
    pub steps: VecDeque<(When, Vec<Event>)>,
    pub ready: VecDeque<Event>,
    pub started: Instant,
    /// Every status line seen while something was busy.
    pub busy_seen: Vec<String>,
    pub frames: usize,
}

impl Script {
    /// A script of these steps, started now.
    pub fn new(steps: Vec<(When, Vec<Event>)>) -> Script {
        Script {
            steps: VecDeque::from(steps),
            ready: VecDeque::new(),
            started: Instant::now(),
            busy_seen: Vec::new(),
            frames: 0,
        }
    }
}

impl EventSource for Script {
    fn poll(&mut self, timeout: Duration) -> Result<bool, String> {
        if self.ready.is_empty() {
            std::thread::sleep(timeout.min(Duration::from_millis(5)));
        }
        if self.started.elapsed() > Duration::from_secs(60) {
            self.ready.push_back(key("ctrl-c"));
        }
        Ok(!self.ready.is_empty())
    }
    fn read(&mut self) -> Result<Event, String> {
        self.ready.pop_front().ok_or_else(|| "no event".to_string())
    }
    fn drawn(&mut self, app: &App) {
        self.frames += 1;
        if let Some(b) = &app.busy {
            self.busy_seen.push(b.what.to_string());
        }
        if let Some((when, _)) = self.steps.front()
            && when(app)
        {
            let (_, events) = self.steps.pop_front().unwrap();
            self.ready.extend(events);
        }
    }
}
