import { act, fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { Kanban, KanbanCard, KanbanColumn } from "./Kanban";

type Item = { id: string; name: string; column: string };
const COLUMNS = ["todo", "doing", "done"];
const items: Item[] = [
  { id: "a", name: "Alpha", column: "todo" },
  { id: "b", name: "Beta", column: "todo" },
  { id: "c", name: "Gamma", column: "done" },
];

function renderBoard(opts: { locked?: string } = {}) {
  const onDrop = vi.fn();
  const onMove = vi.fn();
  const onOpen = vi.fn();
  render(
    <Kanban<Item> testId="test-board" onDrop={onDrop} overlay={(item) => <span data-testid="overlay">{item.name}</span>}>
      {COLUMNS.map((col) => (
        <KanbanColumn
          key={col}
          id={col}
          className={(isOver) => `board-col${isOver ? " over" : ""}`}
          testId="test-column"
          data={{ "data-column": col }}
          label={`Column ${col}`}
          head={<strong>{col}</strong>}
        >
          {(isOver) => (
            <>
              {items
                .filter((i) => i.column === col)
                .map((item) => (
                  <KanbanCard
                    key={item.id}
                    id={item.id}
                    item={item}
                    testId="test-card"
                    data={{ "data-item-id": item.id }}
                    roleDescription="test card"
                    label={`${item.name} card`}
                    name={item.name}
                    disabled={item.id === opts.locked}
                    onOpen={onOpen}
                    move={
                      item.id === opts.locked
                        ? undefined
                        : { targets: COLUMNS.map((c) => ({ id: c, label: c.toUpperCase(), current: c === item.column })), onMove }
                    }
                  >
                    {item.name}
                  </KanbanCard>
                ))}
              {isOver && <span data-testid="over-hint">over {col}</span>}
            </>
          )}
        </KanbanColumn>
      ))}
    </Kanban>,
  );
  return { onDrop, onMove, onOpen };
}

/**
 * jsdom lays nothing out: give each column a 200-pixel-wide slot and each card a row in it;
 * the drag overlay (what is carried) starts where the first card is.
 */
function layOut() {
  const rect = (left: number, top: number, width: number, height: number) =>
    ({ left, top, width, height, right: left + width, bottom: top + height, x: left, y: top, toJSON: () => ({}) }) as DOMRect;
  return vi.spyOn(HTMLElement.prototype, "getBoundingClientRect").mockImplementation(function (this: HTMLElement) {
    if (this.closest('[data-testid="overlay"]') || this.querySelector('[data-testid="overlay"]')) return rect(10, 50, 160, 50);
    const column = this.closest<HTMLElement>("[data-column]");
    const index = column ? COLUMNS.indexOf(column.dataset.column ?? "") : -1;
    if (index < 0) return rect(0, 0, 0, 0);
    const card = this.closest<HTMLElement>("[data-item-id]");
    if (!card) return rect(index * 200, 0, 180, 600);
    const row = [...column!.querySelectorAll("[data-item-id]")].indexOf(card);
    return rect(index * 200 + 10, 50 + row * 60, 160, 50);
  });
}

describe("the kanban board", () => {
  it("renders the columns and cards with their test ids, data attributes and labels", () => {
    renderBoard();
    const board = screen.getByTestId("test-board");
    expect(board).toHaveClass("board");
    const columns = within(board).getAllByTestId("test-column");
    expect(columns.map((c) => c.dataset.column)).toEqual(COLUMNS);
    expect(columns[0]).toHaveAttribute("aria-label", "Column todo");
    expect(columns[0]?.querySelector(".board-col-head")).toHaveTextContent("todo");
    const cards = within(columns[0]!).getAllByTestId("test-card");
    expect(cards.map((c) => c.dataset.itemId)).toEqual(["a", "b"]);
    expect(cards[0]).toHaveAttribute("aria-roledescription", "test card");
    expect(cards[0]).toHaveAttribute("aria-label", "Alpha card");
    expect(cards[0]).toHaveClass("deal-card-wrap");
  });

  it("opens a card on click and on Enter", async () => {
    const { onOpen, onMove } = renderBoard();
    const card = screen.getAllByTestId("test-card")[1]!;
    await userEvent.click(card);
    expect(onOpen).toHaveBeenLastCalledWith(items[1]);
    fireEvent.keyDown(card, { key: "Enter", code: "Enter" });
    expect(onOpen).toHaveBeenCalledTimes(2);
    expect(onMove).not.toHaveBeenCalled();
  });

  it("moves a card with the Move to… menu, showing where it is now, without opening it", async () => {
    const { onMove, onOpen } = renderBoard();
    const card = screen.getAllByTestId("test-card")[0]!;
    const button = within(card).getByTestId("card-move");
    expect(button).toHaveAccessibleName("Move Alpha to…");
    expect(button).toHaveAttribute("aria-expanded", "false");
    await userEvent.click(button);
    expect(button).toHaveAttribute("aria-expanded", "true");
    const targets = within(within(card).getByTestId("card-move-menu")).getAllByTestId("move-target");
    expect(targets.map((t) => t.textContent)).toEqual(["TODO (now)", "DOING", "DONE"]);
    expect(targets[0]).toBeDisabled();
    await userEvent.click(targets[2]!);
    expect(onMove).toHaveBeenCalledWith(items[0], "done");
    expect(screen.queryByTestId("card-move-menu")).not.toBeInTheDocument();
    expect(onOpen).not.toHaveBeenCalled();
  });

  it("closes the menu on Escape and on a click elsewhere", async () => {
    renderBoard();
    const card = screen.getAllByTestId("test-card")[0]!;
    await userEvent.click(within(card).getByTestId("card-move"));
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByTestId("card-move-menu")).not.toBeInTheDocument();
    await userEvent.click(within(card).getByTestId("card-move"));
    await userEvent.click(screen.getAllByTestId("test-column")[2]!);
    expect(screen.queryByTestId("card-move-menu")).not.toBeInTheDocument();
  });

  it("gives a card without moves no menu and does not let it be picked up", () => {
    renderBoard({ locked: "c" });
    const locked = screen.getAllByTestId("test-card").find((c) => c.dataset.itemId === "c")!;
    expect(within(locked).queryByTestId("card-move")).not.toBeInTheDocument();
    expect(locked).toHaveAttribute("aria-disabled", "true");
  });

  it("drops a card picked up with the keyboard on the column it was carried to", async () => {
    const layout = layOut();
    try {
      const { onDrop } = renderBoard();
      const card = screen.getAllByTestId("test-card")[0]!;
      card.focus();
      await act(async () => {
        fireEvent.keyDown(card, { key: " ", code: "Space" });
      });
      expect(screen.getByTestId("overlay")).toHaveTextContent("Alpha");
      // The default keyboard step is 25 pixels: eight steps right cross into the next column.
      for (let i = 0; i < 8; i++) {
        await act(async () => {
          fireEvent.keyDown(document.activeElement ?? card, { key: "ArrowRight", code: "ArrowRight" });
        });
      }
      await act(async () => {
        fireEvent.keyDown(document.activeElement ?? card, { key: " ", code: "Space" });
      });
      expect(onDrop).toHaveBeenCalledWith(items[0], "doing");
      expect(screen.queryByTestId("overlay")).not.toBeInTheDocument();
    } finally {
      layout.mockRestore();
    }
  });

  it("drops nothing when the drag is cancelled with Escape", async () => {
    const layout = layOut();
    try {
      const { onDrop } = renderBoard();
      const card = screen.getAllByTestId("test-card")[0]!;
      card.focus();
      await act(async () => {
        fireEvent.keyDown(card, { key: " ", code: "Space" });
      });
      await act(async () => {
        fireEvent.keyDown(document.activeElement ?? card, { key: "ArrowRight", code: "ArrowRight" });
      });
      await act(async () => {
        fireEvent.keyDown(document.activeElement ?? card, { key: "Escape", code: "Escape" });
      });
      expect(onDrop).not.toHaveBeenCalled();
      expect(screen.queryByTestId("overlay")).not.toBeInTheDocument();
    } finally {
      layout.mockRestore();
    }
  });
});
