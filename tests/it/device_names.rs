//! Devices carry names people know: a device describes itself (inspector, host) before its
//! first own event and when a name changes, and every store that holds its events labels it so.

use crate::common;
use crate::sync_common;

use common::Env;
use sync_common::*;
use uuid::Uuid;
use xuncha::ops::{describe_self, device_label_in};
use xuncha::store::Store;

#[test]
fn a_synced_device_reads_as_its_inspector_and_host() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let mut a = Store::open(&tmp.path().join("a")).unwrap();
    let mut b = Store::open(&tmp.path().join("b")).unwrap();
    let now = now_ms(BASE_MS);
    a.describe_self(xuncha::domain::DeviceProfile {
        inspector: "王芳".into(),
        host: "laptop-3".into(),
    });
    let a_id = a.device_id();
    let unknown = format!("设备 {}", &a_id.simple().to_string()[24..]);
    assert_eq!(
        device_label_in(&b, a_id),
        unknown,
        "never heard of: short id"
    );

    // Opening and reading writes nothing; the first own event brings the description.
    assert_eq!(a.own_seq(), 0);
    record(
        &mut a,
        &now,
        Uuid::from_u128(7),
        "西城区中医院",
        "消防通道堆放杂物",
    );
    assert_eq!(a.own_seq(), 2);
    assert_eq!(device_label_in(&a, a_id), "王芳（laptop-3）");
    sync_with(&mut a, &now, &folder);
    sync_with(&mut b, &now, &folder);
    assert_eq!(device_label_in(&b, a_id), "王芳（laptop-3）");
    // The finding itself came over unchanged.
    assert_eq!(b.finding_count(), 1);

    // The same name again writes nothing more; a new name is written once.
    a.describe_self(xuncha::domain::DeviceProfile {
        inspector: "王芳".into(),
        host: "laptop-3".into(),
    });
    record(
        &mut a,
        &now,
        Uuid::from_u128(8),
        "西城区中医院",
        "灭火器过期",
    );
    assert_eq!(a.own_seq(), 3);
    a.describe_self(xuncha::domain::DeviceProfile {
        inspector: "王芳".into(),
        host: "laptop-4".into(),
    });
    record(
        &mut a,
        &now,
        Uuid::from_u128(9),
        "西城区中医院",
        "配电室门未锁",
    );
    assert_eq!(a.own_seq(), 5);
    sync_with(&mut a, &now, &folder);
    sync_with(&mut b, &now, &folder);
    assert_eq!(device_label_in(&b, a_id), "王芳（laptop-4）");
    assert!(b.rebuild(false).unwrap().is_clean());
}

#[test]
fn the_cli_describes_the_device_with_the_configured_inspector() {
    let env = Env::new();
    let ins = env
        .cmd(&[
            "inspection",
            "start",
            "--facility",
            "西城区中医院",
            "--mode",
            "self",
        ])
        .args(["--inspector", "王建国", "--line", "fire"])
        .env("XUNCHA_USER", "王芳")
        .env("XUNCHA_HOST", "laptop-3")
        .output()
        .unwrap();
    assert!(ins.status.success(), "{ins:?}");
    let out = env
        .cmd(&["--json", "device"])
        .env("XUNCHA_USER", "王芳")
        .env("XUNCHA_HOST", "laptop-3")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["label"], "王芳（laptop-3）");
    let _ = describe_self; // the ops entry point the faces call at start
}
