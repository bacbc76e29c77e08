use super::*;
use crate::domain::Hlc;

fn ev(device: u128, seq: u64, ms: i64, payload: Payload) -> StoredEvent {
    StoredEvent {
        r: EventRef {
            device: Uuid::from_u128(device),
            seq,
        },
        hlc: Hlc { ms, c: 0 },
        author: "王芳".into(),
        payload,
        wall: None,
    }
}

fn added(id: Uuid) -> Payload {
    Payload::FacilityAdded {
        facility_id: id,
        name: "市第一人民医院".into(),
        fields: [(FacilityField::Type, "医院".to_string())].into(),
    }
}

fn set(id: Uuid, field: FacilityField, v: &str, sup: Vec<EventRef>) -> Payload {
    Payload::FacilityFieldSet {
        facility_id: id,
        field,
        value: v.into(),
        supersedes: sup,
    }
}

#[test]
fn crossed_edits_are_flagged_and_a_later_edit_that_saw_both_settles_them() {
    let id = Uuid::from_u128(7);
    let a = ev(1, 1, 1000, added(id));
    let b = ev(1, 2, 2000, set(id, FacilityField::Deputy, "李强", vec![]));
    let c = ev(2, 1, 2500, set(id, FacilityField::Deputy, "张伟", vec![]));
    let reg = Registry::fold(&[c.clone(), a.clone(), b.clone()]);
    let f = reg.find("市第一人民医院").unwrap();
    assert_eq!(f.kind, FacilityKind::Hospital);
    assert_eq!(f.deputy, "张伟", "the later edit shows");
    assert_eq!(f.conflicts.len(), 1);
    assert_eq!(f.conflicts[0].field, "分管负责人");
    assert_eq!(f.conflicts[0].values.len(), 2);
    // Same result in any order.
    assert_eq!(Registry::fold(&[a.clone(), b.clone(), c.clone()]), reg);
    let d = ev(
        1,
        3,
        3000,
        set(id, FacilityField::Deputy, "李强", vec![b.r, c.r]),
    );
    let reg = Registry::fold(&[a, b, c, d]);
    let f = reg.find("市第一人民医院").unwrap();
    assert_eq!(f.deputy, "李强");
    assert!(f.conflicts.is_empty());
}

#[test]
fn places_form_a_tree_and_a_merge_takes_the_other_spelling() {
    let id = Uuid::from_u128(7);
    let other = Uuid::from_u128(8);
    let campus = Uuid::from_u128(100);
    let site = Uuid::from_u128(101);
    let evs = vec![
        ev(1, 1, 1000, added(id)),
        ev(
            1,
            2,
            1100,
            Payload::PlaceAdded {
                facility_id: id,
                place_id: site,
                parent: Some(campus),
                place_kind: PlaceKind::Spot,
                name: "氧气储瓶间".into(),
                key_site: true,
            },
        ),
        ev(
            1,
            3,
            1050,
            Payload::PlaceAdded {
                facility_id: id,
                place_id: campus,
                parent: None,
                place_kind: PlaceKind::Campus,
                name: "本部".into(),
                key_site: false,
            },
        ),
        ev(
            1,
            4,
            1200,
            Payload::PlaceFieldSet {
                facility_id: id,
                place_id: site,
                field: PlaceField::Grade,
                value: "major".into(),
                supersedes: vec![],
            },
        ),
        ev(
            2,
            1,
            1300,
            Payload::FacilityAdded {
                facility_id: other,
                name: "市一院".into(),
                fields: BTreeMap::new(),
            },
        ),
        ev(
            1,
            5,
            1400,
            Payload::FacilityMerged {
                facility_id: id,
                from: Some(other),
                name: "市一院".into(),
            },
        ),
    ];
    let reg = Registry::fold(&evs);
    assert_eq!(reg.active().count(), 1);
    let f = reg.find("市一院").unwrap();
    assert_eq!(f.id, id);
    let paths: Vec<&str> = f.places.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["本部", "本部/氧气储瓶间"]);
    let site = f.place("氧气储瓶间").unwrap();
    assert_eq!(site.grade, Some(RiskGrade::Major));
    assert_eq!(site.depth, 1);
    assert_eq!(f.key_sites().count(), 1);
}

#[test]
fn guesses_the_type_from_the_name() {
    assert_eq!(
        FacilityKind::guess("金水区某社区卫生服务中心"),
        FacilityKind::Community
    );
    assert_eq!(FacilityKind::guess("某镇卫生院"), FacilityKind::Township);
    assert_eq!(FacilityKind::guess("市疾病预防控制中心"), FacilityKind::Cdc);
    assert_eq!(
        FacilityKind::guess("市第一人民医院"),
        FacilityKind::Hospital
    );
}
