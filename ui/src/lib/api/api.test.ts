import { ApiError, toApiError } from ".";

describe("toApiError", () => {
  it("keeps the backend's code, message and field errors", () => {
    const err = toApiError({
      code: "validation",
      message: "first_name: is required",
      fields: [{ field: "first_name", message: "is required" }],
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("validation");
    expect(err.message).toBe("first_name: is required");
    expect(err.field("first_name")).toBe("is required");
    expect(err.field("last_name")).toBeUndefined();
  });

  it("wraps anything else as an internal error with its text", () => {
    const err = toApiError("command contacts_frob not found");
    expect(err.code).toBe("internal");
    expect(err.message).toBe("command contacts_frob not found");
    expect(toApiError(new Error("boom")).message).toBe("boom");
  });
});

vi.mock("@tauri-apps/plugin-dialog", () => ({ open: vi.fn(async () => "/picked/by/dialog.csv"), save: vi.fn(async () => "/saved/by/dialog.csv") }));

describe("the e2e seam for file dialogs", () => {
  afterEach(() => {
    delete window.__rapportE2eFiles;
  });

  it("takes queued paths in order before showing any dialog", async () => {
    const { api } = await import(".");
    window.__rapportE2eFiles = ["/tmp/in.csv", "/tmp/out.csv"];
    expect(await api.openFile("CSV", ["csv"])).toBe("/tmp/in.csv");
    expect(await api.saveFile("x.csv", "CSV", ["csv"])).toBe("/tmp/out.csv");
    expect(window.__rapportE2eFiles).toEqual([]);
    expect(await api.openFile("CSV", ["csv"])).toBe("/picked/by/dialog.csv");
    expect(await api.saveFile("x.csv", "CSV", ["csv"])).toBe("/saved/by/dialog.csv");
  });
});
