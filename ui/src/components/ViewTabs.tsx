import { Link, useLocation } from "wouter";

import "../styles/deals.css";

export interface ViewTab {
  href: string;
  label: string;
  testId: string;
}

/** The segmented switch between the views of one kind of record (Board | List | ...). */
export function ViewTabs({ label, tabs }: { label: string; tabs: ViewTab[] }) {
  const [location] = useLocation();
  return (
    <nav className="seg" aria-label={label}>
      {tabs.map((t) => {
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
