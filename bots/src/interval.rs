//! Address ranges as sorted tables of disjoint `(first, last)` pairs, and the lookup in one.
//!
//! The build script merges each operator's prefixes into such a table once; the crate merges the
//! extra ranges from configuration the same way and answers "is this address in the table" with
//! one binary search. Merging joins ranges that overlap or touch, so a table never has two
//! entries where one would do, and every entry starts after the previous one ends + 1.

/// An address as an integer: `u32` for IPv4, `u128` for IPv6.
pub trait Address: Copy + Ord {
    /// The next address, `None` after the last one.
    fn successor(self) -> Option<Self>;
}

impl Address for u32 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

impl Address for u128 {
    fn successor(self) -> Option<Self> {
        self.checked_add(1)
    }
}

/// Sorts inclusive `(first, last)` ranges and joins those that overlap or touch.
pub fn merge<A: Address>(mut ranges: Vec<(A, A)>) -> Vec<(A, A)> {
    ranges.sort_unstable();
    let mut merged: Vec<(A, A)> = Vec::with_capacity(ranges.len());
    for (first, last) in ranges {
        match merged.last_mut() {
            Some(previous) if previous.1.successor().is_none_or(|next| first <= next) => {
                previous.1 = previous.1.max(last);
            }
            _ => merged.push((first, last)),
        }
    }
    merged
}

/// Whether `address` lies in a table that [`merge`] produced (sorted, disjoint).
pub fn contains<A: Address>(table: &[(A, A)], address: A) -> bool {
    // The first entry starting after `address`; the one before it is the only candidate.
    let after = table.partition_point(|&(first, _)| first <= address);
    after > 0 && address <= table[after - 1].1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_overlapping_and_touching_ranges_and_keeps_gaps() {
        let merged = merge(vec![
            (20u32, 29),
            (0, 9),
            (10, 12),
            (5, 7),
            (31, 40),
            (35, 36),
        ]);
        assert_eq!(merged, vec![(0, 12), (20, 29), (31, 40)]);
    }

    #[test]
    fn a_range_ending_at_the_last_address_absorbs_what_follows() {
        let merged = merge(vec![(u32::MAX - 5, u32::MAX), (u32::MAX, u32::MAX), (0, 0)]);
        assert_eq!(merged, vec![(0, 0), (u32::MAX - 5, u32::MAX)]);
        assert_eq!(
            merge(vec![(0u128, u128::MAX), (7, 9)]),
            vec![(0, u128::MAX)]
        );
    }

    #[test]
    fn finds_addresses_at_both_edges_and_not_in_the_gaps() {
        let table = merge(vec![(10u32, 19), (30, 39), (u32::MAX, u32::MAX)]);
        let inside: Vec<u32> = (0..50).filter(|&a| contains(&table, a)).collect();
        assert_eq!(inside, (10..20).chain(30..40).collect::<Vec<_>>());
        assert!(contains(&table, u32::MAX));
        assert!(!contains(&table, u32::MAX - 1));
        assert!(!contains::<u32>(&[], 0));
    }
}
