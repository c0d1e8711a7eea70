//! "Compare": the file on disk against the editor's text, as a line diff in which no secret
//! shows. Secret values are masked on both sides before diffing; a secret that differs
//! between them is marked as changed, without showing either value.

use std::collections::HashMap;

use egui::{Color32, RichText, Ui};
use similar::{ChangeTag, TextDiff};

use crate::config::{apply, Document, Entry, TextEdit};
use crate::secrets::{looks_secret, MASK};

/// How a diff line reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineTag {
    /// On both sides.
    Same,
    /// Only on disk.
    Disk,
    /// Only in the editor.
    Editor,
    /// "…" between hunks.
    Gap,
}

/// One line of the diff, secrets masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// Which side.
    pub tag: LineTag,
    /// 1-based line numbers on disk and in the editor.
    pub numbers: (Option<usize>, Option<usize>),
    /// The text without its line ending.
    pub text: String,
}

/// The diff of disk against editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The lines with three lines of context around each change.
    pub lines: Vec<DiffLine>,
    /// Lines only on disk and only in the editor.
    pub counts: (usize, usize),
}

/// Every entry of `doc` with the section it is in: those above the first header too.
fn all_entries(doc: &Document) -> impl Iterator<Item = (&str, &Entry)> {
    let orphans = doc.orphans.iter().map(|e| ("", e));
    orphans.chain(doc.sections.iter().flat_map(|s| s.entries.iter().map(move |e| (s.name.as_str(), e))))
}

/// Every secret value of `doc` by `[section] key`.
fn secret_values(doc: &Document) -> HashMap<(String, String), String> {
    all_entries(doc)
        .filter(|(_, e)| looks_secret(&e.key))
        .map(|(section, e)| ((section.to_lowercase(), e.key.as_str().to_lowercase()), e.value.to_string()))
        .collect()
}

/// `text` with each secret value replaced by the mask, or by the mask marked "(changed)" where
/// `other` holds a different value for the same key.
fn masked(text: &str, other: &HashMap<(String, String), String>, mark_changes: bool) -> String {
    let doc = Document::parse(text);
    let mut edits = Vec::new();
    // The whole value, continuation lines included.
    for (section, entry) in all_entries(&doc).filter(|(_, e)| looks_secret(&e.key) && !e.value_range.is_empty()) {
        let key = (section.to_lowercase(), entry.key.as_str().to_lowercase());
        let changed = other.get(&key).is_some_and(|v| v.as_str() != entry.value.as_str());
        let mask = if changed && mark_changes { format!("{MASK} (changed)") } else { MASK.to_string() };
        edits.push(TextEdit::replace(entry.value_range, mask));
    }
    // The edits come from the document's own ranges, which never overlap.
    apply(text, &edits).unwrap_or_else(|_| String::new())
}

/// Compares the text on disk with the editor's.
#[must_use]
pub fn compare(disk: &str, editor: &str) -> Comparison {
    let disk_secrets = secret_values(&Document::parse(disk));
    let editor_secrets = secret_values(&Document::parse(editor));
    let left = masked(disk, &editor_secrets, false);
    let right = masked(editor, &disk_secrets, true);
    let diff = TextDiff::from_lines(&left, &right);
    let mut lines = Vec::new();
    let mut counts = (0, 0);
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            lines.push(DiffLine { tag: LineTag::Gap, numbers: (None, None), text: "…".into() });
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let tag = match change.tag() {
                    ChangeTag::Equal => LineTag::Same,
                    ChangeTag::Delete => {
                        counts.0 += 1;
                        LineTag::Disk
                    }
                    ChangeTag::Insert => {
                        counts.1 += 1;
                        LineTag::Editor
                    }
                };
                let text = change.value().trim_end_matches(['\n', '\r']).to_string();
                let numbers = (change.old_index().map(|n| n + 1), change.new_index().map(|n| n + 1));
                lines.push(DiffLine { tag, numbers, text });
            }
        }
    }
    Comparison { lines, counts }
}

impl Comparison {
    /// Draws the diff.
    pub fn show(&self, ui: &mut Ui, added: Color32, removed: Color32) {
        if self.lines.is_empty() {
            ui.label("The file on disk and the editor hold the same text.");
            return;
        }
        ui.label(format!(
            "{} line(s) only on disk (−), {} only in the editor (+). Secret values are masked.",
            self.counts.0, self.counts.1
        ));
        egui::ScrollArea::both().id_salt("compare-scroll").max_height(420.0).auto_shrink([false, true]).show(
            ui,
            |ui| {
                for line in &self.lines {
                    let number = |n: Option<usize>| n.map_or_else(|| "    ".to_string(), |n| format!("{n:>4}"));
                    let (sign, colour) = match line.tag {
                        LineTag::Same => (' ', None),
                        LineTag::Disk => ('−', Some(removed)),
                        LineTag::Editor => ('+', Some(added)),
                        LineTag::Gap => (' ', None),
                    };
                    let text = format!("{} {} {sign} {}", number(line.numbers.0), number(line.numbers.1), line.text);
                    let mut rich = RichText::new(text).monospace();
                    if let Some(colour) = colour {
                        rich = rich.color(colour);
                    }
                    ui.add(egui::Label::new(rich).wrap_mode(egui::TextWrapMode::Extend));
                }
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_diff_shows_changed_lines_with_context_and_no_secret() {
        let disk = "[main]\ndebug=false\n[ad_client]\nhost=dc1\nservice_account_password=Old-Secret-1\n";
        let editor = "[main]\ndebug=true\n[ad_client]\nhost=dc1\nservice_account_password=New-Secret-2\n";
        let c = compare(disk, editor);
        assert_eq!(c.counts, (2, 2));
        let text: Vec<String> = c.lines.iter().map(|l| format!("{:?} {}", l.tag, l.text)).collect();
        assert!(text.contains(&"Disk debug=false".to_string()), "{text:?}");
        assert!(text.contains(&"Editor debug=true".to_string()), "{text:?}");
        assert!(text.contains(&format!("Editor service_account_password={MASK} (changed)")), "{text:?}");
        for line in &c.lines {
            assert!(!line.text.contains("Secret-1") && !line.text.contains("Secret-2"), "{line:?}");
        }
        let same = compare(disk, disk);
        assert!(same.lines.is_empty() && same.counts == (0, 0));
    }

    #[test]
    fn an_unchanged_secret_is_not_reported_and_a_misspelt_one_is_masked() {
        let disk = "[radius_client]\nhost=a\nsecert=Typo-Secret-9\n";
        let editor = "[radius_client]\nhost=b\nsecert=Typo-Secret-9\n";
        let c = compare(disk, editor);
        assert_eq!(c.counts, (1, 1));
        assert!(c.lines.iter().all(|l| !l.text.contains("Typo-Secret-9")), "{:?}", c.lines);
        assert!(c.lines.iter().any(|l| l.tag == LineTag::Same && l.text == format!("secert={MASK}")));
    }

    #[test]
    fn secrets_above_the_first_header_and_on_continuation_lines_are_masked() {
        let disk = "skey=Orphan-Secret-1\n[radius_client]\nhost=a\nsecret=First-Part\n  Second-Part\n";
        let editor = "skey=Orphan-Secret-2\n[radius_client]\nhost=b\nsecret=First-Part\n  Second-Part\n";
        let c = compare(disk, editor);
        for line in &c.lines {
            for secret in ["Orphan-Secret", "First-Part", "Second-Part"] {
                assert!(!line.text.contains(secret), "{line:?}");
            }
        }
        assert!(c.lines.iter().any(|l| l.tag == LineTag::Editor && l.text == format!("skey={MASK} (changed)")));
    }
}
