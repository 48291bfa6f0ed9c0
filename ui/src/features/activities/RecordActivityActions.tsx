import { useState } from "react";

import { api, toApiError } from "../../lib/api";
import { icsExportMessage } from "./calendar";
import { useKey } from "../../lib/useShortcut";
import { useActivityDialog } from "./ActivityDialog";
import { useNotify } from "../../components/Toasts";

/** A file name from a record's name: "Ada Lovelace.ics". */
export function icsNameFor(name: string): string {
  const clean = name.replace(/[\\/:*?"<>|]+/g, " ").replace(/\s+/g, " ").trim();
  return `${clean || "activities"}.ics`;
}

/**
 * The activity actions of a record page: Log activity (also the `l` key), Schedule, and
 * Export .ics of the record's activities.
 */
export function RecordActivityActions({ entity, id, name }: { entity: "contacts" | "accounts" | "leads"; id: string; name: string }) {
  const openDialog = useActivityDialog();
  const notify = useNotify();
  const [exporting, setExporting] = useState(false);
  const links = [{ entity, id, name }];
  const log = () => openDialog({ mode: "log", kind: "call", links });
  useKey("l", log);

  const exportIcs = async () => {
    setExporting(true);
    try {
      const report = await api.exportIcs({ record: { entity, id }, from: null, to: null }, icsNameFor(name));
      if (report) {
        const { text, kind } = icsExportMessage(report);
        notify(text, kind);
      }
    } catch (e) {
      notify(toApiError(e).message, "error");
    } finally {
      setExporting(false);
    }
  };

  return (
    <>
      <button className="btn primary" onClick={log} data-testid="log-activity" title="Log a call, e-mail or note (L)">
        + Log activity <kbd className="kbd">L</kbd>
      </button>
      <button
        className="btn"
        onClick={() => openDialog({ mode: "schedule", kind: entity === "accounts" ? "meeting" : "task", links })}
        data-testid="schedule-activity"
      >
        Schedule
      </button>
      <button className="btn" onClick={() => void exportIcs()} disabled={exporting} data-testid="export-ics" title="Export this record's activities as an iCalendar file">
        Export .ics
      </button>
    </>
  );
}
