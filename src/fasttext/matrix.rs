//! The input and output matrices: dense `f32` rows, or product-quantized
//! rows (`.ftz`: each row a code per sub-vector into 256 centroids, with an
//! optional quantized norm). Arithmetic follows fastText's order of
//! operations in `f32`, so results match it to the last bits.

use std::io::BufRead;

use super::reader::{damaged, FormatError, Reader};

/// Centroids per sub-quantizer (fastText's `ksub_`, 8-bit codes).
const KSUB: usize = 256;

/// fastText's `ProductQuantizer`: `nsubq` sub-vectors of `dsub` values (the
/// last one `lastdsub`), 256 centroids each.
#[derive(Debug, Clone)]
pub struct ProductQuantizer {
    nsubq: usize,
    dsub: usize,
    lastdsub: usize,
    centroids: Vec<f32>,
}

impl ProductQuantizer {
    fn read<R: BufRead>(r: &mut Reader<R>, cols: usize, what: &str) -> Result<Self, FormatError> {
        let dim = r.count32(&format!("{what} dimension"))?;
        let nsubq = r.count32(&format!("{what} sub-quantizer count"))?;
        let dsub = r.count32(&format!("{what} sub-vector size"))?;
        let lastdsub = r.count32(&format!("{what} last sub-vector size"))?;
        if dim != cols
            || nsubq == 0
            || dsub == 0
            || !(1..=dsub).contains(&lastdsub)
            || (nsubq - 1).checked_mul(dsub).and_then(|x| x.checked_add(lastdsub)) != Some(dim)
        {
            return Err(damaged(format!(
                "{what} has dim {dim}, {nsubq} sub-vectors of {dsub} (last {lastdsub}) for rows of {cols}"
            )));
        }
        let centroids = r.f32s(dim * KSUB, &format!("{what} centroids"))?;
        Ok(ProductQuantizer {
            nsubq,
            dsub,
            lastdsub,
            centroids,
        })
    }

    /// Centroid `code` of sub-quantizer `m` (`get_centroids`).
    #[inline]
    fn centroid(&self, m: usize, code: u8) -> &[f32] {
        if m == self.nsubq - 1 {
            let at = m * KSUB * self.dsub + code as usize * self.lastdsub;
            &self.centroids[at..at + self.lastdsub]
        } else {
            let at = (m * KSUB + code as usize) * self.dsub;
            &self.centroids[at..at + self.dsub]
        }
    }

    /// `x += alpha * decode(code)` (`addcode`).
    #[inline]
    fn add_code(&self, x: &mut [f32], code: &[u8], alpha: f32) {
        if self.lastdsub == self.dsub {
            // Every sub-vector the same size: centroid (m, c) is at
            // (m * 256 + c) * dsub, no special last one.
            let d = self.dsub;
            for (m, (&c, xs)) in code.iter().zip(x.chunks_exact_mut(d)).enumerate() {
                let cent = &self.centroids[(m * KSUB + c as usize) * d..][..d];
                for (xi, ci) in xs.iter_mut().zip(cent) {
                    *xi += alpha * ci;
                }
            }
            return;
        }
        for (m, &c) in code.iter().enumerate() {
            let cent = self.centroid(m, c);
            let at = m * self.dsub;
            for (xi, ci) in x[at..at + cent.len()].iter_mut().zip(cent) {
                *xi += alpha * ci;
            }
        }
    }

    /// `dot(x, decode(code)) * alpha` (`mulcode`).
    #[inline]
    fn dot_code(&self, x: &[f32], code: &[u8], alpha: f32) -> f32 {
        let mut res = 0f32;
        for (m, &c) in code.iter().enumerate() {
            let cent = self.centroid(m, c);
            let at = m * self.dsub;
            for (xi, ci) in x[at..at + cent.len()].iter().zip(cent) {
                res += xi * ci;
            }
        }
        res * alpha
    }
}

/// A matrix of `rows` × `cols` in either storage.
#[derive(Debug, Clone)]
pub enum Matrix {
    Dense {
        rows: usize,
        cols: usize,
        data: Vec<f32>,
    },
    Quantized {
        rows: usize,
        cols: usize,
        codes: Vec<u8>,
        pq: ProductQuantizer,
        /// Per-row norm codes and their one-dimensional quantizer (`qnorm`).
        norms: Option<(Vec<u8>, ProductQuantizer)>,
    },
}

impl Matrix {
    /// Reads a matrix; `quantized` says which layout the file has.
    pub fn read<R: BufRead>(r: &mut Reader<R>, quantized: bool, what: &str) -> Result<Matrix, FormatError> {
        if !quantized {
            let rows = r.count64(&format!("{what} rows"))?;
            let cols = r.count64(&format!("{what} columns"))?;
            let n = rows
                .checked_mul(cols)
                .ok_or_else(|| damaged(format!("{what} size overflows")))?;
            let data = r.f32s(n, what)?;
            return Ok(Matrix::Dense { rows, cols, data });
        }
        let qnorm = r.bool(&format!("{what} norm quantization flag"))?;
        let rows = r.count64(&format!("{what} rows"))?;
        let cols = r.count64(&format!("{what} columns"))?;
        let codesize = r.count32(&format!("{what} code size"))?;
        let codes = r.bytes(codesize, &format!("{what} codes"))?;
        let pq = ProductQuantizer::read(r, cols, &format!("{what} quantizer"))?;
        if rows.checked_mul(pq.nsubq) != Some(codesize) {
            return Err(damaged(format!(
                "{what} has {codesize} codes for {rows} rows of {} sub-vectors",
                pq.nsubq
            )));
        }
        let norms = if qnorm {
            let codes = r.bytes(rows, &format!("{what} norm codes"))?;
            let npq = ProductQuantizer::read(r, 1, &format!("{what} norm quantizer"))?;
            Some((codes, npq))
        } else {
            None
        };
        Ok(Matrix::Quantized {
            rows,
            cols,
            codes,
            pq,
            norms,
        })
    }

    pub fn rows(&self) -> usize {
        match self {
            Matrix::Dense { rows, .. } | Matrix::Quantized { rows, .. } => *rows,
        }
    }

    pub fn cols(&self) -> usize {
        match self {
            Matrix::Dense { cols, .. } | Matrix::Quantized { cols, .. } => *cols,
        }
    }

    /// The same matrix with rows `0..keep` as they are and then, for each
    /// `r` of `tail`, row `keep + r` (a pruned model's n-gram rows in the
    /// order its index ranks them).
    pub fn reordered(self, keep: usize, tail: &[i32]) -> Matrix {
        let order = || (0..keep).chain(tail.iter().map(move |&r| keep + r as usize));
        let rows = keep + tail.len();
        match self {
            Matrix::Dense { cols, data, .. } => Matrix::Dense {
                rows,
                cols,
                data: order().flat_map(|i| &data[i * cols..(i + 1) * cols]).copied().collect(),
            },
            Matrix::Quantized {
                cols, codes, pq, norms, ..
            } => {
                let n = pq.nsubq;
                Matrix::Quantized {
                    rows,
                    cols,
                    codes: order().flat_map(|i| &codes[i * n..(i + 1) * n]).copied().collect(),
                    pq,
                    norms: norms.map(|(c, npq)| (order().map(|i| c[i]).collect(), npq)),
                }
            }
        }
    }

    /// A quantized matrix of at most `max_values` values as dense rows of
    /// `norm * centroid` products, the very terms [`Matrix::average_rows`]
    /// adds, so sums keep their last bit while a row costs one read instead
    /// of a centroid look-up per sub-vector (lid.176: 3 MB instead of
    /// 0.4 MB). Dense matrices and larger ones are returned as they are.
    pub fn decoded(self, max_values: usize) -> Matrix {
        match self {
            Matrix::Quantized {
                rows,
                cols,
                codes,
                pq,
                norms,
            } if rows.saturating_mul(cols) <= max_values => {
                let n = pq.nsubq;
                let mut data = vec![0f32; rows * cols];
                for (i, row) in data.chunks_exact_mut(cols.max(1)).enumerate().take(rows) {
                    let alpha = Self::norm(&norms, i);
                    for (m, &c) in codes[i * n..(i + 1) * n].iter().enumerate() {
                        let cent = pq.centroid(m, c);
                        let at = m * pq.dsub;
                        for (v, ci) in row[at..at + cent.len()].iter_mut().zip(cent) {
                            *v = alpha * ci;
                        }
                    }
                }
                Matrix::Dense { rows, cols, data }
            }
            other => other,
        }
    }

    /// The stored norm of row `i` of a `qnorm` matrix, 1 otherwise.
    #[inline]
    fn norm(norms: &Option<(Vec<u8>, ProductQuantizer)>, i: usize) -> f32 {
        match norms {
            Some((codes, npq)) => npq.centroid(0, codes[i])[0],
            None => 1.0,
        }
    }

    /// `dot(row i, x)` (`dotRow`).
    #[inline]
    pub fn dot_row(&self, x: &[f32], i: usize) -> f32 {
        match self {
            Matrix::Dense { cols, data, .. } => {
                let mut d = 0f32;
                for (v, xi) in data[i * cols..(i + 1) * cols].iter().zip(x) {
                    d += v * xi;
                }
                d
            }
            Matrix::Quantized { codes, pq, norms, .. } => {
                let n = pq.nsubq;
                pq.dot_code(x, &codes[i * n..(i + 1) * n], Self::norm(norms, i))
            }
        }
    }

    /// `x = mean of rows` (`averageRowsToVector`); `rows` is not empty.
    pub fn average_rows(&self, x: &mut [f32], rows: &[i32]) {
        x.fill(0.0);
        match self {
            Matrix::Dense { cols, data, .. } => match *cols {
                // lid.176's width: the sum stays in registers.
                16 => add_rows::<16>(x, data, rows),
                cols => {
                    for &r in rows {
                        let row = &data[r as usize * cols..][..cols];
                        for (xi, v) in x.iter_mut().zip(row) {
                            *xi += v;
                        }
                    }
                }
            },
            Matrix::Quantized { codes, pq, norms, .. } => {
                let n = pq.nsubq;
                for &r in rows {
                    let r = r as usize;
                    pq.add_code(x, &codes[r * n..][..n], Self::norm(norms, r));
                }
            }
        }
        let scale = (1.0 / rows.len() as f64) as f32;
        for v in x.iter_mut() {
            *v *= scale;
        }
    }
}

/// `x += row r` for each of `rows`, rows of `N` values (one fixed width, so
/// the compiler keeps `x` in vector registers).
#[inline]
fn add_rows<const N: usize>(x: &mut [f32], data: &[f32], rows: &[i32]) {
    let mut acc = [0f32; N];
    acc.copy_from_slice(&x[..N]);
    for &r in rows {
        let row: &[f32; N] = data[r as usize * N..][..N].try_into().expect("N values");
        for j in 0..N {
            acc[j] += row[j];
        }
    }
    x[..N].copy_from_slice(&acc);
}
