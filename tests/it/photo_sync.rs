//! Issue 18, point 2, through the binary: photos travel beside the bundles across three
//! devices. A photo missing from the folder, corrupt, oversized or a link is refused (or
//! waits) without refusing the events that name it, shows 「照片未同步」, and arrives at a
//! later sync; a photo two devices hold is written once.

use crate::common;

use common::Env;
use common::photos::{phone_jpeg, png, write};
use std::path::{Path, PathBuf};

struct Trio {
    field: Env,
    office: Env,
    other: Env,
    folder: tempfile::TempDir,
}

impl Trio {
    fn new() -> Trio {
        Trio {
            field: Env::new(),
            office: Env::new(),
            other: Env::new(),
            folder: tempfile::tempdir().unwrap(),
        }
    }

    fn sync(&self, env: &Env) -> String {
        env.ok(&["sync", "--dir", self.folder.path().to_str().unwrap()])
    }

    fn blob(&self, hash: &str) -> PathBuf {
        self.folder
            .path()
            .join("xuncha-sync/photos")
            .join(format!("{hash}.jpg"))
    }

    fn blobs(&self) -> usize {
        std::fs::read_dir(self.folder.path().join("xuncha-sync/photos"))
            .map(|d| d.count())
            .unwrap_or(0)
    }
}

fn attach(env: &Env, id: &str, file: &Path, extra: &[&str]) -> String {
    let mut args = vec!["--json", "finding", "attach", id, file.to_str().unwrap()];
    args.extend_from_slice(extra);
    let v: serde_json::Value = serde_json::from_str(&env.ok(&args)).unwrap();
    v.as_array().unwrap().last().unwrap()["hash"]
        .as_str()
        .unwrap()
        .to_string()
}

/// (hash, present) of each photo of the hazard on `env`.
fn photo_state(env: &Env, id: &str) -> Vec<(String, bool)> {
    let v = env.json(&["finding", "show", id]);
    v["photo_files"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["hash"].as_str().unwrap().to_string(),
                        p["present"].as_bool().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn photos_reach_every_device_and_bad_copies_never_block_the_records() {
    let t = Trio::new();
    let pics = t.field.tmp.path().join("pics");
    let insp = t.field.start("南湖医院", &["fire"]);
    let id = t
        .field
        .add_finding(&insp, "fire", "配电室门口堆放纸箱，堵塞消防通道");
    let h1 = attach(
        &t.field,
        &id,
        &write(&pics, "1.jpg", &phone_jpeg(160, 120, 1)),
        &[],
    );
    let h2 = attach(&t.field, &id, &write(&pics, "2.png", &png(100, 80)), &[]);
    let out = t.sync(&t.field);
    assert!(out.contains("照片：已写出 2 张"), "{out}");
    assert_eq!(t.blobs(), 2);

    // The office receives both, verified.
    let out = t.sync(&t.office);
    assert!(out.contains("已取回 2 张"), "{out}");
    assert_eq!(
        photo_state(&t.office, &id),
        [(h1.clone(), true), (h2.clone(), true)]
    );

    // Missing: a third photo whose file has not reached the folder yet (the sync engine is
    // still copying it). The event arrives; the photo waits.
    let h3 = attach(
        &t.field,
        &id,
        &write(&pics, "3.jpg", &phone_jpeg(90, 90, 3)),
        &[],
    );
    t.sync(&t.field);
    std::fs::remove_file(t.blob(&h3)).unwrap();
    let out = t.sync(&t.other);
    assert!(out.contains("照片未同步：1 张尚未到达"), "{out}");
    assert_eq!(
        photo_state(&t.other, &id),
        [(h1.clone(), true), (h2.clone(), true), (h3.clone(), false)]
    );
    let shown = t.other.ok(&["finding", "show", &id]);
    assert!(
        shown.contains("[3] 整改前  3.jpg  90×90  照片未同步"),
        "{shown}"
    );
    // The field laptop's next sync puts it back; the other device's next sync fetches it.
    t.sync(&t.field);
    assert!(t.blob(&h3).is_file());
    let out = t.sync(&t.other);
    assert!(out.contains("已取回 1 张"), "{out}");
    assert!(
        photo_state(&t.other, &id)
            .iter()
            .all(|(_, present)| *present)
    );

    // Corrupt: the office adds an 整改后 photo; its file is damaged in the folder (same size).
    t.field
        .ok(&["finding", "rectify", &id, "--note", "纸箱已清走"]);
    t.sync(&t.field);
    t.sync(&t.office);
    let after = phone_jpeg(140, 100, 1);
    let h4 = attach(
        &t.office,
        &id,
        &write(&pics, "after.jpg", &after),
        &["--stage", "after"],
    );
    t.sync(&t.office);
    let mut bytes = std::fs::read(t.blob(&h4)).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(t.blob(&h4), &bytes).unwrap();
    let out = t.sync(&t.other);
    assert!(
        out.contains(&format!(
            "照片 photos/{h4}.jpg 已拒收：内容与名字中的哈希不符"
        )),
        "{out}"
    );
    let state = photo_state(&t.other, &id);
    assert_eq!(
        state.len(),
        4,
        "the event naming the corrupt photo was imported"
    );
    assert_eq!(state[3], (h4.clone(), false));
    assert_eq!(
        t.other.json(&["finding", "show", &id])["status"],
        "rectified",
        "the other events of that sync were imported"
    );

    // Oversized: the same name replaced by a 40 MB file: refused by its size, never read.
    std::fs::remove_file(t.blob(&h4)).unwrap();
    let f = std::fs::File::create(t.blob(&h4)).unwrap();
    f.set_len(40 * 1024 * 1024).unwrap();
    let out = t.sync(&t.other);
    assert!(out.contains("超过照片上限 32.0 MB，未读取"), "{out}");
    assert_eq!(photo_state(&t.other, &id)[3], (h4.clone(), false));

    // A link in its place is never followed.
    std::fs::remove_file(t.blob(&h4)).unwrap();
    let outside = write(t.other.tmp.path(), "secret.jpg", &after);
    std::os::unix::fs::symlink(&outside, t.blob(&h4)).unwrap();
    let out = t.sync(&t.other);
    assert!(out.contains("符号链接"), "{out}");
    assert_eq!(photo_state(&t.other, &id)[3], (h4.clone(), false));

    // Cleared away, the office writes it again and the other device takes it.
    std::fs::remove_file(t.blob(&h4)).unwrap();
    t.sync(&t.office);
    t.sync(&t.other);
    assert_eq!(photo_state(&t.other, &id)[3], (h4.clone(), true));

    // Duplicated: the other device attaches the same picture the field laptop took, to
    // another hazard. The folder keeps one file, written once (not rewritten).
    let id2 = t.other.add_finding(
        &t.other.start("北湖社区卫生服务中心", &["fire"]),
        "fire",
        "灭火器压力不足",
    );
    let dup = attach(
        &t.other,
        &id2,
        &write(&pics, "copy-of-1.jpg", &phone_jpeg(160, 120, 1)),
        &[],
    );
    assert_eq!(
        dup, h1,
        "the same picture has the same hash on every device"
    );
    let before = std::fs::metadata(t.blob(&h1)).unwrap().modified().unwrap();
    let count = t.blobs();
    t.sync(&t.other);
    assert_eq!(t.blobs(), count);
    assert_eq!(
        std::fs::metadata(t.blob(&h1)).unwrap().modified().unwrap(),
        before
    );

    // All three converge: the same photos on both hazards, every one present.
    for env in [&t.field, &t.office, &t.other] {
        t.sync(env);
    }
    for env in [&t.field, &t.office] {
        t.sync(env);
    }
    let want = photo_state(&t.other, &id);
    assert_eq!(want.len(), 4);
    for env in [&t.field, &t.office, &t.other] {
        assert_eq!(photo_state(env, &id), want);
        assert_eq!(photo_state(env, &id2), [(h1.clone(), true)]);
    }
}
