//! Colours for the editor, one set for light and one for dark visuals.

use egui::{Color32, Visuals};

use super::highlight::TokenKind;
use crate::validate::Severity;

/// The spacing scale every panel uses, in points: nothing else is written as a literal.
pub mod space {
    /// Between the lines of one item (a field and its help).
    pub const TIGHT: f32 = 2.0;
    /// Between the items of a list, and between a report and the next.
    pub const ITEM: f32 = 4.0;
    /// Between columns, and between a heading and what follows it.
    pub const GAP: f32 = 8.0;
}

/// The editor's colours.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    /// Whether these are the dark colours.
    pub dark: bool,
    /// Ordinary text.
    pub text: Color32,
    /// Line numbers.
    pub gutter_text: Color32,
    /// Errors.
    pub error: Color32,
    /// Warnings.
    pub warning: Color32,
    /// Notes.
    pub info: Color32,
    /// The block drawn over a masked secret.
    pub secret_mask: Color32,
    /// Behind each match of Find.
    pub find_match: Color32,
    /// Behind the match Find is on.
    pub find_current: Color32,
    /// Text added in a comparison.
    pub added: Color32,
    /// A check that passed, a service that runs.
    pub passed: Color32,
}

impl Palette {
    /// The palette matching `visuals`.
    #[must_use]
    pub fn for_visuals(visuals: &Visuals) -> Self {
        if visuals.dark_mode {
            Self {
                dark: true,
                text: Color32::from_rgb(0xd4, 0xd4, 0xd4),
                gutter_text: Color32::from_rgb(0x85, 0x85, 0x85),
                error: Color32::from_rgb(0xf1, 0x4c, 0x4c),
                warning: Color32::from_rgb(0xe5, 0xc0, 0x3d),
                info: Color32::from_rgb(0x4f, 0xa6, 0xed),
                secret_mask: Color32::from_rgb(0x4a, 0x4a, 0x55),
                find_match: Color32::from_rgba_unmultiplied(0xe5, 0xc0, 0x3d, 0x40),
                find_current: Color32::from_rgba_unmultiplied(0xe5, 0xc0, 0x3d, 0x90),
                added: Color32::from_rgb(0x6a, 0xc4, 0x6a),
                passed: Color32::from_rgb(0x3f, 0xb9, 0x50),
            }
        } else {
            Self {
                dark: false,
                text: Color32::from_rgb(0x24, 0x29, 0x2e),
                gutter_text: Color32::from_rgb(0x6e, 0x6e, 0x6e),
                error: Color32::from_rgb(0xcb, 0x24, 0x31),
                warning: Color32::from_rgb(0x8a, 0x62, 0x00),
                info: Color32::from_rgb(0x03, 0x66, 0xd6),
                secret_mask: Color32::from_rgb(0xc8, 0xc8, 0xd0),
                find_match: Color32::from_rgba_unmultiplied(0xf2, 0xc9, 0x4c, 0x50),
                find_current: Color32::from_rgba_unmultiplied(0xf2, 0xa9, 0x00, 0xa0),
                added: Color32::from_rgb(0x1a, 0x7f, 0x37),
                passed: Color32::from_rgb(0x1a, 0x7f, 0x37),
            }
        }
    }

    /// The colour of a token kind.
    #[must_use]
    pub fn token(&self, kind: TokenKind) -> Color32 {
        let (dark, light) = match kind {
            TokenKind::Plain | TokenKind::Delimiter => return self.text,
            TokenKind::Comment => ((0x6a, 0x99, 0x55), (0x6a, 0x73, 0x7d)),
            TokenKind::Bracket => ((0xc5, 0x86, 0xc0), (0x6f, 0x42, 0xc1)),
            TokenKind::Section => ((0xc5, 0x86, 0xc0), (0x6f, 0x42, 0xc1)),
            TokenKind::KnownKey => ((0x9c, 0xdc, 0xfe), (0x00, 0x5c, 0xc5)),
            TokenKind::UnknownKey => ((0xf4, 0x87, 0x71), (0xb3, 0x1d, 0x28)),
            TokenKind::Value | TokenKind::Continuation => ((0xce, 0x91, 0x78), (0x03, 0x2f, 0x62)),
            TokenKind::Secret => ((0xd7, 0xba, 0x7d), (0x8a, 0x46, 0x00)),
            TokenKind::Protected => ((0x8c, 0x8c, 0x8c), (0x6e, 0x77, 0x81)),
            TokenKind::Invalid => return self.error,
        };
        let (r, g, b) = if self.dark { dark } else { light };
        Color32::from_rgb(r, g, b)
    }

    /// The colour of a severity.
    #[must_use]
    pub fn severity(&self, severity: Severity) -> Color32 {
        match severity {
            Severity::Error => self.error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2's relative luminance.
    fn luminance(colour: Color32) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(colour.r()) + 0.7152 * channel(colour.g()) + 0.0722 * channel(colour.b())
    }

    fn contrast(a: Color32, b: Color32) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    const KINDS: [TokenKind; 11] = [
        TokenKind::Plain,
        TokenKind::Delimiter,
        TokenKind::Comment,
        TokenKind::Bracket,
        TokenKind::Section,
        TokenKind::KnownKey,
        TokenKind::UnknownKey,
        TokenKind::Value,
        TokenKind::Continuation,
        TokenKind::Secret,
        TokenKind::Invalid,
    ];

    /// Every colour that carries words is readable (WCAG AA, 4.5:1) on both the editor's and
    /// the panels' background, in both themes; line numbers and protected blobs, which are
    /// meant to recede, still reach 3:1.
    #[test]
    fn both_themes_keep_text_readable_on_their_backgrounds() {
        for visuals in [Visuals::dark(), Visuals::light()] {
            let palette = Palette::for_visuals(&visuals);
            let mut words: Vec<(String, Color32)> =
                KINDS.iter().map(|kind| (format!("{kind:?}"), palette.token(*kind))).collect();
            words.extend([
                ("error".to_string(), palette.error),
                ("warning".to_string(), palette.warning),
                ("info".to_string(), palette.info),
                ("added".to_string(), palette.added),
                ("passed".to_string(), palette.passed),
            ]);
            let receding = [
                ("gutter".to_string(), palette.gutter_text),
                ("Protected".to_string(), palette.token(TokenKind::Protected)),
            ];
            for background in [visuals.text_edit_bg_color(), visuals.panel_fill] {
                for (name, colour) in &words {
                    let ratio = contrast(*colour, background);
                    assert!(ratio >= 4.5, "{name} {colour:?} on {background:?} (dark: {}): {ratio:.2}:1", palette.dark);
                }
                for (name, colour) in &receding {
                    let ratio = contrast(*colour, background);
                    assert!(ratio >= 3.0, "{name} {colour:?} on {background:?} (dark: {}): {ratio:.2}:1", palette.dark);
                }
            }
        }
    }
}
