import { strict as assert } from "assert";
import { fakeCloud } from "../offline/cloud";
import { evaluateStack, Evaluation } from "../offline/engine";
import { stackConfig } from "../offline/evaluate";
import { LIFECYCLE_RULES } from "../base/lifecycle-policy";
import { CONTRACT_KEYS } from "../shared/contract";
import { awsModule, failureOf, ofType, single, TYPES } from "./helpers";

const evaluateBase = (env: string, settings: Record<string, string> = {}, zones?: string[]) =>
    evaluateStack(`base-${env}`, stackConfig(`base-${env}`, settings), fakeCloud({ availabilityZones: zones }));

describe("base layer", () => {
    const bases: Record<string, Evaluation> = {};
    before(async () => {
        for (const env of ["dev", "staging", "prod"]) bases[env] = await evaluateBase(env);
        bases.withDomain = await evaluateBase("dev", { domain: "example.com" });
    });

    describe("costs nothing by the hour", () => {
        for (const env of ["dev", "staging", "prod"]) {
            it(`base-${env} declares no NAT, EIP, load balancer, ECS, log group or autoscaling`, () => {
                const hourly = bases[env].resources.filter(
                    (resource) =>
                        [TYPES.natGateway, TYPES.eip].includes(resource.type as never) ||
                        ["lb", "alb", "ecs", "cloudwatch", "appautoscaling"].includes(awsModule(resource.type)),
                );
                assert.deepEqual(hourly.map((resource) => resource.type), []);
            });
        }
    });

    describe("network", () => {
        it("is a 10.0.0.0/16 VPC with DNS support and hostnames", () => {
            const vpc = single(bases.dev, TYPES.vpc);
            assert.equal(vpc.inputs.cidrBlock, "10.0.0.0/16");
            assert.equal(vpc.inputs.enableDnsSupport, true);
            assert.equal(vpc.inputs.enableDnsHostnames, true);
        });

        it("has a public and a private subnet in each of the first azCount zones", () => {
            const subnets = ofType(bases.prod, TYPES.subnet).map((subnet) => [subnet.inputs.tags.Tier, subnet.inputs.availabilityZone, subnet.inputs.cidrBlock]);
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
            assert.ok(ofType(bases.dev, TYPES.subnet).every((subnet) => subnet.inputs.mapPublicIpOnLaunch === false));
        });

        it("routes the public subnets to the internet gateway", () => {
            single(bases.dev, TYPES.internetGateway);
            const publicTable = single(bases.dev, TYPES.routeTable, "network-public");
            assert.deepEqual(publicTable.inputs.routes, [{ cidrBlock: "0.0.0.0/0", gatewayId: "internetGateway-network-igw" }]);
        });

        it("has one private route table per zone with no default route: egress belongs to runtime", () => {
            const privateTables = ofType(bases.staging, TYPES.routeTable).filter((table) => table.inputs.tags.Tier === "private");
            assert.equal(privateTables.length, 2);
            assert.ok(privateTables.every((table) => (table.inputs.routes ?? []).length === 0));
            assert.deepEqual(ofType(bases.staging, TYPES.route), []);
        });

        it("fails before creating anything when the region has fewer zones than azCount", async () => {
            const failure = await failureOf(evaluateBase("dev", { azCount: "3" }, ["us-west-2a", "us-west-2b"]));
            assert.equal(failure.message, 'base-dev: durable-code:azCount is 3 but us-west-2 has 2 availability zones; run "pulumi config set azCount 2 -s base-dev"');
            assert.deepEqual(failure.resources, []);
        });
    });

    describe("security groups", () => {
        const rules = (evaluation: Evaluation, type: string, group: string) =>
            ofType(evaluation, type)
                .filter((rule) => rule.inputs.securityGroupId === `securityGroup-security-groups-${group}`)
                .map((rule) => ({ port: rule.inputs.fromPort, toPort: rule.inputs.toPort, cidr: rule.inputs.cidrIpv4, from: rule.inputs.referencedSecurityGroupId, protocol: rule.inputs.ipProtocol }));

        it("open the load balancer to the internet on 80 and 443 only", () => {
            assert.deepEqual(rules(bases.dev, TYPES.ingressRule, "load-balancer"), [
                { port: 80, toPort: 80, cidr: "0.0.0.0/0", from: undefined, protocol: "tcp" },
                { port: 443, toPort: 443, cidr: "0.0.0.0/0", from: undefined, protocol: "tcp" },
            ]);
        });

        it("let the services take 3000 and 8000 from the load balancer's group and nothing else", () => {
            assert.deepEqual(rules(bases.dev, TYPES.ingressRule, "services"), [
                { port: 3000, toPort: 3000, cidr: undefined, from: "securityGroup-security-groups-load-balancer", protocol: "tcp" },
                { port: 8000, toPort: 8000, cidr: undefined, from: "securityGroup-security-groups-load-balancer", protocol: "tcp" },
            ]);
        });

        it("let the load balancer reach only the container ports", () => {
            assert.deepEqual(rules(bases.dev, TYPES.egressRule, "load-balancer").map((rule) => [rule.port, rule.from]), [
                [3000, "securityGroup-security-groups-services"],
                [8000, "securityGroup-security-groups-services"],
            ]);
        });

        it("describe every rule", () => {
            const all = [...ofType(bases.dev, TYPES.ingressRule), ...ofType(bases.dev, TYPES.egressRule)];
            assert.ok(all.every((rule) => typeof rule.inputs.description === "string" && rule.inputs.description.length > 0));
        });
    });

    describe("container registries", () => {
        it("are frontend and backend, immutable, scanned on push and encrypted", () => {
            const repositories = ofType(bases.dev, TYPES.repository);
            assert.deepEqual(repositories.map((repository) => repository.inputs.name), ["durable-code-dev-frontend", "durable-code-dev-backend"]);
            for (const repository of repositories) {
                assert.equal(repository.inputs.imageTagMutability, "IMMUTABLE");
                assert.deepEqual(repository.inputs.imageScanningConfiguration, { scanOnPush: true });
                assert.deepEqual(repository.inputs.encryptionConfigurations, [{ encryptionType: "AES256" }]);
                assert.equal(repository.inputs.forceDelete, false);
            }
        });

        it("never expire a tagged image by age, so a restore after two weeks off can pull it", () => {
            const policies = ofType(bases.dev, TYPES.lifecyclePolicy).map((policy) => JSON.parse(policy.inputs.policy));
            assert.equal(policies.length, 2);
            for (const policy of policies) {
                assert.deepEqual(policy.rules, LIFECYCLE_RULES);
                const byAge = policy.rules.filter((rule: any) => rule.selection.countType === "sinceImagePushed");
                assert.deepEqual(byAge.map((rule: any) => rule.selection.tagStatus), ["untagged"]);
            }
        });

        it("keep count-based retention for release tags and give the catch-all rule the last priority", () => {
            const [release, , catchAll] = LIFECYCLE_RULES;
            assert.deepEqual(release.selection.tagPrefixList, ["v", "release"]);
            assert.equal(release.selection.countType, "imageCountMoreThan");
            assert.equal(catchAll.selection.tagStatus, "any");
            assert.equal(catchAll.rulePriority, Math.max(...LIFECYCLE_RULES.map((rule) => rule.rulePriority)));
        });
    });

    describe("DNS", () => {
        it("has no zone or certificate without a domain", () => {
            assert.deepEqual([...ofType(bases.dev, TYPES.zone), ...ofType(bases.dev, TYPES.certificate)], []);
            assert.deepEqual([bases.dev.outputs.domain, bases.dev.outputs.zoneId, bases.dev.outputs.certificateArn], ["", "", ""]);
        });

        it("with a domain, creates the zone and a DNS-validated certificate for the domain and its subdomains", () => {
            assert.equal(single(bases.withDomain, TYPES.zone).inputs.name, "example.com");
            const certificate = single(bases.withDomain, TYPES.certificate);
            assert.equal(certificate.inputs.domainName, "example.com");
            assert.deepEqual(certificate.inputs.subjectAlternativeNames, ["*.example.com"]);
            assert.equal(certificate.inputs.validationMethod, "DNS");
            const validation = single(bases.withDomain, TYPES.record);
            assert.equal(validation.inputs.type, "CNAME");
            assert.equal(validation.inputs.zoneId, "Z0MOCKZONE0001");
            assert.equal(bases.withDomain.outputs.certificateArn, certificate.state.arn);
        });

        it("uses an existing zone when given its id", async () => {
            const existing = await evaluateBase("dev", { domain: "example.com", zoneId: "Z0EXISTING123" });
            assert.deepEqual(ofType(existing, TYPES.zone), []);
            assert.equal(single(existing, TYPES.record).inputs.zoneId, "Z0EXISTING123");
            assert.equal(existing.outputs.zoneId, "Z0EXISTING123");
        });
    });

    describe("prod protections", () => {
        it("protect the repositories and the zone from deletion in prod", async () => {
            const prod = await evaluateBase("prod", { domain: "example.com" });
            const stateful = [...ofType(prod, TYPES.repository), ...ofType(prod, TYPES.zone)];
            assert.equal(stateful.length, 3);
            assert.ok(stateful.every((resource) => resource.protect));
        });

        it("leave dev and staging deletable", () => {
            assert.ok([...ofType(bases.dev, TYPES.repository), ...ofType(bases.withDomain, TYPES.zone)].every((resource) => !resource.protect));
        });
    });

    describe("outputs", () => {
        it("publish every contract key", () => {
            assert.deepEqual(Object.keys(bases.dev.outputs).sort(), [...CONTRACT_KEYS].sort());
            assert.equal(bases.dev.outputs.contractVersion, 1);
        });

        it("list subnets and private route tables zone by zone", () => {
            assert.deepEqual(bases.prod.outputs.privateRouteTableIds, ["routeTable-network-private-0", "routeTable-network-private-1", "routeTable-network-private-2"]);
            assert.deepEqual(bases.prod.outputs.publicSubnetIds, ["subnet-network-public-0", "subnet-network-public-1", "subnet-network-public-2"]);
        });
    });
});
