import { strict as assert } from "assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { COST_SPEC } from "../../commands/cost";
import { BOOTSTRAP_SPEC } from "../../commands/bootstrap";
import { ADOPT_SPEC } from "../../commands/adopt";
import { CHECK_SPEC } from "../../commands/check";
import { runMain } from "../../cli/run-main";
import { CommandSpec, helpText } from "../../cli/command";
import { CYCLE_SPEC } from "../../commands/cycle";
import { DESTROY_BASE_SPEC } from "../../commands/destroy-base";
import { RELEASE_SPEC } from "../../commands/release";
import { REVIEW_SPEC } from "../../commands/review";
import { DOWN_SPEC } from "../../commands/down";
import { UP_SPEC } from "../../commands/up";
import { STATUS_SPEC } from "../../commands/status";
import { LINT_WORKFLOWS_SPEC } from "../../scripts/lint-workflows";
import { ENVIRONMENT_NAMES } from "../../shared/environments";
import { WRITE_SCHEDULE_SPEC } from "../../scripts/write-schedule";

const ROOT = join(__dirname, "..", "..");
const SPECS: Record<string, CommandSpec> = {
    cycle: CYCLE_SPEC,
    status: STATUS_SPEC,
    up: UP_SPEC,
    down: DOWN_SPEC,
    "destroy-base": DESTROY_BASE_SPEC,
    bootstrap: BOOTSTRAP_SPEC,
    cost: COST_SPEC,
    check: CHECK_SPEC,
    release: RELEASE_SPEC,
    adopt: ADOPT_SPEC,
    review: REVIEW_SPEC,
};

/** Where the bracket opened at `open` closes. */
const closingBracket = (text: string, open: number): number => {
    let depth = 0;
    for (let i = open; i < text.length; i++) {
        depth += text[i] === "[" ? 1 : text[i] === "]" ? -1 : 0;
        if (depth === 0) return i;
    }
    return -1;
};

describe("--help on every npm command", () => {
    it("covers every npm script that runs a command", () => {
        const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
        const commands = Object.keys(scripts).filter((name) =>
            scripts[name].startsWith("node -r ./cli/register.cjs commands/"),
        );
        assert.deepEqual(commands.sort(), Object.keys(SPECS).sort());
    });

    describe("every other npm script answers --help with its usage and exit 0, doing none of its work", () => {
        const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
        /** Scripts that are a tool's own command line: their --help is the tool's, which prints and exits 0. */
        const TOOLS: Record<string, RegExp> = {
            typecheck: /^node node_modules\/typescript-7\/bin\/tsc /,
            "test:unit": /^mocha$/,
            lint: /^eslint /,
            mutate: /^stryker run$/,
            format: /^prettier /,
        };
        const OURS = ["test", "lint:workflows", "schedule:write"];

        it("each script is a command (above), a tool's own command line, or one of ours below", () => {
            const commands = Object.keys(SPECS);
            assert.deepEqual(
                Object.keys(scripts)
                    .filter((name) => !commands.includes(name) && !OURS.includes(name))
                    .sort(),
                Object.keys(TOOLS).sort(),
            );
            for (const [name, command] of Object.entries(TOOLS)) assert.match(scripts[name], command, name);
        });

        it("npm test -- --help: its usage, exit 0, and no check runs (a real process: scripts/test is bash)", () => {
            const run = spawnSync(join(ROOT, "scripts", "test"), ["--grep", "x", "--help"], {
                cwd: ROOT,
                encoding: "utf8",
            });
            assert.equal(run.status, 0);
            assert.match(run.stdout, /^usage: npm test \[-- MOCHA_FLAGS\.\.\.\]\n/);
            assert.equal(run.stderr, "");
        });

        it("npm run lint:workflows -- --help: its usage, exit 0, nothing linted (a real process, as the script runs it)", () => {
            const [node, ...args] = scripts["lint:workflows"].split(" ");
            assert.equal(node, "node");
            const run = spawnSync(process.execPath, [...args, "--help"], { cwd: ROOT, encoding: "utf8" });
            assert.equal(run.status, 0);
            assert.equal(run.stdout, `${helpText(LINT_WORKFLOWS_SPEC)}\n`);
            assert.doesNotMatch(run.stdout, /actionlint found|workflow files passed/);
        });

        it("npm run schedule:write -- --help: its usage, exit 0, nothing written (a real process, as the script runs it)", () => {
            const [node, ...args] = scripts["schedule:write"].split(" ");
            assert.equal(node, "node");
            const run = spawnSync(process.execPath, [...args, "--help"], { cwd: ROOT, encoding: "utf8" });
            assert.equal(run.status, 0);
            assert.equal(run.stdout, `${helpText(WRITE_SCHEDULE_SPEC)}\n`);
        });
    });

    for (const [name, spec] of Object.entries(SPECS)) {
        it(`${name}: usage, every flag with what it does and its default, and two examples`, () => {
            const text = helpText(spec);
            assert.match(text, new RegExp(`^usage: npm run ${name}`));
            // npm keeps the flags before `--` for itself: `npm run status --json` never passes --json on.
            assert.match(spec.usage, new RegExp(`^npm run ${name} \\[?-- `), "the usage puts the flags after --");
            if (spec.usage.startsWith(`npm run ${name} [-- `))
                assert.equal(
                    closingBracket(spec.usage, spec.usage.indexOf("[")),
                    spec.usage.length - 1,
                    "every flag inside [-- ...]",
                );
            for (const [flag, details] of Object.entries(spec.flags)) {
                assert.ok(text.includes(`--${flag}`), flag);
                assert.ok(details.help.length > 10, flag);
            }
            assert.ok(
                spec.examples.length >= 2 && spec.examples.every((example) => example.startsWith(`npm run ${name}`)),
            );
        });
    }

    const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _set, ...withoutSdkSetting } = process.env;
    it("a command's own message is all it prints: no AWS SDK notice about Node 22 before it (a real process, on this Node)", () => {
        const run = spawnSync(process.execPath, ["-r", "./cli/register.cjs", "commands/destroy-base.ts"], {
            cwd: ROOT,
            encoding: "utf8",
            env: withoutSdkSetting,
        });
        assert.equal(run.status, 2);
        assert.equal(
            run.stderr,
            `error: --env is required (one of ${ENVIRONMENT_NAMES.join(", ")})\nusage: ${DESTROY_BASE_SPEC.usage}\n`,
        );
    });

    it("nor in npm test: the preload every mocha worker loads (cli/register.cjs) turns the notice off before any client is made", () => {
        const run = spawnSync(
            process.execPath,
            ["-r", "./cli/register.cjs", "-e", 'new (require("@aws-sdk/client-s3").S3Client)({ region: "us-west-2" })'],
            { cwd: ROOT, encoding: "utf8", env: withoutSdkSetting },
        );
        assert.equal(run.status, 0);
        assert.equal(run.stderr, "");
    });

    it("runMain prints the help and exits 0, running nothing", () => {
        const printed: string[] = [];
        const log = console.log;
        console.log = (text: string) => printed.push(text);
        try {
            runMain(() => assert.fail("main must not run for --help"), { spec: STATUS_SPEC }, [
                "--env",
                "dev",
                "--help",
            ]);
        } finally {
            console.log = log;
        }
        assert.deepEqual(printed, [helpText(STATUS_SPEC)]);
        assert.equal(process.exitCode, 0);
    });
});
