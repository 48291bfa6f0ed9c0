-- 0005: leads and the call lists (pre-leads) they are qualified from. A call list is a named
-- list of people to call one by one; each call is an activity linked to its entry, and an
-- interested person is promoted to a lead that keeps the calls. A lead is later converted
-- into an account, a contact and an opportunity, and remembers what it became.

-- Where leads come from: an editable pick list (search engine, ad, web form, ...).
CREATE TABLE lead_sources (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    position    INTEGER NOT NULL,
    archived_at TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX lead_sources_by_name ON lead_sources (name COLLATE NOCASE);

CREATE TABLE call_lists (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    -- What to say, shown beside each person in the calling queue.
    script        TEXT,
    -- A person who did not answer this many times leaves the queue.
    max_attempts  INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts > 0),
    source_file   TEXT,
    owner_id      TEXT REFERENCES team_members (id),
    archived_at   TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX call_lists_by_name ON call_lists (name COLLATE NOCASE);

-- One person on a call list (a pre-lead).
CREATE TABLE call_list_entries (
    id              TEXT PRIMARY KEY,
    call_list_id    TEXT NOT NULL REFERENCES call_lists (id),
    position        INTEGER NOT NULL,   -- the row's order in the imported file
    name            TEXT NOT NULL,
    company         TEXT,
    title           TEXT,
    phone           TEXT NOT NULL,      -- as written in the file
    phone_e164      TEXT,               -- normalised, NULL when not parseable
    email           TEXT,
    city            TEXT,
    notes           TEXT,
    -- The file's other columns, {"header": "value"}, shown as details while calling.
    extra           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra)),
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'no_answer', 'callback', 'not_interested', 'wrong_number', 'promoted')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_called_at  TEXT,
    callback_at     TEXT,               -- UTC, when status is 'callback'
    lead_id         TEXT,               -- the lead it was promoted to
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX call_list_entries_by_list ON call_list_entries (call_list_id, status, position);
CREATE INDEX call_list_entries_by_callback ON call_list_entries (call_list_id, callback_at)
    WHERE status = 'callback';
CREATE INDEX call_list_entries_by_e164 ON call_list_entries (phone_e164) WHERE phone_e164 IS NOT NULL;

CREATE TABLE leads (
    id                        TEXT PRIMARY KEY,
    name                      TEXT NOT NULL CHECK (length(trim(name)) > 0),
    company                   TEXT,
    title                     TEXT,
    email                     TEXT,
    phone                     TEXT,
    phone_e164                TEXT,
    website                   TEXT,
    source                    TEXT,
    campaign_id               TEXT,   -- a campaign, once campaigns exist
    status                    TEXT NOT NULL DEFAULT 'new'
                              CHECK (status IN ('new', 'contacted', 'qualified', 'unqualified', 'converted')),
    rating                    TEXT CHECK (rating IS NULL OR rating IN ('hot', 'warm', 'cold')),
    owner_id                  TEXT REFERENCES team_members (id),
    estimated_minor           INTEGER,
    estimated_currency        TEXT CHECK (estimated_currency IS NULL OR length(estimated_currency) = 3),
    notes                     TEXT,
    call_list_entry_id        TEXT REFERENCES call_list_entries (id),
    converted_at              TEXT,
    converted_account_id      TEXT REFERENCES accounts (id),
    converted_contact_id      TEXT REFERENCES contacts (id),
    converted_opportunity_id  TEXT REFERENCES opportunities (id),
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL,
    CHECK ((estimated_minor IS NULL) = (estimated_currency IS NULL)),
    CHECK ((status = 'converted') = (converted_at IS NOT NULL))
) STRICT;
CREATE INDEX leads_by_name ON leads (name COLLATE NOCASE, id);
CREATE INDEX leads_by_status ON leads (status, updated_at, id);
CREATE INDEX leads_by_owner ON leads (owner_id);
CREATE INDEX leads_by_created ON leads (created_at, id);
CREATE INDEX leads_by_updated ON leads (updated_at, id);
CREATE INDEX leads_by_email ON leads (email COLLATE NOCASE) WHERE email IS NOT NULL;
CREATE INDEX leads_by_e164 ON leads (phone_e164) WHERE phone_e164 IS NOT NULL;
CREATE INDEX leads_by_contact ON leads (converted_contact_id) WHERE converted_contact_id IS NOT NULL;
CREATE INDEX leads_by_account ON leads (converted_account_id) WHERE converted_account_id IS NOT NULL;
CREATE INDEX leads_by_opportunity ON leads (converted_opportunity_id) WHERE converted_opportunity_id IS NOT NULL;
