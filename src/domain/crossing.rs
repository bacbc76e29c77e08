//! Steps that cross: two lifecycle steps (or a step and an edit) on one finding, taken on
//! devices that had not seen each other's step. The rule for every pair is in `rule` and in
//! the table of docs/lifecycle.md; `tests/it/lifecycle_crossing.rs` checks every pair.

use super::{EventRef, Field, Payload, StoredEvent};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds of step a person takes on a finding, as the crossing rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StepKind {
    /// 登记整改
    Rectify,
    /// 复查通过（销号）
    VerifyPass,
    /// 复查不通过
    VerifyFail,
    /// 四书的一步
    Escalate,
    /// 撤销
    Retract,
    /// 修改整改时限
    EditDue,
    /// 修改其他字段
    EditOther,
    /// 备注
    Comment,
}

impl StepKind {
    pub const ALL: [StepKind; 8] = [
        StepKind::Rectify,
        StepKind::VerifyPass,
        StepKind::VerifyFail,
        StepKind::Escalate,
        StepKind::Retract,
        StepKind::EditDue,
        StepKind::EditOther,
        StepKind::Comment,
    ];

    /// The kind of a finding event; None for the record itself and for settlements.
    pub fn of(p: &Payload) -> Option<StepKind> {
        Some(match p {
            Payload::Rectified { .. } => StepKind::Rectify,
            Payload::Verified { passed: true, .. } => StepKind::VerifyPass,
            Payload::Verified { passed: false, .. } => StepKind::VerifyFail,
            Payload::Escalated { .. } => StepKind::Escalate,
            Payload::Retracted { .. } => StepKind::Retract,
            Payload::FieldSet {
                field: Field::Due, ..
            } => StepKind::EditDue,
            Payload::FieldSet { .. } => StepKind::EditOther,
            Payload::Commented { .. } => StepKind::Comment,
            _ => return None,
        })
    }

    /// The Chinese name used in the history and the chooser.
    pub fn label(self) -> &'static str {
        match self {
            StepKind::Rectify => "登记整改",
            StepKind::VerifyPass => "复查通过",
            StepKind::VerifyFail => "复查不通过",
            StepKind::Escalate => "督办",
            StepKind::Retract => "撤销",
            StepKind::EditDue => "修改整改时限",
            StepKind::EditOther => "修改字段",
            StepKind::Comment => "备注",
        }
    }
}

/// What two crossing steps do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crossing {
    /// Both stand: the finding is not flagged.
    Merge,
    /// Flagged for someone to settle. Until then the step named here (the less cautious one)
    /// does not take effect; `First`/`Second` refer to the order of the arguments of `rule`.
    /// For two steps of one kind, `Second` means the later one in event order.
    Conflict(Hold),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    First,
    Second,
}

/// The rule for a pair of crossing steps (order of arguments does not matter for the result).
/// Field edits of the same field are field conflicts, handled by `supersedes` (not here).
pub fn rule(a: StepKind, b: StepKind) -> Crossing {
    use StepKind::*;
    // `held` is the kind that waits; the other one is the more cautious outcome.
    let held = match (a.min(b), a.max(b)) {
        (VerifyPass, VerifyFail) => Some(VerifyPass),
        (VerifyPass, Escalate) => Some(VerifyPass),
        (VerifyPass, EditDue) => Some(VerifyPass),
        (Escalate, Escalate) => Some(Escalate),
        (Rectify | VerifyPass | VerifyFail | Escalate, Retract) => Some(Retract),
        (Retract, EditDue | EditOther) => Some(Retract),
        _ => None,
    };
    match held {
        None => Crossing::Merge,
        Some(k) if a == b => {
            let _ = k;
            Crossing::Conflict(Hold::Second)
        }
        Some(k) if k == a => Crossing::Conflict(Hold::First),
        Some(_) => Crossing::Conflict(Hold::Second),
    }
}

/// One pair of crossing steps the fold found, with the step that waits (unless settled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossPair {
    pub a: EventRef,
    pub b: EventRef,
    pub held: EventRef,
    /// The settling event, if someone settled it.
    pub settled_by: Option<EventRef>,
}

/// Which events each event had seen (its causal past within the finding).
pub struct Causality {
    seen: BTreeMap<EventRef, BTreeSet<EventRef>>,
}

impl Causality {
    /// `evs` sorted in fold order. An event with `after` saw what it names and their pasts,
    /// and every earlier event of its own device; a comment (which names nothing) saw only its
    /// own device's earlier events; any other event without `after` (written before the field
    /// existed, or the record) counts as having seen every event before it.
    pub fn new(evs: &[&StoredEvent]) -> Causality {
        let mut seen: BTreeMap<EventRef, BTreeSet<EventRef>> = BTreeMap::new();
        let mut before: Vec<EventRef> = Vec::new();
        for e in evs {
            let after = e.payload.after();
            let mut s: BTreeSet<EventRef> = BTreeSet::new();
            let comment = matches!(e.payload, Payload::Commented { .. });
            if after.is_empty() && !comment {
                s.extend(before.iter().copied());
            } else {
                for p in after.iter().chain(
                    before
                        .iter()
                        .filter(|r| r.device == e.r.device && r.seq < e.r.seq),
                ) {
                    if s.insert(*p)
                        && let Some(ps) = seen.get(p)
                    {
                        s.extend(ps.iter().copied());
                    }
                }
                // The record is everyone's past.
                if let Some(first) = before.first() {
                    s.insert(*first);
                }
            }
            seen.insert(e.r, s);
            before.push(e.r);
        }
        Causality { seen }
    }

    /// The events no other event had seen, comments left out: what a new step names in
    /// its `after`.
    pub fn heads(&self, evs: &[&StoredEvent]) -> Vec<EventRef> {
        let seen_by_any: BTreeSet<EventRef> = self.seen.values().flatten().copied().collect();
        evs.iter()
            .filter(|e| !matches!(e.payload, Payload::Commented { .. }))
            .map(|e| e.r)
            .filter(|r| !seen_by_any.contains(r))
            .collect()
    }

    /// Whether `a` had seen `b`.
    pub fn saw(&self, a: EventRef, b: EventRef) -> bool {
        self.seen.get(&a).is_some_and(|s| s.contains(&b))
    }

    pub fn concurrent(&self, a: EventRef, b: EventRef) -> bool {
        a != b && !self.saw(a, b) && !self.saw(b, a)
    }
}

/// Every conflicting pair of crossing steps among `evs` (fold order), with settlements.
pub fn crossing_pairs(evs: &[&StoredEvent], cause: &Causality) -> Vec<CrossPair> {
    let steps: Vec<(&StoredEvent, StepKind)> = evs
        .iter()
        .filter_map(|e| StepKind::of(&e.payload).map(|k| (*e, k)))
        .collect();
    let settles: Vec<&StoredEvent> = evs
        .iter()
        .copied()
        .filter(|e| matches!(e.payload, Payload::Settled { .. }))
        .collect();
    let mut out = Vec::new();
    for (i, (a, ka)) in steps.iter().enumerate() {
        for (b, kb) in &steps[i + 1..] {
            if !cause.concurrent(a.r, b.r) {
                continue;
            }
            let Crossing::Conflict(hold) = rule(*ka, *kb) else {
                continue;
            };
            let held = match hold {
                Hold::First => a.r,
                Hold::Second => b.r,
            };
            let settled_by = settles
                .iter()
                .find(|s| cause.saw(s.r, a.r) && cause.saw(s.r, b.r))
                .map(|s| s.r);
            out.push(CrossPair {
                a: a.r,
                b: b.r,
                held,
                settled_by,
            });
        }
    }
    out
}

/// Among the edits of one value, each with the versions it names as seen (`supersedes`), the
/// heads: edits no other edit supersedes, newest by (hlc, device, seq) first. One head is the
/// value; two or more are edits that crossed (made on devices that had not seen each other's
/// edit): the first shows, and the value is flagged until an edit naming all of them settles
/// it. The rule hazard fields follow; the facility registry uses it as is.
pub fn edit_heads<'a>(edits: &[(&'a StoredEvent, &[EventRef])]) -> Vec<&'a StoredEvent> {
    let superseded: BTreeSet<EventRef> =
        edits.iter().flat_map(|(_, s)| s.iter().copied()).collect();
    let mut heads: Vec<&StoredEvent> = edits
        .iter()
        .map(|(e, _)| *e)
        .filter(|e| !superseded.contains(&e.r))
        .collect();
    heads.sort_by_key(|e| std::cmp::Reverse(e.order_key()));
    heads
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_is_symmetric_in_its_outcome() {
        for a in StepKind::ALL {
            for b in StepKind::ALL {
                let flagged = |c| matches!(c, Crossing::Conflict(_));
                assert_eq!(flagged(rule(a, b)), flagged(rule(b, a)), "{a:?} {b:?}");
                if a != b
                    && let (Crossing::Conflict(x), Crossing::Conflict(y)) = (rule(a, b), rule(b, a))
                {
                    assert_ne!(x, y, "the same kind waits whichever side it is on");
                }
            }
        }
    }
}
