import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type Action } from "../../lib/api";
import { History } from "./History";
import { useUndoShortcut } from "./useUndoShortcut";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: { undo: vi.fn(), history: { list: vi.fn(), undoLast: vi.fn() } },
  };
});

function action(over: Partial<Action>): Action {
  return {
    batch_id: "b1",
    at: "2026-12-04T10:00:00.000Z",
    origin: "app",
    summary: "Added contact Ann Lee",
    changes: 1,
    undone_by: null,
    undoes: null,
    can_undo: true,
    why_not: null,
    ...over,
  };
}

function renderWith(children: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>{children}</ToastProvider>
    </QueryClientProvider>,
  );
  return client;
}

describe("History screen", () => {
  beforeEach(() => {
    vi.mocked(api.history.list).mockReset();
    vi.mocked(api.undo).mockReset();
  });

  it("lists actions in words, offers Undo, says why not, marks the undone", async () => {
    vi.mocked(api.history.list).mockResolvedValue([
      action({ batch_id: "b3", summary: "Changed contact Ann Lee (1 field)" }),
      action({
        batch_id: "b2",
        summary: "Deleted contact Bo Ek",
        can_undo: false,
        why_not: "Cannot undo that action: contacts of record x changed again after it.",
      }),
      action({ batch_id: "b1", summary: "Added contact Ann Lee", can_undo: false, undone_by: "b9" }),
    ]);
    vi.mocked(api.undo).mockResolvedValue("b10");
    renderWith(<History />);
    const found = await screen.findAllByTestId("history-item");
    expect(found).toHaveLength(3);
    const items = found as [HTMLElement, HTMLElement, HTMLElement];
    expect(items[0]).toHaveTextContent("Changed contact Ann Lee (1 field)");
    expect(within(items[1]).getByTestId("history-why-not")).toHaveTextContent("changed again after it");
    expect(within(items[1]).queryByTestId("history-undo")).toBeNull();
    expect(within(items[2]).getByTestId("history-undone")).toHaveTextContent("Undone");
    expect(screen.queryByTestId("history-more")).toBeNull();

    await userEvent.click(within(items[0]).getByTestId("history-undo"));
    await waitFor(() => expect(api.undo).toHaveBeenCalledWith("b3"));
    expect(await screen.findByText("Undone: Changed contact Ann Lee (1 field)")).toBeInTheDocument();
    // Everything is refetched after an undo.
    await waitFor(() => expect(api.history.list).toHaveBeenCalledTimes(2));
  });

  it("loads more from the oldest shown", async () => {
    const page = Array.from({ length: 50 }, (_, i) => action({ batch_id: `p${i}` }));
    vi.mocked(api.history.list).mockResolvedValueOnce(page).mockResolvedValueOnce([action({ batch_id: "old" })]);
    renderWith(<History />);
    await userEvent.click(await screen.findByTestId("history-more"));
    await waitFor(() => expect(screen.getAllByTestId("history-item")).toHaveLength(51));
    expect(api.history.list).toHaveBeenLastCalledWith("p49", 50);
  });
});

function Shortcut() {
  useUndoShortcut();
  return (
    <div>
      <input data-testid="field" />
      <button data-testid="elsewhere">x</button>
    </div>
  );
}

describe("Ctrl+Z", () => {
  beforeEach(() => vi.mocked(api.history.undoLast).mockReset());

  it("undoes the newest action of the session and says what", async () => {
    vi.mocked(api.history.undoLast).mockResolvedValue({
      action: action({ summary: "Added contact Ann Lee" }),
      batch: "u1",
    });
    const client = renderWith(<Shortcut />);
    const invalidate = vi.spyOn(client, "invalidateQueries");
    screen.getByTestId("elsewhere").focus();
    await userEvent.keyboard("{Control>}z{/Control}");
    expect(await screen.findByText("Undone: Added contact Ann Lee")).toBeInTheDocument();
    expect(api.history.undoLast).toHaveBeenCalledTimes(1);
    expect(invalidate).toHaveBeenCalled();
    // Cmd+Z too.
    await userEvent.keyboard("{Meta>}z{/Meta}");
    await waitFor(() => expect(api.history.undoLast).toHaveBeenCalledTimes(2));
  });

  it("leaves Ctrl+Z to the text in a field", async () => {
    renderWith(<Shortcut />);
    await userEvent.click(screen.getByTestId("field"));
    await userEvent.keyboard("{Control>}z{/Control}");
    expect(api.history.undoLast).not.toHaveBeenCalled();
  });

  it("says why when it cannot, and when nothing is left", async () => {
    vi.mocked(api.history.undoLast).mockRejectedValueOnce(
      new ApiError({ code: "conflict", message: "Cannot undo that action: changed again.", fields: [] }),
    );
    vi.mocked(api.history.undoLast).mockResolvedValueOnce(null);
    renderWith(<Shortcut />);
    await userEvent.keyboard("{Control>}z{/Control}");
    expect(await screen.findByText("Cannot undo that action: changed again.")).toBeInTheDocument();
    await userEvent.keyboard("{Control>}z{/Control}");
    expect(await screen.findByText("Nothing to undo in this session")).toBeInTheDocument();
  });
});
