import { execFile } from "node:child_process";
import * as path from "node:path";
import { ESLint } from "eslint";
import { runCheck, typeCheck } from "./type-check";

/**
 * npm test's static checks, side by side: the type check with Pulumi's template-string rule
 * (`npm run typecheck`, TypeScript 7's native compiler in a process of its own, scripts/type-check.ts)
 * and ESLint (`npm run lint`). No ESLint rule reads types, so a file's result depends on its text
 * and the config alone: ESLint's cache keeps it (by content) until either changes.
 */
async function lint(): Promise<boolean> {
    const eslint = new ESLint({
        cache: true,
        cacheLocation: path.join("node_modules", ".cache", "eslint", "lint"),
        cacheStrategy: "content",
    });
    const results = await eslint.lintFiles(["."]);
    const report = await (await eslint.loadFormatter("stylish")).format(results);
    if (report) process.stdout.write(report);
    const errors = results.reduce((total, result) => total + result.errorCount, 0);
    if (errors > 0) console.error("npm test: the lint failed (eslint .)");
    return errors === 0;
}

async function typesAndTemplates(): Promise<boolean> {
    const problems = await typeCheck();
    for (const problem of problems) console.error(problem);
    if (problems.length > 0) console.error("npm test: the type check failed (npm run typecheck)");
    return problems.length === 0;
}

/** Prettier's check (`npm run format` fixes); its cache keeps each file's answer until the file or the config changes. */
function formatted(): Promise<boolean> {
    const prettier = path.join("node_modules", "prettier", "bin", "prettier.cjs");
    const args = [prettier, "--check", ".", "--cache", "--cache-strategy", "content", "--log-level", "warn"];
    return new Promise((resolve) =>
        execFile(process.execPath, args, (error, stdout, stderr) => {
            process.stdout.write(stdout);
            process.stderr.write(stderr);
            if (error) console.error("npm test: files are not formatted (npm run format writes them)");
            resolve(!error);
        }),
    );
}

runCheck("npm test: static checks", async () => {
    const [typed, linted, tidy] = await Promise.all([typesAndTemplates(), lint(), formatted()]);
    return typed && linted && tidy;
});
