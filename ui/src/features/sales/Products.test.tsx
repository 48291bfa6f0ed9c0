import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { ToastProvider } from "../../components/Toasts";
import { api } from "../../lib/api";
import { product } from "../../test/fixtures";
import { Products } from "./Products";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return { ...real, api: { products: { list: vi.fn(), create: vi.fn(), update: vi.fn() } } };
});

function renderIt() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Products />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("the products screen", () => {
  beforeEach(() => {
    vi.mocked(api.products.list).mockReset().mockResolvedValue([product()]);
    vi.mocked(api.products.create).mockReset();
    vi.mocked(api.products.update).mockReset();
  });

  it("adds a product as a ProductInput: price and tax as text", async () => {
    vi.mocked(api.products.create).mockResolvedValue(product({ id: "p2", sku: "TRAIN-D", name: "Training day" }));
    renderIt();
    await screen.findByTestId("product-row-CONS-H");
    await userEvent.click(screen.getByTestId("new-product"));
    await userEvent.type(screen.getByTestId("product-sku"), "TRAIN-D");
    await userEvent.type(screen.getByTestId("product-name"), "Training day");
    await userEvent.type(screen.getByTestId("product-unit"), "day");
    await userEvent.type(screen.getByTestId("product-price"), "900,00");
    await userEvent.clear(screen.getByTestId("product-tax"));
    await userEvent.type(screen.getByTestId("product-tax"), "7");
    await userEvent.click(screen.getByTestId("product-save"));
    await waitFor(() =>
      expect(api.products.create).toHaveBeenCalledWith({
        sku: "TRAIN-D",
        name: "Training day",
        description: null,
        unit: "day",
        unit_price: "900.00",
        currency: "EUR",
        tax_rate: "7",
        active: true,
      }),
    );
    await waitFor(() => expect(screen.queryByTestId("product-form")).not.toBeInTheDocument());
  });

  it("edits a product from its row", async () => {
    vi.mocked(api.products.update).mockImplementation(async () => product({ active: false }));
    renderIt();
    await userEvent.click(await screen.findByTestId("product-row-CONS-H"));
    expect(screen.getByTestId("product-price")).toHaveValue("120.00");
    expect(screen.getByTestId("product-tax")).toHaveValue("19");
    await userEvent.click(screen.getByTestId("product-active"));
    await userEvent.click(screen.getByTestId("product-save"));
    await waitFor(() =>
      expect(api.products.update).toHaveBeenCalledWith("p1", expect.objectContaining({ sku: "CONS-H", unit_price: "120.00", active: false })),
    );
  });
});
