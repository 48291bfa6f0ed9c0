// Nothing the user did not touch is changed: for each editable record kind, the input a form
// sends for a stored record carries every field of that record, and changing ONE field in the
// form changes only that field of the input. (The core keeps what it is given: see
// crates/core/tests/activities.rs, an_edit_changes_the_one_field_and_keeps_every_other.)
import { toInput as accountInput } from "../features/people/AccountForm";
import { inputOf as campaignInput } from "../features/marketing/Campaigns";
import { cleaned, toInput as contactInput } from "../features/people/ContactForm";
import { toPayload as dealPayload, toInput as dealInput } from "../features/sales/DealForm";
import { leadPayload, toInput as leadInput } from "../features/people/LeadForm";
import { inputOf as productInput } from "../features/sales/Products";
import { ticketPayload, toInput as ticketInput } from "../features/service/TicketForm";
import { activity, product, ticket } from "../test/fixtures";
import { buildInput, formFromActivity, type ActivityForm } from "../features/activities/activities";
import type { Account, Activity, ActivityKind, Campaign, Contact, Lead, Opportunity } from "./api";

/**
 * Checks that every key of `input` is the record's value under the same name, or the value
 * `derived` gives for it; a key that is neither fails, so a field added later is not silently
 * left out. `except` are the keys the edit was meant to change.
 */
function carries(input: object, record: object, derived: Record<string, unknown>, except: string[] = []) {
  const rec = record as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (except.includes(key)) continue;
    if (key in derived) expect([key, value]).toEqual([key, derived[key]]);
    else if (key in rec) expect([key, value]).toEqual([key, rec[key]]);
    else throw new Error(`the input's ${key} is neither on the record nor derived from it`);
  }
}

// ---------- activities: tasks, calls and meetings, through the dialog's form ----------

const PARTICIPANTS = [
  { contact_id: "c1", member_id: null, name: "Ada Lovelace", email: "ada@x.example" },
  { contact_id: null, member_id: "m2", name: "Noah Other", email: null },
];

function fullActivity(kind: ActivityKind): Activity {
  const start = new Date(2030, 2, 4, 9, 0).toISOString();
  return activity(
    {
      kind,
      subject: "Quarterly review",
      notes: "Bring the figures",
      channel: kind === "task" ? null : kind === "call" ? "phone" : "video",
      direction: kind === "call" ? "outbound" : null,
      outcome: kind === "call" ? "connected" : null,
      duration_minutes: kind === "task" ? null : 45,
      location: kind === "meeting" ? "Room 2" : null,
      // Seven minutes before: no lead-time option matches, so the stored time is kept as is.
      remind_at: new Date(2030, 2, 4, 8, 53).toISOString(),
      reminder_state: "pending",
      series_id: "s1",
      repeat: "FREQ=MONTHLY;BYMONTHDAY=4",
      repeat_text: "Monthly on the 4th",
      owner_id: "m1",
      owner_name: "Mia Owner",
      links: [
        { entity: "contacts", id: "c1", name: "Ada Lovelace" },
        { entity: "accounts", id: "acc1", name: "Acme" },
      ],
      participants: PARTICIPANTS,
    },
    start,
  );
}

/** The input's fields that are not the record's own under the same name. */
function activityDerived(a: Activity): Record<string, unknown> {
  return {
    done: a.done_at !== null,
    links: a.links.map((l) => ({ entity: l.entity, id: l.id })),
  };
}

const ACTIVITY_EDITS: { field: string; edit: (f: ActivityForm) => ActivityForm; check: (v: unknown) => void }[] = [
  { field: "subject", edit: (f) => ({ ...f, subject: "Quarterly review (moved)" }), check: (v) => expect(v).toBe("Quarterly review (moved)") },
  { field: "notes", edit: (f) => ({ ...f, notes: "New figures" }), check: (v) => expect(v).toBe("New figures") },
  { field: "owner_id", edit: (f) => ({ ...f, ownerId: "m2" }), check: (v) => expect(v).toBe("m2") },
  { field: "done", edit: (f) => ({ ...f, done: true }), check: (v) => expect(v).toBe(true) },
  {
    field: "starts_at",
    edit: (f) => ({ ...f, time: "10:30" }),
    check: (v) => expect(new Date(v as string).getHours()).toBe(10),
  },
  { field: "remind_at", edit: (f) => ({ ...f, reminder: "15" }), check: (v) => expect(v).toBe(new Date(2030, 2, 4, 8, 45).toISOString()) },
];

describe("editing an activity changes only what was edited", () => {
  for (const kind of ["task", "call", "meeting"] as ActivityKind[]) {
    it(`a ${kind} saved unchanged keeps every field, the owner and participants included`, () => {
      const a = fullActivity(kind);
      carries(buildInput(formFromActivity(a)), a, activityDerived(a));
    });

    for (const { field, edit, check } of ACTIVITY_EDITS) {
      it(`a ${kind} with its ${field} changed keeps every other field`, () => {
        const a = fullActivity(kind);
        const input = buildInput(edit(formFromActivity(a)));
        check((input as Record<string, unknown>)[field]);
        carries(input, a, activityDerived(a), [field]);
      });
    }
  }
});

// ---------- the other forms: record -> form state -> what is sent ----------

const CONTACT: Contact = {
  id: "c1",
  first_name: "Ada",
  last_name: "Lovelace",
  title: "Head of Research",
  account_id: "acc1",
  account_name: "Acme",
  emails: [{ label: "work", address: "ada@x.example" }],
  phones: [{ label: "work", number: "+44 20 7946 0101", e164: "+442079460101" } as never],
  addresses: [{ label: "work", street: "1 High St", city: "London", region: null, postal_code: "N1", country: "GB" }],
  birthday: "1815-12-10",
  lead_source: "Referral",
  owner_id: "m1",
  owner_name: "Mia Owner",
  preferred_channel: "email",
  do_not_call_since: "2026-01-01T00:00:00Z",
  do_not_email_since: null,
  unsubscribed_since: "2026-02-01T00:00:00Z",
  tags: ["vip"],
  custom: { f1: "blue" },
  notes: "Met at the fair",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

const ACCOUNT: Account = {
  id: "acc1",
  name: "Acme",
  industry: "Retail",
  website: "acme.example",
  phone: "+44 20 7946 0000",
  address: { street: "1 High St", city: "London", region: null, postal_code: "N1", country: "GB" },
  annual_revenue: { amount_minor: 123456, currency: "GBP" },
  employee_count: 12,
  notes: "Good payer",
  type: "customer",
  turnover_band: "1-5m",
  employee_band: "10-49",
  parent_id: "acc0",
  parent_name: "Acme Group",
  owner_id: "m1",
  owner_name: "Mia Owner",
  tags: ["key"],
  custom: { f1: "x" },
  contact_count: 3,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

const LEAD: Lead = {
  id: "l1",
  name: "Bob Builder",
  company: "Builders Ltd",
  title: "Owner",
  email: "bob@x.example",
  phone: "+44 20 7946 0202",
  website: "builders.example",
  source: "Web",
  campaign_id: "cmp1",
  status: "contacted",
  rating: "hot",
  owner_id: "m1",
  owner_name: "Mia Owner",
  estimated_value: { amount_minor: 500000, currency: "EUR" },
  notes: "Wants a demo",
  tags: ["fair"],
  custom: { f1: 3 },
  call_list_id: null,
  call_list_name: null,
  conversion: null,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

const DEAL: Opportunity = {
  id: "d1",
  name: "Acme: printers",
  pipeline_id: "p1",
  pipeline_name: "Sales",
  stage_id: "s2",
  stage_name: "Proposal",
  stage_kind: "open",
  stage_entered_at: "2026-01-01T00:00:00Z",
  days_in_stage: 3,
  account_id: "acc1",
  account_name: "Acme",
  amount: { amount_minor: 200000, currency: "EUR" },
  probability: 40,
  probability_override: 40,
  weighted: { amount_minor: 80000, currency: "EUR" },
  expected_close: "2026-03-01",
  closed_on: null,
  lost_reason_id: null,
  lost_reason: null,
  lost_note: null,
  next_step: "Send pricing",
  source: "Referral",
  campaign_id: "cmp1",
  owner_id: "m1",
  owner_name: "Mia Owner",
  notes: "Two printers",
  contacts: [{ contact_id: "c1", role: "buyer" } as never],
  products: ["prod1"],
  tags: ["q1"],
  custom: { f1: "y" },
  last_activity_at: null,
  rotting: false,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

const CAMPAIGN: Campaign = {
  id: "cmp1",
  name: "Spring fair",
  kind: "trade_show",
  status: "active",
  starts_on: "2026-03-01",
  ends_on: "2026-03-03",
  currency: "EUR",
  budget: { amount_minor: 100000, currency: "EUR" },
  actual_cost: { amount_minor: 90050, currency: "EUR" },
  expected_revenue: { amount_minor: 500000, currency: "EUR" },
  description: "Stand B12",
  owner_id: "m1",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
};

type Case = {
  kind: string;
  record: object;
  /** What the form sends for the record, with `edit` applied to its state first. */
  send: (edit: (state: Record<string, unknown>) => Record<string, unknown>) => object;
  derived: Record<string, unknown>;
  edit: { field: string; value: unknown };
};

const same = (s: Record<string, unknown>) => s;

const CASES: Case[] = [
  {
    kind: "contact",
    record: CONTACT,
    send: (edit) => cleaned(edit(contactInput(CONTACT, null) as never) as never),
    derived: { do_not_call: true, do_not_email: false, unsubscribed: true },
    edit: { field: "title", value: "Chief Scientist" },
  },
  {
    kind: "account",
    record: ACCOUNT,
    send: (edit) => edit(accountInput(ACCOUNT) as never),
    derived: { annual_revenue: { amount: "1234.56", currency: "GBP" } },
    edit: { field: "industry", value: "Wholesale" },
  },
  {
    kind: "lead",
    record: LEAD,
    send: (edit) => leadPayload(edit(leadInput(LEAD) as never) as never),
    derived: { estimated_value: { amount: "5000.00", currency: "EUR" } },
    edit: { field: "rating", value: "cold" },
  },
  {
    kind: "deal",
    record: DEAL,
    send: (edit) => dealPayload(edit(dealInput(DEAL, null) as never) as never),
    derived: { amount: { amount: "2000.00", currency: "EUR" }, probability: 40 },
    edit: { field: "next_step", value: "Call back" },
  },
  {
    kind: "ticket",
    record: ticket({ owner_id: "m1", product: "Printer", tags: ["hw"], custom: { f1: "z" } }),
    send: (edit) => ticketPayload(edit(ticketInput(ticket({ owner_id: "m1", product: "Printer", tags: ["hw"], custom: { f1: "z" } }), null, null) as never) as never),
    derived: { callback_at: null, resolve_on_callback: null },
    edit: { field: "priority", value: "low" },
  },
  {
    kind: "product",
    record: product({ description: "By the hour" }),
    send: (edit) => edit(productInput(product({ description: "By the hour" })) as never),
    derived: { unit_price: "120.00", currency: "EUR", tax_rate: "19" },
    edit: { field: "name", value: "Consulting (senior)" },
  },
  {
    kind: "campaign",
    record: CAMPAIGN,
    send: (edit) => edit(campaignInput(CAMPAIGN) as never),
    derived: { budget: "1000.00", actual_cost: "900.50", expected_revenue: "5000.00" },
    edit: { field: "status", value: "completed" },
  },
];

describe("editing a record changes only what was edited", () => {
  for (const c of CASES) {
    it(`a ${c.kind} saved unchanged keeps every field`, () => {
      carries(c.send(same), c.record, c.derived);
    });
    it(`a ${c.kind} with its ${c.edit.field} changed keeps every other field`, () => {
      const input = c.send((s) => ({ ...s, [c.edit.field]: c.edit.value }));
      expect((input as Record<string, unknown>)[c.edit.field]).toEqual(c.edit.value);
      carries(input, c.record, c.derived, [c.edit.field]);
    });
  }
});
