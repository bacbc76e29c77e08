//! The keys that toggle a line in the new-inspection picker: `1`–`9` for the first nine lines,
//! then `a`–`z` for the next 26. Any line, including those past the 35th, is also reached with
//! ←→ and Space; the keys are a shortcut, so a user's own lines get one like the built-in ones.

/// The key shown beside, and toggling, the line at `index` (0-based), if it has one.
pub fn key_of(index: usize) -> Option<char> {
    match index {
        0..=8 => char::from_digit(index as u32 + 1, 10),
        9..=34 => Some((b'a' + (index - 9) as u8) as char),
        _ => None,
    }
}

/// The line index (0-based) that `key` toggles, if any.
pub fn index_of(key: char) -> Option<usize> {
    match key {
        '1'..='9' => Some(key as usize - '1' as usize),
        'a'..='z' => Some(9 + (key as usize - 'a' as usize)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        assert_eq!(key_of(0), Some('1'));
        assert_eq!(key_of(8), Some('9'));
        assert_eq!(key_of(9), Some('a'));
        assert_eq!(key_of(11), Some('c'));
        assert_eq!(key_of(34), Some('z'));
        assert_eq!(key_of(35), None);
        for i in 0..35 {
            assert_eq!(index_of(key_of(i).unwrap()), Some(i));
        }
        assert_eq!(index_of('0'), None);
        assert_eq!(index_of('A'), None);
    }
}
