//! Crossing lifecycle steps (issue 10, docs/lifecycle.md): for every pair of steps, two devices
//! A and B take one each without seeing the other's, and the office device C holds only what
//! came before. Every order in which the four deliveries (A→B, A→C, B→A, B→C, each device's
//! events in their log order) can happen is played; after each delivery every device folds
//! what it holds. At the end all three agree, the finding is flagged exactly when the table
//! says so, the held step has no effect, every step is in the history, and a settlement on
//! the office device (keeping either step) clears the flag.

use chrono::NaiveDate;
use uuid::Uuid;
use xuncha::domain::{
    Crossing, EventRef, Field, Finding, FindingFold, Hlc, Payload, Severity, Status, StepKind,
    StoredEvent, crossing_rule,
};

const HOUR: i64 = 3_600_000;
// 2026-11-02T01:00:00Z
const T0: i64 = 1_794_013_200_000;

#[derive(Clone)]
struct Device {
    id: Uuid,
    seq: u64,
    held: Vec<StoredEvent>,
}

impl Device {
    fn new(n: u128) -> Device {
        Device {
            id: Uuid::from_u128(n),
            seq: 0,
            held: vec![],
        }
    }

    fn view(&self) -> Finding {
        FindingFold::fold(&self.held).expect("recorded")
    }

    fn write(&mut self, at: i64, payload: Payload) -> StoredEvent {
        self.seq += 1;
        let e = StoredEvent {
            r: EventRef {
                device: self.id,
                seq: self.seq,
            },
            hlc: Hlc {
                ms: at,
                c: self.seq as u32,
            },
            author: format!("设备{}", self.id.as_u128()),
            payload,
            wall: None,
        };
        self.held.push(e.clone());
        e
    }

    fn receive(&mut self, events: &[StoredEvent]) {
        for e in events {
            if !self.held.iter().any(|h| h.r == e.r) {
                self.held.push(e.clone());
            }
        }
    }
}

fn record(fid: Uuid) -> Payload {
    Payload::FindingRecorded {
        finding_id: fid,
        inspection_id: None,
        facility: "南湖区人民医院".into(),
        department: "急诊科".into(),
        location: "一楼".into(),
        line: "fire".into(),
        item_id: None,
        description: "安全出口堵塞".into(),
        severity: Severity::Major,
        measures: "清理".into(),
        due: Some(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
        responsible: "总务科".into(),
        fixed_on_spot: false,
        number: None,
        category: String::new(),
        interim: String::new(),
        funds: String::new(),
    }
}

/// The payload of one step, as the ops layer would write it on `d` with what `d` holds.
fn step(d: &Device, fid: Uuid, k: StepKind, tag: &str) -> Payload {
    let f = d.view();
    let after = f.heads.clone();
    match k {
        StepKind::Rectify => Payload::Rectified {
            reported_by: None,
            finding_id: fid,
            note: format!("{tag}整改"),
            completed_on: None,
            after,
        },
        StepKind::VerifyPass | StepKind::VerifyFail => Payload::Verified {
            verifier: None,
            finding_id: fid,
            passed: k == StepKind::VerifyPass,
            note: format!("{tag}复查"),
            after,
        },
        StepKind::Escalate => Payload::Escalated {
            finding_id: fid,
            level: f
                .next_escalation(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap())
                .expect("notice may be issued"),
            note: format!("{tag}督办"),
            due: Some(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()),
            issued: None,
            after,
        },
        StepKind::Retract => Payload::Retracted {
            finding_id: fid,
            reason: format!("{tag}误登记"),
            after,
        },
        StepKind::EditDue | StepKind::EditOther => {
            let field = if k == StepKind::EditDue {
                Field::Due
            } else {
                Field::Description
            };
            let value = if k == StepKind::EditDue {
                if tag == "A" {
                    "2026-11-28"
                } else {
                    "2026-11-29"
                }
                .to_string()
            } else {
                format!("安全出口堵塞（{tag}）")
            };
            Payload::FieldSet {
                finding_id: fid,
                field,
                value,
                supersedes: f.versions.get(&field).cloned().unwrap_or_default(),
                after,
            }
        }
        StepKind::Comment => Payload::Commented {
            finding_id: fid,
            text: format!("{tag}备注"),
        },
    }
}

fn needs_rectified(k: StepKind) -> bool {
    matches!(k, StepKind::VerifyPass | StepKind::VerifyFail)
}

/// The world after A took `a` and B took `b`, before any delivery.
struct Scene {
    fid: Uuid,
    devices: [Device; 3],
    /// Each device's events the others have not seen, in log order.
    private: [Vec<StoredEvent>; 2],
}

fn scene(a: StepKind, b: StepKind) -> Scene {
    let fid = Uuid::from_u128(0xF1D);
    let mut da = Device::new(1);
    let mut db = Device::new(2);
    let mut dc = Device::new(3);
    let rec = dc.write(T0, record(fid));
    let mut base = vec![rec];
    // A common past in which both steps are allowed: 待复查 if one step is a 复查, unless the
    // other is a rectification (then the 复查 side rectifies first, on its own).
    let split = (needs_rectified(a) && b == StepKind::Rectify)
        || (needs_rectified(b) && a == StepKind::Rectify);
    if (needs_rectified(a) || needs_rectified(b)) && !split {
        let p = step(&dc, fid, StepKind::Rectify, "C");
        base.push(dc.write(T0 + HOUR, p));
    }
    da.receive(&base);
    db.receive(&base);
    let mut private = [vec![], vec![]];
    for (i, (d, k, tag, t)) in [(&mut da, a, "A", 3), (&mut db, b, "B", 4)]
        .into_iter()
        .enumerate()
    {
        if split && needs_rectified(k) {
            let p = step(d, fid, StepKind::Rectify, tag);
            private[i].push(d.write(T0 + t * HOUR, p));
        }
        let p = step(d, fid, k, tag);
        private[i].push(d.write(T0 + t * HOUR + 60_000, p));
    }
    Scene {
        fid,
        devices: [da, db, dc],
        private,
    }
}

/// Every order of the four deliveries (from, to).
fn orders() -> Vec<Vec<(usize, usize)>> {
    let msgs = [(0, 1), (0, 2), (1, 0), (1, 2)];
    let mut out = vec![];
    permute(&mut msgs.to_vec(), 0, &mut out);
    out
}

fn permute(v: &mut Vec<(usize, usize)>, k: usize, out: &mut Vec<Vec<(usize, usize)>>) {
    if k == v.len() {
        out.push(v.clone());
        return;
    }
    for i in k..v.len() {
        v.swap(k, i);
        permute(v, k + 1, out);
        v.swap(k, i);
    }
}

fn expected_flag(a: StepKind, b: StepKind) -> bool {
    let same_field = a == b && matches!(a, StepKind::EditDue | StepKind::EditOther);
    same_field || matches!(crossing_rule(a, b), Crossing::Conflict(_))
}

fn json(f: &Finding) -> String {
    serde_json::to_string(f).unwrap()
}

#[test]
fn every_pair_in_every_delivery_order_converges_and_is_flagged_by_the_table() {
    let orders = orders();
    assert_eq!(orders.len(), 24);
    for a in StepKind::ALL {
        for b in StepKind::ALL {
            let mut finals: Option<String> = None;
            for order in &orders {
                let mut s = scene(a, b);
                for (from, to) in order {
                    let evs = s.private[*from].clone();
                    s.devices[*to].receive(&evs);
                    for d in &s.devices {
                        d.view(); // every intermediate state folds
                    }
                }
                let views: Vec<String> = s.devices.iter().map(|d| json(&d.view())).collect();
                assert!(
                    views.iter().all(|v| v == &views[0]),
                    "{a:?}×{b:?} order {order:?}: devices differ"
                );
                match &finals {
                    None => finals = Some(views[0].clone()),
                    Some(v) => assert_eq!(v, &views[0], "{a:?}×{b:?}: depends on the order"),
                }
            }
            let s = {
                let mut s = scene(a, b);
                for (from, to) in &orders[0] {
                    let evs = s.private[*from].clone();
                    s.devices[*to].receive(&evs);
                }
                s
            };
            let f = s.devices[2].view();
            assert_eq!(
                f.is_conflicted(),
                expected_flag(a, b),
                "{a:?}×{b:?}: flagged {} but the table says {}",
                f.is_conflicted(),
                expected_flag(a, b)
            );
            // Every step anyone took is in the history.
            for e in s.private.iter().flatten() {
                assert!(
                    f.history.iter().any(|h| h.event == e.r),
                    "{a:?}×{b:?}: {:?} missing from the history",
                    e.r
                );
            }
            cautious(a, b, &f);
            if !f.step_conflicts.is_empty() {
                settle_both_ways(&s, a, b);
            }
        }
    }
}

/// Until settled, the less cautious step has no effect.
fn cautious(a: StepKind, b: StepKind, f: &Finding) {
    use StepKind::*;
    let has = |k| a == k || b == k;
    let pair = |x, y| (a == x && b == y) || (a == y && b == x);
    if pair(VerifyPass, VerifyFail) || pair(VerifyPass, Escalate) {
        assert_ne!(f.status, Status::Closed, "{a:?}×{b:?} must not close");
    }
    if pair(VerifyPass, EditDue) {
        assert_eq!(f.status, Status::Rectified, "{a:?}×{b:?} waits for 复查");
    }
    if has(Retract) && a != b && !has(Comment) {
        assert!(!f.retracted, "{a:?}×{b:?}: the hazard stays live");
    }
    if a == Escalate && b == Escalate {
        assert_eq!(f.escalations.len(), 1, "one notice stands");
    }
    for c in &f.step_conflicts {
        assert!(c.steps.iter().all(|s| !s.author.is_empty()));
        assert!(c.steps.iter().any(|s| s.event == c.held));
    }
}

/// The office settles keeping A's step, or B's: the flag goes, the kept step takes effect,
/// and the other stays in the history as not adopted. All devices agree after delivery.
fn settle_both_ways(s: &Scene, a: StepKind, b: StepKind) {
    let keep_refs = [
        s.private[0].last().unwrap().r,
        s.private[1].last().unwrap().r,
    ];
    for (i, keep) in keep_refs.iter().enumerate() {
        let mut devices = s.devices.clone();
        for (from, to) in [(0, 1), (0, 2), (1, 0), (1, 2)] {
            let evs = s.private[from].clone();
            devices[to].receive(&evs);
        }
        let f = devices[2].view();
        let dropped: Vec<EventRef> = f
            .step_conflicts
            .iter()
            .flat_map(|c| c.steps.iter().map(|s| s.event))
            .filter(|r| r != keep)
            .collect();
        let p = Payload::Settled {
            finding_id: s.fid,
            dropped: dropped.clone(),
            note: "现场核实".into(),
            after: f.heads.clone(),
        };
        let settle = devices[2].write(T0 + 10 * HOUR, p);
        for d in devices.iter_mut().take(2) {
            d.receive(std::slice::from_ref(&settle));
        }
        let views: Vec<String> = devices.iter().map(|d| json(&d.view())).collect();
        assert!(views.iter().all(|v| v == &views[0]));
        let f = devices[0].view();
        assert!(
            f.step_conflicts.is_empty(),
            "{a:?}×{b:?} keep {i}: still flagged"
        );
        assert!(f.history.iter().any(|h| h.action.contains("经裁定不采用")));
        let kept = if i == 0 { a } else { b };
        match kept {
            StepKind::VerifyPass => assert_eq!(f.status, Status::Closed),
            StepKind::VerifyFail => assert_eq!(f.status, Status::Open),
            StepKind::Retract => assert!(f.retracted),
            _ => assert!(!f.retracted),
        }
    }
}

/// The table in docs/lifecycle.md is the rule: one row per pair, and it agrees with the code.
#[test]
fn the_documented_table_is_the_rule() {
    let doc = include_str!("../../docs/lifecycle.md");
    let kind = |label: &str| {
        StepKind::ALL
            .into_iter()
            .find(|k| k.label() == label.trim())
            .unwrap_or_else(|| panic!("unknown step「{label}」in docs/lifecycle.md"))
    };
    let mut seen = std::collections::BTreeSet::new();
    for line in doc
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains(" × ") && !l.contains("步骤甲"))
    {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (x, y) = cells[1].split_once('×').expect("A × B");
        let (a, b) = (kind(x), kind(y));
        let flagged = cells[2].starts_with("冲突");
        assert_eq!(flagged, expected_flag(a, b), "docs row {line}");
        if let Crossing::Conflict(h) = crossing_rule(a, b) {
            let held = if a == b || h == xuncha::domain::Hold::Second {
                b
            } else {
                a
            };
            assert!(
                cells[3].contains(held.label()),
                "docs row {line} should name {held:?}"
            );
        }
        assert!(seen.insert((a.min(b), a.max(b))), "pair twice: {line}");
    }
    assert_eq!(seen.len(), 36, "every unordered pair of the 8 steps");
}
