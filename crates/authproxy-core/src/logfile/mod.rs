//! The proxy's logs read for the log explorer: every file of the log folder (text and JSON,
//! rotations included) located by byte offsets, merged in UTC time order, grouped into requests,
//! with known failures explained and linked to the config line concerned.

pub mod catalogue;
pub mod describe;
pub mod export;
pub mod files;
pub mod filter;
pub mod index;
pub mod json;
pub mod line;
pub mod request;
pub mod time;

pub use index::{EntryId, EntryView, LogIndex};
pub use line::{parse_text, Level, SystemKind, TextEntry};
pub use request::{Outcome, PhaseKind, Request, RequestKind};
pub use time::Timestamp;

/// A log entry as shown to a person (window, command line): UTF-8, else Windows-1252 (the ANSI
/// code page the Windows proxy writes in); control characters as `?`; the value of every
/// secret-looking key masked.
#[must_use]
pub fn display_text(bytes: &[u8]) -> String {
    let decoded = crate::config::decode(bytes).text;
    let visible: String =
        decoded.chars().map(|c| if c.is_control() && !matches!(c, '\t' | '\n') { '?' } else { c }).collect();
    visible.lines().map(crate::service::logs::mask_secrets).collect::<Vec<_>>().join("\n")
}

/// Log bytes as text: UTF-8 as it is, else read as Windows-1252 (the Windows proxy's ANSI code
/// page), so `M\xfcller` is `Müller`.
#[must_use]
pub fn text_of(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => std::borrow::Cow::Owned(crate::config::decode(bytes).text),
    }
}
