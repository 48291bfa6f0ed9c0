import "@testing-library/jest-dom/vitest";

// jsdom has no canvas; say so quietly (charts then leave their figures to their tables).
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
