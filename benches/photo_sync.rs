//! Sync cost of photos (issue 18): N photos of about 3 MB each (default 1,000; set
//! `XUNCHA_PHOTO_BENCH_N`) attached on one device, written to an empty sync folder, and taken
//! in by a second device (read under the size cap, SHA-256 checked, written and fsynced; the
//! small copy is made later, when a form first shows the photo).
//! Printed beside the reference measured in the same run on the same files: `cp -r` of the
//! stored photos, and `sha256sum` of them. Needs about 3 × N × 3 MB of free disk while it
//! runs; everything is removed at the end. Run: `cargo bench --bench photo_sync`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;
use xuncha::catalog::Catalog;
use xuncha::domain::{Mode, Now};
use xuncha::ops::{self, Ctx, NewFinding, NewInspection};
use xuncha::store::Store;
use xuncha::sync::{self, SyncOptions};

/// Photos attached per call (the CLI takes at most 50 at once).
const BATCH: usize = 50;

fn dir_bytes(p: &Path) -> u64 {
    let Ok(rd) = std::fs::read_dir(p) else {
        return 0;
    };
    rd.flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_bytes(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

fn mb(n: u64) -> String {
    format!("{:.0} MB", n as f64 / 1_048_576.0)
}

/// A noisy JPEG that stays about 3 MB once re-encoded at quality 90 by the attach.
fn photo(seed: u64) -> Vec<u8> {
    let (w, h) = (1600u32, 1200u32);
    let mut rng = fastrand::Rng::with_seed(seed);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let n = rng.u8(..) / 2;
        image::Rgb([(x / 7) as u8 ^ n, (y / 5) as u8 ^ n, n])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&img)
        .unwrap();
    out
}

fn run(cmd: &mut Command) -> f64 {
    let t = Instant::now();
    let st = cmd.status().expect("run reference command");
    assert!(st.success(), "{cmd:?}");
    t.elapsed().as_secs_f64()
}

fn main() {
    let n: usize = std::env::var("XUNCHA_PHOTO_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let now = Now(chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap());
    let open = |name: &str| {
        Ctx::new(
            Store::open(&tmp.path().join(name)).unwrap(),
            Catalog::builtin(),
            now,
            "王建国",
        )
    };
    let mut a = open("a");
    let insp = ops::start_inspection(
        &mut a,
        NewInspection {
            facility: "南湖医院".into(),
            departments: vec![],
            mode: Some(Mode::Supervision),
            inspectors: vec!["王建国".into()],
            lines: vec!["fire".into()],
        },
    )
    .unwrap();
    let finding = ops::record_finding(
        &mut a,
        NewFinding {
            inspection: Some(insp.id),
            line: Some("fire".into()),
            description: "配电室门口堆放纸箱".into(),
            ..Default::default()
        },
    )
    .unwrap();

    // Attach in batches; the camera files are removed once attached (disk).
    let camera = tmp.path().join("camera");
    std::fs::create_dir_all(&camera).unwrap();
    let (mut gen_s, mut attach_s) = (0.0, 0.0);
    for batch in 0..n.div_ceil(BATCH) {
        let t = Instant::now();
        let files: Vec<_> = (batch * BATCH..((batch + 1) * BATCH).min(n))
            .map(|i| {
                let p = camera.join(format!("IMG_{i:04}.JPG"));
                std::fs::write(&p, photo(i as u64)).unwrap();
                p
            })
            .collect();
        gen_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        ops::attach_photos(&mut a, finding.id, &files, None).unwrap();
        attach_s += t.elapsed().as_secs_f64();
        for f in files {
            std::fs::remove_file(f).unwrap();
        }
    }
    let shelf = tmp.path().join("a/photos");
    let stored = dir_bytes(&shelf) - dir_bytes(&shelf.join("small"));
    println!(
        "{n} photos, stored copies {} ({:.2} MB each), small copies {}",
        mb(stored),
        stored as f64 / n as f64 / 1_048_576.0,
        mb(dir_bytes(&shelf.join("small")))
    );
    println!("  (making the test photos took {gen_s:.1} s)");

    // References on the same files, same disk.
    let refdir = tmp.path().join("cp-ref");
    let cp_s = run(Command::new("cp").arg("-r").arg(&shelf).arg(&refdir));
    std::fs::remove_dir_all(&refdir).unwrap();
    let sha_s = run(Command::new("sh")
        .arg("-c")
        .arg(format!("sha256sum {}/*.jpg > /dev/null", shelf.display())));

    let usb = tmp.path().join("usb");
    std::fs::create_dir_all(&usb).unwrap();
    let opts = SyncOptions::default();
    let t = Instant::now();
    let rep = ops::sync(&mut a, &usb, &opts, &mut |_, _| {}).unwrap();
    let export_s = t.elapsed().as_secs_f64();
    assert_eq!(rep.photos.sent, n);
    let folder = dir_bytes(&usb.join("xuncha-sync"));
    let photos_in_folder = dir_bytes(&usb.join("xuncha-sync/photos"));
    let t = Instant::now();
    let again = ops::sync(&mut a, &usb, &opts, &mut |_, _| {}).unwrap();
    let repeat_s = t.elapsed().as_secs_f64();
    assert_eq!(again.photos.sent, 0);
    drop(a);

    let mut b = open("b");
    let t = Instant::now();
    let rep = ops::sync(&mut b, &usb, &opts, &mut |_, _| {}).unwrap();
    let import_s = t.elapsed().as_secs_f64();
    assert_eq!(rep.photos.fetched, n, "{:?}", rep.photos.refused);
    let _ = sync::photos::BLOB_READ_LIMIT;
    drop(b);
    // The cost moved out of sync in: each small copy is made the first time a form shows it.
    let b_shelf = xuncha::photo::Shelf::of(&tmp.path().join("b"));
    let t = Instant::now();
    for h in b_shelf.hashes() {
        assert!(b_shelf.small(&h).is_some());
    }
    let small_s = t.elapsed().as_secs_f64();

    println!("| step | time | reference (same run) |");
    println!("|---|---|---|");
    println!(
        "| attach {n} photos (decode, orient, strip, re-encode, small copy) | {attach_s:.1} s | — |"
    );
    println!(
        "| sync out to an empty folder | {export_s:.1} s | cp -r of the stored photos {cp_s:.1} s |"
    );
    println!(
        "| sync in on a second device (read, hash check, fsync; small copy made when first shown) | {import_s:.1} s | sha256sum of them {sha_s:.1} s; cp -r {cp_s:.1} s |"
    );
    println!(
        "| small copies on the second device, made when first shown (all {n}) | {small_s:.1} s | — |"
    );
    println!("| repeat sync, nothing new | {repeat_s:.2} s | — |");
    println!(
        "| folder size | {} (photos {}, bundles {}) | stored copies {} |",
        mb(folder),
        mb(photos_in_folder),
        mb(folder - photos_in_folder),
        mb(stored)
    );
}
