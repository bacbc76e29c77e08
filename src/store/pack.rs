//! The compact stored form of JSON bytes (event bodies and views), read back byte for byte
//! (issue 14: ≤ 1 KB per event on disk). Hashes and signatures stay over the exact JSON bytes:
//! packing only changes how they sit in sled.
//!
//! Two lossless steps:
//! 1. **hex tokens**: a JSON string that is a lower-case hyphenated UUID (`"…-…"`, 38 bytes with
//!    its quotes) becomes `0x01` + its 16 bytes; a string of 64 lower-case hex digits (a chain
//!    hash, 66 bytes) becomes `0x02` + its 32 bytes. Bytes 0x01 and 0x02 never occur in JSON
//!    (control characters are escaped inside strings), so input holding them is not packed.
//! 2. **LZ4 with a fixed dictionary** ([`DICT`]: the keys and shapes of this program's events
//!    and views), so the field names every value repeats cost a few bytes.
//!
//! [`DICT`] is part of the format: a packed value names dictionary 1, and a new dictionary
//! must take a new number while this one stays readable.

/// Byte 0x01 + 16 bytes: a quoted lower-case UUID.
const UUID_TOKEN: u8 = 0x01;
/// Byte 0x02 + 32 bytes: a quoted string of 64 lower-case hex digits.
const HASH_TOKEN: u8 = 0x02;

/// The dictionary of format 1: JSON fragments as `serde_json` writes this program's events
/// and views. Never change it; add a new one under a new number.
pub const DICT: &[u8] = include_bytes!("pack_dict.txt");

/// Why packed bytes could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("压缩存储的数据已损坏：{0}")]
pub struct Unpack(pub &'static str);

/// `json` packed: LZ4 (dictionary [`DICT`]) of the hex-tokened bytes. `None` when the input
/// holds a token byte (it is then stored as it is).
pub fn pack(json: &[u8]) -> Option<Vec<u8>> {
    if json.iter().any(|b| *b == UUID_TOKEN || *b == HASH_TOKEN) {
        return None;
    }
    let tokened = tokens(json);
    Some(lz4_flex::block::compress_with_dict(&tokened, DICT))
}

/// The JSON bytes `packed` was made from; `len` is their length (stored beside them).
pub fn unpack(packed: &[u8], len: usize) -> Result<Vec<u8>, Unpack> {
    // Every token widens by 21 or 33 bytes; the tokened form is never longer than the JSON.
    let tokened = lz4_flex::block::decompress_with_dict(packed, len, DICT)
        .map_err(|_| Unpack("LZ4 解压失败"))?;
    let out = untokens(&tokened)?;
    if out.len() != len {
        return Err(Unpack("长度不符"));
    }
    Ok(out)
}

fn is_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

/// The UUID at `s` (36 bytes, lower-case, hyphens at 8, 13, 18, 23), if there is one.
fn uuid_at(s: &[u8]) -> Option<[u8; 16]> {
    if s.len() < 36 {
        return None;
    }
    let mut out = [0u8; 16];
    let mut n = 0;
    let mut i = 0;
    while i < 36 {
        if matches!(i, 8 | 13 | 18 | 23) {
            if s[i] != b'-' {
                return None;
            }
            i += 1;
            continue;
        }
        let (a, b) = (s[i], s[i + 1]);
        if !is_hex(a) || !is_hex(b) {
            return None;
        }
        out[n] = nibble(a) << 4 | nibble(b);
        n += 1;
        i += 2;
    }
    Some(out)
}

/// The 32 bytes of 64 lower-case hex digits at `s`, if there are.
fn hash_at(s: &[u8]) -> Option<[u8; 32]> {
    if s.len() < 64 || !s[..64].iter().all(|b| is_hex(*b)) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]);
    }
    Some(out)
}

fn nibble(b: u8) -> u8 {
    if b.is_ascii_digit() {
        b - b'0'
    } else {
        b - b'a' + 10
    }
}

/// Step 1: quoted UUIDs and hashes to tokens.
fn tokens(json: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len());
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'"' {
            let rest = &json[i + 1..];
            if rest.get(36) == Some(&b'"')
                && let Some(u) = uuid_at(rest)
            {
                out.push(UUID_TOKEN);
                out.extend_from_slice(&u);
                i += 38;
                continue;
            }
            if rest.get(64) == Some(&b'"')
                && let Some(h) = hash_at(rest)
            {
                out.push(HASH_TOKEN);
                out.extend_from_slice(&h);
                i += 66;
                continue;
            }
        }
        out.push(json[i]);
        i += 1;
    }
    out
}

/// Step 1 undone.
fn untokens(t: &[u8]) -> Result<Vec<u8>, Unpack> {
    let mut out = Vec::with_capacity(t.len() + t.len() / 2);
    let mut rest = t;
    loop {
        // The plain bytes between tokens are copied a run at a time, not byte by byte: this
        // runs for every view a walk of the store reads (100,000 findings in an export).
        let at = rest
            .iter()
            .position(|&b| b == UUID_TOKEN || b == HASH_TOKEN)
            .unwrap_or(rest.len());
        out.extend_from_slice(&rest[..at]);
        let Some((&token, body)) = rest[at..].split_first() else {
            return Ok(out);
        };
        if token == UUID_TOKEN {
            let b = body.get(..16).ok_or(Unpack("编号记号被截断"))?;
            let u = uuid::Uuid::from_slice(b).map_err(|_| Unpack("编号记号无效"))?;
            out.push(b'"');
            let mut buf = uuid::Uuid::encode_buffer();
            out.extend_from_slice(u.hyphenated().encode_lower(&mut buf).as_bytes());
            out.push(b'"');
            rest = &body[16..];
        } else {
            let b = body.get(..32).ok_or(Unpack("哈希记号被截断"))?;
            let mut buf = [0u8; 64];
            hex::encode_to_slice(b, &mut buf).map_err(|_| Unpack("哈希记号无效"))?;
            out.push(b'"');
            out.extend_from_slice(&buf);
            out.push(b'"');
            rest = &body[32..];
        }
    }
}

/// How a packed view starts in the `findings` and `inspections` trees (a view stored before
/// issue 14 is JSON and starts with `{`).
const VIEW: [u8; 2] = [0xFF, 0x02];

/// The bytes a view tree keeps for view `json`: [`VIEW`], the JSON's length (u32 LE) and the
/// packed JSON; or the JSON itself when it does not pack.
pub fn view_stored(json: &[u8]) -> Vec<u8> {
    let Some(packed) = pack(json) else {
        return json.to_vec();
    };
    let mut out = Vec::with_capacity(VIEW.len() + 4 + packed.len());
    out.extend_from_slice(&VIEW);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&packed);
    out
}

/// The JSON of a stored view: unpacked, or as it is (JSON stored before packing, and packed
/// bytes that do not unpack, which then fail to parse as a damaged view does).
pub fn view_json(stored: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    let Some(rest) = stored.strip_prefix(&VIEW) else {
        return Cow::Borrowed(stored);
    };
    let Some((len, packed)) = rest.split_first_chunk::<4>() else {
        return Cow::Borrowed(stored);
    };
    let len = u32::from_le_bytes(*len) as usize;
    if len > 64 << 20 {
        return Cow::Borrowed(stored);
    }
    match unpack(packed, len) {
        Ok(json) => Cow::Owned(json),
        Err(_) => Cow::Borrowed(stored),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(json: &str) -> usize {
        let packed = pack(json.as_bytes()).expect("packs");
        assert_eq!(unpack(&packed, json.len()).unwrap(), json.as_bytes());
        packed.len()
    }

    #[test]
    fn events_and_views_come_back_byte_for_byte_and_smaller() {
        let ev = r#"{"v":1,"device":"01a22a0d-5512-743b-9994-5ee3d9ac9b28","seq":12,"prev":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","hlc":{"ms":1795309200000,"c":0},"author":"王建国","payload":{"kind":"field_set","finding_id":"01a22a0d-57b7-712f-b516-9fff4e22e794","field":"responsible","value":"后勤保障科","supersedes":[{"device":"01a22a0d-5512-743b-9994-5ee3d9ac9b28","seq":3}],"after":[]},"wall":{"ms":1795309200000,"off":480}}"#;
        let n = roundtrip(ev);
        assert!(n * 2 < ev.len(), "{n} of {}", ev.len());
        // Near misses stay text: upper case, a hyphen out of place, unquoted, cut short.
        for s in [
            r#"{"a":"01A22A0D-5512-743B-9994-5EE3D9AC9B28"}"#,
            r#"{"a":"01a22a0d5-512-743b-9994-5ee3d9ac9b28"}"#,
            r#"{"a":01a22a0d-5512-743b-9994-5ee3d9ac9b28}"#,
            r#"{"a":"01a22a0d-5512-743b-9994-5ee3d9ac9b2"}"#,
            r#"{"h":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0"}"#,
            "",
            "\"",
        ] {
            roundtrip(s);
        }
    }

    #[test]
    fn views_pack_and_old_json_views_read_as_they_are() {
        let json = r#"{"id":"01a22a0d-57b7-712f-b516-9fff4e22e794","facility":"东城区人民医院","status":"closed","escalations":[],"conflicts":[]}"#.as_bytes();
        let stored = view_stored(json);
        assert!(stored.len() < json.len());
        assert_eq!(view_json(&stored).as_ref(), json);
        assert_eq!(view_json(json).as_ref(), json);
        let cut = &stored[..stored.len() - 2];
        assert_eq!(view_json(cut).as_ref(), cut);
    }

    #[test]
    fn token_bytes_in_the_input_are_not_packed_and_damage_is_an_error() {
        assert_eq!(pack(b"{\"a\":\"\x01\"}"), None);
        let packed = pack(br#"{"kind":"finding_recorded"}"#).unwrap();
        assert!(unpack(&packed, 5).is_err());
        assert!(unpack(&packed[..packed.len() - 1], 27).is_err());
    }

    #[test]
    fn tokens_side_by_side_at_both_ends_come_back_and_cut_ones_are_errors() {
        let u = "01a22a0d-57b7-712f-b516-9fff4e22e794";
        let h = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let json = format!("\"{u}\"\"{h}\"\"{u}\"");
        roundtrip(&json);
        let tokened = tokens(json.as_bytes());
        assert_eq!(tokened.len(), 17 + 33 + 17);
        for cut in 1..tokened.len() {
            let back = untokens(&tokened[..cut]);
            if cut == 17 || cut == 50 {
                assert_eq!(back.unwrap().len(), if cut == 17 { 38 } else { 38 + 66 });
            } else {
                assert!(back.is_err(), "cut at {cut}");
            }
        }
    }
}
