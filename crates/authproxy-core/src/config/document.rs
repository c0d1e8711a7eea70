//! The semantic view: sections in file order, each with its entries and their spans.

use compact_str::CompactString;

use super::parser::{classify, is_py_space, Line, LineKind, SyntaxError};
use crate::text::{LineIndex, TextRange};

/// One `key = value` with every position an editor or validator needs.
///
/// `Debug` masks the value of a secret-looking key, so no log line or failed assertion shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key as written (case kept).
    pub key: CompactString,
    /// The key lower-cased, as the proxy sees it.
    pub name: CompactString,
    /// Where the key is written.
    pub key_range: TextRange,
    /// The `=` or `:`.
    pub delimiter: TextRange,
    /// The value as the proxy sees it: continuation lines joined with `\n`.
    pub value: CompactString,
    /// Where the value is written, from its first character to the end of its
    /// last continuation line (empty, after the delimiter, when there is no value).
    pub value_range: TextRange,
    /// 0-based line of the key.
    pub line: usize,
    /// 0-based last line belonging to this entry (its last continuation line).
    pub last_line: usize,
}

impl Entry {
    /// From the key to the end of the value.
    #[must_use]
    pub fn range(&self) -> TextRange {
        self.key_range.cover(self.value_range).cover(self.delimiter)
    }

    /// Whether the value spans several lines.
    #[must_use]
    pub fn is_multiline(&self) -> bool {
        self.last_line > self.line
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let value: &dyn std::fmt::Debug =
            if crate::secrets::looks_secret(&self.name) { &crate::secrets::MASK } else { &self.value };
        f.debug_struct("Entry")
            .field("key", &self.key)
            .field("value", value)
            .field("key_range", &self.key_range)
            .field("value_range", &self.value_range)
            .field("line", &self.line)
            .field("last_line", &self.last_line)
            .finish_non_exhaustive()
    }
}

/// One `[section]` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The name as written between the brackets.
    pub name: CompactString,
    /// Where the name is written.
    pub name_range: TextRange,
    /// From `[` to `]`.
    pub header_range: TextRange,
    /// 0-based line of the header.
    pub line: usize,
    /// 0-based line after the last line of this block (the next header's line, or the line count).
    pub end_line: usize,
    /// Entries in file order, duplicates kept.
    pub entries: Vec<Entry>,
}

impl Section {
    /// Whether this is the special `[DEFAULT]` block whose keys reach every section.
    #[must_use]
    pub fn is_default(&self) -> bool {
        self.name == "DEFAULT"
    }

    /// The first entry with this lower-case name.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.name == name)
    }

    /// The value of the first entry with this lower-case name.
    #[must_use]
    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(|e| e.value.as_str())
    }
}

/// A parsed `authproxy.cfg`: the exact text, every line classified, the sections and the load errors.
///
/// Parsing never fails; [`Document::to_text`] gives back the input byte for byte. `Debug` shows
/// the structure, never the text (secrets are masked in the entries).
#[derive(Clone)]
pub struct Document {
    text: String,
    /// Every physical line, in order; their ranges tile the text exactly.
    pub lines: Vec<Line>,
    /// Every `[section]` block in file order (including `[DEFAULT]`).
    pub sections: Vec<Section>,
    /// Entries written before the first section header (a load error).
    pub orphans: Vec<Entry>,
    /// Problems that stop the proxy from loading the file.
    pub errors: Vec<SyntaxError>,
    /// Byte ↔ line/column conversion.
    pub line_index: LineIndex,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("bytes", &self.text.len())
            .field("lines", &self.lines.len())
            .field("sections", &self.sections)
            .field("orphans", &self.orphans)
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

impl Document {
    /// Parses `text`. Never fails; problems end up in [`Document::errors`].
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let classified = classify(text);
        let mut sections: Vec<Section> = Vec::new();
        let mut orphans = Vec::new();
        let mut current: Option<EntryBuilder> = None;

        let finish = |builder: Option<EntryBuilder>, sections: &mut Vec<Section>, orphans: &mut Vec<Entry>| {
            if let Some(b) = builder {
                let entry = b.build(text);
                match sections.last_mut() {
                    Some(section) => section.entries.push(entry),
                    None => orphans.push(entry),
                }
            }
        };

        for (index, line) in classified.lines.iter().enumerate() {
            match &line.kind {
                LineKind::Header { name, brackets, .. } => {
                    finish(current.take(), &mut sections, &mut orphans);
                    if let Some(previous) = sections.last_mut() {
                        previous.end_line = index;
                    }
                    sections.push(Section {
                        name: name.slice(text).into(),
                        name_range: *name,
                        header_range: *brackets,
                        line: index,
                        end_line: classified.lines.len(),
                        entries: Vec::new(),
                    });
                }
                LineKind::Entry { key, delimiter, value } => {
                    finish(current.take(), &mut sections, &mut orphans);
                    current = Some(EntryBuilder {
                        key: *key,
                        delimiter: *delimiter,
                        first: *value,
                        more: Vec::new(),
                        value_range: if value.is_empty() { TextRange::empty(delimiter.end) } else { *value },
                        line: index,
                        last_line: index,
                    });
                }
                LineKind::Continuation { value } => {
                    if let Some(b) = current.as_mut() {
                        b.value_range = if b.value_range.is_empty() && b.more.is_empty() && b.first.is_empty() {
                            *value
                        } else {
                            b.value_range.cover(*value)
                        };
                        b.more.push(*value);
                        b.last_line = index;
                    }
                }
                LineKind::Blank => {
                    if let Some(b) = current.as_mut() {
                        b.more.push(TextRange::empty(line.content.start));
                    }
                }
                LineKind::Comment { .. } | LineKind::Invalid => {}
            }
        }
        finish(current.take(), &mut sections, &mut orphans);

        let mut starts = Vec::with_capacity(classified.lines.len() + 1);
        starts.push(0);
        starts.extend(classified.lines.iter().filter(|l| !l.eol.is_empty()).map(|l| l.eol.end));
        Self {
            text: text.to_string(),
            lines: classified.lines,
            sections,
            orphans,
            errors: classified.errors,
            line_index: LineIndex::from_line_starts(starts, text.len()),
        }
    }

    /// The exact text parsed.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Rebuilds the text from the lines: identical to the input, byte for byte.
    #[must_use]
    pub fn to_text(&self) -> String {
        self.lines.iter().map(|l| l.full().slice(&self.text)).collect()
    }

    /// Whether the proxy would load this file (no load errors).
    #[must_use]
    pub fn loads(&self) -> bool {
        self.errors.is_empty()
    }

    /// Sections other than `[DEFAULT]`.
    pub fn regular_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().filter(|s| !s.is_default())
    }

    /// The first section with exactly this name.
    #[must_use]
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The index of the section whose block contains 0-based `line`. The line just past a final
    /// line break, where a caret at the end of the file sits, belongs to the last section.
    #[must_use]
    pub fn section_at_line(&self, line: usize) -> Option<usize> {
        let within = self.sections.iter().position(|s| s.line <= line && line < s.end_line);
        within.or_else(|| {
            let last = self.sections.len().checked_sub(1)?;
            let ends_with_break = self.lines.last().is_some_and(|l| !l.eol.slice(&self.text).is_empty());
            (ends_with_break && line == self.lines.len() && self.sections[last].end_line == line).then_some(last)
        })
    }

    /// 1-based line/column of a byte offset.
    #[must_use]
    pub fn line_col(&self, offset: usize) -> crate::text::LineCol {
        self.line_index.line_col(&self.text, offset)
    }

    /// The line break most lines use (`\r\n` or `\n`); `\n` when there is none.
    #[must_use]
    pub fn dominant_eol(&self) -> &str {
        let (mut crlf, mut lf, mut cr) = (0, 0, 0);
        for line in &self.lines {
            match line.eol.slice(&self.text) {
                "\r\n" => crlf += 1,
                "\n" => lf += 1,
                "\r" => cr += 1,
                _ => {}
            }
        }
        if crlf > lf && crlf >= cr {
            "\r\n"
        } else if cr > lf && cr > crlf {
            "\r"
        } else {
            "\n"
        }
    }
}

struct EntryBuilder {
    key: TextRange,
    delimiter: TextRange,
    /// The value on the key's line.
    first: TextRange,
    /// Continuation lines and blank lines after it (joined with `\n`, as Python does).
    more: Vec<TextRange>,
    value_range: TextRange,
    line: usize,
    last_line: usize,
}

impl EntryBuilder {
    fn build(self, text: &str) -> Entry {
        let value = if self.more.is_empty() {
            CompactString::from(self.first.slice(text))
        } else {
            let mut joined = CompactString::from(self.first.slice(text));
            for part in &self.more {
                joined.push('\n');
                joined.push_str(part.slice(text));
            }
            joined.truncate(joined.trim_end_matches(is_py_space).len());
            joined
        };
        let key = CompactString::from(self.key.slice(text));
        let name = if key.bytes().any(|b| b.is_ascii_uppercase()) || !key.is_ascii() {
            key.to_lowercase()
        } else {
            key.clone()
        };
        Entry {
            name,
            key,
            key_range: self.key,
            delimiter: self.delimiter,
            value,
            value_range: self.value_range,
            line: self.line,
            last_line: self.last_line,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_caret_past_a_final_line_break_is_in_the_last_section() {
        let doc = Document::parse("; top\n[main]\ndebug=true\n[cloud]\nikey=DIX\n");
        let at = |line| doc.section_at_line(line).map(|i| doc.sections[i].name.as_str());
        assert_eq!(
            (at(0), at(1), at(2), at(3), at(4), at(5), at(6)),
            (None, Some("main"), Some("main"), Some("cloud"), Some("cloud"), Some("cloud"), None)
        );
        let unterminated = Document::parse("[main]\ndebug=true");
        assert_eq!((unterminated.section_at_line(1), unterminated.section_at_line(2)), (Some(0), None));
        assert_eq!(Document::parse("; only a comment\n").section_at_line(1), None);
    }

    #[test]
    fn debug_output_shows_structure_but_no_secret_and_no_text() {
        let doc = Document::parse("[cloud]\nikey=DIX\nskey=Zz9-Debug-Secret\nradius_secert_1=Typo-9\n");
        let shown = format!("{doc:?} {:?} {:#?}", doc.sections[0].entries[1], doc.sections[0]);
        assert!(shown.contains("skey") && shown.contains("DIX") && shown.contains("********"), "{shown}");
        assert!(!shown.contains("Zz9-Debug-Secret") && !shown.contains("Typo-9"), "{shown}");
    }

    #[test]
    fn sections_and_entries_with_spans() {
        let text = "; c\r\n[main]\r\nDebug = true\r\n\r\n[ad_client2]\r\nhost=dc1\r\n";
        let doc = Document::parse(text);
        assert_eq!(doc.to_text(), text);
        assert_eq!(doc.sections.len(), 2);
        let main = &doc.sections[0];
        assert_eq!(main.name, "main");
        assert_eq!(main.end_line, 4);
        let debug = &main.entries[0];
        assert_eq!(debug.key, "Debug");
        assert_eq!(debug.name, "debug");
        assert_eq!(debug.value, "true");
        assert_eq!(debug.value_range.slice(text), "true");
        assert_eq!(doc.sections[1].value("host"), Some("dc1"));
        assert_eq!(doc.dominant_eol(), "\r\n");
    }

    #[test]
    fn multiline_values_join_like_python() {
        let text = "[s]\nfilter=(&\n  (a=b)\n\n  ; comment\n  (c=d))\n\nnext=1\n";
        let doc = Document::parse(text);
        let e = &doc.sections[0].entries[0];
        assert_eq!(e.value, "(&\n(a=b)\n\n(c=d))");
        assert_eq!(e.line, 1);
        assert_eq!(e.last_line, 5);
        assert!(e.value_range.slice(text).starts_with("(&"));
        assert!(e.value_range.slice(text).ends_with("(c=d))"));
        assert_eq!(doc.sections[0].entries[1].value, "1");
    }

    #[test]
    fn empty_value_has_an_empty_range_after_the_delimiter() {
        let text = "[s]\nk=\n";
        let doc = Document::parse(text);
        let e = &doc.sections[0].entries[0];
        assert_eq!(e.value, "");
        assert_eq!(e.value_range, TextRange::empty(6));
    }

    #[test]
    fn orphans_and_missing_final_newline() {
        let text = "k=v\n[s]\nx=1";
        let doc = Document::parse(text);
        assert_eq!(doc.orphans.len(), 1);
        assert!(!doc.loads());
        assert_eq!(doc.to_text(), text);
        assert_eq!(doc.sections[0].value("x"), Some("1"));
    }
}

#[cfg(test)]
mod line_index_tests {
    use super::*;

    #[test]
    fn the_parsers_line_index_matches_a_fresh_one() {
        for text in ["", "a", "a\n", "a\r\nb\rc\n\nd", "\r\r\n\n", "[s]\nk=v", "x\r"] {
            assert_eq!(Document::parse(text).line_index, LineIndex::new(text), "{text:?}");
        }
    }
}
