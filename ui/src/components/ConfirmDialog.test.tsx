import { fireEvent, render, screen } from "@testing-library/react";

import { ApiError } from "../lib/api";
import { ConfirmDialog } from "./ConfirmDialog";

function renderIt(error?: unknown) {
  const onConfirm = vi.fn();
  const onCancel = vi.fn();
  render(
    <ConfirmDialog title="Delete Ann Lee?" confirmLabel="Delete contact" error={error} onConfirm={onConfirm} onCancel={onCancel}>
      The change log keeps a record of what was deleted.
    </ConfirmDialog>,
  );
  return { onConfirm, onCancel };
}

describe("confirm dialog", () => {
  it("asks, and deletes on confirm", () => {
    const { onConfirm } = renderIt();
    expect(screen.queryByTestId("confirm-error")).toBeNull();
    fireEvent.click(screen.getByTestId("confirm"));
    expect(onConfirm).toHaveBeenCalled();
  });

  it("shows a refusal in the dialog itself and offers only Close (branching on the code)", () => {
    const reason =
      "Ann Lee has 2 issued invoices or credit notes (INV-2026-0001, INV-2026-0002); invoices are kept for your books, so the contact cannot be deleted.";
    const { onCancel } = renderIt(new ApiError({ code: "conflict", message: reason, fields: [] }));
    expect(screen.getByTestId("confirm-error").textContent).toBe(reason);
    expect(screen.queryByTestId("confirm")).toBeNull();
    fireEvent.click(screen.getByRole("button", { name: "Close" }));
    expect(onCancel).toHaveBeenCalled();
  });

  it("keeps the question open after another failure, so it can be tried again", () => {
    renderIt(new ApiError({ code: "busy", message: "The database is busy.", fields: [] }));
    expect(screen.getByTestId("confirm-error").textContent).toBe("The database is busy.");
    expect(screen.getByTestId("confirm")).toBeTruthy();
  });
});
