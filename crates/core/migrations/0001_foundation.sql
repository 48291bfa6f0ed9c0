-- 0001: the foundation. Accounts, contacts with their e-mail addresses and phone numbers,
-- and the append-only change log that every write records into.
-- A shipped migration is never edited: add a new numbered file instead.

CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id   TEXT NOT NULL,              -- one user action (a save, a merge, an import)
    origin     TEXT NOT NULL,              -- who asked: 'app', 'cli', 'import', 'test', ...
    entity     TEXT NOT NULL,              -- table name of the changed row
    entity_id  TEXT NOT NULL,
    op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    changes    TEXT NOT NULL CHECK (json_valid(changes)), -- {"field": [old, new], ...}
    at         TEXT NOT NULL               -- UTC, RFC 3339 with milliseconds
) STRICT;
CREATE INDEX change_log_by_entity ON change_log (entity, entity_id, seq);
CREATE INDEX change_log_by_batch ON change_log (batch_id);

CREATE TABLE accounts (
    id                        TEXT PRIMARY KEY,
    name                      TEXT NOT NULL CHECK (length(trim(name)) > 0),
    industry                  TEXT,
    website                   TEXT,
    phone                     TEXT,
    address_street            TEXT,
    address_city              TEXT,
    address_region            TEXT,
    address_postal_code       TEXT,
    address_country           TEXT,
    annual_revenue_minor      INTEGER,
    annual_revenue_currency   TEXT CHECK (annual_revenue_currency IS NULL OR length(annual_revenue_currency) = 3),
    employee_count            INTEGER CHECK (employee_count IS NULL OR employee_count >= 0),
    notes                     TEXT,
    created_at                TEXT NOT NULL,
    updated_at                TEXT NOT NULL,
    CHECK ((annual_revenue_minor IS NULL) = (annual_revenue_currency IS NULL))
) STRICT;
CREATE INDEX accounts_by_name ON accounts (name COLLATE NOCASE, id);

CREATE TABLE contacts (
    id          TEXT PRIMARY KEY,
    first_name  TEXT NOT NULL DEFAULT '',
    last_name   TEXT NOT NULL DEFAULT '',
    title       TEXT,
    account_id  TEXT REFERENCES accounts (id),
    notes       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (length(trim(first_name)) + length(trim(last_name)) > 0)
) STRICT;
CREATE INDEX contacts_by_last_name ON contacts (last_name COLLATE NOCASE, first_name COLLATE NOCASE, id);
CREATE INDEX contacts_by_account ON contacts (account_id);

CREATE TABLE contact_emails (
    id          TEXT PRIMARY KEY,
    contact_id  TEXT NOT NULL REFERENCES contacts (id),
    position    INTEGER NOT NULL,
    label       TEXT NOT NULL DEFAULT 'work',
    address     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX contact_emails_by_contact ON contact_emails (contact_id, position);
CREATE INDEX contact_emails_by_address ON contact_emails (address COLLATE NOCASE);

CREATE TABLE contact_phones (
    id          TEXT PRIMARY KEY,
    contact_id  TEXT NOT NULL REFERENCES contacts (id),
    position    INTEGER NOT NULL,
    label       TEXT NOT NULL DEFAULT 'work',
    number      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX contact_phones_by_contact ON contact_phones (contact_id, position);
