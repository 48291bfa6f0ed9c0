import { render, screen } from "@testing-library/react";

import type { AppStatus } from "../../lib/api";
import { UpdatingFile, statusInterval } from "./UpdatingFile";

const updating: AppStatus = {
  db_path: "/home/u/rapport/rapport.db",
  version: "0.1.0",
  open_error: {
    code: "updating",
    message: "Rapport is updating the data file /home/u/rapport/rapport.db to this version (2 steps); on a big file this takes a minute.",
    fields: [],
  },
  newest_backup: null,
  health_problem: null,
};

describe("a data file being updated", () => {
  it("says what is happening and that the window opens by itself", () => {
    render(<UpdatingFile status={updating} />);
    const screenEl = screen.getByTestId("updating-file");
    expect(screenEl).toHaveTextContent("Updating your data file");
    expect(screenEl).toHaveTextContent("(2 steps)");
    expect(screenEl).toHaveTextContent("opens by itself");
    expect(screen.getByRole("status")).toBe(screenEl);
  });

  it("is asked about every second until it is done, and not otherwise", () => {
    expect(statusInterval(updating)).toBe(1000);
    expect(statusInterval({ ...updating, open_error: null })).toBe(false);
    expect(statusInterval({ ...updating, open_error: { code: "corrupt_database", message: "damaged", fields: [] } })).toBe(false);
    expect(statusInterval(undefined)).toBe(false);
  });
});
