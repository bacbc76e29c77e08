//! A broken checklist file in the user's folder is reported when the TUI starts, naming the file
//! and the line, in the message line of the first screen (issue 15). Its own test binary: it sets
//! the process environment that `tui::build` reads.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::fs;

#[test]
fn broken_override_is_reported_on_start() {
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("config").join("checklists");
    fs::create_dir_all(&lists).unwrap();
    fs::write(
        lists.join("fire.toml"),
        "line = \"fire\"\nname = \"消防\"\norder = [\n",
    )
    .unwrap();
    // SAFETY: the only test in this binary; nothing else reads the environment meanwhile.
    unsafe {
        std::env::set_var("XUNCHA_CONFIG_DIR", dir.path().join("config"));
        std::env::set_var("XUNCHA_NOW", "2026-11-22T09:00:00+08:00");
    }
    let data = dir.path().join("data");
    let (tui, mut app, warnings) = xuncha::tui::build(&data, None).expect("the TUI starts");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("fire.toml 第 3 行有误，该文件未加载"),
        "{warnings:?}"
    );
    // The builtin 消防 stays in use.
    assert!(app.lines.iter().any(|l| l.id == "fire" && l.items > 10));

    xuncha::tui::start_warning(&mut app, &warnings);
    let mut t = Terminal::new(TestBackend::new(160, 30)).unwrap();
    t.draw(|f| xuncha::tui::screens::render(&app, f, &tui.theme, &tui.keymap))
        .unwrap();
    let buf = t.backend().buffer();
    let screen: String = (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(screen.contains("fire.toml"), "{screen}");
}
