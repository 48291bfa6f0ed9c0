-- 0016: mail read from the user's own mailbox (IMAP). Rapport keeps only messages that concern
-- a record of the file; each is an e-mail activity on those records' timelines, with what the
-- activity cannot hold (addresses, threading headers, sanitised HTML, attachment names) here.
-- Every folder read remembers where it stopped (its UIDVALIDITY and the highest UID seen), so
-- nothing is fetched twice and a broken sync resumes where it stopped.

CREATE TABLE mail_folders (
    name          TEXT PRIMARY KEY,          -- the folder's name on the server (INBOX, Sent)
    uidvalidity   INTEGER NOT NULL,
    last_uid      INTEGER NOT NULL DEFAULT 0 CHECK (last_uid >= 0),
    synced_at     TEXT,                      -- UTC, the end of the last complete pass
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE mail_messages (
    id            TEXT PRIMARY KEY,
    activity_id   TEXT NOT NULL UNIQUE REFERENCES activities (id),
    message_id    TEXT NOT NULL,             -- without angle brackets
    in_reply_to   TEXT,
    refs          TEXT,                      -- References, ids separated by spaces
    thread_id     TEXT NOT NULL,             -- the Message-ID that opened the conversation
    from_address  TEXT,
    from_name     TEXT,
    to_addresses  TEXT NOT NULL DEFAULT '',  -- addresses separated by ", "
    cc_addresses  TEXT NOT NULL DEFAULT '',
    html          TEXT,                      -- sanitised: no script, no remote content loaded
    attachments   TEXT CHECK (attachments IS NULL OR json_valid(attachments)),
                                             -- [{"name", "type", "size"}]
    automatic     INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),
                                             -- an automatic reply (RFC 3834) or a bounce
    problems      TEXT,                      -- what could not be read, in words
    folder        TEXT NOT NULL,
    uid           INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX mail_messages_by_message_id ON mail_messages (message_id);
CREATE INDEX mail_messages_by_thread ON mail_messages (thread_id);
