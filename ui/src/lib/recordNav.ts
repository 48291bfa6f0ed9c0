import { useEffect } from "react";
import { useLocation } from "wouter";

const KEY = "rapport.nav.";

/** Remembers the order of a list's loaded rows, so a record page can step to its neighbours. */
export function rememberOrder(entity: string, ids: string[]) {
  sessionStorage.setItem(KEY + entity, JSON.stringify(ids));
}

/** The previous and next records of the list this record was opened from. */
export function neighbours(entity: string, id: string): { prev: string | null; next: string | null } {
  try {
    const ids = JSON.parse(sessionStorage.getItem(KEY + entity) ?? "[]") as string[];
    const i = ids.indexOf(id);
    if (i < 0) return { prev: null, next: null };
    return { prev: ids[i - 1] ?? null, next: ids[i + 1] ?? null };
  } catch {
    return { prev: null, next: null };
  }
}

/** J and K (outside text fields) step to the next and previous record. */
export function useRecordNav(entity: string, id: string) {
  const [, navigate] = useLocation();
  const { prev, next } = neighbours(entity, id);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || target?.closest("input, textarea, select, [contenteditable]")) return;
      if (e.key === "j" && next) navigate(`/${entity}/${next}`);
      if (e.key === "k" && prev) navigate(`/${entity}/${prev}`);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [entity, prev, next, navigate]);
  return { prev, next };
}
