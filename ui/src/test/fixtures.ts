// Records as the backend returns them, for component tests: every field filled with a plain
// default, overridden per test.
import type { Activity, Document, Line, Product, SlaClock, Ticket } from "../lib/api";
import { lineAmounts } from "../features/sales/sales";

/** A call with Ada Lovelace, open, starting at `at` (ISO); `over` replaces any field. */
export function activity(over: Partial<Activity> = {}, at = "2026-11-23T09:00:00.000Z"): Activity {
  return {
    id: "a1",
    kind: "call",
    subject: "Call Ada",
    notes: null,
    channel: "phone",
    direction: null,
    outcome: null,
    starts_at: at,
    ends_at: null,
    all_day: false,
    duration_minutes: null,
    location: null,
    done_at: null,
    remind_at: null,
    reminder_state: null,
    series_id: null,
    repeat: null,
    repeat_text: null,
    owner_id: null,
    owner_name: null,
    links: [{ entity: "contacts", id: "c1", name: "Ada Lovelace" }],
    participants: [],
    created_at: at,
    updated_at: at,
    ...over,
  };
}

/** An SLA clock: running, 2 business hours left of an 8-hour target; `over` replaces any field. */
export function clock(over: Partial<SlaClock> = {}): SlaClock {
  return {
    target_minutes: 480,
    state: "running",
    due_at: "2026-11-24T15:00:00Z",
    seconds_left: 7200,
    used_percent: 75,
    warning: false,
    breached_at: null,
    met_at: null,
    ...over,
  };
}

/** Ticket #12 of Acme, open, with one customer message; `over` replaces any field. */
export function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: "t12",
    number: 12,
    subject: "Printer on fire",
    description: "It smokes when printing invoices.",
    account_id: "acc1",
    account_name: "Acme",
    contact_id: "c1",
    contact_name: "Ada Lovelace",
    contact_email: null,
    product: null,
    channel: "email",
    category: "problem",
    priority: "high",
    status: "open",
    owner_id: null,
    owner_name: null,
    callback_activity_id: null,
    callback_at: null,
    resolve_on_callback: false,
    first_responded_at: null,
    resolved_at: null,
    closed_at: null,
    sla: {
      first_response: clock({ target_minutes: 240, seconds_left: 3600 }),
      resolution: clock(),
      breached: false,
      warning: false,
    },
    tags: [],
    custom: {},
    messages: [
      {
        id: "m1",
        kind: "customer",
        body: "Help, the printer is on fire",
        author_id: null,
        author_name: null,
        created_at: "2026-11-23T09:00:00Z",
        mail_status: null,
        mail_problem: null,
      },
    ],
    history: [{ status: "new", entered_at: "2026-11-23T09:00:00Z" }],
    created_at: "2026-11-23T09:00:00Z",
    updated_at: "2026-11-23T09:00:00Z",
    ...over,
  };
}

/** Consulting by the hour at EUR 120.00, 19% tax; `over` replaces any field. */
export function product(over: Partial<Product> = {}): Product {
  return {
    id: "p1",
    sku: "CONS-H",
    name: "Consulting",
    description: null,
    unit: "hour",
    unit_price: { amount_minor: 12000, currency: "EUR" },
    tax_rate_bp: 1900,
    active: true,
    created_at: "2026-11-01T09:00:00Z",
    updated_at: "2026-11-01T09:00:00Z",
    ...over,
  };
}

/** A document line with its amounts computed; `over` replaces any field. */
export function line(over: Partial<Omit<Line, "amounts">> = {}): Line {
  const base = {
    id: "l1",
    position: 0,
    product_id: "p1",
    sku: "CONS-H",
    description: "Consulting",
    unit: "hour",
    quantity_milli: 1500,
    unit_price_minor: 12000,
    discount_bp: 1000,
    tax_rate_bp: 1900,
    source_line_id: null,
    ...over,
  };
  return { ...base, amounts: lineAmounts(base.quantity_milli, base.unit_price_minor, base.discount_bp, base.tax_rate_bp) };
}

/**
 * A sales document of Acme for the deal "Acme rollout": by default invoice INV-2026-0001,
 * issued, one line (1.5 h consulting at 120.00 less 10%, 19% tax: 192.78), nothing paid.
 * Totals follow the lines; `over` replaces any field.
 */
export function salesDocument(over: Partial<Document> = {}): Document {
  const lines = over.lines ?? [line()];
  const sum = (f: (l: Line) => number) => lines.reduce((s, l) => s + f(l), 0);
  const total = sum((l) => l.amounts.total_minor);
  const rates = [...new Set(lines.map((l) => l.tax_rate_bp))].sort((a, b) => a - b);
  return {
    id: "inv1",
    kind: "invoice",
    number: "INV-2026-0001",
    version: 1,
    status: "issued",
    account_id: "acc1",
    account_name: "Acme",
    contact_id: null,
    contact_name: null,
    opportunity_id: "d1",
    opportunity_name: "Acme rollout",
    source_id: "so1",
    source_number: "SO-2026-0001",
    currency: "EUR",
    issued_on: "2026-11-20",
    valid_until: null,
    due_on: "2026-12-20",
    notes: null,
    subtotal_minor: sum((l) => l.amounts.gross_minor),
    discount_minor: sum((l) => l.amounts.discount_minor),
    tax_minor: sum((l) => l.amounts.tax_minor),
    total_minor: total,
    taxes: rates.map((r) => ({
      rate_bp: r,
      net_minor: lines.filter((l) => l.tax_rate_bp === r).reduce((s, l) => s + l.amounts.net_minor, 0),
      tax_minor: lines.filter((l) => l.tax_rate_bp === r).reduce((s, l) => s + l.amounts.tax_minor, 0),
    })),
    lines,
    payments: [],
    paid_minor: 0,
    credited_minor: 0,
    balance_minor: total,
    derived: [],
    created_at: "2026-11-20T09:00:00Z",
    updated_at: "2026-11-20T09:00:00Z",
    ...over,
  };
}
