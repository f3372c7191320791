//! Loading fastText LID models once per process, including the embedded
//! lid.176.ftz, with a clear error for a missing or damaged file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::{bail, Context};
use fasttext::FastText;

/// fastText's `lid.176.ftz` (CC-BY-SA-3.0, Joulin et al.; see models/README.md),
/// compiled in so the default pipeline needs no download.
pub const EMBEDDED_LID176: &[u8] = include_bytes!("../../../models/lid.176.ftz");

/// The name used for the embedded model in messages and metadata.
pub const EMBEDDED_NAME: &str = "lid.176.ftz (embedded)";

static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<FastText>>>> = OnceLock::new();

/// fastText files start with this magic number (little-endian int32).
const FASTTEXT_MAGIC: i32 = 793_712_314;

/// Writes the embedded model to a per-version file in the temp folder
/// (fastText's C++ loader reads from a path) and returns the path.
fn embedded_path() -> anyhow::Result<PathBuf> {
    let hash = xxhash_rust::xxh3::xxh3_64(EMBEDDED_LID176);
    let path = std::env::temp_dir().join(format!("eurocurate-lid176-{hash:016x}.ftz"));
    if std::fs::metadata(&path).map(|m| m.len() as usize).ok() != Some(EMBEDDED_LID176.len()) {
        crate::io::atomic::write_file(&path, EMBEDDED_LID176)
            .with_context(|| format!("cannot unpack the embedded LID model to {}", path.display()))?;
    }
    Ok(path)
}

/// Checks the header so a wrong file is an error, not a crash in C++.
fn check_header(path: &Path) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("LID model {} cannot be opened", path.display()))?;
    if bytes.len() < 1024 {
        bail!(
            "LID model {} is too small ({} bytes) to be a fastText model",
            path.display(),
            bytes.len()
        );
    }
    if i32::from_le_bytes(bytes[..4].try_into().expect("4 bytes")) != FASTTEXT_MAGIC {
        bail!(
            "{} is not a fastText model (wrong magic number); give a .bin or .ftz made by fastText",
            path.display()
        );
    }
    check_structure(&bytes).map_err(|why| {
        anyhow::anyhow!(
            "LID model {} is damaged or truncated ({why}); download it again",
            path.display()
        )
    })
}

/// Walks the whole fastText file layout (args, dictionary, input and output
/// matrices, dense or quantized) and checks every declared size against the
/// bytes present, so a truncated model is rejected here rather than crashing
/// the C++ loader.
fn check_structure(b: &[u8]) -> Result<(), String> {
    struct Cur<'a> {
        b: &'a [u8],
        pos: usize,
    }
    impl Cur<'_> {
        fn take(&mut self, n: usize, what: &str) -> Result<&[u8], String> {
            let end = self.pos.checked_add(n).filter(|&e| e <= self.b.len());
            let Some(end) = end else {
                return Err(format!(
                    "{what} needs {n} bytes at offset {}, the file has {}",
                    self.pos,
                    self.b.len()
                ));
            };
            let s = &self.b[self.pos..end];
            self.pos = end;
            Ok(s)
        }
        fn i32(&mut self, what: &str) -> Result<i32, String> {
            Ok(i32::from_le_bytes(self.take(4, what)?.try_into().expect("4")))
        }
        fn i64(&mut self, what: &str) -> Result<i64, String> {
            Ok(i64::from_le_bytes(self.take(8, what)?.try_into().expect("8")))
        }
        fn u8(&mut self, what: &str) -> Result<u8, String> {
            Ok(self.take(1, what)?[0])
        }
        fn count(&mut self, n: i64, size: usize, what: &str) -> Result<(), String> {
            let n = usize::try_from(n).map_err(|_| format!("negative {what} size"))?;
            self.take(n.checked_mul(size).ok_or(format!("{what} size overflows"))?, what)
                .map(|_| ())
        }
        fn pq(&mut self) -> Result<(), String> {
            let dim = self.i32("quantizer dim")?;
            self.take(12, "quantizer header")?;
            self.count(dim as i64 * 256, 4, "quantizer centroids")
        }
        fn matrix(&mut self, quant: bool) -> Result<(), String> {
            if quant {
                let qnorm = self.u8("qnorm flag")? != 0;
                let m = self.i64("rows")?;
                self.i64("columns")?;
                let codesize = self.i32("code size")?;
                self.count(codesize as i64, 1, "codes")?;
                self.pq()?;
                if qnorm {
                    self.count(m, 1, "norm codes")?;
                    self.pq()?;
                }
                Ok(())
            } else {
                let (m, n) = (self.i64("rows")?, self.i64("columns")?);
                self.count(m.checked_mul(n).ok_or("matrix size overflows")?, 4, "matrix")
            }
        }
    }
    let mut c = Cur { b, pos: 0 };
    c.take(8, "header")?;
    c.take(12 * 4 + 8, "arguments")?;
    let size = c.i32("dictionary size")?;
    c.take(8, "dictionary counts")?;
    c.i64("token count")?;
    let pruned = c.i64("pruned index size")?;
    for i in 0..size.max(0) {
        let rest = &c.b[c.pos..];
        let Some(nul) = rest.iter().position(|&x| x == 0) else {
            return Err(format!("dictionary entry {i} of {size} is cut off"));
        };
        c.pos += nul + 1;
        c.take(9, "dictionary entry")?;
    }
    c.count(pruned.max(0), 8, "pruned index")?;
    let quant = c.u8("quantization flag")? != 0;
    c.matrix(quant)?;
    let qout = c.u8("output quantization flag")? != 0;
    c.matrix(qout)?;
    if c.pos != b.len() {
        return Err(format!("{} bytes after the output matrix", b.len() - c.pos));
    }
    Ok(())
}

/// The model at `path`, or the embedded lid.176 when `None`; loaded once.
pub fn load(path: Option<&Path>) -> anyhow::Result<Arc<FastText>> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => embedded_path()?,
    };
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = cache.lock().map_err(|_| anyhow::anyhow!("LID model cache poisoned"))?;
    if let Some(m) = guard.get(&path) {
        return Ok(m.clone());
    }
    check_header(&path)?;
    let mut model = FastText::new();
    let p = path
        .to_str()
        .with_context(|| format!("LID model path {} is not UTF-8", path.display()))?;
    model
        .load_model(p)
        .map_err(|e| anyhow::anyhow!("LID model {} cannot be loaded: {e}", path.display()))?;
    let model = Arc::new(model);
    guard.insert(path, model.clone());
    Ok(model)
}
