//! Sign-offs by name (issue 18, point 4): who received a 四书 document for the facility, who
//! reported its rectification and who checked it, each by name and role, through events.

use super::{Ctx, MAX_NAME_CHARS, MAX_TEXT_CHARS, OpsError, Result, limited};
use crate::domain::{Escalation, Finding, Payload, Signer};

/// The labels of the two fields of a signer, as refusals name them (by meaning, as every ops
/// refusal does; each face knows where the field is: the CLI's flags, the TUI's prompt).
#[derive(Debug, Clone, Copy)]
pub struct SignerFields {
    pub name: &'static str,
    pub role: &'static str,
}

/// 整改报告人 (`finding rectify --by-name --by-role`, the TUI's 整改 prompt).
pub const REPORTER: SignerFields = SignerFields {
    name: "整改报告人姓名",
    role: "整改报告人职务",
};

/// 复查人 (`finding verify --verifier --role`, the TUI's 复查 prompt).
pub const VERIFIER: SignerFields = SignerFields {
    name: "复查人姓名",
    role: "复查人职务",
};

/// 签收人 (`notice receive --name --role`).
pub const RECEIVER: SignerFields = SignerFields {
    name: "签收人姓名",
    role: "签收人职务",
};

/// A signer from what was typed: None when both are empty; else both are required, each
/// cleaned and at most [`MAX_NAME_CHARS`] characters.
///
/// # Errors
/// `Invalid` naming the field that is empty or too long.
pub fn signer(fields: SignerFields, name: &str, role: &str) -> Result<Option<Signer>> {
    let name = limited(fields.name, name, MAX_NAME_CHARS)?;
    let role = limited(fields.role, role, MAX_NAME_CHARS)?;
    match (name.is_empty(), role.is_empty()) {
        (true, true) => Ok(None),
        (true, false) => Err(OpsError::invalid(fields.name, "不能为空（已填职务）")),
        (false, true) => Err(OpsError::invalid(fields.role, "不能为空（已填姓名）")),
        (false, false) => Ok(Some(Signer { name, role })),
    }
}

/// Records that the facility received the 四书 document of step `level` (else the last step
/// issued) of `finding` (id, short id or 隐患编号), with the 整改承诺 written on the 回执 (may
/// be empty; at most [`MAX_TEXT_CHARS`]): one `NoticeReceived` event for every hazard listed
/// under the same 文号, appended together. Returns those hazards.
///
/// # Errors
/// `NotFound` for an unknown finding; `Invalid` when no such document was issued or the
/// signer is incomplete; `Store` when the events cannot be written.
pub fn receive_notice(
    ctx: &mut Ctx,
    finding: &str,
    level: Option<Escalation>,
    name: &str,
    role: &str,
    promise: &str,
) -> Result<Vec<Finding>> {
    let by = signer(RECEIVER, name, role)?
        .ok_or_else(|| OpsError::invalid(RECEIVER.name, "不能为空"))?;
    let promise = limited("整改承诺", promise, MAX_TEXT_CHARS)?;
    let f = ctx.finding(finding)?;
    let step = match level {
        Some(l) => f.escalations.iter().find(|s| s.level == l),
        None => f.escalations.last(),
    };
    let Some(step) = step else {
        let what = level.map(|l| l.label()).unwrap_or("督办文书");
        return Err(OpsError::invalid(
            "隐患",
            format!("该隐患尚未发出{what}，无从签收"),
        ));
    };
    let level = step.level;
    let mut ids = vec![f.id];
    if let Some(i) = &step.issued {
        for id in ctx.store.findings_by_wenhao(&i.wenhao)? {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    let payloads = ids
        .iter()
        .map(|id| Payload::NoticeReceived {
            finding_id: *id,
            level,
            by: by.clone(),
            promise: promise.clone(),
        })
        .collect();
    let author = ctx.author.clone();
    ctx.store.append(&author, &ctx.now, payloads)?;
    ids.iter().map(|id| ctx.finding_by_id(*id)).collect()
}
