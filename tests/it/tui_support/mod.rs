//! Shared by the TUI tests: a temp store with a pinned clock, the real keymap and runner, key
//! presses by name, and rendering into ratatui's TestBackend.
#![allow(dead_code)]

pub mod flow;
pub mod registers;
pub mod script;

use chrono::DateTime;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::path::PathBuf;
use xuncha::catalog::Catalog;
use xuncha::config::Config;
use xuncha::domain::Now;
use xuncha::ops::Ctx;
use xuncha::store::Store;
use xuncha::tui::app::App;
use xuncha::tui::effects::{Runner, line_infos};
use xuncha::tui::keymap::{Key, Keymap};
use xuncha::tui::theme::Theme;
use xuncha::tui::{Tui, screens};

pub const NOW: &str = "2026-11-22T09:00:00+08:00";
pub const INSPECTOR: &str = "王检查";

pub fn now() -> Now {
    Now(DateTime::parse_from_rfc3339(NOW).unwrap())
}

pub struct Harness {
    pub tui: Tui,
    pub app: App,
    pub dir: tempfile::TempDir,
}

impl Harness {
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }
}

/// Opens the store, waiting out sled's lock: a store just dropped (the demo's) can hold its file
/// lock until its flusher thread has exited.
pub fn open_store(dir: &std::path::Path) -> Store {
    for _ in 0..100 {
        match Store::open(dir) {
            Err(xuncha::store::StoreError::Locked(_)) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            r => return r.unwrap(),
        }
    }
    panic!("{} stayed locked", dir.display());
}

pub fn open(dir: tempfile::TempDir, inspector: &str) -> Harness {
    let store = open_store(&dir.path().join("data"));
    let author = if inspector.is_empty() {
        "未署名"
    } else {
        inspector
    };
    let ctx = Ctx::new(store, Catalog::builtin(), now(), author);
    let app = App::new(now(), inspector, line_infos(&ctx));
    let mut tui = Tui {
        runner: Runner::new(
            ctx,
            dir.path().join("config"),
            Config {
                inspector: inspector.into(),
                ..Default::default()
            },
        ),
        theme: Theme::builtin("default").unwrap(),
        keymap: Keymap::builtin(),
    };
    let mut app = app;
    tui.start(&mut app);
    Harness { tui, app, dir }
}

/// A fresh store; when `demo` > 0, that many demo findings first and, as `xuncha demo` gives,
/// their facilities registered with people, places, graded key sites and three days of patrols.
pub fn harness(demo: usize) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    if demo > 0 {
        let store = Store::open(&dir.path().join("data")).unwrap();
        let mut ctx = Ctx::new(store, Catalog::builtin(), now(), "演示");
        xuncha::ops::demo(&mut ctx, demo).unwrap();
        xuncha::ops::seed_demo_registry(&mut ctx).unwrap();
    }
    open(dir, INSPECTOR)
}

/// Presses keys named as in the keymap file ("j", "enter", "ctrl-s").
pub fn press(h: &mut Harness, keys: &[&str]) {
    for k in keys {
        if let Some(a) = h.tui.action_for(&h.app, &key_event(k)) {
            h.tui.dispatch(&mut h.app, a);
        }
    }
}

/// The key event a keyboard sends for a key named as in the keymap file.
fn key_event(name: &str) -> Event {
    let key = Key::parse(name).unwrap_or_else(|e| panic!("{e}"));
    let mut mods = KeyModifiers::NONE;
    if key.ctrl {
        mods |= KeyModifiers::CONTROL;
    }
    if key.alt {
        mods |= KeyModifiers::ALT;
    }
    if matches!(key.code, KeyCode::Char(c) if c.is_uppercase()) {
        mods |= KeyModifiers::SHIFT;
    }
    Event::Key(KeyEvent::new(key.code, mods))
}

/// Presses one key whose effects go to a worker that has not answered yet: they are returned,
/// not run, so a test can send the answer it wants (a failure) afterwards.
pub fn press_unanswered(h: &mut Harness, key: &str) -> Vec<xuncha::tui::effects::Effect> {
    let a = h
        .tui
        .action_for(&h.app, &key_event(key))
        .unwrap_or_else(|| panic!("{key} is bound here"));
    let effects = xuncha::tui::update::update(&mut h.app, a);
    xuncha::tui::update::mark_busy(&mut h.app, &effects);
    effects
}

/// Presses one key and returns the text of every frame a long effect's progress drew before
/// it finished (the worker loop draws these while the rest of the work runs), at `w`x`ht`.
pub fn press_seeing(h: &mut Harness, key: &str, w: u16, ht: u16) -> Vec<String> {
    let k = Key::parse(key).unwrap_or_else(|e| panic!("{e}"));
    let ev = Event::Key(KeyEvent::new(k.code, KeyModifiers::NONE));
    let Some(a) = h.tui.action_for(&h.app, &ev) else {
        return vec![];
    };
    let mut frames = Vec::new();
    h.tui
        .dispatch_with(&mut h.app, a, &mut |app, theme, keymap| {
            let mut t = Terminal::new(TestBackend::new(w, ht)).unwrap();
            t.draw(|f| screens::render(app, f, theme, keymap)).unwrap();
            let text: String = (0..ht).map(|y| row_text(&t, y).0 + "\n").collect();
            frames.push(text);
        });
    frames
}

/// Types text character by character, as a keyboard (or an IME) would.
pub fn type_text(h: &mut Harness, text: &str) {
    for c in text.chars() {
        let ev = Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        if let Some(a) = h.tui.action_for(&h.app, &ev) {
            h.tui.dispatch(&mut h.app, a);
        }
    }
}

pub fn draw(h: &Harness, w: u16, ht: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, ht)).unwrap();
    t.draw(|f| screens::render(&h.app, f, &h.tui.theme, &h.tui.keymap))
        .unwrap();
    t
}

/// One screen row as text, each wide glyph once (its hidden trailing cell skipped), with the x
/// of every char. A hidden cell that is not blank means something overwrote half a glyph.
fn row_text(t: &Terminal<TestBackend>, y: u16) -> (String, Vec<u16>, Vec<u16>) {
    let buf = t.backend().buffer();
    let (mut line, mut xs, mut clobbered) = (String::new(), Vec::new(), Vec::new());
    let mut skip = 0usize;
    for x in 0..buf.area.width {
        let sym = buf[(x, y)].symbol();
        if skip == 0 {
            for _ in sym.chars() {
                xs.push(x);
            }
            line.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        } else {
            if !sym.trim().is_empty() {
                clobbered.push(x);
            }
            skip -= 1;
        }
    }
    (line, xs, clobbered)
}

/// The screen as text (wide glyphs once per glyph), with ids made at run time (UUIDv7) masked to
/// keep snapshots stable.
pub fn screen_text(h: &Harness, t: &Terminal<TestBackend>) -> String {
    let mut s = String::new();
    for y in 0..t.backend().buffer().area.height {
        let (line, _, clobbered) = row_text(t, y);
        s.push_str(line.trim_end());
        if !clobbered.is_empty() {
            s.push_str(&format!(
                "  <half of a wide glyph overwritten at x={clobbered:?}>"
            ));
        }
        s.push('\n');
    }
    let mut ids: Vec<String> = h
        .tui
        .runner
        .ctx
        .raw_store()
        .all_findings()
        .map(|f| f.unwrap().id.to_string())
        .chain(
            h.tui
                .runner
                .ctx
                .raw_store()
                .all_inspections()
                .unwrap()
                .into_iter()
                .map(|i| i.id.to_string()),
        )
        .collect();
    ids.sort();
    for id in &ids {
        s = s.replace(id, &"#".repeat(id.len()));
    }
    for id in &ids {
        s = s.replace(&id.replace('-', "")[..8], "########");
    }
    // Record numbers carry this device's code (YH-2026-A3K-0007): random per temp store.
    let code = h.tui.runner.ctx.raw_store().device_code();
    s.replace(&format!("-{code}-"), "-DEV-")
}

/// The (x, y) of the first cell of `needle` on screen.
pub fn find(t: &Terminal<TestBackend>, needle: &str) -> Option<(u16, u16)> {
    for y in 0..t.backend().buffer().area.height {
        let (line, xs, _) = row_text(t, y);
        if let Some(b) = line.find(needle) {
            return Some((xs[line[..b].chars().count()], y));
        }
    }
    None
}

/// The key that toggles a line in the new-inspection picker (`1`–`9`, then `a`–`z`).
pub fn line_digit(h: &Harness, line: &str) -> String {
    let i = h.app.lines.iter().position(|l| l.id == line).unwrap();
    xuncha::tui::line_keys::key_of(i)
        .expect("a line with a key")
        .to_string()
}

/// Fills the new-inspection screen (facility, 急诊科, one line) and presses Ctrl-s.
pub fn submit_new_inspection(h: &mut Harness, facility: &str, line: &str) {
    submit_new_inspection_in(h, facility, "急诊科", line);
}

/// Fills the new-inspection screen with `departments` (as typed: 「住院部、急诊科」) and
/// presses Ctrl-s.
pub fn submit_new_inspection_in(h: &mut Harness, facility: &str, departments: &str, line: &str) {
    press(h, &["n"]);
    type_text(h, facility);
    press(h, &["tab"]);
    type_text(h, departments);
    press(h, &["tab", "tab", "tab"]);
    let d = line_digit(h, line);
    type_text(h, &d);
    press(h, &["ctrl-s"]);
}

/// Whether 「登记新单位？」 is asked (the facility typed is not registered).
pub fn asks_to_register_facility(h: &Harness) -> bool {
    matches!(
        &h.app.overlay,
        Some(xuncha::tui::app::Overlay::Choice(c))
            if matches!(c.kind, xuncha::tui::choice::ChoiceKind::RegisterFacility { .. })
    )
}

/// Starts an inspection through the new-inspection screen; a facility the registry does not
/// hold is kept as typed text (「不登记，按文字开始检查」).
pub fn start_inspection(h: &mut Harness, facility: &str, line: &str) {
    start_inspection_in(h, facility, "急诊科", line);
}

/// `start_inspection` of `departments` (as typed: 「住院部、急诊科」).
pub fn start_inspection_in(h: &mut Harness, facility: &str, departments: &str, line: &str) {
    submit_new_inspection_in(h, facility, departments, line);
    if asks_to_register_facility(h) {
        press(h, &["j", "enter"]);
    }
}

/// Starts one inspection per (facility, hazard) on the fire line through the screens, each
/// with that hazard recorded, and comes back home (the facility names as typed on records).
pub fn inspections_with_hazards(h: &mut Harness, records: &[(&str, &str)]) {
    for (facility, hazard) in records {
        start_inspection(h, facility, "fire");
        while !matches!(h.app.screen(), xuncha::tui::app::Screen::Home(_)) {
            press(h, &["esc"]);
        }
        let ctx = &mut h.tui.runner.ctx;
        let insp = ctx.list_inspections().unwrap()[0].id;
        xuncha::ops::record_finding(
            ctx,
            xuncha::ops::NewFinding {
                inspection: Some(insp),
                description: hazard.to_string(),
                ..Default::default()
            },
        )
        .unwrap();
    }
}

/// Registers a facility by name only (its type guessed from the name).
pub fn register_facility(h: &mut Harness, name: &str) {
    xuncha::ops::add_facility(
        &mut h.tui.runner.ctx,
        xuncha::ops::NewFacility {
            name: name.into(),
            ..Default::default()
        },
    )
    .unwrap();
}
