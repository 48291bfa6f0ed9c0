import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type Account } from "../../lib/api";
import { MergeAccounts } from "./MergeAccounts";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      accounts: { get: vi.fn(), merge: vi.fn() },
      undo: vi.fn(async () => "u1"),
    },
  };
});

function account(over: Partial<Account>): Account {
  return {
    id: "a1",
    name: "Acme Ltd",
    industry: null,
    website: null,
    phone: null,
    address: { street: null, city: null, region: null, postal_code: null, country: null },
    annual_revenue: null,
    employee_count: null,
    notes: null,
    type: null,
    turnover_band: null,
    employee_band: null,
    parent_id: null,
    parent_name: null,
    owner_id: null,
    owner_name: null,
    tags: [],
    custom: {},
    contact_count: 0,
    created_at: "2026-12-01T09:00:00.000Z",
    updated_at: "2026-12-01T09:00:00.000Z",
    ...over,
  };
}

const keep = account({ id: "a1", name: "Acme Ltd", phone: "020 0000 0000", notes: "Pays late", tags: ["VIP"] });
const other = account({
  id: "a2",
  name: "ACME Ltd.",
  industry: "Engineering",
  phone: "+44 20 7946 0958",
  notes: "Met at the fair",
  tags: ["Partner"],
  contact_count: 3,
});

function renderMerge() {
  vi.mocked(api.accounts.get).mockImplementation(async (id: string) => (id === "a1" ? keep : other));
  vi.mocked(api.accounts.merge).mockResolvedValue({ survivor: { ...keep, phone: other.phone }, merged_id: "a2", batch_id: "b1" });
  const location = memoryLocation({ path: "/merge-accounts/a1/a2", record: true });
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ToastProvider>
        <Router hook={location.hook}>
          <MergeAccounts survivorId="a1" otherId="a2" />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("merging two companies", () => {
  it("shows both side by side, keeps the survivor's values unless picked, and sends only the picks", async () => {
    const location = renderMerge();
    expect(await screen.findByText("ACME Ltd. will be merged into Acme Ltd")).toBeInTheDocument();
    // The survivor's phone by default; its empty industry gives way to the other's.
    expect(screen.getByTestId("pick-phone-survivor")).toBeChecked();
    expect(screen.getByTestId("pick-industry-other")).toBeChecked();
    // Two different notes: both kept unless one is picked, and the page says so.
    expect(screen.getByTestId("pick-notes-survivor")).not.toBeChecked();
    expect(screen.getByTestId("pick-notes-other")).not.toBeChecked();
    expect(screen.getByText(/both notes are kept/)).toBeInTheDocument();
    expect(screen.getByText(/3 contacts, its deals/)).toBeInTheDocument();
    expect(screen.getByText("VIP, Partner")).toBeInTheDocument();
    // Empty on both sides: nothing to pick, so no row.
    expect(screen.queryByTestId("pick-website-survivor")).not.toBeInTheDocument();

    await userEvent.click(screen.getByTestId("pick-phone-other"));
    await userEvent.click(screen.getByTestId("merge"));
    await waitFor(() => expect(api.accounts.merge).toHaveBeenCalledWith("a1", "a2", { fields: { phone: "other" } }));
    await waitFor(() => expect(location.history?.at(-1)).toBe("/accounts/a1"));
    await userEvent.click(await screen.findByTestId("undo-merge"));
    await waitFor(() => expect(api.undo).toHaveBeenCalledWith("b1"));
  });
});
