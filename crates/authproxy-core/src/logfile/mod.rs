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
//! so the parser allocates nothing per line.

pub mod time;

use std::ops::Range;

pub use time::Timestamp;

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

/// One entry of a text log: its head line and continuation lines, by byte offsets into the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEntry {
    /// From the first byte of the head line to the end of its last continuation line (line
    /// breaks excluded).
    pub range: Range<usize>,
    /// When, normalised to UTC; `None` for a line that does not follow the grammar (kept, so
    /// nothing is lost).
    pub time: Option<Timestamp>,
    /// The system field, without its brackets.
    pub system: Range<usize>,
    /// The system field's shape; `None` without one.
    pub system_kind: Option<SystemKind>,
    /// The message on the head line.
    pub message: Range<usize>,
    /// How many continuation lines follow the head line.
    pub continuation_lines: u32,
    /// The level as logged, else as the message reads.
    pub level: Level,
}

impl TextEntry {
    /// The entry's text (head and continuation lines), invalid UTF-8 replaced.
    #[must_use]
    pub fn text<'a>(&self, bytes: &'a [u8]) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(&bytes[self.range.clone()])
    }

    /// The head line's message, invalid UTF-8 replaced.
    #[must_use]
    pub fn message<'a>(&self, bytes: &'a [u8]) -> std::borrow::Cow<'a, str> {
        String::from_utf8_lossy(&bytes[self.message.clone()])
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

/// Every entry of a text log, in file order.
#[must_use]
pub fn parse_text(bytes: &[u8]) -> Vec<TextEntry> {
    let mut entries: Vec<TextEntry> = Vec::with_capacity(bytes.len() / 120);
    for line in lines(bytes) {
        let text = &bytes[line.clone()];
        if text.first() == Some(&b'\t') {
            if let Some(last) = entries.last_mut() {
                last.range.end = line.end;
                last.continuation_lines += 1;
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
    let unparsed = |start: usize| TextEntry {
        range: line.clone(),
        time: None,
        system: start..start,
        system_kind: None,
        message: line.clone(),
        continuation_lines: 0,
        level: inferred_level(text),
    };
    let Some((time, used)) = time::parse(text) else { return unparsed(line.start) };
    let rest = &text[used..];
    let Some(after_space) = rest.strip_prefix(b" [") else { return unparsed(line.start) };
    let Some(close) = memchr::memchr(b']', after_space) else { return unparsed(line.start) };
    let system_start = line.start + used + 2;
    let system = system_start..system_start + close;
    let field = &bytes[system.clone()];
    let message_start = (system.end + 1 + usize::from(bytes.get(system.end + 1) == Some(&b' '))).min(line.end);
    let message = message_start..line.end;
    let (system_kind, logged) = system_shape(field);
    let level = match logged {
        Some(Level::Debug) => Level::Debug,
        Some(level) => level.max(inferred_level(&bytes[message.clone()])),
        None => inferred_level(&bytes[message.clone()]),
    };
    TextEntry {
        range: line,
        time: Some(time),
        system,
        system_kind: Some(system_kind),
        message,
        continuation_lines: 0,
        level,
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
fn inferred_level(message: &[u8]) -> Level {
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
    let lower = message.to_ascii_lowercase();
    let has = |word: &[u8]| memchr::memmem::find(&lower, word).is_some();
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
        let kinds: Vec<Option<SystemKind>> = entries.iter().map(|e| e.system_kind).collect();
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
        assert_eq!(entries[1].continuation_lines, 2);
        assert!(entries[1].text(LOG).ends_with("'*****[40]'}"));
        assert_eq!(entries[1].message(LOG), "Starting the service");
        assert_eq!(entries[2].message(LOG), "Bind failed for M\u{fffd}ller", "invalid UTF-8 and CRLF read");
        assert_eq!(&LOG[entries[2].system.clone()], b"LdapSyncClientProtocol,DIXXXXXXXXXXXXXXXXXX,client");
        assert_eq!(entries[4].time, None);
        assert_eq!(entries[4].message(LOG), "not a log line at all");
        assert_eq!(entries[7].text(LOG), "2023-01-11T08:25:29-05", "a truncated last line is kept");
        let levels: Vec<Level> = entries.iter().map(|e| e.level).collect();
        use Level::{Debug, Error, Info};
        assert_eq!(levels, [Info, Info, Error, Info, Info, Error, Debug, Info]);
        // Whole seconds and microseconds, normalised to UTC.
        assert_eq!(entries[0].time.unwrap().to_string(), "2020-07-01T17:00:00Z");
        assert_eq!(entries[1].time.unwrap().to_string(), "2023-01-11T13:25:24.393624Z");
        assert_eq!(entries[1].time.unwrap().offset_minutes, -300);
    }

    #[test]
    fn entries_cover_the_file_in_order_without_overlap() {
        let entries = parse_text(LOG);
        for pair in entries.windows(2) {
            assert!(pair[0].range.end < pair[1].range.start);
        }
        assert_eq!(entries.last().unwrap().range.end, LOG.len());
        assert!(parse_text(b"").is_empty());
        assert!(parse_text(b"\n\r\n\n").is_empty());
        let orphan = parse_text(b"\tcontinuation before any entry\n");
        assert_eq!(orphan.len(), 1, "a continuation line with nothing before it is its own entry");
    }

    #[test]
    fn failures_logged_at_info_are_errors_and_retransmissions_warnings() {
        let at_info = b"2023-01-11T08:25:24-0500 [duoauthproxy.lib.log#info] ((10.0.0.9, 41000), alice, 17): Duo preauth call failed\n\
2023-01-11T08:25:25-0500 [duoauthproxy.lib.log#info] ((10.0.0.9, 41000), alice, 17): Received duplicate request\n";
        let levels: Vec<Level> = parse_text(at_info).iter().map(|e| e.level).collect();
        assert_eq!(levels, [Level::Error, Level::Warning]);
    }
}
