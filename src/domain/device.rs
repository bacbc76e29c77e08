//! Devices as people know them: the inspector working on a device and the computer's name,
//! from the device's own `DeviceDescribed` events.

use super::{Payload, StoredEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What a device last said about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DeviceProfile {
    /// The inspector's name as configured on that device (may be empty).
    pub inspector: String,
    /// The computer's host name (may be empty).
    pub host: String,
}

impl DeviceProfile {
    /// The latest self-description of `device` among `events`, by HLC order. Only events the
    /// device wrote itself count: nobody else can name a device.
    pub fn fold(device: Uuid, events: &[StoredEvent]) -> Option<DeviceProfile> {
        events
            .iter()
            .filter(|e| e.r.device == device)
            .filter_map(|e| match &e.payload {
                Payload::DeviceDescribed {
                    device: d,
                    inspector,
                    host,
                } if *d == device => Some((e.order_key(), inspector, host)),
                _ => None,
            })
            .max_by_key(|(k, _, _)| *k)
            .map(|(_, inspector, host)| DeviceProfile {
                inspector: inspector.clone(),
                host: host.clone(),
            })
    }
}

/// Appended to the host name in the self-description of a data dir that changed identity
/// after a fork (a copied data dir, docs/clone.md), so the history shows which device the
/// re-issued events come from: "王芳（laptop-3，复制的数据目录，已换新身份）".
pub const REISSUED_MARK: &str = "复制的数据目录，已换新身份";

/// The last 8 hex digits of a device id: the random end of a UUIDv7 (its start is a timestamp,
/// alike for devices made the same day).
pub fn short_device_id(device: Uuid) -> String {
    let s = device.simple().to_string();
    s[s.len() - 8..].to_string()
}

/// A person-readable label: "王芳（laptop-3）", "王芳", "（laptop-3）", else "设备 1a2b3c4d".
pub fn device_label(device: Uuid, profile: Option<&DeviceProfile>) -> String {
    let (name, host) = match profile {
        Some(p) => (p.inspector.trim(), p.host.trim()),
        None => ("", ""),
    };
    match (name.is_empty(), host.is_empty()) {
        (false, false) => format!("{name}（{host}）"),
        (false, true) => name.to_string(),
        (true, false) => format!("设备 {}（{host}）", short_device_id(device)),
        (true, true) => format!("设备 {}", short_device_id(device)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EventRef, Hlc};

    fn described(device: Uuid, writer: Uuid, ms: i64, name: &str) -> StoredEvent {
        StoredEvent {
            r: EventRef {
                device: writer,
                seq: 1,
            },
            hlc: Hlc { ms, c: 0 },
            author: name.into(),
            payload: Payload::DeviceDescribed {
                device,
                inspector: name.into(),
                host: "laptop-3".into(),
            },
            wall: None,
        }
    }

    #[test]
    fn latest_own_description_wins_and_others_cannot_name_a_device() {
        let d = Uuid::now_v7();
        let other = Uuid::now_v7();
        let evs = vec![
            described(d, d, 2, "王芳"),
            described(d, d, 1, "李明"),
            described(d, other, 9, "冒名"),
        ];
        let p = DeviceProfile::fold(d, &evs).unwrap();
        assert_eq!(device_label(d, Some(&p)), "王芳（laptop-3）");
        assert_eq!(
            device_label(d, None),
            format!("设备 {}", &d.simple().to_string()[24..])
        );
    }
}
