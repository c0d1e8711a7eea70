//! File and folder settings: paths resolved by the proxy's rule and checked on this host.

use std::path::Path;

use super::{TypeError, ValueContext};
use crate::config::paths::{self, Lookup, PathKind};

pub(super) fn check_path(value: &str, ctx: &ValueContext<'_>, kind: PathKind) -> Result<(), TypeError> {
    let what = match kind {
        PathKind::File => "file",
        PathKind::Directory => "directory",
    };
    let absolute = paths::is_absolute(value, ctx.platform);
    match paths::locate(value, kind, ctx.install_dir, ctx.platform) {
        Lookup::Found(_) => Ok(()),
        Lookup::ForeignAbsolute => Err(TypeError::Unverifiable(format!(
            "the {what} is given as a Windows path, which cannot be checked on this host"
        ))),
        Lookup::NoInstallDir => Err(TypeError::Unverifiable(format!(
            "the proxy resolves a relative {what} path against its install directory, which is \
             not known here; pass --install-dir to check it"
        ))),
        Lookup::Missing { .. } if absolute => Err(TypeError::Invalid(
            match kind {
                PathKind::File => "expected a readable file; nothing readable exists at this absolute path",
                PathKind::Directory => "expected an existing directory; none exists at this absolute path",
            }
            .into(),
        )),
        Lookup::Missing { .. } => {
            let install = ctx.install_dir.unwrap_or(Path::new(""));
            Err(TypeError::Invalid(match kind {
                PathKind::File => format!(
                    "expected a readable file; none found in the install directory ({}) or in {}",
                    install.display(),
                    install.join("conf").display()
                ),
                PathKind::Directory => format!(
                    "expected an existing directory (relative paths are resolved against the \
                     install directory {})",
                    install.display()
                ),
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;

    #[test]
    fn files_and_directories() {
        let dir = scratch_dir("files");
        let ctx = ValueContext { platform: Platform::Linux, install_dir: Some(&dir) };
        let file = ValueType::ReadableFile;
        let folder = ValueType::Directory;
        assert!(check_value(file, "top.pem", &ctx).is_ok());
        assert!(check_value(file, "ca.pem", &ctx).is_ok());
        assert!(check_value(file, "conf/ca.pem", &ctx).is_ok());
        assert!(matches!(check_value(file, "missing.pem", &ctx), Err(TypeError::Invalid(_))));
        assert!(matches!(check_value(file, "conf", &ctx), Err(TypeError::Invalid(_))));
        let abs = dir.join("top.pem");
        let abs = abs.to_str().unwrap();
        if cfg!(unix) {
            assert!(check_value(file, abs, &LINUX).is_ok());
            assert!(matches!(check_value(file, "/nonexistent/x.pem", &LINUX), Err(TypeError::Invalid(_))));
        }
        assert!(matches!(check_value(file, "ca.pem", &LINUX), Err(TypeError::Unverifiable(_))));
        assert!(check_value(folder, "log", &ctx).is_ok());
        assert!(check_value(folder, "conf", &ctx).is_ok());
        assert!(matches!(check_value(folder, "top.pem", &ctx), Err(TypeError::Invalid(_))));
        assert!(matches!(check_value(folder, "nolog", &ctx), Err(TypeError::Invalid(_))));
        assert!(matches!(check_value(folder, "log", &LINUX), Err(TypeError::Unverifiable(_))));

        let win = ValueContext { platform: Platform::Windows, install_dir: Some(&dir) };
        assert!(check_value(file, "conf\\ca.pem", &win).is_ok());
        if !cfg!(windows) {
            for p in ["C:\\certs\\ca.pem", "c:/x", "\\\\server\\share\\x", "\\x"] {
                assert!(matches!(check_value(file, p, &win), Err(TypeError::Unverifiable(_))), "{p}");
            }
            assert!(matches!(check_value(folder, "D:\\logs", &win), Err(TypeError::Unverifiable(_))));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
