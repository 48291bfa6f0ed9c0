import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";

import { api, type AppStatus } from "../lib/api";
import { HealthBanner } from "./HealthBanner";

vi.mock("../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../lib/api")>();
  return { ...real, api: { appStatus: vi.fn() } };
});

const healthy: AppStatus = {
  db_path: "/home/u/rapport/rapport.db",
  version: "0.1.0",
  open_error: null,
  newest_backup: null,
  health_problem: null,
};

function renderIt() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <HealthBanner />
    </QueryClientProvider>,
  );
}

describe("health banner", () => {
  it("says nothing while the file is healthy", async () => {
    vi.mocked(api.appStatus).mockResolvedValue(healthy);
    renderIt();
    await vi.waitFor(() => expect(api.appStatus).toHaveBeenCalled());
    expect(screen.queryByTestId("health-problem")).toBeNull();
  });

  it("names the damage the quick check found and points to the backups", async () => {
    vi.mocked(api.appStatus).mockResolvedValue({
      ...healthy,
      health_problem: "SQLite's check of /home/u/rapport/rapport.db found problems: page 12 is never used. Restore a backup.",
    });
    renderIt();
    const banner = await screen.findByTestId("health-problem");
    expect(banner.textContent).toContain("page 12 is never used");
    expect(screen.getByRole("link", { name: "Go to backups" }).getAttribute("href")).toBe("/data");
  });
});
