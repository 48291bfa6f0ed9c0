import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Router, Switch } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type Opportunity } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { line, product, salesDocument } from "../../test/fixtures";
import { EditQuotePage, NewQuotePage } from "./QuoteEditor";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      deals: { get: vi.fn() },
      accounts: { get: vi.fn(), list: vi.fn(async () => ({ items: [], total: 0, next: null })) },
      contacts: { list: vi.fn(async () => ({ items: [], total: 0, next: null })) },
      products: { list: vi.fn() },
      documents: { get: vi.fn(), list: vi.fn(async () => []) },
      quotes: { create: vi.fn(), update: vi.fn(), revise: vi.fn() },
    },
  };
});

const eur = (amount_minor: number) => formatMoney({ amount_minor, currency: "EUR" });

function renderAt(path: string) {
  const [p, search] = path.split("?");
  const location = memoryLocation({ path: p as string, searchPath: search, record: true } as Parameters<typeof memoryLocation>[0]);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook} searchHook={location.searchHook}>
          <Switch>
            <Route path="/quotes/new">{() => <NewQuotePage />}</Route>
            <Route path="/documents/:id/edit">{(p) => <EditQuotePage id={p.id} />}</Route>
            <Route path="/documents/:id/revise">{(p) => <EditQuotePage id={p.id} revise />}</Route>
            <Route>{() => <div data-testid="elsewhere" />}</Route>
          </Switch>
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

const quote = (over = {}) => salesDocument({ id: "q1", kind: "quote", number: "Q-2026-0001", status: "draft", source_id: null, source_number: null, due_on: null, valid_until: "2026-12-31", ...over });

describe("the quote editor", () => {
  beforeEach(() => {
    vi.mocked(api.deals.get).mockReset().mockResolvedValue({
      id: "d1",
      name: "Acme rollout",
      account_id: "acc1",
      account_name: "Acme",
      amount: { amount_minor: 500000, currency: "EUR" },
    } as Opportunity);
    vi.mocked(api.accounts.get).mockReset().mockResolvedValue({ id: "acc1", name: "Acme" } as Awaited<ReturnType<typeof api.accounts.get>>);
    vi.mocked(api.products.list).mockReset().mockResolvedValue([product(), product({ id: "p2", sku: "TRAIN-D", name: "Training day", unit: "day", unit_price: { amount_minor: 90000, currency: "EUR" }, tax_rate_bp: 700 })]);
    vi.mocked(api.quotes.create).mockReset();
    vi.mocked(api.quotes.revise).mockReset();
    vi.mocked(api.documents.get).mockReset();
  });

  it("fills a line from the picked product, previews its amounts and sends the QuoteInput", async () => {
    vi.mocked(api.quotes.create).mockResolvedValue(quote());
    const location = renderAt("/quotes/new?opportunity=d1&account=acc1");
    // The deal's account is filled in.
    expect(await screen.findByText("Acme")).toBeInTheDocument();
    expect(screen.getByTestId("quote-currency")).toHaveValue("EUR");

    await userEvent.type(screen.getByTestId("line-product-0"), "CONS");
    // The suggestions are searched again once typing settles; pick from that list, not from
    // one about to be replaced (a slow machine can click an option as it goes).
    await waitFor(() => expect(api.products.list).toHaveBeenLastCalledWith("CONS", false));
    await userEvent.click(await screen.findByRole("option", { name: /CONS-H Consulting/ }));
    expect(screen.getByTestId("line-product-0")).toHaveValue("CONS-H");
    expect(screen.getByTestId("line-description-0")).toHaveValue("Consulting");
    expect(screen.getByTestId("line-price-0")).toHaveValue("120.00");
    expect(screen.getByTestId("line-tax-0")).toHaveValue("19");

    await userEvent.clear(screen.getByTestId("line-quantity-0"));
    await userEvent.type(screen.getByTestId("line-quantity-0"), "1.5");
    await userEvent.type(screen.getByTestId("line-discount-0"), "10");
    // 1.5 × 120.00 = 180.00, less 10% = 162.00 (before tax).
    expect(screen.getByTestId("line-amount-0")).toHaveTextContent(eur(16200));

    // A second, free-text line at another tax rate.
    await userEvent.click(screen.getByTestId("line-add"));
    await userEvent.type(screen.getByTestId("line-description-1"), "Travel");
    await userEvent.type(screen.getByTestId("line-price-1"), "80.5");
    await userEvent.type(screen.getByTestId("line-tax-1"), "7");
    expect(screen.getByTestId("line-amount-1")).toHaveTextContent(eur(8050));

    const totals = screen.getByTestId("quote-totals");
    expect(within(totals).getByTestId("totals-subtotal")).toHaveTextContent(eur(26050));
    expect(within(totals).getByTestId("totals-discount")).toHaveTextContent(eur(-1800));
    expect(within(totals).getByTestId("totals-tax-19")).toHaveTextContent(eur(3078));
    // 7% of 80.50 = 5.635, rounded half away from zero: 5.64.
    expect(within(totals).getByTestId("totals-tax-7")).toHaveTextContent(eur(564));
    expect(within(totals).getByTestId("totals-total")).toHaveTextContent(eur(16200 + 3078 + 8050 + 564));

    await userEvent.type(screen.getByTestId("quote-notes"), "  Prices valid for the first phase.  ");
    await userEvent.click(screen.getByTestId("quote-save"));
    await waitFor(() =>
      expect(api.quotes.create).toHaveBeenCalledWith({
        opportunity_id: "d1",
        account_id: "acc1",
        contact_id: null,
        currency: "EUR",
        valid_until: null,
        notes: "Prices valid for the first phase.",
        lines: [
          { product: "CONS-H", description: "Consulting", quantity: "1.5", unit_price: "120.00", discount: "10", tax_rate: "19", unit: "hour" },
          { product: null, description: "Travel", quantity: "1", unit_price: "80.5", discount: null, tax_rate: "7", unit: null },
        ],
      }),
    );
    await waitFor(() => expect(location.history.at(-1)).toBe("/documents/q1"));
  });

  it("shows the backend's complaint beside the line cell it is about", async () => {
    vi.mocked(api.quotes.create).mockRejectedValue(
      new ApiError({
        code: "validation",
        message: "lines.0.quantity: should be more than zero",
        fields: [{ field: "lines.0.quantity", message: "should be more than zero" }],
      }),
    );
    renderAt("/quotes/new?account=acc1");
    await userEvent.type(await screen.findByTestId("line-description-0"), "Setup");
    await userEvent.type(screen.getByTestId("line-price-0"), "50");
    await userEvent.clear(screen.getByTestId("line-quantity-0"));
    await userEvent.type(screen.getByTestId("line-quantity-0"), "0");
    await userEvent.click(screen.getByTestId("quote-save"));
    expect(await screen.findByTestId("line-quantity-0-error")).toHaveTextContent("should be more than zero");
    expect(screen.getByTestId("line-quantity-0")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("line-price-0")).toHaveAttribute("aria-invalid", "false");
    expect(screen.getByTestId("quote-invalid")).toBeInTheDocument();
  });

  it("revises a sent quote: prefilled with its lines, saved as a new version", async () => {
    const sent = quote({ status: "sent", lines: [line({ id: "l1" })] });
    vi.mocked(api.documents.get).mockResolvedValue(sent);
    vi.mocked(api.quotes.revise).mockResolvedValue(quote({ id: "q2", version: 2 }));
    const location = renderAt("/documents/q1/revise");
    expect(await screen.findByTestId("line-product-0")).toHaveValue("CONS-H");
    expect(screen.getByTestId("line-quantity-0")).toHaveValue("1.5");
    expect(screen.getByTestId("line-discount-0")).toHaveValue("10");
    await userEvent.clear(screen.getByTestId("line-discount-0"));
    await userEvent.type(screen.getByTestId("line-discount-0"), "15");
    await userEvent.click(screen.getByTestId("quote-save"));
    await waitFor(() => expect(api.quotes.revise).toHaveBeenCalled());
    const [id, input] = vi.mocked(api.quotes.revise).mock.calls[0] ?? [];
    expect(id).toBe("q1");
    expect(input?.lines).toEqual([
      { product: "CONS-H", description: "Consulting", quantity: "1.5", unit_price: "120.00", discount: "15", tax_rate: "19", unit: "hour" },
    ]);
    expect(input?.valid_until).toBe("2026-12-31");
    expect(api.quotes.create).not.toHaveBeenCalled();
    await waitFor(() => expect(location.history.at(-1)).toBe("/documents/q2"));
  });
});
