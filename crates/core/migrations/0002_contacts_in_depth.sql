-- 0002: contacts and accounts in depth. Team members (owners), richer contact and account
-- fields, labelled postal addresses, normalised phone numbers, tags, custom fields, saved
-- views, and the search index.

-- Preferences of this database (default country for phone numbers, company profile, ...).
CREATE TABLE settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL CHECK (json_valid(value)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE team_members (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    email       TEXT,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX team_members_by_name ON team_members (name COLLATE NOCASE);

ALTER TABLE contacts ADD COLUMN birthday TEXT;              -- YYYY-MM-DD
ALTER TABLE contacts ADD COLUMN lead_source TEXT;
ALTER TABLE contacts ADD COLUMN owner_id TEXT REFERENCES team_members (id);
ALTER TABLE contacts ADD COLUMN preferred_channel TEXT;     -- email, phone, sms, letter, in_person
ALTER TABLE contacts ADD COLUMN do_not_call_since TEXT;     -- consent flags: set = since when
ALTER TABLE contacts ADD COLUMN do_not_email_since TEXT;
ALTER TABLE contacts ADD COLUMN unsubscribed_since TEXT;
CREATE INDEX contacts_by_owner ON contacts (owner_id);
CREATE INDEX contacts_by_created ON contacts (created_at, id);
CREATE INDEX contacts_by_updated ON contacts (updated_at, id);
CREATE INDEX contacts_by_title ON contacts (title COLLATE NOCASE, id);

ALTER TABLE contact_phones ADD COLUMN e164 TEXT;            -- normalised, NULL when not parseable
ALTER TABLE contact_phones ADD COLUMN national TEXT;        -- national significant number, digits
CREATE INDEX contact_phones_by_e164 ON contact_phones (e164) WHERE e164 IS NOT NULL;

CREATE TABLE contact_addresses (
    id           TEXT PRIMARY KEY,
    contact_id   TEXT NOT NULL REFERENCES contacts (id),
    position     INTEGER NOT NULL,
    label        TEXT NOT NULL DEFAULT 'work',
    street       TEXT,
    city         TEXT,
    region       TEXT,
    postal_code  TEXT,
    country      TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX contact_addresses_by_contact ON contact_addresses (contact_id, position);

ALTER TABLE accounts ADD COLUMN type TEXT;                  -- prospect, customer, partner, vendor
ALTER TABLE accounts ADD COLUMN turnover_band TEXT;
ALTER TABLE accounts ADD COLUMN employee_band TEXT;
ALTER TABLE accounts ADD COLUMN parent_id TEXT REFERENCES accounts (id);
ALTER TABLE accounts ADD COLUMN owner_id TEXT REFERENCES team_members (id);
ALTER TABLE accounts ADD COLUMN phone_e164 TEXT;
ALTER TABLE accounts ADD COLUMN phone_national TEXT;
CREATE INDEX accounts_by_parent ON accounts (parent_id);
CREATE INDEX accounts_by_owner ON accounts (owner_id);
CREATE INDEX accounts_by_industry ON accounts (industry COLLATE NOCASE, id);
CREATE INDEX accounts_by_city ON accounts (address_city COLLATE NOCASE, id);
CREATE INDEX accounts_by_updated ON accounts (updated_at, id);
CREATE INDEX accounts_by_created ON accounts (created_at, id);

CREATE TABLE tags (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    color       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX tags_by_name ON tags (name COLLATE NOCASE);

-- Tags on any record: entity is the record's table ('contacts', 'accounts', ...).
CREATE TABLE taggings (
    id          TEXT PRIMARY KEY,
    tag_id      TEXT NOT NULL REFERENCES tags (id),
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX taggings_unique ON taggings (entity, entity_id, tag_id);
CREATE INDEX taggings_by_tag ON taggings (tag_id, entity);

-- User-defined fields per entity. Renaming changes the label only; values hang off the id.
-- Deleting archives the field, so its values can come back.
CREATE TABLE custom_fields (
    id           TEXT PRIMARY KEY,
    entity       TEXT NOT NULL,
    label        TEXT NOT NULL CHECK (length(trim(label)) > 0),
    kind         TEXT NOT NULL CHECK (kind IN ('text', 'number', 'money', 'date', 'single_select', 'multi_select', 'checkbox')),
    options      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(options)),
    position     INTEGER NOT NULL,
    archived_at  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX custom_fields_by_entity ON custom_fields (entity, position);

-- One value of one custom field on one record. `value` holds text, a number, a date
-- (YYYY-MM-DD), 0/1, a JSON array (multi select) or minor units (money, with `currency`).
CREATE TABLE custom_values (
    id          TEXT PRIMARY KEY,
    field_id    TEXT NOT NULL REFERENCES custom_fields (id),
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    value       ANY,
    currency    TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX custom_values_unique ON custom_values (entity, entity_id, field_id);
CREATE INDEX custom_values_by_field ON custom_values (field_id, value);

-- A named list setup: filters, sort and columns, as JSON the UI and CLI both read.
CREATE TABLE saved_views (
    id          TEXT PRIMARY KEY,
    entity      TEXT NOT NULL,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    definition  TEXT NOT NULL CHECK (json_valid(definition)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX saved_views_by_name ON saved_views (entity, name COLLATE NOCASE);

-- The search index: one document per searchable record. The core keeps it in step with
-- every write (no per-row triggers, so bulk imports can load it in one statement).
CREATE TABLE search_docs (
    rowid      INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX search_docs_by_entity ON search_docs (entity, entity_id);

CREATE VIRTUAL TABLE search_index USING fts5 (
    title,
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

-- Index what 0001 stored.
INSERT INTO search_docs (entity, entity_id)
    SELECT 'accounts', id FROM accounts ORDER BY id;
INSERT INTO search_docs (entity, entity_id)
    SELECT 'contacts', id FROM contacts ORDER BY id;
INSERT INTO search_index (rowid, title, body)
    SELECT d.rowid, a.name,
           concat_ws(' ', a.website, a.industry, a.address_city, a.address_country,
                     replace(replace(replace(replace(a.phone, ' ', ''), '-', ''), '(', ''), ')', ''))
      FROM search_docs d JOIN accounts a ON a.id = d.entity_id
     WHERE d.entity = 'accounts';
INSERT INTO search_index (rowid, title, body)
    SELECT d.rowid, trim(c.first_name || ' ' || c.last_name),
           concat_ws(' ', c.title, a.name,
                     (SELECT group_concat(e.address, ' ') FROM contact_emails e WHERE e.contact_id = c.id),
                     (SELECT group_concat(replace(replace(replace(replace(p.number, ' ', ''), '-', ''), '(', ''), ')', ''), ' ')
                        FROM contact_phones p WHERE p.contact_id = c.id))
      FROM search_docs d JOIN contacts c ON c.id = d.entity_id
      LEFT JOIN accounts a ON a.id = c.account_id
     WHERE d.entity = 'contacts';

-- The record a change belongs to, for its history: a contact's e-mail row belongs to the
-- contact, a tagging to the tagged record. Written by the core with every change from now on.
ALTER TABLE change_log ADD COLUMN record_entity TEXT;
ALTER TABLE change_log ADD COLUMN record_id TEXT;
UPDATE change_log SET record_entity = entity, record_id = entity_id
 WHERE entity IN ('contacts', 'accounts');
UPDATE change_log SET record_entity = 'contacts',
       record_id = coalesce(json_extract(changes, '$.contact_id[1]'), json_extract(changes, '$.contact_id[0]'),
                            (SELECT e.contact_id FROM contact_emails e WHERE e.id = change_log.entity_id),
                            (SELECT p.contact_id FROM contact_phones p WHERE p.id = change_log.entity_id))
 WHERE entity IN ('contact_emails', 'contact_phones');
CREATE INDEX change_log_by_record ON change_log (record_entity, record_id, seq);
