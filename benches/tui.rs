//! TUI figures on a large store: time to load the register, frame time of the register and the
//! checklist rendered into a 120x40 TestBackend, a filter keystroke, and the keys it takes to
//! fail an item and save its pre-filled finding.
//!
//! `cargo bench --bench tui` (scale from XUNCHA_BENCH_SCALE, default 100000; or reuse a data dir
//! made by `xuncha demo` with XUNCHA_BENCH_DATA=DIR).

use chrono::DateTime;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};
use xuncha::catalog::Catalog;
use xuncha::config::Config;
use xuncha::domain::Now;
use xuncha::ops::Ctx;
use xuncha::store::Store;
use xuncha::tui::app::{App, Screen};
use xuncha::tui::effects::{Runner, line_infos};
use xuncha::tui::keymap::{Key, Keymap};
use xuncha::tui::theme::Theme;
use xuncha::tui::{Tui, screens};

fn press(tui: &mut Tui, app: &mut App, k: &str) -> bool {
    let key = Key::parse(k).unwrap();
    let mods = if key.ctrl {
        KeyModifiers::CONTROL
    } else {
        KeyModifiers::NONE
    };
    let ev = Event::Key(KeyEvent::new(key.code, mods));
    match tui.action_for(app, &ev) {
        Some(a) => {
            tui.dispatch(app, a);
            true
        }
        None => false,
    }
}

fn frames(tui: &Tui, app: &App, n: usize) -> (Duration, Duration) {
    let mut t = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let s = Instant::now();
        t.draw(|f| screens::render(app, f, &tui.theme, &tui.keymap))
            .unwrap();
        times.push(s.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / n as u32;
    (mean, times[n * 95 / 100])
}

fn main() {
    let now = Now(DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let data = match std::env::var("XUNCHA_BENCH_DATA") {
        Ok(d) => std::path::PathBuf::from(d),
        Err(_) => {
            let scale: usize = std::env::var("XUNCHA_BENCH_SCALE")
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(100_000);
            let dir = tmp.path().join("data");
            let mut ctx = Ctx::new(Store::open(&dir).unwrap(), Catalog::builtin(), now, "演示");
            let s = Instant::now();
            let sum = xuncha::ops::demo(&mut ctx, scale).unwrap();
            println!(
                "demo store: {} findings, {} events in {:.1?}",
                sum.findings,
                sum.events,
                s.elapsed()
            );
            dir
        }
    };
    let open = Instant::now();
    let ctx = Ctx::new(
        Store::open(&data).unwrap(),
        Catalog::builtin(),
        now,
        "王检查",
    );
    let mut app = App::new(now, "王检查", line_infos(&ctx));
    let mut tui = Tui {
        runner: Runner::new(ctx, tmp.path().join("config"), Config::default()),
        theme: Theme::builtin("default").unwrap(),
        keymap: Keymap::builtin(),
    };
    let (first, _) = frames(&tui, &app, 1);
    println!(
        "first frame (before any store read): {first:.2?} after {:.1?} to open the store",
        open.elapsed()
    );
    let s = Instant::now();
    tui.start(&mut app);
    println!(
        "home figures loaded (counts per line over all findings): {:.1?}",
        s.elapsed()
    );

    let s = Instant::now();
    press(&mut tui, &mut app, "r");
    let n = match app.screen() {
        Screen::Register(r) => r.rows.as_ref().map(|r| r.len()).unwrap_or(0),
        _ => 0,
    };
    println!("register loaded: {n} rows in {:.1?}", s.elapsed());
    let (mean, p95) = frames(&tui, &app, 300);
    println!("register frame 120x40: mean {mean:.2?}, p95 {p95:.2?}");
    let s = Instant::now();
    press(&mut tui, &mut app, "o");
    println!(
        "filter keystroke (overdue only, {n} rows): {:.2?}",
        s.elapsed()
    );
    let s = Instant::now();
    press(&mut tui, &mut app, "d");
    println!("sort keystroke (by due date): {:.2?}", s.elapsed());
    let (mean, p95) = frames(&tui, &app, 300);
    println!("register frame 120x40 (filtered, sorted): mean {mean:.2?}, p95 {p95:.2?}");

    // A checklist over every line.
    press(&mut tui, &mut app, "esc");
    press(&mut tui, &mut app, "n");
    for c in "东城区人民医院".chars() {
        let ev = Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        let a = tui.action_for(&app, &ev).unwrap();
        tui.dispatch(&mut app, a);
    }
    for k in ["tab", "tab", "tab", "tab"] {
        press(&mut tui, &mut app, k);
    }
    for d in 1..=app.lines.len().min(9) {
        press(&mut tui, &mut app, &d.to_string());
    }
    press(&mut tui, &mut app, "ctrl-s");
    for _ in 0..40 {
        press(&mut tui, &mut app, "p");
    }
    let items = match app.screen() {
        Screen::Checklist(c) => c.data.items.len(),
        _ => 0,
    };
    let (mean, p95) = frames(&tui, &app, 300);
    println!("checklist frame 120x40 ({items} items): mean {mean:.2?}, p95 {p95:.2?}");

    let before = tui.runner.ctx.raw_store().finding_count();
    // The second Ctrl-s saves on purpose with 部位 and 责任单位及人员 left blank (D11).
    let keys = ["f", "ctrl-s", "ctrl-s"];
    let s = Instant::now();
    for k in keys {
        press(&mut tui, &mut app, k);
    }
    assert_eq!(tui.runner.ctx.raw_store().finding_count(), before + 1);
    println!(
        "keys to fail an item and save its pre-filled finding as it is: {} ({}), flushed in {:.1?}",
        keys.len(),
        keys.join(" "),
        s.elapsed()
    );
}
