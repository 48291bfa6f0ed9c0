import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { api, ApiError, type CompanyProfile, type Numbering } from "../../lib/api";
import { CompanySettings, NumberingSettings } from "./SalesSettings";
import { ToastProvider } from "../../components/Toasts";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      company: { get: vi.fn(), set: vi.fn() },
      numbering: { list: vi.fn(), set: vi.fn() },
      openFile: vi.fn(),
    },
  };
});

const profile: CompanyProfile = {
  name: "Rapport GmbH",
  address: "Hauptstr. 1\n10115 Berlin",
  email: "billing@rapport.example",
  phone: null,
  website: null,
  tax_id: null,
  bank_details: null,
  footer: null,
  logo_path: null,
};

const seq = (kind: Numbering["kind"], prefix: string, next = 1): Numbering => ({
  kind,
  prefix,
  yearly: true,
  year: 2026,
  next,
  padding: 4,
  preview: `${prefix}2026-${String(next).padStart(4, "0")}`,
});

function renderIt(ui: React.ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>{ui}</ToastProvider>
    </QueryClientProvider>,
  );
}

describe("company settings", () => {
  beforeEach(() => {
    vi.mocked(api.company.get).mockReset().mockResolvedValue(profile);
    vi.mocked(api.company.set).mockReset().mockImplementation(async (p) => p);
  });

  it("sends the edited profile: multi-line text kept, blanks as null", async () => {
    renderIt(<CompanySettings />);
    const name = await screen.findByTestId("company-name");
    expect(name).toHaveValue("Rapport GmbH");
    await userEvent.clear(name);
    await userEvent.type(name, "  Rapport Software GmbH ");
    await userEvent.type(screen.getByTestId("company-address"), "{enter}Germany");
    await userEvent.type(screen.getByTestId("company-bank"), "Berliner Bank{enter}IBAN DE89 3704 0044 0532 0130 00");
    await userEvent.type(screen.getByTestId("company-tax-id"), "DE123456789");
    await userEvent.clear(screen.getByTestId("company-email"));
    await userEvent.type(screen.getByTestId("company-footer"), "   ");
    await userEvent.click(screen.getByTestId("company-save"));
    await waitFor(() =>
      expect(api.company.set).toHaveBeenCalledWith({
        name: "Rapport Software GmbH",
        address: "Hauptstr. 1\n10115 Berlin\nGermany",
        email: null,
        phone: null,
        website: null,
        tax_id: "DE123456789",
        bank_details: "Berliner Bank\nIBAN DE89 3704 0044 0532 0130 00",
        footer: null,
        logo_path: null,
      }),
    );
    expect(await screen.findByText("Saved the company details")).toBeInTheDocument();
  });

  it("shows the backend's complaint under the field", async () => {
    vi.mocked(api.company.set).mockRejectedValue(
      new ApiError({ code: "validation", message: "name: is required", fields: [{ field: "name", message: "is required" }] }),
    );
    renderIt(<CompanySettings />);
    await userEvent.clear(await screen.findByTestId("company-name"));
    await userEvent.click(screen.getByTestId("company-save"));
    expect(await screen.findByText("is required")).toBeInTheDocument();
    expect(screen.getByTestId("company-name")).toHaveAttribute("aria-invalid", "true");
  });
});

describe("document number settings", () => {
  beforeEach(() => {
    vi.mocked(api.numbering.list).mockReset().mockResolvedValue([seq("quote", "Q-"), seq("order", "SO-"), seq("invoice", "INV-", 42), seq("credit_note", "CN-")]);
    vi.mocked(api.numbering.set).mockReset();
  });

  it("previews and saves one sequence, sending only what changed", async () => {
    vi.mocked(api.numbering.set).mockResolvedValue([seq("quote", "Q-"), seq("order", "SO-"), seq("invoice", "RE-", 100), seq("credit_note", "CN-")]);
    renderIt(<NumberingSettings />);
    expect(await screen.findByTestId("seq-invoice-preview")).toHaveTextContent("INV-2026-0042");
    expect(screen.getByTestId("seq-invoice-save")).toBeDisabled();
    await userEvent.clear(screen.getByTestId("seq-invoice-prefix"));
    await userEvent.type(screen.getByTestId("seq-invoice-prefix"), "RE-");
    await userEvent.clear(screen.getByTestId("seq-invoice-next"));
    await userEvent.type(screen.getByTestId("seq-invoice-next"), "100");
    expect(screen.getByTestId("seq-invoice-preview")).toHaveTextContent("RE-2026-0100");
    await userEvent.click(screen.getByTestId("seq-invoice-save"));
    await waitFor(() => expect(api.numbering.set).toHaveBeenCalledWith("invoice", "RE-", null, 100));
    expect(await screen.findByText("Invoices now start at RE-2026-0100")).toBeInTheDocument();
  });
});
