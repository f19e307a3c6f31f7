//! What the index builder keeps of every page between builds, packed: each page's terms, and
//! each term's pages as its postings entry stores them. A 50,000-page site holds 12 million
//! (id, counts) pairs twice over: 16 bytes a pair as tuples, about 3 packed.

use super::format::{get_varint, put_page, put_varint, Counts, FIELDS};

/// Ascending ids, each with counts per field, in the bytes of a postings entry's pages
/// (`format::put_page`): a term's list is written out as it is.
#[derive(Clone, Default)]
pub(super) struct CountList {
    len: u32,
    last: u32,
    bytes: Vec<u8>,
}

impl CountList {
    /// Adds `id`, which must come after every id already listed.
    pub(super) fn push(&mut self, id: u32, counts: &Counts) {
        debug_assert!(self.len == 0 || id > self.last, "ids out of order");
        put_page(&mut self.bytes, id - self.last, counts);
        (self.len, self.last) = (self.len + 1, id);
    }

    pub(super) fn len(&self) -> usize {
        self.len as usize
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The packed pages, as a postings entry stores them.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Drops the growth slack of a list that is kept.
    pub(super) fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
    }

    /// Each id, ascending, with its counts.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, Counts)> + '_ {
        let (mut pos, mut id) = (0, 0);
        std::iter::from_fn(move || {
            id += get_varint(&self.bytes, &mut pos)?;
            let mask = *self.bytes.get(pos)?;
            pos += 1;
            let mut counts = [0; FIELDS];
            for (f, n) in counts.iter_mut().enumerate() {
                if mask & 1 << f != 0 {
                    *n = get_varint(&self.bytes, &mut pos)? as u16;
                }
            }
            Some((id, counts))
        })
    }

    /// The list with `id`'s counts set to `counts` (`None`: `id` removed).
    pub(super) fn with(&self, id: u32, counts: Option<Counts>) -> CountList {
        let mut out = CountList::default();
        let mut pending = counts.map(|c| (id, c));
        for (i, c) in self.iter() {
            if let Some((p, pc)) = pending.filter(|(p, _)| *p <= i) {
                out.push(p, &pc);
                pending = None;
            }
            if i != id {
                out.push(i, &c);
            }
        }
        if let Some((p, pc)) = pending {
            out.push(p, &pc);
        }
        out.shrink();
        out
    }
}

/// One page's terms with their counts per field, the words it writes, its body length.
pub(super) struct PageTerms {
    /// By term id.
    pub tf: CountList,
    /// Surface ids (each word as written), ascending, as distances from the previous one.
    surfaces: Box<[u8]>,
    /// Words counted in the body.
    pub body_len: u32,
}

impl PageTerms {
    pub(super) fn new(mut tf: Vec<(u32, Counts)>, mut surfaces: Vec<u32>, body_len: u32) -> PageTerms {
        tf.sort_unstable_by_key(|e| e.0);
        let mut list = CountList { bytes: Vec::with_capacity(tf.len() * 4), ..CountList::default() };
        for (id, counts) in &tf {
            list.push(*id, counts);
        }
        list.shrink();
        surfaces.sort_unstable();
        surfaces.dedup();
        let mut packed = Vec::with_capacity(surfaces.len() * 2);
        let mut last = 0;
        for id in surfaces {
            put_varint(&mut packed, u64::from(id - last));
            last = id;
        }
        PageTerms { tf: list, surfaces: packed.into(), body_len }
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
        assert_eq!(terms.tf.iter().collect::<Vec<_>>(), want);
        assert_eq!(terms.tf.len(), 4);
        assert_eq!(terms.surfaces().collect::<Vec<_>>(), vec![2, 9, 1_000_000]);
        assert_eq!(terms.body_len, 42);
        let empty = PageTerms::new(Vec::new(), Vec::new(), 0);
        assert_eq!((empty.tf.iter().count(), empty.surfaces().count()), (0, 0));
    }

    #[test]
    fn a_page_is_set_anywhere_in_a_list_or_removed() {
        let mut list = CountList::default();
        for id in [2, 5, 9] {
            list.push(id, &[id as u16, 0, 0, 0, 1]);
        }
        let ids = |l: &CountList| l.iter().map(|(id, c)| (id, c[0])).collect::<Vec<_>>();
        assert_eq!(ids(&list.with(0, Some([7; FIELDS]))), vec![(0, 7), (2, 2), (5, 5), (9, 9)]);
        assert_eq!(ids(&list.with(5, Some([7; FIELDS]))), vec![(2, 2), (5, 7), (9, 9)]);
        assert_eq!(ids(&list.with(6, Some([7; FIELDS]))), vec![(2, 2), (5, 5), (6, 7), (9, 9)]);
        assert_eq!(ids(&list.with(10, Some([7; FIELDS]))), vec![(2, 2), (5, 5), (9, 9), (10, 7)]);
        assert_eq!(ids(&list.with(5, None)), vec![(2, 2), (9, 9)]);
        assert_eq!(ids(&list.with(4, None)), vec![(2, 2), (5, 5), (9, 9)]);
        assert!(list.with(2, None).with(5, None).with(9, None).is_empty());
        // The same bytes as a list built in order: what a fresh build writes.
        let mut fresh = CountList::default();
        for id in [2, 6, 9] {
            fresh.push(id, &[if id == 6 { 7 } else { id as u16 }, 0, 0, 0, 1]);
        }
        assert_eq!(list.with(5, None).with(6, Some([7, 0, 0, 0, 1])).bytes(), fresh.bytes());
    }
}
