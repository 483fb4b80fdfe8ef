import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

/** The programs, where Pulumi outputs live; only they need the type-aware Pulumi rules (and their cost). */
const PROGRAMS = ["index.ts", "base/**/*.ts", "runtime/**/*.ts", "shared/**/*.ts"];

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", ".stryker-tmp/", "reports/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            // Mock inputs and AWS SDK responses are untyped JSON by nature.
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true, argsIgnorePattern: "^_" }],
        },
    },
    {
        // The CommonJS files Node loads before TypeScript can be: cli/register.cjs and .mocharc.cjs.
        files: ["**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: { __dirname: "readonly" } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: PROGRAMS,
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            // `${output}` inside a string renders as a warning text instead of the value.
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
);
