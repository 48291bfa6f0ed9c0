import { describe, expect, it } from "vitest";

import { countOf } from "./count";

describe("countOf", () => {
  it("says an exact count with its noun", () => {
    expect(countOf(1, false, "person", "people")).toBe("1 person");
    expect(countOf(0, false, "person", "people")).toBe("0 people");
    expect(countOf(2345, false, "person", "people")).toBe((2345).toLocaleString() + " people");
  });
  it("says 10,000+ when the count stopped at its cap", () => {
    expect(countOf(10000, true, "person", "people")).toBe(`${(10000).toLocaleString()}+ people`);
    expect(countOf(1, true, "deal", "deals")).toBe("1+ deals");
  });
});
