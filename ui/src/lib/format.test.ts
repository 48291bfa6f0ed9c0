import { formatMoney, formatRelative, fullName, initials, moneyToPlain } from "./format";

describe("money", () => {
  it("turns minor units into exact decimal text per currency", () => {
    expect(moneyToPlain({ amount_minor: 123450, currency: "EUR" })).toBe("1234.50");
    expect(moneyToPlain({ amount_minor: 5, currency: "USD" })).toBe("0.05");
    expect(moneyToPlain({ amount_minor: -705, currency: "USD" })).toBe("-7.05");
    expect(moneyToPlain({ amount_minor: 1500, currency: "JPY" })).toBe("1500");
  });

  it("does not drift on amounts beyond float precision of decimals", () => {
    // 0.1 + 0.2 style errors would show here if the UI divided by 100.
    expect(moneyToPlain({ amount_minor: 9007199254740991, currency: "EUR" })).toBe(
      "90071992547409.91",
    );
  });

  it("formats for display with the currency", () => {
    expect(formatMoney({ amount_minor: 123450, currency: "EUR" }, "en-US")).toBe("€1,234.50");
    expect(formatMoney({ amount_minor: 1500, currency: "JPY" }, "en-US")).toBe("¥1,500");
  });
});

describe("names", () => {
  it("joins and abbreviates", () => {
    expect(fullName({ first_name: "Ada", last_name: "Lovelace" })).toBe("Ada Lovelace");
    expect(fullName({ first_name: "", last_name: "Plato" })).toBe("Plato");
    expect(initials("Ada King Lovelace")).toBe("AL");
    expect(initials("acme")).toBe("A");
  });
});

describe("relative time", () => {
  it("speaks like a person", () => {
    const now = new Date("2026-11-23T12:00:00Z");
    expect(formatRelative("2026-11-23T11:57:00.000Z", now, "en")).toBe("3 minutes ago");
    expect(formatRelative("2026-11-22T12:00:00.000Z", now, "en")).toBe("yesterday");
  });
});
