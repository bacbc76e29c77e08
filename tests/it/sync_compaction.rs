//! A folder that stays small (issue 12 point 3): new events go out as small files, a device
//! merges its own small files and removes those a larger file of its own covers, by a rule safe
//! against a reader listing the folder at the same moment and against an old copy of the
//! folder coming back (README, 同步文件夹 / The sync folder).

use crate::sync_common;
use sync_common::*;

use std::path::Path;
use uuid::Uuid;
use xuncha::store::Store;
use xuncha::sync::{self, SyncOptions};

fn add(s: &mut Store, n: usize, tag: &str) {
    let now = now_ms(BASE_MS);
    for i in 0..n {
        record(
            s,
            &now,
            Uuid::now_v7(),
            "东城区人民医院",
            &format!("{tag} 第{i}处 消防通道堆放杂物"),
        );
    }
}

fn folder_bytes(dir: &Path) -> (u64, usize) {
    bundle_files(dir)
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .fold((0, 0), |(b, n), x| (b + x, n + 1))
}

fn copy_tree(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&e.path(), &dest);
        } else if !dest.exists() {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn store(dir: &Path, name: &str) -> Store {
    Store::open(&dir.join(name)).unwrap()
}

#[test]
fn folder_size_after_100_syncs_of_10_events() {
    let tmp = tempfile::tempdir().unwrap();
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let mut a = store(tmp.path(), "a");
    let now = now_ms(BASE_MS);
    let mut written = 0u64;
    let mut most_files = 0;
    let mut most_bytes = 0;
    for k in 0..100 {
        add(&mut a, 10, &format!("第{k}次"));
        let rep = sync_with(&mut a, &now, &usb);
        assert_eq!(rep.exit_code(), 0);
        for b in &rep.bundles_written {
            written += std::fs::metadata(usb.join("xuncha-sync/bundles").join(&b.file))
                .map(|m| m.len())
                .unwrap_or(0);
        }
        most_files = most_files.max(bundle_files(&usb).len());
        most_bytes = most_bytes.max(folder_bytes(&usb).0);
    }
    sync_with(&mut a, &now, &usb);
    let (bytes, files) = folder_bytes(&usb);
    // The same 1000 events in one file: the least any layout can take.
    let one = tempfile::tempdir().unwrap();
    let mut fresh = store(tmp.path(), "fresh");
    sync_with(&mut fresh, &now, &usb);
    sync_with(&mut fresh, &now, one.path());
    let (least, _) = folder_bytes(one.path());
    println!(
        "100 syncs of 10 events: folder {bytes} B in {files} files (at most {most_files} files \
         and {most_bytes} B at once); all bundles written over the 100 syncs {written} B; the \
         1000 events in one file: {least} B"
    );
    assert!(most_bytes <= 2 * least, "{most_bytes} vs {least}");
    assert!(bytes <= least + least / 10, "{bytes} vs {least}");
    assert!(most_files <= 12, "{most_files}");
    assert!(written < 12 * least, "{written} vs {least}");
    // A fresh device reads everything back.
    assert_eq!(fresh.event_count(), 1000);
}

#[test]
fn one_new_event_writes_a_small_file() {
    let tmp = tempfile::tempdir().unwrap();
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let mut a = store(tmp.path(), "a");
    add(&mut a, 640, "底");
    let now = now_ms(BASE_MS);
    sync_with(&mut a, &now, &usb);
    add(&mut a, 1, "新");
    let rep = sync_with(&mut a, &now, &usb);
    assert_eq!(rep.bundles_written.len(), 1);
    assert_eq!(rep.bundles_written[0].events, 1);
    assert_eq!(
        (rep.bundles_written[0].first, rep.bundles_written[0].last),
        (641, 641)
    );
}

/// B lists the folder, then, while B reads, A syncs and compacts; B must still end with all
/// of A's events, in this very sync, with nothing called damaged.
#[test]
fn compaction_racing_a_reader_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let (mut a, mut b) = (store(tmp.path(), "a"), store(tmp.path(), "b"));
    let now = now_ms(BASE_MS);
    // The last sync merges the small files into one; the next one removes them.
    for n in [20, 10, 5, 3] {
        add(&mut a, n, "前");
        sync_with(&mut a, &now, &usb);
    }
    add(&mut a, 3, "后");
    let before = bundle_files(&usb);
    assert!(before.len() >= 3, "{before:?}");
    let mut raced = false;
    let rep = sync::sync(
        &mut b,
        &now,
        &usb,
        &SyncOptions::default(),
        &mut |done, _| {
            if done == 1 && !raced {
                raced = true;
                // A writes its new events and removes the files its merged file covers.
                let r1 = sync_with(&mut a, &now, &usb);
                let r2 = sync_with(&mut a, &now, &usb);
                assert!(!r1.bundles_written.is_empty());
                assert!(
                    r1.removed.len() + r2.removed.len() > 0,
                    "A compacted: {r1:?}"
                );
            }
        },
    )
    .unwrap();
    assert!(raced);
    assert!(rep.vanished > 0, "files vanished under the reader: {rep:?}");
    assert_eq!(rep.exit_code(), 0, "{:?}", rep.rejected);
    assert!(rep.rejected.is_empty());
    assert_eq!(b.event_count(), 41, "all of A's events, in the same sync");
    assert_eq!(views(&a), views(&b));
}

/// An old copy of the folder comes back (merged in, or replacing it): no event is lost, the
/// files it brings back are removed again, and every device converges.
#[test]
fn an_old_copy_of_the_folder_coming_back_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let usb = tmp.path().join("usb");
    let old = tmp.path().join("old");
    std::fs::create_dir_all(&usb).unwrap();
    std::fs::create_dir_all(&old).unwrap();
    let (mut a, mut b) = (store(tmp.path(), "a"), store(tmp.path(), "b"));
    let now = now_ms(BASE_MS);
    for k in 0..6 {
        add(&mut a, 10, &format!("A{k}"));
        add(&mut b, 7, &format!("B{k}"));
        sync_with(&mut a, &now, &usb);
        sync_with(&mut b, &now, &usb);
        if k == 2 {
            copy_tree(&usb, &old);
        }
    }
    sync_with(&mut a, &now, &usb);
    sync_with(&mut b, &now, &usb);
    let small = bundle_files(&usb).len();

    // Merged in (a backup restored over the folder): nothing rejected, extra files go again.
    copy_tree(&old, &usb);
    assert!(bundle_files(&usb).len() > small);
    for s in [&mut a, &mut b] {
        let rep = sync_with(s, &now, &usb);
        assert_eq!(rep.exit_code(), 0, "{:?}", rep.rejected);
    }
    for s in [&mut a, &mut b] {
        sync_with(s, &now, &usb);
    }
    assert_eq!(
        bundle_files(&usb).len(),
        small,
        "restored files compacted away again"
    );
    let mut c = store(tmp.path(), "c");
    sync_with(&mut c, &now, &usb);
    assert_eq!(c.event_count(), 60 + 42);

    // Replacing it (the newer files gone): the devices write back what it lacks.
    std::fs::remove_dir_all(&usb).unwrap();
    std::fs::create_dir_all(&usb).unwrap();
    copy_tree(&old, &usb);
    for s in [&mut a, &mut b] {
        let rep = sync_with(s, &now, &usb);
        assert_eq!(rep.exit_code(), 0, "{:?}", rep.rejected);
    }
    let mut d = store(tmp.path(), "d");
    let rep = sync_with(&mut d, &now, &usb);
    assert_eq!(rep.exit_code(), 0);
    assert_eq!(d.event_count(), 60 + 42);
    assert_eq!(views(&a), views(&d));
    assert_eq!(views(&b), views(&d));
    assert_eq!(views(&c), views(&d));
}

/// Files of the old layout (each sync rewrote the whole chunk as 1-N) are compacted by their
/// origin; another device's files are never removed.
#[test]
fn old_cumulative_files_are_compacted_by_their_origin_only() {
    let tmp = tempfile::tempdir().unwrap();
    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let (mut a, mut b) = (store(tmp.path(), "a"), store(tmp.path(), "b"));
    let now = now_ms(BASE_MS);
    add(&mut a, 5, "旧");
    sync_with(&mut a, &now, &usb);
    let first = bundle_files(&usb);
    add(&mut a, 5, "旧");
    // The old layout's second file: the whole chunk so far, 1-10, beside 1-5.
    let scratch = tempfile::tempdir().unwrap();
    sync_with(&mut a, &now, scratch.path());
    let cumulative = bundle_files(scratch.path()).pop().unwrap();
    let dest = first[0]
        .parent()
        .unwrap()
        .join(cumulative.file_name().unwrap());
    std::fs::copy(&cumulative, &dest).unwrap();
    // B relays; it removes nothing of A's.
    let rep = sync_with(&mut b, &now, &usb);
    assert!(rep.removed.is_empty());
    assert_eq!(bundle_files(&usb).len(), 2);
    // A sees 1-10 covering 1-5 and removes 1-5.
    let rep = sync_with(&mut a, &now, &usb);
    assert_eq!(rep.removed.len(), 1, "{rep:?}");
    assert_eq!(bundle_files(&usb), vec![dest]);
}
