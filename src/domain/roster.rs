//! The organisation's roster of devices: statements the organisation key signs (a device is
//! approved with its public key, or revoked from a given seq on), and what they add up to.
//! Pure: the signature is checked by the store, which passes only statements that verify.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One roster change, as signed: `org_sig` in `Payload::Roster` is the organisation key's
/// ed25519 signature over the exact JSON text of this statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterStatement {
    /// The organisation's public key (hex): a statement counts only in that organisation.
    pub org: String,
    pub device: Uuid,
    pub change: RosterChange,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum RosterChange {
    /// The device may write the record, with this ed25519 public key (hex).
    Approved {
        key: String,
        #[serde(default)]
        inspector: String,
        #[serde(default)]
        host: String,
    },
    /// The device's events after `last_seq` are refused; those up to it stay.
    Revoked { last_seq: u64, reason: String },
}

/// Where a device stands on the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RosterStatus {
    /// Not on the roster: its events are kept aside.
    Unknown,
    Approved {
        key: String,
    },
    /// `key` is the approved key, if an approval is held.
    Revoked {
        key: Option<String>,
        last_seq: u64,
        reason: String,
    },
}

impl RosterStatus {
    /// The status a set of verified statements about one device gives, whatever their order:
    /// a revocation is final (the lowest `last_seq` of several counts); among approvals the
    /// smallest key counts (the office signs one; this only keeps the rule total).
    pub fn fold<'a>(statements: impl IntoIterator<Item = &'a RosterStatement>) -> RosterStatus {
        let mut key: Option<&str> = None;
        let mut revoked: Option<(u64, &str)> = None;
        for s in statements {
            match &s.change {
                RosterChange::Approved { key: k, .. } => {
                    if key.is_none_or(|old| k.as_str() < old) {
                        key = Some(k);
                    }
                }
                RosterChange::Revoked { last_seq, reason } => {
                    if revoked.is_none_or(|(l, r)| (*last_seq, reason.as_str()) < (l, r)) {
                        revoked = Some((*last_seq, reason));
                    }
                }
            }
        }
        match (key, revoked) {
            (_, Some((last_seq, reason))) => RosterStatus::Revoked {
                key: key.map(str::to_string),
                last_seq,
                reason: reason.to_string(),
            },
            (Some(k), None) => RosterStatus::Approved { key: k.to_string() },
            (None, None) => RosterStatus::Unknown,
        }
    }

    /// Whether the event `seq` of this device, signed with `key` (hex), may change the record.
    pub fn admits(&self, key: &str, seq: u64) -> Admit {
        match self {
            RosterStatus::Unknown => Admit::Aside,
            RosterStatus::Approved { key: k } if k == key => Admit::Yes,
            RosterStatus::Revoked {
                key: Some(k),
                last_seq,
                ..
            } if k == key => {
                if seq <= *last_seq {
                    Admit::Yes
                } else {
                    Admit::Refused
                }
            }
            RosterStatus::Revoked { key: None, .. } => Admit::Refused,
            _ => Admit::OtherKey,
        }
    }

    /// The Chinese word shown in lists.
    pub fn label(&self) -> &'static str {
        match self {
            RosterStatus::Unknown => "待批准",
            RosterStatus::Approved { .. } => "已批准",
            RosterStatus::Revoked { .. } => "已吊销",
        }
    }
}

/// What the roster says about one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    Yes,
    /// The device is not (yet) approved: keep the event aside.
    Aside,
    /// Written after the device's revocation: refused.
    Refused,
    /// The roster names another key for this device: forged.
    OtherKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(change: RosterChange) -> RosterStatement {
        RosterStatement {
            org: "o".into(),
            device: Uuid::nil(),
            change,
        }
    }

    #[test]
    fn revocation_is_final_in_any_order() {
        let a = st(RosterChange::Approved {
            key: "k".into(),
            inspector: String::new(),
            host: String::new(),
        });
        let r = st(RosterChange::Revoked {
            last_seq: 5,
            reason: "丢失".into(),
        });
        let one = RosterStatus::fold([&a, &r]);
        assert_eq!(one, RosterStatus::fold([&r, &a]));
        assert_eq!(one.admits("k", 5), Admit::Yes);
        assert_eq!(one.admits("k", 6), Admit::Refused);
        assert_eq!(one.admits("x", 1), Admit::OtherKey);
        assert_eq!(RosterStatus::fold([&a]).admits("k", 99), Admit::Yes);
        assert_eq!(RosterStatus::fold([]).admits("k", 1), Admit::Aside);
    }
}
