//! The window's own settings, kept between runs: recent files, the theme, the panel split, the
//! proxy's install folder, saved test logins and the user's own client presets. A small JSON file in the user's config folder; a missing or
//! damaged file gives the defaults (and is replaced at the next change), never an error.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many recent files are kept.
pub const RECENT_LIMIT: usize = 10;

/// Light, dark, or whatever the system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    /// Follow the system (X11 reports none, so egui's dark theme there).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// egui's preference for this choice.
    #[must_use]
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            Self::System => egui::ThemePreference::System,
            Self::Light => egui::ThemePreference::Light,
            Self::Dark => egui::ThemePreference::Dark,
        }
    }

    /// The menu text.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }
}

/// What is remembered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Files opened or saved, most recent first.
    pub recent: Vec<PathBuf>,
    /// The theme.
    pub theme: ThemeChoice,
    /// The right-hand panel's share of the window's width.
    pub panel_share: Option<f32>,
    /// The proxy's install folder when it is not in the standard place.
    pub install_dir: Option<PathBuf>,
    /// The proxy release to validate for, set by hand (`None`: detected).
    #[serde(deserialize_with = "or_none")]
    pub proxy_version: Option<crate::schema::ProxyVersion>,
    /// The ANSI code page files that are not UTF-8 are read in (`None`: this machine's).
    #[serde(deserialize_with = "or_none")]
    pub code_page: Option<crate::config::CodePage>,
    /// Test logins kept to rerun from the Connectivity tab: never a password or a passcode.
    #[serde(deserialize_with = "or_empty")]
    pub saved_logins: Vec<SavedLogin>,
    /// The outline panel is hidden (View menu).
    pub hide_outline: bool,
    /// Clients the user described, offered beside the built-in presets.
    #[serde(deserialize_with = "or_empty")]
    pub client_presets: Vec<ClientPreset>,
    /// The fleet file the Fleet tab shows (`None`: fleet.toml in the manager's own folder).
    #[serde(deserialize_with = "or_none")]
    pub fleet_file: Option<PathBuf>,
}

/// A test login kept for a section of a config file. It has the user name, the kind of second
/// factor and the client to compare with; the password is asked for at each run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedLogin {
    /// The config file it belongs to.
    pub config: PathBuf,
    /// The server section.
    pub section: String,
    /// The user name.
    pub user: String,
    /// `push`, `phone` or `sms`; a passcode is never kept.
    pub factor: Option<String>,
    /// The client compared with.
    pub client: ClientPreset,
}

/// A client's patience, as the user set it or chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientPreset {
    /// What it is.
    pub name: String,
    /// Its wait per try, seconds.
    pub timeout_secs: u64,
    /// Its tries, the first send included.
    pub tries: u32,
}

/// The factors that may be kept with a saved test: the names of a method, never a passcode.
#[must_use]
pub fn keepable_factor(factor: &str) -> Option<String> {
    let factor = factor.trim().to_ascii_lowercase();
    let method = factor.trim_end_matches(|c: char| c.is_ascii_digit());
    matches!(method, "push" | "phone" | "sms").then_some(factor)
}

impl Settings {
    /// Puts `path` first in the recent files.
    pub fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(RECENT_LIMIT);
    }
}

/// A value this version cannot read (edited by hand, or from a later version) counts as unset,
/// so that it does not cost the other settings.
fn or_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).ok())
}

/// A list this version cannot read counts as empty, so that it does not cost the other settings.
fn or_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(serde_json::from_value(value).unwrap_or_default())
}

/// The settings and the file they live in.
#[derive(Debug)]
pub struct SettingsStore {
    path: Option<PathBuf>,
    /// The current settings.
    pub settings: Settings,
    written: Settings,
    /// Why the last write failed, if it did.
    pub problem: Option<String>,
}

impl SettingsStore {
    /// Reads `path` (`None`: kept in memory only, as in tests).
    #[must_use]
    pub fn load(path: Option<PathBuf>) -> Self {
        let settings = path
            .as_deref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice::<Settings>(&bytes).ok())
            .unwrap_or_default();
        Self { path, written: settings.clone(), settings, problem: None }
    }

    /// Writes the settings if they changed since the last write.
    pub fn save_if_changed(&mut self) {
        if self.settings == self.written {
            return;
        }
        self.written = self.settings.clone();
        let Some(path) = &self.path else { return };
        self.problem =
            write(path, &self.settings).err().map(|e| format!("settings not saved to {}: {e}", path.display()));
        if let Some(problem) = &self.problem {
            tracing::warn!("{problem}");
        }
    }
}

fn write(path: &Path, settings: &Settings) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_vec_pretty(settings).map_err(std::io::Error::other)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut temp, &json)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Where the settings live: `%APPDATA%\authproxy-manager\settings.json` on Windows,
/// `$XDG_CONFIG_HOME/authproxy-manager/settings.json` (else `~/.config/…`) elsewhere.
#[must_use]
pub fn default_path() -> Option<PathBuf> {
    crate::platform::app_config_dir().map(|dir| dir.join("settings.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_survive_a_restart_and_a_damaged_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("settings.json");
        let mut store = SettingsStore::load(Some(path.clone()));
        assert_eq!(store.settings, Settings::default());
        store.settings.theme = ThemeChoice::Light;
        store.settings.panel_share = Some(0.4);
        for n in 0..12 {
            store.settings.remember(Path::new(&format!("/etc/cfg{n}.cfg")));
        }
        store.settings.remember(Path::new("/etc/cfg3.cfg"));
        store.save_if_changed();
        assert!(store.problem.is_none());
        let again = SettingsStore::load(Some(path.clone()));
        assert_eq!(again.settings.theme, ThemeChoice::Light);
        assert_eq!(again.settings.panel_share, Some(0.4));
        assert_eq!(again.settings.recent.len(), RECENT_LIMIT);
        assert_eq!(again.settings.recent[0], Path::new("/etc/cfg3.cfg"));
        assert_eq!(again.settings.recent.iter().filter(|p| p.ends_with("cfg3.cfg")).count(), 1);

        std::fs::write(&path, b"{ not json").unwrap();
        assert_eq!(SettingsStore::load(Some(path)).settings, Settings::default());
    }

    #[test]
    fn an_unreadable_version_or_code_page_costs_no_other_setting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, br#"{ "theme": "light", "proxy_version": "6.8-beta", "code_page": 65001 }"#).unwrap();
        let settings = SettingsStore::load(Some(path.clone())).settings;
        assert_eq!((settings.theme, settings.proxy_version, settings.code_page), (ThemeChoice::Light, None, None));
        std::fs::write(&path, br#"{ "proxy_version": "6.8.0", "code_page": 1251 }"#).unwrap();
        let settings = SettingsStore::load(Some(path)).settings;
        assert_eq!(settings.proxy_version.map(|v| v.to_string()).as_deref(), Some("6.8.0"));
        assert_eq!(settings.code_page.map(crate::config::CodePage::number), Some(1251));
    }

    #[test]
    fn saved_logins_keep_a_factor_method_but_never_a_passcode() {
        assert_eq!(keepable_factor(" Push "), Some("push".into()));
        assert_eq!(keepable_factor("push2"), Some("push2".into()), "the second device's push");
        assert_eq!(keepable_factor("sms"), Some("sms".into()));
        assert_eq!(keepable_factor("123456"), None);
        assert_eq!(keepable_factor("pushy-passcode"), None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, br#"{ "theme": "dark", "saved_logins": "not a list", "client_presets": [{"name": 3}] }"#)
            .unwrap();
        let settings = SettingsStore::load(Some(path)).settings;
        assert_eq!(settings.theme, ThemeChoice::Dark);
        assert!(settings.saved_logins.is_empty() && settings.client_presets.is_empty());
    }
}
