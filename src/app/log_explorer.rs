//! The Log tab: every proxy log of the install read into requests (or lines), filtered, with a
//! request's timeline and its known failures beside the table, a chart of outcomes per minute,
//! live updates, and a redacted bundle for support. Indexing runs off the UI thread; the table
//! draws only the rows in view, so a million lines scroll at full speed.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};
use notify::{RecursiveMode, Watcher as _};

use super::output::PanelAction;
use super::theme::space;
use super::theme::Palette;
use crate::config::Document;
use crate::logfile::catalogue::config_lines;
use crate::logfile::export::{self, Redaction};
use crate::logfile::filter::{parse_time, ClientMatch, Matches, MinuteCounts, Query, Summary, TimeContext};
use crate::logfile::{EntryId, Level, LogIndex, Outcome, Request, Timestamp};

/// Requests or lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// One row per request.
    Requests,
    /// One row per log entry.
    Lines,
}

/// What the filter row holds, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filters {
    user: String,
    client: String,
    section: String,
    text: String,
    since: String,
    until: String,
    outcomes: Vec<Outcome>,
    errors_only: bool,
    noise: bool,
}

/// The outcomes offered as filter toggles.
const OUTCOME_FILTERS: [(Outcome, &str); 4] = [
    (Outcome::Accept, "accepted"),
    (Outcome::Reject, "rejected"),
    (Outcome::Timeout, "timed out"),
    (Outcome::Error, "failed"),
];

/// The export row's state.
struct ExportForm {
    path: String,
    users: bool,
    addresses: bool,
}

/// The log explorer of one log folder.
pub struct LogExplorer {
    dir: PathBuf,
    index: Option<Arc<LogIndex>>,
    loading: Option<Receiver<std::io::Result<LogIndex>>>,
    problem: Option<String>,
    changes: Option<Receiver<()>>,
    _watcher: Option<notify::RecommendedWatcher>,
    watch_problem: Option<String>,
    stale_since: Option<Instant>,
    repaint: Arc<dyn Fn() + Send + Sync>,
    view: View,
    /// The Lines view was chosen because there were no requests (not by the user).
    lines_by_default: bool,
    filters: Filters,
    /// The filters and index the matches were computed for.
    matched_for: Option<(Filters, usize)>,
    matches: Matches,
    summary: Summary,
    filter_problem: Option<String>,
    /// The log's offset from UTC, for times shown.
    log_offset: i16,
    generation: usize,
    selected_request: Option<usize>,
    selected_line: Option<EntryId>,
    export: Option<ExportForm>,
    export_job: Option<Receiver<String>>,
    export_result: Option<String>,
}

/// Changes closer together than this are read once.
const SETTLE: Duration = Duration::from_millis(300);

impl LogExplorer {
    /// Reads the logs in `dir` and follows them; `repaint` runs (from any thread) when there is
    /// something new to show.
    #[must_use]
    pub fn watch(dir: PathBuf, repaint: impl Fn() + Send + Sync + 'static) -> Self {
        let repaint: Arc<dyn Fn() + Send + Sync> = Arc::new(repaint);
        let (sender, receiver) = mpsc::channel();
        let on_change = Arc::clone(&repaint);
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|e| !e.kind.is_access()) {
                let _ = sender.send(());
                on_change();
            }
        })
        .and_then(|mut w| w.watch(&dir, RecursiveMode::NonRecursive).map(|()| w));
        let (watcher, changes, watch_problem) = match watcher {
            Ok(w) => (Some(w), Some(receiver), None),
            Err(e) => (None, None, Some(format!("Not following {} live: {e}", dir.display()))),
        };
        let mut explorer = Self {
            dir,
            index: None,
            loading: None,
            problem: None,
            changes,
            _watcher: watcher,
            watch_problem,
            stale_since: None,
            repaint,
            view: View::Requests,
            lines_by_default: false,
            filters: Filters::default(),
            matched_for: None,
            matches: Matches::default(),
            summary: Summary::default(),
            filter_problem: None,
            log_offset: 0,
            generation: 0,
            selected_request: None,
            selected_line: None,
            export: None,
            export_job: None,
            export_result: None,
        };
        explorer.stale_since = Some(Instant::now() - SETTLE);
        explorer
    }

    /// The folder read.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the logs are being read.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.loading.is_some() || self.stale_since.is_some()
    }

    /// The index shown, once read.
    #[must_use]
    pub fn index(&self) -> Option<&LogIndex> {
        self.index.as_deref()
    }

    /// What the current filters match.
    #[must_use]
    pub fn matches(&self) -> &Matches {
        &self.matches
    }

    /// Reads the folder again, off the UI thread.
    pub fn reload(&mut self) {
        let (sender, receiver) = mpsc::channel();
        let dir = self.dir.clone();
        let repaint = Arc::clone(&self.repaint);
        std::thread::spawn(move || {
            let _ = sender.send(LogIndex::read_dir(&dir));
            repaint();
        });
        self.loading = Some(receiver);
        self.stale_since = None;
    }

    /// Call once per frame: takes a finished index, and re-reads after the files changed.
    pub fn update(&mut self) {
        if let Some(receiver) = &self.loading {
            match receiver.try_recv() {
                Ok(result) => {
                    self.loading = None;
                    match result {
                        Ok(index) => {
                            self.index = Some(Arc::new(index));
                            self.problem = None;
                            self.generation += 1;
                        }
                        Err(e) => {
                            self.problem = Some(format!("Cannot read the log folder {}: {e}", self.dir.display()));
                            self.index = None;
                        }
                    }
                }
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => self.loading = None,
            }
        }
        if self.changes.as_ref().is_some_and(|c| c.try_iter().count() > 0) {
            self.mark_stale();
        }
        if self.stale_since.is_some_and(|since| since.elapsed() >= SETTLE) && self.loading.is_none() {
            self.reload();
        }
    }

    /// The files changed: they are read again once they settle.
    pub fn mark_stale(&mut self) {
        if self.stale_since.is_none() {
            self.stale_since = Some(Instant::now());
            let repaint = Arc::clone(&self.repaint);
            std::thread::spawn(move || {
                std::thread::sleep(SETTLE);
                repaint();
            });
        }
    }

    fn refilter(&mut self) {
        let Some(index) = self.index.clone() else { return };
        if self.matched_for.as_ref().is_some_and(|(f, g)| *f == self.filters && *g == self.generation) {
            return;
        }
        self.matched_for = Some((self.filters.clone(), self.generation));
        self.log_offset = TimeContext::of(&index).offset_minutes;
        match self.query(&index) {
            Ok(query) => {
                self.filter_problem = None;
                self.matches = query.run(&index);
                self.summary = Summary::of(&index, &self.matches.requests);
            }
            Err(problem) => {
                self.filter_problem = Some(problem);
                self.matches = Matches::default();
                self.summary = Summary::default();
            }
        }
    }

    fn query(&self, index: &LogIndex) -> Result<Query, String> {
        let f = &self.filters;
        let context = TimeContext::of(index);
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let time = |s: &str| text(s).map(|t| parse_time(&t, &context)).transpose();
        Ok(Query {
            user: text(&f.user),
            client: text(&f.client).map(|c| c.parse::<ClientMatch>()).transpose()?,
            section: text(&f.section),
            outcomes: f.outcomes.clone(),
            min_level: f.errors_only.then_some(Level::Warning),
            since: time(&f.since)?,
            until: time(&f.until)?,
            text: text(&f.text),
            show_noise: f.noise,
        })
    }

    /// Sets the user filter.
    pub fn filter_user(&mut self, user: &str) {
        user.clone_into(&mut self.filters.user);
    }

    /// Shows requests or lines.
    pub fn set_view(&mut self, view: View) {
        self.view = view;
        self.lines_by_default = false;
    }

    /// Shows or folds the routine lines (directory-sync summaries, packet dumps, config dumps).
    pub fn show_routine_lines(&mut self, show: bool) {
        self.filters.noise = show;
    }

    /// The Log tab; `doc` is the config the explanations point into.
    pub fn show(&mut self, ui: &mut Ui, palette: &Palette, doc: &Document, config_name: &str) -> Option<PanelAction> {
        self.update();
        self.header(ui);
        if let Some(problem) = &self.problem {
            ui.label(RichText::new(problem).color(palette.error));
            return None;
        }
        let Some(index) = self.index.clone() else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(format!("Reading the logs in {}…", self.dir.display()));
            });
            return None;
        };
        if index.files.is_empty() {
            ui.label(format!(
                "There are no proxy logs in {}. The proxy writes authproxy.log there when it runs; \
                 [main] log_dir moves it.",
                self.dir.display()
            ));
            return None;
        }
        self.filter_row(ui);
        self.refilter();
        if let Some(problem) = &self.filter_problem {
            ui.label(RichText::new(problem).color(palette.error));
        }
        self.export_row(ui, &index, doc);
        self.summary_row(ui);
        // A log without requests yet (a proxy just started) shows its lines.
        if self.view == View::Requests && index.requests.is_empty() {
            ui.label(RichText::new("No requests in these logs yet; their lines follow.").weak());
            self.view = View::Lines;
            self.lines_by_default = true;
        } else if self.lines_by_default && !index.requests.is_empty() {
            self.view = View::Requests;
            self.lines_by_default = false;
        }
        let mut action = None;
        let detail_open = match self.view {
            View::Requests => self.selected_request.is_some(),
            View::Lines => self.selected_line.is_some(),
        };
        if detail_open {
            egui::Panel::bottom("log-detail").resizable(true).default_size(ui.available_height() * 0.45).show(
                ui,
                |ui| {
                    egui::ScrollArea::vertical().id_salt("log-detail-scroll").auto_shrink([false, false]).show(
                        ui,
                        |ui| {
                            action = self.detail(ui, &index, palette, doc, config_name);
                        },
                    );
                },
            );
        }
        match self.view {
            View::Requests => self.request_table(ui, &index, palette),
            View::Lines => self.line_table(ui, &index, palette),
        }
        action
    }

    fn header(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            let before = self.view;
            ui.selectable_value(&mut self.view, View::Requests, "Requests");
            ui.selectable_value(&mut self.view, View::Lines, "Lines");
            if self.view != before {
                self.lines_by_default = false;
            }
            ui.separator();
            if self.busy() {
                ui.spinner();
            }
            let mut about = format!("Logs in {}", self.dir.display());
            if let Some(index) = &self.index {
                about.push_str(&format!(
                    " · {} files, {} lines, {} requests",
                    index.files.len(),
                    index.order.len(),
                    index.requests.len()
                ));
            }
            ui.label(RichText::new(about).weak());
            if let Some(problem) = &self.watch_problem {
                ui.label(RichText::new(problem).weak());
            }
        });
    }

    fn filter_row(&mut self, ui: &mut Ui) {
        let f = &mut self.filters;
        ui.horizontal_wrapped(|ui| {
            for (name, value, hint, width) in [
                ("User", &mut f.user, "alice", 90.0),
                ("Client", &mut f.client, "10.0.0.0/24", 100.0),
                ("Section", &mut f.section, "radius_server_auto", 120.0),
                ("Search", &mut f.text, "text in a line", 120.0),
                ("Since", &mut f.since, "09:00, 2h, 2023-01-11", 100.0),
                ("Until", &mut f.until, "2023-01-11T10:00", 100.0),
            ] {
                let label = ui.label(name);
                ui.add(egui::TextEdit::singleline(value).hint_text(hint).desired_width(width)).labelled_by(label.id);
            }
        });
        ui.horizontal_wrapped(|ui| {
            for (outcome, label) in OUTCOME_FILTERS {
                let mut on = f.outcomes.contains(&outcome);
                if ui.checkbox(&mut on, label).changed() {
                    f.outcomes.retain(|o| *o != outcome);
                    if on {
                        f.outcomes.push(outcome);
                    }
                }
            }
            ui.separator();
            ui.checkbox(&mut f.errors_only, "warnings and errors")
                .on_hover_text("Lines view: hide info and debug lines");
            ui.checkbox(&mut f.noise, "show routine lines").on_hover_text(
                "Directory-sync summaries, packet dumps, start-up config dumps and LDAP traces are folded away",
            );
            if ui.button("Clear").clicked() {
                *f = Filters::default();
            }
        });
    }

    fn export_row(&mut self, ui: &mut Ui, index: &Arc<LogIndex>, doc: &Document) {
        if let Some(done) = self.export_job.as_ref().and_then(|job| job.try_recv().ok()) {
            self.export_result = Some(done);
            self.export_job = None;
        }
        ui.horizontal_wrapped(|ui| {
            if ui.button("Export for support…").clicked() && self.export.is_none() {
                let name = format!("authproxy-support-{}.zip", file_stamp());
                let folder = std::env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
                    .map_or_else(std::env::temp_dir, PathBuf::from);
                self.export =
                    Some(ExportForm { path: folder.join(name).display().to_string(), users: false, addresses: false });
            }
            if ui
                .button("Copy as JSON lines")
                .on_hover_text("The requests shown, one JSON object each, for a SIEM")
                .clicked()
            {
                ui.ctx().copy_text(export::json_lines(index, &self.matches.requests, None));
                self.export_result = Some(format!("{} requests copied as JSON lines.", self.matches.requests.len()));
            }
            if let Some(result) = &self.export_result {
                ui.label(RichText::new(result).weak());
            }
        });
        let mut close = false;
        if let Some(form) = &mut self.export {
            ui.group(|ui| {
                ui.label("A zip of every log and the config, each secret masked. Pseudonyms stay the same across the bundle.");
                ui.horizontal(|ui| {
                    let label = ui.label("Bundle file");
                    ui.add(egui::TextEdit::singleline(&mut form.path).desired_width(320.0)).labelled_by(label.id);
                });
                ui.checkbox(&mut form.users, "Replace user names");
                ui.checkbox(&mut form.addresses, "Replace IP addresses");
                ui.horizontal(|ui| {
                    if ui.button("Write bundle").clicked() {
                        let options = Redaction { users: form.users, addresses: form.addresses };
                        let path = PathBuf::from(form.path.trim());
                        let (sender, receiver) = mpsc::channel();
                        let (index, doc, repaint) = (Arc::clone(index), doc.clone(), Arc::clone(&self.repaint));
                        // A bundle of 100 MB of logs takes seconds: off the UI thread.
                        std::thread::spawn(move || {
                            let _ = sender.send(match export::write_bundle(&index, Some(&doc), options, &path) {
                                Ok(report) => format!("Wrote {} ({} files).", report.path.display(), report.files.len()),
                                Err(e) => format!("Cannot write {}: {e}. Choose another file.", path.display()),
                            });
                            repaint();
                        });
                        self.export_job = Some(receiver);
                        self.export_result = Some("Writing the bundle…".to_owned());
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        }
        if close {
            self.export = None;
        }
    }

    fn summary_row(&self, ui: &mut Ui) {
        let counts: Vec<String> = self.summary.outcomes.iter().map(|(o, n)| format!("{n} {o}")).collect();
        let mut text = match self.view {
            View::Requests => format!("{} requests: {}", self.matches.requests.len(), counts.join(", ")),
            View::Lines => format!("{} lines ({} routine lines folded)", self.matches.lines.len(), self.matches.folded),
        };
        if self.summary.duplicates > 0 {
            text.push_str(&format!("; {} retransmission(s)", self.summary.duplicates));
        }
        ui.label(text);
        for (section, (time, user)) in &self.summary.last_success {
            ui.label(RichText::new(format!("Last successful login in {section}: {} ({user})", local(*time))).weak());
        }
        if self.summary.per_minute.len() > 1 {
            self.chart(ui);
        }
    }

    /// Outcomes over time, stacked, in buckets of 1 minute up to a day so that a day of logs
    /// reads as well as a burst.
    fn chart(&self, ui: &mut Ui) {
        let per_minute = &self.summary.per_minute;
        let (Some(first), Some(last)) = (per_minute.keys().next(), per_minute.keys().next_back()) else { return };
        let bucket = [1, 5, 15, 60, 360, 1440].into_iter().find(|b| (last - first) / b <= 150).unwrap_or(1440);
        let mut buckets: std::collections::BTreeMap<i64, MinuteCounts> = std::collections::BTreeMap::new();
        for (minute, counts) in per_minute {
            let sum = buckets.entry(minute.div_euclid(bucket) * bucket).or_default();
            sum.accepts += counts.accepts;
            sum.rejects += counts.rejects;
            sum.timeouts += counts.timeouts;
            sum.errors += counts.errors;
        }
        let series = |name: &str, colour: Color32, value: fn(&MinuteCounts) -> u32| {
            let bars: Vec<Bar> = buckets
                .iter()
                .map(|(start, counts)| {
                    Bar::new((start + bucket / 2) as f64, f64::from(value(counts))).width(bucket as f64 * 0.9)
                })
                .collect();
            BarChart::new(name, bars).color(colour)
        };
        let accepts = series("accept", Color32::from_rgb(0x2e, 0xa0, 0x43), |c| c.accepts);
        let rejects = series("reject", Color32::from_rgb(0xd7, 0x3a, 0x49), |c| c.rejects).stack_on(&[&accepts]);
        let timeouts =
            series("timeout", Color32::from_rgb(0xd2, 0x99, 0x22), |c| c.timeouts).stack_on(&[&accepts, &rejects]);
        let errors = series("error", Color32::from_rgb(0x8b, 0x5c, 0xf6), |c| c.errors)
            .stack_on(&[&accepts, &rejects, &timeouts]);
        let offset = self.log_offset;
        let label = move |minute: f64| {
            let moment = Timestamp { utc_micros: (minute as i64).saturating_mul(60_000_000), offset_minutes: offset };
            let text = local(moment);
            if bucket >= 1440 {
                text[5..10].to_owned()
            } else {
                text[11..16].to_owned()
            }
        };
        ui.label(RichText::new(format!("Outcomes per {}", bucket_name(bucket))).weak());
        Plot::new("log-outcomes")
            .height(90.0)
            .legend(Legend::default())
            .allow_scroll(false)
            .show_axes([true, true])
            .x_axis_formatter(move |mark, _| label(mark.value))
            .show(ui, |plot| {
                plot.bar_chart(accepts);
                plot.bar_chart(rejects);
                plot.bar_chart(timeouts);
                plot.bar_chart(errors);
            });
    }

    fn request_table(&mut self, ui: &mut Ui, index: &LogIndex, palette: &Palette) {
        let rows = self.matches.requests.len();
        if rows == 0 {
            ui.label("No request matches.");
            return;
        }
        let header = format!("{:<19}  {:<7} {:<16} {:<15} section  took", "time", "outcome", "user", "client");
        ui.label(RichText::new(header).monospace().weak());
        let height = ui.text_style_height(&egui::TextStyle::Monospace) + 6.0;
        egui::ScrollArea::vertical().id_salt("log-requests").auto_shrink([false, false]).show_rows(
            ui,
            height,
            rows,
            |ui, range| {
                for row in range {
                    let position = self.matches.requests[row] as usize;
                    let request = &index.requests[position];
                    let text = RichText::new(request_row(request)).monospace().color(outcome_colour(
                        request.outcome,
                        palette,
                        ui,
                    ));
                    let selected = self.selected_request == Some(position);
                    if ui
                        .add(egui::Button::selectable(selected, text).wrap_mode(egui::TextWrapMode::Truncate))
                        .clicked()
                    {
                        self.selected_request = if selected { None } else { Some(position) };
                    }
                }
            },
        );
    }

    fn line_table(&mut self, ui: &mut Ui, index: &LogIndex, palette: &Palette) {
        let rows = self.matches.lines.len();
        if rows == 0 {
            ui.label("No line matches.");
            return;
        }
        let height = ui.text_style_height(&egui::TextStyle::Monospace) + 6.0;
        egui::ScrollArea::vertical().id_salt("log-lines").auto_shrink([false, false]).stick_to_bottom(true).show_rows(
            ui,
            height,
            rows,
            |ui, range| {
                for row in range {
                    let id = self.matches.lines[row];
                    let entry = index.entry(id);
                    let first = shown(entry.bytes()).lines().next().unwrap_or_default().to_owned();
                    let text = RichText::new(first).monospace().color(level_colour(entry.level(), palette, ui));
                    let selected = self.selected_line == Some(id);
                    if ui
                        .add(egui::Button::selectable(selected, text).wrap_mode(egui::TextWrapMode::Truncate))
                        .clicked()
                    {
                        self.selected_line = if selected { None } else { Some(id) };
                    }
                }
            },
        );
    }

    fn detail(
        &mut self,
        ui: &mut Ui,
        index: &LogIndex,
        palette: &Palette,
        doc: &Document,
        config_name: &str,
    ) -> Option<PanelAction> {
        if self.view == View::Lines {
            let id = self.selected_line?;
            let entry = index.entry(id);
            ui.label(RichText::new(format!("{} line {}", entry.file.display_name(), entry.line_number())).strong());
            ui.add(
                egui::Label::new(RichText::new(shown(entry.bytes())).monospace()).wrap_mode(egui::TextWrapMode::Wrap),
            );
            let request = index.requests.iter().position(|r| r.entries.contains(&id));
            if let Some(position) = request {
                if ui.link("Show its request").clicked() {
                    self.view = View::Requests;
                    self.selected_request = Some(position);
                }
            }
            return None;
        }
        let request = index.requests.get(self.selected_request?)?;
        let mut action = None;
        ui.label(RichText::new(request_row(request)).strong().color(outcome_colour(request.outcome, palette, ui)));
        if let Some(reason) = &request.reason {
            ui.label(format!("Reason: {reason}"));
        }
        let mut explained: Vec<&str> = Vec::new();
        for (_, signature) in index.findings_of(request) {
            if explained.contains(&signature.id) {
                continue;
            }
            explained.push(signature.id);
            ui.add_space(space::ITEM);
            ui.label(RichText::new(signature.title).strong().color(palette.error));
            ui.label(signature.explanation);
            ui.label(RichText::new(format!("What to do: {}", signature.fix)).italics());
            for line in config_lines(signature.config, doc, request.section.as_deref()) {
                let what = line
                    .key
                    .as_deref()
                    .map_or_else(|| format!("[{}]", line.section), |k| format!("[{}] {k}", line.section));
                if ui
                    .link(format!("{config_name}:{}  {what}", line.line + 1))
                    .on_hover_text("Show this line in the editor")
                    .clicked()
                {
                    action = Some(PanelAction::Jump(line.range));
                }
            }
        }
        if let Some(first) = request.phases.first() {
            ui.label(RichText::new("Timeline").strong());
            let mut previous = first.utc_micros;
            for phase in &request.phases {
                let step = format!("+{:>8}  {}", duration(phase.utc_micros - previous), phase.kind.label());
                let colour = if phase.kind == crate::logfile::PhaseKind::Duplicate {
                    palette.warning
                } else {
                    ui.visuals().text_color()
                };
                ui.label(RichText::new(step).monospace().color(colour));
                previous = phase.utc_micros;
            }
            if let Some(total) = request.duration_micros() {
                ui.label(RichText::new(format!("{} from the first line to the last", duration(total))).weak());
            }
        }
        ui.add_space(space::ITEM);
        ui.label(RichText::new(format!("Its {} lines", request.entries.len())).strong());
        for &id in &request.entries {
            let entry = index.entry(id);
            let text = RichText::new(shown(entry.bytes())).monospace().color(level_colour(entry.level(), palette, ui));
            ui.add(egui::Label::new(text).wrap_mode(egui::TextWrapMode::Wrap));
        }
        action
    }
}

fn shown(bytes: &[u8]) -> String {
    crate::logfile::display_text(bytes)
}

fn request_row(request: &Request) -> String {
    let when = request.start.map_or_else(|| "(no time)".to_owned(), local);
    let client = request.client.map(|c| c.to_string()).unwrap_or_default();
    let took = request.duration_micros().map(duration).unwrap_or_default();
    let duplicates = if request.duplicates > 0 { format!("  ×{} dup", request.duplicates) } else { String::new() };
    format!(
        "{when}  {:<7} {:<16} {:<15} {}  {took}{duplicates}",
        request.outcome.name(),
        request.user.as_deref().unwrap_or("-"),
        client,
        request.section.as_deref().unwrap_or("-"),
    )
}

/// A moment as the log wrote it (its own offset), to the second.
fn local(time: Timestamp) -> String {
    let shifted = Timestamp {
        utc_micros: time.utc_micros.saturating_add(i64::from(time.offset_minutes) * 60_000_000),
        offset_minutes: 0,
    };
    let text = shifted.to_string();
    text.split(['.', 'Z']).next().unwrap_or(&text).replacen('T', " ", 1)
}

fn bucket_name(minutes: i64) -> String {
    match minutes {
        1 => "minute".to_owned(),
        60 => "hour".to_owned(),
        1440 => "day".to_owned(),
        m if m % 60 == 0 => format!("{} hours", m / 60),
        m => format!("{m} minutes"),
    }
}

fn duration(micros: i64) -> String {
    if micros < 1_000_000 {
        format!("{} ms", micros / 1000)
    } else {
        format!("{:.1} s", micros as f64 / 1e6)
    }
}

fn file_stamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(0));
    let text = Timestamp { utc_micros: now, offset_minutes: 0 }.to_string();
    text.chars().filter(char::is_ascii_digit).take(12).collect()
}

fn outcome_colour(outcome: Outcome, palette: &Palette, ui: &Ui) -> Color32 {
    match outcome {
        Outcome::Reject | Outcome::Error => palette.error,
        Outcome::Timeout => palette.warning,
        _ => ui.visuals().text_color(),
    }
}

fn level_colour(level: Level, palette: &Palette, ui: &Ui) -> Color32 {
    match level {
        Level::Error => palette.error,
        Level::Warning => palette.warning,
        Level::Debug => ui.visuals().weak_text_color(),
        Level::Info => ui.visuals().text_color(),
    }
}
