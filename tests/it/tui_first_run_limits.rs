//! The TUI's first run checks the inspector name and the organisation profile like any typed
//! text (issue 9 point 6): longer than 200 characters is refused with the field named, and
//! nothing is saved.

use crate::tui_support;

use tui_support::*;
use xuncha::tui::app::Screen;

#[test]
fn a_name_too_long_is_refused_on_the_first_run_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = open(dir, "");
    type_text(&mut h, &"李".repeat(201));
    press(&mut h, &["enter"]);
    assert!(matches!(h.app.screen(), Screen::FirstRun(_)));
    let text = screen_text(&h, &draw(&h, 120, 40));
    assert!(
        text.contains("检查人员姓名") && text.contains("最多 200 字"),
        "{text}"
    );
    assert!(!xuncha::config::Config::path(&h.config_dir()).exists());

    // A short name with a 发文机关 that is too long: refused too, naming that field.
    for _ in 0..201 {
        press(&mut h, &["backspace"]);
    }
    type_text(&mut h, "李秀英");
    press(&mut h, &["tab"]);
    type_text(&mut h, &"委".repeat(201));
    press(&mut h, &["enter"]);
    assert!(matches!(h.app.screen(), Screen::FirstRun(_)));
    let text = screen_text(&h, &draw(&h, 120, 40));
    assert!(
        text.contains("发文机关") && text.contains("最多 200 字"),
        "{text}"
    );
    assert!(!xuncha::config::Config::path(&h.config_dir()).exists());
}
