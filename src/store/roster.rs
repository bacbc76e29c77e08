//! The organisation this store belongs to, its roster of devices, and the events kept aside
//! because the roster does not admit them (yet). See `domain::roster` for the rules.
//!
//! - meta `org_key` (32 bytes) and `org_name`: the organisation this store joined (or made).
//! - `org.key` in the data dir, mode 0600, on the office only: the organisation's private key.
//!   No function returns it; it only signs roster statements here.
//! - tree `roster`: device(16) ‖ sha256(statement ‖ sig)[..8] → JSON [`SignedStatement`]:
//!   every statement that verified against the organisation key, whoever carried it (an event
//!   in the log or one kept aside). Statements are self-proving, so holding one is never wrong.
//! - tree `aside`: device(16) ‖ key(32) ‖ seq(8, BE) → record: verified events of a device the
//!   roster does not admit with that key. A squatter's key and the real key never collide.
//! - tree `requests`: device(16) → JSON `EnrollRequest`, as read from the sync folder.

use super::codec::Record;
use super::{Result, Store, StoreError, identity};
use crate::domain::{
    Admit, EnrollRequest, EventRef, Now, Payload, RosterChange, RosterStatement, RosterStatus,
};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The organisation's private key file in the office's data dir.
pub const ORG_KEY_FILE: &str = "org.key";
const META_ORG_KEY: &[u8] = b"org_key";
const META_ORG_NAME: &[u8] = b"org_name";
pub(super) const ROSTER_TREE: &str = "roster";
/// Aside records checked as one run when promoted.
const PROMOTE_PIECE: usize = 1000;
/// Promoted events applied per transaction (as `sync::GROUP_EVENTS`).
const PROMOTE_GROUP: usize = 5000;
pub(super) const ASIDE_TREE: &str = "aside";
const REQUESTS_TREE: &str = "requests";

/// The organisation a store belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgInfo {
    pub name: String,
    /// ed25519 public key, 64 hex digits.
    pub key: String,
    /// `domain::fingerprint` of the key.
    pub fingerprint: String,
    /// Whether this data dir holds the private key (the office).
    pub office: bool,
}

/// A roster statement with the organisation's signature, as carried in `Payload::Roster`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedStatement {
    /// The exact JSON text of a `RosterStatement`.
    pub statement: String,
    /// Hex ed25519 signature over `statement` by the organisation key.
    pub org_sig: String,
}

/// Events of one device and one key kept aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsideRun {
    pub device: Uuid,
    /// The key they are signed with, 64 hex digits.
    pub key: String,
    pub events: u64,
    pub first: u64,
    pub last: u64,
}

/// Checks a statement carried by an event about `device`: the organisation signature over the
/// exact text, the organisation named inside, and the device. The statement, or None.
pub fn verify_statement(
    org: &[u8; 32],
    device: Uuid,
    statement: &str,
    org_sig: &str,
) -> Option<RosterStatement> {
    let key = VerifyingKey::from_bytes(org).ok()?;
    let sig: [u8; 64] = hex::decode(org_sig).ok()?.try_into().ok()?;
    key.verify_strict(statement.as_bytes(), &Signature::from_bytes(&sig))
        .ok()?;
    let s: RosterStatement = serde_json::from_str(statement).ok()?;
    (s.org == hex::encode(org) && s.device == device).then_some(s)
}

/// The roster statements among `payloads` that verify against `org`.
pub(super) fn statements_in<'a>(
    org: &[u8; 32],
    payloads: impl IntoIterator<Item = &'a Payload>,
) -> Vec<(RosterStatement, SignedStatement)> {
    payloads
        .into_iter()
        .filter_map(|p| match p {
            Payload::Roster {
                device,
                statement,
                org_sig,
            } => verify_statement(org, *device, statement, org_sig).map(|s| {
                (
                    s,
                    SignedStatement {
                        statement: statement.clone(),
                        org_sig: org_sig.clone(),
                    },
                )
            }),
            _ => None,
        })
        .collect()
}

/// The `roster` tree key of a statement.
pub(super) fn roster_key(device: Uuid, s: &SignedStatement) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(s.statement.as_bytes());
    h.update(s.org_sig.as_bytes());
    let mut k = device.as_bytes().to_vec();
    k.extend_from_slice(&h.finalize()[..8]);
    k
}

/// The `aside` tree key of one event.
pub(super) fn aside_key(device: Uuid, key: &[u8; 32], seq: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(56);
    k.extend_from_slice(device.as_bytes());
    k.extend_from_slice(key);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}无法解析"))
}

impl Store {
    /// The organisation this store belongs to, if any.
    pub fn org(&self) -> Result<Option<OrgInfo>> {
        let Some(key) = self.org_key()? else {
            return Ok(None);
        };
        let name = self
            .meta
            .get(META_ORG_NAME)?
            .map(|v| String::from_utf8_lossy(&v).into_owned())
            .unwrap_or_default();
        let key = hex::encode(key);
        Ok(Some(OrgInfo {
            name,
            fingerprint: crate::domain::fingerprint(&key).unwrap_or_default(),
            key,
            office: self.dir.join(ORG_KEY_FILE).exists(),
        }))
    }

    /// The organisation's public key, if this store joined one.
    pub fn org_key(&self) -> Result<Option<[u8; 32]>> {
        Ok(self
            .meta
            .get(META_ORG_KEY)?
            .and_then(|v| <[u8; 32]>::try_from(v.as_ref()).ok()))
    }

    /// Makes the organisation key (private part in `org.key`, 0600) and records its public
    /// part and name. Refused when the store already belongs to an organisation.
    pub fn create_org(&mut self, name: &str) -> Result<OrgInfo> {
        if let Some(org) = self.org()? {
            return Err(StoreError::Identity(format!(
                "本机已属于单位「{}」（指纹 {}），不能再创建单位",
                org.name, org.fingerprint
            )));
        }
        let key = identity::new_key()?;
        identity::write_key_as(&self.dir, ORG_KEY_FILE, &key)?;
        self.set_org(key.verifying_key().as_bytes(), name)?;
        self.org()?
            .ok_or_else(|| StoreError::Corrupt("单位信息写入后无法读出".into()))
    }

    /// Records the organisation this store joins. Refused when it belongs to another one.
    pub fn set_org(&mut self, key: &[u8; 32], name: &str) -> Result<()> {
        if let Some(old) = self.org_key()?
            && &old != key
        {
            return Err(StoreError::Identity(
                "本机已加入另一个单位；一个数据目录只能属于一个单位".into(),
            ));
        }
        self.meta.insert(META_ORG_KEY, key.as_slice())?;
        self.meta.insert(META_ORG_NAME, name.as_bytes())?;
        self.flush()
    }

    /// Signs a roster statement with the organisation key and appends it as an event of this
    /// device (flushed). Only the office, which holds `org.key`, can.
    pub fn append_roster(
        &mut self,
        author: &str,
        now: &Now,
        device: Uuid,
        change: RosterChange,
    ) -> Result<EventRef> {
        let org = self
            .org_key()?
            .ok_or_else(|| StoreError::Identity("本机未加入任何单位".into()))?;
        let key = identity::read_key_as(&self.dir, ORG_KEY_FILE).map_err(|_| {
            StoreError::Identity(format!(
                "本机没有单位密钥（{ORG_KEY_FILE}）：只有创建单位的办公室电脑能批准或吊销设备"
            ))
        })?;
        if key.verifying_key().as_bytes() != &org {
            return Err(StoreError::Identity(format!(
                "单位密钥文件 {ORG_KEY_FILE} 与本机记录的单位公钥不符，拒绝签名"
            )));
        }
        let statement = serde_json::to_string(&RosterStatement {
            org: hex::encode(org),
            device,
            change,
        })
        .expect("statements serialise");
        let signed = SignedStatement {
            org_sig: sign(&key, &statement),
            statement,
        };
        let refs = self.append(
            author,
            now,
            vec![Payload::Roster {
                device,
                statement: signed.statement.clone(),
                org_sig: signed.org_sig.clone(),
            }],
        )?;
        let tree = self.db.open_tree(ROSTER_TREE)?;
        tree.insert(
            roster_key(device, &signed),
            serde_json::to_vec(&signed).expect("serialises"),
        )?;
        self.flush()?;
        Ok(refs[0])
    }

    /// Every verified statement held, per device.
    pub fn roster_statements(&self) -> Result<BTreeMap<Uuid, Vec<RosterStatement>>> {
        let tree = self.db.open_tree(ROSTER_TREE)?;
        let mut out: BTreeMap<Uuid, Vec<RosterStatement>> = BTreeMap::new();
        for kv in tree.iter() {
            let (_, v) = kv?;
            let s: SignedStatement = serde_json::from_slice(&v).map_err(|_| corrupt("名册"))?;
            let st: RosterStatement =
                serde_json::from_str(&s.statement).map_err(|_| corrupt("名册"))?;
            out.entry(st.device).or_default().push(st);
        }
        Ok(out)
    }

    /// Where one device stands on the roster held here.
    pub fn roster_status(&self, device: Uuid) -> Result<RosterStatus> {
        let tree = self.db.open_tree(ROSTER_TREE)?;
        let mut list = Vec::new();
        for kv in tree.scan_prefix(device.as_bytes()) {
            let (_, v) = kv?;
            let s: SignedStatement = serde_json::from_slice(&v).map_err(|_| corrupt("名册"))?;
            list.push(serde_json::from_str(&s.statement).map_err(|_| corrupt("名册"))?);
        }
        Ok(RosterStatus::fold(&list))
    }

    /// The verified statements about `device`, as held (for checks that add staged ones).
    pub(super) fn roster_list(&self, device: Uuid) -> Result<Vec<RosterStatement>> {
        Ok(self
            .roster_statements()?
            .remove(&device)
            .unwrap_or_default())
    }

    /// The events kept aside, one run per device and key.
    pub fn aside_runs(&self) -> Result<Vec<AsideRun>> {
        let tree = self.db.open_tree(ASIDE_TREE)?;
        let mut out: Vec<AsideRun> = Vec::new();
        for kv in tree.iter() {
            let (k, _) = kv?;
            if k.len() != 56 {
                continue;
            }
            let device = Uuid::from_slice(&k[..16]).map_err(|_| corrupt("暂存事件"))?;
            let key = hex::encode(&k[16..48]);
            let seq = u64::from_be_bytes(k[48..56].try_into().expect("8 bytes"));
            match out.last_mut() {
                Some(r) if r.device == device && r.key == key => {
                    r.events += 1;
                    r.last = seq;
                }
                _ => out.push(AsideRun {
                    device,
                    key,
                    events: 1,
                    first: seq,
                    last: seq,
                }),
            }
        }
        Ok(out)
    }

    /// Keeps an enrollment request read from the sync folder (the newest per device wins).
    pub fn record_request(&self, r: &EnrollRequest) -> Result<()> {
        let tree = self.db.open_tree(REQUESTS_TREE)?;
        let json = serde_json::to_vec(r).expect("requests serialise");
        if tree.get(r.device.as_bytes())?.as_deref() != Some(json.as_slice()) {
            tree.insert(r.device.as_bytes(), json)?;
        }
        Ok(())
    }

    /// Enrollment requests read from sync folders.
    pub fn requests(&self) -> Result<Vec<EnrollRequest>> {
        let tree = self.db.open_tree(REQUESTS_TREE)?;
        tree.iter()
            .map(|kv| serde_json::from_slice(&kv?.1).map_err(|_| corrupt("入网申请")))
            .collect()
    }
}

fn sign(key: &SigningKey, text: &str) -> String {
    hex::encode(key.sign(text.as_bytes()).to_bytes())
}

/// What promoting events kept aside did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Promoted {
    /// Events applied, per device.
    pub applied: Vec<(Uuid, u64)>,
    /// Events dropped from aside because they were written after a revocation.
    pub refused: u64,
    /// Runs that stay aside because the normal import checks refused them, with the reason.
    pub problems: Vec<String>,
    /// Conflicts the promoted events created.
    pub conflicts: Vec<super::NewConflict>,
}

impl Store {
    /// Applies the events kept aside that the roster now admits, through the normal import
    /// checks (chain, forks, creations), in one transaction; events a revocation refuses leave
    /// the aside tree. Runs the checks refuse stay aside and are named in `problems`.
    pub fn promote_aside(&mut self, now_ms: i64) -> Result<Promoted> {
        let mut out = Promoted::default();
        let mut staged = super::Staged::default();
        for run in self.aside_runs()? {
            let status = self.roster_status(run.device)?;
            let admits = |seq| status.admits(&run.key, seq);
            if !matches!(admits(run.first), Admit::Yes | Admit::Refused)
                && !matches!(admits(run.last), Admit::Yes | Admit::Refused)
            {
                continue;
            }
            let key: [u8; 32] = hex::decode(&run.key)
                .ok()
                .and_then(|v| v.try_into().ok())
                .ok_or_else(|| corrupt("暂存事件"))?;
            // Contiguous pieces of at most PIECE records, each checked like a bundle, applied
            // in groups so memory stays bounded however much was kept aside.
            let mut prefix = run.device.as_bytes().to_vec();
            prefix.extend_from_slice(&key);
            let tree = self.db.open_tree(ASIDE_TREE)?;
            let mut piece: Vec<(u64, Record)> = Vec::new();
            let mut iter = tree.scan_prefix(&prefix);
            loop {
                let next = iter.next().transpose()?;
                let next = match next {
                    Some((k, v)) if k.len() == 56 => Some((
                        u64::from_be_bytes(k[48..56].try_into().expect("8 bytes")),
                        Record(v.to_vec()),
                    )),
                    Some(_) => continue,
                    None => None,
                };
                let breaks = match (&next, piece.last()) {
                    (Some((seq, _)), Some((last, _))) => {
                        *seq != last + 1 || piece.len() >= PROMOTE_PIECE
                    }
                    (None, Some(_)) => true,
                    _ => false,
                };
                if breaks {
                    let done = std::mem::take(&mut piece);
                    self.promote_piece(run.device, &key, done, &mut staged, &mut out, now_ms)?;
                    if staged.events() + staged.unaside.len() >= PROMOTE_GROUP {
                        let s = std::mem::take(&mut staged);
                        out.conflicts
                            .extend(self.apply_staged(s, now_ms)?.conflicts);
                    }
                }
                match next {
                    Some(n) => piece.push(n),
                    None => break,
                }
            }
        }
        if !staged.unaside.is_empty() {
            out.conflicts
                .extend(self.apply_staged(staged, now_ms)?.conflicts);
        }
        self.flush()?;
        out.refused += self.enforce_revocations()?;
        Ok(out)
    }

    /// Checks one contiguous piece of aside records and stages what the roster now admits.
    fn promote_piece(
        &self,
        device: Uuid,
        key: &[u8; 32],
        piece: Vec<(u64, Record)>,
        staged: &mut super::Staged,
        out: &mut Promoted,
        now_ms: i64,
    ) -> Result<()> {
        let Some(first) = piece.first().map(|(s, _)| *s) else {
            return Ok(());
        };
        let seqs: Vec<u64> = piece.iter().map(|(s, _)| *s).collect();
        let records: Vec<Record> = piece.into_iter().map(|(_, r)| r).collect();
        let inc = super::Incoming {
            origin: device,
            key: *key,
            first,
            records: &records,
            // Kept aside after their signatures and links were checked; a run check (with
            // its record-by-record fallback) refuses exactly what a bundle check would.
            auth: super::Auth::Run,
        };
        match self.check_incoming(&inc, None, staged, now_ms) {
            Ok(c) if c.aside.is_empty() => {
                let applied = c.fresh.len() as u64;
                if let Some((a, b)) = c.refused {
                    out.refused += b - a + 1;
                }
                if applied > 0 {
                    match out.applied.iter_mut().find(|(d, _)| *d == device) {
                        Some((_, n)) => *n += applied,
                        None => out.applied.push((device, applied)),
                    }
                }
                staged
                    .unaside
                    .extend(seqs.iter().map(|s| aside_key(device, key, *s)));
                staged.add(c);
            }
            Ok(_) => {}
            Err(super::ImportError::Store(e)) => return Err(StoreError::Db(e)),
            Err(e) => out.problems.push(e.to_string()),
        }
        Ok(())
    }

    /// After joining an organisation: the roster statements already in the log (carried by
    /// events held before joining) count. Returns how many were found.
    pub fn collect_roster_from_log(&self) -> Result<usize> {
        let Some(org) = self.org_key()? else {
            return Ok(0);
        };
        let tree = self.db.open_tree(ROSTER_TREE)?;
        let mut n = 0;
        for kv in super::log_runs::walk(&self.log) {
            let (_, v) = kv?;
            let r = Record::from_stored(&v);
            if !r.0.windows(16).any(|w| w == br#""kind":"roster""#) {
                continue;
            }
            let Ok(body) = r.body() else { continue };
            for (st, signed) in statements_in(&org, [&body.payload]) {
                tree.insert(
                    roster_key(st.device, &signed),
                    serde_json::to_vec(&signed).expect("serialises"),
                )?;
                n += 1;
            }
        }
        self.flush()?;
        Ok(n)
    }
}

impl Store {
    /// Takes out of the log the events a revoked device wrote after its `last_seq` that this
    /// store took in before the revocation arrived, so every member ends with the same record
    /// whatever the order things arrived in; then rebuilds the views (kill-safe: the rebuild
    /// mark is set before the first removal). Returns how many events were taken out.
    pub fn enforce_revocations(&mut self) -> Result<u64> {
        let vv = self.vv_tree()?;
        let mut cuts = Vec::new();
        for (device, list) in self.roster_statements()? {
            if device == self.device {
                continue;
            }
            if let RosterStatus::Revoked { last_seq, .. } = RosterStatus::fold(&list) {
                let held = self.held(device)?;
                if held.max() > last_seq {
                    cuts.push((device, last_seq, held));
                }
            }
        }
        if cuts.is_empty() {
            return Ok(0);
        }
        self.meta
            .insert(super::rebuild::META_REBUILDING, &b"1"[..])?;
        self.note_rewrite();
        self.flush()?;
        let mut n = 0;
        for (device, last_seq, held) in cuts {
            // Each event under its own key first: a run may hold kept and cut events.
            super::log_runs::split_runs_from(&self.log, device, last_seq + 1)?;
            let lo = super::codec::log_key(device, last_seq + 1);
            let hi = super::codec::log_key(device, u64::MAX);
            let keys: Vec<_> = self
                .log
                .range(lo..=hi)
                .keys()
                .collect::<std::result::Result<_, _>>()?;
            for k in keys {
                self.log.remove(k)?;
                n += 1;
            }
            let mut kept = super::Held::default();
            for (a, b) in held.ranges {
                if a <= last_seq {
                    kept.insert(a, b.min(last_seq));
                }
            }
            vv.insert(
                device.as_bytes(),
                serde_json::to_vec(&kept).expect("ranges serialise"),
            )?;
        }
        self.rebuild(true)?;
        Ok(n)
    }
}
