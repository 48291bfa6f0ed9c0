import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";

import { BarsChart, type Datum, type Series } from "./Charts";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { PeriodPicker, useScopeState } from "./PeriodPicker";
import { useNotify } from "../../components/Toasts";
import { api, toApiError, type Cell, type Report, type ScopeInput, type Unit } from "../../lib/api";
import { REPORTS, formatRange, formatValue, toScopeInput } from "./analytics";
import { formatMonth, formatMonthShort } from "../sales/deals";
import { formatNumber } from "../../lib/format";
import "../../styles/analytics.css";
import { qk } from "../../lib/queryKeys";

type ChartSpec = { data: Datum[]; series: Series[]; unit: Unit; horizontal: boolean; label: string };

const num = (c: Cell | undefined): number => (typeof c === "number" ? c : 0);
const text = (c: Cell | undefined): string => (c === null || c === undefined ? "" : String(c));
const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The chart drawn above a report's table, where one helps; null for the others. */
export function chartOf(report: Report): ChartSpec | null {
  const at = (key: string) => report.columns.findIndex((c) => c.key === key);
  const get = (row: Cell[], key: string) => row[at(key)];
  const rows = report.rows;
  if (rows.length === 0) return null;
  const money = (key: string, label: string, color: string, stroke?: string): Series => ({ key, label, color, stroke });
  switch (report.name) {
    case "forecast":
      return {
        label: `Open, weighted and won amounts by month in ${report.currency}`,
        unit: "money",
        horizontal: false,
        data: rows.map((r) => ({
          label: formatMonthShort(text(get(r, "month"))),
          amount: num(get(r, "amount")),
          weighted: num(get(r, "weighted")),
          won: num(get(r, "won")),
        })),
        series: [
          money("amount", "Open", "var(--accent-soft)", "var(--accent)"),
          money("weighted", "Weighted", "var(--accent)"),
          money("won", "Won", "var(--ok)"),
        ],
      };
    case "pipeline":
    case "pipeline-by-owner": {
      const key = report.name === "pipeline" ? "stage" : "owner";
      return {
        label: `Open pipeline by ${key} in ${report.currency}`,
        unit: "money",
        horizontal: true,
        data: rows.map((r) => ({ label: text(get(r, key)), amount: num(get(r, "amount")), weighted: num(get(r, "weighted")) })),
        series: [money("amount", "Amount", "var(--accent-soft)", "var(--accent)"), money("weighted", "Weighted", "var(--accent)")],
      };
    }
    case "won-lost": {
      const byAmount = rows.some((r) => num(get(r, "amount")) > 0);
      const key = byAmount ? "amount" : "deals";
      return {
        label: byAmount ? `Won and lost amounts in ${report.currency}` : "Won and lost deals",
        unit: byAmount ? "money" : "count",
        horizontal: true,
        data: rows.map((r) => {
          const won = text(get(r, "outcome")) === "won";
          const reason = text(get(r, "reason"));
          return {
            label: won ? "Won" : `Lost${reason ? ` · ${reason}` : ""}`,
            value: num(get(r, key)),
            fill: won ? "var(--ok)" : "var(--danger)",
          };
        }),
        series: [{ key: "value", label: byAmount ? "Amount" : "Deals", color: "var(--accent)" }],
      };
    }
    case "funnel":
      return {
        label: "Leads and converted leads by source",
        unit: "count",
        horizontal: true,
        data: rows.map((r) => ({ label: text(get(r, "source")) || "No source", leads: num(get(r, "leads")), converted: num(get(r, "converted")) })),
        series: [
          { key: "leads", label: "Leads", color: "var(--text-3)" },
          { key: "converted", label: "Converted", color: "var(--ok)" },
        ],
      };
    case "customers":
      return {
        label: `Top customers by revenue in ${report.currency}`,
        unit: "money",
        horizontal: true,
        data: [...rows]
          .sort((a, b) => num(get(b, "revenue")) - num(get(a, "revenue")))
          .slice(0, 10)
          .map((r) => ({ label: text(get(r, "account")), revenue: num(get(r, "revenue")) })),
        series: [{ key: "revenue", label: "Revenue", color: "var(--accent)" }],
      };
    case "churn":
      return {
        label: "Churn risk score of the customers most at risk",
        unit: "count",
        horizontal: true,
        data: rows.slice(0, 10).map((r) => {
          const score = num(get(r, "score"));
          return {
            label: text(get(r, "account")),
            score,
            fill: score >= 50 ? "var(--danger)" : score >= 25 ? "var(--risk-medium)" : "var(--ok)",
          };
        }),
        series: [{ key: "score", label: "Risk", color: "var(--accent)" }],
      };
    case "campaigns":
      return {
        label: `Cost and won revenue per campaign in ${report.currency}`,
        unit: "money",
        horizontal: true,
        data: rows.map((r) => ({ label: text(get(r, "campaign")), cost: num(get(r, "cost")), won: num(get(r, "won_amount")) })),
        series: [money("cost", "Cost", "var(--text-3)"), money("won", "Won revenue", "var(--ok)")],
      };
    default:
      return null;
  }
}

/** Every report as a table (with a chart where it helps), for the screen, the printer or a CSV file. */
export function Reports() {
  const [state, setState] = useScopeState();
  const [name, setName] = useState(REPORTS[0]?.name ?? "pipeline");
  const [exporting, setExporting] = useState(false);
  const notify = useNotify();
  const scope = toScopeInput(state);
  const report = useQuery({
    queryKey: qk.analytics.report(name, scope),
    queryFn: () => api.analytics.report(name, scope as ScopeInput),
    enabled: scope !== null,
    staleTime: 0,
  });
  const r = report.data;
  const chart = r ? chartOf(r) : null;

  const exportCsv = async () => {
    if (!scope) return;
    setExporting(true);
    try {
      const saved = await api.analytics.exportCsv(name, scope);
      if (saved) notify(`Exported ${formatNumber(saved.rows)} ${saved.rows === 1 ? "row" : "rows"} to ${saved.path}`);
    } catch (e) {
      const message = toApiError(e).message;
      notify(capitalized(message), "error");
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <PageHead title="Reports" sub={r ? `${formatRange(r.scope)} · amounts in ${r.currency}` : " "}>
        <Link className="btn no-print" href="/dashboard">
          ← Dashboard
        </Link>
      </PageHead>
      <div className="page-body reports">
        <div className="filter-bar report-bar">
          <select
            className="input report-select"
            aria-label="Report"
            value={name}
            onChange={(e) => setName(e.target.value)}
            data-testid="report-name"
          >
            {REPORTS.map((x) => (
              <option key={x.name} value={x.name}>
                {x.title}
              </option>
            ))}
          </select>
          <PeriodPicker value={state} onChange={setState} current={r?.scope} testIdPrefix="report" />
          <span className="spacer" />
          <button className="btn no-print" onClick={() => window.print()} data-testid="report-print">
            Print
          </button>
          <button
            className="btn primary no-print"
            onClick={() => void exportCsv()}
            disabled={!scope || exporting}
            data-testid="report-export"
          >
            {exporting ? "Exporting…" : "Export CSV"}
          </button>
        </div>
        <ErrorBanner error={report.error} />
        {scope === null && <p className="muted">Choose both days of the period, the first one before the last.</p>}
        {!r && !report.error && scope !== null && <p className="muted">Loading…</p>}
        {r && (
          <>
            <h2 className="report-title" data-testid="report-title">
              {r.title}
            </h2>
            {chart && (
              <section className="card chart-card report-chart">
                <BarsChart {...chart} currency={r.currency} testId="report-chart" />
              </section>
            )}
            <ReportTable report={r} />
            {r.note && (
              <p className="report-note muted" data-testid="report-note">
                {r.note}
              </p>
            )}
          </>
        )}
      </div>
    </>
  );
}

function ReportTable({ report }: { report: Report }) {
  const numeric = report.columns.map((c) => c.unit !== "text");
  return (
    <section className="table-card report-table-card">
      <table className="list report-table" data-testid="report-table">
        <thead>
          <tr>
            {report.columns.map((c, i) => (
              <th key={c.key} className={numeric[i] ? "num" : undefined} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.rows.length === 0 ? (
            <tr>
              <td colSpan={report.columns.length} className="muted report-empty">
                Nothing to report for this period.
              </td>
            </tr>
          ) : (
            report.rows.map((row, ri) => (
              <tr key={ri} data-testid="report-row">
                {report.columns.map((c, ci) => {
                  const cell = row[ci] ?? null;
                  const shown = c.key === "outcome" && typeof cell === "string" ? capitalized(cell) : formatValue(cell, c.unit, report.currency);
                  return (
                    <td key={c.key} className={numeric[ci] ? "num" : undefined} data-column={c.key}>
                      {c.key === "month" && typeof cell === "string" && /^\d{4}-\d{2}$/.test(cell) ? formatMonth(cell) : shown}
                    </td>
                  );
                })}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}
