import { ESLint } from "eslint";
import * as ts from "typescript";

/**
 * `tsc --noEmit` and `eslint .` over one TypeScript program. Loading @pulumi/aws's declarations is
 * most of a type check (over a million lines), and ESLint's type-aware rules would load them a
 * second time through its project service: here ESLint is handed the program tsc built instead.
 * `npm run typecheck` and `npm run lint` still run each tool alone.
 */
async function main(): Promise<number> {
    const host: ts.ParseConfigFileHost = {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
            throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
        },
    };
    const config = ts.getParsedCommandLineOfConfigFile("tsconfig.json", { noEmit: true }, host)!;
    const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, configFileParsingDiagnostics: config.errors });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    if (diagnostics.length > 0) {
        const formatHost = { getCanonicalFileName: (name: string) => name, getCurrentDirectory: ts.sys.getCurrentDirectory, getNewLine: () => "\n" };
        process.stdout.write(process.stdout.isTTY ? ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost) : ts.formatDiagnostics(diagnostics, formatHost));
        console.error(`npm test: the type check failed (tsc --noEmit): ${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"}`);
    }

    const eslint = new ESLint({ overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parserOptions: { projectService: false, programs: [program] } } }] });
    const results = await eslint.lintFiles(["."]);
    const errors = results.reduce((total, result) => total + result.errorCount, 0);
    const report = await (await eslint.loadFormatter("stylish")).format(results);
    if (report) process.stdout.write(report);
    if (errors > 0) console.error("npm test: the lint failed (eslint .)");

    return diagnostics.length > 0 || errors > 0 ? 1 : 0;
}

main().then(
    (code) => (process.exitCode = code),
    (error) => {
        console.error(error);
        process.exitCode = 1;
    },
);
