-- 0013: a lighter activity_links (500,800 rows and 224 MB of the benchmark file, 450 bytes a
-- link). The table is now keyed by what makes a link unique, (activity_id, entity,
-- entity_id), WITHOUT ROWID: the unique index and the index of the text id go, as the key
-- holds them; the index by record stays. A link keeps its id (the change log names link rows
-- by it for history and undo); a row is found by id through its activity, which the change
-- log names as the link's record (see store::writer::row_filter). Columns keep their order,
-- so the JSON archive reads and writes them as before.
-- And activities_by_created goes: no query reads activities in creation order (the timeline
-- sorts by coalesce(starts_at, created_at), which it cannot use).

CREATE TABLE activity_links_keyed (
    id           TEXT NOT NULL,
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (activity_id, entity, entity_id)
) STRICT, WITHOUT ROWID;

INSERT INTO activity_links_keyed (id, activity_id, entity, entity_id, created_at, updated_at)
SELECT id, activity_id, entity, entity_id, created_at, updated_at
  FROM activity_links
 ORDER BY activity_id, entity, entity_id;

DROP TABLE activity_links;
ALTER TABLE activity_links_keyed RENAME TO activity_links;
CREATE INDEX activity_links_by_record ON activity_links (entity, entity_id, activity_id);

DROP INDEX activities_by_created;
