-- 0007: customer service. Tickets with replies, internal notes and a status history; SLA
-- policies (first response and resolution targets per priority, optionally per account tier)
-- counted in business hours from the working-hours setting and the holidays below; service
-- agreements (commitments such as "monthly statement by e-mail") whose due occurrences
-- become tasks and are logged as delivered or skipped.

-- Days off: no business hours are counted on these local dates.
CREATE TABLE holidays (
    id          TEXT PRIMARY KEY,
    day         TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX holidays_by_day ON holidays (day);

-- The time allowed, in business minutes, per priority; a policy with a tier applies to
-- accounts carrying a tag of that name and wins over the tierless one.
CREATE TABLE sla_policies (
    id                      TEXT PRIMARY KEY,
    tier                    TEXT,
    priority                TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    first_response_minutes  INTEGER NOT NULL CHECK (first_response_minutes > 0),
    resolution_minutes      INTEGER NOT NULL CHECK (resolution_minutes > 0),
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX sla_policies_by_tier ON sla_policies (ifnull(tier, '') COLLATE NOCASE, priority);

CREATE TABLE tickets (
    id                  TEXT PRIMARY KEY,
    number              INTEGER NOT NULL,
    subject             TEXT NOT NULL CHECK (length(trim(subject)) > 0),
    description         TEXT,
    account_id          TEXT REFERENCES accounts (id),
    contact_id          TEXT REFERENCES contacts (id),
    product             TEXT,
    channel             TEXT NOT NULL DEFAULT 'email'
                        CHECK (channel IN ('phone', 'email', 'web_form', 'letter', 'in_person')),
    category            TEXT NOT NULL DEFAULT 'question'
                        CHECK (category IN ('question', 'problem', 'complaint', 'request', 'callback')),
    priority            TEXT NOT NULL DEFAULT 'normal'
                        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status              TEXT NOT NULL DEFAULT 'new'
                        CHECK (status IN ('new', 'open', 'waiting', 'resolved', 'closed')),
    owner_id            TEXT REFERENCES team_members (id),
    -- A callback request: the call scheduled for it; completing the call resolves the ticket
    -- when resolve_on_callback is set.
    callback_activity_id TEXT,
    resolve_on_callback INTEGER NOT NULL DEFAULT 1,
    first_responded_at  TEXT,
    resolved_at         TEXT,
    closed_at           TEXT,
    -- The two SLA clocks, recomputed by every change of the ticket, the policies or the
    -- calendar (see tickets.rs): the target, when it falls due and when the warning share is
    -- reached while the clock runs (NULL while paused or met), the business seconds left when
    -- it last stopped, when it was met, and when it was breached.
    fr_target_minutes   INTEGER,
    fr_due_at           TEXT,
    fr_warn_at          TEXT,
    fr_left_seconds     INTEGER,
    fr_met_at           TEXT,
    fr_breached_at      TEXT,
    res_target_minutes  INTEGER,
    res_due_at          TEXT,
    res_warn_at         TEXT,
    res_left_seconds    INTEGER,
    res_met_at          TEXT,
    res_breached_at     TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX tickets_by_number ON tickets (number);
CREATE INDEX tickets_by_status ON tickets (status, updated_at);
CREATE INDEX tickets_by_account ON tickets (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX tickets_by_contact ON tickets (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX tickets_by_owner ON tickets (owner_id, status);
CREATE INDEX tickets_by_category ON tickets (category, account_id);

-- A ticket's conversation: replies to the customer, the customer's own messages (logged by
-- the agent) and internal notes.
CREATE TABLE ticket_messages (
    id          TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets (id),
    kind        TEXT NOT NULL CHECK (kind IN ('reply', 'customer', 'note')),
    body        TEXT NOT NULL CHECK (length(trim(body)) > 0),
    author_id   TEXT REFERENCES team_members (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, created_at);

-- Every status a ticket entered, with when: the SLA clocks pause while it waits on the
-- customer and stop while it is resolved or closed.
CREATE TABLE ticket_status_history (
    id          TEXT PRIMARY KEY,
    ticket_id   TEXT NOT NULL REFERENCES tickets (id),
    status      TEXT NOT NULL,
    entered_at  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX ticket_status_history_by_ticket ON ticket_status_history (ticket_id, entered_at);

-- A commitment to an account: "monthly statement by e-mail", "quarterly maintenance visit".
CREATE TABLE service_agreements (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description TEXT,
    rrule       TEXT NOT NULL,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT,
    owner_id    TEXT REFERENCES team_members (id),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX service_agreements_by_account ON service_agreements (account_id);

-- One due date of an agreement, with the task made for it and what became of it.
CREATE TABLE agreement_occurrences (
    id            TEXT PRIMARY KEY,
    agreement_id  TEXT NOT NULL REFERENCES service_agreements (id),
    due_on        TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'delivered', 'skipped')),
    task_id       TEXT,
    note          TEXT,
    settled_at    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX agreement_occurrences_by_due ON agreement_occurrences (agreement_id, due_on);
CREATE INDEX agreement_occurrences_by_task ON agreement_occurrences (task_id) WHERE task_id IS NOT NULL;
