import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type CallList } from "../../lib/api";
import { CallListDetail } from "./CallListDetail";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      callLists: { get: vi.fn(), entries: vi.fn(), update: vi.fn(), remove: vi.fn() },
      team: { list: vi.fn() },
    },
  };
});

const list: CallList = {
  id: "l1",
  name: "Spring fair",
  script: "Hello!",
  max_attempts: 3,
  source_file: null,
  owner_id: null,
  owner_name: null,
  progress: {
    total: 40,
    called: 10,
    remaining: 30,
    callbacks_due: 0,
    callbacks_later: 0,
    not_called: 30,
    no_answer: 0,
    unreachable: 0,
    not_interested: 2,
    wrong_number: 0,
    promoted: 4,
  },
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-20T10:00:00Z",
};

function renderIt() {
  const location = memoryLocation({ path: "/calllists/l1", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <CallListDetail id="l1" />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("call list detail", () => {
  beforeEach(() => {
    vi.mocked(api.callLists.get).mockReset().mockResolvedValue(list);
    vi.mocked(api.callLists.entries).mockReset().mockResolvedValue({ items: [], total: 0, next: null });
    vi.mocked(api.callLists.update).mockReset();
    vi.mocked(api.callLists.remove).mockReset();
    vi.mocked(api.team.list).mockResolvedValue([
      { id: "t1", name: "Grace Hopper", email: null, active: true },
      { id: "t2", name: "Alan Turing", email: null, active: true },
    ]);
  });

  it("saves the edited name, script, attempts and owner", async () => {
    vi.mocked(api.callLists.update).mockImplementation(async (_key, input) => ({ ...list, ...input, max_attempts: input.max_attempts ?? 3 }));
    renderIt();
    await userEvent.click(await screen.findByTestId("calllist-edit"));
    const form = screen.getByTestId("calllist-edit-form");
    const name = within(form).getByLabelText("Name");
    expect(name).toHaveValue("Spring fair");
    await userEvent.clear(name);
    await userEvent.type(name, "Autumn fair");
    const script = within(form).getByLabelText("Call script");
    await userEvent.clear(script);
    await userEvent.type(script, "Hi, it's Grace.");
    const attempts = within(form).getByLabelText(/Attempts/);
    await userEvent.clear(attempts);
    await userEvent.type(attempts, "5");
    await waitFor(() => expect(within(form).getAllByRole("option")).toHaveLength(3));
    await userEvent.selectOptions(within(form).getByLabelText("Owner"), "t2");
    await userEvent.click(screen.getByTestId("calllist-save"));
    await waitFor(() =>
      expect(api.callLists.update).toHaveBeenCalledWith("l1", {
        name: "Autumn fair",
        script: "Hi, it's Grace.",
        max_attempts: 5,
        owner_id: "t2",
      }),
    );
    await waitFor(() => expect(screen.queryByTestId("calllist-edit-form")).not.toBeInTheDocument());
  });

  it("shows the backend's message next to the field it names", async () => {
    vi.mocked(api.callLists.update).mockRejectedValue(
      new ApiError({ code: "validation", message: "25 is not between 1 and 20", fields: [{ field: "max_attempts", message: "25 is not between 1 and 20" }] }),
    );
    renderIt();
    await userEvent.click(await screen.findByTestId("calllist-edit"));
    const attempts = screen.getByLabelText(/Attempts/);
    await userEvent.clear(attempts);
    await userEvent.type(attempts, "25");
    await userEvent.click(screen.getByTestId("calllist-save"));
    expect(await screen.findByRole("alert")).toHaveTextContent("25 is not between 1 and 20");
    expect(screen.getByTestId("calllist-edit-form")).toBeInTheDocument();
  });

  it("asks before deleting, then goes back to the call lists", async () => {
    vi.mocked(api.callLists.remove).mockResolvedValue(null);
    const location = renderIt();
    await userEvent.click(await screen.findByTestId("calllist-edit"));
    await userEvent.click(screen.getByTestId("calllist-delete"));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog).toHaveTextContent("All 40 people on it and the calls logged on them are deleted.");
    expect(dialog).toHaveTextContent("The 4 people promoted to leads stay");
    expect(api.callLists.remove).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByTestId("confirm"));
    await waitFor(() => expect(api.callLists.remove).toHaveBeenCalledWith("l1"));
    await waitFor(() => expect(location.history?.at(-1)).toBe("/calllists"));
    expect(api.callLists.update).not.toHaveBeenCalled();
  });
});
