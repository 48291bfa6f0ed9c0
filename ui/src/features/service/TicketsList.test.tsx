import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type TicketQuery } from "../../lib/api";
import { TicketsList } from "./TicketsList";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      tickets: { list: vi.fn(), counts: vi.fn(), setMe: vi.fn() },
      fields: { list: vi.fn() },
      views: { list: vi.fn() },
      team: { list: vi.fn() },
      tags: vi.fn(),
    },
  };
});

/** Totals per queue the list reports (for Resolved and All, which the counts call lacks). */
const TOTALS: Record<string, number> = { resolved: 41, all: 57 };

function renderIt() {
  const location = memoryLocation({ path: "/tickets", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <TicketsList />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

const queried = () => vi.mocked(api.tickets.list).mock.calls.map(([q]) => (q as Partial<TicketQuery>).queue);

describe("the ticket queues", () => {
  beforeEach(() => {
    vi.mocked(api.tickets.list)
      .mockReset()
      .mockImplementation(async (q) => ({ items: [], total: TOTALS[q?.queue ?? "open"] ?? 0, next: null }));
    vi.mocked(api.tickets.counts)
      .mockReset()
      .mockResolvedValue({ open: 9, mine: 4, breaching_soon: 2, breached: 3, waiting: 5, me: "tm1" });
    vi.mocked(api.tickets.setMe).mockReset();
    vi.mocked(api.fields.list).mockResolvedValue([]);
    vi.mocked(api.views.list).mockResolvedValue([]);
    vi.mocked(api.team.list).mockResolvedValue([{ id: "tm1", name: "Grace Hopper", email: null, active: true }]);
    vi.mocked(api.tags).mockResolvedValue([]);
  });

  it("shows every queue with its count", async () => {
    renderIt();
    expect(await screen.findByTestId("tickets-screen")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("queue-open")).toHaveTextContent("Open9"));
    expect(screen.getByTestId("queue-mine")).toHaveTextContent("Mine4");
    expect(screen.getByTestId("queue-breaching_soon")).toHaveTextContent("Breaching soon2");
    expect(screen.getByTestId("queue-breached")).toHaveTextContent("Breached3");
    expect(screen.getByTestId("queue-waiting")).toHaveTextContent("Waiting on customer5");
    await waitFor(() => expect(screen.getByTestId("queue-resolved")).toHaveTextContent("Resolved41"));
    expect(screen.getByTestId("queue-all")).toHaveTextContent("All57");
    // Open is the queue shown first.
    expect(screen.getByTestId("queue-open")).toHaveAttribute("aria-selected", "true");
  });

  it("lists the chosen queue", async () => {
    renderIt();
    await userEvent.click(await screen.findByTestId("queue-breached"));
    await waitFor(() => expect(queried()).toContain("breached"));
    expect(screen.getByTestId("queue-breached")).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("queue-open")).toHaveAttribute("aria-selected", "false");
  });

  it("asks who you are when Mine means nobody", async () => {
    vi.mocked(api.tickets.counts).mockResolvedValue({ open: 9, mine: 0, breaching_soon: 0, breached: 0, waiting: 0, me: null });
    vi.mocked(api.tickets.setMe).mockResolvedValue("tm1");
    renderIt();
    await userEvent.click(await screen.findByTestId("queue-mine"));
    const select = await screen.findByTestId("me-select");
    await within(select).findByRole("option", { name: "Grace Hopper" });
    await userEvent.selectOptions(select, "tm1");
    expect(api.tickets.setMe).toHaveBeenCalledWith("tm1");
  });
});
