import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Field, TextField } from "../../components/Field";
import { Figure, MarketingPage, Problem, RecordLink, StatusBadge } from "./MarketingPage";
import { OwnerSelect } from "../../components/Pickers";
import { useNotify } from "../../components/Toasts";
import {
  api,
  ApiError,
  type Campaign,
  type CampaignInput,
  type CampaignKind,
  type CampaignStatus,
  type Effectiveness,
  type Money,
} from "../../lib/api";
import { formatDate, formatMoney, formatNumber, moneyToPlain } from "../../lib/format";
import {
  CAMPAIGN_KINDS,
  CAMPAIGN_STATUSES,
  MEMBER_STATUSES,
  countOf,
  percentOf,
  recordHref,
  roiText,
} from "./marketing";
import { normalizeDecimal } from "../sales/sales";
import { qk } from "../../lib/queryKeys";

const dash = <span className="muted">—</span>;
const moneyCell = (m: Money | null) => (m ? formatMoney(m) : dash);
const minor = (amount: number | null, currency: string) => (amount === null ? dash : formatMoney({ amount_minor: amount, currency }));

/** "1 Mar 2026 – 31 Mar 2026", "from 1 Mar 2026", or a dash. */
function datesText(c: Pick<Campaign, "starts_on" | "ends_on">): string | null {
  if (c.starts_on && c.ends_on) return `${formatDate(c.starts_on)} – ${formatDate(c.ends_on)}`;
  if (c.starts_on) return `from ${formatDate(c.starts_on)}`;
  if (c.ends_on) return `until ${formatDate(c.ends_on)}`;
  return null;
}

/** Every campaign with what it cost and what it brought in. */
export function Campaigns() {
  const [, navigate] = useLocation();
  const campaigns = useQuery({ queryKey: qk.marketing.campaigns.list, queryFn: api.marketing.campaigns.list });
  const effects = useQuery({
    queryKey: qk.marketing.campaigns.effectiveness,
    queryFn: () => api.marketing.campaigns.effectiveness(),
  });
  const [creating, setCreating] = useState(false);
  const byId = new Map((effects.data ?? []).map((e) => [e.campaign_id, e]));
  const rows = campaigns.data ?? [];
  const open = (c: Campaign) => navigate(`/marketing/campaigns/${c.id}`);
  const newButton = (
    <button className="btn primary" onClick={() => setCreating(true)} data-testid="new-campaign">
      + New campaign
    </button>
  );
  return (
    <MarketingPage
      title="Campaigns"
      sub={campaigns.data ? `${countOf(rows.length, ["campaign", "campaigns"])}: what each cost and brought in` : " "}
      actions={newButton}
      testId="campaigns-screen"
    >
      <Problem error={campaigns.error ?? effects.error} />
      {!campaigns.data && !campaigns.error && <p className="muted">Loading…</p>}
      {campaigns.data && rows.length === 0 && (
        <div className="empty" data-testid="campaigns-empty">
          <h2>No campaigns yet</h2>
          <p className="muted">
            A campaign is a trade show, a webinar or a mailing. Add one to track its budget, its members and the leads and deals it brings.
          </p>
          {newButton}
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-card mk-scroll">
          <table className="list mk-table mk-campaigns" data-testid="campaign-list">
            <thead>
              <tr>
                <th style={{ width: 200 }}>Campaign</th>
                <th style={{ width: 110 }}>Type</th>
                <th style={{ width: 100 }}>Status</th>
                <th style={{ width: 190 }}>Dates</th>
                <th className="num" style={{ width: 120 }}>
                  Budget
                </th>
                <th className="num" style={{ width: 120 }}>
                  Cost
                </th>
                <th className="num" style={{ width: 90 }}>
                  Members
                </th>
                <th className="num" style={{ width: 100 }}>
                  Responses
                </th>
                <th className="num" style={{ width: 80 }}>
                  Leads
                </th>
                <th className="num" style={{ width: 100 }}>
                  Converted
                </th>
                <th className="num" style={{ width: 110 }}>
                  Deals
                </th>
                <th className="num" style={{ width: 130 }}>
                  Won revenue
                </th>
                <th className="num" style={{ width: 120 }}>
                  Cost per lead
                </th>
                <th className="num" style={{ width: 90 }}>
                  ROI
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => {
                const e = byId.get(c.id);
                return (
                  <tr
                    key={c.id}
                    tabIndex={0}
                    data-testid="campaign-row"
                    data-name={c.name}
                    onClick={() => open(c)}
                    onKeyDown={(ev) => ev.key === "Enter" && open(c)}
                  >
                    <td>
                      <strong>{c.name}</strong>
                    </td>
                    <td>{CAMPAIGN_KINDS[c.kind]}</td>
                    <td>
                      <StatusBadge status={c.status} label={CAMPAIGN_STATUSES[c.status]} />
                    </td>
                    <td>{datesText(c) ?? dash}</td>
                    <td className="num">{moneyCell(c.budget)}</td>
                    <td className="num">{moneyCell(c.actual_cost)}</td>
                    <EffectCells e={e} />
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CampaignDialog
          campaign={null}
          onClose={() => setCreating(false)}
          onSaved={(c) => navigate(`/marketing/campaigns/${c.id}`)}
        />
      )}
    </MarketingPage>
  );
}

function EffectCells({ e }: { e: Effectiveness | undefined }) {
  if (!e) {
    return (
      <>
        {Array.from({ length: 8 }, (_, i) => (
          <td key={i} className="num">
            {dash}
          </td>
        ))}
      </>
    );
  }
  return (
    <>
      <td className="num" data-testid="campaign-members">
        {formatNumber(e.members)}
      </td>
      <td className="num">{formatNumber(e.responses)}</td>
      <td className="num" data-testid="campaign-leads">
        {formatNumber(e.leads)}
      </td>
      <td className="num">{formatNumber(e.leads_converted)}</td>
      <td className="num">
        {formatNumber(e.deals)}
        {e.deals_won > 0 && <span className="muted small"> ({formatNumber(e.deals_won)} won)</span>}
      </td>
      <td className="num">{minor(e.won_minor, e.currency)}</td>
      <td className="num">{minor(e.cost_per_lead_minor, e.currency)}</td>
      <td className="num" data-testid="campaign-roi">
        {roiText(e.roi_bp)}
      </td>
    </>
  );
}

/** One campaign: its figures, its details and who is in it. */
export function CampaignDetail({ id }: { id: string }) {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const notify = useNotify();
  const campaign = useQuery({ queryKey: qk.marketing.campaigns.detail(id), queryFn: () => api.marketing.campaigns.get(id) });
  const effect = useQuery({
    queryKey: qk.marketing.campaigns.effectivenessOf(id),
    queryFn: () => api.marketing.campaigns.effectiveness(id),
  });
  const members = useQuery({ queryKey: qk.marketing.campaigns.members(id), queryFn: () => api.marketing.campaigns.members(id) });
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.marketing.campaigns.remove(id),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: qk.marketing.all });
      notify(`Deleted the campaign ${campaign.data?.name ?? ""}`.trim());
      navigate("/marketing/campaigns");
    },
  });

  const c = campaign.data;
  const e = effect.data?.[0];
  if (campaign.error) {
    return (
      <MarketingPage title="Campaign">
        <Problem error={campaign.error} />
        <Link href="/marketing/campaigns">← Back to campaigns</Link>
      </MarketingPage>
    );
  }
  if (!c) {
    return (
      <MarketingPage title="Campaign">
        <p className="muted">Loading…</p>
      </MarketingPage>
    );
  }
  const sub = [CAMPAIGN_KINDS[c.kind], datesText(c)].filter(Boolean).join(" · ");
  return (
    <MarketingPage
      title={
        <span className="mk-inline">
          <span data-testid="campaign-title">{c.name}</span>
          <StatusBadge status={c.status} label={CAMPAIGN_STATUSES[c.status]} testId="campaign-status-badge" />
        </span>
      }
      sub={sub}
      testId="campaign-detail"
      actions={
        <>
          <Link className="btn" href="/marketing/campaigns">
            ← All campaigns
          </Link>
          <button className="btn" onClick={() => setEditing(true)} data-testid="edit-campaign">
            Edit
          </button>
          <button className="btn danger" onClick={() => setDeleting(true)} data-testid="delete-campaign">
            Delete
          </button>
        </>
      }
    >
      <Problem error={effect.error ?? remove.error} />
      <div className="mk-figures" data-testid="campaign-figures">
        <Figure label="Budget" value={moneyCell(c.budget)} />
        <Figure
          label="Actual cost"
          value={moneyCell(c.actual_cost)}
          hint={c.budget && c.actual_cost ? `${percentOf(c.actual_cost.amount_minor, c.budget.amount_minor)}% of the budget` : undefined}
        />
        <Figure label="Expected revenue" value={moneyCell(c.expected_revenue)} />
        {e && (
          <>
            <Figure label="Members" value={formatNumber(e.members)} testId="figure-members" />
            <Figure
              label="Responses"
              value={formatNumber(e.responses)}
              hint={e.members > 0 ? `${percentOf(e.responses, e.members)}% responded` : undefined}
            />
            <Figure label="Leads" value={formatNumber(e.leads)} testId="figure-leads" />
            <Figure
              label="Converted leads"
              value={formatNumber(e.leads_converted)}
              hint={e.leads > 0 ? `${percentOf(e.leads_converted, e.leads)}% of the leads` : undefined}
            />
            <Figure label="Deals" value={formatNumber(e.deals)} hint={`${formatNumber(e.deals_won)} won`} />
            <Figure label="Won revenue" value={minor(e.won_minor, e.currency)} tone={e.won_minor > 0 ? "good" : undefined} />
            <Figure label="Cost per lead" value={minor(e.cost_per_lead_minor, e.currency)} hint={e.cost_per_lead_minor === null ? "Needs a cost and leads" : undefined} />
            <Figure
              label="ROI"
              value={roiText(e.roi_bp)}
              tone={e.roi_bp === null ? undefined : e.roi_bp >= 0 ? "good" : "bad"}
              hint={e.roi_bp === null ? "Needs an actual cost" : "Won revenue less cost, over cost"}
              testId="figure-roi"
            />
          </>
        )}
      </div>
      {c.description && (
        <section className="card" style={{ marginBottom: 18 }}>
          <h2>About</h2>
          <p className="mk-desc">{c.description}</p>
        </section>
      )}
      <section className="mk-section">
        <div className="mk-section-head">
          <h2>Members</h2>
          {members.data && <span className="muted">{countOf(members.data.length, ["member", "members"])}</span>}
        </div>
        <Problem error={members.error} />
        {!members.data && !members.error && <p className="muted">Loading…</p>}
        {members.data?.length === 0 && (
          <p className="muted" data-testid="campaign-members-empty">
            Nobody is in this campaign yet. Add a segment from the Segments tab (Add to campaign), or queue a promotion for it.
          </p>
        )}
        {members.data && members.data.length > 0 && (
          <div className="table-card">
            <table className="list mk-table static" data-testid="campaign-member-list">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>E-mail</th>
                  <th style={{ width: 110 }}>Is a</th>
                  <th style={{ width: 140 }}>Status</th>
                  <th style={{ width: 180 }}>Responded</th>
                </tr>
              </thead>
              <tbody>
                {members.data.map((m) => (
                  <tr key={`${m.entity}-${m.entity_id}`} data-testid="campaign-member">
                    <td>
                      <RecordLink href={recordHref(m.entity, m.entity_id)}>{m.name}</RecordLink>
                    </td>
                    <td>{m.email ?? dash}</td>
                    <td>{m.entity === "leads" ? "Lead" : m.entity === "contacts" ? "Contact" : m.entity}</td>
                    <td>
                      <StatusBadge status={m.status} label={MEMBER_STATUSES[m.status]} />
                    </td>
                    <td>{m.responded_at ? formatDate(m.responded_at) : dash}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {editing && <CampaignDialog campaign={c} onClose={() => setEditing(false)} />}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${c.name}?`}
          confirmLabel="Delete campaign"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setDeleting(false)}
          onConfirm={() => remove.mutate()}
        >
          Its members list goes too. Leads and deals that name it stay, without the campaign.
        </ConfirmDialog>
      )}
    </MarketingPage>
  );
}

export function inputOf(c: Campaign | null): CampaignInput {
  return {
    name: c?.name ?? "",
    kind: c?.kind ?? "email",
    status: c?.status ?? "planned",
    starts_on: c?.starts_on ?? null,
    ends_on: c?.ends_on ?? null,
    currency: c?.currency ?? "EUR",
    budget: c?.budget ? moneyToPlain(c.budget) : "",
    actual_cost: c?.actual_cost ? moneyToPlain(c.actual_cost) : "",
    expected_revenue: c?.expected_revenue ? moneyToPlain(c.expected_revenue) : "",
    description: c?.description ?? null,
    owner_id: c?.owner_id ?? null,
  };
}

/** The campaign as the backend takes it: text trimmed, amounts as decimals, blanks as none. */
export function campaignPayload(input: CampaignInput): CampaignInput {
  return {
    ...input,
    name: input.name.trim(),
    starts_on: input.starts_on || null,
    ends_on: input.ends_on || null,
    currency: input.currency.trim().toUpperCase(),
    budget: normalizeDecimal(input.budget),
    actual_cost: normalizeDecimal(input.actual_cost),
    expected_revenue: normalizeDecimal(input.expected_revenue),
    description: input.description?.trim() || null,
  };
}

/** New campaign, or edit one, in a dialog. */
function CampaignDialog({ campaign, onClose, onSaved }: { campaign: Campaign | null; onClose: () => void; onSaved?: (c: Campaign) => void }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [input, setInput] = useState<CampaignInput>(() => inputOf(campaign));
  const set = <K extends keyof CampaignInput>(key: K, value: CampaignInput[K]) => setInput((p) => ({ ...p, [key]: value }));
  const save = useMutation({
    mutationFn: () => {
      const value = campaignPayload(input);
      return campaign ? api.marketing.campaigns.update(campaign.id, value) : api.marketing.campaigns.create(value);
    },
    onSuccess: async (c) => {
      await client.invalidateQueries({ queryKey: qk.marketing.all });
      notify(campaign ? `Saved ${c.name}` : `Added the campaign ${c.name}`);
      onClose();
      onSaved?.(c);
    },
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fe = (name: string) => err?.field(name);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!save.isPending) save.mutate();
  };
  const amount = (key: "budget" | "actual_cost" | "expected_revenue", label: string, testId: string) => (
    <TextField
      label={label}
      name={key}
      inputMode="decimal"
      placeholder="1500.00"
      data-testid={testId}
      value={input[key]}
      error={fe(key)}
      onChange={(v) => set(key, v)}
    />
  );
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form
        className="dialog wide-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="campaign-title"
        onSubmit={submit}
        noValidate
        data-testid="campaign-form"
      >
        <h2 id="campaign-title">{campaign ? `Edit ${campaign.name}` : "New campaign"}</h2>
        {err && err.code !== "validation" && <Problem error={err} />}
        {err?.code === "validation" && (
          <div className="banner" role="alert">
            Please correct the highlighted fields.
          </div>
        )}
        <TextField
          label="Name"
          name="name"
          autoFocus
          placeholder="e.g. Spring trade show"
          data-testid="campaign-name"
          value={input.name}
          error={fe("name")}
          onChange={(v) => set("name", v)}
        />
        <div className="grid-2">
          <Field label="Type" error={fe("kind")}>
            {(a11y) => (
              <select
                {...a11y}
                className="input"
                data-testid="campaign-kind"
                value={input.kind ?? "email"}
                onChange={(e) => set("kind", e.target.value as CampaignKind)}
              >
                {Object.entries(CAMPAIGN_KINDS).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Status" error={fe("status")}>
            {(a11y) => (
              <select
                {...a11y}
                className="input"
                data-testid="campaign-status"
                value={input.status ?? "planned"}
                onChange={(e) => set("status", e.target.value as CampaignStatus)}
              >
                {Object.entries(CAMPAIGN_STATUSES).map(([k, label]) => (
                  <option key={k} value={k}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <TextField
            label="Starts on"
            name="starts_on"
            type="date"
            data-testid="campaign-starts"
            value={input.starts_on}
            error={fe("starts_on")}
            onChange={(v) => set("starts_on", v || null)}
          />
          <TextField
            label="Ends on"
            name="ends_on"
            type="date"
            data-testid="campaign-ends"
            value={input.ends_on}
            error={fe("ends_on")}
            onChange={(v) => set("ends_on", v || null)}
          />
          <TextField
            label="Currency"
            name="currency"
            maxLength={3}
            data-testid="campaign-currency"
            value={input.currency}
            error={fe("currency")}
            onChange={(v) => set("currency", v.toUpperCase())}
          />
          {amount("budget", "Budget", "campaign-budget")}
          {amount("actual_cost", "Actual cost", "campaign-cost")}
          {amount("expected_revenue", "Expected revenue", "campaign-expected")}
        </div>
        <OwnerSelect value={input.owner_id} error={fe("owner_id")} onChange={(v) => set("owner_id", v)} />
        <Field label="Description" error={fe("description")}>
          {(a11y) => (
            <textarea
              {...a11y}
              className="input"
              rows={3}
              data-testid="campaign-description"
              value={input.description ?? ""}
              onChange={(e) => set("description", e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose} disabled={save.isPending}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={save.isPending} data-testid="campaign-save">
            {save.isPending ? "Saving…" : campaign ? "Save campaign" : "Add campaign"}
          </button>
        </div>
      </form>
    </div>
  );
}
