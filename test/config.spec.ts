import { strict as assert } from "assert";
import { loadConfig } from "../shared/config/load";
import { BaseConfig, RuntimeConfig, StackConfig } from "../shared/config/types";
import { ENVIRONMENTS } from "../shared/environments";
import { imageTagKey, SERVICE_NAMES } from "../shared/services";
import { parseStackName } from "../shared/stack-name";
import { ConfigError } from "../shared/errors";
import { stackConfig } from "../offline/evaluate";

const context = { project: "durable-code", organization: "organization" };
const load = (stack: string, settings: Record<string, string> = {}): StackConfig =>
    loadConfig(parseStackName(stack), stackConfig(stack, settings), context);
const runtime = (stack: string, settings: Record<string, string> = {}) => load(stack, settings) as RuntimeConfig;

describe("configuration", () => {
    describe("defaults per environment", () => {
        it("sizes tasks dev 256/512 x1, staging 512/1024 x2, prod 1024/2048 x3", () => {
            const sizes = (["dev", "staging", "prod"] as const).map((env) => {
                const config = runtime(`runtime-${env}`);
                return [config.taskCpu, config.taskMemory, config.desiredCount];
            });
            assert.deepEqual(sizes, [
                [256, 512, 1],
                [512, 1024, 2],
                [1024, 2048, 3],
            ]);
        });

        it("keeps logs 7, 14 and 30 days (base owns the log groups)", () => {
            assert.deepEqual(
                ["dev", "staging", "prod"].map((env) => (load(`base-${env}`) as BaseConfig).logRetentionDays),
                [7, 14, 30],
            );
        });

        it("wakeOnRequest: off unless set; on in dev's committed file, asleep after 30 idle minutes unless idleMinutes says otherwise", () => {
            const wake = { frontDoor: "http-api", egress: "public-ip", wakeOnRequest: "true" };
            assert.deepEqual(
                [
                    runtime("runtime-staging").wakeOnRequest,
                    runtime("runtime-staging", wake).wakeOnRequest,
                    runtime("runtime-dev").wakeOnRequest,
                    runtime("runtime-dev", { idleMinutes: "90" }).wakeOnRequest,
                    runtime("runtime-dev", { wakeOnRequest: "false" }).wakeOnRequest,
                ],
                [undefined, { idleMinutes: 30 }, { idleMinutes: 30 }, { idleMinutes: 90 }, undefined],
            );
        });

        it("gives dev's tasks public addresses (asleep at rest, no NAT), staging one NAT, prod one per zone", () => {
            assert.deepEqual(
                ["dev", "staging", "prod"].map((env) => runtime(`runtime-${env}`).egress),
                ["public-ip", "nat-single", "nat-per-az"],
            );
        });

        it("runs dev on Spot only", () => {
            assert.deepEqual(
                ["dev", "staging", "prod"].map((env) => runtime(`runtime-${env}`).spot),
                [true, false, false],
            );
        });

        it("protects stateful resources in prod only", () => {
            assert.deepEqual(
                ["dev", "staging", "prod"].map((env) => load(`base-${env}`).protect),
                [false, false, true],
            );
        });

        it("gives base a 10.0.0.0/16 VPC over two zones unless told otherwise", () => {
            const config = load("base-dev") as BaseConfig;
            assert.equal(config.vpcCidr, "10.0.0.0/16");
            assert.equal(config.azCount, ENVIRONMENTS.dev.azCount);
        });

        it("finds base through the StackReference organization/durable-code/base-<env>", () => {
            const config = runtime("runtime-staging");
            assert.equal(config.discovery, "stack");
            assert.equal(config.baseStack, "organization/durable-code/base-staging");
        });
    });

    describe("overrides", () => {
        it("take every documented key", () => {
            const config = runtime("runtime-dev", {
                egress: "public-ip",
                wakeOnRequest: "false",
                taskCpu: "512",
                taskMemory: "2048",
                desiredCount: "2",
                minCount: "1",
                maxCount: "4",
                spot: "false",
                enableExec: "false",
                cpuArchitecture: "ARM64",
                discovery: "tags",
                extraTags: '{"CostCenter": "web"}',
            });
            assert.deepEqual([config.egress, config.wakeOnRequest], ["public-ip", undefined]);
            assert.deepEqual(
                [config.taskCpu, config.taskMemory, config.desiredCount, config.minCount, config.maxCount],
                [512, 2048, 2, 1, 4],
            );
            assert.deepEqual([config.spot, config.enableExec, config.cpuArchitecture], [false, false, "ARM64"]);
            assert.equal(config.discovery, "tags");
            assert.deepEqual(config.extraTags, { CostCenter: "web" });
        });
    });

    describe("bad input", () => {
        const fix = (stack: string) => `change it in Pulumi.${stack}.yaml`;
        const cases: Array<[string, Record<string, string>, string]> = [
            [
                "base-dev",
                { azCount: "7" },
                `durable-code:azCount must be a whole number from 2 to 6 (an application load balancer needs subnets in at least two zones) (got "7"); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { azCount: "two" },
                `durable-code:azCount must be a whole number from 2 to 6 (an application load balancer needs subnets in at least two zones) (got "two"); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { azCount: "1" },
                `durable-code:azCount must be a whole number from 2 to 6 (an application load balancer needs subnets in at least two zones) (got "1"); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { vpcCidr: "10.0.0.0/24" },
                `durable-code:vpcCidr 10.0.0.0/24 gives /28 subnets; a load balancer needs subnets of at least /27, so use a VPC of /23 or larger; ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { vpcCidr: "999.0.0.0/99" },
                `durable-code:vpcCidr must be an IPv4 CIDR block from /16 to /23 such as 10.0.0.0/16 (got "999.0.0.0/99"); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { subnetCidrs: '{"public": ["10.0.0.0/24", "10.0.1.0/24"], "private": ["10.0.2.0/24"]}' },
                `durable-code:subnetCidrs has 1 private subnets but azCount is 2; give one per zone; ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                {
                    subnetCidrs:
                        '{"public": ["10.0.0.0/24", "10.0.0.128/25"], "private": ["10.0.2.0/28", "10.1.3.0/24"]}',
                },
                `3 problems in the configuration:\n  - durable-code:subnetCidrs 10.0.2.0/28 is smaller than /27, a load balancer's minimum subnet; ${fix("base-dev")}\n  - durable-code:subnetCidrs 10.1.3.0/24 is outside the VPC 10.0.0.0/16; ${fix("base-dev")}\n  - durable-code:subnetCidrs 10.0.0.0/24 overlaps 10.0.0.128/25; ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { subnetCidrs: '{"public": ["10.0.0.0/24"]}' },
                `durable-code:subnetCidrs must have exactly the keys public and private, such as {"public": ["10.0.0.0/24", "10.0.1.0/24"], "private": ["10.0.2.0/24", "10.0.3.0/24"]} (got public); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                // Every declared service named, the front end's name invalid.
                {
                    repositoryNames: JSON.stringify({
                        ...Object.fromEntries(SERVICE_NAMES.map((service) => [service, `acme-${service}`])),
                        frontend: "Acme_FE",
                    }),
                },
                `durable-code:repositoryNames.frontend must be an ECR repository name (lower-case letters and digits separated by single . _ or -) (got "Acme_FE"); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { zoneName: "example.com" },
                "durable-code:zoneName is set without durable-code:domain; set the domain the zone serves",
            ],
            // ACM validates each name through a record under it (ACM user guide, "DNS validation"); base writes into its own zone only.
            [
                "base-dev",
                { domain: "example.com", certificateAlternativeNames: '["*.example.com", "api-dev.example.com"]' },
                `2 problems in the configuration:\n  - durable-code:certificateAlternativeNames "*.example.com" is outside the zone dev.example.com, so base cannot write its validation record; use dev.example.com or a name under it; ${fix("base-dev")}\n  - durable-code:certificateAlternativeNames "api-dev.example.com" is outside the zone dev.example.com, so base cannot write its validation record; use dev.example.com or a name under it; ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                {
                    domain: "example.com",
                    certificateAlternativeNames:
                        '["*.dev.example.com", "dev.example.com", "api.v2.dev.example.com", "notdev.example.com"]',
                },
                `durable-code:certificateAlternativeNames "notdev.example.com" is outside the zone dev.example.com, so base cannot write its validation record; use dev.example.com or a name under it; ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { domain: "example.com", certificateAlternativeNames: '"*.example.com"' },
                `durable-code:certificateAlternativeNames must be a list such as ["*.dev.example.com", "api.dev.example.com"] (got "*.example.com"); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { "aws:region": "us-westt-2" },
                'aws:region "us-westt-2" is not an AWS region (did you mean us-west-2?); change it in Pulumi.base-dev.yaml',
            ],
            [
                "base-dev",
                { "aws:region": "Oregon" },
                'aws:region "Oregon" is not a region name (such as us-west-2); change it in Pulumi.base-dev.yaml',
            ],
            [
                "base-dev",
                { "aws:region": "us-west-9" },
                'aws:region "us-west-9" is not an AWS region (did you mean us-west-1?); change it in Pulumi.base-dev.yaml',
            ],
            [
                "base-dev",
                { "aws:regoin": "us-west-2" },
                'unknown AWS provider key "aws:regoin"; did you mean aws:region?',
            ],
            [
                "base-dev",
                { "durable_code:azCount": "2" },
                '"durable_code:azCount" is in namespace "durable_code", which nothing reads; did you mean durable-code:azCount?',
            ],
            [
                "base-dev",
                { "acme:thing": "2" },
                '"acme:thing" is in namespace "acme", which nothing reads; this project reads durable-code: and aws: keys',
            ],
            [
                "runtime-dev",
                { cpuArchitecture: "ARM64" },
                `durable-code:cpuArchitecture ARM64 with durable-code:spot true: Fargate Spot runs X86_64 tasks only; set spot to false or cpuArchitecture to X86_64; ${fix("runtime-dev")}`,
            ],
            [
                "runtime-dev",
                { domain: "example.com" },
                "durable-code:domain in a runtime stack is read only with durable-code:discovery tags; with discovery stack the domain comes from base, so remove it from Pulumi.runtime-dev.yaml (or set it in Pulumi.base-dev.yaml)",
            ],
            [
                "runtime-dev",
                { discovery: "tags", domain: "example.com", apiHostname: "a.b.dev.example.com" },
                `durable-code:apiHostname a.b.dev.example.com is more than one label below dev.example.com; the certificate's *.dev.example.com does not cover it; ${fix("runtime-dev")}`,
            ],
            [
                "base-dev",
                { vpcCidr: "10.0.0.0/8" },
                `durable-code:vpcCidr must be an IPv4 CIDR block from /16 to /23 such as 10.0.0.0/16 (got "10.0.0.0/8"); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { vpcCidr: "10.0.0.0/25" },
                `durable-code:vpcCidr must be an IPv4 CIDR block from /16 to /23 such as 10.0.0.0/16 (got "10.0.0.0/25"); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { vpcCidr: "10.0.1.0/16" },
                `durable-code:vpcCidr 10.0.1.0/16 has host bits set; the network address for /16 is 10.0.0.0/16; ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { domain: "Example.COM" },
                `durable-code:domain must be a lower-case DNS name such as example.com (got "Example.COM"); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { zoneId: "Z123ABC" },
                "durable-code:zoneId is set without durable-code:domain; set the domain the zone serves",
            ],
            [
                "base-dev",
                { extraTags: '{"Environment": "Development"}' },
                `durable-code:extraTags may not set "Environment": it is part of the tag contract (Project, Environment, Layer, ManagedBy, Review, Role, Tier, Name); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { extraTags: "[1]" },
                `durable-code:extraTags must be a map of strings, e.g. {"CostCenter": "web"} (got [1]); ${fix("base-dev")}`,
            ],
            [
                "base-dev",
                { egress: "nat-single" },
                `"durable-code:egress" is read by the runtime layer only; move it to Pulumi.runtime-dev.yaml`,
            ],
            [
                "runtime-dev",
                { vpcCidr: "10.1.0.0/16" },
                `"durable-code:vpcCidr" is read by the base layer only; move it to Pulumi.base-dev.yaml`,
            ],
            [
                "runtime-dev",
                { egres: "nat-single" },
                `unknown config key "durable-code:egres"; did you mean durable-code:egress?; known keys: domain, zoneId, zoneName, extraTags, protect, egress, frontDoor, natInstanceType, wakeOnRequest, idleMinutes, imageTag, ${SERVICE_NAMES.map(imageTagKey).join(", ")}, taskCpu, taskMemory, cpuArchitecture, desiredCount, minCount, maxCount, cpuTargetPercent, spot, containerInsights, enableExec, discovery, baseStack, appHostname, apiHostname, accessLogsBucket`,
            ],
            [
                "runtime-staging",
                { egress: "nat" },
                `durable-code:egress must be one of nat-per-az, nat-single, nat-instance, public-ip (got "nat"); ${fix("runtime-staging")}`,
            ],
            [
                "runtime-dev",
                { taskMemory: "4096" },
                `taskMemory 4096 does not fit taskCpu 256; Fargate allows 512, 1024, 2048; ${fix("runtime-dev")}`,
            ],
            [
                "runtime-dev",
                { taskCpu: "300" },
                `taskCpu 300 is not a Fargate size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384; ${fix("runtime-dev")}`,
            ],
            [
                "runtime-staging",
                { minCount: "3" },
                `counts must satisfy minCount <= desiredCount <= maxCount (got 3 <= 2 <= 4); ${fix("runtime-staging")}`,
            ],
            [
                "base-dev",
                { logRetentionDays: "10" },
                `durable-code:logRetentionDays must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (got "10"); ${fix("base-dev")}`,
            ],
            [
                "runtime-dev",
                { logRetentionDays: "14" },
                `"durable-code:logRetentionDays" is read by the base layer only; move it to Pulumi.base-dev.yaml`,
            ],
            [
                "base-dev",
                { parentZoneId: "Z0PARENT" },
                "durable-code:parentZoneId is set without durable-code:domain; set the domain the zone serves",
            ],
            [
                "base-dev",
                { domain: "example.com", zoneId: "Z0ZONE", parentZoneId: "Z0PARENT" },
                `durable-code:parentZoneId and durable-code:zoneId are both set: an existing zone's delegation is already yours; remove parentZoneId; ${fix("base-dev")}`,
            ],
            [
                "base-prod",
                { domain: "example.com", parentZoneId: "Z0PARENT" },
                `durable-code:parentZoneId: base-prod's zone is the apex example.com, which only its registrar can delegate; remove parentZoneId and set the registrar's name servers to base's nameServers output; ${fix("base-prod")}`,
            ],
            [
                "base-prod",
                { accessLogs: "false", accessLogsBucket: "acme-alb-logs" },
                `durable-code:accessLogsBucket is set but durable-code:accessLogs is false; remove one of them; ${fix("base-prod")}`,
            ],
            [
                "runtime-dev",
                { spot: "yes" },
                `durable-code:spot must be true or false (got "yes"); ${fix("runtime-dev")}`,
            ],
            [
                "runtime-dev",
                { discovery: "remote" },
                `durable-code:discovery must be one of stack, tags (got "remote"); ${fix("runtime-dev")}`,
            ],
            [
                "runtime-dev",
                { baseStack: "base-dev" },
                `durable-code:baseStack must be a full stack name <organization>/<project>/<stack> (got "base-dev"); ${fix("runtime-dev")}`,
            ],
            [
                "runtime-dev",
                { imageTag: "" },
                'durable-code:imageTag is not set: the image tag every service deploys; release one with "npm run release -- --env dev --tag v1.0.0"',
            ],
            [
                "runtime-dev",
                { imageTag: "", backendImageTag: "v1.2.0" },
                `durable-code:imageTag is not set: the image tag ${SERVICE_NAMES.filter((service) => service !== "backend").join(" and ")} deploys; release one with "npm run release -- --env dev --tag v1.0.0"`,
            ],
            [
                "runtime-dev",
                { frontendImageTag: "-bad" },
                `durable-code:frontendImageTag must be a Docker image tag such as v1.4.2 (got "-bad"); ${fix("runtime-dev")}`,
            ],
            [
                "runtime-dev",
                { imageTag: "-bad tag" },
                `durable-code:imageTag must be a Docker image tag such as v1.4.2 (got "-bad tag"); ${fix("runtime-dev")}`,
            ],
            [
                "runtime-prod",
                { egress: "nat-instance" },
                `durable-code:egress nat-instance makes one instance the only way out of prod, which is production-like; use nat-per-az or nat-single; ${fix("runtime-prod")}`,
            ],
            [
                "runtime-prod",
                { frontDoor: "http-api" },
                `durable-code:frontDoor http-api is not allowed in prod: a production-like environment keeps the load balancer (access logs, no 30-second or 10 MB limit); use alb; ${fix("runtime-prod")}`,
            ],
            [
                "base-dev",
                { frontDoor: "api-gateway" },
                `durable-code:frontDoor must be one of alb, http-api (got "api-gateway"); ${fix("base-dev")}`,
            ],
            [
                "runtime-dev",
                { natInstanceType: "nano" },
                `durable-code:natInstanceType must be an EC2 instance type such as t4g.nano (got "nano"); ${fix("runtime-dev")}`,
            ],
            [
                "runtime-staging",
                { natInstanceType: "t4g.micro" },
                `durable-code:natInstanceType is read only with durable-code:egress nat-instance, and egress is nat-single; remove natInstanceType or set egress to nat-instance; ${fix("runtime-staging")}`,
            ],
            [
                "runtime-prod",
                { egress: "public-ip" },
                `durable-code:egress public-ip gives the tasks of prod, which is production-like, public IP addresses; use nat-per-az or nat-single; ${fix("runtime-prod")}`,
            ],
            [
                "runtime-dev",
                { discovery: "tags", domain: "example.com", appHostname: "app.example.org" },
                `durable-code:appHostname app.example.org is outside dev.example.com, so the certificate cannot cover it; ${fix("runtime-dev")}`,
            ],
            [
                "runtime-prod",
                { wakeOnRequest: "true" },
                `durable-code:wakeOnRequest is not allowed in prod, a production-like environment: after each sleep its first visitors get 503 for minutes while the tasks start; remove wakeOnRequest; ${fix("runtime-prod")}`,
            ],
            [
                "runtime-dev",
                { frontDoor: "alb" },
                `durable-code:wakeOnRequest needs durable-code:frontDoor http-api (frontDoor is alb): API Gateway's request count wakes the services, and a load balancer bills by the hour while they sleep; set frontDoor http-api in Pulumi.base-dev.yaml and Pulumi.runtime-dev.yaml, or remove wakeOnRequest; ${fix("runtime-dev")}`,
            ],
            [
                "runtime-dev",
                { wakeOnRequest: "true", frontDoor: "http-api", egress: "nat-instance" },
                `durable-code:wakeOnRequest needs durable-code:egress public-ip (egress is nat-instance): a NAT gateway or instance bills by the hour while the services sleep; set egress public-ip, or remove wakeOnRequest; ${fix("runtime-dev")}`,
            ],
            [
                "runtime-dev",
                {
                    wakeOnRequest: "true",
                    frontDoor: "http-api",
                    egress: "public-ip",
                    maxCount: "3",
                    cpuTargetPercent: "50",
                },
                `durable-code:maxCount, durable-code:cpuTargetPercent are not read with durable-code:wakeOnRequest: a service sleeps at 0 tasks and wakes to desiredCount, with no CPU scaling between; remove maxCount, cpuTargetPercent; ${fix("runtime-dev")}`,
            ],
            [
                "runtime-staging",
                { idleMinutes: "45" },
                `durable-code:idleMinutes is read only with durable-code:wakeOnRequest true; remove idleMinutes or set wakeOnRequest true; ${fix("runtime-staging")}`,
            ],
            [
                "runtime-dev",
                { wakeOnRequest: "true", frontDoor: "http-api", egress: "public-ip", idleMinutes: "2" },
                `durable-code:idleMinutes must be a whole number from 5 to 1440 (the sleep alarm's one-minute periods may span a day at most) (got "2"); ${fix("runtime-dev")}`,
            ],
            [
                "base-dev",
                { "aws:region": "" },
                'aws:region is not set; run "pulumi config set aws:region us-west-2 -s base-dev"',
            ],
        ];
        for (const [stack, settings, message] of cases) {
            it(`${stack} ${JSON.stringify(settings)}`, () => {
                assert.throws(() => load(stack, settings), { name: "ConfigError", message: `${stack}: ${message}` });
            });
        }

        it("keeps Error.stack a trace (the stack name is stackName), so Node prints the message, not an object dump", () => {
            assert.throws(
                () => load("runtime-dev", { spot: "yes" }),
                (error: ConfigError) => {
                    assert.equal(error.stackName, "runtime-dev");
                    assert.match(
                        error.stack ?? "",
                        /^ConfigError: runtime-dev: durable-code:spot must be true or false/,
                    );
                    return true;
                },
            );
        });

        it("reports every problem at once, one per line", () => {
            assert.throws(
                () => load("runtime-staging", { egress: "nat", spot: "maybe", taskCpu: "300" }),
                (error: Error) => {
                    const lines = error.message.split("\n");
                    assert.equal(lines[0], "runtime-staging: 3 problems in the configuration:");
                    assert.equal(lines.length, 4);
                    assert.ok(lines.slice(1).every((line) => line.startsWith("  - ")));
                    return true;
                },
            );
        });
    });
});

describe("preflight: AWS name limits", () => {
    const longProject = { project: "durable-code-customer-portal", organization: "organization" };

    it("stops a project name that makes the load balancer name too long, saying what to shorten", () => {
        assert.throws(
            () =>
                loadConfig(
                    parseStackName("runtime-staging"),
                    { "aws:region": "us-west-2", "durable-code-customer-portal:imageTag": "v1.0.0" },
                    longProject,
                ),
            {
                message:
                    'runtime-staging: load balancer name "durable-code-customer-portal-staging" is 36 characters; AWS allows 32. Shorten the project name (name: in Pulumi.yaml, now 28 characters) or the environment name',
            },
        );
    });

    it("checks each layer's own names: base has no load balancer", () => {
        assert.equal(
            loadConfig(parseStackName("base-staging"), stackConfig("base-staging"), longProject).project,
            "durable-code-customer-portal",
        );
    });

    it("rejects characters a repository name may not have", () => {
        assert.throws(
            () =>
                loadConfig(parseStackName("base-dev"), stackConfig("base-dev"), {
                    project: "Durable_Code",
                    organization: "organization",
                }),
            {
                message:
                    /ECR repository name "Durable_Code-dev-frontend" may only contain lower-case letters and digits separated by single \. _ or -/,
            },
        );
    });
});
