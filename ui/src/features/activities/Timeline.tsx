import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";

import {
  CHANNELS,
  CHANNEL_LABELS,
  DIRECTION_LABELS,
  KIND_LABELS,
  OUTCOME_LABELS,
  formatWhen,
} from "./activities";
import { api, toApiError, type Activity, type ActivityChannel, type TimelineFilter, type TimelineItem } from "../../lib/api";
import { formatDateTime, formatRelative } from "../../lib/format";
import { useActivityDialog } from "./ActivityDialog";
import { KindIcon } from "../../components/Icon";
import { useCompleteActivity } from "./useCompleteActivity";
import { MailView } from "./MailView";
import { qk } from "../../lib/queryKeys";

const ORIGINS: Record<string, string> = { cli: "from the command line", import: "by an import", app: "" };

/** The filter chips: each stands for one or more timeline types. */
export const TIMELINE_CHIPS: { name: string; label: string; types: string[] }[] = [
  { name: "call", label: "Calls", types: ["call"] },
  { name: "meeting", label: "Meetings", types: ["meeting"] },
  { name: "task", label: "Tasks", types: ["task"] },
  { name: "note", label: "Notes", types: ["note"] },
  { name: "email", label: "E-mails", types: ["email"] },
  { name: "sms", label: "SMS", types: ["sms"] },
  { name: "letter", label: "Letters", types: ["letter"] },
  { name: "other", label: "Other", types: ["fax", "web_visit", "event"] },
  { name: "changes", label: "Changes", types: ["changes"] },
];

/** The TimelineFilter for the chosen chips and channel (empty lists: everything). */
export function timelineFilter(chips: string[], channel: ActivityChannel | ""): TimelineFilter {
  return {
    types: TIMELINE_CHIPS.filter((c) => chips.includes(c.name)).flatMap((c) => c.types),
    channels: channel ? [channel] : [],
  };
}

/** Open activities dated later than now, soonest first: the "Upcoming" group. */
export function splitUpcoming(items: TimelineItem[], now: Date = new Date()) {
  const isUpcoming = (i: TimelineItem) =>
    i.activity !== null && !i.activity.done_at && i.activity.starts_at !== null && new Date(i.activity.starts_at) > now;
  const upcoming = items.filter(isUpcoming).sort((a, b) => a.at.localeCompare(b.at));
  return { upcoming, past: items.filter((i) => !isUpcoming(i)) };
}

/** Everything that happened to and around a record, newest first (the 360-degree view). */
export function Timeline({ entity, id }: { entity: string; id: string }) {
  const [chips, setChips] = useState<string[]>([]);
  const [channel, setChannel] = useState<ActivityChannel | "">("");
  const filter = timelineFilter(chips, channel);
  const timeline = useInfiniteQuery({
    queryKey: qk.records(entity).timeline(id, filter),
    queryFn: ({ pageParam }) => api.timeline(entity, id, pageParam, filter),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.length === 50 ? (last.at(-1)?.at ?? null) : null),
    staleTime: 0,
  });
  const items = timeline.data?.pages.flat() ?? [];
  const { upcoming, past } = splitUpcoming(items);
  const toggle = (name: string) =>
    setChips((c) => (c.includes(name) ? c.filter((x) => x !== name) : [...c, name]));
  const filtered = chips.length > 0 || channel !== "";

  return (
    <section className="card wide" data-testid="timeline">
      <div className="tl-head">
        <h2>Timeline</h2>
        <span className="spacer" />
        <div className="chip-row" role="group" aria-label="Show">
          <button
            className={`fchip${chips.length === 0 ? " on" : ""}`}
            aria-pressed={chips.length === 0}
            data-testid="timeline-filter-all"
            onClick={() => setChips([])}
          >
            All
          </button>
          {TIMELINE_CHIPS.map((c) => (
            <button
              key={c.name}
              className={`fchip${chips.includes(c.name) ? " on" : ""}`}
              aria-pressed={chips.includes(c.name)}
              data-testid={`timeline-filter-${c.name}`}
              onClick={() => toggle(c.name)}
            >
              {c.label}
            </button>
          ))}
          <select
            className="input fchip-select"
            aria-label="Channel"
            data-testid="timeline-channel"
            value={channel}
            onChange={(e) => setChannel(e.target.value as ActivityChannel | "")}
          >
            <option value="">Any channel</option>
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {CHANNEL_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
      </div>
      {timeline.isPending && <span className="muted">Loading…</span>}
      {timeline.error && <div className="banner">{toApiError(timeline.error).message}</div>}
      {timeline.data && items.length === 0 && (
        <span className="muted">{filtered ? "Nothing matches these filters." : "Nothing yet."}</span>
      )}
      {upcoming.length > 0 && (
        <div className="tl-group" data-testid="timeline-upcoming">
          <h3>Upcoming</h3>
          <ol className="timeline upcoming">
            {upcoming.map((item) => (
              <ActivityEntry key={item.activity?.id} activity={item.activity as Activity} entity={entity} id={id} />
            ))}
          </ol>
        </div>
      )}
      {upcoming.length > 0 && past.length > 0 && <h3 className="tl-group-title">History</h3>}
      <ol className="timeline">
        {past.map((item, i) =>
          item.activity ? (
            <ActivityEntry key={item.activity.id} activity={item.activity} entity={entity} id={id} />
          ) : (
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
          ),
        )}
      </ol>
      {timeline.hasNextPage && (
        <button className="btn ghost add-row" onClick={() => void timeline.fetchNextPage()}>
          Show older
        </button>
      )}
    </section>
  );
}

const PREVIEW = 220;

/** One activity on the timeline: what, when, how it went, and a checkbox while it is open. */
function ActivityEntry({ activity: a, entity, id }: { activity: Activity; entity: string; id: string }) {
  const openDialog = useActivityDialog();
  const [expanded, setExpanded] = useState(false);
  const [busy, setBusy] = useState(false);
  const when = a.starts_at ?? a.created_at;
  const done = a.done_at !== null;
  const overdue = !done && a.starts_at !== null && new Date(a.starts_at) < new Date();
  const others = a.links.filter((l) => !(l.entity === entity && l.id === id));
  const long = (a.notes?.length ?? 0) > PREVIEW || (a.notes?.split("\n").length ?? 0) > 3;

  const completeActivity = useCompleteActivity();
  const complete = async () => {
    setBusy(true);
    await completeActivity(a);
    setBusy(false);
  };

  return (
    <li className={`tl-activity k-${a.kind}${done ? " is-done" : ""}${overdue ? " is-overdue" : ""}`} data-testid="timeline-activity">
      <div className="tl-when" title={formatDateTime(when)}>
        {formatRelative(when)}
      </div>
      <div className="tl-what">
        <div className="tl-act-head">
          {done ? (
            <span className="done-mark" title={`Done ${formatDateTime(a.done_at ?? "")}`} aria-label="Done">
              ✓
            </span>
          ) : (
            <input
              type="checkbox"
              className="tl-check"
              aria-label={`Mark “${a.subject}” done`}
              data-testid="timeline-complete"
              disabled={busy}
              checked={false}
              onChange={() => void complete()}
            />
          )}
          <KindIcon kind={a.kind} small title={KIND_LABELS[a.kind]} />
          <button className="linklike tl-subject" onClick={() => openDialog({ mode: "edit", id: a.id })}>
            {a.subject}
          </button>
          {a.direction && <span className="badge">{a.direction === "inbound" ? "↙" : "↗"} {DIRECTION_LABELS[a.direction]}</span>}
          {a.outcome && <span className={`badge outcome-${a.outcome}`}>{OUTCOME_LABELS[a.outcome]}</span>}
          {a.channel && <span className="badge subtle">{CHANNEL_LABELS[a.channel]}</span>}
          {a.repeat_text && <span className="badge subtle" title={a.repeat ?? ""}>↻ {a.repeat_text}</span>}
          {overdue && <span className="badge danger">Overdue</span>}
        </div>
        <div className="tl-meta">
          {KIND_LABELS[a.kind]}
          {a.starts_at && ` · ${formatWhen(a.starts_at, a.all_day)}`}
          {a.duration_minutes ? ` · ${a.duration_minutes} min` : ""}
          {a.location ? ` · ${a.location}` : ""}
          {others.length > 0 && (
            <>
              {" · with "}
              {others.map((l, i) => (
                <span key={`${l.entity}:${l.id}`}>
                  {i > 0 && ", "}
                  <Link href={`/${l.entity}/${l.id}`}>{l.name}</Link>
                </span>
              ))}
            </>
          )}
          {a.owner_name ? ` · ${a.owner_name}` : ""}
        </div>
        {a.notes && (
          <div className="tl-notes-wrap">
            <div className={`tl-notes${expanded || !long ? "" : " clamp"}`}>{a.notes}</div>
            {long && (
              <button className="linklike small" onClick={() => setExpanded((x) => !x)}>
                {expanded ? "Show less" : "Show more"}
              </button>
            )}
          </div>
        )}
        {a.kind === "email" && a.direction === "inbound" && <MailView activityId={a.id} />}
      </div>
    </li>
  );
}
