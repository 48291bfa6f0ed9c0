import { Link, useLocation } from "wouter";

import "../styles/deals.css";

const TABS = [
  { href: "/leads", label: "List", testId: "leads-tab-list" },
  { href: "/leads/board", label: "Board", testId: "leads-tab-board" },
];

/** List | Board, in the head of the leads screens. */
export function LeadsTabs() {
  const [location] = useLocation();
  return (
    <nav className="seg" aria-label="Leads views">
      {TABS.map((t) => {
        const active = location === t.href;
        return (
          <Link
            key={t.href}
            href={t.href}
            className={`seg-item${active ? " active" : ""}`}
            aria-current={active ? "page" : undefined}
            data-testid={t.testId}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
