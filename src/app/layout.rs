//! Laying out the editor's text: coloured by the highlighter, one galley per line,
//! cached between frames, so an edit lays out only the lines it changed and a frame
//! without an edit lays out nothing.

use std::sync::Arc;

use egui::text::{ByteIndex, LayoutJob, LayoutSection, TextFormat};
use egui::{Color32, FontId, Galley};
use rustc_hash::FxHashMap;

use super::highlight::{Highlighter, TokenKind};
use super::theme::Palette;

/// Everything a line's look depends on besides its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Look {
    /// Colours.
    pub palette: Palette,
    /// The editor font.
    pub font: FontId,
    /// Show secret values instead of masking them.
    pub reveal_secrets: bool,
    /// Screen scale.
    pub pixels_per_point: f32,
}

const KINDS: [TokenKind; 12] = [
    TokenKind::Plain,
    TokenKind::Comment,
    TokenKind::Bracket,
    TokenKind::Section,
    TokenKind::KnownKey,
    TokenKind::UnknownKey,
    TokenKind::Delimiter,
    TokenKind::Value,
    TokenKind::Secret,
    TokenKind::Protected,
    TokenKind::Continuation,
    TokenKind::Invalid,
];

fn formats(look: &Look) -> Vec<TextFormat> {
    KINDS
        .iter()
        .map(|&kind| {
            let mut format = TextFormat::simple(look.font.clone(), look.palette.token(kind));
            if kind == TokenKind::Secret && !look.reveal_secrets {
                format.color = Color32::TRANSPARENT;
                format.background = look.palette.secret_mask;
            }
            format
        })
        .collect()
}

fn format_index(kind: TokenKind) -> usize {
    KINDS.iter().position(|k| *k == kind).unwrap_or(0)
}

/// Appends the sections of `line` (at byte `offset` of the whole text) to `sections`.
/// Line endings join the section before them.
fn push_line_sections(
    highlighter: &mut Highlighter,
    line: &str,
    offset: usize,
    formats: &[TextFormat],
    sections: &mut Vec<LayoutSection>,
) {
    let content = line.trim_end_matches(['\r', '\n']);
    let first = sections.len();
    for token in highlighter.line(content).iter() {
        let index = format_index(token.kind);
        let range = offset + token.range.start..offset + token.range.end;
        let has_own = sections.len() > first;
        if let Some(last) = sections.last_mut().filter(|_| has_own) {
            if last.byte_range.end.0 == range.start && last.format == formats[index] {
                last.byte_range.end = ByteIndex(range.end);
                continue;
            }
        }
        sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: ByteIndex(range.start)..ByteIndex(range.end),
            format: formats[index].clone(),
        });
    }
    let end = offset + line.len();
    let has_own = sections.len() > first;
    match sections.last_mut().filter(|_| has_own) {
        Some(last) => last.byte_range.end = ByteIndex(end),
        None => sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: ByteIndex(offset)..ByteIndex(end),
            format: formats[0].clone(),
        }),
    }
}

/// Builds the coloured layout job of the whole text (no wrapping: one row per line).
pub fn layout_job(highlighter: &mut Highlighter, text: &str, look: &Look) -> LayoutJob {
    let formats = formats(look);
    let mut job = LayoutJob { text: text.to_owned(), ..LayoutJob::default() };
    job.wrap.max_width = f32::INFINITY;
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        push_line_sections(highlighter, line, start, &formats, &mut job.sections);
        start += line.len();
    }
    job
}

/// The text's lines as egui splits a job into paragraphs: without their `\n`, except
/// that the last one keeps a final `\n`.
fn paragraphs(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let mut end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        if end + 1 == text.len() && text.ends_with('\n') {
            end += 1;
        }
        let item = (start, &text[start..end]);
        start = end + 1;
        Some(item)
    })
}

/// Lays out the editor's text, remembering every line's galley.
#[derive(Default)]
pub struct TextLayouter {
    highlighter: Highlighter,
    look: Option<Look>,
    lines: FxHashMap<Box<str>, Arc<Galley>>,
    last: Option<(String, Arc<Galley>)>,
    /// The last text's line galleys, in order: lines outside an edit are reused by position.
    last_lines: Vec<Arc<Galley>>,
}

/// Bytes at the start and at the end that `old` and `new` share (not overlapping).
fn common_ends(old: &str, new: &str) -> (usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    (prefix, suffix)
}

impl TextLayouter {
    /// The galley of `text`; `layout_line` lays out one line's job (through egui's fonts).
    pub fn layout(
        &mut self,
        text: &str,
        look: &Look,
        mut layout_line: impl FnMut(LayoutJob) -> Arc<Galley>,
    ) -> Arc<Galley> {
        if self.look.as_ref() != Some(look) {
            self.look = Some(look.clone());
            self.lines.clear();
            self.last = None;
            self.last_lines.clear();
        }
        if let Some((last_text, galley)) = &self.last {
            if last_text == text {
                return Arc::clone(galley);
            }
        }
        // Lines wholly before or after the edited bytes are the previous text's lines,
        // at the same index from the start or from the end.
        let (prefix, suffix) = match &self.last {
            Some((old, _)) if !self.last_lines.is_empty() => common_ends(old, text),
            _ => (0, 0),
        };
        let old_lines = std::mem::take(&mut self.last_lines);
        let new_count = if old_lines.is_empty() { 0 } else { paragraphs(text).count() };
        let galley = if text.contains('\n') {
            let formats = formats(look);
            let mut galleys = Vec::with_capacity(new_count.max(text.len() / 24));
            let suffix_start = text.len() - suffix;
            for (index, (start, paragraph)) in paragraphs(text).enumerate() {
                // A byte after the line's `\n` is shared too, so it was not the old last line.
                let before_edit = start + paragraph.len() + 1 < prefix;
                let after_edit = start > suffix_start;
                let from_end = new_count.checked_sub(index + 1);
                let reused = if before_edit {
                    old_lines.get(index)
                } else if after_edit {
                    from_end.and_then(|k| old_lines.len().checked_sub(k + 1)).and_then(|i| old_lines.get(i))
                } else {
                    None
                };
                if let Some(galley) = reused {
                    galleys.push(Arc::clone(galley));
                    continue;
                }
                let galley = match self.lines.get(paragraph) {
                    Some(galley) => Arc::clone(galley),
                    None => {
                        let mut line_job = LayoutJob { text: paragraph.to_owned(), ..LayoutJob::default() };
                        line_job.wrap.max_width = f32::INFINITY;
                        push_line_sections(&mut self.highlighter, paragraph, 0, &formats, &mut line_job.sections);
                        let galley = layout_line(line_job);
                        self.lines.insert(paragraph.into(), Arc::clone(&galley));
                        galley
                    }
                };
                galleys.push(galley);
            }
            if self.lines.len() > 4 * galleys.len() + 10_000 {
                self.lines.clear();
            }
            // The rows keep their own lines' formats; the whole job only carries the text
            // (nothing reads a laid-out galley's sections).
            let job = LayoutJob::simple(text.to_owned(), look.font.clone(), look.palette.text, f32::INFINITY);
            let galley = Arc::new(Galley::concat(Arc::new(job), &galleys, look.pixels_per_point));
            self.last_lines = galleys;
            galley
        } else {
            layout_line(layout_job(&mut self.highlighter, text, look))
        };
        self.last = Some((text.to_owned(), Arc::clone(&galley)));
        galley
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look(reveal_secrets: bool) -> Look {
        Look {
            palette: Palette::for_visuals(&egui::Visuals::dark()),
            font: FontId::monospace(12.0),
            reveal_secrets,
            pixels_per_point: 1.0,
        }
    }

    #[test]
    fn common_ends_never_overlap() {
        assert_eq!(common_ends("abc\ndef\n", "abc\nXdef\n"), (4, 4));
        assert_eq!(common_ends("aaaa", "aaaaaa"), (4, 0));
        assert_eq!(common_ends("x\ny\n", "x\n\ny\n"), (2, 2));
        assert_eq!(common_ends("same", "same"), (4, 0));
    }

    #[test]
    fn paragraphs_split_as_egui_does() {
        let got: Vec<_> = paragraphs("a\r\n\nb\n").collect();
        assert_eq!(got, [(0, "a\r"), (3, ""), (4, "b\n")]);
        let got: Vec<_> = paragraphs("a\nb").collect();
        assert_eq!(got, [(0, "a"), (2, "b")]);
    }

    #[test]
    fn sections_cover_every_byte_and_hide_secrets_until_revealed() {
        let mut h = Highlighter::new();
        let text = "[main]\r\nskey=abc\nhost = x\n";
        let job = layout_job(&mut h, text, &look(false));
        let mut at = 0;
        for s in &job.sections {
            assert_eq!(s.byte_range.start.0, at);
            at = s.byte_range.end.0;
        }
        assert_eq!(at, text.len());
        let secret = text.find("abc").unwrap();
        let covering = |job: &LayoutJob| {
            job.sections.iter().find(|s| (s.byte_range.start.0..s.byte_range.end.0).contains(&secret)).unwrap().clone()
        };
        assert_eq!(covering(&job).format.color, Color32::TRANSPARENT);
        let job = layout_job(&mut h, text, &look(true));
        assert_ne!(covering(&job).format.color, Color32::TRANSPARENT);
    }

    #[test]
    fn an_edit_lays_out_only_the_changed_line_and_matches_a_full_layout() {
        let ctx = egui::Context::default();
        let mut results = None;
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let mut layouter = TextLayouter::default();
            let text = "[main]\nfailmode=safe\n; note\n\n[ad_client]\nhost=dc1\n";
            let mut laid_out = 0;
            let layout = |layouter: &mut TextLayouter, text: &str, count: &mut usize| {
                layouter.layout(text, &look(false), |job| {
                    *count += 1;
                    ui.fonts_mut(|f| f.layout_job(job))
                })
            };
            let first = layout(&mut layouter, text, &mut laid_out);
            assert_eq!(laid_out, 6, "one layout per distinct line");
            let again = layout(&mut layouter, text, &mut laid_out);
            assert!(Arc::ptr_eq(&first, &again) && laid_out == 6, "no edit, no layout");
            let edited = text.replace("dc1", "dc12");
            let galley = layout(&mut layouter, &edited, &mut laid_out);
            assert_eq!(laid_out, 7, "only the edited line is laid out again");
            let mut h = Highlighter::new();
            let whole = ui.fonts_mut(|f| f.layout_job(layout_job(&mut h, &edited, &look(false))));
            results = Some((galley, whole));
        });
        output.textures_delta.clear();
        let (galley, whole) = results.unwrap();
        assert_eq!(galley.rows.len(), whole.rows.len());
        assert_eq!(galley.rect, whole.rect);
        for (a, b) in galley.rows.iter().zip(&whole.rows) {
            assert_eq!((a.pos, a.ends_with_newline, a.glyphs.len()), (b.pos, b.ends_with_newline, b.glyphs.len()));
        }
    }

    #[test]
    fn edits_that_add_and_remove_lines_match_a_full_layout() {
        let ctx = egui::Context::default();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let mut layouter = TextLayouter::default();
            let texts = [
                "[main]\nfailmode=safe\n; note\n\n[ad_client]\nhost=dc1\n",
                "[main]\nfailmode=safe\n; note\n\n[ad_client]\nhost=dc1\nport=636\n",
                "[main]\nfailmode=safe\ndebug=true\n; note\n\n[ad_client]\nhost=dc1\nport=636\n",
                "[main]\nfailmode=safe\ndebug=true\n\n[ad_client]\nhost=dc1\nport=636\n",
                "[main]\nfailmode=safe\ndebug=true\n\n\n[ad_client]\nhost=dc1\nport=636",
                "[main]\nfailmode=safe\n\n\n[ad_client]\nhost=dc1\nport=636",
                "x\n[main]\nfailmode=safe\n\n\n[ad_client]\nhost=dc1\nport=636",
            ];
            let base = texts[0];
            let mut edits: Vec<String> = Vec::new();
            for at in 0..=base.len() {
                for insert in ["\n", "z", "\n\n"] {
                    edits.push(format!("{}{insert}{}", &base[..at], &base[at..]));
                }
                if at < base.len() {
                    edits.push(format!("{}{}", &base[..at], &base[at + 1..]));
                }
                // Back to the base after each edit, as typing then deleting does.
                edits.push(base.to_string());
            }
            let mut h = Highlighter::new();
            for text in texts.iter().copied().chain(edits.iter().map(String::as_str)) {
                let galley = layouter.layout(text, &look(false), |job| ui.fonts_mut(|f| f.layout_job(job)));
                let whole = ui.fonts_mut(|f| f.layout_job(layout_job(&mut h, text, &look(false))));
                let rows = |g: &Galley| {
                    g.rows
                        .iter()
                        .map(|r| (r.glyphs.iter().map(|g| g.chr).collect::<String>(), r.ends_with_newline, r.pos))
                        .collect::<Vec<_>>()
                };
                assert_eq!(rows(&galley), rows(&whole), "{text:?}");
            }
        });
        output.textures_delta.clear();
    }
}
