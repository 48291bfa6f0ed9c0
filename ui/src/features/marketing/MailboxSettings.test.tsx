import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { api, type MailboxSettings as Settings, type MailboxStatus, type MailMessage, type SyncReport } from "../../lib/api";
import { MailboxSettings, syncSummary } from "./MailboxSettings";
import { ToastProvider } from "../../components/Toasts";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      mailbox: {
        status: vi.fn(),
        save: vi.fn(),
        setPassword: vi.fn(),
        test: vi.fn(),
        syncNow: vi.fn(),
        problem: vi.fn(),
        unmatched: vi.fn(),
        resolve: vi.fn(),
      },
    },
  };
});

const mailbox = api.mailbox;
const blank: Settings = { host: "", port: 993, security: "tls", username: "", folders: [], support_address: "", capture_address: "" };
const status = (over: Partial<MailboxStatus> = {}): MailboxStatus => ({
  settings: blank,
  has_password: false,
  keyring_problem: null,
  folders: [],
  messages: 0,
  ...over,
});
const set: Settings = { ...blank, host: "imap.example.com", username: "ann@example.com" };

function renderIt() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <MailboxSettings />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("settings → mailbox", () => {
  beforeEach(() => {
    vi.mocked(mailbox.status).mockReset().mockResolvedValue(status());
    vi.mocked(mailbox.problem).mockReset().mockResolvedValue(null);
    vi.mocked(mailbox.save)
      .mockReset()
      .mockImplementation(async (settings) => status({ settings }));
    vi.mocked(mailbox.setPassword)
      .mockReset()
      .mockImplementation(async (password) => status({ settings: set, has_password: password !== "" }));
    vi.mocked(mailbox.test).mockReset();
    vi.mocked(mailbox.syncNow).mockReset();
    vi.mocked(mailbox.unmatched).mockReset().mockResolvedValue([]);
    vi.mocked(mailbox.resolve).mockReset().mockResolvedValue({ entity: "contacts", id: "c9" });
  });

  it("lists replies from unknown addresses and makes one a contact", async () => {
    vi.mocked(mailbox.status).mockResolvedValue(status({ settings: set, has_password: true }));
    const reply: MailMessage = {
      activity_id: "a1",
      message_id: "r1@home.example",
      thread_id: "w1@rapport.invalid",
      in_reply_to: "w1@rapport.invalid",
      direction: "inbound",
      from_address: "robert@home.example",
      from_name: "Robert Two",
      to: ["ann@example.com"],
      cc: [],
      subject: "Re: Welcome Bob",
      at: "2026-12-03T10:00:00.000Z",
      text: "",
      html: null,
      attachments: [],
      automatic: false,
      unmatched: true,
      problems: null,
      folder: "INBOX",
      links: [],
    };
    vi.mocked(mailbox.unmatched).mockResolvedValueOnce([reply]).mockResolvedValue([]);
    renderIt();
    const row = await screen.findByTestId("unmatched-reply");
    expect(row).toHaveTextContent("Robert Two <robert@home.example> · Re: Welcome Bob");
    await userEvent.click(screen.getByTestId("unmatched-contact"));
    await waitFor(() => expect(mailbox.resolve).toHaveBeenCalledWith("a1", "contact"));
    expect(await screen.findByText("Reply from robert@home.example made a contact")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId("mailbox-unmatched")).not.toBeInTheDocument());
  });

  it("saves the server, the folders as a list and the addresses, never the password", async () => {
    renderIt();
    await userEvent.type(await screen.findByTestId("mailbox-host"), " imap.example.com ");
    await userEvent.selectOptions(screen.getByTestId("mailbox-security"), "starttls");
    // The usual port follows the connection.
    expect(screen.getByTestId("mailbox-port")).toHaveValue(143);
    await userEvent.type(screen.getByTestId("mailbox-username"), "ann@example.com");
    await userEvent.type(screen.getByTestId("mailbox-folders"), "INBOX, Customers ,");
    await userEvent.type(screen.getByTestId("mailbox-support"), "support@example.com");
    await userEvent.type(screen.getByTestId("mailbox-password"), "app-password");
    await userEvent.click(screen.getByTestId("mailbox-save"));
    await waitFor(() =>
      expect(mailbox.save).toHaveBeenCalledWith({
        host: "imap.example.com",
        port: 143,
        security: "starttls",
        username: "ann@example.com",
        folders: ["INBOX", "Customers"],
        support_address: "support@example.com",
        capture_address: "",
      }),
    );
    expect(JSON.stringify(vi.mocked(mailbox.save).mock.calls)).not.toContain("app-password");
    // Only what concerns the user's records is kept: the screen says so before anything is read.
    expect(screen.getByText(/everything else stays on the server and is never stored/)).toBeInTheDocument();
  });

  it("tests the connection and names the step that failed", async () => {
    vi.mocked(mailbox.status).mockResolvedValue(status({ settings: set, has_password: true }));
    vi.mocked(mailbox.test).mockResolvedValue({
      ok: false,
      stage: "login",
      message: "the server refused the login for ann@example.com: check the user name and password",
      folders: [],
      reading: [],
    });
    renderIt();
    await userEvent.click(await screen.findByTestId("mailbox-test"));
    const result = await screen.findByTestId("mailbox-test-result");
    expect(result).toHaveAttribute("data-stage", "login");
    expect(result).toHaveTextContent("refused the login");
  });

  it("reads new mail now and says what it kept, and what stopped it", async () => {
    vi.mocked(mailbox.status).mockResolvedValue(
      status({ settings: set, has_password: true, messages: 3, folders: [{ name: "INBOX", last_uid: 9, synced_at: null }] }),
    );
    const report: SyncReport = {
      stored: 2,
      complete: false,
      folders: [
        { folder: "INBOX", seen: 5, stored: 2, known: 0, sequences_stopped: 1, complete: true, problems: [] },
        { folder: "Archive", seen: 0, stored: 0, known: 0, sequences_stopped: 0, complete: false, problems: ["no folder named Archive"] },
      ],
    };
    vi.mocked(mailbox.syncNow).mockResolvedValue(report);
    renderIt();
    expect(await screen.findByTestId("mailbox-progress")).toHaveTextContent("3 messages kept · INBOX: not read to its end yet");
    await userEvent.click(screen.getByTestId("mailbox-sync-now"));
    expect(await screen.findByText("5 new messages read, 2 messages kept. Not finished: Archive: no folder named Archive")).toBeInTheDocument();
  });

  it("summarises a finished sync in words", () => {
    expect(
      syncSummary({ stored: 1, complete: true, folders: [{ folder: "INBOX", seen: 1, stored: 1, known: 0, sequences_stopped: 0, complete: true, problems: [] }] }),
    ).toBe("1 new message read, 1 message kept.");
  });
});
