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
    let Some((path, bytes)) = paths.iter().find_map(|p| std::fs::read(p).ok().map(|b| (p, b))) else {
        tracing::debug!("no system fallback font found; scripts outside Latin, Greek and Cyrillic may show as boxes");
        return defaults;
    };
    let name = Path::new(path).file_name().map_or_else(|| "fallback".to_string(), |n| n.to_string_lossy().into_owned());
    tracing::debug!(font = %path.display(), "using a system fallback font");
    with_fallback(defaults, &name, FontData::from_owned(bytes))
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
    fn missing_fonts_leave_the_defaults() {
        let fonts = definitions(&[PathBuf::from("/nonexistent/font.ttf")]);
        assert_eq!(fonts.font_data.len(), FontDefinitions::default().font_data.len());
    }
}
