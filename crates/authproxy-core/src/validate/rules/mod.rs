//! One module per rule family.

pub mod cross;
pub mod keys;
pub mod load;
pub mod plaintext;
pub mod protected;
pub mod section_rules;
pub mod sections;

use crate::config::Entry;
use crate::schema::types::{is_python_int, parse_python_int};
use crate::text::TextRange;

/// Where to point at a value: the value itself, or the key and delimiter when it is empty.
pub fn value_range(entry: &Entry) -> TextRange {
    if entry.value_range.is_empty() {
        entry.key_range.cover(entry.delimiter)
    } else {
        entry.value_range
    }
}

/// A boolean as the checker reads it: `true`/`false` in any case, or any integer.
pub fn checker_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        // Integers too large for i128 are still integers, and non-zero.
        other => parse_python_int(other).map(|n| n != 0).or_else(|| is_python_int(other).then_some(true)),
    }
}

/// " (inherited from [DEFAULT])" when the entry was written there.
pub fn origin(inherited: bool) -> &'static str {
    if inherited {
        " (inherited from [DEFAULT])"
    } else {
        ""
    }
}
