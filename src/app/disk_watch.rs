//! Watching the open file for changes made by other programs. The folder is watched rather
//! than the file, because a save by another editor (or by us) replaces the file with a new one.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};

use notify::{RecursiveMode, Watcher as _};

/// A watch on one file.
pub struct DiskWatch {
    path: PathBuf,
    changes: Option<Receiver<()>>,
    _watcher: Option<notify::RecommendedWatcher>,
}

impl DiskWatch {
    /// Watches `path`; `on_change` runs on the watcher's thread after each change to it.
    #[must_use]
    pub fn new(path: &Path, on_change: impl Fn() + Send + 'static) -> Self {
        let path = path.to_path_buf();
        let name = path.file_name().map(std::ffi::OsStr::to_os_string);
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        let (sender, receiver) = channel();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            let ours = event.paths.iter().any(|p| p.file_name().map(std::ffi::OsStr::to_os_string) == name);
            if ours && !event.kind.is_access() {
                let _ = sender.send(());
                on_change();
            }
        })
        .and_then(|mut watcher| watcher.watch(&dir, RecursiveMode::NonRecursive).map(|()| watcher));
        match watcher {
            Ok(watcher) => Self { path, changes: Some(receiver), _watcher: Some(watcher) },
            Err(e) => {
                tracing::warn!("not watching {} for changes: {e}", path.display());
                Self { path, changes: None, _watcher: None }
            }
        }
    }

    /// The file watched.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether anything happened to the file since the last call.
    #[must_use]
    pub fn touched(&self) -> bool {
        self.changes.as_ref().is_some_and(|changes| changes.try_iter().count() > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    fn wait_for(watch: &DiskWatch) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if watch.touched() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    #[test]
    fn a_replaced_or_rewritten_file_is_noticed_and_its_neighbours_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("authproxy.cfg");
        std::fs::write(&path, "[main]\n").unwrap();
        let watch = DiskWatch::new(&path, || {});
        std::fs::write(dir.path().join("other.txt"), "x").unwrap();
        std::thread::sleep(Duration::from_millis(300));
        assert!(!watch.touched(), "a neighbour's change is not ours");
        std::fs::write(&path, "[main]\ndebug=true\n").unwrap();
        assert!(wait_for(&watch), "a rewrite is seen");
        let temp = dir.path().join("new.tmp");
        std::fs::write(&temp, "[main]\n").unwrap();
        std::fs::rename(&temp, &path).unwrap();
        assert!(wait_for(&watch), "a replacement by rename is seen");
    }
}
