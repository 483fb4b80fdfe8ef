import { strict as assert } from "assert";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/**
 * What CI and the deploy jobs run: actions pinned to commits, checkouts that keep no token, the
 * registry's signatures checked, Dependabot moving all of it, and every install script decided.
 */
const ROOT = join(__dirname, "..");
const WORKFLOW_DIR = join(ROOT, ".github", "workflows");
const FILES = readdirSync(WORKFLOW_DIR).filter((file) => file.endsWith(".yml"));
const text = (file: string) => readFileSync(join(WORKFLOW_DIR, file), "utf8");
const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));

/**
 * The `uses:` lines of a workflow not pinned as `owner/repo@<40 hex> # vX.Y.Z`. GitHub's "Security
 * hardening for GitHub Actions": a full-length commit SHA is the only immutable reference to an
 * action; the comment is the release it is, which Dependabot rewrites with the SHA.
 */
function unpinned(workflow: string): string[] {
    return workflow
        .split("\n")
        .filter((line) => /^\s*(- )?uses:/.test(line))
        .map((line) => line.trim())
        .filter((line) => !/^(- )?uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(line));
}

interface Step {
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
}
interface Job {
    readonly permissions?: Record<string, string> | string;
    readonly steps: Step[];
}

/** The checkouts of a workflow that leave the job's token in .git/config where the job cannot push. */
function tokensKept(workflow: string): string[] {
    const data = parse(workflow);
    return Object.entries<Job>(data.jobs).flatMap(([name, job]) => {
        // A job's permissions replace the workflow's; without either, the repository's default applies.
        const permissions = job.permissions ?? data.permissions ?? "write-all";
        const pushes = permissions === "write-all" || (permissions as Record<string, string>).contents === "write";
        if (pushes) return [];
        return job.steps
            .filter((step) => String(step.uses).startsWith("actions/checkout@"))
            .filter((step) => step.with?.["persist-credentials"] !== false)
            .map(() => name);
    });
}

describe("supply chain", () => {
    describe("actions", () => {
        it("every uses: in every workflow is a commit SHA with its release in a comment", () => {
            for (const file of FILES) assert.deepEqual(unpinned(text(file)), [], file);
        });

        it("the pin check finds a tag, a branch, a short SHA and a SHA without its release", () => {
            const sha = "fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09";
            const steps = [
                `      - uses: actions/checkout@${sha} # v5.1.0`,
                "      - uses: actions/checkout@v5",
                "        uses: pulumi/actions@main",
                "      - uses: actions/setup-node@a0853c2 # v5.0.0",
                `      - uses: actions/checkout@${sha}`,
                `      - uses: actions/checkout@${sha} # v5`,
            ];
            assert.deepEqual(
                unpinned(steps.join("\n")),
                steps.slice(1).map((line) => line.trim()),
            );
        });

        it("each action is at one commit and one release everywhere, so one Dependabot update moves it all", () => {
            const pins = new Map<string, Set<string>>();
            for (const file of FILES)
                for (const [, action, pin] of text(file).matchAll(/uses: ([\w.-]+\/[\w./-]+)@(\S+ # \S+)/g))
                    pins.set(action, new Set([...(pins.get(action) ?? []), pin]));
            assert.deepEqual([...pins.keys()].sort(), [
                "actions/checkout",
                "actions/setup-node",
                "aws-actions/configure-aws-credentials",
                "pulumi/actions",
            ]);
            for (const [action, versions] of pins) assert.equal(versions.size, 1, `${action}: ${[...versions]}`);
        });
    });

    describe("checkout tokens", () => {
        it("no checkout keeps the token in a job without contents: write", () => {
            for (const file of FILES) assert.deepEqual(tokensKept(text(file)), [], file);
        });

        it("a job with contents: write pushes (the release's ledger commit), so the token it keeps is used", () => {
            for (const file of FILES)
                for (const [name, job] of Object.entries<Job>(parse(text(file)).jobs)) {
                    if ((job.permissions as Record<string, string> | undefined)?.contents !== "write") continue;
                    assert.ok(
                        job.steps.some((step) => /\bgit push\b/.test(step.run ?? "")),
                        `${file} ${name} may write but never pushes`,
                    );
                }
        });

        it("the check finds a checkout that keeps its token, by the job's or the workflow's permissions", () => {
            const workflow = (workflowPermissions: string, jobPermissions: string, checkoutWith: string) =>
                `on: push\n${workflowPermissions}jobs:\n  x:\n${jobPermissions}    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n${checkoutWith}`;
            const off = "        with:\n          persist-credentials: false\n";
            const read = "permissions:\n  contents: read\n";
            const jobWrite = "    permissions:\n      contents: write\n";
            assert.deepEqual(tokensKept(workflow(read, "", "")), ["x"]);
            assert.deepEqual(tokensKept(workflow(read, "", off)), []);
            assert.deepEqual(tokensKept(workflow(read, jobWrite, "")), []);
            assert.deepEqual(tokensKept(workflow("", "    permissions:\n      id-token: write\n", "")), ["x"]);
        });
    });

    describe("npm", () => {
        it("CI checks the registry's signatures and attestations of what npm ci installed, and .ci/run (offline) does not", () => {
            const steps: Step[] = parse(text("ci.yml")).jobs.test.steps;
            const runs = steps.map((step) => step.run);
            assert.ok(runs.indexOf("npm audit signatures") > runs.indexOf(".ci/run"), String(runs));
            assert.match(readFileSync(join(ROOT, ".ci", "run"), "utf8"), /^npm ci /m);
            assert.doesNotMatch(readFileSync(join(ROOT, ".ci", "run"), "utf8"), /audit signatures/);
        });

        it("every package in the lockfile with an install script is approved or denied in allowScripts, and nothing else is", () => {
            const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8"));
            const withScripts = Object.entries<{ version: string; hasInstallScript?: boolean }>(lock.packages)
                .filter(([path, entry]) => path !== "" && entry.hasInstallScript)
                .map(([path, entry]) => ({ name: path.slice(path.lastIndexOf("node_modules/") + 13), ...entry }));
            // A key is a name or name@version (npm install-scripts approve writes the pinned form).
            const decided = Object.keys(packageJson.allowScripts).map((key) => {
                const at = key.indexOf("@", 1);
                return at < 0 ? { name: key } : { name: key.slice(0, at), version: key.slice(at + 1) };
            });
            const covers = (key: { name: string; version?: string }, pkg: { name: string; version: string }) =>
                key.name === pkg.name && (key.version === undefined || key.version === pkg.version);
            assert.ok(withScripts.length >= 2);
            assert.deepEqual(
                withScripts.filter((pkg) => !decided.some((key) => covers(key, pkg))).map((pkg) => pkg.name),
                [],
            );
            assert.deepEqual(
                decided.filter((key) => !withScripts.some((pkg) => covers(key, pkg))).map((key) => key.name),
                [],
            );
        });

        it("denies what it does not need: @swc/core's binary check with its unlocked fallback download, protobufjs's version-scheme notice", () => {
            assert.deepEqual(packageJson.allowScripts, { "@swc/core": false, protobufjs: false });
        });

        it("an install with a script not yet decided fails instead of running it with a warning (.npmrc)", () => {
            assert.match(readFileSync(join(ROOT, ".npmrc"), "utf8"), /^strict-allow-scripts=true$/m);
        });
    });

    describe("Dependabot", () => {
        // Keys and values as GitHub's "Dependabot options reference" lists them.
        const config = parse(readFileSync(join(ROOT, ".github", "dependabot.yml"), "utf8"));
        const update = (ecosystem: string) =>
            config.updates.find((entry: { "package-ecosystem": string }) => entry["package-ecosystem"] === ecosystem);
        const escape = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
        const matches = (patterns: readonly string[] | undefined, name: string) =>
            (patterns ?? []).some((pattern) => new RegExp(`^${pattern.split("*").map(escape).join(".*")}$`).test(name));
        /**
         * The group a dependency falls in: the first whose patterns match it and whose
         * exclude-patterns do not (`*` for any characters).
         */
        const groupOf = (groups: Record<string, { patterns: string[]; "exclude-patterns"?: string[] }>, name: string) =>
            Object.entries(groups).find(
                ([, group]) => matches(group.patterns, name) && !matches(group["exclude-patterns"], name),
            )?.[0];

        it("updates npm and the actions from the repository root, weekly, each only after a week's cooldown", () => {
            assert.equal(config.version, 2);
            assert.deepEqual(
                config.updates.map((entry: { "package-ecosystem": string }) => entry["package-ecosystem"]),
                ["npm", "github-actions"],
            );
            for (const entry of config.updates) {
                assert.equal(entry.directory, "/");
                assert.equal(entry.schedule.interval, "weekly");
                assert.equal(entry.cooldown["default-days"], 7);
            }
        });

        it("moves the AWS SDK clients together and the Pulumi packages together", () => {
            const groups = update("npm").groups;
            // What the programs run on: the dependencies, not the development tools.
            const names = Object.keys(packageJson.dependencies);
            const sdk = names.filter((name) => name.startsWith("@aws-sdk/"));
            const pulumi = names.filter((name) => name.startsWith("@pulumi/"));
            assert.ok(sdk.length >= 6 && pulumi.length >= 3);
            assert.deepEqual(new Set(sdk.map((name) => groupOf(groups, name))), new Set(["aws-sdk"]));
            assert.deepEqual(new Set(pulumi.map((name) => groupOf(groups, name))), new Set(["pulumi"]));
            assert.equal(groupOf(groups, "@pulumi/eslint-plugin"), "eslint", "a lint rule moves with the linter");
            assert.equal(groupOf(groups, "mocha"), undefined, "a package no group names gets its own pull request");
        });

        it("moves every action the workflows use in one pull request", () => {
            const groups = update("github-actions").groups;
            const actions = FILES.flatMap((file) =>
                [...text(file).matchAll(/uses: ([\w.-]+\/[\w./-]+)@/g)].map((m) => m[1]),
            );
            assert.ok(actions.length >= 20);
            assert.deepEqual(new Set(actions.map((action) => groupOf(groups, action))), new Set(["actions"]));
        });

        it("uses only keys the options reference defines", () => {
            const allowed = {
                top: ["version", "updates"],
                update: ["package-ecosystem", "directory", "schedule", "cooldown", "groups", "ignore"],
                schedule: ["interval", "day"],
                group: ["patterns", "exclude-patterns", "dependency-type", "update-types", "applies-to"],
                ignore: ["dependency-name", "versions", "update-types"],
            };
            const extra = (object: object, keys: string[]) => Object.keys(object).filter((key) => !keys.includes(key));
            assert.deepEqual(extra(config, allowed.top), []);
            for (const entry of config.updates) {
                assert.deepEqual(extra(entry, allowed.update), []);
                assert.deepEqual(extra(entry.schedule, allowed.schedule), []);
                for (const [name, group] of Object.entries<object>(entry.groups)) {
                    assert.match(name, /^[A-Za-z]([A-Za-z|_-]*[A-Za-z])?$/, "a group's identifier");
                    assert.deepEqual(extra(group, allowed.group), []);
                }
                for (const rule of entry.ignore ?? []) assert.deepEqual(extra(rule, allowed.ignore), []);
            }
        });
    });
});
