import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import { Link, useLocation } from "wouter";

import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ContactChooser } from "../people/PeoplePickers";
import { Field, TextField } from "../../components/Field";
import { MarketingPage, Problem } from "./MarketingPage";
import { useNotify } from "../../components/Toasts";
import { api, ApiError, type EmailTemplate, type EmailTemplateInput } from "../../lib/api";
import { formatDate } from "../../lib/format";
import { countOf, insertAt, shortLabel } from "./marketing";
import "../../styles/deals.css";
import { qk } from "../../lib/queryKeys";


/** Every e-mail template. */
export function Templates() {
  const [, navigate] = useLocation();
  const templates = useQuery({ queryKey: qk.marketing.templates.list, queryFn: api.marketing.templates.list });
  const rows = templates.data ?? [];
  const newButton = (
    <Link className="btn primary" href="/marketing/templates/new" data-testid="new-template">
      + New template
    </Link>
  );
  const open = (t: EmailTemplate) => navigate(`/marketing/templates/${t.id}`);
  return (
    <MarketingPage
      title="E-mail templates"
      sub={templates.data ? `${countOf(rows.length, ["template", "templates"])}: the messages promotions and sequences send` : " "}
      actions={newButton}
      testId="templates-screen"
    >
      <Problem error={templates.error} />
      {!templates.data && !templates.error && <p className="muted">Loading…</p>}
      {templates.data && rows.length === 0 && (
        <div className="empty" data-testid="templates-empty">
          <h2>No templates yet</h2>
          <p className="muted">Write a message once, with merge fields such as {"{{first_name}}"}, and send it to a whole segment or as a sequence step.</p>
          {newButton}
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-card">
          <table className="list mk-table" data-testid="template-list">
            <thead>
              <tr>
                <th style={{ width: "30%" }}>Template</th>
                <th>Subject</th>
                <th style={{ width: 150 }}>Changed</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((t) => (
                <tr
                  key={t.id}
                  tabIndex={0}
                  data-testid="template-row"
                  data-name={t.name}
                  onClick={() => open(t)}
                  onKeyDown={(e) => e.key === "Enter" && open(t)}
                >
                  <td>
                    <strong>{t.name}</strong>
                  </td>
                  <td>{t.subject}</td>
                  <td>{formatDate(t.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </MarketingPage>
  );
}

/** `/marketing/templates/new` and `/marketing/templates/:id`. */
export function TemplatePage({ id }: { id?: string }) {
  const templates = useQuery({ queryKey: qk.marketing.templates.list, queryFn: api.marketing.templates.list, enabled: Boolean(id) });
  if (!id) return <TemplateEditor template={null} />;
  const t = templates.data?.find((x) => x.id === id);
  if (templates.error || (templates.data && !t)) {
    return (
      <MarketingPage title="Template">
        <Problem error={templates.error ?? "This template no longer exists."} />
        <Link href="/marketing/templates">← Back to templates</Link>
      </MarketingPage>
    );
  }
  if (!t) {
    return (
      <MarketingPage title="Template">
        <p className="muted">Loading…</p>
      </MarketingPage>
    );
  }
  return <TemplateEditor key={t.id} template={t} />;
}

type Target = "subject" | "body";

function TemplateEditor({ template }: { template: EmailTemplate | null }) {
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const notify = useNotify();
  const [input, setInput] = useState<EmailTemplateInput>({
    name: template?.name ?? "",
    subject: template?.subject ?? "",
    body: template?.body ?? "",
  });
  const set = <K extends keyof EmailTemplateInput>(key: K, value: EmailTemplateInput[K]) => setInput((p) => ({ ...p, [key]: value }));
  const dirty = !template || input.name !== template.name || input.subject !== template.subject || input.body !== template.body;
  const mergeFields = useQuery({ queryKey: qk.marketing.mergeFields, queryFn: api.marketing.templates.mergeFields });
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  // Where a merge field goes: the subject or the body, whichever had the cursor last.
  const target = useRef<Target>("body");

  const insertField = (key: string) => {
    const el = target.current === "subject" ? subjectRef.current : bodyRef.current;
    const current = input[target.current];
    const start = el?.selectionStart ?? current.length;
    const end = el?.selectionEnd ?? current.length;
    const next = insertAt(current, `{{${key}}}`, start, end);
    set(target.current, next.text);
    // Put the cursor after the field once React has written the new text.
    requestAnimationFrame(() => {
      if (!el) return;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  };

  const save = useMutation({
    mutationFn: () => {
      const value = { name: input.name.trim(), subject: input.subject.trim(), body: input.body };
      return template ? api.marketing.templates.update(template.id, value) : api.marketing.templates.create(value);
    },
    onSuccess: async (t) => {
      await client.invalidateQueries({ queryKey: qk.marketing.all });
      notify(`Saved the template ${t.name}`);
      if (!template) navigate(`/marketing/templates/${t.id}`);
    },
  });
  const [deleting, setDeleting] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.marketing.templates.remove(template?.id ?? ""),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: qk.marketing.all });
      notify(`Deleted the template ${template?.name ?? ""}`.trim());
      navigate("/marketing/templates");
    },
    onError: () => setDeleting(false),
  });
  const err = save.error instanceof ApiError ? save.error : undefined;
  const fe = (name: string) => err?.field(name);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!save.isPending) save.mutate();
  };

  return (
    <MarketingPage
      title={template ? template.name : "New template"}
      sub={dirty && template ? "Changes not saved yet" : "Plain text with merge fields; an HTML part is made from it when sent"}
      testId="template-editor"
      actions={
        <>
          <Link className="btn" href="/marketing/templates">
            {template ? "← All templates" : "Cancel"}
          </Link>
          {template && (
            <button className="btn danger" onClick={() => setDeleting(true)} data-testid="template-delete">
              Delete
            </button>
          )}
          <button className="btn primary" onClick={() => submit()} disabled={save.isPending} data-testid="template-save">
            {save.isPending ? "Saving…" : template ? "Save template" : "Create template"}
          </button>
        </>
      }
    >
      {err && err.code !== "validation" && <Problem error={err} />}
      {err?.code === "validation" && (
        <div className="banner" role="alert">
          Please correct the highlighted fields.
        </div>
      )}
      <Problem error={remove.error} />
      <div className="mk-editor">
        <form className="form-section" onSubmit={submit} noValidate aria-label="Template">
          <TextField
            label="Name"
            name="name"
            autoFocus={!template}
            placeholder="e.g. Spring offer"
            data-testid="template-name"
            value={input.name}
            error={fe("name")}
            onChange={(v) => set("name", v)}
          />
          <Field label="Subject" error={fe("subject")}>
            {(a11y) => (
              <input
                {...a11y}
                ref={subjectRef}
                className="input"
                name="subject"
                placeholder="e.g. {{first_name}}, our spring offer"
                data-testid="template-subject"
                value={input.subject}
                onFocus={() => (target.current = "subject")}
                onChange={(e) => set("subject", e.target.value)}
              />
            )}
          </Field>
          <div className="field">
            <span>Merge fields (inserted where the cursor is)</span>
            <div className="mk-merge" data-testid="merge-fields">
              <Problem error={mergeFields.error} />
              {mergeFields.data?.map((f) => (
                <button
                  key={f.key}
                  type="button"
                  className="btn"
                  title={`${f.label}: {{${f.key}}}`}
                  data-testid={`merge-field-${f.key}`}
                  // Keep the cursor (and selection) where it is in the text.
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => insertField(f.key)}
                >
                  {shortLabel(f.label)}
                </button>
              ))}
            </div>
          </div>
          <Field label="Message" error={fe("body")}>
            {(a11y) => (
              <textarea
                {...a11y}
                ref={bodyRef}
                className="input mk-body"
                name="body"
                spellCheck
                placeholder={"Hello {{first_name|there}},\n\n…"}
                data-testid="template-body"
                value={input.body}
                onFocus={() => (target.current = "body")}
                onChange={(e) => set("body", e.target.value)}
              />
            )}
          </Field>
          <p className="muted small" style={{ marginTop: -4 }}>
            {"{{first_name|there}}"} uses “there” when the record has no first name. Blank lines start new paragraphs; links become
            clickable.
          </p>
        </form>
        <TemplatePreview template={template} dirty={dirty} />
      </div>
      {deleting && template && (
        <ConfirmDialog
          title={`Delete ${template.name}?`}
          confirmLabel="Delete template"
          busy={remove.isPending}
          error={remove.error}
          onCancel={() => setDeleting(false)}
          onConfirm={() => remove.mutate()}
        >
          Messages already queued or sent keep their text. A template that a sequence or promotion uses cannot be deleted.
        </ConfirmDialog>
      )}
    </MarketingPage>
  );
}

/** The saved template filled for a real contact, as they would get it. */
function TemplatePreview({ template, dirty }: { template: EmailTemplate | null; dirty: boolean }) {
  const [contact, setContact] = useState<{ id: string; name: string } | null>(null);
  const [html, setHtml] = useState(false);
  const preview = useQuery({
    queryKey: qk.marketing.templates.preview(template?.id, template?.updated_at, contact?.id),
    queryFn: () => api.marketing.templates.preview(template?.id ?? "", "contacts", contact?.id ?? ""),
    enabled: Boolean(template && contact),
    staleTime: 0,
  });
  const r = preview.data;
  return (
    <section className="form-section" aria-label="Preview">
      <h2>Preview</h2>
      {!template ? (
        <p className="muted">Create the template, then pick a contact here to see it as they would get it.</p>
      ) : (
        <>
          <Field label="As sent to">
            {(a11y) => <ContactChooser a11y={a11y} value={contact} onChange={(c) => setContact(c ? { id: c.id, name: c.name } : null)} />}
          </Field>
          {dirty && <p className="mk-note small">The preview shows the saved template: save to see your changes here.</p>}
          {!contact && <p className="muted">Pick a contact to fill the merge fields with their details.</p>}
          <Problem error={preview.error} />
          {contact && !r && !preview.error && <p className="muted">Loading…</p>}
          {r && (
            <div data-testid="template-preview">
              {r.skip_reason && (
                <div className="banner warn" role="status" data-testid="template-preview-skip">
                  {contact?.name ?? "This contact"} would not get it: {r.skip_reason}.
                </div>
              )}
              <div className="mk-message">
                <dl>
                  <dt>To</dt>
                  <dd data-testid="template-preview-to">
                    {r.to_name}
                    {r.to_address ? ` <${r.to_address}>` : <span className="muted"> (no e-mail address)</span>}
                  </dd>
                  <dt>Subject</dt>
                  <dd data-testid="template-preview-subject">
                    <strong>{r.subject}</strong>
                  </dd>
                </dl>
                {html ? (
                  <iframe title="The HTML part of the message" sandbox="" srcDoc={r.html} data-testid="template-preview-html" />
                ) : (
                  <pre data-testid="template-preview-text">{r.text}</pre>
                )}
              </div>
              <label className="check-filter" style={{ marginTop: 8 }}>
                <input type="checkbox" checked={html} onChange={(e) => setHtml(e.target.checked)} data-testid="template-preview-html-toggle" />
                Show the HTML part
              </label>
            </div>
          )}
        </>
      )}
    </section>
  );
}
