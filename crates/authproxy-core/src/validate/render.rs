//! Renders findings for people (compiler style) and for programs (JSON).

use serde::Serialize;

use super::{Diagnostic, Kind};
use crate::config::Document;
use crate::secrets::{looks_secret, MASK};

/// A finding with its range turned into 1-based line/column positions.
#[derive(Debug, Clone, Serialize)]
pub struct Located<'a> {
    /// Kind name.
    pub kind: &'static str,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// Section, or for cross-section findings the first section involved.
    pub section: Option<&'a str>,
    /// Found by a cross-section rule.
    pub cross_section: bool,
    /// Keys involved.
    pub keys: &'a [String],
    /// 1-based start line.
    pub line: usize,
    /// 1-based start column (characters).
    pub column: usize,
    /// 1-based end line.
    pub end_line: usize,
    /// 1-based column just past the end (characters).
    pub end_column: usize,
    /// What is wrong and what to do.
    pub message: &'a str,
}

/// Positions a finding in `doc`.
#[must_use]
pub fn locate<'a>(doc: &Document, d: &'a Diagnostic) -> Located<'a> {
    let start = doc.line_col(d.range.start);
    let end = doc.line_col(d.range.end);
    Located {
        kind: d.kind.name(),
        severity: d.severity.as_str(),
        section: d.section.as_deref(),
        cross_section: d.cross_section,
        keys: &d.keys,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        message: &d.message,
    }
}

/// [`locate`] for a report: a finding inside a secret value is placed at the value's start,
/// with no width, so the report does not tell the secret's length.
#[must_use]
pub fn locate_in_report<'a>(doc: &Document, d: &'a Diagnostic, secrets: &SecretLines) -> Located<'a> {
    let mut at = locate(doc, d);
    if secrets.holds(d.range) {
        at.end_line = at.line;
        at.end_column = at.column;
    }
    at
}

/// One file's report in the JSON output.
#[derive(Debug, Serialize)]
pub struct FileReport<'a> {
    /// The path as given.
    pub file: &'a str,
    /// Whether the proxy could load the file.
    pub loaded: bool,
    /// Findings in position order.
    pub diagnostics: Vec<Located<'a>>,
}

/// Builds the JSON report of one file.
#[must_use]
pub fn file_report<'a>(file: &'a str, doc: &Document, diagnostics: &'a [Diagnostic]) -> FileReport<'a> {
    FileReport {
        file,
        loaded: !diagnostics.iter().any(|d| d.kind == Kind::LoadError),
        diagnostics: {
            let secrets = SecretLines::of(doc);
            diagnostics.iter().map(|d| locate_in_report(doc, d, &secrets)).collect()
        },
    }
}

/// `file:line:col: severity[Kind]: message`, then the source line and a caret under the range.
#[must_use]
pub fn text(file: &str, doc: &Document, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    let secrets = SecretLines::of(doc);
    for d in diagnostics {
        let at = locate_in_report(doc, d, &secrets);
        out.push_str(&format!("{file}:{}:{}: {}[{}]: {}\n", at.line, at.column, at.severity, at.kind, d.message));
        let line_index = at.line - 1;
        if let Some(line) = doc.lines.get(line_index) {
            let source = line.content.slice(doc.text());
            let shown = secrets.mask(doc, line_index, source);
            let end_column = if at.end_line == at.line { at.end_column } else { at.column + 1 };
            let (from, to) = (shown.column(at.column - 1, false), shown.column(end_column - 1, true));
            let gutter = at.line.to_string();
            out.push_str(&format!("{gutter} | {}\n", shown.text));
            out.push_str(&format!(
                "{} | {}{}\n",
                " ".repeat(gutter.len()),
                " ".repeat(from),
                "^".repeat(to.saturating_sub(from).max(1))
            ));
        }
        if let Some(fix) = &d.fix {
            out.push_str(&format!("  fix: {}\n", fix.title));
        }
    }
    out
}

/// A source line as shown, with a secret in it replaced by [`MASK`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaskedLine {
    /// The line to show.
    pub text: String,
    /// The columns (0-based, in characters) of the source that the mask replaced.
    pub masked: Option<std::ops::Range<usize>>,
}

impl MaskedLine {
    /// Where source column `column` (0-based) is shown; a column inside the secret goes to the
    /// mask's start, or with `end` to its end, so a caret never tells the secret's length.
    #[must_use]
    pub fn column(&self, column: usize, end: bool) -> usize {
        let Some(masked) = &self.masked else { return column };
        let mask = MASK.chars().count();
        if column <= masked.start {
            column
        } else if column >= masked.end {
            column - masked.len() + mask
        } else if end {
            masked.start + mask
        } else {
            masked.start
        }
    }
}

/// Where a document holds the values of secret-looking keys: which lines, and which bytes.
pub struct SecretLines {
    lines: Vec<bool>,
    /// The values' byte ranges, in file order.
    values: Vec<crate::text::TextRange>,
}

impl SecretLines {
    /// Judges every entry's key once.
    #[must_use]
    pub fn of(doc: &Document) -> Self {
        let mut lines = vec![false; doc.lines.len()];
        let mut values = Vec::new();
        for entry in doc.sections.iter().flat_map(|s| s.entries.iter()).chain(doc.orphans.iter()) {
            if looks_secret(&entry.name) {
                for line in lines.iter_mut().take(entry.last_line + 1).skip(entry.line) {
                    *line = true;
                }
                values.push(entry.value_range);
            }
        }
        values.sort_by_key(|v| v.start);
        Self { lines, values }
    }

    /// Whether `range` lies within a secret value (and is not empty).
    #[must_use]
    pub fn holds(&self, range: crate::text::TextRange) -> bool {
        let after = self.values.partition_point(|v| v.start <= range.start);
        !range.is_empty() && after > 0 && range.end <= self.values[after - 1].end
    }

    /// `source` (line `line_index` of `doc`) with any secret value replaced by a fixed mask.
    #[must_use]
    pub fn mask(&self, doc: &Document, line_index: usize, source: &str) -> MaskedLine {
        let unmasked = || MaskedLine { text: source.to_string(), masked: None };
        let Some(line) = doc.lines.get(line_index) else { return unmasked() };
        let bytes = match &line.kind {
            crate::config::LineKind::Invalid if !starts_with_plain_key(source) => {
                // An unparseable line that does not start with a known key may be a pasted secret.
                let indent = source.len() - source.trim_start().len();
                Some(indent..source.len())
            }
            crate::config::LineKind::Entry { value, .. } | crate::config::LineKind::Continuation { value } => self
                .lines
                .get(line_index)
                .copied()
                .unwrap_or(false)
                .then(|| value.start - line.content.start..value.end - line.content.start),
            _ => None,
        };
        let Some(bytes) = bytes.filter(|b| !b.is_empty()) else { return unmasked() };
        let (Some(before), Some(after)) = (source.get(..bytes.start), source.get(bytes.end..)) else {
            return unmasked();
        };
        let start = before.chars().count();
        let end = start + source[bytes].chars().count();
        MaskedLine { text: format!("{before}{MASK}{after}"), masked: Some(start..end) }
    }
}

/// Whether a line starts with the name of a known key that holds no secret (`host_2 dc2…`).
fn starts_with_plain_key(source: &str) -> bool {
    let first = source.split_whitespace().next().unwrap_or("").to_lowercase();
    let known = crate::schema::SectionType::ALL.iter().any(|t| crate::schema::find_key(*t, &first).is_some());
    known && !looks_secret(&first)
}
