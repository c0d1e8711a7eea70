//! The proxy's log files read whole, for the log explorer: every entry of `authproxy.log` and
//! `connectivity_tool.log` located by byte offsets (nothing copied), with its time normalised to
//! UTC, its system field and its level (as logged, or as its text says).
//!
//! The text grammar (Twisted's): `<timestamp> [<system>] <message>`, then continuation lines that
//! start with a TAB. Timestamps are local time with a numeric offset, with or without
//! microseconds (`2020-07-01T12:00:00-0500`, `2023-01-11T08:25:24.393624-0500`). The system field
//! is `module.path#level`, a connection context (`LdapSyncClientProtocol,<ikey>,client`), `-`, or
//! `Uninitialized`. Invalid UTF-8, CRLF and a truncated last line are read, never fatal.
//!
//! Hand-written rather than through a date crate: an explorer indexes 100 MB of logs in a second,
//! so the parser allocates nothing per line. The level's wording is judged on a line's first
//! 512 bytes.

use std::ops::Range;

use super::time::{self, Timestamp};

/// How serious an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Debug output (`#debug`).
    Debug,
    /// Anything else.
    Info,
    /// A warning, logged so or worded so.
    Warning,
    /// An error or a failure, logged so or worded so (the proxy logs many failures at info).
    Error,
}

/// The bracketed system field's shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemKind {
    /// `duoauthproxy.lib.log#info`: the proxy's own event, with its level.
    Module,
    /// `LdapSyncClientProtocol,<ikey>,client`: a Twisted connection context.
    Connection,
    /// `-`: no context.
    Dash,
    /// `Uninitialized`: before the logger knew its context.
    Uninitialized,
}

/// One entry of a text log: its head line and continuation lines, by byte offsets into the file
/// (24 bytes, so that an index takes a fraction of the log it covers; a file is read up to 4 GiB).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct TextEntry {
    start: u32,
    len: u32,
    utc_micros: i64,
    offset_minutes: i16,
    /// Where the system field starts, from `start`; 0 without one.
    system_at: u8,
    system_len: u16,
    /// Where the message starts, from `start`.
    message_at: u16,
    /// `Level` in the low nibble, `SystemKind` (0 = none) in the high one.
    flags: u8,
}

const NO_TIME: i64 = i64::MIN;

impl TextEntry {
    /// From the first byte of the head line to the end of its last continuation line (line
    /// breaks excluded).
    #[must_use]
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }

    /// When, normalised to UTC; `None` for a line that does not follow the grammar (kept, so
    /// nothing is lost).
    #[must_use]
    pub fn time(&self) -> Option<Timestamp> {
        (self.utc_micros != NO_TIME)
            .then_some(Timestamp { utc_micros: self.utc_micros, offset_minutes: self.offset_minutes })
    }

    /// The system field, without its brackets.
    #[must_use]
    pub fn system(&self) -> Range<usize> {
        let start = self.start as usize + usize::from(self.system_at);
        start..start + usize::from(self.system_len)
    }

    /// The system field's shape; `None` without one.
    #[must_use]
    pub fn system_kind(&self) -> Option<SystemKind> {
        match self.flags >> 4 {
            1 => Some(SystemKind::Module),
            2 => Some(SystemKind::Connection),
            3 => Some(SystemKind::Dash),
            4 => Some(SystemKind::Uninitialized),
            _ => None,
        }
    }

    /// The head line's message.
    #[must_use]
    pub fn message_range(&self, bytes: &[u8]) -> Range<usize> {
        let range = self.range();
        let start = range.start + usize::from(self.message_at);
        let head_end = memchr::memchr(b'\n', &bytes[start..range.end]).map_or(range.end, |i| start + i);
        start..if head_end > start && bytes[head_end - 1] == b'\r' { head_end - 1 } else { head_end }
    }

    /// The level as logged, else as the message reads.
    #[must_use]
    pub fn level(&self) -> Level {
        match self.flags & 0x0f {
            0 => Level::Debug,
            1 => Level::Info,
            2 => Level::Warning,
            _ => Level::Error,
        }
    }

    /// How many continuation lines follow the head line.
    #[must_use]
    pub fn continuation_lines(&self, bytes: &[u8]) -> usize {
        memchr::memchr_iter(b'\n', &bytes[self.range()]).count()
    }

    /// The entry's text (head and continuation lines), invalid UTF-8 replaced.
    #[must_use]
    pub fn text<'a>(&self, bytes: &'a [u8]) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(&bytes[self.range()])
    }

    /// The head line's message, invalid UTF-8 replaced.
    #[must_use]
    pub fn message<'a>(&self, bytes: &'a [u8]) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(&bytes[self.message_range(bytes)])
    }

    /// The system field's text.
    #[must_use]
    pub fn system_text<'a>(&self, bytes: &'a [u8]) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(&bytes[self.system()])
    }
}

impl std::fmt::Debug for TextEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextEntry")
            .field("range", &self.range())
            .field("time", &self.time())
            .field("system_kind", &self.system_kind())
            .field("level", &self.level())
            .finish_non_exhaustive()
    }
}

fn level_bits(level: Level) -> u8 {
    match level {
        Level::Debug => 0,
        Level::Info => 1,
        Level::Warning => 2,
        Level::Error => 3,
    }
}

fn kind_bits(kind: Option<SystemKind>) -> u8 {
    match kind {
        None => 0,
        Some(SystemKind::Module) => 1,
        Some(SystemKind::Connection) => 2,
        Some(SystemKind::Dash) => 3,
        Some(SystemKind::Uninitialized) => 4,
    }
}

/// The lines of `bytes` as byte ranges without their line break (`\n` or `\r\n`); a last line
/// without a break counts.
fn lines(bytes: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let line = start..if end > start && bytes[end - 1] == b'\r' { end - 1 } else { end };
        start = end + 1;
        Some(line)
    })
}

/// Every entry of a text log, in file order. Only the first 4 GiB are read (a rotated log is
/// 10 MiB by default).
#[must_use]
pub fn parse_text(bytes: &[u8]) -> Vec<TextEntry> {
    let bytes = &bytes[..bytes.len().min(u32::MAX as usize)];
    let mut entries: Vec<TextEntry> = Vec::with_capacity(bytes.len() / 100);
    for line in lines(bytes) {
        let text = &bytes[line.clone()];
        if text.first() == Some(&b'\t') {
            if let Some(last) = entries.last_mut() {
                // Both fit: the file is at most 4 GiB.
                last.len = (line.end - last.start as usize) as u32;
                continue;
            }
        }
        if text.is_empty() {
            continue;
        }
        entries.push(head(bytes, line));
    }
    entries
}

/// A head line: timestamp, system field, message.
fn head(bytes: &[u8], line: Range<usize>) -> TextEntry {
    let text = &bytes[line.clone()];
    // Offsets fit in u32: `parse_text` reads at most 4 GiB.
    let unparsed = TextEntry {
        start: line.start as u32,
        len: line.len() as u32,
        utc_micros: NO_TIME,
        offset_minutes: 0,
        system_at: 0,
        system_len: 0,
        message_at: 0,
        flags: level_bits(inferred_level(text)),
    };
    let Some((time, used)) = time::parse(text) else {
        return match lean_level(text) {
            Some(level) => TextEntry { flags: level_bits(level.max(inferred_level(text))), ..unparsed },
            None => unparsed,
        };
    };
    let rest = &text[used..];
    let Some(after_space) = rest.strip_prefix(b" [") else { return unparsed };
    let Some(close) = memchr::memchr(b']', after_space) else { return unparsed };
    let system_at = used + 2;
    let field = &text[system_at..system_at + close];
    let message_at =
        (system_at + close + 1 + usize::from(text.get(system_at + close + 1) == Some(&b' '))).min(text.len());
    let (Ok(system_at), Ok(system_len), Ok(message_at)) =
        (u8::try_from(system_at), u16::try_from(close), u16::try_from(message_at))
    else {
        return unparsed;
    };
    let (system_kind, logged) = system_shape(field);
    let message = &text[usize::from(message_at)..];
    let level = match logged {
        Some(Level::Debug) => Level::Debug,
        Some(level) => level.max(inferred_level(message)),
        None => inferred_level(message),
    };
    TextEntry {
        utc_micros: time.utc_micros,
        offset_minutes: time.offset_minutes,
        system_at,
        system_len,
        message_at,
        flags: level_bits(level) | kind_bits(Some(system_kind)) << 4,
        ..unparsed
    }
}

/// The connectivity tool's lean form, `[error] message` (no time): the level it names.
fn lean_level(text: &[u8]) -> Option<Level> {
    let rest = text.strip_prefix(b"[")?;
    let close = memchr::memchr(b']', rest).filter(|&i| i <= 8)?;
    match rest[..close].to_ascii_lowercase().as_slice() {
        b"debug" => Some(Level::Debug),
        b"info" => Some(Level::Info),
        b"warn" | b"warning" => Some(Level::Warning),
        b"error" | b"critical" => Some(Level::Error),
        _ => None,
    }
}

/// The field's shape and, for `module#level`, the level it names.
fn system_shape(field: &[u8]) -> (SystemKind, Option<Level>) {
    match field {
        b"-" => (SystemKind::Dash, None),
        b"Uninitialized" => (SystemKind::Uninitialized, None),
        _ => match memchr::memrchr(b'#', field) {
            Some(hash) if !field.contains(&b',') => {
                let level = match field[hash + 1..].to_ascii_lowercase().as_slice() {
                    b"debug" | b"trace" => Some(Level::Debug),
                    b"info" => Some(Level::Info),
                    b"warn" | b"warning" => Some(Level::Warning),
                    b"error" | b"critical" | b"failure" | b"fatal" => Some(Level::Error),
                    _ => None,
                };
                (SystemKind::Module, level)
            }
            _ => (SystemKind::Connection, None),
        },
    }
}

/// What a message's words say about its level (the proxy logs many failures at info).
pub(crate) fn inferred_level(message: &[u8]) -> Level {
    const ERROR: [&[u8]; 9] = [
        b"traceback",
        b"error",
        b"failed",
        b"failure",
        b"exception",
        b"timed out",
        b"invalid",
        b"could not",
        b"unable to",
    ];
    const WARNING: [&[u8]; 3] = [b"warning", b"deprecated", b"duplicate request"];
    let mut lower = [0u8; 512];
    let head = &message[..message.len().min(lower.len())];
    lower[..head.len()].copy_from_slice(head);
    lower[..head.len()].make_ascii_lowercase();
    let lower = &lower[..head.len()];
    let has = |word: &[u8]| memchr::memmem::find(lower, word).is_some();
    if ERROR.iter().any(|w| has(w)) {
        Level::Error
    } else if WARNING.iter().any(|w| has(w)) {
        Level::Warning
    } else {
        Level::Info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &[u8] = b"2020-07-01T12:00:00-0500 [-] Log opened.\n\
2023-01-11T08:25:24.393624-0500 [duoauthproxy.lib.log#info] Starting the service\n\
\t{'ikey': 'DIXXXXXXXXXXXXXXXXXX',\n\
\t 'skey': '*****[40]'}\n\
2023-01-11T08:25:25.000001-0500 [LdapSyncClientProtocol,DIXXXXXXXXXXXXXXXXXX,client] Bind failed for M\xfcller\r\n\
2023-01-11T08:25:26-0500 [Uninitialized] Duo Security Authentication Proxy 5.0.0 - Init Complete\n\
not a log line at all\n\
2023-01-11T08:25:27-0500 [duoauthproxy.lib.log#error] Traceback (most recent call last):\n\
\tFile \"x.py\", line 1\n\
2023-01-11T08:25:28-0500 [duoauthproxy.lib.log#debug] Packet dump - received from 10.0.0.1:\n\
2023-01-11T08:25:29-05";

    #[test]
    fn every_shape_of_line_is_read_and_nothing_is_lost() {
        let entries = parse_text(LOG);
        let kinds: Vec<Option<SystemKind>> = entries.iter().map(|e| e.system_kind()).collect();
        assert_eq!(
            kinds,
            [
                Some(SystemKind::Dash),
                Some(SystemKind::Module),
                Some(SystemKind::Connection),
                Some(SystemKind::Uninitialized),
                None,
                Some(SystemKind::Module),
                Some(SystemKind::Module),
                None,
            ]
        );
        assert_eq!(entries[1].continuation_lines(LOG), 2);
        assert!(entries[1].text(LOG).ends_with("'*****[40]'}"));
        assert_eq!(entries[1].message(LOG), "Starting the service");
        assert_eq!(entries[2].message(LOG), "Bind failed for M\u{fffd}ller", "invalid UTF-8 and CRLF read");
        assert_eq!(&LOG[entries[2].system()], b"LdapSyncClientProtocol,DIXXXXXXXXXXXXXXXXXX,client");
        assert_eq!(entries[4].time(), None);
        assert_eq!(entries[4].message(LOG), "not a log line at all");
        assert_eq!(entries[7].text(LOG), "2023-01-11T08:25:29-05", "a truncated last line is kept");
        let levels: Vec<Level> = entries.iter().map(|e| e.level()).collect();
        use Level::{Debug, Error, Info};
        assert_eq!(levels, [Info, Info, Error, Info, Info, Error, Debug, Info]);
        // Whole seconds and microseconds, normalised to UTC.
        assert_eq!(entries[0].time().unwrap().to_string(), "2020-07-01T17:00:00Z");
        assert_eq!(entries[1].time().unwrap().to_string(), "2023-01-11T13:25:24.393624Z");
        assert_eq!(entries[1].time().unwrap().offset_minutes, -300);
    }

    #[test]
    fn the_connectivity_tools_lean_lines_keep_their_level() {
        let lean = b"[info]  Testing section 'ad_client' with configuration:\n\t{'host': 'dc1'}\n[warn]  The Auth Proxy was not able to ping Duo\n[error] There are configuration problems\n";
        let levels: Vec<Level> = parse_text(lean).iter().map(TextEntry::level).collect();
        assert_eq!(levels, [Level::Info, Level::Warning, Level::Error]);
    }

    #[test]
    fn an_entry_takes_24_bytes() {
        assert_eq!(std::mem::size_of::<TextEntry>(), 24);
    }

    #[test]
    fn entries_cover_the_file_in_order_without_overlap() {
        let entries = parse_text(LOG);
        for pair in entries.windows(2) {
            assert!(pair[0].range().end < pair[1].range().start);
        }
        assert_eq!(entries.last().unwrap().range().end, LOG.len());
        assert!(parse_text(b"").is_empty());
        assert!(parse_text(b"\n\r\n\n").is_empty());
        let orphan = parse_text(b"\tcontinuation before any entry\n");
        assert_eq!(orphan.len(), 1, "a continuation line with nothing before it is its own entry");
    }

    #[test]
    fn failures_logged_at_info_are_errors_and_retransmissions_warnings() {
        let at_info = b"2023-01-11T08:25:24-0500 [duoauthproxy.lib.log#info] ((10.0.0.9, 41000), alice, 17): Duo preauth call failed\n\
2023-01-11T08:25:25-0500 [duoauthproxy.lib.log#info] ((10.0.0.9, 41000), alice, 17): Received duplicate request\n";
        let levels: Vec<Level> = parse_text(at_info).iter().map(|e| e.level()).collect();
        assert_eq!(levels, [Level::Error, Level::Warning]);
    }
}
