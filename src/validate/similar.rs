//! "Did you mean" suggestions by edit distance.

/// Levenshtein distance between two strings, by characters.
#[cfg(test)]
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut rows = (Vec::new(), Vec::new());
    distance_with(a, &b, usize::MAX, &mut rows)
}

/// [`distance`] with the two rows of its table passed in, so many comparisons share them. Once
/// every cell of a row exceeds `limit` the distance does too: it stops there and says `limit + 1`.
fn distance_with(a: &str, b: &[char], limit: usize, (previous, current): &mut (Vec<usize>, Vec<usize>)) -> usize {
    previous.clear();
    previous.extend(0..=b.len());
    current.clear();
    current.resize(b.len() + 1, 0);
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(previous, current);
        if previous.iter().all(|&cell| cell > limit) {
            return limit.saturating_add(1);
        }
    }
    previous[b.len()]
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = word.chars().count();
    let limit = (length / 3).clamp(1, 4);
    let (mut rows, mut chars) = ((Vec::new(), Vec::new()), Vec::new());
    candidates
        .into_iter()
        // The distance is at least the difference in length: most candidates need no comparison.
        .filter(|c| c.chars().count().abs_diff(length) <= limit)
        .map(|c| {
            chars.clear();
            chars.extend(c.chars());
            (distance_with(word, &chars, limit, &mut rows), c)
        })
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("failmod", "failmode"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn closest_ignores_far_words() {
        assert_eq!(closest("failmod", ["failmode", "factors"]), Some("failmode"));
        assert_eq!(closest("zzz", ["failmode"]), None);
    }
}
