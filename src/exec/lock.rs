//! One writer per output: `run` holds `OUT/_lock.json` (host, pid, start
//! time) while it works, so a second `run` on the same output is refused
//! with the holder named instead of racing it. A lock whose process is gone
//! (same host) is reported as stale and taken over, so a rerun after a crash
//! resumes; a lock of another host cannot be checked, and `--force` takes it
//! (or any lock) over.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

/// Who holds an output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    pub host: String,
    pub pid: u32,
    /// Unix seconds.
    pub started: u64,
}

impl Holder {
    fn me() -> Self {
        Holder {
            host: hostname(),
            pid: std::process::id(),
            started: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        }
    }

    /// Whether the holder's process still runs (only knowable on this host).
    fn alive(&self) -> Option<bool> {
        if self.host != hostname() {
            return None;
        }
        // kill(pid, 0): no signal, only the existence check.
        let r = unsafe { libc::kill(self.pid as libc::pid_t, 0) };
        Some(r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
    }
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "pid {} on {} (started at unix time {})",
            self.pid, self.host, self.started
        )
    }
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return "unknown-host".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// The lock file of an output folder.
pub fn lock_path(out: &Path) -> PathBuf {
    out.join("_lock.json")
}

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
    me: Holder,
}

/// Takes the lock on `out`, or fails naming who holds it.
pub fn acquire(out: &Path, force: bool) -> anyhow::Result<RunLock> {
    std::fs::create_dir_all(out).with_context(|| format!("cannot create output folder {}", out.display()))?;
    let path = lock_path(out);
    let me = Holder::me();
    let body = serde_json::to_vec_pretty(&me)?;
    for _ in 0..2 {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(&body)?;
                f.sync_all()?;
                return Ok(RunLock { path, me });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder: Option<Holder> = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice(&b).ok());
                if force {
                    crate::exec::progress::say(&format!(
                        "--force: taking over the lock on {} from {}",
                        out.display(),
                        holder
                            .map(|h| h.to_string())
                            .unwrap_or_else(|| "an unreadable lock".into())
                    ));
                    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
                    continue;
                }
                let Some(h) = holder else {
                    bail!(
                        "{} holds an unreadable lock ({}); if no run writes there, rerun with `--force`",
                        out.display(),
                        path.display()
                    );
                };
                match h.alive() {
                    Some(true) => bail!(
                        "{} is being written by another run: {h}. Wait for it to finish (or stop it); \
                         two runs on one output would race",
                        out.display()
                    ),
                    Some(false) => {
                        // The holder died (kill -9, node crash): resuming is what a rerun is for.
                        crate::exec::progress::say(&format!(
                            "{}: stale lock of {h}, which is no longer running; taking it over",
                            out.display()
                        ));
                        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
                        continue;
                    }
                    None => bail!(
                        "{} is locked by {h}, another machine: if that run is gone, rerun with `--force`",
                        out.display()
                    ),
                }
            }
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    bail!("cannot take the lock {}", path.display())
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // Only our own lock: a `--force` takeover by another run is theirs.
        let ours = std::fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Holder>(&b).ok())
            .is_some_and(|h| h == self.me);
        if ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_names_the_holder_and_a_dead_holder_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let held = acquire(dir.path(), false).unwrap();
        let e = acquire(dir.path(), false).unwrap_err().to_string();
        assert!(
            e.contains("being written by another run") && e.contains(&format!("pid {}", std::process::id())),
            "{e}"
        );
        drop(held);
        assert!(!lock_path(dir.path()).exists(), "released on drop");
        // A holder whose process is gone (pid beyond pid_max).
        let dead = Holder {
            host: hostname(),
            pid: 99_999_999,
            started: 1,
        };
        std::fs::write(lock_path(dir.path()), serde_json::to_vec(&dead).unwrap()).unwrap();
        let taken = acquire(dir.path(), false).unwrap();
        assert_eq!(taken.me.pid, std::process::id());
        drop(taken);
        // Another machine's lock cannot be checked: refused, `--force` takes it.
        let elsewhere = Holder {
            host: "other-node-17".into(),
            pid: 4242,
            started: 1,
        };
        std::fs::write(lock_path(dir.path()), serde_json::to_vec(&elsewhere).unwrap()).unwrap();
        let e = acquire(dir.path(), false).unwrap_err().to_string();
        assert!(e.contains("pid 4242 on other-node-17") && e.contains("--force"), "{e}");
        assert!(acquire(dir.path(), true).is_ok());
    }
}
