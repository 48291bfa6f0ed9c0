import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ToastProvider } from "../../components/Toasts";
import { api, type CalendarDay, type CalendarEntry } from "../../lib/api";
import { ActivityDialogProvider } from "./ActivityDialog";
import { CalendarScreen } from "./CalendarScreen";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      calendar: vi.fn(async () => []),
      calendarMonth: vi.fn(async () => []),
      team: { list: vi.fn(async () => []), me: vi.fn(async () => null) },
      tickets: { setMe: vi.fn() },
      activities: { get: vi.fn(), reschedule: vi.fn(), update: vi.fn() },
      search: vi.fn(async () => []),
      exportIcs: vi.fn(),
    },
  };
});

const ann = { id: "m1", name: "Ann Owner", email: null, active: true };

const entry = (id: string, subject: string, startsAt: string): CalendarEntry => ({
  activity_id: id,
  projected: false,
  kind: "call",
  subject,
  starts_at: startsAt,
  ends_at: null,
  all_day: false,
  done: false,
  series_id: null,
  with: "Ada Lovelace",
});

const ymd = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

function renderScreen() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <ActivityDialogProvider>
          <CalendarScreen />
        </ActivityDialogProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

// FullCalendar renders a whole grid in jsdom: slow on a loaded machine.
describe("the calendar screen", { timeout: 30_000 }, () => {
  beforeEach(() => {
    localStorage.clear();
    vi.clearAllMocks();
    vi.mocked(api.team.list).mockResolvedValue([ann]);
  });

  it("shows my calendar by default, and everyone's at one click, remembering the choice", async () => {
    vi.mocked(api.team.me).mockResolvedValue("m1");
    renderScreen();
    await waitFor(() => expect(api.calendar).toHaveBeenCalled());
    expect(vi.mocked(api.calendar).mock.calls.every((c) => c[2] === "m1")).toBe(true);
    expect(screen.getByTestId("calendar-mine")).toHaveAttribute("aria-pressed", "true");
    expect(screen.queryByTestId("calendar-me-hint")).not.toBeInTheDocument();

    await userEvent.click(screen.getByTestId("calendar-everyone"));
    await waitFor(() => expect(vi.mocked(api.calendar).mock.calls.some((c) => c[2] === null)).toBe(true));
    expect(screen.getByTestId("calendar-everyone")).toHaveAttribute("aria-pressed", "true");
    expect(JSON.parse(localStorage.getItem("rapport.calendar.whose") ?? "null")).toBe("everyone");

    await userEvent.selectOptions(screen.getByTestId("calendar-member"), "member:m1");
    expect(JSON.parse(localStorage.getItem("rapport.calendar.whose") ?? "null")).toEqual({ member: "m1" });
  });

  it("says in plain words that nobody is set as me, and shows everyone", async () => {
    vi.mocked(api.team.me).mockResolvedValue(null);
    renderScreen();
    const hint = await screen.findByTestId("calendar-me-hint");
    expect(hint).toHaveTextContent("Nobody is set as you yet, so this is everyone’s calendar.");
    await waitFor(() => expect(api.calendar).toHaveBeenCalled());
    expect(vi.mocked(api.calendar).mock.calls.every((c) => c[2] === null)).toBe(true);
    expect(within(hint).getByTestId("calendar-me-select")).toHaveTextContent("Ann Owner");
  });

  it("shows a month day's first items with '+K more', which opens that day's full list", async () => {
    vi.mocked(api.team.me).mockResolvedValue(null);
    localStorage.setItem("rapport.calendar.whose", JSON.stringify("everyone"));
    const today = new Date();
    const date = ymd(today);
    const at = (h: number) => new Date(today.getFullYear(), today.getMonth(), today.getDate(), h).toISOString();
    const shown = [entry("a1", "First call", at(8)), entry("a2", "Second call", at(9))];
    const month: CalendarDay[] = [{ date, count: 7, entries: shown }];
    vi.mocked(api.calendarMonth).mockResolvedValue(month);
    vi.mocked(api.calendar).mockResolvedValue([
      ...shown,
      ...[10, 11, 12, 13, 14].map((h) => entry(`b${h}`, `Later call ${h}`, at(h))),
    ]);
    renderScreen();
    await userEvent.click(await screen.findByRole("button", { name: "Month" }));
    await waitFor(() => expect(api.calendarMonth).toHaveBeenCalled());
    const [, , owner, perDay] = vi.mocked(api.calendarMonth).mock.calls.at(-1) ?? [];
    expect(owner).toBeNull();
    expect(perDay).toBe(4);
    const more = await screen.findByText("+5 more");
    expect(screen.getByText("First call")).toBeInTheDocument();
    vi.mocked(api.calendar).mockClear();

    await userEvent.click(more);
    const list = await screen.findByTestId("day-list");
    await waitFor(() => expect(within(list).getAllByTestId("day-list-item")).toHaveLength(7));
    expect(within(list).getByTestId("day-list-count")).toHaveTextContent("7 items");
    expect(list).toHaveTextContent("Later call 14");
    const [from, to, dayOwner] = vi.mocked(api.calendar).mock.calls[0] ?? [];
    expect(new Date(from ?? "").getTime()).toBe(new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime());
    expect(new Date(to ?? "").getTime()).toBe(new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).getTime());
    expect(dayOwner).toBeNull();

    await userEvent.click(within(list).getByTestId("day-list-close"));
    expect(screen.queryByTestId("day-list")).not.toBeInTheDocument();
  });
});
