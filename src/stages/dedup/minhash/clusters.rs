//! Phase 3, clusters: union-find over every candidate pair, with documents
//! numbered compactly (`offset of task + ordinal`, 4 bytes each). The root of
//! a cluster is always its survivor, so one pass after the unions writes, for
//! each upstream task in input order, the documents to remove with the id of
//! the one they duplicate, and each survivor with its cluster size.
//!
//! With `verify`, each component is then split into stars around keepers
//! that every removed member is verified similar to (see
//! [`split_into_stars`]): union-find alone would chain A~B~C and remove C as
//! a duplicate of an A it barely resembles.
//!
//! Memory: parent and cluster size (8 bytes per document), the survivor
//! ranking (8 more) when `keep` is not `first`, and with `verify` 8 bytes per
//! document that has a candidate. Pairs are streamed.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::os::unix::fs::FileExt;

use anyhow::{bail, Context};
use serde_json::json;

use super::samples::Samples;
use super::signature::sample_jaccard;
use super::{paths, Keep, MinhashDedupConfig};
use crate::io::atomic::AtomicFile;
use crate::stages::TaskContext;
use crate::stats::TaskStats;

/// Marks a survivor's record in the removal list (where a removed document's
/// record has the length of the kept id).
pub const SURVIVOR: u32 = u32::MAX;

/// Largest clusters listed as examples in the stats.
const EXAMPLES: usize = 5;
/// Member ids shown per example cluster.
const EXAMPLE_MEMBERS: usize = 5;

/// Union-find whose roots are the best-ranked member of their set.
struct Clusters {
    parent: Vec<u32>,
    priority: Option<Vec<f64>>,
}

impl Clusters {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let gp = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = gp;
            x = gp;
        }
        x
    }

    /// True when `a` should survive over `b`.
    fn better(&self, a: u32, b: u32) -> bool {
        match &self.priority {
            None => a < b,
            Some(p) => {
                let (pa, pb) = (p[a as usize], p[b as usize]);
                pa > pb || (pa == pb && a < b)
            }
        }
    }

    fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        if self.better(ra, rb) {
            self.parent[rb as usize] = ra;
        } else {
            self.parent[ra as usize] = rb;
        }
    }
}

/// Keepers a component is split around at most; members similar to none
/// of them stay (not removed).
const MAX_KEEPERS: usize = 32;

/// Splits every component into stars: members in survivor order, each joins
/// the first keeper it is verified similar to, or becomes a keeper. Returns
/// how many documents left their union-find root.
fn split_into_stars(
    cfg: &MinhashDedupConfig,
    uf: &mut Clusters,
    size: &[u32],
    work: &std::path::Path,
    locate: &dyn Fn(u32) -> (u32, u32),
) -> anyhow::Result<u64> {
    let mut members: Vec<(u32, u32)> = (0..uf.parent.len() as u32)
        .filter(|&x| size[uf.parent[x as usize] as usize] > 1)
        .map(|x| (uf.parent[x as usize], x))
        .collect();
    members.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            if uf.better(a.1, b.1) {
                std::cmp::Ordering::Less
            } else if uf.better(b.1, a.1) {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
    });
    let mut samples = Samples::new(work);
    let mut keepers: Vec<(u32, Vec<u32>)> = Vec::new();
    let mut sample = Vec::new();
    let mut moved = 0u64;
    for component in members.chunk_by(|a, b| a.0 == b.0) {
        keepers.clear();
        for &(root, x) in component {
            let (t, o) = locate(x);
            samples.read(t, o, &mut sample)?;
            let keeper = keepers
                .iter()
                .find(|(_, s)| sample_jaccard(s, &sample, cfg.verify_sample) >= cfg.threshold)
                .map(|(k, _)| *k);
            let new_parent = match keeper {
                Some(k) => k,
                None => {
                    if keepers.len() < MAX_KEEPERS {
                        keepers.push((x, std::mem::take(&mut sample)));
                    }
                    x
                }
            };
            if new_parent != root {
                moved += 1;
            }
            uf.parent[x as usize] = new_parent;
        }
    }
    Ok(moved)
}

/// Reads ids of documents of any upstream task (a few files open at once).
pub struct IdReader {
    work: std::path::PathBuf,
    open: HashMap<usize, (File, File)>,
}

impl IdReader {
    pub fn new(work: &std::path::Path) -> Self {
        IdReader {
            work: work.to_path_buf(),
            open: HashMap::new(),
        }
    }

    pub fn id(&mut self, task: usize, ordinal: u32) -> anyhow::Result<String> {
        if !self.open.contains_key(&task) {
            if self.open.len() >= 128 {
                self.open.clear();
            }
            let idx = File::open(paths::id_offsets(&self.work, task))?;
            let txt = File::open(paths::ids(&self.work, task))?;
            self.open.insert(task, (idx, txt));
        }
        let (idx, txt) = &self.open[&task];
        let mut b = [0u8; 16];
        idx.read_exact_at(&mut b, ordinal as u64 * 8)
            .with_context(|| format!("id {ordinal} of task {task} is missing; rerun the signatures phase"))?;
        let start = u64::from_le_bytes(b[0..8].try_into().unwrap());
        let end = u64::from_le_bytes(b[8..16].try_into().unwrap());
        let mut id = vec![0u8; end.saturating_sub(start) as usize];
        txt.read_exact_at(&mut id, start)?;
        Ok(String::from_utf8_lossy(&id).into_owned())
    }
}

/// Documents per upstream task, from the id offset files.
fn task_sizes(work: &std::path::Path, upstream_tasks: usize) -> anyhow::Result<Vec<u32>> {
    (0..upstream_tasks)
        .map(|t| {
            let p = paths::id_offsets(work, t);
            let len = std::fs::metadata(&p)
                .with_context(|| format!("missing {}; the signatures phase did not finish", p.display()))?
                .len();
            if len < 8 || len % 8 != 0 {
                bail!("damaged {}; rerun the signatures phase", p.display());
            }
            Ok((len / 8 - 1) as u32)
        })
        .collect()
}

fn read_priorities(work: &std::path::Path, sizes: &[u32]) -> anyhow::Result<Vec<f64>> {
    let mut all = Vec::with_capacity(sizes.iter().map(|s| *s as usize).sum());
    for (t, n) in sizes.iter().enumerate() {
        let p = paths::priorities(work, t);
        let raw = std::fs::read(&p).with_context(|| format!("missing {}", p.display()))?;
        if raw.len() != *n as usize * 8 {
            bail!("damaged {}; rerun the signatures phase", p.display());
        }
        all.extend(raw.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())));
    }
    Ok(all)
}

/// Runs the clusters phase: union-find over every bucket's pairs, the
/// star split when verifying, removal lists per upstream task, and stats.
pub fn run(
    cfg: &MinhashDedupConfig,
    ctx: &TaskContext,
    upstream_tasks: usize,
    stats: &mut TaskStats,
) -> anyhow::Result<()> {
    let work = &ctx.work_dir;
    let sizes = task_sizes(work, upstream_tasks)?;
    let mut offsets = Vec::with_capacity(sizes.len() + 1);
    let mut total = 0u64;
    for s in &sizes {
        offsets.push(total);
        total += *s as u64;
    }
    if total >= u32::MAX as u64 {
        bail!("minhash_dedup: {total} documents exceed the 4 billion a cluster phase numbers; split the corpus");
    }
    let n = total as usize;
    let mut uf = Clusters {
        parent: (0..n as u32).collect(),
        priority: if cfg.keep == Keep::First {
            None
        } else {
            Some(read_priorities(work, &sizes)?)
        },
    };
    let global = |doc: u64| -> anyhow::Result<u32> {
        let (t, o) = ((doc >> 32) as usize, doc as u32);
        anyhow::ensure!(
            t < sizes.len() && o < sizes[t],
            "pair names a document that does not exist"
        );
        Ok((offsets[t] + o as u64) as u32)
    };
    let mut pairs = 0u64;
    for b in 0..cfg.buckets * cfg.tasks_per_bucket {
        let p = paths::pairs(work, b);
        let f = File::open(&p).with_context(|| format!("missing {}; the buckets phase did not finish", p.display()))?;
        let mut r = BufReader::with_capacity(1 << 20, f);
        let mut rec = [0u8; 16];
        loop {
            match r.read_exact(&mut rec) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
                Err(e) => return Err(e).with_context(|| format!("reading {}", p.display())),
            }
            let a = global(u64::from_le_bytes(rec[0..8].try_into().unwrap()))
                .with_context(|| format!("damaged {}", p.display()))?;
            let b = global(u64::from_le_bytes(rec[8..16].try_into().unwrap()))
                .with_context(|| format!("damaged {}", p.display()))?;
            uf.union(a, b);
            pairs += 1;
        }
    }
    // Flatten, then count members per root.
    let mut size = vec![0u32; n];
    for x in 0..n as u32 {
        let r = uf.find(x);
        uf.parent[x as usize] = r;
        size[r as usize] += 1;
    }
    let locate = |g: u32| -> (u32, u32) {
        let t = offsets.partition_point(|&o| o <= g as u64) - 1;
        (t as u32, (g as u64 - offsets[t]) as u32)
    };
    if cfg.verify {
        let moved = split_into_stars(cfg, &mut uf, &size, work, &locate)?;
        stats.counters.add("regrouped_by_verification", moved);
        size.iter_mut().for_each(|s| *s = 0);
        for x in 0..n {
            size[uf.parent[x] as usize] += 1;
        }
    }
    let mut histogram: BTreeMap<u32, u64> = BTreeMap::new();
    let mut top: Vec<(u32, u32)> = Vec::new(); // (size, root), largest first
    let mut clusters = 0u64;
    for x in 0..n as u32 {
        let s = size[x as usize];
        if s > 1 {
            clusters += 1;
            *histogram.entry(s.next_power_of_two()).or_default() += 1;
            if top.len() < EXAMPLES || s > top.last().unwrap().0 {
                top.push((s, x));
                top.sort_by_key(|&(s, r)| (std::cmp::Reverse(s), r));
                top.truncate(EXAMPLES);
            }
        }
    }
    let mut ids = IdReader::new(work);
    let mut members: HashMap<u32, Vec<String>> = top.iter().map(|&(_, r)| (r, Vec::new())).collect();
    let mut removed = 0u64;
    let mut cached_root = (u32::MAX, String::new());
    for (t, &count) in sizes.iter().enumerate() {
        let mut out = AtomicFile::create(&paths::remove(work, t))?;
        for o in 0..count {
            let x = (offsets[t] + o as u64) as u32;
            let r = uf.parent[x as usize];
            if let Some(m) = members.get_mut(&r) {
                if m.len() < EXAMPLE_MEMBERS && r != x {
                    m.push(ids.id(t, o)?);
                }
            }
            if r == x {
                if size[x as usize] > 1 {
                    // A survivor: the filter phase records how many copies it stands for.
                    out.write_all(&o.to_le_bytes())?;
                    out.write_all(&size[x as usize].to_le_bytes())?;
                    out.write_all(&SURVIVOR.to_le_bytes())?;
                }
                continue;
            }
            if cached_root.0 != r {
                let (rt, ro) = locate(r);
                cached_root = (r, ids.id(rt as usize, ro)?);
            }
            let kept = cached_root.1.as_bytes();
            out.write_all(&o.to_le_bytes())?;
            out.write_all(&size[r as usize].to_le_bytes())?;
            out.write_all(&(kept.len() as u32).to_le_bytes())?;
            out.write_all(kept)?;
            removed += 1;
        }
        out.commit()?;
    }
    let c = &mut stats.counters;
    c.add("documents", total);
    c.add("pairs", pairs);
    c.add("clusters", clusters);
    c.add("duplicates", removed);
    c.max("max_cluster_size", top.first().map_or(0, |t| t.0 as u64));
    for (upper, count) in histogram {
        let lower = if upper <= 2 { upper } else { upper / 2 + 1 };
        let label = if lower == upper {
            format!("cluster_size:{upper}")
        } else {
            format!("cluster_size:{lower}-{upper}")
        };
        c.add(&label, count);
    }
    for (s, r) in top {
        let (rt, ro) = locate(r);
        stats.examples.push(json!({
            "kind": "minhash_cluster",
            "size": s,
            "kept": ids.id(rt as usize, ro)?,
            "removed": members.remove(&r).unwrap_or_default(),
        }));
    }
    Ok(())
}
