//! Every log of a folder read and merged: each entry named by its file and position, all of them
//! in UTC time order, grouped into requests.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::catalogue::{self, Signature};
use super::files::{self, Entries, Family, LoadedFile, LogFileName};
use super::json::EventFields;
use super::line::{Level, SystemKind};
use super::request::{self, Request};
use super::time::Timestamp;

/// One entry of one file of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EntryId {
    /// The file's position in [`LogIndex::files`].
    pub file: u32,
    /// The entry's position in that file.
    pub entry: u32,
}

/// The logs of a folder, indexed.
#[derive(Debug, Default)]
pub struct LogIndex {
    /// The folder.
    pub dir: PathBuf,
    /// The files, oldest rotation first within each log.
    pub files: Vec<LoadedFile>,
    /// Every entry of every file, in time order (an entry without a time keeps its place after
    /// the entry before it in its file).
    pub order: Vec<EntryId>,
    /// The requests the entries tell of, in the order they began.
    pub requests: Vec<Request>,
    /// Files that could not be read, with why.
    pub unreadable: Vec<(PathBuf, String)>,
}

/// An entry as the explorer shows it.
#[derive(Debug, Clone, Copy)]
pub struct EntryView<'a> {
    /// Which entry.
    pub id: EntryId,
    /// Its file.
    pub file: &'a LoadedFile,
    kind: ViewKind<'a>,
}

#[derive(Debug, Clone, Copy)]
enum ViewKind<'a> {
    Text(&'a super::line::TextEntry),
    Json(&'a super::json::JsonEvent),
}

impl<'a> EntryView<'a> {
    /// When, in UTC.
    #[must_use]
    pub fn time(&self) -> Option<Timestamp> {
        match self.kind {
            ViewKind::Text(entry) => entry.time(),
            ViewKind::Json(event) => event.time,
        }
    }

    /// Its level: as logged or as worded for text; from the status for JSON events.
    #[must_use]
    pub fn level(&self) -> Level {
        match self.kind {
            ViewKind::Text(entry) => entry.level(),
            ViewKind::Json(event) => event.level,
        }
    }

    /// The message (the head line's, for text); bytes that are not UTF-8 are read as Windows-1252.
    #[must_use]
    pub fn message(&self) -> Cow<'a, str> {
        match self.kind {
            ViewKind::Text(entry) => super::text_of(&self.file.bytes[entry.message_range(&self.file.bytes)]),
            ViewKind::Json(event) => match event.fields(&self.file.bytes) {
                Some(fields) if !fields.msg.is_empty() => Cow::Owned(fields.msg.to_string()),
                _ => self.text(),
            },
        }
    }

    /// The message's bytes as written (a JSON event's whole line).
    #[must_use]
    pub fn message_bytes(&self) -> &'a [u8] {
        match self.kind {
            ViewKind::Text(entry) => &self.file.bytes[entry.message_range(&self.file.bytes)],
            ViewKind::Json(_) => self.bytes(),
        }
    }

    /// What the catalogue reads: the whole entry (a traceback's last line names the error; a
    /// JSON event's message and reason are in its line).
    #[must_use]
    pub fn explained_bytes(&self) -> &'a [u8] {
        self.bytes()
    }

    /// The whole entry as written (continuation lines included); bytes that are not UTF-8 are
    /// read as Windows-1252.
    #[must_use]
    pub fn text(&self) -> Cow<'a, str> {
        super::text_of(self.bytes())
    }

    /// The whole entry's bytes.
    #[must_use]
    pub fn bytes(&self) -> &'a [u8] {
        match self.kind {
            ViewKind::Text(entry) => &self.file.bytes[entry.range()],
            ViewKind::Json(event) => &self.file.bytes[event.range.start as usize..event.range.end as usize],
        }
    }

    /// The bracketed system field (text logs).
    #[must_use]
    pub fn system(&self) -> Option<Cow<'a, str>> {
        match self.kind {
            ViewKind::Text(entry) if entry.system_kind().is_some() => Some(entry.system_text(&self.file.bytes)),
            _ => None,
        }
    }

    /// The system field's shape (text logs).
    #[must_use]
    pub fn system_kind(&self) -> Option<SystemKind> {
        match self.kind {
            ViewKind::Text(entry) => entry.system_kind(),
            ViewKind::Json(_) => None,
        }
    }

    /// A JSON event's fields.
    #[must_use]
    pub fn fields(&self) -> Option<EventFields> {
        match self.kind {
            ViewKind::Json(event) => event.fields(&self.file.bytes),
            ViewKind::Text(_) => None,
        }
    }

    /// The byte range in its file.
    #[must_use]
    pub fn range(&self) -> std::ops::Range<usize> {
        match self.kind {
            ViewKind::Text(entry) => entry.range(),
            ViewKind::Json(event) => event.range.start as usize..event.range.end as usize,
        }
    }

    /// The 1-based line number of the entry's first line in its file.
    #[must_use]
    pub fn line_number(&self) -> usize {
        memchr::memchr_iter(b'\n', &self.file.bytes[..self.range().start]).count() + 1
    }
}

impl LogIndex {
    /// Reads every log in `dir`. A file that cannot be read is named in
    /// [`LogIndex::unreadable`]; the others are indexed.
    ///
    /// # Errors
    /// The folder cannot be listed.
    pub fn read_dir(dir: &Path) -> std::io::Result<Self> {
        let names = files::list(dir)?;
        let mut loaded = Vec::with_capacity(names.len());
        let mut unreadable = Vec::new();
        for name in names {
            let path = name.path.clone();
            match std::fs::read(&path) {
                Ok(bytes) => loaded.push((name, bytes)),
                Err(error) => unreadable.push((path, error.to_string())),
            }
        }
        let mut index = Self::from_files(dir, loaded);
        index.unreadable = unreadable;
        Ok(index)
    }

    /// Indexes files already read (tests, benches, and files given on the command line).
    #[must_use]
    pub fn from_files(dir: &Path, files: Vec<(LogFileName, Vec<u8>)>) -> Self {
        let files: Vec<LoadedFile> = if files.len() > 1 {
            std::thread::scope(|scope| {
                let handles: Vec<_> =
                    files.into_iter().map(|(name, bytes)| scope.spawn(move || LoadedFile::new(name, bytes))).collect();
                handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect()
            })
        } else {
            files.into_iter().map(|(name, bytes)| LoadedFile::new(name, bytes)).collect()
        };
        let order = merge(&files);
        let mut index = Self { dir: dir.to_path_buf(), files, order, requests: Vec::new(), unreadable: Vec::new() };
        index.requests = request::group(&index);
        index
    }

    /// The entry `id`.
    ///
    /// # Panics
    /// `id` is not an entry of this index.
    #[must_use]
    pub fn entry(&self, id: EntryId) -> EntryView<'_> {
        let file = &self.files[id.file as usize];
        let kind = match &file.entries {
            Entries::Text(entries) => ViewKind::Text(&entries[id.entry as usize]),
            Entries::Json(events) => ViewKind::Json(&events[id.entry as usize]),
        };
        EntryView { id, file, kind }
    }

    /// Every entry in time order.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = EntryView<'_>> + ExactSizeIterator + '_ {
        self.order.iter().map(|&id| self.entry(id))
    }

    /// How many bytes of logs are indexed.
    #[must_use]
    pub fn log_bytes(&self) -> usize {
        self.files.iter().map(|f| f.bytes.len()).sum()
    }

    /// How many bytes the index takes besides the logs' own bytes.
    #[must_use]
    pub fn index_bytes(&self) -> usize {
        self.files.iter().map(|f| f.entries.index_bytes()).sum::<usize>()
            + self.order.capacity() * std::mem::size_of::<EntryId>()
            + self.requests.iter().map(Request::heap_bytes).sum::<usize>()
            + self.requests.capacity() * std::mem::size_of::<Request>()
    }

    /// The known failures among a request's lines.
    pub fn findings_of<'a>(&'a self, request: &'a Request) -> impl Iterator<Item = (EntryId, &'static Signature)> + 'a {
        request.entries.iter().filter_map(|&id| Some((id, catalogue::explain(self.entry(id).explained_bytes())?)))
    }

    /// The files of one log.
    pub fn family(&self, family: Family) -> impl Iterator<Item = &LoadedFile> {
        self.files.iter().filter(move |f| f.name.family == family)
    }
}

/// Every entry of every file in time order. Each file is already (nearly) in order, so the
/// stable sort merges runs; an entry without a time takes the time of the entry before it (the
/// first timed entry's, before any), or the file's modification time in a file without times.
fn merge(files: &[LoadedFile]) -> Vec<EntryId> {
    let total: usize = files.iter().map(|f| f.entries.len()).sum();
    let mut keyed: Vec<(i64, EntryId)> = Vec::with_capacity(total);
    for (file_index, file) in files.iter().enumerate() {
        let file_id = u32::try_from(file_index).unwrap_or(u32::MAX);
        let first_time = match &file.entries {
            Entries::Text(entries) => entries.iter().find_map(|e| e.time()),
            Entries::Json(events) => events.iter().find_map(|e| e.time),
        };
        let mut last = first_time.map(|t| t.utc_micros).or(file.name.modified_micros).unwrap_or(i64::MIN);
        let mut push = |position: usize, time: Option<Timestamp>| {
            if let Some(time) = time {
                last = time.utc_micros;
            }
            keyed.push((last, EntryId { file: file_id, entry: u32::try_from(position).unwrap_or(u32::MAX) }));
        };
        match &file.entries {
            Entries::Text(entries) => entries.iter().enumerate().for_each(|(i, e)| push(i, e.time())),
            Entries::Json(events) => events.iter().enumerate().for_each(|(i, e)| push(i, e.time)),
        }
    }
    keyed.sort_by_key(|&(time, _)| time);
    keyed.into_iter().map(|(_, id)| id).collect()
}
