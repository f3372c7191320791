//! The BPE model on bytes: every byte starts as its own token, then the
//! merges apply in the library's order (a min-heap on rank, then position,
//! with the same check for stale entries), so the ids are the library's even
//! for vocabularies where two merges build the same token.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

/// The byte → character map of byte-level BPE (GPT-2's `bytes_to_unicode`):
/// printable Latin-1 bytes stand for themselves, the others for U+0100 on.
pub fn byte_chars() -> [char; 256] {
    let mut out = ['\0'; 256];
    let mut n = 0u32;
    for b in 0..=255u8 {
        let printable = matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
        out[b as usize] = if printable {
            char::from(b)
        } else {
            n += 1;
            char::from_u32(255 + n).expect("U+0100..U+0143")
        };
    }
    out
}

/// Vocabulary and merges, by id.
pub struct Model {
    /// The id of each byte's character.
    pub byte_ids: [u32; 256],
    /// `(left, right)` → `(rank, merged id)`; ranks are positions in the
    /// merges list, a repeated pair keeps its last one (as the library's
    /// map does).
    merges: FxHashMap<u64, (u32, u32)>,
    /// With `ignore_merges`, a word that is a token as a whole is that token.
    whole: Option<FxHashMap<Box<[u8]>, u32>>,
}

#[derive(Clone, Copy)]
struct Symbol {
    id: u32,
    prev: i32,
    next: i32,
    /// 0: merged into its left neighbour.
    live: bool,
}

/// Buffers one worker reuses for every word.
#[derive(Default)]
pub struct Work {
    symbols: Vec<Symbol>,
    heap: BinaryHeap<Reverse<(u32, u32, u32)>>,
}

#[inline]
fn key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

impl Model {
    /// `vocab` and `merges` as in tokenizer.json; `Err` says what the fast
    /// path cannot take (the library then decides whether it is valid).
    pub fn new(
        vocab: &FxHashMap<String, u32>,
        merges: &[(String, String)],
        ignore_merges: bool,
    ) -> Result<Model, String> {
        let chars = byte_chars();
        let mut byte_ids = [0u32; 256];
        let mut buf = [0u8; 4];
        for (b, c) in chars.iter().enumerate() {
            byte_ids[b] = *vocab
                .get(&*c.encode_utf8(&mut buf))
                .ok_or_else(|| format!("a vocabulary without byte {b:#04x} ({c:?})"))?;
        }
        let mut map = FxHashMap::default();
        map.reserve(merges.len());
        let mut joined = String::new();
        for (rank, (a, b)) in merges.iter().enumerate() {
            let missing = |t: &str| format!("a merge (`{a} {b}`) with `{t}` outside the vocabulary");
            let ia = *vocab.get(a).ok_or_else(|| missing(a))?;
            let ib = *vocab.get(b).ok_or_else(|| missing(b))?;
            joined.clear();
            joined.push_str(a);
            joined.push_str(b);
            let m = *vocab.get(&joined).ok_or_else(|| missing(&joined))?;
            map.insert(key(ia, ib), (rank as u32, m));
        }
        let whole = ignore_merges.then(|| {
            let back: FxHashMap<char, u8> = chars.iter().enumerate().map(|(b, &c)| (c, b as u8)).collect();
            vocab
                .iter()
                .filter_map(|(t, &id)| {
                    let bytes: Option<Vec<u8>> = t.chars().map(|c| back.get(&c).copied()).collect();
                    Some((bytes?.into_boxed_slice(), id))
                })
                .collect()
        });
        Ok(Model {
            byte_ids,
            merges: map,
            whole,
        })
    }

    /// Appends the ids of `word` (raw UTF-8 bytes of one pre-token) to `out`.
    pub fn encode(&self, word: &[u8], w: &mut Work, out: &mut Vec<u32>) {
        if let [b] = word {
            out.push(self.byte_ids[*b as usize]);
            return;
        }
        if let Some(id) = self.whole.as_ref().and_then(|m| m.get(word)) {
            out.push(*id);
            return;
        }
        let n = word.len();
        w.symbols.clear();
        w.symbols.extend(word.iter().enumerate().map(|(i, &b)| Symbol {
            id: self.byte_ids[b as usize],
            prev: i as i32 - 1,
            next: if i + 1 < n { i as i32 + 1 } else { -1 },
            live: true,
        }));
        w.heap.clear();
        for i in 0..n.saturating_sub(1) {
            if let Some(&(rank, m)) = self.merges.get(&key(w.symbols[i].id, w.symbols[i + 1].id)) {
                w.heap.push(Reverse((rank, i as u32, m)));
            }
        }
        let syms = &mut w.symbols;
        while let Some(Reverse((_, pos, new_id))) = w.heap.pop() {
            let pos = pos as usize;
            let cur = syms[pos];
            if !cur.live || cur.next < 0 {
                continue;
            }
            let next_pos = cur.next as usize;
            let right = syms[next_pos];
            // A stale entry: the pair at `pos` is no longer the one queued.
            if self
                .merges
                .get(&key(cur.id, right.id))
                .is_none_or(|&(_, m)| m != new_id)
            {
                continue;
            }
            syms[pos].id = new_id;
            syms[pos].next = right.next;
            syms[next_pos].live = false;
            if right.next >= 0 {
                syms[right.next as usize].prev = pos as i32;
            }
            let cur = syms[pos];
            if cur.prev >= 0 {
                let prev = cur.prev as usize;
                if let Some(&(rank, m)) = self.merges.get(&key(syms[prev].id, cur.id)) {
                    w.heap.push(Reverse((rank, prev as u32, m)));
                }
            }
            if cur.next >= 0 {
                if let Some(&(rank, m)) = self.merges.get(&key(cur.id, syms[cur.next as usize].id)) {
                    w.heap.push(Reverse((rank, pos as u32, m)));
                }
            }
        }
        out.extend(syms.iter().filter(|s| s.live).map(|s| s.id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_chars_are_gpt2s() {
        let c = byte_chars();
        assert_eq!(c[b'!' as usize], '!');
        assert_eq!(c[b' ' as usize], 'Ġ');
        assert_eq!(c[b'\n' as usize], 'Ċ');
        assert_eq!(c[0xAD], 'Ń');
        let mut all: Vec<char> = c.to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 256);
    }
}
