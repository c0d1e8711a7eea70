//! The proxy release whose rules apply: detected for the open file's install, or chosen in the
//! status bar (kept in the settings), and shown there as Duo's own manager shows it.

use egui::{RichText, Ui};

use super::AuthProxyApp;
use crate::schema::ProxyVersion;
use crate::service::version::{for_config, HostRegistry, KnownVersion};

/// What the status bar's version menu holds while open.
#[derive(Debug, Default)]
pub struct VersionPrompt {
    /// The text typed.
    pub text: String,
    /// Why the text was refused.
    pub problem: Option<String>,
    /// The menu just opened: the field takes the keyboard.
    focus: bool,
}

impl AuthProxyApp {
    /// Works out the version again (a file was opened, or the setting changed) and re-validates
    /// when it changed.
    pub(super) fn refresh_proxy_version(&mut self) {
        // A file's own install (the folder above its conf/), as on the command line; a new
        // document is for this machine's proxy.
        let install_dir = match self.buffer.path.as_deref() {
            Some(path) => crate::config::file::inferred_install_dir(path),
            None => {
                Some(self.settings.settings.install_dir.clone().unwrap_or_else(crate::service::default_install_dir))
            }
        };
        let given = self.settings.settings.proxy_version;
        let analysis = self.buffer.analysis(self.platform);
        let known = for_config(given, install_dir.as_deref(), &analysis.doc, &HostRegistry);
        let version = known.as_ref().map(|k| k.version);
        self.proxy_version = known;
        if self.buffer.proxy_version != version {
            self.buffer.proxy_version = version;
            self.buffer.invalidate();
        }
    }

    /// The release in use and how it is known.
    #[must_use]
    pub fn proxy_version(&self) -> Option<&KnownVersion> {
        self.proxy_version.as_ref()
    }

    /// "Proxy 6.8.0" (with where it comes from on hover) and a menu to set it by hand.
    pub(super) fn version_status(&mut self, ui: &mut Ui, warning: egui::Color32) {
        let (label, tip) = match &self.proxy_version {
            Some(known) => (
                format!("Proxy {}", known.version),
                format!(
                    "Proxy {} ({}). {}",
                    known.version,
                    known.source.describe(),
                    if known.version.at_least(ProxyVersion::V6) {
                        "Keys added after 5.0.0 are accepted and checked for this release."
                    } else {
                        "Keys added after 5.0.0 are errors, as this release's checker reports them."
                    }
                ),
            ),
            None => (
                "Proxy version unknown".to_string(),
                "No installed proxy found for this file: Duo's 5.0.0 rules apply, and keys added in 6.x \
                 are warnings. Set the version to check for your release."
                    .to_string(),
            ),
        };
        let text =
            if self.proxy_version.is_some() { RichText::new(label) } else { RichText::new(label).color(warning) };
        let mut chosen: Option<Option<ProxyVersion>> = None;
        let menu = ui.menu_button(text, |ui| {
            ui.label(&tip);
            ui.separator();
            ui.horizontal(|ui| {
                let field = ui.add(
                    egui::TextEdit::singleline(&mut self.version_prompt.text)
                        .hint_text("e.g. 6.8.0")
                        .desired_width(90.0),
                );
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if std::mem::take(&mut self.version_prompt.focus) {
                    field.request_focus();
                }
                if ui.button("Use this version").clicked() || entered {
                    match self.version_prompt.text.parse::<ProxyVersion>() {
                        Ok(v) => {
                            chosen = Some(Some(v));
                            self.version_prompt = VersionPrompt::default();
                            ui.close();
                        }
                        Err(e) => self.version_prompt.problem = Some(e.to_string()),
                    }
                }
            });
            if let Some(problem) = &self.version_prompt.problem {
                ui.colored_label(warning, problem);
            }
            if self.settings.settings.proxy_version.is_some() && ui.button("Detect it again").clicked() {
                chosen = Some(None);
                ui.close();
            }
        });
        if menu.response.on_hover_text(tip).clicked() {
            self.version_prompt.focus = true;
        }
        if let Some(choice) = chosen {
            self.settings.settings.proxy_version = choice;
            self.refresh_proxy_version();
            let note = match &self.proxy_version {
                Some(k) => format!("Validating for proxy {} ({})", k.version, k.source.describe()),
                None => "Proxy version unknown: validating with the 5.0.0 rules".to_string(),
            };
            self.status.set(note);
        }
    }
}
