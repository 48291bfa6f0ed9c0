import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api } from "../../lib/api";
import { clock, ticket } from "../../test/fixtures";
import { TicketDetail } from "./TicketDetail";
import { replyToast } from "./tickets";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      tickets: { get: vi.fn(), counts: vi.fn(), message: vi.fn(), setStatus: vi.fn(), remove: vi.fn() },
      fields: { list: vi.fn() },
      timeline: vi.fn(),
    },
  };
});

function renderIt() {
  const location = memoryLocation({ path: "/tickets/t12", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <TicketDetail id="t12" />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("the ticket page", () => {
  beforeEach(() => {
    vi.mocked(api.tickets.get).mockReset().mockResolvedValue(ticket());
    vi.mocked(api.tickets.counts)
      .mockReset()
      .mockResolvedValue({ open: 3, mine: 1, breaching_soon: 0, breached: 0, waiting: 0, me: "tm1" });
    vi.mocked(api.tickets.message).mockReset();
    vi.mocked(api.tickets.setStatus).mockReset();
    vi.mocked(api.fields.list).mockResolvedValue([]);
    vi.mocked(api.timeline).mockResolvedValue([]);
  });

  it("sends a reply as the current user and shows it in the conversation", async () => {
    let current = ticket();
    vi.mocked(api.tickets.get).mockImplementation(async () => current);
    vi.mocked(api.tickets.message).mockImplementation(async (_id, input) => {
      current = ticket({
        messages: [
          ...ticket().messages,
          { id: "m2", kind: "reply", body: input.body, author_id: "tm1", author_name: "Grace Hopper", created_at: "2026-11-23T10:00:00Z", mail_status: null, mail_problem: null },
        ],
      });
      return current;
    });
    renderIt();
    const body = await screen.findByTestId("ticket-reply-body");
    const send = screen.getByTestId("ticket-send");
    expect(send).toBeDisabled();
    // Wait for "me", so the reply is signed.
    await waitFor(() => expect(api.tickets.counts).toHaveBeenCalled());
    await userEvent.type(body, "We are sending a technician.");
    await userEvent.click(send);
    await waitFor(() =>
      expect(api.tickets.message).toHaveBeenCalledWith("t12", {
        kind: "reply",
        body: "We are sending a technician.",
        author_id: "tm1",
        status: null,
        email: false,
      }),
    );
    const thread = screen.getByTestId("ticket-thread");
    expect(await within(thread).findByText("We are sending a technician.")).toBeInTheDocument();
    await waitFor(() => expect(body).toHaveValue(""));
    // Ada has no e-mail address: the toast says it was saved, never "sent".
    expect(await screen.findByText("Reply saved (not e-mailed)")).toBeInTheDocument();
    expect(screen.queryByText(/Reply sent/)).not.toBeInTheDocument();
    expect(send).toHaveTextContent("Save reply");
  });

  it("e-mails a reply to a contact with an address and says it is queued", async () => {
    let current = ticket({ contact_email: "ada@acme.example" });
    vi.mocked(api.tickets.get).mockImplementation(async () => current);
    vi.mocked(api.tickets.message).mockImplementation(async (_id, input) => {
      current = ticket({
        contact_email: "ada@acme.example",
        messages: [
          ...ticket().messages,
          { id: "m2", kind: "reply", body: input.body, author_id: "tm1", author_name: "Grace Hopper", created_at: "2026-11-23T10:00:00Z", mail_status: "queued", mail_problem: null },
        ],
      });
      return current;
    });
    renderIt();
    await waitFor(() => expect(api.tickets.counts).toHaveBeenCalled());
    expect(await screen.findByTestId("ticket-reply-email")).toHaveTextContent("E-mail it to ada@acme.example");
    await userEvent.type(screen.getByTestId("ticket-reply-body"), "A technician comes Monday.");
    expect(screen.getByTestId("ticket-send")).toHaveTextContent("Send reply");
    await userEvent.click(screen.getByTestId("ticket-send"));
    await waitFor(() =>
      expect(api.tickets.message).toHaveBeenCalledWith("t12", {
        kind: "reply",
        body: "A technician comes Monday.",
        author_id: "tm1",
        status: null,
        email: true,
      }),
    );
    expect(await screen.findByText("Reply queued: it goes out to ada@acme.example within a minute")).toBeInTheDocument();
    expect(await screen.findByTestId("ticket-mail-status")).toHaveTextContent("E-mail queued");
  });

  it("says when a reply waits because e-mail is not set up", () => {
    const saved = ticket({
      contact_email: "ada@acme.example",
      messages: [
        { id: "m2", kind: "reply", body: "x", author_id: null, author_name: null, created_at: "2026-11-23T10:00:00Z", mail_status: "queued", mail_problem: "e-mail is not set up: it waits in the outbox" },
      ],
    });
    expect(replyToast(saved, true)).toBe("Reply saved, waiting on the customer. It is not e-mailed yet: e-mail is not set up: it waits in the outbox");
  });

  it("sends and waits on the customer in one save", async () => {
    let current = ticket();
    vi.mocked(api.tickets.get).mockImplementation(async () => current);
    vi.mocked(api.tickets.message).mockImplementation(async () => (current = ticket({ status: "waiting" })));
    renderIt();
    await waitFor(() => expect(api.tickets.counts).toHaveBeenCalled());
    await userEvent.type(await screen.findByTestId("ticket-reply-body"), "Could you send a photo?");
    await userEvent.click(screen.getByTestId("ticket-send-wait"));
    await waitFor(() =>
      expect(api.tickets.message).toHaveBeenCalledWith("t12", {
        kind: "reply",
        body: "Could you send a photo?",
        author_id: "tm1",
        status: "waiting",
        email: false,
      }),
    );
    expect(await screen.findByTestId("ticket-status")).toHaveTextContent("Waiting on customer");
    expect(await screen.findByText("Reply saved, waiting on the customer (not e-mailed)")).toBeInTheDocument();
    expect(screen.queryByText(/Reply sent/)).not.toBeInTheDocument();
  });

  it("records an internal note and a customer message with their kinds", async () => {
    vi.mocked(api.tickets.message).mockResolvedValue(ticket());
    renderIt();
    await waitFor(() => expect(api.tickets.counts).toHaveBeenCalled());
    await userEvent.click(await screen.findByTestId("ticket-kind-note"));
    await userEvent.type(screen.getByTestId("ticket-reply-body"), "Check the warranty");
    await userEvent.click(screen.getByTestId("ticket-send"));
    await waitFor(() =>
      expect(api.tickets.message).toHaveBeenLastCalledWith("t12", { kind: "note", body: "Check the warranty", author_id: "tm1", status: null, email: null }),
    );

    await userEvent.click(screen.getByTestId("ticket-kind-customer"));
    // Waiting on the customer makes no sense for their own message.
    expect(screen.queryByTestId("ticket-send-wait")).not.toBeInTheDocument();
    await userEvent.type(screen.getByTestId("ticket-reply-body"), "It stopped smoking");
    await userEvent.click(screen.getByTestId("ticket-send"));
    await waitFor(() =>
      expect(api.tickets.message).toHaveBeenLastCalledWith("t12", { kind: "customer", body: "It stopped smoking", author_id: null, status: null, email: null }),
    );
  });

  it("marks internal notes apart from the customer's messages", async () => {
    vi.mocked(api.tickets.get).mockResolvedValue(
      ticket({
        messages: [
          ...ticket().messages,
          { id: "n1", kind: "note", body: "VIP customer", author_id: "tm1", author_name: "Grace Hopper", created_at: "2026-11-23T09:30:00Z", mail_status: null, mail_problem: null },
        ],
      }),
    );
    renderIt();
    const note = await screen.findByTestId("ticket-message-note");
    expect(note).toHaveTextContent("Internal note");
    expect(note).toHaveTextContent("VIP customer");
    expect(screen.getByTestId("ticket-message-customer")).not.toHaveTextContent("Internal note");
  });

  it("shows both SLA clocks, overdue in words", async () => {
    vi.mocked(api.tickets.get).mockResolvedValue(
      ticket({
        sla: {
          first_response: clock({ target_minutes: 60, seconds_left: -(3600 + 300), used_percent: 208, breached_at: "2026-11-23T10:00:00Z" }),
          resolution: clock({ state: "paused", due_at: null }),
          breached: true,
          warning: false,
        },
      }),
    );
    renderIt();
    const sla = await screen.findByTestId("ticket-sla");
    expect(within(sla).getByTestId("ticket-sla-first_response")).toHaveTextContent("First response: 1h");
    expect(within(sla).getByTestId("ticket-sla-first_response-text")).toHaveTextContent("Overdue 1h 5m");
    expect(within(sla).getByTestId("ticket-sla-first_response")).toHaveTextContent("Breached");
    expect(within(sla).getByTestId("ticket-sla-resolution-text")).toHaveTextContent("Paused — waiting on customer");
  });

  it("changes the status with the status buttons", async () => {
    let current = ticket();
    vi.mocked(api.tickets.get).mockImplementation(async () => current);
    vi.mocked(api.tickets.setStatus).mockImplementation(async () => (current = ticket({ status: "resolved" })));
    renderIt();
    await userEvent.click(await screen.findByTestId("ticket-status-resolved"));
    expect(api.tickets.setStatus).toHaveBeenCalledWith("t12", "resolved");
    await waitFor(() => expect(screen.getByTestId("ticket-status")).toHaveTextContent("Resolved"));
    expect(screen.getByTestId("ticket-status-resolved")).toBeDisabled();
  });
});
