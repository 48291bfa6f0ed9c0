import { Link, useLocation } from "wouter";

const TABS = [
  { href: "/deals", label: "Board", testId: "deals-tab-board" },
  { href: "/deals/list", label: "List", testId: "deals-tab-list" },
  { href: "/deals/forecast", label: "Forecast", testId: "deals-tab-forecast" },
];

/** Board | List | Forecast, in the head of every deals screen. */
export function DealsTabs() {
  const [location] = useLocation();
  return (
    <nav className="seg" aria-label="Deals views">
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
