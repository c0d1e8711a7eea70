//! The Connectivity tab: every probe of a run as a row of a grid (where, verdict or a spinner
//! while it runs, what, how long, and what happened, which alone wraps: the step that failed and
//! what to do), its steps with durations and coloured verdicts folded below, Cancel and Copy
//! report. The probes run on their own thread; events arrive through a channel.

use std::path::Path;
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Color32, RichText, Ui};

use super::output::PanelAction;
use super::theme::space;
use super::theme::Palette;
use crate::config::Document;
use crate::connectivity::{
    self, report, runner, Cancel, Event, Probe, ProbeResult, StepKind, StepOutcome, StepResult, Verdict,
};
use crate::secrets::Protector;
use crate::text::TextRange;

/// One probe as the tab shows it.
struct Row {
    probe: Probe,
    running: Option<StepKind>,
    steps: Vec<StepResult>,
    result: Option<ProbeResult>,
}

/// A run in progress or finished.
struct Run {
    file: String,
    /// What was tested, when it was not the file as saved.
    unsaved: bool,
    rows: Vec<Row>,
    started: Instant,
    finished: Option<Duration>,
    cancel: Cancel,
    events: Receiver<Event>,
}

/// The tab's state.
#[derive(Default)]
pub struct ChecksUi {
    run: Option<Run>,
    /// Counts runs, so each run's rows get fresh collapsing state.
    generation: u64,
}

impl ChecksUi {
    /// Starts probing `doc` (from `path`, which locates relative CA files) with the rules of
    /// `proxy_version`; returns how many probes run, or why nothing can be tested.
    ///
    /// # Errors
    /// A sentence for the Output tab when the document names nothing to test.
    pub fn start(
        &mut self,
        doc: &Document,
        path: Option<&Path>,
        proxy_version: Option<crate::schema::ProxyVersion>,
        unsaved: bool,
        protector: Arc<dyn Protector>,
        ctx: &egui::Context,
    ) -> Result<usize, String> {
        if let Some(run) = &self.run {
            run.cancel.cancel();
        }
        let install_dir = path.and_then(crate::config::file::inferred_install_dir);
        let probes = connectivity::build_plan(doc, install_dir.as_deref(), proxy_version);
        if probes.is_empty() {
            return Err("Nothing to test: the file has no [ad_client] host, [radius_client] host, api_host or [main] http_proxy_host.".into());
        }
        let (sender, events) = channel();
        let repaint = ctx.clone();
        let sink: runner::EventSink = Arc::new(move |event| {
            let _ = sender.send(event);
            repaint.request_repaint();
        });
        let cancel = Cancel::default();
        let (plan, stop) = (probes.clone(), cancel.clone());
        std::thread::Builder::new()
            .name("connectivity".into())
            .spawn(move || {
                if let Err(e) = runner::run(&plan, protector, sink, stop) {
                    tracing::error!("connectivity checks could not start: {e}");
                }
            })
            .map_err(|e| format!("The checks could not start a thread: {e}"))?;
        let count = probes.len();
        self.generation += 1;
        self.run = Some(Run {
            file: path.map_or_else(|| "(unsaved)".into(), |p| p.display().to_string()),
            unsaved,
            rows: probes
                .into_iter()
                .map(|probe| Row { probe, running: None, steps: Vec::new(), result: None })
                .collect(),
            started: Instant::now(),
            finished: None,
            cancel,
            events,
        });
        Ok(count)
    }

    /// Takes in the events that arrived; returns the summary line when the run just ended.
    pub fn poll(&mut self) -> Option<String> {
        let run = self.run.as_mut()?;
        let mut just_finished = false;
        while let Ok(event) = run.events.try_recv() {
            match event {
                Event::Started { .. } => {}
                Event::StepStarted { index, step } => {
                    if let Some(row) = run.rows.get_mut(index) {
                        row.running = Some(step);
                    }
                }
                Event::Step { index, result } => {
                    if let Some(row) = run.rows.get_mut(index) {
                        row.running = None;
                        row.steps.push(result);
                    }
                }
                Event::Finished { index, result } => {
                    if let Some(row) = run.rows.get_mut(index) {
                        row.running = None;
                        row.steps.clone_from(&result.steps);
                        row.result = Some(*result);
                    }
                    just_finished = run.finished.is_none() && run.rows.iter().all(|r| r.result.is_some());
                }
            }
        }
        if !just_finished {
            return None;
        }
        run.finished = Some(run.started.elapsed());
        Some(run.summary())
    }

    /// Whether probes are still running.
    #[must_use]
    pub fn running(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.finished.is_none())
    }

    /// The finished results as a text report (what Copy report copies).
    #[must_use]
    pub fn report(&self) -> Option<String> {
        let run = self.run.as_ref()?;
        let results: Vec<ProbeResult> = run.rows.iter().filter_map(|r| r.result.clone()).collect();
        let file = if run.unsaved { format!("{} (the editor's unsaved text)", run.file) } else { run.file.clone() };
        Some(report::text(&file, &results, run.finished.unwrap_or_else(|| run.started.elapsed())))
    }

    /// Draws the tab; `line_range` turns a 0-based line into the range to jump to.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        palette: &Palette,
        line_range: impl Fn(usize) -> Option<TextRange>,
    ) -> Option<PanelAction> {
        let Some(run) = &self.run else {
            ui.label(RichText::new("Press Test connectivity (F6) to try every LDAP server, Duo API host, RADIUS server and proxy in this file, all at once.").weak());
            return None;
        };
        let mut action = None;
        if run.unsaved {
            ui.label(
                RichText::new("Tested the editor's text, with its unsaved changes, not the file on disk.")
                    .color(palette.warning),
            );
        }
        ui.horizontal(|ui| {
            if run.finished.is_none() {
                ui.spinner();
                let done = run.rows.iter().filter(|r| r.result.is_some()).count();
                ui.label(format!(
                    "{done} of {} probes done, {:.1} s",
                    run.rows.len(),
                    run.started.elapsed().as_secs_f64()
                ));
                if ui.button("Cancel").on_hover_text("Stop the probes still running").clicked() {
                    run.cancel.cancel();
                }
            } else {
                ui.label(run.summary());
            }
            if ui.button("Copy report").on_hover_text("Copy the results as text (no secrets) (Ctrl+Shift+C)").clicked()
            {
                action = Some(PanelAction::CopyReport);
            }
        });
        ui.separator();
        egui::ScrollArea::vertical().id_salt("checks-scroll").auto_shrink([false, false]).show(ui, |ui| {
            // One row per probe: where, verdict, how long, then what and what happened, which alone wraps.
            egui::Grid::new(("probes", self.generation))
                .num_columns(4)
                .spacing([space::GAP, space::GAP])
                .striped(true)
                .show(ui, |ui| {
                    for (i, row) in run.rows.iter().enumerate() {
                        if let Some(jump) = draw_row(ui, (self.generation, i), row, palette).and_then(&line_range) {
                            action = Some(PanelAction::Jump(jump));
                        }
                        ui.end_row();
                    }
                });
        });
        action
    }
}

impl Run {
    fn summary(&self) -> String {
        let results: Vec<ProbeResult> = self.rows.iter().filter_map(|r| r.result.clone()).collect();
        report::summary(&results, self.finished.unwrap_or_else(|| self.started.elapsed()))
    }
}

fn verdict_colour(verdict: Verdict, palette: &Palette) -> Color32 {
    match verdict {
        Verdict::Passed => palette.passed,
        Verdict::Warning => palette.warning,
        Verdict::Failed => palette.error,
        Verdict::Skipped => palette.gutter_text,
    }
}

/// Draws one probe as a row of the results grid; returns its line when its location was clicked.
fn draw_row(ui: &mut Ui, key: (u64, usize), row: &Row, palette: &Palette) -> Option<usize> {
    let mut jump = None;
    if ui.small_button(format!("line {}", row.probe.line + 1)).on_hover_text("Go to this line").clicked() {
        jump = Some(row.probe.line);
    }
    match &row.result {
        Some(result) => {
            ui.label(RichText::new(result.verdict.as_str()).monospace().color(verdict_colour(result.verdict, palette)));
        }
        None => {
            ui.spinner();
        }
    }
    match &row.result {
        Some(result) => {
            ui.label(RichText::new(format!("{:.0} ms", result.duration.as_secs_f64() * 1000.0)).monospace().weak())
        }
        None => ui.label(""),
    };
    ui.vertical(|ui| {
        ui.add(egui::Label::new(RichText::new(row.probe.title()).strong()).wrap());
        if row.result.is_none() {
            ui.label(RichText::new(row.running.map_or("starting", StepKind::label)).weak());
        }
        let service = row.probe.target.service();
        // The first step that did not pass, with what to do, is the row's detail.
        let notable =
            row.steps.iter().find(|s| matches!(s.outcome, StepOutcome::Failed { .. } | StepOutcome::Warning { .. }));
        match (notable, &row.result) {
            (Some(step), _) => {
                let (colour, problem) = match &step.outcome {
                    StepOutcome::Failed { problem } => (palette.error, problem),
                    StepOutcome::Warning { problem } => (palette.warning, problem),
                    _ => unreachable!("only failed and warning steps are notable"),
                };
                ui.add(
                    egui::Label::new(RichText::new(format!("{}: {problem}", step.step.label())).color(colour)).wrap(),
                );
                ui.add(
                    egui::Label::new(RichText::new(format!("what to do: {}", problem.advice_for(service))).weak())
                        .wrap(),
                );
            }
            (None, Some(_)) => {
                ui.label(
                    RichText::new(format!("all {} steps passed", row.steps.len()))
                        .color(verdict_colour(Verdict::Passed, palette)),
                );
            }
            (None, None) => {}
        }
        if !row.steps.is_empty() {
            // Every step with its time; the row already shows the one that failed.
            let salt = ("probe", key);
            egui::CollapsingHeader::new(format!("{} steps", row.steps.len())).id_salt(salt).default_open(false).show(
                ui,
                |ui| {
                    egui::Grid::new(("steps", key)).num_columns(4).spacing([space::GAP, space::TIGHT]).show(ui, |ui| {
                        for step in &row.steps {
                            draw_step(ui, step, service, palette);
                        }
                        if let Some(kind) = row.running {
                            ui.spinner();
                            ui.label(kind.label());
                            ui.end_row();
                        }
                    });
                },
            );
        }
    });
    jump
}

/// One step as a row of the step table: verdict, step, duration, then what happened, which
/// wraps within its own column; what to do goes on a row of its own below.
fn draw_step(ui: &mut Ui, step: &StepResult, service: connectivity::Service, palette: &Palette) {
    let millis = step.duration.as_secs_f64() * 1000.0;
    let (word, colour, text, advice) = match &step.outcome {
        StepOutcome::Passed { detail } => ("ok", palette.passed, detail.clone(), None),
        StepOutcome::Failed { problem } => {
            ("failed", palette.error, problem.to_string(), Some(problem.advice_for(service)))
        }
        StepOutcome::Warning { problem } => {
            ("warning", palette.warning, problem.to_string(), Some(problem.advice_for(service)))
        }
        StepOutcome::Skipped { reason } => ("skipped", palette.gutter_text, reason.clone(), None),
    };
    ui.label(RichText::new(word).monospace().color(colour));
    ui.label(RichText::new(step.step.label()).monospace());
    ui.label(RichText::new(format!("{millis:.0} ms")).monospace().weak());
    ui.add(egui::Label::new(RichText::new(text).color(colour)).wrap());
    ui.end_row();
    if let Some(advice) = advice {
        ui.label("");
        ui.label("");
        ui.label("");
        ui.add(egui::Label::new(RichText::new(format!("what to do: {advice}")).weak()).wrap());
        ui.end_row();
    }
}
