//! Thin, safe wrappers over operating-system calls that std does not offer.

#[cfg(windows)]
pub mod windows;

/// The manager's own folder for settings and the fleet: `%APPDATA%\authproxy-manager` on Windows,
/// `$XDG_CONFIG_HOME/authproxy-manager` (else `~/.config/authproxy-manager`) elsewhere.
#[must_use]
pub fn app_config_dir() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let base = if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else {
        std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))
    };
    base.map(|b| b.join("authproxy-manager"))
}

/// The manager's data folder (the fleet's audit log): `%APPDATA%\authproxy-manager` on Windows,
/// `$XDG_DATA_HOME/authproxy-manager` (else `~/.local/share/authproxy-manager`) elsewhere.
#[must_use]
pub fn app_data_dir() -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    if cfg!(windows) {
        return app_config_dir();
    }
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local").join("share")))
        .map(|b| b.join("authproxy-manager"))
}
