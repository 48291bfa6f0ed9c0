import { defineConfig, type Plugin } from "vitest/config";
import react from "@vitejs/plugin-react";

/**
 * The desktop shell freezes Object.prototype (Tauri's `freezePrototype`). Preact, which
 * FullCalendar renders with, copies vnodes with a plain `for…in` assignment loop, and
 * assigning their own `constructor` key to `{}` then throws ("readonly property"): the
 * inherited, frozen Object.prototype.constructor blocks it. Rewrite that copy loop so
 * `constructor` is defined rather than assigned.
 */
function preactFrozenPrototype(): Plugin {
  const loop = /for\(var (\w+) in (\w+)\)(\w+)\[\1\]=\2\[\1\];return \3\}/g;
  return {
    name: "preact-frozen-prototype",
    enforce: "pre",
    transform(code, id) {
      if (!/[\\/]preact[\\/].*\.m?js$/.test(id) || !loop.test(code)) return null;
      loop.lastIndex = 0;
      return {
        code: code.replace(
          loop,
          (_m, k: string, src: string, dst: string) =>
            `for(var ${k} in ${src})${k}==="constructor"?Object.defineProperty(${dst},${k},{value:${src}[${k}],writable:!0,enumerable:!0,configurable:!0}):${dst}[${k}]=${src}[${k}];return ${dst}}`,
        ),
        map: null,
      };
    },
  };
}

/**
 * FullCalendar injects its CSS as inline <style> elements, which the desktop shell's
 * Content-Security-Policy (`style-src 'self'`) blocks. Serve the same CSS as bundled
 * stylesheets instead: each FullCalendar module's style text becomes a virtual `.css`
 * import of that module, and its injection call is dropped.
 */
function fullCalendarCss(): Plugin {
  const prefix = "/@fullcalendar-css/";
  const inject = /injectStyles\((css_\w+)\);/g;
  const literal = /var (css_\w+) = ("(?:[^"\\]|\\.)*");/g;
  const sheets = new Map<string, string>();
  return {
    name: "fullcalendar-css",
    enforce: "pre",
    resolveId(id) {
      return id.startsWith(prefix) ? id : null;
    },
    load(id) {
      return id.startsWith(prefix) ? (sheets.get(id) ?? "") : null;
    },
    transform(code, id) {
      if (!/[\\/]@fullcalendar[\\/]/.test(id) || !code.includes("injectStyles(css_")) return null;
      const texts = new Map([...code.matchAll(literal)].map((m) => [m[1], JSON.parse(m[2] ?? '""') as string]));
      const imports: string[] = [];
      const out = code.replace(inject, (_m, name: string) => {
        const sheet = `${prefix}${sheets.size}.css`;
        sheets.set(sheet, texts.get(name) ?? "");
        imports.push(`import ${JSON.stringify(sheet)};`);
        return "";
      });
      return { code: `${out}\n${imports.join("\n")}\n`, map: null };
    },
  };
}

// The UI is embedded in the desktop binary; there is no dev server in the build.
export default defineConfig({
  plugins: [preactFrozenPrototype(), fullCalendarCss(), react()],
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
