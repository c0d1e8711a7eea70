//! Where the proxy keeps its config, the starter document, and the native file dialogs.

use std::path::{Path, PathBuf};

/// A commented starting point shown when no proxy is installed.
pub const STARTER: &str = include_str!("../../assets/starter-authproxy.cfg");

pub use crate::service::default_config_paths;

/// The first default config that exists.
#[must_use]
pub fn find_default_config() -> Option<PathBuf> {
    default_config_paths().into_iter().find(|p| p.is_file())
}

/// Native dialogs, behind a trait so tests never open one.
pub trait Dialogs {
    /// Asks for a config file to open.
    fn pick_open(&self, start_dir: Option<&Path>) -> Option<PathBuf>;
    /// Asks where to save.
    fn pick_save(&self, start_dir: Option<&Path>, file_name: &str) -> Option<PathBuf>;
}

/// rfd's dialogs: the desktop portal or zenity on Linux, the common file dialog on Windows.
/// With no dialog service at all they return `None` (the app then says so).
pub struct NativeDialogs;

impl Dialogs for NativeDialogs {
    fn pick_open(&self, start_dir: Option<&Path>) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new()
            .set_title("Open authproxy.cfg")
            .add_filter("Proxy configuration", &["cfg"])
            .add_filter("All files", &["*"]);
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        dialog.pick_file()
    }

    fn pick_save(&self, start_dir: Option<&Path>, file_name: &str) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new()
            .set_title("Save authproxy.cfg as")
            .set_file_name(file_name)
            .add_filter("Proxy configuration", &["cfg"]);
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        dialog.save_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_point_at_the_proxy_conf_folder() {
        let paths = default_config_paths();
        assert!(!paths.is_empty());
        for p in &paths {
            assert!(p.ends_with(Path::new("conf").join("authproxy.cfg")), "{}", p.display());
        }
        if cfg!(windows) {
            assert!(paths.iter().any(|p| p.to_string_lossy().contains("(x86)")));
        }
    }

    #[test]
    fn the_starter_document_loads() {
        let doc = crate::config::Document::parse(STARTER);
        assert!(doc.loads());
        assert!(doc.section("main").is_some());
    }
}
