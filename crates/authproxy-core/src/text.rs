//! Byte ranges and the byte ↔ line/column conversion.
//!
//! Everything in the library counts UTF-8 bytes. Lines and columns are
//! 1-based; columns count characters (Unicode scalar values), which is what
//! an editor shows and what a caret under a source line needs.

use serde::Serialize;

/// A half-open byte range `start..end` into a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct TextRange {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl TextRange {
    /// A range from `start` to `end`.
    #[must_use]
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end);
        Self { start, end }
    }

    /// An empty range at `offset`.
    #[must_use]
    pub fn empty(offset: usize) -> Self {
        Self { start: offset, end: offset }
    }

    /// Number of bytes covered.
    #[must_use]
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// Whether the range covers no bytes.
    #[must_use]
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies within `start..=end`.
    #[must_use]
    pub fn contains_inclusive(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// The smallest range covering both.
    #[must_use]
    pub fn cover(self, other: Self) -> Self {
        Self { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// Whether the two ranges share at least one byte, or touch when either is empty.
    #[must_use]
    pub fn intersects(self, other: Self) -> bool {
        self.start < other.end && other.start < self.end
            || (self.is_empty() || other.is_empty()) && self.start <= other.end && other.start <= self.end
    }

    /// The slice of `text` this range covers.
    ///
    /// Returns `""` when the range does not fit `text` on character boundaries.
    #[must_use]
    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// A 1-based line and column (column in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
}

/// Where each line starts, so byte offsets convert to line/column quickly.
///
/// Line breaks are `\r\n`, `\n` and a lone `\r`, as Python's text mode sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Indexes `text`.
    #[must_use]
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Self { starts, len: text.len() }
    }

    /// Builds the index from known line starts (the first must be 0), e.g. from a parser's lines.
    #[must_use]
    pub fn from_line_starts(starts: Vec<usize>, text_len: usize) -> Self {
        debug_assert_eq!(starts.first(), Some(&0));
        Self { starts, len: text_len }
    }

    /// Number of lines (a text ending in a line break has an empty last line).
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte offset where 0-based line `line` starts.
    #[must_use]
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// 0-based line containing byte `offset`.
    #[must_use]
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// 1-based line and character column of byte `offset` in `text`.
    #[must_use]
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        LineCol { line: line + 1, column }
    }

    /// Byte offset of a 0-based line and 0-based character column, clamped to the line.
    #[must_use]
    pub fn offset(&self, text: &str, line: usize, char_column: usize) -> usize {
        let start = self.line_start(line);
        let end = self.line_start(line + 1).min(text.len());
        let line_text = text.get(start..end).unwrap_or("");
        let content = line_text.trim_end_matches(['\r', '\n']);
        content.char_indices().nth(char_column).map_or(start + content.len(), |(i, _)| start + i)
    }
}

/// Converts between byte offsets and character offsets (what egui cursors count).
#[must_use]
pub fn char_index_of_byte(text: &str, byte: usize) -> usize {
    let byte = byte.min(text.len());
    let mut boundary = byte;
    while !text.is_char_boundary(boundary) {
        boundary -= 1;
    }
    text[..boundary].chars().count()
}

/// The byte offset of the `chars`-th character (clamped to the end of `text`).
#[must_use]
pub fn byte_of_char_index(text: &str, chars: usize) -> usize {
    text.char_indices().nth(chars).map_or(text.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_on_all_three_breaks() {
        let text = "a\r\nb\nc\rd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(index.line_col(text, 3), LineCol { line: 2, column: 1 });
        assert_eq!(index.line_col(text, 5), LineCol { line: 3, column: 1 });
        assert_eq!(index.line_col(text, 7), LineCol { line: 4, column: 1 });
        assert_eq!(index.line_col(text, 8), LineCol { line: 4, column: 2 });
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "[main]\nkey=Grüße x";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.line_col(text, x), LineCol { line: 2, column: 11 });
        assert_eq!(index.offset(text, 1, 10), x);
    }

    #[test]
    fn char_and_byte_offsets_round_trip() {
        let text = "é=ü;ß";
        for (chars, (byte, _)) in text.char_indices().enumerate() {
            assert_eq!(char_index_of_byte(text, byte), chars);
            assert_eq!(byte_of_char_index(text, chars), byte);
        }
        assert_eq!(byte_of_char_index(text, 99), text.len());
        assert_eq!(char_index_of_byte(text, 1), 0, "inside a character rounds down");
    }
}
