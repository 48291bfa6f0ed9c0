import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type Campaign } from "../../lib/api";
import { formatMoney, formatNumber } from "../../lib/format";
import { Campaigns } from "./Campaigns";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      team: { list: vi.fn(async () => []) },
      marketing: { campaigns: { list: vi.fn(), effectiveness: vi.fn(), create: vi.fn(), update: vi.fn() } },
    },
  };
});

const c = api.marketing.campaigns;
const campaign: Campaign = {
  id: "k1",
  name: "Spring show",
  kind: "trade_show",
  status: "active",
  starts_on: "2026-03-01",
  ends_on: "2026-03-03",
  currency: "EUR",
  budget: { amount_minor: 500000, currency: "EUR" },
  actual_cost: { amount_minor: 400000, currency: "EUR" },
  expected_revenue: null,
  description: null,
  owner_id: null,
  created_at: "",
  updated_at: "",
};

function renderIt() {
  const location = memoryLocation({ path: "/marketing/campaigns", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <Campaigns />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("campaigns", () => {
  beforeEach(() => {
    vi.mocked(c.list).mockReset().mockResolvedValue([campaign]);
    vi.mocked(c.effectiveness)
      .mockReset()
      .mockResolvedValue([
        {
          campaign_id: "k1",
          name: "Spring show",
          kind: "trade_show",
          status: "active",
          currency: "EUR",
          members: 1200,
          responses: 80,
          leads: 40,
          leads_converted: 10,
          deals: 6,
          deals_won: 3,
          won_minor: 1000000,
          cost_minor: 400000,
          cost_per_lead_minor: 10000,
          roi_bp: 15000,
        },
      ]);
    vi.mocked(c.create).mockReset().mockResolvedValue({ ...campaign, id: "k2", name: "Webinar" });
  });

  it("shows each campaign's cost and what it brought in", async () => {
    renderIt();
    const row = await screen.findByTestId("campaign-row");
    expect(row).toHaveTextContent("Trade show");
    expect(row).toHaveTextContent(formatMoney({ amount_minor: 500000, currency: "EUR" }));
    await waitFor(() => expect(within(row).getByTestId("campaign-members")).toHaveTextContent(formatNumber(1200)));
    expect(within(row).getByTestId("campaign-roi")).toHaveTextContent("150%");
    expect(row).toHaveTextContent(formatMoney({ amount_minor: 10000, currency: "EUR" }));
  });

  it("adds a campaign with its amounts as decimal text", async () => {
    const location = renderIt();
    await screen.findByTestId("campaign-row");
    await userEvent.click(screen.getByTestId("new-campaign"));
    await userEvent.type(screen.getByTestId("campaign-name"), "Webinar");
    await userEvent.selectOptions(screen.getByTestId("campaign-kind"), "webinar");
    await userEvent.type(screen.getByTestId("campaign-budget"), "1500,5");
    await userEvent.type(screen.getByTestId("campaign-starts"), "2026-04-01");
    await userEvent.click(screen.getByTestId("campaign-save"));
    await waitFor(() =>
      expect(c.create).toHaveBeenCalledWith({
        name: "Webinar",
        kind: "webinar",
        status: "planned",
        starts_on: "2026-04-01",
        ends_on: null,
        currency: "EUR",
        budget: "1500.5",
        actual_cost: "",
        expected_revenue: "",
        description: null,
        owner_id: null,
      }),
    );
    await waitFor(() => expect(location.history?.at(-1)).toBe("/marketing/campaigns/k2"));
  });
});
