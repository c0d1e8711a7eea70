//! The Fleet tab: every proxy of the fleet file at once (status, compare, push), each job on a
//! helper thread so the window never waits for a node; and the fleet file's nodes, edited here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use egui::{RichText, Ui};

use super::theme::{space, Palette};
use crate::fleet::diff::{self, Cell, Comparison, Verdict};
use crate::fleet::inventory::{self, Inventory, InventoryKind, Node, NodeOs};
use crate::fleet::push::{NodeResult, PushOptions, PushRun};
use crate::fleet::query::{self, NodeAnswer, Route};
use crate::fleet::ssh::Ssh;

/// What the tab asks the window to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FleetAction {
    /// Pick another fleet file.
    PickFile,
    /// Push the editor's text to these nodes.
    Push(Vec<String>),
}

/// A job on a helper thread: its result arrives once.
struct Job<T> {
    started: Instant,
    receiver: Receiver<T>,
}

impl<T> Job<T> {
    fn spawn(work: impl FnOnce() -> T + Send + 'static) -> Self
    where
        T: Send + 'static,
    {
        let (sender, receiver) = channel();
        std::thread::spawn(move || {
            let _ = sender.send(work());
        });
        Self { started: Instant::now(), receiver }
    }
}

/// A push in progress: its lines so far, then its result.
struct PushJob {
    lines: Receiver<String>,
    done: Receiver<PushRun>,
}

/// The Fleet tab's state.
pub struct FleetView {
    file: Option<PathBuf>,
    inventory: Option<Result<Inventory, String>>,
    nodes: Vec<Node>,
    edited: bool,
    timeout_secs: u64,
    status: Option<(Vec<NodeAnswer>, Duration)>,
    status_job: Option<Job<Vec<NodeAnswer>>>,
    comparison: Option<Result<Comparison, String>>,
    compare_job: Option<Job<Result<Comparison, String>>>,
    chosen: BTreeSet<String>,
    check_after_push: bool,
    confirming: Option<Vec<String>>,
    push_lines: Vec<String>,
    push_job: Option<PushJob>,
    push_done: Option<PushRun>,
    message: Option<String>,
}

impl Default for FleetView {
    fn default() -> Self {
        Self {
            file: None,
            inventory: None,
            nodes: Vec::new(),
            edited: false,
            timeout_secs: 10,
            status: None,
            status_job: None,
            comparison: None,
            compare_job: None,
            chosen: BTreeSet::new(),
            check_after_push: false,
            confirming: None,
            push_lines: Vec::new(),
            push_job: None,
            push_done: None,
            message: None,
        }
    }
}

impl FleetView {
    /// Shows `path` (read now; a missing fleet.toml starts empty, to be filled in here).
    pub fn open(&mut self, path: PathBuf) {
        let loaded = if path.exists() {
            inventory::read(&path).map_err(|e| e.to_string())
        } else {
            Ok(Inventory {
                source: path.clone(),
                kind: InventoryKind::FleetToml,
                ssh_config: None,
                nodes: Vec::new(),
                ignored: Vec::new(),
            })
        };
        self.nodes = loaded.as_ref().map(|i| i.nodes.clone()).unwrap_or_default();
        self.chosen.clear();
        self.inventory = Some(loaded);
        self.file = Some(path);
        self.edited = false;
        self.status = None;
        self.comparison = None;
    }

    /// The fleet file shown.
    #[must_use]
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    fn ssh(&self) -> Result<Ssh, String> {
        let config = self.inventory.as_ref().and_then(|i| i.as_ref().ok()).and_then(|i| i.ssh_config.clone());
        Ssh::system(config).map_err(|e| e.to_string())
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }

    /// Asks every node for its status.
    pub fn refresh(&mut self) {
        match self.ssh() {
            Ok(ssh) => {
                let (nodes, timeout) = (self.nodes.clone(), self.timeout());
                self.status_job = Some(Job::spawn(move || query::status_all(&ssh, &nodes, timeout)));
            }
            Err(why) => self.message = Some(why),
        }
    }

    /// Compares the nodes' configs (read afresh).
    pub fn compare(&mut self) {
        match self.ssh() {
            Ok(ssh) => {
                let (nodes, timeout) = (self.nodes.clone(), self.timeout());
                self.compare_job = Some(Job::spawn(move || {
                    let answers = query::status_all(&ssh, &nodes, timeout);
                    let (docs, unread) = query::documents(&answers);
                    let unread: Vec<String> = unread.into_iter().map(|(name, _)| name).collect();
                    if docs.len() < 2 {
                        return Err(format!(
                            "fewer than two configs could be read{}",
                            if unread.is_empty() { String::new() } else { format!(" (not: {})", unread.join(", ")) }
                        ));
                    }
                    Ok(diff::compare(&docs))
                }));
            }
            Err(why) => self.message = Some(why),
        }
    }

    /// Pushes `source` (named `source_name`) to `targets`, one node at a time, appending to the
    /// audit log at `audit` when there is one.
    pub fn start_push(&mut self, source_name: String, source: Vec<u8>, targets: &[String], audit: Option<PathBuf>) {
        let ssh = match self.ssh() {
            Ok(ssh) => ssh,
            Err(why) => {
                self.message = Some(why);
                return;
            }
        };
        let nodes: Vec<Node> = self.nodes.iter().filter(|n| targets.contains(&n.name)).cloned().collect();
        let options = PushOptions {
            parallel: 1,
            check: self.check_after_push,
            start_timeout: Duration::from_secs(60),
            status_timeout: self.timeout(),
        };
        let (line_sender, lines) = channel();
        let (done_sender, done) = channel();
        std::thread::spawn(move || {
            let progress = move |name: &str, result: Option<&NodeResult>| {
                let _ = line_sender.send(match result {
                    None => format!("{name}: applying…"),
                    Some(result) => crate::fleet::push::result_text(name, result),
                });
            };
            let run = crate::fleet::push::push(&ssh, &source_name, None, &source, &nodes, options, &progress);
            let entry = crate::fleet::audit::entry(&run, &source);
            if let Some(path) = audit {
                if let Err(e) = crate::fleet::audit::append(&path, &entry) {
                    tracing::warn!(error = %e, "the fleet audit log could not be written");
                }
            }
            let _ = done_sender.send(run);
        });
        self.push_lines.clear();
        self.push_done = None;
        self.push_job = Some(PushJob { lines, done });
    }

    /// What the tab shows, as text: the status table, the comparison and the push's lines.
    #[must_use]
    pub fn report(&self) -> Option<String> {
        let mut text = String::new();
        if let Some((answers, _)) = &self.status {
            text.push_str(&crate::fleet::report::status_text(answers));
        }
        if let Some(Ok(comparison)) = &self.comparison {
            text.push_str(&crate::fleet::report::diff_text(comparison, false));
        }
        for line in &self.push_lines {
            text.push_str(line);
            text.push('\n');
        }
        (!text.is_empty()).then_some(text)
    }

    /// Whether a job is running.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.status_job.is_some() || self.compare_job.is_some() || self.push_job.is_some()
    }

    fn poll(&mut self) {
        if let Some(job) = &self.status_job {
            if let Ok(answers) = job.receiver.try_recv() {
                self.status = Some((answers, job.started.elapsed()));
                self.status_job = None;
            }
        }
        if let Some(job) = &self.compare_job {
            if let Ok(result) = job.receiver.try_recv() {
                self.comparison = Some(result);
                self.compare_job = None;
            }
        }
        if let Some(job) = &self.push_job {
            while let Ok(line) = job.lines.try_recv() {
                self.push_lines.push(line);
            }
            if let Ok(run) = job.done.try_recv() {
                while let Ok(line) = job.lines.try_recv() {
                    self.push_lines.push(line);
                }
                let applied = run.nodes.iter().filter(|n| n.result.applied()).count();
                self.push_lines.extend(run.refused.iter().map(|p| format!("refused here: {p}")));
                self.push_lines.push(format!("{applied} of {} node(s) run the new config", run.nodes.len()));
                self.push_done = Some(run);
                self.push_job = None;
                // What the nodes run now: the old status and comparison no longer hold.
                self.comparison = None;
                self.refresh();
            }
        }
    }

    /// Draws the tab.
    pub fn show(&mut self, ui: &mut Ui, palette: &Palette, source_name: &str) -> Option<FleetAction> {
        self.poll();
        if self.busy() {
            ui.ctx().request_repaint_after(Duration::from_millis(100));
        }
        let mut action = None;
        egui::ScrollArea::vertical().id_salt("fleet-scroll").auto_shrink([false, false]).show(ui, |ui| {
            action = self.file_row(ui, palette);
            self.nodes_editor(ui);
            ui.add_space(space::GAP);
            self.status_section(ui, palette);
            ui.add_space(space::GAP);
            self.compare_section(ui, palette);
            ui.add_space(space::GAP);
            if let Some(push) = self.push_section(ui, palette, source_name) {
                action = Some(push);
            }
        });
        action
    }

    fn file_row(&mut self, ui: &mut Ui, palette: &Palette) -> Option<FleetAction> {
        let mut action = None;
        ui.horizontal_wrapped(|ui| {
            let shown = self.file.as_ref().map_or_else(|| "no fleet file".to_owned(), |p| p.display().to_string());
            ui.label(RichText::new("Fleet file:").strong());
            ui.label(RichText::new(shown).monospace());
            if ui.button("Open…").on_hover_text("A fleet.toml, or an Ansible inventory (INI or YAML)").clicked() {
                action = Some(FleetAction::PickFile);
            }
            let toml = self.kind() == Some(InventoryKind::FleetToml);
            if self.edited && toml && ui.button("Save fleet file").clicked() {
                self.save();
            }
        });
        match &self.inventory {
            Some(Err(why)) => {
                ui.label(RichText::new(why).color(palette.error));
            }
            Some(Ok(inventory)) if inventory.kind != InventoryKind::FleetToml => {
                let mut note = "An Ansible inventory: hosts, groups (as tags), ansible_host, ansible_port and \
                                ansible_user are read; it is not edited here."
                    .to_owned();
                if !inventory.ignored.is_empty() {
                    note.push_str(&format!(" Ignored: {}.", inventory.ignored.join("; ")));
                }
                ui.add(egui::Label::new(RichText::new(note).weak()).wrap());
            }
            _ => {}
        }
        if let Some(message) = &self.message {
            ui.label(RichText::new(message).color(palette.warning));
        }
        action
    }

    fn kind(&self) -> Option<InventoryKind> {
        self.inventory.as_ref().and_then(|i| i.as_ref().ok()).map(|i| i.kind)
    }

    fn save(&mut self) {
        let (Some(path), Some(Ok(inventory))) = (&self.file, &self.inventory) else { return };
        let text = inventory::to_fleet_toml(inventory.ssh_config.as_deref(), &self.nodes);
        let written = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(path, text));
        match written {
            Ok(()) => {
                let path = path.clone();
                self.open(path);
                self.message = Some("Saved.".to_owned());
            }
            Err(e) => self.message = Some(format!("{} could not be written: {e}", path.display())),
        }
    }

    fn nodes_editor(&mut self, ui: &mut Ui) {
        let editable = matches!(self.kind(), Some(InventoryKind::FleetToml));
        egui::CollapsingHeader::new(RichText::new(format!("Nodes ({})", self.nodes.len())).strong())
            .id_salt("fleet-nodes")
            .default_open(self.nodes.is_empty())
            .show(ui, |ui| {
                let mut remove = None;
                egui::Grid::new("fleet-nodes-grid")
                    .num_columns(8)
                    .striped(true)
                    .spacing([space::GAP, space::ITEM])
                    .show(ui, |ui| {
                        for heading in ["Name", "SSH destination", "Port", "User", "Install folder", "OS", "Tags", ""] {
                            ui.label(RichText::new(heading).strong());
                        }
                        ui.end_row();
                        for (i, node) in self.nodes.iter_mut().enumerate() {
                            let mut changed =
                                field(ui, editable, &mut node.name, 90.0, &format!("Name of node {}", i + 1));
                            changed |=
                                field(ui, editable, &mut node.ssh, 130.0, &format!("SSH destination of {}", node.name));
                            let mut port = node.port.map(|p| p.to_string()).unwrap_or_default();
                            if field(ui, editable, &mut port, 45.0, &format!("Port of {}", node.name)) {
                                node.port = port.trim().parse().ok();
                                changed = true;
                            }
                            let mut user = node.user.clone().unwrap_or_default();
                            if field(ui, editable, &mut user, 70.0, &format!("User of {}", node.name)) {
                                node.user = Some(user).filter(|u| !u.trim().is_empty());
                                changed = true;
                            }
                            let mut dir = node.install_dir.clone().unwrap_or_default();
                            if field(ui, editable, &mut dir, 140.0, &format!("Install folder of {}", node.name)) {
                                node.install_dir = Some(dir).filter(|d| !d.trim().is_empty());
                                changed = true;
                            }
                            let before = node.os;
                            ui.add_enabled_ui(editable, |ui| {
                                egui::ComboBox::from_id_salt(("fleet-os", i))
                                    .selected_text(node.os.map_or("detect", NodeOs::as_str))
                                    .show_ui(ui, |ui| {
                                        ui.selectable_value(&mut node.os, None, "detect");
                                        ui.selectable_value(&mut node.os, Some(NodeOs::Windows), "windows");
                                        ui.selectable_value(&mut node.os, Some(NodeOs::Linux), "linux");
                                    });
                            });
                            changed |= node.os != before;
                            let mut tags = node.tags.join(", ");
                            if field(ui, editable, &mut tags, 110.0, &format!("Tags of {}", node.name)) {
                                node.tags = tags
                                    .split(',')
                                    .map(str::trim)
                                    .filter(|t| !t.is_empty())
                                    .map(str::to_owned)
                                    .collect();
                                changed = true;
                            }
                            if ui.add_enabled(editable, egui::Button::new("Remove").small()).clicked() {
                                remove = Some(i);
                            }
                            self.edited |= changed;
                            ui.end_row();
                        }
                    });
                if let Some(i) = remove {
                    self.nodes.remove(i);
                    self.edited = true;
                }
                if editable && ui.button("Add node").clicked() {
                    let n = self.nodes.len() + 1;
                    self.nodes.push(Node {
                        name: format!("proxy-{n}"),
                        ssh: String::new(),
                        port: None,
                        user: None,
                        install_dir: None,
                        manager: None,
                        os: None,
                        tags: Vec::new(),
                    });
                    self.edited = true;
                }
            });
    }

    fn status_section(&mut self, ui: &mut Ui, palette: &Palette) {
        ui.horizontal(|ui| {
            let refresh = ui
                .add_enabled(self.status_job.is_none() && !self.nodes.is_empty(), egui::Button::new("Refresh status"));
            if refresh.on_hover_text("Ask every node at once over SSH").clicked() {
                self.refresh();
            }
            ui.label("each node within");
            ui.add(egui::DragValue::new(&mut self.timeout_secs).range(1..=120).suffix(" s"));
            if let Some(job) = &self.status_job {
                ui.spinner();
                ui.label(format!("asking… {:.0} s", job.started.elapsed().as_secs_f64()));
            } else if let Some((answers, took)) = &self.status {
                ui.label(
                    RichText::new(format!("{} node(s) asked in {:.1} s", answers.len(), took.as_secs_f64())).weak(),
                );
            }
        });
        let Some((answers, _)) = &self.status else { return };
        egui::Grid::new("fleet-status").num_columns(8).striped(true).spacing([space::GAP, space::ITEM]).show(
            ui,
            |ui| {
                for heading in
                    ["Push", "Node", "Reached", "Proxy", "Service", "Config", "Findings", "Last login, or the problem"]
                {
                    ui.label(RichText::new(heading).strong());
                }
                ui.end_row();
                for answer in answers {
                    let mut chosen = self.chosen.contains(&answer.name);
                    let pushable = answer.result.as_ref().is_ok_and(|a| a.route == Route::Manager);
                    let checkbox = ui.add_enabled(pushable, egui::Checkbox::without_text(&mut chosen));
                    let name = format!("Push to {}", answer.name);
                    checkbox.widget_info(|| egui::WidgetInfo::selected(egui::Role::CheckBox, true, chosen, &name));
                    if checkbox.changed() {
                        if chosen {
                            self.chosen.insert(answer.name.clone());
                        } else {
                            self.chosen.remove(&answer.name);
                        }
                    }
                    ui.label(RichText::new(&answer.name).monospace());
                    match &answer.result {
                        Ok(answered) => {
                            let status = &answered.status;
                            ui.label(answered.route.reached());
                            ui.label(status.proxy_version.as_deref().unwrap_or("unknown"));
                            let colour = match status.service.as_str() {
                                "running" => palette.passed,
                                "stopped" => palette.error,
                                _ => palette.warning,
                            };
                            ui.label(RichText::new(&status.service).color(colour));
                            ui.label(
                                RichText::new(status.config_sha256.as_deref().map_or("unreadable", |h| &h[..12]))
                                    .monospace(),
                            );
                            let findings = match answered.route {
                                Route::Manager => format!("{} errors, {} warnings", status.errors, status.warnings),
                                Route::ReadOnly => "not checked".to_owned(),
                            };
                            let colour = if status.errors > 0 { palette.error } else { palette.text };
                            ui.label(RichText::new(findings).color(colour));
                            let mut detail = status.last_login.as_ref().map_or_else(
                                || "no login in the log".to_owned(),
                                |l| format!("{} {} [{}]", l.time, l.user, l.section),
                            );
                            if let Some(problem) = &status.config_problem {
                                detail = problem.clone();
                            }
                            if let Some(error) = status.recent_errors.first() {
                                detail.push_str(&format!("\nlatest error: {error}"));
                            }
                            ui.add(egui::Label::new(detail).wrap());
                        }
                        Err(problem) => {
                            ui.label(RichText::new("no").color(palette.error));
                            for _ in 0..4 {
                                ui.label("");
                            }
                            ui.add(egui::Label::new(RichText::new(problem).color(palette.error)).wrap());
                        }
                    }
                    ui.end_row();
                }
            },
        );
    }

    fn compare_section(&mut self, ui: &mut Ui, palette: &Palette) {
        ui.horizontal(|ui| {
            let enabled = self.compare_job.is_none() && self.nodes.len() >= 2;
            if ui
                .add_enabled(enabled, egui::Button::new("Compare configs"))
                .on_hover_text(
                    "By section and key: comments, order, spacing and the case of keys ignored; secrets never shown",
                )
                .clicked()
            {
                self.compare();
            }
            if self.compare_job.is_some() {
                ui.spinner();
            }
        });
        match &self.comparison {
            None => {}
            Some(Err(why)) => {
                ui.label(RichText::new(why).color(palette.error));
            }
            Some(Ok(comparison)) => {
                let rows: Vec<_> = comparison.differences().collect();
                if rows.iter().all(|r| r.verdict != Verdict::Differs) {
                    ui.label(RichText::new("In step: nothing differs that should not.").color(palette.passed));
                }
                egui::Grid::new("fleet-diff")
                    .num_columns(comparison.nodes.len() + 2)
                    .striped(true)
                    .spacing([space::GAP, space::ITEM])
                    .show(ui, |ui| {
                        ui.label(RichText::new("Section / key").strong());
                        ui.label(RichText::new("").strong());
                        for node in &comparison.nodes {
                            ui.label(RichText::new(node).strong());
                        }
                        ui.end_row();
                        for row in rows {
                            let place = row
                                .key
                                .as_ref()
                                .map_or_else(|| format!("[{}]", row.section), |k| format!("[{}] {k}", row.section));
                            ui.label(RichText::new(place).monospace());
                            let (word, colour) = match row.verdict {
                                Verdict::Differs => ("differs", palette.error),
                                Verdict::ExpectedToDiffer => ("as expected", palette.gutter_text),
                                Verdict::ProtectedPerNode => ("per node", palette.gutter_text),
                                Verdict::Same => ("same", palette.gutter_text),
                            };
                            let label = ui.label(RichText::new(word).color(colour));
                            if let Some(note) = row.note {
                                label.on_hover_text(note);
                            }
                            for cell in &row.cells {
                                ui.label(cell_text(cell));
                            }
                            ui.end_row();
                        }
                    });
            }
        }
    }

    fn push_section(&mut self, ui: &mut Ui, palette: &Palette, source_name: &str) -> Option<FleetAction> {
        let mut action = None;
        let targets: Vec<String> = self.chosen.iter().cloned().collect();
        ui.horizontal_wrapped(|ui| {
            let enabled = self.push_job.is_none() && !targets.is_empty() && self.confirming.is_none();
            let push = ui.add_enabled(enabled, egui::Button::new(format!("Push {source_name} to the checked nodes…")));
            let push = if targets.is_empty() {
                push.on_disabled_hover_text("Refresh, then check the nodes to update in the status grid")
            } else {
                push.on_hover_text("One node at a time; a node that fails is rolled back and the rest are left alone")
            };
            if push.clicked() {
                self.confirming = Some(targets.clone());
            }
            ui.checkbox(&mut self.check_after_push, "run the connectivity check after each restart");
        });
        if let Some(confirming) = self.confirming.clone() {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!(
                        "Push {source_name} to {} one at a time, restarting each proxy?",
                        confirming.join(", then ")
                    ))
                    .color(palette.warning),
                );
                if ui.button("Push now").clicked() {
                    action = Some(FleetAction::Push(confirming.clone()));
                    self.confirming = None;
                }
                if ui.button("Cancel").clicked() {
                    self.confirming = None;
                }
            });
        }
        if self.push_job.is_some() {
            ui.spinner();
        }
        for line in &self.push_lines {
            let colour = if line.contains("APPLIED") {
                palette.passed
            } else if line.contains("ROLL") || line.contains("FAILED") || line.contains("REFUSED") {
                palette.error
            } else {
                palette.text
            };
            ui.add(egui::Label::new(RichText::new(line).monospace().color(colour)).wrap());
        }
        action
    }
}

fn field(ui: &mut Ui, editable: bool, text: &mut String, width: f32, name: &str) -> bool {
    let height = ui.spacing().interact_size.y;
    let response =
        ui.add_enabled_ui(editable, |ui| ui.add_sized([width, height], egui::TextEdit::singleline(text))).inner;
    let described = name.to_owned();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, &described));
    response.changed()
}

fn cell_text(cell: &Cell) -> String {
    match cell {
        Cell::Missing => "(not set)".to_owned(),
        Cell::Present => "present".to_owned(),
        Cell::Value(v) => crate::logfile::display_text(v.as_bytes()),
        Cell::Secret(letter) => format!("secret {letter}"),
        Cell::Protected => "protected there".to_owned(),
    }
}
