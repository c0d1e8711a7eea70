//! What a bug does to the user: a crash report in the app's own data folder instead of a
//! message on screen, and never any text of the user's.
//!
//! A panic message can quote the data it choked on (std's own messages for a bad string slice
//! do), and that data can hold a secret. So the report keeps a message only when it is a
//! string literal of our code; everything else about it is the version, the OS, where in our
//! code it happened and the backtrace.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// The exit status of a run that ended in an internal error.
pub const EXIT_CODE: i32 = 70;

/// The name of the connectivity checks' worker threads. A panic there ends only the probe it
/// happened in (the run reports it as a failed check), not the program.
pub const PROBE_THREAD: &str = "connectivity-probe";

/// The last report written, for the failure a survived panic leaves.
static LAST_REPORT: std::sync::Mutex<Option<PathBuf>> = std::sync::Mutex::new(None);

/// The report the last panic wrote, if any.
#[must_use]
pub fn last_report() -> Option<PathBuf> {
    LAST_REPORT.lock().ok().and_then(|last| last.clone())
}

/// The name of the file that records which report the window has already announced.
const ANNOUNCED: &str = "announced";

/// Who is running: the window announces the report at its next start; the command line
/// prints where it is at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The desktop app.
    Window,
    /// A subcommand.
    CommandLine,
}

/// Where crash reports go: `%LOCALAPPDATA%\authproxy-manager\crash-reports` on Windows,
/// `$XDG_STATE_HOME/authproxy-manager/crash-reports` (default `~/.local/state`) elsewhere.
#[must_use]
pub fn reports_dir() -> Option<PathBuf> {
    let base = if cfg!(windows) {
        std::env::var_os("LOCALAPPDATA").map(PathBuf::from)
    } else {
        std::env::var_os("XDG_STATE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local").join("state")))
    };
    base.map(|b| b.join("authproxy-manager").join("crash-reports"))
}

/// Replaces the panic hook: each panic writes a report, says where it is (on standard error),
/// and ends the process with [`EXIT_CODE`].
pub fn install(mode: Mode) {
    std::panic::set_hook(Box::new(move |info| {
        let report = report(info);
        let written = reports_dir().ok_or(None).and_then(|dir| write_report(&dir, &report).map_err(Some));
        if std::thread::current().name() == Some(PROBE_THREAD) {
            if let (Ok(path), Ok(mut last)) = (&written, LAST_REPORT.lock()) {
                *last = Some(path.clone());
            }
            return;
        }
        let mut stderr = std::io::stderr().lock();
        let _ = match (&written, mode) {
            (Ok(path), Mode::CommandLine) => writeln!(stderr, "internal error, report at {}", path.display()),
            (Ok(path), Mode::Window) => {
                writeln!(stderr, "internal error, report at {} (the next start says so too)", path.display())
            }
            (Err(Some(e)), _) => writeln!(stderr, "internal error; the crash report could not be written: {e}"),
            (Err(None), _) => writeln!(stderr, "internal error; no folder for a crash report (HOME is not set)"),
        };
        drop(stderr);
        std::process::exit(EXIT_CODE);
    }));
}

/// The report for a panic: nothing in it comes from outside input.
fn report(info: &std::panic::PanicHookInfo<'_>) -> String {
    let message = match info.payload().downcast_ref::<&'static str>() {
        Some(literal) => (*literal).to_string(),
        None => "(withheld: it was built from data the program read, which may hold secrets)".to_string(),
    };
    let location =
        info.location().map_or_else(|| "unknown".into(), |l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
    let thread = std::thread::current().name().unwrap_or("unnamed").to_string();
    let backtrace = std::backtrace::Backtrace::force_capture();
    format!(
        "authproxy-manager {} stopped on an internal error.\n\
         Please send this file to the developers; it holds no text of your files or logs.\n\n\
         time: {}\nos: {}\nthread: {thread}\nlocation: {location}\nmessage: {message}\n\nbacktrace:\n{backtrace:#}\n",
        env!("CARGO_PKG_VERSION"),
        crate::connectivity::sign::rfc2822(SystemTime::now()),
        os_description(),
    )
}

fn write_report(dir: &Path, report: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let seconds = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let path = dir.join(format!("crash-{seconds}-{}.txt", std::process::id()));
    std::fs::write(&path, report)?;
    Ok(path)
}

/// The OS, its version where it says so without running a program, and the architecture.
fn os_description() -> String {
    let mut parts = vec![std::env::consts::OS.to_string(), std::env::consts::ARCH.to_string()];
    if cfg!(target_os = "linux") {
        let release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
        if let Some(name) = release.lines().find_map(|l| l.strip_prefix("PRETTY_NAME=")) {
            parts.push(name.trim_matches('"').to_string());
        }
        if let Ok(kernel) = std::fs::read_to_string("/proc/sys/kernel/osrelease") {
            parts.push(format!("kernel {}", kernel.trim()));
        }
    }
    parts.join(", ")
}

/// The newest crash report in `dir` not announced yet; it is marked announced.
#[must_use]
pub fn take_unannounced(dir: &Path) -> Option<PathBuf> {
    let newest = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("crash-") && n.ends_with(".txt"))
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())?;
    let name = newest.file_name()?.to_string_lossy().into_owned();
    let marker = dir.join(ANNOUNCED);
    if std::fs::read_to_string(&marker).is_ok_and(|seen| seen.trim() == name) {
        return None;
    }
    let _ = std::fs::write(marker, &name);
    Some(newest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_report_is_announced_once() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(take_unannounced(dir.path()), None);
        let path = write_report(dir.path(), "report").unwrap();
        assert_eq!(take_unannounced(dir.path()).as_deref(), Some(path.as_path()));
        assert_eq!(take_unannounced(dir.path()), None, "announced already");
        assert!(path.exists(), "the report itself stays for the user to send");
    }

    #[test]
    fn the_os_is_described() {
        assert!(os_description().starts_with(std::env::consts::OS));
    }
}
