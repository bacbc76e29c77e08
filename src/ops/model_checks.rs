//! Checks that the read models kept with the log (issue 14: home's counters, the inspection
//! marks, the register's rows) answer as the full views do, before and after lifecycle steps.

mod tests {
    use crate::catalog::Catalog;
    use crate::domain::Status;
    use crate::domain::{Finding, FindingQuery, Now};
    use crate::ops::{Ctx, RegisterRow, register_rows};
    use crate::store::Store;

    /// When the demo stores of these checks are made.
    const MADE: &str = "2026-11-22T09:00:00+08:00";

    fn now(text: &str) -> Now {
        Now(chrono::DateTime::parse_from_rfc3339(text).unwrap())
    }

    /// The store at `dir`, opened by 王建国 at `MADE`.
    fn ctx_at(dir: &std::path::Path) -> Ctx {
        Ctx::new(
            Store::open(dir).unwrap(),
            Catalog::builtin(),
            now(MADE),
            "王建国",
        )
    }

    /// A fresh demo store of `scale` findings (every status, deadlines past and near).
    fn demo_ctx(scale: usize) -> (tempfile::TempDir, Ctx) {
        let dir = tempfile::tempdir().unwrap();
        let mut ctx = ctx_at(dir.path());
        crate::ops::demo(&mut ctx, scale).unwrap();
        (dir, ctx)
    }

    /// The findings 待整改.
    fn open_findings(ctx: &Ctx) -> Vec<Finding> {
        ctx.list_findings(&FindingQuery {
            status: Some(crate::domain::StatusFilter::Open),
            ..Default::default()
        })
        .unwrap()
    }

    /// Home's per-line figures counted from every full view with the domain's own rules.
    fn figures_from_views(ctx: &Ctx) -> Vec<(String, usize, usize, usize, usize)> {
        let today = ctx.now.today();
        let soon = today + chrono::Duration::days(7);
        let mut by_line: std::collections::BTreeMap<String, (usize, usize, usize, usize)> =
            Default::default();
        for f in ctx.raw_store().all_findings() {
            let f: Finding = f.unwrap();
            if f.retracted || !matches!(f.status, Status::Open | Status::Rectified) {
                continue;
            }
            let c = by_line.entry(f.line.clone()).or_default();
            c.0 += 1;
            if f.overdue_on(today) {
                c.1 += 1;
            } else if f.status == Status::Open && f.due_in_force().is_some_and(|d| d <= soon) {
                c.2 += 1;
            }
            c.3 += usize::from(f.review_waiting_over(&ctx.now, ctx.review_days));
        }
        // Home sums more than two lines outside the seven into one row (id "").
        let core = |l: &str| ctx.catalog.line(l).is_some_and(|l| l.core);
        if by_line.keys().filter(|l| !core(l)).count() > 2 {
            let extras: Vec<String> = by_line.keys().filter(|l| !core(l)).cloned().collect();
            let mut sum = (0, 0, 0, 0);
            for l in extras {
                let c = by_line.remove(&l).unwrap();
                sum = (sum.0 + c.0, sum.1 + c.1, sum.2 + c.2, sum.3 + c.3);
            }
            by_line.insert(String::new(), sum);
        }
        by_line
            .into_iter()
            .map(|(l, (a, b, c, d))| (l, a, b, c, d))
            .collect()
    }

    fn figures_from_home(ctx: &Ctx) -> Vec<(String, usize, usize, usize, usize)> {
        let mut v: Vec<_> = crate::ops::home(ctx, None)
            .unwrap()
            .lines
            .into_iter()
            .filter(|c| c.open > 0)
            .map(|c| (c.id, c.open, c.overdue, c.due_soon, c.review_late))
            .collect();
        v.sort();
        v
    }

    /// On a demo store (every status, deadlines past and near, 四书 deadlines, rectified
    /// findings waiting), home's figures from the counters equal the ones counted from every
    /// full view on several days and offsets, before and after lifecycle steps; `doctor` finds
    /// the counters equal to a rebuild; and the register rows equal the full views' rows.
    #[test]
    fn counters_answer_as_the_full_views_do() {
        let made = now(MADE);
        let (_dir, mut ctx) = demo_ctx(400);
        let check = |ctx: &mut Ctx| {
            let mut overdue = 0;
            for day in [
                "2025-01-01T08:00:00+08:00",
                "2026-11-22T09:00:00+08:00",
                "2026-11-29T23:30:00+05:45",
                "2027-03-01T23:30:00-05:00",
            ] {
                ctx.now = now(day);
                let (home, views) = (figures_from_home(ctx), figures_from_views(ctx));
                assert_eq!(home, views, "{day}");
                overdue += home.iter().map(|c| c.2).sum::<usize>();
            }
            assert!(overdue > 0);
            let rep = ctx.raw_store().rebuild(false).unwrap();
            assert!(rep.view_mismatches.is_empty(), "{:?}", rep.view_mismatches);
        };
        check(&mut ctx);
        // Lifecycle steps move findings between counters: rectify, verify, retract.
        ctx.now = made;
        let open = open_findings(&ctx);
        for (n, f) in open.iter().take(12).enumerate() {
            let id = f.id;
            match n % 3 {
                0 => {
                    crate::ops::rectify(&mut ctx, id, "已清理").unwrap();
                }
                1 => {
                    crate::ops::rectify(&mut ctx, id, "已清理").unwrap();
                    crate::ops::verify(&mut ctx, id, true, "").unwrap();
                }
                _ => {
                    crate::ops::retract(&mut ctx, id, "登记有误").unwrap();
                }
            }
        }
        check(&mut ctx);
        // Two unfinished inspections, one finished after it started: marks move with them.
        for (who, finish) in [("王建国", false), ("李芳", true), ("赵强", false)] {
            ctx.author = who.into();
            let i = crate::ops::start_inspection(
                &mut ctx,
                crate::ops::NewInspection {
                    facility: "南湖医院".into(),
                    departments: vec![],
                    mode: Some(crate::domain::Mode::SelfCheck),
                    inspectors: vec![who.into()],
                    lines: vec!["fire".into()],
                },
            )
            .unwrap();
            if finish {
                crate::ops::finish_inspection(&mut ctx, i.id).unwrap();
            }
        }
        ctx.author = "王建国".into();
        let home = crate::ops::home(&ctx, None).unwrap();
        assert_eq!(home.unfinished.len(), 1);
        assert_eq!(home.others.len(), 1);
        assert_eq!(home.recent[0].facility, "南湖医院");
        // The inspection marks list the inspections as the full views do, newest first.
        let marks = |finished: bool| -> Vec<uuid::Uuid> {
            ctx.raw_store()
                .inspection_marks_newest(finished)
                .map(|m| m.unwrap().id)
                .collect()
        };
        let full = ctx.list_inspections().unwrap();
        for finished in [true, false] {
            let want: Vec<uuid::Uuid> = full
                .iter()
                .filter(|i| i.is_finished() == finished)
                .map(|i| i.id)
                .collect();
            assert!(!want.is_empty());
            assert_eq!(marks(finished), want, "finished: {finished}");
        }
        let rows = register_rows(&ctx).unwrap();
        let full: Vec<RegisterRow> = ctx
            .raw_store()
            .all_findings()
            .map(|f| f.unwrap())
            .map(|f| RegisterRow::from_finding(&f, ctx.catalog.line_name(&f.line), &ctx.now))
            .collect();
        assert_eq!(rows, full);

        // A counter that drifted from the log is found by doctor and mended by a rebuild.
        ctx.raw_store().damage_a_counter().unwrap();
        let rep = ctx.raw_store().rebuild(false).unwrap();
        assert!(
            rep.view_mismatches.iter().any(|m| m.contains("读模型")),
            "{:?}",
            rep.view_mismatches
        );
        assert!(ctx.raw_store().rebuild(true).unwrap().rebuilt);
        assert!(ctx.raw_store().rebuild(false).unwrap().is_clean());
    }

    /// A binary older than the models writes events and views but leaves the counters and
    /// their stamp as they were: the next open sees the stamp is not the log's extent and
    /// builds the models again, so home answers as the full views do.
    #[test]
    fn counters_left_stale_by_an_older_binary_are_rebuilt_on_open() {
        let (dir, mut ctx) = demo_ctx(60);
        let before = ctx.raw_store().live_models().unwrap();
        let stamp = ctx.raw_store().stored_models_stamp().unwrap();
        assert!(stamp.is_some());
        let open = open_findings(&ctx);
        for f in open.iter().take(5) {
            crate::ops::rectify(&mut ctx, f.id, "已清理").unwrap();
        }
        // What the older binary leaves: the new events and views, the old models and stamp.
        ctx.raw_store().set_models_as(&before, stamp).unwrap();
        assert_ne!(figures_from_home(&ctx), figures_from_views(&ctx));
        drop(ctx);
        let ctx = ctx_at(dir.path());
        assert_eq!(figures_from_home(&ctx), figures_from_views(&ctx));
        let rep = ctx.raw_store().rebuild(false).unwrap();
        assert!(rep.view_mismatches.is_empty(), "{:?}", rep.view_mismatches);
        // A mark from before stamps (`1`) cannot tell whether such a binary wrote: rebuilt too.
        let current = ctx.raw_store().live_models().unwrap();
        ctx.raw_store()
            .set_models_as(&before, Some(b"1".to_vec()))
            .unwrap();
        drop(ctx);
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.live_models().unwrap(), current);
    }

    /// Rows stored as JSON by the versions before the binary rows (stamped `models_v2`) are
    /// built again on open, in the binary form, and the register reads the same rows.
    #[test]
    fn json_rows_of_an_older_version_are_rebuilt_on_open() {
        let (dir, ctx) = demo_ctx(60);
        let rows = register_rows(&ctx).unwrap();
        let current = ctx.raw_store().live_models().unwrap();
        ctx.raw_store().set_rows_as_json().unwrap();
        assert_ne!(ctx.raw_store().live_models().unwrap(), current);
        drop(ctx);
        let ctx = ctx_at(dir.path());
        assert_eq!(ctx.raw_store().live_models().unwrap(), current);
        assert_eq!(register_rows(&ctx).unwrap(), rows);
        assert!(ctx.raw_store().rebuild(false).unwrap().is_clean());
    }

    /// `doctor`'s bounded check compares the read models one entry at a time (counters as
    /// they are, rows and marks as a digest): any entry changed, missing or extra is reported
    /// as the full comparison reports it, and the models put back are clean again.
    #[test]
    fn doctors_check_sees_every_kind_of_damage_to_the_read_models() {
        let (_dir, ctx) = demo_ctx(60);
        let s = ctx.raw_store();
        assert!(s.check().unwrap().is_clean());
        let live = s.live_models().unwrap();
        let stamp = s.stored_models_stamp().unwrap();
        let keys: Vec<Vec<u8>> = live.keys().cloned().collect();
        // One entry of each kind: a counter (`#c`), a register row (`#r`), an inspection mark.
        let kind = |p: &[&[u8]]| {
            keys.iter()
                .find(|k| p.iter().any(|p| k.starts_with(p)))
                .expect("an entry of each kind")
        };
        let picks = [kind(&[b"#c"]), kind(&[b"#r"]), kind(&[b"#s", b"#u"])];
        type Models = std::collections::BTreeMap<Vec<u8>, Vec<u8>>;
        let mut damaged: Vec<(String, Models)> = Vec::new();
        for k in picks {
            let mut m = live.clone();
            m.get_mut(k).unwrap().push(0);
            damaged.push((format!("changed {k:?}"), m));
            let mut m = live.clone();
            m.remove(k);
            damaged.push((format!("missing {k:?}"), m));
            let mut m = live.clone();
            let mut extra = k.clone();
            extra.push(0);
            m.insert(extra, live[k].clone());
            damaged.push((format!("extra after {k:?}"), m));
        }
        for (what, models) in damaged {
            s.set_models_as(&models, stamp.clone()).unwrap();
            let rep = s.check().unwrap();
            assert!(!rep.is_clean(), "{what}: not seen");
            assert!(
                rep.view_mismatches.iter().any(|m| m.contains("读模型")),
                "{what}: {:?}",
                rep.view_mismatches
            );
        }
        s.set_models_as(&live, stamp).unwrap();
        assert!(s.check().unwrap().is_clean());
    }
}
