//! The Problems tab: the live findings grouped by section, each as a two-line row (where it
//! is, with its fix, above the whole message, wrapped), with a filter for errors only. Only
//! the rows on screen are drawn, so a file with thousands of findings scrolls smoothly.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher as _;
use std::sync::Arc;

use egui::{pos2, vec2, Align2, Color32, FontId, Galley, Rect, Role, Sense, Ui, WidgetInfo};

use super::buffer::Analysis;
use super::output::PanelAction;
use super::theme::space;
use super::theme::Palette;
use crate::validate::{Diagnostic, Kind, Severity};

/// Paints the icon of a severity centred on `centre`, so it reads without colour too: a
/// crossed circle for errors, a triangle with "!" for warnings, a circle with "i" for notes.
/// (egui's bundled fonts have no such symbols, so they are drawn.)
pub fn paint_icon(painter: &egui::Painter, centre: egui::Pos2, size: f32, severity: Severity, palette: &Palette) {
    let colour = palette.severity(severity);
    let ink = Color32::WHITE;
    let r = size / 2.0;
    let stroke = egui::Stroke::new((size / 7.0).max(1.2), ink);
    match severity {
        Severity::Error => {
            painter.circle_filled(centre, r, colour);
            let d = r * 0.45;
            painter.line_segment([centre + vec2(-d, -d), centre + vec2(d, d)], stroke);
            painter.line_segment([centre + vec2(-d, d), centre + vec2(d, -d)], stroke);
        }
        Severity::Warning => {
            let points = vec![centre + vec2(0.0, -r), centre + vec2(r, r * 0.85), centre + vec2(-r, r * 0.85)];
            painter.add(egui::Shape::convex_polygon(points, colour, egui::Stroke::NONE));
            let dark = egui::Stroke::new(stroke.width, Color32::BLACK);
            painter.line_segment([centre + vec2(0.0, -r * 0.35), centre + vec2(0.0, r * 0.3)], dark);
            painter.circle_filled(centre + vec2(0.0, r * 0.6), stroke.width * 0.6, Color32::BLACK);
        }
        Severity::Info => {
            painter.circle_filled(centre, r, colour);
            painter.line_segment([centre + vec2(0.0, -r * 0.1), centre + vec2(0.0, r * 0.55)], stroke);
            painter.circle_filled(centre + vec2(0.0, -r * 0.45), stroke.width * 0.6, ink);
        }
    }
}

/// An icon as a widget in a row of widgets.
pub fn icon(ui: &mut Ui, severity: Severity, palette: &Palette) {
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, _) = ui.allocate_exact_size(vec2(size, size), Sense::hover());
    paint_icon(ui.painter(), rect.center(), size * 0.9, severity, palette);
}

/// What the Problems tab remembers.
#[derive(Default)]
pub struct ProblemsView {
    /// Show errors only.
    pub errors_only: bool,
    collapsed: HashSet<String>,
    /// Bumped when a group folds or unfolds, or another file opens.
    generation: u64,
    /// Wrapped message heights by (hash of the message, width), kept across edits.
    heights: HashMap<(u64, u32), f32>,
    /// The rows and their places, kept while nothing they depend on changes.
    rows: Option<Rows>,
}

/// The list's rows laid out: what each is, its height and its top.
struct Rows {
    key: (u64, bool, u64, u32, u32),
    items: Vec<Item>,
    heights: Vec<f32>,
    tops: Vec<f32>,
    total: f32,
}

/// One row of the list.
enum Item {
    Group { name: String, errors: usize, warnings: usize, notes: usize, collapsed: bool },
    Finding(usize),
}

const ROW_PAD: f32 = 3.0;
const INDENT: f32 = 18.0;

/// The section heading of a finding.
fn group_name(d: &Diagnostic) -> String {
    d.section.as_ref().map_or_else(|| "(whole file)".to_string(), |s| format!("[{s}]"))
}

/// Whether a finding shows with the current filter.
fn shown(d: &Diagnostic, errors_only: bool) -> bool {
    !errors_only || d.severity == Severity::Error
}

impl ProblemsView {
    /// The findings to step through with F8, in file order.
    #[must_use]
    pub fn steppable<'a>(&self, diagnostics: &'a [Diagnostic]) -> Vec<&'a Diagnostic> {
        diagnostics.iter().filter(|d| shown(d, self.errors_only)).collect()
    }

    fn items(&self, diagnostics: &[Diagnostic]) -> Vec<Item> {
        let mut order: Vec<String> = Vec::new();
        let mut members: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in diagnostics.iter().enumerate().filter(|(_, d)| shown(d, self.errors_only)) {
            let name = group_name(d);
            if !members.contains_key(&name) {
                order.push(name.clone());
            }
            members.entry(name).or_default().push(i);
        }
        let mut items = Vec::new();
        for name in order {
            let list = members.remove(&name).unwrap_or_default();
            let count = |s| list.iter().filter(|&&i| diagnostics[i].severity == s).count();
            let collapsed = self.collapsed.contains(&name);
            items.push(Item::Group {
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                notes: count(Severity::Info),
                name,
                collapsed,
            });
            if !collapsed {
                items.extend(list.into_iter().map(Item::Finding));
            }
        }
        items
    }

    /// Draws the tab. `protect` says why Protect cannot work here, if it cannot.
    pub fn show(
        &mut self,
        ui: &mut Ui,
        analysis: &Analysis,
        palette: &Palette,
        protect: Option<&str>,
    ) -> Option<PanelAction> {
        let (errors, warnings, notes) = analysis.counts();
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{errors} error(s), {warnings} warning(s), {notes} note(s)"));
            ui.checkbox(&mut self.errors_only, "Errors only");
            ui.label(egui::RichText::new("F8: next").weak())
                .on_hover_text("F8 goes to the next problem, Shift+F8 to the previous one");
        });
        if analysis.diagnostics.is_empty() {
            ui.add_space(space::GAP);
            ui.label(egui::RichText::new("No problems — Duo's checker would accept this file.").color(palette.added));
            return None;
        }
        let width = ui.available_width().max(120.0);
        let line_height = ui.spacing().interact_size.y;
        let key = (analysis.revision, self.errors_only, self.generation, width.to_bits(), line_height.to_bits());
        let rows = match self.rows.take() {
            Some(rows) if rows.key == key => rows,
            _ => self.lay_out_rows(ui, analysis, key, width, line_height),
        };
        let (items, heights, tops, total) = (&rows.items, &rows.heights, &rows.tops, rows.total);
        let mut action = None;
        let mut toggled = None;
        egui::ScrollArea::vertical().id_salt("problems-scroll").auto_shrink([false, false]).show_viewport(
            ui,
            |ui, viewport| {
                let origin = ui.min_rect().min;
                ui.allocate_space(vec2(width, total));
                let first = tops.partition_point(|&top| top <= viewport.min.y).saturating_sub(1);
                for (k, item) in items.iter().enumerate().skip(first) {
                    if tops[k] > viewport.max.y {
                        break;
                    }
                    let rect = Rect::from_min_size(origin + vec2(0.0, tops[k]), vec2(width, heights[k]));
                    match item {
                        Item::Group { name, errors, warnings, notes, collapsed } => {
                            if group_row(ui, rect, name, (*errors, *warnings, *notes), *collapsed, palette) {
                                toggled = Some(name.clone());
                            }
                        }
                        Item::Finding(i) => {
                            let d = &analysis.diagnostics[*i];
                            if let Some(a) = self.finding_row(ui, rect, analysis, *i, d, palette, protect) {
                                action = Some(a);
                            }
                        }
                    }
                }
            },
        );
        self.rows = Some(rows);
        if let Some(name) = toggled {
            if !self.collapsed.remove(&name) {
                self.collapsed.insert(name);
            }
            self.generation += 1;
        }
        action
    }

    /// Another file was opened: its findings start unfolded.
    pub fn forget(&mut self) {
        self.collapsed.clear();
        self.rows = None;
        self.generation += 1;
    }

    fn lay_out_rows(
        &mut self,
        ui: &Ui,
        analysis: &Analysis,
        key: (u64, bool, u64, u32, u32),
        width: f32,
        line_height: f32,
    ) -> Rows {
        let items = self.items(&analysis.diagnostics);
        let body = egui::TextStyle::Body.resolve(ui.style());
        let heights: Vec<f32> = items
            .iter()
            .map(|item| match item {
                Item::Group { .. } => line_height + 2.0 * ROW_PAD,
                Item::Finding(i) => {
                    let message = &analysis.diagnostics[*i].message;
                    line_height + self.message_height(ui, message, &body, width - INDENT) + 2.0 * ROW_PAD
                }
            })
            .collect();
        let mut tops = Vec::with_capacity(heights.len());
        let mut total = 0.0;
        for h in &heights {
            tops.push(total);
            total += h;
        }
        Rows { key, items, heights, tops, total }
    }

    fn message_height(&mut self, ui: &Ui, message: &str, font: &FontId, width: f32) -> f32 {
        let key = (rustc_hash::FxBuildHasher.hash_one(message), width.to_bits());
        if let Some(h) = self.heights.get(&key) {
            return *h;
        }
        let galley = message_galley(ui, message, font, width, Color32::WHITE);
        if self.heights.len() > 20_000 {
            self.heights.clear();
        }
        self.heights.insert(key, galley.size().y);
        galley.size().y
    }

    #[allow(clippy::too_many_arguments)]
    fn finding_row(
        &self,
        ui: &mut Ui,
        rect: Rect,
        analysis: &Analysis,
        index: usize,
        d: &Diagnostic,
        palette: &Palette,
        protect: Option<&str>,
    ) -> Option<PanelAction> {
        let id = ui.scope_id().with(("finding", index));
        let response = ui.interact(rect, id, Sense::click());
        response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &d.message));
        let painter = ui.painter_at(rect);
        if response.hovered() {
            painter.rect_filled(rect, 2.0, ui.visuals().widgets.hovered.weak_bg_fill);
        }
        let colour = palette.severity(d.severity);
        let line_height = ui.spacing().interact_size.y;
        let body = egui::TextStyle::Body.resolve(ui.style());
        let top = rect.top() + ROW_PAD;
        let at = analysis.doc.line_col(d.range.start);
        paint_icon(&painter, pos2(rect.left() + 8.0, top + line_height / 2.0), 13.0, d.severity, palette);
        let place = format!("line {}:{}", at.line, at.column);
        let place_galley = painter.layout_no_wrap(place, body.clone(), colour);
        let place_width = place_galley.size().x;
        painter.galley(
            pos2(rect.left() + INDENT, top + (line_height - place_galley.size().y) / 2.0),
            place_galley,
            colour,
        );
        let small = egui::TextStyle::Small.resolve(ui.style());
        painter.text(
            pos2(rect.left() + INDENT + place_width + 8.0, top + line_height / 2.0),
            Align2::LEFT_CENTER,
            d.kind.name(),
            small,
            ui.visuals().weak_text_color(),
        );
        let message = message_galley(ui, &d.message, &body, rect.width() - INDENT, ui.visuals().text_color());
        painter.galley(pos2(rect.left() + INDENT, top + line_height), message, ui.visuals().text_color());

        let mut action = response.clicked().then_some(PanelAction::Jump(d.range));
        let button = if let Some(fix) = &d.fix {
            Some((fix.title.clone(), fix.title.clone(), PanelAction::ApplyFix(index), true))
        } else if d.kind == Kind::PlaintextSecret {
            let enabled = protect.is_none();
            let tip =
                protect.map_or_else(|| "Encrypt it with DPAPI, as the proxy decrypts it".to_string(), str::to_string);
            Some(("Protect".to_string(), tip, PanelAction::Protect(index), enabled))
        } else {
            None
        };
        if let Some((label, tip, on_click, enabled)) = button {
            // Sized to its text, so it neither wraps nor pushes the panel wider.
            let galley = painter.layout_no_wrap(label.clone(), egui::TextStyle::Button.resolve(ui.style()), colour);
            let width = (galley.size().x + 2.0 * ui.spacing().button_padding.x + 4.0).min(rect.width() / 2.0);
            let button_rect =
                Rect::from_min_size(pos2(rect.right() - width - 4.0, top + 1.0), vec2(width, line_height - 2.0));
            let clicked = ui
                .scope_builder(egui::UiBuilder::new().max_rect(button_rect), |ui| {
                    ui.add_enabled(enabled, egui::Button::new(label).small().wrap_mode(egui::TextWrapMode::Truncate))
                })
                .inner
                .on_hover_text(&tip)
                .on_disabled_hover_text(&tip)
                .clicked();
            if clicked && enabled {
                action = Some(on_click);
            }
        }
        action
    }
}

fn message_galley(ui: &Ui, message: &str, font: &FontId, width: f32, colour: Color32) -> Arc<Galley> {
    ui.fonts_mut(|f| f.layout(message.to_string(), font.clone(), colour, width.max(40.0)))
}

/// Draws a section heading; returns whether it was clicked (to fold or unfold it).
fn group_row(
    ui: &mut Ui,
    rect: Rect,
    name: &str,
    (errors, warnings, notes): (usize, usize, usize),
    collapsed: bool,
    palette: &Palette,
) -> bool {
    let response = ui.interact(rect, ui.scope_id().with(("group", name)), Sense::click());
    let mut counts = Vec::new();
    for (n, word, severity) in
        [(errors, "error", Severity::Error), (warnings, "warning", Severity::Warning), (notes, "note", Severity::Info)]
    {
        if n > 0 {
            counts.push((format!("{n} {word}{}", if n == 1 { "" } else { "s" }), severity));
        }
    }
    let label = format!("{name}  {}", counts.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>().join(", "));
    response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
    let painter = ui.painter_at(rect);
    if response.hovered() {
        painter.rect_filled(rect, 2.0, ui.visuals().widgets.hovered.weak_bg_fill);
    }
    let body = egui::TextStyle::Body.resolve(ui.style());
    let middle = rect.center().y;
    let text_colour = ui.visuals().text_color();
    // A triangle pointing right when folded, down when open.
    let c = pos2(rect.left() + 8.0, middle);
    let arrow = if collapsed {
        vec![c + vec2(-3.0, -5.0), c + vec2(4.0, 0.0), c + vec2(-3.0, 5.0)]
    } else {
        vec![c + vec2(-5.0, -3.0), c + vec2(5.0, -3.0), c + vec2(0.0, 4.0)]
    };
    painter.add(egui::Shape::convex_polygon(arrow, text_colour, egui::Stroke::NONE));
    let heading = painter.layout_no_wrap(name.to_string(), body.clone(), ui.visuals().strong_text_color());
    let mut x = rect.left() + INDENT;
    let heading_width = heading.size().x;
    painter.galley(pos2(x, middle - heading.size().y / 2.0), heading, ui.visuals().strong_text_color());
    x += heading_width + 12.0;
    for (text, severity) in counts {
        paint_icon(&painter, pos2(x + 6.0, middle), 12.0, severity, palette);
        x += 16.0;
        let galley = painter.layout_no_wrap(text, body.clone(), palette.severity(severity));
        let w = galley.size().x;
        painter.galley(pos2(x, middle - galley.size().y / 2.0), galley, palette.severity(severity));
        x += w + 12.0;
    }
    response.clicked()
}
