//! Find: every match of the query, with case and whole-word options, stepping forwards and
//! backwards with wrap-around. The search never edits the text.

use std::ops::Range;

/// The find bar's state.
#[derive(Debug, Default)]
pub struct FindBar {
    /// Whether the bar shows.
    pub open: bool,
    /// What to look for.
    pub query: String,
    /// Match upper and lower case exactly.
    pub case_sensitive: bool,
    /// Only matches that are whole words (not inside `radius_secret_12` when looking for `radius_secret_1`).
    pub whole_word: bool,
    /// Focus the query box on the next frame.
    pub focus: bool,
    /// "3 of 7", "No matches".
    pub status: String,
}

impl FindBar {
    /// The search options as set in the bar.
    #[must_use]
    pub fn options(&self) -> FindOptions {
        FindOptions { case_sensitive: self.case_sensitive, whole_word: self.whole_word }
    }
}

/// How to compare.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FindOptions {
    /// Match case exactly (otherwise letters match either case).
    pub case_sensitive: bool,
    /// The match must not have a word character right before or after it.
    pub whole_word: bool,
}

/// The matches of the last search, kept until the text or the search changes.
#[derive(Debug, Default)]
pub struct MatchCache {
    key: Option<(u64, String, FindOptions)>,
    found: Vec<Range<usize>>,
}

impl MatchCache {
    /// The matches of `query` in `text` (revision `revision`).
    pub fn get(&mut self, revision: u64, text: &str, query: &str, options: FindOptions) -> &[Range<usize>] {
        let fresh = self.key.as_ref().is_some_and(|(r, q, o)| *r == revision && q == query && *o == options);
        if !fresh {
            self.found = matches(text, query, options);
            self.key = Some((revision, query.to_string(), options));
        }
        &self.found
    }
}

/// Which way to step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards the end of the file.
    Forward,
    /// Towards the start.
    Backward,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn whole_word_at(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

/// Every match of `query` in `text`, not overlapping, in order.
#[must_use]
pub fn matches(text: &str, query: &str, options: FindOptions) -> Vec<Range<usize>> {
    if query.is_empty() || query.len() > text.len() {
        return Vec::new();
    }
    let found: Vec<Range<usize>> = if options.case_sensitive {
        text.match_indices(query).map(|(i, m)| i..i + m.len()).collect()
    } else {
        caseless_matches(text, query)
    };
    if options.whole_word {
        found.into_iter().filter(|r| whole_word_at(text, r)).collect()
    } else {
        found
    }
}

/// Matches ignoring case, character by character (so `É` finds `é`), on the original text's
/// byte offsets.
fn caseless_matches(text: &str, query: &str) -> Vec<Range<usize>> {
    let needle: Vec<char> = query.chars().flat_map(char::to_lowercase).collect();
    let mut found = Vec::new();
    let mut start = 0;
    while start < text.len() {
        match match_len_at(&text[start..], &needle) {
            Some(len) => {
                found.push(start..start + len);
                start += len;
            }
            None => start += text[start..].chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// The byte length of the match of `needle` (lower-case) at the start of `rest`, if any.
fn match_len_at(rest: &str, needle: &[char]) -> Option<usize> {
    let mut wanted = needle.iter();
    let mut pending: Option<char> = wanted.next().copied();
    for (i, c) in rest.char_indices() {
        for lower in c.to_lowercase() {
            if pending != Some(lower) {
                return None;
            }
            pending = wanted.next().copied();
        }
        if pending.is_none() {
            return Some(i + c.len_utf8());
        }
    }
    None
}

/// The match to go to from a selection `current` (or a caret, as an empty range), one step in
/// `direction`, wrapping around; with its position (1-based) and the number of matches.
#[must_use]
pub fn step(
    text: &str,
    query: &str,
    options: FindOptions,
    current: Range<usize>,
    direction: Direction,
) -> Option<(Range<usize>, usize, usize)> {
    let all = matches(text, query, options);
    if all.is_empty() {
        return None;
    }
    let index = match direction {
        Direction::Forward => {
            // From a selected match, the next one; from a caret, the first at or after it.
            let from = if current.is_empty() { current.start } else { current.start + 1 };
            all.iter().position(|m| m.start >= from).unwrap_or(0)
        }
        Direction::Backward => all.iter().rposition(|m| m.start < current.start).unwrap_or(all.len() - 1),
    };
    Some((all[index].clone(), index + 1, all.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY: FindOptions = FindOptions { case_sensitive: false, whole_word: false };

    #[test]
    fn finds_ignoring_case_and_wraps_both_ways() {
        let text = "[AD_Client]\nhost=dc1\n[ad_client2]\nHost=dc2\n";
        assert_eq!(matches(text, "ad_client", ANY).len(), 2);
        let (first, n, total) = step(text, "host", ANY, 0..0, Direction::Forward).unwrap();
        assert_eq!((&text[first.clone()], n, total), ("host", 1, 2));
        let (second, n, _) = step(text, "host", ANY, first.clone(), Direction::Forward).unwrap();
        assert_eq!((&text[second.clone()], n), ("Host", 2));
        let (wrapped, n, _) = step(text, "host", ANY, second.clone(), Direction::Forward).unwrap();
        assert_eq!((wrapped.clone(), n), (first.clone(), 1));
        let (back, n, _) = step(text, "host", ANY, first, Direction::Backward).unwrap();
        assert_eq!((back, n), (second, 2), "backwards from the first wraps to the last");
        assert!(step(text, "ldap", ANY, 0..0, Direction::Forward).is_none());
    }

    #[test]
    fn case_and_whole_word_options() {
        let text = "radius_secret_1=a\nradius_secret_12=b\nRADIUS_SECRET_1=c\n";
        assert_eq!(matches(text, "radius_secret_1", ANY).len(), 3);
        let exact = FindOptions { case_sensitive: true, whole_word: false };
        assert_eq!(matches(text, "radius_secret_1", exact).len(), 2);
        let words = FindOptions { case_sensitive: false, whole_word: true };
        let found = matches(text, "radius_secret_1", words);
        assert_eq!(found.iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(), ["radius_secret_1", "RADIUS_SECRET_1"]);
    }

    #[test]
    fn non_ascii_text_matches_on_character_boundaries() {
        let text = "; Jürgen é É ü\n";
        let found = matches(text, "É", ANY);
        assert_eq!(found.len(), 2);
        for r in &found {
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        assert_eq!(matches(text, "jÜrgen", ANY).len(), 1);
        // A character whose lower case is longer (İ → i̇) does not break the offsets.
        let odd = "İstanbul İ";
        for r in matches(odd, "i̇", ANY) {
            assert!(odd.is_char_boundary(r.start) && odd.is_char_boundary(r.end));
        }
    }
}
