import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { BaseContract } from "../shared/contract";
import { discoveryServiceName, physicalName } from "../shared/naming";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { tagsFor } from "../shared/tags";
import { AliasTarget, Hostnames } from "./dns-records";
import { DEFAULT_SERVICE, routeKeyFor, routingRules } from "./routing";

/** The longest an HTTP API waits for an integration (API Gateway quotas, "HTTP API quotas"). */
export const INTEGRATION_TIMEOUT_MS = 30_000;

/**
 * One JSON line per request in the stage's access log: who asked for what, what was answered, how long
 * it took, and why the integration failed when it did. Variables: API Gateway developer guide,
 * "Customize HTTP API access logs".
 */
export const ACCESS_LOG_FORMAT = {
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
} as const;

/** API Gateway's TLS policy for regional custom domains: TLS 1.2 and newer. */
export const API_TLS_POLICY = "TLS_1_2";

/**
 * The front door `http-api`: an API Gateway HTTP API, charged by the request, in place of the load
 * balancer. Each service registers its tasks in a Cloud Map service (SRV records in base's
 * namespace, so ECS records the port); one private integration per service reaches them over base's
 * VPC link; the routes are the load balancer's rules (routing.ts), the front end taking the default
 * route. With base's certificate, each hostname is a regional custom domain and the API's own
 * execute-api endpoint is off, so the only way in is HTTPS on the environment's names. API Gateway
 * serves no plain HTTP at all.
 */
export class HttpApi extends pulumi.ComponentResource {
    readonly api: aws.apigatewayv2.Api;
    /** The Cloud Map service each ECS service registers its tasks in. */
    readonly registries: Record<ServiceName, aws.servicediscovery.Service>;
    /** With a certificate: each hostname's custom domain, as an alias target. */
    readonly domains: Partial<Record<keyof Hostnames, AliasTarget>>;
    readonly url: pulumi.Output<string>;

    constructor(
        name: string,
        args: { config: RuntimeConfig; base: BaseContract; hostnames?: Hostnames },
        opts: pulumi.ComponentResourceOptions = {},
    ) {
        super("durable-code:runtime:HttpApi", name, {}, opts);
        const { config, base } = args;
        const child = { parent: this };
        const hostnames = base.certificateArn ? args.hostnames : undefined;

        // Required: protocolType (provider docs, aws.apigatewayv2.Api).
        this.api = new aws.apigatewayv2.Api(
            `${name}-api`,
            {
                name: physicalName(config),
                protocolType: "HTTP",
                disableExecuteApiEndpoint: hostnames !== undefined,
                tags: tagsFor(config, physicalName(config)),
            },
            child,
        );
        const stage = new aws.apigatewayv2.Stage(
            `${name}-stage`,
            {
                apiId: this.api.id,
                name: "$default",
                autoDeploy: true,
                // Into base's log group. API Gateway sets the delivery up with the caller's rights
                // (developer guide, "Configure logging for HTTP APIs", Permissions to activate logging):
                // logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery,
                // ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies (no resource type: "*"),
                // and logs:DescribeLogGroups; the deploy role holds them (base/github-access).
                accessLogSettings: {
                    destinationArn: base.apiAccessLogGroupArn,
                    format: JSON.stringify(ACCESS_LOG_FORMAT),
                },
                tags: tagsFor(config, physicalName(config, "api-stage")),
            },
            child,
        );

        this.registries = this.cloudMapServices(name, config, base);
        this.route(name, base);
        this.domains = this.customDomains(name, config, base, stage, hostnames);
        this.url = hostnames ? pulumi.output(`https://${hostnames.app}`) : this.api.apiEndpoint;
        this.registerOutputs({ apiEndpoint: this.api.apiEndpoint });
    }

    /** The Cloud Map service each ECS service registers its tasks in, in base's namespace. */
    private cloudMapServices(
        name: string,
        config: RuntimeConfig,
        base: BaseContract,
    ): Record<ServiceName, aws.servicediscovery.Service> {
        const child = { parent: this };
        return Object.fromEntries(
            SERVICE_NAMES.map((service) => {
                // ECS registers each task's address and port (AWS_INSTANCE_IPV4, AWS_INSTANCE_PORT) and,
                // with the custom health check, whether its container health check passes.
                const registry = new aws.servicediscovery.Service(
                    `${name}-${service}`,
                    {
                        // Base's namespace is dev's runtime's and every review's: each its own service names.
                        name: discoveryServiceName(config, service),
                        dnsConfig: {
                            namespaceId: base.serviceDiscoveryNamespaceId,
                            dnsRecords: [{ type: "SRV", ttl: 10 }],
                            routingPolicy: "MULTIVALUE",
                        },
                        // failureThreshold is deprecated (AWS always uses 1), but the provider sends the block only
                        // when a field in it is set: `{}` never creates it, so ECS's health never reaches Cloud Map
                        // and every later plan replaces the service, which fails while tasks are registered
                        // (terraform-provider-aws servicediscovery/service.go expandHealthCheckCustomConfig;
                        // hashicorp/terraform-provider-aws#44285). 1 is the value AWS keeps, so plans stay quiet.
                        healthCheckCustomConfig: { failureThreshold: 1 },
                        // The nightly destroy may find a task still registered; remove it with the service.
                        forceDestroy: true,
                        tags: tagsFor(config, physicalName(config, service)),
                    },
                    child,
                );
                return [service, registry];
            }),
        ) as Record<ServiceName, aws.servicediscovery.Service>;
    }

    /** One private integration per service, and the load balancer's rules as routes to them. */
    private route(name: string, base: BaseContract): void {
        const child = { parent: this };
        // Required: apiId, integrationType; a private integration names the VPC link and the Cloud Map
        // service's ARN, and an HTTP proxy takes payload format 1.0 (provider docs, aws.apigatewayv2.Integration).
        const integrations = Object.fromEntries(
            SERVICE_NAMES.map((service) => [
                service,
                new aws.apigatewayv2.Integration(
                    `${name}-${service}`,
                    {
                        apiId: this.api.id,
                        integrationType: "HTTP_PROXY",
                        integrationMethod: "ANY",
                        connectionType: "VPC_LINK",
                        connectionId: base.vpcLinkId,
                        integrationUri: this.registries[service].arn,
                        payloadFormatVersion: "1.0",
                        timeoutMilliseconds: INTEGRATION_TIMEOUT_MS,
                    },
                    child,
                ),
            ]),
        ) as Record<ServiceName, aws.apigatewayv2.Integration>;

        const routes = [
            ...routingRules().flatMap((rule) =>
                rule.pathPatterns.map((pattern) => ({ key: routeKeyFor(pattern), service: rule.service })),
            ),
            { key: "$default", service: DEFAULT_SERVICE },
        ];
        for (const route of routes) {
            new aws.apigatewayv2.Route(
                `${name}-route-${
                    route.key === "$default"
                        ? "default"
                        : route.key
                              .slice("ANY ".length)
                              .replace(/[^a-z0-9]+/gi, "-")
                              .replace(/^-|-$/g, "")
                }`,
                {
                    apiId: this.api.id,
                    routeKey: route.key,
                    target: pulumi.interpolate`integrations/${integrations[route.service].id}`,
                },
                child,
            );
        }
    }

    /** With a certificate: each hostname as a regional custom domain mapped to the stage. */
    private customDomains(
        name: string,
        config: RuntimeConfig,
        base: BaseContract,
        stage: aws.apigatewayv2.Stage,
        hostnames: Hostnames | undefined,
    ): Partial<Record<keyof Hostnames, AliasTarget>> {
        const child = { parent: this };
        const domains: Partial<Record<keyof Hostnames, AliasTarget>> = {};
        for (const [role, hostname] of Object.entries(hostnames ?? {}).filter(
            (entry): entry is [keyof Hostnames, string] => entry[1] !== undefined,
        )) {
            // Required: domainName and domainNameConfiguration's certificateArn, endpointType and
            // securityPolicy (provider docs, aws.apigatewayv2.DomainName).
            const domain = new aws.apigatewayv2.DomainName(
                `${name}-${role}`,
                {
                    domainName: hostname,
                    domainNameConfiguration: {
                        certificateArn: base.certificateArn,
                        endpointType: "REGIONAL",
                        securityPolicy: API_TLS_POLICY,
                    },
                    tags: tagsFor(config, hostname),
                },
                child,
            );
            new aws.apigatewayv2.ApiMapping(
                `${name}-${role}`,
                { apiId: this.api.id, domainName: domain.id, stage: stage.id },
                child,
            );
            domains[role] = {
                name: domain.domainNameConfiguration.apply((configuration) => configuration.targetDomainName!),
                zoneId: domain.domainNameConfiguration.apply((configuration) => configuration.hostedZoneId!),
                evaluateTargetHealth: false,
            };
        }
        return domains;
    }
}
