import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type ImportReport, type Inspection } from "../../lib/api";
import { reopenWindow } from "../../lib/reopen";
import { Data, formatMegabytes, localDay } from "./Data";

vi.mock("../../lib/reopen", () => ({ reopenWindow: vi.fn() }));

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      appStatus: vi.fn(),
      db: { open: vi.fn(), create: vi.fn(), restore: vi.fn() },
      openFile: vi.fn(),
      saveFile: vi.fn(),
      undo: vi.fn(),
      imports: { inspect: vi.fn(), preview: vi.fn(), file: vi.fn(), progress: vi.fn(), cancel: vi.fn() },
      exports: { csv: vi.fn(), archive: vi.fn(), vcard: vi.fn() },
      backups: { list: vi.fn(), now: vi.fn(), to: vi.fn() },
    },
  };
});

const inspection: Inspection = {
  file_name: "people.csv",
  encoding: "UTF-8",
  delimiter: ";",
  headers: ["Name", "Mail", "Notes"],
  mapping: ["full_name", null, "notes"],
  targets: [
    { key: "full_name", label: "Full name" },
    { key: "email", label: "E-mail" },
    { key: "notes", label: "Notes" },
  ],
  rows: 4,
  sample: [
    { line: 2, cells: ["Ada Lovelace", "ada@example.com", "first"], problem: null },
    { line: 3, cells: ["Bob Builder", "not-an-email", ""], problem: null },
    { line: 4, cells: ["Carla Cruz", "carla@example.com", "third"], problem: null },
  ],
  filled: [4, 3, 2],
};

const report: ImportReport = {
  rows_read: 4,
  created: 3,
  updated: 0,
  skipped: 0,
  rejected: [{ line: 3, reason: "e-mail: not-an-email is not an e-mail address" }],
  batch_id: "batch-42",
  encoding: "UTF-8",
  delimiter: ";",
  mapping: ["full_name", "email", "notes"],
  cancelled: false,
  unimported: [{ column: "Website 1 - Value", cells: 300, message: "Website 1 - Value: 300 non-empty cells not imported" }],
};

function renderIt() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Data />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

async function chooseFile() {
  await userEvent.click(screen.getByTestId("data-import-choose"));
  await screen.findByTestId("data-import-mapping");
}

const mapSelect = (i: number) => document.querySelector(`[data-testid="data-import-map"][data-column="${i}"]`) as HTMLSelectElement;

describe("data screen", () => {
  beforeEach(() => {
    vi.mocked(api.appStatus).mockReset().mockResolvedValue({ db_path: "/home/u/rapport/rapport.db", version: "0.1.0", open_error: null, newest_backup: null, health_problem: null });
    vi.mocked(api.openFile).mockReset().mockResolvedValue("/home/u/people.csv");
    vi.mocked(api.saveFile).mockReset();
    vi.mocked(api.undo).mockReset();
    vi.mocked(api.imports.inspect).mockReset().mockResolvedValue(inspection);
    vi.mocked(api.imports.preview).mockReset().mockResolvedValue([
      { line: 2, outcome: "create", values: [["Full name", "Ada Lovelace"]], reason: null },
      { line: 3, outcome: "reject", values: [["Full name", "Bob Builder"]], reason: "e-mail: not-an-email is not an e-mail address" },
    ]);
    vi.mocked(api.imports.file).mockReset().mockResolvedValue(report);
    vi.mocked(api.exports.csv).mockReset();
    vi.mocked(api.exports.archive).mockReset();
    vi.mocked(api.exports.vcard).mockReset();
    vi.mocked(api.backups.list).mockReset().mockResolvedValue([]);
    vi.mocked(api.backups.now).mockReset();
    vi.mocked(api.backups.to).mockReset();
    vi.mocked(api.db.open).mockReset();
    vi.mocked(api.db.create).mockReset();
    vi.mocked(api.db.restore).mockReset();
    vi.mocked(api.imports.progress).mockReset().mockResolvedValue({ done: 0, total: 0 });
    vi.mocked(api.imports.cancel).mockReset().mockResolvedValue(null);
    vi.mocked(reopenWindow).mockReset();
  });

  it("shows the open data file and opens another one, reloading the window", async () => {
    vi.mocked(api.openFile).mockResolvedValueOnce("/home/u/other.db");
    vi.mocked(api.db.open).mockResolvedValue({ db_path: "/home/u/other.db", version: "0.1.0", open_error: null, newest_backup: null, health_problem: null });
    renderIt();
    await waitFor(() => expect(screen.getByTestId("data-file-path")).toHaveTextContent("/home/u/rapport/rapport.db"));
    await userEvent.click(screen.getByTestId("data-file-open"));
    await waitFor(() => expect(api.db.open).toHaveBeenCalledWith("/home/u/other.db"));
    expect(api.openFile).toHaveBeenCalledWith(expect.any(String), ["db", "sqlite", "rapport"]);
    await waitFor(() => expect(reopenWindow).toHaveBeenCalledTimes(1));
  });

  it("says plainly why another file was refused, and keeps the window as it is", async () => {
    vi.mocked(api.openFile).mockResolvedValueOnce("/home/u/people.db");
    vi.mocked(api.db.open).mockRejectedValue(
      new ApiError({ code: "not_a_database", message: "/home/u/people.db is not a Rapport data file", fields: [] }),
    );
    renderIt();
    await userEvent.click(await screen.findByTestId("data-file-open"));
    const section = screen.getByTestId("data-file");
    expect(await within(section).findByRole("alert")).toHaveTextContent("/home/u/people.db is not a Rapport data file");
    expect(reopenWindow).not.toHaveBeenCalled();
    expect(screen.getByTestId("data-file-path")).toHaveTextContent("/home/u/rapport/rapport.db");
  });

  it("creates a new data file, and backs up to a picked file", async () => {
    vi.mocked(api.saveFile).mockResolvedValueOnce("/home/u/copy.db").mockResolvedValueOnce("/home/u/new.db");
    vi.mocked(api.backups.to).mockResolvedValue({ path: "/home/u/copy.db", bytes: 2 * 1024 * 1024, millis: 5 });
    vi.mocked(api.db.create).mockResolvedValue({ db_path: "/home/u/new.db", version: "0.1.0", open_error: null, newest_backup: null, health_problem: null });
    renderIt();
    await userEvent.click(screen.getByTestId("data-file-backup"));
    await waitFor(() => expect(api.backups.to).toHaveBeenCalledWith("/home/u/copy.db"));
    expect(api.saveFile).toHaveBeenLastCalledWith(`rapport-backup-${localDay()}.db`, expect.any(String), ["db"]);
    expect(await screen.findByText(/Backed up to \/home\/u\/copy.db \(2.00 MB\)/)).toBeInTheDocument();
    expect(reopenWindow).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId("data-file-new"));
    await waitFor(() => expect(api.db.create).toHaveBeenCalledWith("/home/u/new.db"));
    expect(api.saveFile).toHaveBeenLastCalledWith("rapport-new.db", expect.any(String), ["db"]);
    await waitFor(() => expect(reopenWindow).toHaveBeenCalledTimes(1));
  });

  it("restores a backup only after asking, then reloads the window", async () => {
    const backup = { path: "/home/u/rapport/backups/rapport-20261123T101500Z.db", taken_at: "2026-11-23T10:15:00Z", bytes: 1024, kind: "automatic" };
    vi.mocked(api.backups.list).mockResolvedValue([backup]);
    vi.mocked(api.db.restore).mockResolvedValue({ restored_from: backup.path, safety_backup: "/home/u/rapport/backups/before.db" });
    renderIt();
    await userEvent.click(await screen.findByTestId("backup-restore"));
    const dialog = await screen.findByRole("alertdialog");
    expect(dialog).toHaveTextContent("Replace the data in rapport.db with the backup from");
    expect(dialog).toHaveTextContent("Your current data is kept as a backup first.");
    expect(api.db.restore).not.toHaveBeenCalled();

    // Cancel leaves everything alone.
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(api.db.restore).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId("backup-restore"));
    await userEvent.click(within(await screen.findByRole("alertdialog")).getByTestId("confirm"));
    await waitFor(() => expect(api.db.restore).toHaveBeenCalledWith(backup.path));
    await waitFor(() => expect(reopenWindow).toHaveBeenCalledTimes(1));
  });

  it("shows why a restore was refused while another program has the file open, and stays on the current file", async () => {
    const backup = { path: "/home/u/rapport/backups/rapport-20261123T101500Z.db", taken_at: "2026-11-23T10:15:00Z", bytes: 1024, kind: "automatic" };
    vi.mocked(api.backups.list).mockResolvedValue([backup]);
    const refusal = "A rapport command (pid 77) has /home/u/rapport/rapport.db open. Wait for it to finish, then restore.";
    vi.mocked(api.db.restore).mockRejectedValue(new ApiError({ code: "file_in_use", message: refusal, fields: [] }));
    renderIt();
    await userEvent.click(await screen.findByTestId("backup-restore"));
    await userEvent.click(within(await screen.findByRole("alertdialog")).getByTestId("confirm"));
    const section = screen.getByTestId("data-backups");
    expect(await within(section).findByRole("alert")).toHaveTextContent(refusal);
    expect(reopenWindow).not.toHaveBeenCalled();
  });

  it("offers deals as an import kind", async () => {
    renderIt();
    await userEvent.selectOptions(screen.getByTestId("data-import-entity"), "opportunities");
    await chooseFile();
    expect(api.imports.inspect).toHaveBeenCalledWith("/home/u/people.csv", "opportunities");
  });

  it("shows the progress of a running import and stops it on Cancel", async () => {
    let finish: (r: ImportReport) => void = () => {};
    vi.mocked(api.imports.file).mockReturnValue(new Promise<ImportReport>((ok) => (finish = ok)));
    vi.mocked(api.imports.progress).mockResolvedValue({ done: 1200, total: 4800 });
    renderIt();
    await chooseFile();
    await userEvent.click(screen.getByTestId("data-import-run"));
    const bar = await screen.findByTestId("import-progress");
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "25"));
    expect(screen.getByTestId("import-progress-text")).toHaveTextContent("1,200 of 4,800 rows (25%)");
    expect(api.imports.progress).toHaveBeenCalled();

    await userEvent.click(screen.getByTestId("import-cancel"));
    await waitFor(() => expect(api.imports.cancel).toHaveBeenCalledTimes(1));
    finish({ ...report, created: 0, rejected: [], batch_id: null, cancelled: true });
    expect(await screen.findByTestId("data-import-stopped")).toHaveTextContent("Stopped: nothing was imported.");
    expect(screen.queryByTestId("import-progress")).not.toBeInTheDocument();
    expect(screen.queryByTestId("data-import-report")).not.toBeInTheDocument();
    // The mapping stays for another go.
    expect(screen.getByTestId("data-import-mapping")).toBeInTheDocument();
  });

  it("shows one mapping row per column, prefilled from the inspection, with two sample values", async () => {
    renderIt();
    await chooseFile();
    expect(api.openFile).toHaveBeenCalledWith(expect.any(String), ["csv", "tsv", "txt", "json", "vcf"]);
    expect(api.imports.inspect).toHaveBeenCalledWith("/home/u/people.csv", "contacts");
    const rows = within(screen.getByTestId("data-import-mapping")).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toHaveTextContent("Ada Lovelace · Bob Builder");
    expect(rows[0]).not.toHaveTextContent("Carla");
    expect(mapSelect(0)).toHaveValue("full_name");
    expect(mapSelect(1)).toHaveValue("");
    expect(within(mapSelect(1)).getByRole("option", { name: "— don't import" })).toBeInTheDocument();
    expect(screen.getByTestId("data-import-run")).toHaveTextContent("Import 4 rows");
    // The column left out is named with how many of its cells hold a value; mapping it, or
    // leaving out another, updates the warning.
    expect(screen.getByTestId("data-import-unimported")).toHaveTextContent("Mail: 3 non-empty cells not imported");
    await userEvent.selectOptions(mapSelect(1), "email");
    await userEvent.selectOptions(mapSelect(2), "");
    expect(screen.getByTestId("data-import-unimported")).toHaveTextContent("Notes: 2 non-empty cells not imported");
    expect(screen.getByTestId("data-import-unimported")).not.toHaveTextContent("Mail");
  });

  it("sends the edited mapping and duplicate policy to the preview and the import", async () => {
    renderIt();
    await chooseFile();
    await userEvent.selectOptions(mapSelect(1), "email");
    await userEvent.selectOptions(mapSelect(2), "");
    await userEvent.click(screen.getByTestId("data-import-dedup-update"));
    await userEvent.click(screen.getByTestId("data-import-preview"));
    const expected = { entity: "contacts", mapping: ["full_name", "email", null], dedup: "update", source: null };
    await waitFor(() => expect(api.imports.preview).toHaveBeenCalledWith("/home/u/people.csv", expected));
    const table = await screen.findByTestId("data-import-preview-table");
    const reject = within(table).getAllByTestId("data-preview-row")[1];
    expect(reject).toHaveClass("outcome-reject");
    expect(reject).toHaveTextContent("Rejected");
    expect(reject).toHaveTextContent("not-an-email is not an e-mail address");

    await userEvent.click(screen.getByTestId("data-import-run"));
    await waitFor(() => expect(api.imports.file).toHaveBeenCalledWith("/home/u/people.csv", expected));
  });

  it("asks leads for a source", async () => {
    renderIt();
    await userEvent.selectOptions(screen.getByTestId("data-import-entity"), "leads");
    await chooseFile();
    expect(api.imports.inspect).toHaveBeenCalledWith("/home/u/people.csv", "leads");
    const source = screen.getByTestId("data-import-source");
    expect(source).toHaveAttribute("placeholder", "Web form");
    await userEvent.type(source, "Trade fair");
    await userEvent.click(screen.getByTestId("data-import-run"));
    await waitFor(() =>
      expect(api.imports.file).toHaveBeenCalledWith("/home/u/people.csv", expect.objectContaining({ entity: "leads", source: "Trade fair" })),
    );
  });

  it("reports the counts and rejected rows, and undoes the import by its batch id", async () => {
    vi.mocked(api.undo).mockResolvedValue("undone");
    renderIt();
    await chooseFile();
    await userEvent.click(screen.getByTestId("data-import-run"));
    const shown = await screen.findByTestId("data-import-report");
    expect(within(shown).getByTestId("data-count-created")).toHaveTextContent("3created");
    expect(within(shown).getByTestId("data-count-rejected")).toHaveTextContent("1rejected");
    expect(within(shown).getByTestId("data-import-rejected")).toHaveTextContent("Line 3: e-mail: not-an-email is not an e-mail address");
    expect(within(shown).getByTestId("data-report-unimported")).toHaveTextContent("Website 1 - Value: 300 non-empty cells not imported");
    await userEvent.click(screen.getByTestId("data-import-undo"));
    await waitFor(() => expect(api.undo).toHaveBeenCalledWith("batch-42"));
    expect(await screen.findByText("Import undone", { selector: ".badge" })).toBeInTheDocument();
    expect(screen.queryByTestId("data-import-undo")).not.toBeInTheDocument();
  });

  it("shows the backend's message when the file cannot be read or imported", async () => {
    vi.mocked(api.imports.inspect).mockRejectedValueOnce(new ApiError({ code: "validation", message: "this is not a text file", fields: [] }));
    renderIt();
    await userEvent.click(screen.getByTestId("data-import-choose"));
    expect(await screen.findByRole("alert")).toHaveTextContent("This is not a text file");
    vi.mocked(api.imports.file).mockRejectedValueOnce(new ApiError({ code: "validation", message: "map a column to the name", fields: [] }));
    await chooseFile();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("data-import-run"));
    expect(await screen.findByRole("alert")).toHaveTextContent("Map a column to the name");
  });

  it("exports CSV, the archive and vCards to the chosen path", async () => {
    vi.mocked(api.saveFile).mockResolvedValueOnce("/tmp/c.csv").mockResolvedValueOnce("/tmp/all.json").mockResolvedValueOnce("/tmp/c.vcf").mockResolvedValueOnce(null);
    vi.mocked(api.exports.csv).mockResolvedValue({ path: "/tmp/c.csv", rows: 1234 });
    vi.mocked(api.exports.archive).mockResolvedValue({ path: "/tmp/all.json", tables: [["contacts", 3 as unknown as bigint], ["accounts", 2 as unknown as bigint]] });
    vi.mocked(api.exports.vcard).mockResolvedValue({ path: "/tmp/c.vcf", cards: 3 });
    renderIt();
    const day = localDay();

    await userEvent.click(screen.getByTestId("export-csv-opportunities"));
    await waitFor(() => expect(api.exports.csv).toHaveBeenCalledWith("opportunities", "/tmp/c.csv"));
    expect(api.saveFile).toHaveBeenLastCalledWith(`rapport-opportunities-${day}.csv`, "CSV", ["csv"]);
    expect(await screen.findByText(/Wrote 1,234 rows to \/tmp\/c.csv/)).toBeInTheDocument();

    await userEvent.click(screen.getByTestId("export-archive"));
    await waitFor(() => expect(api.exports.archive).toHaveBeenCalledWith("/tmp/all.json"));
    expect(await screen.findByText("Wrote 5 rows from 2 tables to /tmp/all.json")).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByTestId("export-vcard-version"), "3.0");
    await userEvent.click(screen.getByTestId("export-vcard"));
    await waitFor(() => expect(api.exports.vcard).toHaveBeenCalledWith("/tmp/c.vcf", "3.0"));
    expect(api.saveFile).toHaveBeenLastCalledWith(`rapport-contacts-${day}.vcf`, "vCard", ["vcf"]);

    // Cancelled: nothing is written.
    await userEvent.click(screen.getByTestId("export-csv-contacts"));
    await waitFor(() => expect(api.saveFile).toHaveBeenCalledTimes(4));
    expect(api.exports.csv).toHaveBeenCalledTimes(1);
  });

  it("lists backups and takes one now", async () => {
    vi.mocked(api.backups.list)
      .mockResolvedValueOnce([])
      .mockResolvedValue([{ path: "/home/u/rapport/backups/rapport-20261123T101500Z.db", taken_at: "2026-11-23T10:15:00Z", bytes: 3 * 1024 * 1024, kind: "automatic" }]);
    vi.mocked(api.backups.now).mockResolvedValue({ path: "/home/u/rapport/backups/rapport-20261123T101500Z.db", bytes: 3145728, millis: 12 });
    renderIt();
    expect(await screen.findByTestId("backups-empty")).toBeInTheDocument();
    expect(await screen.findByTestId("backups-folder")).toHaveTextContent("/home/u/rapport/backups");
    await userEvent.click(screen.getByTestId("backup-now"));
    const row = await screen.findByTestId("backup-row");
    expect(row).toHaveTextContent("3.00 MB");
    expect(row).toHaveTextContent("Automatic");
    expect(within(row).getByTestId("backup-copy")).toHaveAttribute(
      "title",
      "rapport --db /home/u/rapport/rapport.db restore /home/u/rapport/backups/rapport-20261123T101500Z.db",
    );
  });

  it("formats sizes in megabytes", () => {
    expect(formatMegabytes(1536 * 1024)).toMatch(/^1.50 MB$/);
    expect(formatMegabytes(25 * 1024 * 1024)).toMatch(/^25.0 MB$/);
  });
});
