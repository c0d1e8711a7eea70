//! The open file: its text, where it came from, what is on disk, its history,
//! and the analysis of the current text (memoised per revision).

use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::{mpsc, OnceLock};

use super::history::{Change, History};
use super::prefetch::{Inputs, Prefetch};
use crate::config::file::LoadedFile;
use crate::config::{Document, Encoding};
use crate::schema::{Platform, ProxyVersion};
use crate::validate::{self, Diagnostic, Options, Severity};

/// The parsed and validated text of one revision.
pub struct Analysis {
    /// The revision analysed.
    pub revision: u64,
    /// The document.
    pub doc: Document,
    /// Findings sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The worst finding on each line (0-based), for the gutter.
    pub line_marks: Vec<Option<Severity>>,
}

impl Analysis {
    /// Parses and validates `text` as the live view does: it keeps going after load errors
    /// and, to stay fast, does not call DPAPI (the Validate button does).
    #[must_use]
    pub fn new(revision: u64, text: &str, inputs: &Inputs) -> Self {
        let doc = Document::parse(text);
        let options = Options {
            platform: Some(inputs.platform),
            install_dir: inputs.install_dir.clone(),
            encoding: Some(inputs.encoding),
            proxy_version: inputs.proxy_version,
            continue_after_load_error: true,
            ..Options::default()
        };
        let diagnostics = validate::validate(&doc, &options);
        let mut line_marks = vec![None; doc.line_index.line_count().max(1)];
        for d in &diagnostics {
            if d.severity == Severity::Info {
                continue;
            }
            let first = doc.line_index.line_of(d.range.start);
            let last = doc.line_index.line_of(d.range.end.max(d.range.start + 1) - 1).max(first);
            for mark in line_marks.iter_mut().take(last + 1).skip(first) {
                *mark = (*mark).max(Some(d.severity));
            }
        }
        Self { revision, doc, diagnostics, line_marks }
    }

    /// Counts of errors, warnings and notes.
    #[must_use]
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |s| self.diagnostics.iter().filter(|d| d.severity == s).count();
        (count(Severity::Error), count(Severity::Warning), count(Severity::Info))
    }
}

/// Frees a replaced analysis on a helper thread: freeing a 10,000-line document took about
/// half a millisecond of the keystroke's frame. Frees it here when that thread is unavailable.
fn retire(old: Rc<Analysis>) {
    static RETIRED: OnceLock<Option<mpsc::Sender<Analysis>>> = OnceLock::new();
    let Ok(analysis) = Rc::try_unwrap(old) else { return };
    let sender = RETIRED.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Analysis>();
        let spawned = std::thread::Builder::new().name("retired-analyses".into()).spawn(move || {
            for analysis in receiver {
                drop(analysis);
            }
        });
        spawned.ok().map(|_| sender)
    });
    if let Some(sender) = sender {
        // A send only fails when the thread has gone; the value then drops here.
        let _ = sender.send(analysis);
    }
}

/// The file being edited.
pub struct Buffer {
    /// The text as edited (line endings and everything else exactly as in the file).
    pub text: String,
    /// Where it is saved; `None` for a new document.
    pub path: Option<PathBuf>,
    /// How to encode it on save.
    pub encoding: Encoding,
    /// The proxy release whose rules apply; `None` when unknown.
    pub proxy_version: Option<ProxyVersion>,
    /// The bytes on disk when loaded or last saved (`None` for a new document).
    pub on_disk: Option<Vec<u8>>,
    /// Bumped on every change.
    pub revision: u64,
    /// The text as last saved or loaded: the file is modified while the text differs from it.
    saved_text: String,
    /// Whether the text differed from `saved_text`, for one revision.
    modified: std::cell::Cell<Option<(u64, bool)>>,
    /// Undo and redo.
    pub history: History,
    /// The text as of the last recorded change (to diff the editor's edits against).
    committed: String,
    analysis: Option<Rc<Analysis>>,
    prefetch: Prefetch,
}

impl Buffer {
    /// A new, unsaved document.
    #[must_use]
    pub fn untitled(text: &str) -> Self {
        Self {
            text: text.to_string(),
            path: None,
            encoding: Encoding::Utf8,
            proxy_version: None,
            on_disk: None,
            revision: 1,
            saved_text: text.to_string(),
            modified: std::cell::Cell::new(None),
            history: History::default(),
            committed: text.to_string(),
            analysis: None,
            prefetch: Prefetch::default(),
        }
    }

    /// A document read from a file.
    #[must_use]
    pub fn from_file(file: LoadedFile) -> Self {
        Self {
            committed: file.decoded.text.clone(),
            saved_text: file.decoded.text.clone(),
            modified: std::cell::Cell::new(None),
            text: file.decoded.text,
            path: Some(file.path),
            encoding: file.decoded.encoding,
            proxy_version: None,
            on_disk: Some(file.original),
            revision: 1,
            history: History::default(),
            analysis: None,
            prefetch: Prefetch::default(),
        }
    }

    /// Whether there are unsaved changes: the text differs from the file as saved (undoing back
    /// to the saved text is not a change).
    #[must_use]
    pub fn is_modified(&self) -> bool {
        if let Some((revision, modified)) = self.modified.get() {
            if revision == self.revision {
                return modified;
            }
        }
        let modified = self.text != self.saved_text;
        self.modified.set(Some((self.revision, modified)));
        modified
    }

    /// The file name to show.
    #[must_use]
    pub fn display_name(&self) -> String {
        self.path
            .as_deref()
            .and_then(Path::file_name)
            .map_or_else(|| "untitled authproxy.cfg".to_string(), |n| n.to_string_lossy().into_owned())
    }

    /// The proxy's install directory, when the file sits in its `conf` folder.
    #[must_use]
    pub fn install_dir(&self) -> Option<PathBuf> {
        self.path.as_deref().and_then(crate::config::file::inferred_install_dir)
    }

    /// Records what the editor changed since the last call, as one undo step (typing runs merge).
    /// In a CRLF file, a typed or pasted bare `\n` becomes `\r\n`; the return value is how many
    /// `\r` were added before byte `caret`.
    pub fn commit_edit(&mut self, caret: usize) -> Option<usize> {
        if self.text == self.committed {
            return None;
        }
        let eol = if self.committed.is_empty() { "\n" } else { dominant_eol(&self.committed) };
        let shift = normalize_new_line_endings(&self.committed, &mut self.text, eol, caret);
        if let Some(change) = Change::between(&self.committed, &self.text) {
            self.history.record(change);
        }
        self.committed.clone_from(&self.text);
        self.revision += 1;
        Some(shift)
    }

    /// Replaces the text programmatically (fixes, completion, protect) as one undo step.
    pub fn replace_all(&mut self, new_text: String) {
        self.history.seal();
        self.text = new_text;
        self.commit_edit(0);
        self.history.seal();
    }

    /// Undoes the last step; returns the caret's new byte offset.
    pub fn undo(&mut self) -> Option<usize> {
        let caret = self.history.undo(&mut self.text)?;
        self.committed.clone_from(&self.text);
        self.revision += 1;
        Some(caret)
    }

    /// Redoes the last undone step; returns the caret's new byte offset.
    pub fn redo(&mut self) -> Option<usize> {
        let caret = self.history.redo(&mut self.text)?;
        self.committed.clone_from(&self.text);
        self.revision += 1;
        Some(caret)
    }

    /// Marks the current text as saved, with `bytes` now on disk at `path`.
    pub fn mark_saved(&mut self, path: PathBuf, bytes: Vec<u8>) {
        self.path = Some(path);
        self.on_disk = Some(bytes);
        self.saved_text.clone_from(&self.text);
        self.modified.set(None);
        self.history.seal();
        self.invalidate();
    }

    /// Takes the file's new content from disk as one undoable step: Undo brings back the text
    /// that was there before (then marked as modified).
    pub fn reload(&mut self, file: LoadedFile) {
        // Exactly the file's text: no line-ending normalisation as for typing.
        self.history.seal();
        if let Some(change) = Change::between(&self.text, &file.decoded.text) {
            self.history.record(change);
            self.revision += 1;
        }
        self.history.seal();
        self.text = file.decoded.text;
        self.committed.clone_from(&self.text);
        self.encoding = file.decoded.encoding;
        self.on_disk = Some(file.original);
        self.saved_text.clone_from(&self.text);
        self.modified.set(None);
        self.invalidate();
    }

    /// The analysis of the current text, computed at most once per revision.
    pub fn analysis(&mut self, platform: Platform) -> Rc<Analysis> {
        if let Some(analysis) = self.analysis.as_ref().filter(|a| a.revision == self.revision) {
            return Rc::clone(analysis);
        }
        if let Some(old) = self.analysis.take() {
            retire(old);
        }
        let inputs = Inputs {
            platform,
            install_dir: self.install_dir(),
            encoding: self.encoding,
            proxy_version: self.proxy_version,
        };
        let analysis = match self.prefetch.take(&self.text, &inputs, self.revision) {
            Some(analysis) => analysis,
            None => Analysis::new(self.revision, &self.text, &inputs),
        };
        self.prefetch.set_inputs(inputs);
        let analysis = Rc::new(analysis);
        self.analysis = Some(Rc::clone(&analysis));
        analysis
    }

    /// The text for the editor to edit, and where to start analysing each new text it lays out.
    pub fn text_and_prefetch(&mut self) -> (&mut String, &mut Prefetch) {
        (&mut self.text, &mut self.prefetch)
    }

    /// Forces the next [`Buffer::analysis`] to recompute (the platform changed).
    pub fn invalidate(&mut self) {
        self.analysis = None;
    }
}

/// The line ending most lines of `text` use.
#[must_use]
pub fn dominant_eol(text: &str) -> &'static str {
    let lf = memchr::memchr_iter(b'\n', text.as_bytes()).count();
    let crlf = memchr::memmem::find_iter(text.as_bytes(), b"\r\n").count();
    if crlf * 2 > lf {
        "\r\n"
    } else {
        "\n"
    }
}

/// In a file whose lines end in CRLF, makes each bare `\n` just typed or pasted
/// into `\r\n`. Returns how many `\r` were inserted before byte `caret`.
pub fn normalize_new_line_endings(old: &str, text: &mut String, eol: &str, caret: usize) -> usize {
    if eol != "\r\n" {
        return 0;
    }
    let Some(change) = Change::between(old, text) else { return 0 };
    if !change.inserted.contains('\n') {
        return 0;
    }
    let range = change.inserted_range();
    let mut fixed = String::with_capacity(change.inserted.len() + 8);
    let mut before_caret = 0;
    let bytes = text.as_bytes();
    for (i, c) in change.inserted.char_indices() {
        let at = range.start + i;
        let preceded_by_cr =
            if i == 0 { at > 0 && bytes[at - 1] == b'\r' } else { change.inserted.as_bytes()[i - 1] == b'\r' };
        if c == '\n' && !preceded_by_cr {
            fixed.push('\r');
            if at < caret {
                before_caret += 1;
            }
        }
        fixed.push(c);
    }
    text.replace_range(range, &fixed);
    before_caret
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_in_a_crlf_file_inserts_crlf() {
        let old = "[main]\r\nx=1\r\n";
        let mut text = "[main]\r\nx=1\n\r\n".to_string();
        assert_eq!(normalize_new_line_endings(old, &mut text, "\r\n", 12), 1);
        assert_eq!(text, "[main]\r\nx=1\r\n\r\n");
        let mut pasted = "[main]\r\na\nb\r\nx=1\r\n".to_string();
        assert_eq!(normalize_new_line_endings(old, &mut pasted, "\r\n", 0), 0);
        assert_eq!(pasted, "[main]\r\na\r\nb\r\nx=1\r\n");
        let mut lf = "a\nb\n".to_string();
        assert_eq!(normalize_new_line_endings("a\n", &mut lf, "\n", 4), 0);
        assert_eq!(lf, "a\nb\n");
    }

    #[test]
    fn analysis_is_memoised_per_revision_and_marks_lines() {
        let mut b = Buffer::untitled("[main]\nfailmod=safe\n");
        let first = b.analysis(Platform::Linux).revision;
        assert_eq!(first, 1);
        let marks = b.analysis(Platform::Linux).line_marks.clone();
        assert!(marks[1].is_some(), "the typo'd key is marked");
        let old = b.text.clone();
        b.text.push_str("[ad_client]\n");
        assert_eq!(b.commit_edit(0), Some(0));
        assert_eq!(b.commit_edit(0), None);
        assert_eq!(b.analysis(Platform::Linux).revision, 2);
        assert!(b.is_modified());
        b.undo();
        assert_eq!(b.text, old);
    }
}
