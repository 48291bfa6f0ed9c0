import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { api, type MailMessage } from "../../lib/api";
import { MailView, framed, size } from "./MailView";

vi.mock("../../lib/api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../lib/api")>();
  return { ...real, api: { mailbox: { message: vi.fn() } } };
});

const mail: MailMessage = {
  activity_id: "a1",
  message_id: "m1@bakery.example",
  thread_id: "m1@bakery.example",
  in_reply_to: null,
  direction: "inbound",
  from_address: "marta@bakery.example",
  from_name: "Marta Baker",
  to: ["ann@crumb.example"],
  cc: ["otto@bakery.example"],
  subject: "Price list",
  at: "2026-12-03T10:00:00.000Z",
  text: "Price list",
  html: '<p>Price list</p><img src="https://track.example/pixel.gif">',
  attachments: [{ name: "prices.pdf", type: "application/pdf", size: 250_000 }],
  automatic: false,
  unmatched: false,
  problems: null,
  folder: "INBOX",
  links: [],
};

function renderIt() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MailView activityId="a1" />
    </QueryClientProvider>,
  );
}

describe("an e-mail read from the mailbox", () => {
  it("shows who wrote to whom, its files, and its HTML in a frame where nothing runs or loads", async () => {
    vi.mocked(api.mailbox.message).mockResolvedValue(mail);
    renderIt();
    expect(api.mailbox.message).not.toHaveBeenCalled();
    await userEvent.click(screen.getByTestId("mail-show"));
    const details = await screen.findByTestId("mail-details");
    expect(details).toHaveTextContent("FromMarta Baker <marta@bakery.example>");
    expect(details).toHaveTextContent("Ccotto@bakery.example");
    expect(screen.getByTestId("mail-attachments")).toHaveTextContent("prices.pdf (244 KB, left on the mail server)");
    const frame = screen.getByTestId("mail-frame");
    // No permission at all: no script, no forms, no same origin, no top navigation.
    expect(frame).toHaveAttribute("sandbox", "");
    expect(frame.getAttribute("srcdoc")).toContain("default-src 'none'");
    expect(frame.getAttribute("srcdoc")).toContain("<p>Price list</p>");
  });

  it("says when an e-mail was not read from the mailbox", async () => {
    vi.mocked(api.mailbox.message).mockResolvedValue(null);
    renderIt();
    await userEvent.click(screen.getByTestId("mail-show"));
    expect(await screen.findByText("This e-mail was logged in Rapport, not read from your mailbox.")).toBeInTheDocument();
  });

  it("writes sizes as people read them", () => {
    expect(size(900)).toBe("900 B");
    expect(size(250_000)).toBe("244 KB");
    expect(size(3_500_000)).toBe("3.3 MB");
    expect(framed("<b>x</b>")).toContain("img-src data:");
  });
});
