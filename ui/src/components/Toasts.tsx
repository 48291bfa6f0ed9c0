import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

/** A button on a toast, e.g. Undo; clicking it runs `run` and closes the toast. */
export type ToastAction = { label: string; run: () => void; testId?: string };
type Toast = { id: number; text: string; kind: "info" | "error"; actions: ToastAction[] };
/** `action`: one button (Undo), or several (Open lead, Undo). */
type Notify = (text: string, kind?: Toast["kind"], action?: ToastAction | ToastAction[]) => void;

const ToastContext = createContext<Notify>(() => {});

/** Short-lived messages in the corner: "Contact saved", or an error nobody else showed. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const close = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const notify = useCallback<Notify>(
    (text, kind = "info", action) => {
      const id = Date.now() + Math.random();
      const actions = action === undefined ? [] : Array.isArray(action) ? action : [action];
      setToasts((t) => [...t, { id, text, kind, actions }]);
      // Toasts with an action (Undo) stay long enough to reach for it.
      window.setTimeout(() => close(id), kind === "error" || action ? 8000 : 3500);
    },
    [close],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast ${t.kind}`} data-testid="toast">
            <span>{t.text}</span>
            {t.actions.map((a) => (
              <button
                key={a.label}
                className="toast-action"
                data-testid={a.testId ?? "toast-action"}
                onClick={() => {
                  close(t.id);
                  a.run();
                }}
              >
                {a.label}
              </button>
            ))}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useNotify(): Notify {
  return useContext(ToastContext);
}
