//! Reading and saving `authproxy.cfg` without ever losing the user's file.
//!
//! Saving writes a temporary file in the same folder, syncs it, keeps the
//! previous version as `<name>.bak`, and renames the new file into place. It
//! refuses to overwrite a file that changed on disk since it was loaded.

use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::encoding::{decode_in, encode, CodePage, Decoded, EncodeError, Encoding};

/// A file as loaded: its path, exact bytes and decoded text. `Debug` never shows the content.
#[derive(Clone)]
pub struct LoadedFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// The bytes on disk at load time (to detect changes made elsewhere).
    pub original: Vec<u8>,
    /// The decoded text and its encoding.
    pub decoded: Decoded,
}

impl std::fmt::Debug for LoadedFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedFile")
            .field("path", &self.path)
            .field("bytes", &self.original.len())
            .field("decoded", &self.decoded)
            .finish()
    }
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

/// Reads and decodes a file (UTF-8, else this machine's ANSI code page), remembering its exact bytes.
///
/// # Errors
/// [`FileError::Read`] when the file cannot be read.
pub fn load(path: &Path) -> Result<LoadedFile, FileError> {
    load_in(path, CodePage::host())
}

/// As [`load`], reading a file that is not UTF-8 in `code_page`.
///
/// # Errors
/// [`FileError::Read`] when the file cannot be read.
pub fn load_in(path: &Path, code_page: CodePage) -> Result<LoadedFile, FileError> {
    let original = fs::read(path).map_err(|source| FileError::Read { path: path.to_path_buf(), source })?;
    let decoded = decode_in(&original, code_page);
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

/// What to keep as `<name>.bak` when a save replaces an existing file.
#[derive(Clone, PartialEq, Eq)]
pub enum Backup {
    /// The file as it was on disk.
    Previous,
    /// These bytes instead (the previous file with its secrets protected, say).
    Bytes(Vec<u8>),
}

impl std::fmt::Debug for Backup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Previous => f.write_str("Previous"),
            Self::Bytes(bytes) => write!(f, "Bytes({})", bytes.len()),
        }
    }
}

/// What a save wrote.
#[derive(Clone, PartialEq, Eq)]
pub struct Saved {
    /// The bytes now on disk.
    pub bytes: Vec<u8>,
    /// The file written: the path given, or the file a symbolic link there points to.
    pub path: PathBuf,
    /// Where the previous version was kept, if there was one.
    pub backup: Option<PathBuf>,
}

impl std::fmt::Debug for Saved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Saved")
            .field("bytes", &self.bytes.len())
            .field("path", &self.path)
            .field("backup", &self.backup)
            .finish()
    }
}

/// Saves `text` to `path` in `encoding`, atomically, keeping a backup of the previous version.
///
/// `expected_on_disk` is what the file held when it was loaded (`None` for a new file); if the
/// file now holds something else, nothing is written. The file keeps its identity: a symbolic
/// link is written through to its target; on Unix the owner, group, mode and extended
/// attributes (POSIX ACLs) are copied onto the new file and the backup; on Windows the file is
/// replaced with `ReplaceFileW`, which keeps its ACL and attributes.
///
/// # Errors
/// [`FileError::ChangedOnDisk`], [`FileError::ReadOnly`], [`FileError::Encode`] or
/// [`FileError::Write`]; in every case the file on disk is left as it was.
pub fn save(
    path: &Path,
    text: &str,
    encoding: Encoding,
    expected_on_disk: Option<&[u8]>,
    backup: Backup,
) -> Result<Saved, FileError> {
    let bytes = encode(text, encoding).map_err(|source| FileError::Encode { path: path.to_path_buf(), source })?;
    let write_err = |source| FileError::Write { path: path.to_path_buf(), source };
    let target = written_path(path).map_err(write_err)?;
    let current = match fs::read(&target) {
        Ok(current) => Some(current),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(source) => return Err(write_err(source)),
    };
    if current.as_deref() != expected_on_disk {
        return Err(FileError::ChangedOnDisk { path: path.to_path_buf() });
    }
    let Some(current) = current else {
        create(&target, &bytes).map_err(write_err)?;
        tracing::debug!(path = %target.display(), bytes = bytes.len(), "saved a new file");
        return Ok(Saved { bytes, path: target, backup: None });
    };
    if fs::metadata(&target).is_ok_and(|m| m.permissions().readonly()) {
        return Err(FileError::ReadOnly { path: path.to_path_buf() });
    }
    let backup_bytes = match backup {
        Backup::Previous => current,
        Backup::Bytes(bytes) => bytes,
    };
    let backup = backup_path(&target);
    if let Err(source) = replace::replace(&target, &bytes, &backup, &backup_bytes) {
        tracing::warn!(path = %target.display(), error = %source, "save failed; the original is unchanged");
        return Err(write_err(source));
    }
    tracing::debug!(path = %target.display(), bytes = bytes.len(), "saved");
    Ok(Saved { bytes, path: target, backup: Some(backup) })
}

/// The file a save writes: `path` itself, or the file its symbolic link (or chain of links) names.
fn written_path(path: &Path) -> std::io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path).map_err(|e| {
            // A dangling link could name any file (one in /etc, planted in /tmp): it is not followed.
            std::io::Error::new(
                e.kind(),
                format!("it is a symbolic link to a file that cannot be reached ({e}); nothing was written"),
            )
        }),
        _ => Ok(path.to_path_buf()),
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(path.file_name().unwrap_or_default());
    name.push(format!(".{}.tmp", std::process::id()));
    path.with_file_name(name)
}

/// Creates a new file readable by its owner only (the config holds secrets); the
/// original's identity is copied onto it before anything is written.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn write_synced(file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

/// A file where there was none: written in full under a temporary name, then renamed into place.
fn create(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let temp = temp_path(target);
    let result = create_private(&temp).and_then(|mut file| write_synced(&mut file, bytes));
    let result = result.and_then(|()| fs::rename(&temp, target));
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    sync_dir(target);
    result
}

/// Makes a rename durable: Unix syncs the directory that holds the file (Windows has no such step).
#[cfg(not(unix))]
fn sync_dir(_path: &Path) {}

/// Makes a rename durable: Unix syncs the directory that holds the file.
#[cfg(unix)]
fn sync_dir(path: &Path) {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(unix)]
mod replace {
    //! Unix: a temporary file with the original's owner, group, mode and extended attributes,
    //! renamed over it. Where this user may not give a file the original's owner (a group
    //! member editing a file owned by someone else), the file is rewritten in place instead,
    //! which keeps its identity at the cost of atomicity.

    use std::fs::{self, File, OpenOptions};
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    use std::path::Path;

    use super::{create_private, sync_dir, temp_path, write_synced};

    pub fn replace(target: &Path, bytes: &[u8], backup: &Path, backup_bytes: &[u8]) -> std::io::Result<()> {
        let original = File::open(target)?;
        let meta = original.metadata()?;
        write_backup(&original, &meta, backup, backup_bytes)?;
        let temp = temp_path(target);
        let mut file = create_private(&temp)?;
        let result = match copy_identity(&original, &meta, &file) {
            Ok(()) => write_synced(&mut file, bytes).and_then(|()| fs::rename(&temp, target)),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                let _ = fs::remove_file(&temp);
                tracing::debug!(path = %target.display(), "cannot give a new file this owner; rewriting in place");
                return rewrite_in_place(target, bytes, &fs::read(target)?);
            }
            Err(e) => Err(e),
        };
        if result.is_err() {
            let _ = fs::remove_file(&temp);
        }
        sync_dir(target);
        result
    }

    fn write_backup(original: &File, meta: &fs::Metadata, backup: &Path, bytes: &[u8]) -> std::io::Result<()> {
        let _ = fs::remove_file(backup);
        let mut file = create_private(backup)?;
        // A backup this user cannot give the original's owner stays private to this user.
        let _ = copy_identity(original, meta, &file);
        write_synced(&mut file, bytes)
    }

    /// Gives `to` the owner, group, mode and extended attributes of `from`.
    fn copy_identity(from: &File, meta: &fs::Metadata, to: &File) -> std::io::Result<()> {
        if to.metadata().map(|m| (m.uid(), m.gid())).ok() != Some((meta.uid(), meta.gid())) {
            std::os::unix::fs::fchown(to, Some(meta.uid()), Some(meta.gid()))?;
        }
        to.set_permissions(fs::Permissions::from_mode(meta.mode() & 0o7777))?;
        copy_extended_attributes(from, to);
        Ok(())
    }

    /// POSIX ACLs, SELinux labels and user attributes; those this user may not set are left out.
    #[cfg(target_os = "linux")]
    fn copy_extended_attributes(from: &File, to: &File) {
        let mut names = vec![0u8; 64 * 1024];
        let Ok(len) = rustix::fs::flistxattr(from, &mut names) else { return };
        for name in names[..len].split(|b| *b == 0).filter(|n| !n.is_empty()) {
            let mut value = vec![0u8; 64 * 1024];
            if let Ok(n) = rustix::fs::fgetxattr(from, name, &mut value) {
                let _ = rustix::fs::fsetxattr(to, name, &value[..n], rustix::fs::XattrFlags::empty());
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn copy_extended_attributes(_from: &File, _to: &File) {}

    /// Overwrites `target` with `bytes`; if that fails half way, puts `original` back.
    fn rewrite_in_place(target: &Path, bytes: &[u8], original: &[u8]) -> std::io::Result<()> {
        let mut file = OpenOptions::new().write(true).open(target)?;
        let written = file.set_len(0).and_then(|()| write_synced(&mut file, bytes));
        if written.is_err() {
            let _ = file.set_len(0).and_then(|()| {
                use std::io::Seek as _;
                file.rewind()?;
                write_synced(&mut file, original)
            });
        }
        written
    }
}

#[cfg(windows)]
mod replace {
    //! Windows: `ReplaceFileW` swaps the new content in and keeps the original's ACL,
    //! attributes, creation time and streams; the original itself becomes the backup, so the
    //! backup keeps them too.

    use std::fs::{self, OpenOptions};
    use std::path::Path;

    use super::{create_private, temp_path, write_synced};

    /// `ReplaceFileW` failed after moving the original aside (`ERROR_UNABLE_TO_MOVE_REPLACEMENT_2`).
    const ORIGINAL_MOVED_ASIDE: i32 = 1177;

    pub fn replace(target: &Path, bytes: &[u8], backup: &Path, backup_bytes: &[u8]) -> std::io::Result<()> {
        let temp = temp_path(target);
        let mut aside = temp.clone().into_os_string();
        aside.push(".previous");
        let aside = std::path::PathBuf::from(aside);
        let _ = fs::remove_file(&aside);
        let result = create_private(&temp)
            .and_then(|mut file| write_synced(&mut file, bytes))
            .and_then(|()| crate::platform::windows::replace_file(target, &temp, &aside));
        if let Err(e) = result {
            if e.raw_os_error() == Some(ORIGINAL_MOVED_ASIDE) {
                let _ = fs::rename(&aside, target);
            }
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        // The new file is in place. The original, now `aside`, keeps its ACL; it becomes the
        // backup, holding `backup_bytes`. A failure from here on costs the backup, never the save.
        let rewritten = fs::read(&aside).is_ok_and(|previous| previous == backup_bytes)
            || OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&aside)
                .and_then(|mut file| write_synced(&mut file, backup_bytes))
                .is_ok();
        let kept = rewritten && {
            let _ = fs::remove_file(backup);
            fs::rename(&aside, backup).is_ok()
        };
        if !kept {
            tracing::warn!(path = %target.display(), "saved, but the backup could not be written");
            let _ = fs::remove_file(&aside);
        }
        Ok(())
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
        save(&path, &new_text, loaded.decoded.encoding, Some(&loaded.original), Backup::Previous).unwrap();
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
        let err = save(&path, "[cloud]\n", Encoding::Utf8, Some(&loaded.original), Backup::Previous).unwrap_err();
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
        save(&path, &text, loaded.decoded.encoding, Some(&loaded.original), Backup::Previous).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"; caf\xe9\n[main]\ndebug=true\n");
        let current = fs::read(&path).unwrap();
        let err = save(&path, "; ✓\n", loaded.decoded.encoding, Some(&current), Backup::Previous).unwrap_err();
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
        let err = save(&path, "[cloud]\n", Encoding::Utf8, Some(b"[main]\n"), Backup::Previous).unwrap_err();
        assert!(matches!(err, FileError::ReadOnly { .. }), "{err}");
        assert!(err.to_string().contains("is read-only"));
        assert_eq!(fs::read_to_string(&path).unwrap(), "[main]\n");
    }

    #[test]
    fn new_files_need_no_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.cfg");
        save(&path, "[main]\n", Encoding::Utf8, None, Backup::Previous).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "[main]\n");
        assert!(!backup_path(&path).exists());
        assert!(matches!(
            save(&path, "[x]\n", Encoding::Utf8, None, Backup::Previous),
            Err(FileError::ChangedOnDisk { .. })
        ));
    }

    /// Unix only: Wine's symbolic links do not behave as Windows' (see tests/WINDOWS.md).
    #[cfg(unix)]
    #[test]
    fn a_symlinked_config_is_written_through_to_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.cfg");
        fs::write(&real, "[main]\n").unwrap();
        let link = dir.path().join("authproxy.cfg");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let saved = save(&link, "[main]\ndebug=true\n", Encoding::Utf8, Some(b"[main]\n"), Backup::Previous).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link is still a link");
        assert_eq!(fs::read_to_string(&real).unwrap(), "[main]\ndebug=true\n");
        assert_eq!(fs::canonicalize(&saved.path).unwrap(), fs::canonicalize(&real).unwrap());
        assert_eq!(fs::read_to_string(backup_path(&real)).unwrap(), "[main]\n");
    }

    #[test]
    fn a_given_backup_text_replaces_the_previous_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        fs::write(&path, "[main]\nold=1\n").unwrap();
        let backup = Backup::Bytes(b"[main]\nold=protected\n".to_vec());
        let saved = save(&path, "[main]\nnew=1\n", Encoding::Utf8, Some(b"[main]\nold=1\n"), backup).unwrap();
        assert_eq!(saved.backup.as_deref(), Some(backup_path(&path).as_path()));
        assert_eq!(fs::read_to_string(backup_path(&path)).unwrap(), "[main]\nold=protected\n");
        assert_eq!(fs::read_to_string(&path).unwrap(), "[main]\nnew=1\n");
    }

    /// Needs root: the file belongs to another user and group.
    #[cfg(unix)]
    #[test]
    fn owner_group_and_mode_are_kept_on_the_file_and_its_backup() {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        assert!(crate::service::is_root(), "this test gives a file another owner, which needs root: run it as root");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        fs::write(&path, "[main]\n").unwrap();
        std::os::unix::fs::chown(&path, Some(4242), Some(4343)).unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        save(&path, "[main]\ndebug=true\n", Encoding::Utf8, Some(b"[main]\n"), Backup::Previous).unwrap();
        for file in [path.clone(), backup_path(&path)] {
            let meta = fs::metadata(&file).unwrap();
            assert_eq!((meta.uid(), meta.gid(), meta.mode() & 0o7777), (4242, 4343, 0o640), "{}", file.display());
        }
    }

    /// A POSIX ACL (a named user with read access, as `setfacl -m u:4242:r` gives) and a user
    /// attribute go to the saved file and to its backup.
    #[cfg(target_os = "linux")]
    #[test]
    fn posix_acls_and_extended_attributes_are_kept_on_the_file_and_its_backup() {
        const ACL: &str = "system.posix_acl_access";
        let entry = |tag: u16, perm: u16, id: u32| {
            let mut bytes = tag.to_le_bytes().to_vec();
            bytes.extend_from_slice(&perm.to_le_bytes());
            bytes.extend_from_slice(&id.to_le_bytes());
            bytes
        };
        // Version 2, then user::rw-, user:4242:r--, group::r--, mask::r--, other::---.
        let mut acl = 2u32.to_le_bytes().to_vec();
        for (tag, perm, id) in
            [(0x01, 6, u32::MAX), (0x02, 4, 4242), (0x04, 4, u32::MAX), (0x10, 4, u32::MAX), (0x20, 0, u32::MAX)]
        {
            acl.extend(entry(tag, perm, id));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        fs::write(&path, "[main]\n").unwrap();
        let set = rustix::fs::setxattr(&path, ACL, &acl, rustix::fs::XattrFlags::empty());
        assert!(set.is_ok(), "this file system takes no POSIX ACLs ({set:?}): run the tests on ext4, xfs or btrfs");
        rustix::fs::setxattr(&path, "user.authproxy-test", b"kept", rustix::fs::XattrFlags::empty()).unwrap();
        save(&path, "[main]\ndebug=true\n", Encoding::Utf8, Some(b"[main]\n"), Backup::Previous).unwrap();
        for file in [path.clone(), backup_path(&path)] {
            let mut value = vec![0u8; 256];
            let n = rustix::fs::getxattr(&file, ACL, &mut value)
                .unwrap_or_else(|e| panic!("{}: no ACL ({e})", file.display()));
            assert_eq!(&value[..n], acl.as_slice(), "{}", file.display());
            let n = rustix::fs::getxattr(&file, "user.authproxy-test", &mut value).unwrap();
            assert_eq!(&value[..n], b"kept", "{}", file.display());
        }
    }

    /// Windows keeps a replaced file's attributes (and ACL) only through `ReplaceFileW`; a rename
    /// of the temporary file would drop them. The original becomes the backup.
    #[cfg(windows)]
    #[test]
    fn windows_replaces_the_file_in_place_and_keeps_the_original_as_the_backup() {
        use std::os::windows::fs::{MetadataExt as _, OpenOptionsExt as _};
        const HIDDEN: u32 = 0x2;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        let mut file = OpenOptions::new().write(true).create_new(true).attributes(HIDDEN).open(&path).unwrap();
        file.write_all(b"[main]\n").unwrap();
        drop(file);
        assert_ne!(fs::metadata(&path).unwrap().file_attributes() & HIDDEN, 0, "this file system keeps the attribute");
        let saved = save(&path, "[main]\ndebug=true\n", Encoding::Utf8, Some(b"[main]\n"), Backup::Previous).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "[main]\ndebug=true\n");
        let attributes = fs::metadata(&path).unwrap().file_attributes();
        // Wine's ReplaceFileW moves the files without carrying attributes over; Windows' keeps them.
        if !crate::secrets::running_under_wine() {
            assert_ne!(attributes & HIDDEN, 0, "the file stays hidden: {attributes:#x}");
        }
        assert_eq!(fs::read_to_string(saved.backup.unwrap()).unwrap(), "[main]\n");
    }
}
