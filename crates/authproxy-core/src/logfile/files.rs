//! The files of the proxy's log folder: `authproxy.log`, `connectivity_tool.log`,
//! `authevents.log` and `ssoevents.log`, each with its size rotations `.1` … `.N` (`.1` is the
//! newest rotated file), read whole.
//!
//! Read into memory rather than memory-mapped: the proxy (or an administrator) may truncate a log
//! while it is mapped, which would kill the program with SIGBUS.

use std::path::{Path, PathBuf};

use super::json::{parse_json_lines, JsonEvent};
use super::line::{parse_text, TextEntry};

/// Which log a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// `authproxy.log`: the proxy's main text log.
    Proxy,
    /// `connectivity_tool.log`: every connectivity-tool run, including the start-up check.
    ConnectivityTool,
    /// `authevents.log`: one JSON object per authentication step (`log_auth_events=true`).
    AuthEvents,
    /// `ssoevents.log`: SSO connectivity and LDAP queries, JSON.
    SsoEvents,
}

impl Family {
    /// Every family, in the order files are shown.
    pub const ALL: [Family; 4] = [Family::Proxy, Family::ConnectivityTool, Family::AuthEvents, Family::SsoEvents];

    /// The current file's name.
    #[must_use]
    pub fn file_name(self) -> &'static str {
        match self {
            Family::Proxy => "authproxy.log",
            Family::ConnectivityTool => "connectivity_tool.log",
            Family::AuthEvents => "authevents.log",
            Family::SsoEvents => "ssoevents.log",
        }
    }

    /// Whether its lines are JSON objects.
    #[must_use]
    pub fn is_json(self) -> bool {
        matches!(self, Family::AuthEvents | Family::SsoEvents)
    }
}

/// A log file found in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFileName {
    /// Where it is.
    pub path: PathBuf,
    /// Which log.
    pub family: Family,
    /// `None` for the current file, `Some(n)` for `<name>.n` (larger is older).
    pub rotation: Option<u32>,
    /// When it was last written (UTC microseconds): the time of lines written without one
    /// (the connectivity tool's `[info] …` form).
    pub modified_micros: Option<i64>,
}

/// What `name` is, if it is one of the proxy's logs.
#[must_use]
pub fn classify(name: &str) -> Option<(Family, Option<u32>)> {
    Family::ALL.into_iter().find_map(|family| {
        let rest = name.strip_prefix(family.file_name())?;
        if rest.is_empty() {
            return Some((family, None));
        }
        let number = rest.strip_prefix('.')?;
        (!number.is_empty() && number.len() <= 9 && number.bytes().all(|b| b.is_ascii_digit()))
            .then(|| number.parse().ok().map(|n| (family, Some(n))))
            .flatten()
    })
}

/// The proxy's logs in `dir`: by family, then oldest rotation first and the current file last.
///
/// # Errors
/// The folder cannot be listed.
pub fn list(dir: &Path) -> std::io::Result<Vec<LogFileName>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some((family, rotation)) = name.to_str().and_then(classify) else { continue };
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let modified_micros = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .and_then(|d| i64::try_from(d.as_micros()).ok());
        found.push(LogFileName { path: entry.path(), family, rotation, modified_micros });
    }
    found.sort_by_key(|f| (f.family, std::cmp::Reverse(f.rotation.map_or(0, |n| u64::from(n) + 1))));
    Ok(found)
}

/// A log file's entries.
#[derive(Debug, Clone)]
pub enum Entries {
    /// `<time> [<system>] <message>` lines.
    Text(Vec<TextEntry>),
    /// JSON objects.
    Json(Vec<JsonEvent>),
}

impl Entries {
    /// How many entries.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Entries::Text(entries) => entries.len(),
            Entries::Json(events) => events.len(),
        }
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes this index takes (not the file's).
    #[must_use]
    pub fn index_bytes(&self) -> usize {
        match self {
            Entries::Text(entries) => entries.capacity() * std::mem::size_of::<TextEntry>(),
            Entries::Json(events) => events.capacity() * std::mem::size_of::<JsonEvent>(),
        }
    }
}

/// A log file, read and indexed.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// Which file.
    pub name: LogFileName,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Its entries.
    pub entries: Entries,
}

impl LoadedFile {
    /// Indexes `bytes` as the file `name`.
    #[must_use]
    pub fn new(name: LogFileName, bytes: Vec<u8>) -> Self {
        let entries = if name.family.is_json() {
            Entries::Json(parse_json_lines(&bytes))
        } else {
            Entries::Text(parse_text(&bytes))
        };
        Self { name, bytes, entries }
    }

    /// Reads and indexes `name`'s file.
    ///
    /// # Errors
    /// The file cannot be read.
    pub fn read(name: LogFileName) -> std::io::Result<Self> {
        let bytes = std::fs::read(&name.path)?;
        Ok(Self::new(name, bytes))
    }

    /// The file's name as shown (`authproxy.log.2`).
    #[must_use]
    pub fn display_name(&self) -> String {
        self.name
            .path
            .file_name()
            .map_or_else(|| self.name.family.file_name().to_owned(), |n| n.to_string_lossy().into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_names_and_rotations_are_recognised_and_others_ignored() {
        assert_eq!(classify("authproxy.log"), Some((Family::Proxy, None)));
        assert_eq!(classify("authproxy.log.12"), Some((Family::Proxy, Some(12))));
        assert_eq!(classify("ssoevents.log.1"), Some((Family::SsoEvents, Some(1))));
        for other in ["authproxy.log.", "authproxy.log.bak", "authproxy.logx", "install.log", "authproxy.log.-1"] {
            assert_eq!(classify(other), None, "{other}");
        }
    }

    #[test]
    fn files_are_listed_oldest_rotation_first() {
        let dir = tempfile::tempdir().unwrap();
        for name in
            ["authproxy.log", "authproxy.log.1", "authproxy.log.10", "authproxy.log.2", "authevents.log", "notes.txt"]
        {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let names: Vec<String> = list(dir.path())
            .unwrap()
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["authproxy.log.10", "authproxy.log.2", "authproxy.log.1", "authproxy.log", "authevents.log"]
        );
    }
}
