//! `xuncha doctor` on a store that no longer opens, and `doctor --recover --from` rebuilding
//! the data dir from a sync folder: every device's synced events, this device's identity kept.

use crate::common;

use common::Env;

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn descriptions(e: &Env) -> Vec<String> {
    let mut v: Vec<String> = e
        .json(&["finding", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["description"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// Cuts the sled data file short, as a failing disk or a killed copy would.
fn truncate_store(e: &Env) {
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(e.data().join("db/db"))
        .unwrap();
    f.set_len(1000).unwrap();
}

struct Two {
    a: Env,
    b: Env,
    folder: std::path::PathBuf,
}

impl Two {
    fn new() -> Two {
        let a = Env::new();
        let b = Env::new();
        let folder = a.tmp.path().join("share");
        std::fs::create_dir_all(&folder).unwrap();
        Two { a, b, folder }
    }
    fn dir(&self) -> &str {
        self.folder.to_str().unwrap()
    }
    fn sync(&self, e: &Env) -> String {
        e.ok(&["sync", "--dir", self.dir()])
    }
}

#[test]
fn recovery_after_the_store_file_is_truncated_keeps_identity_and_synced_events() {
    let t = Two::new();
    let ia = t.a.start("市第一人民医院", &["fire"]);
    t.a.add_finding(&ia, "fire", "灭火器过期");
    t.sync(&t.a);
    let ib = t.b.start("区妇幼保健院", &["energy"]);
    t.b.add_finding(&ib, "energy", "电线私拉乱接");
    t.sync(&t.b);
    t.sync(&t.a);
    t.a.add_finding(&ia, "fire", "从未同步的隐患");
    let device = t.a.json(&["device"])["device_id"].clone();
    truncate_store(&t.a);

    // Every command fails; doctor says what happened and the way forward, in Chinese.
    let o = t.a.run(&["doctor"]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("数据库无法打开") && msg.contains("doctor --recover --from"),
        "{msg}"
    );

    let o = t.a.run(&["doctor", "--recover", "--from", t.dir()]);
    let msg = text(&o);
    assert_eq!(o.status.code(), Some(0), "{msg}");
    assert!(
        msg.contains("本机身份不变") && msg.contains("db.broken-"),
        "{msg}"
    );
    let kept = std::fs::read_dir(t.a.data())
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("db.broken-"));
    assert!(kept, "the broken database is kept aside");

    assert_eq!(t.a.json(&["device"])["device_id"], device);
    assert_eq!(descriptions(&t.a), ["灭火器过期", "电线私拉乱接"]);
    t.a.ok(&["doctor"]);

    // It works on: a new finding syncs to B with no fork, no freeze, exit 0 everywhere.
    t.a.add_finding(&ia, "fire", "恢复后登记的隐患");
    t.sync(&t.a);
    t.sync(&t.b);
    t.sync(&t.a);
    assert!(t.a.json(&["device"])["frozen"].is_null());
    assert!(t.b.json(&["device"])["frozen"].is_null());
    assert_eq!(descriptions(&t.a), descriptions(&t.b));
    assert_eq!(descriptions(&t.b).len(), 3);

    // A store that opens needs no recovery; nothing is touched.
    let err = t.a.fails(&["doctor", "--recover", "--from", t.dir()]);
    assert!(err.contains("不需要恢复"), "{err}");
}

#[test]
fn recovery_without_the_key_makes_a_new_identity_and_keeps_the_old_events() {
    let t = Two::new();
    let ia = t.a.start("市第一人民医院", &["fire"]);
    t.a.add_finding(&ia, "fire", "灭火器过期");
    t.sync(&t.a);
    let old = t.a.json(&["device"])["device_id"].clone();
    truncate_store(&t.a);
    std::fs::remove_file(t.a.data().join("device.key")).unwrap();

    let o =
        t.a.run(&["--json", "doctor", "--recover", "--from", t.dir()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let rep: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(rep["kept_identity_through"].is_null());
    assert_ne!(rep["device"], old);
    assert_eq!(t.a.json(&["device"])["device_id"], rep["device"]);
    assert_eq!(descriptions(&t.a), ["灭火器过期"]);
    // Both identities' events travel: B gets the old device's finding and the new one's.
    t.a.add_finding(&ia, "fire", "新身份登记");
    t.sync(&t.a);
    t.sync(&t.b);
    assert_eq!(descriptions(&t.b), ["新身份登记", "灭火器过期"]);
}

#[test]
fn recovery_refuses_a_folder_that_is_not_a_sync_folder() {
    let e = Env::new();
    let insp = e.start("市第一人民医院", &["fire"]);
    e.add_finding(&insp, "fire", "灭火器过期");
    truncate_store(&e);
    let empty = e.tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let err = e.fails(&["doctor", "--recover", "--from", empty.to_str().unwrap()]);
    assert!(err.contains("没有 xuncha 同步文件夹"), "{err}");
    assert!(e.data().join("db").exists(), "nothing moved");
}
