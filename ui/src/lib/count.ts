/**
 * "1 person", "2,345 people", or "10,000+ people" when the backend stopped counting at its cap
 * (a list filtered by typed text counts up to 10,000 matches).
 */
export function countOf(n: number, capped: boolean, one: string, many: string): string {
  return `${n.toLocaleString()}${capped ? "+" : ""} ${n === 1 && !capped ? one : many}`;
}
