//! First run through the real start-up path (`tui::build`): the name comes prefilled from
//! `XUNCHA_USER`, and the 发文机关 from what `org init` set; Enter confirms both.
//! One test in this binary: it sets the process environment.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use std::process::Command;
use xuncha::tui::app::Screen;

const NOW: &str = "2026-11-22T09:00:00+08:00";

fn screen(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut s = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            s.push_str(buf[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

#[test]
fn the_first_run_is_prefilled_from_xuncha_user_and_org_init() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = dir.path().join("config");
    let out = Command::new(env!("CARGO_BIN_EXE_xuncha"))
        .args(["org", "init", "--name", "某某市卫生健康委员会"])
        .env("XUNCHA_DATA_DIR", &data)
        .env("XUNCHA_CONFIG_DIR", &config)
        .env("XUNCHA_NOW", NOW)
        .env_remove("XUNCHA_USER")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // SAFETY: the only test of this binary; nothing else reads the environment meanwhile.
    unsafe {
        std::env::set_var("XUNCHA_CONFIG_DIR", &config);
        std::env::set_var("XUNCHA_NOW", NOW);
        std::env::set_var("XUNCHA_USER", "李秀英");
    }
    let (mut tui, mut app, _) = xuncha::tui::build(&data, Some("mono")).unwrap();
    let Screen::FirstRun(st) = app.screen() else {
        panic!("the first run: {:?}", app.screen());
    };
    assert_eq!(st.name.text(), "李秀英");
    assert_eq!(st.org[0].text(), "某某市卫生健康委员会");
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| xuncha::tui::screens::render(&app, f, &tui.theme, &tui.keymap))
        .unwrap();
    // Wide glyphs fill two cells: compare without the blanks.
    let text = screen(&t).replace(' ', "");
    assert!(text.contains("李秀英"), "{text}");
    assert!(text.contains("某某市卫生健康委员会"), "{text}");
    // Enter takes both as they are.
    let enter = Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let a = tui.action_for(&app, &enter).unwrap();
    tui.dispatch(&mut app, a);
    assert!(matches!(app.screen(), Screen::Home(_)));
    let saved = std::fs::read_to_string(xuncha::config::Config::path(&config)).unwrap();
    assert!(saved.contains("李秀英"), "{saved}");
    assert!(saved.contains("某某市卫生健康委员会"), "{saved}");
}
