//! The desktop app: toolbar on top, the editor on the left, problems and output on
//! the right, a status bar below.
//!
//! [`AuthProxyApp::show`] draws one frame into any `Ui`, so the same code runs in the
//! real window (eframe) and in the kittest harness. The frame's parts are in `chrome`
//! (toolbar, status bar, find bar, banners) and `modals` (questions and prompts); what
//! the commands do is in `actions`.

mod actions;
pub mod buffer;
pub mod checks_ui;
mod chrome;
pub mod code_page;
pub mod commands;
pub mod compare;
pub mod disk_watch;
pub mod editor;
pub mod files;
pub mod find;
pub mod fleet_view;
pub mod fonts;
pub mod form;
pub mod highlight;
pub mod history;
pub mod icons;
pub mod layout;
pub mod log_explorer;
pub mod login_job;
mod modals;
pub mod outline;
pub mod output;
pub mod prefetch;
pub mod problems;
pub mod proxy_version;
pub mod reveal;
pub mod run;
pub mod saved_logins;
pub mod service_ui;
pub mod settings;
pub mod status;
pub mod target;
pub mod templates;
pub mod test_login;
pub mod theme;

use std::path::{Path, PathBuf};

use egui::{Ui, ViewportCommand};

use self::buffer::Buffer;
use self::checks_ui::ChecksUi;
use self::commands::Command;
use self::compare::Comparison;
use self::disk_watch::DiskWatch;
use self::editor::{Editor, FindMarks};
use self::files::{Dialogs, NativeDialogs, STARTER};
use self::find::{FindBar, MatchCache};
use self::output::{OutputPanel, Report, Tab, Tabs};
use self::problems::ProblemsView;
use self::reveal::Revealed;
use self::service_ui::ServiceUi;
use self::settings::SettingsStore;
use self::status::StatusNote;
use self::theme::Palette;
use crate::schema::Platform;
use crate::secrets::Protector;
use crate::service::{NoService, ServiceControl, ServiceState};
use crate::validate::Severity;

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
    /// Ask for a path to open.
    OpenPath,
    /// Open this file.
    OpenFile(PathBuf),
    /// Start a new document from this template (an index into `templates::TEMPLATES`).
    NewFrom(usize),
}

/// A prompt or view over the window, at most one at a time.
pub enum Overlay {
    /// The file path typed in (no file dialog, or asked for).
    Path(modals::PathPrompt),
    /// Go to a line number.
    GoToLine(modals::LinePrompt),
    /// The file on disk against the editor's text.
    Compare(Comparison),
    /// The keyboard shortcuts (F1).
    Shortcuts,
    /// The proxy's install folder.
    InstallFolder(String),
    /// A login sent to the proxy's own listener.
    TestLogin(Box<test_login::TestLoginForm>),
    /// New from a template.
    NewFromTemplate(templates::TemplatePicker),
}

/// Makes the service control of the proxy installed in a folder (`None`: the standard one),
/// with the config it reads.
pub type ServiceFactory = fn(Option<&Path>) -> (Box<dyn ServiceControl>, PathBuf);

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
    /// The window's settings file (`None`: settings live only as long as the window).
    pub settings_file: Option<PathBuf>,
    /// Service control for another install folder, when the setting changes (`None`: the
    /// setting takes effect at the next start).
    pub service_factory: Option<ServiceFactory>,
    /// The fleet's push audit log (`None`: pushes are not logged).
    pub fleet_audit: Option<PathBuf>,
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
            settings_file: settings::default_path(),
            service_factory: Some(crate::service::installed_service),
            fleet_audit: crate::fleet::audit::default_path(),
        }
    }

    /// Only what a test or a benchmark needs: these dialogs and DPAPI, no service, nothing kept.
    #[must_use]
    pub fn detached(dialogs: Box<dyn Dialogs>, protector: std::sync::Arc<dyn Protector>) -> Self {
        Self {
            dialogs,
            protector,
            service: Box::new(NoService { state: ServiceState::NotInstalled }),
            service_config: None,
            crash_reports: None,
            settings_file: None,
            service_factory: None,
            fleet_audit: None,
        }
    }
}

/// The file on disk changed while the editor held unsaved changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskChange {
    /// Its content is different now.
    Changed,
    /// It is gone (deleted or moved).
    Gone,
}

/// The app's whole state.
pub struct AuthProxyApp {
    buffer: Buffer,
    editor: Editor,
    platform: Platform,
    /// The platform was chosen (command line or status bar), not inferred from the file.
    platform_chosen: bool,
    /// What the text says about its platform, and for which revision.
    platform_evidence: Option<(u64, Option<target::Evidence>)>,
    env: Environment,
    service: ServiceUi,
    checks: ChecksUi,
    revealed: Option<Revealed>,
    output: OutputPanel,
    problems: ProblemsView,
    find: FindBar,
    find_matches: MatchCache,
    /// Whether the find field had the keyboard focus last frame (Escape takes it away first).
    find_had_focus: bool,
    question: Option<Question>,
    overlay: Option<Overlay>,
    /// A test login on its helper thread.
    login_job: Option<login_job::LoginJob>,
    /// The sections panel.
    outline: outline::Outline,
    /// The Form tab's drafts.
    form: form::FormView,
    /// The Fleet tab: its fleet file and jobs.
    fleet: fleet_view::FleetView,
    /// This session's test logins, for the saved tests' rows.
    login_outcomes: Vec<login_job::LoginOutcome>,
    status: StatusNote,
    settings: SettingsStore,
    disk: Option<DiskWatch>,
    disk_change: Option<DiskChange>,
    /// The file could not be read after a change: look again.
    disk_recheck: bool,
    /// The place in the Problems list F8 last went to.
    last_problem: Option<usize>,
    /// The window width the panel split was last set for.
    split_for_width: Option<f32>,
    applied_theme: Option<settings::ThemeChoice>,
    allow_close: bool,
    title: String,
    /// The proxy release whose rules apply, and how it is known.
    proxy_version: Option<crate::service::version::KnownVersion>,
    version_prompt: proxy_version::VersionPrompt,
}

impl AuthProxyApp {
    /// Opens `path`, or else the proxy's default config, or else the starter document.
    #[must_use]
    pub fn new(path: Option<&Path>, platform: Platform, env: Environment) -> Self {
        let mut app = Self::start(env, platform, true);
        app.open_at_start(path);
        app
    }

    /// As [`AuthProxyApp::new`], with the platform inferred from each file opened (its
    /// `*_protected` values and paths, else its folder, else this computer's).
    #[must_use]
    pub fn with_inferred_platform(path: Option<&Path>, env: Environment) -> Self {
        let mut app = Self::start(env, Platform::host(), false);
        app.open_at_start(path);
        app
    }

    fn start(mut env: Environment, platform: Platform, platform_chosen: bool) -> Self {
        let control = std::mem::replace(&mut env.service, Box::new(NoService { state: ServiceState::NotInstalled }));
        let service = ServiceUi::new(control, env.service_config.clone());
        let settings = SettingsStore::load(env.settings_file.clone());
        Self {
            buffer: Buffer::untitled(STARTER),
            editor: Editor::new(),
            platform,
            platform_chosen,
            platform_evidence: None,
            env,
            service,
            checks: ChecksUi::default(),
            revealed: None,
            output: OutputPanel::default(),
            problems: ProblemsView::default(),
            find: FindBar::default(),
            find_matches: MatchCache::default(),
            find_had_focus: false,
            question: None,
            overlay: None,
            login_job: None,
            outline: outline::Outline::default(),
            form: form::FormView::default(),
            fleet: fleet_view::FleetView::default(),
            login_outcomes: Vec::new(),
            status: StatusNote::default(),
            settings,
            disk: None,
            disk_change: None,
            disk_recheck: false,
            last_problem: None,
            split_for_width: None,
            applied_theme: None,
            allow_close: false,
            title: String::new(),
            proxy_version: None,
            version_prompt: proxy_version::VersionPrompt::default(),
        }
    }

    /// Shows `path` in the Fleet tab, and remembers it.
    pub fn open_fleet(&mut self, path: PathBuf) {
        self.settings.settings.fleet_file = Some(path.clone());
        self.fleet.open(path);
    }

    /// The Fleet tab's state.
    #[must_use]
    pub fn fleet(&self) -> &fleet_view::FleetView {
        &self.fleet
    }

    fn open_at_start(&mut self, path: Option<&Path>) {
        let crashed = self.env.crash_reports.as_deref().and_then(crate::crash::take_unannounced);
        match path.map(Path::to_path_buf).or_else(files::find_default_config) {
            Some(path) => self.load(&path),
            None => {
                self.status.set_lasting(format!(
                    "No proxy configuration found at {}; showing a starter document.",
                    files::default_config_paths().first().map(|p| p.display().to_string()).unwrap_or_default()
                ));
                self.refresh_proxy_version();
                self.watch_logs();
            }
        }
        if let Some(report) = crashed {
            let text = format!(
                "The last session stopped on an internal error. Its crash report is {}; it holds no text of your \
                 files or logs. Please send it to the developers.",
                report.display()
            );
            self.output.message("Crash report", Some(Severity::Warning), text);
            self.status.set_lasting(format!("The last session crashed; report at {}", report.display()));
        }
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

    /// The prompt or view over the window, if any.
    #[must_use]
    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_ref()
    }

    /// The editor (caret, completion state).
    #[must_use]
    pub fn editor(&self) -> &Editor {
        &self.editor
    }

    /// The platform whose rules apply.
    #[must_use]
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// What happened to the file on disk while it had unsaved changes, if anything.
    #[must_use]
    pub fn disk_change(&self) -> Option<&DiskChange> {
        self.disk_change.as_ref()
    }

    /// The remembered settings.
    #[must_use]
    pub fn settings(&self) -> &settings::Settings {
        &self.settings.settings
    }

    /// Whether the keyboard is in the find field.
    #[must_use]
    pub fn find_has_focus(&self, ctx: &egui::Context) -> bool {
        ctx.memory(|m| m.has_focus(chrome::find_field_id()))
    }

    /// Whether the keyboard is in the editor.
    #[must_use]
    pub fn editor_has_focus(&self, ctx: &egui::Context) -> bool {
        ctx.memory(|m| m.has_focus(self.editor.id()))
    }

    /// Puts the caret at byte `offset` (in view, focused).
    pub fn go_to(&mut self, offset: usize) {
        self.editor.move_caret(offset.min(self.buffer.text.len()));
    }

    /// The live findings of the current text.
    #[must_use]
    pub fn diagnostics(&mut self) -> Vec<crate::validate::Diagnostic> {
        self.buffer.analysis(self.platform).diagnostics.clone()
    }

    /// The scroll-bar marks of the last frame.
    #[must_use]
    pub fn scrollbar_marks(&mut self) -> Vec<(f32, Severity)> {
        let analysis = self.buffer.analysis(self.platform);
        self.editor.scrollbar_marks(&analysis)
    }

    /// The output panel's reports.
    #[must_use]
    pub fn reports(&self) -> &[Report] {
        self.output.reports()
    }

    /// The status bar's note (empty once it has expired).
    #[must_use]
    pub fn status_note(&self) -> &str {
        self.status.text()
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

    /// Draws one frame.
    pub fn show(&mut self, ui: &mut Ui) {
        self.apply_theme(ui.ctx());
        self.service.frame(ui.ctx());
        self.checks.poll();
        if let Some(finished) = self.login_job.as_ref().and_then(login_job::LoginJob::poll) {
            self.login_job = None;
            self.status.set(format!("Test login: {}; its timeline is in the Output tab.", finished.outcome.headline));
            self.output.push(finished.report);
            self.login_outcomes.push(finished.outcome);
        }
        for outcome in self.service.outcomes() {
            self.report_service_outcome(&outcome);
        }
        self.watch_disk(ui.ctx());
        self.handle_close_request(ui);
        let command = if self.dialog_showing() { None } else { ui.input_mut(commands::pressed) };
        if let Some(command) = command {
            self.run(command, ui.ctx());
        }
        let dialog = self.dialog_showing();
        self.editor.behind_dialog = dialog;
        if dialog {
            ui.memory_mut(|m| m.surrender_focus(chrome::find_field_id()));
        }
        let palette = Palette::for_visuals(ui.visuals());

        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui, &palette));
        let action = self.right_panel(ui, &palette);
        // Before the editor can change the text this frame: the action's finding index is of the
        // analysis the panel showed.
        if let Some(action) = action {
            self.panel_action(action, ui.ctx());
        }
        if !self.settings.settings.hide_outline {
            let analysis = self.buffer.analysis(self.platform);
            let caret_line = analysis.doc.line_index.line_of(self.editor.caret.min(self.buffer.text.len()));
            let current = analysis.doc.section_at_line(caret_line);
            let outline = &mut self.outline;
            let shown = egui::Panel::left("outline")
                .resizable(true)
                .default_size(230.0)
                .min_size(160.0)
                .show(ui, |ui| outline.show(ui, &analysis, current, &palette));
            if let Some(action) = shown.inner {
                self.outline_action(action);
            }
        }
        egui::CentralPanel::default().show(ui, |ui| {
            self.banners(ui, &palette);
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
            let all = if self.find.open {
                self.find_matches.get(self.buffer.revision, &self.buffer.text, &self.find.query, self.find.options())
            } else {
                &[]
            };
            let selection = self.editor.selection.clone();
            let current = selection.as_ref().filter(|s| all.binary_search_by_key(&s.start, |m| m.start).is_ok());
            let marks = FindMarks { all, current };
            self.editor.decorate(ui, &self.buffer.text, &analysis, &palette, marks);
        });
        self.questions(ui.ctx());
        self.overlays(ui.ctx(), &palette);
        self.reveal_dialog(ui.ctx());
        self.update_title(ui.ctx());
        self.settings.save_if_changed();
        if let Some(left) = self.status.time_left() {
            ui.ctx().request_repaint_after(left);
        }
    }

    /// The right-hand panel, as wide as the user left it (a share of the window, so it grows
    /// with the window).
    fn right_panel(&mut self, ui: &mut Ui, palette: &Palette) -> Option<output::PanelAction> {
        let window = ui.available_width().max(400.0);
        let share = self.settings.settings.panel_share.unwrap_or(DEFAULT_PANEL_SHARE).clamp(0.15, 0.75);
        let mut panel = egui::Panel::right("output").resizable(true).min_size(260.0).max_size(window * 0.75);
        if self.split_for_width != Some(window) {
            // A new window size: the panel keeps its share of it.
            panel = panel.exact_size(share * window);
            self.split_for_width = Some(window);
        } else {
            panel = panel.default_size(share * window);
        }
        let shown = panel.show(ui, |ui| {
            let protect = self.protect_refused();
            let analysis = self.buffer.analysis(self.platform);
            let (service, checks, problems) = (&mut self.service, &mut self.checks, &mut self.problems);
            let (saved_logins, outcomes) = (&self.settings.settings.saved_logins, &self.login_outcomes);
            let config_path = self.buffer.path.as_deref();
            let caret_line = analysis.doc.line_index.line_of(self.editor.caret.min(self.buffer.text.len()));
            let current_section = analysis.doc.section_at_line(caret_line);
            let install_dir = self.buffer.install_dir();
            let form_context = form::FormContext {
                platform: self.platform,
                install_dir: install_dir.as_deref(),
                proxy_version: self.buffer.proxy_version,
                protect_refused: protect.as_deref(),
            };
            let form_view = &mut self.form;
            let fleet_view = &mut self.fleet;
            let fleet_file = &self.settings.settings.fleet_file;
            let config_name = self
                .buffer
                .path
                .as_deref()
                .and_then(|p| p.file_name())
                .map_or_else(|| "authproxy.cfg".to_owned(), |n| n.to_string_lossy().into_owned());
            let line_range = |line: usize| analysis.doc.lines.get(line).map(|l| l.content);
            let (errors, warnings, notes) = analysis.counts();
            let tabs = Tabs {
                problems: |ui: &mut Ui| problems.show(ui, &analysis, palette, protect.as_deref()),
                log: |ui: &mut Ui| service.log_tab(ui, palette, &analysis.doc, &config_name),
                checks: |ui: &mut Ui| {
                    let saved = saved_logins::show(ui, saved_logins, config_path, outcomes, palette);
                    let action = checks.show(ui, palette, line_range);
                    saved.map(output::PanelAction::SavedLogin).or(action)
                },
                form: |ui: &mut Ui| {
                    form_view
                        .show(ui, &analysis, current_section, &form_context, palette)
                        .map(output::PanelAction::Form)
                },
                fleet: |ui: &mut Ui| {
                    if fleet_view.file().is_none() {
                        let default = crate::platform::app_config_dir().map(|dir| dir.join("fleet.toml"));
                        if let Some(path) = fleet_file.clone().or(default) {
                            fleet_view.open(path);
                        }
                    }
                    fleet_view.show(ui, palette, &config_name).map(output::PanelAction::Fleet)
                },
            };
            self.output.show(ui, errors + warnings + notes, self.buffer.revision, palette, tabs)
        });
        // Remembered only when the user has just dragged its edge, never when content or a
        // narrow window pushed it.
        let width = shown.response.rect.width();
        let released_on_edge = ui.input(|i| i.pointer.any_released())
            && ui.ctx().pointer_latest_pos().is_some_and(|p| (p.x - shown.response.rect.left()).abs() < 12.0);
        if released_on_edge && self.split_for_width == Some(window) {
            let now = width / window;
            if (now - share).abs() > 0.01 {
                self.settings.settings.panel_share = Some(now);
            }
        }
        shown.inner
    }

    /// Whether a question, prompt or check of a protected value is over the window.
    fn dialog_showing(&self) -> bool {
        self.question.is_some() || self.revealed.is_some() || self.overlay.is_some()
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        let theme = self.settings.settings.theme;
        if self.applied_theme != Some(theme) {
            ctx.set_theme(theme.preference());
            self.applied_theme = Some(theme);
        }
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

    fn watch_logs(&mut self) {
        let install_dir = crate::service::install_dir_for(self.buffer.path.as_deref());
        let platform = self.platform;
        let analysis = self.buffer.analysis(platform);
        self.service.watch_logs(&analysis.doc, &install_dir);
    }
}

/// The right-hand panel's share of the window until the user drags it.
const DEFAULT_PANEL_SHARE: f32 = 0.36;

impl AuthProxyApp {
    /// The Log tab's explorer, once a log folder is known.
    #[must_use]
    pub fn log_explorer(&self) -> Option<&log_explorer::LogExplorer> {
        self.service.log_explorer()
    }

    /// The Log tab's explorer, to set its filters.
    pub fn log_explorer_mut(&mut self) -> Option<&mut log_explorer::LogExplorer> {
        self.service.log_explorer_mut()
    }

    /// Which tab of the right-hand panel shows.
    #[must_use]
    pub fn tab(&self) -> Tab {
        self.output.tab
    }

    /// Whether a test login is running.
    #[must_use]
    pub fn login_running(&self) -> bool {
        self.login_job.is_some()
    }

    /// Shows a tab of the right-hand panel.
    pub fn set_tab(&mut self, tab: Tab) {
        self.output.tab = tab;
    }
}
