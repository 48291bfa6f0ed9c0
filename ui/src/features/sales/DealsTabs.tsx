import { ViewTabs } from "../../components/ViewTabs";

const TABS = [
  { href: "/deals", label: "Board", testId: "deals-tab-board" },
  { href: "/deals/list", label: "List", testId: "deals-tab-list" },
  { href: "/deals/forecast", label: "Forecast", testId: "deals-tab-forecast" },
];

/** Board | List | Forecast, in the head of every deals screen. */
export function DealsTabs() {
  return <ViewTabs label="Deals views" tabs={TABS} />;
}
