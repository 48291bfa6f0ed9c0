import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type OutboxMessage, type SmtpStatus } from "../../lib/api";
import { formatNumber } from "../../lib/format";
import { Outbox } from "./Outbox";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      marketing: {
        outbox: { counts: vi.fn(), list: vi.fn(), retry: vi.fn(), cancel: vi.fn(), sendNow: vi.fn(), problem: vi.fn(async () => null) },
        smtp: { status: vi.fn() },
      },
    },
  };
});

const o = api.marketing.outbox;

const smtp = (host: string): SmtpStatus => ({
  settings: { host, port: 587, security: "starttls", username: "", from_address: "", from_name: "", reply_to: "" },
  has_password: false,
  keyring_problem: null,
});

const message = (over: Partial<OutboxMessage> = {}): OutboxMessage => ({
  id: "m1",
  entity: "contacts",
  entity_id: "c1",
  to_name: "Ada Lovelace",
  to_address: "ada@example.com",
  subject: "Our spring offer",
  body_text: "Hello Ada",
  status: "queued",
  skip_reason: null,
  attempts: 0,
  next_attempt_at: null,
  last_error: null,
  sent_at: null,
  activity_id: null,
  sequence_id: null,
  step_position: null,
  promotion_id: "p1",
  campaign_id: null,
  created_at: "2026-11-23T09:00:00Z",
  ...over,
});

function renderIt() {
  const location = memoryLocation({ path: "/marketing/outbox", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <Outbox />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("the outbox", () => {
  beforeEach(() => {
    vi.mocked(o.counts).mockReset().mockResolvedValue({ queued: 1, sending: 0, sent: 0, failed: 1, skipped: 1, cancelled: 0, unsure: 0 });
    vi.mocked(o.list)
      .mockReset()
      .mockResolvedValue([
        message(),
        message({ id: "m2", to_name: "Bob", to_address: "bob@example.com", status: "failed", attempts: 5, last_error: "550 mailbox unavailable" }),
        message({ id: "m3", to_name: "Carl", to_address: null, status: "skipped", skip_reason: "has no e-mail address" }),
      ]);
    vi.mocked(o.sendNow).mockReset();
    vi.mocked(o.cancel).mockReset().mockResolvedValue(1);
    vi.mocked(api.marketing.smtp.status).mockReset().mockResolvedValue(smtp(""));
  });

  it("lists the messages with their status and why", async () => {
    renderIt();
    const rows = await screen.findAllByTestId("outbox-row");
    expect(rows).toHaveLength(3);
    expect(within(rows[1] as HTMLElement).getByTestId("outbox-status")).toHaveTextContent("Failed");
    expect(rows[1]).toHaveTextContent("550 mailbox unavailable");
    expect(rows[2]).toHaveTextContent("has no e-mail address");
    // What has not gone can be cancelled; a failed message retried; a skipped one neither.
    expect(within(rows[0] as HTMLElement).getByTestId("outbox-cancel")).toBeInTheDocument();
    expect(within(rows[0] as HTMLElement).queryByTestId("outbox-retry-one")).not.toBeInTheDocument();
    expect(within(rows[1] as HTMLElement).getByTestId("outbox-retry-one")).toHaveTextContent("Retry");
    expect(within(rows[2] as HTMLElement).queryByTestId("outbox-cancel")).not.toBeInTheDocument();
    expect(within(rows[2] as HTMLElement).queryByTestId("outbox-retry-one")).not.toBeInTheDocument();
    await userEvent.click(within(rows[0] as HTMLElement).getByTestId("outbox-cancel"));
    await waitFor(() => expect(o.cancel).toHaveBeenCalledWith(["m1"]));

    await userEvent.selectOptions(screen.getByTestId("outbox-status-filter"), "failed");
    await waitFor(() => expect(o.list).toHaveBeenLastCalledWith({ status: "failed" }));
  });

  it("sends a message that may have gone already again only after asking", async () => {
    vi.mocked(o.list).mockResolvedValue([message({ id: "m4", status: "unsure", attempts: 1 })]);
    vi.mocked(o.retry).mockReset().mockResolvedValue(1);
    vi.mocked(api.marketing.outbox.problem).mockResolvedValue("the system keyring is locked");
    vi.mocked(api.marketing.smtp.status).mockResolvedValue(smtp("smtp.example.com"));
    renderIt();
    expect(await screen.findByTestId("outbox-problem")).toHaveTextContent("the system keyring is locked");
    const row = await screen.findByTestId("outbox-row");
    expect(within(row).getByTestId("outbox-status")).toHaveTextContent("Maybe sent");
    await userEvent.click(within(row).getByTestId("outbox-retry-one"));
    expect(o.retry).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("confirm"));
    await waitFor(() => expect(o.retry).toHaveBeenCalledWith(["m4"]));
  });

  it("says that sending is not set up, with a way to Settings, when Send now cannot send", async () => {
    vi.mocked(o.sendNow).mockResolvedValue({ recovered: 0, sequences: { queued: 2, completed: 0, stopped: 0 }, sent: null, waiting: 2 });
    const location = renderIt();
    expect(await screen.findByTestId("outbox-smtp-banner")).toHaveTextContent("Sending is not set up");
    await userEvent.click(screen.getByTestId("outbox-send-now"));
    const toast = await screen.findByTestId("toast");
    expect(toast).toHaveTextContent("Queued 2 sequence steps.");
    expect(toast).toHaveTextContent("Sending is not set up: messages wait here. Set up your SMTP server in Settings → E-mail.");
    await userEvent.click(within(toast).getByTestId("toast-smtp-settings"));
    expect(location.history?.at(-1)).toBe("/settings?section=email");
  });

  it("summarises what Send now did", async () => {
    vi.mocked(api.marketing.smtp.status).mockResolvedValue(smtp("smtp.example.com"));
    vi.mocked(o.sendNow).mockResolvedValue({
      recovered: 0,
      sequences: { queued: 0, completed: 0, stopped: 0 },
      sent: { sent: 1234, failed: 1, deferred: 2, skipped: 0, problems: ["connection refused by smtp.example.com"] },
      waiting: 0,
    });
    renderIt();
    await screen.findAllByTestId("outbox-row");
    expect(screen.queryByTestId("outbox-smtp-banner")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("outbox-send-now"));
    const toast = await screen.findByTestId("toast");
    expect(toast).toHaveTextContent(`Sent ${formatNumber(1234)}, failed 1, put off 2. Connection refused by smtp.example.com.`);
  });
});
