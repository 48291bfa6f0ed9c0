import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The UI is embedded in the desktop binary; there is no dev server in the build.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  build: {
    outDir: "dist",
    target: "safari16",
    sourcemap: false,
    chunkSizeWarningLimit: 1024,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
