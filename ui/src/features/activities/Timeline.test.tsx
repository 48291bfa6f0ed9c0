import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { api, type Activity, type TimelineItem } from "../../lib/api";
import { splitUpcoming, Timeline, timelineFilter } from "./Timeline";
import { ToastProvider } from "../../components/Toasts";
import { activity } from "../../test/fixtures";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      timeline: vi.fn(),
      activities: { complete: vi.fn(), reopen: vi.fn() },
    },
  };
});

function act(id: string, subject: string, starts: Date, over: Partial<Activity> = {}): TimelineItem {
  const a = activity(
    {
      id,
      subject,
      direction: "outbound",
      outcome: "connected",
      links: [
        { entity: "contacts", id: "c1", name: "Ada Lovelace" },
        { entity: "accounts", id: "x1", name: "Acme" },
      ],
      ...over,
    },
    starts.toISOString(),
  );
  return { at: a.starts_at ?? a.created_at, kind: "activity", title: subject, details: [], link_entity: "activities", link_id: id, origin: null, batch_id: null, activity: a };
}

const later = new Date(Date.now() + 2 * 86_400_000);
const earlier = new Date(Date.now() - 2 * 86_400_000);
const items: TimelineItem[] = [
  act("f1", "Quarterly review", later, { kind: "meeting", outcome: null, direction: null }),
  act("p1", "Discussed pricing", earlier, { done_at: earlier.toISOString(), notes: "Long notes" }),
  act("p2", "Send brochure", earlier, { kind: "task", outcome: null, direction: null, channel: null }),
  { at: earlier.toISOString(), kind: "history", title: "Edited title", details: ["Title: A → B"], link_entity: null, link_id: null, origin: "cli", batch_id: "b", activity: null },
];

function renderTimeline() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const location = memoryLocation({ path: "/contacts/c1" });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <Timeline entity="contacts" id="c1" />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the timeline", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.clearAllMocks();
  });

  it("maps chips and the channel to a TimelineFilter", () => {
    expect(timelineFilter([], "")).toEqual({ types: [], channels: [] });
    expect(timelineFilter(["call", "other", "changes"], "email")).toEqual({
      types: ["call", "fax", "web_visit", "event", "changes"],
      channels: ["email"],
    });
  });

  it("puts open future items in Upcoming, soonest first", () => {
    const { upcoming, past } = splitUpcoming(items);
    expect(upcoming.map((i) => i.activity?.id)).toEqual(["f1"]);
    expect(past).toHaveLength(3);
  });

  it("renders activities with badges and other linked names, and keeps history items", async () => {
    vi.mocked(api.timeline).mockResolvedValue(items);
    renderTimeline();
    const upcoming = await screen.findByTestId("timeline-upcoming");
    expect(upcoming).toHaveTextContent("Quarterly review");
    const entries = screen.getAllByTestId("timeline-activity");
    expect(entries).toHaveLength(3);
    const call = entries.find((e) => e.textContent?.includes("Discussed pricing")) as HTMLElement;
    expect(call).toHaveTextContent("Connected");
    expect(call).toHaveTextContent("Outbound");
    expect(within(call).getByRole("link", { name: "Acme" })).toHaveAttribute("href", "/accounts/x1");
    expect(within(call).queryByRole("link", { name: "Ada Lovelace" })).not.toBeInTheDocument();
    expect(within(call).queryByTestId("timeline-complete")).not.toBeInTheDocument();
    expect(screen.getByText("Edited title")).toBeInTheDocument();
  });

  it("asks the backend for the chosen types and channel", async () => {
    vi.mocked(api.timeline).mockResolvedValue(items);
    renderTimeline();
    await screen.findByTestId("timeline-upcoming");
    await userEvent.click(screen.getByTestId("timeline-filter-call"));
    await userEvent.click(screen.getByTestId("timeline-filter-changes"));
    await userEvent.selectOptions(screen.getByTestId("timeline-channel"), "phone");
    await waitFor(() =>
      expect(api.timeline).toHaveBeenLastCalledWith("contacts", "c1", null, { types: ["call", "changes"], channels: ["phone"] }),
    );
    expect(screen.getByTestId("timeline-filter-call")).toHaveAttribute("aria-pressed", "true");
    await userEvent.click(screen.getByTestId("timeline-filter-all"));
    await waitFor(() =>
      expect(api.timeline).toHaveBeenLastCalledWith("contacts", "c1", null, { types: [], channels: ["phone"] }),
    );
  });

  it("completes an open item from its checkbox", async () => {
    vi.mocked(api.timeline).mockResolvedValue(items);
    vi.mocked(api.activities.complete).mockResolvedValueOnce({ activity: items[2]!.activity!, next: null, batch_id: "b" });
    renderTimeline();
    const entry = (await screen.findByText("Send brochure")).closest("[data-testid=timeline-activity]") as HTMLElement;
    await userEvent.click(within(entry).getByTestId("timeline-complete"));
    await waitFor(() => expect(api.activities.complete).toHaveBeenCalledWith("p2"));
    expect(await screen.findByText(/Done: Send brochure/)).toBeInTheDocument();
  });
});
