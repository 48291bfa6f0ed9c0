import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";

import { api } from "../lib/api";
import { qk } from "../lib/queryKeys";

/** What SQLite's quick check (run in the background after start) found wrong with the file. */
export function HealthBanner() {
  const health = useQuery({
    queryKey: qk.appHealth,
    queryFn: api.appStatus,
    // The check takes a few seconds on a large file: look again for two minutes.
    refetchInterval: (q) => (q.state.data?.health_problem || q.state.dataUpdateCount >= 12 ? false : 10_000),
  });
  const problem = health.data?.health_problem;
  if (!problem) return null;
  return (
    <div className="banner warn health-banner" role="alert" data-testid="health-problem">
      {problem} <Link href="/data">Go to backups</Link>
    </div>
  );
}
