-- 0011: marketing beyond campaigns: segments (saved filters and static lists), e-mail
-- templates, follow-up sequences with their enrolments, promotions and the outbox every message
-- waits in until it is sent. The SMTP password is never stored here: it lives in the system
-- keyring.

-- A lead can ask not to be e-mailed again, as a contact can.
ALTER TABLE leads ADD COLUMN unsubscribed_since TEXT;

CREATE TABLE segments (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    entity       TEXT NOT NULL CHECK (entity IN ('contacts', 'accounts', 'leads')),
    kind         TEXT NOT NULL CHECK (kind IN ('dynamic', 'static')),
    -- dynamic: {"match": "all" | "any", "conditions": [{"field", "op", "value"}]}
    definition   TEXT NOT NULL DEFAULT '{}',
    description  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE INDEX segments_by_name ON segments (name COLLATE NOCASE);

-- The records of a static list.
CREATE TABLE segment_members (
    id          TEXT PRIMARY KEY,
    segment_id  TEXT NOT NULL REFERENCES segments (id),
    entity_id   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (segment_id, entity_id)
) STRICT;

CREATE INDEX segment_members_by_record ON segment_members (entity_id);

CREATE TABLE email_templates (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    subject     TEXT NOT NULL CHECK (length(trim(subject)) > 0),
    body        TEXT NOT NULL,   -- plain text with {{merge_fields}}; the HTML part is made from it
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE sequences (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL CHECK (length(trim(name)) > 0),
    status            TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
    -- Enrol each new lead automatically, when it matches the source and campaign given (if any).
    enrol_new_leads   INTEGER NOT NULL DEFAULT 0 CHECK (enrol_new_leads IN (0, 1)),
    lead_source       TEXT,
    lead_campaign_id  TEXT REFERENCES campaigns (id),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE TABLE sequence_steps (
    id           TEXT PRIMARY KEY,
    sequence_id  TEXT NOT NULL REFERENCES sequences (id),
    position     INTEGER NOT NULL CHECK (position >= 1),
    template_id  TEXT NOT NULL REFERENCES email_templates (id),
    delay_days   INTEGER NOT NULL CHECK (delay_days BETWEEN 0 AND 365),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (sequence_id, position)
) STRICT;

CREATE TABLE sequence_enrolments (
    id             TEXT PRIMARY KEY,
    sequence_id    TEXT NOT NULL REFERENCES sequences (id),
    entity         TEXT NOT NULL CHECK (entity IN ('contacts', 'leads')),
    entity_id      TEXT NOT NULL,
    status         TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'stopped')),
    stop_reason    TEXT CHECK (stop_reason IS NULL OR stop_reason IN
                       ('replied', 'converted', 'unsubscribed', 'do_not_email', 'removed', 'no_address')),
    next_position  INTEGER NOT NULL DEFAULT 1,
    next_due_on    TEXT,            -- YYYY-MM-DD, local; NULL once it is no longer active
    enrolled_on    TEXT NOT NULL,   -- YYYY-MM-DD, local
    ended_at       TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (sequence_id, entity, entity_id),
    CHECK ((status = 'stopped') = (stop_reason IS NOT NULL))
) STRICT;

CREATE INDEX sequence_enrolments_due ON sequence_enrolments (next_due_on) WHERE status = 'active';
CREATE INDEX sequence_enrolments_by_record ON sequence_enrolments (entity, entity_id);

CREATE TABLE promotions (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    template_id  TEXT NOT NULL REFERENCES email_templates (id),
    segment_id   TEXT NOT NULL REFERENCES segments (id),
    campaign_id  TEXT REFERENCES campaigns (id),
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'cancelled')),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE outbox (
    id               TEXT PRIMARY KEY,
    entity           TEXT NOT NULL CHECK (entity IN ('contacts', 'leads')),
    entity_id        TEXT NOT NULL,
    to_address       TEXT,
    to_name          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body_text        TEXT NOT NULL,
    body_html        TEXT NOT NULL,
    template_id      TEXT REFERENCES email_templates (id),
    enrolment_id     TEXT REFERENCES sequence_enrolments (id),
    step_position    INTEGER,
    promotion_id     TEXT REFERENCES promotions (id),
    campaign_id      TEXT REFERENCES campaigns (id),
    -- sending: handed to the server. unsure: the app stopped while sending, so it may have
    -- gone; it is never sent again unless the user says so for that message.
    status           TEXT NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped', 'cancelled',
                                       'unsure')),
    skip_reason      TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,          -- UTC; NULL: at once
    last_error       TEXT,          -- the server's (or the network's) reason
    message_id       TEXT,
    sent_at          TEXT,
    activity_id      TEXT REFERENCES activities (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    -- Each step of an enrolment and each recipient of a promotion is queued once.
    UNIQUE (enrolment_id, step_position),
    UNIQUE (promotion_id, entity, entity_id)
) STRICT;

CREATE INDEX outbox_queued ON outbox (next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbox_by_status ON outbox (status, created_at);
CREATE INDEX outbox_by_promotion ON outbox (promotion_id, status) WHERE promotion_id IS NOT NULL;
