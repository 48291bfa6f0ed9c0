import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import type { AppStatus } from "./api";

const PREFIX = "rapport.draft.";

/**
 * Form state that survives navigating away by mistake: every change is kept as a draft in
 * local storage under `key` and restored when the form opens again, until `clear()` (after a
 * save or a deliberate cancel).
 */
export function useDraft<T>(key: string, initial: () => T) {
  // Drafts belong to one data file: another file's "new contact" draft must not show up.
  const file = useQueryClient().getQueryData<AppStatus>(["app-status"])?.db_path ?? "";
  const storageKey = `${PREFIX}${file}:${key}`;
  const [restored, setRestored] = useState(() => localStorage.getItem(storageKey) !== null);
  const [value, setValue] = useState<T>(() => {
    const saved = localStorage.getItem(storageKey);
    if (saved !== null) {
      try {
        return JSON.parse(saved) as T;
      } catch {
        localStorage.removeItem(storageKey);
      }
    }
    return initial();
  });
  const dirty = useRef(false);
  useEffect(() => {
    if (dirty.current) localStorage.setItem(storageKey, JSON.stringify(value));
  }, [storageKey, value]);
  const update = useCallback((next: T | ((prev: T) => T)) => {
    dirty.current = true;
    setValue(next);
  }, []);
  const clear = useCallback(() => {
    dirty.current = false;
    localStorage.removeItem(storageKey);
  }, [storageKey]);
  const discard = useCallback(() => {
    clear();
    setRestored(false);
    setValue(initial());
  }, [clear, initial]);
  return { value, setValue: update, restored, clear, discard };
}
