import { useQuery } from "@tanstack/react-query";

import { api } from "../../lib/api";
import { churnLevel } from "./analytics";
import "../../styles/analytics.css";
import { qk } from "../../lib/queryKeys";

const LEVEL_LABEL = { low: "Low", medium: "Medium", high: "High" } as const;

/** An account's churn score (0-100) with the reasons behind it. */
export function ChurnRiskCard({ accountId }: { accountId: string }) {
  const risk = useQuery({
    queryKey: qk.analytics.churn(accountId),
    queryFn: () => api.analytics.churnOf(accountId),
    // The score follows every activity, ticket and invoice: ask again when the page opens.
    staleTime: 0,
  });
  const r = risk.data;
  const level = r ? churnLevel(r.score) : null;
  return (
    <section className="card" data-testid="churn-risk">
      <h2>Churn risk</h2>
      {risk.error ? (
        <span className="muted">Could not work out the risk: {risk.error instanceof Error ? risk.error.message : String(risk.error)}</span>
      ) : !r || !level ? (
        <span className="muted">…</span>
      ) : (
        <>
          <div className={`churn-score churn-${level}`} data-level={level}>
            <span className="churn-number" data-testid="churn-score">
              {r.score}
            </span>
            <span className="muted small">of 100</span>
            <span className="churn-level" data-testid="churn-level">
              {LEVEL_LABEL[level]}
            </span>
          </div>
          {r.score === 0 || r.reasons.length === 0 ? (
            <span className="muted">No sign of risk</span>
          ) : (
            <ul className="churn-reasons">
              {r.reasons.map((reason, i) => (
                <li key={i} data-testid="churn-reason">
                  {reason.text} <span className="churn-points">(+{reason.points})</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
