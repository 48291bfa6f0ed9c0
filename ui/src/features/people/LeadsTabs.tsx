import { ViewTabs } from "../../components/ViewTabs";

const TABS = [
  { href: "/leads", label: "List", testId: "leads-tab-list" },
  { href: "/leads/board", label: "Board", testId: "leads-tab-board" },
];

/** List | Board, in the head of the leads screens. */
export function LeadsTabs() {
  return <ViewTabs label="Leads views" tabs={TABS} />;
}
