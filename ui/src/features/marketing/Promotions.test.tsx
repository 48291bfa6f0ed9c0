import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type Promotion, type PromotionPreview } from "../../lib/api";
import { NewPromotion, PromotionDetail } from "./Promotions";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      marketing: {
        templates: {
          list: vi.fn(async () => [
            { id: "t1", name: "Spring offer", subject: "Our spring offer", body: "Hello", created_at: "", updated_at: "" },
          ]),
        },
        segments: {
          list: vi.fn(async () => [
            {
              id: "s1",
              name: "Newsletter",
              entity: "contacts",
              kind: "dynamic",
              filter: { match: "all", conditions: [] },
              description: null,
              created_at: "",
              updated_at: "",
            },
          ]),
        },
        campaigns: { list: vi.fn(async () => []) },
        promotions: { preview: vi.fn(), queue: vi.fn(), get: vi.fn(), cancel: vi.fn(), list: vi.fn() },
        outbox: { list: vi.fn(async () => []) },
      },
    },
  };
});

const p = api.marketing.promotions;

const preview: PromotionPreview = {
  total: 44,
  will_send: 41,
  skipped: 3,
  recipients: [
    { entity: "contacts", id: "c1", name: "Ada Lovelace", email: "ada@example.com", skip_reason: null },
    { entity: "contacts", id: "c2", name: "Bob Unsub", email: "bob@example.com", skip_reason: "unsubscribed" },
    { entity: "contacts", id: "c3", name: "Carl Nomail", email: null, skip_reason: "has no e-mail address" },
  ],
  sample: {
    to_name: "Ada Lovelace",
    to_address: "ada@example.com",
    subject: "Ada, our spring offer",
    text: "Hello Ada,\n\n20% off until May.",
    html: "<p>Hello Ada,</p>",
    skip_reason: null,
  },
};

const promotion = (over: Partial<Promotion> = {}): Promotion => ({
  id: "p1",
  name: "Spring 2026",
  template_id: "t1",
  template_name: "Spring offer",
  segment_id: "s1",
  segment_name: "Newsletter",
  campaign_id: null,
  status: "queued",
  progress: { queued: 32, sending: 0, sent: 9, failed: 1, skipped: 2, cancelled: 0, unsure: 0 },
  created_at: "2026-11-23T09:00:00Z",
  ...over,
});

function renderIt(ui: React.ReactNode, path: string) {
  const location = memoryLocation({ path, record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>{ui}</Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

async function fillIn() {
  await userEvent.type(screen.getByTestId("promotion-name"), "Spring 2026");
  await screen.findByRole("option", { name: "Spring offer" });
  await userEvent.selectOptions(screen.getByTestId("promotion-template"), "t1");
  await screen.findByRole("option", { name: "Newsletter" });
  await userEvent.selectOptions(screen.getByTestId("promotion-segment"), "s1");
}

const input = { name: "Spring 2026", template: "t1", segment: "s1", campaign: null };

describe("a new promotion", () => {
  beforeEach(() => {
    vi.mocked(p.preview).mockReset().mockResolvedValue(preview);
    vi.mocked(p.queue).mockReset().mockResolvedValue(promotion());
  });

  it("previews who gets it, who is skipped and why, and a sample message", async () => {
    renderIt(<NewPromotion />, "/marketing/promotions/new");
    expect(screen.getByTestId("promotion-campaign")).toHaveValue("");
    expect(within(screen.getByTestId("promotion-campaign")).getByRole("option")).toHaveTextContent("No campaign");
    await fillIn();
    await userEvent.click(screen.getByTestId("promotion-preview-btn"));
    expect(p.preview).toHaveBeenCalledWith(input);
    expect(await screen.findByTestId("promotion-will-send")).toHaveTextContent("41 will get it");
    expect(screen.getByTestId("promotion-skipped")).toHaveTextContent("3 skipped");
    const rows = screen.getAllByTestId("promotion-recipient");
    expect(rows).toHaveLength(3);
    expect(rows[0]).not.toHaveClass("is-skipped");
    expect(rows[1]).toHaveClass("is-skipped");
    expect(within(rows[1] as HTMLElement).getByTestId("promotion-skip-reason")).toHaveTextContent("unsubscribed");
    expect(within(rows[2] as HTMLElement).getByTestId("promotion-skip-reason")).toHaveTextContent("has no e-mail address");
    const sample = screen.getByTestId("promotion-sample");
    expect(sample).toHaveTextContent("Ada, our spring offer");
    expect(sample).toHaveTextContent("20% off until May.");
    expect(p.queue).not.toHaveBeenCalled();
  });

  it("asks before queueing, then queues and opens the promotion", async () => {
    const location = renderIt(<NewPromotion />, "/marketing/promotions/new");
    await fillIn();
    await userEvent.click(screen.getByTestId("promotion-preview-btn"));
    await screen.findByTestId("promotion-preview");
    await userEvent.click(screen.getByTestId("promotion-queue"));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog).toHaveTextContent("Spring offer goes to 41 people in Newsletter (3 skipped)");
    expect(p.queue).not.toHaveBeenCalled();
    // Cancel first: nothing is queued.
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(p.queue).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId("promotion-queue"));
    await userEvent.click(screen.getByTestId("confirm"));
    await waitFor(() => expect(p.queue).toHaveBeenCalledWith(input));
    await waitFor(() => expect(location.history?.at(-1)).toBe("/marketing/promotions/p1"));
  });

  it("a changed choice hides the preview made for the old one", async () => {
    renderIt(<NewPromotion />, "/marketing/promotions/new");
    await fillIn();
    await userEvent.click(screen.getByTestId("promotion-preview-btn"));
    await screen.findByTestId("promotion-preview");
    // The name is not part of who gets it.
    await userEvent.type(screen.getByTestId("promotion-name"), " (2)");
    expect(screen.getByTestId("promotion-preview")).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByTestId("promotion-template"), "");
    expect(screen.queryByTestId("promotion-preview")).not.toBeInTheDocument();
  });

  it("asks for a name before queueing", async () => {
    renderIt(<NewPromotion />, "/marketing/promotions/new");
    await fillIn();
    await userEvent.clear(screen.getByTestId("promotion-name"));
    await userEvent.click(screen.getByTestId("promotion-queue"));
    expect(await screen.findByText("Give the promotion a name to queue it.")).toBeInTheDocument();
    expect(p.preview).not.toHaveBeenCalled();
    expect(p.queue).not.toHaveBeenCalled();
  });
});

describe("a queued promotion", () => {
  beforeEach(() => {
    vi.mocked(p.get).mockReset().mockResolvedValue(promotion());
    vi.mocked(p.cancel).mockReset().mockResolvedValue(32);
  });

  it("shows its progress as a progress bar and its counts", async () => {
    renderIt(<PromotionDetail id="p1" />, "/marketing/promotions/p1");
    const bar = await screen.findByTestId("promotion-progress");
    expect(bar).toHaveAttribute("role", "progressbar");
    expect(bar).toHaveAttribute("aria-valuenow", "12");
    expect(bar).toHaveAttribute("aria-valuemax", "44");
    expect(bar).toHaveTextContent("12 of 44 done");
    expect(screen.getByTestId("promotion-count-queued")).toHaveTextContent("32");
    expect(screen.getByTestId("promotion-count-sent")).toHaveTextContent("9");
    expect(screen.getByTestId("promotion-count-failed")).toHaveTextContent("1");
    expect(api.marketing.outbox.list).toHaveBeenCalledWith({ promotion_id: "p1" });
  });

  it("cancels the rest after asking", async () => {
    renderIt(<PromotionDetail id="p1" />, "/marketing/promotions/p1");
    await userEvent.click(await screen.findByTestId("promotion-cancel"));
    expect(p.cancel).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("confirm"));
    await waitFor(() => expect(p.cancel).toHaveBeenCalledWith("p1"));
    expect(await screen.findByText("Cancelled 32 messages not sent yet")).toBeInTheDocument();
  });
});
