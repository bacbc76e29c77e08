//! Devices as people name them: labels for reports and screens, and this device's own
//! self-description (inspector name, host name).

use super::Ctx;
use crate::domain::{DeviceProfile, device_label};
use crate::store::Store;
use uuid::Uuid;

/// The computer's host name: `XUNCHA_HOST` when set (tests, demos), else what the system
/// says (Linux `/proc/sys/kernel/hostname`, `HOSTNAME`, Windows `COMPUTERNAME`); empty when
/// nothing says.
pub fn host_name() -> String {
    let from_env = |k: &str| {
        std::env::var(k)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    from_env("XUNCHA_HOST")
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        })
        .or_else(|| from_env("HOSTNAME"))
        .or_else(|| from_env("COMPUTERNAME"))
        .map(|h| super::clean(&h).chars().take(64).collect())
        .unwrap_or_default()
}

/// Makes the device describe itself as `inspector` on this host before its next own event
/// (only if that differs from what it last said). Writes nothing by itself.
pub fn describe_self(store: &mut Store, inspector: &str) {
    store.describe_self(DeviceProfile {
        inspector: super::clean(inspector).chars().take(64).collect(),
        host: host_name(),
    });
}

/// A person-readable label for a device: "王芳（laptop-3）", falling back to
/// "设备 1a2b3c4d" (the random end of its id) when the device never described itself here.
/// Store errors read as "no description".
pub fn device_label_in(store: &Store, device: Uuid) -> String {
    let profile = store.device_profile(device).ok().flatten();
    device_label(device, profile.as_ref())
}

impl Ctx {
    /// See `device_label_in`.
    pub fn device_label(&self, device: Uuid) -> String {
        device_label_in(&self.store, device)
    }
}
