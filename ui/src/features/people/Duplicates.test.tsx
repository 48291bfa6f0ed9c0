import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";

import { api } from "../../lib/api";
import { Duplicates } from "./Duplicates";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return { ...real, api: { duplicates: vi.fn() } };
});

it("offers a merge for every group, companies as well as people", async () => {
  vi.mocked(api.duplicates).mockResolvedValue([
    {
      entity: "contacts",
      reasons: ["same e-mail ada@x.example"],
      records: [
        { entity: "contacts", id: "c1", title: "Ada Lovelace", subtitle: null },
        { entity: "contacts", id: "c2", title: "Augusta King", subtitle: null },
      ],
    },
    {
      entity: "accounts",
      reasons: ['same name "acme"'],
      records: [
        { entity: "accounts", id: "a1", title: "Acme Ltd", subtitle: null },
        { entity: "accounts", id: "a2", title: "ACME Ltd.", subtitle: null },
      ],
    },
  ]);
  const location = memoryLocation({ path: "/duplicates" });
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Router hook={location.hook}>
        <Duplicates />
      </Router>
    </QueryClientProvider>,
  );
  const [people, companies] = await screen.findAllByTestId("duplicate-group");
  expect(within(people!).getByTestId("merge-link")).toHaveAttribute("href", "/merge/c1/c2");
  const link = within(companies!).getByTestId("merge-link");
  expect(link).toHaveAttribute("href", "/merge-accounts/a1/a2");
  expect(link).toHaveTextContent("Merge ACME Ltd. into Acme Ltd…");
});
