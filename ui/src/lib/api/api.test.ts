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
