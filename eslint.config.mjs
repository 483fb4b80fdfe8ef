import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";
import programs from "./tsconfig.programs.json" with { type: "json" };

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", ".stryker-tmp/", "reports/", "test/fixtures/"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        rules: {
            // Mock inputs and AWS SDK responses are untyped JSON by nature.
            "@typescript-eslint/no-explicit-any": "off",
            // The type check reports unused locals and parameters (tsconfig.json: noUnusedLocals,
            // noUnusedParameters, `_` names exempt): one check for one fact, and a tenth of ESLint's time.
            "@typescript-eslint/no-unused-vars": "off",
        },
    },
    {
        // The CommonJS files Node loads before TypeScript can be: cli/register.cjs and .mocharc.cjs.
        files: ["**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: { __dirname: "readonly" } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // `${output}` in a template string renders a warning text, not the value. The rules read
        // types: the programs' files get a TypeScript program of their own (tsconfig.programs.json),
        // built without the documentation comments no rule reads.
        files: programs.include,
        languageOptions: {
            parserOptions: {
                project: "./tsconfig.programs.json",
                tsconfigRootDir: import.meta.dirname,
                jsDocParsingMode: "type-info",
            },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
);
