//! The best-k list as fastText keeps it: a binary heap ordered by score
//! with libstdc++'s `push_heap`, `pop_heap` and `sort_heap`, step for step.
//! Sigmoid scores come from a 513-entry table, so equal scores are common
//! (one-vs-all, negative sampling); which of equal labels is kept and in
//! what order is decided by these algorithms, and copying them gives the
//! same labels in the same order as the reference build (Linux, GCC).

/// fastText's `comparePairs`: `a` before `b` when its score is higher, so
/// the heap's top is the lowest score kept.
#[inline]
fn comp(a: &(f32, i32), b: &(f32, i32)) -> bool {
    a.0 > b.0
}

/// libstdc++ `__push_heap`: moves `value` up from `hole` towards `top`.
fn push_hole(h: &mut [(f32, i32)], mut hole: usize, top: usize, value: (f32, i32)) {
    while hole > top {
        let parent = (hole - 1) / 2;
        if !comp(&h[parent], &value) {
            break;
        }
        h[hole] = h[parent];
        hole = parent;
    }
    h[hole] = value;
}

/// libstdc++ `__adjust_heap`: sinks the hole at `hole` to a leaf along the
/// larger children, then pushes `value` up from there.
fn adjust(h: &mut [(f32, i32)], mut hole: usize, len: usize, value: (f32, i32)) {
    let top = hole;
    let mut child = hole;
    while len > 2 && child < (len - 1) / 2 {
        child = 2 * (child + 1);
        if comp(&h[child], &h[child - 1]) {
            child -= 1;
        }
        h[hole] = h[child];
        hole = child;
    }
    if len >= 2 && len % 2 == 0 && child == (len - 2) / 2 {
        child = 2 * (child + 1);
        h[hole] = h[child - 1];
        hole = child - 1;
    }
    push_hole(h, hole, top, value);
}

/// `std::push_heap` after `h.push(value)`.
pub fn push(h: &mut [(f32, i32)]) {
    let last = h.len() - 1;
    let value = h[last];
    push_hole(h, last, 0, value);
}

/// `std::pop_heap`: moves the top to the end (the caller then drops it).
pub fn pop(h: &mut [(f32, i32)]) {
    let len = h.len();
    if len > 1 {
        let value = h[len - 1];
        h[len - 1] = h[0];
        adjust(h, 0, len - 1, value);
    }
}

/// `std::sort_heap`: best first.
pub fn sort(h: &mut [(f32, i32)]) {
    let mut len = h.len();
    while len > 1 {
        pop(&mut h[..len]);
        len -= 1;
    }
}

/// The heap's top: the lowest score kept.
#[inline]
pub fn lowest(h: &[(f32, i32)]) -> f32 {
    h[0].0
}

/// Adds `item` as fastText's `findKBest`/`dfs` do: push, and if that makes
/// more than `k`, drop the lowest.
pub fn offer(h: &mut Vec<(f32, i32)>, k: usize, item: (f32, i32)) {
    h.push(item);
    push(h);
    if h.len() > k {
        pop(h);
        h.pop();
    }
}
