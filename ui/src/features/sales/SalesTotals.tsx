import type { ReactNode } from "react";

import type { TaxLine } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { percentText } from "./sales";

type Figures = { subtotal_minor: number; discount_minor: number; tax_minor: number; total_minor: number; taxes: TaxLine[] };

/** Subtotal, discounts, tax per rate and total, as on the printed document. */
export function TotalsBlock({ totals, currency, testId, children }: { totals: Figures; currency: string; testId: string; children?: ReactNode }) {
  const m = (amount_minor: number) => formatMoney({ amount_minor, currency });
  return (
    <table className="totals" data-testid={testId}>
      <tbody>
        <tr data-testid="totals-subtotal">
          <th>Subtotal</th>
          <td>{m(totals.subtotal_minor)}</td>
        </tr>
        {totals.discount_minor !== 0 && (
          <>
            <tr data-testid="totals-discount">
              <th>Discounts</th>
              <td>{m(-totals.discount_minor)}</td>
            </tr>
            <tr data-testid="totals-net">
              <th>Net</th>
              <td>{m(totals.subtotal_minor - totals.discount_minor)}</td>
            </tr>
          </>
        )}
        {totals.taxes.map((t) => (
          <tr key={t.rate_bp} data-testid={`totals-tax-${percentText(t.rate_bp)}`}>
            <th>
              Tax {percentText(t.rate_bp)}% <span className="muted small">on {m(t.net_minor)}</span>
            </th>
            <td>{m(t.tax_minor)}</td>
          </tr>
        ))}
        <tr className="grand" data-testid="totals-total">
          <th>Total</th>
          <td>{m(totals.total_minor)}</td>
        </tr>
        {children}
      </tbody>
    </table>
  );
}
