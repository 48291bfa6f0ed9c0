//! Opening the database file: connection settings, the "is this really ours?" checks and
//! schema migrations.
//!
//! Every connection Rapport opens goes through [`Db::open`] or [`Db::open_in_memory`], so the
//! pragmas below hold everywhere. Reads use [`Db::conn`]; writes go through [`Db::write`],
//! which is the only way to get a [`Writer`](crate::store::writer::Writer).
//!
//! The store names no higher layer: the default data that migrations seed and the reactions
//! to events come in a [`Wiring`], and `crate::wiring` defines the public openers with the
//! one the app uses.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode as SqliteCode, OpenFlags, TransactionBehavior};

use crate::kernel::error::{Error, Result};
use crate::store::events::{Reaction, Subscribers};
use crate::store::owner::{Presence, Sole, Turn, TurnFile};
use crate::store::writer::Writer;

/// A numbered schema migration, applied once, in order, inside one transaction with all the
/// other pending ones. Shipped migrations are never edited (a test pins their contents).
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
    /// Work SQL cannot do (such as parsing phone numbers), run after `sql` in the same
    /// transaction. Like the SQL, never changed once shipped.
    pub then: Option<fn(&Connection) -> rusqlite::Result<()>>,
}

/// Default data written right after migration `version` (its SQL and `then`), in the same
/// transaction: the pipelines, lead statuses, SLA policy and numbering that the migration's
/// tables start with. Registered by the layer that owns the data, in `crate::wiring`.
#[derive(Debug, Clone, Copy)]
pub struct Seed {
    pub version: i64,
    pub run: fn(&Connection) -> rusqlite::Result<()>,
}

/// What the layers above the store add to every handle they open: the default data seeded
/// by migrations and the reactions to events. The one instance is `crate::wiring::WIRING`;
/// the store itself never names a higher layer.
#[derive(Debug)]
pub struct Wiring {
    pub migrations: &'static [Migration],
    pub seeds: &'static [Seed],
    /// Called for every [`Event`](crate::store::events::Event), in this order.
    pub subscribers: &'static [Reaction],
}

impl Wiring {
    /// No seeds, no subscribers: the bare schema, for the store's own tests.
    #[cfg(test)]
    pub(crate) const BARE: Wiring = Wiring {
        migrations: MIGRATIONS,
        seeds: &[],
        subscribers: &[],
    };
}

/// Every migration this build knows, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../../migrations/0001_foundation.sql"),
        then: None,
    },
    Migration {
        version: 2,
        name: "contacts_in_depth",
        sql: include_str!("../../migrations/0002_contacts_in_depth.sql"),
        then: Some(normalize_stored_phones),
    },
    Migration {
        version: 3,
        name: "activities",
        sql: include_str!("../../migrations/0003_activities.sql"),
        then: None,
    },
    Migration {
        version: 4,
        name: "opportunities",
        sql: include_str!("../../migrations/0004_opportunities.sql"),
        then: None,
    },
    Migration {
        version: 5,
        name: "leads",
        sql: include_str!("../../migrations/0005_leads.sql"),
        then: None,
    },
    Migration {
        version: 6,
        name: "agenda_index",
        sql: include_str!("../../migrations/0006_agenda_index.sql"),
        then: None,
    },
    Migration {
        version: 7,
        name: "service",
        sql: include_str!("../../migrations/0007_service.sql"),
        then: None,
    },
    Migration {
        version: 8,
        name: "sales_documents",
        sql: include_str!("../../migrations/0008_sales_documents.sql"),
        then: None,
    },
    Migration {
        version: 9,
        name: "analytics_indexes",
        sql: include_str!("../../migrations/0009_analytics_indexes.sql"),
        then: None,
    },
    Migration {
        version: 10,
        name: "campaigns",
        sql: include_str!("../../migrations/0010_campaigns.sql"),
        then: None,
    },
    Migration {
        version: 11,
        name: "marketing",
        sql: include_str!("../../migrations/0011_marketing.sql"),
        then: None,
    },
    Migration {
        version: 12,
        name: "lean change log",
        sql: include_str!("../../migrations/0012_lean_change_log.sql"),
        then: None,
    },
    Migration {
        version: 13,
        name: "lean activity links",
        sql: include_str!("../../migrations/0013_lean_links.sql"),
        then: None,
    },
    Migration {
        version: 14,
        name: "change log lean writes",
        sql: include_str!("../../migrations/0014_change_log_lean_writes.sql"),
        then: None,
    },
    Migration {
        version: 15,
        name: "calendar index",
        sql: include_str!("../../migrations/0015_calendar_index.sql"),
        then: None,
    },
    Migration {
        version: 16,
        name: "mailbox",
        sql: include_str!("../../migrations/0016_mailbox.sql"),
        then: None,
    },
    Migration {
        version: 17,
        name: "ticket mail",
        sql: include_str!("../../migrations/0017_ticket_mail.sql"),
        then: None,
    },
    Migration {
        version: 18,
        name: "bounces and unmatched replies",
        sql: include_str!("../../migrations/0018_bounces_and_unmatched.sql"),
        then: None,
    },
    Migration {
        version: 19,
        name: "document mail",
        sql: include_str!("../../migrations/0019_document_mail.sql"),
        then: None,
    },
];

/// How long a writer waits for another connection's write lock (or another process's turn,
/// see [`crate::store::owner`]) before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open Rapport database.
#[derive(Debug)]
pub struct Db {
    conn: Connection,
    path: Option<PathBuf>,
    origin: &'static str,
    subscribers: Subscribers,
    /// This handle's share of the file (`None` in memory): see [`crate::store::owner`].
    owner: Option<Owner>,
}

#[derive(Debug)]
struct Owner {
    /// Shared while open; given up first when closing.
    presence: Option<Presence>,
    turn: Arc<TurnFile>,
    /// How long [`Db::turn`] waits for another process.
    wait: Duration,
}

impl Db {
    /// Opens the database at `path` with `wiring`, waiting up to `wait` for other
    /// processes' turns. The public openers (`Db::open`, `Db::open_waiting`) are in
    /// `crate::wiring`, which passes its own wiring.
    pub(crate) fn open_wired(path: &Path, wiring: &'static Wiring, wait: Duration) -> Result<Db> {
        Self::open_full(path, wiring.migrations, wiring, wait)
    }

    /// An empty, fully migrated database in memory with `wiring`.
    pub(crate) fn in_memory_wired(wiring: &'static Wiring) -> Result<Db> {
        let conn = Connection::open_in_memory()?;
        Self::setup(conn, None, wiring.migrations, wiring)
    }

    /// The database at `path` with only `migrations` applied, and no seeds or subscribers.
    #[cfg(test)]
    pub(crate) fn open_with(path: &Path, migrations: &[Migration]) -> Result<Db> {
        Self::open_full(path, migrations, &Wiring::BARE, BUSY_TIMEOUT)
    }

    fn open_full(
        path: &Path,
        migrations: &[Migration],
        wiring: &Wiring,
        wait: Duration,
    ) -> Result<Db> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                action: "create the folder",
                path: parent.to_owned(),
                source,
            })?;
        }
        if path.is_dir() {
            return Err(Error::NotADatabase {
                path: path.to_owned(),
                detail: "it is a folder".into(),
            });
        }
        // Join the file's users, then open and migrate in this process's turn.
        let presence = Presence::join(path, crate::store::owner::OPEN_WAIT)?;
        let turn_file = TurnFile::of(path)?;
        let turn = turn_file.take(wait)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let opened = Connection::open_with_flags(path, flags)
            .map_err(|e| classify(path, e))
            .and_then(|conn| Self::setup(conn, Some(path.to_owned()), migrations, wiring));
        match opened {
            Ok(mut db) => {
                db.owner = Some(Owner {
                    presence: Some(presence),
                    turn: turn_file,
                    wait,
                });
                drop(turn);
                Ok(db)
            }
            Err(e) => {
                // The connection (if any) is closed by now. A file that is not a Rapport
                // database keeps no lock files beside it when nobody else is trying it.
                drop(presence);
                if matches!(e, Error::NotADatabase { .. })
                    && let Some(sole) = Sole::try_claim(path)
                {
                    let _ = std::fs::remove_file(crate::store::owner::lock_file(path));
                    let _ = std::fs::remove_file(crate::store::owner::turn_file(path));
                    drop(sole);
                }
                drop(turn);
                Err(e)
            }
        }
    }

    fn setup(
        mut conn: Connection,
        path: Option<PathBuf>,
        migrations: &[Migration],
        wiring: &Wiring,
    ) -> Result<Db> {
        let shown = path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        // Look before touching: switching to WAL rewrites the file header, which another
        // program's database must never get.
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| classify(&shown, e))?;
        ensure_ours(&conn, &shown)?;
        configure(&conn).map_err(|e| classify(&shown, e))?;
        migrate(&mut conn, &shown, migrations, wiring.seeds)?;
        Ok(Db {
            conn,
            path,
            origin: "app",
            subscribers: Subscribers(
                wiring
                    .subscribers
                    .iter()
                    .map(|&r| Box::new(r) as crate::store::events::Subscriber)
                    .collect(),
            ),
            owner: None,
        })
    }

    /// Takes this process's turn on the file (see [`crate::store::owner`]) until the guard is
    /// dropped: no other process reads or writes it meanwhile. Re-entrant: a turn taken while
    /// one is held (by this or another connection of the process) costs nothing. Waits for
    /// another process up to the handle's wait ([`BUSY_TIMEOUT`] unless opened with
    /// [`Db::open_waiting`]), then fails as busy, naming that process when it is known.
    pub fn turn(&self) -> Result<Turn> {
        match &self.owner {
            Some(owner) => owner.turn.take(owner.wait),
            None => Ok(Turn::none()),
        }
    }

    /// A number that moves whenever another connection commits to the file: another process
    /// (a `rapport` command, a synced copy put in place), or another connection of this one
    /// (the mail worker). SQLite's `PRAGMA data_version`; this handle's own writes leave it
    /// alone. The window asks every few seconds and refreshes what it shows when it moved.
    /// `None`, without waiting, while another process has its turn (it is writing now).
    pub fn outside_changes(&self) -> Result<Option<i64>> {
        let _turn = match &self.owner {
            Some(owner) => match owner.turn.take(Duration::ZERO) {
                Ok(turn) => turn,
                Err(Error::TurnBusy { .. } | Error::BeingReplaced { .. }) => return Ok(None),
                Err(e) => return Err(e),
            },
            None => Turn::none(),
        };
        Ok(Some(self.conn.pragma_query_value(
            None,
            "data_version",
            |r| r.get(0),
        )?))
    }

    /// Names who writes through this handle (`app`, `cli`, `import`, ...); recorded with every
    /// change-log entry.
    pub fn with_origin(mut self, origin: &'static str) -> Db {
        self.origin = origin;
        self
    }

    /// Who writes through this handle now.
    pub fn origin(&self) -> &'static str {
        self.origin
    }

    /// [`Db::with_origin`] on a borrowed handle.
    pub fn set_origin(&mut self, origin: &'static str) {
        self.origin = origin;
    }

    /// The file this database lives in; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The connection, for reads. Writes go through [`Db::write`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one immediate transaction: all of its writes land together, with their
    /// change-log entries, or none do.
    pub fn write<T>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T>) -> Result<T> {
        // Nothing more goes into a file its check found damaged (see `health`).
        crate::store::health::refuse_if_damaged(self.path.as_deref())?;
        let _turn = self.turn()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let writer = Writer::new(tx, self.origin, &self.subscribers);
        let value = f(&writer);
        // A big write raised the page cache (see `Writer::expect_many`): back once it ends.
        let cache = writer.cache_to_restore();
        let result = match value {
            Ok(value) => writer.commit().map(|()| value),
            Err(e) => {
                drop(writer);
                Err(e)
            }
        };
        if let Some(cache) = cache {
            self.conn.pragma_update(None, "cache_size", cache)?;
        }
        result
    }

    /// Calls `subscriber` for every [`Event`](crate::store::events::Event) raised by a write through
    /// this handle, inside that write's transaction.
    pub fn subscribe(&mut self, subscriber: crate::store::events::Subscriber) {
        self.subscribers.0.push(subscriber);
    }

    /// The newest schema version applied to this database.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            [],
            |row| row.get(0),
        )?)
    }
}

impl Drop for Db {
    /// Closes the connection in this process's turn. SQLite checkpoints and deletes the WAL
    /// when it believes it is the last connection, and with its POSIX locks dropped it may
    /// wrongly believe so; only a handle that gets the presence lock exclusively (no other
    /// Rapport connection anywhere) lets it; any other close leaves the WAL as it is.
    fn drop(&mut self) {
        let Some(owner) = self.owner.as_mut() else {
            return;
        };
        let turn = owner.turn.take(owner.wait).ok();
        drop(owner.presence.take());
        let sole = turn
            .as_ref()
            .and_then(|_| self.path.as_deref().and_then(Sole::try_claim));
        let blank = Connection::open_in_memory().ok();
        if sole.is_none() || blank.is_none() {
            let _ = self.conn.set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                true,
            );
        }
        // Close now, while the locks are held (fields are dropped only after this returns).
        if let Some(blank) = blank {
            let conn = std::mem::replace(&mut self.conn, blank);
            let _ = conn.close();
        }
        drop(sole);
        drop(turn);
    }
}

/// Migration 2: phone numbers stored before normalisation existed get their E.164 and
/// national forms, and their records are re-indexed for search.
fn normalize_stored_phones(conn: &Connection) -> rusqlite::Result<()> {
    for (table, key, number, e164, national, entity, owner) in [
        (
            "contact_phones",
            "id",
            "number",
            "e164",
            "national",
            "contacts",
            "contact_id",
        ),
        (
            "accounts",
            "id",
            "phone",
            "phone_e164",
            "phone_national",
            "accounts",
            "id",
        ),
    ] {
        let rows: Vec<(String, String, String)> = conn
            .prepare(&format!(
                "SELECT {key}, {number}, {owner} FROM {table} WHERE {number} IS NOT NULL"
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, text, owner_id) in rows {
            if let Some(n) = crate::kernel::phone::normalize(&text, None) {
                conn.execute(
                    &format!("UPDATE {table} SET {e164} = ?2, {national} = ?3 WHERE {key} = ?1"),
                    (&id, &n.e164, &n.national),
                )?;
                crate::store::search::reindex(conn, entity, &owner_id).map_err(|e| match e {
                    Error::Database(db) => db,
                    other => rusqlite::Error::ToSqlConversionFailure(Box::new(
                        std::io::Error::other(other.to_string()),
                    )),
                })?;
            }
        }
    }
    Ok(())
}

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // journal_mode answers with the mode it ended in ("memory" for in-memory databases).
    let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // Savepoints (one per imported row) and sorts keep their scratch pages in memory instead
    // of a temporary file.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Saving one record runs a few dozen distinct statements (the record, its children, the
    // change log, tags, custom values); rusqlite's default cache of 16 would re-parse them on
    // every row of an import.
    conn.set_prepared_statement_cache_capacity(256);
    // `money_sum`: totals of amounts that cannot overflow half-way (see `money`).
    crate::kernel::money::register_sql(conn)?;
    // Without the query planner stability guarantee, SQLite re-prepares a cached statement
    // whenever a new value is bound to a parameter it compared with a partial index or a
    // LIKE pattern; a quarter of an import's time went to parsing the same SQL again.
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// Refuses an SQLite file that some other program made: it has tables, but not ours.
fn ensure_ours(conn: &Connection, path: &Path) -> Result<()> {
    let (tables, has_bookkeeping): (i64, bool) = conn
        .query_row(
            "SELECT count(*), coalesce(sum(name = 'schema_migrations'), 0) > 0
               FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .map_err(|e| classify(path, e))?;
    if tables > 0 && !has_bookkeeping {
        return Err(Error::NotADatabase {
            path: path.to_owned(),
            detail: format!("it is an SQLite database of another program ({tables} tables)"),
        });
    }
    Ok(())
}

/// How many migrations the file at `path` still needs, read without writing or waiting
/// (0 for a file that is up to date, new, missing or not a Rapport database: opening it
/// reports those). The window opens such a file in the background and says why it waits.
pub fn pending_migrations(path: &Path) -> i64 {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = Connection::open_with_flags(path, flags) else {
        return 0;
    };
    let applied: Option<i64> = conn
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })
        .unwrap_or(None);
    applied.map_or(0, |applied| {
        let pending = MIGRATIONS.iter().filter(|m| m.version > applied).count();
        i64::try_from(pending).unwrap_or(i64::MAX)
    })
}

/// Applies every pending migration in one transaction; on any failure nothing is applied.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &Path,
    migrations: &[Migration],
    seeds: &[Seed],
) -> Result<()> {
    // Up to date (the usual case): no write lock is needed, so opening never waits for
    // another process that is writing.
    let supported = migrations.last().map_or(0, |m| m.version);
    let applied: Option<i64> = conn
        .query_row("SELECT max(version) FROM schema_migrations", [], |row| {
            row.get(0)
        })
        .unwrap_or(None);
    if applied == Some(supported) {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
         ) STRICT;",
    )?;
    let current: i64 = tx.query_row(
        "SELECT coalesce(max(version), 0) FROM schema_migrations",
        [],
        |row| row.get(0),
    )?;
    if current > supported {
        return Err(Error::SchemaTooNew {
            path: path.to_owned(),
            found: current,
            supported,
        });
    }
    let now = crate::kernel::time::now();
    for m in migrations.iter().filter(|m| m.version > current) {
        let failed = |e: rusqlite::Error| Error::MigrationFailed {
            version: m.version,
            name: m.name.to_owned(),
            detail: e.to_string(),
        };
        tx.execute_batch(m.sql).map_err(failed)?;
        if let Some(then) = m.then {
            then(&tx).map_err(failed)?;
        }
        for seed in seeds.iter().filter(|s| s.version == m.version) {
            (seed.run)(&tx).map_err(failed)?;
        }
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            (m.version, m.name, &now),
        )
        .map_err(failed)?;
    }
    tx.commit()?;
    Ok(())
}

/// Turns SQLite's "not a database" and "corrupt" answers into errors that name the file.
fn classify(path: &Path, e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(SqliteCode::NotADatabase) => Error::NotADatabase {
            path: path.to_owned(),
            detail: e.to_string(),
        },
        Some(SqliteCode::DatabaseCorrupt) => Error::CorruptDatabase {
            path: path.to_owned(),
            detail: e.to_string(),
        },
        Some(SqliteCode::CannotOpen) | Some(SqliteCode::ReadOnly) => Error::Io {
            action: "open",
            path: path.to_owned(),
            source: std::io::Error::other(e.to_string()),
        },
        _ => Error::Database(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::error::ErrorCode;

    /// What the window polls to show changes made outside it: moves on another handle's
    /// commit, not on its own, and answers at once (unknown) while another process writes.
    #[test]
    fn outside_changes_move_on_other_writers_only_and_never_wait() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let mut window = Db::open(&path).unwrap();
        let mut cli = Db::open(&path).unwrap();
        let put = |db: &mut Db, key: &str| {
            db.write(|w| {
                w.conn().execute(
                    "INSERT INTO settings (key, value, created_at, updated_at) VALUES (?1, '1', 't', 't')",
                    [key],
                )?;
                Ok(())
            })
            .unwrap();
        };
        let start = window.outside_changes().unwrap().unwrap();
        put(&mut window, "own");
        assert_eq!(
            window.outside_changes().unwrap(),
            Some(start),
            "its own write"
        );
        put(&mut cli, "other");
        let moved = window.outside_changes().unwrap().unwrap();
        assert_ne!(moved, start, "another handle's write");
        assert_eq!(
            window.outside_changes().unwrap(),
            Some(moved),
            "nothing new since"
        );

        // Another process has its turn (an open description of its own, as a process has).
        let other = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(crate::store::owner::turn_file(&path))
            .unwrap();
        other.lock().unwrap();
        let asked = std::time::Instant::now();
        assert_eq!(window.outside_changes().unwrap(), None);
        // Not the turn's wait (BUSY_TIMEOUT) a command would sit through.
        assert!(asked.elapsed() < BUSY_TIMEOUT / 2, "{:?}", asked.elapsed());
        other.unlock().unwrap();
        assert_eq!(window.outside_changes().unwrap(), Some(moved));
    }

    #[test]
    fn opening_needs_no_write_lock_and_a_write_that_cannot_get_one_says_so_plainly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        drop(Db::open(&path).unwrap());
        // Another process is in the middle of a long write.
        #[allow(clippy::disallowed_methods)]
        let mut other = Connection::open(&path).unwrap();
        let tx = other
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        tx.execute(
            "INSERT INTO settings (key, value, created_at, updated_at) VALUES ('x', '1', 't', 't')",
            [],
        )
        .unwrap();
        let mut db = Db::open(&path).expect("opening an up-to-date file only reads");
        let err = db
            .write(|w| {
                w.conn()
                    .execute("DELETE FROM settings WHERE key = 'none'", [])?;
                Ok(())
            })
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::Busy);
        assert!(err.to_string().contains("try again"), "{err}");
        drop(tx);
    }

    fn tables(db: &Db) -> Vec<String> {
        let mut stmt = db
            .conn()
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    const GOOD: Migration = Migration {
        version: 1,
        name: "one",
        sql: "CREATE TABLE one (id TEXT PRIMARY KEY) STRICT;",
        then: None,
    };

    #[test]
    fn a_failing_migration_leaves_the_schema_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        Db::open_with(&path, &[GOOD]).unwrap();

        // Two pending migrations; the second fails half-way through its own statements.
        let two = Migration {
            version: 2,
            name: "two",
            sql: "CREATE TABLE two (id TEXT PRIMARY KEY) STRICT;",
            then: None,
        };
        let three = Migration {
            version: 3,
            name: "three",
            sql: "CREATE TABLE three (id TEXT) STRICT; INSERT INTO no_such_table VALUES (1);",
            then: None,
        };
        let err = Db::open_with(&path, &[GOOD, two, three]).unwrap_err();
        assert!(
            matches!(err, Error::MigrationFailed { version: 3, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("no_such_table"), "{err}");

        let db = Db::open_with(&path, &[GOOD]).unwrap();
        assert_eq!(tables(&db), ["one", "schema_migrations"]);
        assert_eq!(db.schema_version().unwrap(), 1);
    }

    #[test]
    fn a_newer_schema_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        let two = Migration {
            version: 2,
            name: "two",
            sql: "CREATE TABLE two (id TEXT PRIMARY KEY) STRICT;",
            then: None,
        };
        Db::open_with(&path, &[GOOD, two]).unwrap();
        let err = Db::open_with(&path, &[GOOD]).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::SchemaTooNew);
        assert!(err.to_string().contains("Update Rapport"), "{err}");
        let db = Db::open_with(&path, &[GOOD, two]).unwrap();
        assert_eq!(db.schema_version().unwrap(), 2);
    }

    #[test]
    fn migrations_are_numbered_in_order_and_hold_no_transaction_control() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
            let upper = m.sql.to_uppercase();
            for word in ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT"] {
                assert!(
                    !upper.lines().any(|l| l.trim_start().starts_with(word)),
                    "migration {} contains {word}: it would break the all-or-nothing upgrade",
                    m.name
                );
            }
        }
    }

    /// A shipped migration is never edited. Each one's FNV-1a hash is pinned here when it
    /// ships; to change the schema, add a new migration instead.
    #[test]
    fn shipped_migrations_are_never_edited() {
        const SHIPPED: &[(i64, u64)] = &[
            (1, 0xaa4e_5020_9170_7a5e),
            (2, 0x2cc9_c758_07ed_3dea),
            (3, 0xcde3_c7ed_1f8c_8aab),
            (4, 0x567f_c6a1_f2cd_ea1a),
            (5, 0x453d_530f_0c7b_e3ac),
            (6, 0x9cbc_754f_595c_c0a7),
            (7, 0x2761_c708_de56_d172),
            (8, 0x7a44_1ad9_afdd_c578),
            (9, 0x6ed5_4f6c_baed_7085),
            (10, 0x4696_d884_58d6_f0d8),
            (11, 0x66b2_12eb_2811_8406),
            (12, 0x31a7_4b03_6ed9_398e),
            (13, 0x7722_ed81_9d7b_985a),
            (14, 0x420f_f211_8e30_c2d8),
            (15, 0x2953_4d01_ea27_7cb5),
            (16, 0xeed9_843d_6e8f_bf4c),
            (17, 0x2b15_ef03_ca67_a714),
            (18, 0x60a2_d0b1_bd1e_d39d),
            (19, 0x4f49_84e4_2ef9_622e),
        ];
        assert_eq!(
            SHIPPED.len(),
            MIGRATIONS.len(),
            "pin every migration's hash here (the failure below prints it)"
        );
        for (version, pinned) in SHIPPED {
            let m = &MIGRATIONS[*version as usize - 1];
            let hash = m.sql.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            });
            assert_eq!(
                hash, *pinned,
                "migration {version} ({}) changed after it shipped (hash {hash:#x}); add a new migration instead",
                m.name
            );
        }
    }

    #[test]
    fn pending_migrations_are_counted_without_touching_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        assert_eq!(pending_migrations(&path), 0, "a missing file needs nothing");
        assert!(!path.exists(), "counting created no file");
        drop(Db::open_with(&path, &MIGRATIONS[..2]).unwrap());
        let before = std::fs::read(&path).unwrap();
        let pending = pending_migrations(&path);
        assert_eq!(pending, i64::try_from(MIGRATIONS.len()).unwrap() - 2);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            before,
            "counting wrote nothing"
        );
        let err = Error::Updating {
            path: path.clone(),
            steps: pending,
        };
        assert_eq!(err.code(), ErrorCode::Updating);
        assert!(err.to_string().contains("old.db"), "{err}");
        drop(Db::open(&path).unwrap());
        assert_eq!(pending_migrations(&path), 0);
        std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
        assert_eq!(pending_migrations(&dir.path().join("notes.txt")), 0);
    }

    #[test]
    fn upgrading_indexes_the_records_an_older_version_stored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let old = Db::open_with(&path, &MIGRATIONS[..1]).unwrap();
        old.conn()
            .execute_batch(
                "INSERT INTO accounts (id, name, phone, created_at, updated_at)
                   VALUES ('a1', 'Acme Rockets', '+1 (206) 555-0142', 't', 't');
                 INSERT INTO contacts (id, first_name, last_name, account_id, created_at, updated_at)
                   VALUES ('c1', 'Ada', 'Lovelace', 'a1', 't', 't');
                 INSERT INTO contact_emails (id, contact_id, position, label, address, created_at, updated_at)
                   VALUES ('e1', 'c1', 0, 'work', 'ada@engines.example', 't', 't');",
            )
            .unwrap();
        drop(old);
        let db = Db::open(&path).unwrap();
        let found = |q: &str| -> Vec<String> {
            crate::store::search::search(db.conn(), q, 5)
                .unwrap()
                .into_iter()
                .flat_map(|g| g.hits.into_iter().map(|h| h.id))
                .collect()
        };
        assert_eq!(found("lovelace"), ["c1"]);
        assert_eq!(found("engines"), ["c1"]);
        assert_eq!(found("rockets"), ["c1", "a1"]);
        assert_eq!(found("2065550142"), ["a1"]);
    }

    #[test]
    fn pragmas_hold_on_every_file_connection() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("p.db")).unwrap();
        let conn = db.conn();
        let fk: i64 = conn
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        let mode: String = conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        let sync: i64 = conn
            .pragma_query_value(None, "synchronous", |r| r.get(0))
            .unwrap();
        let busy: i64 = conn
            .pragma_query_value(None, "busy_timeout", |r| r.get(0))
            .unwrap();
        assert_eq!((fk, mode.as_str(), sync, busy), (1, "wal", 1, 5000));
    }

    #[test]
    fn files_that_are_not_ours_are_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&str, &[u8]); 3] = [
            ("contacts.db", b"first_name,last_name\nAda,Lovelace\n"),
            ("garbage.db", &[0xde; 8192]),
            ("truncated.db", b"SQLite format 3\0\x10\0\x01\x01"),
        ];
        for (name, bytes) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let err = Db::open(&path).unwrap_err();
            assert!(
                matches!(
                    err.code(),
                    crate::ErrorCode::NotADatabase | crate::ErrorCode::CorruptDatabase
                ),
                "{name}: {err:?}"
            );
            assert!(
                err.to_string().contains(name),
                "{name}: message names the file: {err}"
            );
            assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name} was modified");
        }

        let foreign = dir.path().join("other-app.sqlite");
        #[allow(clippy::disallowed_methods)] // making a foreign database on purpose
        let conn = Connection::open(&foreign).unwrap();
        conn.execute_batch("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');")
            .unwrap();
        drop(conn);
        let bytes = std::fs::read(&foreign).unwrap();
        let err = Db::open(&foreign).unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::NotADatabase);
        assert!(err.to_string().contains("another program"), "{err}");
        assert_eq!(
            std::fs::read(&foreign).unwrap(),
            bytes,
            "not a byte changed"
        );
        let wal = dir.path().join("other-app.sqlite-wal");
        assert!(!wal.exists(), "no journal left beside it");
    }
}
