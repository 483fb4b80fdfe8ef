import { strict as assert } from "assert";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import * as ts from "typescript";

/**
 * The layout, read from the imports: commands on top, one room per job, plumbing at the bottom; and
 * functions short enough to change safely. Tests are left out: they stand beside the product, not in it.
 */
const ROOT = join(__dirname, "..");
const SKIP = new Set(["node_modules", "test", "bin", ".git", ".github", ".stryker-tmp", "reports"]);

function sourceFiles(dir = ROOT): string[] {
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return SKIP.has(name) ? [] : sourceFiles(path);
        return name.endsWith(".ts") ? [relative(ROOT, path)] : [];
    });
}

const FILES = sourceFiles();

/** The project files a file imports (type-only imports too: a reader follows them all the same). */
function importsOf(file: string): string[] {
    const text = readFileSync(join(ROOT, file), "utf8");
    return [...text.matchAll(/(?:from|import)\s+"(\.{1,2}\/[^"]+)"/g)].map((match) => {
        const target = normalize(join(dirname(file), match[1]));
        return FILES.includes(`${target}.ts`) ? `${target}.ts` : join(target, "index.ts");
    });
}

const GRAPH = new Map(FILES.map((file) => [file, importsOf(file)]));
const folderOf = (file: string) => (file.includes("/") ? file.split("/")[0] : ".");

/** Every cycle's members, found by depth-first search (each cycle reported once per entry point). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
    const found: string[][] = [];
    const done = new Set<string>();
    const visit = (node: string, path: string[]) => {
        const at = path.indexOf(node);
        if (at >= 0) {
            found.push(path.slice(at));
            return;
        }
        if (done.has(node)) return;
        for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
        done.add(node);
    };
    for (const node of graph.keys()) visit(node, []);
    return found;
}

function codeLines(file: string): number {
    return readFileSync(join(ROOT, file), "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "" && !/^\s*(\/\/|\/\*|\*)/.test(line)).length;
}

/** The longest a function outside the tests may be (issue 36): longer, and it does more than one thing. */
const MAX_FUNCTION_LINES = 125;

/** Every TypeScript file git tracks outside test/, scripts and commands included. */
function trackedSourceFiles(): string[] {
    return execFileSync("git", ["ls-files", "-z", "--", "*.ts"], { cwd: ROOT, encoding: "utf8" })
        .split("\0")
        .filter((file) => file !== "" && !file.startsWith("test/"));
}

interface FunctionSpan {
    readonly name: string;
    readonly line: number;
    readonly lines: number;
}

/**
 * Every function with a body in `text` (declarations, methods, constructors, accessors, function
 * expressions and arrows, nested ones too): its name (an arrow's is its variable's), first line, and lines from its first token
 * (after any doc comment) to its last, as TypeScript's parser sees them.
 */
function functionSpans(file: string, text: string): FunctionSpan[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line + 1;
    const spans: FunctionSpan[] = [];
    const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
            const line = lineOf(node.getStart(source));
            spans.push({ name: nameOf(node, source), line, lines: lineOf(node.getEnd()) - line + 1 });
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return spans;
}

/** A function's name as a reader looks for it: its own, its variable's (an arrow's), or `constructor`. */
function nameOf(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
    if (ts.isConstructorDeclaration(node)) return "constructor";
    const name = node.name ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name : undefined);
    return name ? name.getText(source) : "(anonymous)";
}

describe("layout", () => {
    it("every import resolves to a file of the project", () => {
        const broken = [...GRAPH].flatMap(([file, targets]) =>
            targets.filter((target) => !FILES.includes(target)).map((target) => `${file} -> ${target}`),
        );
        assert.deepEqual(broken, []);
    });

    it("no files import each other in a circle", () => {
        assert.deepEqual(cycles(GRAPH), []);
    });

    it("no two top-level folders import each other, directly or around a loop", () => {
        const folders = new Map<string, string[]>();
        for (const [file, targets] of GRAPH) {
            const from = folderOf(file);
            const to = new Set([
                ...(folders.get(from) ?? []),
                ...targets.map(folderOf).filter((folder) => folder !== from),
            ]);
            folders.set(from, [...to]);
        }
        assert.deepEqual(cycles(folders), []);
    });

    it("the command plumbing (cli/) imports no room above it", () => {
        const upward = [...GRAPH]
            .filter(([file]) => folderOf(file) === "cli")
            .flatMap(([file, targets]) =>
                targets
                    .filter((target) => !["cli", "shared"].includes(folderOf(target)))
                    .map((target) => `${file} -> ${target}`),
            );
        assert.deepEqual(upward, []);
    });

    it("no room imports a command (commands/ is the top)", () => {
        const downward = [...GRAPH]
            .filter(([file]) => folderOf(file) !== "commands")
            .flatMap(([file, targets]) =>
                targets.filter((target) => folderOf(target) === "commands").map((target) => `${file} -> ${target}`),
            );
        assert.deepEqual(downward, []);
    });

    it("no folder holds more than a quarter of the code lines", () => {
        const byFolder = new Map<string, number>();
        for (const file of FILES) byFolder.set(folderOf(file), (byFolder.get(folderOf(file)) ?? 0) + codeLines(file));
        const total = [...byFolder.values()].reduce((sum, lines) => sum + lines, 0);
        const heavy = [...byFolder]
            .filter(([, lines]) => lines > total / 4)
            .map(([folder, lines]) => `${folder}: ${lines} of ${total}`);
        assert.deepEqual(heavy, []);
    });

    it(`no function outside test/ is over ${MAX_FUNCTION_LINES} lines (split it by concern, or make it a table)`, () => {
        const long = trackedSourceFiles().flatMap((file) =>
            functionSpans(file, readFileSync(join(ROOT, file), "utf8"))
                .filter((span) => span.lines > MAX_FUNCTION_LINES)
                .map((span) => `${file}:${span.line}: ${span.name} is ${span.lines} lines`),
        );
        assert.deepEqual(long, []);
    });

    it("a function's length runs from its first line to its last, nested functions and constructors counted", () => {
        const text = [
            "/** A doc comment, not counted. */",
            "export function outer() {",
            "    const one = 1;",
            "    const inner = () => {",
            "        return one;",
            "    };",
            "    return inner;",
            "}",
            "class Holder {",
            "    constructor() {",
            "        this.toString();",
            "    }",
            "}",
        ].join("\n");
        assert.deepEqual(functionSpans("example.ts", text), [
            { name: "outer", line: 2, lines: 7 },
            { name: "inner", line: 4, lines: 3 },
            { name: "constructor", line: 10, lines: 3 },
        ]);
    });
});
