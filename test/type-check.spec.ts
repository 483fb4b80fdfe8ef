import { strict as assert } from "assert";
import { execFile, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { typeCheck } from "../scripts/type-check";

const ROOT = join(__dirname, "..");
const FIXTURES = "test/fixtures/type-check";
const TSC = join(ROOT, "node_modules", "typescript-7", "bin", "tsc");

/** What TypeScript 7's own `tsc --noEmit --pretty false` prints for a project, line by line. */
const tscSays = (project: string) =>
    new Promise<string[]>((resolve) =>
        execFile(
            process.execPath,
            [TSC, "--noEmit", "--pretty", "false", "-p", project],
            { cwd: ROOT },
            (_error, stdout) => resolve(stdout.split("\n").filter(Boolean)),
        ),
    );

/**
 * `npm run typecheck` (scripts/type-check.ts) asks TypeScript 7's API for what `tsc` would print.
 * Each project under test/fixtures/type-check pins some of tsc's rules for what it reports: syntax
 * errors hide type errors; a missing file hides them too, a config problem does not (and has its
 * place in tsconfig.json); global errors hide the rest; declaration problems only where
 * declarations are asked for; positions in imported files; chained messages; columns after
 * non-ASCII text; tsc's order. The real tsc gives the expected value.
 */
describe("npm run typecheck: what tsc reports, and Pulumi's rule against outputs in template strings", () => {
    const projects = readdirSync(join(ROOT, FIXTURES)).filter((name) => name !== "templates");
    const found = new Map<string, { ours: string[]; tsc: string[] }>();
    before(async () => {
        await Promise.all(
            [...projects, "templates"].map(async (name) => {
                const project = `${FIXTURES}/${name}`;
                const [ours, tsc] = await Promise.all([typeCheck(`${project}/tsconfig.json`), tscSays(project)]);
                found.set(name, { ours: ours.flatMap((problem) => problem.split("\n")), tsc });
            }),
        );
    });

    for (const name of ["syntax-first", "config-and-missing-file", "no-lib", "declarations", "imports-chains-order"]) {
        it(`${name}: exactly the lines tsc prints`, () => {
            assert.ok(projects.includes(name), `no fixture ${name}`);
            const { ours, tsc } = found.get(name)!;
            assert.ok(tsc.length > 0, "the fixture must give tsc something to report");
            assert.deepEqual(ours, tsc);
        });
    }

    it("every fixture project is one of the cases above", () => {
        assert.deepEqual(projects.sort(), [
            "config-and-missing-file",
            "declarations",
            "imports-chains-order",
            "no-lib",
            "syntax-first",
        ]);
    });

    it("flags each output in an untagged template string where it stands, and nothing tagged, inside apply, or plain", () => {
        const { ours, tsc } = found.get("templates")!;
        assert.deepEqual(ours.slice(0, tsc.length), tsc);
        assert.deepEqual(
            ours.slice(tsc.length).map((problem) => problem.split(": a ")[0]),
            [
                `${FIXTURES}/templates/templates.ts(8,40): error @pulumi/no-output-in-template-literal`,
                `${FIXTURES}/templates/templates.ts(9,32): error @pulumi/no-output-in-template-literal`,
                `${FIXTURES}/templates/templates.ts(10,33): error @pulumi/no-output-instance-in-template-literal`,
                `${FIXTURES}/templates/templates.ts(11,32): error @pulumi/no-output-in-template-literal`,
                `${FIXTURES}/templates/templates.ts(12,28): error @pulumi/no-output-in-template-literal`,
            ],
        );
    });

    it("a check that never answers (TypeScript 7's process died) fails instead of passing silently (a real process)", () => {
        const run = spawnSync(
            process.execPath,
            [
                "-r",
                "./cli/register.cjs",
                "-e",
                'require("./scripts/type-check").runCheck("the check", () => new Promise(() => undefined))',
            ],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.equal(run.status, 1);
        assert.equal(run.stderr, "the check: stopped without an answer (did TypeScript 7's compiler process die?)\n");
    });
});
