import { strict as assert } from "assert";
import { Evaluation } from "../offline/engine";
import { committedConfig, evaluateEnvironment, EnvironmentEvaluation } from "../offline/evaluate";
import { checkedStackFrom } from "../policy/policy-stack";
import { CheckedResource, CheckedStack, checkStack, RULES } from "../policy/rules";
import { egressModesFor, frontDoorsFor } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";

const checked = (evaluation: Evaluation): CheckedStack => {
    const [layer, env] = evaluation.stack.split("-") as ["base" | "runtime", string];
    return {
        project: "durable-code",
        layer,
        env,
        resources: evaluation.resources.map((resource) => ({
            type: resource.type,
            name: resource.name,
            props: resource.state,
        })),
    };
};

/** A copy of the stack with one resource's properties changed, or one resource added. */
const withChange = (
    stack: CheckedStack,
    match: (resource: CheckedResource) => boolean,
    change: (props: Record<string, any>) => Record<string, any>,
): CheckedStack => {
    assert.ok(stack.resources.some(match), "the broken input must change an existing resource");
    return {
        ...stack,
        resources: stack.resources.map((resource) =>
            match(resource) ? { ...resource, props: change(structuredClone(resource.props)) } : resource,
        ),
    };
};
const withExtra = (stack: CheckedStack, resource: CheckedResource): CheckedStack => ({
    ...stack,
    resources: [...stack.resources, resource],
});
const named = (name: string) => (resource: CheckedResource) => resource.name === name;

describe("policy pack", () => {
    describe("reads the layer and environment of the stack it checks", () => {
        const resource = (type: string, name: string, props: Record<string, any> = {}) => ({
            type,
            name,
            urn: `urn:${name}`,
            props,
        });

        it("from the root resource, <project>-<layer>-<env>", () => {
            const stack = checkedStackFrom([
                resource("pulumi:pulumi:Stack", "durable-code-runtime-staging"),
                resource("aws:ecs/cluster:Cluster", "ecs-cluster"),
            ]);
            assert.deepEqual(
                [stack.project, stack.layer, stack.env, stack.resources.length],
                ["durable-code", "runtime", "staging", 2],
            );
        });

        it("from the contract tags when there is no root resource", () => {
            const stack = checkedStackFrom([
                resource("aws:ec2/vpc:Vpc", "vpc", { tags: { Layer: "base", Environment: "prod" } }),
            ]);
            assert.deepEqual([stack.layer, stack.env], ["base", "prod"]);
        });

        it("refuses to guess", () => {
            assert.throws(
                () => checkedStackFrom([resource("aws:ec2/vpc:Vpc", "vpc")]),
                /cannot tell whether this stack is base or runtime/,
            );
        });
    });

    it('names each rule once, and none "all", which @pulumi/policy reserves (server.js): the pack\'s config sets each rule by name', () => {
        const names = RULES.map((rule) => rule.name);
        assert.deepEqual(
            names.filter((name, index) => names.indexOf(name) !== index || name === "all"),
            [],
        );
    });

    describe("every stack the program declares passes every rule", () => {
        for (const env of ["dev", "staging", "prod"] as const) {
            const committed = committedConfig(stackNameOf("runtime", env));
            for (const egress of egressModesFor(env)) {
                for (const domain of [undefined, "example.com"]) {
                    it(`${env}, ${egress}${domain ? ", with a domain" : ""}`, async () => {
                        const { base, runtime } = await evaluateEnvironment(env, {
                            base: domain ? { domain } : {},
                            // Behind NAT it runs awake: wakeOnRequest needs public-ip ("" unsets it).
                            runtime: { egress, ...(egress === "public-ip" ? {} : { wakeOnRequest: "" }) },
                        });
                        assert.deepEqual(
                            checkStack(checked(base)).map((found) => found.message),
                            [],
                        );
                        assert.deepEqual(
                            checkStack(checked(runtime)).map((found) => found.message),
                            [],
                        );
                    });
                }
            }
            for (const frontDoor of frontDoorsFor(env).filter((door) => door !== committed.frontDoor)) {
                it(`${env}, front door ${frontDoor}, with a validated certificate`, async () => {
                    const { base, runtime } = await evaluateEnvironment(env, {
                        base: { frontDoor, domain: "example.com", dnsDelegated: "true" },
                        // Behind the load balancer it runs awake: wakeOnRequest needs http-api.
                        runtime: { frontDoor, ...(frontDoor === "alb" ? { wakeOnRequest: "" } : {}) },
                    });
                    assert.deepEqual(
                        checkStack(checked(base)).map((found) => found.message),
                        [],
                    );
                    assert.deepEqual(
                        checkStack(checked(runtime)).map((found) => found.message),
                        [],
                    );
                });
            }
        }
    });

    describe("each rule fires on a broken input", () => {
        let dev: EnvironmentEvaluation;
        let staging: EnvironmentEvaluation;
        let https: EnvironmentEvaluation;
        let prod: EnvironmentEvaluation;
        let httpApi: EnvironmentEvaluation;
        before(async () => {
            httpApi = await evaluateEnvironment("dev", {
                base: { frontDoor: "http-api", domain: "example.com", dnsDelegated: "true" },
                runtime: { frontDoor: "http-api" },
            });
            dev = await evaluateEnvironment("dev");
            // The load balancer's rules break staging's: dev's front door is the HTTP API.
            staging = await evaluateEnvironment("staging");
            https = await evaluateEnvironment("staging", { base: { domain: "example.com", dnsDelegated: "true" } });
            prod = await evaluateEnvironment("prod");
        });
        const broken: Record<string, () => CheckedStack> = {
            "base-costs-nothing-at-rest": () =>
                withExtra(checked(dev.base), { type: "aws:ec2/natGateway:NatGateway", name: "nat", props: {} }),
            "runtime-owns-nothing-persistent": () =>
                withExtra(checked(dev.runtime), { type: "aws:ecr/repository:Repository", name: "repo", props: {} }),
            "internet-ingress-only-to-load-balancer": () =>
                withChange(checked(dev.base), named("security-groups-services-in-backend"), (props) => ({
                    ...props,
                    cidrIpv4: "0.0.0.0/0",
                    referencedSecurityGroupId: undefined,
                })),
            "services-reached-through-front-door-only": () =>
                withChange(checked(dev.base), named("security-groups-services-in-frontend"), (props) => ({
                    ...props,
                    cidrIpv4: "10.0.0.0/8",
                    referencedSecurityGroupId: undefined,
                })),
            "no-public-ip-on-prod-tasks": () =>
                withChange(checked(prod.runtime), named("backend-service"), (props) => ({
                    ...props,
                    networkConfiguration: { ...props.networkConfiguration, assignPublicIp: true },
                })),
            "https-uses-tls12-or-newer": () =>
                withChange(checked(https.runtime), named("load-balancer-https"), (props) => ({
                    ...props,
                    sslPolicy: "ELBSecurityPolicy-2016-08",
                })),
            "http-redirects-to-https": () =>
                withChange(checked(https.runtime), named("load-balancer-http"), (props) => ({
                    ...props,
                    defaultActions: [{ type: "forward", targetGroupArn: "tg" }],
                })),
            "registries-keep-deployable-images": () =>
                withChange(checked(dev.base), named("registries-frontend"), (props) => ({
                    ...props,
                    imageTagMutability: "MUTABLE",
                })),
            "logs-have-retention": () =>
                withChange(checked(dev.base), named("logs-backend"), (props) => ({
                    ...props,
                    retentionInDays: undefined,
                })),
            "prod-egress-through-nat-gateways": () =>
                withExtra(checked(prod.runtime), {
                    type: "aws:ec2/instance:Instance",
                    name: "nat",
                    props: {
                        sourceDestCheck: false,
                        tags: prod.runtime.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!.inputs
                            .tags,
                    },
                }),
            "prod-load-balancer-logs-access": () =>
                withChange(checked(prod.runtime), named("load-balancer-alb"), (props) => ({
                    ...props,
                    accessLogs: undefined,
                })),
            "no-iam-wildcard-admin": () =>
                withChange(
                    checked(dev.runtime),
                    (resource) => resource.name === "roles-task" && resource.type === "aws:iam/rolePolicy:RolePolicy",
                    (props) => ({
                        ...props,
                        policy: JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
                        }),
                    }),
                ),
            "front-door-split": () =>
                withExtra(checked(httpApi.runtime), {
                    type: "aws:apigatewayv2/vpcLink:VpcLink",
                    name: "link",
                    props: {},
                }),
            "http-api-tls-only": () =>
                withChange(
                    checked(httpApi.runtime),
                    (resource) => resource.name === "front-door-app" && resource.type.endsWith(":DomainName"),
                    (props) => ({
                        ...props,
                        domainNameConfiguration: { ...props.domainNameConfiguration, securityPolicy: "TLS_1_0" },
                    }),
                ),
            "http-api-integrations-private": () =>
                withChange(
                    checked(httpApi.runtime),
                    (resource) => resource.name === "front-door-backend" && resource.type.endsWith(":Integration"),
                    (props) => ({
                        ...props,
                        connectionType: "INTERNET",
                        connectionId: undefined,
                    }),
                ),
            "contract-tags-everywhere": () =>
                withChange(checked(staging.runtime), named("load-balancer-alb"), (props) => ({
                    ...props,
                    tags: { Name: "alb" },
                })),
        };

        it("contract-tags-everywhere also refuses another project's Project tag, which would put the resource inside that project's fence", () => {
            const stack = withChange(checked(staging.runtime), named("load-balancer-alb"), (props) => ({
                ...props,
                tags: { ...props.tags, Project: "billing" },
            }));
            assert.deepEqual(
                checkStack(stack).map((found) => found.message),
                [
                    "load-balancer-alb (aws:lb/loadBalancer:LoadBalancer): lacks the contract tags (Project, Environment, Layer, ManagedBy) for durable-code runtime-staging",
                ],
            );
        });

        it("covers every rule", () => {
            assert.deepEqual(Object.keys(broken).sort(), RULES.map((rule) => rule.name).sort());
        });

        for (const rule of RULES) {
            it(`${rule.name}: ${rule.description}`, () => {
                const found = checkStack(broken[rule.name]()).filter((violation) => violation.rule === rule.name);
                assert.equal(found.length, 1);
                assert.match(found[0].message, /^\S+ \(\S+\): .{20,}/);
            });
        }

        it("front door split: an API part in base and a namespace in runtime are violations, each in its layer", () => {
            const inBase = withExtra(checked(httpApi.base), {
                type: "aws:apigatewayv2/api:Api",
                name: "api",
                props: {},
            });
            const inRuntime = withExtra(checked(httpApi.runtime), {
                type: "aws:servicediscovery/httpNamespace:HttpNamespace",
                name: "namespace",
                props: {},
            });
            assert.deepEqual(
                [...checkStack(inBase), ...checkStack(inRuntime)]
                    .filter((found) => found.rule === "front-door-split")
                    .map((found) => found.message),
                [
                    "api (aws:apigatewayv2/api:Api): is part of the HTTP API runtime brings up each morning; declare it in runtime",
                    "namespace (aws:servicediscovery/httpNamespace:HttpNamespace): persists and would be rebuilt every morning (a VPC link takes minutes); declare it in base",
                ],
            );
        });

        it("prod: an HTTP listener that serves, with no certificate at all, is a violation (prod never serves plain HTTP)", () => {
            const withoutHttps = checked(prod.runtime);
            const stack = withChange(
                {
                    ...withoutHttps,
                    resources: withoutHttps.resources.filter((resource) => resource.name !== "load-balancer-https"),
                },
                named("load-balancer-http"),
                (props) => ({ ...props, defaultActions: [{ type: "forward", targetGroupArn: "tg" }] }),
            );
            assert.deepEqual(
                checkStack(stack)
                    .filter((found) => found.rule === "http-redirects-to-https")
                    .map((found) => found.message),
                [
                    "load-balancer-http (aws:lb/listener:Listener): serves the application over plain HTTP in prod; give base-prod a domain and a validated certificate (runtime then redirects HTTP to HTTPS)",
                ],
            );
            const stagingWithoutCertificate = checkStack(checked(staging.runtime)).filter(
                (found) => found.rule === "http-redirects-to-https",
            );
            assert.deepEqual(stagingWithoutCertificate, []);
        });

        it("HTTP API: a WebSocket API is a violation", () => {
            const stack = withChange(
                checked(httpApi.runtime),
                (resource) => resource.type === "aws:apigatewayv2/api:Api",
                (props) => ({ ...props, protocolType: "WEBSOCKET" }),
            );
            assert.deepEqual(
                checkStack(stack).map((found) => found.message),
                ["front-door-api (aws:apigatewayv2/api:Api): is a WEBSOCKET API; the front door is an HTTP API"],
            );
        });

        it("registries: a lifecycle rule that expires tagged images by age is a violation", () => {
            const stack = withChange(
                checked(dev.base),
                (resource) => resource.name === "registries-backend" && resource.type.includes("lifecyclePolicy"),
                (props) => ({
                    ...props,
                    policy: JSON.stringify({
                        rules: [
                            {
                                rulePriority: 1,
                                selection: {
                                    tagStatus: "tagged",
                                    tagPrefixList: ["dev"],
                                    countType: "sinceImagePushed",
                                    countUnit: "days",
                                    countNumber: 7,
                                },
                                action: { type: "expire" },
                            },
                        ],
                    }),
                }),
            );
            assert.deepEqual(
                checkStack(stack).map((violation) => violation.message),
                [
                    "registries-backend (aws:ecr/lifecyclePolicy:LifecyclePolicy): expires tagged images by age; a restore after a long break could not pull its image",
                ],
            );
        });
    });
});
