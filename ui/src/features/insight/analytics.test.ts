import { formatMoney, formatNumber } from "../../lib/format";
import { churnLevel, formatMinutes, formatValue, recordHref, toScopeInput } from "./analytics";

describe("analytics formatting", () => {
  it("formats values by unit", () => {
    expect(formatValue(6667, "percent", "EUR")).toBe("66.67 %");
    expect(formatValue(5000, "percent", "EUR")).toBe("50 %");
    expect(formatValue(123450, "money", "EUR")).toBe(formatMoney({ amount_minor: 123450, currency: "EUR" }));
    expect(formatValue(30, "days", "EUR")).toBe("30 days");
    expect(formatValue(1, "days", "EUR")).toBe("1 day");
    expect(formatValue(null, "money", "EUR")).toBe("—");
    expect(formatValue("Website", "text", "EUR")).toBe("Website");
    expect(formatValue(1234, "count", "EUR")).toBe(formatNumber(1234));
  });

  it("formats minutes as hours and days", () => {
    expect(formatMinutes(45)).toBe("45 min");
    expect(formatMinutes(90)).toBe("1 h 30 min");
    expect(formatMinutes(120)).toBe("2 h");
    expect(formatMinutes(3 * 1440 + 120)).toBe("3 d 2 h");
  });

  it("links records to their pages", () => {
    expect(recordHref("opportunities", "o1")).toBe("/deals/o1");
    expect(recordHref("leads", "l1")).toBe("/leads/l1");
    expect(recordHref("accounts", "a1")).toBe("/accounts/a1");
    expect(recordHref("tickets", "t1")).toBe("/tickets/t1");
    expect(recordHref("sales_documents", "d1")).toBe("/documents/d1");
  });

  it("turns the picker's state into a scope, refusing an unfinished custom period", () => {
    expect(toScopeInput({ period: "last_month", from: "", to: "", owner: "m1" })).toEqual({
      period: "last_month",
      from: null,
      to: null,
      owner_id: "m1",
      currency: null,
    });
    expect(toScopeInput({ period: "custom", from: "2026-01-01", to: "", owner: "" })).toBeNull();
    expect(toScopeInput({ period: "custom", from: "2026-02-01", to: "2026-01-01", owner: "" })).toBeNull();
    expect(toScopeInput({ period: "custom", from: "2026-01-01", to: "2026-01-31", owner: "" })).toEqual({
      period: null,
      from: "2026-01-01",
      to: "2026-01-31",
      owner_id: null,
      currency: null,
    });
  });

  it("rates churn scores", () => {
    expect([0, 24, 25, 49, 50, 100].map(churnLevel)).toEqual(["low", "low", "medium", "medium", "high", "high"]);
  });
});
