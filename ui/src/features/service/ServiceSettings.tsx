// Settings of the service desk: working hours, holidays, SLA targets, and who "I" am.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, ApiError, type SlaPolicy, type TicketPriority, type WorkingHours } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { invalidateTickets } from "../../lib/invalidate";
import { PRIORITIES, PRIORITY_LABELS, WEEKDAYS, joinMinutes, splitMinutes } from "./tickets";
import { Field, TextField } from "../../components/Field";
import { ErrorBanner } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import "../../styles/tickets.css";
import { qk } from "../../lib/queryKeys";

/** Everything the Settings page shows under "Service". */
export function ServiceSettings() {
  return (
    <section className="form-section form" data-testid="settings-service">
      <h2>Service</h2>
      <p className="muted">
        SLA clocks count business time only: the working hours below, without holidays. A ticket waiting on the customer
        pauses them.
      </p>
      <MeSetting />
      <WorkingHoursEditor />
      <Holidays />
      <SlaPolicies />
    </section>
  );
}

function MeSetting() {
  const client = useQueryClient();
  const notify = useNotify();
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  const counts = useQuery({ queryKey: qk.tickets.counts, queryFn: api.tickets.counts });
  const setMe = useMutation({
    mutationFn: (id: string | null) => api.tickets.setMe(id),
    onSuccess: async (id) => {
      await client.invalidateQueries({ queryKey: qk.tickets.all });
      notify(id ? `You are ${team.data?.find((m) => m.id === id)?.name ?? "set"}` : "“Mine” means nobody now");
    },
  });
  return (
    <div className="settings-row" data-testid="settings-me-row">
      <Field label="I am" error={setMe.error instanceof ApiError ? setMe.error.message : undefined}>
        {(a11y) => (
          <select
            {...a11y}
            className="input"
            name="me"
            data-testid="settings-me"
            value={counts.data?.me ?? ""}
            disabled={!counts.data || setMe.isPending}
            onChange={(e) => setMe.mutate(e.target.value || null)}
          >
            <option value="">— Nobody —</option>
            {team.data?.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <span className="muted">The “Mine” queue shows the tickets this team member owns.</span>
    </div>
  );
}

export function WorkingHoursEditor() {
  const hours = useQuery({ queryKey: qk.sla.hours, queryFn: api.sla.hours });
  if (hours.error) return <ErrorBanner error={hours.error} />;
  if (!hours.data) return <div className="muted">Loading…</div>;
  // Remounted with fresh values after every save.
  return <HoursForm key={JSON.stringify(hours.data)} initial={hours.data} />;
}

function HoursForm({ initial }: { initial: WorkingHours }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [value, setValue] = useState<WorkingHours>(initial);
  const [warn, setWarn] = useState(String(initial.warn_percent));
  const setDay = (i: number, patch: Partial<WorkingHours["days"][number]>) =>
    setValue((v) => ({ ...v, days: v.days.map((d, j) => (j === i ? { ...d, ...patch } : d)) }));
  const save = useMutation({
    mutationFn: (hours: WorkingHours) => api.sla.setHours(hours),
    onSuccess: async (saved) => {
      client.setQueryData(qk.sla.hours, saved);
      await invalidateTickets(client);
      notify("Saved the working hours");
    },
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fieldError = (name: string) => err?.field(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const percent = Number(warn);
    save.mutate({
      ...value,
      time_zone: value.time_zone?.trim() || null,
      warn_percent: Number.isFinite(percent) ? Math.round(percent) : value.warn_percent,
    });
  };
  return (
    <form onSubmit={submit} noValidate data-testid="settings-hours">
      <h3>Working hours</h3>
      {err && err.code !== "validation" && <ErrorBanner error={err} />}
      {err?.code === "validation" && err.fields.length === 0 && <ErrorBanner error={err} />}
      {err?.field("days") && <div className="field-error">{err.field("days")}</div>}
      <table className="hours-table">
        <thead>
          <tr>
            <th>Day</th>
            <th>Open</th>
            <th>From</th>
            <th>To</th>
          </tr>
        </thead>
        <tbody>
          {value.days.map((d, i) => {
            const day = WEEKDAYS[i] ?? `Day ${i + 1}`;
            const key = day.toLowerCase();
            const dayError = fieldError(`days.${day}`) ?? fieldError(`days.${i}`);
            return (
              <tr key={key} data-testid={`hours-${key}`}>
                <td>{day}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${day} open`}
                    data-testid={`hours-open-${key}`}
                    checked={d.open}
                    onChange={(e) => setDay(i, { open: e.target.checked })}
                  />
                </td>
                <td>
                  <input
                    className="input"
                    type="time"
                    aria-label={`${day} from`}
                    data-testid={`hours-start-${key}`}
                    value={d.start}
                    disabled={!d.open}
                    onChange={(e) => setDay(i, { start: e.target.value })}
                  />
                </td>
                <td>
                  <input
                    className="input"
                    type="time"
                    aria-label={`${day} to`}
                    data-testid={`hours-end-${key}`}
                    // A time field cannot show 24:00: midnight at the day's end shows as 23:59
                    // and is saved back as 24:00.
                    value={d.end === "24:00" ? "23:59" : d.end}
                    disabled={!d.open}
                    onChange={(e) => setDay(i, { end: e.target.value === "23:59" ? "24:00" : e.target.value })}
                  />
                </td>
                <td>{dayError && <span className="field-error">{dayError}</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="grid-2">
        <TextField
          label="Time zone (empty: this computer's)"
          name="time_zone"
          placeholder="e.g. Europe/Berlin"
          data-testid="hours-tz"
          value={value.time_zone}
          error={fieldError("time_zone")}
          onChange={(v) => setValue((x) => ({ ...x, time_zone: v }))}
        />
        <TextField
          label="“Breaching soon” after this share of a target (%)"
          name="warn_percent"
          type="number"
          min={1}
          max={99}
          data-testid="hours-warn"
          value={warn}
          error={fieldError("warn_percent")}
          onChange={setWarn}
        />
      </div>
      <button type="submit" className="btn primary" disabled={save.isPending} data-testid="hours-save">
        Save working hours
      </button>
    </form>
  );
}

function Holidays() {
  const client = useQueryClient();
  const notify = useNotify();
  const holidays = useQuery({ queryKey: qk.sla.holidays, queryFn: api.sla.holidays });
  const [day, setDay] = useState("");
  const [name, setName] = useState("");
  const done = async (list: Awaited<ReturnType<typeof api.sla.holidays>>) => {
    client.setQueryData(qk.sla.holidays, list);
    await invalidateTickets(client);
  };
  const add = useMutation({
    mutationFn: () => api.sla.addHoliday(day, name.trim()),
    onSuccess: async (list) => {
      await done(list);
      notify(`Added the holiday ${name.trim() || formatDate(day)}`);
      setDay("");
      setName("");
    },
  });
  const remove = useMutation({
    mutationFn: (d: string) => api.sla.removeHoliday(d),
    onSuccess: done,
  });
  const err = add.error instanceof ApiError ? add.error : undefined;
  return (
    <div data-testid="settings-holidays">
      <h3>Holidays</h3>
      <p className="muted">Days off: SLA clocks do not run on them.</p>
      <ErrorBanner error={holidays.error ?? remove.error} />
      <ul className="dup-records" data-testid="holiday-list">
        {holidays.data?.map((h) => (
          <li key={h.id} data-testid="holiday">
            <strong>{formatDate(h.day)}</strong> {h.name}{" "}
            <button
              type="button"
              className="btn ghost small"
              aria-label={`Remove ${h.name}`}
              data-testid="holiday-remove"
              disabled={remove.isPending}
              onClick={() => remove.mutate(h.day)}
            >
              Remove
            </button>
          </li>
        ))}
        {holidays.data?.length === 0 && <li className="muted">No holidays.</li>}
      </ul>
      <form
        className="settings-row"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <TextField label="Date" name="holiday.day" type="date" data-testid="holiday-day" value={day} error={err?.field("day")} onChange={setDay} />
        <TextField
          label="Name"
          name="holiday.name"
          placeholder="e.g. New Year's Day"
          data-testid="holiday-name"
          value={name}
          error={err?.field("name")}
          onChange={setName}
        />
        <button type="submit" className="btn" disabled={add.isPending || !day} data-testid="holiday-add">
          Add holiday
        </button>
      </form>
      {err && err.fields.length === 0 && <ErrorBanner error={err} />}
    </div>
  );
}

function SlaPolicies() {
  const policies = useQuery({ queryKey: qk.sla.policies, queryFn: api.sla.policies });
  const [extraTiers, setExtraTiers] = useState<string[]>([]);
  const [tierName, setTierName] = useState("");
  const tiers = [
    ...new Set([
      ...(policies.data ?? []).map((p) => p.tier).filter((t): t is string => t !== null),
      ...extraTiers,
    ]),
  ].sort((a, b) => a.localeCompare(b));
  return (
    <div data-testid="settings-sla">
      <h3>SLA targets</h3>
      <p className="muted">
        Business time allowed for the first reply and for resolving a ticket, per priority. Tier rows apply to accounts
        tagged with the tier's name.
      </p>
      <ErrorBanner error={policies.error} />
      {policies.data && (
        <>
          <PolicyTable tier={null} policies={policies.data} />
          {tiers.map((tier) => (
            <PolicyTable key={tier} tier={tier} policies={policies.data} />
          ))}
        </>
      )}
      <form
        className="settings-row"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const t = tierName.trim();
          if (t && !tiers.includes(t)) setExtraTiers((x) => [...x, t]);
          setTierName("");
        }}
      >
        <TextField
          label="Targets for a tier (account tag)"
          name="sla.tier"
          placeholder="e.g. gold"
          data-testid="sla-tier-name"
          value={tierName}
          onChange={setTierName}
        />
        <button type="submit" className="btn" disabled={!tierName.trim()} data-testid="sla-tier-add">
          Add tier
        </button>
      </form>
    </div>
  );
}

function PolicyTable({ tier, policies }: { tier: string | null; policies: SlaPolicy[] }) {
  return (
    <div data-testid={tier ? `sla-tier-${tier}` : "sla-default"}>
      <h4>{tier ? `Accounts tagged “${tier}”` : "Everyone (default)"}</h4>
      <table className="sla-table">
        <thead>
          <tr>
            <th>Priority</th>
            <th>First response</th>
            <th>Resolution</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {PRIORITIES.slice()
            .reverse()
            .map((p) => (
              <PolicyRow
                key={`${p}:${policies.find((x) => x.tier === tier && x.priority === p)?.id ?? ""}`}
                tier={tier}
                priority={p}
                policy={policies.find((x) => x.tier === tier && x.priority === p) ?? null}
              />
            ))}
        </tbody>
      </table>
    </div>
  );
}

function PolicyRow({ tier, priority, policy }: { tier: string | null; priority: TicketPriority; policy: SlaPolicy | null }) {
  const client = useQueryClient();
  const notify = useNotify();
  const start = (m: number | undefined) => (m === undefined ? { hours: "", minutes: "" } : { hours: String(splitMinutes(m).hours), minutes: String(splitMinutes(m).minutes) });
  const [first, setFirst] = useState(() => start(policy?.first_response_minutes));
  const [res, setRes] = useState(() => start(policy?.resolution_minutes));
  const prefix = tier ? `sla-${tier}-${priority}` : `sla-${priority}`;
  const firstMinutes = joinMinutes(first.hours, first.minutes);
  const resMinutes = joinMinutes(res.hours, res.minutes);
  const filled = first.hours + first.minutes !== "" && res.hours + res.minutes !== "";
  const changed = policy === null || firstMinutes !== policy.first_response_minutes || resMinutes !== policy.resolution_minutes;
  const after = async (list: SlaPolicy[]) => {
    client.setQueryData(qk.sla.policies, list);
    await invalidateTickets(client);
  };
  const save = useMutation({
    mutationFn: () =>
      api.sla.savePolicy({
        tier,
        priority,
        first_response_minutes: firstMinutes ?? 0,
        resolution_minutes: resMinutes ?? 0,
      }),
    onSuccess: async (list) => {
      await after(list);
      notify(`Saved the ${PRIORITY_LABELS[priority].toLowerCase()} targets${tier ? ` for ${tier}` : ""}`);
    },
  });
  const remove = useMutation({
    mutationFn: () => api.sla.removePolicy(policy?.id ?? ""),
    onSuccess: after,
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const message = err ? (err.field("first_response_minutes") ?? err.field("resolution_minutes") ?? err.message) : remove.error ? String(remove.error) : null;
  const hm = (label: string, value: { hours: string; minutes: string }, set: (v: { hours: string; minutes: string }) => void, key: string) => (
    <span className="hm">
      <input
        className="input"
        type="number"
        min={0}
        aria-label={`${PRIORITY_LABELS[priority]} ${label} hours`}
        data-testid={`${prefix}-${key}-h`}
        value={value.hours}
        onChange={(e) => set({ ...value, hours: e.target.value })}
      />
      h
      <input
        className="input"
        type="number"
        min={0}
        max={59}
        aria-label={`${PRIORITY_LABELS[priority]} ${label} minutes`}
        data-testid={`${prefix}-${key}-m`}
        value={value.minutes}
        onChange={(e) => set({ ...value, minutes: e.target.value })}
      />
      m
    </span>
  );
  return (
    <tr data-testid={prefix}>
      <td>
        <span className={`badge prio-${priority}`}>{PRIORITY_LABELS[priority]}</span>
      </td>
      <td>{hm("first response", first, setFirst, "first")}</td>
      <td>{hm("resolution", res, setRes, "res")}</td>
      <td>
        <button
          type="button"
          className="btn small primary"
          disabled={!filled || !changed || firstMinutes === null || resMinutes === null || save.isPending}
          data-testid={`${prefix}-save`}
          onClick={() => save.mutate()}
        >
          Save
        </button>{" "}
        {policy && (
          <button
            type="button"
            className="btn small ghost"
            disabled={remove.isPending}
            data-testid={`${prefix}-remove`}
            onClick={() => remove.mutate()}
          >
            Remove
          </button>
        )}
        {!policy && <span className="muted small"> no target</span>}
        {message && <div className="field-error">{message}</div>}
      </td>
    </tr>
  );
}
