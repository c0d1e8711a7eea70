//! The code editor: a `TextEdit` coloured by the highlighter, a gutter with line
//! numbers and markers that stays put when the text scrolls sideways, wavy underlines whose
//! hover shows the finding, marks on the scroll bar, find highlights, hover help from the
//! schema, and the completion popup.
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
use crate::complete::{self, Completion, CompletionKind, Trigger};
use crate::config::apply;
use crate::schema::Platform;
use crate::text::{byte_of_char_index, char_index_of_byte, TextRange};
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
    /// Asked for with Ctrl+Space (every allowed value shows), not opened by typing.
    explicit: bool,
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
    /// The visible part of the scroll area.
    viewport: Rect,
    response: Response,
}

/// What the scroll-bar marks were worked out for: revision, viewport top and height (as bits).
type MarksKey = (u64, u32, u32);

/// What the find bar wants shown in the text.
#[derive(Debug, Default, Clone, Copy)]
pub struct FindMarks<'a> {
    /// Every match, in order.
    pub all: &'a [Range<usize>],
    /// The match the find bar is on.
    pub current: Option<&'a Range<usize>>,
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
    /// Show every secret value instead of masking them.
    pub reveal_secrets: bool,
    /// The one line (0-based) whose secret is shown, until the text changes.
    revealed_line: Option<usize>,
    completion: Option<CompletionList>,
    popup_rect: Option<Rect>,
    pending_selection: Option<Range<usize>>,
    /// Whether the pending selection also takes the keyboard focus.
    pending_focus: bool,
    /// A byte offset to bring to the middle of the view.
    scroll_target: Option<usize>,
    /// The lines (0-based) on screen in the last frame.
    visible_lines: Range<usize>,
    /// A selection made while the keyboard is elsewhere (Find): egui's text edit keeps only a
    /// caret when it has no focus, so this one is ours until the editor is focused again.
    quiet_selection: Option<Range<usize>>,
    /// The caret as a byte offset (start of the selection's active end).
    pub caret: usize,
    /// The selected bytes, if any.
    pub selection: Option<Range<usize>>,
    last_cursor: Option<CCursorRange>,
    /// The cursor last converted to bytes, in which revision, and whether the editor had focus.
    converted: Option<(CCursorRange, u64, bool)>,
    last_revision: u64,
    drawn: Option<Drawn>,
    focus_requested: bool,
    /// Frames left in which to ask for the keyboard focus until the editor has it.
    focus_retries: u8,
    /// A dialog is over the window, so the editor leaves the keyboard to it.
    pub behind_dialog: bool,
    /// The revision of the text when `revealed_line` was chosen: any change hides it again.
    revealed_revision: u64,
    /// Where the line numbers were drawn in the last frame (their right edge, on screen).
    numbers_drawn_at: Option<f32>,
    /// The scroll-bar marks, for (revision, viewport top, viewport height).
    marks: Option<(MarksKey, Vec<(f32, Severity)>)>,
}

impl Default for Editor {
    fn default() -> Self {
        Self::new()
    }
}

/// Width of the line-number gutter.
const GUTTER_WIDTH: f32 = 66.0;

impl Editor {
    /// A fresh editor.
    #[must_use]
    pub fn new() -> Self {
        Self {
            id: Id::unique("authproxy-cfg-editor"),
            layouter: TextLayouter::default(),
            reveal_secrets: false,
            revealed_line: None,
            completion: None,
            popup_rect: None,
            pending_selection: None,
            pending_focus: false,
            scroll_target: None,
            visible_lines: 0..0,
            quiet_selection: None,
            caret: 0,
            selection: None,
            last_cursor: None,
            converted: None,
            last_revision: 0,
            drawn: None,
            focus_requested: true,
            focus_retries: 0,
            behind_dialog: false,
            revealed_revision: 0,
            numbers_drawn_at: None,
            marks: None,
        }
    }

    /// The `TextEdit`'s id.
    #[must_use]
    pub fn id(&self) -> Id {
        self.id
    }

    /// A jump: selects `range` (bytes) on the next frame, brings it to the middle of the view and
    /// gives the editor the keyboard focus, so the next key types there.
    pub fn select(&mut self, range: Range<usize>) {
        self.scroll_target = Some(range.start);
        self.pending_selection = Some(range);
        self.pending_focus = true;
        self.completion = None;
    }

    /// Selects `range` and brings it into view, leaving the keyboard focus where it is (Find).
    pub fn select_quietly(&mut self, range: Range<usize>) {
        self.scroll_target = Some(range.start);
        self.pending_selection = Some(range);
        self.completion = None;
    }

    /// Puts the caret at byte `offset` on the next frame, in view and focused.
    pub fn move_caret(&mut self, offset: usize) {
        self.select(offset..offset);
    }

    /// Puts the caret at byte `offset` without scrolling or taking the keyboard (an edit made
    /// from the Form tab, whose field keeps it).
    pub fn keep_caret_at(&mut self, offset: usize) {
        self.caret = offset;
        self.pending_selection = Some(offset..offset);
    }

    /// Keeps the caret where it is, within a text now `len` bytes long, without scrolling or
    /// taking the keyboard (the text was replaced by the file on disk).
    pub fn keep_caret_within(&mut self, len: usize) {
        let caret = self.caret.min(len);
        self.pending_selection = Some(caret..caret);
    }

    /// Puts the caret at byte `offset` on the next frame without scrolling (after an edit
    /// made in place, such as an accepted completion).
    fn place_caret(&mut self, offset: usize) {
        self.pending_selection = Some(offset..offset);
        self.pending_focus = true;
    }

    /// The line (0-based) whose secret shows, if any.
    #[must_use]
    pub fn revealed_line(&self) -> Option<usize> {
        self.revealed_line
    }

    /// Shows the secret on `line` of the text at `revision` (or hides it if it shows); any
    /// change to the text hides it again, so an edit never puts another secret there.
    pub fn toggle_revealed_line(&mut self, line: usize, revision: u64) {
        let shown = self.revealed_line == Some(line) && self.revealed_revision == revision;
        self.revealed_line = (!shown).then_some(line);
        self.revealed_revision = revision;
    }

    /// Where the line numbers were drawn last (their right edge on screen).
    #[must_use]
    pub fn numbers_drawn_at(&self) -> Option<f32> {
        self.numbers_drawn_at
    }

    /// The lines (0-based) on screen in the last frame.
    #[must_use]
    pub fn visible_lines(&self) -> Range<usize> {
        self.visible_lines.clone()
    }

    /// The visible part of the editor's scroll area, in screen points.
    #[must_use]
    pub fn viewport(&self) -> Option<Rect> {
        self.drawn.as_ref().map(|d| d.viewport)
    }

    /// Where the text's first column is on screen (it moves left as the text scrolls sideways).
    #[must_use]
    pub fn text_left(&self) -> Option<f32> {
        self.drawn.as_ref().map(|d| d.galley_pos.x)
    }

    /// The completion popup's rectangle, when it shows.
    #[must_use]
    pub fn completion_rect(&self) -> Option<Rect> {
        self.completion.as_ref().and(self.popup_rect)
    }

    /// The caret's rectangle on screen.
    #[must_use]
    pub fn caret_screen_rect(&self, text: &str) -> Option<Rect> {
        self.caret_rect(text)
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

    /// Opens completion at the caret on the next frame; `explicit` for Ctrl+Space.
    pub fn request_completion(&mut self, explicit: bool) {
        self.completion =
            Some(CompletionList { items: Vec::new(), selected: 0, caret: usize::MAX, revision: 0, explicit });
    }

    /// Forgets per-file state (a new file was opened).
    pub fn reset(&mut self) {
        self.completion = None;
        self.pending_selection = Some(0..0);
        self.pending_focus = true;
        self.scroll_target = Some(0);
        self.caret = 0;
        self.selection = None;
        self.last_cursor = None;
        self.revealed_line = None;
        self.marks = None;
        self.focus_requested = true;
    }

    fn keys_before_text_edit(&mut self, ui: &Ui) -> KeyIntent {
        let mut intent = KeyIntent::default();
        let focused = ui.memory(|m| m.has_focus(self.id));
        let had_focus = focused || ui.memory(|m| m.had_focus_last_frame(self.id));
        let caret = self.caret;
        ui.input_mut(|i| {
            if focused && i.consume_key(Modifiers::CTRL, Key::Space) {
                intent.open_completion = true;
            }
            let Some(list) = self.completion.as_mut() else { return };
            // egui drops focus on Escape before any widget sees it: an Escape with the keyboard in
            // the editor last frame only closes the list, and the editor keeps the keyboard.
            if had_focus && i.consume_key(Modifiers::NONE, Key::Escape) {
                self.completion = None;
                intent.dismissed = true;
                self.focus_requested = true;
                return;
            }
            // Keys typed elsewhere (a prompt, the find field) are not for the list.
            if list.items.is_empty() || !focused {
                return;
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowDown) {
                list.selected = (list.selected + 1) % list.items.len();
            }
            if i.consume_key(Modifiers::NONE, Key::ArrowUp) {
                list.selected = (list.selected + list.items.len() - 1) % list.items.len();
            }
            if i.consume_key(Modifiers::NONE, Key::Tab) {
                intent.accept = true;
            }
            if i.key_pressed(Key::Enter) {
                // Keys typed in the same frame before Enter are not in the text yet, so the list is
                // for an older text: Enter is then a new line, as it is after typing the one offer
                // exactly, or with a list made for another caret position.
                let typed_first =
                    i.events.iter().take_while(|e| !is_enter(e)).any(|e| matches!(e, egui::Event::Text(_)));
                let stale = list.caret != caret;
                let nothing_to_add = list.items.len() == 1 && list.items[0].exact;
                if typed_first || stale || nothing_to_add {
                    self.completion = None;
                    intent.dismissed = true;
                } else if i.consume_key(Modifiers::NONE, Key::Enter) {
                    intent.accept = true;
                }
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
        // The text edit reports this cursor from the next frame on; until then it is ours.
        self.last_cursor = Some(CCursorRange::two(start, end));
        let focus = std::mem::take(&mut self.pending_focus);
        self.quiet_selection = (!focus).then_some(range);
        self.focus_requested |= focus;
    }

    /// Draws the editor for `buffer` and records any edit in it.
    pub fn show(&mut self, ui: &mut Ui, buffer: &mut Buffer) -> EditorOutcome {
        let intent = self.keys_before_text_edit(ui);
        if intent.open_completion {
            self.request_completion(true);
        }
        if intent.accept {
            self.accept_completion(buffer);
        }
        self.apply_pending_selection(ui, &buffer.text);
        if std::mem::take(&mut self.focus_requested) {
            // A modal that closed last frame still blocks focus for a frame: ask again then.
            self.focus_retries = 3;
        }
        if self.behind_dialog {
            // A question or prompt is over the window: its keys are not for the text.
            ui.memory_mut(|m| m.surrender_focus(self.id));
        } else if self.focus_retries > 0 {
            self.focus_retries -= 1;
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
        let scroll_target = self.scroll_target.take();
        let id = self.id;
        let mut drawn = None;
        let scrolled = egui::ScrollArea::both().id_salt("editor-scroll").auto_shrink([false, false]).show(ui, |ui| {
            ui.horizontal_top(|ui| {
                ui.spacing_mut().item_spacing.x = 0.0;
                ui.add_space(GUTTER_WIDTH);
                let output = egui::TextEdit::multiline(text)
                    .id(id)
                    .code_editor()
                    .lock_focus(true)
                    .frame(egui::Frame::NONE)
                    .desired_width(f32::INFINITY)
                    .desired_rows(40)
                    .layouter(&mut layouter)
                    .show(ui);
                let response = output.response.response.clone();
                changed = response.changed();
                if let Some(target) = scroll_target {
                    // Inside the scroll area, so that it scrolls this very frame.
                    let cursor = char_cursor(text.as_str(), target);
                    let rect = output.galley.pos_from_cursor(cursor).translate(output.galley_pos.to_vec2());
                    ui.scroll_to_rect(rect, Some(Align::Center));
                }
                drawn = Some((output, response));
            });
        });
        if let Some((output, response)) = drawn {
            if let Some(range) = output.cursor_range.or_else(|| output.state.cursor.char_range()) {
                self.last_cursor = Some(range);
            }
            self.drawn = Some(Drawn {
                galley: output.galley,
                galley_pos: output.galley_pos,
                painter: ui.painter().with_clip_rect(scrolled.inner_rect),
                viewport: scrolled.inner_rect,
                response: response.accessible_name("Configuration editor"),
            });
        }

        if ui.memory(|m| m.has_focus(self.id)) {
            self.focus_retries = 0;
        }
        self.track_caret(ui, buffer, changed);
        if changed && !intent.accept && !intent.dismissed {
            self.completion_after_typing(ui);
        }
        if changed && ui.input(|i| i.events.iter().any(is_enter)) {
            // A new line ends whatever was being completed on the line before.
            self.completion = None;
        }
        EditorOutcome { changed: changed || intent.accept }
    }

    /// Converts the egui cursor to bytes and records edits in `buffer`.
    fn track_caret(&mut self, ui: &Ui, buffer: &mut Buffer, changed: bool) {
        let Some(range) = self.last_cursor else { return };
        let focused = ui.memory(|m| m.has_focus(self.id));
        let key = (range, buffer.revision, focused);
        if !changed && self.converted == Some(key) {
            return;
        }
        self.converted = Some(key);
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
        let mut anchor = anchor;
        if focused {
            self.quiet_selection = None;
        } else if let Some(quiet) = &self.quiet_selection {
            (anchor, caret) = (quiet.start, quiet.end);
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
        match self.completion.as_mut() {
            None if wants => self.request_completion(false),
            // Typing narrows a list that was asked for.
            Some(list) => list.explicit = false,
            None => {}
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
            let trigger = if list.explicit { Trigger::Explicit } else { Trigger::Typing };
            list.items = complete::complete_with(&analysis.doc, self.caret, platform, trigger, buffer.proxy_version);
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
            // Below the caret's line, so the text being typed stays readable; above only when
            // there is no room below.
            .align(egui::RectAlign::BOTTOM_START)
            .align_alternatives(&[egui::RectAlign::TOP_START])
            .gap(2.0)
            .close_behavior(egui::PopupCloseBehavior::IgnoreClicks)
            .show(|ui| {
                ui.set_min_width(320.0);
                ui.set_max_width(460.0);
                egui::ScrollArea::vertical().max_height(240.0).show(ui, |ui| {
                    for (i, item) in items.iter().enumerate() {
                        let row = completion_row(ui, item, i == selected);
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
                    ui.add(egui::Label::new(egui::RichText::new(&item.doc).small()).wrap());
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
            let caret = item.edit.range.start + item.caret.unwrap_or(item.edit.insert.len());
            buffer.replace_all(text);
            self.place_caret(caret);
            // After a key, offer its values straight away.
            if item.kind == CompletionKind::Key {
                self.request_completion(false);
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

    /// Paints the find highlights, secret masks, underlines, the gutter, the scroll-bar marks,
    /// and hover messages and help; a click on a line's eye shows or hides that line's secret.
    pub fn decorate(&mut self, ui: &Ui, text: &str, analysis: &Analysis, palette: &Palette, find: FindMarks<'_>) {
        let Some(drawn) = self.drawn.as_ref() else { return };
        let viewport = drawn.viewport;
        let rows = &drawn.galley.rows;
        let top = viewport.top() - drawn.galley_pos.y;
        let bottom = viewport.bottom() - drawn.galley_pos.y;
        let first = rows.partition_point(|r| r.pos.y + r.height() < top);
        let last = rows.partition_point(|r| r.pos.y <= bottom).min(rows.len());
        self.visible_lines = first..last;
        // Text decorations stay right of the gutter, which covers the text scrolled under it.
        let text_area = Rect::from_min_max(pos2(viewport.left() + GUTTER_WIDTH, viewport.top()), viewport.max);
        let painter = drawn.painter.with_clip_rect(text_area.intersect(drawn.painter.clip_rect()));
        paint_find_marks(drawn, &painter, text, analysis, palette, find, first..last);
        if self.revealed_revision != analysis.revision {
            self.revealed_line = None;
        }
        if !self.reveal_secrets {
            paint_secret_masks(drawn, &painter, text, analysis, palette, first..last, self.revealed_line);
        }
        let hovered_messages = paint_squiggles(drawn, &painter, ui, text, analysis, palette, first..last);
        let (clicked_eye, numbers_at) =
            paint_gutter(drawn, ui, text, analysis, palette, first..last, self.revealed_line);
        self.numbers_drawn_at = numbers_at;
        let marks_key = (analysis.revision, drawn.viewport.top().to_bits(), drawn.viewport.height().to_bits());
        if self.marks.as_ref().is_none_or(|(key, _)| *key != marks_key) {
            self.marks = Some((marks_key, scrollbar_marks(drawn, analysis)));
        }
        if let Some((_, marks)) = &self.marks {
            paint_scrollbar_marks(drawn, marks, palette);
        }
        if let Some(line) = clicked_eye {
            self.toggle_revealed_line(line, analysis.revision);
            ui.ctx().request_repaint();
        }
        let Some(drawn) = self.drawn.as_ref() else { return };
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
        } else if let Some(help) = ui.ctx().pointer_hover_pos().and_then(|p| self.hover_help(text, analysis, p)) {
            response.on_hover_ui_at_pointer(|ui| {
                ui.set_max_width(480.0);
                ui.label(help);
            });
        }
    }

    /// Where the scroll-bar marks of the last frame were: their height on screen and severity.
    #[must_use]
    pub fn scrollbar_marks(&self, analysis: &Analysis) -> Vec<(f32, Severity)> {
        self.drawn.as_ref().map(|d| scrollbar_marks(d, analysis)).unwrap_or_default()
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

/// The value of the secret-looking entry on `line`, if it has one.
fn secret_value_on(analysis: &Analysis, text: &str, line: usize) -> Option<(TextRange, TextRange)> {
    let Some(crate::config::Line { kind: crate::config::LineKind::Entry { key, value, .. }, content, .. }) =
        analysis.doc.lines.get(line)
    else {
        return None;
    };
    let key_text = text.get(key.start..key.end)?;
    (!value.is_empty() && crate::secrets::looks_secret(key_text)).then_some((*content, *value))
}

/// Covers the value of each secret-looking key on the visible `lines` with a mask of one fixed
/// width (the layout already drew those glyphs transparent); on `revealed`, draws the value.
fn paint_secret_masks(
    drawn: &Drawn,
    painter: &Painter,
    text: &str,
    analysis: &Analysis,
    palette: &Palette,
    lines: Range<usize>,
    revealed: Option<usize>,
) {
    let row_height = drawn.galley.rows.first().map_or(15.0, |r| r.height());
    let font = FontId::monospace(row_height * 0.8);
    for (line, row) in drawn.galley.rows.iter().enumerate().take(lines.end).skip(lines.start) {
        let Some((content, value)) = secret_value_on(analysis, text, line) else { continue };
        let Some(before_value) = text.get(content.start..value.start) else { continue };
        let origin = drawn.galley_pos + row.pos.to_vec2();
        let x = origin.x + row.x_offset(columns(before_value));
        if revealed == Some(line) {
            if let Some(shown) = text.get(value.start..value.end) {
                let glyphs = row.glyphs.first().map_or(font.clone(), |g| FontId::monospace(g.font_face_height));
                let colour = palette.token(super::highlight::TokenKind::Secret);
                painter.text(pos2(x, origin.y), Align2::LEFT_TOP, shown, glyphs, colour);
            }
            continue;
        }
        let mask =
            painter.layout_no_wrap(crate::secrets::MASK.replace('*', "\u{2022}"), font.clone(), palette.gutter_text);
        let rect = Rect::from_min_size(pos2(x, origin.y), egui::vec2(mask.size().x + 4.0, row.height()));
        painter.rect_filled(rect, 2.0, palette.secret_mask);
        painter.galley(pos2(x + 2.0, origin.y + (row.height() - mask.size().y) / 2.0), mask, palette.gutter_text);
    }
}

/// Highlights every visible match of the find bar, the current one stronger.
fn paint_find_marks(
    drawn: &Drawn,
    painter: &Painter,
    text: &str,
    analysis: &Analysis,
    palette: &Palette,
    find: FindMarks<'_>,
    lines: Range<usize>,
) {
    if find.all.is_empty() || lines.is_empty() {
        return;
    }
    let index = &analysis.doc.line_index;
    let from = index.line_start(lines.start.min(index.line_count().saturating_sub(1)));
    let first = find.all.partition_point(|m| m.end <= from);
    for m in &find.all[first..] {
        let line = index.line_of(m.start.min(text.len()));
        if line >= lines.end {
            break;
        }
        let Some(row) = drawn.galley.rows.get(line) else { continue };
        let line_start = index.line_start(line);
        let end = m.end.min(line_start + line_content_len(&text[line_start..]));
        let (Some(before), Some(through)) = (text.get(line_start..m.start), text.get(line_start..end)) else {
            continue;
        };
        let origin = drawn.galley_pos + row.pos.to_vec2();
        let x0 = origin.x + row.x_offset(columns(before));
        let x1 = (origin.x + row.x_offset(columns(through))).max(x0 + 2.0);
        let rect = Rect::from_min_max(pos2(x0, origin.y), pos2(x1, origin.y + row.height()));
        let current = find.current == Some(m);
        let colour = if current { palette.find_current } else { palette.find_match };
        painter.rect_filled(rect, 2.0, colour);
        if current {
            painter.rect_stroke(rect, 2.0, Stroke::new(1.0, palette.info), egui::StrokeKind::Outside);
        }
    }
}

/// Underlines each finding on the visible lines; returns the messages under the pointer.
fn paint_squiggles(
    drawn: &Drawn,
    painter: &Painter,
    ui: &Ui,
    text: &str,
    analysis: &Analysis,
    palette: &Palette,
    lines: Range<usize>,
) -> Vec<(Severity, &'static str, String)> {
    let rows = &drawn.galley.rows;
    let index = &analysis.doc.line_index;
    let mut hovered = Vec::new();
    let pointer = ui.ctx().pointer_hover_pos();
    for d in &analysis.diagnostics {
        if d.severity == Severity::Info {
            continue;
        }
        let start_line = index.line_of(d.range.start.min(text.len()));
        let end_line = index.line_of(d.range.end.min(text.len())).max(start_line);
        if end_line < lines.start || start_line >= lines.end {
            continue;
        }
        for line in start_line.max(lines.start)..=end_line.min(lines.end.saturating_sub(1)) {
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
            if pointer.is_some_and(|p| rect.contains(p) && painter.clip_rect().contains(p)) {
                hovered.push((d.severity, d.kind.name(), d.message.clone()));
            }
        }
    }
    hovered
}

/// The line numbers, severity dots and secret eyes, at the left of the view whatever the
/// horizontal scroll; returns the line whose eye was clicked.
fn paint_gutter(
    drawn: &Drawn,
    ui: &Ui,
    text: &str,
    analysis: &Analysis,
    palette: &Palette,
    lines: Range<usize>,
    revealed: Option<usize>,
) -> (Option<usize>, Option<f32>) {
    let viewport = drawn.viewport;
    let painter = drawn.painter.with_clip_rect(viewport.intersect(drawn.painter.clip_rect()));
    let gutter = Rect::from_min_size(viewport.min, egui::vec2(GUTTER_WIDTH - 2.0, viewport.height()));
    painter.rect_filled(gutter, 0.0, ui.visuals().panel_fill);
    let numbers_right = numbers_right(viewport);
    let mut drawn_at = None;
    let number_font = FontId::monospace(egui::TextStyle::Monospace.resolve(ui.style()).size * 0.9);
    let mut clicked = None;
    for (line, row) in drawn.galley.rows.iter().enumerate().take(lines.end).skip(lines.start) {
        let y = drawn.galley_pos.y + row.pos.y;
        let mark = analysis.line_marks.get(line).copied().flatten();
        let colour = mark.map_or(palette.gutter_text, |s| palette.severity(s));
        let number = painter.text(
            pos2(numbers_right, y),
            Align2::RIGHT_TOP,
            (line + 1).to_string(),
            number_font.clone(),
            colour,
        );
        drawn_at = Some(number.right());
        let middle = y + row.height() / 2.0;
        if let Some(severity) = mark {
            painter.circle_filled(pos2(viewport.left() + 6.0, middle), 3.5, palette.severity(severity));
        }
        if secret_value_on(analysis, text, line).is_some() {
            let centre = pos2(viewport.left() + GUTTER_WIDTH - 11.0, middle);
            let rect = Rect::from_center_size(centre, egui::vec2(16.0, row.height().max(12.0)));
            let shown = revealed == Some(line);
            let tip = if shown { "Hide this secret" } else { "Show this secret (only this one)" };
            let response =
                ui.interact(rect, drawn.response.id.with(("eye", line)), egui::Sense::click()).on_hover_text(tip);
            let colour = if shown || response.hovered() { palette.warning } else { palette.gutter_text };
            painter.circle_stroke(centre, 4.5, Stroke::new(1.2, colour));
            painter.circle_filled(centre, if shown { 2.5 } else { 1.5 }, colour);
            if response.clicked() {
                clicked = Some(line);
            }
        }
    }
    (clicked, drawn_at)
}

/// The right edge of the line numbers: a fixed place at the left of the view.
fn numbers_right(viewport: Rect) -> f32 {
    viewport.left() + GUTTER_WIDTH - 22.0
}

/// Error and warning marks at their place along the scroll bar, one per pixel row at most.
fn scrollbar_marks(drawn: &Drawn, analysis: &Analysis) -> Vec<(f32, Severity)> {
    let viewport = drawn.viewport;
    let lines = analysis.line_marks.len().max(1);
    let height = viewport.height().max(1.0);
    let mut marks: Vec<(f32, Severity)> = Vec::new();
    for (line, mark) in analysis.line_marks.iter().enumerate() {
        let Some(severity) = *mark else { continue };
        #[allow(clippy::cast_precision_loss)] // line numbers are far below 2^24
        let y = viewport.top() + (line as f32 / lines as f32) * height;
        match marks.last_mut() {
            Some((last_y, last)) if (y - *last_y).abs() < 2.0 => *last = (*last).max(severity),
            _ => marks.push((y, severity)),
        }
    }
    marks
}

fn paint_scrollbar_marks(drawn: &Drawn, marks: &[(f32, Severity)], palette: &Palette) {
    let viewport = drawn.viewport;
    let painter = drawn.painter.with_clip_rect(viewport);
    for &(y, severity) in marks {
        let rect = Rect::from_min_max(pos2(viewport.right() - 5.0, y), pos2(viewport.right(), y + 3.0));
        painter.rect_filled(rect, 0.0, palette.severity(severity));
    }
}

/// Whether `event` is a press of Enter.
fn is_enter(event: &egui::Event) -> bool {
    matches!(event, egui::Event::Key { key: Key::Enter, pressed: true, .. })
}

/// One row of the completion list: the label, its kind (and "required"), and the first
/// sentence of its help.
fn completion_row(ui: &mut Ui, item: &Completion, selected: bool) -> Response {
    let kind = match item.kind {
        CompletionKind::Section => "section",
        CompletionKind::Key => "key",
        CompletionKind::Value => "value",
    };
    let mut job = egui::text::LayoutJob::default();
    let body = egui::TextStyle::Body.resolve(ui.style());
    let small = egui::TextStyle::Small.resolve(ui.style());
    let strong = ui.visuals().strong_text_color();
    let weak = ui.visuals().weak_text_color();
    job.append(&item.label, 0.0, egui::TextFormat::simple(body.clone(), strong));
    let tag = if item.required { format!("  {kind} · required") } else { format!("  {kind}") };
    let tag_colour = if item.required { Palette::for_visuals(ui.visuals()).warning } else { weak };
    job.append(&tag, 0.0, egui::TextFormat::simple(small.clone(), tag_colour));
    let first_sentence = item.doc.split_inclusive(". ").next().unwrap_or("").trim();
    if !first_sentence.is_empty() {
        job.append(&format!("\n{first_sentence}"), 0.0, egui::TextFormat::simple(small, weak));
    }
    job.wrap.max_width = 440.0;
    ui.add(egui::Button::selectable(selected, job))
        .on_hover_text(format!("{kind}: {}\n{}", item.detail, item.doc))
        .accessible_name(&item.label)
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
