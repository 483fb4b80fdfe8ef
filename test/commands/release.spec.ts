import { strict as assert } from "assert";
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main as release, parseRequest } from "../../commands/release";
import { ServiceTags, tagsOf, withTags } from "../../release/ledger";
import { main as status } from "../../commands/status";
import { Stacks } from "../../stacks/automation";
import { PROJECT_DIR } from "../../offline/stack-files";
import { HEALTH_PATHS, SERVICE_NAMES } from "../../shared/services";
import { AppServer } from "../fakes/app-server";
import { FakeEcr } from "../fakes/ecr";
import { FakeEcs, runtimeOutputs, taskDefinitionArn } from "../fakes/ecs";
import { FakePulumi } from "../fakes/fake-pulumi";

const git = (dir: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args], {
        cwd: dir,
        encoding: "utf8",
    });
const FILE = "Pulumi.runtime-dev.yaml";
/** Every declared service (shared/services.ts) at one tag; the examples below change the back end's. */
const all = (tag: string): ServiceTags =>
    Object.fromEntries(SERVICE_NAMES.map((service) => [service, tag])) as ServiceTags;
/** How the commands list services' tags, "frontend v1, backend v2", as a pattern. */
const listed = (tags: Record<string, string>) =>
    SERVICE_NAMES.map((service) => `${service} ${tags[service]}`)
        .join(", ")
        .replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const repository = (service: string) => `durable-code-dev-${service}`;

describe("npm run release", () => {
    let dir: string;
    let pulumi: FakePulumi;
    let app: AppServer;
    let ecr: FakeEcr;
    let ecs: FakeEcs;
    let lines: string[];
    const log = (line: string) => lines.push(line);
    const stackFile = () => readFileSync(join(dir, FILE), "utf8");
    const commitTag = (tag: string) => {
        writeFileSync(join(dir, FILE), withTags(stackFile(), "durable-code", all(tag)));
        git(dir, "commit", "--allow-empty", "-qam", `release dev ${tag}`);
    };
    const run = async (argv: string[]) =>
        release(argv, new AbortController().signal, {
            stacks: await Stacks.open(pulumi.asCommand()),
            ecr,
            ecs,
            log,
            source: { dir },
        });
    const mutations = () => pulumi.commandsFor().filter((command) => /^(up|destroy|preview)\b/.test(command));

    /** A repository with the stack files and two releases, v0.1.0 and v0.2.0; each test gets a copy. */
    let template: string;
    before(() => {
        template = dir = mkdtempSync(join(tmpdir(), "durable-code-release-template-"));
        for (const name of ["Pulumi.yaml", "Pulumi.base-dev.yaml", FILE])
            copyFileSync(join(PROJECT_DIR, name), join(dir, name));
        git(dir, "init", "-q");
        git(dir, "add", ".");
        git(dir, "commit", "-qm", "stack files");
        commitTag("v0.1.0");
        commitTag("v0.2.0");
    });
    after(() => rmSync(template, { recursive: true, force: true }));

    beforeEach(async () => {
        dir = mkdtempSync(join(tmpdir(), "durable-code-release-"));
        cpSync(template, dir, { recursive: true });
        app = new AppServer(0);
        pulumi = new FakePulumi()
            .addStack("base-dev", {
                repositories: Object.fromEntries(
                    SERVICE_NAMES.map((service) => [service, { name: repository(service) }]),
                ),
            })
            .addStack("runtime-dev", { url: "http://old" });
        pulumi.deployedOutputs.set("runtime-dev", runtimeOutputs("dev", await app.start(), 8));
        ecs = new FakeEcs(() => pulumi.stacks.get("runtime-dev")?.outputs);
        const releases = ["v0.1.0", "v0.2.0", "v0.3.0"];
        ecr = new FakeEcr();
        for (const service of SERVICE_NAMES) ecr.holds(repository(service), releases);
        lines = [];
    });
    afterEach(async () => {
        await app?.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it("checks every service's image in ECR, records the tag in the stack file, rolls the running runtime and waits for each health path (/ and /health as committed)", async () => {
        assert.equal(await run(["--env", "dev", "--tag", "v0.3.0"]), 0);
        assert.deepEqual(
            ecr.described(),
            SERVICE_NAMES.map((service) => ({ repositoryName: repository(service), imageTag: "v0.3.0" })),
        );
        assert.deepEqual(tagsOf(stackFile(), "durable-code"), all("v0.3.0"));
        assert.deepEqual(mutations(), ["up --yes --skip-preview --stack runtime-dev"]);
        assert.deepEqual(app.requests.sort(), [...HEALTH_PATHS].sort());
        assert.match(
            lines[0],
            new RegExp(
                "^service +running now \\(committed\\) +released" +
                    SERVICE_NAMES.map((service) => `\\n${service} +v0\\.2\\.0 +v0\\.3\\.0`).join("") +
                    "$",
            ),
        );
    });

    it("releases one service alone through its override, the other keeps imageTag", async () => {
        assert.equal(await run(["--env", "dev", "--tag", "v0.3.0", "--service", "backend"]), 0);
        assert.deepEqual(ecr.described(), [{ repositoryName: repository("backend"), imageTag: "v0.3.0" }]);
        assert.match(stackFile(), /durable-code:imageTag: v0\.2\.0\n {2}durable-code:backendImageTag: v0\.3\.0\n/);
        assert.deepEqual(tagsOf(stackFile(), "durable-code"), { ...all("v0.2.0"), backend: "v0.3.0" });
    });

    it("stops before changing anything when an image is missing, naming the repository and tag", async () => {
        const before = stackFile();
        await assert.rejects(run(["--env", "dev", "--tag", "v9.9.9"]), {
            message:
                "image durable-code-dev-frontend:v9.9.9 is not in ECR; push it first (the application's build, with base's imagePublisherRoleArn), then release again. Nothing was changed",
            exitCode: 1,
        } as object);
        assert.equal(stackFile(), before);
        assert.deepEqual(mutations(), []);
    });

    it("says so when there are no AWS credentials, and changes nothing", async () => {
        ecr.error = { name: "CredentialsProviderError", message: "Could not load credentials from any providers" };
        await assert.rejects(run(["--env", "dev", "--tag", "v0.3.0"]), {
            message:
                "no AWS credentials (Could not load credentials from any providers); log in (aws sso login, or the workflow's role) and release again. Nothing was changed",
        });
        assert.equal(tagsOf(stackFile(), "durable-code").frontend, "v0.2.0");
    });

    it("only records the tag when runtime is down, and says the next startup brings it up", async () => {
        pulumi.stacks.get("runtime-dev")!.resourceCount = 0;
        assert.equal(await run(["--env", "dev", "--tag", "v0.3.0"]), 0);
        assert.deepEqual(mutations(), []);
        assert.equal(
            lines.at(-1),
            `runtime-dev is down; the next startup (or npm run up -- --env dev) brings up ${SERVICE_NAMES.map((service) => `${service} v0.3.0`).join(", ")}`,
        );
        assert.equal(tagsOf(stackFile(), "durable-code").backend, "v0.3.0");
    });

    it("a health check that fails after the roll exits 1, keeps the new tag and says how to roll back", async () => {
        await app.stop();
        await assert.rejects(
            run(["--env", "dev", "--tag", "v0.3.0", "--health-timeout", "0.5"]),
            (error: Error & { exitCode: number }) => {
                assert.equal(error.exitCode, 1);
                assert.match(error.message, /did not become healthy within 1 s/);
                assert.match(
                    error.message,
                    new RegExp(
                        `runtime-dev did not come up healthy with ${listed(all("v0.3.0"))}; .*Pulumi\\.runtime-dev\\.yaml keeps the new tags\\. Roll back with: npm run release -- --env dev --rollback$`,
                    ),
                );
                return true;
            },
        );
        assert.equal(tagsOf(stackFile(), "durable-code").frontend, "v0.3.0");
    });

    it("a release ECS rolled back fails, names the service, and leaves the stack file at the tag that really runs", async () => {
        ecs.rollBack(
            "durable-code-dev-backend",
            "backend",
            taskDefinitionArn("durable-code-dev-backend", 8),
            taskDefinitionArn("durable-code-dev-backend", 7),
            "123456789012.dkr.ecr.us-west-2.amazonaws.com/durable-code-dev-backend:v0.2.0",
        );
        await assert.rejects(run(["--env", "dev", "--tag", "v0.3.0"]), (error: Error & { exitCode: number }) => {
            assert.equal(error.exitCode, 1);
            assert.match(
                error.message,
                /^runtime-dev is not running what was deployed, although Pulumi reported success:\n {2}- backend rolled back: ECS runs durable-code-dev-backend:7 \(v0\.2\.0\), not durable-code-dev-backend:8 that up deployed/,
            );
            assert.match(
                error.message,
                new RegExp(
                    `\\nbackend rolled back; \\S*Pulumi\\.runtime-dev\\.yaml now records what runs: ${listed({ ...all("v0.3.0"), backend: "v0.2.0" })}\\. Commit it, fix the release, and release again$`,
                ),
            );
            return true;
        });
        assert.deepEqual(tagsOf(stackFile(), "durable-code"), { ...all("v0.3.0"), backend: "v0.2.0" });
        assert.deepEqual(app.requests, []);
    });

    it("a locked runtime is reported with what to do", async () => {
        pulumi.lock("runtime-dev");
        await assert.rejects(run(["--env", "dev", "--tag", "v0.3.0"]), {
            message:
                /^runtime-dev is locked by runner@fv-az123 \(pid 4242\) since .* \(5 min ago\)\. runtime-dev is locked by another update/,
        });
    });

    it("--rollback restores each service's previous tag from the stack file's git history, and rolls", async () => {
        assert.equal(await run(["--env", "dev", "--rollback"]), 0);
        assert.deepEqual(tagsOf(stackFile(), "durable-code"), all("v0.1.0"));
        assert.deepEqual(
            ecr.described().map((call) => call.imageTag),
            SERVICE_NAMES.map(() => "v0.1.0"),
        );
        assert.deepEqual(mutations(), ["up --yes --skip-preview --stack runtime-dev"]);
    });

    it("--rollback of one service takes that service's own history", async () => {
        writeFileSync(join(dir, FILE), withTags(stackFile(), "durable-code", { ...all("v0.2.0"), backend: "v0.3.0" }));
        git(dir, "commit", "-qam", "release backend v0.3.0");
        assert.equal(await run(["--env", "dev", "--rollback", "--service", "backend"]), 0);
        assert.deepEqual(tagsOf(stackFile(), "durable-code"), all("v0.2.0"));
    });

    it("--dry-run checks the images and prints what would change, and changes nothing", async () => {
        const before = stackFile();
        assert.equal(await run(["--env", "dev", "--tag", "v0.3.0", "--dry-run"]), 0);
        assert.equal(ecr.described().length, SERVICE_NAMES.length);
        assert.equal(stackFile(), before);
        assert.deepEqual(mutations(), []);
        assert.match(lines[0], /would release/);
    });

    describe("bad input is refused before any call", () => {
        const refusals: Array<[string[], RegExp]> = [
            [["--env", "undeclared", "--tag", "v1"], /^--env undeclared is not an environment of this project/],
            [["--env", "dev"], /^--tag is required \(or --rollback\)/],
            [["--env", "dev", "--tag", "v1 bad!"], /^--tag "v1 bad!" is not a Docker image tag/],
            [["--env", "dev", "--tag=-v1"], /^--tag "-v1" is not a Docker image tag/],
            [["--env", "dev", "--tag", "v1", "--rollback"], /^--tag and --rollback cannot be used together/],
            [
                ["--env", "dev", "--tag", "v1", "--service", "api"],
                new RegExp(`^--service must be one of ${SERVICE_NAMES.join(", ")} \\(got "api"\\)`),
            ],
            [
                ["--env", "prod", "--tag", "v1"],
                /^npm run release rolls runtime-prod, which serves production; confirm with --confirm runtime-prod$/,
            ],
        ];
        for (const [argv, message] of refusals) {
            it(argv.join(" "), () => {
                assert.throws(
                    () => parseRequest(argv),
                    (error: Error & { exitCode: number }) => {
                        assert.match(error.message, message);
                        assert.equal(error.exitCode, 2);
                        return true;
                    },
                );
            });
        }
    });

    describe("the stack file edit", () => {
        it("keeps comments and key order, and drops per-service overrides when every service shares a tag", () => {
            const text =
                "# Runtime of dev.\nconfig:\n  aws:region: us-west-2 # Oregon\n  durable-code:imageTag: v1 # the release\n  durable-code:backendImageTag: v2\n  durable-code:spot: false\n";
            assert.equal(
                withTags(text, "durable-code", all("v3")),
                "# Runtime of dev.\nconfig:\n  aws:region: us-west-2 # Oregon\n  durable-code:imageTag: v3 # the release\n  durable-code:spot: false\n",
            );
        });
    });

    describe("npm run status", () => {
        it("shows the tag each service runs and flags a difference from the committed file", async () => {
            pulumi.stacks.get("runtime-dev")!.outputs = {
                url: "http://dev",
                imageTags: { ...all("v0.1.0"), backend: "v0.2.0" },
            };
            const out: string[] = [];
            await status(
                ["--env", "dev"],
                new AbortController().signal,
                await Stacks.open(pulumi.asCommand()),
                (line) => out.push(line),
                { dir },
            );
            const runs = listed({ ...all("v0.1.0"), backend: "v0.2.0" });
            assert.match(out[0], new RegExp(`runtime-dev .* ${runs} \\(DIFFERS from committed\\)`));
            assert.match(
                out.join("\n"),
                new RegExp(
                    `runtime-dev runs ${runs} but Pulumi\\.runtime-dev\\.yaml has ${listed(all("v0.2.0"))}; the next startup restores what is committed`,
                ),
            );
        });
    });
});
