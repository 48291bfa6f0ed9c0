// The frame and small pieces every marketing screen shares: the tab strip, status badges,
// figures and the progress bar of a batch of messages.
import { useEffect, useState, type FormEvent, type ReactNode } from "react";
import { Link, useLocation } from "wouter";

import type { OutboxCounts } from "../../lib/api";
import { doneOf, percentOf, problemText, totalOf } from "./marketing";
import { formatNumber } from "../../lib/format";
import { Field } from "../../components/Field";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import "../../styles/sales.css";
import "../../styles/marketing.css";

const TABS = [
  { href: "/marketing/campaigns", label: "Campaigns", testId: "marketing-tab-campaigns" },
  { href: "/marketing/segments", label: "Segments", testId: "marketing-tab-segments" },
  { href: "/marketing/templates", label: "Templates", testId: "marketing-tab-templates" },
  { href: "/marketing/sequences", label: "Sequences", testId: "marketing-tab-sequences" },
  { href: "/marketing/promotions", label: "Promotions", testId: "marketing-tab-promotions" },
  { href: "/marketing/outbox", label: "Outbox", testId: "marketing-tab-outbox" },
];

/** Campaigns | Segments | … | Outbox, under the head of every marketing screen. */
export function MarketingTabs() {
  const [location] = useLocation();
  return (
    <nav className="mk-tabs" aria-label="Marketing">
      {TABS.map((t) => {
        const active = location === t.href || location.startsWith(`${t.href}/`);
        return (
          <Link
            key={t.href}
            href={t.href}
            className={`mk-tab${active ? " active" : ""}`}
            aria-current={active ? "page" : undefined}
            data-testid={t.testId}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}

/** A marketing screen: its head (title, line below, buttons), the tabs, then the body. */
export function MarketingPage({
  title,
  sub,
  actions,
  testId,
  children,
}: {
  title: ReactNode;
  sub?: ReactNode;
  actions?: ReactNode;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <>
      <PageHead title={title} sub={sub ?? " "}>
        {actions}
      </PageHead>
      <MarketingTabs />
      <div className="page-body" data-testid={testId}>
        {children}
      </div>
    </>
  );
}

/** A failed call's message, as a sentence, in the red banner; nothing without one. */
export function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  return <ErrorBanner error={problemText(error)} />;
}

/** A status as a coloured pill (`mk-<status>` picks the colour). */
export function StatusBadge({ status, label, testId }: { status: string; label: string; testId?: string }) {
  return (
    <span className={`badge mk-${status}`} data-testid={testId}>
      {label}
    </span>
  );
}

/** One figure of a detail page: a label, a big value and an optional hint below. */
export function Figure({
  label,
  value,
  hint,
  tone,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: "good" | "bad";
  testId?: string;
}) {
  return (
    <div className={`mk-figure${tone ? ` ${tone}` : ""}`} data-testid={testId}>
      <span className="label">{label}</span>
      <span className="value">{value}</span>
      {hint && <span className="hint">{hint}</span>}
    </div>
  );
}

/**
 * How far a batch of messages got: sent, failed, skipped and cancelled over all of them. A
 * real progress bar (role, value, maximum); `large` puts "12 of 44 done" inside it too.
 */
export function OutboxProgress({ counts, testId, large }: { counts: OutboxCounts; testId?: string; large?: boolean }) {
  const done = doneOf(counts);
  const total = totalOf(counts);
  const pct = percentOf(done, total);
  const label = `${formatNumber(done)} of ${formatNumber(total)} done`;
  const finished = total > 0 && done === total;
  const track = (
    <div className={`progress mk-bar${finished ? " done" : ""}`}>
      <div className="progress-fill" style={{ width: `${pct}%` }} />
    </div>
  );
  return (
    <div
      className={large ? "mk-progress" : "mk-progress-small"}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={label}
      aria-label={large ? undefined : label}
      title={`${label} (${pct}%)`}
      data-testid={testId}
    >
      {large && <div className="mk-progress-label">{label}</div>}
      {track}
    </div>
  );
}

/** A link to a contact, lead or account when the app has a page for it. */
export function RecordLink({ href, children }: { href: string | null; children: ReactNode }) {
  if (!href) return <>{children}</>;
  return (
    <Link href={href} onClick={(e) => e.stopPropagation()}>
      {children}
    </Link>
  );
}

/**
 * A small dialog choosing one thing from a list (a campaign, a segment) before doing
 * something with it. The select is `${testId}-select`, the button `${testId}-confirm`.
 */
export function ChooseDialog({
  title,
  label,
  options,
  confirmLabel,
  busy,
  error,
  testId,
  empty,
  children,
  onConfirm,
  onCancel,
}: {
  title: string;
  label: string;
  options: { value: string; label: string }[] | undefined;
  confirmLabel: string;
  busy: boolean;
  error: unknown;
  testId: string;
  /** What to say when there is nothing to choose. */
  empty: ReactNode;
  children?: ReactNode;
  onConfirm: (value: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState("");
  const chosen = value || options?.[0]?.value || "";
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onCancel();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (chosen && !busy) onConfirm(chosen);
  };
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby={`${testId}-title`} onSubmit={submit} data-testid={testId}>
        <h2 id={`${testId}-title`}>{title}</h2>
        {children}
        <Problem error={error} />
        {options === undefined && <p className="muted">Loading…</p>}
        {options?.length === 0 && <p className="muted">{empty}</p>}
        {options && options.length > 0 && (
          <Field label={label}>
            {(a11y) => (
              <select {...a11y} className="input" autoFocus value={chosen} onChange={(e) => setValue(e.target.value)} data-testid={`${testId}-select`}>
                {options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <div className="actions">
          <button type="button" className="btn" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={busy || !chosen} data-testid={`${testId}-confirm`}>
            {busy ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
