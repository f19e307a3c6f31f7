//! What the index builder keeps of every page between builds, packed: each page's terms, and
//! each term's pages as its postings entry stores them. A 50,000-page site holds 12 million
//! (id, impact) pairs twice over: 16 bytes a pair as tuples, about 3 packed.

use super::format::{get_varint, put_page, put_varint, Counts, Impact};

/// Ascending ids, each with an impact, in the bytes of a postings entry's pages
/// (`format::put_page`): a term's list is written out as it is.
#[derive(Clone, Default)]
pub(super) struct ImpactList {
    len: u32,
    last: u32,
    bytes: Vec<u8>,
}

impl ImpactList {
    /// Adds `id`, which must come after every id already listed.
    pub(super) fn push(&mut self, id: u32, impact: Impact) {
        debug_assert!(self.len == 0 || id > self.last, "ids out of order");
        put_page(&mut self.bytes, id - self.last, impact);
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

    /// Each id, ascending, with its impact.
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, Impact)> + '_ {
        let (mut pos, mut id) = (0, 0);
        std::iter::from_fn(move || {
            id += get_varint(&self.bytes, &mut pos)?;
            Some((id, Impact::unpack(get_varint(&self.bytes, &mut pos)?)?))
        })
    }

    /// The list with `id`'s impact set to `impact` (`None`: `id` removed).
    pub(super) fn with(&self, id: u32, impact: Option<Impact>) -> ImpactList {
        let mut out = ImpactList::default();
        let mut pending = impact.map(|c| (id, c));
        for (i, c) in self.iter() {
            if let Some((p, pc)) = pending.filter(|(p, _)| *p <= i) {
                out.push(p, pc);
                pending = None;
            }
            if i != id {
                out.push(i, c);
            }
        }
        if let Some((p, pc)) = pending {
            out.push(p, pc);
        }
        out.shrink();
        out
    }
}

/// One page's terms with their impacts, the words it writes, its body length.
pub(super) struct PageTerms {
    /// By term id.
    pub tf: ImpactList,
    /// Surface ids (each word as written), ascending, as distances from the previous one.
    surfaces: Box<[u8]>,
    /// Words counted in the body.
    pub body_len: u32,
}

impl PageTerms {
    pub(super) fn new(mut tf: Vec<(u32, Counts)>, mut surfaces: Vec<u32>, body_len: u32) -> PageTerms {
        tf.sort_unstable_by_key(|e| e.0);
        let mut list = ImpactList { bytes: Vec::with_capacity(tf.len() * 3), ..ImpactList::default() };
        for (id, counts) in &tf {
            list.push(*id, Impact::of(counts));
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
    use super::super::format::FIELDS;
    use super::*;

    #[test]
    fn packed_terms_read_back_sorted_and_whole() {
        let tf = vec![(70_000, [0, 0, 0, 0, 65_535]), (3, [1, 0, 2, 0, 0]), (0, [0, 0, 0, 300, 1]), (128, [1; FIELDS])];
        let terms = PageTerms::new(tf.clone(), vec![9, 2, 1_000_000, 2], 42);
        let mut want: Vec<(u32, Impact)> = tf.iter().map(|(id, c)| (*id, Impact::of(c))).collect();
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
        // An impact weighing `n` (its body counts the term `n` times).
        let w = |n: u32| Impact::of(&[0, 0, 0, 0, n as u16]);
        let mut list = ImpactList::default();
        for id in [2, 5, 9] {
            list.push(id, w(id));
        }
        let ids = |l: &ImpactList| l.iter().map(|(id, c)| (id, c.weighted)).collect::<Vec<_>>();
        assert_eq!(ids(&list.with(0, Some(w(7)))), vec![(0, 7), (2, 2), (5, 5), (9, 9)]);
        assert_eq!(ids(&list.with(5, Some(w(7)))), vec![(2, 2), (5, 7), (9, 9)]);
        assert_eq!(ids(&list.with(6, Some(w(7)))), vec![(2, 2), (5, 5), (6, 7), (9, 9)]);
        assert_eq!(ids(&list.with(10, Some(w(7)))), vec![(2, 2), (5, 5), (9, 9), (10, 7)]);
        assert_eq!(ids(&list.with(5, None)), vec![(2, 2), (9, 9)]);
        assert_eq!(ids(&list.with(4, None)), vec![(2, 2), (5, 5), (9, 9)]);
        assert!(list.with(2, None).with(5, None).with(9, None).is_empty());
        // The same bytes as a list built in order: what a fresh build writes.
        let mut fresh = ImpactList::default();
        for id in [2, 6, 9] {
            fresh.push(id, w(if id == 6 { 7 } else { id }));
        }
        assert_eq!(list.with(5, None).with(6, Some(w(7))).bytes(), fresh.bytes());
    }
}
