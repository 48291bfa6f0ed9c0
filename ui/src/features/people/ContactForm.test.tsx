import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { ToastProvider } from "../../components/Toasts";
import { api, ApiError, type Contact } from "../../lib/api";
import { ContactFormPage } from "./ContactForm";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return {
    ...real,
    api: {
      accounts: { list: vi.fn(async () => ({ items: [], total: 0, next: null })) },
      team: { list: vi.fn(async () => []) },
      fields: { list: vi.fn(async () => []) },
      tags: vi.fn(async () => []),
      contacts: { create: vi.fn(), update: vi.fn(), get: vi.fn(), likelyDuplicates: vi.fn(async () => []) },
    },
  };
});

function renderForm() {
  const location = memoryLocation({ path: "/contacts/new", record: true });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const view = render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Router hook={location.hook}>
          <ContactFormPage />
        </Router>
      </ToastProvider>
    </QueryClientProvider>,
  );
  return Object.assign(location, { unmount: view.unmount });
}

describe("the contact form", () => {
  beforeEach(() => localStorage.clear());

  it("keeps unsaved input as a draft when the user navigates away, until it is discarded", async () => {
    const first = renderForm();
    await userEvent.type(screen.getByLabelText("First name"), "Half-typed");
    first.unmount();
    renderForm();
    expect(await screen.findByTestId("draft-restored")).toBeInTheDocument();
    expect(screen.getByLabelText("First name")).toHaveValue("Half-typed");
    await userEvent.click(screen.getByRole("button", { name: "Discard them" }));
    expect(screen.getByLabelText("First name")).toHaveValue("");
    expect(screen.queryByTestId("draft-restored")).not.toBeInTheDocument();
  });

  it("shows each backend validation message under its own field", async () => {
    const invalid = new ApiError({
        code: "validation",
        message: "first_name: enter a first or a last name; emails.0.address: \"x\" is not an e-mail address",
        fields: [
          { field: "first_name", message: "enter a first or a last name" },
          { field: "emails.0.address", message: '"x" is not an e-mail address' },
        ],
    });
    vi.mocked(api.contacts.create).mockRejectedValueOnce(invalid);
    renderForm();
    await userEvent.type(screen.getByLabelText("E-mail 1"), "x");
    await userEvent.click(screen.getByRole("button", { name: "Add contact" }));
    expect(await screen.findByText("enter a first or a last name")).toBeInTheDocument();
    expect(screen.getByText('"x" is not an e-mail address')).toBeInTheDocument();
    expect(screen.getByLabelText("First name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("E-mail 1")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByLabelText("Last name")).toHaveAttribute("aria-invalid", "false");
  });

  it("sends what was typed, without the blank spare rows, and opens the new contact", async () => {
    const saved = { id: "0193-c", first_name: "Ada", last_name: "Lovelace" } as Contact;
    vi.mocked(api.contacts.create).mockResolvedValueOnce(saved);
    const location = renderForm();
    await userEvent.type(screen.getByLabelText("First name"), "Ada");
    await userEvent.type(screen.getByLabelText("Last name"), "Lovelace");
    await userEvent.type(screen.getByLabelText("E-mail 1"), "ada@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Add contact" }));

    await waitFor(() => expect(location.history?.at(-1)).toBe("/contacts/0193-c"));
    expect(api.contacts.create).toHaveBeenCalledWith({
      first_name: "Ada",
      last_name: "Lovelace",
      title: null,
      account_id: null,
      emails: [{ label: "work", address: "ada@example.com" }],
      phones: [],
      addresses: [],
      birthday: null,
      lead_source: null,
      owner_id: null,
      preferred_channel: null,
      do_not_call: false,
      do_not_email: false,
      unsubscribed: false,
      tags: [],
      custom: {},
      notes: null,
    });
  });

  it("warns while typing when the person may already be on file", async () => {
    vi.mocked(api.contacts.likelyDuplicates).mockImplementation(async (input) =>
      input.emails.some((e) => e.address === "ada@example.com")
        ? [
            {
              record: { entity: "contacts", id: "0193-a", title: "Ada Lovelace", subtitle: "Analyst" },
              reason: "same e-mail ada@example.com",
            },
          ]
        : [],
    );
    renderForm();
    expect(screen.queryByTestId("duplicate-warning")).not.toBeInTheDocument();
    await userEvent.type(screen.getByLabelText("E-mail 1"), "ada@example.com");
    const warning = await screen.findByTestId("duplicate-warning");
    expect(warning).toHaveTextContent("Ada Lovelace");
    expect(warning).toHaveTextContent("same e-mail ada@example.com");
    expect(screen.getByRole("link", { name: "Ada Lovelace" })).toHaveAttribute("href", "/contacts/0193-a");
  });
});
