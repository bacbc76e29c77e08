//! Issue 11's figure: does the screen keep drawing while long work runs? The real TUI loop
//! (worker thread, keymap, status-line spinner) runs on an 80x24 TestBackend with keys from a
//! script, and every frame's time is recorded. Printed: the longest gap between two frames
//! (and the median) while home loads, while the register loads (at 100,000 findings) and while
//! a sync imports about 100,000 events into an empty store; beside them, measured in the same
//! run, the same loop redrawing after one harmless key per tick with nothing else to do.
//! Goal: under 50 ms each.
//!
//! `cargo bench --bench frame_gaps` (findings from XUNCHA_BENCH_SCALE, default 100000, or
//! reuse a data dir made by `xuncha demo --scale 100000` with XUNCHA_BENCH_DATA=DIR; the sync
//! sender's demo scale from XUNCHA_BENCH_SYNC_SCALE, default 17400 ≈ 100,000 events).

use chrono::DateTime;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::collections::VecDeque;
use std::path::Path;
use std::time::{Duration, Instant};
use xuncha::catalog::Catalog;
use xuncha::config::Config;
use xuncha::domain::Now;
use xuncha::ops::Ctx;
use xuncha::store::Store;
use xuncha::tui::app::SyncPhase;
use xuncha::tui::app::{App, Screen};
use xuncha::tui::effects::{Runner, line_infos};
use xuncha::tui::keymap::{Key, Keymap};
use xuncha::tui::theme::Theme;
use xuncha::tui::{EventSource, Tui};

fn key(k: &str) -> Event {
    let key = Key::parse(k).unwrap();
    let mods = if key.ctrl {
        KeyModifiers::CONTROL
    } else {
        KeyModifiers::NONE
    };
    Event::Key(KeyEvent::new(key.code, mods))
}

fn text(s: &str) -> Vec<Event> {
    s.chars()
        .map(|c| Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)))
        .collect()
}

type When = Box<dyn Fn(&App) -> bool>;

/// One phase of the script: a name, the keys that start it, and when it is over.
struct Phase {
    name: &'static str,
    keys: Vec<Event>,
    done: When,
    /// Keys sent one per poll while the phase runs (the reference's idle redraws, a query
    /// typed a character at a time).
    per_tick: VecDeque<Event>,
}

struct Script {
    phases: VecDeque<Phase>,
    current: Option<(Phase, Instant, Vec<Instant>)>,
    ready: VecDeque<Event>,
    /// (phase, duration, frame gaps).
    results: Vec<(&'static str, Duration, Vec<Duration>)>,
    started: Instant,
    /// Every phase has run; the loop is asked to quit.
    finished: bool,
}

impl Script {
    fn new(phases: Vec<Phase>) -> Script {
        Script {
            phases: phases.into(),
            current: None,
            ready: VecDeque::new(),
            results: Vec::new(),
            started: Instant::now(),
            finished: false,
        }
    }

    fn next_phase(&mut self) {
        match self.phases.pop_front() {
            Some(p) => {
                self.ready.extend(p.keys.iter().cloned());
                self.current = Some((p, Instant::now(), Vec::new()));
            }
            None => {
                self.current = None;
                self.finished = true;
                self.ready.push_back(key("ctrl-c"));
            }
        }
    }
}

impl EventSource for Script {
    fn poll(&mut self, timeout: Duration) -> Result<bool, String> {
        if self.started.elapsed() > Duration::from_secs(1800) {
            return Err("the benchmark script ran over 30 minutes".into());
        }
        // A real poll with time to wait waits; the loop's zero-time polls (reading a batch)
        // get only what is already there.
        if self.ready.is_empty() && !timeout.is_zero() {
            std::thread::sleep(timeout);
            if let Some((p, _, _)) = &mut self.current
                && let Some(k) = p.per_tick.pop_front()
            {
                self.ready.push_back(k);
            }
        }
        Ok(!self.ready.is_empty())
    }

    fn read(&mut self) -> Result<Event, String> {
        self.ready.pop_front().ok_or_else(|| "no event".to_string())
    }

    fn drawn(&mut self, app: &App) {
        let now = Instant::now();
        if self.finished {
            return;
        }
        let Some((phase, start, frames)) = &mut self.current else {
            // The first frame: the script starts.
            self.next_phase();
            return;
        };
        frames.push(now);
        let idle_left = !phase.per_tick.is_empty();
        if (phase.done)(app) && !idle_left {
            let mut gaps = Vec::with_capacity(frames.len());
            let mut last = *start;
            for f in frames.iter() {
                gaps.push(*f - last);
                last = *f;
            }
            self.results.push((phase.name, now - *start, gaps));
            self.next_phase();
        }
    }
}

fn tui_over(ctx: Ctx, config_dir: &Path) -> (Tui, App) {
    let app = App::new(ctx.now, "王检查", line_infos(&ctx));
    let tui = Tui {
        runner: Runner::new(ctx, config_dir.to_path_buf(), Config::default()),
        theme: Theme::builtin("default").unwrap(),
        keymap: Keymap::builtin(),
    };
    (tui, app)
}

fn run(tui: Tui, mut app: App, script: &mut Script) {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    tui.run_from(&mut terminal, &mut app, script)
        .expect("the loop ran");
    assert!(script.phases.is_empty(), "every phase ran");
}

fn report(results: &[(&'static str, Duration, Vec<Duration>)]) {
    for (name, took, gaps) in results {
        let mut g = gaps.clone();
        g.sort();
        let max = g.last().copied().unwrap_or_default();
        let median = g.get(g.len() / 2).copied().unwrap_or_default();
        // Where the longest gap ended, from the phase's start.
        let at: Duration = gaps
            .iter()
            .scan(Duration::ZERO, |t, d| {
                *t += *d;
                Some((*t, *d))
            })
            .find(|(_, d)| *d == max)
            .map_or(Duration::ZERO, |(t, _)| t);
        println!(
            "{name:<40} longest gap {:>7.1} ms (ending at {:.2} s)  median {:>5.1} ms  ({} frames over {:.2} s)",
            max.as_secs_f64() * 1e3,
            at.as_secs_f64(),
            median.as_secs_f64() * 1e3,
            g.len(),
            took.as_secs_f64()
        );
    }
}

/// This process's peak resident memory, from /proc/self/status (VmHWM), in MB.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.0} MB", kb / 1024.0))
        })
        .unwrap_or_else(|| "unknown (no /proc)".into())
}

/// Typed into search one character per tick: pinyin first, then Chinese, as people do.
const QUERY: &str = "xfdt 消防通道堆放杂物";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let now = Now(DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let data = match std::env::var("XUNCHA_BENCH_DATA") {
        Ok(d) => std::path::PathBuf::from(d),
        Err(_) => {
            let scale = env_usize("XUNCHA_BENCH_SCALE", 100_000);
            let dir = tmp.path().join("data");
            let mut ctx = Ctx::new(Store::open(&dir).unwrap(), Catalog::builtin(), now, "演示");
            let s = Instant::now();
            let sum = xuncha::ops::demo(&mut ctx, scale).unwrap();
            println!(
                "setup: demo store of {} findings, {} events in {:.1?}",
                sum.findings,
                sum.events,
                s.elapsed()
            );
            dir
        }
    };

    // Home and the register over the big store, after a reference phase on the same loop.
    let ctx = Ctx::new(
        Store::open(&data).unwrap(),
        Catalog::builtin(),
        now,
        "王检查",
    );
    let findings = ctx.raw_store().finding_count();
    let (tui, app) = tui_over(ctx, &tmp.path().join("config"));
    let home_loaded: When = Box::new(|a: &App| {
        matches!(a.screen(), Screen::Home(h) if h.data.is_some()) && a.busy.is_none()
    });
    let mut script = Script::new(vec![
        Phase {
            name: "home load (from the first frame)",
            keys: vec![],
            done: home_loaded,
            per_tick: VecDeque::new(),
        },
        Phase {
            name: "reference: idle loop, one key per tick",
            keys: vec![],
            done: Box::new(|_| true),
            per_tick: std::iter::repeat_n(key("j"), 80).collect(),
        },
        Phase {
            name: "register load (r)",
            keys: vec![key("r")],
            done: Box::new(|a: &App| {
                matches!(a.screen(), Screen::Register(r) if r.total.is_some()) && a.busy.is_none()
            }),
            per_tick: VecDeque::new(),
        },
        Phase {
            name: "home again (Esc: figures reload)",
            keys: vec![key("esc")],
            done: Box::new(|a: &App| {
                matches!(a.screen(), Screen::Home(h) if h.data.is_some()) && a.busy.is_none()
            }),
            per_tick: VecDeque::new(),
        },
        Phase {
            name: "search typing (a key per tick)",
            keys: vec![key("/")],
            done: Box::new(move |a: &App| {
                matches!(a.screen(), Screen::Search(s)
                    if s.input.text() == QUERY && s.answered == QUERY)
                    && a.busy.is_none()
            }),
            per_tick: text(QUERY).into_iter().collect(),
        },
    ]);
    println!("frame gaps, real loop on an 80x24 TestBackend, {findings} findings (goal < 50 ms):");
    run(tui, app, &mut script);
    report(&script.results);
    // Issue 14's TUI memory row: the peak of this process so far (home, register and search
    // over the big store, all in the real loop), before the sync part builds its sender here.
    println!(
        "TUI peak resident memory (VmHWM) after home, register and search over {findings} findings: {} (goal ≤ 80 MB)",
        peak_rss()
    );

    // Sync: a sender with about 100,000 events writes its bundles; an empty store imports them
    // through the sync screen (s, folder, Enter for the preview, y to sync).
    let sync_scale = env_usize("XUNCHA_BENCH_SYNC_SCALE", 17_400);
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let s = Instant::now();
    let events = {
        let mut sender = Ctx::new(
            Store::open(&tmp.path().join("sender")).unwrap(),
            Catalog::builtin(),
            now,
            "李秀英",
        );
        xuncha::ops::demo(&mut sender, sync_scale).unwrap();
        let opts = xuncha::sync::SyncOptions::default();
        xuncha::sync::sync(sender.raw_store_mut(), &now, &usb, &opts, &mut |_, _| {})
            .expect("the sender writes its bundles");
        sender.raw_store().event_count()
    };
    println!(
        "setup: sender of {events} events wrote its bundles in {:.1?}",
        s.elapsed()
    );
    let ctx = Ctx::new(
        Store::open(&tmp.path().join("receiver")).unwrap(),
        Catalog::builtin(),
        now,
        "王检查",
    );
    let (tui, app) = tui_over(ctx, &tmp.path().join("config2"));
    let mut open_sync = vec![key("s"), key("ctrl-u")];
    open_sync.extend(text(&usb.display().to_string()));
    open_sync.push(key("enter"));
    let mut script = Script::new(vec![
        Phase {
            name: "home load (empty store)",
            keys: vec![],
            done: Box::new(|a: &App| {
                matches!(a.screen(), Screen::Home(h) if h.data.is_some()) && a.busy.is_none()
            }),
            per_tick: VecDeque::new(),
        },
        Phase {
            name: "sync preview (dry run)",
            keys: open_sync,
            done: Box::new(
                |a: &App| matches!(a.screen(), Screen::Sync(s) if matches!(s.phase, SyncPhase::Preview(_))),
            ),
            per_tick: VecDeque::new(),
        },
        Phase {
            name: "sync import (y)",
            keys: vec![key("y")],
            done: Box::new(
                |a: &App| matches!(a.screen(), Screen::Sync(s) if matches!(s.phase, SyncPhase::Done(_))),
            ),
            per_tick: VecDeque::new(),
        },
    ]);
    run(tui, app, &mut script);
    println!("frame gaps while {events} events sync into an empty store (goal < 50 ms):");
    report(&script.results);
}
