import { strict as assert } from "assert";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ESLint } from "eslint";
import programs from "../tsconfig.programs.json";

const ROOT = join(__dirname, "..");
const SKIP = new Set(["node_modules", "bin", ".git", ".stryker-tmp", "reports", "fixtures"]);

function typeScriptFiles(dir = ROOT): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return SKIP.has(name) ? [] : typeScriptFiles(path);
        return name.endsWith(".ts") ? [relative(ROOT, path)] : [];
    });
}

/**
 * scripts/static-checks.ts lints the programs' files (tsconfig.programs.json) with types and every
 * time, and caches every other file's result: a type-aware rule on a cached file would miss a change
 * in a file it imports.
 */
describe("static checks", () => {
    it("Pulumi's rules against outputs in template strings cover every file of the programs, with types, and no other file", async () => {
        const eslint = new ESLint({ cwd: ROOT });
        const pulumiRules = ["@pulumi/no-output-in-template-literal", "@pulumi/no-output-instance-in-template-literal"];
        const typed: string[] = [];
        const ruled: string[] = [];
        for (const file of typeScriptFiles()) {
            const config = await eslint.calculateConfigForFile(file);
            if (config.languageOptions?.parserOptions?.project) typed.push(file);
            if (pulumiRules.every((rule) => [2, "error"].includes(config.rules?.[rule]?.[0]))) ruled.push(file);
        }
        const isProgram = (file: string) =>
            programs.include.some((pattern) =>
                pattern.endsWith("/**/*.ts") ? file.startsWith(pattern.slice(0, -"**/*.ts".length)) : file === pattern,
            );
        const expected = typeScriptFiles().filter(isProgram);
        assert.ok(expected.includes("index.ts") && expected.some((file) => file.startsWith("runtime/")));
        assert.deepEqual({ typed, ruled }, { typed: expected, ruled: expected });
    });
});
