import { strict as assert } from "assert";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main as adopt } from "../../commands/adopt";
import { planAdoption } from "../../adopt/plan";
import { SecurityGroupRule } from "../../adopt/security-group-rules";
import { parseTerraformState } from "../../adopt/terraform-state";
import { verifyAdoption } from "../../adopt/verify";
import { main as check } from "../../commands/check";
import { PROJECT_DIR } from "../../offline/stack-files";
import { Recorder } from "../fakes/recorder";
import { ENVIRONMENT_NAMES, ENVIRONMENTS } from "../../shared/environments";
import { SERVICE_NAMES } from "../../shared/services";
import {
    formatVersion3,
    managed,
    oldBase,
    otherNames,
    builtFromModules,
    runtimeBesideVpc,
    State,
    stateMv,
    tablesOnly,
    taggedEnvironment,
} from "../fixtures/terraform-states";

const FIXTURE = join(__dirname, "..", "fixtures", "terraform-base-dev.tfstate.json");
/**
 * The old Terraform setup had these two services, as its states here do. A service declared since
 * (shared/services.ts) has nothing to adopt: its repository and lifecycle policy are created anew.
 */
const OLD_SERVICES: readonly string[] = ["frontend", "backend"];
const NEW_SERVICES = SERVICE_NAMES.filter((service) => !OLD_SERVICES.includes(service));
const ALB = "sg-0a1b2c3d4e5f6a7b8";
const TASKS = "sg-0b2c3d4e5f6a7b8c9";

/** The rules EC2's DescribeSecurityGroupRules lists for the two old groups (their inline rules, with ids). */
const RULES: SecurityGroupRule[] = [
    {
        SecurityGroupRuleId: "sgr-0000000000000080a",
        GroupId: ALB,
        IsEgress: false,
        IpProtocol: "tcp",
        FromPort: 80,
        ToPort: 80,
        CidrIpv4: "0.0.0.0/0",
    },
    {
        SecurityGroupRuleId: "sgr-0000000000000443a",
        GroupId: ALB,
        IsEgress: false,
        IpProtocol: "tcp",
        FromPort: 443,
        ToPort: 443,
        CidrIpv4: "0.0.0.0/0",
    },
    {
        SecurityGroupRuleId: "sgr-00000000000000e0a",
        GroupId: ALB,
        IsEgress: true,
        IpProtocol: "-1",
        FromPort: -1,
        ToPort: -1,
        CidrIpv4: "0.0.0.0/0",
    },
    {
        SecurityGroupRuleId: "sgr-0000000000003000t",
        GroupId: TASKS,
        IsEgress: false,
        IpProtocol: "tcp",
        FromPort: 3000,
        ToPort: 3000,
        ReferencedGroupInfo: { GroupId: ALB },
    },
    {
        SecurityGroupRuleId: "sgr-0000000000008000t",
        GroupId: TASKS,
        IsEgress: false,
        IpProtocol: "tcp",
        FromPort: 8000,
        ToPort: 8000,
        ReferencedGroupInfo: { GroupId: ALB },
    },
    {
        SecurityGroupRuleId: "sgr-00000000000000e0t",
        GroupId: TASKS,
        IsEgress: true,
        IpProtocol: "-1",
        FromPort: -1,
        ToPort: -1,
        CidrIpv4: "0.0.0.0/0",
    },
];

describe("npm run adopt: the running Terraform base, adopted without rebuilding it", () => {
    let dir: string;
    let lines: string[];
    let ec2: Recorder;
    const importFile = () => join(dir, "import.json");
    const run = (argv: string[], deps: Record<string, unknown> = {}) =>
        adopt(["--env", "dev", "--import-file", importFile(), ...argv], undefined, {
            ec2,
            log: (line: string) => lines.push(line),
            source: { dir },
            ...deps,
        });
    const imported = () => JSON.parse(readFileSync(importFile(), "utf8"));
    const entry = (name: string) =>
        imported().resources.find(
            (candidate: any) => (candidate.logicalName ?? candidate.name) === name && !candidate.component,
        );

    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "durable-code-adopt-"));
        for (const name of ["Pulumi.yaml", "Pulumi.base-dev.yaml", "Pulumi.runtime-dev.yaml"])
            copyFileSync(join(PROJECT_DIR, name), join(dir, name));
        lines = [];
        ec2 = new Recorder({ DescribeSecurityGroupRulesCommand: () => ({ SecurityGroupRules: RULES }) });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    describe("adopting the old base-dev state", () => {
        it("yields an import file that matches the program, with zero replacements", async () => {
            assert.equal(await run(["--terraform-state", FIXTURE]), 0, lines.join("\n"));
            const outcomes = lines[1]
                .split("\n")
                .slice(1)
                .map(
                    (row) =>
                        /^\S+(?: \S+)* {2,}(adopted, changes in place|adopted|replaced|left behind|created anew|not known) {2,}/.exec(
                            row,
                        )?.[1],
                );
            assert.ok(outcomes.every(Boolean) && outcomes.length > 30, lines[1]);
            assert.deepEqual(
                outcomes.filter((outcome) => outcome === "replaced"),
                [],
            );
            const { problems } = await verifyAdoption(
                planAdoption(
                    parseTerraformState(readFileSync(FIXTURE, "utf8"), "fixture"),
                    { project: "durable-code", env: "dev" },
                    RULES,
                ),
                "dev",
                { dir },
            );
            assert.deepEqual(problems, []);
        });

        it("looks up the inline rules' ids with DescribeSecurityGroupRules, filtered to the two groups", async () => {
            await run(["--terraform-state", FIXTURE]);
            assert.deepEqual(ec2.calls, [
                ["DescribeSecurityGroupRulesCommand", { Filters: [{ Name: "group-id", Values: [ALB, TASKS] }] }],
            ]);
            assert.deepEqual(entry("security-groups-services-in-frontend"), {
                type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                name: "security-groups-services-in-frontend",
                id: "sgr-0000000000003000t",
                parent: "security-groups",
                version: "7.48.0",
            });
        });

        it("writes ids in each type's import format, parents as components created by the import", async () => {
            await run(["--terraform-state", FIXTURE]);
            const components = imported()
                .resources.filter((candidate: any) => candidate.component)
                .map((candidate: any) => [candidate.type, candidate.name]);
            assert.deepEqual(components, [
                ["durable-code:base:Network", "network"],
                ["durable-code:base:SecurityGroups", "security-groups"],
                ["durable-code:base:Registries", "registries"],
                ["durable-code:base:Dns", "dns"],
            ]);
            assert.deepEqual(entry("network-vpc"), {
                type: "aws:ec2/vpc:Vpc",
                name: "network-vpc",
                id: "vpc-0d1e2f3a4b5c6d7e8",
                parent: "network",
                version: "7.48.0",
            });
            const association = imported().resources.find(
                (candidate: any) =>
                    candidate.type === "aws:ec2/routeTableAssociation:RouteTableAssociation" &&
                    candidate.logicalName === "network-public-1",
            );
            assert.deepEqual(
                [association.name, association.id],
                ["network-public-1:RouteTableAssociation", "subnet-0ee55ff66aa77bb88/rtb-0f1e2d3c4b5a69788"],
            );
            assert.equal(entry("dns-delegation").id, "Z0APEXZONE00001_durableai.com_NS");
            assert.equal(
                entry("dns-certificate-validation-api-dev.durableai.com").id,
                "Z0DURABLEAI0001__v1c9d8e7.api-dev.durableai.com_CNAME",
            );
            assert.equal(entry("registries-frontend").id, "durableai-dev-frontend");
        });

        it("prints the config that reproduces the old layout: /24 subnets, repository names, zone, certificate names, group names", async () => {
            await run(["--terraform-state", FIXTURE]);
            const text = lines.join("\n");
            for (const line of [
                'durable-code:subnetCidrs: {"public":["10.0.0.0/24","10.0.1.0/24"],"private":["10.0.2.0/24","10.0.3.0/24"]}',
                `durable-code:repositoryNames: ${JSON.stringify(
                    Object.fromEntries(
                        SERVICE_NAMES.map((service) => [
                            service,
                            OLD_SERVICES.includes(service) ? `durableai-dev-${service}` : `durable-code-dev-${service}`,
                        ]),
                    ),
                )}`,
                "durable-code:domain: durableai.com",
                "durable-code:zoneName: durableai.com",
                "durable-code:parentZoneId: Z0APEXZONE00001",
                'durable-code:certificateAlternativeNames: ["*.durableai.com","api-dev.durableai.com","api.durableai.com","dev.durableai.com"]',
                'durable-code:securityGroupNames: {"loadBalancer":"durable-code-dev-alb-sg","services":"durable-code-dev-ecs-tasks-sg"}',
            ]) {
                assert.ok(text.includes(`  ${line}`), line);
            }
        });

        it("reports in-place changes, what is created anew and what is left behind with what to do", async () => {
            await run(["--terraform-state", FIXTURE]);
            const row = (address: string) => lines[1].split("\n").find((line) => line.startsWith(address))!;
            assert.match(
                row("aws_subnet.public[0]"),
                /adopted, changes in place +network-public-0 .*map_public_ip_on_launch true -> false/,
            );
            assert.match(row("aws_ecr_lifecycle_policy.frontend"), /changes in place .*never expired by age/);
            assert.match(
                row("aws_ecr_repository_policy.frontend"),
                /left behind +.*aws ecr delete-repository-policy --repository-name durableai-dev-frontend/,
            );
            assert.match(row("aws_acm_certificate_validation.main[0]"), /created anew/);
            assert.match(
                row(`${ALB} egress -1 0.0.0.0/0 (sgr-00000000000000e0a)`),
                /left behind +.*aws ec2 revoke-security-group-egress --group-id sg-0a1b2c3d4e5f6a7b8 --security-group-rule-ids sgr-00000000000000e0a/,
            );
        });

        it("--write puts the config into the stack file, keeping its comments, and the file then passes npm run check", async () => {
            const before = readFileSync(join(dir, "Pulumi.base-dev.yaml"), "utf8");
            await run(["--terraform-state", FIXTURE, "--write"]);
            const after = readFileSync(join(dir, "Pulumi.base-dev.yaml"), "utf8");
            assert.ok(after.startsWith(before.split("\n")[0]));
            assert.match(after, /durable-code:dnsDelegated: true\n/);
            const out: string[] = [];
            assert.equal(
                await check(["--stack", "base-dev"], undefined, (line) => out.push(line), { dir }),
                0,
                out.join("\n"),
            );
        });
    });

    describe("what a real state holds", () => {
        const fixture = () => JSON.parse(readFileSync(FIXTURE, "utf8"));
        const runWith = async (state: unknown, argv: string[] = []) => {
            writeFileSync(join(dir, "state.json"), JSON.stringify(state));
            return run(["--terraform-state", join(dir, "state.json"), ...argv]);
        };

        it("imports the record x and *.x share once: HashiCorp's for_each over domain_validation_options keys both, with one record id", async () => {
            const state = fixture();
            const validation = state.resources.find((resource: any) => resource.name === "cert_validation");
            const apex = validation.instances.find((instance: any) => instance.index_key === "durableai.com");
            validation.instances.push({ ...apex, index_key: "*.durableai.com" });
            assert.equal(await runWith(state), 0, lines.join("\n"));
            const records = imported().resources.filter(
                (candidate: any) => candidate.id === "Z0DURABLEAI0001__v0c9d8e7.durableai.com_CNAME",
            );
            assert.deepEqual(
                records.map((candidate: any) => candidate.name),
                ["dns-certificate-validation"],
            );
            assert.match(
                lines[1],
                /aws_route53_record\.cert_validation\["\*\.durableai\.com"\] +adopted +the same record as aws_route53_record\.cert_validation\["durableai\.com"\]/,
            );
        });

        it("the offline check refuses two entries with one URN (type, logical name, parent's type), which pulumi import refuses as ambiguous", async () => {
            const plan = planAdoption(
                parseTerraformState(readFileSync(FIXTURE, "utf8"), "fixture"),
                { project: "durable-code", env: "dev" },
                RULES,
            );
            const record = plan.entries.find((candidate) => candidate.name === "dns-certificate-validation")!;
            const twice = {
                ...plan,
                entries: [
                    ...plan.entries,
                    {
                        ...record,
                        name: "dns-certificate-validation-again",
                        logicalName: "dns-certificate-validation",
                        id: "Z0DURABLEAI0001__v9.durableai.com_CNAME",
                    },
                ],
            };
            const { problems } = await verifyAdoption(twice, "dev", { dir });
            assert.deepEqual(problems, [
                'the import entries "dns-certificate-validation" and "dns-certificate-validation-again" have one URN (aws:route53/record:Record "dns-certificate-validation" under "dns"): pulumi import would refuse the whole file as ambiguous',
            ]);
        });

        it('maps log groups under the names base declares, so up does not fail with "already exists"', async () => {
            const state = fixture();
            state.resources.push({
                mode: "managed",
                type: "aws_cloudwatch_log_group",
                name: "frontend",
                instances: [
                    {
                        schema_version: 0,
                        attributes: {
                            id: "/ecs/durable-code-dev/frontend",
                            name: "/ecs/durable-code-dev/frontend",
                            retention_in_days: 30,
                            arn: "arn:aws:logs:us-west-2:123456789012:log-group:/ecs/durable-code-dev/frontend",
                        },
                    },
                ],
            });
            assert.equal(await runWith(state), 0, lines.join("\n"));
            assert.deepEqual(entry("logs-frontend"), {
                type: "aws:cloudwatch/logGroup:LogGroup",
                name: "logs-frontend",
                id: "/ecs/durable-code-dev/frontend",
                parent: "logs",
                version: "7.48.0",
            });
            assert.ok(
                imported().resources.some(
                    (candidate: any) =>
                        candidate.component &&
                        candidate.name === "logs" &&
                        candidate.type === "durable-code:base:ServiceLogs",
                ),
            );
            assert.match(
                lines[1],
                /aws_cloudwatch_log_group\.frontend +adopted, changes in place +logs-frontend .*retention 30 -> 7 days/,
            );
        });

        it("gives every entry the provider version package.json pins (@pulumi/aws 7.48.0)", async () => {
            await run(["--terraform-state", FIXTURE]);
            const versions = imported()
                .resources.filter((candidate: any) => !candidate.component)
                .map((candidate: any) => candidate.version);
            assert.deepEqual([...new Set(versions)], ["7.48.0"]);
            assert.equal(
                JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")).dependencies["@pulumi/aws"],
                "7.48.0",
            );
        });

        it("--offline needs no AWS: writes the config and the import, and lists the rules still to resolve", async () => {
            assert.equal(await run(["--terraform-state", FIXTURE, "--offline", "--write"]), 0, lines.join("\n"));
            assert.deepEqual(ec2.calls, []);
            assert.equal(
                imported().resources.filter((candidate: any) =>
                    /securityGroup(Ingress|Egress)Rule/.test(candidate.type),
                ).length,
                0,
            );
            assert.ok(entry("network-vpc"));
            const toResolve = lines[1]
                .split("\n")
                .filter((row) => / to resolve /.test(row))
                .map((row) => row.split(/ {2,}/)[0]);
            assert.deepEqual(toResolve, [
                "aws_security_group.alb ingress tcp 80 0.0.0.0/0",
                "aws_security_group.alb ingress tcp 443 0.0.0.0/0",
                "aws_security_group.alb egress -1 0 0.0.0.0/0",
                "aws_security_group.ecs_tasks ingress tcp 3000 sg-0a1b2c3d4e5f6a7b8",
                "aws_security_group.ecs_tasks ingress tcp 8000 sg-0a1b2c3d4e5f6a7b8",
                "aws_security_group.ecs_tasks egress -1 0 0.0.0.0/0",
            ]);
            assert.match(
                lines.join("\n"),
                /wrote \S+import\.json for review, without the 6 security group rules still to resolve: import it only after running adopt again without --offline/,
            );
            assert.match(readFileSync(join(dir, "Pulumi.base-dev.yaml"), "utf8"), /durable-code:dnsDelegated: true\n/);
        });

        it("--offline refuses an s3:// state, which would need AWS", async () => {
            await assert.rejects(
                run(["--terraform-state", "s3://acme-terraform-state/env:/base-dev/terraform.tfstate", "--offline"]),
                {
                    message:
                        "--offline reads a state file, not s3://acme-terraform-state/env:/base-dev/terraform.tfstate; pull it first (terraform state pull > base-dev.tfstate) and give the file",
                },
            );
        });

        it("refuses another environment's state (--env staging with base-dev's), and writes nothing", async () => {
            copyFileSync(join(PROJECT_DIR, "Pulumi.base-staging.yaml"), join(dir, "Pulumi.base-staging.yaml"));
            await assert.rejects(
                adopt(["--env", "staging", "--import-file", importFile(), "--terraform-state", FIXTURE], undefined, {
                    ec2,
                    log: (line: string) => lines.push(line),
                    source: { dir },
                }),
                (error: Error & { exitCode: number }) => {
                    assert.equal(error.exitCode, 2);
                    assert.match(
                        error.message,
                        /^\S+terraform-base-dev\.tfstate\.json is the state of environment "dev", not "staging" \(aws_vpc\.main tag Environment=dev; aws_vpc\.main tag Workspace=base-dev; .*\); give base-staging's state, or run with --env dev\. Nothing was written$/,
                    );
                    return true;
                },
            );
            assert.ok(!existsSync(importFile()));
            assert.deepEqual(ec2.calls, []);
        });
    });

    describe("the import must match the program", () => {
        it("a property that forces replacement and differs is an error naming it, and nothing is written", async () => {
            const state = JSON.parse(readFileSync(FIXTURE, "utf8"));
            state.resources.find(
                (resource: any) => resource.type === "aws_acm_certificate",
            ).instances[0].attributes.domain_name = "www.durableai.com";
            writeFileSync(join(dir, "state.json"), JSON.stringify(state));
            assert.equal(await run(["--terraform-state", join(dir, "state.json")]), 1);
            assert.match(
                lines.join("\n"),
                /aws_acm_certificate\.main\[0\]: domainName is "www\.durableai\.com" in the state but "durableai\.com" in the program; pulumi would replace dns-certificate/,
            );
            assert.ok(!existsSync(importFile()));
        });

        it("a program resource with a Terraform counterpart but no entry is an error", async () => {
            const plan = planAdoption(
                parseTerraformState(readFileSync(FIXTURE, "utf8"), "fixture"),
                { project: "durable-code", env: "dev" },
                RULES,
            );
            const withoutVpc = {
                ...plan,
                entries: plan.entries.filter((candidate) => candidate.name !== "network-vpc"),
            };
            const { problems } = await verifyAdoption(withoutVpc, "dev", { dir });
            assert.deepEqual(problems, [
                'the program declares aws:ec2/vpc:Vpc "network-vpc", which the old base holds, but the import has no entry for it: pulumi up would create a second one',
            ]);
        });
    });

    describe("first, is this the old base? Asked before its environment, its region or AWS", () => {
        const refused = async (state: unknown, env: string) => {
            writeFileSync(join(dir, "state.json"), JSON.stringify(state));
            for (const name of [`Pulumi.base-${env}.yaml`]) copyFileSync(join(PROJECT_DIR, name), join(dir, name));
            const error = await adopt(
                ["--env", env, "--import-file", importFile(), "--terraform-state", join(dir, "state.json")],
                undefined,
                { ec2, log: (line: string) => lines.push(line), source: { dir } },
            ).then(
                () => assert.fail("adopt accepted it"),
                (error: Error & { exitCode: number }) => error,
            );
            assert.equal(error.exitCode, 2);
            assert.deepEqual([lines, ec2.calls, existsSync(importFile())], [[], [], false]);
            return error.message.replace(join(dir, "state.json"), "STATE");
        };

        for (const env of ["dev", "staging", "prod"]) {
            it(`a VPC beside ECS services, a load balancer, a NAT gateway and an instance is a runtime or single-workspace state (--env ${env})`, async () => {
                assert.equal(
                    await refused(runtimeBesideVpc(), env),
                    `STATE is not the old base's state: it holds an ECS cluster, ECS services, a load balancer, a NAT gateway and EC2 instances, which the base layer never held; it looks like a runtime or single-workspace state. Give base-${env}'s state (terraform workspace select base-${env} && terraform state pull > base-${env}.tfstate). Nothing was written`,
                );
            });
        }

        it("a state of DynamoDB tables is told what it holds, not which environment or region to use", async () => {
            const state = tablesOnly();
            state.resources[0].instances[0].attributes.tags = { Environment: "production" };
            state.resources[1].instances[0].attributes.arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/carts";
            assert.equal(
                await refused(state, "dev"),
                "STATE is not the old base's state: it holds 2 aws_dynamodb_table and 1 aws_iam_role and no VPC, where the old base held a VPC with subnets, a public route table, two security groups and two ECR repositories. Give base-dev's state (terraform workspace select base-dev && terraform state pull > base-dev.tfstate). Nothing was written",
            );
        });

        it("a runtime workspace's state (an ECS cluster, no VPC)", async () => {
            const state = {
                version: 4,
                resources: [
                    managed("aws_ecs_cluster", "main", { arn: "arn:aws:ecs:eu-west-1:123456789012:cluster/x" }),
                ],
            };
            assert.match(
                await refused(state, "dev"),
                /^STATE is not the old base's state: it holds an ECS cluster, which the base layer never held; it looks like a runtime workspace's state\./,
            );
        });

        it("keeps the clear refusals of a format version 3 state and an empty state", async () => {
            assert.match(
                await refused(formatVersion3(), "dev"),
                /^STATE is Terraform state format version 3; this reads version 4 \(Terraform 0\.12 and later\): run "terraform state pull" with a current Terraform$/,
            );
            assert.match(
                await refused({ version: 4, serial: 1, resources: [] }, "dev"),
                /^STATE holds no managed resources; is it the state of the right workspace\? give base-dev's state/,
            );
        });
    });

    describe("environments spelled the way teams spell them, with advice that works when followed", () => {
        /** The old base-dev state rewritten as another environment's, its tags saying `tag`. */
        const stateOf = (env: string, tag: string) => {
            const text = JSON.stringify(oldBase())
                .replaceAll("-dev-", `-${env}-`)
                .replaceAll("base-dev", `base-${env}`);
            return taggedEnvironment(JSON.parse(text), tag);
        };
        const attempt = async (state: unknown, argv: string[]) => {
            writeFileSync(join(dir, "state.json"), JSON.stringify(state));
            for (const env of ["staging", "prod"])
                copyFileSync(join(PROJECT_DIR, `Pulumi.base-${env}.yaml`), join(dir, `Pulumi.base-${env}.yaml`));
            lines = [];
            return adopt(
                ["--import-file", importFile(), "--terraform-state", join(dir, "state.json"), "--offline", ...argv],
                undefined,
                { ec2, log: (line: string) => lines.push(line), source: { dir } },
            ).catch((error: Error) => error.message.replace(join(dir, "state.json"), "STATE"));
        };

        it("the old base tagged Environment=Development is dev's, and is adopted", async () => {
            assert.equal(await attempt(taggedEnvironment(oldBase(), "Development"), ["--env", "dev"]), 0);
        });

        it("a state tagged Environment=production is told --env prod, and --env prod adopts it", async () => {
            const state = stateOf("prod", "production");
            // Prod's zone is the apex, which only the registrar delegates: no delegation record.
            state.resources = state.resources.filter((resource) => resource.name !== "zone_delegation");
            assert.match(
                String(await attempt(state, ["--env", "dev"])),
                /^STATE is the state of environment "prod", not "dev" \(aws_vpc\.main tag Environment=production; .*\); give base-dev's state, or run with --env prod\. Nothing was written$/,
            );
            assert.equal(await attempt(state, ["--env", "prod"]), 0, lines.join("\n"));
        });

        it("tags and names that disagree (Environment=production on base-dev's names) are told both ways, and the one for dev adopts it", async () => {
            const state = taggedEnvironment(oldBase(), "production");
            assert.match(
                String(await attempt(state, ["--env", "dev"])),
                /^STATE says it belongs to 2 environments: prod \(aws_vpc\.main tag Environment=production; .*\); dev \(aws_vpc\.main tag Workspace=base-dev; .*\)\. Check which workspace it was pulled from \(terraform workspace show\), then run adopt as that one: --env prod --state-environment dev, or --env dev --state-environment production\. Nothing was written$/,
            );
            assert.equal(
                await attempt(state, ["--env", "dev", "--state-environment", "production"]),
                0,
                lines.join("\n"),
            );
        });

        it("Environment=stage is staging's", async () => {
            assert.match(
                String(await attempt(stateOf("staging", "stage"), ["--env", "prod"])),
                /is the state of environment "staging", not "prod" .* or run with --env staging\./,
            );
        });

        it("a word that names no environment is told --state-environment, which then adopts it", async () => {
            const state = taggedEnvironment(oldBase(), "sandbox");
            assert.equal(
                await attempt(state, ["--env", "dev"]),
                'STATE says its environment is "sandbox" (aws_vpc.main tag Environment=sandbox; aws_internet_gateway.main tag Environment=sandbox; aws_subnet.public[0] tag Environment=sandbox), which names no environment as adopt reads them ' +
                    `(${ENVIRONMENT_NAMES.map((env) => `${env}: ${[env, ...ENVIRONMENTS[env].alsoSpelled].join(", ")}`).join("; ")}); ` +
                    "if it is base-dev's state, run again with --state-environment sandbox. Nothing was written",
            );
            assert.equal(await attempt(state, ["--env", "dev", "--state-environment", "sandbox"]), 0, lines.join("\n"));
        });
    });

    describe("what the old base never had is created anew, not reported as a missing import", () => {
        const runOn = async (state: unknown) => {
            writeFileSync(join(dir, "state.json"), JSON.stringify(state));
            return run(["--terraform-state", join(dir, "state.json")]);
        };
        const rows = (outcome: string) =>
            lines[1]
                .split("\n")
                .filter((row) => row.includes(`  ${outcome}  `))
                .map((row) => row.replace(/ {2,}/g, " | "));

        it("adopts the old base tagged Environment=development without lifecycle policies, and lists the policies as creations", async () => {
            const state = taggedEnvironment(oldBase(), "development");
            state.resources = state.resources.filter((resource) => resource.type !== "aws_ecr_lifecycle_policy");
            assert.equal(await runOn(state), 0, lines.join("\n"));
            assert.equal(
                lines[0],
                `base-dev: 25 resources to import, ${3 + 2 * NEW_SERVICES.length} created anew, 3 left behind, 0 not known\n`,
            );
            assert.deepEqual(
                rows("created anew").filter((row) => row.startsWith("(not in the state)")),
                SERVICE_NAMES.flatMap((service) => [
                    ...(OLD_SERVICES.includes(service)
                        ? []
                        : [
                              `(not in the state) | created anew | registries-${service} (aws:ecr/repository:Repository): the state holds no aws_ecr_repository.${service}, so pulumi up creates it`,
                          ]),
                    `(not in the state) | created anew | registries-${service} (aws:ecr/lifecyclePolicy:LifecyclePolicy): the state holds no aws_ecr_lifecycle_policy.${service} (this project's rules keep release images by count), so pulumi up creates it`,
                ]),
            );
            assert.deepEqual(
                imported().resources.filter(
                    (candidate: any) => candidate.type === "aws:ecr/lifecyclePolicy:LifecyclePolicy",
                ),
                [],
            );
        });

        it("an old base without the services' group gets it created, under the program's name, beside the adopted load balancer group", async () => {
            const state = oldBase();
            state.resources = state.resources.filter((resource) => resource.name !== "ecs_tasks");
            assert.equal(await runOn(state), 0, lines.join("\n"));
            assert.ok(
                rows("created anew").includes(
                    "(not in the state) | created anew | security-groups-services (aws:ec2/securityGroup:SecurityGroup): the state holds no aws_security_group.ecs_tasks, so pulumi up creates it",
                ),
                lines[1],
            );
            assert.match(
                lines.join("\n"),
                /durable-code:securityGroupNames: \{"loadBalancer":"durable-code-dev-alb-sg","services":"durable-code-dev-services"\}/,
            );
            assert.equal(entry("security-groups-services"), undefined);
            assert.equal(entry("security-groups-load-balancer").id, ALB);
        });
    });

    describe("a base under other addresses gets terraform state mv commands that work when applied", () => {
        const file = () => join(dir, "state.json");
        const attempt = (state: State) => {
            writeFileSync(file(), JSON.stringify(state));
            lines = [];
            return run(["--terraform-state", file(), "--offline"]).then(
                (code) => code,
                (error: Error) => error.message.replaceAll(file(), "STATE"),
            );
        };
        /** Every move the refusal gives, applied to the state as terraform state mv applies it. */
        const applyMoves = (state: State, refusal: string) => {
            const moves = [...refusal.matchAll(/^ {2}terraform state mv -state=STATE '([^']+)' '([^']+)'$/gm)];
            for (const [, from, to] of moves) stateMv(state, from, to);
            return moves.map(([, from, to]) => `${from} -> ${to}`);
        };

        it("a base built from modules: moves for the base's resources only, and adopted once they are applied", async () => {
            const state = builtFromModules();
            const refusal = String(await attempt(state));
            assert.match(
                refusal,
                /^STATE holds the base's resources under other addresses than the old base's, which adopt reads \(aws_vpc\.main, .*, in the root module\)\.\nMove them in the pulled file, in a folder without Terraform configuration \(-state names a local file: the workspace stays as it is\), then run adopt again:\n/,
            );
            assert.deepEqual(applyMoves(state, refusal), [
                "module.vpc.aws_vpc.this -> aws_vpc.main",
                "module.vpc.aws_internet_gateway.this -> aws_internet_gateway.main",
                "module.vpc.aws_subnet.public[0] -> aws_subnet.public[0]",
                "module.vpc.aws_subnet.public[1] -> aws_subnet.public[1]",
                "module.vpc.aws_subnet.private[0] -> aws_subnet.private[0]",
                "module.vpc.aws_subnet.private[1] -> aws_subnet.private[1]",
                "module.vpc.aws_route_table.public[0] -> aws_route_table.public",
                "module.vpc.aws_route_table_association.public[0] -> aws_route_table_association.public[0]",
                "module.vpc.aws_route_table_association.public[1] -> aws_route_table_association.public[1]",
                "module.security.aws_security_group.lb -> aws_security_group.alb",
                "module.security.aws_security_group.app -> aws_security_group.ecs_tasks",
                'module.ecr["frontend"].aws_ecr_repository.this -> aws_ecr_repository.frontend',
                'module.ecr["backend"].aws_ecr_repository.this -> aws_ecr_repository.backend',
                'module.ecr["frontend"].aws_ecr_lifecycle_policy.this -> aws_ecr_lifecycle_policy.frontend',
                'module.ecr["backend"].aws_ecr_lifecycle_policy.this -> aws_ecr_lifecycle_policy.backend',
                'module.ecr["frontend"].aws_ecr_repository_policy.this -> aws_ecr_repository_policy.frontend',
                'module.ecr["backend"].aws_ecr_repository_policy.this -> aws_ecr_repository_policy.backend',
                "module.dns.aws_route53_zone.this -> aws_route53_zone.this",
                "module.dns.aws_acm_certificate.this -> aws_acm_certificate.this",
                "module.dns.aws_acm_certificate_validation.this -> aws_acm_certificate_validation.this",
                "module.dns.aws_route53_record.delegation -> aws_route53_record.zone_delegation[0]",
                'module.dns.aws_route53_record.validation["durableai.com"] -> aws_route53_record.cert_validation["durableai.com"]',
                'module.dns.aws_route53_record.validation["api-dev.durableai.com"] -> aws_route53_record.cert_validation["api-dev.durableai.com"]',
                'module.dns.aws_route53_record.validation["api.durableai.com"] -> aws_route53_record.cert_validation["api.durableai.com"]',
                'module.dns.aws_route53_record.validation["dev.durableai.com"] -> aws_route53_record.cert_validation["dev.durableai.com"]',
            ]);
            assert.equal(await attempt(state), 0, lines.join("\n"));
            assert.match(
                lines[1],
                /module\.vpc\.aws_vpc_endpoint\.s3 +not known +no counterpart in this program's base/,
            );
            assert.match(
                lines[0],
                new RegExp(
                    `^base-dev: 22 resources to import, ${1 + 2 * NEW_SERVICES.length} created anew, 2 left behind, 1 not known`,
                ),
            );
        });

        it("subnets, groups and a repository under other names: moves whose targets adopt reads, and adopted once applied", async () => {
            const state = otherNames();
            const refusal = String(await attempt(state));
            assert.deepEqual(applyMoves(state, refusal), [
                "aws_subnet.public_a -> aws_subnet.public[0]",
                "aws_subnet.public_b -> aws_subnet.public[1]",
                "aws_subnet.private_a -> aws_subnet.private[0]",
                "aws_subnet.private_b -> aws_subnet.private[1]",
                "aws_route_table.internet -> aws_route_table.public",
                "aws_route_table_association.rt_a -> aws_route_table_association.public[0]",
                "aws_route_table_association.rt_b -> aws_route_table_association.public[1]",
                "aws_security_group.lb -> aws_security_group.alb",
                "aws_security_group.app -> aws_security_group.ecs_tasks",
                "aws_ecr_repository.web -> aws_ecr_repository.frontend",
                "aws_ecr_lifecycle_policy.web -> aws_ecr_lifecycle_policy.frontend",
            ]);
            assert.equal(await attempt(state), 0, lines.join("\n"));
            assert.doesNotMatch(lines.join("\n"), /azCount/);
        });
        it("two VPCs under other names: which one is the base's is for the user to say, with the move that says it", async () => {
            const state = otherNames();
            const vpc = state.resources.find((resource) => resource.type === "aws_vpc");
            vpc.name = "shared";
            state.resources.push({
                ...vpc,
                name: "tools",
                instances: [
                    {
                        ...vpc.instances[0],
                        attributes: {
                            ...vpc.instances[0].attributes,
                            id: "vpc-0f0f0f0f0f0f0f0f0",
                            cidr_block: "10.9.0.0/16",
                        },
                    },
                ],
            });
            assert.equal(
                await attempt(state),
                "STATE holds 2 VPCs (aws_vpc.shared 10.0.0.0/16, aws_vpc.tools 10.9.0.0/16) and the old base held one, aws_vpc.main; if one of them is the base's, move it there in the pulled file and run adopt again, e.g.:\n  terraform state mv -state=STATE 'aws_vpc.shared' 'aws_vpc.main'\nNothing was written",
            );
        });

        it("subnets that say neither public nor private get the move that names them, never an azCount nobody set", async () => {
            const state = otherNames();
            state.resources
                .filter((candidate) => candidate.type === "aws_subnet")
                .forEach((resource, index) => (resource.name = `net_${index + 1}`));
            for (const resource of state.resources.filter((candidate) => candidate.type === "aws_subnet")) {
                for (const instance of resource.instances) {
                    delete instance.attributes.tags;
                    instance.attributes.map_public_ip_on_launch = false;
                }
            }
            const refusal = String(await attempt(state));
            assert.equal(
                refusal.split("\n").slice(0, 3).join("\n"),
                [
                    "STATE holds 0 subnets adopt can tell public, and this program's base needs public subnets in at least two zones (its load balancer does).",
                    "These say neither public nor private by name, Type or Tier tag, or map_public_ip_on_launch: aws_subnet.net_1 (us-west-2a, 10.0.0.0/24), aws_subnet.net_2 (us-west-2b, 10.0.1.0/24), aws_subnet.net_3 (us-west-2a, 10.0.2.0/24), aws_subnet.net_4 (us-west-2b, 10.0.3.0/24). Move each public one to aws_subnet.public[i] and each private one to aws_subnet.private[i] in the pulled file, e.g.:",
                    "  terraform state mv -state=STATE 'aws_subnet.net_1' 'aws_subnet.public[0]'",
                ].join("\n"),
            );
            assert.doesNotMatch(refusal, /azCount/);
        });
    });

    describe("the import file: never over a file adopt did not write, checked before any work", () => {
        const runTo = (file: string, extra: string[] = []) =>
            adopt(["--env", "dev", "--terraform-state", FIXTURE, "--import-file", file, ...extra], undefined, {
                ec2,
                log: (line: string) => lines.push(line),
                source: { dir },
            });
        const refusedWith = async (file: string, message: string) => {
            await assert.rejects(runTo(file), (error: Error & { exitCode: number }) => {
                assert.deepEqual([error.message, error.exitCode], [message, 2]);
                return true;
            });
            assert.deepEqual([lines, ec2.calls], [[], []]);
        };

        it("refuses a file it did not write (a README), before reading the state or asking AWS, and leaves it as it was", async () => {
            const readme = join(dir, "README.md");
            writeFileSync(readme, "# durable-code\n");
            await refusedWith(
                readme,
                `--import-file ${readme} exists and is not an import file this command wrote; choose another path, or add --force to replace it`,
            );
            assert.equal(readFileSync(readme, "utf8"), "# durable-code\n");
        });

        it("--force replaces it", async () => {
            const readme = join(dir, "README.md");
            writeFileSync(readme, "# durable-code\n");
            assert.equal(await runTo(readme, ["--force"]), 0);
            assert.ok(JSON.parse(readFileSync(readme, "utf8")).resources.length > 30);
        });

        it("replaces an import file it wrote before, recognised by its content", async () => {
            assert.equal(await runTo(importFile()), 0);
            assert.equal(await runTo(importFile()), 0);
            assert.deepEqual(
                readdirSync(dir).filter((name) => name.includes("import")),
                ["import.json"],
            );
        });

        it("refuses a folder that does not exist before any work, instead of printing the report and then a stack trace", () =>
            refusedWith(
                join(dir, "nonexistent", "x.json"),
                `--import-file ${join(dir, "nonexistent", "x.json")}: the folder ${join(dir, "nonexistent")} does not exist; create it first`,
            ));

        it("by default writes reports/import-base-<env>.json, a folder the repository ignores", async () => {
            assert.equal(
                await adopt(["--env", "dev", "--terraform-state", FIXTURE], undefined, {
                    ec2,
                    log: (line: string) => lines.push(line),
                    source: { dir },
                }),
                0,
            );
            const written = join(dir, "reports", "import-base-dev.json");
            assert.ok(
                lines.includes(`\nwrote ${written}: pulumi import --file ${written} -s base-dev`),
                lines.join("\n"),
            );
            const ignored = spawnSync(
                "git",
                ["check-ignore", "--quiet", "--no-index", "reports/import-base-dev.json"],
                {
                    cwd: PROJECT_DIR,
                },
            );
            assert.equal(ignored.status, 0, "the repository's .gitignore does not ignore reports/");
        });
    });

    describe("bad input gets a clear error and nothing written", () => {
        const refuse = async (content: unknown, message: RegExp) => {
            const file = join(dir, "state.json");
            writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
            await assert.rejects(run(["--terraform-state", file]), (error: Error & { exitCode: number }) => {
                assert.match(error.message, message);
                assert.equal(error.exitCode, 2);
                return true;
            });
            assert.ok(!existsSync(importFile()));
        };
        const fixture = () => JSON.parse(readFileSync(FIXTURE, "utf8"));

        it("not JSON", () => refuse("terraform {", /is not JSON/));
        it("a state in another region than aws:region", () => {
            const state = fixture();
            state.resources.find((resource: any) => resource.type === "aws_vpc").instances[0].attributes.arn =
                "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0d1e2f3a4b5c6d7e8";
            return refuse(
                state,
                /the state's resources are in eu-west-1 but Pulumi\.base-dev\.yaml says aws:region us-west-2/,
            );
        });

        // Terraform's state format v4 (hashicorp/terraform internal/states/statefile/version4.go):
        // resources may carry `module`; instances `deposed`, `status: "tainted"`, or `attributes_flat`.
        const withVpc = (change: (vpc: any) => void) => {
            const state = fixture();
            change(state.resources.find((resource: any) => resource.type === "aws_vpc"));
            return state;
        };
        it("a deposed object", () =>
            refuse(
                withVpc((vpc) => vpc.instances.push({ ...vpc.instances[0], deposed: "00000001" })),
                /- aws_vpc\.main has a deposed object \(00000001\), left by a replacement that did not finish: run terraform apply/,
            ));
        it("a tainted instance", () =>
            refuse(
                withVpc((vpc) => (vpc.instances[0].status = "tainted")),
                /- aws_vpc\.main is tainted, so Terraform would replace it: terraform untaint aws_vpc\.main if it is sound/,
            ));
        it("attributes_flat from before Terraform 0.12", () =>
            refuse(
                withVpc(
                    (vpc) =>
                        (vpc.instances[0] = {
                            schema_version: 0,
                            attributes_flat: { id: "vpc-0d1e2f3a4b5c6d7e8", cidr_block: "10.0.0.0/16" },
                        }),
                ),
                /- aws_vpc\.main holds only attributes_flat \(written before Terraform 0\.12\): run terraform apply -refresh-only/,
            ));

        // The state's shape is checked before anything reads it: each problem names its JSON path.
        describe("a state of the wrong shape names the JSON path of what is wrong", () => {
            const shapeRefusal = (paths: string) =>
                new RegExp(
                    `is not a whole Terraform state \\(format version 4\\); nothing was read further:\\n${paths}\\npull it again`,
                );
            it('"resources": {} (was a TypeError: filter is not a function)', () =>
                refuse(
                    { version: 4, resources: {} },
                    shapeRefusal(" {2}- \\$\\.resources should be a list of resources, but it is an object"),
                ));
            it("an instance without attributes (was a TypeError reading 'split')", () => {
                const state = fixture();
                delete state.resources.find((resource: any) => resource.type === "aws_subnet").instances[1].attributes;
                return refuse(
                    state,
                    shapeRefusal(
                        " {2}- \\$\\.resources\\[3\\]\\.instances\\[1\\] has no attributes \\(nor attributes_flat\\): the instance's values are missing",
                    ),
                );
            });
            it('"instances": [], which Terraform never writes', () =>
                refuse(
                    withVpc((vpc) => (vpc.instances = [])),
                    shapeRefusal(
                        " {2}- \\$\\.resources\\[1\\]\\.instances is empty: Terraform never writes a resource without instances",
                    ),
                ));
            it("a resource without instances, and an attribute the mapping reads of the wrong type, all at once", () =>
                refuse(
                    withVpc((vpc) => {
                        delete vpc.instances;
                        vpc.module = "network";
                    }),
                    shapeRefusal(
                        [
                            ' {2}- \\$\\.resources\\[1\\]\\.module should be a module address \\(module\\.NAME\\), but it is "network"',
                            " {2}- \\$\\.resources\\[1\\]\\.instances should be a list of instances, but it is undefined",
                        ].join("\\n"),
                    ),
                ));
            it("a subnet whose availability_zone is not a string", () => {
                const state = fixture();
                state.resources.find(
                    (resource: any) => resource.type === "aws_subnet",
                ).instances[0].attributes.availability_zone = 2;
                return refuse(
                    state,
                    shapeRefusal(
                        " {2}- \\$\\.resources\\[3\\]\\.instances\\[0\\]\\.attributes\\.availability_zone should be a string, but it is number",
                    ),
                );
            });
            it("no format version", () =>
                refuse(
                    { resources: [] },
                    /is not a Terraform state file: \$\.version should be the format version \(a number\), but it is undefined/,
                ));
            it("a module's state without --offline is refused before any AWS call", async () => {
                await refuse(
                    withVpc((vpc) => (vpc.module = "module.network")),
                    /module\.network\.aws_vpc\.main/,
                );
                assert.deepEqual(ec2.calls, []);
            });
        });

        it("an unknown resource type is listed in the report, not a crash", async () => {
            const state = fixture();
            state.resources.push({
                mode: "managed",
                type: "aws_sns_topic",
                name: "alerts",
                instances: [{ attributes: { arn: "arn:aws:sns:us-west-2:123456789012:alerts" } }],
            });
            writeFileSync(join(dir, "state.json"), JSON.stringify(state));
            assert.equal(await run(["--terraform-state", join(dir, "state.json")]), 0);
            assert.match(
                lines[1],
                /aws_sns_topic\.alerts +not known +no counterpart in this program's base \(type aws_sns_topic\)/,
            );
        });

        it("an unreadable S3 object names the bucket, the key and the missing permission", async () => {
            const s3 = new Recorder({
                GetObjectCommand: () => {
                    throw Object.assign(new Error("Access Denied"), { name: "AccessDenied" });
                },
            });
            await assert.rejects(
                run(["--terraform-state", "s3://acme-terraform-state/env:/base-dev/terraform.tfstate"], { s3 }),
                {
                    message:
                        "cannot read the Terraform state in bucket acme-terraform-state, key env:/base-dev/terraform.tfstate: access denied: the caller needs s3:GetObject on arn:aws:s3:::acme-terraform-state/env:/base-dev/terraform.tfstate",
                },
            );
            assert.deepEqual(s3.calls, [
                ["GetObjectCommand", { Bucket: "acme-terraform-state", Key: "env:/base-dev/terraform.tfstate" }],
            ]);
        });
    });
});
