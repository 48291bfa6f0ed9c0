import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";

import { api } from "../../lib/api";
import { ChurnRiskCard } from "./ChurnRisk";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return { ...real, api: { analytics: { churnOf: vi.fn() } } };
});

function renderCard() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ChurnRiskCard accountId="acc1" />
    </QueryClientProvider>,
  );
}

describe("the churn risk card", () => {
  it("shows a high score in red with its reasons and their points", async () => {
    vi.mocked(api.analytics.churnOf).mockResolvedValueOnce({
      account_id: "acc1",
      account_name: "Acme",
      score: 55,
      reasons: [
        { points: 30, text: "No contact for 34 days; usually every 3" },
        { points: 25, text: "2 complaints in the last 90 days" },
      ],
    });
    renderCard();
    expect(await screen.findByTestId("churn-score")).toHaveTextContent("55");
    expect(api.analytics.churnOf).toHaveBeenCalledWith("acc1");
    expect(screen.getByTestId("churn-level")).toHaveTextContent("High");
    expect(screen.getByTestId("churn-score").parentElement).toHaveClass("churn-high");
    const reasons = screen.getAllByTestId("churn-reason");
    expect(reasons.map((r) => r.textContent)).toEqual([
      "No contact for 34 days; usually every 3 (+30)",
      "2 complaints in the last 90 days (+25)",
    ]);
  });

  it.each([
    [10, "Low", "churn-low"],
    [25, "Medium", "churn-medium"],
    [49, "Medium", "churn-medium"],
    [50, "High", "churn-high"],
  ])("rates a score of %i as %s", async (score, label, cls) => {
    vi.mocked(api.analytics.churnOf).mockResolvedValueOnce({
      account_id: "acc1",
      account_name: "Acme",
      score,
      reasons: [{ points: score, text: "Overdue invoices" }],
    });
    renderCard();
    expect(await screen.findByTestId("churn-level")).toHaveTextContent(label);
    expect(screen.getByTestId("churn-score").parentElement).toHaveClass(cls);
  });

  it("says there is no sign of risk at zero", async () => {
    vi.mocked(api.analytics.churnOf).mockResolvedValueOnce({ account_id: "acc1", account_name: "Acme", score: 0, reasons: [] });
    renderCard();
    expect(await screen.findByText("No sign of risk")).toBeInTheDocument();
    expect(screen.getByTestId("churn-score")).toHaveTextContent("0");
    expect(screen.queryByTestId("churn-reason")).not.toBeInTheDocument();
  });
});
