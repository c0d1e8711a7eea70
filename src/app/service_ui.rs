//! The proxy service in the window: the Start / Stop / Restart buttons and the status
//! badge (state polled off the UI thread), and the Log tab's explorer of the proxy's logs.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use egui::{Color32, RichText, Ui};

use super::commands::Command;
use super::log_explorer::LogExplorer;
use super::output::PanelAction;
use super::theme::Palette;
use crate::config::Document;
use crate::service::logs;
use crate::service::monitor::{Outcome, Request, ServiceMonitor, POLL_INTERVAL};
use crate::service::{ServiceControl, ServiceState};

/// The service monitor and the log explorer.
pub struct ServiceUi {
    monitor: ServiceMonitor,
    logs: Option<LogExplorer>,
    context: Arc<OnceLock<egui::Context>>,
    /// The config the service reads, when it is tied to one.
    service_config: Option<PathBuf>,
    /// Why the buttons are off for the file being edited, if they are.
    off_for_file: Option<String>,
}

fn repaint(context: &OnceLock<egui::Context>) {
    if let Some(ctx) = context.get() {
        ctx.request_repaint();
    }
}

impl ServiceUi {
    /// Starts watching `control`, which runs the proxy that reads `service_config`.
    #[must_use]
    pub fn new(control: Box<dyn ServiceControl>, service_config: Option<PathBuf>) -> Self {
        let context: Arc<OnceLock<egui::Context>> = Arc::default();
        let on_change = Arc::clone(&context);
        let monitor = ServiceMonitor::spawn(control, POLL_INTERVAL, move || repaint(&on_change));
        Self { monitor, logs: None, context, service_config, off_for_file: None }
    }

    /// Watches `control` instead, which runs the proxy that reads `service_config` (another
    /// install folder was chosen).
    pub fn replace(&mut self, control: Box<dyn ServiceControl>, service_config: Option<PathBuf>) {
        let on_change = Arc::clone(&self.context);
        self.monitor = ServiceMonitor::spawn(control, POLL_INTERVAL, move || repaint(&on_change));
        self.service_config = service_config;
    }

    /// The window's context once a frame has run, for repaints asked from other threads.
    #[must_use]
    pub fn context(&self) -> Arc<OnceLock<egui::Context>> {
        Arc::clone(&self.context)
    }

    /// The file now being edited: the buttons work only for the config the service reads.
    pub fn set_file(&mut self, file: Option<&Path>) {
        self.off_for_file = match (&self.service_config, file) {
            (Some(config), Some(file)) if !crate::service::same_file(config, file) => Some(format!(
                "Service control is off for this file: the proxy service reads {}, not {}, so nothing is run \
                 for this one. Open that file to start or stop the proxy, or start authproxy-manager with \
                 --install-dir for a proxy installed in another folder.",
                config.display(),
                file.display()
            )),
            _ => None,
        };
    }

    /// Follows the logs of the proxy installed at `install_dir` as configured by `doc`.
    pub fn watch_logs(&mut self, doc: &Document, install_dir: &Path) {
        let dir = logs::log_dir(doc, install_dir);
        if self.logs.as_ref().is_some_and(|tail| tail.dir() == dir) {
            return;
        }
        let on_change = Arc::clone(&self.context);
        self.logs = Some(LogExplorer::watch(dir, move || repaint(&on_change)));
    }

    /// Call once per frame: remembers the context for repaints from other threads.
    pub fn frame(&mut self, ctx: &egui::Context) {
        let _ = self.context.set(ctx.clone());
    }

    /// The state to show: the request in progress, else the last state read.
    #[must_use]
    pub fn shown_state(&self) -> ServiceState {
        match self.monitor.busy() {
            Some(Request::Start | Request::Restart) => ServiceState::Starting,
            Some(Request::Stop) => ServiceState::Stopping,
            _ => self.monitor.state(),
        }
    }

    /// Whether `command` can be used in the current state.
    #[must_use]
    pub fn enabled(&self, command: Command) -> bool {
        if self.monitor.busy().is_some() || self.off_for_file.is_some() {
            return false;
        }
        let state = self.monitor.state();
        match command {
            Command::StartService => state == ServiceState::Stopped,
            Command::StopService => matches!(state, ServiceState::Running | ServiceState::Starting),
            Command::RestartService => state == ServiceState::Running,
            _ => true,
        }
    }

    /// Sends a start, stop or restart request.
    pub fn request(&mut self, command: Command) {
        let request = match command {
            Command::StartService => Request::Start,
            Command::StopService => Request::Stop,
            _ => Request::Restart,
        };
        self.monitor.request(request);
    }

    /// Finished requests since the last call; the logs are re-read after each.
    pub fn outcomes(&mut self) -> Vec<Outcome> {
        let outcomes = self.monitor.take_outcomes();
        if !outcomes.is_empty() {
            if let Some(explorer) = &mut self.logs {
                explorer.mark_stale();
            }
        }
        outcomes
    }

    /// The hover text of the badge and of disabled buttons.
    #[must_use]
    pub fn explanation(&self) -> String {
        if let Some(why) = &self.off_for_file {
            return why.clone();
        }
        let state = self.shown_state();
        let mut text = format!("{}: {}", self.monitor.describe(), state.advice());
        let controllable = matches!(
            state,
            ServiceState::Running | ServiceState::Stopped | ServiceState::Starting | ServiceState::Stopping
        );
        if let Some(note) = crate::service::privilege_note().filter(|_| controllable) {
            text.push(' ');
            text.push_str(note);
        }
        text
    }

    /// The Start, Stop and Restart buttons and the badge; returns the one clicked.
    pub fn toolbar(&self, ui: &mut Ui) -> Option<Command> {
        let mut clicked = None;
        let why = self.explanation();
        let ctx = ui.ctx().clone();
        for command in [Command::StartService, Command::StopService, Command::RestartService] {
            let response = ui
                .add_enabled(self.enabled(command), super::icons::button(command.icon(), command.label()))
                .on_hover_text(command.hint(&ctx))
                .on_disabled_hover_text(&why);
            if response.clicked() {
                clicked = Some(command);
            }
        }
        // The state itself is in the status bar (see `badge`); a spinner here while it changes.
        if self.shown_state().is_transitional() {
            ui.spinner();
        }
        clicked
    }

    /// "Service: running", coloured by state, for the status bar.
    #[must_use]
    pub fn badge(&self, ui: &Ui) -> RichText {
        let state = self.shown_state();
        RichText::new(format!("Service: {}", state.badge())).color(badge_colour(&state, ui))
    }

    /// The Log tab; `doc` (named `config_name`) is the config its explanations point into.
    pub fn log_tab(
        &mut self,
        ui: &mut Ui,
        palette: &Palette,
        doc: &Document,
        config_name: &str,
    ) -> Option<PanelAction> {
        let Some(explorer) = &mut self.logs else {
            ui.label(RichText::new("No log folder is known for this file.").weak());
            return None;
        };
        if !explorer.dir().is_dir() {
            ui.label(format!(
                "There is no proxy log folder at {}. The Duo Authentication Proxy does not seem to be installed \
                 on this computer, or [main] log_dir points somewhere else.",
                explorer.dir().display()
            ));
            return None;
        }
        explorer.show(ui, palette, doc, config_name)
    }

    /// The log explorer, once a log folder is known.
    #[must_use]
    pub fn log_explorer(&self) -> Option<&LogExplorer> {
        self.logs.as_ref()
    }

    /// The log explorer, to change its filters.
    pub fn log_explorer_mut(&mut self) -> Option<&mut LogExplorer> {
        self.logs.as_mut()
    }
}

fn badge_colour(state: &ServiceState, ui: &Ui) -> Color32 {
    let palette = Palette::for_visuals(ui.visuals());
    match state {
        ServiceState::Running => palette.passed,
        ServiceState::Stopped | ServiceState::AccessDenied => palette.error,
        ServiceState::Starting | ServiceState::Stopping => palette.warning,
        _ => ui.visuals().weak_text_color(),
    }
}
