import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type Report } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { Reports, chartOf } from "./Reports";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      team: { list: vi.fn(async () => []) },
      analytics: { report: vi.fn(), exportCsv: vi.fn() },
    },
  };
});

const scope = { from: "2026-11-01", to: "2026-11-30", owner_id: null, currency: null };
const thisMonth = { period: "this_month", from: null, to: null, owner_id: null, currency: null };

const pipeline: Report = {
  name: "pipeline",
  title: "Open pipeline by stage",
  scope,
  currency: "EUR",
  columns: [
    { key: "stage", label: "Stage", unit: "text" },
    { key: "deals", label: "Deals", unit: "count" },
    { key: "amount", label: "Amount", unit: "money" },
    { key: "weighted", label: "Weighted", unit: "money" },
  ],
  rows: [
    ["Sales / Qualified", 3, 1500000, 300000],
    ["Sales / Proposal", 0, 0, 0],
  ],
  note: "Open deals now, whatever the period.",
};

const service: Report = {
  name: "service",
  title: "Response and resolution times, SLA compliance",
  scope,
  currency: "EUR",
  columns: [
    { key: "priority", label: "Priority", unit: "text" },
    { key: "tickets", label: "Tickets", unit: "count" },
    { key: "first_response", label: "Average first response", unit: "minutes" },
    { key: "first_response_met", label: "First response on time", unit: "percent" },
  ],
  rows: [
    ["high", 4, 90, 7500],
    ["low", 1, null, null],
  ],
  note: "Tickets opened in the period.",
};

function renderReports() {
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ToastProvider>
        <Router hook={memoryLocation({ path: "/reports" }).hook}>
          <Reports />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("reports", () => {
  beforeEach(() => {
    window.sessionStorage.clear();
    vi.mocked(api.analytics.report).mockReset();
    vi.mocked(api.analytics.exportCsv).mockReset();
    vi.mocked(api.analytics.report).mockImplementation(async (name) => (name === "service" ? service : pipeline));
  });

  it("shows a report as a table formatted by column unit, numbers right-aligned, with its note and chart", async () => {
    renderReports();
    const table = await screen.findByTestId("report-table");
    expect(api.analytics.report).toHaveBeenCalledWith("pipeline", thisMonth);
    expect(screen.getByTestId("report-title")).toHaveTextContent("Open pipeline by stage");
    const headers = within(table).getAllByRole("columnheader");
    expect(headers.map((h) => h.textContent)).toEqual(["Stage", "Deals", "Amount", "Weighted"]);
    expect(headers[0]).not.toHaveClass("num");
    expect(headers[2]).toHaveClass("num");
    const rows = within(table).getAllByTestId("report-row");
    const cells = within(rows[0] as HTMLElement).getAllByRole("cell");
    expect(cells.map((c) => c.textContent)).toEqual([
      "Sales / Qualified",
      "3",
      formatMoney({ amount_minor: 1500000, currency: "EUR" }),
      formatMoney({ amount_minor: 300000, currency: "EUR" }),
    ]);
    expect(cells[0]).not.toHaveClass("num");
    expect(cells[2]).toHaveClass("num");
    expect(screen.getByTestId("report-note")).toHaveTextContent("Open deals now, whatever the period.");
    expect(screen.getByTestId("report-chart")).toBeInTheDocument();
  });

  it("switches report, asking for it by name, and formats minutes and percentages", async () => {
    renderReports();
    await screen.findByTestId("report-table");
    await userEvent.selectOptions(screen.getByTestId("report-name"), "service");
    await waitFor(() => expect(api.analytics.report).toHaveBeenLastCalledWith("service", thisMonth));
    await screen.findByText("Response and resolution times, SLA compliance", { selector: "h2" });
    const rows = within(screen.getByTestId("report-table")).getAllByTestId("report-row");
    expect(within(rows[0] as HTMLElement).getAllByRole("cell").map((c) => c.textContent)).toEqual(["high", "4", "1 h 30 min", "75 %"]);
    expect(within(rows[1] as HTMLElement).getAllByRole("cell").map((c) => c.textContent)).toEqual(["low", "1", "—", "—"]);
    // No chart for this one: the table says it all.
    expect(screen.queryByTestId("report-chart")).not.toBeInTheDocument();
  });

  it("passes the period to the report", async () => {
    renderReports();
    await screen.findByTestId("report-table");
    await userEvent.selectOptions(screen.getByTestId("report-period"), "this_quarter");
    await waitFor(() => expect(api.analytics.report).toHaveBeenLastCalledWith("pipeline", { ...thisMonth, period: "this_quarter" }));
  });

  it("exports the report as CSV and says where it went", async () => {
    vi.mocked(api.analytics.exportCsv).mockResolvedValueOnce({ path: "/home/me/rapport-pipeline.csv", rows: 2 });
    renderReports();
    await screen.findByTestId("report-table");
    await userEvent.click(screen.getByTestId("report-export"));
    expect(api.analytics.exportCsv).toHaveBeenCalledWith("pipeline", thisMonth);
    expect(await screen.findByTestId("toast")).toHaveTextContent("Exported 2 rows to /home/me/rapport-pipeline.csv");
  });

  it("says nothing when the export is cancelled", async () => {
    vi.mocked(api.analytics.exportCsv).mockResolvedValueOnce(null);
    renderReports();
    await screen.findByTestId("report-table");
    await userEvent.click(screen.getByTestId("report-export"));
    await waitFor(() => expect(screen.getByTestId("report-export")).toBeEnabled());
    expect(screen.queryByTestId("toast")).not.toBeInTheDocument();
  });

  it("says so when a report has no rows", async () => {
    vi.mocked(api.analytics.report).mockResolvedValue({ ...pipeline, rows: [] });
    renderReports();
    expect(await screen.findByText("Nothing to report for this period.")).toBeInTheDocument();
    expect(screen.queryByTestId("report-chart")).not.toBeInTheDocument();
  });
});

describe("report charts", () => {
  it("shows the top 10 customers by revenue", () => {
    const rows = Array.from({ length: 12 }, (_, i) => [`Customer ${i}`, 0, 0, (i + 1) * 1000, 0, 0]);
    const chart = chartOf({
      ...pipeline,
      name: "customers",
      columns: ["account", "invoiced", "credited", "revenue", "paid", "share"].map((key) => ({
        key,
        label: key,
        unit: key === "account" ? "text" : "money",
      })),
      rows,
    });
    expect(chart?.horizontal).toBe(true);
    expect(chart?.data.map((d) => d.label)).toEqual(["Customer 11", "Customer 10", "Customer 9", "Customer 8", "Customer 7", "Customer 6", "Customer 5", "Customer 4", "Customer 3", "Customer 2"]);
  });

  it("colours won and lost deals apart", () => {
    const chart = chartOf({
      ...pipeline,
      name: "won-lost",
      columns: [
        { key: "outcome", label: "Outcome", unit: "text" },
        { key: "reason", label: "Reason", unit: "text" },
        { key: "deals", label: "Deals", unit: "count" },
        { key: "amount", label: "Amount", unit: "money" },
      ],
      rows: [
        ["won", "", 2, 500000],
        ["lost", "Price", 1, 100000],
      ],
    });
    expect(chart?.data).toEqual([
      { label: "Won", value: 500000, fill: "var(--ok)" },
      { label: "Lost · Price", value: 100000, fill: "var(--danger)" },
    ]);
  });

  it("sets each campaign's cost beside the revenue it won", () => {
    const chart = chartOf({
      ...pipeline,
      name: "campaigns",
      columns: ["campaign", "type", "cost", "won_amount"].map((key) => ({
        key,
        label: key,
        unit: key === "campaign" || key === "type" ? "text" : "money",
      })),
      rows: [
        ["Spring fair", "trade_show", 200000, 350000],
        ["US newsletter", "email", null, null],
      ],
    });
    expect(chart?.data).toEqual([
      { label: "Spring fair", cost: 200000, won: 350000 },
      { label: "US newsletter", cost: 0, won: 0 },
    ]);
  });
});
