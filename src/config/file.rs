//! Reading and saving `authproxy.cfg` without ever losing the user's file.
//!
//! Saving writes a temporary file in the same folder, syncs it, keeps the
//! previous version as `<name>.bak`, and renames the new file into place. It
//! refuses to overwrite a file that changed on disk since it was loaded.

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::encoding::{decode, encode, Decoded, EncodeError, Encoding};

/// A file as loaded: its path, exact bytes and decoded text.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The bytes on disk at load time (to detect changes made elsewhere).
    pub original: Vec<u8>,
    /// The decoded text and its encoding.
    pub decoded: Decoded,
}

/// Why a file could not be read or saved.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Reading failed.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file changed on disk after it was loaded; nothing was written.
    #[error(
        "{path} changed on disk since it was opened; nothing was written. Reload it, or save again to \
         overwrite the other change"
    )]
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// The file is marked read-only; nothing was written.
    #[error("{path} is read-only; nothing was written. Make it writable (or save under another name) and save again")]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// The text has a character the file's encoding cannot hold; nothing was written.
    #[error("{path}: {source}")]
    Encode {
        /// The file.
        path: PathBuf,
        /// What cannot be encoded.
        source: EncodeError,
    },
    /// Writing, syncing or renaming failed; the original file is untouched.
    #[error("cannot save {path}: {source} (the original file is unchanged)")]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Reads and decodes a file, remembering its exact bytes.
///
/// # Errors
/// [`FileError::Read`] when the file cannot be read.
pub fn load(path: &Path) -> Result<LoadedFile, FileError> {
    let original = fs::read(path).map_err(|source| FileError::Read { path: path.to_path_buf(), source })?;
    let decoded = decode(&original);
    tracing::debug!(path = %path.display(), bytes = original.len(), encoding = ?decoded.encoding, "loaded");
    Ok(LoadedFile { path: path.to_path_buf(), original, decoded })
}

/// The backup of `path`: the same name with `.bak` appended.
#[must_use]
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".bak");
    path.with_file_name(name)
}

/// Saves `text` to `path` in `encoding`, atomically, keeping the previous version as a backup.
///
/// `expected_on_disk` is what the file held when it was loaded (`None` for a new
/// file); if the file now holds something else, nothing is written.
///
/// # Errors
/// [`FileError::ChangedOnDisk`], [`FileError::Encode`] or [`FileError::Write`]; in every case the
/// file on disk is left as it was.
pub fn save(
    path: &Path,
    text: &str,
    encoding: Encoding,
    expected_on_disk: Option<&[u8]>,
) -> Result<Vec<u8>, FileError> {
    let bytes = encode(text, encoding).map_err(|source| FileError::Encode { path: path.to_path_buf(), source })?;
    let write_err = |source| FileError::Write { path: path.to_path_buf(), source };
    let current = match fs::read(path) {
        Ok(current) => Some(current),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(write_err(source)),
    };
    if current.as_deref() != expected_on_disk {
        return Err(FileError::ChangedOnDisk { path: path.to_path_buf() });
    }
    if current.is_some() && fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        return Err(FileError::ReadOnly { path: path.to_path_buf() });
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temp = temp_path(path);
    let result = (|| {
        let mut file = create_private(&temp)?;
        if current.is_some() {
            copy_permissions(path, &temp);
        }
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        if let Some(current) = &current {
            write_backup(&backup_path(path), current)?;
        }
        fs::rename(&temp, path)?;
        sync_dir(dir);
        Ok(())
    })();
    if let Err(source) = result {
        let _ = fs::remove_file(&temp);
        tracing::warn!(path = %path.display(), error = %source, "save failed; the original is unchanged");
        return Err(write_err(source));
    }
    tracing::debug!(path = %path.display(), bytes = bytes.len(), backup = current.is_some(), "saved");
    Ok(bytes)
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Creates a new file readable by its owner only (the config holds secrets); the
/// original's permissions are copied onto it before anything is written.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn write_backup(backup: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let _ = fs::remove_file(backup);
    let mut file = create_private(backup)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn copy_permissions(from: &Path, to: &Path) {
    if let Ok(meta) = fs::metadata(from) {
        let _ = fs::set_permissions(to, meta.permissions());
    }
}

/// Makes the rename durable where the OS allows syncing a directory.
fn sync_dir(dir: &Path) {
    if cfg!(unix) {
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

/// The install directory implied by a config path: `<install>/conf/authproxy.cfg` → `<install>`.
#[must_use]
pub fn inferred_install_dir(file: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(file).ok()?;
    let conf = absolute.parent()?;
    (conf.file_name()? == "conf").then(|| conf.parent().map(Path::to_path_buf)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_is_atomic_keeps_a_backup_and_preserves_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        fs::write(&path, b"[main]\r\ndebug=false\r\n").unwrap();
        let loaded = load(&path).unwrap();
        let new_text = loaded.decoded.text.replace("false", "true");
        save(&path, &new_text, loaded.decoded.encoding, Some(&loaded.original)).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"[main]\r\ndebug=true\r\n");
        assert_eq!(fs::read(backup_path(&path)).unwrap(), b"[main]\r\ndebug=false\r\n");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");
    }

    #[test]
    fn refuses_to_clobber_a_file_changed_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        fs::write(&path, "[main]\n").unwrap();
        let loaded = load(&path).unwrap();
        fs::write(&path, "[main]\ndebug=true\n").unwrap();
        let err = save(&path, "[cloud]\n", Encoding::Utf8, Some(&loaded.original)).unwrap_err();
        assert!(matches!(err, FileError::ChangedOnDisk { .. }), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "[main]\ndebug=true\n");
        assert!(!backup_path(&path).exists());
    }

    #[test]
    fn windows_1252_files_are_written_back_in_windows_1252() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        fs::write(&path, b"; caf\xe9\n[main]\n").unwrap();
        let loaded = load(&path).unwrap();
        let text = format!("{}debug=true\n", loaded.decoded.text);
        save(&path, &text, loaded.decoded.encoding, Some(&loaded.original)).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"; caf\xe9\n[main]\ndebug=true\n");
        let err = save(&path, "; ✓\n", loaded.decoded.encoding, Some(&fs::read(&path).unwrap())).unwrap_err();
        assert!(matches!(err, FileError::Encode { .. }));
    }

    #[test]
    fn read_only_files_are_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        fs::write(&path, "[main]\n").unwrap();
        let mut permissions = fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        fs::set_permissions(&path, permissions).unwrap();
        let err = save(&path, "[cloud]\n", Encoding::Utf8, Some(b"[main]\n")).unwrap_err();
        assert!(matches!(err, FileError::ReadOnly { .. }), "{err}");
        assert!(err.to_string().contains("is read-only"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "[main]\n");
    }

    #[test]
    fn new_files_need_no_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.cfg");
        save(&path, "[main]\n", Encoding::Utf8, None).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "[main]\n");
        assert!(!backup_path(&path).exists());
        assert!(matches!(save(&path, "[x]\n", Encoding::Utf8, None), Err(FileError::ChangedOnDisk { .. })));
    }
}
