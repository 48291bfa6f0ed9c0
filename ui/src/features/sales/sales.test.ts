import {
  blankLine,
  divRound,
  documentTitle,
  documentTotals,
  draftLineOf,
  lineAmounts,
  lineInput,
  parseScaled,
  pdfName,
  percentText,
  previewLine,
  quantityText,
} from "./sales";

describe("divRound (half away from zero)", () => {
  it("rounds halves away from zero on both sides", () => {
    expect(divRound(5n, 10n)).toBe(1n);
    expect(divRound(15n, 10n)).toBe(2n);
    expect(divRound(25n, 10n)).toBe(3n); // not banker's rounding
    expect(divRound(-5n, 10n)).toBe(-1n);
    expect(divRound(-25n, 10n)).toBe(-3n);
  });

  it("rounds below a half toward zero, and leaves exact quotients alone", () => {
    expect(divRound(4n, 10n)).toBe(0n);
    expect(divRound(-4n, 10n)).toBe(0n);
    expect(divRound(1499n, 1000n)).toBe(1n);
    expect(divRound(-1499n, 1000n)).toBe(-1n);
    expect(divRound(30n, 10n)).toBe(3n);
    expect(divRound(0n, 1000n)).toBe(0n);
  });
});

describe("lineAmounts", () => {
  it("computes gross, discount, net, tax and total, each rounded", () => {
    // 1.5 × 120.00 = 180.00; 10% off = 18.00; net 162.00; 19% = 30.78.
    expect(lineAmounts(1500, 12000, 1000, 1900)).toEqual({
      gross_minor: 18000,
      discount_minor: 1800,
      net_minor: 16200,
      tax_minor: 3078,
      total_minor: 19278,
    });
  });

  it("rounds each step half away from zero, not the total at the end", () => {
    // 0.333 × 0.15 = 0.04995 → 0.05; discount 50% of 5 = 2.5 → 3; net 2; tax 25% of 2 = 0.5 → 1.
    expect(lineAmounts(333, 15, 5000, 2500)).toEqual({
      gross_minor: 5,
      discount_minor: 3,
      net_minor: 2,
      tax_minor: 1,
      total_minor: 3,
    });
  });

  it("rounds negative amounts away from zero (a credit), and keeps zero at zero", () => {
    // 1 × −0.05 with 10% off: discount −0.005 → −0.01.
    expect(lineAmounts(1000, -5, 1000, 0)).toMatchObject({ gross_minor: -5, discount_minor: -1, net_minor: -4 });
    // −2.5 cents of tax rounds to −3.
    expect(lineAmounts(1000, -10, 0, 2500).tax_minor).toBe(-3);
    expect(lineAmounts(1000, 0, 1000, 1900)).toEqual({
      gross_minor: 0,
      discount_minor: 0,
      net_minor: 0,
      tax_minor: 0,
      total_minor: 0,
    });
  });

  it("stays exact for large quantities and prices", () => {
    expect(lineAmounts(999_999_999, 99_999_999, 0, 0).gross_minor).toBe(99_999_998_900_000);
  });
});

describe("documentTotals", () => {
  const lines = [
    { q: 1500, p: 12000, d: 1000, t: 1900 },
    { q: 3333, p: 999, d: 0, t: 700 },
    { q: 1000, p: 4995, d: 1250, t: 1900 },
    { q: 2000, p: 1, d: 5000, t: 0 },
  ].map(({ q, p, d, t }) => ({ amounts: lineAmounts(q, p, d, t), tax_rate_bp: t }));

  it("sums the lines so they add up to the total exactly", () => {
    const totals = documentTotals(lines);
    const sum = lines.reduce((s, l) => s + l.amounts.total_minor, 0);
    expect(totals.total_minor).toBe(sum);
    expect(totals.subtotal_minor - totals.discount_minor + totals.tax_minor).toBe(totals.total_minor);
    expect(totals.taxes.reduce((s, t) => s + t.tax_minor, 0)).toBe(totals.tax_minor);
  });

  it("groups tax per rate, lowest rate first", () => {
    const totals = documentTotals(lines);
    expect(totals.taxes.map((t) => t.rate_bp)).toEqual([0, 700, 1900]);
    const nineteen = totals.taxes[2];
    expect(nineteen?.net_minor).toBe(16200 + lines[2]!.amounts.net_minor);
    expect(nineteen?.tax_minor).toBe(3078 + lines[2]!.amounts.tax_minor);
  });

  it("is all zero without lines", () => {
    expect(documentTotals([])).toEqual({ subtotal_minor: 0, discount_minor: 0, tax_minor: 0, total_minor: 0, taxes: [] });
  });
});

describe("decimal text", () => {
  it("parses typed decimals exactly, with a decimal comma too", () => {
    expect(parseScaled("1.5", 3)).toBe(1500);
    expect(parseScaled("1,5", 3)).toBe(1500);
    expect(parseScaled(" 120.00 ", 2)).toBe(12000);
    expect(parseScaled("7.5", 2)).toBe(750);
    expect(parseScaled(".25", 3)).toBe(250);
    expect(parseScaled("-3", 2)).toBe(-300);
  });

  it("refuses text that is not a number or has too many decimals", () => {
    expect(parseScaled("", 2)).toBeNull();
    expect(parseScaled("abc", 2)).toBeNull();
    expect(parseScaled("1.2345", 3)).toBeNull();
    expect(parseScaled("1.2.3", 3)).toBeNull();
  });

  it("writes the shortest text back", () => {
    expect(quantityText(1500)).toBe("1.5");
    expect(quantityText(2000)).toBe("2");
    expect(quantityText(250)).toBe("0.25");
    expect(percentText(1900)).toBe("19");
    expect(percentText(750)).toBe("7.5");
    expect(percentText(0)).toBe("0");
  });
});

describe("editor lines", () => {
  it("previews a typed line with the core's arithmetic, or nothing while a number is unreadable", () => {
    const line = { ...blankLine(), quantity: "1.5", unit_price: "120.00", discount: "10", tax_rate: "19" };
    expect(previewLine(line, "EUR")?.amounts.total_minor).toBe(19278);
    expect(previewLine({ ...line, quantity: "one" }, "EUR")).toBeNull();
    // No price yet: nothing to show.
    expect(previewLine({ ...line, unit_price: "" }, "EUR")).toBeNull();
  });

  it("sends blank optional values as null and decimals with a point", () => {
    const line = { ...blankLine(), product: " CONS-H ", description: "", quantity: "1,5", unit_price: "", discount: "", tax_rate: "" };
    expect(lineInput(line)).toEqual({
      product: "CONS-H",
      description: null,
      quantity: "1.5",
      unit_price: null,
      discount: null,
      tax_rate: null,
      unit: null,
    });
  });

  it("turns a stored line back into editable text", () => {
    const draft = draftLineOf(
      {
        id: "l1",
        position: 0,
        product_id: "p1",
        sku: "CONS-H",
        description: "Consulting",
        unit: "hour",
        quantity_milli: 1500,
        unit_price_minor: 12000,
        discount_bp: 1000,
        tax_rate_bp: 1900,
        amounts: lineAmounts(1500, 12000, 1000, 1900),
        source_line_id: null,
      },
      "EUR",
    );
    expect(draft).toMatchObject({ product: "CONS-H", quantity: "1.5", unit_price: "120.00", discount: "10", tax_rate: "19", unit: "hour" });
  });
});

describe("titles", () => {
  it("names documents as the user reads them", () => {
    expect(documentTitle({ kind: "quote", number: "Q-2026-0001", version: 2 })).toBe("Quote Q-2026-0001 v2");
    expect(documentTitle({ kind: "quote", number: "Q-2026-0001", version: 1 })).toBe("Quote Q-2026-0001");
    expect(documentTitle({ kind: "invoice", number: "INV-2026-0001", version: 1 })).toBe("Invoice INV-2026-0001");
    expect(documentTitle({ kind: "invoice", number: null, version: 1 })).toBe("Invoice (draft)");
    expect(pdfName({ kind: "invoice", number: "INV-2026-0001", version: 1 })).toBe("INV-2026-0001.pdf");
  });
});
