import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { api, type Forecast as ForecastData } from "../../lib/api";
import { todayIso } from "./deals";
import { formatMoney } from "../../lib/format";
import { Forecast } from "./Forecast";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      team: { list: vi.fn(async () => []) },
      pipelines: { list: vi.fn(async () => []) },
      deals: { forecast: vi.fn() },
    },
  };
});

const eur = (amount_minor: number) => ({ amount_minor, currency: "EUR" });
const none = { count: 0, amount: [], weighted: [] };

describe("the forecast", () => {
  it("shows months with open, weighted and won amounts, past months marked, and the undated total", async () => {
    const month = todayIso().slice(0, 7);
    const data: ForecastData = {
      pipeline_name: "Sales",
      months: [
        { month: "2000-01", open: none, won: { count: 2, amount: [eur(700000)], weighted: [eur(700000)] } },
        { month, open: { count: 3, amount: [eur(1500000)], weighted: [eur(450000)] }, won: none },
        { month: "2999-12", open: none, won: none },
      ],
      undated: { count: 4, amount: [eur(99900)], weighted: [eur(9990)] },
    };
    vi.mocked(api.deals.forecast).mockResolvedValueOnce(data);
    render(
      <QueryClientProvider client={new QueryClient()}>
        <Router hook={memoryLocation({ path: "/deals/forecast" }).hook}>
          <Forecast />
        </Router>
      </QueryClientProvider>,
    );
    const rows = await screen.findAllByTestId("forecast-month");
    expect(rows.map((r) => r.getAttribute("data-month"))).toEqual(["2000-01", month, "2999-12"]);
    expect(rows[0]).toHaveClass("past");
    expect(rows[0]).toHaveTextContent(`${formatMoney(eur(700000))} (2)`);
    expect(rows[1]).toHaveClass("current");
    expect(rows[1]).toHaveTextContent(formatMoney(eur(1500000)));
    expect(rows[1]).toHaveTextContent(formatMoney(eur(450000)));
    expect(rows[2]).not.toHaveClass("past");
    const undated = screen.getByTestId("forecast-undated");
    expect(within(undated).getByText("4")).toBeInTheDocument();
    expect(undated).toHaveTextContent(formatMoney(eur(99900)));
    expect(screen.getByTestId("forecast-chart")).toBeInTheDocument();
  });
});
