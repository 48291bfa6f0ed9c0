-- 0003: activities. Calls, meetings, tasks, notes, e-mails, SMS, letters, faxes, web visits
-- and events; the records they concern (one polymorphic link table that later modules reuse);
-- participants; reminders; and recurring series (RFC 5545 rules).

-- A recurring commitment ("every month on the 1st"). Its occurrences are rows of
-- `activities`; only the next open one is stored, later ones are computed from the rule.
CREATE TABLE activity_series (
    id          TEXT PRIMARY KEY,
    rrule       TEXT NOT NULL CHECK (length(rrule) > 0),  -- RRULE value: FREQ=MONTHLY;BYMONTHDAY=1
    dtstart     TEXT NOT NULL,          -- wall-clock start of the first occurrence, YYYY-MM-DDTHH:MM:SS
    time_zone   TEXT NOT NULL,          -- IANA zone the rule is evaluated in (DST-correct)
    all_day     INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    template    TEXT NOT NULL CHECK (json_valid(template)), -- what each new occurrence gets
    ended_at    TEXT,                   -- set when the series was stopped
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE activities (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('call', 'meeting', 'task', 'note', 'email',
                                                    'sms', 'letter', 'fax', 'web_visit', 'event')),
    subject           TEXT NOT NULL CHECK (length(trim(subject)) > 0),
    notes             TEXT,
    channel           TEXT,             -- phone, email, sms, letter, in_person, video, fax, web, other
    direction         TEXT CHECK (direction IN ('inbound', 'outbound')),
    outcome           TEXT CHECK (outcome IN ('connected', 'no_answer', 'left_voicemail',
                                              'wrong_number', 'call_back')),
    starts_at         TEXT,             -- UTC; the due time of a task
    all_day           INTEGER NOT NULL DEFAULT 0 CHECK (all_day IN (0, 1)),
    duration_minutes  INTEGER CHECK (duration_minutes IS NULL OR duration_minutes >= 0),
    location          TEXT,
    done_at           TEXT,             -- UTC; NULL while open
    remind_at         TEXT,             -- UTC
    reminder_state    TEXT CHECK (reminder_state IN ('pending', 'shown', 'dismissed')),
    series_id         TEXT REFERENCES activity_series (id),
    occurrence_at     TEXT,             -- the series occurrence this row is (UTC), even if moved
    owner_id          TEXT REFERENCES team_members (id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK ((remind_at IS NULL) = (reminder_state IS NULL)),
    CHECK ((series_id IS NULL) = (occurrence_at IS NULL))
) STRICT;
CREATE INDEX activities_by_start ON activities (starts_at, id) WHERE starts_at IS NOT NULL;
CREATE INDEX activities_open_by_start ON activities (starts_at, id)
    WHERE done_at IS NULL AND starts_at IS NOT NULL;
CREATE INDEX activities_by_reminder ON activities (remind_at)
    WHERE reminder_state IN ('pending', 'shown');
CREATE INDEX activities_by_series ON activities (series_id, occurrence_at) WHERE series_id IS NOT NULL;
CREATE INDEX activities_by_created ON activities (created_at, id);

-- Which records an activity concerns: entity is the table name ('contacts', 'accounts',
-- 'leads', 'opportunities', 'tickets', ...). Later modules link their records here too.
CREATE TABLE activity_links (
    id           TEXT PRIMARY KEY,
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX activity_links_unique ON activity_links (activity_id, entity, entity_id);
CREATE INDEX activity_links_by_record ON activity_links (entity, entity_id, activity_id);

-- Who took part: a contact, a team member, or just a name and address.
CREATE TABLE activity_participants (
    id           TEXT PRIMARY KEY,
    activity_id  TEXT NOT NULL REFERENCES activities (id),
    position     INTEGER NOT NULL,
    contact_id   TEXT REFERENCES contacts (id),
    member_id    TEXT REFERENCES team_members (id),
    name         TEXT NOT NULL,
    email        TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX activity_participants_by_activity ON activity_participants (activity_id, position);
CREATE INDEX activity_participants_by_contact ON activity_participants (contact_id)
    WHERE contact_id IS NOT NULL;
