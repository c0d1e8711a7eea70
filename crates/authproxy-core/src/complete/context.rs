//! Where the caret is: in a section header, at a key, or in a value.

use crate::config::{Document, LineKind};
use crate::text::TextRange;

/// What the caret is on, with the text typed so far and the range a completion replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaretContext {
    /// Inside `[…]`, or at the start of a line that begins with `[`.
    SectionName {
        /// Text between `[` and the caret.
        prefix: String,
        /// What a chosen name replaces (the whole name so far).
        replace: TextRange,
    },
    /// At a key position: an empty line or a key being typed.
    Key {
        /// Index into [`Document::sections`] of the enclosing section, if any.
        section: Option<usize>,
        /// The key typed so far.
        prefix: String,
        /// What a chosen key replaces.
        replace: TextRange,
    },
    /// After `key=`.
    Value {
        /// Index of the enclosing section.
        section: usize,
        /// The key, lower-cased.
        key: String,
        /// The value typed up to the caret.
        prefix: String,
        /// What a chosen value replaces (the whole value).
        replace: TextRange,
    },
    /// In a comment or a continuation line: nothing to offer.
    Nothing,
}

/// Classifies `offset` (a byte offset, clamped to the text) in `doc`.
#[must_use]
pub fn caret_context(doc: &Document, offset: usize) -> CaretContext {
    let text = doc.text();
    let offset = offset.min(text.len());
    let line_index = doc.line_index.line_of(offset);
    let section = doc.section_at_line(line_index).or_else(|| {
        // A caret on a new, still empty line right after a section belongs to it.
        doc.sections.iter().rposition(|s| s.line < line_index)
    });
    let Some(line) = doc.lines.get(line_index) else {
        return CaretContext::Key { section, prefix: String::new(), replace: TextRange::empty(offset) };
    };
    let content = line.content;
    let before = TextRange::new(content.start, offset.min(content.end)).slice(text);
    let trimmed = before.trim_start();
    let lead = content.start + (before.len() - trimmed.len());
    match &line.kind {
        LineKind::Comment { .. } | LineKind::Continuation { .. } => CaretContext::Nothing,
        _ if trimmed.starts_with('[') => {
            let close = content.slice(text)[lead - content.start..].find(']').map_or(content.end, |i| lead + i);
            if offset > close {
                return CaretContext::Nothing;
            }
            CaretContext::SectionName {
                prefix: trimmed[1..].to_string(),
                replace: TextRange::new(lead + 1, close.max(lead + 1)),
            }
        }
        LineKind::Entry { key, delimiter, value } if offset > delimiter.start => match section {
            Some(section) => CaretContext::Value {
                section,
                key: key.slice(text).to_lowercase(),
                prefix: TextRange::new(value.start.min(offset), offset).slice(text).to_string(),
                replace: TextRange::new(value.start.min(offset), value.end.max(offset)),
            },
            None => CaretContext::Nothing,
        },
        LineKind::Entry { key, .. } => CaretContext::Key {
            section,
            // The caret may sit in the indentation before the key.
            prefix: TextRange::new(key.start.min(offset), offset).slice(text).to_string(),
            replace: *key,
        },
        _ => CaretContext::Key {
            section,
            prefix: trimmed.to_string(),
            replace: TextRange::new(lead, content.end.max(lead)),
        },
    }
}
