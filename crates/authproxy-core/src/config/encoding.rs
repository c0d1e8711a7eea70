//! Bytes on disk ↔ text in memory, keeping the file's encoding.
//!
//! The proxy reads the file in the platform's default encoding: UTF-8 on
//! Linux, the ANSI code page (usually Windows-1252) on Windows. A file that is
//! valid UTF-8 is edited as UTF-8; anything else is read as Windows-1252 and
//! written back the same way, so no byte changes unless the user edits it.

/// How the file's bytes map to text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// Valid UTF-8 (a leading byte order mark, if any, is part of the text).
    Utf8,
    /// Not valid UTF-8: read as Windows-1252, the usual Windows ANSI code page.
    Windows1252,
}

/// A decoded file. `Debug` shows its size and encoding, never the text (it holds secrets).
#[derive(Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// How it was decoded, and how to encode it back.
    pub encoding: Encoding,
    /// 0-based byte offsets of bytes that Windows-1252 leaves undefined
    /// (0x81, 0x8D, 0x8F, 0x90, 0x9D): Python's cp1252 codec refuses them.
    pub undefined_bytes: Vec<usize>,
}

impl std::fmt::Debug for Decoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoded")
            .field("bytes", &self.text.len())
            .field("encoding", &self.encoding)
            .field("undefined_bytes", &self.undefined_bytes)
            .finish()
    }
}

/// Windows-1252 code points for bytes 0x80..=0x9F (undefined ones map to the C1 control of the same value).
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{2C6}', '\u{2030}',
    '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}',
    '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}',
    '\u{17E}', '\u{178}',
];

const CP1252_UNDEFINED: [u8; 5] = [0x81, 0x8D, 0x8F, 0x90, 0x9D];

/// Decodes file bytes: UTF-8 when valid, otherwise Windows-1252.
#[must_use]
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded { text: text.to_string(), encoding: Encoding::Utf8, undefined_bytes: Vec::new() };
    }
    let mut undefined_bytes = Vec::new();
    let text = bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if CP1252_UNDEFINED.contains(&b) {
                undefined_bytes.push(i);
            }
            match b {
                0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
                _ => char::from(b),
            }
        })
        .collect();
    Decoded { text, encoding: Encoding::Windows1252, undefined_bytes }
}

/// Why text cannot be written in an encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("character {character:?} at byte {offset} cannot be written in Windows-1252; remove it or convert the file to UTF-8")]
pub struct EncodeError {
    /// The character that has no Windows-1252 byte.
    pub character: char,
    /// Its byte offset in the text.
    pub offset: usize,
}

/// Encodes text back to bytes in `encoding`.
///
/// # Errors
/// [`EncodeError`] when a character has no Windows-1252 byte.
pub fn encode(text: &str, encoding: Encoding) -> Result<Vec<u8>, EncodeError> {
    match encoding {
        Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
        Encoding::Windows1252 => text
            .char_indices()
            .map(|(offset, c)| {
                let code = u32::from(c);
                if code < 0x80 || (0xA0..=0xFF).contains(&code) {
                    return u8::try_from(code).map_err(|_| EncodeError { character: c, offset });
                }
                CP1252_HIGH
                    .iter()
                    .position(|&h| h == c)
                    .and_then(|p| u8::try_from(p + 0x80).ok())
                    .ok_or(EncodeError { character: c, offset })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_stays_utf8_and_bom_is_text() {
        let d = decode(b"\xEF\xBB\xBF[main]\n");
        assert_eq!(d.encoding, Encoding::Utf8);
        assert!(d.text.starts_with('\u{feff}'));
        assert_eq!(encode(&d.text, d.encoding).unwrap(), b"\xEF\xBB\xBF[main]\n");
    }

    #[test]
    fn every_byte_round_trips_through_windows_1252() {
        let bytes: Vec<u8> = (0u8..=255).collect();
        let d = decode(&bytes);
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert_eq!(d.undefined_bytes, vec![0x81, 0x8D, 0x8F, 0x90, 0x9D]);
        assert_eq!(encode(&d.text, d.encoding).unwrap(), bytes);
        assert_eq!(d.text.chars().nth(0x80), Some('€'));
    }

    #[test]
    fn unencodable_character_is_an_error() {
        let err = encode("a✓", Encoding::Windows1252).unwrap_err();
        assert_eq!(err.offset, 1);
    }
}
