//! Issue 18, point 1, through the binary: attaching photos to a hazard. The stored copy is
//! upright and carries no EXIF (GPS, owner, serial read back: gone); the kind is told by
//! content, not by name; the size cap is configurable; a refused file saves nothing.

use crate::common;

use common::Env;
use common::photos::{exif_tags, noisy_jpeg, phone_jpeg, png, write};
use std::path::PathBuf;

fn hazard(env: &Env) -> String {
    let insp = env.start("南湖医院", &["fire"]);
    env.add_finding(&insp, "fire", "配电室门口堆放纸箱，堵塞消防通道")
}

fn photos_dir(env: &Env) -> PathBuf {
    env.data().join("photos")
}

fn stored_files(env: &Env) -> usize {
    std::fs::read_dir(photos_dir(env))
        .map(|d| d.flatten().filter(|e| e.path().is_file()).count())
        .unwrap_or(0)
}

#[test]
fn a_phone_photo_is_kept_upright_without_gps_or_owner() {
    let env = Env::new();
    let id = hazard(&env);
    let camera = env.tmp.path().join("DCIM");
    // Stored 80×40 with orientation 6 (turn 90° clockwise): upright it is 40×80.
    let original = phone_jpeg(80, 40, 6);
    assert!(exif_tags(&original).contains(&exif::Tag::GPSLatitude));
    let path = write(&camera, "IMG_0001.JPG", &original);
    let out = env.ok(&["finding", "attach", &id, path.to_str().unwrap()]);
    assert!(
        out.contains("已添加整改前照片 IMG_0001.JPG（40×80"),
        "{out}"
    );

    let show = env.json(&["finding", "show", &id]);
    let photo = &show["photos"][0];
    assert_eq!(photo["stage"], "before");
    assert_eq!(
        (photo["width"].as_u64(), photo["height"].as_u64()),
        (Some(40), Some(80))
    );
    let file = &show["photo_files"][0];
    assert_eq!(file["present"], true);
    let stored = std::fs::read(file["path"].as_str().unwrap()).unwrap();
    assert!(
        exif_tags(&stored).is_empty(),
        "EXIF left: {:?}",
        exif_tags(&stored)
    );
    for needle in ["HUAWEI", "SN-8842", "王建国"] {
        assert!(
            !stored.windows(needle.len()).any(|w| w == needle.as_bytes()),
            "{needle} is still in the stored copy"
        );
    }
    // Upright: the dark left column of the sensor image is now the top rows.
    let img = image::load_from_memory(&stored).unwrap().to_rgb8();
    assert!(
        img.get_pixel(20, 2).0.iter().all(|c| *c < 40),
        "top is dark"
    );
    assert!(img.get_pixel(20, 70).0[2] > 150, "bottom is the gradient");
    // The text view lists it with its file.
    let text = env.ok(&["finding", "show", &id]);
    assert!(
        text.contains("照片：") && text.contains("[1] 整改前  IMG_0001.JPG  40×80"),
        "{text}"
    );
}

#[test]
fn a_renamed_text_file_a_heic_and_a_broken_photo_are_refused_and_nothing_is_kept() {
    let env = Env::new();
    let id = hazard(&env);
    let dir = env.tmp.path().join("import");
    let good = write(&dir, "good.png", &png(64, 48));
    let text = write(&dir, "整改前.jpg", "这是一段文字，不是照片".as_bytes());
    let heic = write(&dir, "IMG_2001.HEIC", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic");
    let mut cut = phone_jpeg(300, 200, 1);
    cut.truncate(cut.len() / 3);
    let broken = write(&dir, "cut.jpg", &cut);
    let before = env.events();
    let err = env.fails(&[
        "finding",
        "attach",
        &id,
        good.to_str().unwrap(),
        text.to_str().unwrap(),
    ]);
    assert!(
        err.contains("整改前.jpg") && err.contains("不是 JPEG 或 PNG"),
        "{err}"
    );
    let err = env.fails(&["finding", "attach", &id, heic.to_str().unwrap()]);
    assert!(err.contains("HEIC") && err.contains("转换为 JPEG"), "{err}");
    let err = env.fails(&["finding", "attach", &id, broken.to_str().unwrap()]);
    assert!(err.contains("cut.jpg") && err.contains("截断"), "{err}");
    assert_eq!(env.events(), before, "nothing written");
    assert_eq!(stored_files(&env), 0, "no photo kept for a refused attach");
    assert!(env.json(&["finding", "show", &id])["photos"].is_null());
}

#[test]
fn the_size_cap_is_configurable_and_refuses_before_reading() {
    let env = Env::new();
    let id = hazard(&env);
    std::fs::create_dir_all(env.config()).unwrap();
    std::fs::write(env.config().join("config.toml"), "photo_max_mb = 1\n").unwrap();
    let big = noisy_jpeg(1_500_000, 3);
    assert!(big.len() > 1024 * 1024, "{}", big.len());
    let path = write(&env.tmp.path().join("card"), "big.jpg", &big);
    let before = env.events();
    let err = env.fails(&["finding", "attach", &id, path.to_str().unwrap()]);
    assert!(
        err.contains("big.jpg")
            && err.contains("超过每张照片的上限 1.0 MB")
            && err.contains("photo_max_mb"),
        "{err}"
    );
    assert_eq!(env.events(), before);
    std::fs::write(env.config().join("config.toml"), "photo_max_mb = 4\n").unwrap();
    env.ok(&["finding", "attach", &id, path.to_str().unwrap()]);
    assert_eq!(
        env.json(&["finding", "show", &id])["photos"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn stages_follow_the_loop_and_a_photo_counts_once() {
    let env = Env::new();
    let id = hazard(&env);
    let dir = env.tmp.path().join("pics");
    let a = write(&dir, "a.jpg", &phone_jpeg(120, 90, 1));
    let b = write(&dir, "b.png", &png(90, 60));
    env.ok(&["finding", "attach", &id, a.to_str().unwrap()]);
    let again = env.ok(&["finding", "attach", &id, a.to_str().unwrap()]);
    assert!(again.contains("未重复添加"), "{again}");
    env.ok(&["finding", "rectify", &id, "--note", "纸箱已清走"]);
    env.ok(&["finding", "attach", &id, b.to_str().unwrap()]);
    env.ok(&[
        "finding",
        "attach",
        &id,
        a.to_str().unwrap(),
        "--stage",
        "after",
    ]);
    let show = env.json(&["finding", "show", &id]);
    let stages: Vec<&str> = show["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["before", "after", "after"]);
    // Same photo at two stages: one file, two mentions.
    assert_eq!(stored_files(&env), 2);
    let history = env.ok(&["finding", "show", &id]);
    assert!(history.contains("添加照片（整改后）：b.png"), "{history}");
    let err = env.fails(&[
        "finding",
        "attach",
        &id,
        a.to_str().unwrap(),
        "--stage",
        "during",
    ]);
    assert!(
        err.contains("--stage") && err.contains("before|after"),
        "{err}"
    );
}

#[test]
fn a_photo_is_removed_with_a_reason_and_its_history_and_file_stay() {
    let env = Env::new();
    let id = hazard(&env);
    let camera = env.tmp.path().join("DCIM");
    let first = write(&camera, "拍错了.jpg", &phone_jpeg(60, 40, 1));
    let second = write(&camera, "门口.png", &png(50, 30));
    env.ok(&[
        "finding",
        "attach",
        &id,
        first.to_str().unwrap(),
        second.to_str().unwrap(),
    ]);
    let files = stored_files(&env);

    // A reason is required, and the number must be one the hazard has.
    let err = env.fails(&["finding", "detach", &id, "1", "--reason", " "]);
    assert!(err.contains("请写明移除照片的原因"), "{err}");
    let err = env.fails(&["finding", "detach", &id, "3", "--reason", "多余"]);
    assert!(err.contains("该隐患没有第 3 张照片（共 2 张）"), "{err}");

    let out = env.ok(&["finding", "detach", &id, "1", "--reason", "拍错隐患"]);
    assert!(out.contains("还有照片 1 张"), "{out}");
    let show = env.json(&["finding", "show", &id]);
    let names: Vec<&str> = show["photos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["门口.png"]);
    // Both steps stay in the history; the file stays (a record still names it).
    let text = env.ok(&["finding", "show", &id]);
    assert!(text.contains("添加照片（整改前）"), "{text}");
    assert!(text.contains("移除照片（整改前）"), "{text}");
    assert!(text.contains("拍错隐患"), "{text}");
    assert_eq!(stored_files(&env), files);

    // Attached again, it is back.
    env.ok(&["finding", "attach", &id, first.to_str().unwrap()]);
    let show = env.json(&["finding", "show", &id]);
    assert_eq!(show["photos"].as_array().unwrap().len(), 2);
}
