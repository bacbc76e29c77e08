//! Issue 18, point 3, in a real pseudo-terminal: a terminal that shows no pictures gets the
//! numbered list of a hazard's photos, 「照片未同步」 on one not here, and `o` hands the next
//! photo to the system viewer without waiting for it (the viewer here is a stand-in script on
//! PATH that records what it was given and then sleeps).

use crate::common;

use common::Env;
use common::photos::{phone_jpeg, png, write};
use common::pty::spawn_with;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

#[test]
fn the_detail_lists_the_photos_and_o_opens_them_in_the_viewer() {
    let env = Env::new();
    let insp = env.start("南湖医院", &["fire"]);
    let id = env.add_finding(&insp, "fire", "配电室门口堆放纸箱");
    let pics = env.tmp.path().join("pics");
    env.ok(&[
        "finding",
        "attach",
        &id,
        write(&pics, "门口.jpg", &phone_jpeg(160, 120, 1))
            .to_str()
            .unwrap(),
    ]);
    let v: serde_json::Value = serde_json::from_str(&env.ok(&[
        "--json",
        "finding",
        "attach",
        &id,
        write(&pics, "未到.png", &png(60, 40)).to_str().unwrap(),
    ]))
    .unwrap();
    // The second photo's file has not arrived (as after a sync that lacked it).
    let missing = v[1]["hash"].as_str().unwrap().to_string();
    std::fs::remove_file(env.data().join("photos").join(format!("{missing}.jpg"))).unwrap();

    // A stand-in for xdg-open: records its argument, then keeps running for a minute.
    let bin = env.tmp.path().join("bin");
    let opened = env.tmp.path().join("opened.txt");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$1\" >> '{}'\nsleep 60\n",
            opened.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:/usr/bin:/bin", bin.display());

    std::fs::create_dir_all(env.config()).unwrap();
    std::fs::write(env.config().join("config.toml"), "inspector = \"测试员\"\n").unwrap();
    let (mut child, screen, mut keys, _master) = spawn_with(
        &env.data(),
        &env.config(),
        &[("PATH", path.as_str()), ("TERM", "xterm-256color")],
    );
    let mut send = |s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    };
    let mut seen = 0;
    screen.wait_for("待同步事件", &mut seen);
    send("r");
    screen.wait_for("配电室门口堆放纸箱", &mut seen);
    send("\r");
    // ratatui moves the cursor over spaces after wide glyphs: match words, not spacing.
    screen.wait_for("张未同步）", &mut seen);
    screen.wait_for("[1]", &mut seen);
    screen.wait_for("门口.jpg160×120", &mut seen);
    screen.wait_for("[2]", &mut seen);
    screen.wait_for("未到.png60×40", &mut seen);
    screen.wait_for("照片未同步", &mut seen);
    // No inline picture protocol was written (kitty graphics, sixel, iTerm2).
    let raw = screen.text();
    assert!(!raw.contains("\x1b_G") && !raw.contains("\x1bP") && !raw.contains("\x1b]1337;"));

    send("o");
    screen.wait_for("已用系统查看器打开照片", &mut seen);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !opened.exists() {
        assert!(Instant::now() < deadline, "the viewer was not started");
        std::thread::sleep(Duration::from_millis(50));
    }
    let given = std::fs::read_to_string(&opened).unwrap();
    assert!(
        given.trim().ends_with(".jpg") && given.contains("/photos/"),
        "{given}"
    );
    // The viewer still runs (it sleeps a minute); the TUI answers the next key at once.
    send("o");
    screen.wait_for("未同步：下次同步时取回后再看", &mut seen);
    send("\x03");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(Instant::now() < deadline, "xuncha did not quit on Ctrl-c");
        std::thread::sleep(Duration::from_millis(50));
    }
}
