//! The demo's facility registry (issue 16 point 5): the facilities of the demo hazards with
//! their people, a place tree with key sites and risk grades, and three days of patrols (the
//! last night one patrol short, so the plan panel has something to say). Written in one batch,
//! backdated, deterministic for a given "now".

use super::{Ctx, Result};
use crate::domain::{FacilityField, FacilityKind, Payload, PlaceField, PlaceKind, Wall};
use std::collections::BTreeMap;
use uuid::Uuid;

const HOUR_MS: i64 = 3_600_000;

/// Key sites by building, with the grade they get: the seven 重点部位 of DESIGN's `key_site`.
const HOSPITAL_SITES: [(&str, &str, &str); 7] = [
    ("后勤楼", "厨房", "large"),
    ("医技楼", "高压氧舱", "major"),
    ("后勤楼", "氧气储瓶间", "major"),
    ("门诊楼", "配电室", "general"),
    ("住院楼", "电梯机房", "low"),
    ("住院楼", "空调机房", "low"),
    ("后勤楼", "燃气锅炉房", "large"),
];
const SMALL_SITES: [(&str, &str, &str); 3] = [
    ("综合楼", "配电室", "general"),
    ("综合楼", "厨房", "low"),
    ("综合楼", "空调机房", "low"),
];
const MEASURES: [(&str, &str); 4] = [
    (
        "major",
        "专人值守，每日两次巡查，严禁烟火，应急预案每季度演练",
    ),
    ("large", "每日巡查，燃气报警器每月测试，动火作业审批"),
    ("general", "每周检查，消防器材每月检查"),
    ("low", "每月检查"),
];
const PEOPLE: [(&str, &str, &str); 4] = [
    ("张建国", "李强", "王芳"),
    ("陈志远", "刘洋", "赵磊"),
    ("黄海峰", "周杰", "孙丽"),
    ("吴明", "徐强", "朱红"),
];

/// Registers (up to 200 of) the facilities named on the demo's records, with places and
/// patrols. Returns how many facilities were registered.
pub fn seed(ctx: &mut Ctx) -> Result<usize> {
    let names: Vec<String> = super::typed_names(ctx)?.into_iter().take(200).collect();
    let mut hospitals = 0;
    let now = ctx.now.millis();
    let off = ctx.now.0.offset().local_minus_utc();
    let wall = |ms: i64| Wall { ms, off };
    let mut rng = fastrand::Rng::with_seed(16);
    let mut id = |ms: i64| {
        let ts = uuid::Timestamp::from_unix(
            uuid::NoContext,
            (ms / 1000) as u64,
            ((ms % 1000) * 1_000_000) as u32,
        );
        let mut u = *Uuid::new_v7(ts).as_bytes();
        let r = rng.u64(..).to_be_bytes();
        u[8..16].copy_from_slice(&r);
        u[8] = (u[8] & 0x3f) | 0x80;
        Uuid::from_bytes(u)
    };
    let mut batch: Vec<(String, Wall, Payload)> = Vec::new();
    let registered_at = now - 30 * 24 * HOUR_MS;
    for (n, name) in names.iter().enumerate() {
        let (head, deputy, officer) = PEOPLE[n % PEOPLE.len()];
        let kind = FacilityKind::guess(name);
        let fid = id(registered_at + n as i64);
        let mut fields = BTreeMap::new();
        fields.insert(FacilityField::Type, kind.id().to_string());
        fields.insert(
            FacilityField::Address,
            format!("{}路{}号", name.chars().take(2).collect::<String>(), 10 + n),
        );
        fields.insert(FacilityField::Head, head.to_string());
        fields.insert(
            FacilityField::HeadPhone,
            format!("0371-6{:06}", 100_000 + n * 37),
        );
        fields.insert(FacilityField::Deputy, deputy.to_string());
        fields.insert(
            FacilityField::DeputyPhone,
            format!("138{:08}", 3_700_000 + n * 11),
        );
        fields.insert(FacilityField::Officer, officer.to_string());
        fields.insert(
            FacilityField::OfficerPhone,
            format!("139{:08}", 5_100_000 + n * 13),
        );
        let at = wall(registered_at + n as i64 * 1000);
        batch.push((
            officer.to_string(),
            at,
            Payload::FacilityAdded {
                facility_id: fid,
                name: name.clone(),
                fields,
            },
        ));
        let campus = id(registered_at + 1);
        batch.push((
            officer.to_string(),
            at,
            Payload::PlaceAdded {
                facility_id: fid,
                place_id: campus,
                parent: None,
                place_kind: PlaceKind::Campus,
                name: "本部".into(),
                key_site: false,
            },
        ));
        let sites: &[(&str, &str, &str)] = if kind == FacilityKind::Hospital {
            &HOSPITAL_SITES
        } else {
            &SMALL_SITES
        };
        let mut buildings: Vec<(&str, Uuid)> = Vec::new();
        let mut site_ids = Vec::new();
        for (building, site, grade) in sites {
            let b = match buildings.iter().find(|(b, _)| b == building) {
                Some((_, id)) => *id,
                None => {
                    let bid = id(registered_at + 2);
                    buildings.push((building, bid));
                    batch.push((
                        officer.to_string(),
                        at,
                        Payload::PlaceAdded {
                            facility_id: fid,
                            place_id: bid,
                            parent: Some(campus),
                            place_kind: PlaceKind::Building,
                            name: building.to_string(),
                            key_site: false,
                        },
                    ));
                    bid
                }
            };
            let sid = id(registered_at + 3);
            site_ids.push(sid);
            batch.push((
                officer.to_string(),
                at,
                Payload::PlaceAdded {
                    facility_id: fid,
                    place_id: sid,
                    parent: Some(b),
                    place_kind: PlaceKind::Spot,
                    name: site.to_string(),
                    key_site: true,
                },
            ));
            let measures = MEASURES
                .iter()
                .find(|(g, _)| g == grade)
                .map(|(_, m)| *m)
                .unwrap_or_default();
            for (field, value) in [
                (PlaceField::Grade, grade.to_string()),
                (PlaceField::Measures, measures.to_string()),
                (PlaceField::Responsible, officer.to_string()),
            ] {
                batch.push((
                    officer.to_string(),
                    at,
                    Payload::PlaceFieldSet {
                        facility_id: fid,
                        place_id: sid,
                        field,
                        value,
                        supersedes: vec![],
                    },
                ));
            }
        }
        // Hospitals: three days of patrols, two a night and one a day, and this morning's; the
        // first hospital had only one patrol last night.
        if kind != FacilityKind::Hospital {
            continue;
        }
        hospitals += 1;
        let today_start = now - (now + off as i64 * 1000).rem_euclid(24 * HOUR_MS);
        for day in 0..=3i64 {
            let base = today_start - day * 24 * HOUR_MS;
            let mut times = vec![(base + 10 * HOUR_MS, false, deputy)];
            if day > 0 {
                times.push((base + 22 * HOUR_MS, true, officer));
            }
            if day > 1 || (day == 1 && hospitals > 1) {
                times.push((base + 26 * HOUR_MS, true, officer));
            }
            for (t, night, who) in times {
                if t >= now {
                    continue;
                }
                let pid = id(t);
                batch.push((
                    who.to_string(),
                    wall(t),
                    Payload::PatrolStarted {
                        patrol_id: pid,
                        facility_id: fid,
                        night,
                        patroller: who.to_string(),
                    },
                ));
                for (k, sid) in site_ids.iter().enumerate() {
                    let ok = !(day == 2 && night && k == 3 && n == 0);
                    batch.push((
                        who.to_string(),
                        wall(t + (k as i64 + 1) * 4 * 60_000),
                        Payload::PatrolVisited {
                            patrol_id: pid,
                            place_id: *sid,
                            ok,
                            note: if ok {
                                String::new()
                            } else {
                                "配电柜前堆放纸箱，已当场清理".into()
                            },
                            finding_id: None,
                        },
                    ));
                }
                batch.push((
                    who.to_string(),
                    wall(t + 40 * 60_000),
                    Payload::PatrolFinished { patrol_id: pid },
                ));
            }
        }
    }
    let n = names.len();
    if !batch.is_empty() {
        ctx.store.append_walled(batch)?;
        ctx.store.flush()?;
    }
    Ok(n)
}
