-- 0012: a lean change log. It records what undo and history need, not a second copy of the
-- data: an insert logs its id only (the row is the value), an update the changed fields' old
-- and new values, a delete the old row. A batch (one action) is a row of change_batches,
-- written once with its time, origin and plain-words label; each change points at it by
-- integer. Kinds of rows are small integers (change_kinds), UUID ids 16-byte blobs (other ids
-- stay text), and a change names the record it belongs to only when that is another one
-- (an e-mail row belongs to its contact). The view change_entries reads it all back as text.

CREATE TABLE change_kinds (
    id    INTEGER PRIMARY KEY,
    name  TEXT NOT NULL UNIQUE              -- table name of the changed rows
) STRICT;

CREATE TABLE change_batches (
    id      INTEGER PRIMARY KEY,
    uid     ANY NOT NULL UNIQUE,            -- the batch id callers see: 16-byte blob of a UUID
    origin  TEXT NOT NULL,                  -- who asked: 'app', 'cli', 'import', 'test', ...
    at      TEXT NOT NULL,                  -- UTC, RFC 3339 with milliseconds
    label   TEXT,                           -- plain words set by the action ("Imported ...")
    undoes  INTEGER REFERENCES change_batches (id)  -- the batch this one undid
) STRICT;
CREATE INDEX change_batches_by_undoes ON change_batches (undoes) WHERE undoes IS NOT NULL;

CREATE TABLE change_log_lean (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    batch        INTEGER NOT NULL REFERENCES change_batches (id),
    kind         INTEGER NOT NULL REFERENCES change_kinds (id),
    row_id       ANY NOT NULL,              -- 16-byte blob of a UUID, else the text id
    op           INTEGER NOT NULL CHECK (op IN (1, 2, 3)),   -- 1 insert, 2 update, 3 delete
    changes      TEXT CHECK (changes IS NULL OR json_valid(changes)),
                 -- update: {"field": [old, new]}; delete: {"field": [old, null]}; insert: NULL
    record_kind  INTEGER,                   -- the record the row belongs to (a change_kinds id), when
    record_id    ANY                                     -- it is another one (else NULL)
) STRICT;

INSERT INTO change_kinds (name)
SELECT entity FROM change_log
 UNION
SELECT record_entity FROM change_log WHERE record_entity IS NOT NULL;

INSERT INTO change_batches (uid, origin, at)
SELECT CASE WHEN batch_id GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
            THEN unhex(replace(batch_id, '-', '')) ELSE batch_id END,
       min(origin), min(at)
  FROM change_log
 GROUP BY batch_id
 ORDER BY min(seq);

-- The batches' integer ids by their text ids, for the conversion only.
CREATE TEMP TABLE batch_ids (uid TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO batch_ids (uid, id)
SELECT CASE WHEN typeof(uid) = 'blob'
            THEN lower(substr(hex(uid), 1, 8) || '-' || substr(hex(uid), 9, 4) || '-' ||
                       substr(hex(uid), 13, 4) || '-' || substr(hex(uid), 17, 4) || '-' ||
                       substr(hex(uid), 21))
            ELSE uid END,
       id
  FROM change_batches;

INSERT INTO change_log_lean (seq, batch, kind, row_id, op, changes, record_kind, record_id)
SELECT l.seq, b.id, k.id,
       CASE WHEN l.entity_id GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
            THEN unhex(replace(l.entity_id, '-', '')) ELSE l.entity_id END,
       CASE l.op WHEN 'insert' THEN 1 WHEN 'update' THEN 2 ELSE 3 END,
       CASE WHEN l.op = 'insert' THEN NULL ELSE json(l.changes) END,
       CASE WHEN l.record_entity IS NULL OR l.record_id IS NULL
              OR (l.record_entity = l.entity AND l.record_id = l.entity_id) THEN NULL
            ELSE r.id END,
       CASE WHEN l.record_entity IS NULL OR l.record_id IS NULL
              OR (l.record_entity = l.entity AND l.record_id = l.entity_id) THEN NULL
            WHEN l.record_id GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f]-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'
            THEN unhex(replace(l.record_id, '-', '')) ELSE l.record_id END
  FROM change_log l
  JOIN batch_ids b ON b.uid = l.batch_id
  JOIN change_kinds k ON k.name = l.entity
  LEFT JOIN change_kinds r ON r.name = l.record_entity
 ORDER BY l.seq;

DROP TABLE batch_ids;
DROP TABLE change_log;
ALTER TABLE change_log_lean RENAME TO change_log;

-- History of a row, and undo's "changed again later?" check (the rowid, seq, ends each key).
CREATE INDEX change_log_by_row ON change_log (kind, row_id);
-- History of a record through its child rows (e-mails, tags, ...).
CREATE INDEX change_log_by_record ON change_log (record_kind, record_id) WHERE record_kind IS NOT NULL;
-- A batch's changes: undo, the History screen.
CREATE INDEX change_log_by_batch ON change_log (batch);

-- The log as text, as it read before: for people and scripts, not for the app's queries.
CREATE VIEW change_entries AS
SELECT l.seq,
       CASE WHEN typeof(b.uid) = 'blob'
            THEN lower(substr(hex(b.uid), 1, 8) || '-' || substr(hex(b.uid), 9, 4) || '-' ||
                       substr(hex(b.uid), 13, 4) || '-' || substr(hex(b.uid), 17, 4) || '-' ||
                       substr(hex(b.uid), 21))
            ELSE b.uid END AS batch_id,
       b.origin,
       k.name AS entity,
       CASE WHEN typeof(l.row_id) = 'blob'
            THEN lower(substr(hex(l.row_id), 1, 8) || '-' || substr(hex(l.row_id), 9, 4) || '-' ||
                       substr(hex(l.row_id), 13, 4) || '-' || substr(hex(l.row_id), 17, 4) || '-' ||
                       substr(hex(l.row_id), 21))
            ELSE l.row_id END AS entity_id,
       CASE l.op WHEN 1 THEN 'insert' WHEN 2 THEN 'update' ELSE 'delete' END AS op,
       l.changes,
       b.at,
       coalesce(r.name, k.name) AS record_entity,
       CASE WHEN l.record_kind IS NULL
            THEN CASE WHEN typeof(l.row_id) = 'blob'
                      THEN lower(substr(hex(l.row_id), 1, 8) || '-' || substr(hex(l.row_id), 9, 4) || '-' ||
                                 substr(hex(l.row_id), 13, 4) || '-' || substr(hex(l.row_id), 17, 4) || '-' ||
                                 substr(hex(l.row_id), 21))
                      ELSE l.row_id END
            WHEN typeof(l.record_id) = 'blob'
            THEN lower(substr(hex(l.record_id), 1, 8) || '-' || substr(hex(l.record_id), 9, 4) || '-' ||
                       substr(hex(l.record_id), 13, 4) || '-' || substr(hex(l.record_id), 17, 4) || '-' ||
                       substr(hex(l.record_id), 21))
            ELSE l.record_id END AS record_id,
       b.label
  FROM change_log l
  JOIN change_batches b ON b.id = l.batch
  JOIN change_kinds k ON k.id = l.kind
  LEFT JOIN change_kinds r ON r.id = l.record_kind;
