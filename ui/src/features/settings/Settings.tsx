import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link } from "wouter";

import { TextField } from "../../components/Field";
import { FieldsEditor } from "./FieldsEditor";
import { LeadSources } from "../people/LeadSources";
import { CompanySettings, NumberingSettings } from "../sales/SalesSettings";
import { ServiceSettings } from "../service/ServiceSettings";
import { SmtpSettings } from "../marketing/SmtpSettings";
import { MailboxSettings } from "../marketing/MailboxSettings";
import { ErrorBanner, PageHead } from "../../components/PageHead";
import { useNotify } from "../../components/Toasts";
import { api, ApiError } from "../../lib/api";
import { qk } from "../../lib/queryKeys";

/** Settings kept in the data file: the team who own records. */
export function Settings() {
  const client = useQueryClient();
  const notify = useNotify();
  const team = useQuery({ queryKey: qk.team, queryFn: api.team.list });
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const add = useMutation({
    mutationFn: () => api.team.create({ name, email: email || null }),
    onSuccess: async (m) => {
      await client.invalidateQueries({ queryKey: qk.team });
      notify(`${m.name} joined the team`);
      setName("");
      setEmail("");
    },
  });
  const err = add.error instanceof ApiError ? add.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <>
      <PageHead title="Settings" sub="Stored in your data file, so they travel with it" />
      <div className="page-body">
        <ErrorBanner error={team.error} />
        <section className="form-section form">
          <h2>Team</h2>
          <p className="muted">The people who own accounts and contacts. They appear in every Owner list.</p>
          <ul className="dup-records" data-testid="team-list">
            {team.data?.map((m) => (
              <li key={m.id}>
                <strong>{m.name}</strong> {m.email && <span className="muted">· {m.email}</span>}
              </li>
            ))}
            {team.data?.length === 0 && <li className="muted">Nobody yet.</li>}
          </ul>
          <form className="grid-2" onSubmit={submit} noValidate>
            <TextField label="Name" name="team.name" value={name} error={err?.field("name")} onChange={setName} />
            <TextField label="E-mail" name="team.email" value={email} error={err?.field("email")} onChange={setEmail} />
            <div>
              <button type="submit" className="btn primary" disabled={add.isPending} data-testid="add-team-member">
                Add to team
              </button>
            </div>
          </form>
        </section>
        <section className="form-section form" data-testid="settings-pipelines">
          <h2>Deals</h2>
          <p className="muted">Pipeline stages, their probabilities, rotting limits and suggested tasks, and lost reasons.</p>
          <Link className="btn" href="/settings/pipelines" data-testid="edit-pipelines">
            Edit pipelines and stages
          </Link>
        </section>
        <CompanySettings />
        <NumberingSettings />
        <LeadSources />
        <ServiceSettings />
        <SmtpSettings />
        <MailboxSettings />
        <FieldsEditor entity="contacts" title="Contact fields" />
        <FieldsEditor entity="accounts" title="Account fields" />
        <FieldsEditor entity="opportunities" title="Deal fields" />
        <FieldsEditor entity="leads" title="Lead fields" />
        <FieldsEditor entity="tickets" title="Ticket fields" />
      </div>
    </>
  );
}
