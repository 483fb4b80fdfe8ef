import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { Checker, CompilerOptions, Diagnostic, Program } from "typescript-7/unstable/async" with {
    "resolution-mode": "import",
};
import type { Node, SourceFile } from "typescript-7/unstable/ast" with { "resolution-mode": "import" };

/**
 * `npm run typecheck`: one session of TypeScript 7's native compiler, through its API
 * (`typescript-7/unstable/async`, the version pinned in package.json), over a tsconfig.json:
 * - the type check: what `tsc --noEmit --pretty false` prints, line for line;
 * - Pulumi's rule against outputs in template strings: `${output}` in an untagged template renders
 *   a warning text instead of the value. The rules are @pulumi/eslint-plugin 0.3.1's
 *   (src/noOuputInTemplateLiteral.ts and src/noOuputInstanceInTemplateLiteral.ts): an expression,
 *   in a template literal not tagged, whose type is an alias named Output or OutputInstance. It
 *   runs here, on the types the type check has built, instead of in ESLint, which needed a second,
 *   TypeScript 5.9 program of the same files for it (two thirds of the static checks' time).
 * Each problem is one line, `file(line,column): error CODE: message`.
 */
export async function typeCheck(tsconfig = "tsconfig.json"): Promise<string[]> {
    const configFile = path.resolve(tsconfig);
    if (!existsSync(configFile)) throw new Error(`no such file: ${tsconfig}`);
    const { API } = await import("typescript-7/unstable/async");
    const api = new API({ cwd: path.dirname(configFile) });
    try {
        const project = (await api.updateSnapshot({ openProjects: [configFile] })).getProject(configFile);
        if (!project) throw new Error(`TypeScript 7 opened no project for ${tsconfig}`);
        const files = (
            await Promise.all(project.rootFiles.map((fileName) => project.program.getSourceFile(fileName)))
        ).filter((file) => file !== undefined);
        const diagnostics = await diagnosticsOf(project.program, project.compilerOptions);
        const texts = new Texts(project.program, files);
        return [
            ...(await Promise.all(diagnostics.map((diagnostic) => describe(diagnostic, texts)))),
            ...(await outputsInTemplates(project.checker, files)),
        ];
    } finally {
        await api.close();
    }
}

/**
 * What tsc reports, in its order and with its gates (TypeScript's emitFilesAndReportErrors): the
 * config file's problems; then syntax; only without syntax errors the options and global ones;
 * only without those the semantic ones; declaration problems only where declarations are asked for.
 */
async function diagnosticsOf(program: Program, options: CompilerOptions): Promise<Diagnostic[]> {
    const found = [...(await program.getSyntacticDiagnostics())];
    if (found.length === 0) {
        found.push(...(await program.getProgramDiagnostics()), ...(await program.getGlobalDiagnostics()));
        if (found.length === 0) found.push(...(await program.getSemanticDiagnostics()));
        if (found.length === 0 && (options.declaration || options.composite))
            found.push(...(await program.getDeclarationDiagnostics()));
    }
    const unique = new Map(
        [...(await program.getConfigFileParsingDiagnostics()), ...found].map((diagnostic) => [
            key(diagnostic),
            diagnostic,
        ]),
    );
    return [...unique.values()].sort(inTscOrder);
}

const key = (diagnostic: Diagnostic) =>
    `${diagnostic.fileName}\0${diagnostic.pos}\0${diagnostic.end}\0${diagnostic.code}\0${diagnostic.text}`;

/** tsc's sort: by file (none first), start, length, code, message. */
function inTscOrder(a: Diagnostic, b: Diagnostic): number {
    const file = (a.fileName ?? "") < (b.fileName ?? "") ? -1 : (a.fileName ?? "") > (b.fileName ?? "") ? 1 : 0;
    return (
        file ||
        a.pos - b.pos ||
        a.end - a.pos - (b.end - b.pos) ||
        a.code - b.code ||
        (a.text < b.text ? -1 : a.text > b.text ? 1 : 0)
    );
}

async function outputsInTemplates(checker: Checker, files: readonly SourceFile[]): Promise<string[]> {
    const { isParenthesizedExpression, isTaggedTemplateExpression, isTemplateExpression } =
        await import("typescript-7/unstable/ast/is");
    const expressions: { file: SourceFile; node: Node }[] = [];
    for (const file of files) {
        const visit = (node: Node): void => {
            if (isTemplateExpression(node) && !isTaggedTemplateExpression(node.parent))
                expressions.push(...node.templateSpans.map((span) => ({ file, node: span.expression })));
            node.forEachChild(visit);
        };
        visit(file);
    }
    const types = await checker.getTypeAtLocation(expressions.map(({ node }) => node));
    const aliases = await Promise.all(types.map(async (type) => (await type?.getAliasSymbol())?.name));
    return expressions.flatMap(({ file, node }, index) => {
        const alias = aliases[index];
        if (alias !== "Output" && alias !== "OutputInstance") return [];
        // Where ESLint reports it: its syntax tree keeps no parentheses.
        let shown = node;
        while (isParenthesizedExpression(shown)) shown = shown.expression;
        const rule = alias === "Output" ? "no-output-in-template-literal" : "no-output-instance-in-template-literal";
        const { line, column } = lineAndColumn(file.text, shown.getStart(file));
        return [
            `${path.relative(".", file.fileName)}(${line},${column}): error @pulumi/${rule}: a pulumi.${alias} in a template string renders as a warning text, not its value; use pulumi.interpolate or .apply()`,
        ];
    });
}

/** The text of each file a diagnostic names: the program's (imported files too) or, for tsconfig.json, the disk's. */
class Texts {
    private readonly known: Map<string, string | undefined>;
    constructor(
        private readonly program: Program,
        files: readonly SourceFile[],
    ) {
        this.known = new Map(files.map((file) => [file.fileName, file.text]));
    }
    async of(fileName: string): Promise<string | undefined> {
        if (!this.known.has(fileName))
            this.known.set(
                fileName,
                (await this.program.getSourceFile(fileName))?.text ??
                    (existsSync(fileName) ? readFileSync(fileName, "utf8") : undefined),
            );
        return this.known.get(fileName);
    }
}

const CATEGORIES = ["warning", "error", "suggestion", "message"];

async function describe(diagnostic: Diagnostic, texts: Texts): Promise<string> {
    const text = [diagnostic.text, ...chain(diagnostic.messageChain, 1)].join("\n");
    const message = `${CATEGORIES[diagnostic.category]} TS${diagnostic.code}: ${text}`;
    if (diagnostic.fileName === undefined) return message;
    const source = await texts.of(diagnostic.fileName);
    const file = path.relative(".", diagnostic.fileName);
    if (source === undefined) return `${file}: ${message}`;
    const { line, column } = lineAndColumn(source, diagnostic.pos);
    return `${file}(${line},${column}): ${message}`;
}

/** The chained messages under a diagnostic, indented by depth as tsc prints them. */
function chain(messages: readonly Diagnostic[] | undefined, depth: number): string[] {
    return (messages ?? []).flatMap((message) => [
        `${"  ".repeat(depth)}${message.text}`,
        ...chain(message.messageChain, depth + 1),
    ]);
}

/** 1-based line and column (in UTF-16 units, as tsc counts) of a position in a text. */
function lineAndColumn(text: string, position: number): { line: number; column: number } {
    const before = text.slice(0, position);
    const lineStart = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r")) + 1;
    return { line: (before.match(/\r\n|\r|\n/g)?.length ?? 0) + 1, column: position - lineStart + 1 };
}

/**
 * Runs a check from the command line. TypeScript 7's API client does not notice its compiler
 * process dying: its requests never settle and Node's event loop runs dry. That is a failure, not
 * a pass with nothing to report.
 */
export function runCheck(name: string, check: () => Promise<boolean>): void {
    let settled = false;
    process.once("beforeExit", () => {
        if (settled) return;
        console.error(`${name}: stopped without an answer (did TypeScript 7's compiler process die?)`);
        process.exitCode = 1;
    });
    check().then(
        (passed) => {
            settled = true;
            process.exitCode = passed ? 0 : 1;
        },
        (error) => {
            settled = true;
            console.error(error);
            process.exitCode = 1;
        },
    );
}

if (require.main === module) {
    runCheck("npm run typecheck", async () => {
        const problems = await typeCheck();
        for (const problem of problems) console.error(problem);
        if (problems.length > 0) console.error(`npm run typecheck: ${problems.length} problem(s) (TypeScript 7)`);
        return problems.length === 0;
    });
}
