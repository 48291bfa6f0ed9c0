import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { api, ApiError, type LeadSource } from "../../lib/api";
import { LeadSources } from "./LeadSources";
import { ToastProvider } from "../../components/Toasts";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: { leads: { sources: vi.fn(), addSource: vi.fn(), removeSource: vi.fn() } },
  };
});

const sources: LeadSource[] = [
  { id: "s1", name: "Web form", leads: 12 },
  { id: "s2", name: "Referral", leads: 0 },
];

function renderIt() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <LeadSources />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("lead sources", () => {
  beforeEach(() => {
    vi.mocked(api.leads.sources).mockReset().mockResolvedValue(sources);
    vi.mocked(api.leads.addSource).mockReset();
    vi.mocked(api.leads.removeSource).mockReset();
  });

  it("lists the sources with how many leads use each", async () => {
    renderIt();
    const rows = await screen.findAllByTestId("lead-source-row");
    expect(rows.map((r) => r.textContent)).toEqual([expect.stringContaining("12 leads"), expect.stringContaining("no leads")]);
  });

  it("adds a source under its trimmed name", async () => {
    vi.mocked(api.leads.addSource).mockResolvedValue([...sources, { id: "s3", name: "Podcast", leads: 0 }]);
    renderIt();
    await screen.findAllByTestId("lead-source-row");
    expect(screen.getByTestId("lead-source-add")).toBeDisabled();
    await userEvent.type(screen.getByTestId("lead-source-add-input"), "  Podcast  ");
    await userEvent.click(screen.getByTestId("lead-source-add"));
    await waitFor(() => expect(api.leads.addSource).toHaveBeenCalledWith("Podcast"));
    await waitFor(() => expect(screen.getAllByTestId("lead-source-row")).toHaveLength(3));
    expect(screen.getByTestId("lead-source-add-input")).toHaveValue("");
  });

  it("shows the backend's message when adding fails", async () => {
    vi.mocked(api.leads.addSource).mockRejectedValue(
      new ApiError({ code: "validation", message: "name is too long", fields: [{ field: "name", message: "name is too long" }] }),
    );
    renderIt();
    await screen.findAllByTestId("lead-source-row");
    await userEvent.type(screen.getByTestId("lead-source-add-input"), "x");
    await userEvent.click(screen.getByTestId("lead-source-add"));
    expect(await screen.findByRole("alert")).toHaveTextContent("name is too long");
  });

  it("asks before removing, and says the leads keep the source", async () => {
    vi.mocked(api.leads.removeSource).mockResolvedValue([sources[1] as LeadSource]);
    renderIt();
    const [web] = await screen.findAllByTestId("lead-source-row");
    await userEvent.click(within(web as HTMLElement).getByTestId("lead-source-remove"));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog).toHaveTextContent("The 12 leads that name it keep it as their source.");
    expect(api.leads.removeSource).not.toHaveBeenCalled();

    await userEvent.click(within(dialog).getByText("Cancel"));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(api.leads.removeSource).not.toHaveBeenCalled();

    await userEvent.click(within(screen.getAllByTestId("lead-source-row")[0] as HTMLElement).getByTestId("lead-source-remove"));
    await userEvent.click(screen.getByTestId("confirm"));
    await waitFor(() => expect(api.leads.removeSource).toHaveBeenCalledWith("Web form"));
    await waitFor(() => expect(screen.getAllByTestId("lead-source-row")).toHaveLength(1));
  });
});
