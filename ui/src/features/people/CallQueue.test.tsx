import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type CallList, type Called, type Entry, type Progress, type QueueItem } from "../../lib/api";
import { tomorrowNine } from "./leads";
import { activity } from "../../test/fixtures";
import { CallQueue } from "./CallQueue";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      callLists: { get: vi.fn(), next: vi.fn(), record: vi.fn() },
      undo: vi.fn(async () => "ok"),
    },
  };
});

const progress = (over: Partial<Progress> = {}): Progress => ({
  total: 20000,
  called: 12,
  remaining: 19988,
  callbacks_due: 3,
  callbacks_later: 0,
  not_called: 19985,
  no_answer: 2,
  unreachable: 0,
  not_interested: 4,
  wrong_number: 2,
  promoted: 1,
  ...over,
});

const entry = (id: string, name: string, over: Partial<Entry> = {}): Entry => ({
  id,
  call_list_id: "l1",
  position: 1,
  name,
  company: "Acme Rockets",
  title: "Buyer",
  phone: "+49 30 1234567",
  email: "ada@acme.test",
  city: "Berlin",
  notes: "Met at the fair",
  details: [["Booth", "B12"]],
  status: "pending",
  attempts: 0,
  last_called_at: null,
  callback_at: null,
  lead_id: null,
  ...over,
});

const item = (e: Entry, history = [] as QueueItem["history"]): QueueItem => ({ entry: e, history, script: "Hello, this is Rapport calling.", progress: progress() });

const list: CallList = {
  id: "l1",
  name: "Spring fair",
  script: null,
  max_attempts: 3,
  source_file: null,
  owner_id: null,
  owner_name: null,
  progress: progress(),
  created_at: "2026-11-20T10:00:00Z",
  updated_at: "2026-11-20T10:00:00Z",
};

const called = (over: Partial<Called> = {}): Called => ({
  entry: entry("e1", "Ada Lovelace"),
  activity_id: "act1",
  callback_id: null,
  lead_id: null,
  batch_id: "b1",
  ...over,
});

function renderQueue() {
  const location = memoryLocation({ path: "/calllists/l1/call", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <CallQueue listId="l1" />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("the calling queue", () => {
  beforeEach(() => {
    vi.mocked(api.callLists.get).mockResolvedValue(list);
    vi.mocked(api.callLists.record).mockReset();
    vi.mocked(api.callLists.next).mockReset();
    vi.mocked(api.undo).mockClear();
    // Ada first; once a call is recorded, Bob.
    let recorded = false;
    vi.mocked(api.callLists.record).mockImplementation(async () => {
      recorded = true;
      return called();
    });
    vi.mocked(api.callLists.next).mockImplementation(async (_key, skip = []) =>
      recorded || skip.includes("e1") ? item(entry("e2", "Bob Builder", { position: 2 })) : item(entry("e1", "Ada Lovelace"), [activity({ subject: "Call Ada Lovelace", outcome: "no_answer" })]),
    );
  });

  it("shows one person with details, script, history and progress", async () => {
    renderQueue();
    expect(await screen.findByTestId("queue-name")).toHaveTextContent("Ada Lovelace");
    expect(screen.getByTestId("queue-phone")).toHaveAttribute("href", "tel:+49 30 1234567");
    expect(screen.getByText("B12")).toBeInTheDocument();
    expect(screen.getByTestId("queue-script")).toHaveTextContent("Hello, this is Rapport calling.");
    expect(screen.getByTestId("queue-history")).toHaveTextContent("Call Ada Lovelace");
    expect(screen.getByTestId("queue-progress")).toHaveTextContent("12 of 20,000 called · 3 callbacks due · 1 promoted");
    expect(screen.getByTestId("outcome-no_answer")).toHaveTextContent("1 No answer");
  });

  it("records the outcome of a button with the note, offers Undo and loads the next person", async () => {
    renderQueue();
    await screen.findByTestId("queue-name");
    await userEvent.type(screen.getByTestId("queue-note"), "Rang 10 times");
    await userEvent.click(screen.getByTestId("outcome-no_answer"));
    await waitFor(() => expect(api.callLists.record).toHaveBeenCalledWith("e1", { result: "no_answer", note: "Rang 10 times", callback_at: null }));
    expect(await screen.findByText("Bob Builder")).toBeInTheDocument();
    const toast = (await screen.findByText(/No answer: Ada Lovelace/)).closest("[data-testid='toast']") as HTMLElement;
    await userEvent.click(within(toast).getByTestId("toast-action"));
    await waitFor(() => expect(api.undo).toHaveBeenCalledWith("b1"));
  });

  it("records outcomes with the keys 1–5, but not while typing the note", async () => {
    renderQueue();
    await screen.findByTestId("queue-name");
    const note = screen.getByTestId("queue-note");
    await userEvent.type(note, "1345");
    expect(note).toHaveValue("1345");
    expect(api.callLists.record).not.toHaveBeenCalled();
    note.blur();
    await userEvent.keyboard("3");
    await waitFor(() => expect(api.callLists.record).toHaveBeenCalledWith("e1", { result: "not_interested", note: "1345", callback_at: null }));
    expect(api.callLists.record).toHaveBeenCalledTimes(1);
  });

  it("skips with S, asking the server for the next one past the skipped", async () => {
    renderQueue();
    await screen.findByText("Ada Lovelace");
    await userEvent.keyboard("s");
    expect(await screen.findByText("Bob Builder")).toBeInTheDocument();
    expect(api.callLists.next).toHaveBeenLastCalledWith("l1", ["e1"]);
    expect(api.callLists.record).not.toHaveBeenCalled();
  });

  it("needs a time for a callback", async () => {
    renderQueue();
    await screen.findByTestId("queue-name");
    await userEvent.keyboard("2");
    const picker = await screen.findByTestId("callback-picker");
    await userEvent.click(within(picker).getByTestId("callback-confirm"));
    expect(await within(picker).findByText("Choose when to call back.")).toBeInTheDocument();
    expect(api.callLists.record).not.toHaveBeenCalled();
    await userEvent.click(within(picker).getByTestId("callback-tomorrow"));
    expect(within(picker).getByTestId("callback-at")).toHaveValue(tomorrowNine());
    await userEvent.click(within(picker).getByTestId("callback-confirm"));
    await waitFor(() => expect(api.callLists.record).toHaveBeenCalledWith("e1", { result: "call_back", note: null, callback_at: tomorrowNine() }));
  });

  it("says Promoted to lead and links to the lead when interested", async () => {
    vi.mocked(api.callLists.record).mockResolvedValueOnce(called({ lead_id: "lead9", batch_id: "b9" }));
    const location = renderQueue();
    await screen.findByTestId("queue-name");
    await userEvent.click(screen.getByTestId("outcome-interested"));
    await waitFor(() => expect(api.callLists.record).toHaveBeenCalledWith("e1", { result: "interested", note: null, callback_at: null }));
    const toast = (await screen.findByText(/Promoted to lead/)).closest("[data-testid='toast']") as HTMLElement;
    await userEvent.click(within(toast).getByTestId("toast-open-lead"));
    expect(location.history?.at(-1)).toBe("/leads/lead9");
  });

  it("says when everyone has been called", async () => {
    vi.mocked(api.callLists.next).mockResolvedValue(null);
    vi.mocked(api.callLists.get).mockResolvedValue({ ...list, progress: progress({ called: 20000, callbacks_due: 0 }) });
    renderQueue();
    const done = await screen.findByTestId("queue-done");
    expect(done).toHaveTextContent("Everyone on this list has been called");
    expect(done).toHaveTextContent("20,000 of 20,000 called");
  });
});
