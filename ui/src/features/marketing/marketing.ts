// Marketing: words, numbers and small rules shared by the campaign, segment, template,
// sequence, promotion and outbox screens.
import type {
  CampaignKind,
  CampaignStatus,
  ConditionOp,
  EnrolmentStatus,
  MemberStatus,
  OutboxCounts,
  OutboxStatus,
  SegmentCondition,
  SegmentEntity,
  SegmentField,
  SegmentFieldKind,
  SegmentFilter,
  SequenceStep,
  StopReason,
  WorkReport,
} from "../../lib/api";
import { toApiError } from "../../lib/api";
import { formatNumber } from "../../lib/format";

export const CAMPAIGN_KINDS: Record<CampaignKind, string> = {
  email: "E-mail",
  trade_show: "Trade show",
  advertisement: "Advertisement",
  webinar: "Webinar",
  direct_mail: "Direct mail",
  promotion: "Promotion",
  other: "Other",
};

export const CAMPAIGN_STATUSES: Record<CampaignStatus, string> = {
  planned: "Planned",
  active: "Active",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const MEMBER_STATUSES: Record<MemberStatus, string> = {
  targeted: "Targeted",
  sent: "Sent",
  responded: "Responded",
  unsubscribed: "Unsubscribed",
  bounced: "Bounced",
};

export const OUTBOX_STATUSES: Record<OutboxStatus, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  skipped: "Skipped",
  cancelled: "Cancelled",
  unsure: "Maybe sent",
};

export const ENROLMENT_STATUSES: Record<EnrolmentStatus, string> = {
  active: "Active",
  completed: "Completed",
  stopped: "Stopped",
};

/** Why an enrolment stopped, in plain words. */
export const STOP_REASONS: Record<StopReason, string> = {
  replied: "Replied",
  converted: "Converted",
  unsubscribed: "Unsubscribed",
  do_not_email: "Do not e-mail",
  removed: "Removed by hand",
  no_address: "No e-mail address",
};

/** Singular and plural nouns of what a segment holds. */
export const ENTITY_NOUNS: Record<SegmentEntity, [string, string]> = {
  contacts: ["contact", "contacts"],
  accounts: ["account", "accounts"],
  leads: ["lead", "leads"],
};

export const ENTITY_TITLES: Record<SegmentEntity, string> = {
  contacts: "Contacts",
  accounts: "Accounts",
  leads: "Leads",
};

/** "1 contact", "1,234 contacts". */
export function countOf(n: number, [one, many]: [string, string]): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** The tests a field of each kind offers, the first being the default. */
export const OPS_BY_KIND: Record<SegmentFieldKind, ConditionOp[]> = {
  text: ["is", "is_not", "contains", "is_set", "is_not_set"],
  choice: ["is", "is_not", "contains", "is_set", "is_not_set"],
  date: ["before", "after", "is", "is_set", "is_not_set"],
  number: ["at_least", "at_most", "is"],
  boolean: ["yes", "no"],
  tag: ["is", "is_not"],
};

/** A test as the builder shows it, in the words of the field's kind. */
export function opLabel(kind: SegmentFieldKind, op: ConditionOp): string {
  if (kind === "tag") return op === "is" ? "has the tag" : op === "is_not" ? "does not have the tag" : op;
  if (kind === "date" && op === "is") return "is on";
  if (kind === "number" && op === "is") return "is exactly";
  const words: Record<ConditionOp, string> = {
    is: "is",
    is_not: "is not",
    contains: "contains",
    is_set: "is filled in",
    is_not_set: "is empty",
    before: "is before",
    after: "is after",
    at_least: "is at least",
    at_most: "is at most",
    yes: "is yes",
    no: "is no",
  };
  return words[op];
}

/** Whether a test compares with a value (`is_set`, `yes` and the like do not). */
export function needsValue(op: ConditionOp): boolean {
  return !(op === "is_set" || op === "is_not_set" || op === "yes" || op === "no");
}

/** A condition the backend can run: its value is there when its test needs one. */
export function isComplete(c: SegmentCondition): boolean {
  return !needsValue(c.op) || c.value.trim() !== "";
}

/** A new condition on `field`: its kind's first test, no value yet. */
export function newCondition(field: SegmentField): SegmentCondition {
  return { field: field.key, op: OPS_BY_KIND[field.kind][0] ?? "is", value: "" };
}

/** `c` moved to another field: the test kept when the new kind has it, the value cleared. */
export function withField(c: SegmentCondition, field: SegmentField): SegmentCondition {
  const ops = OPS_BY_KIND[field.kind];
  return { field: field.key, op: ops.includes(c.op) ? c.op : (ops[0] ?? "is"), value: "" };
}

/**
 * The filter as it can be run now: incomplete conditions left out, values trimmed (cleared
 * for tests without one). `positions[i]` is where condition `i` of the result is in `filter`.
 */
export function runnableFilter(filter: SegmentFilter): { filter: SegmentFilter; positions: number[] } {
  const positions: number[] = [];
  const conditions: SegmentCondition[] = [];
  filter.conditions.forEach((c, i) => {
    if (!isComplete(c)) return;
    positions.push(i);
    conditions.push({ ...c, value: needsValue(c.op) ? c.value.trim() : "" });
  });
  return { filter: { match: filter.match, conditions }, positions };
}

/**
 * The backend's complaints about conditions (`conditions.2.value: is not a date`), keyed by
 * the builder's position (`positions` maps the conditions sent to it), and every complaint as
 * a line to show ("Condition 3: is not a date"), except those about `shownElsewhere` fields
 * (shown under their own inputs).
 */
export function conditionProblems(
  error: unknown,
  positions: number[],
  shownElsewhere: string[] = [],
): { byRow: Map<number, string>; lines: string[] } {
  const e = toApiError(error);
  const byRow = new Map<number, string>();
  const lines: string[] = [];
  for (const f of e.fields) {
    const m = /^(?:filter\.)?conditions\.(\d+)(?:\.\w+)?$/.exec(f.field);
    const at = m ? positions[Number(m[1])] : undefined;
    if (at !== undefined) {
      byRow.set(at, sentence(f.message));
      lines.push(`Condition ${at + 1}: ${f.message}`);
    } else if (!shownElsewhere.includes(f.field)) {
      lines.push(`${sentence(f.field.replace(/_/g, " "))}: ${f.message}`);
    }
  }
  if (e.fields.length === 0) lines.push(sentence(e.message));
  return { byRow, lines };
}

/** A message with its first letter capitalised, as a sentence. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** What a failed call said, as a sentence. */
export function problemText(error: unknown): string {
  return sentence(toApiError(error).message);
}

/** "Day 0 Welcome → +2 days Product info → +3 days Offer". */
export function stepsSummary(steps: Pick<SequenceStep, "template_name" | "delay_days">[]): string {
  if (steps.length === 0) return "No steps yet";
  return steps
    .map((s, i) =>
      i === 0 ? `Day ${s.delay_days} ${s.template_name}` : `+${s.delay_days} ${s.delay_days === 1 ? "day" : "days"} ${s.template_name}`,
    )
    .join(" → ");
}

/**
 * Messages of a promotion that are finished, one way or another (an `unsure` one may have gone
 * and waits for the user, not for the sender).
 */
export function doneOf(c: OutboxCounts): number {
  return c.sent + c.failed + c.skipped + c.cancelled + c.unsure;
}

/** Every message of a promotion. */
export function totalOf(c: OutboxCounts): number {
  return doneOf(c) + c.queued + c.sending;
}

/** Whether some messages still wait to go. */
export function isRunning(c: OutboxCounts): boolean {
  return c.queued + c.sending > 0;
}

/** A whole percentage of `part` in `whole` (0 when there is nothing). */
export function percentOf(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) : 0;
}

/** ROI from basis points: 15000 → "150%". */
export function roiText(bp: number | null): string {
  return bp === null ? "—" : `${formatNumber(bp / 100, 1)}%`;
}

/** The summary of one send-now round, for a toast. */
export function workReportText(r: WorkReport): { text: string; notSetUp: boolean } {
  const parts: string[] = [];
  if (r.sequences.queued > 0) {
    parts.push(`Queued ${countOf(r.sequences.queued, ["sequence step", "sequence steps"])}.`);
  }
  if (r.recovered > 0) {
    parts.push(
      `${countOf(r.recovered, ["message was", "messages were"])} cut off while sending and may have gone: check them (Maybe sent) before sending again.`,
    );
  }
  if (r.sent === null) {
    parts.push("Sending is not set up: messages wait here. Set up your SMTP server in Settings → E-mail.");
    return { text: parts.join(" "), notSetUp: true };
  }
  const s = r.sent;
  const figures = [`Sent ${formatNumber(s.sent)}`, `failed ${formatNumber(s.failed)}`, `put off ${formatNumber(s.deferred)}`];
  if (s.skipped > 0) figures.push(`skipped ${formatNumber(s.skipped)}`);
  parts.push(`${figures.join(", ")}.`);
  const problem = s.problems[0];
  if (problem) parts.push(`${sentence(problem)}${/[.!?]$/.test(problem) ? "" : "."}`);
  return { text: parts.join(" "), notSetUp: false };
}

/** Where a member, recipient or enrolment's record lives in the app. */
export function recordHref(entity: string, id: string): string | null {
  if (entity === "contacts") return `/contacts/${id}`;
  if (entity === "leads") return `/leads/${id}`;
  if (entity === "accounts") return `/accounts/${id}`;
  return null;
}

/** The merge field's short name: "First name" of "First name (a lead's first word …)". */
export function shortLabel(label: string): string {
  const i = label.indexOf(" (");
  return i > 0 ? label.slice(0, i) : label;
}

/** `text` with `insert` put in place of the selection [start, end); the caret after it. */
export function insertAt(text: string, insert: string, start: number, end: number): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + insert + text.slice(b), caret: a + insert.length };
}
