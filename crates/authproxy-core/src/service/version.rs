//! Which proxy release is installed, and how we know.
//!
//! Sources, most reliable first:
//! - Windows: the installer's uninstall entry `HKLM\Software\Microsoft\Windows\CurrentVersion\
//!   Uninstall\DuoAuthProxy`, value `DisplayVersion` (also under `WOW6432Node` for 32-bit installs),
//!   when its `UninstallString` points into the install folder being edited.
//! - Linux: the package metadata the installer copies from its build tree,
//!   `<install>/usr/local/lib/python3.*/site-packages/duoauthproxy-<version>-py3.*.egg-info`
//!   (a `PKG-INFO` file, or a folder holding one, whose `Version:` line names the release).
//! - Both: the banner the proxy writes to `authproxy.log` each time it starts,
//!   `Duo Security Authentication Proxy X.Y.Z - Init Complete` (the newest one counts).

use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::schema::ProxyVersion;

/// The uninstall entry the Windows installer writes.
pub const UNINSTALL_KEY: &str = r"Software\Microsoft\Windows\CurrentVersion\Uninstall\DuoAuthProxy";
/// The start-up banner's text before the version.
pub const BANNER_PREFIX: &str = "Duo Security Authentication Proxy ";
/// The start-up banner's text after the version.
pub const BANNER_SUFFIX: &str = " - Init Complete";
/// How much of the end of each log file is searched for the banner.
const LOG_TAIL_BYTES: u64 = 8 * 1024 * 1024;
/// `authproxy.log` and the rotated files searched after it.
const ROTATED_LOGS: usize = 5;

/// Where a version came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum VersionSource {
    /// Given by the user (`--proxy-version`, or the window's setting).
    Given,
    /// The Windows uninstall entry's `DisplayVersion`.
    UninstallEntry {
        /// The registry key read.
        key: String,
    },
    /// The installed package metadata (Linux).
    PackageMetadata {
        /// The `.egg-info` file or folder.
        path: PathBuf,
    },
    /// The newest start-up banner in a log.
    LogBanner {
        /// The log file.
        path: PathBuf,
    },
}

impl VersionSource {
    /// A few words for the status bar and reports, e.g. "from the uninstall entry".
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::Given => "as given".to_string(),
            Self::UninstallEntry { .. } => "from the installer's uninstall entry".to_string(),
            Self::PackageMetadata { path } => format!("from {}", path.display()),
            Self::LogBanner { path } => format!("from the start-up banner in {}", path.display()),
        }
    }
}

/// A proxy version and its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownVersion {
    /// The release.
    pub version: ProxyVersion,
    /// How it is known.
    pub source: VersionSource,
}

impl KnownVersion {
    /// A version the user gave.
    #[must_use]
    pub fn given(version: ProxyVersion) -> Self {
        Self { version, source: VersionSource::Given }
    }
}

/// Reads the Windows registry; a trait so that detection can be tested where there is none.
pub trait Registry {
    /// `HKLM\<key>` string value `name`, from the 64-bit or the 32-bit view.
    fn hklm_string(&self, key: &str, name: &str, wow32: bool) -> Option<String>;
}

/// This host's registry (none outside Windows).
#[derive(Debug, Clone, Copy, Default)]
pub struct HostRegistry;

impl Registry for HostRegistry {
    #[cfg(windows)]
    fn hklm_string(&self, key: &str, name: &str, wow32: bool) -> Option<String> {
        use crate::platform::windows::{hklm_string, RegistryView};
        hklm_string(key, name, if wow32 { RegistryView::Wow32 } else { RegistryView::Native64 })
    }

    #[cfg(not(windows))]
    fn hklm_string(&self, _key: &str, _name: &str, _wow32: bool) -> Option<String> {
        None
    }
}

/// The version whose rules apply to `doc`: the one given, else the one detected for the install
/// the config belongs to (none for a config outside an install folder).
#[must_use]
pub fn for_config(
    given: Option<ProxyVersion>,
    install_dir: Option<&Path>,
    doc: &crate::config::Document,
    registry: &dyn Registry,
) -> Option<KnownVersion> {
    if let Some(version) = given {
        return Some(KnownVersion::given(version));
    }
    let install_dir = install_dir?;
    detect(install_dir, &super::logs::log_dir(doc, install_dir), registry)
}

/// The version of the proxy installed at `install_dir`, whose logs are in `log_dir`.
#[must_use]
pub fn detect(install_dir: &Path, log_dir: &Path, registry: &dyn Registry) -> Option<KnownVersion> {
    from_uninstall_entry(install_dir, registry)
        .or_else(|| from_package_metadata(install_dir))
        .or_else(|| from_log_banner(log_dir))
}

/// `DisplayVersion` of the uninstall entry, when the entry belongs to `install_dir`.
#[must_use]
pub fn from_uninstall_entry(install_dir: &Path, registry: &dyn Registry) -> Option<KnownVersion> {
    [false, true].into_iter().find_map(|wow32| {
        let version = registry.hklm_string(UNINSTALL_KEY, "DisplayVersion", wow32)?;
        let uninstaller = registry.hklm_string(UNINSTALL_KEY, "UninstallString", wow32);
        if !uninstaller.is_some_and(|u| names_a_file_in(&u, install_dir)) {
            return None;
        }
        let view = if wow32 { r"HKLM\Software\WOW6432Node\" } else { r"HKLM\Software\" };
        let key = format!("{view}{}", UNINSTALL_KEY.trim_start_matches(r"Software\"));
        Some(KnownVersion { version: version.parse().ok()?, source: VersionSource::UninstallEntry { key } })
    })
}

/// Whether a command line such as `"C:\Program Files\Duo Security Authentication Proxy\uninstall.exe"`
/// names a file inside `dir` (Windows paths compare without regard to case).
fn names_a_file_in(command: &str, dir: &Path) -> bool {
    let program = command.trim().trim_start_matches('"');
    let program = program.split('"').next().unwrap_or(program).replace('/', "\\").to_lowercase();
    let dir = dir.to_string_lossy().replace('/', "\\").to_lowercase();
    let dir = dir.trim_end_matches('\\');
    !dir.is_empty() && program.starts_with(dir) && program[dir.len()..].starts_with('\\')
}

/// The `duoauthproxy-<version>-py3.*.egg-info` metadata under the install's Python.
#[must_use]
pub fn from_package_metadata(install_dir: &Path) -> Option<KnownVersion> {
    let lib = install_dir.join("usr").join("local").join("lib");
    let sites = std::fs::read_dir(&lib)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("python3"))
        .map(|e| e.path().join("site-packages"));
    // Every Python folder counts (an upgrade may leave an older one behind); the newest release wins.
    let found =
        sites.filter_map(|site| std::fs::read_dir(site).ok()).flatten().filter_map(Result::ok).filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix("duoauthproxy-")?.strip_suffix(".egg-info")?;
            let path = e.path();
            let version = metadata_version(&path).or_else(|| rest.split('-').next()?.parse().ok())?;
            Some((version, path))
        });
    let (version, path) = found.max_by(|a, b| a.0.cmp(&b.0))?;
    Some(KnownVersion { version, source: VersionSource::PackageMetadata { path } })
}

/// The `Version:` line of a `PKG-INFO` file, or of the `PKG-INFO` inside an `.egg-info` folder.
fn metadata_version(path: &Path) -> Option<ProxyVersion> {
    let file = if path.is_dir() { path.join("PKG-INFO") } else { path.to_path_buf() };
    let mut text = String::new();
    std::fs::File::open(file).ok()?.take(64 * 1024).read_to_string(&mut text).ok()?;
    text.lines().find_map(|line| line.strip_prefix("Version:")).and_then(|v| v.trim().parse().ok())
}

/// The newest start-up banner in `authproxy.log`, else in its rotated files.
#[must_use]
pub fn from_log_banner(log_dir: &Path) -> Option<KnownVersion> {
    let current = log_dir.join("authproxy.log");
    let rotated = (1..=ROTATED_LOGS).map(|n| log_dir.join(format!("authproxy.log.{n}")));
    std::iter::once(current).chain(rotated).find_map(|path| {
        let version = last_banner(&read_end(&path, LOG_TAIL_BYTES)?)?;
        Some(KnownVersion { version, source: VersionSource::LogBanner { path } })
    })
}

fn read_end(path: &Path, max: u64) -> Option<Vec<u8>> {
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(max))).ok()?;
    let mut bytes = Vec::new();
    file.take(max).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The version in the last "… Authentication Proxy X.Y.Z - Init Complete" line of `bytes`.
#[must_use]
pub fn last_banner(bytes: &[u8]) -> Option<ProxyVersion> {
    let finder = memchr::memmem::FinderRev::new(BANNER_SUFFIX.as_bytes());
    let mut end = bytes.len();
    while let Some(at) = finder.rfind(&bytes[..end]) {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let line = String::from_utf8_lossy(&bytes[line_start..at]);
        if let Some(version) =
            line.rfind(BANNER_PREFIX).and_then(|i| line[i + BANNER_PREFIX.len()..].trim().parse().ok())
        {
            return Some(version);
        }
        end = at;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    struct FakeRegistry(Vec<(bool, &'static str, &'static str)>);

    impl Registry for FakeRegistry {
        fn hklm_string(&self, key: &str, name: &str, wow32: bool) -> Option<String> {
            assert_eq!(key, UNINSTALL_KEY);
            self.0.iter().find(|(w, n, _)| *w == wow32 && *n == name).map(|(_, _, v)| (*v).to_string())
        }
    }

    #[test]
    fn the_uninstall_entry_counts_only_for_its_own_install_folder() {
        let install = Path::new(r"C:\Program Files\Duo Security Authentication Proxy");
        let registry = FakeRegistry(vec![
            (false, "DisplayVersion", "6.8.0"),
            (false, "UninstallString", r#""C:\Program Files\Duo Security Authentication Proxy\uninstall.exe""#),
        ]);
        let found = from_uninstall_entry(install, &registry).unwrap();
        assert_eq!(found.version, ProxyVersion::new(6, 8, 0));
        assert!(matches!(found.source, VersionSource::UninstallEntry { ref key } if !key.contains("WOW6432Node")));
        assert!(from_uninstall_entry(Path::new(r"C:\Users\me\bundle"), &registry).is_none());
        assert!(from_uninstall_entry(Path::new(r"C:\Program Files\Duo"), &registry).is_none());
        let old = FakeRegistry(vec![
            (true, "DisplayVersion", "4.0.2"),
            (true, "UninstallString", r"C:\Program Files (x86)\Duo Security Authentication Proxy\uninstall.exe"),
        ]);
        let found = from_uninstall_entry(Path::new(r"c:\program files (x86)\duo security authentication proxy\"), &old);
        assert_eq!(found.unwrap().version, ProxyVersion::new(4, 0, 2));
    }

    #[test]
    fn the_newest_banner_wins_and_other_lines_do_not_count() {
        let log = b"2025-01-01T00:00:00+0000 [-] Duo Security Authentication Proxy 6.4.2 - Init Complete\n\
            2025-06-01T00:00:00+0000 [-] user said Duo Security Authentication Proxy 9.9.9 is great\n\
            2025-06-02T00:00:00+0000 [-] Duo Security Authentication Proxy 6.5.1 - Init Complete\n\
            2025-06-02T00:00:01+0000 [duoauthproxy.lib.log#info] Sending request - Init Complete\n";
        assert_eq!(last_banner(log), Some(ProxyVersion::new(6, 5, 1)));
        assert_eq!(last_banner(b"\xff\xfe garbage - Init Complete"), None);
        assert_eq!(last_banner(b""), None);
    }
}
