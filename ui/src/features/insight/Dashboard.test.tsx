import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { api, type Dashboard as DashboardData, type Figure } from "../../lib/api";
import { formatMoney, formatNumber } from "../../lib/format";
import { Dashboard } from "./Dashboard";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      team: { list: vi.fn(async () => [{ id: "m1", name: "Grace Hopper", email: null, active: true }]) },
      analytics: { dashboard: vi.fn(), records: vi.fn() },
    },
  };
});

const eur = (amount_minor: number) => formatMoney({ amount_minor, currency: "EUR" });
const fig = (key: string, label: string, unit: Figure["unit"], value: number | null, count: number): Figure => ({ key, label, unit, value, count });

function dashboard(over: Partial<DashboardData> = {}): DashboardData {
  return {
    scope: { from: "2026-11-01", to: "2026-11-30", owner_id: null, currency: null },
    currency: "EUR",
    other_currencies: [],
    figures: [
      fig("open_pipeline", "Open pipeline", "money", 1250050, 7),
      fig("won", "Won", "money", 500000, 2),
      fig("win_rate", "Win rate", "percent", 6667, 3),
      fig("average_deal", "Average deal", "money", null, 0),
      fig("sales_cycle", "Sales cycle", "days", 30, 2),
      fig("open_tickets", "Open tickets", "count", 1, 1),
      fig("sla_breaches", "SLA breaches", "count", 2, 2),
    ],
    forecast: [
      { month: "2026-11", open_minor: 1000000, weighted_minor: 400000, won_minor: 500000 },
      { month: "2026-12", open_minor: 250050, weighted_minor: 100000, won_minor: 0 },
    ],
    conversion: [
      { source: "Website", leads: 10, converted: 4 },
      { source: "Trade fair in Hanover, hall 7", leads: 3, converted: 0 },
    ],
    ...over,
  };
}

function renderDashboard() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <Router hook={memoryLocation({ path: "/dashboard" }).hook}>
        <Dashboard />
      </Router>
    </QueryClientProvider>,
  );
}

const thisMonth = { period: "this_month", from: null, to: null, owner_id: null, currency: null };

describe("the dashboard", () => {
  beforeEach(() => {
    window.sessionStorage.clear();
    vi.mocked(api.analytics.dashboard).mockReset();
    vi.mocked(api.analytics.records).mockReset();
  });

  it("shows each figure formatted by its unit, with its record count", async () => {
    vi.mocked(api.analytics.dashboard).mockResolvedValue(dashboard());
    renderDashboard();
    const open = await screen.findByTestId("figure-open_pipeline");
    expect(api.analytics.dashboard).toHaveBeenCalledWith(thisMonth);
    expect(open).toHaveTextContent("Open pipeline");
    expect(within(open).getByTestId("figure-value")).toHaveTextContent(eur(1250050));
    expect(open).toHaveTextContent("7 records");
    expect(within(screen.getByTestId("figure-win_rate")).getByTestId("figure-value")).toHaveTextContent("66.67 %");
    expect(within(screen.getByTestId("figure-average_deal")).getByTestId("figure-value")).toHaveTextContent("—");
    expect(screen.getByTestId("figure-average_deal")).toHaveTextContent("0 records");
    expect(within(screen.getByTestId("figure-sales_cycle")).getByTestId("figure-value")).toHaveTextContent("30 days");
    expect(screen.getByTestId("figure-open_tickets")).toHaveTextContent("1 record");
    // Breaches above zero stand out; the rest do not.
    expect(screen.getByTestId("figure-sla_breaches")).toHaveClass("alert");
    expect(screen.getByTestId("figure-open_tickets")).not.toHaveClass("alert");
    expect(screen.queryByTestId("dashboard-currency-note")).not.toBeInTheDocument();
  });

  it("shows a big pipeline whole, in a smaller type, with its count grouped", async () => {
    vi.mocked(api.analytics.dashboard).mockResolvedValue(
      dashboard({ figures: [fig("open_pipeline", "Open pipeline", "money", 530912450, 50000), fig("won", "Won", "money", 500000, 2)] }),
    );
    renderDashboard();
    const open = await screen.findByTestId("figure-open_pipeline");
    const value = within(open).getByTestId("figure-value");
    expect(value).toHaveTextContent(eur(530912450));
    expect(value).toHaveAttribute("title", eur(530912450));
    expect(value).toHaveClass("long");
    expect(open).toHaveTextContent(`${formatNumber(50000)} records`);
    expect(within(screen.getByTestId("figure-won")).getByTestId("figure-value")).not.toHaveClass("long");
  });

  it("lists the records behind a figure as links to their pages, and closes the list", async () => {
    vi.mocked(api.analytics.dashboard).mockResolvedValue(dashboard());
    vi.mocked(api.analytics.records).mockResolvedValue([
      { entity: "opportunities", id: "o1", label: "Acme renewal", amount_minor: 300000 },
      { entity: "opportunities", id: "o2", label: "Globex pilot", amount_minor: 200000 },
      { entity: "sales_documents", id: "d9", label: "Invoice 2026-0042", amount_minor: null },
    ]);
    renderDashboard();
    await userEvent.click(await screen.findByTestId("figure-won"));
    const panel = await screen.findByTestId("figure-records");
    expect(api.analytics.records).toHaveBeenCalledWith("won", thisMonth);
    const links = await within(panel).findAllByTestId("figure-record");
    expect(links).toHaveLength(3);
    expect(links[0]).toHaveAttribute("href", "/deals/o1");
    expect(links[0]).toHaveTextContent("Acme renewal");
    expect(links[0]).toHaveTextContent(eur(300000));
    expect(links[2]).toHaveAttribute("href", "/documents/d9");
    expect(links[2]).toHaveTextContent("Invoice 2026-0042");
    await userEvent.click(within(panel).getByTestId("figure-records-close"));
    expect(screen.queryByTestId("figure-records")).not.toBeInTheDocument();
  });

  it("says so when a figure has no records", async () => {
    vi.mocked(api.analytics.dashboard).mockResolvedValue(dashboard());
    vi.mocked(api.analytics.records).mockResolvedValue([]);
    renderDashboard();
    await userEvent.click(await screen.findByTestId("figure-average_deal"));
    expect(await within(await screen.findByTestId("figure-records")).findByText("No records behind this figure.")).toBeInTheDocument();
  });

  it("notes the currencies left out of the amounts", async () => {
    vi.mocked(api.analytics.dashboard).mockResolvedValue(dashboard({ other_currencies: ["USD", "GBP"] }));
    renderDashboard();
    expect(await screen.findByTestId("dashboard-currency-note")).toHaveTextContent(
      "Amounts in EUR; deals and invoices in USD, GBP are not counted.",
    );
  });

  it("asks again for another period, owner or custom days", async () => {
    vi.mocked(api.analytics.dashboard).mockResolvedValue(dashboard());
    renderDashboard();
    await screen.findByTestId("figure-won");
    await userEvent.selectOptions(screen.getByTestId("dashboard-period"), "last_year");
    await waitFor(() => expect(api.analytics.dashboard).toHaveBeenLastCalledWith({ ...thisMonth, period: "last_year" }));
    await screen.findByRole("option", { name: "Grace Hopper" });
    await userEvent.selectOptions(screen.getByTestId("dashboard-owner"), "m1");
    await waitFor(() => expect(api.analytics.dashboard).toHaveBeenLastCalledWith({ ...thisMonth, period: "last_year", owner_id: "m1" }));
    expect(screen.queryByTestId("dashboard-from")).not.toBeInTheDocument();
    await userEvent.selectOptions(screen.getByTestId("dashboard-period"), "custom");
    // The days the dashboard showed become the custom period's days.
    expect(screen.getByTestId("dashboard-from")).toHaveValue("2026-11-01");
    expect(screen.getByTestId("dashboard-to")).toHaveValue("2026-11-30");
    await waitFor(() =>
      expect(api.analytics.dashboard).toHaveBeenLastCalledWith({ period: null, from: "2026-11-01", to: "2026-11-30", owner_id: "m1", currency: null }),
    );
  });

  it("draws the forecast and conversion charts, or says there is nothing to draw", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    vi.mocked(api.analytics.dashboard).mockResolvedValueOnce(dashboard());
    renderDashboard();
    const forecast = await screen.findByTestId("chart-forecast");
    expect(forecast).toHaveTextContent("Pipeline forecast");
    // jsdom has no canvas: the figures are in the chart's table, as a screen reader reads them.
    const rows = within(forecast).getAllByRole("row");
    expect(rows.length).toBeGreaterThan(1);
    const conversion = screen.getByTestId("chart-conversion");
    expect(within(conversion).getByRole("img")).toHaveAccessibleName();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });

  it("says in plain words when there is nothing to chart", async () => {
    vi.mocked(api.analytics.dashboard).mockResolvedValueOnce(
      dashboard({ forecast: [{ month: "2026-11", open_minor: 0, weighted_minor: 0, won_minor: 0 }], conversion: [] }),
    );
    renderDashboard();
    expect(await screen.findByText(/No open deals with amounts/)).toBeInTheDocument();
    expect(screen.getByTestId("chart-conversion")).toHaveTextContent("No leads came in during this period.");
  });

  it("prints the page", async () => {
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    vi.mocked(api.analytics.dashboard).mockResolvedValue(dashboard());
    renderDashboard();
    await userEvent.click(await screen.findByTestId("dashboard-print"));
    expect(print).toHaveBeenCalledOnce();
    print.mockRestore();
  });
});
