import * as path from "node:path";
import type { Checker, Diagnostic, Program } from "typescript-7/unstable/async" with { "resolution-mode": "import" };
import type { Node, SourceFile } from "typescript-7/unstable/ast" with { "resolution-mode": "import" };

/**
 * `npm run typecheck`: one session of TypeScript 7's native compiler, through its API
 * (`typescript-7/unstable/async`, the version pinned in package.json), over a tsconfig.json:
 * - the type check: every diagnostic `tsc --noEmit` reports;
 * - Pulumi's rule against outputs in template strings: `${output}` in an untagged template renders
 *   a warning text instead of the value. The rules are @pulumi/eslint-plugin 0.3.1's
 *   (src/noOuputInTemplateLiteral.ts and src/noOuputInstanceInTemplateLiteral.ts): an expression,
 *   in a template literal not tagged, whose type is an alias named Output or OutputInstance. It
 *   runs here, on the types the type check has built, instead of in ESLint, which needed a second,
 *   TypeScript 5.9 program of the same files for it (two thirds of the static checks' time).
 * Each problem is one line, `file(line,column): error CODE: message`, as `tsc --pretty false` prints.
 */
export async function typeCheck(tsconfig = "tsconfig.json"): Promise<string[]> {
    const { API } = await import("typescript-7/unstable/async");
    const configFile = path.resolve(tsconfig);
    const api = new API({ cwd: path.dirname(configFile) });
    try {
        const project = (await api.updateSnapshot({ openProjects: [configFile] })).getProject(configFile)!;
        const files = await Promise.all(project.rootFiles.map(async (fileName) => (await project.program.getSourceFile(fileName))!));
        // One request at a time: requests that run at once in the same session reported a diagnostic twice.
        const diagnostics = await diagnosticsOf(project.program, files);
        return [...diagnostics, ...(await outputsInTemplates(project.checker, files))];
    } finally {
        await api.close();
    }
}

/** What `tsc --noEmit` reports, in its order: semantic diagnostics only once the syntax is sound. */
async function diagnosticsOf(program: Program, files: readonly SourceFile[]): Promise<string[]> {
    const byName = new Map(files.map((file) => [file.fileName, file]));
    const found = [...(await program.getConfigFileParsingDiagnostics()), ...(await program.getProgramDiagnostics()), ...(await program.getSyntacticDiagnostics())];
    if (found.length === 0) found.push(...(await program.getGlobalDiagnostics()), ...(await program.getSemanticDiagnostics()));
    return [...new Set(found.map((diagnostic) => describe(diagnostic, byName)))];
}

async function outputsInTemplates(checker: Checker, files: readonly SourceFile[]): Promise<string[]> {
    const { isTaggedTemplateExpression, isTemplateExpression } = await import("typescript-7/unstable/ast/is");
    const expressions: { file: SourceFile; node: Node }[] = [];
    for (const file of files) {
        const visit = (node: Node): void => {
            if (isTemplateExpression(node) && !isTaggedTemplateExpression(node.parent)) expressions.push(...node.templateSpans.map((span) => ({ file, node: span.expression })));
            node.forEachChild(visit);
        };
        visit(file);
    }
    const types = await checker.getTypeAtLocation(expressions.map(({ node }) => node));
    const aliases = await Promise.all(types.map(async (type) => (await type?.getAliasSymbol())?.name));
    return expressions.flatMap(({ file, node }, index) => {
        const alias = aliases[index];
        if (alias !== "Output" && alias !== "OutputInstance") return [];
        const rule = alias === "Output" ? "no-output-in-template-literal" : "no-output-instance-in-template-literal";
        return [at(file, node.getStart(file), `error @pulumi/${rule}: a pulumi.${alias} in a template string renders as a warning text, not its value; use pulumi.interpolate or .apply()`)];
    });
}

const CATEGORIES = ["warning", "error", "suggestion", "message"];

function describe(diagnostic: Diagnostic, files: ReadonlyMap<string, SourceFile>): string {
    const text = [diagnostic.text, ...chain(diagnostic.messageChain, 1)].join("\n");
    const message = `${CATEGORIES[diagnostic.category]} TS${diagnostic.code}: ${text}`;
    const file = diagnostic.fileName === undefined ? undefined : files.get(diagnostic.fileName);
    if (file) return at(file, diagnostic.pos, message);
    return diagnostic.fileName === undefined ? message : `${path.relative(".", diagnostic.fileName)}: ${message}`;
}

/** The chained messages under a diagnostic, indented by depth as tsc prints them. */
function chain(messages: readonly Diagnostic[] | undefined, depth: number): string[] {
    return (messages ?? []).flatMap((message) => [`${"  ".repeat(depth)}${message.text}`, ...chain(message.messageChain, depth + 1)]);
}

function at(file: SourceFile, position: number, message: string): string {
    const { line, character } = file.getLineAndCharacterOfPosition(position);
    return `${path.relative(".", file.fileName)}(${line + 1},${character + 1}): ${message}`;
}

if (require.main === module) {
    typeCheck().then(
        (problems) => {
            for (const problem of problems) console.error(problem);
            if (problems.length > 0) console.error(`npm run typecheck: ${problems.length} problem(s) (TypeScript 7)`);
            process.exitCode = problems.length > 0 ? 1 : 0;
        },
        (error) => {
            console.error(error);
            process.exitCode = 1;
        },
    );
}
