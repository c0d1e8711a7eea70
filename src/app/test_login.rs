//! The Test login dialog: pick a RADIUS server section of the open config, type a user name, a
//! password (masked, wiped after use, never logged) and an optional second factor, choose the
//! client to compare with, and send. The login runs on a helper thread; its timeline and advice
//! arrive in the Output tab.

use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::Duration;

use egui::{Id, RichText};
use zeroize::{Zeroize as _, Zeroizing};

use super::output::{OutputLine, Report};
use crate::config::Document;
use crate::login::{self, ClientModel, Credentials, Ending, FactorStyle, Step, Verdict};
use crate::secrets::Protector;
use crate::validate::Severity;

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
    preset: usize,
    /// The user name field takes the keyboard when the dialog opens.
    focus: bool,
    /// The client's wait per try, seconds.
    pub timeout: u64,
    /// The client's tries.
    pub tries: u32,
    error: Option<String>,
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
    /// Send this login.
    Send(Box<LoginRequest>),
}

/// A login to send: everything but the document.
pub struct LoginRequest {
    section: String,
    credentials: Credentials,
    client: ClientModel,
}

/// A test login running on its helper thread.
pub struct LoginJob {
    receiver: Receiver<Report>,
}

impl LoginJob {
    /// The report, once the login has ended.
    pub fn poll(&self) -> Option<Report> {
        self.receiver.try_recv().ok()
    }
}

impl TestLoginForm {
    /// A form for the RADIUS server sections of `doc` (the first one chosen).
    #[must_use]
    pub fn new(doc: &Document) -> Self {
        let sections: Vec<String> = doc
            .regular_sections()
            .map(|s| s.name.to_string())
            .filter(|n| {
                n.to_ascii_lowercase().starts_with("radius_server") || n.to_ascii_lowercase().starts_with("ldap_server")
            })
            .collect();
        let preset = ClientModel::presets();
        let first = &preset[1];
        Self {
            section: sections.first().cloned().unwrap_or_default(),
            sections,
            user: String::new(),
            password: String::new(),
            factor: String::new(),
            preset: 1,
            focus: true,
            timeout: first.timeout.as_secs(),
            tries: first.tries,
            error: None,
        }
    }

    /// Draws the dialog.
    pub fn show(&mut self, ctx: &egui::Context) -> FormAnswer {
        let shown = egui::Modal::new(Id::unique("test-login")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.heading("Test login");
            ui.label(
                "Sends a login to the proxy's own listener on this computer, as the VPN or firewall would, and \
                 times each step. The password is not kept or logged.",
            );
            if self.sections.is_empty() {
                ui.label(RichText::new("This config has no radius_server_* section to test.").strong());
                return ui.button("Close").clicked().then_some(false);
            }
            egui::Grid::new("test-login-fields").num_columns(2).show(ui, |ui| {
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
                let field =
                    ui.add(egui::TextEdit::singleline(&mut self.user).desired_width(260.0)).labelled_by(label.id);
                if std::mem::take(&mut self.focus) {
                    field.request_focus();
                }
                ui.end_row();
                let label = ui.label("Password");
                ui.add(egui::TextEdit::singleline(&mut self.password).password(true).desired_width(260.0))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Second factor");
                ui.add(
                    egui::TextEdit::singleline(&mut self.factor)
                        .hint_text("push, phone, sms or a passcode (optional)")
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Compare with");
                let presets = ClientModel::presets();
                let before = self.preset;
                let combo = egui::ComboBox::from_id_salt("test-login-client")
                    .selected_text(presets.get(self.preset).map_or("as given", |p| p.name.as_str()))
                    .show_ui(ui, |ui| {
                        for (i, preset) in presets.iter().enumerate() {
                            ui.selectable_value(&mut self.preset, i, &preset.name);
                        }
                    });
                combo.response.labelled_by(label.id);
                if self.preset != before {
                    if let Some(preset) = presets.get(self.preset) {
                        self.timeout = preset.timeout.as_secs();
                        self.tries = preset.tries;
                    }
                }
                ui.end_row();
                ui.label("Client timeout");
                ui.horizontal(|ui| {
                    ui.add(egui::DragValue::new(&mut self.timeout).range(1..=120).suffix(" s"));
                    ui.label("×");
                    ui.add(egui::DragValue::new(&mut self.tries).range(1..=10).suffix(" tries"));
                });
                ui.end_row();
            });
            if let Some(error) = &self.error {
                ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
            }
            ui.horizontal(|ui| {
                if ui.button("Send").clicked() {
                    return Some(true);
                }
                ui.button("Cancel").clicked().then_some(false)
            })
            .inner
        });
        match (shown.should_close(), shown.inner) {
            (true, _) | (_, Some(false)) => FormAnswer::Cancelled,
            (false, Some(true)) if self.user.trim().is_empty() => {
                self.error = Some("Type the user name to log in as.".to_owned());
                FormAnswer::Open
            }
            (false, Some(true)) => FormAnswer::Send(Box::new(LoginRequest {
                section: self.section.clone(),
                credentials: Credentials {
                    user: self.user.trim().to_owned(),
                    password: Zeroizing::new(std::mem::take(&mut self.password)),
                    factor: Some(self.factor.trim().to_owned()).filter(|f| !f.is_empty()).map(Zeroizing::new),
                },
                client: ClientModel {
                    name: ClientModel::presets()
                        .get(self.preset)
                        .map_or_else(|| "as given".to_owned(), |p| p.name.clone()),
                    timeout: Duration::from_secs(self.timeout.max(1)),
                    tries: self.tries.max(1),
                },
            })),
            _ => FormAnswer::Open,
        }
    }
}

/// Sends `request` to the listener of its section in `doc` on a helper thread; `repaint` runs
/// when the report is ready.
pub fn start(
    request: LoginRequest,
    doc: Document,
    protector: Arc<dyn Protector>,
    repaint: impl Fn() + Send + 'static,
) -> LoginJob {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let report = run(&request, &doc, protector.as_ref());
        let _ = sender.send(report);
        repaint();
    });
    LoginJob { receiver }
}

/// An `ldap_server_auto` section: a bind as the user (the factor appended after a comma), then
/// the application's search.
fn ldap_report(request: &LoginRequest, doc: &Document, title: String) -> Report {
    let target = match login::ldap::ldap_target(doc, &request.section) {
        Ok(target) => target,
        Err(problem) => {
            let mut line = OutputLine::plain(problem.to_string());
            line.severity = Some(Severity::Error);
            return Report::new(title, vec![line]);
        }
    };
    let credentials = &request.credentials;
    let field = match &credentials.factor {
        Some(factor) => Zeroizing::new(format!("{},{}", credentials.password.as_str(), factor.as_str())),
        None => credentials.password.clone(),
    };
    let (steps, verdict) = login::ldap::run_blocking(&target, &credentials.user, &field, Duration::from_secs(65));
    drop(field);
    let mut lines = vec![OutputLine::plain(format!(
        "{} (TLS: {})",
        target.listener,
        target.tls_listener.map_or_else(|| "not configured".to_owned(), |l| l.to_string())
    ))];
    for step in &steps {
        let mut line =
            OutputLine::plain(format!("  {:>8.1} s  {}: {}", step.took.as_secs_f64(), step.what, step.detail));
        line.severity = (!step.ok).then_some(Severity::Error);
        lines.push(line);
    }
    let severity = if verdict == Verdict::Accepted { Severity::Info } else { Severity::Error };
    for advice in login::ldap::advice(&steps, verdict, request.client.timeout) {
        let mut line = OutputLine::plain(advice);
        line.severity = Some(severity);
        lines.push(line);
    }
    Report::new(title, lines)
}

fn run(request: &LoginRequest, doc: &Document, protector: &dyn Protector) -> Report {
    let title = format!(
        "Test login as {} to [{}]",
        crate::logfile::display_text(request.credentials.user.as_bytes()),
        request.section
    );
    let target = match login::radius_target(doc, &request.section, None, protector) {
        Ok(target) => target,
        Err(login::TargetProblem::Ldap(_)) => return ldap_report(request, doc, title),
        Err(problem) => {
            let mut line = OutputLine::plain(problem.to_string());
            line.severity = Some(Severity::Error);
            if let login::TargetProblem::UnknownClient { lines, .. } = &problem {
                line.jump = lines.first().map(|(_, range)| *range);
            }
            return Report::new(title, vec![line]);
        }
    };
    let mut credentials = Credentials {
        user: request.credentials.user.clone(),
        password: request.credentials.password.clone(),
        factor: request.credentials.factor.clone(),
    };
    if target.factor_style == FactorStyle::FactorOnly {
        credentials.password = Zeroizing::new(String::new());
    }
    let exchange = login::exchange::run_blocking(&target, &credentials, &request.client, Duration::from_secs(65));
    drop(credentials);
    let mut lines = vec![OutputLine::plain(format!(
        "{} from {} ({}); compared with {}",
        target.listener, target.source, target.client_key, request.client.name
    ))];
    for step in &exchange.steps {
        let what = match &step.step {
            Step::Sent => "sent Access-Request (PAP, Message-Authenticator)".to_owned(),
            Step::Retransmitted { attempt } => format!("no answer yet: sent again (try {attempt})"),
            Step::ClientGaveUp => "the client would give up here; still listening".to_owned(),
            Step::Challenged { message } => format!(
                "Access-Challenge{}",
                message
                    .as_deref()
                    .map(|m| format!(": \"{}\"", crate::logfile::display_text(m.as_bytes())))
                    .unwrap_or_default()
            ),
            Step::ChallengeAnswered => "answered the challenge with the factor".to_owned(),
            Step::Answered { code } => code.clone(),
            Step::NoAnswer => "no answer; stopped listening".to_owned(),
        };
        lines.push(OutputLine::plain(format!("  +{:>8.1} s  {what}", step.at.as_secs_f64())));
    }
    if let Ending::Failed(why) = &exchange.ending {
        let mut line = OutputLine::plain(why.clone());
        line.severity = Some(Severity::Error);
        lines.push(line);
    }
    let severity = match login::verdict(&exchange) {
        Verdict::Accepted => Severity::Info,
        Verdict::Rejected => Severity::Warning,
        Verdict::NoAnswer | Verdict::Failed => Severity::Error,
    };
    for advice in login::advice(&target, &exchange, &request.client) {
        let mut line = OutputLine::plain(advice);
        line.severity = Some(severity);
        lines.push(line);
    }
    Report::new(title, lines)
}
