//! Typo tolerance that scales with the word: a word that matches nothing is compared with
//! the site's words of the same first letter and a similar length, and the nearest ones
//! stand in for it, most common first.

/// Words of this many letters forgive one edit; of `TWO_EDITS` letters, two.
pub(super) const ONE_EDIT: usize = 5;
pub(super) const TWO_EDITS: usize = 8;

/// Edits forgiven in a word of `chars` letters (a swap of neighbours counts as one).
pub(super) fn max_edits(chars: usize) -> usize {
    if chars >= TWO_EDITS {
        2
    } else if chars >= ONE_EDIT {
        1
    } else {
        0
    }
}

/// Optimal string alignment distance (Damerau–Levenshtein without moving a letter twice),
/// counted in characters.
pub(super) fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_count_once() {
        assert_eq!(distance("pelayanan", "pelyaanan"), 1);
        assert_eq!(distance("kolaboratif", "kolaboartif"), 1);
        assert_eq!(distance("kepemimpinan", "kepemipnan"), 2);
        assert_eq!(distance("kolusi", "kulasi"), 2);
    }

    #[test]
    fn longer_words_forgive_more() {
        assert_eq!(max_edits(4), 0);
        assert_eq!(max_edits(5), 1);
        assert_eq!(max_edits(7), 1);
        assert_eq!(max_edits(8), 2);
    }
}
