import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type Document } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { today } from "./sales";
import { line, salesDocument } from "../../test/fixtures";
import { DocumentPage } from "./DocumentPage";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      documents: { get: vi.fn(), list: vi.fn(async () => []), pdf: vi.fn(), email: vi.fn() },
      quotes: { setStatus: vi.fn(), toOrder: vi.fn() },
      orders: { invoice: vi.fn() },
      invoices: { issue: vi.fn(), pay: vi.fn(), credit: vi.fn(), void: vi.fn() },
      saveFile: vi.fn(),
    },
  };
});

const eur = (amount_minor: number) => formatMoney({ amount_minor, currency: "EUR" });

function renderIt(doc: Document) {
  vi.mocked(api.documents.get).mockImplementation(async (id) => (id === doc.id ? doc : salesDocument({ id })));
  const location = memoryLocation({ path: `/documents/${doc.id}`, record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <DocumentPage id={doc.id} />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

const ACTIONS = [
  "quote-edit",
  "quote-send",
  "quote-accept",
  "quote-reject",
  "quote-revise",
  "quote-to-order",
  "order-invoice",
  "order-invoice-part",
  "invoice-issue",
  "invoice-delete",
  "invoice-pay",
  "invoice-credit",
  "invoice-void",
  "doc-pdf",
  "doc-email",
];

const quote = (over: Partial<Document>) =>
  salesDocument({ id: "q1", kind: "quote", number: "Q-2026-0001", source_id: null, source_number: null, due_on: null, valid_until: "2026-12-31", ...over });
const order = (over: Partial<Document>) =>
  salesDocument({ id: "so1", kind: "order", number: "SO-2026-0001", source_id: "q1", source_number: "Q-2026-0001", due_on: null, ...over });
const invoice = salesDocument;

describe("the document page", () => {
  beforeEach(() => {
    for (const f of [api.documents.pdf, api.quotes.setStatus, api.quotes.toOrder, api.orders.invoice, api.invoices.issue, api.invoices.pay, api.invoices.credit, api.invoices.void, api.saveFile]) {
      vi.mocked(f).mockReset();
    }
  });

  it.each<[string, Document, string[]]>([
    ["a draft quote", quote({ status: "draft" }), ["quote-edit", "quote-send", "quote-accept", "doc-pdf", "doc-email"]],
    ["a sent quote", quote({ status: "sent" }), ["quote-accept", "quote-reject", "quote-revise", "doc-pdf", "doc-email"]],
    ["an expired quote", quote({ status: "expired" }), ["quote-revise", "doc-pdf", "doc-email"]],
    ["an accepted quote", quote({ status: "accepted" }), ["quote-to-order", "doc-pdf", "doc-email"]],
    [
      "an accepted quote that already has its order",
      quote({
        status: "accepted",
        derived: [{ ...order({}), opportunity_id: "d1" }],
      }),
      ["doc-pdf", "doc-email"],
    ],
    ["an open order", order({ status: "open" }), ["order-invoice", "order-invoice-part"]],
    ["a fully invoiced order", order({ status: "invoiced" }), []],
    ["a draft invoice", invoice({ number: null, status: "draft", issued_on: null, due_on: null }), ["invoice-issue", "invoice-delete", "doc-pdf"]],
    ["an issued invoice", invoice({ status: "issued" }), ["invoice-pay", "invoice-credit", "invoice-void", "doc-pdf", "doc-email"]],
    [
      "a partly paid invoice",
      invoice({
        status: "partly_paid",
        paid_minor: 10000,
        balance_minor: 9278,
        payments: [{ id: "pay1", paid_on: "2026-11-25", amount_minor: 10000, method: "card", reference: null }],
      }),
      ["invoice-pay", "invoice-credit", "doc-pdf", "doc-email"],
    ],
    ["an overdue invoice", invoice({ status: "overdue" }), ["invoice-pay", "invoice-credit", "invoice-void", "doc-pdf", "doc-email"]],
    ["a paid invoice", invoice({ status: "paid", paid_minor: 19278, balance_minor: 0 }), ["doc-pdf", "doc-email"]],
    ["a void invoice", invoice({ status: "void" }), ["doc-pdf"]],
    ["a credit note", salesDocument({ id: "cn1", kind: "credit_note", number: "CN-2026-0001", status: "issued", source_id: "inv1", source_number: "INV-2026-0001" }), ["doc-pdf", "doc-email"]],
  ])("offers the right actions for %s", async (_name, doc, expected) => {
    renderIt(doc);
    await screen.findByTestId("document-page");
    expect(screen.getByTestId("doc-status")).toHaveAttribute("data-status", doc.status);
    const shown = ACTIONS.filter((a) => screen.queryByTestId(a) !== null);
    expect(shown).toEqual(expected);
  });

  it("e-mails an invoice to its contact and says where the mail stands", async () => {
    vi.mocked(api.documents.email).mockResolvedValue({
      id: "o1",
      to_address: "ada@acme.example",
      to_name: "Ada Lovelace",
      subject: "Invoice INV-2026-0001 from Rapport",
      status: "queued",
      problem: null,
      sent_at: null,
      created_at: "2026-12-04T10:00:00.000Z",
    });
    renderIt(invoice({ status: "issued" }));
    await userEvent.click(await screen.findByTestId("doc-email"));
    await waitFor(() => expect(api.documents.email).toHaveBeenCalledWith("inv1"));
    expect(await screen.findByText("Queued for ada@acme.example: it goes out within a minute")).toBeInTheDocument();
  });

  it("titles the document, lists its lines and totals, and the balance of an invoice", async () => {
    renderIt(
      invoice({
        status: "overdue",
        paid_minor: 10000,
        balance_minor: 9278,
        payments: [{ id: "pay1", paid_on: "2026-11-25", amount_minor: 10000, method: "card", reference: "R-7" }],
        derived: [],
      }),
    );
    expect(await screen.findByTestId("doc-title")).toHaveTextContent("Invoice INV-2026-0001");
    expect(screen.getByTestId("doc-status")).toHaveTextContent("Overdue");
    expect(screen.getByTestId("doc-account")).toHaveAttribute("href", "/accounts/acc1");
    expect(screen.getByTestId("doc-deal")).toHaveAttribute("href", "/deals/d1");
    expect(within(screen.getByTestId("doc-lines")).getByText("Consulting")).toBeInTheDocument();
    const totals = screen.getByTestId("doc-totals");
    expect(within(totals).getByTestId("totals-subtotal")).toHaveTextContent(eur(18000));
    expect(within(totals).getByTestId("totals-discount")).toHaveTextContent(eur(-1800));
    expect(within(totals).getByTestId("totals-tax-19")).toHaveTextContent(eur(3078));
    expect(within(totals).getByTestId("totals-total")).toHaveTextContent(eur(19278));
    expect(within(totals).getByTestId("totals-paid")).toHaveTextContent(eur(-10000));
    expect(screen.getByTestId("doc-balance")).toHaveTextContent(eur(9278));
    expect(within(screen.getByTestId("doc-payments")).getByText("card · R-7")).toBeInTheDocument();
    expect(within(screen.getByTestId("doc-related")).getByRole("link", { name: "SO-2026-0001" })).toHaveAttribute("href", "/documents/so1");
  });

  it("records a payment of the amount typed, prefilled with the balance", async () => {
    let current = invoice({ status: "issued" });
    vi.mocked(api.invoices.pay).mockImplementation(async () => {
      current = invoice({ status: "partly_paid", paid_minor: 10000, balance_minor: 9278, payments: [{ id: "pay1", paid_on: today(), amount_minor: 10000, method: "card", reference: null }] });
      return current;
    });
    renderIt(current);
    vi.mocked(api.documents.get).mockImplementation(async () => current);
    await userEvent.click(await screen.findByTestId("invoice-pay"));
    const amount = screen.getByTestId("payment-amount");
    expect(amount).toHaveValue("192.78");
    await userEvent.clear(amount);
    await userEvent.type(amount, "100.00");
    await userEvent.clear(screen.getByTestId("payment-method"));
    await userEvent.type(screen.getByTestId("payment-method"), "card");
    await userEvent.click(screen.getByTestId("payment-save"));
    await waitFor(() =>
      expect(api.invoices.pay).toHaveBeenCalledWith("inv1", { amount: "100.00", paid_on: today(), method: "card", reference: null }),
    );
    await waitFor(() => expect(screen.queryByTestId("payment-dialog")).not.toBeInTheDocument());
    expect(screen.getByTestId("doc-balance")).toHaveTextContent(eur(9278));
    expect(screen.getByTestId("doc-status")).toHaveTextContent("Partly paid");
    expect(await screen.findByText(new RegExp(`Recorded .*100\\.00.*still due`))).toBeInTheDocument();
  });

  it("issues a draft with 30 days' terms unless changed", async () => {
    let current = invoice({ number: null, status: "draft", issued_on: null, due_on: null });
    vi.mocked(api.invoices.issue).mockImplementation(async () => (current = invoice({ status: "issued" })));
    renderIt(current);
    vi.mocked(api.documents.get).mockImplementation(async () => current);
    expect(await screen.findByTestId("doc-title")).toHaveTextContent("Invoice (draft)");
    await userEvent.click(screen.getByTestId("invoice-issue"));
    expect(screen.getByTestId("issue-terms")).toHaveValue("30");
    await userEvent.clear(screen.getByTestId("issue-terms"));
    await userEvent.type(screen.getByTestId("issue-terms"), "14");
    await userEvent.click(screen.getByTestId("invoice-issue-confirm"));
    await waitFor(() => expect(api.invoices.issue).toHaveBeenCalledWith("inv1", today(), 14));
    await waitFor(() => expect(screen.getByTestId("doc-title")).toHaveTextContent("Invoice INV-2026-0001"));
    expect(screen.queryByTestId("issue-dialog")).not.toBeInTheDocument();
  });

  it("refuses to issue without the company's name and address, with a way to Settings", async () => {
    const draft = invoice({ number: null, status: "draft", issued_on: null, due_on: null });
    const message =
      "Set your company's name and address in Settings, Company (or with rapport company --name ... --address ...) before issuing an invoice: an invoice must name who it is from, and once issued it cannot be changed.";
    vi.mocked(api.invoices.issue).mockRejectedValue(new ApiError({ code: "company_profile_missing", message, fields: [] }));
    const location = renderIt(draft);
    await userEvent.click(await screen.findByTestId("invoice-issue"));
    await userEvent.click(screen.getByTestId("invoice-issue-confirm"));
    const banner = await screen.findByTestId("issue-company-missing");
    expect(banner).toHaveTextContent(message);
    await userEvent.click(within(banner).getByTestId("issue-open-company"));
    await waitFor(() => expect(location.history?.at(-1)).toBe("/settings?section=company"));
  });

  it("invoices part of an order: what is left per line, less what earlier invoices took", async () => {
    const lines = [line({ id: "ol1", quantity_milli: 10000 }), line({ id: "ol2", description: "Licence", sku: null, product_id: null, quantity_milli: 1000, discount_bp: 0 })];
    const earlier = salesDocument({ id: "inv0", number: "INV-2026-0001", lines: [line({ id: "il1", source_line_id: "ol1", quantity_milli: 4000 })] });
    const so = order({ status: "partly_invoiced", lines, derived: [{ ...earlier, opportunity_id: "d1" }] });
    vi.mocked(api.documents.get).mockImplementation(async (id) => (id === "inv0" ? earlier : so));
    vi.mocked(api.orders.invoice).mockResolvedValue(salesDocument({ id: "inv9", number: null, status: "draft" }));
    const location = memoryLocation({ path: "/documents/so1", record: true });
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <ToastProvider>
          <Router hook={location.hook}>
            <DocumentPage id="so1" />
          </Router>
        </ToastProvider>
      </QueryClientProvider>,
    );
    await userEvent.click(await screen.findByTestId("order-invoice-part"));
    expect(await screen.findByTestId("part-left-0")).toHaveTextContent("6");
    expect(screen.getByTestId("part-left-1")).toHaveTextContent("1");
    await waitFor(() => expect(screen.getByTestId("part-qty-0")).toHaveValue("6"));
    await userEvent.clear(screen.getByTestId("part-qty-0"));
    await userEvent.type(screen.getByTestId("part-qty-0"), "2.5");
    await userEvent.clear(screen.getByTestId("part-qty-1"));
    await userEvent.click(screen.getByTestId("part-save"));
    await waitFor(() => expect(api.orders.invoice).toHaveBeenCalledWith("so1", [{ line_id: "ol1", quantity: "2.5" }]));
    await waitFor(() => expect(location.history.at(-1)).toBe("/documents/inv9"));
  });

  it("saves the PDF where the user chose, suggesting the document number", async () => {
    vi.mocked(api.saveFile).mockResolvedValue("/home/ada/INV-2026-0001.pdf");
    vi.mocked(api.documents.pdf).mockResolvedValue({ path: "/home/ada/INV-2026-0001.pdf", bytes: 4096, pages: 1 });
    renderIt(invoice({}));
    await userEvent.click(await screen.findByTestId("doc-pdf"));
    await waitFor(() => expect(api.documents.pdf).toHaveBeenCalledWith("inv1", "/home/ada/INV-2026-0001.pdf"));
    expect(api.saveFile).toHaveBeenCalledWith("INV-2026-0001.pdf", "PDF", ["pdf"]);
    expect(await screen.findByTestId("toast")).toHaveTextContent("INV-2026-0001.pdf");
  });

  it("writes no PDF when the save dialog is cancelled", async () => {
    vi.mocked(api.saveFile).mockResolvedValue(null);
    renderIt(invoice({}));
    await userEvent.click(await screen.findByTestId("doc-pdf"));
    await waitFor(() => expect(api.saveFile).toHaveBeenCalled());
    expect(api.documents.pdf).not.toHaveBeenCalled();
  });

  it("voids an issued invoice only after confirming", async () => {
    vi.mocked(api.invoices.void).mockResolvedValue(null);
    renderIt(invoice({}));
    await userEvent.click(await screen.findByTestId("invoice-void"));
    expect(api.invoices.void).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("confirm"));
    await waitFor(() => expect(api.invoices.void).toHaveBeenCalledWith("inv1"));
  });
});
