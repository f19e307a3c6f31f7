//! One page's terms as the index builder keeps them between builds. Packed, because it keeps
//! them for every page: 50,000 pages use 12 million (term, counts) pairs, 16 bytes each as
//! a tuple and about 3 packed.

use super::format::{get_varint, put_varint, Counts, FIELDS};

/// A page's terms with their counts per field, the words it writes, its body length.
pub(super) struct PageTerms {
    /// Per term, ascending: the id's distance from the previous one, a mask of the fields
    /// counting it, then each non-zero count; all varints but the mask.
    tf: Box<[u8]>,
    /// Surface ids (each word as written), ascending, as distances from the previous one.
    surfaces: Box<[u8]>,
    /// Words counted in the body.
    pub body_len: u32,
}

impl PageTerms {
    pub(super) fn new(mut tf: Vec<(u32, Counts)>, mut surfaces: Vec<u32>, body_len: u32) -> PageTerms {
        tf.sort_unstable_by_key(|e| e.0);
        let mut bytes = Vec::with_capacity(tf.len() * 4);
        let mut last = 0;
        for (id, counts) in tf {
            put_varint(&mut bytes, u64::from(id - last));
            last = id;
            bytes.push((0..FIELDS).filter(|&f| counts[f] > 0).fold(0u8, |m, f| m | 1 << f));
            for n in counts.into_iter().filter(|&n| n > 0) {
                put_varint(&mut bytes, u64::from(n));
            }
        }
        surfaces.sort_unstable();
        surfaces.dedup();
        let mut packed = Vec::with_capacity(surfaces.len() * 2);
        let mut last = 0;
        for id in surfaces {
            put_varint(&mut packed, u64::from(id - last));
            last = id;
        }
        PageTerms { tf: bytes.into(), surfaces: packed.into(), body_len }
    }

    /// Each term (ascending ids) and its counts.
    pub(super) fn terms(&self) -> impl Iterator<Item = (u32, Counts)> + '_ {
        let (mut pos, mut id) = (0, 0);
        std::iter::from_fn(move || {
            id += get_varint(&self.tf, &mut pos)?;
            let mask = *self.tf.get(pos)?;
            pos += 1;
            let mut counts = [0; FIELDS];
            for (f, n) in counts.iter_mut().enumerate() {
                if mask & 1 << f != 0 {
                    *n = get_varint(&self.tf, &mut pos)? as u16;
                }
            }
            Some((id, counts))
        })
    }

    /// Each surface id the page uses, ascending.
    pub(super) fn surfaces(&self) -> impl Iterator<Item = u32> + '_ {
        let (mut pos, mut id) = (0, 0);
        std::iter::from_fn(move || {
            id += get_varint(&self.surfaces, &mut pos)?;
            Some(id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_terms_read_back_sorted_and_whole() {
        let tf = vec![(70_000, [0, 0, 0, 0, 65_535]), (3, [1, 0, 2, 0, 0]), (0, [0, 0, 0, 300, 1]), (128, [1; FIELDS])];
        let terms = PageTerms::new(tf.clone(), vec![9, 2, 1_000_000, 2], 42);
        let mut want = tf;
        want.sort_by_key(|e| e.0);
        assert_eq!(terms.terms().collect::<Vec<_>>(), want);
        assert_eq!(terms.surfaces().collect::<Vec<_>>(), vec![2, 9, 1_000_000]);
        assert_eq!(terms.body_len, 42);
        let empty = PageTerms::new(Vec::new(), Vec::new(), 0);
        assert_eq!((empty.terms().count(), empty.surfaces().count()), (0, 0));
    }
}
