import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { api, ApiError, type WorkingHours } from "../../lib/api";
import { WorkingHoursEditor } from "./ServiceSettings";
import { ToastProvider } from "../../components/Toasts";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return { ...real, api: { sla: { hours: vi.fn(), setHours: vi.fn() } } };
});

const day = (open: boolean) => ({ open, start: "09:00", end: "17:00" });
const week: WorkingHours = {
  time_zone: null,
  days: [day(true), day(true), day(true), day(true), day(true), day(false), day(false)],
  warn_percent: 75,
};

function renderIt() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <WorkingHoursEditor />
      </ToastProvider>
    </QueryClientProvider>,
  );
}

describe("working hours settings", () => {
  beforeEach(() => {
    vi.mocked(api.sla.hours).mockReset().mockResolvedValue(week);
    vi.mocked(api.sla.setHours).mockReset().mockImplementation(async (h) => h);
  });

  it("shows the week Monday first and saves the edited hours", async () => {
    renderIt();
    const saturday = await screen.findByTestId("hours-open-saturday");
    expect(screen.getByTestId("hours-open-monday")).toBeChecked();
    expect(saturday).not.toBeChecked();
    expect(screen.getByTestId("hours-start-saturday")).toBeDisabled();

    await userEvent.click(saturday);
    fireEvent.change(screen.getByTestId("hours-start-saturday"), { target: { value: "10:00" } });
    fireEvent.change(screen.getByTestId("hours-end-saturday"), { target: { value: "14:00" } });
    fireEvent.change(screen.getByTestId("hours-start-monday"), { target: { value: "08:30" } });
    await userEvent.click(screen.getByTestId("hours-open-friday"));
    await userEvent.type(screen.getByTestId("hours-tz"), "Europe/Berlin");
    await userEvent.clear(screen.getByTestId("hours-warn"));
    await userEvent.type(screen.getByTestId("hours-warn"), "80");
    await userEvent.click(screen.getByTestId("hours-save"));

    await waitFor(() =>
      expect(api.sla.setHours).toHaveBeenCalledWith({
        time_zone: "Europe/Berlin",
        days: [
          { open: true, start: "08:30", end: "17:00" },
          day(true),
          day(true),
          day(true),
          day(false),
          { open: true, start: "10:00", end: "14:00" },
          day(false),
        ],
        warn_percent: 80,
      }),
    );
  });

  it("sends no time zone when the box is empty, and shows the backend's complaint", async () => {
    vi.mocked(api.sla.setHours).mockRejectedValue(
      new ApiError({
        code: "validation",
        message: "days.Monday: Monday ends (08:00) before it starts (09:00)",
        fields: [{ field: "days.Monday", message: "Monday ends (08:00) before it starts (09:00)" }],
      }),
    );
    renderIt();
    fireEvent.change(await screen.findByTestId("hours-end-monday"), { target: { value: "08:00" } });
    await userEvent.type(screen.getByTestId("hours-tz"), "Europe/Berlin");
    await userEvent.clear(screen.getByTestId("hours-tz"));
    await userEvent.click(screen.getByTestId("hours-save"));
    await waitFor(() => expect(api.sla.setHours).toHaveBeenCalled());
    expect(vi.mocked(api.sla.setHours).mock.calls[0]?.[0].time_zone).toBeNull();
    expect(await screen.findByText("Monday ends (08:00) before it starts (09:00)")).toBeInTheDocument();
  });
});
