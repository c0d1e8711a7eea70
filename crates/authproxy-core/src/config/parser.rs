//! The line classifier: Python 3.8 `configparser` semantics, reproduced line by line.
//!
//! The proxy reads `authproxy.cfg` with `ConfigParser(interpolation=None)` and
//! default options, after a pre-scan that rejects duplicate section names
//! compared case-insensitively. This module follows the same state machine so
//! every line gets the meaning the proxy gives it, and records each problem
//! the proxy would refuse to load.

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap as HashMap;

use crate::text::TextRange;

/// What one physical line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// Empty or whitespace only.
    Blank,
    /// A full-line comment; `marker` is the byte offset of its `#` or `;`.
    Comment {
        /// Offset of the comment character.
        marker: usize,
    },
    /// `[name]`, with anything after `]` ignored.
    Header {
        /// The name between the brackets, as written (not trimmed).
        name: TextRange,
        /// From `[` to `]` inclusive.
        brackets: TextRange,
        /// Text after `]` that the proxy ignores.
        trailing: TextRange,
    },
    /// `key = value` (or `key: value`).
    Entry {
        /// The key as written (trimmed).
        key: TextRange,
        /// The `=` or `:`.
        delimiter: TextRange,
        /// The value (trimmed; may be empty).
        value: TextRange,
    },
    /// An indented line appended to the previous value.
    Continuation {
        /// The trimmed text appended.
        value: TextRange,
    },
    /// A line the proxy cannot parse (no delimiter, or an empty key).
    Invalid,
}

/// One physical line: its content, its line break, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// The line without its line break.
    pub content: TextRange,
    /// The line break (`\r\n`, `\n`, `\r`), empty on a last line without one.
    pub eol: TextRange,
    /// The classification.
    pub kind: LineKind,
}

impl Line {
    /// Content plus line break.
    #[must_use]
    pub fn full(&self) -> TextRange {
        TextRange::new(self.content.start, self.eol.end)
    }
}

/// Why the proxy refuses to load the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// Content before the first `[section]` header.
    MissingSectionHeader {
        /// The first line starts with a UTF-8 byte order mark.
        bom: bool,
    },
    /// A line with no `=` or `:`.
    NoDelimiter,
    /// A line starting with its delimiter (`=value`).
    EmptyKey,
    /// A section header repeated; `first_line` is 0-based.
    DuplicateSection {
        /// The earlier header's name.
        first_name: String,
        /// 0-based line of the earlier header.
        first_line: usize,
        /// The very same name (Python's configparser rejects it too); otherwise only
        /// the proxy's case-insensitive pre-scan does.
        exact: bool,
    },
    /// A key repeated in one section (any case); `first_line` is 0-based.
    DuplicateKey {
        /// Lower-cased key.
        key: String,
        /// Section name as written.
        section: String,
        /// 0-based line of the earlier key.
        first_line: usize,
    },
}

/// A load error with the range it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// What is wrong.
    pub kind: SyntaxErrorKind,
    /// Where: the offending header, key or line.
    pub range: TextRange,
    /// 0-based line.
    pub line: usize,
}

/// Python's `str.isspace` for one character.
#[must_use]
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Byte range of `s[range]` with Python whitespace stripped on both ends.
fn strip(text: &str, range: TextRange) -> TextRange {
    let s = range.slice(text);
    let lead = s.len() - s.trim_start_matches(is_py_space).len();
    let trail = s.trim_end_matches(is_py_space).len();
    if lead >= trail {
        return TextRange::empty(range.start + lead.min(s.len()));
    }
    TextRange::new(range.start + lead, range.start + trail)
}

/// Splits `text` into physical lines at `\r\n`, `\n` and lone `\r`.
#[must_use]
pub fn split_lines(text: &str) -> Vec<(TextRange, TextRange)> {
    let bytes = text.as_bytes();
    let mut lines = Vec::with_capacity(bytes.len() / 24 + 1);
    let mut start = 0;
    let mut skip_lf_at = usize::MAX;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if i == skip_lf_at {
            continue;
        }
        let eol_len = if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
        lines.push((TextRange::new(start, i), TextRange::new(i, i + eol_len)));
        start = i + eol_len;
        if eol_len == 2 {
            skip_lf_at = i + 1;
        }
    }
    if start < bytes.len() {
        lines.push((TextRange::new(start, bytes.len()), TextRange::empty(bytes.len())));
    }
    lines
}

/// The outcome of classifying every line.
#[derive(Debug, Clone, Default)]
pub struct Classified {
    /// One entry per physical line.
    pub lines: Vec<Line>,
    /// Load errors in file order.
    pub errors: Vec<SyntaxError>,
}

#[derive(Default)]
struct State {
    in_section: bool,
    section_name: String,
    /// A number per distinct section name, so keys can be remembered per section cheaply.
    section_id: usize,
    section_ids: HashMap<String, usize>,
    /// Line index of the current option, while continuation lines may follow.
    option_line: Option<usize>,
    indent_level: usize,
    /// Exact section names seen, with their first line (configparser's duplicate check).
    seen_sections: HashMap<String, usize>,
    /// Keys seen per section id (ranges into the text) with their lines.
    seen_keys: Vec<Vec<(TextRange, usize)>>,
    /// Lower-cased `[\w+]` headers at column 0 → (name as written, first line): the proxy's pre-scan.
    prescan: HashMap<String, (String, usize)>,
    reported_missing_header: bool,
}

/// Classifies every line of `text` as the proxy's parser would.
#[must_use]
pub fn classify(text: &str) -> Classified {
    let lines = split_lines(text);
    let mut out = Classified { lines: Vec::with_capacity(lines.len()), errors: Vec::new() };
    let mut state = State::default();

    for (index, (content, eol)) in lines.into_iter().enumerate() {
        let stripped = strip(text, content);
        let stripped_text = stripped.slice(text);
        let kind = if stripped_text.starts_with('#') || stripped_text.starts_with(';') {
            LineKind::Comment { marker: stripped.start }
        } else if stripped_text.is_empty() {
            LineKind::Blank
        } else {
            let indent = content.slice(text)[..stripped.start - content.start].chars().count();
            if state.in_section && state.option_line.is_some() && indent > state.indent_level {
                LineKind::Continuation { value: stripped }
            } else {
                state.indent_level = indent;
                classify_statement(text, index, content, stripped, &mut state, &mut out)
            }
        };
        out.lines.push(Line { content, eol, kind });
    }
    out.errors.sort_by_key(|e| (e.range.start, e.range.end));
    out
}

fn classify_statement(
    text: &str,
    index: usize,
    content: TextRange,
    stripped: TextRange,
    state: &mut State,
    out: &mut Classified,
) -> LineKind {
    let s = stripped.slice(text);
    if let Some(name_len) = header_name_len(s) {
        let name = TextRange::new(stripped.start + 1, stripped.start + 1 + name_len);
        let brackets = TextRange::new(stripped.start, name.end + 1);
        let trailing = TextRange::new(brackets.end, stripped.end);
        let name_text = name.slice(text).to_string();
        let errors_before = out.errors.len();
        check_duplicate_section(text, index, content, name, &name_text, state, out);
        let repeated_exactly = out.errors[errors_before..]
            .iter()
            .any(|e| matches!(e.kind, SyntaxErrorKind::DuplicateSection { exact: true, .. }));
        if repeated_exactly {
            // configparser stops at this header, so its keys are compared only with each other.
            state.section_id = state.seen_keys.len();
            state.seen_keys.push(Vec::new());
        } else if let Some(&id) = state.section_ids.get(&name_text) {
            state.section_id = id;
        } else {
            state.section_id = state.seen_keys.len();
            state.seen_keys.push(Vec::new());
            state.section_ids.insert(name_text.clone(), state.section_id);
        }
        state.in_section = true;
        state.section_name = name_text;
        state.option_line = None;
        return LineKind::Header { name, brackets, trailing };
    }
    if !state.in_section {
        if !state.reported_missing_header {
            state.reported_missing_header = true;
            out.errors.push(SyntaxError {
                kind: SyntaxErrorKind::MissingSectionHeader { bom: s.starts_with('\u{feff}') },
                range: stripped,
                line: index,
            });
        }
        return entry_kind(text, stripped).unwrap_or(LineKind::Invalid);
    }
    let Some(kind) = entry_kind(text, stripped) else {
        out.errors.push(SyntaxError { kind: SyntaxErrorKind::NoDelimiter, range: stripped, line: index });
        return LineKind::Invalid;
    };
    let LineKind::Entry { key, delimiter, .. } = &kind else { return kind };
    if key.is_empty() {
        out.errors.push(SyntaxError { kind: SyntaxErrorKind::EmptyKey, range: *delimiter, line: index });
    }
    let key_text = key.slice(text);
    let seen = &mut state.seen_keys[state.section_id];
    match seen.iter().find(|(other, _)| same_key(other.slice(text), key_text)) {
        Some((_, first_line)) => out.errors.push(SyntaxError {
            kind: SyntaxErrorKind::DuplicateKey {
                key: key_text.to_lowercase(),
                section: state.section_name.clone(),
                first_line: *first_line,
            },
            range: if key.is_empty() { *delimiter } else { *key },
            line: index,
        }),
        None => seen.push((*key, index)),
    }
    // Python's `optname` is '' for an empty key, which is falsy: nothing continues it.
    state.option_line = (!key.is_empty()).then_some(index);
    kind
}

/// Keys compare as Python's `str.lower()` does (no allocation for the usual ASCII keys).
fn same_key(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// Length in bytes of the name in `[name]...` (Python `\[(?P<header>[^]]+)\]`).
fn header_name_len(stripped: &str) -> Option<usize> {
    let rest = stripped.strip_prefix('[')?;
    let close = rest.find(']')?;
    (close > 0).then_some(close)
}

/// Splits a statement at its first `=` or `:`.
fn entry_kind(text: &str, stripped: TextRange) -> Option<LineKind> {
    let s = stripped.slice(text);
    let pos = s.find(['=', ':'])?;
    let key = strip(text, TextRange::new(stripped.start, stripped.start + pos));
    let key = if key.is_empty() { TextRange::empty(stripped.start) } else { key };
    let delimiter = TextRange::new(stripped.start + pos, stripped.start + pos + 1);
    let value = strip(text, TextRange::new(delimiter.end, stripped.end));
    Some(LineKind::Entry { key, delimiter, value })
}

fn check_duplicate_section(
    text: &str,
    index: usize,
    content: TextRange,
    name: TextRange,
    name_text: &str,
    state: &mut State,
    out: &mut Classified,
) {
    // configparser itself (strict): the exact same name twice is fatal; `DEFAULT` merges silently.
    let exact_first = if name_text == "DEFAULT" {
        None
    } else {
        let found = state.seen_sections.get(name_text).copied();
        if found.is_none() {
            state.seen_sections.insert(name_text.to_string(), index);
        }
        found
    };
    // The proxy's pre-scan: `^\[(\w+)\]` at the very start of a line, compared lower-cased.
    let at_line_start = name.start == content.start + 1 && text.as_bytes().get(content.start) == Some(&b'[');
    let word_only = !name_text.is_empty() && name_text.chars().all(|c| c.is_alphanumeric() || c == '_');
    let mut prescan_first = None;
    if at_line_start && word_only {
        let lower = name_text.to_lowercase();
        match state.prescan.entry(lower) {
            Entry::Occupied(first) => prescan_first = Some(first.get().clone()),
            Entry::Vacant(slot) => {
                slot.insert((name_text.to_string(), index));
            }
        }
    }
    let duplicate = match (exact_first, prescan_first) {
        (Some(first_line), _) => Some((name_text.to_string(), first_line, true)),
        (None, Some((first_name, first_line))) => Some((first_name, first_line, false)),
        (None, None) => None,
    };
    if let Some((first_name, first_line, exact)) = duplicate {
        out.errors.push(SyntaxError {
            kind: SyntaxErrorKind::DuplicateSection { first_name, first_line, exact },
            range: name,
            line: index,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<LineKind> {
        classify(text).lines.into_iter().map(|l| l.kind).collect()
    }

    #[test]
    fn both_delimiters_and_first_one_wins() {
        let text = "[s]\na : b=c\nsearch_dn=DC=a,DC=b\nhost=fe80::1\n";
        let c = classify(text);
        assert!(c.errors.is_empty());
        let LineKind::Entry { key, value, .. } = &c.lines[1].kind else { panic!() };
        assert_eq!(key.slice(text), "a");
        assert_eq!(value.slice(text), "b=c");
        let LineKind::Entry { key, value, .. } = &c.lines[2].kind else { panic!() };
        assert_eq!(key.slice(text), "search_dn");
        assert_eq!(value.slice(text), "DC=a,DC=b");
        let LineKind::Entry { value, .. } = &c.lines[3].kind else { panic!() };
        assert_eq!(value.slice(text), "fe80::1");
    }

    #[test]
    fn comments_are_full_line_only() {
        let text = "[s]\n  ; c\n# d\nk=v ; not a comment\n";
        let k = kinds(text);
        assert!(matches!(k[1], LineKind::Comment { marker: 6 }));
        assert!(matches!(k[2], LineKind::Comment { .. }));
        let c = classify(text);
        let LineKind::Entry { value, .. } = &c.lines[3].kind else { panic!() };
        assert_eq!(value.slice(text), "v ; not a comment");
    }

    #[test]
    fn continuation_needs_deeper_indent_than_its_key() {
        let text = "[s]\nk=a\n  b\n\n   c\nj=1\n";
        let k = kinds(text);
        assert!(matches!(k[2], LineKind::Continuation { .. }));
        assert!(matches!(k[3], LineKind::Blank));
        assert!(matches!(k[4], LineKind::Continuation { .. }));
        assert!(matches!(k[5], LineKind::Entry { .. }));
        let indented = "[s]\n  k=a\n  j=b\n";
        assert!(matches!(kinds(indented)[2], LineKind::Entry { .. }));
    }

    #[test]
    fn indented_header_after_a_key_is_a_continuation() {
        let k = kinds("[s]\nk=a\n  [t]\n");
        assert!(matches!(k[2], LineKind::Continuation { .. }));
        let k = kinds("  [s]\nk=a\n");
        assert!(matches!(k[0], LineKind::Header { .. }));
    }

    #[test]
    fn header_ignores_trailing_text_and_keeps_spaces() {
        let text = "[ main ] ; x\n";
        let c = classify(text);
        let LineKind::Header { name, trailing, .. } = &c.lines[0].kind else { panic!() };
        assert_eq!(name.slice(text), " main ");
        assert_eq!(trailing.slice(text), " ; x");
    }

    #[test]
    fn load_errors() {
        let c = classify("k=v\n[s]\nnodelim\n=x\n");
        let kinds: Vec<_> = c.errors.iter().map(|e| &e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                &SyntaxErrorKind::MissingSectionHeader { bom: false },
                &SyntaxErrorKind::NoDelimiter,
                &SyntaxErrorKind::EmptyKey
            ]
        );
        let bom = classify("\u{feff}[main]\n");
        assert_eq!(bom.errors[0].kind, SyntaxErrorKind::MissingSectionHeader { bom: true });
    }

    #[test]
    fn duplicates_sections_case_insensitive_keys_any_case() {
        let c = classify("[ad_client]\nHost=a\nhost=b\n[AD_CLIENT]\n");
        assert_eq!(c.errors.len(), 2);
        assert!(matches!(&c.errors[0].kind, SyntaxErrorKind::DuplicateKey { key, first_line: 1, .. } if key == "host"));
        assert!(matches!(&c.errors[1].kind, SyntaxErrorKind::DuplicateSection { first_line: 0, exact: false, .. }));
        // Names with non-word characters escape the pre-scan: only exact repeats fail.
        assert!(classify("[ad-client]\n[AD-CLIENT]\n").errors.is_empty());
        assert_eq!(classify("[ad-client]\n[ad-client]\n").errors.len(), 1);
        // DEFAULT twice merges, but its keys still may not repeat.
        assert!(classify(" [DEFAULT]\n [DEFAULT]\n").errors.is_empty());
    }

    #[test]
    fn line_breaks_are_kept_exactly() {
        let text = "a\r\nb\nc\rd";
        let lines = split_lines(text);
        let rebuilt: String = lines.iter().map(|(c, e)| format!("{}{}", c.slice(text), e.slice(text))).collect();
        assert_eq!(rebuilt, text);
        assert_eq!(lines.len(), 4);
        assert!(split_lines("").is_empty());
    }
}
