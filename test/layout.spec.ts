import { strict as assert } from "assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/**
 * The layout, read from the imports: commands on top, one room per job, plumbing at the bottom.
 * Tests are left out: they stand beside the product, not in it.
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
});
