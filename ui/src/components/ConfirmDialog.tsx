import { useEffect, useRef, type ReactNode } from "react";

import { ApiError } from "../lib/api";

type Props = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  /** Why the answer failed, shown in the dialog itself. A refusal (code `conflict`: the
   * record cannot go, such as a contact with issued invoices) leaves only "Close". */
  error?: unknown;
  onConfirm: () => void;
  onCancel: () => void;
};

/** A modal question with a destructive answer. Esc or the backdrop cancels. */
export function ConfirmDialog({ title, children, confirmLabel, busy, error, onConfirm, onCancel }: Props) {
  const refused = error instanceof ApiError && error.code === "conflict";
  const message = error ? (error instanceof Error ? error.message : String(error)) : null;
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") onCancel();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onCancel]);
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
        <h2 id="confirm-title">{title}</h2>
        {!refused && <p>{children}</p>}
        {message && (
          <p className="banner" role="alert" data-testid="confirm-error">
            {message}
          </p>
        )}
        <div className="actions">
          <button ref={cancelRef} className="btn" onClick={onCancel} disabled={busy}>
            {refused ? "Close" : "Cancel"}
          </button>
          {!refused && (
            <button
              className="btn danger solid"
              onClick={onConfirm}
              disabled={busy}
              data-testid="confirm"
            >
              {confirmLabel}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
