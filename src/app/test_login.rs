//! The Test login dialog: pick a server section of the open config, type a user name, a
//! password (masked, wiped after use, never logged) and an optional second factor, choose the
//! client to compare with (a device's defaults, or the user's own), and send. The test can be
//! kept for its section, without the password, to rerun from the Connectivity tab.

use std::time::Duration;

use egui::{Id, RichText};
use zeroize::{Zeroize as _, Zeroizing};

use super::login_job::LoginRequest;
use super::settings::{keepable_factor, ClientPreset, SavedLogin};
use crate::config::Document;
use crate::login::{ClientModel, Credentials};

/// The dialog's fields.
pub struct TestLoginForm {
    /// The server section.
    pub section: String,
    sections: Vec<String>,
    /// The user name.
    pub user: String,
    /// The password, wiped when the form goes.
    pub password: String,
    /// The second factor.
    pub factor: String,
    /// The client compared with: a preset's, or edited.
    client: ClientPreset,
    presets: Vec<ClientPreset>,
    /// The name for "Keep as a client preset".
    preset_name: String,
    /// Keep this test for its section.
    pub keep: bool,
    /// Which field takes the keyboard when the dialog opens.
    focus: Option<Field>,
    /// The password and factor fields, whose edit state (with its undo copies of the text) is
    /// dropped when the dialog closes.
    secret_fields: Vec<egui::Id>,
    error: Option<String>,
}

#[derive(Clone, Copy)]
enum Field {
    User,
    Password,
}

impl Drop for TestLoginForm {
    fn drop(&mut self) {
        self.password.zeroize();
        self.factor.zeroize();
    }
}

/// What the dialog asked for.
pub enum FormAnswer {
    /// Keep it open.
    Open,
    /// Closed without sending.
    Cancelled,
    /// Keep this client among the user's presets; the dialog stays open.
    KeepPreset(ClientPreset),
    /// Send this login, and keep the test when it says so.
    Send(Box<LoginRequest>, Option<SavedTest>),
}

/// The part of a test that is kept: never the password.
pub struct SavedTest {
    /// The section.
    pub section: String,
    /// The user name.
    pub user: String,
    /// `push`, `phone` or `sms`.
    pub factor: Option<String>,
    /// The client compared with.
    pub client: ClientPreset,
}

impl SavedTest {
    /// The settings entry for the config at `config`.
    #[must_use]
    pub fn for_config(self, config: std::path::PathBuf) -> SavedLogin {
        SavedLogin { config, section: self.section, user: self.user, factor: self.factor, client: self.client }
    }
}

/// The built-in presets, then the user's.
fn all_presets(own: &[ClientPreset]) -> Vec<ClientPreset> {
    ClientModel::presets()
        .into_iter()
        .map(|m| ClientPreset { name: m.name, timeout_secs: m.timeout.as_secs(), tries: m.tries })
        .chain(own.iter().cloned())
        .collect()
}

/// The server sections a test login can be sent to.
fn server_sections(doc: &Document) -> Vec<String> {
    doc.regular_sections()
        .map(|s| s.name.to_string())
        .filter(|n| {
            let lower = n.to_ascii_lowercase();
            lower.starts_with("radius_server") || lower.starts_with("ldap_server")
        })
        .collect()
}

impl TestLoginForm {
    /// A form for the server sections of `doc` (the first one chosen), comparing with a
    /// FortiGate's defaults at first: a short timeout is the usual trouble.
    #[must_use]
    pub fn new(doc: &Document, own_presets: &[ClientPreset]) -> Self {
        let sections = server_sections(doc);
        let presets = all_presets(own_presets);
        Self {
            section: sections.first().cloned().unwrap_or_default(),
            sections,
            user: String::new(),
            password: String::new(),
            factor: String::new(),
            client: presets[1].clone(),
            presets,
            preset_name: String::new(),
            keep: false,
            focus: Some(Field::User),
            secret_fields: Vec::new(),
            error: None,
        }
    }

    /// A form filled in from a saved test: only the password is left to type.
    #[must_use]
    pub fn from_saved(doc: &Document, saved: &SavedLogin, own_presets: &[ClientPreset]) -> Self {
        let mut form = Self::new(doc, own_presets);
        if !form.sections.contains(&saved.section) {
            form.error = Some(format!("[{}] is no longer in this config.", saved.section));
        }
        form.section.clone_from(&saved.section);
        form.user.clone_from(&saved.user);
        form.factor = saved.factor.clone().unwrap_or_default();
        form.client = saved.client.clone();
        form.keep = true;
        form.focus = Some(Field::Password);
        form
    }

    /// The section and the user's fields; true when Enter was pressed in one of the text fields.
    fn fields(&mut self, ui: &mut egui::Ui) -> bool {
        egui::Grid::new("test-login-fields")
            .num_columns(2)
            .show(ui, |ui| {
                let label = ui.label("Section");
                let combo =
                    egui::ComboBox::from_id_salt("test-login-section").selected_text(&self.section).show_ui(ui, |ui| {
                        for name in &self.sections {
                            ui.selectable_value(&mut self.section, name.clone(), name);
                        }
                    });
                combo.response.labelled_by(label.id);
                ui.end_row();
                let label = ui.label("User name");
                let user =
                    ui.add(egui::TextEdit::singleline(&mut self.user).desired_width(260.0)).labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Password");
                let password = ui
                    .add(egui::TextEdit::singleline(&mut self.password).password(true).desired_width(260.0))
                    .labelled_by(label.id);
                ui.end_row();
                match self.focus.take() {
                    Some(Field::User) => user.request_focus(),
                    Some(Field::Password) => password.request_focus(),
                    None => {}
                }
                let label = ui.label("Second factor");
                let factor = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.factor)
                            .hint_text("push, phone, sms or a passcode (optional)")
                            .desired_width(260.0),
                    )
                    .labelled_by(label.id);
                ui.end_row();
                self.secret_fields = vec![password.id, factor.id];
                let entered = user.lost_focus() || password.lost_focus() || factor.lost_focus();
                entered && ui.input(|i| i.key_pressed(egui::Key::Enter))
            })
            .inner
    }

    /// The client to compare with; returns a preset to keep when the user asked.
    fn client(&mut self, ui: &mut egui::Ui) -> Option<ClientPreset> {
        let mut keep = None;
        egui::Grid::new("test-login-client").num_columns(2).show(ui, |ui| {
            let label = ui.label("Compare with");
            let combo = egui::ComboBox::from_id_salt("test-login-client")
                .selected_text(&self.client.name)
                .width(300.0)
                .show_ui(ui, |ui| {
                    for preset in &self.presets {
                        ui.selectable_value(&mut self.client, preset.clone(), &preset.name);
                    }
                });
            combo.response.labelled_by(label.id);
            ui.end_row();
            ui.label("Client timeout");
            ui.horizontal(|ui| {
                let before = (self.client.timeout_secs, self.client.tries);
                ui.add(egui::DragValue::new(&mut self.client.timeout_secs).range(1..=120).suffix(" s"));
                ui.label("×");
                let tries = if self.client.tries == 1 { " try" } else { " tries" };
                ui.add(egui::DragValue::new(&mut self.client.tries).range(1..=10).suffix(tries));
                if before != (self.client.timeout_secs, self.client.tries)
                    && self.presets.iter().any(|p| p.name == self.client.name)
                {
                    self.client.name = "the client as set here".to_owned();
                }
            });
            ui.end_row();
            let label = ui.label("Keep as preset");
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut self.preset_name)
                        .hint_text("a name, e.g. our ASA (VPN)")
                        .desired_width(200.0),
                )
                .labelled_by(label.id);
                let name = self.preset_name.trim().to_owned();
                if ui.add_enabled(!name.is_empty(), egui::Button::new("Keep")).clicked() {
                    let preset = ClientPreset { name, ..self.client.clone() };
                    self.presets.retain(|p| p.name != preset.name);
                    self.presets.push(preset.clone());
                    self.client = preset.clone();
                    self.preset_name.clear();
                    keep = Some(preset);
                }
            });
            ui.end_row();
        });
        keep
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context) -> FormAnswer {
        let mut kept_preset = None;
        let shown = egui::Modal::new(Id::unique("test-login")).show(ctx, |ui| {
            ui.set_width(560.0);
            ui.heading("Test login");
            ui.label(
                "Sends a login to the proxy's own listener on this computer, as the VPN or firewall would, and \
                 times each step. The password is not kept or logged.",
            );
            if self.sections.is_empty() {
                ui.label(
                    RichText::new("This config has no radius_server_* or ldap_server_auto section to test.").strong(),
                );
                return ui.button("Close").clicked().then_some(false);
            }
            let entered = self.fields(ui);
            kept_preset = self.client(ui);
            let passcode = !self.factor.trim().is_empty() && keepable_factor(&self.factor).is_none();
            ui.checkbox(
                &mut self.keep,
                format!(
                    "Keep this test for [{}] to rerun from the Connectivity tab (user name, factor method and client; \
                     never the password{})",
                    self.section,
                    if passcode { " or the passcode" } else { "" }
                ),
            );
            if let Some(error) = &self.error {
                ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
            }
            ui.horizontal(|ui| {
                if ui.button("Send").clicked() || entered {
                    return Some(true);
                }
                ui.button("Cancel").clicked().then_some(false)
            })
            .inner
        });
        if let Some(preset) = kept_preset {
            return FormAnswer::KeepPreset(preset);
        }
        let answer = match (shown.should_close(), shown.inner) {
            (true, _) | (_, Some(false)) => FormAnswer::Cancelled,
            (false, Some(true)) if self.user.trim().is_empty() => {
                self.error = Some("Type the user name to log in as.".to_owned());
                FormAnswer::Open
            }
            (false, Some(true)) => self.send(),
            _ => FormAnswer::Open,
        };
        if matches!(answer, FormAnswer::Cancelled | FormAnswer::Send(..)) {
            ctx.data_mut(|data| {
                for id in &self.secret_fields {
                    data.remove::<egui::text_edit::TextEditState>(*id);
                }
            });
        }
        answer
    }

    fn send(&mut self) -> FormAnswer {
        let user = self.user.trim().to_owned();
        let kept = self.keep.then(|| SavedTest {
            section: self.section.clone(),
            user: user.clone(),
            factor: keepable_factor(&self.factor),
            client: self.client.clone(),
        });
        let request = LoginRequest {
            section: self.section.clone(),
            credentials: Credentials {
                user,
                password: Zeroizing::new(std::mem::take(&mut self.password)),
                factor: Some(self.factor.trim().to_owned()).filter(|f| !f.is_empty()).map(Zeroizing::new),
            },
            client: ClientModel {
                name: self.client.name.clone(),
                timeout: Duration::from_secs(self.client.timeout_secs.max(1)),
                tries: self.client.tries.max(1),
            },
        };
        FormAnswer::Send(Box::new(request), kept)
    }
}
