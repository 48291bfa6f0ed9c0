import { useState, type FormEvent, type ReactNode } from "react";
import { Link, useLocation } from "wouter";

import type { ApiError } from "../lib/api";
import { useShortcut } from "../lib/useShortcut";
import { ErrorBanner, PageHead } from "./PageHead";

type Draft = { restored: boolean; clear: () => void; discard: () => void };

type Props = {
  title: string;
  /** Where Cancel, Esc and a discarded form go. */
  cancelTo: string;
  saving: boolean;
  onSave: () => void;
  error: ApiError | undefined;
  draft: Draft;
  testId: string;
  saveLabel: string;
  children: ReactNode;
};

/**
 * The frame of every edit form: title with Cancel and Save, Ctrl+S to save and Esc to
 * cancel, the restored-draft notice, the backend's error, and the form itself.
 */
export function FormFrame({ title, cancelTo, saving, onSave, error, draft, testId, saveLabel, children }: Props) {
  const [, navigate] = useLocation();
  const [generation, setGeneration] = useState(0);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!saving) onSave();
  };
  useShortcut("s", submit);
  const cancel = (
    <Link className="btn" href={cancelTo} onClick={draft.clear}>
      Cancel
    </Link>
  );
  return (
    <>
      <PageHead title={title} sub="Ctrl+S saves, Esc cancels">
        {cancel}
        <button className="btn primary" onClick={() => submit()} disabled={saving} data-testid="save">
          {saving ? "Saving…" : "Save"}
        </button>
      </PageHead>
      <div
        className="page-body"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            draft.clear();
            navigate(cancelTo);
          }
        }}
      >
        {/* A discarded draft remounts the form, so inputs holding their own text reset too. */}
        <form className="form" key={generation} onSubmit={submit} noValidate data-testid={testId}>
          {draft.restored && (
            <div className="banner ok" role="status" data-testid="draft-restored">
              <span>Restored the changes you had not saved yet.</span>
              <span className="spacer" />
              <button
                type="button"
                className="btn"
                onClick={() => {
                  draft.discard();
                  setGeneration((g) => g + 1);
                }}
              >
                Discard them
              </button>
            </div>
          )}
          {error && error.code !== "validation" && <ErrorBanner error={error} />}
          {error?.code === "validation" && (
            <div className="banner" role="alert">
              Please correct the highlighted fields.
            </div>
          )}
          {children}
          <div className="form-actions">
            {cancel}
            <button type="submit" className="btn primary" disabled={saving}>
              {saveLabel}
            </button>
          </div>
        </form>
      </div>
    </>
  );
}
