-- 0008: products, quotes, sales orders, invoices, credit notes and payments. Money is integer
-- minor units with the document's ISO currency; quantities are thousandths (1.5 = 1500); rates
-- and discounts are basis points (19% = 1900). Every line stores what it computed, and every
-- document its totals, so a document reads back exactly as it was issued.

CREATE TABLE products (
    id                TEXT PRIMARY KEY,
    sku               TEXT NOT NULL CHECK (length(trim(sku)) > 0),
    name              TEXT NOT NULL CHECK (length(trim(name)) > 0),
    description       TEXT,
    unit              TEXT,
    unit_price_minor  INTEGER NOT NULL,
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    tax_rate_bp       INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    active            INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX products_by_sku ON products (sku COLLATE NOCASE);
CREATE INDEX products_by_name ON products (name COLLATE NOCASE);

-- A product of interest on a deal can now point at the catalogue.
ALTER TABLE opportunity_products ADD COLUMN product_id TEXT REFERENCES products (id);

-- Numbered documents: quotes, orders, invoices and credit notes share one shape. A quote's
-- revision is a new row pointing at the one it replaces (which is kept, superseded).
CREATE TABLE sales_documents (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('quote', 'order', 'invoice', 'credit_note')),
    -- Quotes and orders are numbered when made; invoices and credit notes when issued, from
    -- their sequence, so drafts never leave gaps.
    number          TEXT,
    version         INTEGER NOT NULL DEFAULT 1,
    status          TEXT NOT NULL,
    account_id      TEXT REFERENCES accounts (id),
    contact_id      TEXT REFERENCES contacts (id),
    opportunity_id  TEXT REFERENCES opportunities (id),
    -- The quote an order came from, the order an invoice came from, the invoice a credit note
    -- reverses, the quote a revision replaces.
    source_id       TEXT REFERENCES sales_documents (id),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    issued_on       TEXT,
    valid_until     TEXT,     -- quotes
    due_on          TEXT,     -- invoices
    notes           TEXT,
    subtotal_minor  INTEGER NOT NULL DEFAULT 0,
    discount_minor  INTEGER NOT NULL DEFAULT 0,
    tax_minor       INTEGER NOT NULL DEFAULT 0,
    total_minor     INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX sales_documents_by_number ON sales_documents (kind, number) WHERE number IS NOT NULL;
CREATE INDEX sales_documents_by_account ON sales_documents (account_id, kind);
CREATE INDEX sales_documents_by_opportunity ON sales_documents (opportunity_id) WHERE opportunity_id IS NOT NULL;
CREATE INDEX sales_documents_by_source ON sales_documents (source_id) WHERE source_id IS NOT NULL;
CREATE INDEX sales_documents_by_kind ON sales_documents (kind, status, created_at);

CREATE TABLE document_lines (
    id                TEXT PRIMARY KEY,
    document_id       TEXT NOT NULL REFERENCES sales_documents (id),
    position          INTEGER NOT NULL,
    product_id        TEXT REFERENCES products (id),
    -- For an order's line: the quote line it came from; an invoice's: the order line it bills.
    source_line_id    TEXT,
    sku               TEXT,
    description       TEXT NOT NULL,
    unit              TEXT,
    quantity_milli    INTEGER NOT NULL,
    unit_price_minor  INTEGER NOT NULL,
    discount_bp       INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    tax_rate_bp       INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    gross_minor       INTEGER NOT NULL,
    discount_minor    INTEGER NOT NULL,
    net_minor         INTEGER NOT NULL,
    tax_minor         INTEGER NOT NULL,
    total_minor       INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX document_lines_by_document ON document_lines (document_id, position);
CREATE INDEX document_lines_by_source ON document_lines (source_line_id) WHERE source_line_id IS NOT NULL;

CREATE TABLE payments (
    id            TEXT PRIMARY KEY,
    invoice_id    TEXT NOT NULL REFERENCES sales_documents (id),
    paid_on       TEXT NOT NULL,
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    method        TEXT,
    reference     TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX payments_by_invoice ON payments (invoice_id, paid_on);

-- Document number sequences: a prefix, the year it counts in (the count restarts each year
-- when `yearly`), and the next number. Taken inside the issuing transaction, so numbers never
-- repeat and never skip.
CREATE TABLE number_sequences (
    id          TEXT PRIMARY KEY,   -- quote, order, invoice, credit_note
    prefix      TEXT NOT NULL,
    yearly      INTEGER NOT NULL DEFAULT 1,
    year        INTEGER NOT NULL,
    next        INTEGER NOT NULL CHECK (next > 0),
    padding     INTEGER NOT NULL DEFAULT 4,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
