-- 0004: opportunities (deals) and the pipelines they move through: stages with default
-- probabilities, rotting limits and suggested activities; managed lost reasons; the people in
-- a deal with their roles; products of interest; and every stage change with its time.

CREATE TABLE pipelines (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    position    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX pipelines_by_name ON pipelines (name COLLATE NOCASE);

CREATE TABLE pipeline_stages (
    id            TEXT PRIMARY KEY,
    pipeline_id   TEXT NOT NULL REFERENCES pipelines (id),
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
    probability   INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
    rotting_days  INTEGER CHECK (rotting_days IS NULL OR rotting_days > 0),
    -- Suggested activities on entering the stage: [{"kind": "task", "subject": "...", "due_in_days": 2}]
    checklist     TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(checklist)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX pipeline_stages_by_pipeline ON pipeline_stages (pipeline_id, position);
CREATE UNIQUE INDEX pipeline_stages_by_name ON pipeline_stages (pipeline_id, name COLLATE NOCASE);

CREATE TABLE lost_reasons (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    position    INTEGER NOT NULL,
    archived_at TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX lost_reasons_by_name ON lost_reasons (name COLLATE NOCASE);

CREATE TABLE opportunities (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL CHECK (length(trim(name)) > 0),
    pipeline_id       TEXT NOT NULL REFERENCES pipelines (id),
    stage_id          TEXT NOT NULL REFERENCES pipeline_stages (id),
    stage_entered_at  TEXT NOT NULL,   -- UTC; when it entered its current stage
    account_id        TEXT REFERENCES accounts (id),
    amount_minor      INTEGER,
    currency          TEXT CHECK (currency IS NULL OR length(currency) = 3),
    probability       INTEGER CHECK (probability IS NULL OR probability BETWEEN 0 AND 100), -- NULL: the stage's
    expected_close    TEXT,            -- YYYY-MM-DD
    closed_on         TEXT,            -- YYYY-MM-DD, when won or lost
    lost_reason_id    TEXT REFERENCES lost_reasons (id),
    lost_note         TEXT,
    next_step         TEXT,
    source            TEXT,
    campaign_id       TEXT,            -- a campaign, once campaigns exist
    owner_id          TEXT REFERENCES team_members (id),
    notes             TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK ((amount_minor IS NULL) = (currency IS NULL))
) STRICT;
CREATE INDEX opportunities_by_stage ON opportunities (stage_id, expected_close, id);
CREATE INDEX opportunities_by_pipeline ON opportunities (pipeline_id, stage_id, currency, amount_minor, probability);
CREATE INDEX opportunities_by_account ON opportunities (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX opportunities_by_close ON opportunities (expected_close);
CREATE INDEX opportunities_by_closed ON opportunities (closed_on) WHERE closed_on IS NOT NULL;
CREATE INDEX opportunities_by_owner ON opportunities (owner_id) WHERE owner_id IS NOT NULL;

-- The people in a deal and their role (decision maker, influencer, user, ...).
CREATE TABLE opportunity_contacts (
    id              TEXT PRIMARY KEY,
    opportunity_id  TEXT NOT NULL REFERENCES opportunities (id),
    contact_id      TEXT NOT NULL REFERENCES contacts (id),
    role            TEXT,
    position        INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX opportunity_contacts_by_opportunity ON opportunity_contacts (opportunity_id, position);
CREATE INDEX opportunity_contacts_by_contact ON opportunity_contacts (contact_id);

-- Products of interest, by name until the product catalogue exists.
CREATE TABLE opportunity_products (
    id              TEXT PRIMARY KEY,
    opportunity_id  TEXT NOT NULL REFERENCES opportunities (id),
    name            TEXT NOT NULL,
    position        INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX opportunity_products_by_opportunity ON opportunity_products (opportunity_id, position);

-- Every stage an opportunity has been in: time in stage and the sales cycle are measured here.
CREATE TABLE opportunity_stage_history (
    id              TEXT PRIMARY KEY,
    opportunity_id  TEXT NOT NULL REFERENCES opportunities (id),
    stage_id        TEXT NOT NULL REFERENCES pipeline_stages (id),
    entered_at      TEXT NOT NULL,
    left_at         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX opportunity_stage_history_by_opportunity ON opportunity_stage_history (opportunity_id, entered_at);
CREATE INDEX opportunity_stage_history_by_stage ON opportunity_stage_history (stage_id, entered_at);
