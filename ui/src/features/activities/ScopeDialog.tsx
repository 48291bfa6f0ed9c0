import { useEffect, useRef } from "react";

import type { Scope } from "../../lib/api";

type Props = {
  /** "save", "delete" or "move": words the question uses. */
  action: "save" | "delete" | "move";
  onChoose: (scope: Scope) => void;
  onCancel: () => void;
};

const TITLES = {
  save: "Change a recurring activity",
  delete: "Delete a recurring activity",
  move: "Move a recurring activity",
};

/** For an occurrence of a series: change only this one, or this and all future ones? */
export function ScopeDialog({ action, onChoose, onCancel }: Props) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    first.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        onCancel();
      }
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, [onCancel]);
  const verb = action === "delete" ? "Delete" : action === "move" ? "Move" : "Change";
  return (
    <div className="dialog-backdrop scope-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="scope-title" data-testid="scope-dialog">
        <h2 id="scope-title">{TITLES[action]}</h2>
        <p>This is one occurrence of a repeating series.</p>
        <div className="scope-choices">
          <button
            ref={first}
            className={`btn${action === "delete" ? " danger" : ""}`}
            onClick={() => onChoose("this")}
            data-testid="scope-this"
          >
            {verb} only this occurrence
          </button>
          <button
            className={`btn${action === "delete" ? " danger" : ""}`}
            onClick={() => onChoose("future")}
            data-testid="scope-future"
          >
            {verb} this and all future ones
          </button>
        </div>
        <div className="actions">
          <button className="btn ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
