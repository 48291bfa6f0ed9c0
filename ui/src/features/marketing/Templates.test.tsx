import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, type EmailTemplate } from "../../lib/api";
import { TemplatePage } from "./Templates";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      contacts: { list: vi.fn() },
      marketing: {
        templates: { list: vi.fn(), create: vi.fn(), update: vi.fn(), remove: vi.fn(), preview: vi.fn(), mergeFields: vi.fn() },
      },
    },
  };
});

const t = api.marketing.templates;
const template: EmailTemplate = {
  id: "t1",
  name: "Spring offer",
  subject: "Our offer",
  body: "Hello !",
  created_at: "2026-11-20T09:00:00Z",
  updated_at: "2026-11-20T09:00:00Z",
};

function renderIt(id?: string) {
  const location = memoryLocation({ path: id ? `/marketing/templates/${id}` : "/marketing/templates/new", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <TemplatePage id={id} />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return location;
}

describe("the template editor", () => {
  beforeEach(() => {
    vi.mocked(t.list).mockReset().mockResolvedValue([template]);
    vi.mocked(t.mergeFields).mockReset().mockResolvedValue([
      { key: "first_name", label: "First name (a lead's first word of its name)" },
      { key: "company", label: "Company" },
    ]);
    vi.mocked(t.update).mockReset().mockImplementation(async (_id, input) => ({ ...template, ...input }));
    vi.mocked(t.preview).mockReset();
    vi.mocked(api.contacts.list).mockReset().mockResolvedValue({
      items: [{ id: "c1", first_name: "Ada", last_name: "Lovelace", account_name: "Acme" }],
      total: 1,
      next: null,
    } as never);
  });

  it("inserts a merge field at the cursor and saves", async () => {
    renderIt("t1");
    const body = (await screen.findByTestId("template-body")) as HTMLTextAreaElement;
    expect(body).toHaveValue("Hello !");
    body.focus();
    body.setSelectionRange(6, 6);
    fireEvent.click(await screen.findByTestId("merge-field-first_name"));
    expect(body).toHaveValue("Hello {{first_name}}!");
    expect(screen.getByTestId("merge-field-first_name")).toHaveTextContent("First name");

    const subject = screen.getByTestId("template-subject") as HTMLInputElement;
    subject.focus();
    subject.setSelectionRange(0, 0);
    fireEvent.click(screen.getByTestId("merge-field-company"));
    expect(subject).toHaveValue("{{company}}Our offer");

    await userEvent.click(screen.getByTestId("template-save"));
    await waitFor(() =>
      expect(t.update).toHaveBeenCalledWith("t1", { name: "Spring offer", subject: "{{company}}Our offer", body: "Hello {{first_name}}!" }),
    );
  });

  it("previews the template for a contact, warning when they would not get it", async () => {
    vi.mocked(t.preview).mockResolvedValue({
      to_name: "Ada Lovelace",
      to_address: null,
      subject: "Our offer",
      text: "Hello Ada!",
      html: "<p>Hello Ada!</p>",
      skip_reason: "has no e-mail address",
    });
    renderIt("t1");
    await userEvent.click(await screen.findByTestId("contact-search"));
    await userEvent.click(await screen.findByTestId("contact-option"));
    const preview = await screen.findByTestId("template-preview");
    expect(t.preview).toHaveBeenCalledWith("t1", "contacts", "c1");
    expect(preview).toHaveTextContent("Hello Ada!");
    expect(screen.getByTestId("template-preview-subject")).toHaveTextContent("Our offer");
    expect(screen.getByTestId("template-preview-skip")).toHaveTextContent("has no e-mail address");
    await userEvent.click(screen.getByTestId("template-preview-html-toggle"));
    const frame = screen.getByTestId("template-preview-html");
    expect(frame).toHaveAttribute("sandbox", "");
    expect(frame).toHaveAttribute("srcdoc", "<p>Hello Ada!</p>");
  });
});
