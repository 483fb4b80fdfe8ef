import { strict as assert } from "assert";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { committedConfig, evaluateBase, stackConfig } from "../offline/evaluate";
import { VPC_LINK_ZONE_IDS } from "../base/zones";
import { CONTRACT_KEYS } from "../shared/contract";
import { SERVICE_NAMES, SERVICES } from "../shared/services";
import { failureOf, nonEmpty, ofType, single, TYPES } from "./helpers";

/**
 * What base declares: the guardrails every stack must pass (policy/rules.ts: nothing hourly in base,
 * log retention, ...) are policy.spec.ts's, which runs them on every stack; these are base's own.
 */
/** Each declared service's container port, in declaration order (shared/services.ts). */
const PORTS = SERVICE_NAMES.map((service) => SERVICES[service].port);

describe("base layer", () => {
    const bases: Record<string, Evaluation> = {};
    before(async () => {
        for (const env of ["dev", "staging", "prod"] as const) bases[env] = await evaluateBase(env);
        bases.withDomain = await evaluateBase("dev", { domain: "example.com" });
        bases.prodWithDomain = await evaluateBase("prod", { domain: "example.com" });
    });

    describe("network", () => {
        it("is a 10.0.0.0/16 VPC with DNS support and hostnames", () => {
            const vpc = single(bases.dev, TYPES.vpc);
            assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
            assert.equal(vpc.inputs.enableDnsSupport, true);
            assert.equal(vpc.inputs.enableDnsHostnames, true);
        });

        it("has a public and a private subnet in each of the first azCount zones", () => {
            const subnets = ofType(bases.prod, TYPES.subnet).map((subnet) => [
                subnet.inputs.tags.Tier,
                subnet.inputs.availabilityZone,
                subnet.inputs.cidrBlock,
            ]);
            assert.deepEqual(subnets, [
                ["public", "us-west-2a", "10.0.0.0/20"],
                ["private", "us-west-2a", "10.0.128.0/20"],
                ["public", "us-west-2b", "10.0.16.0/20"],
                ["private", "us-west-2b", "10.0.144.0/20"],
                ["public", "us-west-2c", "10.0.32.0/20"],
                ["private", "us-west-2c", "10.0.160.0/20"],
            ]);
        });

        it("never gives an address to whatever starts in a subnet", () => {
            assert.ok(
                nonEmpty(ofType(bases.dev, TYPES.subnet)).every(
                    (subnet) => subnet.inputs.mapPublicIpOnLaunch === false,
                ),
            );
        });

        it("routes the public subnets to the internet gateway", () => {
            single(bases.dev, TYPES.internetGateway);
            const publicTable = single(bases.dev, TYPES.routeTable, "network-public");
            assert.deepEqual(publicTable.inputs.routes, [
                { cidrBlock: "0.0.0.0/0", gatewayId: "internetGateway-network-igw" },
            ]);
        });

        it("has one private route table per zone with no default route: egress belongs to runtime", () => {
            const privateTables = ofType(bases.staging, TYPES.routeTable).filter(
                (table) => table.inputs.tags.Tier === "private",
            );
            assert.equal(privateTables.length, 2);
            assert.ok(privateTables.every((table) => (table.inputs.routes ?? []).length === 0));
            assert.deepEqual(ofType(bases.staging, TYPES.route), []);
        });

        it("fails before creating anything when the region has fewer zones than azCount", async () => {
            const failure = await failureOf(evaluateBase("dev", { azCount: "3" }, {}, ["us-west-2a", "us-west-2b"]));
            assert.equal(
                failure.message,
                'base-dev: durable-code:azCount is 3 but us-west-2 has 2 availability zones; run "pulumi config set azCount 2 -s base-dev"',
            );
            assert.deepEqual(failure.resources, []);
        });
    });

    describe("security groups", () => {
        it("keep fixed descriptions: EC2 has no API to change one, so a change replaces the group, which fails with DependencyViolation while in use", () => {
            const every = [
                ["security-groups-load-balancer", "Load balancer: HTTP and HTTPS from the internet"],
                ["security-groups-services", "ECS services: container ports from the load balancer only"],
                ["security-groups-nat-instance", "NAT instance: traffic from the VPC, out to the internet"],
            ];
            // Dev's front door is the HTTP API: its VPC link has a group of its own.
            const vpcLink = ["security-groups-vpc-link", "API Gateway VPC link: to the container ports only"];
            for (const [env, groups] of [
                ["dev", [every[0], every[1], vpcLink, every[2]]],
                ["staging", every],
                ["prod", every],
            ] as const) {
                assert.deepEqual(
                    ofType(bases[env], TYPES.securityGroup).map((group) => [group.name, group.inputs.description]),
                    groups,
                    env,
                );
            }
        });

        const rules = (evaluation: Evaluation, type: string, group: string) =>
            ofType(evaluation, type)
                .filter((rule) => rule.inputs.securityGroupId === `securityGroup-security-groups-${group}`)
                .map((rule) => ({
                    port: rule.inputs.fromPort,
                    toPort: rule.inputs.toPort,
                    cidr: rule.inputs.cidrIpv4,
                    from: rule.inputs.referencedSecurityGroupId,
                    protocol: rule.inputs.ipProtocol,
                }));

        it("open the load balancer to the internet on 80 and 443 only", () => {
            assert.deepEqual(rules(bases.dev, TYPES.ingressRule, "load-balancer"), [
                { port: 80, toPort: 80, cidr: "0.0.0.0/0", from: undefined, protocol: "tcp" },
                { port: 443, toPort: 443, cidr: "0.0.0.0/0", from: undefined, protocol: "tcp" },
            ]);
        });

        it("let the services take each service's port (3000 and 8000 as committed) from the load balancer's group and nothing else", () => {
            assert.deepEqual(
                rules(bases.staging, TYPES.ingressRule, "services"),
                PORTS.map((port) => ({
                    port,
                    toPort: port,
                    cidr: undefined,
                    from: "securityGroup-security-groups-load-balancer",
                    protocol: "tcp",
                })),
            );
        });

        it("let the load balancer reach only the container ports", () => {
            assert.deepEqual(
                rules(bases.dev, TYPES.egressRule, "load-balancer").map((rule) => [rule.port, rule.from]),
                PORTS.map((port) => [port, "securityGroup-security-groups-services"]),
            );
        });

        it("describe every rule", () => {
            const all = [...ofType(bases.dev, TYPES.ingressRule), ...ofType(bases.dev, TYPES.egressRule)];
            assert.ok(
                nonEmpty(all).every(
                    (rule) => typeof rule.inputs.description === "string" && rule.inputs.description.length > 0,
                ),
            );
        });
    });

    describe("container registries", () => {
        it("are one per service (frontend and backend as committed), immutable, scanned on push and encrypted", () => {
            const repositories = ofType(bases.dev, TYPES.repository);
            assert.deepEqual(
                repositories.map((repository) => repository.inputs.name),
                SERVICE_NAMES.map((service) => `durable-code-dev-${service}`),
            );
            for (const repository of repositories) {
                assert.equal(repository.inputs.imageTagMutability, "IMMUTABLE");
                assert.deepEqual(repository.inputs.imageScanningConfiguration, { scanOnPush: true });
                assert.deepEqual(repository.inputs.encryptionConfigurations, [{ encryptionType: "AES256" }]);
                assert.equal(repository.inputs.forceDelete, false);
            }
        });

        it("keep the 30 newest release images (v*, release*: what --rollback can go back to), untagged ones 14 days, and the 200 newest of the rest; never a tagged image by age", () => {
            const policies = ofType(bases.dev, TYPES.lifecyclePolicy).map((policy) => JSON.parse(policy.inputs.policy));
            assert.equal(policies.length, SERVICE_NAMES.length);
            for (const policy of policies) {
                assert.deepEqual(policy, {
                    rules: [
                        {
                            rulePriority: 1,
                            description: "Keep the 30 newest release images (v*, release*)",
                            selection: {
                                tagStatus: "tagged",
                                tagPrefixList: ["v", "release"],
                                countType: "imageCountMoreThan",
                                countNumber: 30,
                            },
                            action: { type: "expire" },
                        },
                        {
                            rulePriority: 2,
                            description: "Expire untagged images after 14 days; no deployment refers to them",
                            selection: {
                                tagStatus: "untagged",
                                countType: "sinceImagePushed",
                                countUnit: "days",
                                countNumber: 14,
                            },
                            action: { type: "expire" },
                        },
                        {
                            rulePriority: 3,
                            description: "Keep the 200 newest of all other images",
                            selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 200 },
                            action: { type: "expire" },
                        },
                    ],
                });
            }
        });
    });

    describe("DNS", () => {
        it("has no zone or certificate without a domain", () => {
            assert.deepEqual([...ofType(bases.dev, TYPES.zone), ...ofType(bases.dev, TYPES.certificate)], []);
            assert.deepEqual(
                [bases.dev.outputs.domain, bases.dev.outputs.zoneId, bases.dev.outputs.certificateArn],
                ["", "", ""],
            );
        });

        it("gives each environment a zone of its own, dev.example.com, so environments sharing a domain never create two zones of one name", () => {
            assert.equal(single(bases.withDomain, TYPES.zone).inputs.name, "dev.example.com");
            assert.equal(bases.withDomain.outputs.domain, "dev.example.com");
        });

        it("puts prod's zone at the apex", () => {
            assert.equal(single(bases.prodWithDomain, TYPES.zone).inputs.name, "example.com");
        });

        it("certifies the zone name and *.<zone name> through DNS, with the validation record in its own zone only", () => {
            const certificate = single(bases.withDomain, TYPES.certificate);
            assert.equal(certificate.inputs.domainName, "dev.example.com");
            assert.deepEqual(certificate.inputs.subjectAlternativeNames, ["*.dev.example.com"]);
            assert.equal(certificate.inputs.validationMethod, "DNS");
            const validation = single(bases.withDomain, TYPES.record);
            assert.equal(validation.inputs.type, "CNAME");
            assert.equal(validation.inputs.zoneId, "Z0MOCKZONE0001");
            // allowOverwrite would let one stack take over (and on destroy delete) another's record.
            assert.ok(!validation.inputs.allowOverwrite);
        });

        it("a new zone answers nothing until delegated: base exports its name servers and does not wait 75 minutes on validation", () => {
            assert.deepEqual(ofType(bases.withDomain, TYPES.certificateValidation), []);
            assert.deepEqual(bases.withDomain.outputs.nameServers, [
                "ns-1.awsdns-01.org",
                "ns-2.awsdns-02.co.uk",
                "ns-3.awsdns-03.com",
                "ns-4.awsdns-04.net",
            ]);
            assert.equal(bases.withDomain.outputs.certificateStatus, "awaiting delegation");
            assert.equal(
                bases.withDomain.outputs.certificateArn,
                "",
                "runtime must serve HTTP until the certificate is validated",
            );
        });

        it("once dnsDelegated is set, waits for validation and publishes the certificate", async () => {
            const delegated = await evaluateBase("dev", { domain: "example.com", dnsDelegated: "true" });
            const validation = single(delegated, TYPES.certificateValidation);
            assert.equal(delegated.outputs.certificateArn, validation.state.certificateArn);
            assert.equal(delegated.outputs.certificateStatus, "validated");
        });

        it("with parentZoneId, writes the NS delegation into the parent zone and validates after it, in the same up", async () => {
            const delegated = await evaluateBase("dev", { domain: "example.com", parentZoneId: "Z0PARENT" });
            const ns = ofType(delegated, TYPES.record).find((record) => record.inputs.type === "NS")!;
            assert.deepEqual(
                [ns.inputs.zoneId, ns.inputs.name, ns.inputs.records],
                ["Z0PARENT", "dev.example.com", single(delegated, TYPES.zone).state.nameServers],
            );
            const validation = single(delegated, TYPES.certificateValidation);
            assert.ok(
                validation.dependencies.some((urn) => urn.endsWith(`::${ns.name}`)),
                "validation waits for the delegation",
            );
        });

        it("uses an existing zone when given its id, and treats it as delegated", async () => {
            const existing = await evaluateBase("dev", { domain: "example.com", zoneId: "Z0EXISTING123" });
            assert.deepEqual(ofType(existing, TYPES.zone), []);
            assert.equal(single(existing, TYPES.record).inputs.zoneId, "Z0EXISTING123");
            assert.equal(existing.outputs.zoneId, "Z0EXISTING123");
            assert.equal(existing.outputs.certificateStatus, "validated");
        });
    });

    describe("logs that outlive the nightly destroy", () => {
        it("one log group per service with a fixed name /ecs/<project>-<env>/<service>, published in the contract", () => {
            assert.deepEqual(
                ofType(bases.staging, TYPES.logGroup).map((group) => [group.inputs.name, group.inputs.namePrefix]),
                SERVICE_NAMES.map((service) => [`/ecs/durable-code-staging/${service}`, undefined]),
            );
            assert.deepEqual(bases.staging.outputs.logGroups.backend, {
                name: "/ecs/durable-code-staging/backend",
                arn: "arn:aws:logs:us-west-2:123456789012:log-group:/ecs/durable-code-staging/backend",
            });
        });

        it("keeps logs 7, 14 and 30 days (dev's HTTP API access log too)", () => {
            const each = (days: number) => SERVICE_NAMES.map(() => days);
            assert.deepEqual(
                ["dev", "staging", "prod"].map((env) =>
                    ofType(bases[env], TYPES.logGroup).map((group) => group.inputs.retentionInDays),
                ),
                [[...each(7), 7], each(14), each(30)],
            );
        });
    });

    describe("load balancer access logs", () => {
        const bucketPolicy = (evaluation: Evaluation) =>
            JSON.parse(single(evaluation, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy);

        it("prod creates a bucket for them and publishes its name; dev and staging do not", () => {
            const bucket = single(bases.prod, "aws:s3/bucket:Bucket");
            assert.equal(bases.prod.outputs.accessLogsBucket, bucket.state.bucket);
            assert.deepEqual([bases.dev.outputs.accessLogsBucket, bases.staging.outputs.accessLogsBucket], ["", ""]);
            assert.deepEqual(ofType(bases.dev, "aws:s3/bucket:Bucket"), []);
        });

        it("lets the region's load balancer log delivery write (without it, the load balancer fails to create)", () => {
            const [delivery] = bucketPolicy(bases.prod).Statement;
            // us-west-2's ELB log account (ELB user guide, "Enable access logs"), from aws.elb.getServiceAccount.
            assert.deepEqual(delivery.Principal, { AWS: "arn:aws:iam::797873946194:root" });
            assert.equal(delivery.Action, "s3:PutObject");
            // Only under runtime-prod's prefix, in this account (123456789012 is the offline caller identity).
            assert.equal(
                delivery.Resource,
                `${single(bases.prod, "aws:s3/bucket:Bucket").state.arn}/durable-code-prod/AWSLogs/123456789012/*`,
            );
        });

        it("is closed to the public, TLS-only, SSE-S3 encrypted and expires logs after 30 days", () => {
            const block = single(bases.prod, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs;
            assert.deepEqual(
                [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
                [true, true, true, true],
            );
            const tls = bucketPolicy(bases.prod).Statement[1];
            assert.deepEqual([tls.Effect, tls.Condition], ["Deny", { Bool: { "aws:SecureTransport": "false" } }]);
            assert.equal(
                single(
                    bases.prod,
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                ).inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm,
                "AES256",
            );
            assert.equal(
                single(bases.prod, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules[0]
                    .expiration.days,
                30,
            );
        });

        it("uses an existing bucket instead when accessLogsBucket names one", async () => {
            const existing = await evaluateBase("prod", { accessLogsBucket: "acme-alb-logs" });
            assert.deepEqual(ofType(existing, "aws:s3/bucket:Bucket"), []);
            assert.equal(existing.outputs.accessLogsBucket, "acme-alb-logs");
        });
    });

    describe("front door http-api: what the API needs at rest", () => {
        before(async () => {
            bases.httpApi = await evaluateBase("dev", { frontDoor: "http-api" });
        });
        const VPC_LINK = "aws:apigatewayv2/vpcLink:VpcLink";
        const NAMESPACE = "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace";
        const rulesOf = (evaluation: Evaluation, type: string, groupId: string) =>
            ofType(evaluation, type)
                .filter((rule) => rule.inputs.securityGroupId === groupId)
                .map((rule) => [
                    rule.inputs.fromPort,
                    rule.inputs.toPort,
                    rule.inputs.referencedSecurityGroupId ?? rule.inputs.cidrIpv4,
                ]);

        it("is absent with the default front door, alb: no VPC link, no namespace, empty contract values", () => {
            const { staging } = bases;
            assert.deepEqual([...ofType(staging, VPC_LINK), ...ofType(staging, NAMESPACE)], []);
            assert.deepEqual([staging.outputs.vpcLinkId, staging.outputs.serviceDiscoveryNamespaceId], ["", ""]);
        });

        it("puts the VPC link in the private subnets behind a group of its own", () => {
            const link = single(bases.httpApi, VPC_LINK);
            assert.deepEqual(link.inputs.subnetIds, ["subnet-network-private-0", "subnet-network-private-1"]);
            assert.deepEqual(link.inputs.securityGroupIds, ["securityGroup-security-groups-vpc-link"]);
            assert.equal(
                single(bases.httpApi, TYPES.securityGroup, "security-groups-vpc-link").inputs.name,
                "durable-code-dev-vpc-link",
            );
        });

        describe("zones chosen by zone id, where VPC links are available", () => {
            // An account's zone names map to zone ids of its own; API Gateway lists VPC links by id
            // ("Set up VPC links V2", Availability by Region: us-east-1 has no link in use1-az3, us-west-1
            // none in usw1-az2).
            const inAccount = (
                region: string,
                zones: Record<string, string>,
                settings: Record<string, string> = {},
            ): Promise<Evaluation> =>
                evaluateStack(
                    "base-dev",
                    stackConfig("base-dev", { "aws:region": region, frontDoor: "http-api", ...settings }),
                    fakeCloud({ availabilityZones: Object.keys(zones), zoneIds: Object.values(zones) }),
                );
            const zonesOf = (evaluation: Evaluation) =>
                ofType(evaluation, TYPES.subnet)
                    .filter((subnet) => subnet.inputs.tags.Tier === "private")
                    .map((subnet) => [subnet.id, subnet.inputs.availabilityZone]);
            const US_EAST_1 = {
                "us-east-1a": "use1-az3",
                "us-east-1b": "use1-az1",
                "us-east-1c": "use1-az2",
                "us-east-1d": "use1-az4",
            };

            it("skips an account's first zone when its id has no VPC links, so base's first up succeeds", async () => {
                const base = await inAccount("us-east-1", US_EAST_1);
                assert.deepEqual(zonesOf(base), [
                    ["subnet-network-private-0", "us-east-1b"],
                    ["subnet-network-private-1", "us-east-1c"],
                ]);
                assert.deepEqual(single(base, VPC_LINK).inputs.subnetIds, [
                    "subnet-network-private-0",
                    "subnet-network-private-1",
                ]);
            });

            it("keeps base-dev's subnets where the load balancer had them: us-west-2 has VPC links in every zone id", async () => {
                // Every regular zone id of us-west-2, in an order of names an account may have.
                const US_WEST_2 = {
                    "us-west-2a": "usw2-az2",
                    "us-west-2b": "usw2-az4",
                    "us-west-2c": "usw2-az1",
                    "us-west-2d": "usw2-az3",
                };
                assert.deepEqual([...VPC_LINK_ZONE_IDS["us-west-2"]].sort(), Object.values(US_WEST_2).sort());
                const base = committedConfig("base-dev");
                assert.deepEqual([base.region, base.frontDoor], ["us-west-2", "http-api"]);
                const subnetsOf = (evaluation: Evaluation) =>
                    nonEmpty(ofType(evaluation, TYPES.subnet)).map((subnet) => [
                        subnet.name,
                        subnet.inputs.availabilityZone,
                        subnet.inputs.cidrBlock,
                    ]);
                const cloud = { availabilityZones: Object.keys(US_WEST_2), zoneIds: Object.values(US_WEST_2) };
                const asCommitted = await evaluateStack("base-dev", stackConfig("base-dev"), fakeCloud(cloud));
                const onAlb = await evaluateStack(
                    "base-dev",
                    stackConfig("base-dev", { frontDoor: "alb" }),
                    fakeCloud(cloud),
                );
                assert.deepEqual(subnetsOf(asCommitted), subnetsOf(onAlb));
                assert.deepEqual(single(asCommitted, VPC_LINK).inputs.subnetIds, [
                    "subnet-network-private-0",
                    "subnet-network-private-1",
                ]);
            });

            it("keeps the load balancer's zones as they are: the first azCount by name", async () => {
                const base = await inAccount("us-east-1", US_EAST_1, { frontDoor: "alb" });
                assert.deepEqual(
                    zonesOf(base).map(([, zone]) => zone),
                    ["us-east-1a", "us-east-1b"],
                );
            });

            it("with more zones than have VPC links, puts the tasks' subnets in all of them and the link in the supported ones", async () => {
                const base = await inAccount(
                    "us-west-1",
                    { "us-west-1a": "usw1-az2", "us-west-1b": "usw1-az1", "us-west-1c": "usw1-az3" },
                    { azCount: "3" },
                );
                assert.deepEqual(
                    zonesOf(base).map(([, zone]) => zone),
                    ["us-west-1a", "us-west-1b", "us-west-1c"],
                );
                assert.deepEqual(single(base, VPC_LINK).inputs.subnetIds, [
                    "subnet-network-private-1",
                    "subnet-network-private-2",
                ]);
            });

            it("refuses, before creating anything, an account with fewer than two zones where VPC links are available", async () => {
                const failure = await failureOf(
                    inAccount("us-west-1", { "us-west-1a": "usw1-az2", "us-west-1b": "usw1-az3" }),
                );
                assert.equal(
                    failure.message,
                    "base-dev: durable-code:frontDoor http-api needs a VPC link in two availability zones, but of us-west-1's zones in this account " +
                        "(us-west-1a = usw1-az2, us-west-1b = usw1-az3) only us-west-1b is among the zone ids API Gateway supports for VPC links " +
                        "(usw1-az1, usw1-az3); use frontDoor alb in this account and region",
                );
                assert.deepEqual(failure.resources, []);
            });

            it("refuses a region where API Gateway lists no VPC links", async () => {
                const failure = await failureOf(
                    inAccount("af-south-1", { "af-south-1a": "afs1-az1", "af-south-1b": "afs1-az2" }),
                );
                assert.equal(
                    failure.message,
                    "base-dev: durable-code:frontDoor http-api needs API Gateway's VPC links, which API Gateway lists in no zone of af-south-1 " +
                        '("Set up VPC links V2", Availability by Region); use frontDoor alb, or deploy to a listed region',
                );
            });
        });

        it("lets the tasks take traffic from the VPC link's group only, on their own ports", () => {
            assert.deepEqual(
                rulesOf(bases.httpApi, TYPES.ingressRule, "securityGroup-security-groups-services"),
                PORTS.map((port) => [port, port, "securityGroup-security-groups-vpc-link"]),
            );
            assert.deepEqual(rulesOf(bases.httpApi, TYPES.ingressRule, "securityGroup-security-groups-vpc-link"), []);
            assert.deepEqual(
                rulesOf(bases.httpApi, TYPES.egressRule, "securityGroup-security-groups-vpc-link"),
                PORTS.map((port) => [port, port, "securityGroup-security-groups-services"]),
            );
        });

        it("keeps a private DNS namespace in the VPC (SRV records carry the task's port, which API Gateway needs)", () => {
            const namespace = single(bases.httpApi, NAMESPACE);
            assert.equal(namespace.inputs.name, "durable-code-dev.internal");
            assert.equal(namespace.inputs.vpc, "vpc-network-vpc");
        });

        it("publishes the link and the namespace in the contract", () => {
            assert.equal(bases.httpApi.outputs.vpcLinkId, single(bases.httpApi, VPC_LINK).id);
            assert.equal(bases.httpApi.outputs.serviceDiscoveryNamespaceId, single(bases.httpApi, NAMESPACE).id);
        });

        it("keeps the stage's access log group, with the environment's retention, and publishes its ARN; none with alb", () => {
            const group = single(bases.httpApi, TYPES.logGroup, "api-access-log-group");
            assert.deepEqual(
                [group.inputs.name, group.inputs.retentionInDays, bases.httpApi.outputs.apiAccessLogGroupArn],
                [
                    "/aws/vendedlogs/apigateway/durable-code-dev/access",
                    7,
                    "arn:aws:logs:us-west-2:123456789012:log-group:/aws/vendedlogs/apigateway/durable-code-dev/access",
                ],
            );
            assert.equal(bases.staging.outputs.apiAccessLogGroupArn, "");
            assert.deepEqual(
                ofType(bases.staging, TYPES.logGroup).map((logGroup) => logGroup.inputs.name),
                SERVICE_NAMES.map((service) => `/ecs/durable-code-staging/${service}`),
            );
        });
    });

    describe("prod protections", () => {
        it("protect the repositories and the zone from deletion in prod", async () => {
            const stateful = [
                ...ofType(bases.prodWithDomain, TYPES.repository),
                ...ofType(bases.prodWithDomain, TYPES.zone),
                ...ofType(bases.prodWithDomain, "aws:s3/bucket:Bucket"),
            ];
            // A repository per service, the zone and the access log bucket.
            assert.equal(stateful.length, SERVICE_NAMES.length + 2);
            assert.ok(stateful.every((resource) => resource.protect));
        });

        it("leave dev and staging deletable", () => {
            assert.ok(
                nonEmpty([...ofType(bases.dev, TYPES.repository), ...ofType(bases.withDomain, TYPES.zone)]).every(
                    (resource) => !resource.protect,
                ),
            );
        });
    });

    describe("outputs", () => {
        it("publish every contract key", () => {
            assert.deepEqual(Object.keys(bases.dev.outputs).sort(), [...CONTRACT_KEYS].sort());
            assert.equal(bases.dev.outputs.contractVersion, 4);
        });

        it("list subnets and private route tables zone by zone", () => {
            assert.deepEqual(bases.prod.outputs.privateRouteTableIds, [
                "routeTable-network-private-0",
                "routeTable-network-private-1",
                "routeTable-network-private-2",
            ]);
            assert.deepEqual(bases.prod.outputs.publicSubnetIds, [
                "subnet-network-public-0",
                "subnet-network-public-1",
                "subnet-network-public-2",
            ]);
        });
    });
});
