import { useEffect, useRef } from "react";

/**
 * For a menu or a list of suggestions: while `open`, a mouse press outside the element the
 * returned ref is put on calls `setOpen(false)`.
 */
export function useClickAway<T extends HTMLElement = HTMLDivElement>(open: boolean, setOpen: (open: boolean) => void) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    window.addEventListener("mousedown", close);
    return () => window.removeEventListener("mousedown", close);
  }, [open, setOpen]);
  return ref;
}
