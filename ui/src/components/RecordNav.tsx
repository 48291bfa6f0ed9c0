import { Link } from "wouter";

import { useRecordNav } from "../lib/recordNav";

/** ‹ › buttons (and the J/K keys) to the previous and next record of the list. */
export function RecordNav({ entity, id }: { entity: string; id: string }) {
  const { prev, next } = useRecordNav(entity, id);
  if (!prev && !next) return null;
  return (
    <span className="record-nav">
      {prev ? (
        <Link className="btn" href={`/${entity}/${prev}`} title="Previous (K)" aria-label="Previous record" data-testid="prev-record">
          ‹
        </Link>
      ) : (
        <button className="btn" disabled aria-label="Previous record">
          ‹
        </button>
      )}
      {next ? (
        <Link className="btn" href={`/${entity}/${next}`} title="Next (J)" aria-label="Next record" data-testid="next-record">
          ›
        </Link>
      ) : (
        <button className="btn" disabled aria-label="Next record">
          ›
        </button>
      )}
    </span>
  );
}
