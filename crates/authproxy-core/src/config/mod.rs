//! The lossless `authproxy.cfg` model: parse, inspect, edit.
//!
//! Parsing never fails. Every byte of the input is kept: printing a
//! [`Document`] gives back the input exactly, and edits are text
//! replacements that leave every other byte alone.

pub mod document;
pub mod edit;
pub mod encoding;
pub mod file;
pub mod form;
pub mod parser;
pub mod paths;
pub mod sections;

pub use document::{Document, Entry, Section};
pub use edit::{apply, EditError, TextEdit};
pub use encoding::{decode, decode_in, encode, CodePage, Decoded, Encoding};
pub use parser::{Line, LineKind, SyntaxError, SyntaxErrorKind};

/// Parses `text` into a [`Document`]; see [`Document::parse`].
#[must_use]
pub fn parse(text: &str) -> Document {
    Document::parse(text)
}
