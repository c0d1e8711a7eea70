//! Edits as text replacements. Every byte outside an edit's range is kept.

use serde::Serialize;

use super::document::{Document, Entry, Section};
use crate::text::TextRange;

/// Replace `range` with `insert`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEdit {
    /// The bytes replaced (empty for a pure insertion).
    pub range: TextRange,
    /// The new text.
    pub insert: String,
}

impl TextEdit {
    /// Replace `range` with `insert`.
    #[must_use]
    pub fn replace(range: TextRange, insert: impl Into<String>) -> Self {
        Self { range, insert: insert.into() }
    }

    /// Insert `insert` at `offset`.
    #[must_use]
    pub fn insert(offset: usize, insert: impl Into<String>) -> Self {
        Self { range: TextRange::empty(offset), insert: insert.into() }
    }

    /// Delete `range`.
    #[must_use]
    pub fn delete(range: TextRange) -> Self {
        Self { range, insert: String::new() }
    }
}

/// Why edits could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    /// Two edits touch the same bytes.
    #[error("two edits overlap at byte {0}")]
    Overlap(usize),
    /// An edit reaches past the end of the text or splits a character.
    #[error("an edit range {0}..{1} does not fit the text")]
    OutOfRange(usize, usize),
    /// A value or name would change the file's structure.
    #[error("{0}")]
    Invalid(String),
}

/// Applies `edits` (in any order, non-overlapping) to `text`.
///
/// # Errors
/// [`EditError::Overlap`] or [`EditError::OutOfRange`]; `text` is then left as it was.
pub fn apply(text: &str, edits: &[TextEdit]) -> Result<String, EditError> {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + edits.iter().map(|e| e.insert.len()).sum::<usize>());
    let mut cursor = 0;
    for edit in sorted {
        let TextRange { start, end } = edit.range;
        if end > text.len() || start > end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(EditError::OutOfRange(start, end));
        }
        if start < cursor {
            return Err(EditError::Overlap(start));
        }
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.insert);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

fn single_line(what: &str, s: &str) -> Result<(), EditError> {
    if s.contains(['\n', '\r']) {
        return Err(EditError::Invalid(format!("the {what} must fit on one line")));
    }
    Ok(())
}

fn valid_key(key: &str) -> Result<(), EditError> {
    single_line("key", key)?;
    if key.trim().is_empty() || key.contains(['=', ':']) || key.trim() != key {
        return Err(EditError::Invalid(
            "a key must be non-empty, without surrounding spaces, and contain neither '=' nor ':'".into(),
        ));
    }
    if key.starts_with(['#', ';', '[']) {
        return Err(EditError::Invalid("a key cannot start with '#', ';' or '['".into()));
    }
    Ok(())
}

impl Document {
    /// Replaces an entry's value (all its continuation lines too) with `value`.
    ///
    /// # Errors
    /// [`EditError::Invalid`] when `value` contains a line break.
    pub fn set_value(&self, entry: &Entry, value: &str) -> Result<TextEdit, EditError> {
        single_line("value", value)?;
        let value = value.trim();
        if entry.value_range.is_empty() {
            // `key=` : keep the user's spacing style by inserting right after the delimiter.
            return Ok(TextEdit::insert(entry.delimiter.end, value));
        }
        Ok(TextEdit::replace(entry.value_range, value))
    }

    /// Renames an entry's key, keeping delimiter, spacing and value.
    ///
    /// # Errors
    /// [`EditError::Invalid`] when `new_key` is not a usable key.
    pub fn rename_key(&self, entry: &Entry, new_key: &str) -> Result<TextEdit, EditError> {
        valid_key(new_key)?;
        Ok(TextEdit::replace(entry.key_range, new_key))
    }

    /// Deletes an entry: its line, its continuation lines and their line breaks.
    #[must_use]
    pub fn delete_key(&self, entry: &Entry) -> TextEdit {
        let start = self.lines[entry.line].content.start;
        let end = self.lines[entry.last_line].eol.end;
        TextEdit::delete(TextRange::new(start, end))
    }

    /// Inserts `key = value` at the end of `section` (after its last entry),
    /// written in the style of the section's existing entries.
    ///
    /// # Errors
    /// [`EditError::Invalid`] when the key or value is not usable.
    pub fn insert_key(&self, section: &Section, key: &str, value: &str) -> Result<TextEdit, EditError> {
        valid_key(key)?;
        single_line("value", value)?;
        let separator = self.separator_style(section);
        let anchor_line = section.entries.last().map_or(section.line, |e| e.last_line);
        let indent = section.entries.last().map_or("", |e| {
            let line = &self.lines[e.line];
            TextRange::new(line.content.start, e.key_range.start).slice(self.text())
        });
        let line = &self.lines[anchor_line];
        let eol = self.dominant_eol();
        let new_line = format!("{indent}{key}{separator}{}", value.trim());
        if line.eol.is_empty() {
            return Ok(TextEdit::insert(line.eol.end, format!("{eol}{new_line}")));
        }
        Ok(TextEdit::insert(line.eol.end, format!("{new_line}{}", line.eol.slice(self.text()))))
    }

    /// Appends a new `[name]` section with `entries` at the end of the file,
    /// separated from what precedes it by one blank line.
    ///
    /// # Errors
    /// [`EditError::Invalid`] when the name or an entry is not usable.
    pub fn insert_section(&self, name: &str, entries: &[(&str, &str)]) -> Result<TextEdit, EditError> {
        single_line("section name", name)?;
        if name.is_empty() || name.contains(']') {
            return Err(EditError::Invalid("a section name must be non-empty and cannot contain ']'".into()));
        }
        for (key, value) in entries {
            valid_key(key)?;
            single_line("value", value)?;
        }
        let eol = self.dominant_eol();
        let separator = self.sections.iter().rev().find_map(|s| s.entries.last().map(|_| self.separator_style(s)));
        let separator = separator.unwrap_or_else(|| "=".to_string());
        let mut block = String::new();
        let text = self.text();
        if !text.is_empty() {
            if !text.ends_with(['\n', '\r']) {
                block.push_str(eol);
            }
            let last_blank = self.lines.last().is_some_and(|l| l.content.slice(text).trim().is_empty());
            if !last_blank {
                block.push_str(eol);
            }
        }
        block.push('[');
        block.push_str(name);
        block.push(']');
        block.push_str(eol);
        for (key, value) in entries {
            block.push_str(key);
            block.push_str(&separator);
            block.push_str(value.trim());
            block.push_str(eol);
        }
        Ok(TextEdit::insert(text.len(), block))
    }

    /// How this section writes `key<sep>value`: the text between the key and value
    /// of its last single-line entry (`=` when it has none).
    fn separator_style(&self, section: &Section) -> String {
        section.entries.iter().rev().find(|e| !e.value_range.is_empty() && !e.is_multiline()).map_or_else(
            || "=".to_string(),
            |e| TextRange::new(e.key_range.end, e.value_range.start).slice(self.text()).to_string(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(text: &str, f: impl Fn(&Document) -> TextEdit) -> String {
        let doc = Document::parse(text);
        apply(text, &[f(&doc)]).unwrap()
    }

    #[test]
    fn set_value_keeps_everything_else() {
        let text = "; keep\r\n[s]\r\nfailmode = safe   \r\n";
        let out = edit(text, |d| d.set_value(&d.sections[0].entries[0], "secure").unwrap());
        assert_eq!(out, "; keep\r\n[s]\r\nfailmode = secure   \r\n");
        let out = edit("[s]\nk=\n", |d| d.set_value(&d.sections[0].entries[0], "v").unwrap());
        assert_eq!(out, "[s]\nk=v\n");
    }

    #[test]
    fn set_value_replaces_continuation_lines() {
        let out = edit("[s]\nk=a\n  b\nj=1\n", |d| d.set_value(&d.sections[0].entries[0], "c").unwrap());
        assert_eq!(out, "[s]\nk=c\nj=1\n");
    }

    #[test]
    fn rename_and_delete() {
        let text = "[s]\nSkey : abc\nx=1\n  more\ny=2";
        let out = edit(text, |d| d.rename_key(&d.sections[0].entries[0], "Skey_protected").unwrap());
        assert_eq!(out, "[s]\nSkey_protected : abc\nx=1\n  more\ny=2");
        let out = edit(text, |d| d.delete_key(&d.sections[0].entries[1]));
        assert_eq!(out, "[s]\nSkey : abc\ny=2");
        let doc = Document::parse(text);
        assert!(doc.rename_key(&doc.sections[0].entries[0], "a=b").is_err());
    }

    #[test]
    fn insert_key_follows_section_style() {
        let text = "[a]\n  k = v\r\n\r\n[b]\nz=1";
        let out = edit(text, |d| d.insert_key(&d.sections[0], "new", "x").unwrap());
        assert_eq!(out, "[a]\n  k = v\r\n  new = x\r\n\r\n[b]\nz=1");
        let out = edit(text, |d| d.insert_key(&d.sections[1], "q", "2").unwrap());
        assert_eq!(out, "[a]\n  k = v\r\n\r\n[b]\nz=1\nq=2");
    }

    #[test]
    fn insert_section_adds_a_blank_line_first() {
        let out = edit("[a]\nk = v\n", |d| d.insert_section("cloud", &[("ikey", "X")]).unwrap());
        assert_eq!(out, "[a]\nk = v\n\n[cloud]\nikey = X\n");
        let out = edit("", |d| d.insert_section("main", &[]).unwrap());
        assert_eq!(out, "[main]\n");
    }

    #[test]
    fn apply_rejects_overlaps_and_bad_ranges() {
        let edits = [TextEdit::replace(TextRange::new(0, 3), "x"), TextEdit::replace(TextRange::new(2, 4), "y")];
        assert_eq!(apply("abcdef", &edits), Err(EditError::Overlap(2)));
        assert!(apply("é", &[TextEdit::delete(TextRange::new(1, 2))]).is_err());
        let edits = [TextEdit::insert(6, "!"), TextEdit::replace(TextRange::new(0, 1), "A")];
        assert_eq!(apply("abcdef", &edits).unwrap(), "Abcdef!");
    }
}
