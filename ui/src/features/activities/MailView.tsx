// An e-mail read from the mailbox, as it came: who wrote to whom, its files, and its HTML in a
// sandboxed frame where nothing runs and nothing loads from the network (senders use remote
// images to see when and where their mail is read).
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { api, type MailMessage } from "../../lib/api";
import { formatNumber } from "../../lib/format";
import { qk } from "../../lib/queryKeys";

/** Inside the frame: no script, no request of any kind; inline styles and embedded images only. */
const FRAME_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/** The stored HTML as the frame shows it: under a policy that loads nothing from outside. */
export function framed(html: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${FRAME_POLICY}"><base target="_blank"></head><body>${html}</body></html>`;
}

/** "12 KB", "3.4 MB". */
export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} KB`;
  return `${formatNumber(bytes / (1024 * 1024), 1)} MB`;
}

/** "Show the mail" under an e-mail activity; nothing for one typed in or sent by the outbox. */
export function MailView({ activityId }: { activityId: string }) {
  const [open, setOpen] = useState(false);
  const mail = useQuery({ queryKey: qk.mailbox.message(activityId), queryFn: () => api.mailbox.message(activityId), enabled: open });
  return (
    <div className="tl-mail">
      <button className="linklike small" onClick={() => setOpen((x) => !x)} data-testid="mail-show">
        {open ? "Hide the mail" : "Show the mail"}
      </button>
      {open && mail.data === null && <p className="muted small">This e-mail was logged in Rapport, not read from your mailbox.</p>}
      {open && mail.data && <MailDetails mail={mail.data} />}
    </div>
  );
}

function MailDetails({ mail }: { mail: MailMessage }) {
  const from = mail.from_name ? `${mail.from_name} <${mail.from_address ?? ""}>` : (mail.from_address ?? "unknown");
  return (
    <div className="mail-details" data-testid="mail-details">
      <dl className="mail-head">
        <dt>From</dt>
        <dd>{from}</dd>
        <dt>To</dt>
        <dd>{mail.to.join(", ") || "—"}</dd>
        {mail.cc.length > 0 && (
          <>
            <dt>Cc</dt>
            <dd>{mail.cc.join(", ")}</dd>
          </>
        )}
      </dl>
      {mail.automatic && <p className="muted small">Sent by the mailbox itself (an automatic reply or a delivery report).</p>}
      {mail.problems && <p className="muted small">Not all of it could be read: {mail.problems}.</p>}
      {mail.attachments.length > 0 && (
        <ul className="mail-files" data-testid="mail-attachments">
          {mail.attachments.map((a, i) => (
            <li key={`${a.name}-${i}`}>
              📎 {a.name} <span className="muted">({size(a.size)}, left on the mail server)</span>
            </li>
          ))}
        </ul>
      )}
      {mail.html ? (
        <>
          <iframe className="mail-frame" sandbox="" srcDoc={framed(mail.html)} title={`The mail “${mail.subject}” as it came`} data-testid="mail-frame" />
          <p className="muted small">Pictures from the internet are not loaded, so the sender cannot see that you read it.</p>
        </>
      ) : null}
    </div>
  );
}
