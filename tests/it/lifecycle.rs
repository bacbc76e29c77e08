//! The lifecycle state machine: every legal and illegal transition, and folds that do not
//! depend on the order events arrive in.

use chrono::NaiveDate;
use uuid::Uuid;
use xuncha::domain::{
    Escalation, EventRef, Field, Finding, FindingFold, Hlc, LifecycleError, Payload, Severity,
    Status, StoredEvent,
};

const DAY: i64 = 86_400_000;
// 2026-11-01T00:00:00Z
const T0: i64 = 1_793_491_200_000;

struct Script {
    fid: Uuid,
    dev: Uuid,
    seq: u64,
    events: Vec<StoredEvent>,
}

impl Script {
    fn new(fixed: bool) -> Script {
        let mut s = Script {
            fid: Uuid::now_v7(),
            dev: Uuid::now_v7(),
            seq: 0,
            events: vec![],
        };
        let fid = s.fid;
        s.push(
            0,
            Payload::FindingRecorded {
                finding_id: fid,
                inspection_id: None,
                facility: "南湖区人民医院".into(),
                department: "急诊科".into(),
                location: "一楼".into(),
                line: "fire".into(),
                item_id: Some("fire.exit-clear".into()),
                description: "安全出口堵塞".into(),
                severity: Severity::Major,
                measures: "清理".into(),
                due: Some(NaiveDate::from_ymd_opt(2026, 11, 8).unwrap()),
                responsible: "总务科".into(),
                fixed_on_spot: fixed,
                number: None,
                category: String::new(),
                interim: String::new(),
                funds: String::new(),
            },
        );
        s
    }

    fn push(&mut self, day: i64, p: Payload) -> EventRef {
        self.seq += 1;
        let r = EventRef {
            device: self.dev,
            seq: self.seq,
        };
        self.events.push(StoredEvent {
            r,
            hlc: Hlc {
                ms: T0 + day * DAY,
                c: self.seq as u32,
            },
            author: "王建国".into(),
            payload: p,
            wall: None,
        });
        r
    }

    fn f(&self) -> Finding {
        FindingFold::fold(&self.events).expect("recorded")
    }

    fn rectify(&mut self, day: i64) {
        let fid = self.fid;
        self.push(
            day,
            Payload::Rectified {
                reported_by: None,
                finding_id: fid,
                note: "已整改".into(),
                completed_on: None,
                after: vec![],
            },
        );
    }
    fn verify(&mut self, day: i64, passed: bool) {
        let fid = self.fid;
        self.push(
            day,
            Payload::Verified {
                verifier: None,
                finding_id: fid,
                passed,
                note: "复查".into(),
                after: vec![],
            },
        );
    }
    fn escalate(&mut self, day: i64, level: Escalation) {
        let fid = self.fid;
        self.push(
            day,
            Payload::Escalated {
                finding_id: fid,
                level,
                note: "".into(),
                issued: None,
                due: None,
                after: vec![],
            },
        );
    }
    fn escalate_due(&mut self, day: i64, level: Escalation, due: NaiveDate) {
        let fid = self.fid;
        self.push(
            day,
            Payload::Escalated {
                finding_id: fid,
                level,
                note: "".into(),
                due: Some(due),
                issued: None,
                after: vec![],
            },
        );
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

#[test]
fn open_finding_allows_rectify_and_not_verify() {
    let s = Script::new(false);
    let f = s.f();
    assert_eq!(f.status, Status::Open);
    assert!(f.can_rectify().is_ok());
    let err = f.can_verify(true, "").unwrap_err();
    assert!(err.to_string().contains("须先登记整改"), "{err}");
}

#[test]
fn rectified_allows_verify_pass_and_fail_but_not_rectify() {
    let mut s = Script::new(false);
    s.rectify(1);
    let f = s.f();
    assert_eq!(f.status, Status::Rectified);
    assert!(f.can_rectify().unwrap_err().to_string().contains("复查"));
    assert!(f.can_verify(true, "").is_ok());
    assert_eq!(
        f.can_verify(false, " "),
        Err(LifecycleError::FailWithoutReason)
    );
    assert!(f.can_verify(false, "仍有杂物").is_ok());
}

#[test]
fn failed_verification_returns_to_open_and_keeps_the_reason() {
    let mut s = Script::new(false);
    s.rectify(1);
    s.verify(2, false);
    let f = s.f();
    assert_eq!(f.status, Status::Open);
    assert_eq!(f.verify_note, "复查");
    assert!(f.closed_at.is_none());
    s.rectify(3);
    s.verify(4, true);
    let f = s.f();
    assert_eq!(f.status, Status::Closed);
    assert_eq!(f.history.len(), 5);
}

#[test]
fn closed_finding_allows_nothing_more() {
    let mut s = Script::new(false);
    s.rectify(1);
    s.verify(2, true);
    let f = s.f();
    assert!(f.can_rectify().is_err());
    assert!(f.can_verify(true, "").is_err());
    assert!(
        f.next_escalation(day(30))
            .unwrap_err()
            .to_string()
            .contains("已销号")
    );
    assert!(!f.overdue_on(day(30)), "closed findings are never overdue");
}

#[test]
fn fixed_on_spot_closes_at_once() {
    let f = Script::new(true).f();
    assert_eq!(f.status, Status::Closed);
    assert!(f.closed_at.is_some());
    assert!(f.can_rectify().is_err());
}

#[test]
fn overdue_is_derived_from_due_and_today() {
    let mut s = Script::new(false);
    assert!(!s.f().overdue_on(day(8)), "due day itself is not overdue");
    assert!(s.f().overdue_on(day(9)));
    s.rectify(9);
    assert!(
        !s.f().overdue_on(day(10)),
        "rectified and waiting for 复查 is not overdue for the facility"
    );
    assert!(
        s.f().stage().review_waiting_over(day(18), 7),
        "rectified on the 10th"
    );
    assert!(!s.f().stage().review_waiting_over(day(17), 7));
}

#[test]
fn notice_at_once_then_each_book_after_the_previous_deadline() {
    let mut s = Script::new(false);
    // Seed 003: a hazard not fixed on the spot may get its 整改通知书 at once.
    assert_eq!(s.f().next_escalation(day(2)), Ok(Escalation::Notice));
    s.escalate_due(2, Escalation::Notice, day(8));
    assert!(matches!(
        s.f().next_escalation(day(8)),
        Err(LifecycleError::NotOverdue { .. })
    ));
    assert_eq!(s.f().next_escalation(day(9)), Ok(Escalation::Interview));
    s.escalate_due(9, Escalation::Interview, day(20));
    assert_eq!(s.f().due_in_force(), Some(day(20)));
    assert!(
        !s.f().overdue_on(day(15)),
        "the interview's own deadline is in force"
    );
    assert!(matches!(
        s.f().next_escalation(day(20)),
        Err(LifecycleError::NotOverdue { .. })
    ));
    s.escalate_due(21, Escalation::Referral, day(28));
    let f = s.f();
    assert_eq!(f.escalation, Some(Escalation::Referral));
    assert_eq!(f.escalations.len(), 3);
    assert_eq!(
        f.escalations.iter().map(|e| e.due).collect::<Vec<_>>(),
        [Some(day(8)), Some(day(20)), Some(day(28))]
    );
    assert_eq!(
        f.next_escalation(day(30)),
        Err(LifecycleError::FullyEscalated)
    );
    assert!(matches!(
        Script::new(true).f().next_escalation(day(2)),
        Err(LifecycleError::FixedOnSpot)
    ));
}

#[test]
fn an_escalation_out_of_order_is_kept_but_ignored() {
    // Another device's book skipped a step.
    let mut s = Script::new(false);
    s.escalate(3, Escalation::Interview);
    let f = s.f();
    assert_eq!(f.escalation, None);
    assert!(f.history.iter().any(|h| h.action.contains("未生效")));
}

#[test]
fn retracted_finding_refuses_every_step() {
    let mut s = Script::new(false);
    let fid = s.fid;
    s.push(
        1,
        Payload::Retracted {
            finding_id: fid,
            reason: "重复登记".into(),
            after: vec![],
        },
    );
    let f = s.f();
    assert!(f.retracted);
    assert!(matches!(
        f.can_rectify(),
        Err(LifecycleError::Retracted { .. })
    ));
    assert!(matches!(
        f.can_verify(true, ""),
        Err(LifecycleError::Retracted { .. })
    ));
    assert!(f.next_escalation(day(30)).is_err());
    assert!(!f.overdue_on(day(30)));
}

#[test]
fn concurrent_edits_conflict_with_a_deterministic_winner_in_any_order() {
    let mut s = Script::new(false);
    let rec = s.events[0].r;
    let fid = s.fid;
    let other = Uuid::now_v7();
    s.push(
        1,
        Payload::FieldSet {
            finding_id: fid,
            field: Field::Location,
            value: "二楼".into(),
            supersedes: vec![rec],
            after: vec![],
        },
    );
    // A second device, unaware of the first edit.
    s.events.push(StoredEvent {
        r: EventRef {
            device: other,
            seq: 1,
        },
        hlc: Hlc { ms: T0 + DAY, c: 0 },
        author: "李秀英".into(),
        payload: Payload::FieldSet {
            finding_id: fid,
            field: Field::Location,
            value: "三楼".into(),
            supersedes: vec![rec],
            after: vec![],
        },
        wall: None,
    });
    let f = s.f();
    assert_eq!(f.conflicts.len(), 1);
    assert_eq!(f.conflicts[0].values.len(), 2, "both values are kept");
    let mut reversed = s.events.clone();
    reversed.reverse();
    assert_eq!(
        FindingFold::fold(&reversed).unwrap(),
        f,
        "order of arrival does not matter"
    );

    // Settling: an edit that supersedes both heads wins and clears the conflict.
    let heads = f.versions[&Field::Location].clone();
    s.push(
        2,
        Payload::FieldSet {
            finding_id: fid,
            field: Field::Location,
            value: "二楼东侧".into(),
            supersedes: heads,
            after: vec![],
        },
    );
    let f = s.f();
    assert!(f.conflicts.is_empty());
    assert_eq!(f.location, "二楼东侧");
}

#[test]
fn an_edit_that_saw_the_current_value_wins_whatever_the_clocks_say() {
    let mut s = Script::new(false);
    let fid = s.fid;
    let first = s.push(
        5,
        Payload::FieldSet {
            finding_id: fid,
            field: Field::Measures,
            value: "甲".into(),
            supersedes: vec![s_rec(&s)],
            after: vec![],
        },
    );
    // A device with a slow clock edits after seeing "甲": its stamp is earlier, it still wins.
    s.events.push(StoredEvent {
        r: EventRef {
            device: Uuid::now_v7(),
            seq: 1,
        },
        hlc: Hlc { ms: T0 + DAY, c: 0 },
        author: "李秀英".into(),
        payload: Payload::FieldSet {
            finding_id: fid,
            field: Field::Measures,
            value: "乙".into(),
            supersedes: vec![first],
            after: vec![],
        },
        wall: None,
    });
    let f = s.f();
    assert_eq!(f.measures, "乙");
    assert!(f.conflicts.is_empty());
}

fn s_rec(s: &Script) -> EventRef {
    s.events[0].r
}
