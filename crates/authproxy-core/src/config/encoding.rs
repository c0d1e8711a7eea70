//! Bytes on disk ↔ text in memory, keeping the file's encoding.
//!
//! The proxy reads the file in the platform's default encoding: UTF-8 on Linux, the machine's
//! ANSI code page on Windows (1252 in western Europe and the Americas, 1250 in central Europe,
//! 1251 for Cyrillic, 932 in Japan, …). A file that is valid UTF-8 is edited as UTF-8; anything
//! else is read in the ANSI code page and written back the same way, so no byte changes unless
//! the user edits it. Decoding and encoding go through `encoding_rs`.

use std::fmt;

/// A Windows ANSI code page, by number (1252, 1251, 932, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct CodePage(u16);

impl TryFrom<u16> for CodePage {
    type Error = String;

    fn try_from(number: u16) -> Result<Self, Self::Error> {
        Self::new(number)
    }
}

impl From<CodePage> for u16 {
    fn from(page: CodePage) -> Self {
        page.0
    }
}

impl CodePage {
    /// Western European, the default of most Windows servers.
    pub const WINDOWS_1252: Self = Self(1252);

    /// The code pages Windows uses as a machine's ANSI code page, and their encodings.
    const KNOWN: [(u16, &'static encoding_rs::Encoding); 13] = [
        (874, encoding_rs::WINDOWS_874),
        (932, encoding_rs::SHIFT_JIS),
        (936, encoding_rs::GBK),
        (949, encoding_rs::EUC_KR),
        (950, encoding_rs::BIG5),
        (1250, encoding_rs::WINDOWS_1250),
        (1251, encoding_rs::WINDOWS_1251),
        (1252, encoding_rs::WINDOWS_1252),
        (1253, encoding_rs::WINDOWS_1253),
        (1254, encoding_rs::WINDOWS_1254),
        (1255, encoding_rs::WINDOWS_1255),
        (1256, encoding_rs::WINDOWS_1256),
        (1257, encoding_rs::WINDOWS_1257),
    ];

    /// The code page numbered `number`, if it is a Windows ANSI code page this tool can read.
    ///
    /// # Errors
    /// A sentence naming the ones it can read.
    pub fn new(number: u16) -> Result<Self, String> {
        if Self::KNOWN.iter().any(|(n, _)| *n == number) || number == 1258 {
            Ok(Self(number))
        } else {
            let known: Vec<String> = Self::KNOWN.iter().map(|(n, _)| n.to_string()).chain(["1258".into()]).collect();
            Err(format!(
                "code page {number} is not a Windows ANSI code page this tool reads; use one of {}",
                known.join(", ")
            ))
        }
    }

    /// Every code page this tool reads, by number.
    pub fn all() -> impl Iterator<Item = Self> {
        Self::KNOWN.iter().map(|(n, _)| Self(*n)).chain(std::iter::once(Self(1258)))
    }

    /// The number, e.g. 1252.
    #[must_use]
    pub fn number(self) -> u16 {
        self.0
    }

    /// This machine's ANSI code page on Windows; elsewhere Windows-1252, the most common one
    /// (a file copied from a Windows server is read as it most likely was written).
    #[must_use]
    pub fn host() -> Self {
        #[cfg(windows)]
        {
            let number = crate::platform::windows::ansi_code_page();
            if let Some(page) = u16::try_from(number).ok().and_then(|n| Self::new(n).ok()) {
                return page;
            }
        }
        Self::WINDOWS_1252
    }

    fn encoding(self) -> &'static encoding_rs::Encoding {
        // 1258 (Vietnamese) composes characters: encoding_rs decodes it, but not byte for byte back.
        Self::KNOWN.iter().find(|(n, _)| *n == self.0).map_or(encoding_rs::WINDOWS_1258, |(_, e)| e)
    }

    /// Whether each byte is one character (so a C1 control in the text is a byte that Windows, and
    /// Python's codec, leave undefined).
    #[must_use]
    pub fn is_single_byte(self) -> bool {
        !matches!(self.0, 932 | 936 | 949 | 950)
    }
}

impl fmt::Display for CodePage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            932 => f.write_str("code page 932 (Japanese, Shift-JIS)"),
            936 => f.write_str("code page 936 (Simplified Chinese, GBK)"),
            949 => f.write_str("code page 949 (Korean)"),
            950 => f.write_str("code page 950 (Traditional Chinese, Big5)"),
            874 => f.write_str("code page 874 (Thai)"),
            n => write!(f, "Windows-{n}"),
        }
    }
}

impl std::str::FromStr for CodePage {
    type Err = String;

    /// `1251`, `cp1251` or `windows-1251`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        let digits = lower.trim_start_matches("windows-").trim_start_matches("cp");
        let number = digits.parse::<u16>().map_err(|_| format!("'{s}' is not a code page number such as 1252"))?;
        Self::new(number)
    }
}

/// How the file's bytes map to text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Valid UTF-8 (a leading byte order mark, if any, is part of the text).
    Utf8,
    /// Not valid UTF-8: read in this ANSI code page.
    Ansi(CodePage),
    /// Neither valid UTF-8 nor text that comes back byte for byte in the code page asked for:
    /// shown byte for byte as Windows-1252 so that nothing is lost.
    Undecodable {
        /// The code page the file should have been in.
        expected: CodePage,
        /// The first byte that does not decode in it, or does not encode back the same.
        offset: usize,
        /// The bytes are text in the code page (the proxy reads them), but some character has two
        /// byte forms there (cp932's NEC and IBM duplicates), so decoding and encoding again
        /// would change bytes nobody edited.
        decodes: bool,
    },
}

impl Encoding {
    /// The code page bytes are written in, if not UTF-8.
    #[must_use]
    pub fn code_page(self) -> Option<CodePage> {
        match self {
            Self::Utf8 => None,
            Self::Ansi(page) => Some(page),
            Self::Undecodable { .. } => Some(CodePage::WINDOWS_1252),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Utf8 => f.write_str("UTF-8"),
            Self::Ansi(page) => page.fmt(f),
            Self::Undecodable { expected, decodes: true, .. } => write!(f, "{expected}, shown byte for byte"),
            Self::Undecodable { expected, .. } => write!(f, "not {expected}"),
        }
    }
}

impl serde::Serialize for Encoding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Utf8 => serializer.serialize_str("utf-8"),
            Self::Ansi(page) => serializer.collect_str(&format_args!("cp{}", page.number())),
            Self::Undecodable { expected, decodes: true, .. } => {
                serializer.collect_str(&format_args!("cp{}-bytes", expected.number()))
            }
            Self::Undecodable { expected, .. } => serializer.collect_str(&format_args!("not-cp{}", expected.number())),
        }
    }
}

/// A decoded file. `Debug` shows its size and encoding, never the text (it holds secrets).
#[derive(Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// How it was decoded, and how to encode it back.
    pub encoding: Encoding,
}

impl fmt::Debug for Decoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoded").field("bytes", &self.text.len()).field("encoding", &self.encoding).finish()
    }
}

/// Decodes file bytes: UTF-8 when valid, otherwise this machine's ANSI code page ([`CodePage::host`]).
#[must_use]
pub fn decode(bytes: &[u8]) -> Decoded {
    decode_in(bytes, CodePage::host())
}

/// Decodes file bytes: UTF-8 when valid, otherwise `code_page`. Bytes that do not decode in
/// it (or would not encode back the same) are kept as Windows-1252 text, flagged undecodable.
#[must_use]
pub fn decode_in(bytes: &[u8], code_page: CodePage) -> Decoded {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded { text: text.to_string(), encoding: Encoding::Utf8 };
    }
    let encoding = code_page.encoding();
    let decoded = encoding.decode_without_bom_handling_and_without_replacement(bytes);
    if let Some(text) = &decoded {
        let (back, _, unmappable) = encoding.encode(text);
        if !unmappable && back == bytes {
            return Decoded { text: text.clone().into_owned(), encoding: Encoding::Ansi(code_page) };
        }
    }
    let offset = first_undecodable(bytes, encoding);
    let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
    let encoding = Encoding::Undecodable { expected: code_page, offset, decodes: decoded.is_some() };
    Decoded { text: text.into_owned(), encoding }
}

/// The offset of the first byte that does not decode in `encoding` or does not come back the same.
fn first_undecodable(bytes: &[u8], encoding: &'static encoding_rs::Encoding) -> usize {
    let mut out = String::with_capacity(16);
    let mut at = 0;
    while at < bytes.len() {
        let end = (at + 1..=bytes.len().min(at + 4)).find(|&end| {
            let mut probe = encoding.new_decoder_without_bom_handling();
            out.clear();
            let (result, read) = probe.decode_to_string_without_replacement(&bytes[at..end], &mut out, true);
            result == encoding_rs::DecoderResult::InputEmpty && read == end - at && {
                let (back, _, unmappable) = encoding.encode(&out);
                !unmappable && *back == bytes[at..end]
            }
        });
        match end {
            Some(end) => at = end,
            None => return at,
        }
    }
    bytes.len()
}

/// Why text cannot be written in an encoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("character {character:?} at byte {offset} cannot be written in {code_page}, the file's encoding; remove it, or use a *_protected value for a secret")]
pub struct EncodeError {
    /// The character that has no byte in the code page.
    pub character: char,
    /// Its byte offset in the text.
    pub offset: usize,
    /// The file's code page.
    pub code_page: CodePage,
}

/// Encodes text back to bytes in `encoding`.
///
/// # Errors
/// [`EncodeError`] when a character has no byte in the code page.
pub fn encode(text: &str, encoding: Encoding) -> Result<Vec<u8>, EncodeError> {
    let Some(code_page) = encoding.code_page() else { return Ok(text.as_bytes().to_vec()) };
    let target = code_page.encoding();
    let (bytes, _, unmappable) = target.encode(text);
    // Some encoders write a look-alike (Shift-JIS writes ¥ as \): such text does not come back.
    if !unmappable && target.decode_without_bom_handling_and_without_replacement(&bytes).as_deref() == Some(text) {
        return Ok(bytes.into_owned());
    }
    let comes_back = |c: char| {
        let mut buffer = [0; 4];
        let one: &str = c.encode_utf8(&mut buffer);
        let (bytes, _, unmappable) = target.encode(one);
        !unmappable && target.decode_without_bom_handling_and_without_replacement(&bytes).as_deref() == Some(one)
    };
    let (offset, character) = text.char_indices().find(|(_, c)| !comes_back(*c)).unwrap_or((0, '\u{fffd}'));
    Err(EncodeError { character, offset, code_page })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: u16) -> CodePage {
        CodePage::new(n).unwrap()
    }

    #[test]
    fn utf8_stays_utf8_and_bom_is_text() {
        let d = decode_in(b"\xEF\xBB\xBF[main]\n", CodePage::WINDOWS_1252);
        assert_eq!(d.encoding, Encoding::Utf8);
        assert!(d.text.starts_with('\u{feff}'));
        assert_eq!(encode(&d.text, d.encoding).unwrap(), b"\xEF\xBB\xBF[main]\n");
    }

    #[test]
    fn every_byte_round_trips_through_the_single_byte_code_pages() {
        let bytes: Vec<u8> = (0u8..=255).collect();
        for n in [1250, 1251, 1252] {
            let d = decode_in(&bytes, page(n));
            assert_eq!(d.encoding, Encoding::Ansi(page(n)), "{n}");
            assert_eq!(encode(&d.text, d.encoding).unwrap(), bytes, "{n}");
        }
        // Windows-1257 leaves 0xA1 without a character (Python's codec refuses it too).
        let d = decode_in(&bytes, page(1257));
        assert_eq!(d.encoding, Encoding::Undecodable { expected: page(1257), offset: 0xA1, decodes: false });
        assert_eq!(encode(&d.text, d.encoding).unwrap(), bytes, "kept byte for byte all the same");
        let d = decode_in(&bytes, CodePage::WINDOWS_1252);
        assert_eq!(d.text.chars().nth(0x80), Some('€'));
        let undefined: Vec<u32> = d.text.chars().map(u32::from).filter(|c| (0x80..0xA0).contains(c)).collect();
        assert_eq!(undefined, [0x81, 0x8D, 0x8F, 0x90, 0x9D]);
    }

    #[test]
    fn cyrillic_central_european_and_japanese_text_read_in_their_code_pages() {
        // "пароль" in Windows-1251, "Łódź" in Windows-1250, "パスワード" in Shift-JIS (932).
        let cases: [(u16, &[u8], &str); 3] = [
            (1251, b"search_dn=OU=\xef\xe0\xf0\xee\xeb\xfc\n", "search_dn=OU=пароль\n"),
            (1250, b"search_dn=OU=\xa3\xf3d\x9f\n", "search_dn=OU=Łódź\n"),
            (932, b"search_dn=OU=\x83p\x83X\x83\x8f\x81[\x83h\n", "search_dn=OU=パスワード\n"),
        ];
        for (n, bytes, text) in cases {
            let d = decode_in(bytes, page(n));
            assert_eq!(d.encoding, Encoding::Ansi(page(n)));
            assert_eq!(d.text, text);
            assert_eq!(encode(&d.text, d.encoding).unwrap(), bytes);
            let edited = d.text.replace("OU=", "OU=Sub ");
            let mut expected = bytes.to_vec();
            expected.splice(13..13, b"Sub ".iter().copied());
            assert_eq!(encode(&edited, d.encoding).unwrap(), expected, "{n}: an edit keeps the code page");
        }
    }

    #[test]
    fn bytes_foreign_to_the_code_page_are_kept_and_located() {
        // A lone Shift-JIS lead byte, then ASCII: not 932 text.
        let bytes = b"[main]\nx=\x83\n";
        let d = decode_in(bytes, page(932));
        assert_eq!(d.encoding, Encoding::Undecodable { expected: page(932), offset: 9, decodes: false });
        assert_eq!(encode(&d.text, d.encoding).unwrap(), bytes, "nothing is lost");
        // ≒ as NEC row 13 (0x8790) decodes, but encodes back as JIS 0x81E0: kept byte for byte.
        let bytes = b"[main]\n; \x87\x90\n";
        let d = decode_in(bytes, page(932));
        assert_eq!(d.encoding, Encoding::Undecodable { expected: page(932), offset: 9, decodes: true });
        assert_eq!(encode(&d.text, d.encoding).unwrap(), bytes);
    }

    #[test]
    fn unencodable_character_is_an_error_naming_the_code_page() {
        let err = encode("a✓", Encoding::Ansi(CodePage::WINDOWS_1252)).unwrap_err();
        assert_eq!(err.offset, 1);
        assert!(err.to_string().contains("Windows-1252"));
        let err = encode("ab€日", Encoding::Ansi(page(1251))).unwrap_err();
        assert_eq!((err.offset, err.character), (5, '日'));
        // Shift-JIS has no ¥ of its own; its encoder would quietly write a backslash.
        let err = encode("path=C:¥conf", Encoding::Ansi(page(932))).unwrap_err();
        assert_eq!((err.offset, err.character), (7, '¥'));
    }

    #[test]
    fn code_pages_parse_from_what_administrators_write() {
        assert_eq!("1251".parse::<CodePage>().unwrap(), page(1251));
        assert_eq!("cp932".parse::<CodePage>().unwrap(), page(932));
        assert_eq!("Windows-1250".parse::<CodePage>().unwrap(), page(1250));
        assert!("65001".parse::<CodePage>().unwrap_err().contains("1252"));
        assert!("latin".parse::<CodePage>().is_err());
    }
}
