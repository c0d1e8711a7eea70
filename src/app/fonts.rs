//! A system font as the last fallback, so text in scripts egui's bundled fonts lack
//! (Chinese, Japanese, Korean in DNs, group names and comments) is drawn, not boxes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{FontData, FontDefinitions, FontFamily};

/// System fonts with CJK coverage, most common first.
#[must_use]
pub fn candidates() -> Vec<PathBuf> {
    let names: &[&str] = if cfg!(windows) {
        &[
            r"C:\Windows\Fonts\msyh.ttc",
            r"C:\Windows\Fonts\YuGothM.ttc",
            r"C:\Windows\Fonts\msgothic.ttc",
            r"C:\Windows\Fonts\malgun.ttf",
            r"C:\Windows\Fonts\simsun.ttc",
        ]
    } else {
        &[
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        ]
    };
    names.iter().map(PathBuf::from).collect()
}

/// `definitions` with `font` appended as the last fallback of both families.
#[must_use]
pub fn with_fallback(mut definitions: FontDefinitions, name: &str, font: FontData) -> FontDefinitions {
    definitions.font_data.insert(name.to_string(), Arc::new(font));
    for family in [FontFamily::Monospace, FontFamily::Proportional] {
        definitions.families.entry(family).or_default().push(name.to_string());
    }
    definitions
}

/// The default fonts plus the first system fallback font found, if any.
#[must_use]
pub fn definitions(paths: &[PathBuf]) -> FontDefinitions {
    let defaults = FontDefinitions::default();
    let Some((path, bytes)) = paths.iter().find_map(|p| readable_font(p).map(|b| (p, b))) else {
        tracing::debug!("no system fallback font found; scripts outside Latin, Greek and Cyrillic may show as boxes");
        return defaults;
    };
    let name = Path::new(path).file_name().map_or_else(|| "fallback".to_string(), |n| n.to_string_lossy().into_owned());
    tracing::debug!(font = %path.display(), "using a system fallback font");
    with_fallback(defaults, &name, FontData::from_owned(bytes))
}

/// The bytes of a font file that egui can use: a damaged or truncated system font would make
/// egui panic when it builds its fonts, so only one that parses is taken.
fn readable_font(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 256 * 1024 * 1024 {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    match skrifa::FontRef::from_index(&bytes, 0) {
        Ok(_) => Some(bytes),
        Err(e) => {
            tracing::warn!(font = %path.display(), "skipping a system font that does not parse: {e}");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_comes_last_in_both_families() {
        let defaults = FontDefinitions::default();
        let hack = defaults.font_data.get("Hack").map(|f| (**f).clone()).expect("egui bundles Hack");
        let fonts = with_fallback(defaults, "extra", hack);
        for family in [FontFamily::Monospace, FontFamily::Proportional] {
            assert_eq!(fonts.families[&family].last().map(String::as_str), Some("extra"));
        }
        assert!(fonts.font_data.contains_key("extra"));
    }

    #[test]
    fn a_damaged_font_file_is_skipped_for_the_next_one() {
        let dir = tempfile::tempdir().unwrap();
        let (broken, empty, good) =
            (dir.path().join("broken.ttc"), dir.path().join("empty.ttf"), dir.path().join("good.ttf"));
        std::fs::write(&broken, b"ttcf\0\0\0\x01garbage").unwrap();
        std::fs::write(&empty, b"").unwrap();
        let hack = FontDefinitions::default()
            .font_data
            .get("Hack")
            .map(|f| (*f.font).as_ref().to_vec())
            .expect("egui bundles Hack");
        std::fs::write(&good, hack).unwrap();
        let fonts = definitions(&[broken, empty, good]);
        assert!(fonts.font_data.contains_key("good.ttf"), "{:?}", fonts.font_data.keys());
        // egui builds its fonts from them without panicking.
        let ctx = egui::Context::default();
        ctx.set_fonts(fonts);
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            ui.label("例え");
        });
        output.textures_delta.clear();
    }

    #[test]
    fn missing_fonts_leave_the_defaults() {
        let fonts = definitions(&[PathBuf::from("/nonexistent/font.ttf")]);
        assert_eq!(fonts.font_data.len(), FontDefinitions::default().font_data.len());
    }
}
