import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { DealsTabs } from "./DealsTabs";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { api, type ForecastMonth, type Money } from "../../lib/api";
import { barPercent, currenciesOf, formatMonth, formatMonthShort, formatTotals, maxOf, todayIso } from "./deals";
import { formatMoney } from "../../lib/format";
import "../../styles/deals.css";
import { qk } from "../../lib/queryKeys";

const amountIn = (list: Money[], currency: string) => list.find((m) => m.currency === currency)?.amount_minor ?? 0;

export function Forecast() {
  const [pipeline, setPipeline] = useState("");
  const [owner, setOwner] = useState("");
  const pipelines = useQuery({ queryKey: qk.pipelines.all, queryFn: api.pipelines.list });
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  const query = { pipeline: pipeline || null, owner_id: owner || null };
  const forecast = useQuery({ queryKey: qk.deals.forecast(query), queryFn: () => api.deals.forecast(query) });
  const data = forecast.data;
  const thisMonth = todayIso().slice(0, 7);
  const months = data?.months ?? [];
  const currencies = currenciesOf(months.flatMap((m) => [m.open.amount, m.won.amount]));
  const [chosen, setChosen] = useState("");
  const currency = currencies.includes(chosen) ? chosen : (currencies[0] ?? "");

  return (
    <>
      <PageHead title="Forecast" sub={data ? `${data.pipeline_name} · open deals by expected close, won deals by close date` : " "}>
        <DealsTabs />
      </PageHead>
      <div className="page-body">
        <div className="filter-bar" style={{ paddingBottom: 14 }}>
          {(pipelines.data?.length ?? 0) > 1 && (
            <select className="input" aria-label="Pipeline" value={pipeline} onChange={(e) => setPipeline(e.target.value)}>
              {pipelines.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
          <select className="input" aria-label="Filter by owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
            <option value="">Any owner</option>
            <option value="none">Unassigned</option>
            {team.data?.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
          {currencies.length > 1 && (
            <select className="input" aria-label="Chart currency" value={currency} onChange={(e) => setChosen(e.target.value)}>
              {currencies.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          )}
        </div>
        <ErrorBanner error={forecast.error} />
        {data && (
          <>
            <section className="card" data-testid="forecast-chart">
              <div className="forecast-legend">
                <span>
                  <span className="legend-swatch won" />
                  Won
                </span>
                <span>
                  <span className="legend-swatch open" />
                  Open (amount)
                </span>
                <span>
                  <span className="legend-swatch weighted" />
                  Weighted
                </span>
                {currency && <span className="muted">in {currency}</span>}
              </div>
              <Chart months={months} currency={currency} thisMonth={thisMonth} />
            </section>
            <section className="card table-card" style={{ marginTop: 16 }}>
              <table className="list forecast" data-testid="forecast-table">
                <thead>
                  <tr>
                    <th>Month</th>
                    <th className="num">Open deals</th>
                    <th className="num">Amount</th>
                    <th className="num">Weighted</th>
                    <th className="num">Won</th>
                  </tr>
                </thead>
                <tbody>
                  {months.map((m) => {
                    const past = m.month < thisMonth;
                    return (
                      <tr
                        key={m.month}
                        className={past ? "past" : m.month === thisMonth ? "current" : undefined}
                        data-testid="forecast-month"
                        data-month={m.month}
                      >
                        <td>
                          {formatMonth(m.month)}
                          {past && <span className="muted small"> · past</span>}
                          {m.month === thisMonth && <span className="small"> · this month</span>}
                        </td>
                        <td className="num">{m.open.count || ""}</td>
                        <td className="num">{m.open.count ? formatTotals(m.open.amount) : ""}</td>
                        <td className="num">{m.open.count ? formatTotals(m.open.weighted) : ""}</td>
                        <td className="num">{m.won.count ? `${formatTotals(m.won.amount)} (${m.won.count})` : ""}</td>
                      </tr>
                    );
                  })}
                </tbody>
                <tfoot>
                  <tr data-testid="forecast-undated">
                    <td>No expected close date</td>
                    <td className="num">{data.undated.count}</td>
                    <td className="num">{formatTotals(data.undated.amount)}</td>
                    <td className="num">{formatTotals(data.undated.weighted)}</td>
                    <td />
                  </tr>
                </tfoot>
              </table>
            </section>
          </>
        )}
      </div>
    </>
  );
}

function Chart({ months, currency, thisMonth }: { months: ForecastMonth[]; currency: string; thisMonth: string }) {
  const max = Math.max(
    maxOf(months.map((m) => m.open.amount), currency),
    maxOf(months.map((m) => m.won.amount), currency),
  );
  if (!currency || max === 0) return <p className="muted">Nothing to chart yet: give your deals amounts and expected close dates.</p>;
  return (
    <>
      <div className="forecast-chart" role="img" aria-label={`Forecast by month in ${currency}`}>
        {months.map((m) => {
          const open = amountIn(m.open.amount, currency);
          const weighted = amountIn(m.open.weighted, currency);
          const won = amountIn(m.won.amount, currency);
          const openPct = barPercent(open, max);
          const title = [
            formatMonth(m.month),
            won ? `won ${formatMoney({ amount_minor: won, currency })}` : "",
            open ? `open ${formatMoney({ amount_minor: open, currency })}, weighted ${formatMoney({ amount_minor: weighted, currency })}` : "",
          ]
            .filter(Boolean)
            .join(" · ");
          return (
            <div key={m.month} className="forecast-bar" title={title}>
              {open > 0 && (
                <div className="seg-open" style={{ height: `${openPct}%` }}>
                  <div className="seg-weighted" style={{ height: `${open ? Math.round((weighted / open) * 100) : 0}%` }} />
                </div>
              )}
              {won > 0 && <div className="seg-won" style={{ height: `${barPercent(won, max)}%` }} />}
            </div>
          );
        })}
      </div>
      <div className="forecast-labels">
        {months.map((m) => (
          <span key={m.month} style={m.month === thisMonth ? { color: "var(--accent)", fontWeight: 600 } : undefined}>
            {formatMonthShort(m.month)}
          </span>
        ))}
      </div>
    </>
  );
}
