//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    let limit = (length / 3).clamp(1, 4);
    candidates
        .into_iter()
        // The distance is at least the difference in length: most candidates need no comparison.
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_ignores_far_words() {
        assert_eq!(closest("failmod", ["failmode", "factors"]), Some("failmode"));
        assert_eq!(closest("zzz", ["failmode"]), None);
        assert_eq!(closest("timout", ["timeout", "time"]), Some("timeout"), "the nearest wins");
        assert_eq!(closest(&"x".repeat(5000), ["failmode"]), None, "a huge word compares with nothing");
    }
}
