//! A set of criteria (các tiêu chí đạt) as a bit set: fast to count for large provinces.

use serde::{Serialize, Serializer};

/// Criteria ids 1..=31 held as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct CriteriaSet(u32);

impl CriteriaSet {
    /// The empty set.
    pub const EMPTY: CriteriaSet = CriteriaSet(0);

    /// Whether criterion `id` is in the set.
    pub fn contains(self, id: u8) -> bool {
        id < 32 && self.0 & (1 << id) != 0
    }

    /// Adds criterion `id`.
    pub fn insert(&mut self, id: u8) {
        if id < 32 {
            self.0 |= 1 << id;
        }
    }

    /// Removes criterion `id`.
    pub fn remove(&mut self, id: u8) {
        if id < 32 {
            self.0 &= !(1 << id);
        }
    }

    /// Whether every criterion of `other` is in the set.
    pub fn contains_all(self, other: CriteriaSet) -> bool {
        self.0 & other.0 == other.0
    }

    /// Number of criteria in the set.
    pub fn count(self) -> u32 {
        self.0.count_ones()
    }

    /// Ids in ascending order.
    pub fn ids(self) -> impl Iterator<Item = u8> {
        (1..32u8).filter(move |id| self.contains(*id))
    }

    /// The set of all ids in `ids`.
    pub fn from_ids(ids: impl IntoIterator<Item = u8>) -> CriteriaSet {
        let mut set = CriteriaSet::EMPTY;
        for id in ids {
            set.insert(id);
        }
        set
    }
}

impl Serialize for CriteriaSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.ids())
    }
}
