//! Loading fastText LID models once per process: the embedded lid.176.ftz
//! straight from the binary's bytes, others from their path, with a clear
//! error for a missing or damaged file. Models are read-only and shared
//! across threads.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::fasttext::Model;

/// fastText's `lid.176.ftz` (CC-BY-SA-3.0, Joulin et al.; see models/README.md),
/// compiled in so the default pipeline needs no download.
pub const EMBEDDED_LID176: &[u8] = include_bytes!("../../../models/lid.176.ftz");

/// The name used for the embedded model in messages and metadata.
pub const EMBEDDED_NAME: &str = "lid.176.ftz (embedded)";

/// Loaded models by path (`None`: the embedded one).
static CACHE: OnceLock<Mutex<HashMap<Option<PathBuf>, Arc<Model>>>> = OnceLock::new();

/// The model at `path`, or the embedded lid.176 when `None`; loaded once.
pub fn load(path: Option<&Path>) -> anyhow::Result<Arc<Model>> {
    let key = path.map(Path::to_path_buf);
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(m) = cache
        .lock()
        .map_err(|_| anyhow::anyhow!("LID model cache poisoned"))?
        .get(&key)
    {
        return Ok(m.clone());
    }
    // Loaded outside the lock; two threads may both load, one copy is kept.
    let model = Arc::new(match path {
        Some(p) => Model::load(p)?,
        None => Model::from_bytes(EMBEDDED_LID176)
            .map_err(|e| anyhow::anyhow!("the model {EMBEDDED_NAME} {e}; this build is broken, rebuild eurocurate"))?,
    });
    let mut guard = cache.lock().map_err(|_| anyhow::anyhow!("LID model cache poisoned"))?;
    Ok(guard.entry(key).or_insert(model).clone())
}
