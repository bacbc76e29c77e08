//! Checks that the plan status read from the patrol visit model (issue 14: home's plan panel
//! reads the visits of the last days, not every patrol) is the one the full fold of every
//! patrol event gives, after visits made at any time and offset, a rebuild, a store written
//! before the model, and visits that arrive before their patrol.

mod tests {
    use crate::domain::{
        InspectionMark, Now, Patrol, PatrolVisit, PlanFacility, PlanRow, evaluate_plan, panel_lines,
    };
    use crate::ops::test_support;
    use crate::ops::{
        Ctx, NewFacility, add_facility, add_place, finish_patrol, patrol_visit, plan_status,
        registry, start_patrol,
    };
    use chrono::NaiveDate;

    const H: &str = "南湖医院";

    fn now(text: &str) -> Now {
        Now(chrono::DateTime::parse_from_rfc3339(text).unwrap())
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// A hospital with two key sites and a place that is not one.
    fn hospital(ctx: &mut Ctx) {
        ctx.now = now("2026-11-01T08:00:00+08:00");
        add_facility(
            ctx,
            NewFacility {
                name: H.into(),
                ..Default::default()
            },
        )
        .unwrap();
        add_place(ctx, H, "本部/门诊楼/配电室", None, true).unwrap();
        add_place(ctx, H, "本部/后勤楼/氧气储瓶间", None, true).unwrap();
        add_place(ctx, H, "本部/后勤楼/厨房", None, false).unwrap();
    }

    /// A patrol started at `at` visiting `sites` in order, finished or not.
    fn patrol(ctx: &mut Ctx, at: &str, night: bool, sites: &[&str], finish: bool) {
        ctx.now = now(at);
        let (p, _) = start_patrol(ctx, H, night, None).unwrap();
        let id = p.id.simple().to_string();
        for s in sites {
            patrol_visit(ctx, &id, s, true, "").unwrap();
        }
        if finish {
            finish_patrol(ctx, &id).unwrap();
        }
    }

    /// `plan status` over `[from, to]` as the full fold of every patrol event counts it.
    fn rows_from_full_fold(ctx: &Ctx, from: NaiveDate, to: NaiveDate) -> Vec<PlanRow> {
        let reg = registry(ctx).unwrap();
        let facilities: Vec<PlanFacility> = reg.active().map(PlanFacility::of).collect();
        let patrols = Patrol::fold_all(&ctx.raw_store().patrol_events().unwrap());
        let visits: Vec<PatrolVisit> = patrols.iter().flat_map(|p| p.counted_visits()).collect();
        let inspections: Vec<InspectionMark> = vec![];
        evaluate_plan(
            &ctx.rules,
            &facilities,
            &visits,
            &inspections,
            from,
            to,
            &ctx.now,
        )
    }

    /// The rows at `at` over each range, from the model and from the full fold, equal.
    #[track_caller]
    fn same_as_full_fold(ctx: &mut Ctx, at: &str, ranges: &[(&str, &str)]) {
        ctx.now = now(at);
        for (from, to) in ranges {
            let (from, to) = (day(from), day(to));
            let rows = plan_status(ctx, Some(from), Some(to), None).unwrap();
            let want = rows_from_full_fold(ctx, from, to);
            assert_eq!(rows, want, "at {at}, {from} to {to}");
            assert_eq!(
                panel_lines(&ctx.rules, &rows, &ctx.now),
                panel_lines(&ctx.rules, &want, &ctx.now)
            );
        }
    }

    /// The (done, per-site counts) of the night rule for the night of `date`.
    fn night(ctx: &Ctx, date: &str) -> (u32, Vec<u32>) {
        let rows = plan_status(ctx, Some(day(date)), Some(day(date)), None).unwrap();
        let r = rows
            .iter()
            .find(|r| r.rule == "night_fire_patrol" && r.period == format!("{date} 夜间"))
            .unwrap_or_else(|| panic!("no night row for {date} in {rows:#?}"));
        (r.done, r.sites.iter().map(|s| s.done).collect())
    }

    /// Patrols at night and by day, across midnight, one visiting a site twice, one written
    /// at UTC+0, one not finished.
    fn patrols(ctx: &mut Ctx) {
        patrol(
            ctx,
            "2026-11-20T22:00:00+08:00",
            true,
            &["配电室", "氧气储瓶间"],
            true,
        );
        patrol(
            ctx,
            "2026-11-21T02:00:00+08:00",
            true,
            &["配电室", "配电室"],
            true,
        );
        patrol(
            ctx,
            "2026-11-21T15:30:00+00:00",
            true,
            &["氧气储瓶间"],
            false,
        );
        patrol(ctx, "2026-11-22T08:00:00+08:00", false, &["配电室"], true);
    }

    const RANGES: [(&str, &str); 4] = [
        ("2026-11-21", "2026-11-22"),
        ("2026-11-20", "2026-11-20"),
        ("2026-11-01", "2026-11-30"),
        ("2026-01-01", "2026-11-22"),
    ];

    #[test]
    fn the_plan_from_the_visit_model_is_the_full_folds() {
        let (_dir, mut ctx) = test_support::ctx();
        hospital(&mut ctx);
        patrols(&mut ctx);
        ctx.now = now("2026-11-22T09:00:00+08:00");
        // Both night patrols of the 20th visited 配电室 (the second twice: counted once).
        assert_eq!(night(&ctx, "2026-11-20"), (1, vec![2, 1]));
        // The one written at UTC+0 counts in its writer's local night of the 21st.
        assert_eq!(night(&ctx, "2026-11-21"), (0, vec![0, 1]));
        for at in [
            "2026-11-22T09:00:00+08:00",
            "2026-11-21T03:00:00+08:00",
            "2026-11-23T13:00:00+08:00",
        ] {
            same_as_full_fold(&mut ctx, at, &RANGES);
        }
        assert!(ctx.raw_store().rebuild(false).unwrap().is_clean());
        assert!(ctx.raw_store().check().unwrap().is_clean());
    }

    /// The facilities the rules see, kept with the log, are the full registry's active ones
    /// after every kind of registry change, and a hazard linked to a place leaves them be.
    #[test]
    fn the_facilities_the_rules_see_follow_every_registry_change() {
        let (_dir, mut ctx) = test_support::ctx();
        let model = |ctx: &Ctx| ctx.raw_store().plan_facilities().unwrap();
        let full = |ctx: &Ctx| -> Vec<PlanFacility> {
            registry(ctx)
                .unwrap()
                .active()
                .map(PlanFacility::of)
                .collect()
        };
        assert!(model(&ctx).is_empty());
        hospital(&mut ctx);
        assert_eq!(model(&ctx), full(&ctx));
        assert_eq!(model(&ctx)[0].sites.len(), 2);
        add_facility(
            &mut ctx,
            NewFacility {
                name: "南湖医院门诊部".into(),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(model(&ctx).len(), 2);
        crate::ops::merge_facilities(&mut ctx, H, "南湖医院门诊部").unwrap();
        assert_eq!(model(&ctx), full(&ctx));
        assert_eq!(model(&ctx).len(), 1);
        assert!(
            model(&ctx)[0]
                .aliases
                .contains(&"南湖医院门诊部".to_string())
        );
        crate::ops::edit_facility(&mut ctx, H, "type", "cdc").unwrap();
        crate::ops::set_place_fields(
            &mut ctx,
            H,
            "厨房",
            &[(crate::domain::PlaceField::KeySite, "是".into())],
        )
        .unwrap();
        assert_eq!(model(&ctx), full(&ctx));
        assert_eq!(model(&ctx)[0].sites.len(), 3);
        assert_eq!(model(&ctx)[0].kind, crate::domain::FacilityKind::Cdc);
        let before = ctx.raw_store().live_models().unwrap();
        let events = ctx.raw_store().registry_events().unwrap().len();
        crate::ops::record_finding(
            &mut ctx,
            crate::ops::NewFinding {
                facility: Some(H.into()),
                line: Some("fire".into()),
                description: "配电室门口堆放纸箱".into(),
                location: "本部/门诊楼/配电室".into(),
                ..Default::default()
            },
        )
        .unwrap();
        // The hazard's place link is a registry event.
        assert!(ctx.raw_store().registry_events().unwrap().len() > events);
        let after = ctx.raw_store().live_models().unwrap();
        let g = |m: &std::collections::BTreeMap<Vec<u8>, Vec<u8>>| m.get(&b"#g"[..]).cloned();
        assert_eq!(g(&after), g(&before));
        assert!(g(&after).is_some());
        assert!(ctx.raw_store().check().unwrap().is_clean());
    }

    /// Models that lost their entries are named by doctor and mended by a rebuild; a store last
    /// written by a version that kept the other models but not this one (its own stamp
    /// stale) gets only this one built again on open.
    #[test]
    fn a_lost_visit_model_is_found_by_doctor_and_built_again() {
        let (dir, mut ctx) = test_support::ctx();
        hospital(&mut ctx);
        patrols(&mut ctx);
        let full = ctx.raw_store().live_models().unwrap();
        ctx.raw_store().forget_patrol_models().unwrap();
        ctx.now = now("2026-11-22T09:00:00+08:00");
        // Without the facilities model the rules see no facility at all.
        assert!(plan_status(&ctx, None, None, None).unwrap().is_empty());
        let rep = ctx.raw_store().check().unwrap();
        assert!(
            rep.view_mismatches.iter().any(|m| m.contains("读模型")),
            "{:?}",
            rep.view_mismatches
        );
        drop(ctx);
        let store = crate::store::Store::open(dir.path()).unwrap();
        assert_eq!(store.live_models().unwrap(), full);
        let mut ctx = Ctx::new(
            store,
            crate::catalog::Catalog::builtin(),
            now("2026-11-22T09:00:00+08:00"),
            "王检查",
        );
        assert_eq!(night(&ctx, "2026-11-20"), (1, vec![2, 1]));
        same_as_full_fold(&mut ctx, "2026-11-22T09:00:00+08:00", &RANGES);
        ctx.raw_store().forget_patrol_models().unwrap();
        assert!(ctx.raw_store().rebuild(true).unwrap().rebuilt);
        assert_eq!(ctx.raw_store().live_models().unwrap(), full);
    }

    /// A visit made on another device reaches a third one before the patrol it belongs to:
    /// it counts for nothing until the patrol's start arrives, then as on the device that
    /// made it.
    #[test]
    fn a_visit_that_arrives_before_its_patrol_counts_once_the_patrol_does() {
        let (_a_dir, mut a) = test_support::ctx();
        let (_b_dir, mut b) = test_support::ctx();
        let (_c_dir, mut c) = test_support::ctx();
        let folders = tempfile::tempdir().unwrap();
        let (one, two) = (folders.path().join("one"), folders.path().join("two"));
        for d in [&one, &two] {
            std::fs::create_dir(d).unwrap();
        }
        let sync = |ctx: &mut Ctx, dir: &std::path::Path| {
            crate::ops::sync(ctx, dir, &Default::default(), &mut |_, _| {}).unwrap();
        };
        hospital(&mut a);
        a.now = now("2026-11-21T22:00:00+08:00");
        let (p, _) = start_patrol(&mut a, H, true, None).unwrap();
        sync(&mut a, &one);
        sync(&mut b, &one);
        b.now = now("2026-11-21T22:05:00+08:00");
        patrol_visit(&mut b, &p.id.simple().to_string(), "配电室", true, "").unwrap();
        sync(&mut b, &two);
        // Only B's own bundle first: the visit, not the patrol.
        let bundles = two.join("xuncha-sync/bundles");
        let own = |device: uuid::Uuid| -> Vec<std::path::PathBuf> {
            let dir = bundles.join(device.to_string());
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            files
        };
        for f in own(b.raw_store().device_id()) {
            crate::sync::import_file(c.raw_store_mut(), &now("2026-11-22T09:00:00+08:00"), &f)
                .unwrap();
        }
        assert!(
            c.raw_store()
                .patrol_visits_between(i64::MIN, i64::MAX)
                .unwrap()
                .is_empty()
        );
        assert!(c.raw_store().check().unwrap().is_clean());
        for f in own(a.raw_store().device_id()) {
            crate::sync::import_file(c.raw_store_mut(), &now("2026-11-22T09:00:00+08:00"), &f)
                .unwrap();
        }
        let visits = c
            .raw_store()
            .patrol_visits_between(i64::MIN, i64::MAX)
            .unwrap();
        assert_eq!(visits.len(), 1);
        assert_eq!(visits[0].patrol_id, p.id);
        assert!(c.raw_store().check().unwrap().is_clean());
        c.now = now("2026-11-22T09:00:00+08:00");
        assert_eq!(night(&c, "2026-11-21"), (0, vec![1, 0]));
        same_as_full_fold(&mut c, "2026-11-22T09:00:00+08:00", &RANGES);
    }
}
