//! What the commands do: opening, saving, reloading, validating, protecting, checking, the
//! service, fixes and jumps.

use std::path::Path;

use super::commands::Command;
use super::compare;
use super::disk_watch::DiskWatch;
use super::files::Picked;
use super::find::Direction;
use super::modals::{LinePrompt, PathPrompt, Purpose};
use super::output::{self, OutputLine, PanelAction, Report, Tab};
use super::reveal;
use super::{AfterSave, AuthProxyApp, DiskChange, Overlay, Question};
use crate::config::apply;
use crate::config::file::{self, FileError};
use crate::schema::Platform;
use crate::secrets::{protect_all, protect_entry};
use crate::service::monitor::Outcome;
use crate::text::TextRange;
use crate::validate::{self, Kind, Options, Severity};

impl AuthProxyApp {
    /// Runs a command as if its button was pressed.
    pub fn run(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::New => self.overlay = Some(Overlay::NewFromTemplate(super::templates::TemplatePicker::default())),
            Command::ShowForm => self.output.tab = Tab::Form,
            Command::Open => self.open(),
            Command::OpenPath if self.buffer.is_modified() => {
                self.question = Some(Question::Unsaved(AfterSave::OpenPath));
            }
            Command::OpenPath => self.ask_for_path(Purpose::Open, None),
            Command::Save => {
                self.save(false, None);
            }
            Command::SaveAs => {
                self.save(true, None);
            }
            Command::Validate => self.validate_report(),
            Command::ProtectSecrets => self.protect_secrets(),
            Command::TestConnectivity => self.test_connectivity(ctx),
            Command::TestLogin => {
                let analysis = self.buffer.analysis(self.platform);
                let form = super::test_login::TestLoginForm::new(&analysis.doc, &self.settings.settings.client_presets);
                self.overlay = Some(Overlay::TestLogin(Box::new(form)));
            }
            Command::StartService | Command::StopService | Command::RestartService => self.service(command),
            Command::Find => {
                self.find.open = true;
                self.find.focus = true;
            }
            Command::FindNext => self.find_step(Direction::Forward),
            Command::FindPrevious => self.find_step(Direction::Backward),
            Command::GoToLine => self.overlay = Some(Overlay::GoToLine(LinePrompt::default())),
            Command::NextProblem => self.step_problem(Direction::Forward),
            Command::PreviousProblem => self.step_problem(Direction::Backward),
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
            Command::RevealLine => self.reveal_caret_line(),
            Command::ToggleSecrets => self.editor.reveal_secrets = !self.editor.reveal_secrets,
            Command::RevealProtected => self.reveal_at_caret(),
            Command::CopyReport => self.copy_report(ctx),
            Command::Shortcuts => self.overlay = Some(Overlay::Shortcuts),
        }
        ctx.request_repaint();
    }

    pub(super) fn load(&mut self, path: &Path) {
        match file::load_in(path, self.code_page()) {
            Ok(loaded) => {
                self.buffer = super::Buffer::from_file(loaded);
                self.after_open(path);
                self.status.set(format!("Opened {}", path.display()));
            }
            Err(e) => {
                self.output.message(
                    "Open",
                    Some(Severity::Error),
                    format!("{e}. Check the path and your access to it."),
                );
                self.status.set(format!("Could not open {}", path.display()));
            }
        }
    }

    fn after_open(&mut self, path: &Path) {
        self.output.forget_text();
        self.problems.forget();
        self.service.set_file(Some(path));
        self.editor.reset();
        self.find_matches = super::MatchCache::default();
        self.platform_evidence = None;
        self.disk_change = None;
        self.watch_file(path);
        self.settings.settings.remember(path);
        if !self.platform_chosen {
            let analysis = self.buffer.analysis(self.platform);
            let inferred = super::target::infer(&analysis.doc, Some(path));
            if inferred != self.platform {
                self.platform = inferred;
                self.buffer.invalidate();
            }
        }
        self.refresh_proxy_version();
        self.watch_logs();
    }

    fn watch_file(&mut self, path: &Path) {
        if self.disk.as_ref().is_some_and(|w| w.path() == path) {
            return;
        }
        let ctx = self.service_context();
        self.disk = Some(DiskWatch::new(path, move || {
            if let Some(ctx) = ctx.get() {
                ctx.request_repaint();
            }
        }));
    }

    fn service_context(&self) -> std::sync::Arc<std::sync::OnceLock<egui::Context>> {
        self.service.context()
    }

    /// Looks at the open file after the watcher saw it change: reloads it when the editor has
    /// nothing unsaved (the old text stays on the undo stack), else says so in a banner.
    pub(super) fn watch_disk(&mut self, ctx: &egui::Context) {
        let touched = self.disk.as_ref().is_some_and(DiskWatch::touched);
        if !touched && !std::mem::take(&mut self.disk_recheck) {
            return;
        }
        let Some(path) = self.buffer.path.clone() else { return };
        let on_disk = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.disk_change = Some(DiskChange::Gone);
                return;
            }
            Err(_) => {
                // Still being written, or locked by its writer (Windows): look again shortly.
                self.disk_recheck = true;
                ctx.request_repaint_after(std::time::Duration::from_millis(300));
                return;
            }
        };
        if self.buffer.on_disk.as_deref() == Some(on_disk.as_slice()) {
            self.disk_change = None;
            return;
        }
        if self.buffer.is_modified() {
            self.disk_change = Some(DiskChange::Changed);
            self.status.set(format!("{} changed on disk; your unsaved changes are kept", path.display()));
        } else {
            self.reload(&path);
            self.status.set(format!(
                "{} changed on disk and was reloaded (Undo brings back the text shown before)",
                path.display()
            ));
        }
    }

    /// Replaces the text with the file on disk; the editor's text stays on the undo stack.
    pub(super) fn reload(&mut self, path: &Path) {
        match file::load_in(path, self.code_page()) {
            Ok(loaded) => {
                self.buffer.reload(loaded);
                self.disk_change = None;
                self.editor.keep_caret_within(self.buffer.text.len());
            }
            Err(e) => self.output.message("Reload", Some(Severity::Error), e.to_string()),
        }
    }

    /// Shows the file on disk against the editor's text.
    pub(super) fn compare_with_disk(&mut self) {
        let Some(path) = self.buffer.path.clone() else { return };
        let disk = match file::load_in(&path, self.code_page()) {
            Ok(loaded) => loaded.decoded.text,
            Err(e) => {
                self.output.message("Compare", Some(Severity::Error), e.to_string());
                return;
            }
        };
        self.overlay = Some(Overlay::Compare(compare::compare(&disk, &self.buffer.text)));
    }

    fn open(&mut self) {
        if self.buffer.is_modified() {
            self.question = Some(Question::Unsaved(AfterSave::Open));
            return;
        }
        self.open_dialog();
    }

    pub(super) fn open_dialog(&mut self) {
        let start = self.buffer.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
        match self.env.dialogs.pick_open(start.as_deref()) {
            Picked::Path(path) => self.load(&path),
            Picked::Cancelled => self.status.set("Open cancelled."),
            Picked::Unavailable => self.ask_for_path(Purpose::Open, None),
        }
    }

    /// Opens `path` from the recent files, asking first about unsaved changes.
    pub(super) fn open_recent(&mut self, path: &Path) {
        if self.buffer.is_modified() {
            self.question = Some(Question::Unsaved(AfterSave::OpenFile(path.to_path_buf())));
        } else {
            self.load(path);
        }
    }

    pub(super) fn ask_for_path(&mut self, purpose: Purpose, then: Option<AfterSave>) {
        let suggested =
            self.buffer.path.clone().or_else(files_default).map(|p| p.display().to_string()).unwrap_or_default();
        self.overlay = Some(Overlay::Path(PathPrompt::new(purpose, suggested, then)));
    }

    /// Saves; with `ask` or for a new document, asks where first. Returns whether it saved.
    /// `then` is what to do after a save that first needs the path typed in.
    pub(super) fn save(&mut self, ask: bool, then: Option<AfterSave>) -> bool {
        let path = match (&self.buffer.path, ask) {
            (Some(path), false) => path.clone(),
            _ => {
                let start = self.buffer.path.as_deref().and_then(Path::parent).map(Path::to_path_buf);
                match self.env.dialogs.pick_save(start.as_deref(), "authproxy.cfg") {
                    Picked::Path(path) => path,
                    Picked::Cancelled => {
                        self.status.set("Save cancelled.");
                        return false;
                    }
                    Picked::Unavailable => {
                        self.ask_for_path(Purpose::Save, then);
                        return false;
                    }
                }
            }
        };
        self.save_to(&path)
    }

    /// Saves to `path`, refusing to overwrite changes made there by someone else.
    pub(super) fn save_to(&mut self, path: &Path) -> bool {
        let same = self.buffer.path.as_deref().is_some_and(|p| p == path);
        // A file deleted since it was opened is simply written again.
        let expected = if same && path.exists() { self.buffer.on_disk.clone() } else { std::fs::read(path).ok() };
        self.write(path, expected.as_deref())
    }

    pub(super) fn write(&mut self, path: &Path, expected: Option<&[u8]>) -> bool {
        let backup = match expected {
            Some(previous) => {
                crate::secrets::backup_without_plaintext(previous, &self.buffer.text, &*self.env.protector)
            }
            None => file::Backup::Previous,
        };
        match file::save(path, &self.buffer.text, self.buffer.encoding, expected, backup) {
            Ok(saved) => {
                self.service.set_file(Some(path));
                let mut note = match &saved.backup {
                    Some(backup) => format!("Saved {} (previous version kept as {})", path.display(), backup.display()),
                    None => format!("Saved {}", path.display()),
                };
                self.buffer.mark_saved(path.to_path_buf(), saved.bytes);
                self.disk_change = None;
                self.watch_file(path);
                self.settings.settings.remember(path);
                let analysis = self.buffer.analysis(self.platform);
                if let Some(fatal) = analysis.diagnostics.iter().find(|d| d.kind.stops_the_proxy()) {
                    let at = analysis.doc.line_col(fatal.range.start);
                    note.push_str(&format!(
                        ". The proxy will refuse this file: {} (line {}); see Problems.",
                        fatal.kind.name(),
                        at.line
                    ));
                }
                self.status.set(note);
                true
            }
            Err(FileError::ChangedOnDisk { path }) => {
                self.question = Some(Question::ChangedOnDisk(path));
                false
            }
            Err(e) => {
                self.output.message("Save", Some(Severity::Error), e.to_string());
                self.status.set("Save failed; see Output.");
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
            proxy_version: self.buffer.proxy_version,
            ..Options::default()
        };
        let diagnostics = validate::validate(&doc, &options);
        let mut report = output::validation_report(
            &self.buffer.display_name(),
            &doc,
            &diagnostics,
            self.platform,
            self.buffer.proxy_version,
        );
        report.revision = Some(self.buffer.revision);
        self.output.push(report);
    }

    /// Why Protect cannot work here, if it cannot.
    pub(super) fn protect_refused(&self) -> Option<String> {
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
        self.output.push(Report::new("Protect secrets", lines));
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
                self.status.set("Protected with DPAPI. Save to keep it.");
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

    /// Shows (or hides again) the secret on the caret's line, and only that one.
    fn reveal_caret_line(&mut self) {
        let caret = self.editor.caret.min(self.buffer.text.len());
        let analysis = self.buffer.analysis(self.platform);
        let line = analysis.doc.line_index.line_of(caret);
        let is_secret = analysis
            .doc
            .sections
            .iter()
            .flat_map(|s| &s.entries)
            .any(|e| e.line == line && !e.value_range.is_empty() && crate::secrets::looks_secret(&e.key));
        if !is_secret {
            self.status.set("No secret value on this line.");
            return;
        }
        self.editor.toggle_revealed_line(line, analysis.revision);
    }

    /// Whether a decrypted protected value is on screen (masked or not).
    #[must_use]
    pub fn revealing(&self) -> bool {
        self.revealed.is_some()
    }

    fn test_connectivity(&mut self, ctx: &egui::Context) {
        let analysis = self.buffer.analysis(self.platform);
        let unsaved = self.buffer.is_modified() || self.buffer.path.is_none();
        let started = self.checks.start(
            &analysis.doc,
            self.buffer.path.as_deref(),
            self.buffer.proxy_version,
            unsaved,
            self.env.protector.clone(),
            ctx,
        );
        match started {
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
        self.status.set(format!("Service: {} requested…", command.label().to_lowercase()));
    }

    /// Validates the file as the service will read it; the report goes to the Output tab.
    fn errors_for_start(&mut self) -> usize {
        self.validate_report();
        let platform = self.platform;
        let analysis = self.buffer.analysis(platform);
        analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub(super) fn report_service_outcome(&mut self, outcome: &Outcome) {
        let title = format!("Service {}", outcome.request.verb());
        match &outcome.result {
            Ok(()) => {
                let text = format!("Done: the service is {}. {}", outcome.state.badge(), outcome.state.advice());
                self.output.message(&title, None, text);
            }
            Err(e) => self.output.message(&title, Some(Severity::Error), e.to_string()),
        }
        self.status.set(format!("Service {}", outcome.state.badge()));
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
                let caret = fix.edits.first().map_or(0, |e| e.range.start + end_of_first_line(&e.insert));
                self.buffer.replace_all(text);
                self.editor.move_caret(caret);
                self.status.set(format!("Applied: {}", fix.title));
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
            None => self.status.set("No quick fix on this line."),
        }
    }

    pub(super) fn panel_action(&mut self, action: PanelAction, ctx: &egui::Context) {
        match action {
            PanelAction::Jump(range) => self.jump(range),
            PanelAction::ApplyFix(i) => self.apply_fix(i),
            PanelAction::Protect(i) => self.protect_one(i),
            PanelAction::CopyReport => self.copy_report(ctx),
            PanelAction::SavedLogin(action) => self.saved_login(action),
            PanelAction::Form(action) => self.form_action(action),
            PanelAction::Fleet(action) => self.fleet_action(action),
        }
    }

    /// Picks another fleet file, or pushes the editor's text to the nodes the Fleet tab chose.
    fn fleet_action(&mut self, action: super::fleet_view::FleetAction) {
        use super::fleet_view::FleetAction;
        match action {
            FleetAction::PickFile => {
                let start = self.fleet.file().and_then(Path::parent).map(Path::to_path_buf);
                match self
                    .env
                    .dialogs
                    .pick_file(start.as_deref(), "Choose the fleet file (fleet.toml or an Ansible inventory)")
                {
                    Picked::Path(path) => self.open_fleet(path),
                    Picked::Cancelled => {}
                    Picked::Unavailable => {
                        self.status.set("No file dialog here: give the fleet file with --fleet on the command line.")
                    }
                }
            }
            FleetAction::Push(targets) => match crate::config::encode(&self.buffer.text, self.buffer.encoding) {
                Ok(bytes) => {
                    let name = self
                        .buffer
                        .path
                        .as_deref()
                        .and_then(Path::file_name)
                        .map_or_else(|| "the untitled config".to_owned(), |n| n.to_string_lossy().into_owned());
                    self.fleet.start_push(name, bytes, &targets, self.env.fleet_audit.clone());
                }
                Err(e) => {
                    self.output.message("Fleet", Some(Severity::Error), format!("The text cannot be encoded: {e}"))
                }
            },
        }
    }

    /// Jumps to, adds, renames or deletes a section, as the outline asked. Each change is one
    /// undo step.
    pub(super) fn outline_action(&mut self, action: super::outline::OutlineAction) {
        use super::outline::OutlineAction;
        let analysis = self.buffer.analysis(self.platform);
        let doc = &analysis.doc;
        let name_of = |index: usize| doc.sections.get(index).map(|s| s.name.to_string()).unwrap_or_default();
        let (edits, caret, message) = match action {
            OutlineAction::Jump(index) => {
                if let Some(section) = doc.sections.get(index) {
                    self.jump(section.header_range);
                }
                return;
            }
            OutlineAction::Add(ty) => match doc.add_section(ty) {
                Ok((name, edit, caret)) => (vec![edit], Some(caret), format!("Added [{name}]; fill in its keys.")),
                Err(e) => (Vec::new(), None, e.to_string()),
            },
            OutlineAction::Rename(index, new_name) => match doc.rename_section(index, &new_name) {
                Ok((edits, references)) => {
                    let also = references_text(&references);
                    let message = format!("Renamed [{}] to [{}]{also}.", name_of(index), new_name.trim());
                    let caret = doc.sections.get(index).map(|s| s.name_range.start);
                    (edits, caret, message)
                }
                Err(e) => (Vec::new(), None, format!("Not renamed: {e}")),
            },
            OutlineAction::Delete(index) => match doc.delete_section(index) {
                Ok((edit, dangling)) => {
                    let left = if dangling.is_empty() {
                        String::new()
                    } else {
                        let named: Vec<String> = dangling
                            .iter()
                            .map(|r| format!("[{}] {} (line {})", r.section, r.key, r.line + 1))
                            .collect();
                        let verb = if named.len() == 1 { "still names it" } else { "still name it" };
                        format!("; {} {verb}: point it at another section", named.join(", "))
                    };
                    let caret = edit.range.start;
                    (
                        vec![edit],
                        Some(caret),
                        format!("Deleted [{}]{left}. Undo (Ctrl+Z) brings it back.", name_of(index)),
                    )
                }
                Err(e) => (Vec::new(), None, e.to_string()),
            },
        };
        if edits.is_empty() {
            self.status.set(message);
            return;
        }
        match apply(&self.buffer.text, &edits) {
            Ok(text) => {
                self.buffer.replace_all(text);
                if let Some(caret) = caret {
                    self.editor.move_caret(caret.min(self.buffer.text.len()));
                }
                self.status.set_lasting(message);
            }
            Err(e) => self.output.message("Outline", Some(Severity::Error), e.to_string()),
        }
    }

    /// Makes a change the Form tab asked for, as one undoable edit of the text. The caret keeps
    /// its place in the text (shifted by what was inserted before it) and the keyboard stays in
    /// the form.
    fn form_action(&mut self, action: super::form::FormAction) {
        use super::form::FormAction;
        let analysis = self.buffer.analysis(self.platform);
        let doc = &analysis.doc;
        let edits = match action {
            FormAction::Set { section, key, value } => doc.set_key(section, &key, value.as_deref()),
            FormAction::AddRow { section, keys } => doc.add_keys(section, &keys).map(|e| vec![e]),
            FormAction::RemoveRow { section, key } => Ok(doc.remove_row(section, &key)),
            FormAction::Protect { section, entry } => {
                if let Some(why) = self.protect_refused() {
                    self.output.message("Protect", Some(Severity::Warning), why);
                    return;
                }
                let (Some(s), Some(e)) =
                    (doc.sections.get(section), doc.sections.get(section).and_then(|s| s.entries.get(entry)))
                else {
                    return;
                };
                protect_entry(doc, s, e, &*self.env.protector)
                    .map(|edit| vec![edit])
                    .map_err(|why| crate::config::EditError::Invalid(why.to_string()))
            }
            FormAction::CheckProtected { section, entry } => {
                if let Some(e) = doc.sections.get(section).and_then(|s| s.entries.get(entry)) {
                    self.editor.move_caret(e.key_range.start);
                    let line = e.line;
                    match reveal::reveal(doc, line, &*self.env.protector) {
                        Ok(revealed) => self.revealed = Some(revealed),
                        Err(why) => self.output.message(Command::RevealProtected.label(), Some(Severity::Warning), why),
                    }
                }
                return;
            }
            FormAction::Browse { section, key, folder } => {
                let start = super::form::browse_start(self.buffer.install_dir().as_deref());
                let picked = if folder {
                    self.env.dialogs.pick_folder(start.as_deref(), &format!("Choose the folder for {key}"))
                } else {
                    self.env.dialogs.pick_file(start.as_deref(), &format!("Choose the file for {key}"))
                };
                match picked {
                    Picked::Path(path) => doc.set_key(section, &key, Some(&path.display().to_string())),
                    Picked::Cancelled => return,
                    Picked::Unavailable => {
                        self.status.set("No file dialog here: type the path in the field.");
                        return;
                    }
                }
            }
        };
        match edits.and_then(|edits| apply(&self.buffer.text, &edits).map(|text| (edits, text))) {
            Ok((edits, text)) if !edits.is_empty() => {
                let caret = shifted(self.editor.caret, &edits);
                self.buffer.replace_all(text);
                self.editor.keep_caret_at(caret);
            }
            Ok(_) => {}
            Err(e) => self.output.message("Form", Some(Severity::Error), e.to_string()),
        }
    }

    /// Opens the Test login dialog filled in from a saved test, or forgets one.
    fn saved_login(&mut self, action: super::saved_logins::SavedLoginAction) {
        use super::saved_logins::SavedLoginAction;
        match action {
            SavedLoginAction::Run(index) => {
                let Some(saved) = self.settings.settings.saved_logins.get(index).cloned() else { return };
                let analysis = self.buffer.analysis(self.platform);
                let form = super::test_login::TestLoginForm::from_saved(
                    &analysis.doc,
                    &saved,
                    &self.settings.settings.client_presets,
                );
                self.overlay = Some(Overlay::TestLogin(Box::new(form)));
            }
            SavedLoginAction::Forget(index) => {
                if index < self.settings.settings.saved_logins.len() {
                    let gone = self.settings.settings.saved_logins.remove(index);
                    self.status.set(format!("Forgot the test login of [{}] as {}.", gone.section, gone.user));
                }
            }
        }
    }

    /// Shows `range`: selected, in the middle of the view, with the keyboard focus in the editor.
    pub(super) fn jump(&mut self, range: TextRange) {
        self.editor.select(range.start..range.end);
    }

    /// Goes to line `line` (1-based), or as near as the file allows.
    pub(super) fn go_to_line(&mut self, line: usize, column: Option<usize>) {
        let analysis = self.buffer.analysis(self.platform);
        let index = &analysis.doc.line_index;
        let line = line.clamp(1, index.line_count().max(1)) - 1;
        let offset = index.offset(&self.buffer.text, line, column.unwrap_or(1).saturating_sub(1));
        self.editor.move_caret(offset);
    }

    fn step_problem(&mut self, direction: Direction) {
        let analysis = self.buffer.analysis(self.platform);
        let steppable = self.problems.steppable(&analysis.diagnostics);
        if steppable.is_empty() {
            self.status.set("No problems to go to.");
            return;
        }
        // Findings in file order. Several can share one range, so while the selection is still
        // the last one gone to, the step is from its place in the list.
        let here = self.editor.selection.as_ref().map_or((self.editor.caret, self.editor.caret), |s| (s.start, s.end));
        let at = |d: &crate::validate::Diagnostic| (d.range.start, d.range.end);
        let last = self.last_problem.filter(|&i| steppable.get(i).is_some_and(|d| at(d) == here));
        let count = steppable.len();
        let index = match (direction, last) {
            (Direction::Forward, Some(i)) => (i + 1) % count,
            (Direction::Backward, Some(i)) => (i + count - 1) % count,
            (Direction::Forward, None) => steppable.iter().position(|d| at(d) > here).unwrap_or(0),
            (Direction::Backward, None) => steppable.iter().rposition(|d| at(d) < here).unwrap_or(count - 1),
        };
        let target = steppable[index];
        let (range, message) = (target.range, format!("{}: {}", target.severity.as_str(), target.message));
        self.last_problem = Some(index);
        self.jump(range);
        self.status.set(message);
    }

    fn find_step(&mut self, direction: Direction) {
        if self.find.query.is_empty() {
            self.find.open = true;
            self.find.focus = true;
            return;
        }
        let current = self.editor.selection.clone().unwrap_or(self.editor.caret..self.editor.caret);
        match super::find::step(&self.buffer.text, &self.find.query, self.find.options(), current, direction) {
            Some((range, n, total)) => {
                self.editor.select_quietly(range);
                self.find.status = format!("{n} of {total}");
            }
            None => self.find.status = "No matches".to_string(),
        }
    }

    /// Copies what the right-hand panel shows as text: the connectivity results, the newest
    /// report, or the problems list. None of them holds a secret.
    fn copy_report(&mut self, ctx: &egui::Context) {
        // Ctrl+Shift+C also arrives as a Copy event, which the editor would answer with its selection.
        ctx.input_mut(|i| i.events.retain(|e| !matches!(e, egui::Event::Copy)));
        let (what, text) = match self.output.tab {
            Tab::Connectivity => ("connectivity report", self.checks.report()),
            Tab::Output | Tab::Log | Tab::Form => ("report", self.output.last().map(Report::to_text)),
            Tab::Problems => ("problems list", Some(self.problems_text())),
            Tab::Fleet => ("fleet report", self.fleet.report()),
        };
        match text {
            Some(text) => {
                ctx.copy_text(text);
                self.status.set(format!("Copied the {what} to the clipboard."));
            }
            None => self.status.set(format!("No {what} to copy yet.")),
        }
    }

    fn problems_text(&mut self) -> String {
        let name = self.buffer.display_name();
        let analysis = self.buffer.analysis(self.platform);
        let version = self.buffer.proxy_version;
        output::validation_report(&name, &analysis.doc, &analysis.diagnostics, self.platform, version).to_text()
    }

    /// Uses another install folder for service control (and remembers it).
    pub(super) fn set_install_dir(&mut self, dir: Option<std::path::PathBuf>) {
        self.settings.settings.install_dir.clone_from(&dir);
        let Some(factory) = self.env.service_factory else {
            self.status.set("The install folder is used from the next start.");
            return;
        };
        let (control, config) = factory(dir.as_deref());
        self.env.service_config = Some(config.clone());
        self.service.replace(control, Some(config.clone()));
        self.service.set_file(self.buffer.path.as_deref());
        self.status.set(format!("Service control is now for the proxy that reads {}.", config.display()));
    }

    pub(super) fn answer_unsaved(&mut self, then: AfterSave, ctx: &egui::Context) {
        match then {
            AfterSave::Close => {
                self.allow_close = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            AfterSave::Open => self.open_dialog(),
            AfterSave::OpenPath => self.ask_for_path(super::modals::Purpose::Open, None),
            AfterSave::OpenFile(path) => self.load(&path),
            AfterSave::NewFrom(index) => self.new_from_template(index),
        }
    }

    /// Starts an untitled document from template `index`, asking first about unsaved changes.
    pub(super) fn new_from_template_asked(&mut self, index: usize) {
        if self.buffer.is_modified() {
            self.question = Some(Question::Unsaved(AfterSave::NewFrom(index)));
        } else {
            self.new_from_template(index);
        }
    }

    fn new_from_template(&mut self, index: usize) {
        let Some(template) = super::templates::TEMPLATES.get(index) else { return };
        self.buffer = super::Buffer::untitled(template.text);
        self.output.forget_text();
        self.problems.forget();
        self.service.set_file(None);
        self.editor.reset();
        self.find_matches = super::MatchCache::default();
        self.platform_evidence = None;
        self.disk_change = None;
        self.disk = None;
        let analysis = self.buffer.analysis(self.platform);
        if let Some(blank) = super::templates::first_blank(&analysis.doc) {
            self.editor.move_caret(blank);
        }
        // The blanks open in the form.
        self.output.tab = Tab::Form;
        self.status.set_lasting(format!(
            "New from \"{}\": fill in the blank values, then Save As (Ctrl+Shift+S).",
            template.title
        ));
    }
}

/// Where the caret goes in inserted text: the end of its first non-empty line.
fn end_of_first_line(insert: &str) -> usize {
    let lead = insert.len() - insert.trim_start_matches(['\r', '\n']).len();
    lead + insert[lead..].find(['\r', '\n']).unwrap_or(insert.len() - lead)
}

fn files_default() -> Option<std::path::PathBuf> {
    super::files::default_config_paths().into_iter().next()
}

/// "; also in [main] client, [radius_server_auto] client" for the values a rename changed.
fn references_text(references: &[crate::config::sections::Reference]) -> String {
    if references.is_empty() {
        return String::new();
    }
    let named: Vec<String> = references.iter().map(|r| format!("[{}] {}", r.section, r.key)).collect();
    format!(", and {} with it", named.join(", "))
}

/// Where byte `offset` is after `edits`: moved by what they changed before it.
fn shifted(offset: usize, edits: &[crate::config::TextEdit]) -> usize {
    let mut moved = offset as isize;
    for edit in edits.iter().filter(|e| e.range.end <= offset) {
        moved += edit.insert.len() as isize - (edit.range.end - edit.range.start) as isize;
    }
    moved.max(0) as usize
}
