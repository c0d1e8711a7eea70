//! The window's frame around the editor: the toolbar with its menus, the status bar, the
//! find bar and the banners above the text.

use egui::{Id, Key, Modifiers, RichText, Ui};

use super::commands::Command;
use super::find::Direction;
use super::icons;
use super::settings::ThemeChoice;
use super::theme::Palette;
use super::{AuthProxyApp, DiskChange, Overlay};
use crate::schema::Platform;

/// The find field's id.
pub(super) fn find_field_id() -> Id {
    Id::unique("find-query")
}

impl AuthProxyApp {
    pub(super) fn toolbar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let mut clicked = None;
        let mut recent = None;
        ui.horizontal_wrapped(|ui| {
            for command in [Command::New, Command::Open] {
                if ui.add(icons::button(command.icon(), command.label())).on_hover_text(command.hint(&ctx)).clicked() {
                    clicked = Some(command);
                }
            }
            ui.menu_button("Recent", |ui| {
                if self.settings.settings.recent.is_empty() {
                    ui.label(RichText::new("No recent files yet.").weak());
                }
                for path in &self.settings.settings.recent {
                    if ui.button(path.display().to_string()).clicked() {
                        recent = Some(path.clone());
                    }
                }
                ui.separator();
                if ui.button(Command::OpenPath.label()).on_hover_text(Command::OpenPath.hint(&ctx)).clicked() {
                    clicked = Some(Command::OpenPath);
                }
            });
            for command in [Command::Save, Command::SaveAs] {
                if ui.add(icons::button(command.icon(), command.label())).on_hover_text(command.hint(&ctx)).clicked() {
                    clicked = Some(command);
                }
            }
            ui.separator();
            let validate = ui.add(icons::button(Command::Validate.icon(), Command::Validate.label()));
            if validate.on_hover_text(Command::Validate.hint(&ctx)).clicked() {
                clicked = Some(Command::Validate);
            }
            let refused = self.protect_refused();
            let protect = ui
                .add_enabled(
                    refused.is_none(),
                    icons::button(Command::ProtectSecrets.icon(), Command::ProtectSecrets.label()),
                )
                .on_hover_text(Command::ProtectSecrets.hint(&ctx))
                .on_disabled_hover_text(refused.unwrap_or_default());
            if protect.clicked() {
                clicked = Some(Command::ProtectSecrets);
            }
            let label = if self.checks.running() { "Testing…" } else { Command::TestConnectivity.label() };
            let checks = ui.add_enabled(!self.checks.running(), icons::button(Command::TestConnectivity.icon(), label));
            if checks.on_hover_text(Command::TestConnectivity.hint(&ctx)).clicked() {
                clicked = Some(Command::TestConnectivity);
            }
            let label = if self.login_running() { "Logging in…" } else { Command::TestLogin.label() };
            let login = ui.add_enabled(!self.login_running(), icons::button(Command::TestLogin.icon(), label));
            if login.on_hover_text(Command::TestLogin.hint(&ctx)).clicked() {
                clicked = Some(Command::TestLogin);
            }
            ui.separator();
            if let Some(command) = self.service.toolbar(ui) {
                clicked = Some(command);
            }
            ui.separator();
            ui.menu_button("View", |ui| {
                for command in [Command::GoToLine, Command::Find, Command::NextProblem, Command::ShowForm] {
                    if ui.button(command.hint(&ctx)).clicked() {
                        clicked = Some(command);
                    }
                }
                ui.separator();
                let mut outline = !self.settings.settings.hide_outline;
                if ui.checkbox(&mut outline, "Outline").changed() {
                    self.settings.settings.hide_outline = !outline;
                }
                let mut all = self.editor.reveal_secrets;
                if ui.checkbox(&mut all, Command::ToggleSecrets.hint(&ctx)).changed() {
                    clicked = Some(Command::ToggleSecrets);
                }
                ui.separator();
                ui.label("Theme");
                for choice in [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark] {
                    ui.radio_value(&mut self.settings.settings.theme, choice, choice.label());
                }
                ui.separator();
                if ui.button("Proxy install folder…").clicked() {
                    let current = self.settings.settings.install_dir.as_ref().map(|d| d.display().to_string());
                    self.overlay = Some(Overlay::InstallFolder(current.unwrap_or_default()));
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button(Command::Shortcuts.hint(&ctx)).clicked() {
                    clicked = Some(Command::Shortcuts);
                }
            });
        });
        if let Some(path) = recent {
            self.open_recent(&path);
        }
        if let Some(command) = clicked {
            self.run(command, &ctx);
        }
    }

    pub(super) fn status_bar(&mut self, ui: &mut Ui, palette: &Palette) {
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
            if let Some(evidence) = self.platform_evidence().filter(|e| e.platform != self.platform) {
                let offer = format!("Use {} rules", evidence.platform.as_str());
                let tip =
                    format!("This file looks like a {} proxy's: {}.", evidence.platform.as_str(), evidence.reason);
                if ui.button(RichText::new(offer).color(palette.warning)).on_hover_text(tip).clicked() {
                    self.platform = evidence.platform;
                }
            }
            if before != self.platform {
                self.platform_chosen = true;
                self.buffer.invalidate();
            }
            ui.separator();
            self.version_status(ui, palette.warning);
            ui.separator();
            self.encoding_status(ui, palette.warning);
            ui.separator();
            let caret = self.editor.caret.min(self.buffer.text.len());
            let at = self.buffer.analysis(self.platform).doc.line_col(caret);
            let position = ui
                .add(egui::Button::new(format!("Ln {}, Col {}", at.line, at.column)).frame(false))
                .on_hover_text(Command::GoToLine.hint(ui.ctx()));
            if position.clicked() {
                self.overlay = Some(Overlay::GoToLine(super::modals::LinePrompt::default()));
            }
            ui.separator();
            ui.label(if self.buffer.is_modified() { "Modified" } else { "Saved" });
            if self.editor.reveal_secrets {
                ui.separator();
                let shown = ui
                    .button(RichText::new("Secrets shown").color(palette.error).strong())
                    .on_hover_text("Every secret value is on screen. Click to hide them.");
                if shown.clicked() {
                    self.editor.reveal_secrets = false;
                }
            }
            ui.separator();
            ui.label(self.service.badge(ui)).on_hover_text(self.service.explanation());
            let note = self.status.text();
            if !note.is_empty() {
                ui.separator();
                ui.label(RichText::new(note).weak());
            }
        });
    }

    /// What the text says about its platform, worked out once per revision.
    fn platform_evidence(&mut self) -> Option<super::target::Evidence> {
        let revision = self.buffer.revision;
        if let Some((seen, evidence)) = &self.platform_evidence {
            if *seen == revision {
                return evidence.clone();
            }
        }
        let analysis = self.buffer.analysis(self.platform);
        let evidence = super::target::from_file(&analysis.doc);
        self.platform_evidence = Some((revision, evidence.clone()));
        evidence
    }

    /// The find bar: Enter and F3 go to the next match, Shift+Enter and Shift+F3 to the previous
    /// one, and the keyboard stays in the field (the text is never edited) until Escape.
    pub(super) fn find_bar(&mut self, ui: &mut Ui) {
        let field_id = find_field_id();
        let focused = ui.memory(|m| m.has_focus(field_id));
        let mut step = None;
        if focused {
            ui.input_mut(|i| {
                if i.consume_key(Modifiers::SHIFT, Key::Enter) {
                    step = Some(Direction::Backward);
                } else if i.consume_key(Modifiers::NONE, Key::Enter) {
                    step = Some(Direction::Forward);
                }
            });
        }
        // Escape closes the bar from its field, or from the text when no completion list is open.
        let in_text = ui.memory(|m| m.had_focus_last_frame(self.editor.id())) && !self.editor.completion_open();
        let escaped = (focused || self.find_had_focus || in_text) && ui.input(|i| i.key_pressed(Key::Escape));
        let mut close = escaped;
        ui.horizontal(|ui| {
            ui.label("Find:");
            let response = ui.add(
                egui::TextEdit::singleline(&mut self.find.query)
                    .id(field_id)
                    .hint_text("text to find")
                    .desired_width(240.0)
                    .return_key(None),
            );
            if std::mem::take(&mut self.find.focus) {
                response.request_focus();
            }
            if response.changed() {
                self.find.status.clear();
            }
            let case = ui.checkbox(&mut self.find.case_sensitive, "Match case");
            let word = ui.checkbox(&mut self.find.whole_word, "Whole word");
            if case.changed() || word.changed() {
                // Keep typing and stepping in the field; the count follows the options.
                self.find.status.clear();
                ui.memory_mut(|m| m.request_focus(field_id));
            }
            if ui.button("Previous").on_hover_text("Shift+Enter, Shift+F3").clicked() {
                step = Some(Direction::Backward);
            }
            if ui.button("Next").on_hover_text("Enter, F3").clicked() {
                step = Some(Direction::Forward);
            }
            if ui.button("Close").on_hover_text("Esc").clicked() {
                close = true;
            }
            ui.label(&self.find.status);
        });
        self.find_had_focus = ui.memory(|m| m.has_focus(field_id)) && !close;
        if let Some(direction) = step {
            self.run(if direction == Direction::Forward { Command::FindNext } else { Command::FindPrevious }, ui.ctx());
            ui.memory_mut(|m| m.request_focus(field_id));
        }
        if close {
            self.find.open = false;
            self.find_had_focus = false;
            // Back to the text, with the match found still selected.
            let selection = self.editor.selection.clone().unwrap_or(self.editor.caret..self.editor.caret);
            self.editor.select(selection);
        }
    }

    /// What the administrator must not miss: the file changed on disk, or a proxy that will not
    /// start with this file.
    pub(super) fn banners(&mut self, ui: &mut Ui, palette: &Palette) {
        if let Some(change) = self.disk_change.clone() {
            let frame =
                egui::Frame::new().fill(palette.warning.gamma_multiply(0.18)).inner_margin(6.0).corner_radius(4.0);
            frame.show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    let name = self.buffer.display_name();
                    let text = match change {
                        DiskChange::Changed => format!(
                            "{name} was changed on disk by another program. Your unsaved changes are still here."
                        ),
                        DiskChange::Gone => {
                            format!("{name} was deleted or moved on disk. Save to write your text there again.")
                        }
                    };
                    ui.label(RichText::new(text).strong());
                    if change == DiskChange::Changed {
                        if ui.button("Compare").clicked() {
                            self.compare_with_disk();
                        }
                        if ui.button("Keep mine").on_hover_text("Hide this; Save will ask before overwriting").clicked()
                        {
                            self.disk_change = None;
                        }
                        if ui
                            .button("Reload (discard my changes)")
                            .on_hover_text("Undo brings your text back")
                            .clicked()
                        {
                            if let Some(path) = self.buffer.path.clone() {
                                self.reload(&path);
                            }
                        }
                    } else if ui.button("OK").clicked() {
                        self.disk_change = None;
                    }
                });
            });
        }
        let analysis = self.buffer.analysis(self.platform);
        let fatal: Vec<_> = analysis.diagnostics.iter().filter(|d| d.kind.stops_the_proxy()).collect();
        if let Some(first) = fatal.first() {
            let at = analysis.doc.line_col(first.range.start);
            let range = first.range;
            let frame =
                egui::Frame::new().fill(palette.error.gamma_multiply(0.18)).inner_margin(6.0).corner_radius(4.0);
            let mut jump = false;
            frame.show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    super::problems::icon(ui, first.severity, palette);
                    ui.label(RichText::new("The proxy will not start with this file").color(palette.error).strong());
                    let more = if fatal.len() > 1 { format!(" (and {} more)", fatal.len() - 1) } else { String::new() };
                    ui.label(format!("line {}: {}{more}", at.line, first.message));
                    jump = ui.button("Show").clicked();
                });
            });
            if jump {
                self.jump(range);
            }
        }
    }
}
