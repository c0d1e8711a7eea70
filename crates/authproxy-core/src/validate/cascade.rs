//! One cause, one finding: what only follows from a load error is left out.
//!
//! - A repeated section header stops the proxy; the block under it is never read, so nothing
//!   found in that block (keys repeating the first block's, its missing keys, its values,
//!   listeners it would clash with) is reported beside the one finding that names both headers.
//!   A key repeated within that block itself is a mistake of its own and stays.
//! - A section header without its `]` makes the keys below it part of the section above; they
//!   are not judged as that section's keys (unexpected, or repeating one of its keys) until the
//!   header is fixed.

use crate::config::{Document, SyntaxErrorKind};
use crate::text::TextRange;
use crate::validate::{Diagnostic, Kind};

/// Text whose findings follow from a load error at its `line`.
struct Shadow {
    /// 0-based line of the repeated or broken header.
    line: usize,
    range: TextRange,
}

impl Shadow {
    fn covers(&self, offset: usize) -> bool {
        (self.range.start..self.range.end).contains(&offset)
    }
}

/// Removes the findings that only follow from a load error in `doc`.
pub fn fold(doc: &Document, out: &mut Vec<Diagnostic>) {
    let shadows = shadows(doc);
    if shadows.is_empty() {
        return;
    }
    // A key "repeated" only because the header above it is repeated or broken: no earlier
    // occurrence below that header.
    let occurs_between = |key: &str, after: usize, before: usize| {
        doc.sections.iter().flat_map(|s| &s.entries).any(|e| e.name == key && e.line > after && e.line < before)
    };
    let repeated_across: Vec<TextRange> = doc
        .errors
        .iter()
        .filter(|e| match &e.kind {
            SyntaxErrorKind::DuplicateKey { key, .. } => {
                shadows.iter().any(|s| s.covers(e.range.start) && !occurs_between(key, s.line, e.line))
            }
            _ => false,
        })
        .map(|e| e.range)
        .collect();
    let follows = |d: &Diagnostic| {
        shadows.iter().any(|s| s.covers(d.range.start))
            && (d.kind != Kind::LoadError || repeated_across.contains(&d.range))
    };
    out.retain(|d| !follows(d));
}

fn shadows(doc: &Document) -> Vec<Shadow> {
    let text = doc.text();
    let line_start = |line: usize| doc.lines.get(line).map_or(text.len(), |l| l.content.start);
    let mut shadows = Vec::new();
    for error in &doc.errors {
        match &error.kind {
            SyntaxErrorKind::DuplicateSection { .. } => {
                if let Some(section) = doc.sections.iter().find(|s| s.line == error.line) {
                    let range = TextRange::new(line_start(section.line), line_start(section.end_line));
                    shadows.push(Shadow { line: section.line, range });
                }
            }
            SyntaxErrorKind::NoDelimiter if is_broken_header(doc, error.range) => {
                let next_header = doc.sections.iter().map(|s| s.line).find(|&l| l > error.line);
                let end = next_header.map_or(text.len(), line_start);
                shadows.push(Shadow { line: error.line, range: TextRange::new(line_start(error.line + 1), end) });
            }
            _ => {}
        }
    }
    shadows
}

/// A line that starts like a section header but has no `]`.
#[must_use]
pub fn is_broken_header(doc: &Document, line: TextRange) -> bool {
    line.slice(doc.text()).starts_with('[')
}
