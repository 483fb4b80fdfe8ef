import { strict as assert } from "assert";
import {
    evaluateBase,
    evaluateEnvironment,
    EnvironmentEvaluation,
    evaluateRuntime,
    stackConfig,
} from "../offline/evaluate";
import { DeclaredResource, Evaluation } from "../offline/engine";
import { routeKeyFor } from "../runtime/routing";
import { defaultService, SERVICE_NAMES, SERVICES } from "../shared/services";
import { awsModule, containerDefinitions, failureOf, nonEmpty, ofType, single, TYPES } from "./helpers";
import { allows } from "./iam/evaluator";

/** Whether a resource, or a component it is a child of, was declared depending on another. */
function dependsOn(evaluation: Evaluation, resource: DeclaredResource, on: DeclaredResource): boolean {
    if (resource.dependencies.some((urn) => urn.endsWith(`::${on.name}`))) return true;
    const parent = evaluation.resources.find(
        (candidate) => resource.parent.endsWith(`::${candidate.name}`) && resource.parent.includes(candidate.type),
    );
    return parent ? dependsOn(evaluation, parent, on) : false;
}

/** The declared services (shared/services.ts), in declaration order, and one value per service. */
const each = <T>(value: T): T[] => SERVICE_NAMES.map(() => value);
/** The services the load balancer's rules send paths to: every one but the catch-all. */
const ROUTED = SERVICE_NAMES.filter((service) => SERVICES[service].pathPatterns.length > 0);

describe("runtime layer", () => {
    const envs: Record<string, EnvironmentEvaluation> = {};
    before(async () => {
        for (const env of ["dev", "staging", "prod"] as const) envs[env] = await evaluateEnvironment(env);
        // The load balancer with a certificate: staging's layout (dev's front door is the HTTP API).
        envs.https = await evaluateEnvironment("staging", { base: { domain: "example.com", dnsDelegated: "true" } });
        envs.publicIp = await evaluateEnvironment("dev", { runtime: { egress: "public-ip" } });
    });
    const runtimeOf = (name: string): Evaluation => envs[name].runtime;

    describe("egress", () => {
        const nats = (name: string) => ofType(runtimeOf(name), TYPES.natGateway);

        it("nat-single: one NAT gateway with its EIP, and every private route table routed to it", () => {
            assert.equal(nats("staging").length, 1);
            assert.equal(ofType(runtimeOf("staging"), TYPES.eip).length, 1);
            const routes = ofType(runtimeOf("staging"), TYPES.route).map((route) => [
                route.inputs.routeTableId,
                route.inputs.destinationCidrBlock,
                route.inputs.natGatewayId,
            ]);
            assert.deepEqual(routes, [
                ["routeTable-network-private-0", "0.0.0.0/0", "natGateway-egress-nat-0"],
                ["routeTable-network-private-1", "0.0.0.0/0", "natGateway-egress-nat-0"],
            ]);
        });

        it("nat-per-az: a NAT gateway in each zone's public subnet, each zone routed to its own", () => {
            assert.deepEqual(
                nats("prod").map((nat) => nat.inputs.subnetId),
                ["subnet-network-public-0", "subnet-network-public-1", "subnet-network-public-2"],
            );
            const routes = ofType(runtimeOf("prod"), TYPES.route).map((route) => [
                route.inputs.routeTableId,
                route.inputs.natGatewayId,
            ]);
            assert.deepEqual(routes, [
                ["routeTable-network-private-0", "natGateway-egress-nat-0"],
                ["routeTable-network-private-1", "natGateway-egress-nat-1"],
                ["routeTable-network-private-2", "natGateway-egress-nat-2"],
            ]);
        });

        it("public-ip: no NAT, no EIP, no routes; tasks in the public subnets with a public IP", () => {
            assert.deepEqual(
                [
                    ...nats("publicIp"),
                    ...ofType(runtimeOf("publicIp"), TYPES.eip),
                    ...ofType(runtimeOf("publicIp"), TYPES.route),
                ],
                [],
            );
            for (const service of nonEmpty(ofType(runtimeOf("publicIp"), TYPES.service))) {
                assert.deepEqual(service.inputs.networkConfiguration, {
                    subnets: ["subnet-network-public-0", "subnet-network-public-1"],
                    securityGroups: ["securityGroup-security-groups-services"],
                    assignPublicIp: true,
                });
            }
        });

        it("with NAT, tasks run in the private subnets without a public IP", () => {
            for (const service of nonEmpty(ofType(runtimeOf("staging"), TYPES.service))) {
                assert.deepEqual(service.inputs.networkConfiguration.subnets, [
                    "subnet-network-private-0",
                    "subnet-network-private-1",
                ]);
                assert.equal(service.inputs.networkConfiguration.assignPublicIp, false);
            }
        });
    });

    describe("load balancer", () => {
        it("is internet-facing in the public subnets behind base's load balancer group, dropping invalid headers", () => {
            const alb = single(runtimeOf("staging"), TYPES.loadBalancer);
            assert.equal(alb.inputs.internal, false);
            assert.deepEqual(alb.inputs.subnets, ["subnet-network-public-0", "subnet-network-public-1"]);
            assert.deepEqual(alb.inputs.securityGroups, ["securityGroup-security-groups-load-balancer"]);
            assert.equal(alb.inputs.dropInvalidHeaderFields, true);
        });

        it("has deletion protection in prod only (dev, asleep behind the HTTP API, has no load balancer)", () => {
            assert.deepEqual(ofType(runtimeOf("dev"), TYPES.loadBalancer), []);
            assert.deepEqual(
                ["staging", "prod"].map(
                    (env) => single(runtimeOf(env), TYPES.loadBalancer).inputs.enableDeletionProtection,
                ),
                [false, true],
            );
        });

        it("is protected in prod together with the services, so `pulumi destroy -s runtime-prod` refuses before deleting anything (deletion protection alone fails only after DNS, services and listeners are gone)", () => {
            const guarded = (env: string) =>
                [single(runtimeOf(env), TYPES.loadBalancer), ...ofType(runtimeOf(env), TYPES.service)].map(
                    (resource) => resource.protect,
                );
            assert.deepEqual(guarded("prod"), [true, ...each(true)]);
            assert.deepEqual(guarded("staging"), [false, ...each(false)]);
            assert.deepEqual(
                ofType(runtimeOf("dev"), TYPES.service).map((service) => service.protect),
                each(false),
            );
        });

        it("writes access logs in prod to the bucket base-prod publishes", () => {
            const { base, runtime } = envs.prod;
            assert.deepEqual(single(runtime, TYPES.loadBalancer).inputs.accessLogs, {
                bucket: base.outputs.accessLogsBucket,
                prefix: "durable-code-prod",
                enabled: true,
            });
            assert.equal(single(runtimeOf("staging"), TYPES.loadBalancer).inputs.accessLogs, undefined);
        });

        it("writes its access logs where base-prod's bucket policy lets ELB write (runtime-prod's first up test-writes there, and fails if denied)", () => {
            const { base, runtime } = envs.prod;
            const { bucket, prefix } = single(runtime, TYPES.loadBalancer).inputs.accessLogs;
            const policy = JSON.parse(single(base, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
            // The key of a log file, in the ELB user guide's format ("Access log files"):
            // bucket[/prefix]/AWSLogs/aws-account-id/elasticloadbalancing/region/yyyy/mm/dd/
            //   aws-account-id_elasticloadbalancing_region_app.load-balancer-id_end-time_ip-address_random-string.log.gz
            const logFile = (logPrefix: string, account: string) =>
                `arn:aws:s3:::${bucket}/${logPrefix}/AWSLogs/${account}/elasticloadbalancing/us-west-2/2027/03/01/` +
                `${account}_elasticloadbalancing_us-west-2_app.durable-code-prod.50dc6c495c0c9188_20270301T0005Z_198.51.100.7_2soosksgsvd6o.log.gz`;
            const delivers = (resource: string) => allows(policy.Statement, { action: "s3:PutObject", resource });
            assert.equal(prefix, "durable-code-prod");
            assert.equal(delivers(logFile(prefix, "123456789012")), true);
            assert.equal(delivers(logFile("durable-code-dev", "123456789012")), false);
            assert.equal(delivers(logFile(prefix, "210987654321")), false);
            assert.equal(
                delivers(
                    `arn:aws:s3:::${bucket}/AWSLogs/123456789012/elasticloadbalancing/us-west-2/2027/03/01/x.log.gz`,
                ),
                false,
            );
        });

        it("checks each service on its port and health path (the front end on / at 3000, the back end on /health at 8000), targets by IP", () => {
            const groups = ofType(runtimeOf("staging"), TYPES.targetGroup).map((group) => [
                group.inputs.port,
                group.inputs.healthCheck.path,
                group.inputs.targetType,
            ]);
            assert.deepEqual(
                groups,
                SERVICE_NAMES.map((service) => [SERVICES[service].port, SERVICES[service].healthPath, "ip"]),
            );
        });

        it("names target groups by prefix, so a replacement is created before the old group is deleted (a fixed name fails with ResourceInUse while a listener uses it)", () => {
            const groups = ofType(runtimeOf("staging"), TYPES.targetGroup);
            assert.deepEqual(
                groups.map((group) => [group.inputs.name, group.inputs.namePrefix]),
                SERVICE_NAMES.map((service) => [undefined, `${SERVICES[service].shortName}-`]),
            );
        });

        const forwardsTo = (evaluation: Evaluation, actions: any[]) =>
            actions.map((action) =>
                action.type === "forward"
                    ? ofType(evaluation, TYPES.targetGroup).find((group) => group.state.arn === action.targetGroupArn)
                          ?.inputs.port
                    : action.type,
            );

        it("without a certificate: HTTP forwards to the catch-all service (the front end); each other service's patterns (the back end's /api/* and /health) go to it", () => {
            const staging = runtimeOf("staging");
            const listener = single(staging, TYPES.listener);
            assert.equal(listener.inputs.port, 80);
            assert.deepEqual(forwardsTo(staging, listener.inputs.defaultActions), [SERVICES[defaultService()].port]);
            // In priority order, which is the services' declaration order (runtime/routing.ts).
            const rules = ofType(staging, TYPES.listenerRule).sort((a, b) => a.inputs.priority - b.inputs.priority);
            assert.deepEqual(
                rules.map((rule) => [
                    rule.inputs.listenerArn,
                    rule.inputs.conditions,
                    forwardsTo(staging, rule.inputs.actions),
                ]),
                ROUTED.map((service) => [
                    listener.state.arn,
                    [{ pathPattern: { values: SERVICES[service].pathPatterns } }],
                    [SERVICES[service].port],
                ]),
            );
        });

        it("with a certificate: HTTP redirects to HTTPS, which serves with TLS 1.2/1.3 and the same routes", () => {
            const https = runtimeOf("https");
            const http = single(https, TYPES.listener, "load-balancer-http");
            assert.deepEqual(http.inputs.defaultActions, [
                { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
            ]);
            const secure = single(https, TYPES.listener, "load-balancer-https");
            assert.equal(secure.inputs.port, 443);
            assert.equal(secure.inputs.protocol, "HTTPS");
            assert.equal(secure.inputs.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
            assert.equal(secure.inputs.certificateArn, envs.https.base.outputs.certificateArn);
            assert.deepEqual(forwardsTo(https, secure.inputs.defaultActions), [SERVICES[defaultService()].port]);
            assert.deepEqual(
                ofType(https, TYPES.listenerRule)
                    .sort((a, b) => a.inputs.priority - b.inputs.priority)
                    .map((rule) => [rule.inputs.listenerArn, forwardsTo(https, rule.inputs.actions)]),
                ROUTED.map((service) => [secure.state.arn, [SERVICES[service].port]]),
            );
        });
    });

    describe("prod never serves the application over plain HTTP", () => {
        const listenersOf = (evaluation: Evaluation) =>
            ofType(evaluation, TYPES.listener).map((listener) => [
                listener.inputs.port,
                listener.inputs.protocol,
                listener.inputs.sslPolicy,
                listener.inputs.certificateArn,
                listener.inputs.defaultActions.map((action: any) => action.type),
            ]);

        it("as committed: HTTPS only on base-prod's certificate, port 80 redirecting to it", () => {
            const { base, runtime } = envs.prod;
            assert.deepEqual(listenersOf(runtime), [
                [80, "HTTP", undefined, undefined, ["redirect"]],
                [443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06", base.outputs.certificateArn, ["forward"]],
            ]);
            assert.ok(base.outputs.certificateArn);
            assert.equal(runtime.outputs.url, "https://example.com");
        });

        it("without a domain: refused before any runtime resource, naming the domain key and what to run", async () => {
            const base = await evaluateBase("prod", { domain: "", dnsDelegated: "" });
            const failure = await failureOf(evaluateRuntime("prod", base));
            assert.equal(
                failure.message,
                'runtime-prod: prod never serves the application over plain HTTP, and base stack "organization/durable-code/base-prod" publishes no certificate: it has no domain; ' +
                    'set durable-code:domain in Pulumi.base-prod.yaml, run "pulumi up -s base-prod", delegate the zone to its nameServers, ' +
                    'set durable-code:dnsDelegated true and run "pulumi up -s base-prod" again (docs/deploying.md, "DNS and HTTPS")',
            );
            assert.deepEqual(
                failure.resources.filter((resource) => resource.type.startsWith("aws:")),
                [],
            );
        });

        it("with a domain whose certificate awaits delegation: refused, saying how to get the certificate", async () => {
            const base = await evaluateBase("prod", { dnsDelegated: "" });
            const failure = await failureOf(evaluateRuntime("prod", base));
            assert.equal(
                failure.message,
                'runtime-prod: prod never serves the application over plain HTTP, and base stack "organization/durable-code/base-prod" publishes no certificate for example.com yet ' +
                    '(ACM validates it once the zone is delegated): delegate example.com to "pulumi stack output nameServers -s base-prod", ' +
                    'run "pulumi config set dnsDelegated true -s base-prod" and "pulumi up -s base-prod"',
            );
        });

        it("dev and staging still serve HTTP until a certificate exists", () => {
            assert.deepEqual(listenersOf(runtimeOf("staging")), [[80, "HTTP", undefined, undefined, ["forward"]]]);
        });
    });

    describe("front door http-api", () => {
        before(async () => {
            envs.httpApi = await evaluateEnvironment("dev", {
                base: { frontDoor: "http-api" },
                runtime: { frontDoor: "http-api" },
            });
            envs.httpApiDomain = await evaluateEnvironment("dev", {
                base: { frontDoor: "http-api", domain: "example.com", dnsDelegated: "true" },
                runtime: { frontDoor: "http-api" },
            });
        });
        const API = {
            api: "aws:apigatewayv2/api:Api",
            stage: "aws:apigatewayv2/stage:Stage",
            integration: "aws:apigatewayv2/integration:Integration",
            route: "aws:apigatewayv2/route:Route",
            domainName: "aws:apigatewayv2/domainName:DomainName",
            apiMapping: "aws:apigatewayv2/apiMapping:ApiMapping",
            registry: "aws:servicediscovery/service:Service",
        };
        const registryOf = (evaluation: Evaluation, arn: string) =>
            ofType(evaluation, API.registry).find((registry) => registry.state.arn === arn)?.inputs.name;

        it("logs every request as one JSON line into base's log group: request id, status, integration error and latency", () => {
            const { base, runtime } = envs.httpApi;
            const { destinationArn, format } = single(runtime, API.stage).inputs.accessLogSettings;
            assert.equal(destinationArn, base.outputs.apiAccessLogGroupArn);
            assert.ok(destinationArn.endsWith(":log-group:/aws/vendedlogs/apigateway/durable-code-dev/access"));
            assert.deepEqual(JSON.parse(format), {
                requestId: "$context.requestId",
                requestTime: "$context.requestTime",
                ip: "$context.identity.sourceIp",
                method: "$context.httpMethod",
                path: "$context.path",
                routeKey: "$context.routeKey",
                protocol: "$context.protocol",
                status: "$context.status",
                responseLength: "$context.responseLength",
                responseLatency: "$context.responseLatency",
                integrationStatus: "$context.integration.status",
                integrationLatency: "$context.integration.latency",
                integrationError: "$context.integrationErrorMessage",
                error: "$context.error.message",
            });
            // An access log template holds at most 3 KB ("HTTP API quotas", not raisable).
            assert.ok(format.length <= 3 * 1024, `${format.length} bytes`);
        });

        it("declares no load balancer, listener or target group", () => {
            const runtime = runtimeOf("httpApi");
            assert.deepEqual(
                runtime.resources
                    .filter((resource) => awsModule(resource.type) === "lb")
                    .map((resource) => resource.type),
                [],
            );
            assert.equal(runtime.outputs.loadBalancerDnsName, undefined);
        });

        it("is one HTTP API with the $default stage deploying every change", () => {
            const runtime = runtimeOf("httpApi");
            const api = single(runtime, API.api);
            assert.deepEqual(
                [api.inputs.name, api.inputs.protocolType, api.inputs.disableExecuteApiEndpoint],
                ["durable-code-dev", "HTTP", false],
            );
            const stage = single(runtime, API.stage);
            assert.deepEqual(
                [stage.inputs.apiId, stage.inputs.name, stage.inputs.autoDeploy],
                [api.id, "$default", true],
            );
        });

        it("registers each service's tasks in a Cloud Map service of base's namespace with SRV records, and ECS names the container and port", () => {
            const { base, runtime } = envs.httpApi;
            const registries = ofType(runtime, API.registry).map((registry) => [
                registry.inputs.name,
                registry.inputs.dnsConfig,
                registry.inputs.forceDestroy,
            ]);
            const dnsConfig = {
                namespaceId: base.outputs.serviceDiscoveryNamespaceId,
                dnsRecords: [{ type: "SRV", ttl: 10 }],
                routingPolicy: "MULTIVALUE",
            };
            assert.deepEqual(
                registries,
                SERVICE_NAMES.map((service) => [service, dnsConfig, true]),
            );
            const services = ofType(runtime, TYPES.service).map((service) => [
                service.inputs.loadBalancers,
                registryOf(runtime, service.inputs.serviceRegistries.registryArn),
                service.inputs.serviceRegistries.containerName,
                service.inputs.serviceRegistries.containerPort,
            ]);
            assert.deepEqual(
                services,
                SERVICE_NAMES.map((service) => [undefined, service, service, SERVICES[service].port]),
            );
        });

        it("reaches each service through a private integration over base's VPC link, with the 30-second timeout", () => {
            const { base, runtime } = envs.httpApi;
            const integrations = ofType(runtime, API.integration).map((integration) => [
                registryOf(runtime, integration.inputs.integrationUri),
                integration.inputs.integrationType,
                integration.inputs.connectionType,
                integration.inputs.connectionId,
                integration.inputs.payloadFormatVersion,
                integration.inputs.timeoutMilliseconds,
            ]);
            assert.deepEqual(
                integrations,
                SERVICE_NAMES.map((service) => [
                    service,
                    "HTTP_PROXY",
                    "VPC_LINK",
                    base.outputs.vpcLinkId,
                    "1.0",
                    30000,
                ]),
            );
        });

        it("routes each service's patterns to it (the back end's /api/* and /health) and everything else to the catch-all (the front end), as the listener rules do", () => {
            const runtime = runtimeOf("httpApi");
            const serviceOf = (target: string) => {
                const integration = ofType(runtime, API.integration).find(
                    (candidate) => `integrations/${candidate.id}` === target,
                )!;
                return registryOf(runtime, integration.inputs.integrationUri);
            };
            assert.deepEqual(
                ofType(runtime, API.route)
                    .map((route) => [route.inputs.routeKey, serviceOf(route.inputs.target)])
                    .sort(([a], [b]) => a.localeCompare(b)),
                [
                    ["$default", defaultService()],
                    ...ROUTED.flatMap((service) =>
                        SERVICES[service].pathPatterns.map((pattern) => [routeKeyFor(pattern), service]),
                    ),
                ].sort(([a], [b]) => a.localeCompare(b)),
            );
        });

        it("translates the load balancer's path patterns into route keys, and refuses one it cannot", () => {
            assert.deepEqual(["/api/*", "/health"].map(routeKeyFor), ["ANY /api/{proxy+}", "ANY /health"]);
            assert.throws(() => routeKeyFor("/api/*/items"), {
                message: 'path pattern /api/*/items has no HTTP API route key; only "/path" and "/path/*" translate',
            });
        });

        it("without a certificate: no custom domain, no records, and the API's own HTTPS endpoint is the URL", () => {
            const runtime = runtimeOf("httpApi");
            assert.deepEqual([...ofType(runtime, API.domainName), ...ofType(runtime, TYPES.record)], []);
            assert.equal(runtime.outputs.url, "https://front-door-api-0a1b2c.execute-api.us-west-2.amazonaws.com");
            assert.equal(runtime.outputs.apiEndpoint, runtime.outputs.url);
        });

        it("with a zone and certificate: a regional TLS 1.2 custom domain per hostname on base's certificate, records pointing at them, the execute-api endpoint off", () => {
            const { base, runtime } = envs.httpApiDomain;
            const domains = ofType(runtime, API.domainName);
            assert.deepEqual(
                domains.map((domain) => [domain.inputs.domainName, domain.inputs.domainNameConfiguration]),
                ["dev.example.com", "www.dev.example.com", "api.dev.example.com"].map((name) => [
                    name,
                    {
                        certificateArn: base.outputs.certificateArn,
                        endpointType: "REGIONAL",
                        securityPolicy: "TLS_1_2",
                    },
                ]),
            );
            const api = single(runtime, API.api);
            const stage = single(runtime, API.stage);
            assert.deepEqual(
                ofType(runtime, API.apiMapping).map((mapping) => [
                    mapping.inputs.apiId,
                    mapping.inputs.stage,
                    mapping.inputs.domainName,
                ]),
                domains.map((domain) => [api.id, stage.id, domain.id]),
            );
            assert.deepEqual(
                ofType(runtime, TYPES.record).map((record) => [
                    record.inputs.name,
                    record.inputs.type,
                    record.inputs.aliases,
                ]),
                ["dev.example.com", "www.dev.example.com", "api.dev.example.com"].map((name, index) => [
                    name,
                    "A",
                    [
                        {
                            name: `d-front-door-${["app", "www", "api"][index]}.execute-api.us-west-2.amazonaws.com`,
                            zoneId: "Z2OJLYMUO9EFXC",
                            evaluateTargetHealth: false,
                        },
                    ],
                ]),
            );
            assert.equal(api.inputs.disableExecuteApiEndpoint, true);
            assert.equal(runtime.outputs.url, "https://dev.example.com");
        });

        it("leaves deployments to the container health checks and the circuit breaker, with no target group to wait for", () => {
            for (const service of nonEmpty(ofType(runtimeOf("httpApi"), TYPES.service))) {
                assert.deepEqual(service.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
                assert.equal(service.inputs.waitForSteadyState, true);
            }
        });

        it("declares Cloud Map's custom health setting with the value AWS keeps (failureThreshold 1), so the provider creates it and no later plan replaces the service", () => {
            // An empty block is sent as nothing (terraform-provider-aws expandHealthCheckCustomConfig), so the
            // service would have no custom health check and every plan would replace it (hashicorp/terraform-provider-aws#44285).
            assert.deepEqual(
                ofType(runtimeOf("httpApi"), API.registry).map((registry) => [
                    registry.inputs.name,
                    registry.inputs.healthCheckCustomConfig,
                ]),
                SERVICE_NAMES.map((service) => [service, { failureThreshold: 1 }]),
            );
        });
    });

    describe("ECS", () => {
        it("offers FARGATE and FARGATE_SPOT on the cluster", () => {
            assert.deepEqual(single(runtimeOf("dev"), TYPES.capacityProviders).inputs.capacityProviders, [
                "FARGATE",
                "FARGATE_SPOT",
            ]);
        });

        it("runs dev on Spot through a capacity provider strategy, never a launch type", () => {
            for (const service of nonEmpty(ofType(runtimeOf("dev"), TYPES.service))) {
                assert.equal(service.inputs.launchType, undefined);
                assert.deepEqual(service.inputs.capacityProviderStrategies, [
                    { capacityProvider: "FARGATE_SPOT", weight: 1 },
                ]);
            }
            for (const service of nonEmpty(ofType(runtimeOf("prod"), TYPES.service))) {
                assert.equal(service.inputs.launchType, undefined);
                assert.deepEqual(service.inputs.capacityProviderStrategies, [
                    { capacityProvider: "FARGATE", weight: 1 },
                ]);
            }
        });

        it("can change a live service's capacity provider strategy: ECS needs a new deployment, so forceNewDeployment with the strategy as its trigger", () => {
            for (const service of [
                ...ofType(runtimeOf("dev"), TYPES.service),
                ...ofType(runtimeOf("prod"), TYPES.service),
            ]) {
                assert.equal(service.inputs.forceNewDeployment, true);
                assert.deepEqual(
                    JSON.parse(service.inputs.triggers.capacityProviderStrategy),
                    service.inputs.capacityProviderStrategies,
                );
            }
        });

        it("sizes tasks per environment: dev 256/512 x1 awake (deployed asleep at 0), staging 512/1024 x2, prod 1024/2048 x3", () => {
            const sizes = ["dev", "staging", "prod"].map((env) => {
                const task = ofType(runtimeOf(env), TYPES.taskDefinition)[0];
                const service = ofType(runtimeOf(env), TYPES.service)[0];
                const target = ofType(runtimeOf(env), TYPES.scalingTarget)[0];
                return [task.inputs.cpu, task.inputs.memory, service.inputs.desiredCount, target.inputs.maxCapacity];
            });
            assert.deepEqual(sizes, [
                ["256", "512", 0, 1],
                ["512", "1024", 2, 4],
                ["1024", "2048", 3, 10],
            ]);
        });

        it("runs each container from its base repository at the tag committed in Pulumi.runtime-dev.yaml, on its port, logging to its group", () => {
            const dev = runtimeOf("dev");
            const tag = stackConfig("runtime-dev")["durable-code:imageTag"];
            const containers = ofType(dev, TYPES.taskDefinition).map((task) => containerDefinitions(task)[0]);
            assert.deepEqual(
                containers.map((container) => [
                    container.name,
                    container.image,
                    container.portMappings[0].containerPort,
                ]),
                SERVICE_NAMES.map((service) => [
                    service,
                    `123456789012.dkr.ecr.us-west-2.amazonaws.com/durable-code-dev-${service}:${tag}`,
                    SERVICES[service].port,
                ]),
            );
            assert.deepEqual(
                containers.map((container) => container.logConfiguration.options["awslogs-group"]),
                SERVICE_NAMES.map((service) => dev.outputs.logGroupNames[service]),
            );
        });

        it("uses awsvpc networking on Fargate", () => {
            const tasks = ofType(runtimeOf("staging"), TYPES.taskDefinition);
            assert.equal(tasks.length, SERVICE_NAMES.length);
            for (const task of tasks) {
                assert.equal(task.inputs.networkMode, "awsvpc");
                assert.deepEqual(task.inputs.requiresCompatibilities, ["FARGATE"]);
            }
        });

        it("checks container health without curl or wget, which slim images lack (the back end's, as committed, with Python on 8000 at /health)", () => {
            const commands = ofType(runtimeOf("dev"), TYPES.taskDefinition).flatMap((task) =>
                containerDefinitions(task).map((container) => container.healthCheck?.command ?? []),
            );
            assert.equal(commands.length, SERVICE_NAMES.length);
            assert.ok(commands.every((command) => !command.some((word: string) => /\b(curl|wget)\b/.test(word))));
            const backend = commands[SERVICE_NAMES.indexOf("backend")];
            assert.deepEqual(backend.slice(0, 2), ["CMD", "python"]);
            assert.match(backend.join(" "), /127\.0\.0\.1:8000\/health/);
        });

        it("rolls back a failed deployment and waits for steady state", () => {
            for (const service of nonEmpty(ofType(runtimeOf("prod"), TYPES.service))) {
                assert.deepEqual(service.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
                assert.equal(service.inputs.waitForSteadyState, true);
            }
        });

        it("leaves the running count to autoscaling between deploys", () => {
            for (const service of nonEmpty(ofType(runtimeOf("dev"), TYPES.service)))
                assert.deepEqual(service.ignoreChanges, ["desiredCount"]);
        });

        it("scales each service on CPU between the environment's min and max; dev, asleep at rest, between 0 and 1 on requests", () => {
            const ranges = ["dev", "staging", "prod"].map((env) =>
                ofType(runtimeOf(env), TYPES.scalingTarget).map((target) => [
                    target.inputs.minCapacity,
                    target.inputs.maxCapacity,
                ]),
            );
            assert.deepEqual(ranges, [each([0, 1]), each([2, 4]), each([3, 10])]);
            const policy = ofType(runtimeOf("staging"), TYPES.scalingPolicy)[0];
            assert.equal(
                policy.inputs.targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification
                    .predefinedMetricType,
                "ECSServiceAverageCPUUtilization",
            );
        });

        it("enables ECS Exec in dev only by default", () => {
            assert.deepEqual(
                ["dev", "staging", "prod"].map((env) =>
                    ofType(runtimeOf(env), TYPES.service).map((service) => service.inputs.enableExecuteCommand),
                ),
                [each(true), each(false), each(false)],
            );
        });

        it("turns Container Insights on in prod only", () => {
            assert.deepEqual(
                ["dev", "staging", "prod"].map((env) => single(runtimeOf(env), TYPES.cluster).inputs.settings[0].value),
                ["disabled", "disabled", "enabled"],
            );
        });
    });

    describe("logs", () => {
        it("declares no log group: it writes to base's groups, which outlive the nightly destroy", () => {
            for (const env of ["dev", "staging", "prod"])
                assert.deepEqual(ofType(runtimeOf(env), TYPES.logGroup), [], env);
            const containers = ofType(runtimeOf("staging"), TYPES.taskDefinition).map(
                (task) => containerDefinitions(task)[0].logConfiguration.options["awslogs-group"],
            );
            assert.deepEqual(
                containers,
                SERVICE_NAMES.map((service) => `/ecs/durable-code-staging/${service}`),
            );
        });
    });

    describe("IAM", () => {
        const statements = (evaluation: Evaluation, role: string) =>
            JSON.parse(single(evaluation, TYPES.rolePolicy, `roles-${role}`).inputs.policy).Statement;

        it("lets ECS pull only this environment's images, one per service, and write only its services' log groups", () => {
            const { base, runtime } = envs.dev;
            const [token, pull, logs] = statements(runtime, "execution");
            assert.deepEqual(token, { Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" });
            assert.deepEqual(
                pull.Resource,
                SERVICE_NAMES.map((service) => base.outputs.repositories[service].arn),
            );
            assert.deepEqual(logs.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
            // The services' groups only: not the HTTP API's access log, which base keeps beside them.
            assert.deepEqual(
                logs.Resource,
                nonEmpty(Object.values(base.outputs.logGroups)).map((group: any) => `${group.arn}:log-stream:*`),
            );
        });

        it("starts no task before the execution role's permissions exist: services depend on its policy", () => {
            const dev = runtimeOf("dev");
            const policy = ofType(dev, TYPES.rolePolicy).find((candidate) => candidate.name === "roles-execution")!;
            for (const service of nonEmpty(ofType(dev, TYPES.service)))
                assert.ok(dependsOn(dev, service, policy), service.name);
        });

        it("gives the application no permissions unless ECS Exec is on", () => {
            assert.equal(
                ofType(runtimeOf("prod"), TYPES.rolePolicy).filter((policy) => policy.name === "roles-task").length,
                0,
            );
            assert.deepEqual(statements(runtimeOf("dev"), "task"), [
                {
                    Effect: "Allow",
                    Action: [
                        "ssmmessages:CreateControlChannel",
                        "ssmmessages:CreateDataChannel",
                        "ssmmessages:OpenControlChannel",
                        "ssmmessages:OpenDataChannel",
                    ],
                    Resource: "*",
                },
            ]);
        });
    });

    describe("DNS records and outputs", () => {
        it("point the environment's zone name, www.<it> (as the old setup had) and api.<it> at the load balancer when base has a zone", () => {
            const https = runtimeOf("https");
            const records = ofType(https, TYPES.record).map((record) => [
                record.inputs.name,
                record.inputs.type,
                record.inputs.zoneId,
                record.inputs.aliases[0].name,
            ]);
            const dnsName = single(https, TYPES.loadBalancer).state.dnsName;
            assert.deepEqual(records, [
                ["staging.example.com", "A", "Z0MOCKZONE0001", dnsName],
                ["www.staging.example.com", "A", "Z0MOCKZONE0001", dnsName],
                ["api.staging.example.com", "A", "Z0MOCKZONE0001", dnsName],
            ]);
            assert.equal(https.outputs.url, "https://staging.example.com");
        });

        it("without a zone, create no records and give the load balancer's HTTP address as the URL", () => {
            const staging = runtimeOf("staging");
            assert.deepEqual(ofType(staging, TYPES.record), []);
            assert.equal(staging.outputs.url, `http://${staging.outputs.loadBalancerDnsName}`);
        });

        it("name the cluster, services and log groups", () => {
            const { clusterName, serviceNames, logGroupNames } = runtimeOf("staging").outputs;
            assert.equal(clusterName, "durable-code-staging");
            assert.deepEqual(
                serviceNames,
                Object.fromEntries(SERVICE_NAMES.map((service) => [service, `durable-code-staging-${service}`])),
            );
            assert.deepEqual(Object.keys(logGroupNames), [...SERVICE_NAMES]);
        });

        it("publish the task definition each service was deployed with, which up checks ECS's primary deployment against", () => {
            const staging = runtimeOf("staging");
            const arns = ofType(staging, TYPES.taskDefinition).map((definition) => definition.state.arn);
            assert.deepEqual(
                staging.outputs.taskDefinitions,
                Object.fromEntries(SERVICE_NAMES.map((service, i) => [service, arns[i]])),
            );
            assert.match(
                arns[0],
                /^arn:aws:ecs:us-west-2:123456789012:task-definition\/durable-code-staging-frontend:\d+$/,
            );
        });
    });
});
