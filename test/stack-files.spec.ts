import { strict as assert } from "assert";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StackChecker } from "../check/check";
import { main as check } from "../commands/check";
import { main as cost } from "../commands/cost";
import {
    committedStacks,
    PROJECT_DIR,
    readStackFile,
    SECRET_PLACEHOLDER,
    stackFilePath,
    StackFileError,
} from "../offline/stack-files";
import { evaluateEnvironment } from "../offline/evaluate";
import { ENVIRONMENT_NAMES } from "../shared/environments";
import { weeklyUpHours } from "../shared/schedule";
import { imageTagKey, SERVICE_NAMES, SERVICES, taskSize } from "../shared/services";
import { LAYERS, stackNameOf } from "../shared/stack-name";

/** How check states an environment's task size: each service with a sizeMultiple named with its own. */
function taskSizes(cpu: number, memory: number): string {
    const sized = SERVICE_NAMES.filter((service) => (SERVICES[service].sizeMultiple ?? 1) !== 1).map((service) => {
        const size = taskSize(service, cpu, memory);
        return `${service} ${size.cpu} / ${size.memory}`;
    });
    return `tasks ${cpu} CPU / ${memory} MiB${sized.length > 0 ? ` (${sized.join(", ")})` : ""}`;
}
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A copy of the project's Pulumi.yaml and stack files in a temporary directory, removed after the suite. */
function projectCopy(): {
    dir: string;
    edit: (stack: string, change: (text: string) => string) => void;
    remove: () => void;
} {
    const dir = mkdtempSync(join(tmpdir(), "durable-code-stacks-"));
    for (const name of ["Pulumi.yaml", ...committedStacks().map((stack) => `Pulumi.${stack}.yaml`)])
        copyFileSync(join(PROJECT_DIR, name), join(dir, name));
    return {
        dir,
        edit: (stack, change) =>
            writeFileSync(stackFilePath(stack, dir), change(readFileSync(stackFilePath(stack, dir), "utf8"))),
        remove: () => rmSync(dir, { recursive: true, force: true }),
    };
}

const output = () => {
    const lines: string[] = [];
    return { lines, print: (text: string) => lines.push(text), text: () => lines.join("\n") };
};

describe("the committed stack files are what gets tested, checked and priced", () => {
    describe("every committed Pulumi.<layer>-<env>.yaml", () => {
        it("exists for both layers of every environment, and nothing else is committed", () => {
            assert.deepEqual(
                committedStacks(),
                ENVIRONMENT_NAMES.flatMap((env) => LAYERS.map((layer) => stackNameOf(layer, env))).sort(),
            );
        });

        const checker = new StackChecker();
        for (const stack of committedStacks()) {
            it(`${stack} passes the program's validation and evaluates (runtime against its base's file)`, async () => {
                const result = await checker.check(stack);
                assert.deepEqual(result.problems, [], `Pulumi.${stack}.yaml`);
            });
        }
    });

    describe("the loader merges as Pulumi does", () => {
        let copy: ReturnType<typeof projectCopy>;
        before(() => {
            copy = projectCopy();
            writeFileSync(
                join(copy.dir, "Pulumi.yaml"),
                readFileSync(join(copy.dir, "Pulumi.yaml"), "utf8") +
                    "config:\n  logRetentionDays: 14\n  durable-code:spot:\n    value: false\n  aws:region: us-east-1\n  durable-code:azCount:\n    type: integer\n    default: 3\n",
            );
            copy.edit(
                "runtime-dev",
                (text) =>
                    `${text}  durable-code:spot: true\n  durable-code:extraTags:\n    CostCenter: web\n  durable-code:baseStack:\n    secure: AAABAKx1\n`,
            );
        });
        after(() => copy.remove());

        it("takes Pulumi.yaml's project config as defaults and the stack file over it, keys namespaced", () => {
            const { config } = readStackFile("runtime-dev", { dir: copy.dir });
            assert.equal(config["durable-code:logRetentionDays"], "14");
            assert.equal(config["durable-code:azCount"], "3", "the typed form, with default:");
            assert.equal(config["durable-code:spot"], "true");
            assert.equal(config["aws:region"], "us-west-2");
            assert.equal(readStackFile("base-dev", { dir: copy.dir }).config["aws:region"], "us-west-2");
        });

        it("passes objects as JSON and replaces secure: values with a placeholder", () => {
            const { config } = readStackFile("runtime-dev", { dir: copy.dir });
            assert.equal(config["durable-code:extraTags"], '{"CostCenter":"web"}');
            assert.equal(config["durable-code:baseStack"], SECRET_PLACEHOLDER);
        });

        it("reads past the lines pulumi stack init writes (secretsprovider, encryptedkey), which are committed", () => {
            writeFileSync(
                stackFilePath("base-dev", copy.dir),
                "secretsprovider: awskms://alias/pulumi-durable-code?region=us-west-2\nencryptedkey: AQICAHh...\n" +
                    readFileSync(stackFilePath("base-dev", copy.dir), "utf8"),
            );
            assert.deepEqual(readStackFile("base-dev", { dir: copy.dir }).config, {
                "aws:region": "us-west-2",
                "durable-code:azCount": "3",
                "durable-code:frontDoor": "http-api",
                "durable-code:logRetentionDays": "14",
                "durable-code:spot": "false",
            });
        });

        it("rejects a key without a namespace, as the CLI does, naming the file", () => {
            copy.edit("base-staging", (text) => `${text}  azCount: 3\n`);
            assert.throws(() => readStackFile("base-staging", { dir: copy.dir }), {
                message: `${stackFilePath("base-staging", copy.dir)}: "azCount" is not a config key of the form <namespace>:<key>; did you mean durable-code:azCount?`,
            });
        });

        describe("a file that is not YAML: the line to fix (the one that opened what is left open), its text, what is wrong", () => {
            const cases: ReadonlyArray<readonly [string, string, string]> = [
                [
                    "an unclosed bracket",
                    "config:\n  aws:region: [us-west-2\n",
                    "line 2 (aws:region: [us-west-2): Flow sequence in block collection must be sufficiently indented and end with a ]",
                ],
                [
                    "an unclosed quote, with lines after it",
                    'config:\n  aws:region: us-west-2\n  durable-code:imageTag: "v1\n  durable-code:desiredCount: 2\n',
                    'line 3 (durable-code:imageTag: "v1): Missing closing "quote',
                ],
                [
                    "a key indented less than the others",
                    "config:\n  aws:region: us-west-2\n durable-code:desiredCount: 2\n",
                    "line 3 (durable-code:desiredCount: 2): All mapping items must start at the same column",
                ],
                [
                    "a key given twice",
                    "config:\n  aws:region: us-west-2\n  aws:region: us-east-1\n",
                    "line 3 (aws:region: us-east-1): Map keys must be unique",
                ],
            ];
            for (const [what, text, problem] of cases) {
                it(what, () => {
                    writeFileSync(stackFilePath("base-prod", copy.dir), text);
                    assert.throws(() => readStackFile("base-prod", { dir: copy.dir }), {
                        message: `${stackFilePath("base-prod", copy.dir)}: not valid YAML at ${problem}`,
                    });
                });
            }
        });

        it("names config keys written at the top level instead of under config:, and reads their values for the rest of the check", () => {
            writeFileSync(
                stackFilePath("base-prod", copy.dir),
                "aws:region: us-east-1\nazCount: 2\nconfig:\n  durable-code:logRetentionDays: 7\n",
            );
            assert.throws(
                () => readStackFile("base-prod", { dir: copy.dir }),
                (error: StackFileError) => {
                    assert.deepEqual(error.problems, [
                        '"aws:region" is at the top level of the file, where Pulumi reads no config; move it under config: as "  aws:region: ..." (a stack file\'s top level holds only secretsprovider, encryptedkey, encryptionsalt, config, environment)',
                        '"azCount" is at the top level of the file, where Pulumi reads no config; move it under config: as "  durable-code:azCount: ..." (a stack file\'s top level holds only secretsprovider, encryptedkey, encryptionsalt, config, environment)',
                    ]);
                    assert.equal(error.readable?.config["aws:region"], "us-east-1");
                    assert.equal(error.readable?.config["durable-code:azCount"], "2");
                    return true;
                },
            );
        });
    });

    describe("npm run check", () => {
        let copy: ReturnType<typeof projectCopy>;
        beforeEach(() => (copy = projectCopy()));
        afterEach(() => copy.remove());

        it("prints every problem of a stack file at once, naming file, key, value and what is allowed; exit 2", async () => {
            copy.edit(
                "runtime-staging",
                (text) =>
                    `${text}  durable-code:egress: bogus\n  durable-code:taskCpu: 300\n  durable-code:colour: blue\n`,
            );
            const out = output();
            assert.equal(await check(["--file", stackFilePath("runtime-staging", copy.dir)], undefined, out.print), 2);
            const lines = out.text().split("\n");
            assert.match(lines[0], /^runtime-staging \(.*Pulumi\.runtime-staging\.yaml\): 3 problems$/);
            assert.deepEqual(lines.slice(1), [
                '  - durable-code:egress must be one of nat-per-az, nat-single, nat-instance, public-ip (got "bogus"); change it in Pulumi.runtime-staging.yaml',
                `  - unknown config key "durable-code:colour"; known keys: domain, zoneId, zoneName, extraTags, protect, egress, frontDoor, natInstanceType, wakeOnRequest, idleMinutes, imageTag, ${SERVICE_NAMES.map(imageTagKey).join(", ")}, taskCpu, taskMemory, cpuArchitecture, desiredCount, minCount, maxCount, cpuTargetPercent, spot, containerInsights, enableExec, discovery, baseStack, appHostname, apiHostname, accessLogsBucket`,
                "  - taskCpu 300 is not a Fargate size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384; change it in Pulumi.runtime-staging.yaml",
            ]);
        });

        it("fails a runtime file whose base's file is broken, saying which", async () => {
            copy.edit("base-dev", (text) => `${text}  durable-code:vpcCidr: 999.0.0.0/99\n`);
            const out = output();
            assert.equal(await check(["--stack", "runtime-dev"], undefined, out.print, { dir: copy.dir }), 2);
            assert.match(
                out.text(),
                /runtime-dev .*: 1 problem\n {2}- its base's file Pulumi\.base-dev\.yaml has problems: durable-code:vpcCidr must be an IPv4 CIDR block from \/16 to \/23 such as 10\.0\.0\.0\/16 \(got "999\.0\.0\.0\/99"\)/,
            );
        });

        it("summarises a good stack: egress, sizes, resource counts by type and the cost line", async () => {
            const out = output();
            assert.equal(await check(["--stack", "runtime-staging"], undefined, out.print), 0);
            assert.match(
                out.text(),
                new RegExp(
                    `^runtime-staging \\(Pulumi\\.runtime-staging\\.yaml\\): ok\n {2}egress nat-single; ${escaped(taskSizes(512, 1024))} X86_64, 2 per service`,
                ),
            );
            assert.match(out.text(), new RegExp(`\n {2}aws:ecs/service:Service +${SERVICE_NAMES.length}\n`));
            assert.match(
                out.text(),
                new RegExp(
                    `\\n {2}cost: \\$0\\.\\d{4} an hour up, \\$\\d+\\.\\d\\d a month on the schedule \\(${Math.round((weeklyUpHours() * 52) / 12)} h up\\)$`,
                ),
            );
        });

        it("checks every committed stack when given none", async () => {
            const out = output();
            assert.equal(await check([], undefined, out.print, { dir: copy.dir }), 0);
            assert.equal(out.lines.length, committedStacks().length);
        });

        describe("refuses what is not a stack of this project before reading anything, exit 2", () => {
            /** What check says of a stack it does not know: every declared one, and the file that declares them. */
            const STACKS = `Its stacks are ${LAYERS.flatMap((layer) => ENVIRONMENT_NAMES.map((env) => stackNameOf(layer, env))).join(", ")} (<layer>-<env>; a new environment goes in shared/environments.ts first)`;
            const refusals: ReadonlyArray<readonly [string[], string]> = [
                [
                    ["--file", "README.md"],
                    "--file README.md: a stack file is named Pulumi.<stack>.yaml, e.g. Pulumi.runtime-dev.yaml",
                ],
                [
                    ["--file", "package.json"],
                    "--file package.json: a stack file is named Pulumi.<stack>.yaml, e.g. Pulumi.runtime-dev.yaml",
                ],
                [
                    ["--file", "cli"],
                    "--file cli is a directory; give a stack file in it, such as cli/Pulumi.runtime-dev.yaml",
                ],
                [
                    ["--file", "/nonexistent/Pulumi.runtime-dev.yaml"],
                    "--file /nonexistent/Pulumi.runtime-dev.yaml: no such file",
                ],
                [
                    ["--stack", "runtime-undeclared"],
                    `--stack runtime-undeclared is not a stack of this project. ${STACKS}`,
                ],
                [
                    ["--stack", "runtime-devv"],
                    `--stack runtime-devv is not a stack of this project; did you mean runtime-dev? ${STACKS}`,
                ],
                [
                    ["--stack", "Pulumi.runtime-dev.yaml"],
                    "--stack takes a stack name such as runtime-dev; for a file use --file Pulumi.runtime-dev.yaml\nusage: npm run check [-- --stack <layer>-<env> | --file path/to/Pulumi.<layer>-<env>.yaml]",
                ],
            ];
            for (const [argv, message] of refusals) {
                it(`npm run check -- ${argv.join(" ")}`, async () => {
                    await assert.rejects(
                        check(argv, undefined, () => assert.fail("nothing is checked")),
                        { message, exitCode: 2 } as object,
                    );
                });
            }

            it("a runtime-undeclared file of its own does not get past the unknown environment either", async () => {
                writeFileSync(stackFilePath("runtime-undeclared", copy.dir), "config:\n  aws:region: us-west-2\n");
                await assert.rejects(
                    check(["--file", stackFilePath("runtime-undeclared", copy.dir)], undefined, () =>
                        assert.fail("nothing is checked"),
                    ),
                    {
                        message: `--file ${stackFilePath("runtime-undeclared", copy.dir)}: runtime-undeclared is not a stack of this project. ${STACKS}`,
                        exitCode: 2,
                    } as object,
                );
            });
        });

        it("a key without a namespace hides no other problem of the file", async () => {
            copy.edit(
                "runtime-staging",
                (text) => `${text}  azCount: 3\n  durable-code:egress: bogus\n  durable-code:taskCpu: 300\n`,
            );
            const out = output();
            assert.equal(await check(["--file", stackFilePath("runtime-staging", copy.dir)], undefined, out.print), 2);
            assert.deepEqual(out.lines[0].split("\n").slice(1), [
                '  - "azCount" is not a config key of the form <namespace>:<key>; did you mean durable-code:azCount?',
                '  - durable-code:egress must be one of nat-per-az, nat-single, nat-instance, public-ip (got "bogus"); change it in Pulumi.runtime-staging.yaml',
                "  - taskCpu 300 is not a Fargate size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384; change it in Pulumi.runtime-staging.yaml",
            ]);
        });

        it("names the base file a runtime file needs when it is missing", async () => {
            rmSync(stackFilePath("base-dev", copy.dir));
            const out = output();
            assert.equal(await check(["--file", stackFilePath("runtime-dev", copy.dir)], undefined, out.print), 2);
            assert.deepEqual(out.lines[0].split("\n").slice(1), [
                '  - its base\'s file Pulumi.base-dev.yaml has problems: no such stack file Pulumi.base-dev.yaml; create it with "pulumi stack init base-dev" or copy another Pulumi.<stack>.yaml',
            ]);
        });

        it("prices base as npm run cost does: one model, one figure", async () => {
            const checked = output();
            const priced = output();
            assert.equal(await check(["--stack", "base-dev"], undefined, checked.print), 0);
            assert.equal(await cost(["--env", "dev"], undefined, priced.print), 0);
            const checkFigure = /cost: (\$\d+\.\d\d) a month, always on/.exec(checked.text())![1];
            assert.match(priced.text(), new RegExp(`base, always on, per month +\\${checkFigure}\\n`));
        });

        it("refuses a flag given twice", async () => {
            await assert.rejects(check(["--stack", "base-dev", "--stack", "base-prod"]), {
                message: /^--stack is given more than once; give it once\nusage: npm run check/,
            });
        });
    });

    describe("npm test fails on a bad committed value", () => {
        let copy: ReturnType<typeof projectCopy>;
        before(() => (copy = projectCopy()));
        after(() => copy.remove());

        it("the environment evaluation the specs use reads the files, so a bad value stops it with the file named", async () => {
            copy.edit("runtime-staging", (text) => `${text}  durable-code:spot: maybe\n`);
            await assert.rejects(evaluateEnvironment("staging", {}, { dir: copy.dir }), {
                message:
                    'runtime-staging: durable-code:spot must be true or false (got "maybe"); change it in Pulumi.runtime-staging.yaml',
            });
        });
    });

    describe("npm run cost prices the committed files", () => {
        let copy: ReturnType<typeof projectCopy>;
        before(() => (copy = projectCopy()));
        after(() => copy.remove());

        it("changes when the committed runtime file changes", async () => {
            const before = output();
            await cost(["--env", "dev", "--json"], undefined, before.print, { dir: copy.dir });
            // Dev's file sets wakeOnRequest (with egress public-ip): awake behind a NAT instance instead.
            copy.edit("runtime-dev", (text) =>
                text
                    .replace("  durable-code:egress: public-ip\n", "  durable-code:egress: nat-instance\n")
                    .replace('  durable-code:wakeOnRequest: "true"\n', "  durable-code:desiredCount: 2\n"),
            );
            const after = output();
            await cost(["--env", "dev", "--json"], undefined, after.print, { dir: copy.dir });
            const [was, is] = [JSON.parse(before.text()), JSON.parse(after.text())];
            assert.deepEqual(
                [was.egress, was.wakeOnRequest, is.egress, is.wakeOnRequest],
                ["public-ip", true, "nat-instance", false],
            );
            assert.notEqual(is.totalMonthly.toFixed(2), was.totalMonthly.toFixed(2));
            assert.ok(
                is.runtime.items.some((item: { what: string }) => item.what.startsWith("Fargate Spot vCPU (2 x")),
            );
        });

        it("applies --egress and --region as a what-if and shows them in the header", async () => {
            const out = output();
            await cost(["--env", "dev", "--egress", "public-ip", "--region", "us-east-1"], undefined, out.print);
            assert.match(
                out.lines[0],
                /^dev \(public-ip; what-if --egress public-ip --region us-east-1\), us-east-1\nfrom Pulumi\.base-dev\.yaml and Pulumi\.runtime-dev\.yaml\n/,
            );
        });

        // What is broken, the file broken, and the stack whose check reports it.
        for (const [what, file, edit, stack] of [
            [
                "a negative desiredCount",
                "runtime-dev",
                (text: string) => `${text}  durable-code:desiredCount: -1\n`,
                "runtime-dev",
            ],
            [
                "frontDoor set in runtime only",
                "base-dev",
                (text: string) => text.replace("  durable-code:frontDoor: http-api\n", ""),
                "runtime-dev",
            ],
            [
                "a bad base value",
                "base-dev",
                (text: string) => `${text}  durable-code:vpcCidr: 10.0.0.0/33\n`,
                "base-dev",
            ],
        ] as const) {
            it(`prints what npm run check prints for ${what}, exit 2, and no internals`, async () => {
                const bad = projectCopy();
                try {
                    const before = readFileSync(stackFilePath(file, bad.dir), "utf8");
                    bad.edit(file, edit);
                    assert.notEqual(readFileSync(stackFilePath(file, bad.dir), "utf8"), before);
                    const [priced, checked] = [output(), output()];
                    assert.equal(await cost(["--env", "dev"], undefined, priced.print, { dir: bad.dir }), 2);
                    await check(["--stack", stack], undefined, checked.print, { dir: bad.dir });
                    assert.ok(checked.text().startsWith(`${stack} (`), checked.text());
                    assert.ok(priced.text().includes(checked.text()), priced.text());
                    assert.doesNotMatch(priced.text(), /EvaluationError|__pulumiRunError|resources: \[/);
                } finally {
                    bad.remove();
                }
            });
        }

        const refusals: Array<[string[], RegExp]> = [
            [
                ["--env", "dev", "--region", "eu-west-1"],
                /^--region eu-west-1 is not priced; cost\/prices\.ts has us-west-2, us-east-1/,
            ],
            [
                ["--env", "dev", "--json", "--markdown"],
                /^--json and --markdown cannot be used together: choose one output format/,
            ],
            [
                ["--env", "dev", "--preview", "preview.json"],
                /^--preview and --env cannot be used together: a preview file names its own stack/,
            ],
            [["--env", "dev", "--compare", "--egress", "public-ip"], /^--compare and --egress cannot be used together/],
            [
                ["--env", "dev", "--egress", "carrier-pigeon"],
                /^--egress must be one of nat-per-az, nat-single, nat-instance, public-ip \(got "carrier-pigeon"\)/,
            ],
            [["--env", "dev", "--env", "prod"], /^--env is given more than once/],
        ];
        for (const [argv, message] of refusals) {
            it(`refuses ${argv.join(" ")} with exit 2`, async () => {
                await assert.rejects(
                    cost(argv, undefined, () => undefined),
                    (error: Error & { exitCode: number }) => {
                        assert.match(error.message, message);
                        assert.equal(error.exitCode, 2);
                        return true;
                    },
                );
            });
        }
    });
});
