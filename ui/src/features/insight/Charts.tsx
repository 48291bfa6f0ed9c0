import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import { useEffect, useRef, useState } from "react";

import type { Unit } from "../../lib/api";
import { formatMoneyShort, formatValue } from "./analytics";
import { formatNumber } from "../../lib/format";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Filler);

/** One series of a chart: a bar or a line, coloured with a theme variable ("var(--accent)"). */
export type Series = { key: string; label: string; color: string; line?: boolean; stroke?: string };

/** A row of chart data: the category label, then one number per series. */
export type Datum = { label: string; fill?: string } & Record<string, string | number | null | undefined>;

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A colour as the theme has it now: `var(--accent)` read from the document, others as given. */
function resolve(color: string | undefined, fallback = "#888"): string {
  if (!color) return fallback;
  const name = /^var\((--[\w-]+)\)$/.exec(color.trim())?.[1];
  if (!name) return color;
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** Changes with the system's light or dark theme, so charts redraw in the new colours. */
function useColorScheme(): string {
  const query = typeof window !== "undefined" && window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  const [dark, setDark] = useState(query?.matches ?? false);
  useEffect(() => {
    if (!query) return;
    const onChange = (e: MediaQueryListEvent) => setDark(e.matches);
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, [query]);
  return dark ? "dark" : "light";
}

/**
 * A bar chart (with optional line series) drawn by Chart.js in the theme's colours. `horizontal`:
 * categories down the side, for long names or many of them. Values are in `unit` (money in
 * `currency` minor units). The same figures are in a table for screen readers.
 */
export function BarsChart({
  data,
  series,
  unit,
  currency,
  horizontal = false,
  height,
  label,
  testId,
}: {
  data: Datum[];
  series: Series[];
  unit: Unit;
  currency: string;
  horizontal?: boolean;
  height?: number;
  label: string;
  testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scheme = useColorScheme();
  const h = height ?? (horizontal ? Math.max(140, data.length * (series.length > 1 ? 34 : 26) + 60) : 280);
  const full = (v: unknown) => (typeof v === "number" ? formatValue(v, unit, currency) : String(v ?? ""));

  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return; // no canvas (tests): the table below carries the figures
    const tick = (v: number | string) => {
      const n = Number(v);
      return unit === "money" ? formatMoneyShort(n, currency) : unit === "percent" ? `${formatNumber(n / 100)} %` : formatNumber(n, 1);
    };
    const text = resolve("var(--text-2)");
    const grid = resolve("var(--border)");
    const perRow = data.some((d) => d.fill);
    const values = (key: string) => data.map((d) => (typeof d[key] === "number" ? (d[key] as number) : null));
    const config: ChartConfiguration<"bar" | "line", (number | null)[], string> = {
      type: "bar",
      data: {
        labels: data.map((d) => d.label),
        datasets: series.map((s) =>
          s.line
            ? {
                type: "line" as const,
                label: s.label,
                data: values(s.key),
                borderColor: resolve(s.color),
                backgroundColor: resolve(s.color),
                borderWidth: 2,
                pointRadius: 3,
                tension: 0.3,
                order: 0,
              }
            : {
                type: "bar" as const,
                label: s.label,
                data: values(s.key),
                backgroundColor: perRow ? data.map((d) => resolve(d.fill ?? s.color)) : resolve(s.color),
                borderColor: resolve(s.stroke ?? s.color),
                borderWidth: s.stroke ? 1 : 0,
                borderRadius: 3,
                maxBarThickness: horizontal ? 22 : 36,
                order: 1,
              },
        ),
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: { label: (item) => `${item.dataset.label ?? ""}: ${full(item.raw)}` },
          },
        },
        scales: {
          [horizontal ? "y" : "x"]: {
            ticks: {
              color: text,
              autoSkip: !horizontal,
              maxRotation: 40,
              callback(value) {
                const name = this.getLabelForValue(Number(value));
                return shorten(name, horizontal ? 28 : 16);
              },
            },
            grid: { display: horizontal, color: grid },
            border: { color: grid },
          },
          [horizontal ? "x" : "y"]: {
            beginAtZero: true,
            ticks: { color: text, callback: tick, precision: unit === "count" ? 0 : undefined },
            grid: { color: grid },
            border: { display: false },
          },
        },
      },
    };
    const chart = new Chart(context, config);
    return () => chart.destroy();
    // `full` is derived from unit and currency, listed here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [data, series, unit, currency, horizontal, scheme]);

  return (
    <div className="chart" data-testid={testId}>
      {series.length > 1 && (
        <div className="chart-legend" aria-hidden="true">
          {series.map((s) => (
            <span key={s.key}>
              <span
                className={`chart-swatch${s.line ? " line" : ""}`}
                style={s.line ? { background: s.color } : { background: s.color, borderColor: s.stroke ?? s.color }}
              />
              {s.label}
            </span>
          ))}
        </div>
      )}
      <div className="chart-canvas" style={{ height: h }}>
        <canvas ref={canvas} role="img" aria-label={label} />
      </div>
      <table className="visually-hidden" data-testid={testId ? `${testId}-data` : undefined}>
        <caption>{label}</caption>
        <thead>
          <tr>
            <th scope="col" />
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.map((d, i) => (
            <tr key={`${d.label}-${i}`}>
              <th scope="row">{d.label}</th>
              {series.map((s) => (
                <td key={s.key}>{full(d[s.key])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
