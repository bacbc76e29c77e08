//! Issue 18: photo garbage collection through the binary. `doctor --photos` reports the photo
//! folder against every event and removes nothing; `--remove` deletes only what no event names
//! (a photo whose attach was killed before its event, its small copy, a killed write's temp
//! file). A photo taken off a hazard stays: its attach is still in the history.

use crate::common;

use common::Env;
use common::photos::{jpeg, phone_jpeg, picture, write};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// A photo file as a killed attach leaves it: a stored copy named by its hash, no event.
fn orphan(shelf: &Path) -> String {
    let bytes = jpeg(&picture(64, 48, 9), 90);
    let hash = hex::encode(Sha256::digest(&bytes));
    write(shelf, &format!("{hash}.jpg"), &bytes);
    write(&shelf.join("small"), &format!("{hash}.jpg"), &bytes);
    hash
}

fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn only_files_no_event_names_are_removed_and_only_when_asked() {
    let env = Env::new();
    let insp = env.start("南湖医院", &["fire"]);
    let id = env.add_finding(&insp, "fire", "配电室门口堆放纸箱，堵塞消防通道");
    let camera = env.tmp.path().join("DCIM");
    let a = write(&camera, "IMG_0001.JPG", &phone_jpeg(80, 40, 1));
    let b = write(&camera, "IMG_0002.JPG", &phone_jpeg(60, 40, 1));
    env.ok(&["finding", "attach", &id, path(&a), path(&b)]);
    env.ok(&["finding", "detach", &id, "2", "--reason", "拍错隐患"]);
    let shelf: PathBuf = env.data().join("photos");
    let kept_before = files(&shelf);
    let small_before = files(&shelf.join("small"));
    assert_eq!((kept_before.len(), small_before.len()), (2, 2));

    let lost = orphan(&shelf);
    write(&shelf, ".tmp-42", b"half a photo");
    write(&shelf, "说明.txt", "相机导入说明".as_bytes());

    // The report is a dry run: it names what would go and removes nothing.
    let out = env.ok(&["doctor", "--photos"]);
    assert!(out.contains("照片 3 张"), "{out}");
    assert!(out.contains("隐患上的照片 1 张"), "{out}");
    assert!(
        out.contains("已从隐患移除、处理记录仍引用的照片 1 张"),
        "{out}"
    );
    assert!(out.contains("无任何记录引用的文件 3 个"), "{out}");
    assert!(out.contains(&format!("{lost}.jpg")), "{out}");
    assert!(out.contains(&format!("small/{lost}.jpg")), "{out}");
    assert!(out.contains(".tmp-42"), "{out}");
    assert!(
        out.contains("不是本程序写的文件（未动）：说明.txt"),
        "{out}"
    );
    assert!(out.contains("只做了检查，未删除任何文件"), "{out}");
    assert_eq!(files(&shelf).len(), 5, "nothing removed by the report");

    let rep = env.json(&["doctor", "--photos"]);
    assert_eq!(rep["unreferenced"].as_array().unwrap().len(), 3);
    assert_eq!(rep["removed"], false);

    let out = env.ok(&["doctor", "--photos", "--remove"]);
    assert!(out.contains("已删除以上 3 个文件"), "{out}");
    let mut left = kept_before.clone();
    left.push("说明.txt".into());
    left.sort();
    assert_eq!(
        files(&shelf),
        left,
        "the detached photo and the foreign file stay"
    );
    assert_eq!(files(&shelf.join("small")), small_before);

    // Both photos still show where people look: on the hazard and in its history.
    let show = env.json(&["finding", "show", &id]);
    assert_eq!(show["photo_files"][0]["present"], true);
    let text = env.ok(&["finding", "show", &id]);
    assert!(text.contains("移除照片（整改前）"), "{text}");
    assert!(
        env.ok(&["doctor", "--photos"]).contains("无需清理"),
        "a second look finds nothing"
    );
    assert!(env.ok(&["doctor"]).contains("检查通过"));
}

#[test]
fn remove_needs_photos() {
    let env = Env::new();
    let err = String::from_utf8(env.run(&["doctor", "--remove"]).stderr).unwrap();
    assert!(err.contains("--photos"), "{err}");
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}
