//! The organisation and its roster through the built binary (issue 9 point 1): the office makes
//! the organisation, a laptop joins through the folder, its events are kept aside until the
//! office approves it (then applied without another sync), a revoked laptop's later events are
//! refused while its earlier ones stay, and a key squatter seen first no longer blocks the real
//! device. The organisation's private key never shows in any output.

use crate::common;

use common::Env;
use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};
use std::process::Output;
use xuncha::store::Record;
use xuncha::sync::bundle;

fn as_host(e: &Env, host: &str, user: &str, args: &[&str]) -> Output {
    e.cmd(args)
        .env("XUNCHA_HOST", host)
        .env("XUNCHA_USER", user)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(e: &Env, host: &str, args: &[&str]) -> String {
    let o = as_host(e, host, "测试员", args);
    assert!(o.status.success(), "xuncha {args:?}: {}", text(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn sync(e: &Env, host: &str, dir: &Path) -> (i32, String) {
    let o = as_host(e, host, "测试员", &["sync", "--dir", dir.to_str().unwrap()]);
    (o.status.code().unwrap_or(-1), text(&o))
}

fn synced(e: &Env, host: &str, dir: &Path) -> String {
    let (code, out) = sync(e, host, dir);
    assert_eq!(code, 0, "{out}");
    out
}

fn device_id(e: &Env) -> String {
    e.json(&["device"])["device_id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn findings(e: &Env) -> Vec<String> {
    e.json(&["finding", "list"])
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["description"].as_str().unwrap().to_string())
        .collect()
}

fn roster(e: &Env) -> Vec<serde_json::Value> {
    e.json(&["device", "list"]).as_array().unwrap().clone()
}

fn row(e: &Env, device: &str) -> serde_json::Value {
    roster(e)
        .into_iter()
        .find(|r| r["device"] == device)
        .unwrap_or_else(|| panic!("{device} not in the roster"))
}

/// An office with an organisation published in `folder`, and a laptop that joined it as 王芳.
fn office_and_laptop(folder: &Path) -> (Env, Env) {
    let office = Env::new();
    let out = ok(
        &office,
        "office-pc",
        &["org", "init", "--name", "某某市卫生健康委员会"],
    );
    assert!(out.contains("单位指纹："), "{out}");
    synced(&office, "office-pc", folder);
    assert!(folder.join("xuncha-sync/org.json").exists());
    let laptop = Env::new();
    let o = as_host(
        &laptop,
        "laptop-3",
        "王芳",
        &["org", "join", "--dir", folder.to_str().unwrap(), "--yes"],
    );
    assert!(o.status.success(), "{}", text(&o));
    let shown = text(&o);
    let fp = office.json(&["org", "show"])["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(shown.contains(&fp), "join shows the fingerprint: {shown}");
    (office, laptop)
}

fn record_on(laptop: &Env, description: &str) {
    let o = as_host(
        laptop,
        "laptop-3",
        "王芳",
        &[
            "inspection",
            "start",
            "--facility",
            "市第一人民医院",
            "--mode",
            "supervision",
            "--inspector",
            "王芳",
            "--line",
            "fire",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let insp = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let o = as_host(
        laptop,
        "laptop-3",
        "王芳",
        &[
            "finding",
            "add",
            "--inspection",
            &insp,
            "--line",
            "fire",
            "--description",
            description,
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn join_request_approve_applies_what_was_kept_aside_without_another_sync() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let (office, laptop) = office_and_laptop(&folder);
    assert!(
        folder
            .join("xuncha-sync/enroll")
            .join(format!("{}.json", device_id(&laptop)))
            .exists()
    );
    record_on(&laptop, "安全出口被杂物堵塞");
    synced(&laptop, "laptop-3", &folder);

    let before = office.ok(&["finding", "list"]);
    let out = synced(&office, "office-pc", &folder);
    assert!(
        out.contains("条事件来自未批准的设备") && out.contains("已暂存，待批准"),
        "{out}"
    );
    assert!(out.contains("王芳（laptop-3）"), "names the device: {out}");
    // Kept aside: the office's views are byte-identical.
    assert_eq!(office.ok(&["finding", "list"]), before);
    assert!(findings(&office).is_empty());
    let list = office.ok(&["device", "list"]);
    assert!(
        list.contains("待批准：") && list.contains("王芳（laptop-3）"),
        "{list}"
    );
    let id = device_id(&laptop);
    let r = row(&office, &id);
    assert_eq!(r["status"], "pending");
    assert_eq!(r["requested"], true);
    assert!(r["aside_events"].as_u64().unwrap() >= 3, "{r}");
    let doctor = office.ok(&["doctor"]);
    assert!(
        doctor.contains("待批准"),
        "doctor lists what is aside: {doctor}"
    );

    // Approve by a prefix: applied at once, no sync needed.
    let out = ok(&office, "office-pc", &["device", "approve", &id[..13]]);
    assert!(out.contains("已批准 王芳（laptop-3）"), "{out}");
    assert_eq!(findings(&office), vec!["安全出口被杂物堵塞".to_string()]);
    assert_eq!(row(&office, &id)["status"], "approved");
    assert_eq!(row(&office, &id)["aside_events"], 0);

    // The approval travels: the laptop learns it on its next sync.
    synced(&office, "office-pc", &folder);
    synced(&laptop, "laptop-3", &folder);
    assert_eq!(row(&laptop, &id)["status"], "approved");
}

#[test]
fn a_revoked_laptop_keeps_what_it_wrote_before_and_is_refused_after() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let (office, laptop) = office_and_laptop(&folder);
    let id = device_id(&laptop);
    record_on(&laptop, "配电室门未上锁");
    synced(&laptop, "laptop-3", &folder);
    synced(&office, "office-pc", &folder);
    ok(&office, "office-pc", &["device", "approve", &id]);
    assert_eq!(findings(&office), vec!["配电室门未上锁".to_string()]);

    let out = ok(
        &office,
        "office-pc",
        &["device", "revoke", &id, "--reason", "笔记本丢失"],
    );
    assert!(out.contains("已吊销"), "{out}");
    let r = row(&office, &id);
    assert_eq!(r["status"], "revoked");
    assert_eq!(r["reason"], "笔记本丢失");

    // The lost laptop keeps writing; its later events are refused and reported.
    record_on(&laptop, "伪造：氧气瓶间无问题");
    synced(&laptop, "laptop-3", &folder);
    let (code, out) = sync(&office, "office-pc", &folder);
    assert_eq!(
        code, 3,
        "a revoked device writing is for a person to see: {out}"
    );
    assert!(out.contains("已被吊销") && out.contains("未导入"), "{out}");
    assert_eq!(findings(&office), vec!["配电室门未上锁".to_string()]);
}

/// Re-signs every event of `real` (a bundle file) with another key, as a squatter would, and
/// writes the result into `folder` under the same device id.
fn squat(real: &Path, folder: &Path) {
    let b = bundle::decode(&std::fs::read(real).unwrap()).unwrap();
    let key = SigningKey::from_bytes(&[7; 32]);
    let mut prev = [0u8; 32];
    let mut records = vec![];
    for r in &b.records {
        let mut body = r.body().unwrap();
        body.prev = prev;
        let r = Record::seal(&body, &key);
        prev = r.hash();
        records.push(r);
    }
    let bytes = bundle::encode(b.origin, key.verifying_key().as_bytes(), b.first, &records);
    let name = bundle::file_name(b.first, b.last, &bytes);
    let dir = folder
        .join("xuncha-sync/bundles")
        .join(b.origin.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
    std::fs::write(folder.join("xuncha-sync/FORMAT"), "xuncha-sync 1\n").unwrap();
}

fn bundles_of(folder: &Path, device: &str) -> Vec<PathBuf> {
    let dir = folder.join("xuncha-sync/bundles").join(device);
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn a_key_squatter_seen_first_no_longer_blocks_the_real_device() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    let evil = tmp.path().join("evil");
    std::fs::create_dir(&folder).unwrap();
    std::fs::create_dir(&evil).unwrap();
    let (office, laptop) = office_and_laptop(&folder);
    let id = device_id(&laptop);
    record_on(&laptop, "消防通道堆放杂物");
    synced(&laptop, "laptop-3", &folder);
    for b in bundles_of(&folder, &id) {
        squat(&b, &evil);
    }

    // The office reads the squatter's copy first: kept aside, no view changes.
    let (code, out) = sync(&office, "office-pc", &evil);
    assert_eq!(code, 0, "{out}");
    assert!(findings(&office).is_empty());
    // Then the real device's bundle and its request: also aside, not refused as forged.
    let out = synced(&office, "office-pc", &folder);
    assert!(!out.contains("伪造"), "{out}");
    ok(&office, "office-pc", &["device", "approve", &id]);
    assert_eq!(findings(&office), vec!["消防通道堆放杂物".to_string()]);
    // The squatter's events stay aside under their own key.
    let r = row(&office, &id);
    assert_eq!(r["status"], "approved");
    assert!(r["aside_events"].as_u64().unwrap() > 0, "{r}");

    // A second member that also meets the squatter first converges on the same record.
    let other = Env::new();
    let o = as_host(
        &other,
        "laptop-9",
        "李强",
        &["org", "join", "--dir", folder.to_str().unwrap(), "--yes"],
    );
    assert!(o.status.success(), "{}", text(&o));
    synced(&office, "office-pc", &folder);
    let (code, out) = sync(&other, "laptop-9", &evil);
    assert_eq!(code, 0, "{out}");
    synced(&other, "laptop-9", &folder);
    assert_eq!(findings(&other), vec!["消防通道堆放杂物".to_string()]);
}

#[test]
fn a_store_in_no_organisation_says_it_accepts_any_device() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let e = Env::new();
    let out = synced(&e, "pc", &folder);
    assert!(out.contains("本机未加入单位，接受任何设备的事件"), "{out}");
}

#[test]
fn join_refuses_without_a_terminal_and_without_yes() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let office = Env::new();
    ok(
        &office,
        "office-pc",
        &["org", "init", "--name", "某某市卫生健康委员会"],
    );
    synced(&office, "office-pc", &folder);
    let laptop = Env::new();
    let err = laptop.fails(&["org", "join", "--dir", folder.to_str().unwrap()]);
    assert!(err.contains("--yes"), "{err}");
    assert!(laptop.json(&["org", "show"]).is_null(), "nothing joined");
}

#[test]
fn a_hostile_org_card_is_refused_with_the_file_named() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    let root = folder.join("xuncha-sync");
    std::fs::create_dir_all(&root).unwrap();
    let laptop = Env::new();
    let dir = folder.to_str().unwrap();
    // Missing.
    let err = laptop.fails(&["org", "join", "--dir", dir, "--yes"]);
    assert!(err.contains("org init"), "{err}");
    // Too large.
    std::fs::write(root.join("org.json"), vec![b' '; 100_000]).unwrap();
    let err = laptop.fails(&["org", "join", "--dir", dir, "--yes"]);
    assert!(
        err.contains("org.json") && err.contains("超过上限"),
        "{err}"
    );
    // A fingerprint that does not match its key.
    let card = serde_json::json!({"v": 1, "name": "某委", "key": hex_key(), "fingerprint": "0000-0000-0000-0000-0000-0000"});
    std::fs::write(root.join("org.json"), card.to_string()).unwrap();
    let err = laptop.fails(&["org", "join", "--dir", dir, "--yes"]);
    assert!(err.contains("指纹与其公钥不符"), "{err}");
    // A symlink is not followed.
    #[cfg(unix)]
    {
        std::fs::remove_file(root.join("org.json")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("org.json")).unwrap();
        let err = laptop.fails(&["org", "join", "--dir", dir, "--yes"]);
        assert!(err.contains("符号链接"), "{err}");
    }
    assert!(laptop.json(&["org", "show"]).is_null(), "nothing joined");
}

fn hex_key() -> String {
    let k = SigningKey::from_bytes(&[9; 32]);
    k.verifying_key()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_organisation_private_key_never_leaves_the_data_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("usb");
    std::fs::create_dir(&folder).unwrap();
    let (office, laptop) = office_and_laptop(&folder);
    let secret = std::fs::read_to_string(office.data().join("org.key")).unwrap();
    let secret = secret.trim();
    assert_eq!(secret.len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(office.data().join("org.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    synced(&laptop, "laptop-3", &folder);
    synced(&office, "office-pc", &folder);
    let id = device_id(&laptop);
    let csv = tmp.path().join("台账.csv");
    let mut outputs = vec![
        office.ok(&["--json", "device", "list"]),
        office.ok(&["device", "list"]),
        office.ok(&["--json", "device"]),
        office.ok(&["--json", "org", "show"]),
        office.ok(&["org", "show"]),
        ok(&office, "office-pc", &["--json", "device", "approve", &id]),
        synced(&office, "office-pc", &folder),
        office.ok(&["doctor"]),
    ];
    office.ok(&["export", "--format", "csv", "--out", csv.to_str().unwrap()]);
    outputs.push(std::fs::read_to_string(&csv).unwrap());
    for o in &outputs {
        assert!(!o.contains(secret), "the org private key leaked: {o}");
    }
    // Nor any file in the sync folder.
    for e in walk(&folder) {
        let bytes = std::fs::read(&e).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "{} holds the org private key",
            e.display()
        );
    }
}

fn walk(p: &Path) -> Vec<PathBuf> {
    let mut out = vec![];
    for e in std::fs::read_dir(p).unwrap() {
        let e = e.unwrap().path();
        if e.is_dir() {
            out.extend(walk(&e));
        } else {
            out.push(e);
        }
    }
    out
}
