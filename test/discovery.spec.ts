import { strict as assert } from "assert";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { stackConfig } from "../offline/evaluate";
import { SERVICE_NAMES } from "../shared/services";
import { failureOf, single, TYPES } from "./helpers";

const BASE_STACK = "organization/durable-code/base-dev";
const contractFilters = (markers: Record<string, string>) =>
    Object.entries({ Project: "durable-code", Environment: "dev", Layer: "base", ManagedBy: "pulumi", ...markers }).map(
        ([key, value]) => ({ name: `tag:${key}`, values: [value] }),
    );

/**
 * Dev's committed layout (the HTTP API, asleep at rest) finds base through the StackReference only:
 * what base publishes is tested here with dev's files set explicitly to the load balancer and a NAT
 * gateway, the layout every discovery mode serves ("" unsets a key).
 */
const ALB_BASE = { frontDoor: "alb" };
const ALB_RUNTIME = { frontDoor: "alb", egress: "nat-single", wakeOnRequest: "" };

describe("runtime finds base", () => {
    let base: Evaluation;
    let baseWithDomain: Evaluation;
    let baseAwaitingDelegation: Evaluation;
    before(async () => {
        base = await evaluateStack("base-dev", stackConfig("base-dev", ALB_BASE), fakeCloud());
        baseWithDomain = await evaluateStack(
            "base-dev",
            stackConfig("base-dev", { ...ALB_BASE, domain: "example.com", dnsDelegated: "true" }),
            fakeCloud(),
        );
        baseAwaitingDelegation = await evaluateStack(
            "base-dev",
            stackConfig("base-dev", { ...ALB_BASE, domain: "example.com" }),
            fakeCloud(),
        );
    });
    const runtime = (settings: Record<string, string>, stacks: Record<string, Record<string, unknown>>, from = base) =>
        evaluateStack(
            "runtime-dev",
            stackConfig("runtime-dev", { ...ALB_RUNTIME, ...settings }),
            fakeCloud({ base: from, stacks }),
        );

    describe("through a StackReference (the default)", () => {
        it("references organization/durable-code/base-<env> and makes no lookups", async () => {
            const evaluation = await runtime({}, { [BASE_STACK]: base.outputs });
            assert.equal(single(evaluation, TYPES.stackReference).inputs.name, BASE_STACK);
            assert.deepEqual(evaluation.invokes, []);
            assert.deepEqual(evaluation.outputs.baseLookups, []);
        });

        it("references the configured baseStack instead, for a differently named backend", async () => {
            const evaluation = await runtime(
                { baseStack: "acme/durable-code/base-dev" },
                { "acme/durable-code/base-dev": base.outputs },
            );
            assert.equal(single(evaluation, TYPES.stackReference).inputs.name, "acme/durable-code/base-dev");
        });

        it("looks up, by the contract's tags, only the outputs an older base does not publish", async () => {
            const { vpcId, vpcCidr, servicesSecurityGroupId, privateRouteTableIds, ...older } = base.outputs;
            const evaluation = await runtime({}, { [BASE_STACK]: older });
            assert.deepEqual(evaluation.invokes, [
                { token: "aws:ec2/getVpc:getVpc", inputs: { filters: contractFilters({ Role: "vpc" }) } },
                { token: "aws:ec2/getRouteTable:getRouteTable", inputs: { subnetId: "subnet-network-private-0" } },
                { token: "aws:ec2/getRouteTable:getRouteTable", inputs: { subnetId: "subnet-network-private-1" } },
                {
                    token: "aws:ec2/getSecurityGroup:getSecurityGroup",
                    inputs: { filters: contractFilters({ Role: "services" }) },
                },
            ]);
            assert.deepEqual(evaluation.outputs.baseLookups, [
                "vpcId",
                "vpcCidr",
                "privateRouteTableIds",
                "servicesSecurityGroupId",
            ]);
            const targetGroup = evaluation.resources.find((resource) => resource.type === TYPES.targetGroup)!;
            assert.equal(targetGroup.inputs.vpcId, vpcId);
            const service = evaluation.resources.find((resource) => resource.type === TYPES.service)!;
            assert.deepEqual(service.inputs.networkConfiguration.securityGroups, [servicesSecurityGroupId]);
        });

        describe("a zone that is not delegated yet (its names do not resolve: ENOTFOUND)", () => {
            let awaiting: Evaluation;
            before(async () => {
                awaiting = await runtime({}, { [BASE_STACK]: baseAwaitingDelegation.outputs }, baseAwaitingDelegation);
            });

            it("base says so in its outputs", () => {
                assert.deepEqual(
                    [
                        baseAwaitingDelegation.outputs.zoneDelegated,
                        baseWithDomain.outputs.zoneDelegated,
                        base.outputs.zoneDelegated,
                    ],
                    [false, true, false],
                );
            });

            it("gives the load balancer's own name as url, which every health check uses, over HTTP", () => {
                assert.equal(awaiting.outputs.url, `http://${awaiting.outputs.loadBalancerDnsName}`);
            });

            it("says why in an output, and what to do", () => {
                assert.equal(
                    awaiting.outputs.urlNote,
                    'url is the load balancer\'s own name: dev.example.com is not delegated yet, so its names do not resolve. Delegate it to "pulumi stack output nameServers -s base-dev", ' +
                        'run "pulumi config set dnsDelegated true -s base-dev", "pulumi up -s base-dev", then "pulumi up -s runtime-dev"',
                );
            });

            it("still writes the records into the zone, so they answer once it is delegated", () => {
                assert.deepEqual(
                    awaiting.resources
                        .filter((resource) => resource.type === TYPES.record)
                        .map((record) => record.inputs.name),
                    ["dev.example.com", "www.dev.example.com", "api.dev.example.com"],
                );
            });

            it("gives the zone's name, and no note, once base says the zone is delegated", async () => {
                const delegated = await runtime({}, { [BASE_STACK]: baseWithDomain.outputs }, baseWithDomain);
                assert.deepEqual(
                    [delegated.outputs.url, delegated.outputs.urlNote],
                    ["https://dev.example.com", undefined],
                );
            });

            it("an older base without the output counts as delegated once its certificate is issued", async () => {
                const { zoneDelegated, ...older } = baseWithDomain.outputs;
                const evaluation = await runtime({}, { [BASE_STACK]: older }, baseWithDomain);
                assert.deepEqual(
                    [zoneDelegated, evaluation.outputs.baseLookups, evaluation.outputs.url],
                    [true, ["zoneDelegated"], "https://dev.example.com"],
                );
            });
        });

        it("refuses a base that publishes a newer contract", async () => {
            const failure = await failureOf(runtime({}, { [BASE_STACK]: { ...base.outputs, contractVersion: 5 } }));
            assert.equal(
                failure.message,
                `runtime-dev: base stack "${BASE_STACK}" publishes contract version 5, this program reads version 4; update this checkout (git pull) before deploying runtime`,
            );
            assert.deepEqual(
                failure.resources.map((resource) => resource.type),
                [TYPES.stackReference],
            );
        });

        it("refuses a base stack of another environment", async () => {
            const failure = await failureOf(
                runtime(
                    { baseStack: "organization/durable-code/base-prod" },
                    { "organization/durable-code/base-prod": { ...base.outputs, environment: "prod" } },
                ),
            );
            assert.equal(
                failure.message,
                `runtime-dev: base stack "organization/durable-code/base-prod" belongs to environment "prod", not "dev"; fix baseStack in Pulumi.runtime-dev.yaml`,
            );
        });

        it("refuses hostnames base's certificate (domain and *.domain) cannot cover, before any runtime resource", async () => {
            const failure = await failureOf(
                runtime(
                    { appHostname: "app.example.org", apiHostname: "v1.api.dev.example.com" },
                    { [BASE_STACK]: baseWithDomain.outputs },
                    baseWithDomain,
                ),
            );
            assert.equal(
                failure.message,
                "runtime-dev: 2 problems in the configuration:\n" +
                    "  - durable-code:appHostname app.example.org is outside dev.example.com, so the certificate cannot cover it; change it in Pulumi.runtime-dev.yaml\n" +
                    "  - durable-code:apiHostname v1.api.dev.example.com is more than one label below dev.example.com; the certificate's *.dev.example.com does not cover it; change it in Pulumi.runtime-dev.yaml",
            );
            assert.deepEqual(
                failure.resources.map((resource) => resource.type),
                [TYPES.stackReference],
            );
        });

        describe("front door: both layers name the same one", () => {
            let baseHttpApi: Evaluation;
            before(async () => {
                baseHttpApi = await evaluateStack(
                    "base-dev",
                    stackConfig("base-dev", { frontDoor: "http-api" }),
                    fakeCloud(),
                );
            });

            it("finds an older base's access log group by its name, and stops naming it when base has none yet", async () => {
                const { apiAccessLogGroupArn, ...older } = baseHttpApi.outputs;
                const evaluation = await runtime({ frontDoor: "http-api" }, { [BASE_STACK]: older }, baseHttpApi);
                assert.deepEqual(
                    [
                        evaluation.outputs.baseLookups,
                        single(evaluation, "aws:apigatewayv2/stage:Stage").inputs.accessLogSettings.destinationArn,
                    ],
                    [["apiAccessLogGroupArn"], apiAccessLogGroupArn],
                );
                const failure = await failureOf(runtime({ frontDoor: "http-api" }, { [BASE_STACK]: older }, base));
                assert.match(
                    failure.message,
                    /^runtime-dev: no log group \/aws\/vendedlogs\/apigateway\/durable-code-dev\/access in us-west-2 for base-dev .*run "pulumi up -s base-dev" first/,
                );
            });

            it("refuses runtime http-api on a base without the VPC link and namespace, before any runtime resource", async () => {
                const failure = await failureOf(runtime({ frontDoor: "http-api" }, { [BASE_STACK]: base.outputs }));
                assert.equal(
                    failure.message,
                    `runtime-dev: durable-code:frontDoor http-api needs the VPC link and Cloud Map namespace base holds for it, and base stack "${BASE_STACK}" publishes none; ` +
                        'set durable-code:frontDoor http-api in Pulumi.base-dev.yaml and run "pulumi up -s base-dev" first',
                );
                assert.deepEqual(
                    failure.resources.map((resource) => resource.type),
                    [TYPES.stackReference],
                );
            });

            it("refuses runtime alb on a base whose tasks take traffic only from the VPC link", async () => {
                const failure = await failureOf(runtime({}, { [BASE_STACK]: baseHttpApi.outputs }, baseHttpApi));
                assert.equal(
                    failure.message,
                    `runtime-dev: base stack "${BASE_STACK}" serves front door http-api (it publishes a VPC link, and its tasks take traffic only from it), but durable-code:frontDoor is alb; ` +
                        "set frontDoor to the same value in Pulumi.runtime-dev.yaml and Pulumi.base-dev.yaml",
                );
            });

            it("looks the namespace up by name where an older base does not publish it; the VPC link has no lookup", async () => {
                const { serviceDiscoveryNamespaceId, ...withoutNamespace } = baseHttpApi.outputs;
                const evaluation = await runtime(
                    { frontDoor: "http-api" },
                    { [BASE_STACK]: withoutNamespace },
                    baseHttpApi,
                );
                assert.deepEqual(evaluation.invokes, [
                    {
                        token: "aws:servicediscovery/getDnsNamespace:getDnsNamespace",
                        inputs: { name: "durable-code-dev.internal", type: "DNS_PRIVATE" },
                    },
                ]);
                assert.deepEqual(evaluation.outputs.baseLookups, ["serviceDiscoveryNamespaceId"]);
                assert.equal(serviceDiscoveryNamespaceId, "privateDnsNamespace-front-door-namespace");

                const { vpcLinkId, ...withoutLink } = baseHttpApi.outputs;
                const failure = await failureOf(
                    runtime({ frontDoor: "http-api" }, { [BASE_STACK]: withoutLink }, baseHttpApi),
                );
                assert.equal(
                    failure.message,
                    `runtime-dev: durable-code:frontDoor http-api needs base-dev's VPC link, which only base's outputs carry; set durable-code:frontDoor http-api in Pulumi.base-dev.yaml and run "pulumi up -s base-dev"`,
                );
                assert.equal(vpcLinkId, "vpcLink-front-door-vpc-link");
            });
        });

        it("fails as the engine does when the base stack does not exist, before creating anything", async () => {
            const failure = await failureOf(runtime({}, {}));
            assert.match(failure.message, /unknown stack "organization\/durable-code\/base-dev"/);
            assert.deepEqual(failure.resources, []);
        });
    });

    describe("with discovery: tags", () => {
        it("makes no StackReference and sends exactly the contract's filters and names", async () => {
            const evaluation = await runtime({ discovery: "tags" }, {});
            assert.deepEqual(
                evaluation.resources.filter((resource) => resource.type === TYPES.stackReference),
                [],
            );
            assert.deepEqual(evaluation.invokes, [
                { token: "aws:ec2/getVpc:getVpc", inputs: { filters: contractFilters({ Role: "vpc" }) } },
                { token: "aws:ec2/getSubnets:getSubnets", inputs: { filters: contractFilters({ Tier: "public" }) } },
                { token: "aws:ec2/getSubnet:getSubnet", inputs: { id: "subnet-network-public-0" } },
                { token: "aws:ec2/getSubnet:getSubnet", inputs: { id: "subnet-network-public-1" } },
                { token: "aws:ec2/getSubnets:getSubnets", inputs: { filters: contractFilters({ Tier: "private" }) } },
                { token: "aws:ec2/getSubnet:getSubnet", inputs: { id: "subnet-network-private-0" } },
                { token: "aws:ec2/getSubnet:getSubnet", inputs: { id: "subnet-network-private-1" } },
                { token: "aws:ec2/getRouteTable:getRouteTable", inputs: { subnetId: "subnet-network-private-0" } },
                { token: "aws:ec2/getRouteTable:getRouteTable", inputs: { subnetId: "subnet-network-private-1" } },
                {
                    token: "aws:ec2/getSecurityGroup:getSecurityGroup",
                    inputs: { filters: contractFilters({ Role: "load-balancer" }) },
                },
                {
                    token: "aws:ec2/getSecurityGroup:getSecurityGroup",
                    inputs: { filters: contractFilters({ Role: "services" }) },
                },
                {
                    token: "aws:ec2/getSecurityGroup:getSecurityGroup",
                    inputs: { filters: contractFilters({ Role: "nat-instance" }) },
                },
                ...SERVICE_NAMES.map((service) => ({
                    token: "aws:ecr/getRepository:getRepository",
                    inputs: { name: `durable-code-dev-${service}` },
                })),
                ...SERVICE_NAMES.map((service) => ({
                    token: "aws:cloudwatch/getLogGroup:getLogGroup",
                    inputs: { name: `/ecs/durable-code-dev/${service}` },
                })),
                { token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {} },
                {
                    token: "aws:iam/getPolicy:getPolicy",
                    inputs: { arn: "arn:aws:iam::123456789012:policy/durable-code-dev-boundary" },
                },
            ]);
        });

        it("reads the permissions boundary by its ARN, and stops naming the right when IAM refuses the read", async () => {
            const failure = await failureOf(
                evaluateStack(
                    "runtime-dev",
                    stackConfig("runtime-dev", { ...ALB_RUNTIME, discovery: "tags" }),
                    fakeCloud({ base, iamDenied: true }),
                ),
            );
            assert.equal(
                failure.message,
                "runtime-dev: cannot read the permissions boundary arn:aws:iam::123456789012:policy/durable-code-dev-boundary " +
                    "(reading IAM Policy (arn:aws:iam::123456789012:policy/durable-code-dev-boundary): operation error IAM: GetPolicy, https response error StatusCode: 403, api error AccessDenied: not authorized to perform: iam:GetPolicy); " +
                    "runtime's roles need it: allow iam:GetPolicy and iam:GetPolicyVersion on it (base-dev's deploy role has both after \"pulumi up -s base-dev\")",
            );
            assert.deepEqual(
                failure.resources.filter((resource) => resource.type === TYPES.role),
                [],
            );
        });

        it("finds the same base values the StackReference gives", async () => {
            const byTags = await runtime({ discovery: "tags" }, {});
            const byStack = await runtime({}, { [BASE_STACK]: base.outputs });
            const inputsOf = (evaluation: Evaluation) =>
                evaluation.resources
                    .filter((resource) => resource.type.startsWith("aws:"))
                    .map((resource) => [resource.name, resource.inputs]);
            assert.deepEqual(inputsOf(byTags), inputsOf(byStack));
        });

        it("keeps zones paired: each private route table goes to the NAT gateway in its own zone", async () => {
            // Zones in reverse order make the subnets' ids and their zones sort differently.
            const reversed = await evaluateStack(
                "base-prod",
                stackConfig("base-prod"),
                fakeCloud({ availabilityZones: ["us-west-2c", "us-west-2b", "us-west-2a"] }),
            );
            const evaluation = await evaluateStack(
                "runtime-prod",
                // With tags, runtime reads the domain from its own file: prod's is base-prod's (HTTPS only).
                stackConfig("runtime-prod", { discovery: "tags", domain: "example.com" }),
                fakeCloud({ base: reversed }),
            );
            const zoneOfSubnet = (id: string) =>
                reversed.resources.find((resource) => resource.id === id)!.inputs.availabilityZone;
            const zoneOfTable = (id: string) =>
                zoneOfSubnet(
                    reversed.resources.find(
                        (resource) =>
                            resource.type === "aws:ec2/routeTableAssociation:RouteTableAssociation" &&
                            resource.inputs.routeTableId === id,
                    )!.inputs.subnetId,
                );
            const natSubnet = (natId: string) =>
                evaluation.resources.find((resource) => resource.id === natId)!.inputs.subnetId;
            const routes = evaluation.resources.filter((resource) => resource.type === TYPES.route);
            assert.equal(routes.length, 3);
            for (const route of routes)
                assert.equal(
                    zoneOfTable(route.inputs.routeTableId),
                    zoneOfSubnet(natSubnet(route.inputs.natGatewayId)),
                );
        });

        it("finds the environment's zone (dev.example.com) and an issued certificate by the configured domain", async () => {
            const evaluation = await runtime({ discovery: "tags", domain: "example.com" }, {}, baseWithDomain);
            assert.deepEqual(
                evaluation.invokes.filter((invoke) => /getZone|getCertificate/.test(invoke.token)),
                [
                    { token: "aws:route53/getZone:getZone", inputs: { name: "dev.example.com", privateZone: false } },
                    {
                        token: "aws:acm/getCertificate:getCertificate",
                        inputs: { domain: "dev.example.com", statuses: ["ISSUED"], mostRecent: true },
                    },
                ],
            );
            assert.equal(evaluation.outputs.url, "https://dev.example.com");
        });

        it("serves HTTP on the load balancer's own name while the zone awaits delegation (no issued certificate yet)", async () => {
            const evaluation = await runtime({ discovery: "tags", domain: "example.com" }, {}, baseAwaitingDelegation);
            assert.equal(evaluation.outputs.url, `http://${evaluation.outputs.loadBalancerDnsName}`);
            assert.ok(evaluation.outputs.baseLookups.includes("zoneDelegated"));
        });

        it("refuses a zone name several hosted zones share, and says to set zoneId", async () => {
            const failure = await failureOf(
                evaluateStack(
                    "runtime-dev",
                    stackConfig("runtime-dev", { ...ALB_RUNTIME, discovery: "tags", domain: "example.com" }),
                    fakeCloud({
                        base: baseWithDomain,
                        extraZones: baseWithDomain.resources.filter((resource) => resource.type === TYPES.zone),
                    }),
                ),
            );
            assert.equal(
                failure.message,
                'runtime-dev: several public hosted zones are named dev.example.com; set durable-code:zoneId in Pulumi.runtime-dev.yaml to the one base-dev uses ("pulumi stack output zoneId -s base-dev" or "aws route53 list-hosted-zones-by-name --dns-name dev.example.com")',
            );
        });

        it("uses zoneId from the config without looking the zone up by name", async () => {
            const evaluation = await runtime(
                { discovery: "tags", domain: "example.com", zoneId: "Z0MOCKZONE0001" },
                {},
                baseWithDomain,
            );
            assert.ok(!evaluation.invokes.some((invoke) => invoke.token === "aws:route53/getZone:getZone"));
        });

        it("says what to run when base is not there", async () => {
            const failure = await failureOf(
                evaluateStack(
                    "runtime-dev",
                    stackConfig("runtime-dev", { ...ALB_RUNTIME, discovery: "tags" }),
                    fakeCloud(),
                ),
            );
            assert.equal(
                failure.message,
                'runtime-dev: no VPC tagged Project=durable-code, Environment=dev, Layer=base, ManagedBy=pulumi, Role=vpc in us-west-2 for base-dev (no matching EC2 VPC found); run "pulumi up -s base-dev" first, or check aws:region and the base\'s tags',
            );
            assert.deepEqual(failure.resources, []);
        });
    });
});
