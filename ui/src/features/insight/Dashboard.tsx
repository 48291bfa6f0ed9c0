import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "wouter";

import { BarsChart } from "./Charts";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { PeriodPicker, useScopeState } from "./PeriodPicker";
import { api, type Dashboard as DashboardData, type Figure, type ScopeInput } from "../../lib/api";
import { formatRange, formatValue, recordHref, toScopeInput } from "./analytics";
import { formatMonthShort } from "../sales/deals";
import { formatMoney, formatNumber } from "../../lib/format";
import "../../styles/analytics.css";
import { qk } from "../../lib/queryKeys";

/** Figures that are bad news when above zero. */
const ALERTS = new Set(["sla_breaches", "overdue_invoices"]);

/** How the figures group on the page, by key; unknown keys join the last group. */
const GROUPS: { title: string; keys: string[] }[] = [
  { title: "Sales", keys: ["open_pipeline", "weighted_forecast", "won", "lost", "win_rate", "average_deal", "sales_cycle"] },
  { title: "Leads and customers", keys: ["lead_conversion", "new_customers"] },
  { title: "Service and money", keys: ["open_tickets", "sla_breaches", "overdue_invoices"] },
];

function groupFigures(figures: Figure[]): { title: string; figures: Figure[] }[] {
  const known = new Set(GROUPS.flatMap((g) => g.keys));
  const groups = GROUPS.map((g) => ({ title: g.title, figures: figures.filter((f) => g.keys.includes(f.key)) }));
  const last = groups[groups.length - 1];
  if (last) last.figures.push(...figures.filter((f) => !known.has(f.key)));
  return groups.filter((g) => g.figures.length > 0);
}

/** "Amounts in EUR; deals and invoices in USD, GBP are not counted." */
export function currencyNote(d: Pick<DashboardData, "currency" | "other_currencies">): string | null {
  if (d.other_currencies.length === 0) return null;
  return `Amounts in ${d.currency}; deals and invoices in ${d.other_currencies.join(", ")} are not counted.`;
}

/** The owner's morning view: the period's figures, the pipeline ahead and where leads convert. */
export function Dashboard() {
  const [state, setState] = useScopeState();
  const scope = toScopeInput(state);
  const [open, setOpen] = useState<string | null>(null);
  const dashboard = useQuery({
    queryKey: qk.analytics.dashboard(scope),
    queryFn: () => api.analytics.dashboard(scope as ScopeInput),
    enabled: scope !== null,
    // Everything feeds the figures: ask again each time the screen opens.
    staleTime: 0,
    placeholderData: (previous) => previous,
  });
  const d = dashboard.data;
  const note = d ? currencyNote(d) : null;
  const openFigure = d?.figures.find((f) => f.key === open) ?? null;

  return (
    <>
      <PageHead
        title="Dashboard"
        sub={d ? `${formatRange(d.scope)} · amounts in ${d.currency}` : " "}
      >
        <PeriodPicker value={state} onChange={setState} current={d?.scope} testIdPrefix="dashboard" />
        <Link className="btn no-print" href="/reports" data-testid="dashboard-reports">
          Reports
        </Link>
        <button className="btn no-print" onClick={() => window.print()} data-testid="dashboard-print">
          Print / Save as PDF
        </button>
      </PageHead>
      <div className="page-body dashboard" data-testid="dashboard">
        <ErrorBanner error={dashboard.error} />
        {scope === null && <p className="muted">Choose both days of the period, the first one before the last.</p>}
        {note && (
          <p className="currency-note" data-testid="dashboard-currency-note">
            {note}
          </p>
        )}
        {!d && !dashboard.error && scope !== null && <p className="muted">Loading…</p>}
        {d && (
          <>
            <div className={`figure-groups${dashboard.isPlaceholderData ? " refreshing" : ""}`}>
              {groupFigures(d.figures).map((g) => (
                <section key={g.title} className="figure-group" aria-label={g.title}>
                  <h2>{g.title}</h2>
                  <div className="figure-grid">
                    {g.figures.map((f) => (
                      <FigureCard
                        key={f.key}
                        figure={f}
                        currency={d.currency}
                        active={open === f.key}
                        onOpen={() => setOpen(open === f.key ? null : f.key)}
                      />
                    ))}
                  </div>
                </section>
              ))}
            </div>
            <div className="chart-row">
              <section className="card chart-card" data-testid="chart-forecast">
                <h2>Pipeline forecast</h2>
                <ForecastChart data={d} />
              </section>
              <section className="card chart-card" data-testid="chart-conversion">
                <h2>Lead conversion by source</h2>
                <ConversionChart data={d} />
              </section>
            </div>
          </>
        )}
      </div>
      {openFigure && scope && (
        <RecordsPanel figure={openFigure} scope={scope} currency={d?.currency ?? ""} onClose={() => setOpen(null)} />
      )}
    </>
  );
}

/** A smaller type for long figures (millions with cents), so the card shows them whole. */
export function valueSize(text: string): string {
  if (text.length > 13) return "longer";
  if (text.length > 10) return "long";
  return "";
}

function FigureCard({ figure, currency, active, onOpen }: { figure: Figure; currency: string; active: boolean; onOpen: () => void }) {
  const alert = ALERTS.has(figure.key) && (figure.value ?? 0) > 0;
  const classes = ["figure-card", active ? "active" : "", alert ? "alert" : "", figure.value === null ? "empty" : ""];
  const value = formatValue(figure.value, figure.unit, currency);
  return (
    <button
      type="button"
      className={classes.filter(Boolean).join(" ")}
      onClick={onOpen}
      aria-expanded={active}
      data-testid={`figure-${figure.key}`}
      data-unit={figure.unit}
    >
      <span className="figure-label">{figure.label}</span>
      <span className={`figure-value ${valueSize(value)}`} data-testid="figure-value" title={value}>
        {value}
      </span>
      <span className="figure-count">
        {formatNumber(figure.count)} {figure.count === 1 ? "record" : "records"}
      </span>
    </button>
  );
}

function RecordsPanel({ figure, scope, currency, onClose }: { figure: Figure; scope: ScopeInput; currency: string; onClose: () => void }) {
  const records = useQuery({
    queryKey: qk.analytics.records(figure.key, scope),
    queryFn: () => api.analytics.records(figure.key, scope),
    staleTime: 0,
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  const list = records.data ?? [];
  return (
    <aside className="records-panel" data-testid="figure-records" aria-label={`Records behind ${figure.label}`}>
      <header>
        <div>
          <strong>{figure.label}</strong>
          <div className="muted small">{formatValue(figure.value, figure.unit, currency)}</div>
        </div>
        <span className="spacer" />
        <button className="btn ghost small" onClick={onClose} aria-label="Close" data-testid="figure-records-close">
          ✕
        </button>
      </header>
      <ErrorBanner error={records.error} />
      {records.isPending && <p className="muted records-empty">Loading…</p>}
      {records.data && list.length === 0 && <p className="muted records-empty">No records behind this figure.</p>}
      {list.length > 0 && (
        <ul>
          {list.map((r) => (
            <li key={`${r.entity}-${r.id}`}>
              <Link href={recordHref(r.entity, r.id)} data-testid="figure-record" onClick={onClose}>
                <span className="record-label">{r.label}</span>
                {r.amount_minor !== null && currency && (
                  <span className="record-amount">{formatMoney({ amount_minor: r.amount_minor, currency })}</span>
                )}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {list.length > 0 && list.length < figure.count && (
        <p className="muted records-empty" data-testid="figure-records-more">
          The first {list.length.toLocaleString()} of {figure.count.toLocaleString()} records.
        </p>
      )}
    </aside>
  );
}

function ForecastChart({ data }: { data: DashboardData }) {
  const months = data.forecast;
  const any = months.some((m) => m.open_minor || m.weighted_minor || m.won_minor);
  if (!any) {
    return <p className="muted chart-empty">No open deals with amounts and expected close dates yet, and nothing won in the period.</p>;
  }
  return (
    <BarsChart
      label={`Open, weighted and won amounts by month in ${data.currency}`}
      unit="money"
      currency={data.currency}
      data={months.map((m) => ({
        label: formatMonthShort(m.month),
        open: m.open_minor,
        weighted: m.weighted_minor,
        won: m.won_minor,
      }))}
      series={[
        { key: "open", label: "Open", color: "var(--accent-soft)", stroke: "var(--accent)" },
        { key: "weighted", label: "Weighted", color: "var(--accent)" },
        { key: "won", label: "Won", color: "var(--ok)", line: true },
      ]}
    />
  );
}

function ConversionChart({ data }: { data: DashboardData }) {
  const sources = data.conversion.filter((s) => s.leads > 0 || s.converted > 0);
  if (sources.length === 0) return <p className="muted chart-empty">No leads came in during this period.</p>;
  return (
    <BarsChart
      horizontal
      label="Leads and converted leads by source"
      unit="count"
      currency={data.currency}
      data={sources.map((s) => ({ label: s.source || "No source", leads: s.leads, converted: s.converted }))}
      series={[
        { key: "leads", label: "Leads", color: "var(--text-3)" },
        { key: "converted", label: "Converted", color: "var(--ok)" },
      ]}
    />
  );
}
