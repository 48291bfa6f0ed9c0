-- 0019: quotes, invoices and credit notes e-mailed to the customer through the outbox, the PDF
-- attached. The PDF is made when the mail is queued and kept with it: the exact file the
-- customer got, even if the company's details change before it leaves.

ALTER TABLE outbox ADD COLUMN document_id TEXT REFERENCES sales_documents (id);
ALTER TABLE outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE outbox ADD COLUMN attachment BLOB;
CREATE INDEX outbox_by_document ON outbox (document_id) WHERE document_id IS NOT NULL;
