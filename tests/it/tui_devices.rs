//! The devices screen (设备, issue 9) through the real keymap: home `d` opens the roster of the
//! organisation (已批准 / 待批准 / 已吊销 with names), `a` approves the selected pending laptop
//! and its events kept aside enter the register at once, `r` asks the reason and revokes.
//! Snapshot at 80x24 with Chinese names; a store in no organisation says it accepts any device.

use crate::tui_support;
use tui_support::*;
use uuid::Uuid;
use xuncha::domain::{DeviceProfile, EnrollRequest, RosterChange};
use xuncha::store::Store;
use xuncha::sync::{SyncOptions, sync};

/// An office (the harness's data dir) with its organisation, and a laptop 王芳（laptop-3） that
/// joined, recorded a hazard and synced: its events wait aside at the office.
fn scene() -> (Harness, Uuid) {
    let dir = tempfile::tempdir().unwrap();
    let usb = dir.path().join("usb");
    std::fs::create_dir(&usb).unwrap();
    let laptop_id;
    {
        let mut office = Store::open(&dir.path().join("data")).unwrap();
        let org = office.create_org("某某市卫生健康委员会").unwrap();
        let me = office.device_id();
        let key = office.public_key_hex();
        office
            .append_roster(
                INSPECTOR,
                &now(),
                me,
                RosterChange::Approved {
                    key,
                    inspector: "张主任".into(),
                    host: "office-pc".into(),
                },
            )
            .unwrap();
        let mut laptop = Store::open(&dir.path().join("laptop")).unwrap();
        let org_key: [u8; 32] = hex::decode(&org.key).unwrap().try_into().unwrap();
        laptop.set_org(&org_key, &org.name).unwrap();
        laptop.describe_self(DeviceProfile {
            inspector: "王芳".into(),
            host: "laptop-3".into(),
        });
        laptop
            .append(
                "王芳",
                &now(),
                vec![xuncha::domain::Payload::FindingRecorded {
                    finding_id: Uuid::now_v7(),
                    inspection_id: None,
                    facility: "市第一人民医院".into(),
                    department: "急诊科".into(),
                    location: "一楼走廊".into(),
                    line: "fire".into(),
                    item_id: None,
                    description: "安全出口被杂物堵塞".into(),
                    severity: xuncha::domain::Severity::General,
                    measures: "立即清理".into(),
                    due: None,
                    responsible: "保卫科".into(),
                    fixed_on_spot: false,
                    number: None,
                    category: String::new(),
                    interim: String::new(),
                    funds: String::new(),
                }],
            )
            .unwrap();
        laptop_id = laptop.device_id();
        let req = EnrollRequest {
            v: 1,
            device: laptop_id,
            key: laptop.public_key_hex(),
            inspector: "王芳".into(),
            host: "laptop-3".into(),
            org: org.key.clone(),
        };
        let opts = SyncOptions::default();
        sync(&mut laptop, &now(), &usb, &opts, &mut |_, _| {}).unwrap();
        let root = usb.join("xuncha-sync").join("enroll");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(
            root.join(format!("{laptop_id}.json")),
            serde_json::to_vec(&req).unwrap(),
        )
        .unwrap();
        let rep = sync(&mut office, &now(), &usb, &opts, &mut |_, _| {}).unwrap();
        assert!(rep.trust.held_aside.iter().any(|r| r.device == laptop_id));
    }
    (open(dir, INSPECTOR), laptop_id)
}

/// The screen with the devices' ids (random per run) masked.
fn text(h: &Harness, t: &ratatui::Terminal<ratatui::backend::TestBackend>, ids: &[Uuid]) -> String {
    let mut s = screen_text(h, t);
    for (i, id) in ids.iter().enumerate() {
        let id = id.to_string();
        let short = format!("{}…{}", &id[..8], &id[id.len() - 4..]);
        s = s.replace(&short, &format!("设备{}……", i + 1));
    }
    mask_fingerprints(&s)
}

/// Key fingerprints (`3F2A-91C0-…`, six groups of four hex digits) are random per run.
fn mask_fingerprints(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let is_fp = |w: &[char]| {
        w.len() == 29
            && w.iter().enumerate().all(|(i, c)| {
                if i % 5 == 4 {
                    *c == '-'
                } else {
                    c.is_ascii_hexdigit() && !c.is_ascii_lowercase()
                }
            })
    };
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if i + 29 <= chars.len() && is_fp(&chars[i..i + 29]) {
            out.push_str("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX");
            i += 29;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn the_office_approves_a_laptop_and_revokes_it_from_the_devices_screen() {
    let (mut h, laptop) = scene();
    let office = h.tui.runner.ctx.raw_store().device_id();
    let bar = screen_text(&h, &draw(&h, 80, 24));
    assert!(
        bar.contains("设备"),
        "home's key bar names the devices key: {bar}"
    );
    press(&mut h, &["d"]);
    let t = draw(&h, 80, 24);
    let screen = text(&h, &t, &[office, laptop]);
    assert!(
        screen.contains("待批准") && screen.contains("王芳（laptop-3）"),
        "{screen}"
    );
    insta::assert_snapshot!("devices_pending_80x24", screen);
    assert!(h.tui.runner.ctx.raw_store().all_findings().next().is_none());

    // The pending laptop is the second row: select it and approve.
    press(&mut h, &["j", "a"]);
    let screen = text(&h, &draw(&h, 80, 24), &[office, laptop]);
    assert!(screen.contains("已批准 王芳（laptop-3）"), "{screen}");
    assert!(!screen.contains("待批准"), "{screen}");
    let descriptions: Vec<String> = h
        .tui
        .runner
        .ctx
        .raw_store()
        .all_findings()
        .map(|f| f.unwrap().description)
        .collect();
    assert_eq!(descriptions, vec!["安全出口被杂物堵塞".to_string()]);

    // Revoke: the reason is asked, an empty one refused.
    press(&mut h, &["r", "enter"]);
    let screen = screen_text(&h, &draw(&h, 80, 24));
    assert!(screen.contains("不能为空"), "{screen}");
    type_text(&mut h, "笔记本丢失");
    press(&mut h, &["enter"]);
    let screen = text(&h, &draw(&h, 80, 24), &[office, laptop]);
    assert!(
        screen.contains("已吊销") && screen.contains("笔记本丢失"),
        "{screen}"
    );
    // What it wrote before stays.
    assert_eq!(h.tui.runner.ctx.raw_store().all_findings().count(), 1);
    // The help overlay lists the screen's keys.
    press(&mut h, &["?"]);
    let help = screen_text(&h, &draw(&h, 80, 24));
    assert!(
        help.contains("批准所选设备") && help.contains("吊销所选设备"),
        "{help}"
    );
}

#[test]
fn a_store_in_no_organisation_says_so_on_the_devices_screen() {
    let mut h = harness(0);
    press(&mut h, &["d"]);
    let screen = screen_text(&h, &draw(&h, 80, 24));
    assert!(
        screen.contains("本机未加入单位，接受任何设备的事件"),
        "{screen}"
    );
    press(&mut h, &["a"]);
    let screen = screen_text(&h, &draw(&h, 80, 24));
    assert!(screen.contains("org init"), "{screen}");
}
