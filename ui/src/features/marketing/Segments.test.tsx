import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type Segment, type SegmentEntity, type SegmentField } from "../../lib/api";
import { formatNumber } from "../../lib/format";
import { SegmentPage } from "./Segments";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      marketing: {
        segments: {
          list: vi.fn(),
          get: vi.fn(),
          create: vi.fn(),
          update: vi.fn(),
          remove: vi.fn(),
          fields: vi.fn(),
          preview: vi.fn(),
          members: vi.fn(),
          exportCsv: vi.fn(),
          freeze: vi.fn(),
          toCampaign: vi.fn(),
          removeMembers: vi.fn(),
        },
        campaigns: { list: vi.fn(async () => []) },
      },
    },
  };
});

const FIELDS: Record<SegmentEntity, SegmentField[]> = {
  contacts: [
    { key: "city", label: "City", kind: "text", choices: [] },
    { key: "created_at", label: "Created", kind: "date", choices: [] },
    { key: "tag", label: "Tag", kind: "tag", choices: [{ value: "vip", label: "vip" }, { value: "newsletter", label: "newsletter" }] },
    { key: "do_not_email", label: "Do not e-mail", kind: "boolean", choices: [] },
    { key: "custom:f1", label: "Employees", kind: "number", choices: [] },
  ],
  leads: [
    {
      key: "status",
      label: "Lead status",
      kind: "choice",
      choices: [
        { value: "new", label: "New" },
        { value: "qualified", label: "Qualified" },
      ],
    },
    { key: "source", label: "Source", kind: "text", choices: [] },
  ],
  accounts: [{ key: "name", label: "Name", kind: "text", choices: [] }],
};

const segment = (over: Partial<Segment> = {}): Segment => ({
  id: "s9",
  name: "Berlin VIPs",
  entity: "contacts",
  kind: "dynamic",
  filter: { match: "all", conditions: [] },
  description: null,
  created_at: "2026-11-20T09:00:00Z",
  updated_at: "2026-11-20T09:00:00Z",
  ...over,
});

function renderIt(id?: string) {
  const location = memoryLocation({ path: id ? `/marketing/segments/${id}` : "/marketing/segments/new", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <SegmentPage id={id} />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

const optionTexts = (el: HTMLElement) => within(el).getAllByRole("option").map((o) => o.textContent);
const s = api.marketing.segments;

describe("the segment builder", () => {
  beforeEach(() => {
    vi.mocked(s.fields).mockReset().mockImplementation(async (entity) => FIELDS[entity]);
    vi.mocked(s.preview)
      .mockReset()
      .mockResolvedValue({
        total: 1234,
        members: [
          { id: "c1", name: "Ada Lovelace", email: "ada@example.com", company: "Analytical Engines", phone: "+44 20 1234" },
          { id: "c2", name: "Grace Hopper", email: null, company: null, phone: null },
        ],
      });
    vi.mocked(s.create).mockReset();
    vi.mocked(s.update).mockReset();
    vi.mocked(s.get).mockReset();
  });

  it("reloads the fields when what it holds changes, and starts the conditions afresh", async () => {
    renderIt();
    await waitFor(() => expect(screen.getByTestId("segment-add-condition")).toBeEnabled());
    expect(s.fields).toHaveBeenCalledWith("contacts");
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    expect(optionTexts(screen.getByTestId("condition-field-0"))).toEqual(["City", "Created", "Tag", "Do not e-mail", "Employees"]);

    await userEvent.selectOptions(screen.getByTestId("segment-entity"), "leads");
    expect(s.fields).toHaveBeenCalledWith("leads");
    expect(screen.queryByTestId("condition-field-0")).not.toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("segment-add-condition")).toBeEnabled());
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    expect(optionTexts(screen.getByTestId("condition-field-0"))).toEqual(["Lead status", "Source"]);
    // A choice field offers its values in a list.
    const value = screen.getByTestId("condition-value-0");
    expect(value.tagName).toBe("SELECT");
    expect(optionTexts(value)).toEqual(["Choose…", "New", "Qualified"]);
    await waitFor(() => expect(s.preview).toHaveBeenLastCalledWith("leads", { match: "all", conditions: [] }, 50));
  });

  it("offers the tests of the field's kind, and the value input that fits", async () => {
    renderIt();
    await waitFor(() => expect(screen.getByTestId("segment-add-condition")).toBeEnabled());
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    const op = () => screen.getByTestId("condition-op-0");
    expect(optionTexts(op())).toEqual(["is", "is not", "contains", "is filled in", "is empty"]);
    expect(screen.getByTestId("condition-value-0")).toHaveAttribute("type", "text");

    await userEvent.selectOptions(screen.getByTestId("condition-field-0"), "created_at");
    expect(optionTexts(op())).toEqual(["is before", "is after", "is on", "is filled in", "is empty"]);
    expect(screen.getByTestId("condition-value-0")).toHaveAttribute("placeholder", "2026-01-31 or 90d");
    await userEvent.type(screen.getByTestId("condition-value-0"), "90d");
    expect(screen.getByTestId("condition-value-0")).toHaveValue("90d");
    await userEvent.selectOptions(op(), "is_set");
    expect(screen.queryByTestId("condition-value-0")).not.toBeInTheDocument();

    await userEvent.selectOptions(screen.getByTestId("condition-field-0"), "custom:f1");
    expect(optionTexts(op())).toEqual(["is at least", "is at most", "is exactly"]);
    expect(screen.getByTestId("condition-value-0")).toHaveAttribute("type", "number");

    await userEvent.selectOptions(screen.getByTestId("condition-field-0"), "do_not_email");
    expect(optionTexts(op())).toEqual(["is yes", "is no"]);
    expect(screen.queryByTestId("condition-value-0")).not.toBeInTheDocument();

    await userEvent.selectOptions(screen.getByTestId("condition-field-0"), "tag");
    expect(optionTexts(op())).toEqual(["has the tag", "does not have the tag"]);
    expect(optionTexts(screen.getByTestId("condition-value-0"))).toEqual(["Choose…", "vip", "newsletter"]);

    await userEvent.click(screen.getByTestId("condition-remove-0"));
    expect(screen.queryByTestId("condition-field-0")).not.toBeInTheDocument();
  });

  it("shows the live count and the first members, leaving out conditions without a value", async () => {
    renderIt();
    await waitFor(() => expect(screen.getByTestId("segment-count")).toHaveTextContent(`${formatNumber(1234)} contacts match`));
    const rows = screen.getAllByTestId("segment-preview-row");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent("Ada Lovelace");
    expect(rows[0]).toHaveTextContent("ada@example.com");
    expect(rows[0]).toHaveTextContent("Analytical Engines");

    await waitFor(() => expect(screen.getByTestId("segment-add-condition")).toBeEnabled());
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    await userEvent.selectOptions(screen.getByTestId("condition-op-0"), "contains");
    // Still empty: nothing new to count.
    await act(() => new Promise((r) => setTimeout(r, 300)));
    expect(s.preview).toHaveBeenLastCalledWith("contacts", { match: "all", conditions: [] }, 50);

    vi.mocked(s.preview).mockResolvedValue({ total: 1, members: [] });
    await userEvent.type(screen.getByTestId("condition-value-0"), "Berlin");
    await waitFor(() =>
      expect(s.preview).toHaveBeenLastCalledWith("contacts", { match: "all", conditions: [{ field: "city", op: "contains", value: "Berlin" }] }, 50),
    );
    await waitFor(() => expect(screen.getByTestId("segment-count")).toHaveTextContent("1 contact matches"));
    // Typing is debounced: one count for the whole word, not one per letter.
    const withValue = vi.mocked(s.preview).mock.calls.filter(([, f]) => f.conditions.length > 0);
    expect(withValue.length).toBeLessThanOrEqual(2);
  });

  it("shows the backend's complaint under the builder and the condition", async () => {
    vi.mocked(s.preview).mockImplementation(async (_e, f) => {
      if (f.conditions.length === 0) return { total: 3, members: [] };
      throw new ApiError({
        code: "validation",
        message: "conditions.0.value: is not a date (2026-01-31) or a number of days (90d)",
        fields: [{ field: "conditions.0.value", message: "is not a date (2026-01-31) or a number of days (90d)" }],
      });
    });
    renderIt();
    await waitFor(() => expect(screen.getByTestId("segment-add-condition")).toBeEnabled());
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    await userEvent.selectOptions(screen.getByTestId("condition-field-1"), "created_at");
    await userEvent.type(screen.getByTestId("condition-value-1"), "last week");
    // Condition 1 has no value, so the backend's condition 0 is the builder's condition 2.
    expect(await screen.findByTestId("segment-error")).toHaveTextContent("Condition 2: is not a date (2026-01-31) or a number of days (90d)");
    expect(screen.getByTestId("condition-error-1")).toHaveTextContent("Is not a date");
  });

  it("saves the SegmentInput and opens the saved segment", async () => {
    vi.mocked(s.create).mockResolvedValue(segment());
    const location = renderIt();
    await waitFor(() => expect(screen.getByTestId("segment-add-condition")).toBeEnabled());
    await userEvent.type(screen.getByTestId("segment-name"), "  Berlin VIPs ");
    await userEvent.selectOptions(screen.getByTestId("segment-match"), "any");
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    await userEvent.selectOptions(screen.getByTestId("condition-op-0"), "contains");
    await userEvent.type(screen.getByTestId("condition-value-0"), "Berlin");
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    await userEvent.selectOptions(screen.getByTestId("condition-field-1"), "tag");
    await userEvent.selectOptions(screen.getByTestId("condition-value-1"), "vip");
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    await userEvent.selectOptions(screen.getByTestId("condition-field-2"), "do_not_email");
    await userEvent.selectOptions(screen.getByTestId("condition-op-2"), "no");
    // An incomplete one is left out.
    await userEvent.click(screen.getByTestId("segment-add-condition"));
    await userEvent.click(screen.getByTestId("segment-save"));
    await waitFor(() =>
      expect(s.create).toHaveBeenCalledWith({
        name: "Berlin VIPs",
        entity: "contacts",
        kind: "dynamic",
        filter: {
          match: "any",
          conditions: [
            { field: "city", op: "contains", value: "Berlin" },
            { field: "tag", op: "is", value: "vip" },
            { field: "do_not_email", op: "no", value: "" },
          ],
        },
        description: null,
      }),
    );
    await waitFor(() => expect(location.history?.at(-1)).toBe("/marketing/segments/s9"));
  });

  it("loads a saved segment and updates it, keeping what it holds", async () => {
    vi.mocked(s.get).mockResolvedValue(segment({ filter: { match: "all", conditions: [{ field: "city", op: "is", value: "Berlin" }] } }));
    vi.mocked(s.update).mockImplementation(async (_id, input) => segment({ ...input }));
    renderIt("s9");
    expect(await screen.findByTestId("segment-name")).toHaveValue("Berlin VIPs");
    expect(screen.getByTestId("segment-entity")).toBeDisabled();
    expect(screen.getByTestId("condition-value-0")).toHaveValue("Berlin");
    await userEvent.clear(screen.getByTestId("condition-value-0"));
    await userEvent.type(screen.getByTestId("condition-value-0"), "Paris");
    await userEvent.click(screen.getByTestId("segment-save"));
    await waitFor(() =>
      expect(s.update).toHaveBeenCalledWith("s9", {
        name: "Berlin VIPs",
        entity: "contacts",
        kind: "dynamic",
        filter: { match: "all", conditions: [{ field: "city", op: "is", value: "Paris" }] },
        description: null,
      }),
    );
  });
});
