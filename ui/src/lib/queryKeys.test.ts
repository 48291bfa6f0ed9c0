import { partialMatchKey, type QueryKey } from "@tanstack/react-query";

import { isTimeline, qk, rootOf } from "./queryKeys";

/** Every key `qk` builds, by its path ("contacts.detail"), with placeholder arguments. */
function allKeys(node: unknown, path: string[] = []): [string, QueryKey][] {
  if (Array.isArray(node)) return [[path.join("."), node]];
  if (typeof node === "function") {
    const args = Array.from({ length: node.length }, (_, i) => `arg${i}`);
    return allKeys((node as (...a: string[]) => unknown)(...args), path);
  }
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => allKeys(v, [...path, k]));
  return [];
}

/** The group of a key's path that has an `all` root ("marketing.segments" for "marketing.segments.count"). */
function rootsAbove(path: string): QueryKey[] {
  const parts = path.split(".");
  const roots: QueryKey[] = [];
  let node: unknown = qk;
  for (const part of parts.slice(0, -1)) {
    node = (node as Record<string, unknown>)[part];
    const all = (node as { all?: QueryKey } | undefined)?.all;
    if (Array.isArray(all)) roots.push(all);
  }
  return roots;
}

describe("query keys", () => {
  const keys = allKeys(qk).filter(([path]) => !path.startsWith("records."));

  it("puts every key under the roots of its groups, so invalidating a root refetches it", () => {
    let checked = 0;
    for (const [path, key] of keys) {
      for (const root of rootsAbove(path)) {
        expect(partialMatchKey(key, root), `${path} under ${JSON.stringify(root)}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("keeps the shapes that prefix invalidation and the predicates rely on", () => {
    expect(qk.contacts.detail("c1")).toEqual(["contacts", "c1"]);
    expect(qk.records("opportunities").list({ a: 1 })).toEqual(["opportunities", "list", { a: 1 }]);
    expect(qk.records("contacts").timeline("c1", "all")).toEqual(["contacts", "c1", "timeline", "all"]);
    expect(qk.accounts.picker).toEqual(["accounts", "list", "picker"]);
    expect(qk.deals.board({ tag: null })).toEqual(["deals", "board", { tag: null }]);
    expect(qk.calendar.range("a", "b", null)).toEqual(["calendar", "a", "b", null]);
    expect(qk.calendar.month("a", "b", "m1")).toEqual(["calendar", "month", "a", "b", "m1"]);
    expect(qk.numbering).toEqual(["numbering"]);
    expect(qk.marketing.sequences.list).toEqual(["marketing", "sequences", "list"]);
    expect(qk.picker("contact", "ad", null)).toEqual(["contact", "pick", "ad", null]);
  });

  it("marks every timeline, whatever its record", () => {
    for (const entity of ["contacts", "accounts", "leads", "opportunities", "tickets"]) {
      const key = qk.records(entity).timeline("x", null);
      expect(isTimeline(key)).toBe(true);
      expect(rootOf(key)).toBe(entity);
    }
    expect(keys.filter(([, key]) => isTimeline(key)).map(([path]) => path)).toEqual([
      "contacts.timeline",
      "accounts.timeline",
      "leads.timeline",
      "opportunities.timeline",
      "tickets.timeline",
    ]);
  });

  it("names one key for one path", () => {
    const seen = new Map<string, string>();
    for (const [path, key] of keys) {
      const hash = JSON.stringify(key);
      expect(seen.get(hash), `${path} repeats ${seen.get(hash)}`).toBeUndefined();
      seen.set(hash, path);
    }
  });
});
