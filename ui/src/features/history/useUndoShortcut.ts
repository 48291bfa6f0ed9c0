import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";

import { useNotify } from "../../components/Toasts";
import { api } from "../../lib/api";

/** True when focus is where Ctrl+Z belongs to the text itself. */
function inText(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/**
 * Ctrl+Z (Cmd+Z) anywhere in the window undoes the newest action of this session, except in
 * a text field, where it is the text's own undo. Says what was undone, or why it could not be.
 */
export function useUndoShortcut() {
  const client = useQueryClient();
  const notify = useNotify();
  const busy = useRef(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== "z") return;
      if (e.defaultPrevented || inText(e.target)) return;
      e.preventDefault();
      if (busy.current) return;
      busy.current = true;
      api.history
        .undoLast()
        .then(async (done) => {
          if (!done) {
            notify("Nothing to undo in this session");
            return;
          }
          // An action can touch any kind of record: refetch everything shown.
          await client.invalidateQueries();
          notify(`Undone: ${done.action.summary}`);
        })
        .catch((err: unknown) => notify(err instanceof Error ? err.message : String(err), "error"))
        .finally(() => {
          busy.current = false;
        });
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [client, notify]);
}
