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
                // Hidden glyphs; the editor paints a mask of one fixed width over them, so the
                // secret's length does not show.
                format.color = Color32::TRANSPARENT;
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

/// The paragraphs (as egui splits a job) that start in `text[from..to]`, with their byte
/// offsets: lines without their `\n`, except that the text's last line keeps a final `\n`.
/// `from` is a line start and `to` is a line start or the end of the text.
fn paragraphs(text: &str, from: usize, to: usize) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut start = from;
    while start < to {
        let mut end = text[start..to].find('\n').map_or(to, |i| start + i);
        if end + 1 == text.len() {
            end += 1;
        }
        found.push((start, &text[start..end]));
        start = end + 1;
    }
    found
}

/// Bytes at the start and at the end that `old` and `new` share (not overlapping).
fn common_ends(old: &str, new: &str) -> (usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let shorter = a.len().min(b.len());
    let prefix = shared_len(shorter, |i, n| a[i..i + n] == b[i..i + n]);
    let room = shorter - prefix;
    let suffix = shared_len(room, |i, n| a[a.len() - i - n..a.len() - i] == b[b.len() - i - n..b.len() - i]);
    (prefix, suffix)
}

/// The length of the longest shared run within `limit` bytes; `same(i, n)` compares the `n`
/// bytes at distance `i`. Whole blocks first (a memcmp each), then byte by byte.
fn shared_len(limit: usize, same: impl Fn(usize, usize) -> bool) -> usize {
    const BLOCK: usize = 64;
    let mut at = 0;
    while at + BLOCK <= limit && same(at, BLOCK) {
        at += BLOCK;
    }
    while at < limit && same(at, 1) {
        at += 1;
    }
    at
}

/// Lines per chunk: an edit re-joins the rows of one chunk, then the chunks.
const CHUNK_LINES: usize = 64;

/// Consecutive line galleys joined into one.
struct Chunk {
    lines: usize,
    galley: Arc<Galley>,
}

/// The laid-out lines of a text with at least one line break.
struct Lines {
    /// Byte offset of each line (egui paragraph) in the text.
    starts: Vec<usize>,
    galleys: Vec<Arc<Galley>>,
    chunks: Vec<Chunk>,
}

/// The last text laid out.
struct Laid {
    text: String,
    galley: Arc<Galley>,
    lines: Option<Lines>,
}

/// Lays out the editor's text, remembering every line's galley.
///
/// An edit lays out only the lines it touched and re-joins one chunk of lines; joining
/// every line's galley anew each keystroke cost milliseconds on a 10,000-line file.
pub struct TextLayouter {
    highlighter: Highlighter,
    look: Option<Look>,
    /// Galleys of the lines seen lately, by their text.
    cache: FxHashMap<Box<str>, Arc<Galley>>,
    laid: Option<Laid>,
    chunk_lines: usize,
}

impl Default for TextLayouter {
    fn default() -> Self {
        Self::with_chunk_lines(CHUNK_LINES)
    }
}

impl TextLayouter {
    fn with_chunk_lines(chunk_lines: usize) -> Self {
        Self { highlighter: Highlighter::new(), look: None, cache: FxHashMap::default(), laid: None, chunk_lines }
    }

    /// Whether `text` is the text laid out last.
    #[must_use]
    pub fn is_laid_out(&self, text: &str) -> bool {
        self.laid.as_ref().is_some_and(|laid| laid.text == text)
    }

    /// The galley of `text`; `layout_line` lays out one line's job (through egui's fonts).
    pub fn layout(
        &mut self,
        text: &str,
        look: &Look,
        mut layout_line: impl FnMut(LayoutJob) -> Arc<Galley>,
    ) -> Arc<Galley> {
        if self.look.as_ref() != Some(look) {
            self.look = Some(look.clone());
            self.cache.clear();
            self.laid = None;
        }
        let previous = self.laid.take();
        if let Some(laid) = &previous {
            if laid.text == text {
                let galley = Arc::clone(&laid.galley);
                self.laid = previous;
                return galley;
            }
        }
        let laid = if text.contains('\n') {
            let lines = match previous {
                Some(Laid { text: old_text, lines: Some(old), .. }) => {
                    self.update_lines(old, &old_text, text, look, &mut layout_line)
                }
                _ => self.all_lines(text, look, &mut layout_line),
            };
            if self.cache.len() > 4 * lines.galleys.len() + 10_000 {
                self.cache.clear();
            }
            let chunks: Vec<Arc<Galley>> = lines.chunks.iter().map(|c| Arc::clone(&c.galley)).collect();
            // The rows keep their own lines' formats; the whole job only carries the text
            // (nothing reads a laid-out galley's sections).
            let job = LayoutJob::simple(text.to_owned(), look.font.clone(), look.palette.text, f32::INFINITY);
            let galley = Arc::new(Galley::concat(Arc::new(job), &chunks, look.pixels_per_point));
            Laid { text: text.to_owned(), galley, lines: Some(lines) }
        } else {
            let galley = layout_line(layout_job(&mut self.highlighter, text, look));
            Laid { text: text.to_owned(), galley, lines: None }
        };
        let galley = Arc::clone(&laid.galley);
        self.laid = Some(laid);
        galley
    }

    /// Lays out every line of `text`.
    fn all_lines(&mut self, text: &str, look: &Look, layout_line: &mut impl FnMut(LayoutJob) -> Arc<Galley>) -> Lines {
        let (starts, galleys) = self.line_galleys(text, 0, text.len(), look, layout_line);
        let chunks = self.chunks(&galleys, look);
        Lines { starts, galleys, chunks }
    }

    /// Turns the lines of `old_text` into those of `text`: lines wholly before or after the
    /// changed bytes keep their galleys, and only the chunks holding changed lines are re-joined.
    fn update_lines(
        &mut self,
        mut lines: Lines,
        old_text: &str,
        text: &str,
        look: &Look,
        layout_line: &mut impl FnMut(LayoutJob) -> Arc<Galley>,
    ) -> Lines {
        let (prefix, suffix) = common_ends(old_text, text);
        // A line is unchanged before the edit when the byte after its `\n` is shared too
        // (so it was not the last line, which egui lays out with its final `\n`), and after
        // the edit when the `\n` before it is shared.
        let first = lines.starts[1..].partition_point(|&s| s < prefix);
        let after = lines.starts.partition_point(|&s| s <= old_text.len() - suffix).max(first + 1);
        let to = match lines.starts.get(after) {
            Some(&start) => start + text.len() - old_text.len(),
            None => text.len(),
        };
        let (starts, galleys) = self.line_galleys(text, lines.starts[first], to, look, layout_line);
        let added = starts.len();
        lines.starts.splice(first..after, starts);
        for start in &mut lines.starts[first + added..] {
            *start = *start + text.len() - old_text.len();
        }
        lines.galleys.splice(first..after, galleys);

        // The chunks that held the replaced lines are rebuilt from the new lines in their place.
        let (mut chunk_first, mut line_first) = (0, 0);
        while line_first + lines.chunks[chunk_first].lines <= first {
            line_first += lines.chunks[chunk_first].lines;
            chunk_first += 1;
        }
        let (mut chunk_end, mut line_end) = (chunk_first, line_first);
        while chunk_end < lines.chunks.len() && line_end < after {
            line_end += lines.chunks[chunk_end].lines;
            chunk_end += 1;
        }
        let new_line_end = line_end + added - (after - first);
        let rebuilt = self.chunks(&lines.galleys[line_first..new_line_end], look);
        lines.chunks.splice(chunk_first..chunk_end, rebuilt);
        lines
    }

    /// The starts and galleys of the lines starting in `text[from..to]`.
    fn line_galleys(
        &mut self,
        text: &str,
        from: usize,
        to: usize,
        look: &Look,
        layout_line: &mut impl FnMut(LayoutJob) -> Arc<Galley>,
    ) -> (Vec<usize>, Vec<Arc<Galley>>) {
        let formats = formats(look);
        paragraphs(text, from, to)
            .into_iter()
            .map(|(start, paragraph)| {
                let galley = match self.cache.get(paragraph) {
                    Some(galley) => Arc::clone(galley),
                    None => {
                        let mut job = LayoutJob { text: paragraph.to_owned(), ..LayoutJob::default() };
                        job.wrap.max_width = f32::INFINITY;
                        push_line_sections(&mut self.highlighter, paragraph, 0, &formats, &mut job.sections);
                        let galley = layout_line(job);
                        self.cache.insert(paragraph.into(), Arc::clone(&galley));
                        galley
                    }
                };
                (start, galley)
            })
            .unzip()
    }

    /// Joins `galleys` in chunks of at most `chunk_lines`.
    fn chunks(&self, galleys: &[Arc<Galley>], look: &Look) -> Vec<Chunk> {
        let job = Arc::new(LayoutJob::default());
        galleys
            .chunks(self.chunk_lines)
            .map(|lines| Chunk {
                lines: lines.len(),
                galley: Arc::new(Galley::concat(Arc::clone(&job), lines, look.pixels_per_point)),
            })
            .collect()
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
        let text = "a\r\n\nb\n";
        assert_eq!(paragraphs(text, 0, text.len()), [(0, "a\r"), (3, ""), (4, "b\n")]);
        assert_eq!(paragraphs(text, 3, 4), [(3, "")]);
        assert_eq!(paragraphs(text, 4, text.len()), [(4, "b\n")]);
        assert_eq!(paragraphs("a\nb", 0, 3), [(0, "a"), (2, "b")]);
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
        // A misspelt secret key is hidden as well.
        let typo = "[radius_client]\nsecert = Typo-Secret-5\n";
        let job = layout_job(&mut h, typo, &look(false));
        let at = typo.find("Typo").unwrap();
        let section = job.sections.iter().find(|s| (s.byte_range.start.0..s.byte_range.end.0).contains(&at)).unwrap();
        assert_eq!(section.format.color, Color32::TRANSPARENT);
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

    /// Lays out every text in turn with one layouter (edits of each other) and checks each
    /// against a layout of the whole text at once.
    fn check_against_full_layouts(texts: &[String], chunk_lines: usize) {
        let ctx = egui::Context::default();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let mut layouter = TextLayouter::with_chunk_lines(chunk_lines);
            let mut h = Highlighter::new();
            for text in texts {
                let galley = layouter.layout(text, &look(false), |job| ui.fonts_mut(|f| f.layout_job(job)));
                let whole = ui.fonts_mut(|f| f.layout_job(layout_job(&mut h, text, &look(false))));
                let rows = |g: &Galley| {
                    g.rows
                        .iter()
                        .map(|r| (r.glyphs.iter().map(|g| g.chr).collect::<String>(), r.ends_with_newline, r.pos))
                        .collect::<Vec<_>>()
                };
                assert_eq!(rows(&galley), rows(&whole), "{text:?}, chunks of {chunk_lines}");
                assert_eq!(galley.text(), text.as_str());
                assert_eq!(
                    (galley.rect, galley.mesh_bounds, galley.num_vertices, galley.num_indices),
                    (whole.rect, whole.mesh_bounds, whole.num_vertices, whole.num_indices),
                    "{text:?}, chunks of {chunk_lines}"
                );
            }
        });
        output.textures_delta.clear();
    }

    #[test]
    fn edits_that_add_and_remove_lines_match_a_full_layout() {
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
        let mut all: Vec<String> = texts.iter().map(ToString::to_string).collect();
        for at in 0..=base.len() {
            for insert in ["\n", "z", "\n\n"] {
                all.push(format!("{}{insert}{}", &base[..at], &base[at..]));
            }
            if at < base.len() {
                all.push(format!("{}{}", &base[..at], &base[at + 1..]));
            }
            // Back to the base after each edit, as typing then deleting does.
            all.push(base.to_string());
        }
        for chunk_lines in [1, 2, 3, CHUNK_LINES] {
            check_against_full_layouts(&all, chunk_lines);
        }
    }

    #[test]
    fn a_long_run_of_edits_far_from_the_start_matches_a_full_layout() {
        // Each text edits the one before it: lines come and go, chunks split and shrink.
        let mut text: String = (0..40).map(|i| format!("key_{i}=value {i}\n")).collect();
        let mut seed = 0x9e37_79b9_u32;
        let mut texts = vec![text.clone()];
        for _ in 0..300 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let mut at = usize::try_from(seed).unwrap() % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            match seed % 5 {
                0 if at < text.len() => {
                    text.remove(at);
                }
                1 => text.insert(at, '\n'),
                2 => text.insert_str(at, "ü=\n[s]\n"),
                _ => text.insert(at, 'q'),
            }
            texts.push(text.clone());
        }
        for chunk_lines in [1, 4] {
            check_against_full_layouts(&texts, chunk_lines);
        }
    }
}
