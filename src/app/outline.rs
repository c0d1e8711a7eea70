//! The outline: the file's sections in order, each with its type, name and finding counts. A
//! click jumps to the section; its context menu renames (renumbers) or deletes it; "Add
//! section" appends one of a chosen type with its required keys.

use egui::{Color32, RichText, Ui};

use super::buffer::Analysis;
use super::theme::space;
use super::theme::Palette;
use crate::schema::{Role, SectionType};
use crate::validate::Severity;

/// What the user asked of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutlineAction {
    /// Show section `index` in the editor.
    Jump(usize),
    /// Append a section of this type.
    Add(SectionType),
    /// Rename section `index`.
    Rename(usize, String),
    /// Delete section `index`.
    Delete(usize),
}

/// The outline's own state: the row being renamed.
#[derive(Default)]
pub struct Outline {
    renaming: Option<Renaming>,
    /// The section the caret was in last frame, and the part of the list in view (top, height).
    followed: Option<usize>,
    view: (f32, f32),
}

/// One section's row.
struct Row<'a> {
    index: usize,
    name: &'a str,
    /// Errors and warnings in it.
    counts: (usize, usize),
    /// The caret is in it.
    current: bool,
}

struct Renaming {
    index: usize,
    name: String,
    focus: bool,
}

/// A short tag for a section's type and its colour.
fn badge(name: &str, palette: &Palette) -> (&'static str, Color32) {
    let Some(ty) = SectionType::from_section_name(name) else { return ("?", palette.gutter_text) };
    let tag = match ty {
        SectionType::Main => "MAIN",
        SectionType::AdClient => "AD",
        SectionType::RadiusClient => "RADIUS",
        SectionType::DuoOnlyClient => "DUO",
        SectionType::LdapServerAuto => "LDAP",
        SectionType::Cloud => "SYNC",
        SectionType::Sso => "SSO",
        SectionType::HttpProxy => "PROXY",
        _ => "RADIUS",
    };
    let colour = match crate::schema::role_of(name) {
        Role::Server => palette.info,
        Role::Client => palette.added,
        Role::Cloud | Role::HttpProxy | Role::None => palette.warning,
    };
    (tag, colour)
}

/// Errors and warnings per section of `analysis.doc`, by index.
fn counts(analysis: &Analysis) -> Vec<(usize, usize)> {
    let doc = &analysis.doc;
    let mut counts = vec![(0, 0); doc.sections.len()];
    for diagnostic in &analysis.diagnostics {
        let line = doc.line_index.line_of(diagnostic.range.start.min(doc.text().len()));
        let Some(index) = doc.section_at_line(line) else { continue };
        match diagnostic.severity {
            Severity::Error => counts[index].0 += 1,
            Severity::Warning => counts[index].1 += 1,
            Severity::Info => {}
        }
    }
    counts
}

impl Outline {
    /// Draws the outline of `analysis`; `current` is the section the caret is in.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        analysis: &Analysis,
        current: Option<usize>,
        palette: &Palette,
    ) -> Option<OutlineAction> {
        let mut action = None;
        ui.horizontal(|ui| {
            ui.label(RichText::new("Outline").strong());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.menu_button("Add section", |ui| {
                    for ty in SectionType::ALL {
                        let allowed = crate::config::sections::next_section_name(&analysis.doc, ty).is_some();
                        let button = ui.add_enabled(allowed, egui::Button::new(ty.base_name()));
                        if button.on_hover_text(ty.help()).clicked() {
                            action = Some(OutlineAction::Add(ty));
                            ui.close();
                        }
                    }
                });
            });
        });
        ui.separator();
        let counts = counts(analysis);
        if analysis.doc.sections.is_empty() {
            ui.label(RichText::new("No sections yet. Add one above, or type [main].").weak());
            return action;
        }
        // Only the rows in view are drawn: a 10,000-line file has about a thousand sections.
        // show_rows places rows one row height plus the item spacing apart; the grid matches it.
        let spacing = ui.spacing().item_spacing.y;
        let row_height = ui.spacing().interact_size.y;
        let pitch = row_height + spacing;
        let sections = &analysis.doc.sections;
        let mut scroll = egui::ScrollArea::vertical().id_salt("outline-scroll").auto_shrink([false, false]);
        // When the caret moves into another section, its row is brought into view.
        if current != self.followed {
            self.followed = current;
            if let Some(index) = current {
                let (top, height) = self.view;
                let y = index as f32 * pitch;
                if y < top || y + pitch > top + height {
                    scroll = scroll.vertical_scroll_offset((y - height / 2.0).max(0.0));
                }
            }
        }
        let shown = scroll.show_rows(ui, row_height, sections.len(), |ui, rows| {
            egui::Grid::new("outline-rows")
                .num_columns(3)
                .spacing([space::GAP, spacing])
                .min_row_height(row_height)
                .show(ui, |ui| {
                    for index in rows {
                        let row = Row {
                            index,
                            name: &sections[index].name,
                            counts: counts[index],
                            current: current == Some(index),
                        };
                        if let Some(row_action) = self.row(ui, &row, palette) {
                            action = Some(row_action);
                        }
                        ui.end_row();
                    }
                });
        });
        self.view = (shown.state.clamped_offset().y, shown.inner_rect.height());
        action
    }

    /// The rename field in place of the row's name; the new name once Enter is pressed.
    fn rename_field(&mut self, ui: &mut Ui, row: &Row<'_>) -> Option<OutlineAction> {
        let renaming = self.renaming.as_mut()?;
        let label = ui.label("Rename to");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut renaming.name)
                    .id_salt(("outline-rename", row.index))
                    .desired_width(150.0),
            )
            .labelled_by(label.id);
        if std::mem::take(&mut renaming.focus) {
            field.request_focus();
        }
        if !field.lost_focus() {
            return None;
        }
        let (enter, escape) = ui.input(|i| (i.key_pressed(egui::Key::Enter), i.key_pressed(egui::Key::Escape)));
        // The key that ended the rename is not typed into the editor too.
        ui.input_mut(|i| {
            i.consume_key(egui::Modifiers::NONE, egui::Key::Enter);
            i.consume_key(egui::Modifiers::NONE, egui::Key::Escape);
        });
        let renamed = self.renaming.take().map(|r| r.name).unwrap_or_default();
        let wanted = enter && !escape && renamed.trim() != row.name;
        wanted.then_some(OutlineAction::Rename(row.index, renamed))
    }

    fn row(&mut self, ui: &mut Ui, row: &Row<'_>, palette: &Palette) -> Option<OutlineAction> {
        let mut action = None;
        if self.renaming.as_ref().is_some_and(|r| r.index == row.index) {
            action = self.rename_field(ui, row);
        } else {
            let (tag, colour) = badge(row.name, palette);
            ui.label(RichText::new(tag).small().color(colour).monospace());
            let shown = crate::logfile::display_text(row.name.as_bytes());
            let label = ui.selectable_label(row.current, format!("[{shown}]"));
            let hint = SectionType::from_section_name(row.name)
                .map_or("A section the proxy does not know.", SectionType::help);
            if label.clone().on_hover_text(hint).clicked() {
                action = Some(OutlineAction::Jump(row.index));
            }
            label.context_menu(|ui| {
                if ui.button("Rename…").clicked() {
                    self.renaming = Some(Renaming { index: row.index, name: row.name.to_owned(), focus: true });
                    ui.close();
                }
                if ui.button("Delete").clicked() {
                    action = Some(OutlineAction::Delete(row.index));
                    ui.close();
                }
            });
        }
        let (errors, warnings) = row.counts;
        let plural = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
        ui.horizontal(|ui| {
            if errors > 0 {
                ui.label(RichText::new(plural(errors, "error")).small().color(palette.error));
            }
            if warnings > 0 {
                ui.label(RichText::new(plural(warnings, "warning")).small().color(palette.warning));
            }
        });
        action
    }
}
