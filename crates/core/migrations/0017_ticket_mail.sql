-- 0017: a reply written on a ticket goes to the customer through the outbox, in the thread of
-- their mail. The outbox message remembers the ticket message it carries (so the ticket shows
-- whether it left, and its first-response clock stops when it does) and the threading headers
-- it goes with.

ALTER TABLE outbox ADD COLUMN ticket_message_id TEXT REFERENCES ticket_messages (id);
ALTER TABLE outbox ADD COLUMN in_reply_to TEXT;      -- a Message-ID, without angle brackets
ALTER TABLE outbox ADD COLUMN refs TEXT;             -- References, ids separated by spaces
CREATE INDEX outbox_by_ticket_message ON outbox (ticket_message_id) WHERE ticket_message_id IS NOT NULL;
