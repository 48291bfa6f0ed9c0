//! Backups made the safe way: a consistent snapshot of the data file is written to a temporary
//! file next to the target, verified, flushed to disk, then given its name. A backup that
//! fails or is interrupted never leaves a half-written file under a backup's name, and the
//! data file is only ever read.
//!
//! **The snapshot.** In this process's turn the WAL is checkpointed into the data file; then,
//! in one read transaction (which keeps any checkpoint from writing into the file meanwhile),
//! the file's pages are read as they are, with no rebuilding of b-trees as `VACUUM INTO` does,
//! and SQLite's `quick_check` runs over that same snapshot on a second core. When the WAL
//! cannot be emptied (a connection of this process still reads an older snapshot) or the
//! database is in memory, `VACUUM INTO` makes the copy and `quick_check` checks it.
//!
//! **Compressed copies.** The automatic copies (and any copy whose name ends in `.zst`) are a
//! zstd frame (fast level, on all cores) with zstd's checksum of the contents. After writing,
//! the file's length and frame header are read back (reading the whole frame again would cost
//! a third of the backup's time); every later read of it (a restore, the newest good backup
//! offered for a damaged file, the weekly check) checks the checksum, so a changed byte is
//! found. Copies named `.db` are plain SQLite files as before.
//!
//! **Proportionate checks.** Each copy is of a snapshot that passed `quick_check` (every
//! b-tree page, the records, their order, NOT NULL and STRICT types, and the search index's
//! own check; not whether each index matches its table, and not CHECK constraints, which
//! every write enforces and which took half of the check's time). The copy holds that
//! snapshot's pages byte for byte; what is read back is its length and (compressed) frame
//! header. The full `integrity_check` runs once a week, on the first daily copy of the week
//! (unpacked into a temporary file), and a restore always runs it on what it is about to put
//! in place.
//!
//! **The safety copy a restore takes** of a healthy file (after its quick check) is the same
//! page copy, plain (`.db`, opens directly), flushed to disk before the old file is replaced;
//! the kernel copies the pages (`copy_file_range`), with no `VACUUM` rebuild and no second
//! check of the pages just checked.
//!
//! Automatic backups, the safety copies a restore takes and damaged files moved aside get names
//! that never collide: when a name is taken, `-2`, `-3`, ... is added, and the name is taken
//! with a hard link, which fails rather than replace a file another process just made.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::kernel::error::{Error, Result};
use crate::store::db::Db;

// Where backups are and which is good: the store's, for its "the file is damaged" errors.
use crate::store::backups::stem;
pub use crate::store::backups::{
    BUDGET_TIMES, BackupFile, Usage, check, folder, integrity, integrity_of_data_file,
    is_compressed, list, newest_good, unpack_into, usage,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupReport {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "number")]
    pub millis: u64,
}

/// Writes a verified copy of `db` to `out` (replacing a file already there).
pub fn backup(db: &Db, out: &Path) -> Result<BackupReport> {
    backup_timed(db, out).map(|(report, _)| report)
}

/// How long each part of a backup took (the benchmark and `rapport-bench backup` show them).
/// The page copy (reading and compressing) and `quick_check` run at the same time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    /// Taking the turn and emptying the WAL into the data file.
    pub checkpoint: Duration,
    /// The copy thread from start to end: reading the pages and writing (compressing) them.
    pub copy: Duration,
    /// Of `copy`: reading the data file.
    pub read: Duration,
    /// Of `copy`: handing the pages to zstd and finishing its frame (zero for a plain copy).
    pub compress: Duration,
    /// `quick_check` of the snapshot (beside the copy).
    pub quick_check: Duration,
    /// Flushing the copy to disk.
    pub fsync: Duration,
    /// Giving the copy its name (and flushing the folder).
    pub rename: Duration,
}

/// [`backup`], with how long each part took.
pub fn backup_timed(db: &Db, out: &Path) -> Result<(BackupReport, Parts)> {
    let started = Instant::now();
    let mut parts = Parts::default();
    if db.path().is_some_and(|p| same_file(p, out)) {
        return Err(Error::invalid(
            "out",
            "a backup cannot replace the database it copies",
        ));
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = folder_of(out);
    let temp = prepare_temp(&dir, &name)?;
    let result = write_verified(db, &temp.path, Form::of(out), &mut parts).and_then(|()| {
        let renaming = Instant::now();
        let renamed = std::fs::rename(&temp.path, out).map_err(|source| Error::Io {
            action: "move the finished backup to",
            path: out.to_owned(),
            source,
        });
        parts.rename = renaming.elapsed();
        renamed
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp.path);
    }
    result?;
    let syncing = Instant::now();
    sync_dir(&dir);
    parts.rename += syncing.elapsed();
    Ok((report(out, started), parts))
}

fn report(out: &Path, started: Instant) -> BackupReport {
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    BackupReport {
        path: out.display().to_string(),
        bytes,
        millis: started.elapsed().as_millis() as u64,
    }
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_owned()
}

/// A temporary file being written, locked (`flock`) by this process until it is dropped, so
/// that another process cleaning up after killed runs never removes it.
#[derive(Debug)]
struct Temp {
    path: PathBuf,
    _lock: std::fs::File,
}

/// Creates `dir` if needed, removes partial files killed runs left there, and creates a
/// fresh, empty, locked temporary file in `dir` for a copy named `name`.
fn prepare_temp(dir: &Path, name: &str) -> Result<Temp> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        action: "create the folder",
        path: dir.to_owned(),
        source,
    })?;
    remove_stale_partials(dir);
    let path = dir.join(format!(".{name}.{}.partial", crate::new_id()));
    let io = |source| Error::Io {
        action: "create",
        path: path.clone(),
        source,
    };
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(io)?;
    lock.try_lock()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    Ok(Temp { path, _lock: lock })
}

/// Temporary files of earlier runs that were killed half-way (`.NAME.UUID.partial`, the shape
/// [`prepare_temp`] gives them), whatever copy they were for: those no running process holds
/// locked. An automatic copy's name carries its time, so a partial file of a killed run would
/// otherwise never be matched again, and it can be as large as the data file.
fn remove_stale_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if !is_partial(&file) {
            continue;
        }
        if let Ok(f) = std::fs::OpenOptions::new().write(true).open(entry.path())
            && f.try_lock().is_ok()
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether `file` is named like one of [`prepare_temp`]'s temporary files.
fn is_partial(file: &str) -> bool {
    file.strip_prefix('.')
        .and_then(|f| f.strip_suffix(".partial"))
        .and_then(|f| f.rsplit_once('.'))
        .is_some_and(|(name, id)| !name.is_empty() && uuid::Uuid::parse_str(id).is_ok())
}

/// Flushes a file's contents to disk.
fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|source| Error::Io {
            action: "flush to disk",
            path: path.to_owned(),
            source,
        })
}

/// Flushes a folder's entries (a rename, a new name) to disk, where the system allows it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Gives the finished file `temp` the first free name of `names(1)`, `names(2)`, ... in its
/// folder, never replacing a file (another process may have just taken a name). Returns it.
fn publish_unique(temp: &Path, names: impl Fn(u32) -> PathBuf) -> Result<PathBuf> {
    link_unique(temp, true, names)
}

/// Links `file` under the first free name of `names(n)`; the old name is removed when
/// `move_it` (a hard link fails rather than replace a file: no two processes get one name).
fn link_unique(file: &Path, move_it: bool, names: impl Fn(u32) -> PathBuf) -> Result<PathBuf> {
    let temp = file;
    for n in 1..10_000 {
        let candidate = names(n);
        match std::fs::hard_link(temp, &candidate) {
            Ok(()) => {
                if move_it {
                    let _ = std::fs::remove_file(temp);
                }
                sync_dir(&folder_of(&candidate));
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // A file system without hard links: the best it allows.
            Err(_) if !candidate.exists() => {
                std::fs::rename(temp, &candidate).map_err(|source| Error::Io {
                    action: "move the finished copy to",
                    path: candidate.clone(),
                    source,
                })?;
                sync_dir(&folder_of(&candidate));
                return Ok(candidate);
            }
            Err(_) => continue,
        }
    }
    Err(Error::Internal(format!(
        "no free name for {} in its folder",
        names(1).display()
    )))
}

/// A plain SQLite file or a zstd frame of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Plain,
    Compressed,
}

impl Form {
    fn of(path: &Path) -> Form {
        if is_compressed(path) {
            Form::Compressed
        } else {
            Form::Plain
        }
    }
}

/// zstd's level for copies: the fastest of its ordinary levels. SQLite pages of contacts
/// compress about 7 to 1 at it; higher levels gain a few percent for twice the time.
const LEVEL: i32 = 1;

/// Writes a verified copy of `db` to `temp` (see the module's notes), flushed to disk.
fn write_verified(db: &Db, temp: &Path, form: Form, parts: &mut Parts) -> Result<()> {
    let turn = db.turn()?;
    let taken = match db.path() {
        Some(path) => snapshot(db.conn(), path, temp, form, parts)?,
        None => false,
    };
    if !taken {
        vacuum_into(db.conn(), temp, form)?;
    }
    drop(turn);
    let syncing = Instant::now();
    let flushed = sync_file(temp);
    parts.fsync = syncing.elapsed();
    flushed
}

/// The fast snapshot (see the module's notes) of the data file at `db_path` written to
/// `temp`. False, with nothing written, when the WAL could not be emptied first.
fn snapshot(
    conn: &Connection,
    db_path: &Path,
    temp: &Path,
    form: Form,
    parts: &mut Parts,
) -> Result<bool> {
    if !conn.is_autocommit() {
        return Ok(false);
    }
    let checkpoint = Instant::now();
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    parts.checkpoint = checkpoint.elapsed();
    if busy != 0 {
        return Ok(false);
    }
    conn.execute_batch("BEGIN")?;
    let taken = snapshot_in_read(conn, db_path, temp, form, parts);
    // Only read: ending the transaction lets checkpoints write into the file again.
    let _ = conn.execute_batch("COMMIT");
    taken
}

/// Starts the read of `conn`'s open transaction; the length of the data file's pages it sees,
/// or `None` when that read does not see the data file alone.
fn snapshot_len(conn: &Connection, db_path: &Path) -> Result<Option<u64>> {
    // The read starts here, and holds the file as it is until the transaction ends.
    let _: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    // A WAL that is still empty now means this read sees the data file alone (SQLite's read
    // lock 0), and no checkpoint can write into the file before the read ends. Anything in
    // it (a write of this process since the checkpoint): the slow way.
    let wal = PathBuf::from(format!("{}-wal", db_path.display()));
    if std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
        return Ok(None);
    }
    Ok(Some((page_size.max(0) as u64) * (pages.max(0) as u64)))
}

fn snapshot_in_read(
    conn: &Connection,
    db_path: &Path,
    temp: &Path,
    form: Form,
    parts: &mut Parts,
) -> Result<bool> {
    let Some(len) = snapshot_len(conn, db_path)? else {
        return Ok(false);
    };
    let (copied, problems) = std::thread::scope(|scope| {
        let copy = scope.spawn(|| {
            let started = Instant::now();
            let copied = copy_pages(db_path, len, temp, form);
            (copied, started.elapsed())
        });
        let checking = Instant::now();
        let problems = quick_check_mapped(conn, db_path, len);
        parts.quick_check = checking.elapsed();
        let copied = match copy.join() {
            Ok((copied, took)) => {
                parts.copy = took;
                copied.map(|(read, compress)| {
                    parts.read = read;
                    parts.compress = compress;
                })
            }
            Err(_) => Err(Error::Internal("the copy stopped".into())),
        };
        (copied, problems)
    });
    let problems = problems?;
    if !problems.is_empty() {
        return Err(Error::CorruptDatabase {
            path: db_path.to_owned(),
            detail: format!(
                "the file failed its quick check, so no backup was made: {}",
                problems.into_iter().take(5).collect::<Vec<_>>().join("; ")
            ),
        });
    }
    copied?;
    Ok(true)
}

/// Copies the first `len` bytes of the data file at `from` (its pages) into `to`, as they are
/// or compressed. The copy's header says "rollback journal" (as `VACUUM INTO`'s does): a copy
/// is one file, with no WAL beside it.
fn copy_pages(from: &Path, len: u64, to: &Path, form: Form) -> Result<(Duration, Duration)> {
    use std::io::{Read, Write};
    let read_err = |source| Error::Io {
        action: "read",
        path: from.to_owned(),
        source,
    };
    let write_err = |source| Error::Io {
        action: "write the backup to",
        path: to.to_owned(),
        source,
    };
    let mut input = std::fs::File::open(from).map_err(read_err)?.take(len);
    let out = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(to)
        .map_err(write_err)?;
    let mut header = vec![0u8; len.min(100) as usize];
    input.read_exact(&mut header).map_err(read_err)?;
    if header.len() >= 20 {
        header[18] = 1;
        header[19] = 1;
    }
    let (mut reading, mut compressing) = (Duration::ZERO, Duration::ZERO);
    let copied = match form {
        Form::Plain => {
            let started = Instant::now();
            let mut out = out;
            out.write_all(&header).map_err(write_err)?;
            // The kernel copies the rest (copy_file_range where it can).
            let copied = std::io::copy(&mut input, &mut out).map_err(read_err)?;
            reading = started.elapsed();
            copied
        }
        Form::Compressed => {
            let out = Counting {
                inner: std::io::BufWriter::with_capacity(1 << 20, out),
                bytes: 0,
            };
            let mut encoder = zstd::stream::write::Encoder::new(out, LEVEL).map_err(write_err)?;
            encoder.include_checksum(true).map_err(write_err)?;
            encoder.set_pledged_src_size(Some(len)).map_err(write_err)?;
            let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
            // Without zstd's threads (a build without them) it compresses on this one.
            let _ = encoder.multithread(workers as u32);
            encoder.write_all(&header).map_err(write_err)?;
            let mut buf = vec![0u8; 4 << 20];
            let mut copied = 0u64;
            loop {
                let started = Instant::now();
                let n = match input.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(read_err(e)),
                };
                let read = Instant::now();
                reading += read - started;
                encoder.write_all(&buf[..n]).map_err(write_err)?;
                compressing += read.elapsed();
                copied += n as u64;
            }
            let started = Instant::now();
            let mut out = encoder.finish().map_err(write_err)?;
            out.flush().map_err(write_err)?;
            compressing += started.elapsed();
            check_frame(to, out.bytes, len)?;
            copied
        }
    };
    if copied + header.len() as u64 != len {
        return Err(Error::Internal(format!(
            "{} ended before its last page",
            from.display()
        )));
    }
    Ok((reading, compressing))
}

/// `quick_check` on `conn`'s open read of the data file at `db_path` (`len` bytes): every
/// b-tree page, record format, NOT NULL and STRICT types, and the search index's own check.
/// CHECK constraints are left out (every write enforces them; re-evaluating them for each row
/// is half of the check's time, as a read-only connection would skip them anyway), and the
/// pages are read through a memory map for the check's run.
fn quick_check_mapped(conn: &Connection, db_path: &Path, len: u64) -> Result<Vec<String>> {
    let pragma = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
    let mmap_before = pragma("PRAGMA mmap_size").unwrap_or(0);
    let checks_before = pragma("PRAGMA ignore_check_constraints").unwrap_or(0);
    let _ = pragma(&format!("PRAGMA mmap_size = {len}"));
    let _ = conn.execute_batch("PRAGMA ignore_check_constraints = ON");
    let problems = crate::store::backups::integrity_on(conn, db_path, "quick_check");
    let _ = conn.execute_batch(&format!(
        "PRAGMA ignore_check_constraints = {checks_before}"
    ));
    let _ = pragma(&format!("PRAGMA mmap_size = {mmap_before}"));
    problems
}

/// A writer that counts what goes through it.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: std::io::Write> std::io::Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The compressed copy at `path` as written: all `bytes` the encoder gave are in the file, and
/// its frame header announces the `len` bytes of the snapshot. (The frame's checksum of the
/// contents is checked on every later read: a restore, the newest good copy, the weekly check.)
fn check_frame(path: &Path, bytes: u64, len: u64) -> Result<()> {
    use std::io::Read;
    let mut head = [0u8; 18];
    let read = std::fs::File::open(path)
        .and_then(|f| {
            let on_disk = f.metadata()?.len();
            let mut n = 0;
            let mut f = f;
            while n < head.len() {
                match f.read(&mut head[n..])? {
                    0 => break,
                    k => n += k,
                }
            }
            Ok((on_disk, n))
        })
        .map_err(|source| Error::Io {
            action: "read back",
            path: path.to_owned(),
            source,
        })?;
    let (on_disk, n) = read;
    let announced = zstd::zstd_safe::get_frame_content_size(&head[..n])
        .ok()
        .flatten();
    if on_disk != bytes || announced != Some(len) {
        return Err(Error::CorruptDatabase {
            path: path.to_owned(),
            detail: format!(
                "the fresh compressed copy reads back wrong ({on_disk} of {bytes} bytes, frame of {announced:?} for {len})"
            ),
        });
    }
    Ok(())
}

/// The slow way to a copy: `VACUUM INTO` (compressed afterwards when asked), checked with
/// `quick_check`.
fn vacuum_into(conn: &Connection, temp: &Path, form: Form) -> Result<()> {
    let vacuum = |to: &Path| {
        conn.execute("VACUUM INTO ?1", [to.to_string_lossy()])
            .map_err(|e| Error::Io {
                action: "write the backup to",
                path: to.to_owned(),
                source: std::io::Error::other(e.to_string()),
            })
    };
    let quick = |file: &Path| -> Result<()> {
        let problems = integrity(file, "quick_check")?;
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::CorruptDatabase {
                path: file.to_owned(),
                detail: format!("the fresh copy failed its check: {}", problems.join("; ")),
            })
        }
    };
    match form {
        Form::Plain => {
            vacuum(temp)?;
            quick(temp)
        }
        Form::Compressed => {
            let dir = folder_of(temp);
            let name = temp
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let plain = prepare_temp(&dir, &format!("{name}.plain"))?;
            let done = vacuum(&plain.path)
                .and_then(|_| quick(&plain.path))
                .and_then(|()| {
                    let len = std::fs::metadata(&plain.path).map(|m| m.len()).unwrap_or(0);
                    copy_pages(&plain.path, len, temp, Form::Compressed).map(|_| ())
                });
            let _ = std::fs::remove_file(&plain.path);
            done
        }
    }
}

/// Checks a fresh copy whole and flushes it to disk before it gets a name.
fn verify(temp: &Path) -> Result<()> {
    let problems = integrity(temp, "integrity_check")?;
    if !problems.is_empty() {
        return Err(Error::CorruptDatabase {
            path: temp.to_owned(),
            detail: format!("the fresh copy failed its check: {}", problems.join("; ")),
        });
    }
    sync_file(temp)
}

fn same_file(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| PathBuf::from(p));
    canon(a) == canon(b)
}

/// How many automatic backups to keep: the newest of each of the last `daily` days that have
/// one, and the newest of each of the `weekly` weeks before those.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Retention {
    pub daily: u32,
    pub weekly: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            daily: 7,
            weekly: 4,
        }
    }
}

/// The settings key of the retention policy.
pub const RETENTION: &str = "backup_retention";

/// The name of the `n`th backup of `kind` taken in the second `at` (`n` from 1): automatic
/// copies are compressed (`.db.zst`), the others plain (`.db`).
fn file_for(
    db_path: &Path,
    kind: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
    n: u32,
) -> PathBuf {
    let stamp = at.format("%Y%m%dT%H%M%SZ");
    let counter = if n > 1 {
        format!("-{n}")
    } else {
        String::new()
    };
    let name = match kind {
        Some(k) => format!("{}-{k}-{stamp}{counter}.db", stem(db_path)),
        None => format!("{}-{stamp}{counter}.db.zst", stem(db_path)),
    };
    folder(db_path).join(name)
}

/// Writes a verified copy of `db` into its backups folder under a name of its own.
fn backup_unique(
    db: &Db,
    db_path: &Path,
    kind: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<BackupReport> {
    let started = Instant::now();
    let temp = prepare_temp(&folder(db_path), &stem(db_path))?;
    let form = if kind.is_none() {
        Form::Compressed
    } else {
        Form::Plain
    };
    let result = write_verified(db, &temp.path, form, &mut Parts::default())
        .and_then(|()| publish_unique(&temp.path, |n| file_for(db_path, kind, at, n)));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp.path);
    }
    Ok(report(&result?, started))
}

/// Why an automatic backup is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AutoReason {
    /// At start: only when there is no backup from today yet.
    Daily,
    /// When the app quits: always.
    Quit,
}

/// Takes an automatic backup when due, then prunes old ones by the retention policy. Returns
/// the backup taken, if any. In-memory databases have nothing to back up.
pub fn auto(
    db: &Db,
    reason: AutoReason,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<BackupReport>> {
    let Some(path) = db.path().map(Path::to_owned) else {
        return Ok(None);
    };
    let today = crate::kernel::time::local_date(crate::kernel::time::local_zone(), now);
    let existing = list(&path)?;
    let had_today = existing.iter().any(|b| {
        b.kind == "automatic"
            && crate::kernel::time::parse_stamp(&b.taken_at).is_ok_and(|t| {
                crate::kernel::time::local_date(crate::kernel::time::local_zone(), t) == today
            })
    });
    let report = if reason == AutoReason::Quit || !had_today {
        Some(backup_unique(db, &path, None, now)?)
    } else {
        None
    };
    // Once a week the full check: on the first daily copy of the week (taken at start, in
    // the background in the app). A copy that fails it is no backup.
    let week = |at: chrono::DateTime<chrono::Utc>| {
        chrono::Datelike::iso_week(&crate::kernel::time::local_date(
            crate::kernel::time::local_zone(),
            at,
        ))
    };
    if let Some(made) = report.as_ref().filter(|_| reason == AutoReason::Daily)
        && !existing.iter().any(|b| {
            b.kind == "automatic"
                && crate::kernel::time::parse_stamp(&b.taken_at).is_ok_and(|t| week(t) == week(now))
        })
        && let Err(e) = deep_check(Path::new(&made.path))
    {
        let _ = std::fs::remove_file(&made.path);
        return Err(e);
    }
    let retention: Retention = {
        let _turn = db.turn()?;
        crate::store::settings::get(db.conn(), RETENTION)?.unwrap_or_default()
    };
    prune(&path, retention)?;
    Ok(report)
}

/// Deletes automatic backups the retention policy does not keep, then the oldest of those left
/// until they take at most [`BUDGET_TIMES`] the data file's size (the newest is always kept).
/// Safety copies taken before a restore are never deleted automatically.
pub fn prune(db_path: &Path, keep: Retention) -> Result<Vec<String>> {
    let tz = crate::kernel::time::local_zone();
    let all: Vec<BackupFile> = list(db_path)?
        .into_iter()
        .filter(|b| b.kind == "automatic")
        .collect();
    let mut kept_days: Vec<chrono::NaiveDate> = Vec::new();
    let mut kept_weeks: Vec<chrono::IsoWeek> = Vec::new();
    let mut kept: Vec<BackupFile> = Vec::new();
    let mut removed = Vec::new();
    for b in all {
        let Ok(at) = crate::kernel::time::parse_stamp(&b.taken_at) else {
            continue;
        };
        let day = crate::kernel::time::local_date(tz, at);
        let week = chrono::Datelike::iso_week(&day);
        let keep_it = if kept_days.contains(&day) {
            false
        } else if kept_days.len() < keep.daily as usize {
            kept_days.push(day);
            true
        } else if !kept_weeks.contains(&week)
            && !kept_days
                .iter()
                .any(|d| chrono::Datelike::iso_week(d) == week)
            && kept_weeks.len() < keep.weekly as usize
        {
            kept_weeks.push(week);
            true
        } else {
            false
        };
        if keep_it {
            kept.push(b);
        } else {
            remove_copy(&b.path)?;
            removed.push(b.path);
        }
    }
    // The disk budget: the oldest go until the copies take at most BUDGET_TIMES the data
    // file; the newest always stays.
    let budget = std::fs::metadata(db_path).map_or(0, |m| m.len()) * BUDGET_TIMES;
    let mut total: u64 = kept.iter().map(|b| b.bytes).sum();
    while total > budget && kept.len() > 1 {
        let Some(oldest) = kept.pop() else { break };
        remove_copy(&oldest.path)?;
        total -= oldest.bytes;
        removed.push(oldest.path);
    }
    Ok(removed)
}

fn remove_copy(path: &str) -> Result<()> {
    match std::fs::remove_file(path) {
        // Another program pruning at the same time took it already.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other.map_err(|source| Error::Io {
            action: "remove the old backup",
            path: PathBuf::from(path),
            source,
        }),
    }
}

/// The full check of a copy: unpacked into a temporary file beside it when compressed, then
/// SQLite's `integrity_check` (every index against its table) and the schema check.
pub fn deep_check(copy: &Path) -> Result<()> {
    let unpacked = if is_compressed(copy) {
        let dir = folder_of(copy);
        let temp = prepare_temp(&dir, &stem(copy))?;
        if let Err(e) = unpack_to_file(copy, &temp.path) {
            let _ = std::fs::remove_file(&temp.path);
            return Err(e);
        }
        Some(temp)
    } else {
        None
    };
    let file = unpacked.as_ref().map_or(copy, |t| t.path.as_path());
    let checked = integrity(file, "integrity_check").and_then(|problems| {
        if problems.is_empty() {
            crate::store::backups::check_schema(file)
        } else {
            Err(Error::CorruptDatabase {
                path: copy.to_owned(),
                detail: format!(
                    "its full check found: {}",
                    problems.into_iter().take(5).collect::<Vec<_>>().join("; ")
                ),
            })
        }
    });
    if let Some(t) = unpacked {
        let _ = std::fs::remove_file(&t.path);
    }
    checked
}

/// Unpacks the compressed copy at `from` into the (existing, empty) file `to`.
fn unpack_to_file(from: &Path, to: &Path) -> Result<()> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(to)
        .map_err(|source| Error::Io {
            action: "create",
            path: to.to_owned(),
            source,
        })?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    unpack_into(from, &mut out)?;
    std::io::Write::flush(&mut out).map_err(|source| Error::Io {
        action: "write",
        path: to.to_owned(),
        source,
    })
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RestoreReport {
    pub restored_from: String,
    /// The copy of the file as it was before, when it could be read.
    pub safety_backup: Option<String>,
}

/// Replaces the database at `db_path` with the backup at `from`. The backup is checked first;
/// the current file, when it can be opened, is first saved as a `before-restore` backup (a
/// damaged one is moved aside untouched, with its WAL).
///
/// Refused (code `file_in_use`, naming who) while any other Rapport program has the file open:
/// the restore holds the file's presence lock exclusively for its whole run (see
/// [`crate::store::owner`]), so nobody can open it meanwhile either. Safe against a crash at any
/// moment: the data file is always either the old one (whole) or the restored one, and the
/// safety copy is on disk before the old file is replaced.
pub fn restore(db_path: &Path, from: &Path) -> Result<RestoreReport> {
    restore_waiting(db_path, from, Duration::ZERO)
}

/// [`restore`], waiting up to `wait` for this program's own other connections (the window's
/// background tasks) to close; other programs are never waited for.
pub fn restore_waiting(db_path: &Path, from: &Path, wait: Duration) -> Result<RestoreReport> {
    let refused = |e: Error| {
        Error::invalid(
            "file",
            format!("{} cannot be restored: {e}", from.display()),
        )
    };
    // A compressed copy is checked once unpacked (step 1), before anything changes.
    if is_compressed(from) {
        if !from.is_file() {
            return Err(refused(Error::Io {
                action: "find",
                path: from.to_owned(),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            }));
        }
    } else {
        check(from).map_err(refused)?;
    }
    if same_file(db_path, from) {
        return Err(Error::invalid(
            "file",
            "that is the database itself, not a backup of it",
        ));
    }
    let _sole = crate::store::owner::Sole::claim(db_path, wait, "restore")?;
    let now = chrono::Utc::now();

    // 1. The new contents, copied through SQLite (never a file copy), verified and on disk
    //    beside the data file before anything else changes.
    let dir = folder_of(db_path);
    let temp = prepare_temp(&dir, &stem(db_path))?;
    let copied = if is_compressed(from) {
        unpack_verified(from, &temp.path).map_err(|e| match e {
            Error::CorruptDatabase { .. }
            | Error::NotADatabase { .. }
            | Error::SchemaTooNew { .. } => refused(e),
            other => other,
        })
    } else {
        copy_verified(from, &temp.path)
    };
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&temp.path);
        return Err(e);
    }
    let discard = |e: Error| {
        let _ = std::fs::remove_file(&temp.path);
        e
    };

    // 2. What is there now is kept: a healthy file is first checkpointed whole (its WAL then
    //    holds nothing) and copied; a damaged one is moved aside as it is, with its WAL.
    let safety = if !db_path.exists() {
        None
    } else if check(db_path).is_ok() {
        Some(keep_healthy(db_path, now).map_err(discard)?)
    } else {
        Some(move_aside(db_path, now).map_err(discard)?)
    };

    // 3. The old WAL and shared-memory files hold nothing the old file lacks now (or went
    //    aside with it); the restored file must never start beside them.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", db_path.display()));
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(discard(Error::Io {
                    action: "remove",
                    path: side,
                    source: e,
                }));
            }
            _ => {}
        }
    }
    std::fs::rename(&temp.path, db_path).map_err(|source| {
        discard(Error::Io {
            action: "put the restored file in place at",
            path: db_path.to_owned(),
            source,
        })
    })?;
    sync_dir(&dir);
    // The damage found in the old file does not hold for the restored one.
    crate::store::health::clear(db_path);
    Ok(RestoreReport {
        restored_from: from.display().to_string(),
        safety_backup: safety.map(|p| p.display().to_string()),
    })
}

/// `VACUUM INTO` from the backup at `from` to `temp`, checked and flushed.
fn copy_verified(from: &Path, temp: &Path) -> Result<()> {
    let source = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    source
        .execute("VACUUM INTO ?1", [temp.to_string_lossy()])
        .map_err(|e| Error::Io {
            action: "copy the backup to",
            path: temp.to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?;
    drop(source);
    verify(temp)
}

/// Unpacks the compressed copy at `from` to `temp` (its checksum checked), then checks the
/// result whole (`integrity_check`, the schema) and flushes it.
fn unpack_verified(from: &Path, temp: &Path) -> Result<()> {
    unpack_to_file(from, temp)?;
    let problems = integrity(temp, "integrity_check")?;
    if !problems.is_empty() {
        return Err(Error::CorruptDatabase {
            path: from.to_owned(),
            detail: format!(
                "its full check found: {}",
                problems.into_iter().take(5).collect::<Vec<_>>().join("; ")
            ),
        });
    }
    crate::store::backups::check_schema(temp)?;
    sync_file(temp)
}

/// The safety copy of a healthy data file (no one else has it open; the restore just found it
/// passes its quick check and is a Rapport file): its WAL is checkpointed into it, then its
/// pages are copied as they are into a plain `.db` under a name of its own, with no second
/// check of the same pages. The copy's length and schema are read back, and it is on disk
/// before it gets its name.
fn keep_healthy(db_path: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<PathBuf> {
    let conn = Connection::open_with_flags(
        db_path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
    if busy != 0 {
        return Err(Error::Busy);
    }
    let temp = prepare_temp(&folder(db_path), &stem(db_path))?;
    let copied = copy_snapshot(&conn, db_path, &temp.path)
        .and_then(|()| sync_file(&temp.path))
        .and_then(|()| crate::store::backups::check_schema(&temp.path))
        .and_then(|()| {
            publish_unique(&temp.path, |n| {
                file_for(db_path, Some("before-restore"), now, n)
            })
        });
    if copied.is_err() {
        let _ = std::fs::remove_file(&temp.path);
    }
    // The last connection closes cleanly: the (empty) WAL goes.
    conn.close().map_err(|(_, e)| Error::from(e))?;
    copied
}

/// The pages of the data file at `db_path`, as `conn` reads it in one read transaction with
/// an empty WAL, copied as they are into the plain file `to` (no check: the caller has one).
fn copy_snapshot(conn: &Connection, db_path: &Path, to: &Path) -> Result<()> {
    conn.execute_batch("BEGIN")?;
    let copied = (|| -> Result<()> {
        let len = snapshot_len(conn, db_path)?.ok_or(Error::Busy)?;
        copy_pages(db_path, len, to, Form::Plain)?;
        let on_disk = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
        if on_disk != len {
            return Err(Error::CorruptDatabase {
                path: to.to_owned(),
                detail: format!("the fresh copy reads back wrong ({on_disk} of {len} bytes)"),
            });
        }
        Ok(())
    })();
    let _ = conn.execute_batch("COMMIT");
    copied
}

/// A damaged file is never overwritten: it is moved aside, with its WAL and shared memory,
/// byte for byte, under a name of its own. The data file keeps its name until the restored
/// file replaces it.
fn move_aside(db_path: &Path, now: chrono::DateTime<chrono::Utc>) -> Result<PathBuf> {
    std::fs::create_dir_all(folder(db_path)).map_err(|source| Error::Io {
        action: "create the folder",
        path: folder(db_path),
        source,
    })?;
    let aside = link_unique(db_path, false, |n| {
        file_for(db_path, Some("damaged"), now, n)
    })?;
    for suffix in ["-wal", "-shm"] {
        let from = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if from.exists() {
            let to = PathBuf::from(format!("{}{suffix}", aside.display()));
            let _ = std::fs::remove_file(&to);
            std::fs::hard_link(&from, &to)
                .or_else(|_| std::fs::rename(&from, &to))
                .map_err(|source| Error::Io {
                    action: "move the damaged file aside to",
                    path: to,
                    source,
                })?;
        }
    }
    sync_dir(&folder(db_path));
    Ok(aside)
}
