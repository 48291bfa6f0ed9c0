-- 0006: Today counts the overdue open items of every kind but notes. With the kind in the
-- partial index of open, dated activities, that count reads the index alone.

CREATE INDEX activities_open_by_start_kind ON activities (starts_at, kind)
    WHERE done_at IS NULL AND starts_at IS NOT NULL;
