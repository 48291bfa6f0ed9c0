import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, type PeriodName, type ReportScope } from "../../lib/api";
import { DEFAULT_SCOPE, PERIODS, type ScopeState } from "./analytics";
import { todayIso } from "../sales/deals";
import { qk } from "../../lib/queryKeys";

const STORAGE_KEY = "rapport.analytics.scope";

function storedScope(): ScopeState {
  try {
    const raw = window.sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return DEFAULT_SCOPE;
    const s = JSON.parse(raw) as Partial<ScopeState>;
    const known = s.period === "custom" || PERIODS.some((p) => p.value === s.period);
    return {
      period: known ? (s.period as ScopeState["period"]) : DEFAULT_SCOPE.period,
      from: typeof s.from === "string" ? s.from : "",
      to: typeof s.to === "string" ? s.to : "",
      owner: typeof s.owner === "string" ? s.owner : "",
    };
  } catch {
    return DEFAULT_SCOPE;
  }
}

/**
 * The period and owner the dashboard and reports look at, kept for the session so that going
 * from the dashboard to a report (and back) keeps what the user chose.
 */
export function useScopeState(): [ScopeState, (next: ScopeState) => void] {
  const [scope, setScope] = useState<ScopeState>(storedScope);
  const update = (next: ScopeState) => {
    setScope(next);
    try {
      window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // Storage full or refused: the choice still holds on this screen.
    }
  };
  return [scope, update];
}

/**
 * Period (named or two days) and owner selects. `current`: the days the last answer covered,
 * used to prefill the dates when switching to a custom period.
 */
export function PeriodPicker({
  value,
  onChange,
  current,
  testIdPrefix,
}: {
  value: ScopeState;
  onChange: (next: ScopeState) => void;
  current?: Pick<ReportScope, "from" | "to"> | null;
  testIdPrefix: string;
}) {
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  const setPeriod = (period: string) => {
    if (period === "custom") {
      const today = todayIso();
      onChange({
        ...value,
        period: "custom",
        from: value.from || current?.from || `${today.slice(0, 8)}01`,
        to: value.to || current?.to || today,
      });
    } else {
      onChange({ ...value, period: period as PeriodName });
    }
  };
  const badRange = value.period === "custom" && value.from && value.to && value.from > value.to;
  return (
    <div className="period-picker">
      <select
        className="input"
        aria-label="Period"
        value={value.period}
        onChange={(e) => setPeriod(e.target.value)}
        data-testid={`${testIdPrefix}-period`}
      >
        {PERIODS.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {value.period === "custom" && (
        <span className="period-dates">
          <input
            className="input"
            type="date"
            aria-label="From"
            value={value.from}
            max={value.to || undefined}
            aria-invalid={badRange ? true : undefined}
            onChange={(e) => onChange({ ...value, from: e.target.value })}
            data-testid={`${testIdPrefix}-from`}
          />
          <span className="muted">to</span>
          <input
            className="input"
            type="date"
            aria-label="To"
            value={value.to}
            min={value.from || undefined}
            aria-invalid={badRange ? true : undefined}
            onChange={(e) => onChange({ ...value, to: e.target.value })}
            data-testid={`${testIdPrefix}-to`}
          />
        </span>
      )}
      <select
        className="input"
        aria-label="Owner"
        value={value.owner}
        onChange={(e) => onChange({ ...value, owner: e.target.value })}
        data-testid={`${testIdPrefix}-owner`}
      >
        <option value="">Everyone</option>
        {team.data
          ?.filter((m) => m.active || m.id === value.owner)
          .map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
      </select>
    </div>
  );
}
