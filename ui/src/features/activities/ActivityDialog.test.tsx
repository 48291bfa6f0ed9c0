import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { quickWhen } from "./activities";
import { api, ApiError, type Activity, type ActivityInput, type Logged } from "../../lib/api";
import { ActivityDialog, type ActivityRequest } from "./ActivityDialog";
import { ToastProvider } from "../../components/Toasts";
import { activity } from "../../test/fixtures";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      activities: { log: vi.fn(), update: vi.fn(), remove: vi.fn(), get: vi.fn(), complete: vi.fn(), reopen: vi.fn() },
      search: vi.fn(async () => []),
      undo: vi.fn(async () => "undone"),
      team: {
        list: vi.fn(async () => [
          { id: "m1", name: "Mia Owner", email: null, active: true },
          { id: "m2", name: "Noah Other", email: null, active: true },
        ]),
      },
    },
  };
});

const ADA = { entity: "contacts", id: "c1", name: "Ada Lovelace" };

function meeting(over: Partial<Activity> = {}): Activity {
  const at = new Date(2026, 10, 23, 10, 0).toISOString();
  return activity({ kind: "meeting", subject: "Weekly sync", channel: "video", duration_minutes: 30, links: [ADA], ...over }, at);
}

function renderDialog(request: ActivityRequest) {
  const onClose = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <ActivityDialog request={request} onClose={onClose} />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return onClose;
}

const logged = (follow: boolean): Logged => ({
  activity: meeting({ kind: "call" }),
  follow_up: follow ? meeting({ id: "f1", kind: "task", starts_at: quickWhen("tomorrow").toISOString() }) : null,
  batch_id: "batch-1",
});

describe("the activity dialog", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.clearAllMocks();
  });

  it("logs a call and its follow-up in one save, and offers Undo", async () => {
    vi.mocked(api.activities.log).mockResolvedValueOnce(logged(true));
    const onClose = renderDialog({ mode: "log", kind: "call", links: [ADA] });
    const subject = screen.getByTestId("activity-subject");
    expect(subject).toHaveFocus();
    expect(screen.getByTestId("activity-kind")).toHaveValue("call");
    expect(screen.getByTestId("activity-done")).toBeChecked();
    expect(screen.getByTestId("activity-links")).toHaveTextContent("Ada Lovelace");

    await userEvent.type(subject, "Discussed the renewal");
    await userEvent.selectOptions(screen.getByTestId("activity-outcome"), "left_voicemail");
    fireEvent.change(screen.getByTestId("activity-date"), { target: { value: "2026-11-20" } });
    fireEvent.change(screen.getByTestId("activity-time"), { target: { value: "14:30" } });
    await userEvent.type(screen.getByTestId("activity-notes"), "Budget approved");
    await userEvent.click(screen.getByTestId("follow-up-toggle"));
    expect(screen.getByTestId("follow-up-subject")).toHaveValue("Follow up: Discussed the renewal");
    await userEvent.click(screen.getByTestId("follow-up-tomorrow"));
    await userEvent.click(screen.getByTestId("activity-save"));

    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(api.activities.log).toHaveBeenCalledTimes(1);
    const [input, followUp] = vi.mocked(api.activities.log).mock.calls[0] as [ActivityInput, ActivityInput];
    expect(input).toEqual({
      kind: "call",
      subject: "Discussed the renewal",
      notes: "Budget approved",
      channel: "phone",
      direction: "outbound",
      outcome: "left_voicemail",
      starts_at: new Date(2026, 10, 20, 14, 30).toISOString(),
      all_day: false,
      duration_minutes: null,
      location: null,
      done: true,
      remind_at: null,
      repeat: null,
      owner_id: null,
      links: [{ entity: "contacts", id: "c1" }],
      participants: [],
    });
    const tomorrow9 = quickWhen("tomorrow").toISOString();
    expect(followUp).toMatchObject({
      kind: "task",
      subject: "Follow up: Discussed the renewal",
      starts_at: tomorrow9,
      remind_at: tomorrow9,
      done: false,
      links: [{ entity: "contacts", id: "c1" }],
    });

    const toast = await screen.findByText(/Call logged · follow-up on/);
    await userEvent.click(within(toast.closest("[data-testid=toast]") as HTMLElement).getByRole("button", { name: "Undo" }));
    expect(api.undo).toHaveBeenCalledWith("batch-1");
  });

  it("sends no follow-up when the box is not ticked", async () => {
    vi.mocked(api.activities.log).mockResolvedValueOnce(logged(false));
    renderDialog({ mode: "log", kind: "note", links: [ADA] });
    await userEvent.type(screen.getByTestId("activity-subject"), "Met at the fair");
    await userEvent.keyboard("{Control>}{Enter}{/Control}");
    await waitFor(() => expect(api.activities.log).toHaveBeenCalledTimes(1));
    expect(vi.mocked(api.activities.log).mock.calls[0]?.[1]).toBeNull();
  });

  it.each([
    ["daily", "FREQ=DAILY"],
    ["weekly", "FREQ=WEEKLY;BYDAY=MO"],
    ["biweekly", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"],
    ["monthly_day", "FREQ=MONTHLY;BYMONTHDAY=23"],
    ["monthly_last", "FREQ=MONTHLY;BYMONTHDAY=-1"],
    ["yearly", "FREQ=YEARLY"],
  ])("schedules with repeat %s as %s and the chosen reminder", async (choice, rule) => {
    vi.mocked(api.activities.log).mockResolvedValueOnce(logged(false));
    renderDialog({ mode: "schedule", kind: "meeting", start: new Date(2026, 10, 23, 10, 0) });
    expect(screen.getByTestId("activity-done")).not.toBeChecked();
    await userEvent.type(screen.getByTestId("activity-subject"), "Team sync");
    await userEvent.selectOptions(screen.getByTestId("activity-repeat"), choice);
    await userEvent.selectOptions(screen.getByTestId("activity-reminder"), "1440");
    await userEvent.click(screen.getByTestId("activity-save"));
    await waitFor(() => expect(api.activities.log).toHaveBeenCalledTimes(1));
    const input = vi.mocked(api.activities.log).mock.calls[0]?.[0];
    expect(input?.repeat).toBe(rule);
    expect(input?.remind_at).toBe(new Date(2026, 10, 22, 10, 0).toISOString());
    expect(input?.done).toBe(false);
    expect(input?.duration_minutes).toBe(30);
  });

  it("sends a custom rule as typed", async () => {
    vi.mocked(api.activities.log).mockResolvedValueOnce(logged(false));
    renderDialog({ mode: "schedule", kind: "task", start: new Date(2026, 10, 23, 10, 0) });
    await userEvent.type(screen.getByTestId("activity-subject"), "Invoices");
    await userEvent.selectOptions(screen.getByTestId("activity-repeat"), "custom");
    await userEvent.type(screen.getByTestId("activity-rrule"), "FREQ=WEEKLY;BYDAY=MO,TH");
    await userEvent.click(screen.getByTestId("activity-save"));
    await waitFor(() => expect(api.activities.log).toHaveBeenCalledTimes(1));
    expect(vi.mocked(api.activities.log).mock.calls[0]?.[0].repeat).toBe("FREQ=WEEKLY;BYDAY=MO,TH");
  });

  it("sends an all-day item as a date", async () => {
    vi.mocked(api.activities.log).mockResolvedValueOnce(logged(false));
    renderDialog({ mode: "schedule", kind: "task", start: new Date(2026, 10, 23, 10, 0) });
    await userEvent.type(screen.getByTestId("activity-subject"), "Send contract");
    await userEvent.click(screen.getByTestId("activity-all-day"));
    expect(screen.queryByTestId("activity-time")).not.toBeInTheDocument();
    fireEvent.change(screen.getByTestId("activity-date"), { target: { value: "2026-12-01" } });
    await userEvent.selectOptions(screen.getByTestId("activity-reminder"), "0");
    await userEvent.click(screen.getByTestId("activity-save"));
    await waitFor(() => expect(api.activities.log).toHaveBeenCalledTimes(1));
    const input = vi.mocked(api.activities.log).mock.calls[0]?.[0];
    expect(input?.starts_at).toBe("2026-12-01");
    expect(input?.all_day).toBe(true);
    expect(input?.remind_at).toBe(new Date(2026, 11, 1, 9, 0).toISOString());
  });

  it("shows the backend's messages under their fields, the follow-up's too", async () => {
    vi.mocked(api.activities.log).mockRejectedValueOnce(
      new ApiError({
        code: "validation",
        message: "invalid",
        fields: [
          { field: "subject", message: "enter a subject" },
          { field: "follow_up.subject", message: "the follow-up needs a subject" },
          { field: "follow_up.starts_at", message: "pick a later time" },
        ],
      }),
    );
    const onClose = renderDialog({ mode: "log", kind: "call", links: [ADA] });
    await userEvent.click(screen.getByTestId("follow-up-toggle"));
    await userEvent.click(screen.getByTestId("activity-save"));
    expect(await screen.findByText("enter a subject")).toBeInTheDocument();
    expect(screen.getByTestId("activity-subject")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("follow-up-subject")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("follow-up-subject")).toHaveAccessibleDescription("the follow-up needs a subject");
    expect(screen.getByTestId("follow-up-date")).toHaveAccessibleDescription("pick a later time");
    expect(screen.getByTestId("activity-notes")).toHaveAttribute("aria-invalid", "false");
    expect(onClose).not.toHaveBeenCalled();
  });

  it("shows other errors in plain words", async () => {
    vi.mocked(api.activities.log).mockRejectedValueOnce(new ApiError({ code: "internal", message: "The data file is read-only", fields: [] }));
    renderDialog({ mode: "log", kind: "call", links: [ADA] });
    await userEvent.type(screen.getByTestId("activity-subject"), "x");
    await userEvent.click(screen.getByTestId("activity-save"));
    expect(await screen.findByTestId("activity-error")).toHaveTextContent("The data file is read-only");
  });

  it("asks this or future before saving an occurrence of a series", async () => {
    vi.mocked(api.activities.get).mockResolvedValueOnce(
      meeting({ series_id: "s1", repeat: "FREQ=WEEKLY;BYDAY=MO", repeat_text: "Weekly on Monday" }),
    );
    vi.mocked(api.activities.update).mockResolvedValueOnce(meeting());
    const onClose = renderDialog({ mode: "edit", id: "a1" });
    const subject = await screen.findByTestId("activity-subject");
    expect(subject).toHaveValue("Weekly sync");
    expect(screen.getByTestId("activity-repeat")).toHaveValue("weekly");
    await userEvent.type(subject, " (moved)");
    await userEvent.click(screen.getByTestId("activity-save"));
    expect(await screen.findByTestId("scope-dialog")).toBeInTheDocument();
    expect(api.activities.update).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("scope-future"));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(api.activities.update).toHaveBeenCalledWith(
      "a1",
      expect.objectContaining({ subject: "Weekly sync (moved)", repeat: "FREQ=WEEKLY;BYDAY=MO" }),
      "future",
    );
  });

  it("asks this or future before deleting an occurrence of a series", async () => {
    vi.mocked(api.activities.get).mockResolvedValueOnce(meeting({ series_id: "s1", repeat: "FREQ=DAILY" }));
    vi.mocked(api.activities.remove).mockResolvedValueOnce(null);
    renderDialog({ mode: "edit", id: "a1" });
    await userEvent.click(await screen.findByTestId("activity-delete"));
    await userEvent.click(await screen.findByTestId("scope-this"));
    await waitFor(() => expect(api.activities.remove).toHaveBeenCalledWith("a1", "this"));
  });

  it("saves a one-off without asking, and confirms before deleting it", async () => {
    vi.mocked(api.activities.get).mockResolvedValueOnce(meeting());
    vi.mocked(api.activities.update).mockResolvedValueOnce(meeting());
    renderDialog({ mode: "edit", id: "a1" });
    await screen.findByTestId("activity-subject");
    await userEvent.click(screen.getByTestId("activity-delete"));
    expect(screen.queryByTestId("scope-dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("alertdialog")).toHaveTextContent("Delete “Weekly sync”?");
    await userEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Cancel" }));
    expect(api.activities.remove).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("activity-save"));
    await waitFor(() => expect(api.activities.update).toHaveBeenCalledWith("a1", expect.objectContaining({ kind: "meeting" }), "this"));
  });

  it("keeps the owner, participants and reminder of a task edited in the dialog", async () => {
    const task = activity({
      kind: "task",
      subject: "Send pricing",
      channel: null,
      owner_id: "m1",
      owner_name: "Mia Owner",
      remind_at: new Date(2026, 10, 23, 9, 5).toISOString(),
      participants: [
        { contact_id: "c1", member_id: null, name: "Ada Lovelace", email: "ada@x.example" },
        { contact_id: null, member_id: "m2", name: "Noah Other", email: null },
      ],
    });
    vi.mocked(api.activities.get).mockResolvedValueOnce(task);
    vi.mocked(api.activities.update).mockResolvedValue(task);
    renderDialog({ mode: "edit", id: "a1" });
    const subject = await screen.findByTestId("activity-subject");
    const owner = within(screen.getByTestId("activity-dialog")).getByLabelText("Owner");
    await waitFor(() => expect(owner).toHaveValue("m1"));
    await userEvent.type(subject, " today");
    await userEvent.click(screen.getByTestId("activity-save"));
    await waitFor(() => expect(api.activities.update).toHaveBeenCalledTimes(1));
    const [, input] = vi.mocked(api.activities.update).mock.calls[0] as [string, ActivityInput];
    expect(input.subject).toBe("Send pricing today");
    expect(input.owner_id).toBe("m1");
    expect(input.participants).toEqual(task.participants);
    expect(input.remind_at).toBe(task.remind_at);
    expect(input.links).toEqual([{ entity: "contacts", id: "c1" }]);
  });

  it("changes the owner of an activity", async () => {
    vi.mocked(api.activities.get).mockResolvedValueOnce(meeting({ owner_id: "m1", owner_name: "Mia Owner" }));
    vi.mocked(api.activities.update).mockResolvedValue(meeting());
    renderDialog({ mode: "edit", id: "a1" });
    await screen.findByTestId("activity-subject");
    const owner = within(screen.getByTestId("activity-dialog")).getByLabelText("Owner");
    await screen.findByRole("option", { name: "Noah Other" });
    await userEvent.selectOptions(owner, "m2");
    await userEvent.click(screen.getByTestId("activity-save"));
    await waitFor(() => expect(api.activities.update).toHaveBeenCalledWith("a1", expect.objectContaining({ owner_id: "m2" }), "this"));
  });

  it("closes on Esc", async () => {
    const onClose = renderDialog({ mode: "log", kind: "call", links: [ADA] });
    await userEvent.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalled();
  });
});
