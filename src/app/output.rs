//! The right-hand panel: the live problems list, the output of Validate and of the
//! service commands, connectivity check results, and the proxy's log.
//! Nothing here ever shows a secret value: it shows findings' messages, which never
//! contain one, never quotes the source, and masks secrets in log lines.

use egui::{RichText, Ui};

use super::theme::space;
use super::theme::Palette;
use crate::config::Document;
use crate::schema::Platform;
use crate::text::TextRange;
use crate::validate::{render, Diagnostic, Severity};

/// Which tab shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Live findings.
    Problems,
    /// Reports of Validate and other actions.
    Output,
    /// The proxy's own logs.
    Log,
    /// Connectivity check results.
    Connectivity,
    /// The section at the caret as a form.
    Form,
    /// Every proxy of the fleet.
    Fleet,
}

/// One line of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputLine {
    /// Colour and badge; `None` for headings and plain text.
    pub severity: Option<Severity>,
    /// The text.
    pub text: String,
    /// Where clicking it jumps to.
    pub jump: Option<TextRange>,
}

impl OutputLine {
    /// A line of plain text.
    #[must_use]
    pub fn plain(text: impl Into<String>) -> Self {
        Self { severity: None, text: text.into(), jump: None }
    }
}

/// One report: a title and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// E.g. "Validate authproxy.cfg".
    pub title: String,
    /// The body.
    pub lines: Vec<OutputLine>,
    /// The text revision it describes, when it describes the text (Validate).
    pub revision: Option<u64>,
}

impl Report {
    /// A report that does not describe a revision of the text.
    #[must_use]
    pub fn new(title: impl Into<String>, lines: Vec<OutputLine>) -> Self {
        Self { title: title.into(), lines, revision: None }
    }

    /// The report as plain text, for the clipboard.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut text = format!("{}\n", self.title);
        for line in &self.lines {
            text.push_str(&line.text);
            text.push('\n');
        }
        text
    }
}

/// What the user asked for in the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PanelAction {
    /// Move the caret to this range.
    Jump(TextRange),
    /// Apply the fix of this finding (index into the live diagnostics).
    ApplyFix(usize),
    /// Protect the plaintext secret this finding is about.
    Protect(usize),
    /// Copy what the tab shows to the clipboard.
    CopyReport,
    /// Run or forget a saved test login.
    SavedLogin(super::saved_logins::SavedLoginAction),
    /// A change made in the Form tab.
    Form(super::form::FormAction),
    /// Something the Fleet tab asks of the window.
    Fleet(super::fleet_view::FleetAction),
}

/// How the panel draws the tabs that are not its own.
pub struct Tabs<P, L, C, F, N> {
    /// The Problems tab.
    pub problems: P,
    /// The Log tab.
    pub log: L,
    /// The Connectivity tab.
    pub checks: C,
    /// The Form tab.
    pub form: F,
    /// The Fleet tab.
    pub fleet: N,
}

/// The panel's state.
pub struct OutputPanel {
    /// The tab showing.
    pub tab: Tab,
    reports: Vec<Report>,
}

impl Default for OutputPanel {
    fn default() -> Self {
        Self { tab: Tab::Problems, reports: Vec::new() }
    }
}

/// Reports kept in the Output tab.
const REPORT_LIMIT: usize = 50;

impl OutputPanel {
    /// Adds a report and shows the Output tab.
    pub fn push(&mut self, report: Report) {
        self.reports.push(report);
        if self.reports.len() > REPORT_LIMIT {
            self.reports.remove(0);
        }
        self.tab = Tab::Output;
    }

    /// Adds a one-line message.
    pub fn message(&mut self, title: &str, severity: Option<Severity>, text: impl Into<String>) {
        self.push(Report::new(title, vec![OutputLine { severity, text: text.into(), jump: None }]));
    }

    /// The reports, oldest first.
    #[must_use]
    pub fn reports(&self) -> &[Report] {
        &self.reports
    }

    /// Another file was opened: reports about the text are marked outdated and lose their links.
    pub fn forget_text(&mut self) {
        for report in self.reports.iter_mut().filter(|r| r.revision.is_some()) {
            report.revision = Some(u64::MAX);
            for line in &mut report.lines {
                line.jump = None;
            }
        }
    }

    /// The newest report.
    #[must_use]
    pub fn last(&self) -> Option<&Report> {
        self.reports.last()
    }

    /// Draws the panel: the tab strip, then the tab. `problems_tab`, `log_tab` and `checks_tab`
    /// draw those tabs; `revision` is the text's, to mark reports made for older text.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        problem_count: usize,
        revision: u64,
        palette: &Palette,
        tabs: Tabs<
            impl FnOnce(&mut Ui) -> Option<PanelAction>,
            impl FnOnce(&mut Ui) -> Option<PanelAction>,
            impl FnOnce(&mut Ui) -> Option<PanelAction>,
            impl FnOnce(&mut Ui) -> Option<PanelAction>,
            impl FnOnce(&mut Ui) -> Option<PanelAction>,
        >,
    ) -> Option<PanelAction> {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, Tab::Form, "Form");
            ui.selectable_value(&mut self.tab, Tab::Problems, format!("Problems ({problem_count})"));
            ui.selectable_value(&mut self.tab, Tab::Output, "Output");
            ui.selectable_value(&mut self.tab, Tab::Connectivity, "Connectivity");
            ui.selectable_value(&mut self.tab, Tab::Log, "Log");
            ui.selectable_value(&mut self.tab, Tab::Fleet, "Fleet");
        });
        ui.separator();
        match self.tab {
            Tab::Problems => (tabs.problems)(ui),
            Tab::Output => self.output(ui, palette, revision),
            Tab::Log => (tabs.log)(ui),
            Tab::Connectivity => (tabs.checks)(ui),
            Tab::Form => (tabs.form)(ui),
            Tab::Fleet => (tabs.fleet)(ui),
        }
    }

    fn output(&self, ui: &mut Ui, palette: &Palette, revision: u64) -> Option<PanelAction> {
        let mut action = None;
        if self.reports.is_empty() {
            ui.label(RichText::new("Press Validate (F5) to check the whole file the way the proxy will.").weak());
        }
        egui::ScrollArea::vertical().id_salt("output-scroll").auto_shrink([false, false]).stick_to_bottom(true).show(
            ui,
            |ui| {
                for report in &self.reports {
                    ui.add_space(space::ITEM);
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(&report.title).strong());
                        if report.revision.is_some_and(|r| r != revision) {
                            ui.label(
                                RichText::new("outdated: the text changed since; press F5").color(palette.warning),
                            );
                        }
                    });
                    for line in &report.lines {
                        let mut text = RichText::new(&line.text).monospace();
                        if let Some(severity) = line.severity {
                            text = text.color(palette.severity(severity));
                        }
                        match line.jump {
                            Some(range) => {
                                let row = egui::Button::selectable(false, text).wrap_mode(egui::TextWrapMode::Wrap);
                                if ui.add(row).on_hover_text("Go to this line").clicked() {
                                    action = Some(PanelAction::Jump(range));
                                }
                            }
                            None => {
                                ui.add(egui::Label::new(text).wrap());
                            }
                        }
                    }
                }
            },
        );
        action
    }
}

/// The Validate report: a summary, then the findings grouped by section in file order.
#[must_use]
pub fn validation_report(
    name: &str,
    doc: &Document,
    diagnostics: &[Diagnostic],
    platform: Platform,
    proxy_version: Option<crate::schema::ProxyVersion>,
) -> Report {
    let count = |s| diagnostics.iter().filter(|d| d.severity == s).count();
    let rules =
        proxy_version.map_or_else(|| "proxy version unknown: 5.0.0 rules".to_string(), |v| format!("proxy {v}"));
    let mut lines = vec![OutputLine::plain(format!(
        "{} error(s), {} warning(s), {} note(s) ({} semantics, {rules}).",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        platform.as_str()
    ))];
    if diagnostics.is_empty() {
        lines.push(OutputLine::plain("No problems — Duo's checker would accept this file."));
    }
    let mut groups: Vec<(Option<&str>, Vec<&Diagnostic>)> = Vec::new();
    for d in diagnostics {
        let key = d.section.as_deref();
        match groups.iter_mut().find(|(s, _)| *s == key) {
            Some((_, list)) => list.push(d),
            None => groups.push((key, vec![d])),
        }
    }
    for (section, list) in groups {
        lines.push(OutputLine::plain(match section {
            Some(name) => format!("[{name}]"),
            None => "(whole file)".to_string(),
        }));
        for d in list {
            let at = render::locate(doc, d);
            lines.push(OutputLine {
                severity: Some(d.severity),
                text: format!("  line {}:{} {} [{}] {}", at.line, at.column, d.severity.as_str(), at.kind, d.message),
                jump: Some(d.range),
            });
        }
    }
    Report::new(format!("Validate {name}"), lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{validate, Options};

    #[test]
    fn the_report_groups_by_section_and_links_each_finding() {
        let text = "[main]\nfailmod=safe\n[ad_client]\nhost=dc1\n";
        let doc = Document::parse(text);
        let options = Options { platform: Some(Platform::Linux), ..Options::default() };
        let diagnostics = validate(&doc, &options);
        let report = validation_report("authproxy.cfg", &doc, &diagnostics, Platform::Linux, None);
        assert!(report.lines[0].text.contains("linux semantics"), "{:?}", report.lines[0]);
        let headings: Vec<_> =
            report.lines.iter().filter(|l| l.text.starts_with('[')).map(|l| l.text.as_str()).collect();
        assert!(headings.contains(&"[main]") && headings.contains(&"[ad_client]"), "{headings:?}");
        assert!(report.lines.iter().filter(|l| l.severity.is_some()).all(|l| l.jump.is_some()));
    }
}
