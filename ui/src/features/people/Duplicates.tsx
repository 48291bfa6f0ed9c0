import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";

import { ErrorBanner, PageHead } from "../../components/PageHead";
import { api } from "../../lib/api";
import { qk } from "../../lib/queryKeys";

/** Every group of records that look like the same person or company, and why. */
export function Duplicates() {
  const scan = useQuery({ queryKey: qk.duplicates, queryFn: api.duplicates, staleTime: 0 });
  const groups = scan.data ?? [];
  return (
    <>
      <PageHead
        title="Duplicates"
        sub={scan.data ? `${groups.length} group${groups.length === 1 ? "" : "s"} of likely duplicates` : "Scanning…"}
      >
        <button className="btn" onClick={() => void scan.refetch()} disabled={scan.isFetching}>
          {scan.isFetching ? "Scanning…" : "Scan again"}
        </button>
      </PageHead>
      <div className="page-body">
        <ErrorBanner error={scan.error} />
        {scan.data && groups.length === 0 && (
          <div className="empty">
            <h2>No likely duplicates</h2>
            <div>Nobody shares an e-mail address or phone number, and no company appears twice.</div>
          </div>
        )}
        <div className="cards">
          {groups.map((g) => {
            const [first, ...rest] = g.records;
            return (
              <section className="card" key={g.records.map((r) => r.id).join()} data-testid="duplicate-group">
                <h2>{g.entity === "contacts" ? "People" : "Companies"}</h2>
                <div className="reasons">
                  {g.reasons.map((r) => (
                    <span className="tag" key={r}>
                      {r}
                    </span>
                  ))}
                </div>
                <ul className="dup-records">
                  {g.records.map((r) => (
                    <li key={r.id}>
                      <Link href={`/${r.entity}/${r.id}`}>{r.title}</Link>
                      {r.subtitle && <div className="muted">{r.subtitle}</div>}
                    </li>
                  ))}
                </ul>
                {first && (
                  <div className="dup-actions">
                    {rest.map((other) => (
                      <Link
                        key={other.id}
                        className="btn"
                        href={`/${g.entity === "contacts" ? "merge" : "merge-accounts"}/${first.id}/${other.id}`}
                        data-testid="merge-link"
                      >
                        Merge {other.title} into {first.title}…
                      </Link>
                    ))}
                  </div>
                )}
              </section>
            );
          })}
        </div>
      </div>
    </>
  );
}
