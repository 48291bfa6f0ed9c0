import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { api, type Reminder } from "../../lib/api";
import { RemindersBell } from "./Reminders";
import { ToastProvider } from "../../components/Toasts";
import { activity } from "../../test/fixtures";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      reminders: { takeNew: vi.fn(), due: vi.fn(), snooze: vi.fn(), dismiss: vi.fn() },
      activities: { complete: vi.fn() },
      notify: vi.fn(async () => true),
    },
  };
});

function reminder(id: string, subject: string, missed: boolean): Reminder {
  const at = "2026-11-23T09:00:00Z";
  return { remind_at: at, missed, activity: activity({ id, subject, remind_at: at, reminder_state: "shown" }, at) };
}

function renderBell() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <RemindersBell />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("reminders", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.clearAllMocks();
  });

  it("sums up reminders missed while the app was closed in one toast", async () => {
    const missed = [reminder("a", "Call Ada", true), reminder("b", "Send quote", true), reminder("c", "Renewal", true)];
    vi.mocked(api.reminders.takeNew).mockResolvedValueOnce(missed).mockResolvedValue([]);
    vi.mocked(api.reminders.due).mockResolvedValue(missed);
    const view = renderBell();
    expect(await screen.findByText("3 reminders were due while Rapport was closed")).toBeInTheDocument();
    expect(screen.getAllByTestId("toast")).toHaveLength(1);
    expect(api.notify).toHaveBeenCalledTimes(1);
    expect(api.notify).toHaveBeenCalledWith("Rapport", "3 reminders were due while Rapport was closed");
    expect(await screen.findByTestId("reminders-count")).toHaveTextContent("3");
    view.unmount();
  });

  it("notifies each new reminder on the desktop and in the app", async () => {
    vi.mocked(api.reminders.takeNew).mockResolvedValueOnce([reminder("a", "Call Ada", false)]).mockResolvedValue([]);
    vi.mocked(api.reminders.due).mockResolvedValue([]);
    const view = renderBell();
    await waitFor(() => expect(api.notify).toHaveBeenCalledWith("Call Ada", expect.stringContaining("Ada Lovelace")));
    expect(await screen.findByText(/Call Ada/, { selector: "[data-testid=toast] span" })).toBeInTheDocument();
    view.unmount();
  });

  it("lists due reminders and snoozes, dismisses or completes them", async () => {
    vi.mocked(api.reminders.takeNew).mockResolvedValue([]);
    vi.mocked(api.reminders.due).mockResolvedValue([reminder("a", "Call Ada", false)]);
    vi.mocked(api.reminders.snooze).mockResolvedValueOnce(reminder("a", "Call Ada", false).activity);
    vi.mocked(api.reminders.dismiss).mockResolvedValueOnce(reminder("a", "Call Ada", false).activity);
    const view = renderBell();
    await userEvent.click(screen.getByTestId("reminders-bell"));
    const panel = await screen.findByTestId("reminders-panel");
    expect(await screen.findByTestId("reminder-item")).toHaveTextContent("Call Ada");
    await userEvent.click(screen.getByTestId("reminder-snooze"));
    const before = Date.now();
    await userEvent.click(screen.getByTestId("snooze-1h"));
    await waitFor(() => expect(api.reminders.snooze).toHaveBeenCalled());
    const [id, until] = vi.mocked(api.reminders.snooze).mock.calls[0]!;
    expect(id).toBe("a");
    expect(Math.abs(new Date(until).getTime() - before - 3_600_000)).toBeLessThan(10_000);
    await userEvent.click(screen.getByTestId("reminder-dismiss"));
    await waitFor(() => expect(api.reminders.dismiss).toHaveBeenCalledWith("a"));
    expect(panel).toBeInTheDocument();
    view.unmount();
  });
});
