//! Where the proxy finds a file or folder that its config names, the one rule the validator,
//! the connectivity checks and the log viewer share.
//!
//! The proxy runs in its install folder, so a relative file path opens as given from there,
//! else under `<install>/conf`; a relative folder is under the install folder. Absolute paths
//! are used as they are.

use std::path::{Path, PathBuf};

use crate::schema::Platform;

/// What a path value names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathKind {
    /// A file the proxy opens for reading.
    File,
    /// A folder.
    Directory,
}

/// Where a path value leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The file or folder the proxy would use.
    Found(PathBuf),
    /// Nothing usable exists; these places were tried, in the proxy's order.
    Missing {
        /// Every candidate, first the one the proxy tries first.
        tried: Vec<PathBuf>,
    },
    /// A relative path, and the install folder is not known.
    NoInstallDir,
    /// A Windows absolute path, which cannot be looked at from this host.
    ForeignAbsolute,
}

impl Lookup {
    /// The path to use: the one found, else the first the proxy would try.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::Found(path) => Some(path),
            Self::Missing { tried } => tried.first().map(PathBuf::as_path),
            Self::NoInstallDir | Self::ForeignAbsolute => None,
        }
    }
}

/// Whether `value` is an absolute path for `platform`'s proxy.
#[must_use]
pub fn is_absolute(value: &str, platform: Platform) -> bool {
    match platform {
        Platform::Windows => {
            let b = value.as_bytes();
            (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
                || b.first().is_some_and(|&c| c == b'\\' || c == b'/')
        }
        Platform::Linux => value.starts_with('/'),
    }
}

/// The places the proxy would look for `value`, in its order.
#[must_use]
pub fn candidates(value: &str, kind: PathKind, install_dir: &Path, platform: Platform) -> Vec<PathBuf> {
    let relative =
        if platform == Platform::Windows && !cfg!(windows) { value.replace('\\', "/") } else { value.into() };
    match kind {
        PathKind::File => vec![install_dir.join(&relative), install_dir.join("conf").join(&relative)],
        PathKind::Directory => vec![install_dir.join(&relative)],
    }
}

/// Looks `value` up as the proxy of `platform`, installed in `install_dir`, would.
#[must_use]
pub fn locate(value: &str, kind: PathKind, install_dir: Option<&Path>, platform: Platform) -> Lookup {
    let value = value.trim();
    let tried = if is_absolute(value, platform) {
        if platform == Platform::Windows && !cfg!(windows) {
            return Lookup::ForeignAbsolute;
        }
        vec![PathBuf::from(value)]
    } else {
        let Some(install) = install_dir else { return Lookup::NoInstallDir };
        candidates(value, kind, install, platform)
    };
    match tried.iter().find(|p| usable(p, kind)) {
        Some(found) => Lookup::Found(found.clone()),
        None => Lookup::Missing { tried },
    }
}

fn usable(path: &Path, kind: PathKind) -> bool {
    match kind {
        // The type first: opening a named pipe would block.
        PathKind::File => std::fs::metadata(path).is_ok_and(|m| m.is_file()) && std::fs::File::open(path).is_ok(),
        PathKind::Directory => path.is_dir(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_file_is_looked_for_in_the_install_folder_then_under_conf() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("conf")).unwrap();
        std::fs::write(dir.path().join("conf/ca.pem"), "x").unwrap();
        let found = locate("ca.pem", PathKind::File, Some(dir.path()), Platform::Linux);
        assert_eq!(found, Lookup::Found(dir.path().join("conf/ca.pem")));
        std::fs::write(dir.path().join("ca.pem"), "x").unwrap();
        assert_eq!(
            locate(" ca.pem ", PathKind::File, Some(dir.path()), Platform::Linux).path(),
            Some(&*dir.path().join("ca.pem"))
        );
        let missing = locate("none.pem", PathKind::File, Some(dir.path()), Platform::Linux);
        assert_eq!(missing.path(), Some(&*dir.path().join("none.pem")));
        assert!(matches!(missing, Lookup::Missing { tried } if tried.len() == 2));
        assert_eq!(locate("ca.pem", PathKind::File, None, Platform::Linux), Lookup::NoInstallDir);
    }

    #[test]
    fn absolute_paths_and_folders() {
        let dir = tempfile::tempdir().unwrap();
        let abs = dir.path().display().to_string();
        assert_eq!(locate(&abs, PathKind::Directory, None, Platform::host()), Lookup::Found(dir.path().to_path_buf()));
        assert!(matches!(
            locate("log", PathKind::Directory, Some(dir.path()), Platform::Linux),
            Lookup::Missing { .. }
        ));
        if !cfg!(windows) {
            assert_eq!(locate(r"C:\x\ca.pem", PathKind::File, None, Platform::Windows), Lookup::ForeignAbsolute);
        }
        assert!(is_absolute(r"\\server\share", Platform::Windows) && !is_absolute("conf/x", Platform::Windows));
    }
}
