//! Issue 14: the TUI closes its store by the rule the CLI's commands close by. In a real
//! pseudo-terminal, a session that only browses leaves the search index file sealed, so the
//! `xuncha search` after it answers without opening the store; a session that saves a hazard
//! leaves no seal, and the search after it opens the store and finds the hazard.

use crate::common;
use crate::search_seal_commands::{office, sealed_at, search};
use common::Env;
use common::pty::spawn;
use std::io::Write;
use std::time::{Duration, Instant};
use xuncha::catalog::Catalog;

/// The TUI over `env`'s store with `steps` typed once home is drawn (each: keys, then the text
/// waited for before the next step), quit with Ctrl-c; insists on a clean exit.
fn session(env: &Env, steps: &[(&[&str], &str)]) {
    std::fs::create_dir_all(env.config()).unwrap();
    std::fs::write(env.config().join("config.toml"), "inspector = \"测试员\"\n").unwrap();
    let (mut child, screen, mut keys, _master) = spawn(&env.data(), &env.config());
    let mut send = |s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    };
    let mut seen = 0;
    screen.wait_for("待同步事件", &mut seen);
    for (typed, then) in steps {
        for k in *typed {
            send(k);
        }
        screen.wait_for(then, &mut seen);
    }
    send("\x03");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "xuncha did not quit on Ctrl-c");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}\n{}", screen.plain());
}

#[test]
fn after_a_tui_session_that_only_browsed_the_next_search_does_not_open_the_store() {
    let env = Env::new();
    office(&env);
    let (expected, _) = search(&env, "消防通道");
    let before = sealed_at(&env).expect("sealed before the session");
    // The register, a hazard's detail, back, and a search of the TUI's own.
    session(
        &env,
        &[
            (&["r"], "消防通道堆放杂物"),
            (&["\r"], "问题隐患"),
            (&["\x1b", "\x1b"], "待同步事件"),
            (&["/"], "搜索隐患、检查项"),
            (&["消防通道"], "消防通道堆放杂物"),
            // Closing the overlay redraws only what it covered: nothing to wait for.
            (&["\x1b"], ""),
        ],
    );
    let after = sealed_at(&env);
    assert!(
        after.is_some_and(|t| t > before),
        "the TUI left no new seal ({before:?} → {after:?})"
    );
    let (hits, opened) = search(&env, "消防通道");
    assert!(!opened, "the search after the TUI opened the store");
    assert_eq!(hits, expected);
}

#[test]
fn after_a_tui_session_that_saved_a_hazard_the_next_search_opens_the_store_and_finds_it() {
    let env = Env::new();
    // No facility registered: the new inspection below starts without being asked about one.
    let insp = env.start("某某区人民医院", &["fire"]);
    env.add_finding(&insp, "fire", "消防通道堆放杂物");
    search(&env, "消防通道");
    assert!(sealed_at(&env).is_some(), "a search seals a current file");
    let catalog = Catalog::builtin();
    let fire = catalog.lines.iter().position(|l| l.line == "fire").unwrap() + 1;
    let hazard = catalog
        .items_of(&["fire".to_string()])
        .nth(1)
        .unwrap()
        .hazard
        .clone();
    let titled = |hits: &serde_json::Value| {
        hits.as_array()
            .unwrap()
            .iter()
            .filter(|h| h["kind"] == "finding" && h["title"].as_str() == Some(&hazard))
            .count()
    };
    let (hits, _) = search(&env, &hazard);
    let had = titled(&hits);
    // A new inspection of the fire line; the second item failed, its pre-filled hazard saved
    // (the first Ctrl-s names the blank fields, the second saves on purpose).
    let fire = fire.to_string();
    session(
        &env,
        &[
            (&["n"], "受检单位"),
            (
                &["北苑社区卫生服务中心", "\t\t\t\t", &fire, "\x13"],
                "总进度",
            ),
            (&["p", "f"], "登记隐患"),
            (&["\x13", "\x13"], "已保存"),
        ],
    );
    assert!(
        sealed_at(&env).is_none(),
        "a session that saved a hazard left a seal"
    );
    let (hits, opened) = search(&env, &hazard);
    assert!(opened, "the search after a save did not open the store");
    assert_eq!(titled(&hits), had + 1, "{hits}");
}
