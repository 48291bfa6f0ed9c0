import { ApiError } from "../../lib/api";
import { conditionProblems, insertAt, isComplete, roiText, runnableFilter, shortLabel, stepsSummary, workReportText } from "./marketing";

describe("marketing helpers", () => {
  it("summarises a sequence's steps", () => {
    expect(
      stepsSummary([
        { template_name: "Welcome", delay_days: 0 },
        { template_name: "Product info", delay_days: 2 },
        { template_name: "Offer", delay_days: 1 },
      ]),
    ).toBe("Day 0 Welcome → +2 days Product info → +1 day Offer");
    expect(stepsSummary([])).toBe("No steps yet");
  });

  it("runs only complete conditions and remembers where they were", () => {
    const { filter, positions } = runnableFilter({
      match: "any",
      conditions: [
        { field: "city", op: "is", value: "" },
        { field: "city", op: "contains", value: " Berlin " },
        { field: "email", op: "is_set", value: "stale" },
      ],
    });
    expect(filter).toEqual({
      match: "any",
      conditions: [
        { field: "city", op: "contains", value: "Berlin" },
        { field: "email", op: "is_set", value: "" },
      ],
    });
    expect(positions).toEqual([1, 2]);
    expect(isComplete({ field: "vip", op: "yes", value: "" })).toBe(true);
  });

  it("maps the backend's condition complaints to the builder's rows", () => {
    const error = new ApiError({
      code: "validation",
      message: "conditions.1.value: is not a number",
      fields: [
        { field: "conditions.1.value", message: "is not a number" },
        { field: "name", message: "is required" },
      ],
    });
    const { byRow, lines } = conditionProblems(error, [0, 3], ["name"]);
    expect(byRow.get(3)).toBe("Is not a number");
    expect(lines).toEqual(["Condition 4: is not a number"]);
  });

  it("tells what a send-now round did", () => {
    expect(workReportText({ recovered: 0, sequences: { queued: 0, completed: 0, stopped: 0 }, sent: null, waiting: 0 })).toEqual({
      text: "Sending is not set up: messages wait here. Set up your SMTP server in Settings → E-mail.",
      notSetUp: true,
    });
    expect(
      workReportText({
        recovered: 0,
        sequences: { queued: 1, completed: 0, stopped: 0 },
        sent: { sent: 3, failed: 0, deferred: 0, skipped: 1, problems: [] },
        waiting: 0,
      }).text,
    ).toBe("Queued 1 sequence step. Sent 3, failed 0, put off 0, skipped 1.");
  });

  it("formats ROI, merge field names and inserts at the cursor", () => {
    expect(roiText(15000)).toBe("150%");
    expect(roiText(null)).toBe("—");
    expect(shortLabel("First name (a lead's first word of its name)")).toBe("First name");
    expect(insertAt("Hello !", "{{first_name}}", 6, 6)).toEqual({ text: "Hello {{first_name}}!", caret: 20 });
    expect(insertAt("Hello X!", "{{first_name}}", 6, 7)).toEqual({ text: "Hello {{first_name}}!", caret: 20 });
  });
});
