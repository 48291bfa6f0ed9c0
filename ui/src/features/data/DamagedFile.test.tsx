import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { api, ApiError, type AppStatus } from "../../lib/api";
import { reopenWindow } from "../../lib/reopen";
import { DamagedFile } from "./DamagedFile";

vi.mock("../../lib/reopen", () => ({ reopenWindow: vi.fn() }));
vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: { openFile: vi.fn(), db: { open: vi.fn(), create: vi.fn(), restore: vi.fn() } },
  };
});

const damaged: AppStatus = {
  db_path: "/home/u/rapport/rapport.db",
  version: "0.1.0",
  open_error: { code: "corrupt_database", message: "the data file is damaged (database disk image is malformed)", fields: [] },
  newest_backup: { path: "/home/u/rapport/backups/rapport-20261123T101500Z.db", taken_at: "2026-11-23T10:15:00Z", bytes: 4096, kind: "automatic" },
  health_problem: null,
};

function renderIt(status: AppStatus = damaged) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <DamagedFile status={status} />
    </QueryClientProvider>,
  );
}

describe("damaged data file screen", () => {
  beforeEach(() => {
    vi.mocked(api.openFile).mockReset();
    vi.mocked(api.db.open).mockReset();
    vi.mocked(api.db.restore).mockReset();
    vi.mocked(reopenWindow).mockReset();
  });

  it("restores the newest backup after asking, then reloads", async () => {
    vi.mocked(api.db.restore).mockResolvedValue({ restored_from: damaged.newest_backup!.path, safety_backup: null });
    renderIt();
    expect(screen.getByTestId("open-error")).toHaveTextContent("the data file is damaged");
    // The command line way is still shown.
    expect(screen.getByTestId("newest-backup")).toHaveTextContent(
      "rapport --db /home/u/rapport/rapport.db restore /home/u/rapport/backups/rapport-20261123T101500Z.db",
    );
    await userEvent.click(screen.getByTestId("restore-newest"));
    const dialog = await screen.findByRole("alertdialog");
    expect(dialog).toHaveTextContent("Replace the data in rapport.db with the backup from");
    expect(api.db.restore).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByTestId("confirm"));
    await waitFor(() => expect(api.db.restore).toHaveBeenCalledWith("/home/u/rapport/backups/rapport-20261123T101500Z.db"));
    await waitFor(() => expect(reopenWindow).toHaveBeenCalledTimes(1));
  });

  it("shows why a restore failed and stays", async () => {
    vi.mocked(api.db.restore).mockRejectedValue(new ApiError({ code: "corrupt_database", message: "the backup is damaged too", fields: [] }));
    renderIt();
    await userEvent.click(screen.getByTestId("restore-newest"));
    await userEvent.click(within(await screen.findByRole("alertdialog")).getByTestId("confirm"));
    expect(await screen.findByRole("alert")).toHaveTextContent("The backup is damaged too");
    expect(reopenWindow).not.toHaveBeenCalled();
  });

  it("opens another file instead", async () => {
    vi.mocked(api.openFile).mockResolvedValue("/home/u/other.db");
    vi.mocked(api.db.open).mockResolvedValue({ ...damaged, db_path: "/home/u/other.db", open_error: null, newest_backup: null });
    renderIt({ ...damaged, newest_backup: null });
    expect(screen.queryByTestId("restore-newest")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("open-other"));
    await waitFor(() => expect(api.db.open).toHaveBeenCalledWith("/home/u/other.db"));
    await waitFor(() => expect(reopenWindow).toHaveBeenCalledTimes(1));
  });
});
