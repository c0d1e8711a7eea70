//! The desktop app: toolbar on top, the editor on the left, problems and output on
//! the right, a status bar below.
//!
//! [`AuthProxyApp::show`] draws one frame into any `Ui`, so the same code runs in the
//! real window (eframe) and in the kittest harness.

pub mod buffer;
pub mod checks_ui;
pub mod commands;
pub mod editor;
pub mod files;
pub mod find;
pub mod fonts;
pub mod highlight;
pub mod history;
pub mod layout;
pub mod output;
pub mod prefetch;
pub mod reveal;
pub mod run;
pub mod service_ui;
pub mod theme;

use std::path::{Path, PathBuf};

use egui::{RichText, Ui, ViewportCommand};

use self::buffer::Buffer;
use self::checks_ui::ChecksUi;
use self::commands::Command;
use self::editor::Editor;
use self::files::{Dialogs, NativeDialogs, STARTER};
use self::find::FindBar;
use self::output::{OutputLine, OutputPanel, PanelAction, Report, Tab};
use self::reveal::{RevealAction, Revealed};
use self::service_ui::ServiceUi;
use self::theme::Palette;
use crate::config::apply;
use crate::config::file::{self, FileError};
use crate::schema::Platform;
use crate::secrets::{protect_all, protect_entry, Protector};
use crate::service::monitor::Outcome;
use crate::service::{NoService, ServiceControl, ServiceState};
use crate::validate::{self, Kind, Options, Severity};

/// A question the app is waiting on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Unsaved changes; then do this.
    Unsaved(AfterSave),
    /// The file changed on disk since it was loaded; Save refused.
    ChangedOnDisk(PathBuf),
    /// Start or restart the service although the config has this many errors?
    StartWithErrors(Command, usize),
}

/// What to do once unsaved changes are dealt with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterSave {
    /// Close the window.
    Close,
    /// Show the Open dialog.
    Open,
}

/// Everything the app needs from outside; tests pass their own.
pub struct Environment {
    /// File dialogs.
    pub dialogs: Box<dyn Dialogs>,
    /// DPAPI, or the explanation of its absence (shared with the connectivity checks' thread).
    pub protector: std::sync::Arc<dyn Protector>,
    /// The proxy service; the app runs it on a background thread.
    pub service: Box<dyn ServiceControl>,
    /// The config file that service reads; for any other file the service buttons are off.
    /// `None`: the service is not tied to one file.
    pub service_config: Option<PathBuf>,
    /// Where crash reports are written; the window says so at start when the last run crashed.
    pub crash_reports: Option<PathBuf>,
}

impl Default for Environment {
    fn default() -> Self {
        Self::installed(None)
    }
}

impl Environment {
    /// The real dialogs, DPAPI and proxy service of this computer: the proxy installed in
    /// `install_dir`, else in the standard place. Its buttons work only while its own config is open.
    #[must_use]
    pub fn installed(install_dir: Option<&Path>) -> Self {
        let (service, service_config) = crate::service::installed_service(install_dir);
        Self {
            dialogs: Box::new(NativeDialogs),
            protector: std::sync::Arc::from(crate::secrets::host_protector()),
            service,
            service_config: Some(service_config),
            crash_reports: crate::crash::reports_dir(),
        }
    }
}

/// The app's whole state.
pub struct AuthProxyApp {
    buffer: Buffer,
    editor: Editor,
    platform: Platform,
    env: Environment,
    service: ServiceUi,
    checks: ChecksUi,
    revealed: Option<Revealed>,
    output: OutputPanel,
    find: FindBar,
    find_status: String,
    question: Option<Question>,
    /// A note for the status bar, e.g. that no config was found.
    status_note: String,
    allow_close: bool,
    title: String,
}

impl AuthProxyApp {
    /// Opens `path`, or else the proxy's default config, or else the starter document.
    #[must_use]
    pub fn new(path: Option<&Path>, platform: Platform, mut env: Environment) -> Self {
        let control = std::mem::replace(&mut env.service, Box::new(NoService { state: ServiceState::NotInstalled }));
        let service = ServiceUi::new(control, env.service_config.clone());
        let mut app = Self {
            buffer: Buffer::untitled(STARTER),
            editor: Editor::new(),
            platform,
            env,
            service,
            checks: ChecksUi::default(),
            revealed: None,
            output: OutputPanel::default(),
            find: FindBar::default(),
            find_status: String::new(),
            question: None,
            status_note: String::new(),
            allow_close: false,
            title: String::new(),
        };
        let crashed = app.env.crash_reports.as_deref().and_then(crate::crash::take_unannounced);
        match path.map(Path::to_path_buf).or_else(files::find_default_config) {
            Some(path) => app.load(&path),
            None => {
                app.status_note = format!(
                    "No proxy configuration found at {}; showing a starter document.",
                    files::default_config_paths().first().map(|p| p.display().to_string()).unwrap_or_default()
                );
                app.watch_logs();
            }
        }
        if let Some(report) = crashed {
            let text = format!(
                "The last session stopped on an internal error. Its crash report is {}; it holds no text of your \
                 files or logs. Please send it to the developers.",
                report.display()
            );
            app.output.message("Crash report", Some(Severity::Warning), text);
            app.status_note = format!("The last session crashed; report at {}", report.display());
        }
        app
    }

    /// The proxy service as the badge shows it.
    #[must_use]
    pub fn service_state(&self) -> ServiceState {
        self.service.shown_state()
    }

    /// What the service buttons say when they are off, and the badge's hover text.
    #[must_use]
    pub fn service_explanation(&self) -> String {
        self.service.explanation()
    }

    fn watch_logs(&mut self) {
        let install_dir = crate::service::install_dir_for(self.buffer.path.as_deref());
        let platform = self.platform;
        let analysis = self.buffer.analysis(platform);
        self.service.watch_logs(&analysis.doc, &install_dir);
    }

    /// The text being edited.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.buffer.text
    }

    /// The file being edited.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.buffer.path.as_deref()
    }

    /// Whether there are unsaved changes.
    #[must_use]
    pub fn is_modified(&self) -> bool {
        self.buffer.is_modified()
    }

    /// The question showing, if any.
    #[must_use]
    pub fn question(&self) -> Option<&Question> {
        self.question.as_ref()
    }

    /// The editor (caret, completion state).
    #[must_use]
    pub fn editor(&self) -> &Editor {
        &self.editor
    }

    /// Puts the caret at byte `offset` (as a click in the problems list does).
    pub fn go_to(&mut self, offset: usize) {
        self.editor.move_caret(offset.min(self.buffer.text.len()));
    }

    /// The live findings of the current text.
    #[must_use]
    pub fn diagnostics(&mut self) -> Vec<crate::validate::Diagnostic> {
        self.buffer.analysis(self.platform).diagnostics.clone()
    }

    /// The output panel's reports.
    #[must_use]
    pub fn reports(&self) -> &[Report] {
        self.output.reports()
    }

    /// The status bar's note.
    #[must_use]
    pub fn status_note(&self) -> &str {
        &self.status_note
    }

    /// The window title for the current state.
    #[must_use]
    pub fn window_title(&self) -> String {
        let modified = if self.buffer.is_modified() { "*" } else { "" };
        format!("{modified}{} - authproxy-manager", self.buffer.display_name())
    }

    /// Opens `path` as the Open dialog does (unsaved changes are not asked about).
    pub fn open_file(&mut self, path: &Path) {
        self.load(path);
    }

    fn load(&mut self, path: &Path) {
        match file::load(path) {
            Ok(loaded) => {
                self.buffer = Buffer::from_file(loaded);
                self.service.set_file(Some(path));
                self.editor.reset();
                self.status_note = format!("Opened {}", path.display());
                self.watch_logs();
            }
            Err(e) => {
                self.output.message(
                    "Open",
                    Some(Severity::Error),
                    format!("{e}. Check the path and your access to it."),
                );
                self.status_note = format!("Could not open {}", path.display());
            }
        }
    }

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        self.service.frame(ui.ctx());
        self.checks.poll();
        for outcome in self.service.outcomes() {
            self.report_service_outcome(&outcome);
        }
        self.handle_close_request(ui);
        let modal = self.question.is_some() || self.revealed.is_some();
        let command = if modal { None } else { ui.input_mut(commands::pressed) };
        if let Some(command) = command {
            self.run(command, ui.ctx());
        }
        let palette = Palette::for_visuals(ui.visuals());

        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        let action = egui::Panel::right("output")
            .resizable(true)
            .default_size(440.0)
            .min_size(240.0)
            .show(ui, |ui| {
                let analysis = self.buffer.analysis(self.platform);
                let (service, checks) = (&self.service, &mut self.checks);
                let line_range = |line: usize| analysis.doc.lines.get(line).map(|l| l.content);
                self.output.show(
                    ui,
                    &analysis,
                    &palette,
                    |ui| service.log_tab(ui, &palette),
                    |ui| checks.show(ui, &palette, line_range),
                )
            })
            .inner;
        // Before the editor can change the text this frame: the action's finding index is of the
        // analysis the panel showed.
        if let Some(action) = action {
            self.panel_action(action);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if self.find.open {
                self.find_bar(ui);
            }
            let outcome = self.editor.show(ui, &mut self.buffer);
            if outcome.changed {
                ui.ctx().request_repaint();
            }
            let analysis = self.buffer.analysis(self.platform);
            self.editor.show_completion(ui, &mut self.buffer, &analysis, self.platform);
            let analysis = self.buffer.analysis(self.platform);
            self.editor.decorate(ui, &self.buffer.text, &analysis, &palette);
        });
        self.questions(ui.ctx());
        self.reveal_dialog(ui.ctx());
        self.update_title(ui.ctx());
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn handle_close_request(&mut self, ui: &Ui) {
        let requested = ui.input(|i| i.viewport().close_requested());
        if requested && self.buffer.is_modified() && !self.allow_close {
            ui.ctx().send_viewport_cmd(ViewportCommand::CancelClose);
            self.question = Some(Question::Unsaved(AfterSave::Close));
        }
    }

    /// Runs a command as if its button was pressed.
    pub fn run(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::Open => self.open(),
            Command::Save => {
                self.save(false);
            }
            Command::SaveAs => {
                self.save(true);
            }
            Command::Validate => self.validate_report(),
            Command::ProtectSecrets => self.protect_secrets(),
            Command::TestConnectivity => self.test_connectivity(ctx),
            Command::StartService | Command::StopService | Command::RestartService => self.service(command),
            Command::Find => {
                self.find.open = true;
                self.find.focus = true;
            }
            Command::FindNext => self.find_next(),
            Command::Undo => {
                if let Some(caret) = self.buffer.undo() {
                    self.editor.move_caret(caret);
                }
            }
            Command::Redo => {
                if let Some(caret) = self.buffer.redo() {
                    self.editor.move_caret(caret);
                }
            }
            Command::QuickFix => self.quick_fix_at_caret(),
            Command::ToggleSecrets => self.editor.reveal_secrets = !self.editor.reveal_secrets,
            Command::RevealProtected => self.reveal_at_caret(),
        }
        ctx.request_repaint();
    }

    fn open(&mut self) {
        if self.buffer.is_modified() {
            self.question = Some(Question::Unsaved(AfterSave::Open));
            return;
        }
        self.open_dialog();
    }

    fn open_dialog(&mut self) {
        let start = self.buffer.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
        match self.env.dialogs.pick_open(start.as_deref()) {
            Some(path) => self.load(&path),
            None => self.status_note = "Open cancelled (or no file dialog is available on this desktop).".to_string(),
        }
    }

    /// Saves; with `ask` or for a new document, asks where first. Returns whether it saved.
    fn save(&mut self, ask: bool) -> bool {
        let path = match (&self.buffer.path, ask) {
            (Some(path), false) => path.clone(),
            _ => {
                let start = self.buffer.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
                match self.env.dialogs.pick_save(start.as_deref(), "authproxy.cfg") {
                    Some(path) => path,
                    None => {
                        self.status_note =
                            "Save cancelled (or no file dialog is available on this desktop).".to_string();
                        return false;
                    }
                }
            }
        };
        let expected = if Some(&path) == self.buffer.path.as_ref() {
            self.buffer.on_disk.clone()
        } else {
            std::fs::read(&path).ok()
        };
        self.write(&path, expected.as_deref())
    }

    fn write(&mut self, path: &Path, expected: Option<&[u8]>) -> bool {
        let backup = match expected {
            Some(previous) => {
                crate::secrets::backup_without_plaintext(previous, &self.buffer.text, &*self.env.protector)
            }
            None => file::Backup::Previous,
        };
        match file::save(path, &self.buffer.text, self.buffer.encoding, expected, backup) {
            Ok(saved) => {
                self.service.set_file(Some(path));
                let note = match &saved.backup {
                    Some(backup) => format!("Saved {} (previous version kept as {})", path.display(), backup.display()),
                    None => format!("Saved {}", path.display()),
                };
                self.buffer.mark_saved(path.to_path_buf(), saved.bytes);
                self.status_note = note;
                true
            }
            Err(FileError::ChangedOnDisk { path }) => {
                self.question = Some(Question::ChangedOnDisk(path));
                false
            }
            Err(e) => {
                self.output.message("Save", Some(Severity::Error), e.to_string());
                self.status_note = "Save failed; see Output.".to_string();
                false
            }
        }
    }

    fn validate_report(&mut self) {
        let doc = crate::config::Document::parse(&self.buffer.text);
        let protector = Some(&*self.env.protector).filter(|p| p.available());
        let options = Options {
            platform: Some(self.platform),
            install_dir: self.buffer.install_dir(),
            encoding: Some(self.buffer.encoding),
            protector,
            ..Options::default()
        };
        let diagnostics = validate::validate(&doc, &options);
        let report = output::validation_report(&self.buffer.display_name(), &doc, &diagnostics, self.platform);
        self.output.push(report);
    }

    fn protect_refused(&self) -> Option<String> {
        if self.platform != Platform::Windows {
            return Some(
                "Protected (*_protected) values are Windows-only: the Linux proxy cannot read them. Set the target \
                 platform to Windows in the status bar if this file is for a Windows proxy."
                    .to_string(),
            );
        }
        (!self.env.protector.available()).then(|| crate::secrets::ProtectError::Unavailable.to_string())
    }

    fn protect_secrets(&mut self) {
        if let Some(why) = self.protect_refused() {
            self.output.message("Protect secrets", Some(Severity::Warning), why);
            return;
        }
        let doc = crate::config::Document::parse(&self.buffer.text);
        let (edits, refused) = protect_all(&doc, &*self.env.protector);
        let mut lines = Vec::new();
        if !edits.is_empty() {
            match apply(&self.buffer.text, &edits) {
                Ok(text) => {
                    self.buffer.replace_all(text);
                    lines.push(OutputLine::plain(format!(
                        "Protected {} secret(s) with DPAPI. Save to keep them.",
                        edits.len()
                    )));
                }
                Err(e) => lines.push(OutputLine { severity: Some(Severity::Error), text: e.to_string(), jump: None }),
            }
        }
        for (found, why) in refused {
            lines.push(OutputLine {
                severity: Some(Severity::Warning),
                text: format!("[{}] {}", found.section_name, why),
                jump: None,
            });
        }
        if lines.is_empty() {
            lines.push(OutputLine::plain("No plaintext secrets to protect."));
        }
        self.output.push(Report { title: "Protect secrets".to_string(), lines });
    }

    fn protect_one(&mut self, diagnostic: usize) {
        if let Some(why) = self.protect_refused() {
            self.output.message("Protect", Some(Severity::Warning), why);
            return;
        }
        let platform = self.platform;
        let analysis = self.buffer.analysis(platform);
        let Some(d) = analysis.diagnostics.get(diagnostic) else { return };
        let doc = &analysis.doc;
        let found = doc.sections.iter().find_map(|s| s.entries.iter().find(|e| e.key_range == d.range).map(|e| (s, e)));
        let Some((section, entry)) = found else { return };
        let result = protect_entry(doc, section, entry, &*self.env.protector);
        match result.map(|edit| apply(&self.buffer.text, &[edit])) {
            Ok(Ok(text)) => {
                self.buffer.replace_all(text);
                self.status_note = "Protected with DPAPI. Save to keep it.".to_string();
            }
            Ok(Err(e)) => self.output.message("Protect", Some(Severity::Error), e.to_string()),
            Err(why) => self.output.message("Protect", Some(Severity::Warning), why.to_string()),
        }
    }

    fn reveal_at_caret(&mut self) {
        let platform = self.platform;
        let caret = self.editor.caret;
        let analysis = self.buffer.analysis(platform);
        let line = analysis.doc.line_index.line_of(caret.min(self.buffer.text.len()));
        match reveal::reveal(&analysis.doc, line, &*self.env.protector) {
            Ok(revealed) => self.revealed = Some(revealed),
            Err(why) => self.output.message(Command::RevealProtected.label(), Some(Severity::Warning), why),
        }
    }

    /// Whether a decrypted protected value is on screen (masked or not).
    #[must_use]
    pub fn revealing(&self) -> bool {
        self.revealed.is_some()
    }

    fn reveal_dialog(&mut self, ctx: &egui::Context) {
        let Some(revealed) = &mut self.revealed else { return };
        let mut action = RevealAction::None;
        egui::Modal::new(egui::Id::unique("reveal-protected")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            action = revealed.show(ui);
        });
        if action == RevealAction::Close {
            self.revealed = None;
        }
    }

    fn test_connectivity(&mut self, ctx: &egui::Context) {
        let analysis = self.buffer.analysis(self.platform);
        match self.checks.start(&analysis.doc, self.buffer.path.as_deref(), self.env.protector.clone(), ctx) {
            Ok(count) => {
                let text =
                    format!("Testing {count} host(s) at once; each result appears in the Connectivity tab as it ends.");
                self.output.message("Test connectivity", None, text);
                self.output.tab = Tab::Connectivity;
            }
            Err(why) => self.output.message("Test connectivity", Some(Severity::Info), why),
        }
    }

    fn service(&mut self, command: Command) {
        if !self.service.enabled(command) {
            self.output.message(command.label(), Some(Severity::Info), self.service.explanation());
            return;
        }
        if command != Command::StopService {
            let errors = self.errors_for_start();
            if errors > 0 {
                self.question = Some(Question::StartWithErrors(command, errors));
                return;
            }
        }
        self.service.request(command);
        self.status_note = format!("Service: {} requested…", command.label().to_lowercase());
    }

    /// Validates the file as the service will read it; the report goes to the Output tab.
    fn errors_for_start(&mut self) -> usize {
        self.validate_report();
        let platform = self.platform;
        let analysis = self.buffer.analysis(platform);
        analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    fn report_service_outcome(&mut self, outcome: &Outcome) {
        let title = format!("Service {}", outcome.request.verb());
        match &outcome.result {
            Ok(()) => {
                let text = format!("Done: the service is {}. {}", outcome.state.badge(), outcome.state.advice());
                self.output.message(&title, None, text);
            }
            Err(e) => self.output.message(&title, Some(Severity::Error), e.to_string()),
        }
        self.status_note = format!("Service {}", outcome.state.badge());
        if matches!(
            outcome.request,
            crate::service::monitor::Request::Start | crate::service::monitor::Request::Restart
        ) {
            self.output.tab = Tab::Log;
        }
    }

    fn apply_fix(&mut self, diagnostic: usize) {
        let platform = self.platform;
        let analysis = self.buffer.analysis(platform);
        let Some(fix) = analysis.diagnostics.get(diagnostic).and_then(|d| d.fix.clone()) else { return };
        match apply(&self.buffer.text, &fix.edits) {
            Ok(text) => {
                let caret = fix.edits.first().map_or(0, |e| e.range.start + e.insert.len());
                self.buffer.replace_all(text);
                self.editor.move_caret(caret);
                self.status_note = format!("Applied: {}", fix.title);
            }
            Err(e) => self.output.message("Quick fix", Some(Severity::Error), e.to_string()),
        }
    }

    fn quick_fix_at_caret(&mut self) {
        let caret = self.editor.caret;
        let platform = self.platform;
        let analysis = self.buffer.analysis(platform);
        let line = analysis.doc.line_index.line_of(caret.min(self.buffer.text.len()));
        let index = analysis.diagnostics.iter().position(|d| {
            (d.fix.is_some() || d.kind == Kind::PlaintextSecret)
                && analysis.doc.line_index.line_of(d.range.start) == line
        });
        match index {
            Some(i) if analysis.diagnostics[i].fix.is_some() => self.apply_fix(i),
            Some(i) => self.protect_one(i),
            None => self.status_note = "No quick fix on this line.".to_string(),
        }
    }

    fn panel_action(&mut self, action: PanelAction) {
        match action {
            PanelAction::Jump(range) => self.editor.select(range.start..range.end),
            PanelAction::ApplyFix(i) => self.apply_fix(i),
            PanelAction::Protect(i) => self.protect_one(i),
        }
    }

    fn toolbar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let mut clicked = None;
        ui.horizontal_wrapped(|ui| {
            for command in [Command::Open, Command::Save, Command::SaveAs] {
                if ui.button(command.label()).on_hover_text(command.hint(&ctx)).clicked() {
                    clicked = Some(command);
                }
            }
            ui.separator();
            for command in [Command::Validate, Command::ProtectSecrets] {
                if ui.button(command.label()).on_hover_text(command.hint(&ctx)).clicked() {
                    clicked = Some(command);
                }
            }
            let label = if self.checks.running() { "Testing…" } else { Command::TestConnectivity.label() };
            let checks = ui.add_enabled(!self.checks.running(), egui::Button::new(label));
            if checks.on_hover_text(Command::TestConnectivity.hint(&ctx)).clicked() {
                clicked = Some(Command::TestConnectivity);
            }
            ui.separator();
            if let Some(command) = self.service.toolbar(ui) {
                clicked = Some(command);
            }
        });
        if let Some(command) = clicked {
            self.run(command, &ctx);
        }
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            let path =
                self.buffer.path.as_ref().map_or_else(|| "(not saved yet)".to_string(), |p| p.display().to_string());
            ui.label(path);
            ui.separator();
            let before = self.platform;
            let label = ui.label("Target:");
            egui::ComboBox::from_id_salt("platform")
                .selected_text(self.platform.as_str())
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.platform, Platform::Windows, "windows");
                    ui.selectable_value(&mut self.platform, Platform::Linux, "linux");
                })
                .response
                .on_hover_text("Whose rules to validate with: the Windows or the Linux proxy's")
                .labelled_by(label.id);
            if before != self.platform {
                self.buffer.invalidate();
            }
            ui.separator();
            let caret = self.editor.caret.min(self.buffer.text.len());
            let at = self.buffer.analysis(self.platform).doc.line_col(caret);
            ui.label(format!("Ln {}, Col {}", at.line, at.column));
            ui.separator();
            ui.label(if self.buffer.is_modified() { "Modified" } else { "Saved" });
            ui.separator();
            ui.label(format!("Service: {}", self.service.shown_state().badge()))
                .on_hover_text(self.service.explanation());
            if !self.status_note.is_empty() {
                ui.separator();
                ui.label(RichText::new(&self.status_note).weak());
            }
        });
    }

    fn find_bar(&mut self, ui: &mut Ui) {
        let mut go = false;
        ui.horizontal(|ui| {
            ui.label("Find:");
            let response =
                ui.add(egui::TextEdit::singleline(&mut self.find.query).hint_text("text to find").desired_width(240.0));
            if std::mem::take(&mut self.find.focus) {
                response.request_focus();
            }
            if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                go = true;
                response.request_focus();
            }
            if ui.button("Next").clicked() {
                go = true;
            }
            if ui.button("Close").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                self.find.open = false;
            }
            ui.label(&self.find_status);
        });
        if go {
            self.find_next();
        }
    }

    fn find_next(&mut self) {
        let from = self.editor.selection.as_ref().map_or(self.editor.caret, |s| s.end);
        match find::next_match(&self.buffer.text, &self.find.query, from) {
            Some((range, n, total)) => {
                self.editor.select(range);
                self.find_status = format!("{n} of {total} (F3: next)");
            }
            None => self.find_status = "No matches".to_string(),
        }
    }

    fn questions(&mut self, ctx: &egui::Context) {
        let Some(question) = self.question.clone() else { return };
        let mut answer = None;
        egui::Modal::new(egui::Id::unique("question")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            match &question {
                Question::Unsaved(_) => {
                    ui.heading("Unsaved changes");
                    ui.label(format!("{} has changes that are not saved.", self.buffer.display_name()));
                    ui.horizontal(|ui| {
                        for choice in ["Save", "Discard", "Cancel"] {
                            if ui.button(choice).clicked() {
                                answer = Some(choice);
                            }
                        }
                    });
                }
                Question::StartWithErrors(command, errors) => {
                    ui.heading(format!("{} the service?", command.label()));
                    ui.label(format!(
                        "The config has {errors} error(s) (see Output). The proxy may refuse to start or run \
                         without the sections that are wrong."
                    ));
                    ui.horizontal(|ui| {
                        for choice in [command.label(), "Cancel"] {
                            if ui.button(choice).clicked() {
                                answer = Some(choice);
                            }
                        }
                    });
                }
                Question::ChangedOnDisk(path) => {
                    ui.heading("File changed on disk");
                    ui.label(format!(
                        "{} was changed by another program since it was opened. Nothing was written.",
                        path.display()
                    ));
                    ui.horizontal(|ui| {
                        for choice in ["Reload", "Overwrite", "Cancel"] {
                            if ui.button(choice).clicked() {
                                answer = Some(choice);
                            }
                        }
                    });
                }
            }
        });
        let Some(answer) = answer else { return };
        self.question = None;
        match (question, answer) {
            (Question::Unsaved(then), "Save") if self.save(false) => self.after_save(then, ctx),
            (Question::Unsaved(then), "Discard") => self.after_save(then, ctx),
            (Question::ChangedOnDisk(path), "Reload") => self.load(&path),
            (Question::StartWithErrors(command, _), choice) if choice == command.label() => {
                self.service.request(command);
            }
            (Question::ChangedOnDisk(path), "Overwrite") => {
                let current = std::fs::read(&path).ok();
                self.write(&path, current.as_deref());
            }
            _ => {}
        }
    }

    fn after_save(&mut self, then: AfterSave, ctx: &egui::Context) {
        match then {
            AfterSave::Close => {
                self.allow_close = true;
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
            AfterSave::Open => self.open_dialog(),
        }
    }
}
