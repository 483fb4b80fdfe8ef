import { strict as assert } from "assert";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main as check } from "../commands/check";
import { COST_SPEC, main as cost } from "../commands/cost";
import { CYCLE_SPEC, main as cycle } from "../commands/cycle";
import { DESTROY_BASE_SPEC, main as destroyBase } from "../commands/destroy-base";
import { DOWN_SPEC, main as down } from "../commands/down";
import { parseRequest, RELEASE_SPEC } from "../commands/release";
import { main as gate } from "../commands/schedule-gate";
import { imagePublisherSubjects } from "../base/image-publisher";
import { helpText } from "../cli/command";
import { Evaluation } from "../offline/engine";
import { committedConfig, evaluateEnvironment, StackSource } from "../offline/evaluate";
import { PROJECT_DIR, stackFilePath } from "../offline/stack-files";
import { CheckedStack, checkStack } from "../policy/rules";
import { ConfigError } from "../shared/errors";
import {
    ENVIRONMENT_NAMES,
    EnvironmentDeclaration,
    ENVIRONMENTS,
    EnvironmentName,
    isProductionLike,
    reviewEnvironment,
} from "../shared/environments";
import { RUNTIME_SCHEDULE } from "../shared/schedule";
import { LAYERS, parseStackName, REVIEW_ENVIRONMENT, stackNameOf } from "../shared/stack-name";
import { ADOPT_SPEC } from "../commands/adopt";
import { STATUS_SPEC } from "../commands/status";
import { UP_SPEC } from "../commands/up";

/**
 * Declares an environment for the length of a suite, as one more entry in shared/environments.ts
 * would: the table and its list of names get it, and lose it again afterwards. Help texts are
 * written when their modules load, so they show only the committed entries.
 */
function declareEnvironment(name: EnvironmentName, declaration: EnvironmentDeclaration): () => void {
    const table = ENVIRONMENTS as Record<string, EnvironmentDeclaration>;
    const names = ENVIRONMENT_NAMES as EnvironmentName[];
    table[name] = declaration;
    names.push(name);
    return () => {
        delete table[name];
        names.splice(names.indexOf(name), 1);
    };
}

/** A name no entry has yet, from `stem`: qa, or qa2 where qa is declared already. */
const undeclared = (stem: string): EnvironmentName =>
    [stem, ...[2, 3, 4, 5].map((n) => `${stem}${n}`)].find((name) => !ENVIRONMENT_NAMES.includes(name))!;

/** A project directory holding Pulumi.yaml and a copy of `from`'s two stack files as `to`'s. */
function copiedStackFiles(from: EnvironmentName, to: EnvironmentName): string {
    const dir = mkdtempSync(join(tmpdir(), `durable-code-${to}-`));
    copyFileSync(join(PROJECT_DIR, "Pulumi.yaml"), join(dir, "Pulumi.yaml"));
    for (const layer of LAYERS)
        copyFileSync(stackFilePath(stackNameOf(layer, from)), stackFilePath(stackNameOf(layer, to), dir));
    return dir;
}

/** An evaluation as the policy pack sees a stack: layer and environment from its name. */
const checked = (evaluation: Evaluation): CheckedStack => {
    const { layer, env } = parseStackName(evaluation.stack);
    return {
        project: "durable-code",
        layer,
        env,
        resources: evaluation.resources.map(({ type, name, state }) => ({ type, name, props: state })),
    };
};

const refusal = async (run: Promise<unknown>): Promise<string> =>
    run.then(
        () => assert.fail("expected a refusal"),
        (error: Error & { exitCode?: number }) => {
            assert.equal(error.exitCode, 2, error.message);
            return error.message;
        },
    );

/** The config problems of `stack`'s file in `dir` with one more key set, from a copy. */
const problemsWith = (stack: string, dir: string, key: string, value: string): readonly string[] => {
    const probe = mkdtempSync(join(tmpdir(), "durable-code-probe-"));
    try {
        copyFileSync(join(PROJECT_DIR, "Pulumi.yaml"), join(probe, "Pulumi.yaml"));
        const text = readFileSync(stackFilePath(stack, dir), "utf8");
        writeFileSync(stackFilePath(stack, probe), `${text.trimEnd()}\n  durable-code:${key}: '${value}'\n`);
        committedConfig(stack, { dir: probe });
        return [];
    } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
    } finally {
        rmSync(probe, { recursive: true, force: true });
    }
};

describe("environments, each declared once in shared/environments.ts", () => {
    describe("the committed declarations", () => {
        for (const env of ENVIRONMENT_NAMES) {
            const declaration = ENVIRONMENTS[env];
            it(`${env}: ${declaration.productionLike ? "production-like, so never on the schedule, previewed by no pull request, protected" : "previews only environments that are not production-like"}`, () => {
                for (const previewed of declaration.previewEnvironments) {
                    assert.ok(
                        ENVIRONMENT_NAMES.includes(previewed),
                        `${env} previews ${previewed}, which is not declared`,
                    );
                    assert.equal(isProductionLike(previewed), false, `${env} previews ${previewed}`);
                }
                if (declaration.productionLike) {
                    assert.equal(declaration.scheduled, false);
                    assert.deepEqual(declaration.previewEnvironments, []);
                    assert.equal(declaration.protect, true);
                }
            });
        }

        it("the schedule acts on exactly the environments declared scheduled", () => {
            assert.deepEqual(
                RUNTIME_SCHEDULE.environments,
                ENVIRONMENT_NAMES.filter((env) => ENVIRONMENTS[env].scheduled),
            );
            assert.ok(RUNTIME_SCHEDULE.environments.length > 0);
        });

        it("pull requests' reviews run in the one environment declared to host them, never a production-like one", () => {
            const hosts = ENVIRONMENT_NAMES.filter((env) => ENVIRONMENTS[env].hostsReviews);
            assert.deepEqual(hosts, [REVIEW_ENVIRONMENT]);
            assert.equal(isProductionLike(REVIEW_ENVIRONMENT), false);
            assert.equal(parseStackName(`runtime-${REVIEW_ENVIRONMENT}-pr-7`).review, 7);
        });

        it("a table where no entry or two entries host the reviews is refused, naming the file and the key", () => {
            const copyOfDev = { ...ENVIRONMENTS, qa: { ...ENVIRONMENTS[REVIEW_ENVIRONMENT] } };
            assert.throws(
                () => reviewEnvironment(copyOfDev),
                /shared\/environments\.ts: .*hostsReviews.*not dev and qa/,
            );
            const none = Object.fromEntries(
                ENVIRONMENT_NAMES.map((env) => [env, { ...ENVIRONMENTS[env], hostsReviews: false }]),
            );
            assert.throws(() => reviewEnvironment(none), /hostsReviews: true\), not none/);
        });

        it("every command that takes --env offers every declared environment, in their order", () => {
            const specs = {
                ADOPT_SPEC,
                COST_SPEC,
                CYCLE_SPEC,
                DESTROY_BASE_SPEC,
                DOWN_SPEC,
                RELEASE_SPEC,
                STATUS_SPEC,
                UP_SPEC,
            };
            for (const [name, spec] of Object.entries(specs)) {
                assert.equal(spec.flags.env.value, ENVIRONMENT_NAMES.join("|"), name);
                assert.ok(helpText(spec).includes(`--env <${ENVIRONMENT_NAMES.join("|")}>`), name);
            }
        });
    });

    describe("an environment added as one entry (qa, a copy of staging's) and its two stack files", () => {
        const qa = undeclared("qa");
        let dir: string;
        let undeclare: () => void;
        before(() => {
            undeclare = declareEnvironment(qa, structuredClone(ENVIRONMENTS.staging));
            dir = copiedStackFiles("staging", qa);
        });
        after(() => {
            undeclare();
            rmSync(dir, { recursive: true, force: true });
        });

        it("npm run check passes both files", async () => {
            const printed: string[] = [];
            for (const layer of LAYERS)
                assert.equal(
                    await check(["--stack", stackNameOf(layer, qa)], undefined, (text) => printed.push(text), {
                        dir,
                    }),
                    0,
                    printed.join("\n"),
                );
            assert.ok(
                printed[0].startsWith(`base-${qa} (`) && printed[0].includes(`Pulumi.base-${qa}.yaml): ok\n`),
                printed[0],
            );
            assert.ok(
                printed[1].startsWith(`runtime-${qa} (`) && printed[1].includes(`Pulumi.runtime-${qa}.yaml): ok\n`),
                printed[1],
            );
        });

        it("the whole program evaluates for it, names and tags what it declares qa, and passes every policy rule", async () => {
            const { base, runtime } = await evaluateEnvironment(qa, {}, { dir });
            for (const stack of [base, runtime]) {
                assert.ok(stack.resources.length > 20, stack.stack);
                assert.deepEqual(checkStack(checked(stack)), [], stack.stack);
                assert.equal(checked(stack).env, qa);
            }
            assert.ok(
                runtime.resources.some((resource) => resource.state.tags?.Environment === qa),
                `runtime's resources carry Environment=${qa}`,
            );
        });

        it("npm run cost prices it as staging, whose entry and files it copies", async () => {
            const priced = async (env: string, source: StackSource) => {
                const printed: string[] = [];
                assert.equal(await cost(["--env", env, "--json"], undefined, (text) => printed.push(text), source), 0);
                return JSON.parse(printed.join("\n"));
            };
            const [added, staging] = [await priced(qa, { dir }), await priced("staging", {})];
            assert.ok(added.totalMonthly > 0);
            assert.equal(added.totalMonthly, staging.totalMonthly);
            assert.equal(added.upHoursPerMonth, staging.upHoursPerMonth);
        });

        it("the schedule tears it down and brings it back, as staging's entry says", async () => {
            const lines: string[] = [];
            await gate(["--action", "teardown", "--environment", qa], undefined, new Date(), (line) =>
                lines.push(line),
            );
            assert.ok(lines.includes(`environments=["${qa}"]`), lines.join("\n"));
            assert.ok(RUNTIME_SCHEDULE.environments.includes(qa));
        });

        it("asks for no confirmation, as staging does", () => {
            assert.equal(parseRequest(["--env", qa, "--tag", "v1.0.0"]).env, qa);
        });
    });

    describe("a copy of prod's entry under another name (live) has every protection prod has", () => {
        const live = undeclared("live");
        let dir: string;
        let undeclare: () => void;
        before(() => {
            undeclare = declareEnvironment(live, structuredClone(ENVIRONMENTS.prod));
            dir = copiedStackFiles("prod", live);
        });
        after(() => {
            undeclare();
            rmSync(dir, { recursive: true, force: true });
        });
        const signal = new AbortController().signal;

        it("down, cycle and release want --confirm runtime-live, before anything runs", async () => {
            const confirm = `confirm with --confirm runtime-${live}`;
            assert.match(await refusal(down(["--env", live], signal)), new RegExp(`serves production; ${confirm}$`));
            assert.match(await refusal(cycle(["--env", live], signal)), new RegExp(confirm));
            assert.match(
                await refusal(Promise.resolve().then(() => parseRequest(["--env", live, "--tag", "v1.0.0"]))),
                new RegExp(confirm),
            );
        });

        it("destroy-base wants --unprotect after the stack name", async () => {
            assert.equal(
                await refusal(destroyBase(["--env", live, "--confirm", `base-${live}`], signal)),
                `base-${live} protects its repositories, zone and log bucket; add --unprotect to remove the protection and destroy them`,
            );
        });

        it("its stack files refuse what prod's refuse: public task addresses, a NAT instance, the HTTP API, pull-request previews, sleeping", () => {
            for (const [layer, key, value] of [
                ["runtime", "egress", "public-ip"],
                ["runtime", "egress", "nat-instance"],
                ["runtime", "frontDoor", "http-api"],
                ["base", "previewEnvironments", '["dev"]'],
                ["runtime", "wakeOnRequest", "true"],
            ] as const) {
                const prod = problemsWith(stackNameOf(layer, "prod"), PROJECT_DIR, key, value);
                const copy = problemsWith(stackNameOf(layer, live), dir, key, value);
                assert.ok(
                    prod.some((problem) => problem.includes("production-like")),
                    `${layer}-prod ${key} ${value}`,
                );
                assert.deepEqual(
                    copy,
                    prod.map((problem) => problem.replace(/\bprod\b/g, live)),
                );
            }
        });

        it("its image publisher trusts only jobs of the application repository's GitHub environment of its name", () => {
            assert.equal(imagePublisherSubjects("acme/app", "prod"), "repo:acme/app:environment:prod");
            assert.equal(imagePublisherSubjects("acme/app", live), `repo:acme/app:environment:${live}`);
        });

        it("no pull request may read its state", () => {
            assert.deepEqual(problemsWith("base-dev", PROJECT_DIR, "previewEnvironments", `["${live}"]`), [
                `durable-code:previewEnvironments[0] is ${live}, which is production-like and which no pull request may read: a pull request presents one subject to every environment's roles; ${live}'s preview runs on main through its reviewed environment; change it in Pulumi.base-dev.yaml`,
            ]);
        });

        it("runtime refuses to come up without base's certificate: it never serves plain HTTP", async () => {
            const probe = mkdtempSync(join(tmpdir(), "durable-code-probe-"));
            try {
                copyFileSync(join(PROJECT_DIR, "Pulumi.yaml"), join(probe, "Pulumi.yaml"));
                copyFileSync(stackFilePath(`runtime-${live}`, dir), stackFilePath(`runtime-${live}`, probe));
                writeFileSync(stackFilePath(`base-${live}`, probe), "config:\n  aws:region: us-west-2\n");
                await assert.rejects(evaluateEnvironment(live, {}, { dir: probe }), /plain HTTP|certificate/);
            } finally {
                rmSync(probe, { recursive: true, force: true });
            }
        });

        it("the policy pack holds it to prod's rules", async () => {
            const runtimes = {
                prod: checked((await evaluateEnvironment("prod")).runtime),
                [live]: checked((await evaluateEnvironment(live, {}, { dir })).runtime),
            };
            const changed = (stack: CheckedStack, type: string, change: (props: any) => object): CheckedStack => ({
                ...stack,
                resources: stack.resources.map((resource) =>
                    resource.type === type ? { ...resource, props: change(resource.props) } : resource,
                ),
            });
            const breaking: Record<string, (stack: CheckedStack) => CheckedStack> = {
                "no-public-ip-on-prod-tasks": (stack) =>
                    changed(stack, "aws:ecs/service:Service", (props) => ({
                        ...props,
                        networkConfiguration: { ...props.networkConfiguration, assignPublicIp: true },
                    })),
                "prod-load-balancer-logs-access": (stack) =>
                    changed(stack, "aws:lb/loadBalancer:LoadBalancer", (props) => ({
                        ...props,
                        accessLogs: undefined,
                    })),
            };
            for (const [env, stack] of Object.entries(runtimes)) {
                assert.equal(stack.env, env);
                assert.deepEqual(checkStack(stack), [], env);
                for (const [rule, breakIt] of Object.entries(breaking))
                    assert.deepEqual(
                        [...new Set(checkStack(breakIt(stack)).map((violation) => violation.rule))],
                        [rule],
                        `${env}: ${rule}`,
                    );
            }
        });

        it("the schedule never touches it", async () => {
            assert.ok(!RUNTIME_SCHEDULE.environments.includes(live));
            await assert.rejects(
                gate(["--action", "teardown", "--environment", live], undefined, new Date(), () => undefined),
                { exitCode: 2 } as object,
            );
        });
    });
});
