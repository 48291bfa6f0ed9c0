import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type Activity, type Agenda } from "../../lib/api";
import { Today } from "./Today";
import { activity } from "../../test/fixtures";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      agenda: vi.fn(),
      undo: vi.fn(),
      activities: { complete: vi.fn(), reopen: vi.fn(), reschedule: vi.fn() },
    },
  };
});

function item(id: string, subject: string, starts: Date, over: Partial<Activity> = {}): Activity {
  return activity({ id, subject, ...over }, starts.toISOString());
}

const now = new Date();
const at = (days: number, h: number) => {
  const d = new Date(now);
  d.setDate(d.getDate() + days);
  d.setHours(h, 0, 0, 0);
  return d;
};
const ymd = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

const standup = item("t1", "Weekly standup", at(0, 15), {
  kind: "meeting",
  series_id: "s1",
  repeat: "FREQ=WEEKLY",
  repeat_text: "Weekly",
});
const agenda: Agenda = {
  today: ymd(now),
  overdue: [item("o1", "Send the quote", at(-3, 9), { kind: "task" })],
  overdue_total: 12,
  due_today: [item("d1", "Call Ada back", at(0, 11)), standup],
  upcoming: [{ date: ymd(at(1, 0)), items: [item("u1", "Demo at Acme", at(1, 10), { kind: "meeting" })] }],
  upcoming_total: 1,
};

function renderToday() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const location = memoryLocation({ path: "/today" });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <Today />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the Today screen", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.clearAllMocks();
  });

  it("shows overdue, today and the coming days", async () => {
    vi.mocked(api.agenda).mockResolvedValue(agenda);
    renderToday();
    const overdue = await screen.findByTestId("agenda-overdue");
    expect(overdue).toHaveTextContent("Send the quote");
    expect(overdue).toHaveTextContent("12");
    const today = screen.getByTestId("agenda-today");
    expect(within(today).getAllByTestId("agenda-item")).toHaveLength(2);
    expect(today).toHaveTextContent("Call Ada back");
    const upcoming = screen.getByTestId("agenda-upcoming");
    expect(upcoming).toHaveTextContent("Tomorrow");
    expect(upcoming).toHaveTextContent("Demo at Acme");
    expect(within(today).getAllByRole("link", { name: "Ada Lovelace" })[0]).toHaveAttribute("href", "/contacts/c1");
    expect(api.agenda).toHaveBeenCalledWith(7);
  });

  it("says how many more items the coming days hold than it lists", async () => {
    vi.mocked(api.agenda).mockResolvedValue({ ...agenda, upcoming_total: 1201 });
    renderToday();
    const more = await screen.findByTestId("agenda-upcoming-more");
    expect(more).toHaveTextContent("1,200 more");
    expect(within(more).getByRole("link", { name: "calendar" })).toHaveAttribute("href", "/calendar");
  });

  it("ticks an item off at once and offers Undo, which takes the whole save back", async () => {
    vi.mocked(api.agenda).mockResolvedValue(agenda);
    vi.mocked(api.activities.complete).mockResolvedValueOnce({
      activity: { ...agenda.due_today[0]!, done_at: now.toISOString() },
      next: null,
      batch_id: "b1",
    });
    vi.mocked(api.undo).mockResolvedValueOnce("undo-batch");
    renderToday();
    const today = await screen.findByTestId("agenda-today");
    const row = within(today).getByText("Call Ada back").closest("[data-testid=agenda-item]") as HTMLElement;
    await userEvent.click(within(row).getByTestId("agenda-done"));
    expect(api.activities.complete).toHaveBeenCalledWith("d1");
    expect(within(screen.getByTestId("agenda-today")).queryByText("Call Ada back")).not.toBeInTheDocument();
    const toast = await screen.findByText(/Done: Call Ada back/);
    await userEvent.click(within(toast.closest("[data-testid=toast]") as HTMLElement).getByRole("button", { name: "Undo" }));
    await waitFor(() => expect(api.undo).toHaveBeenCalledWith("b1"));
    expect(await within(screen.getByTestId("agenda-today")).findByText("Call Ada back")).toBeInTheDocument();
  });

  it("names the next date when a recurring item is done", async () => {
    vi.mocked(api.agenda).mockResolvedValue(agenda);
    const next = { ...standup, id: "t2", starts_at: at(7, 15).toISOString() };
    vi.mocked(api.activities.complete).mockResolvedValueOnce({ activity: standup, next, batch_id: "b2" });
    renderToday();
    const today = await screen.findByTestId("agenda-today");
    const row = within(today).getByText("Weekly standup").closest("[data-testid=agenda-item]") as HTMLElement;
    await userEvent.click(within(row).getByTestId("agenda-done"));
    expect(await screen.findByText(/Done: Weekly standup · next on/)).toBeInTheDocument();
  });

  it("reschedules to tomorrow at the same time of day", async () => {
    vi.mocked(api.agenda).mockResolvedValue(agenda);
    vi.mocked(api.activities.reschedule).mockResolvedValueOnce({ ...agenda.due_today[0]!, starts_at: at(1, 11).toISOString() });
    renderToday();
    const today = await screen.findByTestId("agenda-today");
    const row = within(today).getByText("Call Ada back").closest("[data-testid=agenda-item]") as HTMLElement;
    await userEvent.click(within(row).getByTestId("agenda-reschedule"));
    await userEvent.click(screen.getByText("Tomorrow", { selector: "span" }));
    expect(api.activities.reschedule).toHaveBeenCalledWith("d1", at(1, 11).toISOString(), "this");
  });

  it("has a friendly empty state", async () => {
    vi.mocked(api.agenda).mockResolvedValue({ today: ymd(now), overdue: [], overdue_total: 0, due_today: [], upcoming: [], upcoming_total: 0 });
    renderToday();
    expect(await screen.findByTestId("agenda-empty")).toHaveTextContent("All clear");
    expect(screen.getByTestId("new-activity")).toBeInTheDocument();
  });
});
