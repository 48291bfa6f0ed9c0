import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "src/lib/api/bindings"] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    files: ["**/*.{ts,tsx,js}"],
    languageOptions: { ecmaVersion: 2022, globals: globals.browser },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@tauri-apps/api/core",
              message: "Only src/lib/api may call the backend; import from there.",
            },
          ],
        },
      ],
      // Query keys come from src/lib/queryKeys.ts (`qk`), so invalidation by prefix can be
      // reasoned about in one place.
      "no-restricted-syntax": [
        "error",
        {
          selector: "Property[key.name='queryKey'] > ArrayExpression",
          message: "Take the query key from `qk` in src/lib/queryKeys.ts, not an inline array.",
        },
        {
          selector:
            "CallExpression[callee.property.name=/^(getQueryData|setQueryData|getQueryState|setQueriesData|getQueriesData|removeQueries|invalidateQueries|refetchQueries|cancelQueries|resetQueries|fetchQuery|prefetchQuery|ensureQueryData)$/] > ArrayExpression.arguments",
          message: "Take the query key from `qk` in src/lib/queryKeys.ts, not an inline array.",
        },
      ],
    },
  },
  {
    files: ["src/lib/api/**"],
    rules: { "no-restricted-imports": "off" },
  },
);
