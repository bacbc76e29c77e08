//! The organisation's roster of devices: statements the organisation key signs (a device is
//! approved with its public key, or revoked from a given seq on), and what they add up to.
//! Pure: the signature is checked by the store, which passes only statements that verify.
//!
//! The trust model (README「加入单位」, docs/trust.md): the office makes the organisation key
//! (`xuncha org init`); its public half and fingerprint travel in the sync folder as an
//! [`OrgCard`]; a laptop joins by comparing the fingerprint (`xuncha org join`) and leaves an
//! [`EnrollRequest`]; the office approves or revokes devices by roster statements, carried as
//! `Payload::Roster` events. A store that joined an organisation applies only events that
//! [`RosterStatus::admits`]; the rest are kept aside (unknown device, other key) or refused
//! (written after a revocation).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The organisation's public card, published by the office as `xuncha-sync/org.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgCard {
    /// Format version, 1.
    pub v: u32,
    /// The organisation's name, e.g. 某某市卫生健康委员会.
    pub name: String,
    /// The organisation's ed25519 public key, 64 hex digits.
    pub key: String,
    /// `fingerprint(key)`: what people compare between the office screen and the laptop.
    pub fingerprint: String,
}

/// A laptop's request to be put on the roster, left as `xuncha-sync/enroll/<device>.json`.
/// Not signed by the organisation: it only says what the office is asked to approve; the
/// office compares the device and the fingerprint of its key with the person in front of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollRequest {
    /// Format version, 1.
    pub v: u32,
    pub device: Uuid,
    /// The device's ed25519 public key, 64 hex digits.
    pub key: String,
    #[serde(default)]
    pub inspector: String,
    #[serde(default)]
    pub host: String,
    /// The organisation key (hex) the device joined.
    pub org: String,
}

/// The fingerprint people compare: the first 96 bits of the SHA-256 of the 32 key bytes, in
/// upper-case hex, in six groups of four (`3F2A-91C0-…`). `None` when `key_hex` is not 64 hex
/// digits.
pub fn fingerprint(key_hex: &str) -> Option<String> {
    use sha2::{Digest, Sha256};
    let bytes = hex::decode(key_hex).ok()?;
    if bytes.len() != 32 {
        return None;
    }
    let hash = Sha256::digest(&bytes);
    let hex = hex::encode_upper(&hash[..12]);
    let groups: Vec<&str> = (0..6).map(|i| &hex[i * 4..i * 4 + 4]).collect();
    Some(groups.join("-"))
}

/// One roster change, as signed: `org_sig` in `Payload::Roster` is the organisation key's
/// ed25519 signature over the exact JSON text of this statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterStatement {
    /// The organisation's public key (hex): a statement counts only in that organisation.
    pub org: String,
    pub device: Uuid,
    pub change: RosterChange,
}

/// What a roster statement changes.
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
            // The revocation is known but not the approval that names the key: which events
            // count cannot be told yet, so they wait aside (the approval decides).
            RosterStatus::Revoked { key: None, .. } => Admit::Aside,
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
        // A revocation seen before the approval it ends: wait, whatever the seq.
        assert_eq!(RosterStatus::fold([&r]).admits("k", 1), Admit::Aside);
    }

    #[test]
    fn fingerprints_are_six_groups_and_refuse_bad_keys() {
        let f = fingerprint(&"ab".repeat(32)).unwrap();
        assert_eq!(f.len(), 6 * 4 + 5);
        assert_eq!(f.split('-').count(), 6);
        assert_ne!(Some(f), fingerprint(&"ac".repeat(32)));
        assert_eq!(fingerprint("abc"), None);
        assert_eq!(fingerprint(&"zz".repeat(32)), None);
    }
}
