import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

/** A button on a toast, e.g. Undo; clicking it runs `run` and closes the toast. */
export type ToastAction = { label: string; run: () => void };
type Toast = { id: number; text: string; kind: "info" | "error"; action?: ToastAction | undefined };
type Notify = (text: string, kind?: Toast["kind"], action?: ToastAction) => void;

const ToastContext = createContext<Notify>(() => {});

/** Short-lived messages in the corner: "Contact saved", or an error nobody else showed. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const close = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const notify = useCallback<Notify>(
    (text, kind = "info", action) => {
      const id = Date.now() + Math.random();
      setToasts((t) => [...t, { id, text, kind, action }]);
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
            {t.action && (
              <button
                className="toast-action"
                data-testid="toast-action"
                onClick={() => {
                  close(t.id);
                  t.action?.run();
                }}
              >
                {t.action.label}
              </button>
            )}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useNotify(): Notify {
  return useContext(ToastContext);
}
