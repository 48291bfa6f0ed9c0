import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DndContextProps,
  type DragEndEvent,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
} from "@dnd-kit/core";
import { CSS } from "@dnd-kit/utilities";
import { useState, type ReactNode } from "react";
import { useClickAway } from "../lib/useClickAway";

/**
 * A kanban board: columns that accept cards dropped on them, cards dragged with the mouse or
 * picked up with Space (arrows choose a column, Space drops, Escape cancels), and a "Move to…"
 * menu on each card for those who would rather not drag. The board says nothing about what
 * cards and columns are: `onDrop` gets the card's `item` and the id of the column it landed on.
 */
export function Kanban<T>({
  testId,
  onDrop,
  overlay,
  keyboardCoordinates,
  accessibility,
  children,
}: {
  testId: string;
  onDrop: (item: T, columnId: string) => void;
  /** What follows the pointer while a card is dragged. */
  overlay: (item: T) => ReactNode;
  keyboardCoordinates?: KeyboardCoordinateGetter;
  accessibility?: DndContextProps["accessibility"];
  /** The columns (`KanbanColumn`), in any wrappers. */
  children: ReactNode;
}) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, {
      ...(keyboardCoordinates ? { coordinateGetter: keyboardCoordinates } : {}),
      keyboardCodes: { start: ["Space"], cancel: ["Escape"], end: ["Space", "Enter"] },
    }),
  );
  const [dragging, setDragging] = useState<{ item: T } | null>(null);
  const itemOf = (data: unknown) => (data as { item: T } | undefined) ?? null;
  const onDragStart = (e: DragStartEvent) => setDragging(itemOf(e.active.data.current));
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const dragged = itemOf(e.active.data.current);
    const over = e.over?.id;
    if (dragged && over !== undefined && over !== "") onDrop(dragged.item, String(over));
  };
  return (
    <DndContext
      sensors={sensors}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragging(null)}
      {...(accessibility ? { accessibility } : {})}
    >
      <div className="board" data-testid={testId}>
        {children}
      </div>
      <DragOverlay dropAnimation={null}>{dragging ? overlay(dragging.item) : null}</DragOverlay>
    </DndContext>
  );
}

/** Data attributes (`data-stage`, `data-deal-id`, ...) put on a column or card for tests and styles. */
type DataAttributes = Record<`data-${string}`, string>;

/** One column: a drop target, its header, and its cards (`children` knows whether a card is over it). */
export function KanbanColumn({
  id,
  className,
  testId,
  data,
  label,
  head,
  children,
}: {
  id: string;
  className: (isOver: boolean) => string;
  testId: string;
  data?: DataAttributes;
  label: string;
  head: ReactNode;
  children: (isOver: boolean) => ReactNode;
}) {
  const { setNodeRef, isOver } = useDroppable({ id });
  return (
    <section ref={setNodeRef} className={className(isOver)} data-testid={testId} {...data} aria-label={label}>
      <header className="board-col-head">{head}</header>
      <div className="board-cards">{children(isOver)}</div>
    </section>
  );
}

/** Where a card's "Move to…" menu can send it; `current` is shown as "(now)" and disabled. */
export type MoveTarget = { id: string; label: string; current: boolean };

/**
 * One draggable card. Click or Enter opens it; `move` adds the "Move to…" menu (leave it out
 * for a card that cannot move, which should then be `disabled` too).
 */
export function KanbanCard<T>({
  id,
  item,
  testId,
  data,
  roleDescription,
  label,
  name,
  disabled,
  onOpen,
  move,
  children,
}: {
  id: string;
  item: T;
  testId: string;
  data?: DataAttributes;
  roleDescription: string;
  label: string;
  /** The card's name in the menu button's label ("Move Acme to…"). */
  name: string;
  disabled?: boolean;
  onOpen: (item: T) => void;
  move?: { targets: MoveTarget[]; onMove: (item: T, targetId: string) => void };
  children: ReactNode;
}) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id,
    data: { item },
    ...(disabled ? { disabled } : {}),
  });
  const style = transform ? { transform: CSS.Translate.toString(transform) } : undefined;
  return (
    <div
      ref={setNodeRef}
      style={style}
      {...attributes}
      {...listeners}
      className={`deal-card-wrap${isDragging ? " dragging" : ""}`}
      data-testid={testId}
      {...data}
      aria-roledescription={roleDescription}
      aria-label={label}
      onClick={() => onOpen(item)}
      onKeyDown={(e) => {
        listeners?.onKeyDown?.(e);
        if (e.key === "Enter" && !e.defaultPrevented && e.target === e.currentTarget) onOpen(item);
      }}
    >
      {children}
      {move && <MoveMenu name={name} targets={move.targets} onMove={(to) => move.onMove(item, to)} />}
    </div>
  );
}

function MoveMenu({ name, targets, onMove }: { name: string; targets: MoveTarget[]; onMove: (targetId: string) => void }) {
  const [open, setOpen] = useState(false);
  const ref = useClickAway(open, setOpen);
  return (
    <div
      className={`card-move${open ? " open" : ""}`}
      ref={ref}
      onClick={(e) => e.stopPropagation()}
      onPointerDown={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Escape") setOpen(false);
      }}
    >
      <button
        type="button"
        className="btn small"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={`Move ${name} to…`}
        data-testid="card-move"
        onClick={() => setOpen((o) => !o)}
      >
        Move to…
      </button>
      {open && (
        <div className="menu-pop" role="menu" data-testid="card-move-menu">
          {targets.map((t) => (
            <button
              key={t.id}
              type="button"
              role="menuitem"
              className="menu-item"
              disabled={t.current}
              data-testid="move-target"
              onClick={() => {
                setOpen(false);
                onMove(t.id);
              }}
            >
              {t.label}
              {t.current && <span className="muted small"> (now)</span>}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
