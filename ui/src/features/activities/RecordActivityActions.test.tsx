import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { api } from "../../lib/api";
import { ActivityDialogProvider } from "./ActivityDialog";
import { icsNameFor, RecordActivityActions } from "./RecordActivityActions";
import { ToastProvider } from "../../components/Toasts";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      activities: { log: vi.fn(), get: vi.fn() },
      search: vi.fn(async () => []),
      exportIcs: vi.fn(),
      // The activity dialog picks an owner from the team.
      team: { list: vi.fn(async () => []) },
    },
  };
});

function renderActions() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <ActivityDialogProvider>
          <input aria-label="elsewhere" />
          <RecordActivityActions entity="contacts" id="c1" name="Ada Lovelace" />
        </ActivityDialogProvider>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("activity actions on a record page", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.clearAllMocks();
  });

  it("opens the log dialog with the record on the L key, but not while typing", async () => {
    renderActions();
    await userEvent.type(screen.getByLabelText("elsewhere"), "l");
    expect(screen.queryByTestId("activity-dialog")).not.toBeInTheDocument();
    await userEvent.click(document.body);
    (document.activeElement as HTMLElement | null)?.blur();
    await userEvent.keyboard("l");
    const dialog = await screen.findByTestId("activity-dialog");
    expect(dialog).toHaveTextContent("Ada Lovelace");
    expect(screen.getByTestId("activity-kind")).toHaveValue("call");
    expect(screen.getByTestId("activity-done")).toBeChecked();
    // The key typed into the dialog's subject stays text.
    await userEvent.keyboard("l");
    expect(screen.getByTestId("activity-subject")).toHaveValue("l");
  });

  it("schedules with Done unticked", async () => {
    renderActions();
    await userEvent.click(screen.getByTestId("schedule-activity"));
    expect(screen.getByTestId("activity-done")).not.toBeChecked();
    expect(screen.getByTestId("activity-kind")).toHaveValue("task");
  });

  it("exports the record's activities under its name", async () => {
    vi.mocked(api.exportIcs).mockResolvedValueOnce({ path: "/home/u/Ada Lovelace.ics", bytes: 900, items: 4, skipped: [] });
    renderActions();
    await userEvent.click(screen.getByTestId("export-ics"));
    expect(api.exportIcs).toHaveBeenCalledWith({ record: { entity: "contacts", id: "c1" }, from: null, to: null }, "Ada Lovelace.ics");
    expect(await screen.findByText("Exported 4 items to Ada Lovelace.ics")).toBeInTheDocument();
    expect(icsNameFor('A/B: "C"')).toBe("A B C.ics");
  });
});
