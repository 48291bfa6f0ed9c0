import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { api, type SmtpSettings as Settings, type SmtpStatus } from "../../lib/api";
import { SmtpSettings } from "./SmtpSettings";
import { ToastProvider } from "../../components/Toasts";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return { ...real, api: { marketing: { smtp: { status: vi.fn(), save: vi.fn(), setPassword: vi.fn() } } } };
});

const smtp = api.marketing.smtp;
const blank: Settings = { host: "", port: 587, security: "starttls", username: "", from_address: "", from_name: "", reply_to: "" };
const status = (over: Partial<SmtpStatus> = {}): SmtpStatus => ({ settings: blank, has_password: false, keyring_problem: null, ...over });

function renderIt() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <SmtpSettings />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("settings → e-mail", () => {
  beforeEach(() => {
    vi.mocked(smtp.status).mockReset().mockResolvedValue(status());
    vi.mocked(smtp.save)
      .mockReset()
      .mockImplementation(async (settings) => status({ settings }));
    vi.mocked(smtp.setPassword)
      .mockReset()
      .mockImplementation(async (password) => status({ has_password: password !== "" }));
  });

  it("saves the server settings, without any password", async () => {
    renderIt();
    await userEvent.type(await screen.findByTestId("smtp-host"), " smtp.example.com ");
    await userEvent.selectOptions(screen.getByTestId("smtp-security"), "tls");
    // The usual port follows the connection.
    expect(screen.getByTestId("smtp-port")).toHaveValue(465);
    await userEvent.clear(screen.getByTestId("smtp-port"));
    await userEvent.type(screen.getByTestId("smtp-port"), "2465");
    await userEvent.type(screen.getByTestId("smtp-username"), "news@example.com");
    await userEvent.type(screen.getByTestId("smtp-from-address"), "news@example.com");
    await userEvent.type(screen.getByTestId("smtp-from-name"), "Rapport GmbH");
    await userEvent.type(screen.getByTestId("smtp-reply-to"), "sales@example.com");
    await userEvent.type(screen.getByTestId("smtp-password"), "s3cret");
    await userEvent.click(screen.getByTestId("smtp-save"));
    await waitFor(() =>
      expect(smtp.save).toHaveBeenCalledWith({
        host: "smtp.example.com",
        port: 2465,
        security: "tls",
        username: "news@example.com",
        from_address: "news@example.com",
        from_name: "Rapport GmbH",
        reply_to: "sales@example.com",
      }),
    );
    expect(JSON.stringify(vi.mocked(smtp.save).mock.calls)).not.toContain("s3cret");
    expect(smtp.setPassword).not.toHaveBeenCalled();
  });

  it("stores the password only through setPassword, and says one is stored", async () => {
    renderIt();
    expect(await screen.findByTestId("smtp-no-password")).toBeInTheDocument();
    expect(screen.getByText("Kept in your system keyring, never in the Rapport file or its backups.")).toBeInTheDocument();
    const password = screen.getByTestId("smtp-password");
    expect(password).toHaveAttribute("type", "password");
    expect(screen.getByTestId("smtp-password-save")).toBeDisabled();
    await userEvent.type(password, "s3cret");
    await userEvent.click(screen.getByTestId("smtp-password-save"));
    await waitFor(() => expect(smtp.setPassword).toHaveBeenCalledWith("s3cret"));
    expect(smtp.save).not.toHaveBeenCalled();
    expect(await screen.findByTestId("smtp-has-password")).toHaveTextContent("A password is stored");
    expect(screen.getByTestId("smtp-password")).toHaveValue("");
  });

  it("warns when the keyring cannot be used", async () => {
    vi.mocked(smtp.status).mockResolvedValue(status({ keyring_problem: "no Secret Service is running" }));
    renderIt();
    expect(await screen.findByTestId("smtp-keyring-problem")).toHaveTextContent("no Secret Service is running");
  });
});
