//! Demo data stays demo: `xuncha demo` only fills an empty data dir, a demo data dir never
//! syncs, and a demo device's bundles in a sync folder are refused by a real store, named.

use crate::common;

use common::Env;
use xuncha::ops::{self, Ctx};
use xuncha::store::Store;
use xuncha::sync::bundle;

fn out(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn demo_fills_an_empty_data_dir_and_refuses_one_that_holds_anything() {
    let e = Env::new();
    e.ok(&["demo", "--scale", "20"]);
    let held = e.events();
    assert!(held > 20);
    // Again on the demo dir: it holds something now.
    let err = e.fails(&["demo", "--scale", "20"]);
    assert!(
        err.contains("已有数据") && err.contains("--data-dir"),
        "{err}"
    );
    assert_eq!(e.events(), held, "nothing added");

    let real = Env::new();
    let insp = real.start("市第一人民医院", &["fire"]);
    real.add_finding(&insp, "fire", "灭火器过期");
    let before = real.events();
    let err = real.fails(&["demo", "--scale", "20"]);
    assert!(
        err.contains("数据目录") && err.contains("已有数据"),
        "{err}"
    );
    assert_eq!(real.events(), before, "no demo event in a real store");
    assert_eq!(real.json(&["finding", "list"]).as_array().unwrap().len(), 1);
}

#[test]
fn demo_refuses_a_folder_with_other_files() {
    let e = Env::new();
    std::fs::create_dir_all(e.data()).unwrap();
    std::fs::write(e.data().join("工作记录.docx"), b"x").unwrap();
    let err = e.fails(&["demo", "--scale", "5"]);
    assert!(
        err.contains("工作记录.docx") && err.contains("别的文件"),
        "{err}"
    );
    assert!(!e.data().join("db").exists(), "no store made there");
}

#[test]
fn a_demo_data_dir_never_syncs() {
    let e = Env::new();
    e.ok(&["demo", "--scale", "10"]);
    let folder = e.tmp.path().join("usb");
    std::fs::create_dir_all(&folder).unwrap();
    let err = e.fails(&["sync", "--dir", folder.to_str().unwrap()]);
    assert!(
        err.contains("演示数据") && err.contains("不能同步"),
        "{err}"
    );
    assert!(
        !folder.join("xuncha-sync").exists(),
        "nothing written to the folder"
    );
}

/// A demo device's bundle that reached a folder anyway (written here through the library, as
/// an old xuncha would have exported it) is refused by a real store, named, and not imported.
#[test]
fn a_real_store_refuses_a_demo_devices_bundle() {
    let office = Env::new();
    let folder = office.tmp.path().join("share");
    std::fs::create_dir_all(&folder).unwrap();
    let dir = folder.to_str().unwrap();
    office.ok(&["sync", "--dir", dir]);

    let demo_dir = office.tmp.path().join("demo");
    let (origin, name, bytes) = {
        let mut ctx = Ctx::new(
            Store::open(&demo_dir).unwrap(),
            xuncha::catalog::Catalog::builtin(),
            xuncha::domain::Now(chrono::DateTime::parse_from_rfc3339(common::NOW).unwrap()),
            "演示",
        );
        ops::demo_store(&mut ctx, 5).unwrap();
        let s = ctx.raw_store();
        assert!(s.is_demo());
        let origin = s.device_id();
        let records = s.records(origin, 1, s.own_seq()).unwrap();
        let key = s.device_key(origin).unwrap().unwrap();
        let bytes = bundle::encode(origin, &key, 1, &records);
        (origin, bundle::file_name(1, s.own_seq(), &bytes), bytes)
    };
    let odir = folder.join("xuncha-sync/bundles").join(origin.to_string());
    std::fs::create_dir_all(&odir).unwrap();
    std::fs::write(odir.join(&name), &bytes).unwrap();

    let before = office.events();
    let o = office.run(&["sync", "--dir", dir]);
    let text = out(&o);
    assert_eq!(o.status.code(), Some(3), "{text}");
    assert!(
        text.contains("演示数据") && text.contains(&origin.to_string()[..8]),
        "{text}"
    );
    assert_eq!(office.events(), before, "no demo event imported");
    assert_eq!(
        office.json(&["finding", "list"]).as_array().unwrap().len(),
        0
    );
}
