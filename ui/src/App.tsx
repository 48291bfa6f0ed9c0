import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState, type ReactNode } from "react";
import { Link, Redirect, Route, Router, Switch, useLocation, useRoute } from "wouter";
import { useHashLocation } from "wouter/use-hash-location";

import { ActivityDialogProvider } from "./features/activities/ActivityDialog";
import { CommandPalette } from "./components/CommandPalette";
import { RemindersBell } from "./features/activities/Reminders";
import { ToastProvider } from "./components/Toasts";
import { api } from "./lib/api";
import { formatNumber } from "./lib/format";
import "./styles/tickets.css";
import logo from "./logo.svg";
import { AccountDetail } from "./features/people/AccountDetail";
import { AccountFormPage } from "./features/people/AccountForm";
import { AccountsList } from "./features/people/AccountsList";
import { CalendarScreen } from "./features/activities/CalendarScreen";
import { Board } from "./features/sales/Board";
import { DealDetail } from "./features/sales/DealDetail";
import { DealFormPage } from "./features/sales/DealForm";
import { DealsList } from "./features/sales/DealsList";
import { Forecast } from "./features/sales/Forecast";
import { CallListDetail } from "./features/people/CallListDetail";
import { CallLists } from "./features/people/CallLists";
import { CallQueue } from "./features/people/CallQueue";
import { LeadDetail } from "./features/people/LeadDetail";
import { LeadFormPage } from "./features/people/LeadForm";
import { LeadsBoard } from "./features/people/LeadsBoard";
import { LeadsList } from "./features/people/LeadsList";
import { PipelineSettings } from "./features/sales/PipelineSettings";
import { ContactDetail } from "./features/people/ContactDetail";
import { ContactFormPage } from "./features/people/ContactForm";
import { ContactsList } from "./features/people/ContactsList";
import { Duplicates } from "./features/people/Duplicates";
import { Merge } from "./features/people/Merge";
import { MergeAccounts } from "./features/people/MergeAccounts";
import { Data } from "./features/data/Data";
import { History } from "./features/history/History";
import { useUndoShortcut } from "./features/history/useUndoShortcut";
import { DamagedFile } from "./features/data/DamagedFile";
import { UpdatingFile, statusInterval } from "./features/data/UpdatingFile";
import { HealthBanner } from "./components/HealthBanner";
import { Settings } from "./features/settings/Settings";
import { TicketDetail } from "./features/service/TicketDetail";
import { TicketFormPage } from "./features/service/TicketForm";
import { TicketsList } from "./features/service/TicketsList";
import { Today } from "./features/activities/Today";
import { DocumentPage } from "./features/sales/DocumentPage";
import { DocumentsList } from "./features/sales/DocumentsList";
import { Products } from "./features/sales/Products";

import { EditQuotePage, NewQuotePage } from "./features/sales/QuoteEditor";
import { useOutsideChanges } from "./lib/outsideChanges";
import { qk } from "./lib/queryKeys";

// The charts library is large: load the analytics screens (and it) on first use.
const Dashboard = lazy(() => import("./features/insight/Dashboard").then((m) => ({ default: m.Dashboard })));
const Reports = lazy(() => import("./features/insight/Reports").then((m) => ({ default: m.Reports })));
// Marketing is used now and then: load its screens on first use too.
const Campaigns = lazy(() => import("./features/marketing/Campaigns").then((m) => ({ default: m.Campaigns })));
const CampaignDetail = lazy(() => import("./features/marketing/Campaigns").then((m) => ({ default: m.CampaignDetail })));
const Segments = lazy(() => import("./features/marketing/Segments").then((m) => ({ default: m.Segments })));
const SegmentPage = lazy(() => import("./features/marketing/Segments").then((m) => ({ default: m.SegmentPage })));
const Templates = lazy(() => import("./features/marketing/Templates").then((m) => ({ default: m.Templates })));
const TemplatePage = lazy(() => import("./features/marketing/Templates").then((m) => ({ default: m.TemplatePage })));
const Sequences = lazy(() => import("./features/marketing/Sequences").then((m) => ({ default: m.Sequences })));
const SequenceDetail = lazy(() => import("./features/marketing/Sequences").then((m) => ({ default: m.SequenceDetail })));
const SequenceEditPage = lazy(() => import("./features/marketing/Sequences").then((m) => ({ default: m.SequenceEditPage })));
const Promotions = lazy(() => import("./features/marketing/Promotions").then((m) => ({ default: m.Promotions })));
const NewPromotion = lazy(() => import("./features/marketing/Promotions").then((m) => ({ default: m.NewPromotion })));
const PromotionDetail = lazy(() => import("./features/marketing/Promotions").then((m) => ({ default: m.PromotionDetail })));
const Outbox = lazy(() => import("./features/marketing/Outbox").then((m) => ({ default: m.Outbox })));

/** A screen loaded on first use, with a quiet placeholder meanwhile. */
function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={<div className="page-body muted">Loading…</div>}>{children}</Suspense>;
}

const queryClient = new QueryClient({
  defaultOptions: {
    // Data is local: refetch after writes (by invalidation), never on focus or by timer.
    queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: false },
    mutations: { retry: false },
  },
});

function NavLink({ href, children, testId, also = [] }: { href: string; children: ReactNode; testId: string; also?: string[] }) {
  const [active] = useRoute(`${href.replace(/\?.*$/, "")}/*?`);
  const [location] = useLocation();
  const alsoActive = also.some((prefix) => location === prefix || location.startsWith(`${prefix}/`));
  return (
    <Link href={href} className={`nav-link${active || alsoActive ? " active" : ""}`} data-testid={testId}>
      {children}
    </Link>
  );
}

/** The Tickets link: open tickets, and a red count of breached ones. */
function TicketsNavLink() {
  const counts = useQuery({ queryKey: qk.tickets.counts, queryFn: api.tickets.counts });
  const c = counts.data;
  return (
    <NavLink href="/tickets" testId="nav-tickets">
      <span>Tickets</span>
      {c && (c.open > 0 || c.breached > 0) && (
        <span className="nav-badges">
          {c.breached > 0 && (
            <span className="badge-count" title={`${c.breached} breached`} data-testid="nav-tickets-breached">
              {formatNumber(c.breached)}
            </span>
          )}
          <span className="count-pill" title={`${c.open} open`} data-testid="nav-tickets-open">
            {formatNumber(c.open)}
          </span>
        </span>
      )}
    </NavLink>
  );
}

function Shell() {
  const status = useQuery({
    queryKey: qk.appStatus,
    queryFn: api.appStatus,
    // While the file is updated in the background, ask again every second.
    refetchInterval: (query) => statusInterval(query.state.data),
  });
  const [palette, setPalette] = useState(false);
  useUndoShortcut();
  useOutsideChanges();
  if (!status.data) {
    return status.error ? <div className="fatal">{String(status.error)}</div> : null;
  }
  if (status.data.open_error?.code === "updating") {
    return <UpdatingFile status={status.data} />;
  }
  if (status.data.open_error) {
    return <DamagedFile status={status.data} />;
  }
  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <img src={logo} alt="" />
          Rapport
        </div>
        <button className="kbd-hint" onClick={() => setPalette(true)} data-testid="open-palette">
          Search… <kbd>Ctrl K</kbd>
        </button>
        <NavLink href="/dashboard" testId="nav-dashboard" also={["/reports"]}>
          Dashboard
        </NavLink>
        <NavLink href="/today" testId="nav-today">
          Today
        </NavLink>
        <NavLink href="/calendar" testId="nav-calendar">
          Calendar
        </NavLink>
        <RemindersBell />
        <div className="nav-sep" />
        <NavLink href="/contacts" testId="nav-contacts">
          Contacts
        </NavLink>
        <NavLink href="/accounts" testId="nav-accounts">
          Accounts
        </NavLink>
        <NavLink href="/leads" testId="nav-leads">
          Leads
        </NavLink>
        <NavLink href="/calllists" testId="nav-calllists">
          Call lists
        </NavLink>
        <NavLink href="/deals" testId="nav-deals">
          Deals
        </NavLink>
        <div className="nav-sep" />
        <TicketsNavLink />
        <div className="nav-sep" />
        <div className="nav-group" data-testid="nav-group-sales">
          Sales
        </div>
        <NavLink href="/products" testId="nav-products">
          Products
        </NavLink>
        {/* The trailing "?" clears a query left in the address (a tab, a deal to quote for). */}
        <NavLink href="/invoices?" testId="nav-invoices" also={["/documents", "/quotes"]}>
          Invoices
        </NavLink>
        <div className="nav-sep" />
        <NavLink href="/marketing" testId="nav-marketing">
          Marketing
        </NavLink>
        <div className="nav-sep" />
        <NavLink href="/duplicates" testId="nav-duplicates">
          Duplicates
        </NavLink>
        <NavLink href="/history" testId="nav-history">
          History
        </NavLink>
        <NavLink href="/data" testId="nav-data">
          Data
        </NavLink>
        <NavLink href="/settings" testId="nav-settings">
          Settings
        </NavLink>
        <div className="sidebar-foot" title={status.data?.db_path}>
          {status.data && (
            <>
              {status.data.db_path}
              <br />
              Rapport {status.data.version}
            </>
          )}
        </div>
      </nav>
      <main className="main">
        <HealthBanner />
        <Switch>
          <Route path="/dashboard">
            <Suspense fallback={<div className="page-body muted">Loading…</div>}>
              <Dashboard />
            </Suspense>
          </Route>
          <Route path="/reports">
            <Suspense fallback={<div className="page-body muted">Loading…</div>}>
              <Reports />
            </Suspense>
          </Route>
          <Route path="/today" component={Today} />
          <Route path="/calendar" component={CalendarScreen} />
          <Route path="/contacts" component={ContactsList} />
          <Route path="/contacts/new">{() => <ContactFormPage />}</Route>
          <Route path="/contacts/:id/edit">{(p) => <ContactFormPage id={p.id} />}</Route>
          <Route path="/contacts/:id">{(p) => <ContactDetail key={p.id} id={p.id} />}</Route>
          <Route path="/accounts" component={AccountsList} />
          <Route path="/accounts/new">{() => <AccountFormPage />}</Route>
          <Route path="/accounts/:id/edit">{(p) => <AccountFormPage id={p.id} />}</Route>
          <Route path="/accounts/:id">{(p) => <AccountDetail key={p.id} id={p.id} />}</Route>
          <Route path="/leads" component={LeadsList} />
          <Route path="/leads/board" component={LeadsBoard} />
          <Route path="/leads/new">{() => <LeadFormPage />}</Route>
          <Route path="/leads/:id/edit">{(p) => <LeadFormPage id={p.id} />}</Route>
          <Route path="/leads/:id">{(p) => <LeadDetail key={p.id} id={p.id} />}</Route>
          <Route path="/calllists" component={CallLists} />
          <Route path="/calllists/:id/call">{(p) => <CallQueue key={p.id} listId={p.id} />}</Route>
          <Route path="/calllists/:id">{(p) => <CallListDetail key={p.id} id={p.id} />}</Route>
          <Route path="/deals" component={Board} />
          <Route path="/deals/list" component={DealsList} />
          <Route path="/deals/forecast" component={Forecast} />
          <Route path="/deals/new">{() => <DealFormPage />}</Route>
          <Route path="/deals/:id/edit">{(p) => <DealFormPage id={p.id} />}</Route>
          <Route path="/deals/:id">{(p) => <DealDetail key={p.id} id={p.id} />}</Route>
          <Route path="/tickets" component={TicketsList} />
          <Route path="/tickets/new">{() => <TicketFormPage />}</Route>
          <Route path="/tickets/:id/edit">{(p) => <TicketFormPage id={p.id} />}</Route>
          <Route path="/tickets/:id">{(p) => <TicketDetail key={p.id} id={p.id} />}</Route>
          <Route path="/products" component={Products} />
          <Route path="/invoices" component={DocumentsList} />
          <Route path="/quotes/new">{() => <NewQuotePage />}</Route>
          <Route path="/documents/:id/edit">{(p) => <EditQuotePage key={p.id} id={p.id} />}</Route>
          <Route path="/documents/:id/revise">{(p) => <EditQuotePage key={`${p.id}-r`} id={p.id} revise />}</Route>
          <Route path="/documents/:id">{(p) => <DocumentPage key={p.id} id={p.id} />}</Route>
          <Route path="/marketing">
            <Redirect to="/marketing/campaigns" replace />
          </Route>
          <Route path="/marketing/campaigns">
            <Lazy>
              <Campaigns />
            </Lazy>
          </Route>
          <Route path="/marketing/campaigns/:id">
            {(p) => (
              <Lazy>
                <CampaignDetail key={p.id} id={p.id} />
              </Lazy>
            )}
          </Route>
          <Route path="/marketing/segments">
            <Lazy>
              <Segments />
            </Lazy>
          </Route>
          <Route path="/marketing/segments/new">
            <Lazy>
              <SegmentPage key="new" />
            </Lazy>
          </Route>
          <Route path="/marketing/segments/:id">
            {(p) => (
              <Lazy>
                <SegmentPage key={p.id} id={p.id} />
              </Lazy>
            )}
          </Route>
          <Route path="/marketing/templates">
            <Lazy>
              <Templates />
            </Lazy>
          </Route>
          <Route path="/marketing/templates/new">
            <Lazy>
              <TemplatePage key="new" />
            </Lazy>
          </Route>
          <Route path="/marketing/templates/:id">
            {(p) => (
              <Lazy>
                <TemplatePage key={p.id} id={p.id} />
              </Lazy>
            )}
          </Route>
          <Route path="/marketing/sequences">
            <Lazy>
              <Sequences />
            </Lazy>
          </Route>
          <Route path="/marketing/sequences/new">
            <Lazy>
              <SequenceEditPage key="new" />
            </Lazy>
          </Route>
          <Route path="/marketing/sequences/:id/edit">
            {(p) => (
              <Lazy>
                <SequenceEditPage key={`${p.id}-edit`} id={p.id} />
              </Lazy>
            )}
          </Route>
          <Route path="/marketing/sequences/:id">
            {(p) => (
              <Lazy>
                <SequenceDetail key={p.id} id={p.id} />
              </Lazy>
            )}
          </Route>
          <Route path="/marketing/promotions">
            <Lazy>
              <Promotions />
            </Lazy>
          </Route>
          <Route path="/marketing/promotions/new">
            <Lazy>
              <NewPromotion />
            </Lazy>
          </Route>
          <Route path="/marketing/promotions/:id">
            {(p) => (
              <Lazy>
                <PromotionDetail key={p.id} id={p.id} />
              </Lazy>
            )}
          </Route>
          <Route path="/marketing/outbox">
            <Lazy>
              <Outbox />
            </Lazy>
          </Route>
          <Route path="/duplicates" component={Duplicates} />
          <Route path="/data" component={Data} />
          <Route path="/history" component={History} />
          <Route path="/settings" component={Settings} />
          <Route path="/settings/pipelines" component={PipelineSettings} />
          <Route path="/merge-accounts/:survivor/:other">
            {(p) => <MergeAccounts key={`${p.survivor}-${p.other}`} survivorId={p.survivor} otherId={p.other} />}
          </Route>
          <Route path="/merge/:survivor/:other">
            {(p) => <Merge key={`${p.survivor}-${p.other}`} survivorId={p.survivor} otherId={p.other} />}
          </Route>
          <Route>
            <Redirect to="/dashboard" />
          </Route>
        </Switch>
      </main>
      <CommandPalette open={palette} onOpenChange={setPalette} />
    </div>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <Router hook={useHashLocation}>
          <ActivityDialogProvider>
            <Shell />
          </ActivityDialogProvider>
        </Router>
      </ToastProvider>
    </QueryClientProvider>
  );
}
