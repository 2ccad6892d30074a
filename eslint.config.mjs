// ESLint flat config for the JavaScript of neageo's map plugins and its node tests (scripts/test.sh runs it).
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    ignores: ["node_modules/**", "src/neageo/maps/assets/vendor/**", "maps/**", "site/**", ".venv/**"],
  },
  js.configs.recommended,
  {
    // the plugins: classic scripts inlined in a page (window.neageo), also loadable by node (CommonJS)
    files: ["src/neageo/maps/assets/js/**/*.js"],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: "script",
      globals: {...globals.browser, L: "readonly", module: "writable", require: "readonly"},
    },
    rules: {
      "no-var": "off",
      "eqeqeq": ["error", "always"],
      "no-implicit-globals": "error",
      "no-unused-vars": ["error", {args: "none", caughtErrors: "none"}],
      "no-shadow": "error",
      "no-use-before-define": ["error", {functions: false}],
      "strict": ["error", "function"],
      "curly": "error",
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-restricted-properties": ["error",
        {property: "innerHTML", message: "data reaches the page as text: use textContent"},
        {object: "document", property: "write", message: "build elements and set their textContent"},
        {property: "insertAdjacentHTML", message: "data reaches the page as text: use textContent"}],
    },
  },
  {
    files: ["tests/js/**/*.mjs", "eslint.config.mjs"],
    languageOptions: {ecmaVersion: 2022, sourceType: "module", globals: {...globals.node}},
  },
  {
    files: ["tests/js/**/*.cjs"],
    languageOptions: {ecmaVersion: 2022, sourceType: "commonjs", globals: {...globals.node}},
  },
];
