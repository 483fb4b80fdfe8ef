import { execFile } from "node:child_process";
import * as path from "node:path";
import { ESLint } from "eslint";
import * as ts from "typescript";

/**
 * npm test's type check and lint, side by side:
 * - the type check is TypeScript 7's native compiler (the `typescript-7` package) on tsconfig.json:
 *   a fifth of TypeScript 5.9's time for the same files. 5.9 stays the `typescript` package, which
 *   ts-node, typescript-eslint and @pulumi/pulumi (peer range below 7) load;
 * - ESLint's type-aware rules, which eslint.config.mjs gives the programs' files alone, get a
 *   TypeScript 5.9 program of those files instead of a project service loading all of tsconfig.json.
 * `npm run typecheck` and `npm run lint` run each one alone.
 */
const TYPESCRIPT_7 = path.join(path.dirname(require.resolve("typescript-7/package.json")), "bin", "tsc");

function typeCheck(): Promise<boolean> {
    return new Promise((resolve) => {
        execFile(process.execPath, [TYPESCRIPT_7, "--noEmit", "--pretty", String(Boolean(process.stdout.isTTY))], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
            process.stdout.write(stdout);
            process.stderr.write(stderr);
            if (error) console.error("npm test: the type check failed (TypeScript 7: tsc --noEmit)");
            resolve(!error);
        });
    });
}

/**
 * The program the type-aware rules need: tsconfig.json's files whose ESLint config asks for type
 * information, with tsconfig.json's options.
 */
async function typedProgram(eslint: ESLint): Promise<{ files: string[]; program: ts.Program }> {
    const host: ts.ParseConfigFileHost = {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
            throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
        },
    };
    const config = ts.getParsedCommandLineOfConfigFile("tsconfig.json", { noEmit: true }, host)!;
    const typed: string[] = [];
    for (const file of config.fileNames.map((name) => path.relative(".", name))) {
        const parserOptions = (await eslint.calculateConfigForFile(file))?.languageOptions?.parserOptions;
        if (parserOptions?.projectService || parserOptions?.project) typed.push(file);
    }
    // The rules read types, never documentation: JSDoc left unparsed is about a tenth of the parse.
    const compilerHost = ts.createCompilerHost(config.options);
    compilerHost.jsDocParsingMode = ts.JSDocParsingMode.ParseForTypeErrors;
    return { files: typed, program: ts.createProgram({ rootNames: typed, options: config.options, host: compilerHost }) };
}

/**
 * ESLint over every TypeScript file. A file without type-aware rules is linted from its own text
 * and config alone, so its result is kept in ESLint's cache (by content) and only a changed file is
 * linted again; the programs' files, whose results depend on other files' types, always are.
 */
async function lint(): Promise<boolean> {
    const { files: typed, program } = await typedProgram(new ESLint());
    const typedLint = new ESLint({ overrideConfig: [{ files: typed, languageOptions: { parserOptions: { projectService: false, programs: [program] } } }] });
    const cachedLint = new ESLint({ cache: true, cacheLocation: path.join("node_modules", ".cache", "eslint", "untyped"), cacheStrategy: "content", ignorePatterns: typed });
    const results = [...(await typedLint.lintFiles(typed)), ...(await cachedLint.lintFiles(["."]))];
    const report = await (await typedLint.loadFormatter("stylish")).format(results);
    if (report) process.stdout.write(report);
    const errors = results.reduce((total, result) => total + result.errorCount, 0);
    if (errors > 0) console.error("npm test: the lint failed (eslint .)");
    return errors === 0;
}

async function main(): Promise<number> {
    const [typed, linted] = await Promise.all([typeCheck(), lint()]);
    return typed && linted ? 0 : 1;
}

main().then(
    (code) => (process.exitCode = code),
    (error) => {
        console.error(error);
        process.exitCode = 1;
    },
);
