import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "wouter";

import { api } from "../lib/api";
import { formatDateTime, formatRelative } from "../lib/format";

const ORIGINS: Record<string, string> = { cli: "from the command line", import: "by an import", app: "" };

/** Everything that happened to and around a record, newest first (the 360-degree view). */
export function Timeline({ entity, id }: { entity: string; id: string }) {
  const timeline = useInfiniteQuery({
    queryKey: [entity, id, "timeline"],
    queryFn: ({ pageParam }) => api.timeline(entity, id, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.length === 50 ? (last.at(-1)?.at ?? null) : null),
    staleTime: 0,
  });
  const items = timeline.data?.pages.flat() ?? [];
  return (
    <section className="card wide" data-testid="timeline">
      <h2>Timeline</h2>
      {timeline.isPending && <span className="muted">Loading…</span>}
      {timeline.data && items.length === 0 && <span className="muted">Nothing yet.</span>}
      <ol className="timeline">
        {items.map((item, i) => (
          <li key={`${item.at}-${item.batch_id ?? item.link_id ?? i}`} className={`tl-${item.kind}`}>
            <div className="tl-when" title={formatDateTime(item.at)}>
              {formatRelative(item.at)}
            </div>
            <div className="tl-what">
              <div className="tl-title">
                {item.link_entity && item.link_id ? (
                  <Link href={`/${item.link_entity}/${item.link_id}`}>{item.title}</Link>
                ) : (
                  item.title
                )}
                {item.origin && ORIGINS[item.origin] ? <span className="muted"> {ORIGINS[item.origin]}</span> : null}
              </div>
              {item.details.length > 0 && (
                <ul className="tl-details">
                  {item.details.map((d, j) => (
                    <li key={j}>{d}</li>
                  ))}
                </ul>
              )}
            </div>
          </li>
        ))}
      </ol>
      {timeline.hasNextPage && (
        <button className="btn ghost add-row" onClick={() => void timeline.fetchNextPage()}>
          Show older
        </button>
      )}
    </section>
  );
}
