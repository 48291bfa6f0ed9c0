// Sales documents in the UI: the same line arithmetic as the core (for the live preview of a
// quote being typed), decimal text <-> integer conversions, and labels.
import type {
  Document,
  DocumentKind,
  DocumentMail,
  DocumentStatus,
  DocumentSummary,
  Line,
  LineAmounts,
  LineInput,
  Product,
  TaxLine,
} from "../../lib/api";
import { currencyDigits, moneyToPlain } from "../../lib/format";

/** `n / d` rounded half away from zero (as the core's `div_round`). */
export function divRound(n: bigint, d: bigint): bigint {
  const q = n / d; // truncates toward zero
  const r = n % d;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const sign = (x: bigint) => (x > 0n ? 1n : x < 0n ? -1n : 0n);
  return 2n * abs(r) >= abs(d) ? q + sign(n) * sign(d) : q;
}

/**
 * One line's amounts, in this order, each rounded half away from zero to the minor unit:
 * gross = quantity × price; discount = gross × discount %; net = gross − discount;
 * tax = net × tax rate; total = net + tax.
 */
export function lineAmounts(quantityMilli: number, unitPriceMinor: number, discountBp: number, taxRateBp: number): LineAmounts {
  const gross = divRound(BigInt(quantityMilli) * BigInt(unitPriceMinor), 1000n);
  const discount = divRound(gross * BigInt(discountBp), 10_000n);
  const net = gross - discount;
  const tax = divRound(net * BigInt(taxRateBp), 10_000n);
  return {
    gross_minor: Number(gross),
    discount_minor: Number(discount),
    net_minor: Number(net),
    tax_minor: Number(tax),
    total_minor: Number(net + tax),
  };
}

/** The figures of a whole document: sums of its lines', and tax per rate (lowest rate first). */
export type DocTotals = {
  subtotal_minor: number;
  discount_minor: number;
  tax_minor: number;
  total_minor: number;
  taxes: TaxLine[];
};

export function documentTotals(lines: { amounts: LineAmounts; tax_rate_bp: number }[]): DocTotals {
  const totals: DocTotals = { subtotal_minor: 0, discount_minor: 0, tax_minor: 0, total_minor: 0, taxes: [] };
  const perRate = new Map<number, TaxLine>();
  for (const { amounts: a, tax_rate_bp } of lines) {
    totals.subtotal_minor += a.gross_minor;
    totals.discount_minor += a.discount_minor;
    totals.tax_minor += a.tax_minor;
    totals.total_minor += a.total_minor;
    const t = perRate.get(tax_rate_bp) ?? { rate_bp: tax_rate_bp, net_minor: 0, tax_minor: 0 };
    t.net_minor += a.net_minor;
    t.tax_minor += a.tax_minor;
    perRate.set(tax_rate_bp, t);
  }
  totals.taxes = [...perRate.values()].sort((x, y) => x.rate_bp - y.rate_bp);
  return totals;
}

/** Decimal text as typed (`1.5`, `1,5`, ` 120.00 `), trimmed, with a decimal comma as a point. */
export function normalizeDecimal(text: string): string {
  const t = text.trim().replace(/\s+/g, "");
  return !t.includes(".") && /^-?\d*,\d+$/.test(t) ? t.replace(",", ".") : t;
}

/** Decimal text as an integer with `scale` decimals (`"1.5"`, 3 → 1500); null if it is not one. */
export function parseScaled(text: string, scale: number): number | null {
  const m = /^(-)?(\d*)(?:\.(\d*))?$/.exec(normalizeDecimal(text));
  if (!m || (!m[2] && !m[3])) return null;
  const frac = m[3] ?? "";
  if (frac.length > scale) return null;
  const value = Number(`${m[2] || "0"}${frac.padEnd(scale, "0")}`);
  if (!Number.isSafeInteger(value)) return null;
  return m[1] ? -value : value;
}

/** An integer with `scale` decimals as the shortest decimal text (1500, 3 → `1.5`; 1900, 2 → `19`). */
export function formatScaled(value: number, scale: number): string {
  const negative = value < 0;
  const digits = Math.abs(value).toString().padStart(scale + 1, "0");
  const whole = scale ? digits.slice(0, -scale) : digits;
  const frac = scale ? digits.slice(-scale).replace(/0+$/, "") : "";
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** Thousandths as a quantity: 1500 → `1.5`. */
export const quantityText = (milli: number) => formatScaled(milli, 3);
/** Basis points as a percent: 1900 → `19`, 750 → `7.5`. */
export const percentText = (bp: number) => formatScaled(bp, 2);
/** Minor units as the price text the core reads: 12000 EUR → `120.00`. */
export const priceText = (minor: number, currency: string) => moneyToPlain({ amount_minor: minor, currency });

/** A line of the quote editor, as typed. */
export type DraftLine = {
  /** Stable React key. */
  key: string;
  /** A product SKU (or id); blank for a free-text line. */
  product: string;
  description: string;
  quantity: string;
  unit_price: string;
  discount: string;
  tax_rate: string;
  unit: string;
};

let nextKey = 0;
export function newKey(): string {
  nextKey += 1;
  return `l${nextKey}`;
}

export function blankLine(): DraftLine {
  return { key: newKey(), product: "", description: "", quantity: "1", unit_price: "", discount: "", tax_rate: "", unit: "" };
}

/** A line filled from a product picked in the editor (keeps what was typed in quantity and discount). */
export function withProduct(line: DraftLine, p: Product, currency: string | null): DraftLine {
  const sameCurrency = !currency || p.unit_price.currency === currency;
  return {
    ...line,
    product: p.sku,
    description: p.name,
    unit_price: sameCurrency ? moneyToPlain(p.unit_price) : "",
    tax_rate: percentText(p.tax_rate_bp),
    unit: p.unit ?? "",
  };
}

/** A stored line back into the editor (editing a draft, revising a quote). */
export function draftLineOf(l: Line, currency: string): DraftLine {
  return {
    key: newKey(),
    product: l.sku ?? l.product_id ?? "",
    description: l.description,
    quantity: quantityText(l.quantity_milli),
    unit_price: priceText(l.unit_price_minor, currency),
    discount: l.discount_bp ? percentText(l.discount_bp) : "",
    tax_rate: percentText(l.tax_rate_bp),
    unit: l.unit ?? "",
  };
}

/** What is sent for one editor line: trimmed text, blank optional values as null. */
export function lineInput(l: DraftLine): LineInput {
  const opt = (v: string) => (v.trim() ? normalizeDecimal(v) : null);
  return {
    product: l.product.trim() || null,
    description: l.description.trim() || null,
    quantity: normalizeDecimal(l.quantity),
    unit_price: opt(l.unit_price),
    discount: opt(l.discount),
    tax_rate: opt(l.tax_rate),
    unit: l.unit.trim() || null,
  };
}

/** The preview amounts of one editor line, or null while it cannot be computed (bad number). */
export function previewLine(l: DraftLine, currency: string): { amounts: LineAmounts; tax_rate_bp: number } | null {
  const qty = parseScaled(l.quantity, 3);
  const price = parseScaled(l.unit_price, currencyDigits(currency));
  const discount = l.discount.trim() ? parseScaled(l.discount, 2) : 0;
  const tax = l.tax_rate.trim() ? parseScaled(l.tax_rate, 2) : 0;
  if (qty === null || price === null || discount === null || tax === null) return null;
  return { amounts: lineAmounts(qty, price, discount, tax), tax_rate_bp: tax };
}

export const KIND_LABELS: Record<DocumentKind, string> = {
  quote: "Quote",
  order: "Sales order",
  invoice: "Invoice",
  credit_note: "Credit note",
};

export const KIND_PLURALS: Record<DocumentKind, string> = {
  quote: "Quotes",
  order: "Orders",
  invoice: "Invoices",
  credit_note: "Credit notes",
};

export const KINDS: DocumentKind[] = ["quote", "order", "invoice", "credit_note"];

export const STATUS_LABELS: Record<DocumentStatus, string> = {
  draft: "Draft",
  sent: "Sent",
  accepted: "Accepted",
  rejected: "Rejected",
  expired: "Expired",
  superseded: "Superseded",
  open: "Open",
  partly_invoiced: "Partly invoiced",
  invoiced: "Invoiced",
  cancelled: "Cancelled",
  issued: "Issued",
  partly_paid: "Partly paid",
  paid: "Paid",
  overdue: "Overdue",
  credited: "Credited",
  void: "Void",
};

/** "Quote Q-2026-0001 v2", "Invoice INV-2026-0001", "Invoice (draft)". */
export function documentTitle(d: Pick<Document | DocumentSummary, "kind" | "number" | "version">): string {
  const kind = KIND_LABELS[d.kind];
  if (!d.number) return `${kind} (draft)`;
  return `${kind} ${d.number}${d.kind === "quote" && d.version > 1 ? ` v${d.version}` : ""}`;
}

/** A document's number for lists ("Q-2026-0001 v2", or "Draft"). */
export function documentNumber(d: Pick<DocumentSummary, "kind" | "number" | "version">): string {
  if (!d.number) return "Draft";
  return `${d.number}${d.kind === "quote" && d.version > 1 ? ` v${d.version}` : ""}`;
}

/** The suggested PDF file name ("INV-2026-0001.pdf", "Q-2026-0001-v2.pdf"). */
export function pdfName(d: Pick<Document, "kind" | "number" | "version">): string {
  const base = d.number ? `${d.number}${d.kind === "quote" && d.version > 1 ? `-v${d.version}` : ""}` : `${d.kind}-draft`;
  return `${base.replace(/[\\/:*?"<>|\s]+/g, "-")}.pdf`;
}

/** Today as `YYYY-MM-DD` in the computer's time zone. */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * How much of each line of `source` the later documents already carry (thousandths by source
 * line id): invoices of an order, credit notes of an invoice. Void documents carry nothing.
 */
export function carriedByLine(later: Pick<Document, "status" | "lines">[]): Map<string, number> {
  const carried = new Map<string, number>();
  for (const d of later) {
    if (d.status === "void") continue;
    for (const l of d.lines) {
      if (l.source_line_id) carried.set(l.source_line_id, (carried.get(l.source_line_id) ?? 0) + l.quantity_milli);
    }
  }
  return carried;
}

/** What is left to carry over of each line of `source` (never below zero). */
export function leftByLine(source: Pick<Document, "lines">, later: Pick<Document, "status" | "lines">[]): Map<string, number> {
  const carried = carriedByLine(later);
  return new Map(source.lines.map((l) => [l.id, Math.max(0, l.quantity_milli - (carried.get(l.id) ?? 0))]));
}

/** What became of a document e-mailed, in words. */
export function mailToast(m: DocumentMail): string {
  if (m.status === "sent") return `Sent to ${m.to_name} <${m.to_address}>`;
  if (m.status === "queued") {
    return m.problem ? `Queued for ${m.to_address}. It is not sent yet: ${m.problem}` : `Queued for ${m.to_address}: it goes out within a minute`;
  }
  return `Not sent to ${m.to_address}: ${m.problem ?? m.status}`;
}
