//! Shared setup of the ops unit tests: a temp store with a pinned clock, and an inspection of
//! the fire line by 王检查.

use super::{Ctx, NewInspection, start_inspection};
use uuid::Uuid;

/// A context on a fresh temp store, acting as 王检查 at 2026-11-22 09:00 +08:00.
pub fn ctx() -> (tempfile::TempDir, Ctx) {
    let dir = tempfile::tempdir().unwrap();
    let ctx = ctx_at(dir.path());
    (dir, ctx)
}

/// As [`ctx`], on the store in `dir` (made when missing): for tests that open it again, and
/// for the faces' unit tests, which name no store type.
pub fn ctx_at(dir: &std::path::Path) -> Ctx {
    let store = crate::store::Store::open(dir).unwrap();
    let now = crate::domain::Now(
        chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap(),
    );
    Ctx::new(store, crate::catalog::Catalog::builtin(), now, "王检查")
}

/// Whether the data dir `dir` holds a search index seal (`search_seal`).
pub fn sealed(dir: &std::path::Path) -> bool {
    dir.join(crate::store::SEAL_FILE).exists()
}

/// A 督查 of 南湖医院 on the fire line by 王检查: its id and its first item.
pub fn fire_inspection(ctx: &mut Ctx) -> (Uuid, String) {
    let insp = start_inspection(
        ctx,
        NewInspection {
            facility: "南湖医院".into(),
            mode: Some(crate::domain::Mode::Supervision),
            inspectors: vec!["王检查".into()],
            lines: vec!["fire".into()],
            ..Default::default()
        },
    )
    .unwrap();
    let item = ctx.items_of_inspection(&insp)[0].id.clone();
    (insp.id, item)
}

/// A context on a fresh temp store filled by `ops::demo` with `scale` findings, acting as
/// 王建国 at 2026-11-22 09:00 +08:00.
pub fn demo_ctx(scale: usize) -> (tempfile::TempDir, Ctx) {
    let dir = tempfile::tempdir().unwrap();
    let now = crate::domain::Now(
        chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00+08:00").unwrap(),
    );
    let mut ctx = Ctx::new(
        crate::store::Store::open(dir.path()).unwrap(),
        crate::catalog::Catalog::builtin(),
        now,
        "王建国",
    );
    super::demo(&mut ctx, scale).unwrap();
    (dir, ctx)
}
