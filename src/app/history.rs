//! Undo and redo as a list of text changes, each the smallest replaced span.
//!
//! Typing runs of word characters merge into one step, as editors usually do.

use std::ops::Range;

/// One change: `removed` at `start` was replaced by `inserted`. `Debug` shows only the sizes:
/// typed text may be a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Change {
    /// Byte offset where the change starts.
    pub start: usize,
    /// The text that was there before.
    pub removed: String,
    /// The text that is there now.
    pub inserted: String,
}

impl std::fmt::Debug for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Change")
            .field("start", &self.start)
            .field("removed_bytes", &self.removed.len())
            .field("inserted_bytes", &self.inserted.len())
            .finish()
    }
}

impl Change {
    /// The smallest change turning `old` into `new`, or `None` when they are equal.
    #[must_use]
    pub fn between(old: &str, new: &str) -> Option<Self> {
        if old == new {
            return None;
        }
        let prefix = common_prefix(old, new);
        let suffix = common_suffix(&old[prefix..], &new[prefix..]);
        Some(Self {
            start: prefix,
            removed: old[prefix..old.len() - suffix].to_string(),
            inserted: new[prefix..new.len() - suffix].to_string(),
        })
    }

    /// Where the inserted text now is.
    #[must_use]
    pub fn inserted_range(&self) -> Range<usize> {
        self.start..self.start + self.inserted.len()
    }

    fn is_word_typing(&self) -> bool {
        self.removed.is_empty() && !self.inserted.is_empty() && self.inserted.chars().all(is_word_char)
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Length of the common prefix of two byte strings, compared a block at a time.
fn mismatch(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 64 <= n && a[i..i + 64] == b[i..i + 64] {
        i += 64;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Length of the common suffix of two byte strings, compared a block at a time.
fn mismatch_from_end(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 64 <= n && a[a.len() - i - 64..a.len() - i] == b[b.len() - i - 64..b.len() - i] {
        i += 64;
    }
    while i < n && a[a.len() - 1 - i] == b[b.len() - 1 - i] {
        i += 1;
    }
    i
}

fn common_prefix(a: &str, b: &str) -> usize {
    let n = mismatch(a.as_bytes(), b.as_bytes());
    floor_char_boundary(a, n).min(floor_char_boundary(b, n))
}

fn common_suffix(a: &str, b: &str) -> usize {
    let mut n = mismatch_from_end(a.as_bytes(), b.as_bytes());
    while !a.is_char_boundary(a.len() - n) || !b.is_char_boundary(b.len() - n) {
        n -= 1;
    }
    n
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The undo and redo stacks.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Change>,
    redo: Vec<Change>,
    /// The next change starts a new step even if it is typing.
    sealed: bool,
}

/// How many steps are kept.
const LIMIT: usize = 1000;

impl History {
    /// Records a change just made to the text.
    pub fn record(&mut self, change: Change) {
        self.redo.clear();
        if !self.sealed {
            if let Some(last) = self.undo.last_mut() {
                if last.is_word_typing() && change.is_word_typing() && change.start == last.inserted_range().end {
                    last.inserted.push_str(&change.inserted);
                    return;
                }
            }
        }
        self.sealed = false;
        self.undo.push(change);
        if self.undo.len() > LIMIT {
            self.undo.remove(0);
        }
    }

    /// Ends the current typing run (after a caret jump, a save, a fix).
    pub fn seal(&mut self) {
        self.sealed = true;
    }

    /// Forgets everything (a new file was opened).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Whether there is anything to undo.
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is anything to redo.
    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Undoes the last step on `text`; returns where the caret goes (a byte offset).
    pub fn undo(&mut self, text: &mut String) -> Option<usize> {
        let change = self.undo.pop()?;
        text.replace_range(change.inserted_range(), &change.removed);
        let caret = change.start + change.removed.len();
        self.redo.push(change);
        self.sealed = true;
        Some(caret)
    }

    /// Redoes the last undone step on `text`; returns where the caret goes.
    pub fn redo(&mut self, text: &mut String) -> Option<usize> {
        let change = self.redo.pop()?;
        text.replace_range(change.start..change.start + change.removed.len(), &change.inserted);
        let caret = change.inserted_range().end;
        self.undo.push(change);
        self.sealed = true;
        Some(caret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(history: &mut History, text: &mut String, new: &str) {
        let change = Change::between(text, new).unwrap();
        *text = new.to_string();
        history.record(change);
    }

    #[test]
    fn smallest_change_respects_char_boundaries() {
        let c = Change::between("host=é1", "host=è1").unwrap();
        assert_eq!((c.start, c.removed.as_str(), c.inserted.as_str()), (5, "é", "è"));
        let c = Change::between("aa", "aaa").unwrap();
        assert_eq!((c.start, c.removed.as_str(), c.inserted.as_str()), (2, "", "a"));
        assert!(Change::between("x", "x").is_none());
        let long = "k=v\n".repeat(100);
        let edited = format!("{}X{}", &long[..201], &long[201..]);
        let c = Change::between(&long, &edited).unwrap();
        assert_eq!((c.start, c.removed.as_str(), c.inserted.as_str()), (201, "", "X"));
    }

    #[test]
    fn typing_merges_and_undo_redo_restore_exact_text() {
        let mut h = History::default();
        let mut text = String::from("[main]\r\n");
        edit(&mut h, &mut text, "[main]\r\nf");
        edit(&mut h, &mut text, "[main]\r\nfa");
        edit(&mut h, &mut text, "[main]\r\nfai");
        edit(&mut h, &mut text, "[main]\r\nfai=");
        assert_eq!(h.undo(&mut text), Some(11));
        assert_eq!(text, "[main]\r\nfai");
        assert_eq!(h.undo(&mut text), Some(8));
        assert_eq!(text, "[main]\r\n");
        assert!(!h.can_undo());
        assert_eq!(h.redo(&mut text), Some(11));
        assert_eq!(h.redo(&mut text), Some(12));
        assert_eq!(text, "[main]\r\nfai=");
        assert!(!h.can_redo());
    }

    #[test]
    fn a_new_edit_clears_redo_and_seal_splits_runs() {
        let mut h = History::default();
        let mut text = String::new();
        edit(&mut h, &mut text, "a");
        h.seal();
        edit(&mut h, &mut text, "ab");
        h.undo(&mut text);
        assert_eq!(text, "a");
        edit(&mut h, &mut text, "ac");
        assert!(!h.can_redo());
        h.undo(&mut text);
        h.undo(&mut text);
        assert_eq!(text, "");
    }
}
