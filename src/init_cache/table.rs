//! The storage of [`InitCache`](super::InitCache): an open-addressing
//! table of namespace entries (nsfs inode number → the init's pid and
//! pidfd), linear probing with backward-shift deletion, and a 4-way memo
//! of readers (pidfs id → entry slot and sequence number). Fixed size,
//! inline arrays, no allocation; the liveness test is the caller's.

use crate::fd::{AsFd, BorrowedFd, OwnedFd};

struct NsSlot {
    /// The namespace's nsfs inode number.
    key: u64,
    /// Unique per insertion, never 0 in a used slot.
    seq: u64,
    /// The init's pid in the caller's namespace.
    pid: i32,
    /// The init's pidfd; `None` marks a free slot.
    init: Option<OwnedFd>,
}

impl NsSlot {
    const EMPTY: NsSlot = NsSlot {
        key: 0,
        seq: 0,
        pid: 0,
        init: None,
    };
}

#[derive(Copy, Clone)]
struct MemoSlot {
    /// The reader's pidfs id.
    reader: u64,
    /// The `seq` of the namespace entry it maps to; 0: free.
    seq: u64,
    /// That entry's slot.
    slot: u32,
}

impl MemoSlot {
    const EMPTY: MemoSlot = MemoSlot {
        reader: 0,
        seq: 0,
        slot: 0,
    };
}

const MEMO_WAYS: usize = 4;

/// Whether an init's pidfd still names a live (unreaped) process.
pub(super) type Alive = fn(BorrowedFd<'_>) -> bool;

pub(super) struct Table<const N: usize> {
    ns: [NsSlot; N],
    memo: [MemoSlot; N],
    len: usize,
    last_seq: u64,
    inserts_since_sweep: usize,
}

impl<const N: usize> Table<N> {
    /// The most entries kept: 7/8 of `N` (all `N` below 8).
    pub(super) const MAX: usize = if N < 8 { N } else { N - N / 8 };

    pub(super) const fn new() -> Self {
        const {
            assert!(
                N > 0 && N <= u32::MAX as usize,
                "InitCache needs 0 < N < 2^32"
            )
        };
        Table {
            ns: [const { NsSlot::EMPTY }; N],
            memo: [MemoSlot::EMPTY; N],
            len: 0,
            last_seq: 0,
            inserts_since_sweep: 0,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The init's pid and pidfd in slot `i`, if it is used.
    pub(super) fn entry(&self, i: usize) -> Option<(i32, BorrowedFd<'_>)> {
        let s = self.ns.get(i)?;
        s.init.as_ref().map(|fd| (s.pid, fd.as_fd()))
    }

    /// Drops every entry whose init is not `alive`; returns how many.
    pub(super) fn prune(&mut self, alive: Alive) -> usize {
        let before = self.len;
        let mut i = 0;
        while i < N {
            if self.entry(i).is_some_and(|(_, fd)| !alive(fd)) {
                // The shift may move another entry into `i`: look again.
                self.remove(i);
            } else {
                i += 1;
            }
        }
        self.inserts_since_sweep = 0;
        before - self.len
    }

    /// Drops every entry, closing the pidfds.
    pub(super) fn clear(&mut self) {
        for s in self.ns.iter_mut() {
            *s = NsSlot::EMPTY;
        }
        self.memo = [MemoSlot::EMPTY; N];
        self.len = 0;
    }

    /// The slot the memo gives for reader `id`, if its entry is still the
    /// one memoized (same slot, same sequence number).
    pub(super) fn memo_hit(&self, id: u64) -> Option<usize> {
        let h = home::<N>(id);
        for k in 0..MEMO_WAYS.min(N) {
            let m = &self.memo[(h + k) % N];
            if m.seq != 0 && m.reader == id {
                let i = m.slot as usize;
                let s = &self.ns[i];
                return (s.init.is_some() && s.seq == m.seq).then_some(i);
            }
        }
        None
    }

    /// Memoizes reader `id` (if any) → slot `i`: in a free, same-reader or
    /// stale line of its 4, else over its home line.
    pub(super) fn memo_put(&mut self, id: Option<u64>, i: usize) {
        let Some(id) = id else { return };
        let h = home::<N>(id);
        let mut victim = h;
        for k in 0..MEMO_WAYS.min(N) {
            let j = (h + k) % N;
            let m = self.memo[j];
            let stale = self.ns[m.slot as usize].seq != m.seq;
            if m.seq == 0 || m.reader == id || stale {
                victim = j;
                break;
            }
        }
        self.memo[victim] = MemoSlot {
            reader: id,
            seq: self.ns[i].seq,
            slot: i as u32,
        };
    }

    /// The slot of `key`, by linear probing from its home slot.
    pub(super) fn find(&self, key: u64) -> Option<usize> {
        let mut i = home::<N>(key);
        for _ in 0..N {
            let s = &self.ns[i];
            s.init.as_ref()?;
            if s.key == key {
                return Some(i);
            }
            i = (i + 1) % N;
        }
        None
    }

    /// Stores a new entry (`key` is not in the table) and returns its
    /// slot. When the table is full: every `MAX / 4` inserts the entries
    /// whose init is not `alive` are dropped first; if it is still full,
    /// the entry at or after `key`'s home slot goes.
    pub(super) fn insert(&mut self, key: u64, pid: i32, init: OwnedFd, alive: Alive) -> usize {
        if self.len >= Self::MAX {
            // Sweep now and then, not on every insert into a table full
            // of live entries.
            if self.inserts_since_sweep >= Self::MAX / 4 {
                self.prune(alive);
            }
            if self.len >= Self::MAX {
                let mut j = home::<N>(key);
                while self.ns[j].init.is_none() {
                    j = (j + 1) % N;
                }
                self.remove(j);
            }
        }
        self.inserts_since_sweep += 1;
        let mut i = home::<N>(key);
        // `len < N` here, so a free slot exists.
        while self.ns[i].init.is_some() {
            i = (i + 1) % N;
        }
        self.last_seq += 1;
        self.ns[i] = NsSlot {
            key,
            seq: self.last_seq,
            pid,
            init: Some(init),
        };
        self.len += 1;
        i
    }

    /// Frees slot `i` (closing its pidfd) by backward-shift deletion, so
    /// every remaining key stays reachable from its home slot.
    pub(super) fn remove(&mut self, mut i: usize) {
        if self.ns[i].init.is_none() {
            return;
        }
        self.ns[i] = NsSlot::EMPTY;
        self.len -= 1;
        let mut j = i;
        loop {
            j = (j + 1) % N;
            if j == i || self.ns[j].init.is_none() {
                return;
            }
            let h = home::<N>(self.ns[j].key);
            // The entry at `j` may fill the hole at `i` unless its home
            // lies cyclically in (i, j].
            if (j + N - h) % N >= (j + N - i) % N {
                self.ns.swap(i, j);
                i = j;
            }
        }
    }
}

/// Fibonacci hashing of a 64-bit key onto `0..N`.
fn home<const N: usize>(key: u64) -> usize {
    ((key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize) % N
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_in_range() {
        for k in [0u64, 1, 4026531836, u64::MAX] {
            assert!(home::<1>(k) == 0);
            assert!(home::<7>(k) < 7);
            assert!(home::<4096>(k) < 4096);
        }
    }

    /// Probing, removal and eviction with real fds (pipe ends, "dead" to
    /// the sweep): keys that share a home slot, removal from the middle
    /// of a cluster that wraps around the end, eviction when full.
    #[test]
    fn probing_removal_eviction() {
        let fd = || crate::sys::pipe2(crate::raw::O_CLOEXEC).unwrap().0;
        let dead: Alive = |_| false;
        let mut t: Table<8> = Table::new();
        // Keys whose home is slot 7, so the cluster wraps to 0, 1, ...
        let keys: std::vec::Vec<u64> = (1u64..).filter(|&k| home::<8>(k) == 7).take(5).collect();
        for (n, &k) in keys.iter().enumerate() {
            let i = t.insert(k, n as i32, fd(), dead);
            assert_eq!(i, (7 + n) % 8);
        }
        assert_eq!(t.len(), 5);
        t.remove(t.find(keys[1]).unwrap());
        for (n, &k) in keys.iter().enumerate() {
            assert_eq!(t.find(k).is_some(), n != 1, "key {n}");
        }
        // Full (7 of 8): the next insert evicts one entry.
        let more: std::vec::Vec<u64> = (1000u64..1003).collect();
        for (n, &k) in more.iter().enumerate() {
            t.insert(k, 100 + n as i32, fd(), dead);
        }
        assert_eq!(t.len(), 7);
        // Right after a sweep: evict (the entry at 2000's home slot).
        t.inserts_since_sweep = 0;
        let i = t.insert(2000, 7, fd(), dead);
        assert_eq!(t.len(), 7);
        assert_eq!(t.find(2000), Some(i));
        let found = keys
            .iter()
            .chain(&more)
            .filter(|&&k| t.find(k).is_some())
            .count();
        assert_eq!(found, 6);
        // Later: sweep first (every entry is "dead"), then insert.
        t.inserts_since_sweep = Table::<8>::MAX;
        let i = t.insert(3000, 8, fd(), dead);
        assert_eq!((t.len(), t.find(3000)), (1, Some(i)));
        assert_eq!(t.entry(i).map(|(pid, _)| pid), Some(8));
        // The memo follows the entry, and forgets it once it is gone.
        t.memo_put(Some(42), i);
        assert_eq!(t.memo_hit(42), Some(i));
        assert_eq!(t.prune(dead), 1);
        assert_eq!(t.memo_hit(42), None);
        assert_eq!(t.len(), 0);
        assert!(t.ns.iter().all(|s| s.init.is_none()));
    }

    #[test]
    fn max_entries() {
        assert_eq!(Table::<1>::MAX, 1);
        assert_eq!(Table::<7>::MAX, 7);
        assert_eq!(Table::<8>::MAX, 7);
        assert_eq!(Table::<4096>::MAX, 3584);
    }
}
