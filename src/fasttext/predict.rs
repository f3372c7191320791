//! From the hidden vector to the best labels, per loss, as fastText's
//! `Loss::predict`: softmax, one-vs-all and negative sampling (sigmoids from
//! fastText's 512-step table), and hierarchical softmax (a depth-first
//! search of the Huffman tree built from the label counts). Scores are kept
//! as fastText keeps them, `ln(p + 1e-5)`, and returned as `exp` of that.

use super::args::Loss;
use super::heap;
use super::matrix::Matrix;
use super::reader::{damaged, FormatError};

const SIGMOID_TABLE_SIZE: usize = 512;
const MAX_SIGMOID: f32 = 8.0;
/// The deepest Huffman tree accepted (the search recurses once per level).
const MAX_DEPTH: usize = 1000;

/// fastText's `std_log`: `ln(x + 1e-5)` in double, stored as `f32`.
#[inline]
fn std_log(x: f32) -> f32 {
    (x as f64 + 1e-5).ln() as f32
}

/// One node of the Huffman tree (leaves are the labels).
#[derive(Debug, Clone, Copy)]
pub struct Node {
    left: i32,
    right: i32,
}

/// How the output layer scores labels.
#[derive(Debug, Clone)]
pub enum Head {
    Softmax,
    /// One-vs-all or negative sampling: a sigmoid per label.
    Sigmoid(Vec<f32>),
    /// Hierarchical softmax: the tree, leaves `0..labels`, root last.
    Tree(Vec<Node>),
}

impl Head {
    /// The head of `loss` for labels seen `counts` times in training.
    pub fn new(loss: Loss, counts: &[i64]) -> Result<Head, FormatError> {
        Ok(match loss {
            Loss::Softmax => Head::Softmax,
            Loss::OneVsAll | Loss::NegativeSampling => Head::Sigmoid(sigmoid_table()),
            Loss::HierarchicalSoftmax => Head::Tree(huffman(counts)?),
        })
    }

    /// The best `k` labels with probability at least `threshold` into
    /// `top` as (`ln(p + 1e-5)`, label), best first. `output` is scratch.
    pub fn predict(
        &self,
        wo: &Matrix,
        hidden: &[f32],
        k: usize,
        threshold: f32,
        output: &mut Vec<f32>,
        top: &mut Vec<(f32, i32)>,
    ) {
        top.clear();
        if k == 0 {
            return;
        }
        match self {
            Head::Softmax => {
                output.clear();
                output.extend((0..wo.rows()).map(|i| wo.dot_row(hidden, i)));
                let max = output.iter().copied().fold(output[0], f32::max);
                let mut z = 0f32;
                for o in output.iter_mut() {
                    *o = (*o - max).exp();
                    z += *o;
                }
                for o in output.iter_mut() {
                    *o /= z;
                }
                k_best(output, k, threshold, top);
            }
            Head::Sigmoid(table) => {
                output.clear();
                output.extend((0..wo.rows()).map(|i| sigmoid(table, wo.dot_row(hidden, i))));
                k_best(output, k, threshold, top);
            }
            Head::Tree(tree) => {
                let leaves = tree.len().div_ceil(2);
                let search = Search {
                    tree,
                    wo,
                    hidden,
                    leaves,
                    k,
                    floor: std_log(threshold),
                };
                search.dfs(tree.len() - 1, 0.0, top);
            }
        }
        heap::sort(top);
    }
}

/// `findKBest`: labels at or over `threshold`, the best `k` kept.
fn k_best(output: &[f32], k: usize, threshold: f32, top: &mut Vec<(f32, i32)>) {
    for (i, &p) in output.iter().enumerate() {
        if p < threshold {
            continue;
        }
        let s = std_log(p);
        if top.len() == k && s < heap::lowest(top) {
            continue;
        }
        heap::offer(top, k, (s, i as i32));
    }
}

/// fastText's sigmoid table: 513 values over [-8, 8].
fn sigmoid_table() -> Vec<f32> {
    (0..=SIGMOID_TABLE_SIZE)
        .map(|i| {
            let x = (i as i64 * 2 * MAX_SIGMOID as i64) as f32 / SIGMOID_TABLE_SIZE as f32 - MAX_SIGMOID;
            (1.0 / (1.0 + (-x).exp() as f64)) as f32
        })
        .collect()
}

/// fastText's table sigmoid (`Loss::sigmoid`): 0 under -8, 1 over 8, else
/// the table entry at or below `x`.
#[inline]
fn sigmoid(table: &[f32], x: f32) -> f32 {
    if x < -MAX_SIGMOID {
        0.0
    } else if x > MAX_SIGMOID {
        1.0
    } else {
        let i = ((x + MAX_SIGMOID) * SIGMOID_TABLE_SIZE as f32 / MAX_SIGMOID / 2.0) as usize;
        table[i]
    }
}

/// fastText's `buildTree`: labels come sorted by count, most frequent
/// first; the two lightest of (next leaf from the end, next inner node)
/// are joined until one root is left, the second of each pair on the
/// `binary` (right) side.
fn huffman(counts: &[i64]) -> Result<Vec<Node>, FormatError> {
    let osz = counts.len();
    if osz == 0 {
        return Err(damaged("the model has no labels"));
    }
    let n = 2 * osz - 1;
    let mut count = vec![1_000_000_000_000_000i64; n];
    count[..osz].copy_from_slice(counts);
    let mut tree = vec![Node { left: -1, right: -1 }; n];
    let mut leaf = osz as i64 - 1;
    let mut node = osz;
    for i in osz..n {
        let mut mini = [0usize; 2];
        for m in &mut mini {
            if leaf >= 0 && count[leaf as usize] < count[node] {
                *m = leaf as usize;
                leaf -= 1;
            } else {
                if node >= i {
                    return Err(damaged("label counts do not form a Huffman tree"));
                }
                *m = node;
                node += 1;
            }
        }
        tree[i] = Node {
            left: mini[0] as i32,
            right: mini[1] as i32,
        };
        count[i] = count[mini[0]].saturating_add(count[mini[1]]);
    }
    // Counts sorted as fastText writes them give depths under 100; a damaged
    // file could give a chain as deep as the labels, too deep to search.
    let mut depth = vec![0usize; n];
    for i in (osz..n).rev() {
        let node = tree[i];
        for child in [node.left, node.right] {
            depth[child as usize] = depth[i] + 1;
        }
    }
    let deepest = depth.iter().copied().max().unwrap_or(0);
    if deepest > MAX_DEPTH {
        return Err(damaged(format!(
            "the label counts give a tree {deepest} deep (at most {MAX_DEPTH} expected)"
        )));
    }
    Ok(tree)
}

/// One hierarchical-softmax search (`HierarchicalSoftmaxLoss::dfs`).
struct Search<'a> {
    tree: &'a [Node],
    wo: &'a Matrix,
    hidden: &'a [f32],
    leaves: usize,
    k: usize,
    floor: f32,
}

impl Search<'_> {
    fn dfs(&self, node: usize, score: f32, top: &mut Vec<(f32, i32)>) {
        if score < self.floor {
            return;
        }
        if top.len() == self.k && score < heap::lowest(top) {
            return;
        }
        let n = self.tree[node];
        if n.left == -1 && n.right == -1 {
            heap::offer(top, self.k, (score, node as i32));
            return;
        }
        let f = self.wo.dot_row(self.hidden, node - self.leaves);
        let f = (1.0 / (1.0 + (-f).exp()) as f64) as f32;
        self.dfs(n.left as usize, score + std_log((1.0 - f as f64) as f32), top);
        self.dfs(n.right as usize, score + std_log(f), top);
    }
}
