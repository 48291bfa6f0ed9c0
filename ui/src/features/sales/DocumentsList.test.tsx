import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { api, type DocumentSummary } from "../../lib/api";
import { formatMoney } from "../../lib/format";
import { DocumentsList } from "./DocumentsList";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return { ...real, api: { documents: { list: vi.fn() } } };
});

const summary = (over: Partial<DocumentSummary>): DocumentSummary => ({
  id: "inv1",
  kind: "invoice",
  number: "INV-2026-0001",
  version: 1,
  status: "issued",
  account_id: "acc1",
  account_name: "Acme",
  opportunity_id: null,
  currency: "EUR",
  issued_on: "2026-11-20",
  due_on: "2026-12-20",
  total_minor: 19278,
  balance_minor: 19278,
  created_at: "2026-11-20T09:00:00Z",
  ...over,
});

function renderIt() {
  const location = memoryLocation({ path: "/invoices", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <Router hook={location.hook} searchHook={location.searchHook}>
        <DocumentsList />
      </Router>
    </QueryClientProvider>,
  );
  return location;
}

describe("the sales documents list", () => {
  beforeEach(() => {
    vi.mocked(api.documents.list)
      .mockReset()
      .mockImplementation(async (q) =>
        q?.kind === "quote"
          ? [summary({ id: "q1", kind: "quote", number: "Q-2026-0003", version: 2, status: "sent", due_on: null })]
          : [
              summary({ id: "inv2", number: "INV-2026-0002", status: "overdue", balance_minor: 5000 }),
              summary({}),
              summary({ id: "inv3", number: null, status: "draft" }),
            ],
      );
  });

  it("shows invoices first, with their balance, overdue ones in red", async () => {
    renderIt();
    const overdue = await screen.findByTestId("doc-row-INV-2026-0002");
    expect(api.documents.list).toHaveBeenCalledWith(expect.objectContaining({ kind: "invoice" }));
    expect(overdue).toHaveClass("is-overdue");
    expect(within(overdue).getByTestId("doc-row-balance")).toHaveTextContent(formatMoney({ amount_minor: 5000, currency: "EUR" }));
    expect(within(overdue).getByText("Overdue")).toBeInTheDocument();
    expect(screen.getByTestId("doc-row-INV-2026-0001")).not.toHaveClass("is-overdue");
    expect(within(screen.getByTestId("doc-row-draft-inv3")).getByText("Draft", { selector: "strong" })).toBeInTheDocument();
  });

  it("switches kind with the tabs and opens a document on click", async () => {
    const location = renderIt();
    await screen.findByTestId("doc-row-INV-2026-0001");
    await userEvent.click(screen.getByTestId("doc-tab-quote"));
    const row = await screen.findByTestId("doc-row-Q-2026-0003");
    expect(row).toHaveTextContent("Q-2026-0003 v2");
    expect(screen.queryByTestId("doc-row-INV-2026-0001")).not.toBeInTheDocument();
    // Quotes have no balance column.
    expect(within(row).queryByTestId("doc-row-balance")).not.toBeInTheDocument();
    await userEvent.click(row);
    await waitFor(() => expect(location.history.at(-1)).toBe("/documents/q1"));
  });
});
