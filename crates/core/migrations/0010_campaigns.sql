-- 0010: marketing campaigns with their cost and expected revenue, and their members (contacts
-- and leads) with how each answered. Leads and deals already name their campaign.

CREATE TABLE campaigns (
    id                      TEXT PRIMARY KEY,
    name                    TEXT NOT NULL CHECK (length(trim(name)) > 0),
    kind                    TEXT NOT NULL DEFAULT 'email'
                            CHECK (kind IN ('email', 'trade_show', 'advertisement', 'webinar',
                                            'direct_mail', 'promotion', 'other')),
    status                  TEXT NOT NULL DEFAULT 'planned'
                            CHECK (status IN ('planned', 'active', 'completed', 'cancelled')),
    starts_on               TEXT,   -- YYYY-MM-DD
    ends_on                 TEXT,
    currency                TEXT NOT NULL CHECK (length(currency) = 3),
    budget_minor            INTEGER CHECK (budget_minor IS NULL OR budget_minor >= 0),
    actual_cost_minor       INTEGER CHECK (actual_cost_minor IS NULL OR actual_cost_minor >= 0),
    expected_revenue_minor  INTEGER CHECK (expected_revenue_minor IS NULL OR expected_revenue_minor >= 0),
    description             TEXT,
    owner_id                TEXT REFERENCES team_members (id),
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL
) STRICT;

CREATE INDEX campaigns_by_name ON campaigns (name COLLATE NOCASE);

CREATE TABLE campaign_members (
    id            TEXT PRIMARY KEY,
    campaign_id   TEXT NOT NULL REFERENCES campaigns (id),
    entity        TEXT NOT NULL CHECK (entity IN ('contacts', 'leads')),
    entity_id     TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'targeted'
                  CHECK (status IN ('targeted', 'sent', 'responded', 'unsubscribed', 'bounced')),
    responded_at  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (campaign_id, entity, entity_id)
) STRICT;

CREATE INDEX campaign_members_by_record ON campaign_members (entity, entity_id);

CREATE INDEX leads_by_campaign ON leads (campaign_id) WHERE campaign_id IS NOT NULL;

CREATE INDEX opportunities_by_campaign ON opportunities (campaign_id) WHERE campaign_id IS NOT NULL;
