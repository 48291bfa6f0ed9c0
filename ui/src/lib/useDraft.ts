import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";

import type { AppStatus } from "./api";
import { qk } from "./queryKeys";

const PREFIX = "rapport.draft.";

/**
 * Form state that survives navigating away by mistake: every change is kept as a draft in
 * local storage under `key` and restored when the form opens again, until `clear()` (after a
 * save or a deliberate cancel).
 */
export function useDraft<T>(key: string, initial: () => T, version = "") {
  // Drafts belong to one data file: another file's "new contact" draft must not show up.
  const file = useQueryClient().getQueryData<AppStatus>(qk.appStatus)?.db_path ?? "";
  const storageKey = `${PREFIX}${file}:${key}`;
  // A draft is kept with the version (last change) of the record it edits; once the record
  // has changed elsewhere (a merge, the CLI), restoring it would overwrite that: drop it.
  const [saved] = useState<T | null>(() => {
    const text = localStorage.getItem(storageKey);
    if (text === null) return null;
    try {
      const draft = JSON.parse(text) as { version: string; value: T };
      if (draft.version === version) return draft.value;
    } catch {
      /* unreadable: dropped below */
    }
    localStorage.removeItem(storageKey);
    return null;
  });
  const [restored, setRestored] = useState(saved !== null);
  const [value, setValue] = useState<T>(() => saved ?? initial());
  const dirty = useRef(false);
  useEffect(() => {
    if (dirty.current) localStorage.setItem(storageKey, JSON.stringify({ version, value }));
  }, [storageKey, value, version]);
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
