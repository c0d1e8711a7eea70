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

/// What a file dialog gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// The file chosen.
    Path(PathBuf),
    /// The user closed the dialog.
    Cancelled,
    /// No dialog could be shown (a Linux desktop without xdg-desktop-portal or zenity, common over
    /// X forwarding or VNC); the app asks for the path itself.
    Unavailable,
}

/// Native dialogs, behind a trait so tests never open one.
pub trait Dialogs {
    /// Asks for a config file to open.
    fn pick_open(&self, start_dir: Option<&Path>) -> Picked;
    /// Asks where to save.
    fn pick_save(&self, start_dir: Option<&Path>, file_name: &str) -> Picked;
    /// Asks for any file (a certificate, a key) for a path field of the form; `title` says which.
    fn pick_file(&self, start_dir: Option<&Path>, title: &str) -> Picked {
        let _ = title;
        self.pick_open(start_dir)
    }
    /// Asks for a folder (the proxy's `log_dir`); `title` says which.
    fn pick_folder(&self, start_dir: Option<&Path>, title: &str) -> Picked {
        let _ = title;
        self.pick_open(start_dir)
    }
}

/// rfd's dialogs: the desktop portal or zenity on Linux, the common file dialog on Windows.
pub struct NativeDialogs;

/// A dialog that answers sooner than this was not shown to anyone (no person cancels that fast):
/// rfd returns "nothing chosen" both for a cancel and when no dialog service exists.
const QUICKEST_HUMAN_ANSWER: std::time::Duration = std::time::Duration::from_millis(400);

/// Whether a native dialog can be shown at all. On Linux rfd needs the desktop portal (over the
/// session D-Bus) or the `zenity` program.
fn dialog_possible() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let on_path = |tool: &str| {
        std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
    };
    let session_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|dir| Path::new(&dir).join("bus").exists());
    on_path("zenity") || session_bus
}

fn timed(pick: impl FnOnce() -> Option<PathBuf>) -> Picked {
    if !dialog_possible() {
        return Picked::Unavailable;
    }
    let started = std::time::Instant::now();
    match pick() {
        Some(path) => Picked::Path(path),
        None if started.elapsed() < QUICKEST_HUMAN_ANSWER => Picked::Unavailable,
        None => Picked::Cancelled,
    }
}

impl Dialogs for NativeDialogs {
    fn pick_open(&self, start_dir: Option<&Path>) -> Picked {
        let mut dialog = rfd::FileDialog::new()
            .set_title("Open authproxy.cfg")
            .add_filter("Proxy configuration", &["cfg"])
            .add_filter("All files", &["*"]);
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        timed(|| dialog.pick_file())
    }

    fn pick_save(&self, start_dir: Option<&Path>, file_name: &str) -> Picked {
        let mut dialog = rfd::FileDialog::new()
            .set_title("Save authproxy.cfg as")
            .set_file_name(file_name)
            .add_filter("Proxy configuration", &["cfg"]);
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        timed(|| dialog.save_file())
    }

    fn pick_file(&self, start_dir: Option<&Path>, title: &str) -> Picked {
        let mut dialog = rfd::FileDialog::new().set_title(title).add_filter("All files", &["*"]);
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        timed(|| dialog.pick_file())
    }

    fn pick_folder(&self, start_dir: Option<&Path>, title: &str) -> Picked {
        let mut dialog = rfd::FileDialog::new().set_title(title);
        if let Some(dir) = start_dir {
            dialog = dialog.set_directory(dir);
        }
        timed(|| dialog.pick_folder())
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
