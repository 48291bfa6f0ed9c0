import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";

import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, type Action } from "../../lib/api";
import { formatDateTime, formatRelative } from "../../lib/format";
import { qk } from "../../lib/queryKeys";
import "../../styles/history.css";

const PAGE = 50;

/** The recent actions in plain words, each with Undo while it can still be undone. */
export function History() {
  const client = useQueryClient();
  const notify = useNotify();
  const list = useInfiniteQuery({
    queryKey: qk.history,
    queryFn: ({ pageParam }) => api.history.list(pageParam, PAGE),
    initialPageParam: null as string | null,
    getNextPageParam: (last: Action[]) => (last.length < PAGE ? undefined : last[last.length - 1]?.batch_id),
  });
  const undo = useMutation({
    mutationFn: (action: Action) => api.undo(action.batch_id),
    onSuccess: async (_batch, action) => {
      // An action can touch any kind of record: refetch everything shown.
      await client.invalidateQueries();
      notify(`Undone: ${action.summary}`);
    },
  });
  const actions = list.data?.pages.flat() ?? [];

  return (
    <>
      <PageHead title="History" sub="What was done in this file, newest first. Ctrl+Z undoes your newest action." />
      <div className="page-body" data-testid="history">
      <ErrorBanner error={list.error ?? undo.error} />
      {list.isSuccess && actions.length === 0 && <p className="muted">Nothing has been done in this file yet.</p>}
      <ul className="history-list">
        {actions.map((a) => (
          <li key={a.batch_id} className="history-item" data-testid="history-item" data-batch={a.batch_id}>
            <div className="history-what">
              <span data-testid="history-summary">{a.summary}</span>
              <span className="muted">
                {" · "}
                <time dateTime={a.at} title={formatDateTime(a.at)}>
                  {formatRelative(a.at)}
                </time>
                {" · "}
                {formatDateTime(a.at)}
                {a.origin !== "app" && ` · ${a.origin}`}
              </span>
            </div>
            <div className="history-undo">
              {a.undone_by ? (
                <span className="pill" data-testid="history-undone">
                  Undone
                </span>
              ) : a.can_undo ? (
                <button
                  className="btn"
                  data-testid="history-undo"
                  disabled={undo.isPending}
                  onClick={() => undo.mutate(a)}
                >
                  Undo
                </button>
              ) : (
                a.why_not && (
                  <span className="muted" data-testid="history-why-not">
                    {a.why_not}
                  </span>
                )
              )}
            </div>
          </li>
        ))}
      </ul>
      {list.hasNextPage && (
        <button
          className="btn history-more"
          data-testid="history-more"
          disabled={list.isFetchingNextPage}
          onClick={() => void list.fetchNextPage()}
        >
          Load more
        </button>
      )}
      </div>
    </>
  );
}
