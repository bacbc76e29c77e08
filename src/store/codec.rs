//! The stored form of an event: the body's exact bytes plus the device's signature over them.
//! Hashes and signatures are always over these stored bytes, never over a re-serialisation.

use crate::domain::{EventRef, Hlc, Payload, StoredEvent, Wall};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const BODY_VERSION: u8 = 1;
pub const ZERO_HASH: [u8; 32] = [0; 32];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventBody {
    pub v: u8,
    pub device: Uuid,
    pub seq: u64,
    /// Hash of this device's previous event (all zeros for seq 1).
    #[serde(with = "hex_32")]
    pub prev: [u8; 32],
    pub hlc: Hlc,
    pub author: String,
    pub payload: Payload,
    /// The writer's wall clock and UTC offset: the source of the dates people read (the HLC
    /// only orders). Absent in events written before it was recorded; readers that do not
    /// know the key ignore it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall: Option<Wall>,
}

/// `len(u32 LE) | body json | ed25519 signature (64 bytes)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record(pub Vec<u8>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    #[error("事件记录被截断")]
    Truncated,
    #[error("事件内容无法解析：{0}")]
    Body(String),
    #[error("事件签名无效")]
    BadSignature,
    #[error("事件版本 {0} 不受支持")]
    Version(u8),
}

impl Record {
    pub fn seal(body: &EventBody, key: &SigningKey) -> Record {
        let json = serde_json::to_vec(body).expect("event bodies always serialise");
        let sig = key.sign(&json);
        let mut bytes = Vec::with_capacity(4 + json.len() + 64);
        bytes.extend_from_slice(&(json.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&json);
        bytes.extend_from_slice(&sig.to_bytes());
        Record(bytes)
    }

    fn split(&self) -> Result<(&[u8], &[u8]), CodecError> {
        let b = &self.0;
        if b.len() < 4 {
            return Err(CodecError::Truncated);
        }
        let n = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
        if b.len() != 4 + n + 64 {
            return Err(CodecError::Truncated);
        }
        Ok((&b[4..4 + n], &b[4 + n..]))
    }

    pub fn body(&self) -> Result<EventBody, CodecError> {
        let (json, _) = self.split()?;
        let body: EventBody =
            serde_json::from_slice(json).map_err(|e| CodecError::Body(e.to_string()))?;
        if body.v != BODY_VERSION {
            return Err(CodecError::Version(body.v));
        }
        Ok(body)
    }

    pub fn verify(&self, key: &VerifyingKey) -> Result<EventBody, CodecError> {
        self.check_signature(key)?;
        self.body()
    }

    /// Checks the signature over the body's bytes only (the body is not parsed).
    pub fn check_signature(&self, key: &VerifyingKey) -> Result<(), CodecError> {
        let (json, sig) = self.split()?;
        let sig = Signature::from_slice(sig).map_err(|_| CodecError::BadSignature)?;
        key.verify(json, &sig).map_err(|_| CodecError::BadSignature)
    }

    /// The chain hash of this event: sha256 over the whole stored record.
    pub fn hash(&self) -> [u8; 32] {
        Sha256::digest(&self.0).into()
    }

    /// The bytes the `log` tree keeps for this record: [`PACKED`], the signature, the body's
    /// length (u32 LE) and the body packed by `store::pack` (about 40 % of the record); or the
    /// record as it is when it does not pack (too short to be a record, or bytes 0x01/0x02 in
    /// its body). [`Record::from_stored`] gives back the exact record, so hashes and
    /// signatures, which are over these exact bytes, are unchanged by how they are stored.
    pub fn stored(&self) -> Vec<u8> {
        let Ok((json, sig)) = self.split() else {
            return self.0.clone();
        };
        let Some(packed) = super::pack::pack(json) else {
            return self.0.clone();
        };
        let mut out = Vec::with_capacity(PACKED.len() + 64 + 4 + packed.len());
        out.extend_from_slice(&PACKED);
        out.extend_from_slice(sig);
        out.extend_from_slice(&(json.len() as u32).to_le_bytes());
        out.extend_from_slice(&packed);
        out
    }

    /// The record kept as `stored` bytes in the `log` tree: packed ([`Record::stored`]) or, as
    /// every version before issue 14 wrote it, the record itself. Packed bytes that do not
    /// unpack come back as they are, so reading them fails as a damaged record does
    /// (`Truncated`, a bad signature, a broken chain), never as a panic.
    pub fn from_stored(stored: &[u8]) -> Record {
        let Some(rest) = stored.strip_prefix(&PACKED) else {
            return Record(stored.to_vec());
        };
        if rest.len() < 64 + 4 {
            return Record(stored.to_vec());
        }
        let (sig, rest) = rest.split_at(64);
        let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        if len > RECORD_MAX {
            return Record(stored.to_vec());
        }
        match super::pack::unpack(&rest[4..], len) {
            Ok(json) => {
                let mut bytes = Vec::with_capacity(4 + json.len() + 64);
                bytes.extend_from_slice(&(json.len() as u32).to_le_bytes());
                bytes.extend_from_slice(&json);
                bytes.extend_from_slice(sig);
                Record(bytes)
            }
            Err(_) => Record(stored.to_vec()),
        }
    }
}

/// How a packed record starts in the `log` tree. A record as stored before issue 14 begins
/// with its body's length (u32 LE, under 16 MB), so its third byte is never 0xFF.
pub const PACKED: [u8; 4] = [0xFF, 0xFF, 0xFF, 0x01];
/// The longest body a packed record may claim (bundles cap one record at 1 MB).
const RECORD_MAX: usize = 16 << 20;

impl EventBody {
    pub fn event_ref(&self) -> EventRef {
        EventRef {
            device: self.device,
            seq: self.seq,
        }
    }

    pub fn into_stored(self) -> StoredEvent {
        StoredEvent {
            r: self.event_ref(),
            hlc: self.hlc,
            author: self.author,
            payload: self.payload,
            wall: self.wall,
        }
    }
}

pub fn log_key(device: Uuid, seq: u64) -> [u8; 24] {
    let mut k = [0u8; 24];
    k[..16].copy_from_slice(device.as_bytes());
    k[16..].copy_from_slice(&seq.to_be_bytes());
    k
}

pub fn split_log_key(k: &[u8]) -> Option<(Uuid, u64)> {
    if k.len() != 24 {
        return None;
    }
    let device = Uuid::from_slice(&k[..16]).ok()?;
    let seq = u64::from_be_bytes(k[16..].try_into().ok()?);
    Some((device, seq))
}

mod hex_32 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};
    pub fn serialize<S: Serializer>(v: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let s = String::deserialize(d)?;
        let v = hex::decode(&s).map_err(D::Error::custom)?;
        v.try_into()
            .map_err(|_| D::Error::custom("hash must be 32 bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> EventBody {
        EventBody {
            v: 1,
            device: Uuid::now_v7(),
            seq: 1,
            prev: ZERO_HASH,
            hlc: Hlc { ms: 1, c: 0 },
            author: "张三".into(),
            payload: Payload::InspectionFinished {
                inspection_id: Uuid::nil(),
            },
            wall: None,
        }
    }

    #[test]
    fn seal_verify_roundtrip_and_tamper() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let r = Record::seal(&body(), &key);
        assert_eq!(r.verify(&key.verifying_key()).unwrap(), body_with(&r));
        let mut bad = r.clone();
        let i = bad.0.len() / 2;
        bad.0[i] ^= 1;
        assert!(bad.verify(&key.verifying_key()).is_err());
        let cut = Record(r.0[..r.0.len() - 1].to_vec());
        assert_eq!(cut.verify(&key.verifying_key()), Err(CodecError::Truncated));
    }

    #[test]
    fn stored_form_is_smaller_and_gives_the_record_back() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let r = Record::seal(&body(), &key);
        let stored = r.stored();
        assert!(stored.starts_with(&PACKED) && stored.len() < r.0.len());
        assert_eq!(Record::from_stored(&stored), r);
        // What versions before packing stored reads as it is.
        assert_eq!(Record::from_stored(&r.0), r);
        // Damaged packed bytes come back unread, and fail as a record.
        let mut bad = stored.clone();
        let n = bad.len();
        bad[n - 3] ^= 0x55;
        let back = Record::from_stored(&bad);
        assert!(back == Record(bad.clone()) || back.verify(&key.verifying_key()).is_err());
        assert!(Record::from_stored(&stored[..70]).body().is_err());
    }

    fn body_with(r: &Record) -> EventBody {
        r.body().unwrap()
    }
}
