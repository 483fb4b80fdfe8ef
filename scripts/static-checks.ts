import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ESLint } from "eslint";

/**
 * npm test's static checks, side by side, each by its own tool: TypeScript 7's `tsc --noEmit`
 * (`npm run typecheck`), ESLint (`npm run lint`) and Prettier's check (`npm run format` fixes).
 */
const TSC = path.join("node_modules", "typescript-7", "bin", "tsc");
const PRETTIER = path.join("node_modules", "prettier", "bin", "prettier.cjs");
/** The programs' files, which the type-aware lint rules read (eslint.config.mjs). */
const PROGRAMS: string[] = JSON.parse(readFileSync("tsconfig.programs.json", "utf8")).include;

/** A tool in a process of its own; its output is passed through, and `failure` said when it fails. */
function tool(args: readonly string[], failure: string): Promise<boolean> {
    return new Promise((resolve) =>
        execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            process.stdout.write(stdout);
            process.stderr.write(stderr);
            if (error) console.error(`npm test: ${failure}`);
            resolve(!error);
        }),
    );
}

/**
 * ESLint over every file, as `eslint .` lints them. Outside the programs no rule reads types, so a
 * file's result depends on its text and the config alone and stays in ESLint's cache (by content)
 * until either changes. The programs' results depend on the types of the files they import, which
 * a cache keyed by one file's content would miss (ESLint's cache knows no dependencies between
 * files: typescript-eslint/typescript-eslint#4694): they are linted every time.
 */
async function lint(): Promise<boolean> {
    const cached = new ESLint({
        cache: true,
        cacheLocation: path.join("node_modules", ".cache", "eslint", "untyped"),
        cacheStrategy: "content",
        ignorePatterns: PROGRAMS,
    });
    const typed = new ESLint();
    const results = [...(await cached.lintFiles(["."])), ...(await typed.lintFiles(PROGRAMS))];
    const report = await (await typed.loadFormatter("stylish")).format(results);
    if (report) process.stdout.write(report);
    const errors = results.reduce((total, result) => total + result.errorCount, 0);
    if (errors > 0) console.error("npm test: the lint failed (npm run lint)");
    return errors === 0;
}

async function main(): Promise<void> {
    const passed = await Promise.all([
        tool([TSC, "--noEmit"], "the type check failed (npm run typecheck)"),
        lint(),
        tool(
            [PRETTIER, "--check", ".", "--cache", "--cache-strategy", "content", "--log-level", "warn"],
            "files are not formatted (npm run format writes them)",
        ),
    ]);
    process.exitCode = passed.every(Boolean) ? 0 : 1;
}

main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
});
