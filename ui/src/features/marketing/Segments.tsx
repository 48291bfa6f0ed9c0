import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field, TextField } from "../../components/Field";
import { ChooseDialog, MarketingPage, Problem, RecordLink } from "./MarketingPage";
import { useNotify } from "../../components/Toasts";
import {
  api,
  ApiError,
  type ConditionOp,
  type Segment,
  type SegmentCondition,
  type SegmentEntity,
  type SegmentField,
  type SegmentFilter,
  type SegmentInput,
  type SegmentKind,
  type SegmentMatch,
} from "../../lib/api";
import { todayIso } from "../sales/deals";
import { formatDate, formatNumber } from "../../lib/format";
import {
  ENTITY_NOUNS,
  ENTITY_TITLES,
  OPS_BY_KIND,
  conditionProblems,
  countOf,
  needsValue,
  newCondition,
  opLabel,
  problemText,
  recordHref,
  runnableFilter,
  withField,
} from "./marketing";
import { useDebounced } from "../../lib/useDebounced";
import { qk } from "../../lib/queryKeys";

const dash = <span className="muted">—</span>;

/** Every segment: what it holds, how, and how many are in it now. */
export function Segments() {
  const [, navigate] = useLocation();
  const segments = useQuery({ queryKey: qk.marketing.segments.list, queryFn: api.marketing.segments.list });
  const rows = segments.data ?? [];
  const newButton = (
    <Link className="btn primary" href="/marketing/segments/new" data-testid="new-segment">
      + New segment
    </Link>
  );
  const open = (s: Segment) => navigate(`/marketing/segments/${s.id}`);
  return (
    <MarketingPage
      title="Segments"
      sub={segments.data ? `${countOf(rows.length, ["segment", "segments"])}: the people promotions and sequences reach` : " "}
      actions={newButton}
      testId="segments-screen"
    >
      <Problem error={segments.error} />
      {!segments.data && !segments.error && <p className="muted">Loading…</p>}
      {segments.data && rows.length === 0 && (
        <div className="empty" data-testid="segments-empty">
          <h2>No segments yet</h2>
          <p className="muted">
            A segment picks people by conditions (customers in Berlin tagged “newsletter”) or is a list you keep by hand. Make one to send
            a promotion to it.
          </p>
          {newButton}
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-card">
          <table className="list mk-table" data-testid="segment-list">
            <thead>
              <tr>
                <th>Segment</th>
                <th style={{ width: 130 }}>Holds</th>
                <th style={{ width: 140 }}>Kind</th>
                <th className="num" style={{ width: 120 }}>
                  Members now
                </th>
                <th style={{ width: 150 }}>Changed</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr
                  key={s.id}
                  tabIndex={0}
                  data-testid="segment-row"
                  data-name={s.name}
                  onClick={() => open(s)}
                  onKeyDown={(e) => e.key === "Enter" && open(s)}
                >
                  <td>
                    <strong>{s.name}</strong>
                    {s.description && <span className="muted"> · {s.description}</span>}
                  </td>
                  <td>{ENTITY_TITLES[s.entity]}</td>
                  <td>{s.kind === "dynamic" ? <span className="badge">By conditions</span> : <span className="badge subtle">Static list</span>}</td>
                  <td className="num">
                    <MemberCount id={s.id} />
                  </td>
                  <td>{formatDate(s.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </MarketingPage>
  );
}

/** How many members a segment has now (its conditions run afresh). */
function MemberCount({ id }: { id: string }) {
  const count = useQuery({
    queryKey: qk.marketing.segments.count(id),
    queryFn: () => api.marketing.segments.members(id, 0, 1),
    staleTime: 0,
  });
  if (count.error) return <span className="mk-error-text" title={count.error.message}>?</span>;
  if (!count.data) return <span className="muted">…</span>;
  return <span data-testid="segment-row-count">{formatNumber(count.data.total)}</span>;
}

/** `/marketing/segments/new` and `/marketing/segments/:id`: the builder, empty or loaded. */
export function SegmentPage({ id }: { id?: string }) {
  const segment = useQuery({
    queryKey: qk.marketing.segments.detail(id),
    queryFn: () => api.marketing.segments.get(id as string),
    enabled: Boolean(id),
  });
  if (!id) return <SegmentBuilder segment={null} />;
  if (segment.error) {
    return (
      <MarketingPage title="Segment">
        <Problem error={segment.error} />
        <Link href="/marketing/segments">← Back to segments</Link>
      </MarketingPage>
    );
  }
  if (!segment.data) {
    return (
      <MarketingPage title="Segment">
        <p className="muted">Loading…</p>
      </MarketingPage>
    );
  }
  return <SegmentBuilder key={segment.data.id} segment={segment.data} />;
}

const EMPTY_FILTER: SegmentFilter = { match: "all", conditions: [] };

/** The segment as the backend takes it: a static list has no conditions, incomplete ones are left out. */
export function segmentPayload(s: { name: string; entity: SegmentEntity; kind: SegmentKind; filter: SegmentFilter; description: string }): SegmentInput {
  return {
    name: s.name.trim(),
    entity: s.entity,
    kind: s.kind,
    filter: s.kind === "static" ? { match: s.filter.match, conditions: [] } : runnableFilter(s.filter).filter,
    description: s.description.trim() || null,
  };
}

/** Builds a segment's conditions with a live count and the first members, and saves it. */
function SegmentBuilder({ segment }: { segment: Segment | null }) {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const notify = useNotify();
  const [name, setName] = useState(segment?.name ?? "");
  const [description, setDescription] = useState(segment?.description ?? "");
  const [entity, setEntity] = useState<SegmentEntity>(segment?.entity ?? "contacts");
  const [kind, setKind] = useState<SegmentKind>(segment?.kind ?? "dynamic");
  const [filter, setFilter] = useState<SegmentFilter>(segment?.filter ?? EMPTY_FILTER);
  const saved = segment !== null;

  const fields = useQuery({
    queryKey: qk.marketing.segments.fields(entity),
    queryFn: () => api.marketing.segments.fields(entity),
  });
  const fieldOf = (key: string) => fields.data?.find((f) => f.key === key);

  // The count follows the conditions once they stop changing for a moment.
  const settled = JSON.parse(useDebounced(JSON.stringify({ entity, filter }), 250)) as { entity: SegmentEntity; filter: SegmentFilter };
  const run = runnableFilter(settled.filter);
  const preview = useQuery({
    queryKey: qk.marketing.segments.preview(settled.entity, run.filter),
    queryFn: () => api.marketing.segments.preview(settled.entity, run.filter, 50),
    enabled: kind === "dynamic",
    placeholderData: keepPreviousData,
    staleTime: 0,
  });
  const previewProblems = preview.error ? conditionProblems(preview.error, run.positions) : null;

  const save = useMutation({
    mutationFn: (input: SegmentInput) =>
      segment ? api.marketing.segments.update(segment.id, input) : api.marketing.segments.create(input),
    onSuccess: async (s) => {
      await client.invalidateQueries({ queryKey: qk.marketing.segments.all });
      notify(`Saved the segment ${s.name}`);
      navigate(`/marketing/segments/${s.id}`);
    },
  });
  const saveErr = save.error instanceof ApiError ? save.error : undefined;
  const saveProblems = saveErr ? conditionProblems(saveErr, runnableFilter(filter).positions, ["name", "description", "entity", "kind"]) : null;
  const rowProblem = (i: number) => saveProblems?.byRow.get(i) ?? previewProblems?.byRow.get(i);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (save.isPending) return;
    save.mutate(segmentPayload({ name, entity, kind, filter, description }));
  };

  const setConditions = (f: (c: SegmentCondition[]) => SegmentCondition[]) => setFilter((x) => ({ ...x, conditions: f(x.conditions) }));
  const setCondition = (i: number, patch: Partial<SegmentCondition>) =>
    setConditions((cs) => cs.map((c, j) => (j === i ? { ...c, ...patch } : c)));
  const addCondition = () => {
    const first = fields.data?.[0];
    if (first) setConditions((cs) => [...cs, newCondition(first)]);
  };
  const changeEntity = (next: SegmentEntity) => {
    setEntity(next);
    // The fields differ from one kind of record to the other: start the conditions afresh.
    setFilter((f) => ({ ...f, conditions: [] }));
  };

  const [noun, nouns] = ENTITY_NOUNS[entity];
  const total = preview.data?.total;
  const countText =
    total === undefined ? "Counting…" : `${formatNumber(total)} ${total === 1 ? `${noun} matches` : `${nouns} match`}`;

  return (
    <MarketingPage
      title={segment ? segment.name : "New segment"}
      sub={segment ? `${ENTITY_TITLES[segment.entity]} · ${segment.kind === "dynamic" ? "by conditions" : "static list"}` : "Pick people by conditions, or keep a list by hand"}
      testId="segment-builder"
      actions={
        <>
          <Link className="btn" href="/marketing/segments">
            {saved ? "← All segments" : "Cancel"}
          </Link>
          {segment && <SegmentActions segment={segment} />}
          <button className="btn primary" onClick={() => submit()} disabled={save.isPending} data-testid="segment-save">
            {save.isPending ? "Saving…" : saved ? "Save segment" : "Create segment"}
          </button>
        </>
      }
    >
      <form className="mk-builder" onSubmit={submit} noValidate>
        <section className="form-section">
          <div className="mk-builder-top">
            <TextField
              label="Name"
              name="name"
              autoFocus={!saved}
              placeholder="e.g. Newsletter readers in Berlin"
              data-testid="segment-name"
              value={name}
              error={saveErr?.field("name")}
              onChange={setName}
            />
            <Field label="Holds" error={saveErr?.field("entity")}>
              {(a11y) => (
                <select
                  {...a11y}
                  className="input"
                  data-testid="segment-entity"
                  value={entity}
                  disabled={saved}
                  title={saved ? "A saved segment keeps what it holds; make a new one instead" : undefined}
                  onChange={(e) => changeEntity(e.target.value as SegmentEntity)}
                >
                  <option value="contacts">Contacts</option>
                  <option value="accounts">Accounts</option>
                  <option value="leads">Leads</option>
                </select>
              )}
            </Field>
            <Field label="Kind" error={saveErr?.field("kind")}>
              {(a11y) => (
                <select
                  {...a11y}
                  className="input"
                  data-testid="segment-kind"
                  value={kind}
                  disabled={saved}
                  title={saved ? "A saved segment keeps its kind; freeze it to get a static list" : undefined}
                  onChange={(e) => setKind(e.target.value as SegmentKind)}
                >
                  <option value="dynamic">By conditions (dynamic)</option>
                  <option value="static">Static list (by hand)</option>
                </select>
              )}
            </Field>
          </div>
          <TextField
            label="Description (optional)"
            name="description"
            data-testid="segment-description"
            value={description}
            error={saveErr?.field("description")}
            onChange={setDescription}
          />
        </section>

        {saveProblems && saveProblems.lines.length > 0 && (
          <div className="banner" role="alert" data-testid="segment-save-error">
            <div>
              {saveProblems.lines.map((l) => (
                <div key={l}>{l}</div>
              ))}
            </div>
          </div>
        )}

        {kind === "static" ? (
          segment ? (
            <StaticMembers segment={segment} />
          ) : (
            <p className="mk-note">
              A static list holds the people you put in it, whatever changes about them. Create it, then add people from the{" "}
              <Link href={`/${entity}`}>{ENTITY_TITLES[entity]} list</Link>.
            </p>
          )
        ) : (
          <>
            <section className="form-section" aria-label="Conditions">
              <h2>Conditions</h2>
              <div className="mk-match">
                <label htmlFor="segment-match">Members match</label>
                <select
                  id="segment-match"
                  className="input"
                  data-testid="segment-match"
                  value={filter.match}
                  onChange={(e) => setFilter((f) => ({ ...f, match: e.target.value as SegmentMatch }))}
                >
                  <option value="all">all conditions (AND)</option>
                  <option value="any">any condition (OR)</option>
                </select>
              </div>
              <Problem error={fields.error} />
              {filter.conditions.length === 0 && (
                <p className="mk-none" data-testid="segment-no-conditions">
                  No conditions: every {noun} is in it. Add a condition to narrow it down.
                </p>
              )}
              <div className="mk-conditions">
                {filter.conditions.map((c, i) => (
                  <ConditionRow
                    key={i}
                    index={i}
                    condition={c}
                    field={fieldOf(c.field)}
                    fields={fields.data ?? []}
                    join={i === 0 ? "Where" : filter.match === "all" ? "and" : "or"}
                    problem={rowProblem(i)}
                    onField={(f) => setCondition(i, withField(c, f))}
                    onOp={(op) => setCondition(i, { op, value: needsValue(op) ? c.value : "" })}
                    onValue={(value) => setCondition(i, { value })}
                    onRemove={() => setConditions((cs) => cs.filter((_, j) => j !== i))}
                  />
                ))}
              </div>
              <button
                type="button"
                className="btn add-row"
                onClick={addCondition}
                disabled={!fields.data || fields.data.length === 0}
                data-testid="segment-add-condition"
              >
                + Add condition
              </button>
              <div style={{ height: 12 }} />
            </section>

            <div className={`mk-count-line${preview.isPlaceholderData || preview.isFetching ? " stale" : ""}`} role="status">
              <span data-testid="segment-count">{preview.error ? "Cannot count yet" : countText}</span>
              {filter.conditions.some((c) => needsValue(c.op) && !c.value.trim()) && (
                <span className="muted small">(conditions without a value are left out)</span>
              )}
            </div>
            {previewProblems && (
              <div className="banner" role="alert" data-testid="segment-error">
                <div>
                  {previewProblems.lines.map((l) => (
                    <div key={l}>{l}</div>
                  ))}
                </div>
              </div>
            )}
            {preview.data && <PreviewTable entity={settled.entity} members={preview.data.members} total={preview.data.total} />}
          </>
        )}
      </form>
    </MarketingPage>
  );
}

function ConditionRow({
  index: i,
  condition: c,
  field,
  fields,
  join,
  problem,
  onField,
  onOp,
  onValue,
  onRemove,
}: {
  index: number;
  condition: SegmentCondition;
  field: SegmentField | undefined;
  fields: SegmentField[];
  join: string;
  problem: string | undefined;
  onField: (f: SegmentField) => void;
  onOp: (op: ConditionOp) => void;
  onValue: (value: string) => void;
  onRemove: () => void;
}) {
  const kind = field?.kind ?? "text";
  const ops = OPS_BY_KIND[kind];
  const n = i + 1;
  const valueProps = {
    className: "input",
    "aria-label": `Value of condition ${n}`,
    "aria-invalid": Boolean(problem),
    "data-testid": `condition-value-${i}`,
    value: c.value,
  };
  let value = null;
  if (needsValue(c.op)) {
    if (field && field.choices.length > 0 && (c.op === "is" || c.op === "is_not")) {
      value = (
        <select {...valueProps} onChange={(e) => onValue(e.target.value)}>
          <option value="">Choose…</option>
          {field.choices.map((ch) => (
            <option key={ch.value} value={ch.value}>
              {ch.label}
            </option>
          ))}
          {c.value && !field.choices.some((ch) => ch.value === c.value) && <option value={c.value}>{c.value}</option>}
        </select>
      );
    } else if (kind === "date") {
      value = <input {...valueProps} type="text" placeholder="2026-01-31 or 90d" title="A day (2026-01-31), or 90d for 90 days ago" onChange={(e) => onValue(e.target.value)} />;
    } else if (kind === "number") {
      value = <input {...valueProps} type="number" inputMode="decimal" placeholder="0" onChange={(e) => onValue(e.target.value)} />;
    } else {
      value = <input {...valueProps} type="text" placeholder={kind === "tag" ? "tag name" : "value"} onChange={(e) => onValue(e.target.value)} />;
    }
  }
  return (
    <>
      <div className="mk-condition" data-testid="condition-row">
        <span className="join">{join}</span>
        <select
          className="input"
          aria-label={`Field of condition ${n}`}
          data-testid={`condition-field-${i}`}
          value={c.field}
          onChange={(e) => {
            const f = fields.find((x) => x.key === e.target.value);
            if (f) onField(f);
          }}
        >
          {!field && <option value={c.field}>{c.field} (unknown field)</option>}
          {fields.map((f) => (
            <option key={f.key} value={f.key}>
              {f.label}
            </option>
          ))}
        </select>
        <select
          className="input"
          aria-label={`Test of condition ${n}`}
          data-testid={`condition-op-${i}`}
          value={c.op}
          onChange={(e) => onOp(e.target.value as ConditionOp)}
        >
          {!ops.includes(c.op) && <option value={c.op}>{c.op}</option>}
          {ops.map((op) => (
            <option key={op} value={op}>
              {opLabel(kind, op)}
            </option>
          ))}
        </select>
        {value ?? <span />}
        <button
          type="button"
          className="btn ghost danger"
          aria-label={`Remove condition ${n}`}
          title="Remove this condition"
          data-testid={`condition-remove-${i}`}
          onClick={onRemove}
        >
          ✕
        </button>
      </div>
      {problem && (
        <div className="mk-condition">
          <span />
          <span className="field-error mk-condition-error" role="alert" data-testid={`condition-error-${i}`}>
            {problem}
          </span>
        </div>
      )}
    </>
  );
}

function PreviewTable({
  entity,
  members,
  total,
}: {
  entity: SegmentEntity;
  members: { id: string; name: string; email: string | null; company: string | null; phone: string | null }[];
  total: number;
}) {
  if (members.length === 0) {
    return (
      <p className="muted" data-testid="segment-preview">
        Nobody matches these conditions yet.
      </p>
    );
  }
  return (
    <section className="mk-section">
      <div className="mk-section-head">
        <h2>Preview</h2>
        <span className="muted">
          {members.length < total ? `The first ${formatNumber(members.length)} of ${formatNumber(total)}` : `All ${formatNumber(total)}`}
        </span>
      </div>
      <div className="table-card">
        <table className="list mk-table static" data-testid="segment-preview">
          <thead>
            <tr>
              <th>Name</th>
              <th>E-mail</th>
              <th>Company</th>
              <th style={{ width: 170 }}>Phone</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.id} data-testid="segment-preview-row">
                <td>
                  <RecordLink href={recordHref(entity, m.id)}>{m.name}</RecordLink>
                </td>
                <td>{m.email ?? dash}</td>
                <td>{m.company ?? dash}</td>
                <td>{m.phone ?? dash}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A static list's members, each with a Remove button. */
function StaticMembers({ segment }: { segment: Segment }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [limit, setLimit] = useState(100);
  const members = useQuery({
    queryKey: qk.marketing.segments.members(segment.id, limit),
    queryFn: () => api.marketing.segments.members(segment.id, 0, limit),
    placeholderData: keepPreviousData,
  });
  const remove = useMutation({
    mutationFn: (m: { id: string; name: string }) => api.marketing.segments.removeMembers(segment.id, [m.id]),
    onSuccess: async (_n, m) => {
      await client.invalidateQueries({ queryKey: qk.marketing.segments.all });
      notify(`Took ${m.name} off the list`);
    },
  });
  const [noun, nouns] = ENTITY_NOUNS[segment.entity];
  const data = members.data;
  return (
    <section className="mk-section" data-testid="segment-members">
      <div className="mk-section-head">
        <h2>Members</h2>
        {data && <span className="muted" data-testid="segment-member-total">{countOf(data.total, [noun, nouns])}</span>}
      </div>
      <p className="mk-note">
        Add people from the <Link href={`/${segment.entity}`}>{ENTITY_TITLES[segment.entity]} list</Link>.
      </p>
      <Problem error={members.error ?? remove.error} />
      {!data && !members.error && <p className="muted">Loading…</p>}
      {data?.total === 0 && <p className="muted">Nobody is on this list yet.</p>}
      {data && data.members.length > 0 && (
        <div className="table-card">
          <table className="list mk-table static">
            <thead>
              <tr>
                <th>Name</th>
                <th>E-mail</th>
                <th>Company</th>
                <th style={{ width: 150 }}>Phone</th>
                <th style={{ width: 110 }} aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {data.members.map((m) => (
                <tr key={m.id} data-testid="segment-member">
                  <td>
                    <RecordLink href={recordHref(segment.entity, m.id)}>{m.name}</RecordLink>
                  </td>
                  <td>{m.email ?? dash}</td>
                  <td>{m.company ?? dash}</td>
                  <td>{m.phone ?? dash}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn small ghost danger"
                      disabled={remove.isPending}
                      onClick={() => remove.mutate(m)}
                      data-testid="segment-member-remove"
                      aria-label={`Remove ${m.name} from the list`}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.members.length < data.total && (
        <p>
          <button type="button" className="btn" onClick={() => setLimit((l) => l + 100)}>
            Show more
          </button>
        </p>
      )}
    </section>
  );
}

/** Export, add to a campaign, freeze and delete, for a saved segment. */
function SegmentActions({ segment }: { segment: Segment }) {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const notify = useNotify();
  const [open, setOpen] = useState<"campaign" | "freeze" | "delete" | null>(null);
  const nouns = ENTITY_NOUNS[segment.entity];
  const campaigns = useQuery({
    queryKey: qk.marketing.campaigns.list,
    queryFn: api.marketing.campaigns.list,
    enabled: open === "campaign",
  });
  const exportCsv = useMutation({
    mutationFn: () => api.marketing.segments.exportCsv(segment.id, segment.name),
    onSuccess: (n) => {
      if (n !== null) notify(`Exported ${countOf(n, nouns)} to CSV`);
    },
    onError: (e) => notify(`Could not export: ${e.message}`, "error"),
  });
  const toCampaign = useMutation({
    mutationFn: (campaignId: string) => api.marketing.segments.toCampaign(segment.id, campaignId),
    onSuccess: async (n, campaignId) => {
      await client.invalidateQueries({ queryKey: qk.marketing.campaigns.all });
      const name = campaigns.data?.find((c) => c.id === campaignId)?.name ?? "the campaign";
      notify(n === 0 ? `Everyone was already in ${name}` : `Added ${countOf(n, ["member", "members"])} to ${name}`);
      setOpen(null);
    },
  });
  const [frozenName, setFrozenName] = useState(`${segment.name} (${todayIso()})`);
  const freeze = useMutation({
    mutationFn: () => api.marketing.segments.freeze(segment.id, frozenName.trim()),
    onSuccess: async (s) => {
      await client.invalidateQueries({ queryKey: qk.marketing.segments.all });
      notify(`Froze today's members as ${s.name}`);
      setOpen(null);
      navigate(`/marketing/segments/${s.id}`);
    },
  });
  const remove = useMutation({
    mutationFn: () => api.marketing.segments.remove(segment.id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: qk.marketing.segments.all });
      notify(`Deleted the segment ${segment.name}`);
      navigate("/marketing/segments");
    },
    onError: (e) => {
      setOpen(null);
      notify(problemText(e), "error");
    },
  });
  return (
    <>
      <button className="btn" onClick={() => exportCsv.mutate()} disabled={exportCsv.isPending} data-testid="segment-export">
        {exportCsv.isPending ? "Exporting…" : "Export CSV"}
      </button>
      <button className="btn" onClick={() => setOpen("campaign")} data-testid="segment-to-campaign">
        Add to campaign
      </button>
      {segment.kind === "dynamic" && (
        <button className="btn" onClick={() => setOpen("freeze")} data-testid="segment-freeze">
          Freeze as static list
        </button>
      )}
      <button className="btn danger" onClick={() => setOpen("delete")} data-testid="segment-delete">
        Delete
      </button>
      {open === "campaign" && (
        <ChooseDialog
          title="Add the members to a campaign"
          label="Campaign"
          testId="segment-campaign"
          options={campaigns.data?.map((c) => ({ value: c.id, label: c.name }))}
          confirmLabel="Add to campaign"
          busy={toCampaign.isPending}
          error={campaigns.error ?? toCampaign.error}
          empty="There are no campaigns yet: add one in the Campaigns tab first."
          onConfirm={(id) => toCampaign.mutate(id)}
          onCancel={() => setOpen(null)}
        >
          <p>Everyone in {segment.name} now becomes a member of the campaign (as targeted). Those already in it stay as they are.</p>
        </ChooseDialog>
      )}
      {open === "freeze" && (
        <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(null)}>
          <form
            className="dialog"
            role="dialog"
            aria-modal="true"
            aria-labelledby="freeze-title"
            onSubmit={(e) => {
              e.preventDefault();
              if (frozenName.trim() && !freeze.isPending) freeze.mutate();
            }}
          >
            <h2 id="freeze-title">Freeze as a static list</h2>
            <p>A new list holding today's members of {segment.name}. It will not change when people do; this segment stays as it is.</p>
            <Problem error={freeze.error} />
            <TextField label="Name of the list" name="frozen" autoFocus data-testid="segment-freeze-name" value={frozenName} onChange={setFrozenName} />
            <div className="actions">
              <button type="button" className="btn" onClick={() => setOpen(null)} disabled={freeze.isPending}>
                Cancel
              </button>
              <button type="submit" className="btn primary" disabled={freeze.isPending || !frozenName.trim()} data-testid="segment-freeze-confirm">
                {freeze.isPending ? "Freezing…" : "Freeze"}
              </button>
            </div>
          </form>
        </div>
      )}
      {open === "delete" && (
        <ConfirmDialog
          title={`Delete ${segment.name}?`}
          confirmLabel="Delete segment"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setOpen(null)}
          onConfirm={() => remove.mutate()}
        >
          The people in it stay as they are; only the segment goes. Promotions already sent to it keep their messages.
        </ConfirmDialog>
      )}
    </>
  );
}
