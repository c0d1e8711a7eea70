//! Find: case-insensitive (ASCII) search with wrap-around.

use std::ops::Range;

/// The find bar's state.
#[derive(Debug, Default)]
pub struct FindBar {
    /// Whether the bar shows.
    pub open: bool,
    /// What to look for.
    pub query: String,
    /// Focus the query box on the next frame.
    pub focus: bool,
}

/// Every match of `query` in `text`, ignoring ASCII case.
#[must_use]
pub fn matches(text: &str, query: &str) -> Vec<Range<usize>> {
    if query.is_empty() || query.len() > text.len() {
        return Vec::new();
    }
    let needle = query.as_bytes();
    let hay = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i + needle.len() <= hay.len() {
        if hay[i..i + needle.len()].eq_ignore_ascii_case(needle) && text.is_char_boundary(i) {
            found.push(i..i + needle.len());
            i += needle.len();
        } else {
            i += 1;
        }
    }
    found
}

/// The first match at or after `from`, wrapping to the start; its position (1-based) and the total.
#[must_use]
pub fn next_match(text: &str, query: &str, from: usize) -> Option<(Range<usize>, usize, usize)> {
    let all = matches(text, query);
    let index = all.iter().position(|m| m.start >= from).unwrap_or(0);
    all.get(index).map(|m| (m.clone(), index + 1, all.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_case_insensitively_and_wraps() {
        let text = "[AD_Client]\nhost=dc1\n[ad_client2]\nHost=dc2\n";
        assert_eq!(matches(text, "ad_client").len(), 2);
        let (first, n, total) = next_match(text, "host", 0).unwrap();
        assert_eq!((&text[first.clone()], n, total), ("host", 1, 2));
        let (second, n, _) = next_match(text, "host", first.end).unwrap();
        assert_eq!((&text[second.clone()], n), ("Host", 2));
        let (wrapped, n, _) = next_match(text, "host", second.end).unwrap();
        assert_eq!((wrapped, n), (first, 1));
        assert!(next_match(text, "ldap", 0).is_none());
        assert_eq!(matches("é é", "é").len(), 2);
    }
}
