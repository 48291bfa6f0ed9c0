import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { ErrorBanner } from "./PageHead";
import { useNotify } from "./Toasts";
import { api, toApiError } from "../lib/api";
import { qk } from "../lib/queryKeys";

/** A banner for a "Mine" view while nobody is set as me: `notice` says what is shown instead,
 * and (with `askWho`) a team member can be chosen as me. "Me" is one setting for the whole app
 * (the tickets' and the calendar's "Mine"), so both refresh. */
export function WhoAmI({ notice, askWho = true, testId, selectTestId }: { notice: string; askWho?: boolean; testId: string; selectTestId: string }) {
  const client = useQueryClient();
  const notify = useNotify();
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  const setMe = useMutation({
    mutationFn: (id: string) => api.tickets.setMe(id),
    onSuccess: async (id) => {
      await client.invalidateQueries({ queryKey: qk.calendar.all });
      await client.invalidateQueries({ queryKey: qk.tickets.all });
      notify(`“Mine” now means ${team.data?.find((m) => m.id === id)?.name ?? "you"}`);
    },
  });
  return (
    <div className="banner warn me-hint" data-testid={testId}>
      <span>{notice}</span>
      {askWho && (team.data?.length ?? 0) > 0 && (
        <select
          className="input"
          aria-label="I am"
          data-testid={selectTestId}
          value=""
          disabled={setMe.isPending}
          onChange={(e) => e.target.value && setMe.mutate(e.target.value)}
        >
          <option value="">Choose a team member…</option>
          {team.data?.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      )}
      {askWho && team.data?.length === 0 && <span className="muted">Add yourself to the team in Settings first.</span>}
      <ErrorBanner error={setMe.error ? toApiError(setMe.error) : null} />
    </div>
  );
}
