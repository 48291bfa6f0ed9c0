import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";

import { api } from "./api";
import { outsideStep, useOutsideChanges } from "./outsideChanges";
import { qk } from "./queryKeys";

vi.mock("./api", async (importOriginal) => {
  const real = await importOriginal<typeof import("./api")>();
  return { ...real, api: { ...real.api, outsideChanges: vi.fn() } };
});

describe("changes made outside the window", () => {
  it("refresh when the file's counter moves, not on the first answer nor while another program writes", () => {
    expect(outsideStep(null, 7)).toEqual({ last: 7, refresh: false });
    expect(outsideStep(7, 7)).toEqual({ last: 7, refresh: false });
    expect(outsideStep(7, null)).toEqual({ last: 7, refresh: false });
    expect(outsideStep(7, 8)).toEqual({ last: 8, refresh: true });
    expect(outsideStep(null, undefined)).toEqual({ last: null, refresh: false });
  });

  it("refetch what the screen shows once a command changed the file", async () => {
    vi.mocked(api.outsideChanges).mockResolvedValueOnce(3).mockResolvedValue(4);
    let contacts = 0;
    const client = new QueryClient({ defaultOptions: { queries: { staleTime: Infinity, retry: false } } });
    function Screen() {
      useOutsideChanges();
      const list = useQuery({
        queryKey: qk.contacts.all,
        queryFn: () => Promise.resolve((contacts += 1)),
      });
      return <p data-testid="fetches">{list.data}</p>;
    }
    const wrap = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
    render(<Screen />, { wrapper: wrap });
    await waitFor(() => expect(screen.getByTestId("fetches")).toHaveTextContent("1"));
    // The next poll (two seconds later) finds 4: the list is read again.
    await client.refetchQueries({ queryKey: qk.outsideChanges });
    await waitFor(() => expect(screen.getByTestId("fetches")).toHaveTextContent("2"));
    // Nothing moved since: no further reads.
    await client.refetchQueries({ queryKey: qk.outsideChanges });
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByTestId("fetches")).toHaveTextContent("2");
  });
});
