//! The code editor: a `TextEdit` coloured by the highlighter, a gutter with line
//! numbers and markers, wavy underlines whose hover shows the finding, hover help
//! from the schema, and the completion popup.
//!
//! egui's cursors count characters while the model counts bytes; [`char_cursor`]
//! and [`byte_offset`] below are the only places that convert between them.

use std::ops::Range;
use std::sync::Arc;

use egui::text::{CCursor, CCursorRange};
use egui::{
    pos2, Align, Align2, Color32, FontId, Galley, Id, Key, Modifiers, Painter, Pos2, Rect, Response, Shape, Stroke,
    TextBuffer, Ui,
};

use super::buffer::{Analysis, Buffer};
use super::layout::{Look, TextLayouter};
use super::theme::Palette;
use crate::complete::{self, Completion, CompletionKind};
use crate::config::apply;
use crate::schema::Platform;
use crate::text::{byte_of_char_index, char_index_of_byte};
use crate::validate::Severity;

/// The egui cursor at byte `byte` of `text`.
#[must_use]
pub fn char_cursor(text: &str, byte: usize) -> CCursor {
    CCursor::new(char_index_of_byte(text, byte.min(text.len())))
}

/// The byte offset of an egui cursor in `text`.
#[must_use]
pub fn byte_offset(text: &str, cursor: CCursor) -> usize {
    byte_of_char_index(text, cursor.index.0)
}

/// How many characters `slice` holds: a column within one line.
fn columns(slice: &str) -> egui::text::CharIndex {
    egui::text::CharIndex(slice.chars().count())
}

/// The open completion list.
struct CompletionList {
    items: Vec<Completion>,
    selected: usize,
    /// The caret it was computed for.
    caret: usize,
    revision: u64,
}

/// What the key handling before the `TextEdit` decided.
#[derive(Default)]
struct KeyIntent {
    open_completion: bool,
    accept: bool,
    dismissed: bool,
}

/// Where the text was drawn this frame.
struct Drawn {
    galley: Arc<Galley>,
    galley_pos: Pos2,
    painter: Painter,
    gutter_right: f32,
    response: Response,
}

/// What happened in the editor this frame.
#[derive(Debug, Default, Clone, Copy)]
pub struct EditorOutcome {
    /// The text changed (typing, paste, completion).
    pub changed: bool,
}

/// The editor's state between frames.
pub struct Editor {
    id: Id,
    layouter: TextLayouter,
    /// Show secret values instead of masking them.
    pub reveal_secrets: bool,
    completion: Option<CompletionList>,
    popup_rect: Option<Rect>,
    pending_selection: Option<Range<usize>>,
    scroll_to_caret: bool,
    /// The caret as a byte offset (start of the selection's active end).
    pub caret: usize,
    /// The selected bytes, if any.
    pub selection: Option<Range<usize>>,
    last_cursor: Option<CCursorRange>,
    /// The cursor last converted to bytes, and in which revision.
    converted: Option<(CCursorRange, u64)>,
    last_revision: u64,
    drawn: Option<Drawn>,
    focus_requested: bool,
}

impl Default for Editor {
    fn default() -> Self {
        Self::new()
    }
}

/// Width of the line-number gutter.
const GUTTER_WIDTH: f32 = 56.0;

impl Editor {
    /// A fresh editor.
    #[must_use]
    pub fn new() -> Self {
        Self {
            id: Id::unique("authproxy-cfg-editor"),
            layouter: TextLayouter::default(),
            reveal_secrets: false,
            completion: None,
            popup_rect: None,
            pending_selection: None,
            scroll_to_caret: false,
            caret: 0,
            selection: None,
            last_cursor: None,
            converted: None,
            last_revision: 0,
            drawn: None,
            focus_requested: true,
        }
    }

    /// The `TextEdit`'s id.
    #[must_use]
    pub fn id(&self) -> Id {
        self.id
    }

    /// Selects `range` (bytes) on the next frame and scrolls to it.
    pub fn select(&mut self, range: Range<usize>) {
        self.pending_selection = Some(range);
        self.scroll_to_caret = true;
        self.focus_requested = true;
        self.completion = None;
    }

    /// Puts the caret at byte `offset` on the next frame.
    pub fn move_caret(&mut self, offset: usize) {
        self.select(offset..offset);
    }

    /// Whether the completion list is showing.
    #[must_use]
    pub fn completion_open(&self) -> bool {
        self.completion.is_some()
    }

    /// The labels in the completion list, in order.
    #[must_use]
    pub fn completion_labels(&self) -> Vec<String> {
        self.completion.as_ref().map(|c| c.items.iter().map(|i| i.label.clone()).collect()).unwrap_or_default()
    }

    /// Opens completion at the caret on the next frame (Ctrl+Space).
    pub fn request_completion(&mut self) {
        self.completion = Some(CompletionList { items: Vec::new(), selected: 0, caret: usize::MAX, revision: 0 });
    }

    /// Forgets per-file state (a new file was opened).
    pub fn reset(&mut self) {
        self.completion = None;
        self.pending_selection = Some(0..0);
        self.scroll_to_caret = true;
        self.caret = 0;
        self.selection = None;
        self.last_cursor = None;
        self.focus_requested = true;
    }

    fn keys_before_text_edit(&mut self, ui: &Ui) -> KeyIntent {
        let mut intent = KeyIntent::default();
        let focused = ui.memory(|m| m.has_focus(self.id));
        ui.input_mut(|i| {
            if focused && i.consume_key(Modifiers::CTRL, Key::Space) {
                intent.open_completion = true;
            }
            let Some(list) = self.completion.as_mut() else { return };
            if list.items.is_empty() {
                return;
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowDown) {
                list.selected = (list.selected + 1) % list.items.len();
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowUp) {
                list.selected = (list.selected + list.items.len() - 1) % list.items.len();
            }
            if i.consume_key(Modifiers::NONE, Key::Enter) || i.consume_key(Modifiers::NONE, Key::Tab) {
                intent.accept = true;
            }
            if i.consume_key(Modifiers::NONE, Key::Escape) {
                self.completion = None;
                intent.dismissed = true;
                // egui drops focus on Escape before any widget sees it; here Escape only closes the list.
                self.focus_requested = true;
            }
        });
        intent
    }

    fn apply_pending_selection(&mut self, ui: &Ui, text: &str) {
        if self.pending_selection.is_none() {
            return;
        }
        // A click elsewhere this frame (the button that asked for the jump) takes focus away from
        // the editor, and an unfocused TextEdit drops its selection: wait for a calm frame.
        if ui.input(|i| i.pointer.any_click() || i.pointer.any_released()) {
            ui.ctx().request_repaint();
            return;
        }
        let Some(range) = self.pending_selection.take() else { return };
        let mut state = egui::text_edit::TextEditState::load(ui.ctx(), self.id).unwrap_or_default();
        let start = char_cursor(text, range.start);
        let end = char_cursor(text, range.end);
        state.cursor.set_char_range(Some(CCursorRange::two(start, end)));
        state.store(ui.ctx(), self.id);
        self.focus_requested = true;
    }

    /// Draws the editor for `buffer` and records any edit in it.
    pub fn show(&mut self, ui: &mut Ui, buffer: &mut Buffer) -> EditorOutcome {
        let intent = self.keys_before_text_edit(ui);
        if intent.open_completion {
            self.request_completion();
        }
        if intent.accept {
            self.accept_completion(buffer);
        }
        self.apply_pending_selection(ui, &buffer.text);
        if std::mem::take(&mut self.focus_requested) {
            ui.memory_mut(|m| m.request_focus(self.id));
        }

        let look = Look {
            palette: Palette::for_visuals(ui.visuals()),
            font: egui::TextStyle::Monospace.resolve(ui.style()),
            reveal_secrets: self.reveal_secrets,
            pixels_per_point: ui.pixels_per_point(),
        };
        let text_layouter = &mut self.layouter;
        let (text, prefetch) = buffer.text_and_prefetch();
        let mut layouter = |ui: &Ui, buf: &dyn TextBuffer, _wrap_width: f32| -> Arc<Galley> {
            // The first sight of an edited text: its analysis can start now, beside the layout.
            if !text_layouter.is_laid_out(buf.as_str()) {
                prefetch.start(buf.as_str());
            }
            text_layouter.layout(buf.as_str(), &look, |job| ui.fonts_mut(|f| f.layout_job(job)))
        };

        let mut changed = false;
        egui::ScrollArea::both().id_salt("editor-scroll").auto_shrink([false, false]).show(ui, |ui| {
            ui.horizontal_top(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                let gutter_left = ui.cursor().left();
                ui.add_space(GUTTER_WIDTH);
                let output = egui::TextEdit::multiline(text)
                    .id(self.id)
                    .code_editor()
                    .lock_focus(true)
                    .frame(egui::Frame::NONE)
                    .desired_width(f32::INFINITY)
                    .desired_rows(40)
                    .layouter(&mut layouter)
                    .show(ui);
                let response = output.response.response.clone();
                changed = response.changed();
                if let Some(range) = output.cursor_range.or_else(|| output.state.cursor.char_range()) {
                    self.last_cursor = Some(range);
                }
                self.drawn = Some(Drawn {
                    galley: output.galley,
                    galley_pos: output.galley_pos,
                    painter: ui.painter().clone(),
                    gutter_right: gutter_left + GUTTER_WIDTH - 8.0,
                    response: response.accessible_name("Configuration editor"),
                });
            });
        });

        self.track_caret(ui, buffer, changed);
        if self.scroll_to_caret {
            self.scroll_to_caret = false;
            if let Some(rect) = self.caret_rect(&buffer.text) {
                ui.scroll_to_rect(rect.expand(40.0), Some(Align::Center));
            }
        }
        if changed && !intent.accept && !intent.dismissed {
            self.completion_after_typing(ui);
        }
        EditorOutcome { changed: changed || intent.accept }
    }

    /// Converts the egui cursor to bytes and records edits in `buffer`.
    fn track_caret(&mut self, ui: &Ui, buffer: &mut Buffer, changed: bool) {
        let Some(range) = self.last_cursor else { return };
        if !changed && self.converted == Some((range, buffer.revision)) {
            return;
        }
        self.converted = Some((range, buffer.revision));
        let mut caret = byte_offset(&buffer.text, range.primary);
        let anchor = byte_offset(&buffer.text, range.secondary);
        if changed {
            if let Some(shift) = buffer.commit_edit(caret) {
                if shift > 0 {
                    caret += shift;
                    self.pending_selection = Some(caret..caret);
                    self.apply_pending_selection(ui, &buffer.text);
                }
            }
        }
        let moved = caret != self.caret;
        self.caret = caret;
        self.selection = (anchor != caret).then(|| anchor.min(caret)..anchor.max(caret));
        if moved && !changed && self.completion.as_ref().is_some_and(|c| c.caret != usize::MAX) {
            self.completion = None;
            buffer.history.seal();
        }
        self.last_revision = buffer.revision;
    }

    fn completion_after_typing(&mut self, ui: &Ui) {
        let typed = ui.input(|i| {
            i.events.iter().rev().find_map(|e| match e {
                egui::Event::Text(t) => t.chars().last(),
                _ => None,
            })
        });
        let wants = typed.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '[' || c == '=' || c == ':');
        if wants && self.completion.is_none() {
            self.request_completion();
        }
    }

    /// Refreshes and draws the completion list against the current analysis.
    pub fn show_completion(&mut self, ui: &Ui, buffer: &mut Buffer, analysis: &Analysis, platform: Platform) {
        if self.completion.is_none() {
            self.popup_rect = None;
            return;
        }
        let anchor = self.caret_rect(&buffer.text);
        let Some(list) = self.completion.as_mut() else { return };
        if list.caret != self.caret || list.revision != analysis.revision {
            list.items = complete::complete(&analysis.doc, self.caret, platform);
            list.caret = self.caret;
            list.revision = analysis.revision;
            list.selected = list.selected.min(list.items.len().saturating_sub(1));
        }
        if list.items.is_empty() {
            self.completion = None;
            self.popup_rect = None;
            return;
        }
        let clicked_outside = ui.input(|i| i.pointer.any_pressed())
            && ui.ctx().pointer_interact_pos().is_some_and(|p| self.popup_rect.is_some_and(|r| !r.contains(p)));
        if clicked_outside {
            self.completion = None;
            self.popup_rect = None;
            return;
        }
        let Some(anchor) = anchor else { return };
        let mut clicked = None;
        let selected = list.selected;
        let items = &list.items;
        let shown = egui::Popup::new(self.id.with("completion"), ui.ctx().clone(), anchor, ui.layer_id())
            .kind(egui::PopupKind::Popup)
            .open(true)
            .close_behavior(egui::PopupCloseBehavior::IgnoreClicks)
            .show(|ui| {
                ui.set_min_width(280.0);
                egui::ScrollArea::vertical().max_height(260.0).show(ui, |ui| {
                    for (i, item) in items.iter().enumerate() {
                        let kind = match item.kind {
                            CompletionKind::Section => "section",
                            CompletionKind::Key => "key",
                            CompletionKind::Value => "value",
                        };
                        let row = ui
                            .selectable_label(i == selected, &item.label)
                            .on_hover_text(format!("{kind}: {}\n{}", item.detail, item.doc));
                        if i == selected {
                            row.scroll_to_me(None);
                        }
                        if row.clicked() {
                            clicked = Some(i);
                        }
                    }
                });
                if let Some(item) = items.get(selected) {
                    ui.separator();
                    ui.label(egui::RichText::new(&item.detail).weak());
                }
            });
        self.popup_rect = shown.map(|r| r.response.rect);
        if let Some(i) = clicked {
            if let Some(list) = self.completion.as_mut() {
                list.selected = i;
            }
            self.accept_completion(buffer);
            ui.ctx().request_repaint();
        }
    }

    /// Accepts the selected completion: applies its edit and puts the caret after it.
    fn accept_completion(&mut self, buffer: &mut Buffer) {
        let Some(list) = self.completion.take() else { return };
        let Some(item) = list.items.get(list.selected) else { return };
        if let Ok(text) = apply(&buffer.text, std::slice::from_ref(&item.edit)) {
            let caret = item.edit.range.start + item.edit.insert.len();
            buffer.replace_all(text);
            self.move_caret(caret);
            self.scroll_to_caret = false;
            // After a key, offer its values straight away.
            if item.kind == CompletionKind::Key {
                self.request_completion();
            }
        }
    }

    /// The rectangle of the caret on screen.
    fn caret_rect(&self, text: &str) -> Option<Rect> {
        let drawn = self.drawn.as_ref()?;
        let offset = self.pending_selection.as_ref().map_or(self.caret, |r| r.end).min(text.len());
        let rect = drawn.galley.pos_from_cursor(char_cursor(text, offset));
        Some(rect.translate(drawn.galley_pos.to_vec2()))
    }

    /// Paints the gutter, the underlines, and hover messages and help.
    pub fn decorate(&self, ui: &Ui, text: &str, analysis: &Analysis, palette: &Palette) {
        let Some(drawn) = self.drawn.as_ref() else { return };
        let painter = &drawn.painter;
        let clip = painter.clip_rect();
        let rows = &drawn.galley.rows;
        let top = clip.top() - drawn.galley_pos.y;
        let bottom = clip.bottom() - drawn.galley_pos.y;
        let first = rows.partition_point(|r| r.pos.y + r.height() < top);
        let last = rows.partition_point(|r| r.pos.y <= bottom).min(rows.len());
        let number_font = FontId::monospace(egui::TextStyle::Monospace.resolve(ui.style()).size * 0.9);
        for (line, row) in rows.iter().enumerate().take(last).skip(first) {
            let y = drawn.galley_pos.y + row.pos.y;
            let mark = analysis.line_marks.get(line).copied().flatten();
            let color = mark.map_or(palette.gutter_text, |s| palette.severity(s));
            painter.text(
                pos2(drawn.gutter_right, y),
                Align2::RIGHT_TOP,
                (line + 1).to_string(),
                number_font.clone(),
                color,
            );
            if let Some(severity) = mark {
                let center = pos2(drawn.gutter_right - GUTTER_WIDTH + 14.0, y + row.height() / 2.0);
                painter.circle_filled(center, 3.5, palette.severity(severity));
            }
        }
        if !self.reveal_secrets {
            paint_secret_masks(drawn, text, analysis, palette, first..last);
        }
        let index = &analysis.doc.line_index;
        let mut hovered_messages = Vec::new();
        let pointer = ui.ctx().pointer_hover_pos();
        for d in &analysis.diagnostics {
            if d.severity == Severity::Info {
                continue;
            }
            let start_line = index.line_of(d.range.start.min(text.len()));
            let end_line = index.line_of(d.range.end.min(text.len())).max(start_line);
            if end_line < first || start_line >= last {
                continue;
            }
            for line in start_line.max(first)..=end_line.min(last.saturating_sub(1)) {
                let Some(row) = rows.get(line) else { continue };
                let line_start = index.line_start(line);
                let line_end = line_start + line_content_len(&text[line_start..]);
                let s = d.range.start.clamp(line_start, line_end);
                let e = d.range.end.clamp(s, line_end);
                let x0 = row.x_offset(columns(&text[line_start..s]));
                let mut x1 = row.x_offset(columns(&text[line_start..e]));
                if x1 - x0 < 6.0 {
                    x1 = x0 + 6.0;
                }
                let origin = drawn.galley_pos + row.pos.to_vec2();
                let y = origin.y + row.height() - 1.0;
                let rect = Rect::from_min_max(pos2(origin.x + x0, origin.y), pos2(origin.x + x1, y + 2.0));
                painter.add(squiggle(rect.left(), rect.right(), y, palette.severity(d.severity)));
                if pointer.is_some_and(|p| rect.contains(p)) {
                    hovered_messages.push((d.severity, d.kind.name(), d.message.clone()));
                }
            }
        }
        let response = drawn.response.clone();
        if !hovered_messages.is_empty() {
            response.on_hover_ui_at_pointer(|ui| {
                ui.set_max_width(480.0);
                for (severity, kind, message) in &hovered_messages {
                    ui.label(
                        egui::RichText::new(format!("{} [{kind}]", severity.as_str()))
                            .color(palette.severity(*severity)),
                    );
                    ui.label(message);
                }
            });
        } else if let Some(help) = pointer.and_then(|p| self.hover_help(text, analysis, p)) {
            response.on_hover_ui_at_pointer(|ui| {
                ui.set_max_width(480.0);
                ui.label(help);
            });
        }
    }

    fn hover_help(&self, text: &str, analysis: &Analysis, pointer: Pos2) -> Option<String> {
        let drawn = self.drawn.as_ref()?;
        if !drawn.response.rect.contains(pointer) {
            return None;
        }
        let cursor = drawn.galley.cursor_from_pos(pointer - drawn.galley_pos);
        let offset = byte_offset(text, cursor);
        complete::hover(&analysis.doc, offset).map(|h| h.text)
    }
}

/// Covers the value of each secret-looking key on the visible `lines` with a mask of one fixed
/// width (the layout already drew those glyphs transparent).
fn paint_secret_masks(drawn: &Drawn, text: &str, analysis: &Analysis, palette: &Palette, lines: Range<usize>) {
    let doc = &analysis.doc;
    let font = FontId::monospace(drawn.galley.rows.first().map_or(12.0, |r| r.height() * 0.8));
    for (line, row) in drawn.galley.rows.iter().enumerate().take(lines.end).skip(lines.start) {
        let Some(crate::config::Line { kind: crate::config::LineKind::Entry { key, value, .. }, content, .. }) =
            doc.lines.get(line)
        else {
            continue;
        };
        let (Some(key_text), Some(before_value)) = (text.get(key.start..key.end), text.get(content.start..value.start))
        else {
            continue;
        };
        if value.is_empty() || !crate::secrets::looks_secret(key_text) {
            continue;
        }
        let origin = drawn.galley_pos + row.pos.to_vec2();
        let x = origin.x + row.x_offset(columns(before_value));
        let mask = drawn.painter.layout_no_wrap(
            crate::secrets::MASK.replace('*', "\u{2022}"),
            font.clone(),
            palette.gutter_text,
        );
        let rect = Rect::from_min_size(pos2(x, origin.y), egui::vec2(mask.size().x + 4.0, row.height()));
        drawn.painter.rect_filled(rect, 2.0, palette.secret_mask);
        drawn.painter.galley(pos2(x + 2.0, origin.y + (row.height() - mask.size().y) / 2.0), mask, palette.gutter_text);
    }
}

fn line_content_len(rest: &str) -> usize {
    let line = rest.split('\n').next().unwrap_or("");
    line.strip_suffix('\r').unwrap_or(line).len()
}

fn squiggle(x0: f32, x1: f32, y: f32, color: Color32) -> Shape {
    let mut points = Vec::new();
    let mut x = x0;
    let mut up = false;
    while x < x1 {
        points.push(pos2(x, if up { y - 1.5 } else { y + 1.5 }));
        x += 3.0;
        up = !up;
    }
    points.push(pos2(x1, y));
    Shape::line(points, Stroke::new(1.0, color))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_conversion_round_trips_on_non_ascii_text() {
        let text = "[main]\r\n; Jürgen's 例え\nhost=dc\n";
        for (byte, _) in text.char_indices().chain([(text.len(), ' ')]) {
            assert_eq!(byte_offset(text, char_cursor(text, byte)), byte);
        }
        assert_eq!(char_cursor(text, text.find('例').unwrap()).index.0, 19);
    }
}
