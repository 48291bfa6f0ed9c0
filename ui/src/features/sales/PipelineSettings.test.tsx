import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type Pipeline, type Stage } from "../../lib/api";
import { PipelineSettings } from "./PipelineSettings";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      pipelines: {
        list: vi.fn(),
        lostReasons: vi.fn(async () => [{ id: "r1", name: "Price too high" }]),
        removeStage: vi.fn(),
        reorderStages: vi.fn(),
        updateStage: vi.fn(),
        addStage: vi.fn(),
        addLostReason: vi.fn(),
        create: vi.fn(),
      },
    },
  };
});

const stage = (id: string, name: string, kind: Stage["kind"], deal_count = 0): Stage => ({
  id,
  pipeline_id: "p1",
  name,
  position: 0,
  kind,
  probability: kind === "won" ? 100 : kind === "lost" ? 0 : 20,
  rotting_days: null,
  checklist: [],
  deal_count,
});
const pipeline: Pipeline = {
  id: "p1",
  name: "Sales",
  stages: [stage("s1", "Lead", "open"), stage("s2", "Qualified", "open", 3), stage("s3", "Proposal", "open"), stage("s4", "Won", "won"), stage("s5", "Lost", "lost")],
};

function renderIt() {
  const location = memoryLocation({ path: "/settings/pipelines" });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <PipelineSettings />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("pipeline settings", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.mocked(api.pipelines.list).mockResolvedValue([pipeline]);
    vi.mocked(api.pipelines.removeStage).mockClear();
    vi.mocked(api.pipelines.reorderStages).mockClear();
  });

  it("asks where the deals go when the stage still holds some, then removes it", async () => {
    vi.mocked(api.pipelines.removeStage)
      .mockRejectedValueOnce(new ApiError({ code: "conflict", message: "Qualified still holds 3 deals", fields: [] }))
      .mockResolvedValueOnce(pipeline);
    renderIt();
    const row = (await screen.findAllByTestId("stage-row")).find((r) => r.getAttribute("data-stage") === "Qualified") as HTMLElement;
    await userEvent.click(within(row).getByTestId("stage-remove"));
    const dialog = await screen.findByTestId("remove-stage-dialog");
    expect(dialog).toHaveTextContent("3 deals are still in this stage");
    const target = within(dialog).getByTestId("remove-stage-target");
    // Only open stages, not the one being removed.
    expect(within(target).getAllByRole("option").map((o) => o.textContent)).toEqual(["Lead", "Proposal"]);
    await userEvent.selectOptions(target, "s3");
    await userEvent.click(within(dialog).getByTestId("remove-stage-confirm"));
    await waitFor(() => expect(api.pipelines.removeStage).toHaveBeenLastCalledWith("s2", "s3"));
    expect(api.pipelines.removeStage).toHaveBeenCalledWith("s2");
    await waitFor(() => expect(screen.queryByTestId("remove-stage-dialog")).not.toBeInTheDocument());
  });

  it("keeps Won and Lost, and reorders open stages with the arrows", async () => {
    vi.mocked(api.pipelines.reorderStages).mockResolvedValueOnce(pipeline);
    renderIt();
    const rows = await screen.findAllByTestId("stage-row");
    const wonRow = rows.find((r) => r.getAttribute("data-stage") === "Won") as HTMLElement;
    expect(within(wonRow).queryByTestId("stage-remove")).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Move Proposal up" }));
    await waitFor(() => expect(api.pipelines.reorderStages).toHaveBeenCalledWith("p1", ["s1", "s3", "s2", "s4", "s5"]));
  });
});
