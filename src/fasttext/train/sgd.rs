//! The update loop of fastText's `trainThread` for supervised models, with
//! its Hogwild threads: every thread reads the examples from its own
//! starting point round and round, and all of them update the shared
//! matrices without locks until `epoch` times the corpus' tokens have been
//! processed. Weights are relaxed atomics (a plain load or store on every
//! common CPU): the races fastText accepts, without undefined behaviour.

use std::sync::atomic::{AtomicI64, AtomicU32, Ordering::Relaxed};

use super::super::args::Loss;
use super::dict::Line;
use super::TrainOptions;
use crate::rng::Rng;

/// A matrix shared by the training threads.
struct Shared {
    data: Vec<AtomicU32>,
    cols: usize,
}

impl Shared {
    fn new(rows: usize, cols: usize, mut init: impl FnMut() -> f32) -> Shared {
        Shared {
            data: (0..rows * cols).map(|_| AtomicU32::new(init().to_bits())).collect(),
            cols,
        }
    }

    #[inline]
    fn row(&self, r: usize) -> &[AtomicU32] {
        &self.data[r * self.cols..(r + 1) * self.cols]
    }

    /// `x += row r`.
    #[inline]
    fn add_row_to(&self, x: &mut [f32], r: usize, a: f32) {
        for (v, w) in x.iter_mut().zip(self.row(r)) {
            *v += a * f32::from_bits(w.load(Relaxed));
        }
    }

    /// `row r += a * x`.
    #[inline]
    fn add_to_row(&self, r: usize, x: &[f32], a: f32) {
        for (w, v) in self.row(r).iter().zip(x) {
            w.store((f32::from_bits(w.load(Relaxed)) + a * v).to_bits(), Relaxed);
        }
    }

    #[inline]
    fn dot_row(&self, x: &[f32], r: usize) -> f32 {
        self.row(r)
            .iter()
            .zip(x)
            .map(|(w, v)| f32::from_bits(w.load(Relaxed)) * v)
            .sum()
    }

    fn into_values(self) -> Vec<f32> {
        self.data.into_iter().map(|w| f32::from_bits(w.into_inner())).collect()
    }
}

/// fastText's sigmoid, saturated outside ±8 like its lookup table.
fn sigmoid(x: f32) -> f32 {
    if x < -8.0 {
        0.0
    } else if x > 8.0 {
        1.0
    } else {
        1.0 / (1.0 + (-x).exp())
    }
}

/// Per-thread buffers.
struct State {
    hidden: Vec<f32>,
    grad: Vec<f32>,
    output: Vec<f32>,
    rng: Rng,
    loss: f64,
    examples: u64,
}

/// Trains and returns the input and output matrices and the mean loss of
/// the examples of the last tenth of training.
pub fn run(lines: &[Line], rows: usize, nlabels: usize, ntokens: i64, o: &TrainOptions) -> (Vec<f32>, Vec<f32>, f64) {
    let mut init = Rng::new(o.seed);
    let bound = 1.0 / o.dim as f32;
    let wi = Shared::new(rows, o.dim, || (init.unit() as f32 * 2.0 - 1.0) * bound);
    let wo = Shared::new(nlabels, o.dim, || 0.0);
    let token_count = AtomicI64::new(0);
    let total = o.epoch as i64 * ntokens.max(1);
    let threads = o.threads.clamp(1, lines.len().max(1));
    let losses: Vec<(f64, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (wi, wo, token_count) = (&wi, &wo, &token_count);
                s.spawn(move || {
                    let mut st = State {
                        hidden: vec![0.0; o.dim],
                        grad: vec![0.0; o.dim],
                        output: vec![0.0; nlabels],
                        rng: Rng::new(o.seed ^ (t as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                        loss: 0.0,
                        examples: 0,
                    };
                    let mut i = t * lines.len() / threads;
                    let mut local = 0i64;
                    loop {
                        let done = token_count.load(Relaxed);
                        if done >= total || lines.is_empty() {
                            break;
                        }
                        let progress = done as f32 / total as f32;
                        let lr = o.lr * (1.0 - progress);
                        let line = &lines[i];
                        i = (i + 1) % lines.len();
                        local += line.tokens;
                        if !line.rows.is_empty() && !line.labels.is_empty() {
                            let loss = update(wi, wo, line, lr, o.loss, &mut st);
                            // The loss reported is that of the last tenth of training.
                            if progress >= 0.9 {
                                st.loss += loss as f64;
                                st.examples += 1;
                            }
                        }
                        if local > o.lr_update_rate as i64 {
                            token_count.fetch_add(local, Relaxed);
                            local = 0;
                        }
                    }
                    (st.loss, st.examples)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a training thread panicked"))
            .collect()
    });
    let (sum, n) = losses.iter().fold((0.0, 0u64), |(a, b), (l, n)| (a + l, b + n));
    (wi.into_values(), wo.into_values(), sum / n.max(1) as f64)
}

/// One example: forward, the loss's gradient into the output rows and
/// `grad`, then `grad / rows` into every input row (`Model::update`).
fn update(wi: &Shared, wo: &Shared, line: &Line, lr: f32, loss: Loss, st: &mut State) -> f32 {
    st.hidden.iter_mut().for_each(|v| *v = 0.0);
    for &r in &line.rows {
        wi.add_row_to(&mut st.hidden, r as usize, 1.0);
    }
    let inv = 1.0 / line.rows.len() as f32;
    st.hidden.iter_mut().for_each(|v| *v *= inv);
    st.grad.iter_mut().for_each(|v| *v = 0.0);
    let value = match loss {
        Loss::OneVsAll => {
            let mut value = 0.0;
            for i in 0..st.output.len() {
                let positive = line.labels.contains(&(i as i32));
                let score = sigmoid(wo.dot_row(&st.hidden, i));
                let alpha = lr * (positive as u8 as f32 - score);
                wo.add_row_to(&mut st.grad, i, alpha);
                wo.add_to_row(i, &st.hidden, alpha);
                value -= if positive {
                    (score + 1e-5).ln()
                } else {
                    (1.0 - score + 1e-5).ln()
                };
            }
            value
        }
        _ => {
            // Softmax: one of the example's labels, chosen at random.
            let target = line.labels[st.rng.below(line.labels.len())] as usize;
            for (i, out) in st.output.iter_mut().enumerate() {
                *out = wo.dot_row(&st.hidden, i);
            }
            let max = st.output.iter().copied().fold(f32::MIN, f32::max);
            let mut z = 0.0;
            for out in st.output.iter_mut() {
                *out = (*out - max).exp();
                z += *out;
            }
            for out in st.output.iter_mut() {
                *out /= z;
            }
            for i in 0..st.output.len() {
                let alpha = lr * ((i == target) as u8 as f32 - st.output[i]);
                wo.add_row_to(&mut st.grad, i, alpha);
                wo.add_to_row(i, &st.hidden, alpha);
            }
            -(st.output[target] + 1e-5).ln()
        }
    };
    st.grad.iter_mut().for_each(|v| *v *= inv);
    for &r in &line.rows {
        wi.add_to_row(r as usize, &st.grad, 1.0);
    }
    value
}
