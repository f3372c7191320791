//! The n-gram model's features in memory: an open-addressing table read
//! at random for every word of most documents, so it is laid out for the
//! cache and the TLB.

use anyhow::ensure;

/// Feature hash → entries, as an open-addressing table with linear probing.
/// `slots[s + 1]` holds the key in slot `s` and the end of its entries;
/// its entries start where those of slot `s − 1` end (`slots[0]` is the
/// start of slot 0's), so the entries lie in slot order and a slot is empty
/// when its range is. Keys are hashes already: their low bits pick the slot.
#[derive(Debug, Clone)]
pub(super) struct FeatureIndex {
    slots: Vec<(u32, u32)>,
    mask: usize,
    /// (class, quantised −log-probability), in slot order.
    entries: Vec<(u8, u8)>,
}

impl FeatureIndex {
    /// Builds the table from `n` features, the `i`-th with hash
    /// `hash_of(i)` and entries `entries_of(i)`; hashes without entries are
    /// left out (they change no score), a repeated hash is an error.
    pub(super) fn build<'a>(
        n: usize,
        hash_of: impl Fn(usize) -> u32,
        entries_of: impl Fn(usize) -> &'a [(u8, u8)],
    ) -> anyhow::Result<Self> {
        ensure!(
            n < u32::MAX as usize / 2,
            "n-gram model has {n} features, more than this build can index"
        );
        // At most two thirds full: short probe runs, one cache line.
        let cap = (n * 3 / 2 + 1).next_power_of_two().max(16);
        let mask = cap - 1;
        // First the keys, each with its feature's number + 1 (0: empty)...
        let mut slots = huge_vec(cap + 1);
        slots.resize(cap + 1, (0u32, 0u32));
        let mut total = 0usize;
        for i in 0..n {
            let (h, e) = (hash_of(i), entries_of(i));
            if e.is_empty() {
                continue;
            }
            let mut s = h as usize & mask;
            while slots[s + 1].1 != 0 {
                ensure!(
                    slots[s + 1].0 != h,
                    "n-gram model lists feature {h:#010x} twice; it is damaged, train it again"
                );
                s = (s + 1) & mask;
            }
            slots[s + 1] = (h, i as u32 + 1);
            total += e.len();
        }
        ensure!(
            total < u32::MAX as usize,
            "n-gram model has {total} entries, more than this build can index"
        );
        // ...then the entries in slot order, each slot with where its entries end.
        let mut entries = huge_vec(total);
        for slot in &mut slots[1..] {
            if slot.1 != 0 {
                entries.extend_from_slice(entries_of(slot.1 as usize - 1));
            }
            slot.1 = entries.len() as u32;
        }
        Ok(Self { slots, mask, entries })
    }

    /// Range in `entries` of the features of `h` (empty when the table
    /// does not have it).
    #[inline]
    pub(super) fn find(&self, h: u32) -> (u32, u32) {
        let mut s = h as usize & self.mask;
        loop {
            let (k, end) = self.slots[s + 1];
            let start = self.slots[s].1;
            if start == end || k == h {
                return (start, if k == h { end } else { start });
            }
            s = (s + 1) & self.mask;
        }
    }

    /// Entries of a range from [`FeatureIndex::find`].
    #[inline]
    pub(super) fn entries(&self, (start, end): (u32, u32)) -> &[(u8, u8)] {
        &self.entries[start as usize..end as usize]
    }

    /// Entries of slot `s`.
    pub(super) fn entries_of(&self, s: usize) -> &[(u8, u8)] {
        self.entries((self.slots[s].1, self.slots[s + 1].1))
    }

    /// Asks the CPU to load the slot of `h` ahead of [`FeatureIndex::find`].
    #[inline]
    pub(super) fn prefetch_slot(&self, h: u32) {
        prefetch(self.slots.as_ptr().wrapping_add(h as usize & self.mask));
    }

    /// Asks the CPU to load the entries of a range ahead of their use.
    #[inline]
    pub(super) fn prefetch_entries(&self, (start, _): (u32, u32)) {
        prefetch(self.entries.as_ptr().wrapping_add(start as usize));
    }

    /// Every (hash, entries), in hash order.
    pub(super) fn sorted(&self) -> Vec<(u32, &[(u8, u8)])> {
        let mut v: Vec<(u32, &[(u8, u8)])> = (0..self.slots.len() - 1)
            .map(|s| (self.slots[s + 1].0, self.entries_of(s)))
            .filter(|(_, e)| !e.is_empty())
            .collect();
        v.sort_unstable_by_key(|&(h, _)| h);
        v
    }
}

/// An empty vector with room for `cap` items, which Linux is asked to back
/// with 2 MB pages where it can (before they are first written): the
/// feature table is read at random, and with 4 KB pages most lookups would
/// miss the TLB as well as the caches.
fn huge_vec<T>(cap: usize) -> Vec<T> {
    let v = Vec::with_capacity(cap);
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = (v.as_ptr() as usize).next_multiple_of(HUGE);
        let end = (v.as_ptr() as usize + cap * std::mem::size_of::<T>()) / HUGE * HUGE;
        if end > start {
            // SAFETY: advice on whole pages inside the vector's allocation;
            // it changes how they are backed, never what they hold.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    v
}

/// A hint to load the cache line of `p`; memory latency, not computing,
/// is what scoring waits for.
#[inline]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast())
    };
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
