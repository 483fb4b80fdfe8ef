import { strict as assert } from "assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compare, CostSummary, estimate, summarize } from "../cost/estimate";
import { main as cost } from "../commands/cost";
import { FREE_TYPES, priceResources } from "../cost/price-resources";
import { PRICES } from "../cost/prices";
import { DeclaredResource } from "../offline/engine";
import { evaluateEnvironment } from "../offline/evaluate";
import { egressModesFor, ENVIRONMENTS } from "../shared/environments";
import { weeklyUpHours } from "../shared/schedule";

/**
 * Budgets hold for the committed schedule and the committed services (frontend and backend): a
 * failure after changing either says so, and where.
 */
const ON_SCHEDULE = `, with runtime up ${weeklyUpHours()} hours a week (shared/schedule.ts): a budget of the committed schedule and services (shared/services.ts); change it here and in docs/cost.md if the new schedule or service is meant`;
const FOR_SERVICES =
    ": a budget of the committed services (shared/services.ts); change it here and in docs/cost.md if a new service's cost is meant";

const resource = (
    type: string,
    name: string,
    inputs: Record<string, any> = {},
    state: Record<string, any> = {},
): DeclaredResource => ({
    type,
    name,
    id: name,
    inputs,
    state: { ...inputs, ...state },
    protect: false,
    retainOnDelete: false,
    ignoreChanges: [],
    dependencies: [],
    parent: "",
});
const close = (actual: number, expected: number) =>
    assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);
const usage = { ...ENVIRONMENTS.dev.usage, natGbPerMonth: 10, averageLcu: 1, logGbIngestedPerMonth: 2, logGbStored: 1 };

describe("cost model", () => {
    describe("prices a known inventory exactly", () => {
        const inventory = [
            resource("aws:ec2/eip:Eip", "nat-ip"),
            resource("aws:ec2/natGateway:NatGateway", "nat"),
            resource("aws:lb/loadBalancer:LoadBalancer", "alb", { subnets: ["a", "b"] }),
            resource(
                "aws:ecs/taskDefinition:TaskDefinition",
                "task",
                { cpu: "512", memory: "1024", runtimePlatform: { cpuArchitecture: "X86_64" } },
                { arn: "task-arn" },
            ),
            resource("aws:ecs/service:Service", "service", {
                taskDefinition: "task-arn",
                desiredCount: 2,
                capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1 }],
                networkConfiguration: { assignPublicIp: true },
            }),
            resource("aws:cloudwatch/logGroup:LogGroup", "logs"),
            resource("aws:route53/zone:Zone", "zone"),
            resource("aws:ec2/vpc:Vpc", "vpc"),
        ];
        const items = priceResources(inventory, "us-west-2", usage).items;
        const monthly = (what: string) => items.find((item) => item.what.startsWith(what))!.monthly;

        it("NAT: $0.045 an hour plus $0.045 a GB, and its address at $0.005 an hour", () => {
            close(monthly("NAT gateway"), 0.045 * 730);
            close(monthly("data through NAT"), 0.045 * 10);
            close(monthly("public IPv4 (Elastic IP)"), 0.005 * 730);
        });

        it("load balancer: $0.0225 an hour, LCU at $0.008, one address per zone", () => {
            close(monthly("application load balancer"), 0.0225 * 730);
            close(monthly("load balancer capacity units"), 0.008 * 730);
            close(monthly("public IPv4, one per zone"), 0.005 * 730 * 2);
        });

        it("Fargate: tasks x vCPU and GB hours, and a public address per task", () => {
            close(monthly("Fargate vCPU"), 2 * 730 * 0.5 * 0.04048);
            close(monthly("Fargate memory"), 2 * 730 * 1 * 0.004445);
            close(monthly("public IPv4, one per task"), 2 * 730 * 0.005);
        });

        it("logs and the zone", () => {
            close(monthly("log ingestion"), 2 * 0.5);
            close(monthly("log storage"), 1 * 0.03);
            close(monthly("hosted zone"), 0.5);
        });

        it("the VPC is free", () => {
            assert.ok(!items.some((item) => item.resource === "vpc"));
        });

        it("Spot and ARM use their own prices", () => {
            const spot = priceResources(
                [
                    resource(
                        "aws:ecs/taskDefinition:TaskDefinition",
                        "t",
                        { cpu: "1024", memory: "2048" },
                        { arn: "t" },
                    ),
                    resource("aws:ecs/service:Service", "s", {
                        taskDefinition: "t",
                        desiredCount: 1,
                        capacityProviderStrategies: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
                    }),
                ],
                "us-west-2",
                usage,
            ).items;
            close(
                spot.reduce((total, item) => total + item.monthly, 0),
                730 * (0.012144 + 2 * 0.0013335),
            );
            const arm = priceResources(
                [
                    resource(
                        "aws:ecs/taskDefinition:TaskDefinition",
                        "t",
                        { cpu: "1024", memory: "2048", runtimePlatform: { cpuArchitecture: "ARM64" } },
                        { arn: "t" },
                    ),
                    resource("aws:ecs/service:Service", "s", { taskDefinition: "t", desiredCount: 1 }),
                ],
                "us-west-2",
                usage,
            ).items;
            close(
                arm.reduce((total, item) => total + item.monthly, 0),
                730 * (0.03238 + 2 * 0.00356),
            );
        });
    });

    describe("prices the HTTP API front door exactly", () => {
        const inventory = [
            resource("aws:apigatewayv2/api:Api", "api"),
            resource("aws:servicediscovery/service:Service", "registry", { name: "backend" }, { arn: "registry-arn" }),
            resource("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace", "namespace"),
            resource(
                "aws:ecs/taskDefinition:TaskDefinition",
                "task",
                { cpu: "256", memory: "512" },
                { arn: "task-arn" },
            ),
            resource("aws:ecs/service:Service", "service", {
                taskDefinition: "task-arn",
                desiredCount: 3,
                serviceRegistries: { registryArn: "registry-arn" },
            }),
            resource("aws:apigatewayv2/vpcLink:VpcLink", "link"),
        ];
        const items = priceResources(inventory, "us-west-2", { ...usage, apiMillionRequestsPerMonth: 4 }).items;
        const line = (what: string) => items.find((item) => item.what === what)!;

        it("requests at $1.00 a million, a month's as assumed, whatever hours runtime is up", () => {
            close(line("HTTP API requests").monthly, 4 * 1.0);
            assert.equal(line("HTTP API requests").whileUp, false);
        });

        it("the access log by the request: ingestion at $0.50 a GB and storage for the retention's share of a month; the services' log volume split among their own groups", () => {
            const logs = priceResources(
                [
                    resource("aws:cloudwatch/logGroup:LogGroup", "frontend", {
                        name: "/ecs/durable-code-dev/frontend",
                    }),
                    resource("aws:cloudwatch/logGroup:LogGroup", "backend", { name: "/ecs/durable-code-dev/backend" }),
                    resource("aws:cloudwatch/logGroup:LogGroup", "access", {
                        name: "/aws/vendedlogs/apigateway/durable-code-dev/access",
                        retentionInDays: 7,
                    }),
                ],
                "us-west-2",
                { ...usage, apiMillionRequestsPerMonth: 4, apiAccessLogBytesPerRequest: 500, logGbIngestedPerMonth: 2 },
            ).items.map((item) => [item.resource, item.what, item.quantity, item.whileUp]);
            assert.deepEqual(logs, [
                ["frontend", "log ingestion", 1, true],
                ["frontend", "log storage", usage.logGbStored / 2, false],
                ["backend", "log ingestion", 1, true],
                ["backend", "log storage", usage.logGbStored / 2, false],
                ["access", "access log ingestion", 2, false],
                ["access", "access log storage", (2 * 7) / 30, false],
            ]);
        });

        it("each task registered in Cloud Map at $0.10 a month, counted from the ECS service that registers there", () => {
            close(line("registered tasks").monthly, 3 * 0.1);
        });

        it("the namespace's private hosted zone at $0.50 a month, all month; the VPC link nothing", () => {
            close(line("the namespace's private hosted zone").monthly, 0.5);
            assert.equal(line("the namespace's private hosted zone").whileUp, false);
            assert.ok(!items.some((item) => item.resource === "link"));
        });
    });

    it("splits runtime into hourly charges (stop when torn down) and storage (all month)", () => {
        const item = (monthly: number, whileUp: boolean) => ({
            resource: "r",
            type: "t",
            what: "w",
            quantity: 1,
            unit: "u",
            unitPrice: monthly,
            monthly,
            whileUp,
        });
        const summary = summarize(
            "test",
            "dev",
            "us-west-2",
            "nat-single",
            "alb",
            { stack: "base-dev", items: [item(1, false)] },
            { stack: "runtime-dev", items: [item(73, true), item(2, false)] },
            260,
        );
        close(summary.runtimePerHour, 0.1);
        close(summary.runtimeMonthlyAlwaysOn, 75);
        close(summary.runtimeMonthlyScheduled, 26 + 2);
        close(summary.totalMonthly, 29);
        close(summary.saving, 47);
    });

    it("has a dated, sourced price table for us-west-2 and us-east-1", () => {
        for (const region of ["us-west-2", "us-east-1"]) {
            for (const price of Object.values(PRICES[region])) {
                assert.match(price.seen, /^\d{4}-\d{2}/);
                assert.match(price.source, /aws\.amazon\.com/);
            }
        }
    });

    it("prices or explicitly frees every resource type any stack declares, in every environment and egress mode", async () => {
        const types = new Set<string>();
        for (const env of ["dev", "staging", "prod"] as const) {
            for (const egress of egressModesFor(env)) {
                const { base, runtime } = await evaluateEnvironment(env, {
                    base: { domain: "example.com" },
                    // Behind NAT it runs awake: wakeOnRequest needs public-ip ("" unsets it).
                    runtime: { egress, ...(egress === "public-ip" ? {} : { wakeOnRequest: "" }) },
                });
                for (const evaluation of [base, runtime]) {
                    assert.deepEqual(
                        priceResources(evaluation.resources, "us-west-2", ENVIRONMENTS[env].usage).unpriced,
                        [],
                        evaluation.stack,
                    );
                    evaluation.resources.forEach((declared) => types.add(declared.type));
                }
            }
        }
        const { base, runtime } = await evaluateEnvironment("dev", {
            base: { frontDoor: "http-api", domain: "example.com", dnsDelegated: "true" },
            runtime: { frontDoor: "http-api" },
        });
        for (const evaluation of [base, runtime]) {
            assert.deepEqual(
                priceResources(evaluation.resources, "us-west-2", ENVIRONMENTS.dev.usage).unpriced,
                [],
                `${evaluation.stack} with front door http-api`,
            );
            evaluation.resources.forEach((declared) => types.add(declared.type));
        }
        assert.ok(types.size > 30);
        assert.ok(
            types.has("aws:apigatewayv2/domainName:DomainName") &&
                types.has("aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace"),
        );
    });

    it("refuses to price a stack with a cost-bearing type it does not know", () => {
        const priced = priceResources([resource("aws:rds/instance:Instance", "db")], "us-west-2", usage);
        assert.deepEqual(priced.unpriced, ["aws:rds/instance:Instance"]);
        assert.ok(
            !FREE_TYPES.has("aws:ec2/natGateway:NatGateway") && !FREE_TYPES.has("aws:lb/loadBalancer:LoadBalancer"),
        );
    });

    describe("budget (of the committed schedule and services: a new service may mean a new budget)", () => {
        let dev: CostSummary;
        let staging: CostSummary;
        let layouts: CostSummary[];
        before(async () => {
            dev = await estimate("dev");
            staging = await estimate("staging");
            layouts = await compare("dev");
        });

        it("dev as committed, asleep at rest (wakeOnRequest): $3 a month or less at its assumed hours of use, base under $1", () => {
            assert.deepEqual([dev.frontDoor, dev.egress, dev.wakeOnRequest], ["http-api", "public-ip", true]);
            close(dev.upHoursPerMonth, ENVIRONMENTS.dev.usage.awakeHoursPerMonth);
            assert.ok(dev.totalMonthly <= 3, `dev costs $${dev.totalMonthly.toFixed(2)}${FOR_SERVICES}`);
            assert.ok(dev.baseMonthly < 1, `base-dev costs $${dev.baseMonthly.toFixed(2)}${FOR_SERVICES}`);
        });

        it("dev in public-ip mode: under $18 a month", () => {
            const publicIp = layouts.find((summary) => summary.label === "public-ip")!;
            assert.ok(
                publicIp.totalMonthly < 18,
                `public-ip costs $${publicIp.totalMonthly.toFixed(2)}${FOR_SERVICES}`,
            );
        });

        it("the old layout (NAT and load balancer always on in base) costs about $100, four times the split", () => {
            const old = layouts.at(-1)!;
            assert.match(old.label, /^old layout/);
            assert.ok(
                old.totalMonthly > 90 && old.totalMonthly < 115,
                `old layout costs $${old.totalMonthly.toFixed(2)}${ON_SCHEDULE}`,
            );
            assert.ok(
                old.totalMonthly > 4 * dev.totalMonthly,
                `old layout $${old.totalMonthly.toFixed(2)} against dev's $${dev.totalMonthly.toFixed(2)}${ON_SCHEDULE}`,
            );
        });

        it("--compare shows every front door beside every egress mode, then the old layout", () => {
            assert.deepEqual(
                layouts.map((summary) => [summary.label, summary.frontDoor]),
                [
                    ...["alb", "http-api"].flatMap((frontDoor) =>
                        ["nat-per-az", "nat-single", "nat-instance", "public-ip"].map((egress) => [egress, frontDoor]),
                    ),
                    ["old layout (NAT per zone and load balancer in base)", "alb"],
                ],
            );
        });

        it("dev with front door http-api and egress nat-instance: $6 a month or less on the schedule, under half the load balancer's (requests priced by the month)", () => {
            const cheapest = layouts.find(
                (summary) => summary.frontDoor === "http-api" && summary.egress === "nat-instance",
            )!;
            const onAlb = layouts.find((summary) => summary.frontDoor === "alb" && summary.egress === "nat-instance")!;
            assert.ok(
                cheapest.totalMonthly <= 6,
                `http-api + nat-instance costs $${cheapest.totalMonthly.toFixed(2)}${ON_SCHEDULE}`,
            );
            assert.ok(
                cheapest.totalMonthly <= onAlb.totalMonthly / 2,
                `$${cheapest.totalMonthly.toFixed(2)} against $${onAlb.totalMonthly.toFixed(2)} on alb`,
            );
            assert.deepEqual(
                cheapest.runtime.items.filter((item) =>
                    /^aws:(lb|apigatewayv2\/vpcLink|ec2\/natGateway)/.test(item.type),
                ),
                [],
            );
        });

        it("a scheduled environment's morning startup with http-api creates nothing that takes minutes: no load balancer, NAT gateway or VPC link in runtime", async () => {
            const { runtime } = await evaluateEnvironment("staging", {
                base: { frontDoor: "http-api" },
                runtime: { egress: "nat-instance", frontDoor: "http-api" },
            });
            const slow = runtime.resources.filter((declared) =>
                [
                    "aws:lb/loadBalancer:LoadBalancer",
                    "aws:ec2/natGateway:NatGateway",
                    "aws:apigatewayv2/vpcLink:VpcLink",
                    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace",
                ].includes(declared.type),
            );
            assert.deepEqual(slow, []);
        });

        it("runs a scheduled environment (staging) up the schedule's hours (shared/schedule.ts: 60 a week as committed), 52 weeks over 12 months", () => {
            assert.equal(staging.wakeOnRequest, false);
            close(staging.upHoursPerMonth, (weeklyUpHours() * 52) / 12);
        });
    });

    describe("npm run cost -- --preview FILE", () => {
        // A preview of runtime-dev as `pulumi preview --json --show-sames` writes it (PreviewDigest,
        // pulumi/pulumi pkg/display/json.go): the root stack, the provider, a component, kept,
        // created, updated and deleted resources, and a load balancer replaced in three steps.
        const fixture = join(__dirname, "fixtures", "preview-runtime-dev.json");
        let dir: string;
        before(() => (dir = mkdtempSync(join(tmpdir(), "preview-"))));
        after(() => rmSync(dir, { recursive: true, force: true }));
        const priced = async (file: string) => {
            const out: string[] = [];
            assert.equal(await cost(["--preview", file, "--json"], undefined, (text) => out.push(text)), 0);
            return JSON.parse(out[0]);
        };

        it("prices what the preview leaves in the stack: a replaced resource once, deletions not, sames as existing", async () => {
            const result = await priced(fixture);
            assert.equal(result.stack, "runtime-dev");
            assert.deepEqual(
                [...new Set(result.items.map((item: any) => item.resource))],
                ["egress-nat-0", "load-balancer-alb", "backend-service"],
            );
            assert.deepEqual(result.unpriced, []);
            const nat = 730 * 0.045 + 5 * 0.045;
            const eip = 730 * 0.005;
            const alb = 730 * 0.0225 + 0.5 * 730 * 0.008 + 3 * 730 * 0.005;
            const spotService = 730 * (0.25 * 0.012144 + 0.5 * 0.0013335);
            close(result.monthlyAlwaysOn, nat + eip + alb + spotService);
        });

        it("treats the root stack and provider steps as free", async () => {
            const result = await priced(fixture);
            assert.ok(
                !result.items.some(
                    (item: any) => item.type === "pulumi:pulumi:Stack" || item.type.startsWith("pulumi:providers:"),
                ),
            );
        });

        const badFiles: Array<[string, string | undefined, RegExp]> = [
            ["missing", undefined, /^--preview .*missing\.json: cannot read it \(ENOENT\)$/],
            [
                "empty",
                "",
                /^--preview .*empty\.json is empty; write it with "pulumi preview --json -s <stack> > preview\.json"$/,
            ],
            [
                "not JSON",
                "Previewing update (runtime-dev):",
                /^--preview .*not JSON\.json is not JSON \(Unexpected token/,
            ],
            [
                "wrongly shaped",
                '{"steps": {}}',
                /^--preview .*wrongly shaped\.json is not the output of "pulumi preview --json": it has no steps list$/,
            ],
            [
                "without URNs",
                '{"steps": [{"op": "create"}]}',
                /^--preview .*without URNs\.json is not the output of "pulumi preview --json": step 1 has no op and urn:pulumi:\.\.\. URN$/,
            ],
        ];
        for (const [what, content, message] of badFiles) {
            it(`says in one line that a ${what} file is no preview, exit 2`, async () => {
                const file = join(dir, `${what}.json`);
                if (content !== undefined) writeFileSync(file, content);
                await assert.rejects(
                    cost(["--preview", file], undefined, () => undefined),
                    (error: Error & { exitCode: number }) => {
                        assert.match(error.message, message);
                        assert.ok(!error.message.includes("\n"));
                        assert.equal(error.exitCode, 2);
                        return true;
                    },
                );
            });
        }
    });

    describe("npm run cost", () => {
        it("prints tables per stack and the summary", async () => {
            const out: string[] = [];
            await cost(["--env", "dev"], undefined, (text) => out.push(text));
            assert.match(
                out[0],
                /^dev \(public-ip\), us-west-2\nfrom Pulumi\.base-dev\.yaml and Pulumi\.runtime-dev\.yaml\n\nbase-dev\nresource +unit +quantity\/month +unit price +monthly/,
            );
            assert.match(
                out[0],
                /runtime, per month awake 80 h \(hours of use assumed\), asleep the rest +\$\d+\.\d\d/,
            );
            assert.match(out[0], /assumptions \(usage in shared\/environments\.ts, dev\): 5 GB\/month through NAT/);
            await cost(["--env", "staging"], undefined, (text) => out.push(text));
            assert.match(
                out[1],
                new RegExp(
                    `runtime, per month on the schedule \\(${Math.round((weeklyUpHours() * 52) / 12)} h up\\) +\\$\\d+\\.\\d\\d`,
                ),
            );
        });

        it("--markdown gives a table for a pull request comment, --json the figures", async () => {
            const out: string[] = [];
            await cost(["--env", "dev", "--markdown"], undefined, (text) => out.push(text));
            await cost(["--env", "dev", "--json"], undefined, (text) => out.push(text));
            assert.match(
                out[0],
                /^### Cost of dev \(public-ip\)\n\n\| \| \|\n\| --- \| ---: \|\n\| base, always on, per month \| \$0\.\d\d \|/,
            );
            assert.equal(JSON.parse(out[1]).env, "dev");
        });
    });
});
