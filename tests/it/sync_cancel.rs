//! A cancelled sync (Esc in the TUI sets the flag) applies nothing half: with the flag set
//! before the first bundle nothing comes in, nothing goes out, and the sync marks stay, so the
//! next sync does the whole work.

use crate::sync_common;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use sync_common::*;
use uuid::Uuid;
use xuncha::store::Store;
use xuncha::sync::{self, SyncOptions};

#[test]
fn a_cancelled_sync_takes_nothing_in_and_keeps_the_marks() {
    let tmp = tempfile::tempdir().unwrap();
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let now = now_ms(BASE_MS);
    let mut a = Store::open(&tmp.path().join("a")).unwrap();
    for i in 0..3 {
        record(
            &mut a,
            &now,
            Uuid::now_v7(),
            "东城区人民医院",
            &format!("隐患{i}"),
        );
    }
    sync_with(&mut a, &now, &usb);
    let mut b = Store::open(&tmp.path().join("b")).unwrap();
    record(&mut b, &now, Uuid::now_v7(), "西城区中医院", "本机隐患");
    let before = views(&b);
    let opts = SyncOptions {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..SyncOptions::default()
    };
    let rep = sync::sync(&mut b, &now, &usb, &opts, &mut |_, _| {}).unwrap();
    assert!(rep.cancelled);
    assert_eq!(views(&b), before, "nothing of a's bundles applied");
    assert!(rep.bundles_written.is_empty(), "nothing exported");
    assert_eq!(b.unsynced_events().unwrap(), 1, "own events still wait");
    // The next sync does the whole work.
    let rep = sync_with(&mut b, &now, &usb);
    assert!(!rep.cancelled);
    assert_eq!(b.finding_count(), 4);
}
