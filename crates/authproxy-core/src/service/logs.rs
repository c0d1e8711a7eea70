//! The tail of the proxy's log files, kept up to date through file-system events.

use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};

use notify::{RecursiveMode, Watcher as _};

use crate::config::Document;
use crate::secrets::shape::{looks_secret, MASK};

/// The proxy's logs worth watching, most useful first.
pub const LOG_FILES: [&str; 2] = ["authproxy.log", "connectivity_tool.log"];
/// How many lines of each file are kept.
pub const TAIL_LINES: usize = 300;
const TAIL_BYTES: u64 = 256 * 1024;

/// Where the proxy writes its logs: `[main] log_dir` (relative to the install folder)
/// or `<install>/log`.
#[must_use]
pub fn log_dir(doc: &Document, install_dir: &Path) -> PathBuf {
    let configured =
        doc.section("main").and_then(|main| main.value("log_dir")).map(str::trim).filter(|v| !v.is_empty());
    match configured {
        Some(dir) => install_dir.join(dir),
        None => install_dir.join("log"),
    }
}

/// How a log line reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineLevel {
    /// An error, a failure or a traceback.
    Error,
    /// A warning.
    Warning,
    /// Anything else.
    Normal,
}

/// The level of a line of the proxy's log: the level it was logged at
/// (`[duoauthproxy.lib.log#error]`, `[…#warn]`) when the line names one, else what the text
/// says (Python tracebacks, connectivity-tool failures).
#[must_use]
pub fn classify(line: &str) -> LineLevel {
    let lower = line.to_ascii_lowercase();
    if let Some(level) = logged_level(&lower) {
        return level;
    }
    let error_marks = ["[error]", "[critical]", "traceback", "error:", "failed", "exception"];
    if error_marks.iter().any(|m| lower.contains(m)) {
        LineLevel::Error
    } else if ["[warn]", "[warning]", "warning:"].iter().any(|m| lower.contains(m)) {
        LineLevel::Warning
    } else {
        LineLevel::Normal
    }
}

/// The level in the bracketed system field, e.g. `[duoauthproxy.lib.log#info]`.
fn logged_level(lower: &str) -> Option<LineLevel> {
    let start = lower.find('[')?;
    let field = &lower[start..lower[start..].find(']').map_or(lower.len(), |end| start + end + 1)];
    let (_, level) = field.trim_end_matches(']').rsplit_once('#')?;
    match level {
        "error" | "critical" | "fatal" => Some(LineLevel::Error),
        "warn" | "warning" => Some(LineLevel::Warning),
        "info" | "debug" | "trace" => Some(LineLevel::Normal),
        _ => None,
    }
}

/// `line` with the value after any secret-looking key (`skey=…`, `password: …`, `'skey': '…'`)
/// replaced by [`MASK`], whatever the value's length. Key names are judged by
/// [`looks_secret`], so misspelt keys are masked too.
#[must_use]
pub fn mask_secrets(line: &str) -> String {
    let bytes = line.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut out = String::with_capacity(line.len());
    let mut copied = 0;
    let mut i = 0;
    // Every index where the text is cut is next to an ASCII byte, so always a character boundary.
    while i < bytes.len() {
        if !is_word(bytes[i]) || (i > 0 && is_word(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let word_end = (i..bytes.len()).find(|&k| !is_word(bytes[k])).unwrap_or(bytes.len());
        // The value's end is looked for last: scanning every value to its end would make a line
        // of `a=a=a=…` quadratic.
        let Some(value_start) = value_start(bytes, word_end).filter(|_| looks_secret(&line[i..word_end])) else {
            i = word_end;
            continue;
        };
        let value = value_start.start..value_end(bytes, value_start.start, value_start.quote);
        if value.is_empty() || line[value.clone()].starts_with(MASK) {
            i = word_end;
            continue;
        }
        out.push_str(&line[copied..value.start]);
        out.push_str(MASK);
        copied = value.end;
        i = value.end.max(word_end);
    }
    out.push_str(&line[copied..]);
    out
}

/// Where a value starts, and the quote it is in, if any.
struct ValueStart {
    start: usize,
    quote: Option<u8>,
}

/// The value that follows a key ending at `at`: after an optional closing quote, spaces, `=` or
/// `:`, spaces and an optional opening quote.
fn value_start(bytes: &[u8], at: usize) -> Option<ValueStart> {
    let mut j = at;
    if matches!(bytes.get(j), Some(b'\'' | b'"')) {
        j += 1;
    }
    while matches!(bytes.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    if !matches!(bytes.get(j), Some(b'=' | b':')) {
        return None;
    }
    j += 1;
    while matches!(bytes.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    let quote = bytes.get(j).copied().filter(|b| matches!(b, b'\'' | b'"'));
    if quote.is_some() {
        j += 1;
    }
    Some(ValueStart { start: j, quote })
}

/// Where a value starting at `start` ends: at its closing quote, else at a space or comma.
fn value_end(bytes: &[u8], start: usize, quote: Option<u8>) -> usize {
    (start..bytes.len())
        .find(|&k| match quote {
            Some(q) => bytes[k] == q,
            None => bytes[k].is_ascii_whitespace() || bytes[k] == b',',
        })
        .unwrap_or(bytes.len())
}

/// One line of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// The text, secrets masked.
    pub text: String,
    /// How it reads.
    pub level: LineLevel,
}

/// The tail of one log file.
#[derive(Debug, Clone, Default)]
pub struct TailedFile {
    /// File name, e.g. `authproxy.log`.
    pub name: String,
    /// Its path.
    pub path: PathBuf,
    /// Its last lines, oldest first.
    pub lines: Vec<LogLine>,
    /// Why it could not be read, if it could not.
    pub problem: Option<String>,
}

/// Reads the last `max_lines` lines of `path` (at most the last 256 KiB).
///
/// # Errors
/// When the file cannot be opened or read.
pub fn read_tail(path: &Path, max_lines: usize) -> std::io::Result<Vec<LogLine>> {
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let start = len.saturating_sub(TAIL_BYTES);
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = Vec::new();
    file.take(TAIL_BYTES).read_to_end(&mut bytes)?;
    Ok(tail_lines(&bytes, max_lines, start > 0))
}

/// The last `max_lines` lines of the log bytes `bytes`, masked and classified; `cut` says the
/// bytes start in the middle of the file, so their first line is partial and left out.
///
/// Any bytes are accepted. A line that is not UTF-8 is read as Windows-1252 (the ANSI code page
/// the Windows proxy writes its logs in), and control characters show as `?`.
#[must_use]
pub fn tail_lines(bytes: &[u8], max_lines: usize, cut: bool) -> Vec<LogLine> {
    let mut lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    if cut && !lines.is_empty() {
        lines.remove(0);
    }
    let skip = lines.len().saturating_sub(max_lines);
    lines[skip..]
        .iter()
        .map(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let decoded = crate::config::decode(line).text;
            let shown: String = decoded.chars().map(|c| if c.is_control() && c != '\t' { '?' } else { c }).collect();
            let text = mask_secrets(&shown);
            LogLine { level: classify(&text), text }
        })
        .collect()
}

/// The proxy's logs in one folder, re-read whenever the folder changes.
pub struct LogTail {
    dir: PathBuf,
    files: Vec<TailedFile>,
    changes: Option<Receiver<()>>,
    _watcher: Option<notify::RecommendedWatcher>,
    watch_problem: Option<String>,
}

impl LogTail {
    /// Watches `dir`; `on_change` runs on the watcher's thread after each change
    /// (the app asks for a repaint there).
    #[must_use]
    pub fn watch(dir: PathBuf, on_change: impl Fn() + Send + 'static) -> Self {
        let (sender, receiver) = mpsc::channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|e| !e.kind.is_access()) {
                let _ = sender.send(());
                on_change();
            }
        })
        .and_then(|mut watcher| watcher.watch(&dir, RecursiveMode::NonRecursive).map(|()| watcher));
        let (watcher, changes, watch_problem) = match watcher {
            Ok(w) => (Some(w), Some(receiver), None),
            Err(e) => (None, None, Some(format!("not watching {} for changes: {e}", dir.display()))),
        };
        let mut tail = Self { dir, files: Vec::new(), changes, _watcher: watcher, watch_problem };
        tail.reload();
        tail
    }

    /// The folder watched.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Why live updates are off, if they are.
    #[must_use]
    pub fn watch_problem(&self) -> Option<&str> {
        self.watch_problem.as_deref()
    }

    /// The files and their tails.
    #[must_use]
    pub fn files(&self) -> &[TailedFile] {
        &self.files
    }

    /// Re-reads the files if the folder changed since the last call; returns whether it did.
    pub fn update(&mut self) -> bool {
        let changed = self.changes.as_ref().is_some_and(|changes| changes.try_iter().count() > 0);
        if changed {
            self.reload();
        }
        changed
    }

    /// Re-reads every file.
    pub fn reload(&mut self) {
        self.files = LOG_FILES
            .iter()
            .map(|name| {
                let path = self.dir.join(name);
                match read_tail(&path, TAIL_LINES) {
                    Ok(lines) => TailedFile { name: (*name).to_string(), path, lines, problem: None },
                    Err(e) => {
                        let problem = if e.kind() == std::io::ErrorKind::NotFound {
                            format!("{} does not exist yet; the proxy writes it when it runs.", path.display())
                        } else {
                            format!("cannot read {}: {e}", path.display())
                        };
                        TailedFile { name: (*name).to_string(), path, lines: Vec::new(), problem: Some(problem) }
                    }
                }
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_dir_comes_from_main_or_the_install_folder() {
        let install = Path::new("/opt/duoauthproxy");
        assert_eq!(log_dir(&Document::parse("[ad_client]\nhost=x\n"), install), install.join("log"));
        assert_eq!(log_dir(&Document::parse("[main]\nlog_dir=/var/log/duo\n"), install), PathBuf::from("/var/log/duo"));
        assert_eq!(log_dir(&Document::parse("[main]\nlog_dir=logs\n"), install), install.join("logs"));
    }

    #[test]
    fn errors_and_warnings_are_told_apart() {
        assert_eq!(classify("2026-11-29T10:00:00+0000 [duoauthproxy.lib.log#error] Failed to bind"), LineLevel::Error);
        assert_eq!(classify("Traceback (most recent call last):"), LineLevel::Error);
        assert_eq!(classify("2026-11-29T10:00:00+0000 [duoauthproxy.lib.log#warn] slow"), LineLevel::Warning);
        assert_eq!(classify("2026-11-29T10:00:00+0000 [duoauthproxy.lib.log#info] Listening"), LineLevel::Normal);
        // The logged level comes first: an info line that mentions a failure stays info.
        let info = "2026-11-29T10:00:00+0000 [duoauthproxy.lib.log#info] Retrying: connection failed once";
        assert_eq!(classify(info), LineLevel::Normal);
        assert_eq!(classify("2026-11-29T10:00:00+0000 [-] Unhandled error: failed"), LineLevel::Error);
        assert_eq!(classify("[ä#warn] ünïcode"), LineLevel::Warning);
    }

    #[test]
    fn secret_values_are_masked() {
        assert_eq!(mask_secrets("skey=abcdef123 ikey=DI"), "skey=******** ikey=DI");
        assert_eq!(mask_secrets("radius_secret_1: hunter2, next"), "radius_secret_1: ********, next");
        assert_eq!(mask_secrets("service_account_password = p@ss"), "service_account_password = ********");
        assert_eq!(mask_secrets("skey_protected=AQAAAN"), "skey_protected=AQAAAN");
        assert_eq!(mask_secrets("no secrets here"), "no secrets here");
        assert_eq!(mask_secrets("skey\t=\tabc"), "skey\t=\t********");
    }

    #[test]
    fn the_tail_keeps_the_last_lines_and_follows_appends() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("authproxy.log");
        let text: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        std::fs::write(&log, text).unwrap();
        let (sender, receiver) = mpsc::channel();
        let mut tail = LogTail::watch(dir.path().to_path_buf(), move || {
            let _ = sender.send(());
        });
        let file = &tail.files()[0];
        assert_eq!(file.lines.len(), TAIL_LINES);
        assert_eq!(file.lines.last().unwrap().text, "line 999");
        assert!(tail.files()[1].problem.as_deref().unwrap().contains("does not exist yet"));

        use std::io::Write as _;
        let mut appender = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
        writeln!(appender, "2026-11-29 [duoauthproxy.lib.log#error] Failed: skey=topsecret").unwrap();
        drop(appender);
        receiver.recv_timeout(std::time::Duration::from_secs(10)).expect("a change event");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !tail.update() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let last = tail.files()[0].lines.last().unwrap().clone();
        assert_eq!(last.level, LineLevel::Error);
        assert!(last.text.ends_with("skey=********"), "{}", last.text);
    }
}
