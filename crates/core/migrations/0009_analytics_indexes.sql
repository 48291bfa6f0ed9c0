-- 0009: the dashboard reads the open pipeline (amounts, weighted amounts, expected close
-- months, per owner) and the leads of a period by source from indexes alone, without visiting
-- the rows; SLA breaches in a period are found by their dates.

CREATE INDEX opportunities_by_stage_close_amount
    ON opportunities (stage_id, expected_close, currency, amount_minor, probability, owner_id);

CREATE INDEX leads_by_created_source
    ON leads (created_at, source, converted_at, converted_opportunity_id, owner_id);

CREATE INDEX tickets_by_fr_breach ON tickets (fr_breached_at) WHERE fr_breached_at IS NOT NULL;

CREATE INDEX tickets_by_res_breach ON tickets (res_breached_at) WHERE res_breached_at IS NOT NULL;
