-- 0018: what the mailbox tells about mail that went out.
-- A hard bounce (a delivery report saying an address does not exist) marks the address, not a
-- record: the outbox stops writing to it whoever holds it, and editing a contact never loses
-- the mark. A later mail from the address, or the user, clears it.
CREATE TABLE mail_bounces (
    id          TEXT PRIMARY KEY,
    address     TEXT NOT NULL UNIQUE COLLATE NOCASE,
    reason      TEXT NOT NULL,           -- the report's words (status code and diagnostic)
    bounced_at  TEXT NOT NULL,           -- UTC, when the report was written
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;

-- A reply to a campaign or sequence mail from an address Rapport does not know waits in
-- "Unmatched replies" until the user makes it a contact or a lead, or ignores it.
ALTER TABLE mail_messages ADD COLUMN unmatched INTEGER NOT NULL DEFAULT 0 CHECK (unmatched IN (0, 1));
CREATE INDEX mail_messages_unmatched ON mail_messages (activity_id) WHERE unmatched = 1;
