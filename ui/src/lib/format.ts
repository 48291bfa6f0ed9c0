import type { Money } from "./api";

/** "Ada Lovelace", or whichever half exists. */
export function fullName(p: { first_name: string; last_name: string }): string {
  return `${p.first_name} ${p.last_name}`.trim();
}

/** Up to two capital letters for an avatar. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters
    .map((p) => (p ?? "").charAt(0))
    .join("")
    .toUpperCase();
}

/** Digits after the decimal point in `currency`'s minor unit (2 for EUR, 0 for JPY). */
export function currencyDigits(currency: string): number {
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** Exact decimal text of a Money value, without float arithmetic ("1234.50"). */
export function moneyToPlain(m: Money): string {
  const digits = currencyDigits(m.currency);
  const negative = m.amount_minor < 0;
  const abs = Math.abs(m.amount_minor).toString().padStart(digits + 1, "0");
  const whole = digits ? abs.slice(0, -digits) : abs;
  const frac = digits ? abs.slice(-digits) : "";
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** A Money value for display in the user's locale ("€1,234.50"). */
/**
 * The locale to format with: the system's, except when the desktop session has none (a bare
 * "C"/POSIX environment), where Intl would print numbers without thousands separators.
 */
function defaultLocale(): string | undefined {
  const resolved = new Intl.NumberFormat().resolvedOptions().locale;
  return /posix|^und/i.test(resolved) ? "en-US" : undefined;
}

const LOCALE = defaultLocale();

export function formatMoney(m: Money, locale: string | undefined = LOCALE): string {
  const plain = moneyToPlain(m);
  try {
    // Intl accepts a decimal string and formats it exactly.
    return new Intl.NumberFormat(locale, { style: "currency", currency: m.currency }).format(
      plain as unknown as number,
    );
  } catch {
    return `${plain} ${m.currency}`;
  }
}

/** A stored UTC time stamp as a short local date and time. */
export function formatDateTime(iso: string, locale: string | undefined = LOCALE): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

/** "3 minutes ago", "yesterday", or a date for older stamps. */
export function formatRelative(iso: string, now: Date = new Date(), locale: string | undefined = LOCALE): string {
  const d = new Date(iso);
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  if (Number.isNaN(seconds)) return iso;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, "second");
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
  if (abs < 7 * 86400) return rtf.format(Math.round(seconds / 86400), "day");
  return d.toLocaleDateString(locale, { dateStyle: "medium" });
}

/** A calendar date (`YYYY-MM-DD`) or a time stamp, as a local date. */
export function formatDate(value: string, locale: string | undefined = LOCALE): string {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00`) : new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleDateString(locale, { dateStyle: "medium" });
}

/** A plain number in the user's locale ("1,234"; `digits`: at most that many decimals). */
export function formatNumber(n: number, digits = 0, locale: string | undefined = LOCALE): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);
}
