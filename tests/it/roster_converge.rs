//! Any order of roster events and bundle deliveries converges (issue 9 point 1): three member
//! stores take in the same bundle files (an office, an approved laptop, a laptop revoked after
//! its second event that kept writing, and a squatter re-signing the approved laptop's events
//! with another key) in independently shuffled orders with repeats, and end with byte-identical
//! views and the same events kept aside. Runs through the library, store and sync, not the
//! binary: each case opens three sled stores and imports a few dozen files.

use crate::sync_common;
use sync_common::*;

use ed25519_dalek::SigningKey;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use uuid::Uuid;
use xuncha::domain::{Field, RosterChange};
use xuncha::store::{Record, Store};
use xuncha::sync::{bundle, import_file};

struct Source {
    _tmp: tempfile::TempDir,
    org: [u8; 32],
    files: Vec<PathBuf>,
    /// Finding descriptions every member must end with, sorted.
    expected: Vec<String>,
    squatted: Uuid,
}

fn squat(real: &Path, folder: &Path) {
    let b = bundle::decode(&std::fs::read(real).unwrap()).unwrap();
    let key = SigningKey::from_bytes(&[7; 32]);
    let mut prev = [0u8; 32];
    let mut records = vec![];
    for r in &b.records {
        let mut body = r.body().unwrap();
        body.prev = prev;
        body.author = "冒名者".into();
        let r = Record::seal(&body, &key);
        prev = r.hash();
        records.push(r);
    }
    let bytes = bundle::encode(b.origin, key.verifying_key().as_bytes(), b.first, &records);
    let dir = folder
        .join("xuncha-sync/bundles")
        .join(b.origin.to_string());
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(bundle::file_name(b.first, b.last, &bytes)), bytes).unwrap();
}

fn source() -> &'static Source {
    static S: OnceLock<Source> = OnceLock::new();
    S.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let now = now_ms(BASE_MS);
        let mut office = Store::open(&tmp.path().join("office")).unwrap();
        let info = office.create_org("某某市卫生健康委员会").unwrap();
        let org: [u8; 32] = hex::decode(&info.key).unwrap().try_into().unwrap();
        let me = office.device_id();
        let approve = |key: String| RosterChange::Approved {
            key,
            inspector: String::new(),
            host: String::new(),
        };
        office
            .append_roster("办公室", &now, me, approve(office.public_key_hex()))
            .unwrap();
        let mut good = Store::open(&tmp.path().join("good")).unwrap();
        let mut lost = Store::open(&tmp.path().join("lost")).unwrap();
        good.set_org(&org, "某某市卫生健康委员会").unwrap();
        lost.set_org(&org, "某某市卫生健康委员会").unwrap();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        record(&mut good, &now, a, "市第一人民医院", "安全出口堵塞");
        record(&mut good, &now, b, "市第一人民医院", "灭火器过期");
        edit(&mut good, &now, a, Field::Measures, "当日清理");
        let (c, d, e) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        record(&mut lost, &now, c, "县医院", "配电室门未锁");
        record(&mut lost, &now, d, "县医院", "氧气瓶未固定");
        record(&mut lost, &now, e, "县医院", "丢失后写的记录");
        edit(&mut lost, &now, c, Field::Description, "丢失后改的描述");
        office
            .append_roster(
                "办公室",
                &now,
                good.device_id(),
                approve(good.public_key_hex()),
            )
            .unwrap();
        office
            .append_roster(
                "办公室",
                &now,
                lost.device_id(),
                approve(lost.public_key_hex()),
            )
            .unwrap();
        // Approval and revocation land in different files (chunks of 2 events).
        record(
            &mut office,
            &now,
            Uuid::now_v7(),
            "疾控中心",
            "实验室门禁失效",
        );
        record(&mut office, &now, Uuid::now_v7(), "疾控中心", "洗眼器无水");
        office
            .append_roster(
                "办公室",
                &now,
                lost.device_id(),
                RosterChange::Revoked {
                    last_seq: 2,
                    reason: "笔记本丢失".into(),
                },
            )
            .unwrap();
        record(
            &mut office,
            &now,
            Uuid::now_v7(),
            "疾控中心",
            "危化品柜未上锁",
        );
        let mut files = vec![];
        for (name, s) in [("o", &mut office), ("g", &mut good), ("l", &mut lost)] {
            let dir = tmp.path().join(format!("folder-{name}"));
            std::fs::create_dir(&dir).unwrap();
            sync_chunked(s, &now, &dir, 2);
            files.extend(bundle_files(&dir));
        }
        let evil = tmp.path().join("folder-evil");
        for f in bundle_files(&tmp.path().join("folder-g")) {
            squat(&f, &evil);
        }
        files.extend(bundle_files(&evil));
        let mut expected: Vec<String> = [
            "安全出口堵塞",
            "灭火器过期",
            "配电室门未锁",
            "氧气瓶未固定",
            "危化品柜未上锁",
            "实验室门禁失效",
            "洗眼器无水",
        ]
        .map(String::from)
        .to_vec();
        expected.sort();
        Source {
            _tmp: tmp,
            org,
            files,
            expected,
            squatted: good.device_id(),
        }
    })
}

/// What a member ends with: its views, its aside runs, its finding descriptions (sorted).
type Outcome = ((Vec<String>, Vec<String>), Vec<String>, Vec<String>);

/// A member store that takes in `order` (indices into the files).
fn member(dir: &Path, order: &[usize]) -> Outcome {
    let src = source();
    let mut s = Store::open(dir).unwrap();
    s.set_org(&src.org, "某某市卫生健康委员会").unwrap();
    let now = now_ms(BASE_MS + DAY_MS);
    for &i in order {
        import_file(&mut s, &now, &src.files[i]).unwrap();
    }
    let aside: Vec<String> = s
        .aside_runs()
        .unwrap()
        .iter()
        .map(|r| format!("{} {} {}-{}", r.device, r.key, r.first, r.last))
        .collect();
    let mut descriptions: Vec<String> = s.all_findings().map(|f| f.unwrap().description).collect();
    descriptions.sort();
    (views(&s), aside, descriptions)
}

fn orders() -> impl Strategy<Value = Vec<usize>> {
    let n = source().files.len();
    (
        Just((0..n).collect::<Vec<usize>>()).prop_shuffle(),
        proptest::collection::vec(0..n, 0..4),
    )
        .prop_map(|(mut all, repeats)| {
            all.extend(repeats);
            all
        })
        .prop_shuffle()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn any_order_of_roster_events_and_bundles_converges(a in orders(), b in orders(), c in orders()) {
        let tmp = tempfile::tempdir().unwrap();
        let one = member(&tmp.path().join("1"), &a);
        let two = member(&tmp.path().join("2"), &b);
        let three = member(&tmp.path().join("3"), &c);
        let src = source();
        prop_assert_eq!(&one.2, &src.expected);
        prop_assert_eq!(&one.0, &two.0);
        prop_assert_eq!(&one.0, &three.0);
        prop_assert_eq!(&one.1, &two.1);
        prop_assert_eq!(&one.1, &three.1);
        // Only the squatter's copy of the approved laptop stays aside.
        prop_assert!(!one.1.is_empty());
        prop_assert!(one.1.iter().all(|r| r.starts_with(&src.squatted.to_string())));
    }
}
