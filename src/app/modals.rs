//! The questions and prompts over the window: unsaved changes, a file changed on disk, a
//! start with errors, a path typed in, go to line, the comparison with disk, the keyboard
//! shortcuts, the install folder, and the check of a protected value. Escape (or a click
//! beside one) cancels; Enter picks the safe answer.

use std::path::PathBuf;

use egui::{Id, RichText, Ui};

use super::commands::{Command, EDITOR_KEYS};
use super::reveal::RevealAction;
use super::theme::space;
use super::theme::Palette;
use super::{AfterSave, AuthProxyApp, Overlay, Question};

/// What a typed path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Open that file.
    Open,
    /// Save to that file.
    Save,
}

/// The path prompt, shown when no file dialog is available (or asked for).
#[derive(Debug, Clone)]
pub struct PathPrompt {
    /// Open or save.
    pub purpose: Purpose,
    /// The path typed so far.
    pub text: String,
    /// What to do after saving (close the window, open another file).
    then: Option<AfterSave>,
    /// Why the last try failed.
    error: Option<String>,
    /// An existing file the user was told about once: a second Save replaces it.
    replace_confirmed: Option<PathBuf>,
    focus: bool,
}

impl PathPrompt {
    /// A prompt prefilled with `suggested`.
    #[must_use]
    pub fn new(purpose: Purpose, suggested: String, then: Option<AfterSave>) -> Self {
        Self { purpose, text: suggested, then, error: None, replace_confirmed: None, focus: true }
    }
}

/// The go-to-line prompt.
#[derive(Debug, Clone)]
pub struct LinePrompt {
    /// `N` or `N:C`.
    pub text: String,
    error: Option<String>,
    focus: bool,
}

impl Default for LinePrompt {
    fn default() -> Self {
        Self { text: String::new(), error: None, focus: true }
    }
}

/// `N` or `N:C` (1-based).
fn parse_line(text: &str) -> Option<(usize, Option<usize>)> {
    let (line, column) = match text.trim().split_once([':', ',']) {
        Some((l, c)) => (l, Some(c.trim().parse().ok()?)),
        None => (text.trim(), None),
    };
    Some((line.trim().parse().ok()?, column))
}

/// The answer of a prompt this frame.
enum Answer<T> {
    Pending,
    Cancel,
    Ok(T),
}

/// The OK button (`ok`, or Enter in the field: `entered`) and Cancel of a prompt.
fn ok_or_cancel(ui: &mut Ui, ok: &str, entered: bool) -> Answer<()> {
    let mut answer = Answer::Pending;
    ui.horizontal(|ui| {
        if ui.button(ok).clicked() || entered {
            answer = Answer::Ok(());
        }
        if ui.button("Cancel").clicked() {
            answer = Answer::Cancel;
        }
    });
    answer
}

/// Draws the buttons of a question; `safe` gets the focus, so Enter picks it.
fn choices<'a>(ui: &mut Ui, labels: &[&'a str], safe: &str) -> Option<&'a str> {
    let mut answer = None;
    ui.horizontal(|ui| {
        for &label in labels {
            let response = ui.button(label);
            if label == safe && ui.memory(|m| m.focused().is_none()) {
                response.request_focus();
            }
            if response.clicked() {
                answer = Some(label);
            }
        }
    });
    answer
}

impl AuthProxyApp {
    pub(super) fn questions(&mut self, ctx: &egui::Context) {
        let Some(question) = self.question.clone() else { return };
        let name = self.buffer.display_name();
        let shown = egui::Modal::new(Id::unique("question")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            match &question {
                Question::Unsaved(_) => {
                    ui.heading("Unsaved changes");
                    ui.label(format!("{name} has changes that are not saved."));
                    choices(ui, &["Save", "Discard", "Cancel"], "Save")
                }
                Question::StartWithErrors(command, errors) => {
                    ui.heading(format!("{} the service?", command.label()));
                    ui.label(format!(
                        "The config has {errors} error(s) (see Output). The proxy may refuse to start or run \
                         without the sections that are wrong."
                    ));
                    choices(ui, &[command.label(), "Cancel"], "Cancel")
                }
                Question::ChangedOnDisk(path) => {
                    ui.heading("File changed on disk");
                    ui.label(format!(
                        "{} was changed by another program since it was opened. Nothing was written.",
                        path.display()
                    ));
                    choices(ui, &["Compare", "Overwrite", "Cancel", "Reload (discard my changes)"], "Compare")
                }
            }
        });
        let answer = if shown.should_close() { Some("Cancel") } else { shown.inner };
        let Some(answer) = answer else { return };
        self.question = None;
        match (question, answer) {
            (Question::Unsaved(then), "Save") if self.save(false, Some(then.clone())) => {
                self.answer_unsaved(then, ctx);
            }
            (Question::Unsaved(then), "Discard") => self.answer_unsaved(then, ctx),
            (Question::ChangedOnDisk(_), "Compare") => self.compare_with_disk(),
            (Question::ChangedOnDisk(path), "Reload (discard my changes)") => self.reload(&path),
            (Question::ChangedOnDisk(path), "Overwrite") => self.overwrite(&path),
            (Question::StartWithErrors(command, _), choice) if choice == command.label() => {
                self.service.request(command);
            }
            _ => {}
        }
    }

    /// Writes the editor's text over whatever is on disk now.
    pub(super) fn overwrite(&mut self, path: &std::path::Path) {
        let current = std::fs::read(path).ok();
        self.write(path, current.as_deref());
    }

    pub(super) fn overlays(&mut self, ctx: &egui::Context, palette: &Palette) {
        let Some(mut overlay) = self.overlay.take() else { return };
        let keep = match &mut overlay {
            Overlay::Path(prompt) => self.path_prompt(ctx, prompt),
            Overlay::GoToLine(prompt) => self.line_prompt(ctx, prompt),
            Overlay::Compare(comparison) => self.compare_view(ctx, comparison, palette),
            Overlay::Shortcuts => shortcuts(ctx),
            Overlay::InstallFolder(text) => self.install_folder_prompt(ctx, text),
            Overlay::TestLogin(form) => self.test_login_dialog(ctx, form),
            Overlay::NewFromTemplate(picker) => match picker.show(ctx) {
                super::templates::PickerAnswer::Open => true,
                super::templates::PickerAnswer::Cancelled => false,
                super::templates::PickerAnswer::Create(index) => {
                    self.new_from_template_asked(index);
                    false
                }
            },
        };
        // An answer may have opened another overlay (Compare → nothing, Save → a new prompt).
        if keep && self.overlay.is_none() {
            self.overlay = Some(overlay);
        }
    }

    fn test_login_dialog(&mut self, ctx: &egui::Context, form: &mut super::test_login::TestLoginForm) -> bool {
        use super::test_login::FormAnswer;
        match form.show(ctx) {
            FormAnswer::Open => true,
            FormAnswer::Cancelled => false,
            FormAnswer::KeepPreset(preset) => {
                let own = &mut self.settings.settings.client_presets;
                own.retain(|p| p.name != preset.name);
                self.status.set(format!("Kept the client preset \"{}\".", preset.name));
                own.push(preset);
                true
            }
            FormAnswer::Send(request, kept) => {
                if let Some(kept) = kept {
                    self.keep_test_login(kept);
                }
                let doc = self.buffer.analysis(self.platform).doc.clone();
                let repaint = ctx.clone();
                let path = self.buffer.path.clone();
                let job = super::login_job::start(*request, doc, path, self.env.protector.clone(), move || {
                    repaint.request_repaint();
                });
                self.login_job = Some(job);
                self.status.set("Test login sent; waiting for the proxy's answer…");
                false
            }
        }
    }

    /// Keeps a test for its section of the open file (a file never saved has nowhere to keep it).
    fn keep_test_login(&mut self, kept: super::test_login::SavedTest) {
        let Some(path) = self.buffer.path.clone() else {
            self.status.set("Save the config first: a test login is kept for a config file.");
            return;
        };
        let saved = &mut self.settings.settings.saved_logins;
        saved.retain(|s| !(s.config == path && s.section == kept.section && s.user == kept.user));
        saved.push(kept.for_config(path));
    }

    fn path_prompt(&mut self, ctx: &egui::Context, prompt: &mut PathPrompt) -> bool {
        let recent = self.settings.settings.recent.clone();
        let (title, button) = match prompt.purpose {
            Purpose::Open => ("Open a config file", "Open"),
            Purpose::Save => ("Save as", "Save"),
        };
        let shown = egui::Modal::new(Id::unique("path-prompt")).show(ctx, |ui| {
            ui.set_width(560.0);
            ui.heading(title);
            ui.label(
                "Type the file's full path. (This prompt shows when no file dialog can open on this desktop: \
                 without xdg-desktop-portal or zenity, as over X forwarding or VNC.)",
            );
            let field = ui.add(
                egui::TextEdit::singleline(&mut prompt.text)
                    .id(Id::unique("path-prompt-field"))
                    .desired_width(f32::INFINITY)
                    .hint_text("/opt/duoauthproxy/conf/authproxy.cfg"),
            );
            if std::mem::take(&mut prompt.focus) {
                field.request_focus();
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if let Some(error) = &prompt.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            let mut answer = Answer::Pending;
            if !recent.is_empty() {
                ui.add_space(space::GAP);
                ui.label(RichText::new("Recent files").strong());
                for path in &recent {
                    if ui.selectable_label(false, path.display().to_string()).clicked() {
                        prompt.text = path.display().to_string();
                        if prompt.purpose == Purpose::Open {
                            answer = Answer::Ok(());
                        }
                    }
                }
            }
            ui.add_space(space::GAP);
            match ok_or_cancel(ui, button, entered) {
                Answer::Pending => answer,
                chosen => chosen,
            }
        });
        let answer = if shown.should_close() { Answer::Cancel } else { shown.inner };
        match answer {
            Answer::Pending => true,
            Answer::Cancel => {
                self.status.set(format!("{button} cancelled."));
                false
            }
            Answer::Ok(()) => {
                let path = PathBuf::from(prompt.text.trim());
                let other_file = self.buffer.path.as_deref() != Some(path.as_path());
                if prompt.purpose == Purpose::Save
                    && other_file
                    && path.is_file()
                    && prompt.replace_confirmed.as_ref() != Some(&path)
                {
                    prompt.error = Some(format!(
                        "{} already exists. Press Save again to replace it (its content is kept as its .bak).",
                        path.display()
                    ));
                    prompt.replace_confirmed = Some(path);
                    prompt.focus = true;
                    return true;
                }
                match check_path(&path, prompt.purpose) {
                    Err(error) => {
                        prompt.error = Some(error);
                        prompt.focus = true;
                        true
                    }
                    Ok(()) => {
                        let then = prompt.then.take();
                        match prompt.purpose {
                            Purpose::Open => self.load(&path),
                            Purpose::Save => {
                                if self.save_to(&path) {
                                    if let Some(then) = then {
                                        self.answer_unsaved(then, ctx);
                                    }
                                }
                            }
                        }
                        false
                    }
                }
            }
        }
    }

    fn line_prompt(&mut self, ctx: &egui::Context, prompt: &mut LinePrompt) -> bool {
        let lines = self.buffer.analysis(self.platform).doc.line_index.line_count().max(1);
        let shown = egui::Modal::new(Id::unique("line-prompt")).show(ctx, |ui| {
            ui.set_width(320.0);
            ui.heading("Go to line");
            let field = ui.add(
                egui::TextEdit::singleline(&mut prompt.text)
                    .id(Id::unique("line-prompt-field"))
                    .hint_text(format!("1 to {lines}, or line:column")),
            );
            if std::mem::take(&mut prompt.focus) {
                field.request_focus();
            }
            if let Some(error) = &prompt.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ok_or_cancel(ui, "Go", entered)
        });
        let answer = if shown.should_close() { Answer::Cancel } else { shown.inner };
        match answer {
            Answer::Pending => true,
            Answer::Cancel => false,
            Answer::Ok(()) => match parse_line(&prompt.text) {
                Some((line, column)) => {
                    self.go_to_line(line, column);
                    false
                }
                None => {
                    prompt.error = Some(format!("Type a line number from 1 to {lines}."));
                    prompt.focus = true;
                    true
                }
            },
        }
    }

    fn compare_view(&mut self, ctx: &egui::Context, comparison: &super::Comparison, palette: &Palette) -> bool {
        let path = self.buffer.path.clone();
        let shown = egui::Modal::new(Id::unique("compare")).show(ctx, |ui| {
            ui.set_width(760.0);
            ui.heading("The file on disk (−) against the editor (+)");
            comparison.show(ui, palette.added, palette.error);
            ui.add_space(space::GAP);
            choices(
                ui,
                &["Keep editing", "Overwrite the file with mine", "Reload (discard my changes)"],
                "Keep editing",
            )
        });
        let answer = if shown.should_close() { Some("Keep editing") } else { shown.inner };
        match (answer, path) {
            (None, _) => true,
            (Some("Overwrite the file with mine"), Some(path)) => {
                self.overwrite(&path);
                false
            }
            (Some("Reload (discard my changes)"), Some(path)) => {
                self.reload(&path);
                false
            }
            _ => false,
        }
    }

    fn install_folder_prompt(&mut self, ctx: &egui::Context, text: &mut String) -> bool {
        let shown = egui::Modal::new(Id::unique("install-folder")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.heading("Proxy install folder");
            ui.label(
                "Where the Duo Authentication Proxy is installed, when it is not in the standard place. Service \
                 control (Start, Stop, Restart) uses this install's own program, and only while its \
                 conf/authproxy.cfg is open. Leave it empty for the standard place.",
            );
            ui.add(
                egui::TextEdit::singleline(text)
                    .desired_width(f32::INFINITY)
                    .hint_text(crate::service::default_install_dir().display().to_string()),
            );
            choices(ui, &["Use this folder", "Cancel"], "Cancel")
        });
        let answer = if shown.should_close() { Some("Cancel") } else { shown.inner };
        match answer {
            None => true,
            Some("Use this folder") => {
                let dir = Some(text.trim()).filter(|t| !t.is_empty()).map(PathBuf::from);
                match &dir {
                    Some(d) if !d.is_dir() => {
                        self.status.set(format!("{} is not a folder; nothing changed.", d.display()));
                    }
                    _ => self.set_install_dir(dir),
                }
                false
            }
            _ => false,
        }
    }

    pub(super) fn reveal_dialog(&mut self, ctx: &egui::Context) {
        let Some(revealed) = &mut self.revealed else { return };
        let shown = egui::Modal::new(Id::unique("reveal-protected")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            revealed.show(ui)
        });
        if shown.inner == RevealAction::Close || shown.should_close() {
            self.revealed = None;
        }
    }
}

/// Whether `path` can be opened (it is a file) or saved to (its folder exists).
fn check_path(path: &std::path::Path, purpose: Purpose) -> Result<(), String> {
    if path.as_os_str().is_empty() {
        return Err("Type a path.".into());
    }
    match purpose {
        Purpose::Open if !path.is_file() => Err(format!("{} is not a file.", path.display())),
        Purpose::Save if path.is_dir() => Err(format!("{} is a folder; add the file name.", path.display())),
        Purpose::Save if !path.parent().is_some_and(|p| p.as_os_str().is_empty() || p.is_dir()) => {
            Err(format!("The folder of {} does not exist.", path.display()))
        }
        _ => Ok(()),
    }
}

/// The keyboard shortcuts (F1); returns whether it stays open.
fn shortcuts(ctx: &egui::Context) -> bool {
    let shown = egui::Modal::new(Id::unique("shortcuts")).show(ctx, |ui| {
        ui.set_width(560.0);
        ui.heading("Keyboard shortcuts");
        egui::Grid::new("shortcut-grid").striped(true).num_columns(2).show(ui, |ui| {
            for command in Command::ALL {
                let Some(first) = command.shortcuts().first() else { continue };
                let keys: Vec<String> = command.shortcuts().iter().map(|s| ctx.format_shortcut(s)).collect();
                let _ = first;
                ui.label(RichText::new(keys.join(" or ")).monospace());
                ui.label(command.label());
                ui.end_row();
            }
            for (keys, what) in EDITOR_KEYS {
                ui.label(RichText::new(keys).monospace());
                ui.label(what);
                ui.end_row();
            }
        });
        ui.add_space(space::GAP);
        ui.button("Close").clicked()
    });
    !(shown.inner || shown.should_close())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_and_columns_are_read() {
        assert_eq!(parse_line("263"), Some((263, None)));
        assert_eq!(parse_line(" 12:5 "), Some((12, Some(5))));
        assert_eq!(parse_line("12,5"), Some((12, Some(5))));
        assert_eq!(parse_line("x"), None);
        assert_eq!(parse_line("3:x"), None);
    }

    #[test]
    fn a_typed_path_is_checked_before_use() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("authproxy.cfg");
        std::fs::write(&file, "[main]\n").unwrap();
        assert!(check_path(&file, Purpose::Open).is_ok());
        assert!(check_path(&dir.path().join("nope.cfg"), Purpose::Open).is_err());
        assert!(check_path(&dir.path().join("new.cfg"), Purpose::Save).is_ok());
        assert!(check_path(dir.path(), Purpose::Save).is_err());
        assert!(check_path(&dir.path().join("missing/new.cfg"), Purpose::Save).is_err());
        assert!(check_path(std::path::Path::new(""), Purpose::Open).is_err());
    }
}
