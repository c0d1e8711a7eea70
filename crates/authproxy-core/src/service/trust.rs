//! Whether a program may be run: the manager runs as root, so a program in a folder that
//! someone else can write (a downloaded support bundle, `/tmp`) would run their code as root.
//!
//! A program is trusted when it is a regular file and it and every folder above it belong to
//! root (or to the user running the manager, who could run it anyway) and cannot be written by
//! the group or by others. Symbolic links are resolved first, and the resolved path is the one
//! that runs.

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

/// Why a program is not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Untrusted {
    /// The program does not exist (or cannot be resolved).
    #[error("{path} does not exist")]
    Missing {
        /// The program asked for.
        path: PathBuf,
    },
    /// Not a regular file.
    #[error("{path} is not a regular file")]
    NotAFile {
        /// The program asked for.
        path: PathBuf,
    },
    /// Someone other than root (or this user) owns it or a folder above it.
    #[error(
        "{program} was not run: {path} belongs to user id {owner}, not to root, so that user could change what \
         runs as root. Only a program of the proxy's own root-owned install is run"
    )]
    ForeignOwner {
        /// The program.
        program: PathBuf,
        /// The file or folder at fault.
        path: PathBuf,
        /// Its owner.
        owner: u32,
    },
    /// It or a folder above it can be written by its group or by anyone.
    #[error(
        "{program} was not run: {path} can be written by {who} (mode {mode:04o}), who could change what runs as \
         root. Only a program of the proxy's own install, writable by root alone, is run; fix the permissions \
         (chmod go-w) or use the real install"
    )]
    Writable {
        /// The program.
        program: PathBuf,
        /// The file or folder at fault.
        path: PathBuf,
        /// "its group" or "every user".
        who: &'static str,
        /// Its permission bits.
        mode: u32,
    },
}

/// The resolved path of `program` when it may be run, else why not.
///
/// # Errors
/// [`Untrusted`] naming the file or folder at fault.
pub fn trusted_program(program: &Path) -> Result<PathBuf, Untrusted> {
    let resolved = std::fs::canonicalize(program).map_err(|_| Untrusted::Missing { path: program.to_path_buf() })?;
    let meta = std::fs::metadata(&resolved).map_err(|_| Untrusted::Missing { path: program.to_path_buf() })?;
    if !meta.is_file() {
        return Err(Untrusted::NotAFile { path: program.to_path_buf() });
    }
    check_ancestors(program, &resolved)?;
    Ok(resolved)
}

/// Checks `resolved` (the real path of `program`) and every folder above it.
fn check_ancestors(program: &Path, resolved: &Path) -> Result<(), Untrusted> {
    let me = rustix::process::geteuid().as_raw();
    for path in resolved.ancestors() {
        let meta = std::fs::metadata(path).map_err(|_| Untrusted::Missing { path: program.to_path_buf() })?;
        if meta.uid() != 0 && meta.uid() != me {
            return Err(Untrusted::ForeignOwner {
                program: program.to_path_buf(),
                path: path.into(),
                owner: meta.uid(),
            });
        }
        let mode = meta.mode() & 0o7777;
        let who = if mode & 0o002 != 0 {
            "every user"
        } else if mode & 0o020 != 0 {
            "its group"
        } else {
            continue;
        };
        return Err(Untrusted::Writable { program: program.to_path_buf(), path: path.into(), who, mode });
    }
    Ok(())
}

/// A command for a trusted program with a clean environment: nothing of the caller's (say
/// `LD_PRELOAD` or `PYTHONPATH` kept by `sudo -E`) reaches what runs as root.
#[must_use]
pub fn clean_command(program: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    command.env_clear().env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").env("LANG", "C.UTF-8");
    command
}

/// A system program (`systemctl`) from the system's own folders, never from `PATH`.
///
/// # Errors
/// [`Untrusted::Missing`] when no trusted copy exists.
pub fn system_program(name: &str) -> Result<PathBuf, Untrusted> {
    let dirs = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];
    let mut first_problem = None;
    for dir in dirs {
        let candidate = Path::new(dir).join(name);
        if !candidate.exists() {
            continue;
        }
        match trusted_program(&candidate) {
            Ok(path) => return Ok(path),
            Err(problem) => {
                first_problem.get_or_insert(problem);
            }
        }
    }
    Err(first_problem.unwrap_or_else(|| Untrusted::Missing { path: Path::new(dirs[0]).join(name) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn set_mode(path: &Path, mode: u32) {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    #[test]
    fn system_programs_are_trusted() {
        let sh = trusted_program(Path::new("/bin/sh")).expect("/bin/sh is root's");
        assert!(sh.is_absolute());
        assert!(system_program("sh").is_ok());
        assert!(matches!(system_program("no-such-program-here"), Err(Untrusted::Missing { .. })));
    }

    #[test]
    fn a_program_under_a_world_writable_folder_is_refused() {
        let dir = tempfile::tempdir_in("/tmp").unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        let program = bin.join("authproxyctl");
        std::fs::write(&program, "#!/bin/sh\n").unwrap();
        set_mode(&program, 0o755);
        set_mode(&bin, 0o755);
        set_mode(dir.path(), 0o755);
        // Its parent, /tmp, is writable by everyone.
        let refused = trusted_program(&program).unwrap_err();
        assert!(matches!(refused, Untrusted::Writable { who: "every user", .. }), "{refused}");
        assert!(refused.to_string().contains("was not run"), "{refused}");
    }

    #[test]
    fn group_writable_programs_and_folders_are_refused() {
        let base = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| "/root".into());
        let dir = tempfile::Builder::new().prefix(".trust-test").tempdir_in(&base).unwrap();
        let program = dir.path().join("tool");
        std::fs::write(&program, "#!/bin/sh\n").unwrap();
        set_mode(&program, 0o775);
        let base = std::fs::canonicalize(base).unwrap();
        assert!(check_ancestors(&base, &base).is_ok(), "the home folder {} must be root's alone", base.display());
        assert!(matches!(trusted_program(&program), Err(Untrusted::Writable { who: "its group", .. })));
        set_mode(&program, 0o755);
        assert_eq!(trusted_program(&program).unwrap(), std::fs::canonicalize(&program).unwrap());
        set_mode(dir.path(), 0o777);
        assert!(matches!(trusted_program(&program), Err(Untrusted::Writable { who: "every user", .. })));
        set_mode(dir.path(), 0o700);
    }
}
