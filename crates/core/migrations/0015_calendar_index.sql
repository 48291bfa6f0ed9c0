-- 0015: the calendar's month grid counts every item of six weeks, day by day, for everyone or
-- for one owner. With the owner and the kind in this index (notes, never on a calendar, left
-- out of it), that count reads the index alone instead of tens of thousands of rows.

CREATE INDEX activities_on_calendar ON activities (starts_at, owner_id, kind)
    WHERE starts_at IS NOT NULL AND kind <> 'note';
