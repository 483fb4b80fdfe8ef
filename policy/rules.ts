import { httpsOnly, isEnvironmentName, isProductionLike, PRODUCTION_EGRESS_MODES } from "../shared/environments";
import { PUBLIC_LISTENER_PORTS } from "../shared/services";
import { CONTRACT_TAG_KEYS } from "../shared/tags";
import { TYPES } from "../shared/resource-types";

/** A resource as a policy sees it: its type, name and properties. */
export interface CheckedResource {
    readonly type: string;
    readonly name: string;
    readonly urn?: string;
    readonly props: Record<string, any>;
}

export interface CheckedStack {
    /** The project, when the stack's name says it: every resource's Project tag must name it. */
    readonly project?: string;
    readonly layer: "base" | "runtime";
    readonly env: string;
    readonly resources: readonly CheckedResource[];
}

/** Whether shared/environments.ts declares the stack's environment production-like (one it does not declare is not). */
function productionLike(stack: CheckedStack): boolean {
    return isEnvironmentName(stack.env) && isProductionLike(stack.env);
}

export interface Violation {
    readonly message: string;
    readonly resource?: CheckedResource;
}

export interface Rule {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: "mandatory" | "advisory";
    check(stack: CheckedStack): Violation[];
}

/**
 * AWS service modules (`aws:<module>/...`) a layer must never contain. Log groups are the exception
 * in `cloudwatch`: they cost nothing by the hour and must outlive runtime, so base owns them.
 */
const HOURLY_IN_BASE = ["lb", "alb", "ecs", "cloudwatch", "appautoscaling"];
const FREE_AT_REST_IN_BASE: readonly string[] = [TYPES.logGroup];
const PERSISTENT_IN_RUNTIME_TYPES: readonly string[] = [
    TYPES.vpc,
    TYPES.subnet,
    TYPES.internetGateway,
    TYPES.routeTable,
    TYPES.securityGroup,
    TYPES.zone,
    TYPES.logGroup,
];
const PERSISTENT_IN_RUNTIME_MODULES = ["ecr", "acm", "s3"];
const OPEN = ["0.0.0.0/0", "::/0"];

/** Types that take no tags; every other AWS resource must carry the contract tags. */
const UNTAGGABLE = new Set<string>([
    TYPES.routeTableAssociation,
    TYPES.route,
    TYPES.lifecyclePolicy,
    TYPES.certificateValidation,
    TYPES.record,
    TYPES.capacityProviders,
    TYPES.rolePolicy,
    TYPES.scalingPolicy,
    TYPES.bucketPublicAccessBlock,
    TYPES.bucketServerSideEncryptionConfiguration,
    TYPES.bucketLifecycleConfiguration,
    TYPES.bucketPolicy,
    TYPES.rolePolicyAttachment,
    TYPES.apiIntegration,
    TYPES.apiRoute,
    TYPES.apiMapping,
]);

const moduleOf = (type: string) => type.split(":")[1]?.split("/")[0] ?? "";
const ofType = (stack: CheckedStack, type: string) => stack.resources.filter((resource) => resource.type === type);
const violation = (resource: CheckedResource, message: string): Violation => ({
    resource,
    message: `${resource.name} (${resource.type}): ${message}`,
});

export const RULES: readonly Rule[] = [
    {
        name: "base-costs-nothing-at-rest",
        description:
            "Base declares no NAT gateway, Elastic IP, load balancer, ECS, metric or autoscaling resource: they cost by the hour and belong to runtime.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            stack.layer !== "base"
                ? []
                : stack.resources
                      .filter(
                          (resource) =>
                              resource.type === TYPES.natGateway ||
                              resource.type === TYPES.eip ||
                              HOURLY_IN_BASE.includes(moduleOf(resource.type)),
                      )
                      .filter((resource) => !FREE_AT_REST_IN_BASE.includes(resource.type))
                      .map((resource) =>
                          violation(resource, "costs by the hour; declare it in runtime, which is torn down nightly"),
                      ),
    },
    {
        name: "runtime-owns-nothing-persistent",
        description:
            "Runtime declares no VPC, subnet, route table, security group, repository, zone, certificate, log group or bucket: they must survive the nightly destroy.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            stack.layer !== "runtime"
                ? []
                : stack.resources
                      .filter(
                          (resource) =>
                              PERSISTENT_IN_RUNTIME_TYPES.includes(resource.type) ||
                              PERSISTENT_IN_RUNTIME_MODULES.includes(moduleOf(resource.type)),
                      )
                      .map((resource) => violation(resource, "would be destroyed every night; declare it in base")),
    },
    {
        name: "internet-ingress-only-to-load-balancer",
        description: `Only the load balancer's group takes traffic from 0.0.0.0/0 or ::/0, and only on ports ${PUBLIC_LISTENER_PORTS.join(" and ")}.`,
        enforcementLevel: "mandatory",
        check: (stack) => {
            const violations: Violation[] = [];
            for (const rule of ofType(stack, TYPES.ingressRule)) {
                const open = OPEN.includes(rule.props.cidrIpv4) || OPEN.includes(rule.props.cidrIpv6);
                const webPort =
                    (PUBLIC_LISTENER_PORTS as readonly number[]).includes(rule.props.fromPort) &&
                    rule.props.fromPort === rule.props.toPort;
                if (open && !(rule.props.tags?.Role === "load-balancer" && webPort)) {
                    violations.push(
                        violation(
                            rule,
                            `opens ports ${rule.props.fromPort}-${rule.props.toPort} to the internet; only the load balancer's ${PUBLIC_LISTENER_PORTS.join(" and ")} may be`,
                        ),
                    );
                }
            }
            for (const group of ofType(stack, TYPES.securityGroup)) {
                for (const inline of group.props.ingress ?? []) {
                    if (
                        [...(inline.cidrBlocks ?? []), ...(inline.ipv6CidrBlocks ?? [])].some((cidr: string) =>
                            OPEN.includes(cidr),
                        )
                    ) {
                        violations.push(
                            violation(
                                group,
                                `has an inline rule open to the internet on ${inline.fromPort}-${inline.toPort}; use SecurityGroupIngressRule resources`,
                            ),
                        );
                    }
                }
            }
            return violations;
        },
    },
    {
        name: "services-reached-through-front-door-only",
        description:
            "Ingress to the services' group comes from the front door's group (the load balancer's or the VPC link's), never from an address range.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            ofType(stack, TYPES.ingressRule)
                .filter(
                    (rule) =>
                        rule.props.tags?.Role === "services" &&
                        (rule.props.cidrIpv4 || rule.props.cidrIpv6 || rule.props.prefixListId),
                )
                .map((rule) =>
                    violation(
                        rule,
                        "lets an address range reach the services; reference the front door's security group (the load balancer's or the VPC link's) instead",
                    ),
                ),
    },
    {
        name: "front-door-split",
        description:
            "An HTTP API front door's VPC link and Cloud Map namespace belong to base (they persist, and the link takes minutes to create); the API, its stages, routes, integrations, domain names and Cloud Map services to runtime.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            stack.layer === "base"
                ? stack.resources
                      .filter(
                          (resource) =>
                              (moduleOf(resource.type) === "apigatewayv2" && resource.type !== TYPES.vpcLink) ||
                              resource.type === TYPES.cloudMapService,
                      )
                      .map((resource) =>
                          violation(
                              resource,
                              "is part of the HTTP API runtime brings up each morning; declare it in runtime",
                          ),
                      )
                : stack.resources
                      .filter(
                          (resource) =>
                              resource.type === TYPES.vpcLink ||
                              /^aws:servicediscovery\/\w+Namespace:/.test(resource.type),
                      )
                      .map((resource) =>
                          violation(
                              resource,
                              "persists and would be rebuilt every morning (a VPC link takes minutes); declare it in base",
                          ),
                      ),
    },
    {
        name: "http-api-tls-only",
        description:
            "HTTP APIs speak HTTP over TLS only (no WebSocket APIs), and their custom domains are regional with the TLS 1.2 policy.",
        enforcementLevel: "mandatory",
        check: (stack) => [
            ...ofType(stack, TYPES.api)
                .filter((api) => api.props.protocolType !== "HTTP")
                .map((api) => violation(api, `is a ${api.props.protocolType} API; the front door is an HTTP API`)),
            ...ofType(stack, TYPES.apiDomainName)
                .filter(
                    (domain) =>
                        domain.props.domainNameConfiguration?.securityPolicy !== "TLS_1_2" ||
                        domain.props.domainNameConfiguration?.endpointType !== "REGIONAL",
                )
                .map((domain) => violation(domain, "is not a regional custom domain with the TLS_1_2 security policy")),
        ],
    },
    {
        name: "http-api-integrations-private",
        description:
            "Every HTTP API integration goes through the VPC link, so the API is the only public way in and forwards to nothing outside the VPC.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            ofType(stack, TYPES.apiIntegration)
                .filter(
                    (integration) => integration.props.connectionType !== "VPC_LINK" || !integration.props.connectionId,
                )
                .map((integration) =>
                    violation(
                        integration,
                        "is not a private integration over base's VPC link; set connectionType VPC_LINK and connectionId",
                    ),
                ),
    },
    {
        name: "no-public-ip-on-prod-tasks",
        description: "A production-like environment's tasks run in private subnets without public IP addresses.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            !productionLike(stack)
                ? []
                : ofType(stack, TYPES.service)
                      .filter((service) => service.props.networkConfiguration?.assignPublicIp === true)
                      .map((service) =>
                          violation(
                              service,
                              `assigns public IPs to ${stack.env}'s tasks, which are production-like; use egress ${PRODUCTION_EGRESS_MODES.join(" or ")}`,
                          ),
                      ),
    },
    {
        name: "https-uses-tls12-or-newer",
        description: "HTTPS listeners use a TLS 1.2+ security policy.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            ofType(stack, TYPES.listener)
                .filter(
                    (listener) =>
                        listener.props.protocol === "HTTPS" &&
                        !/^ELBSecurityPolicy-(TLS13-1-[23]|TLS-1-2|FS-1-2)/.test(listener.props.sslPolicy ?? ""),
                )
                .map((listener) =>
                    violation(
                        listener,
                        `uses ${listener.props.sslPolicy ?? "the default policy"}, which allows TLS older than 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06`,
                    ),
                ),
    },
    {
        name: "http-redirects-to-https",
        description:
            "Where a certificate (an HTTPS listener) exists, and always in a production-like environment, HTTP listeners only redirect to HTTPS: production never serves the application over plain HTTP.",
        enforcementLevel: "mandatory",
        check: (stack) => {
            const listeners = ofType(stack, TYPES.listener);
            const certificate = listeners.some((listener) => listener.props.protocol === "HTTPS");
            if (!certificate && !(isEnvironmentName(stack.env) && httpsOnly(stack.env))) return [];
            return listeners
                .filter((listener) => listener.props.protocol === "HTTP")
                .filter(
                    (listener) =>
                        !(listener.props.defaultActions ?? []).every(
                            (action: any) => action.type === "redirect" && action.redirect?.protocol === "HTTPS",
                        ),
                )
                .map((listener) =>
                    violation(
                        listener,
                        certificate
                            ? "serves plain HTTP although a certificate exists; redirect to HTTPS"
                            : `serves the application over plain HTTP in ${stack.env}; give base-${stack.env} a domain and a validated certificate (runtime then redirects HTTP to HTTPS)`,
                    ),
                );
        },
    },
    {
        name: "registries-keep-deployable-images",
        description:
            "Repositories scan on push, have immutable tags and a lifecycle policy that never expires tagged images by age.",
        enforcementLevel: "mandatory",
        check: (stack) => {
            const violations: Violation[] = [];
            const policies = ofType(stack, TYPES.lifecyclePolicy);
            for (const repository of ofType(stack, TYPES.repository)) {
                if (repository.props.imageScanningConfiguration?.scanOnPush !== true)
                    violations.push(violation(repository, "does not scan images on push"));
                if (repository.props.imageTagMutability !== "IMMUTABLE")
                    violations.push(
                        violation(repository, "lets a tag be overwritten; set imageTagMutability IMMUTABLE"),
                    );
                const policy = policies.find((candidate) => candidate.props.repository === repository.props.name);
                if (!policy) {
                    violations.push(violation(repository, "has no lifecycle policy; old images would pile up"));
                    continue;
                }
                const rules: any[] = JSON.parse(policy.props.policy ?? "{}").rules ?? [];
                const byAge = rules.filter(
                    (rule) =>
                        rule.selection?.countType === "sinceImagePushed" && rule.selection?.tagStatus !== "untagged",
                );
                if (byAge.length > 0)
                    violations.push(
                        violation(
                            policy,
                            "expires tagged images by age; a restore after a long break could not pull its image",
                        ),
                    );
            }
            return violations;
        },
    },
    {
        name: "prod-egress-through-nat-gateways",
        description:
            "A production-like environment reaches the internet through NAT gateways, never through a single NAT instance.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            !productionLike(stack)
                ? []
                : stack.resources
                      .filter(
                          (resource) => resource.type === TYPES.instance && resource.props.sourceDestCheck === false,
                      )
                      .map((resource) =>
                          violation(
                              resource,
                              `is a NAT instance, one instance as ${stack.env}'s only way out; use egress ${PRODUCTION_EGRESS_MODES.join(" or ")}`,
                          ),
                      ),
    },
    {
        name: "prod-load-balancer-logs-access",
        description: "A production-like environment's load balancer writes access logs to S3.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            !productionLike(stack)
                ? []
                : ofType(stack, TYPES.loadBalancer)
                      .filter((alb) => !(alb.props.accessLogs?.enabled === true && alb.props.accessLogs?.bucket))
                      .map((alb) =>
                          violation(
                              alb,
                              `writes no access logs; base-${stack.env} publishes accessLogsBucket, or set accessLogsBucket`,
                          ),
                      ),
    },
    {
        name: "logs-have-retention",
        description: "Every log group has a retention period.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            ofType(stack, TYPES.logGroup)
                .filter((group) => !(group.props.retentionInDays > 0))
                .map((group) => violation(group, "keeps logs forever; set retentionInDays")),
    },
    {
        name: "no-iam-wildcard-admin",
        description: "No IAM policy allows every action on every resource.",
        enforcementLevel: "mandatory",
        check: (stack) =>
            stack.resources
                .filter((resource) => moduleOf(resource.type) === "iam" && typeof resource.props.policy === "string")
                .filter((resource) => {
                    const statements = [JSON.parse(resource.props.policy).Statement].flat();
                    const list = (value: unknown) => [value].flat();
                    return statements.some(
                        (statement: any) =>
                            statement.Effect === "Allow" &&
                            list(statement.Action).includes("*") &&
                            list(statement.Resource).includes("*"),
                    );
                })
                .map((resource) => violation(resource, 'allows "*" on "*"; name the actions and resources')),
    },
    {
        name: "contract-tags-everywhere",
        description: `Every taggable AWS resource carries the contract tags (${CONTRACT_TAG_KEYS.join(", ")}), with this stack's project, environment and layer, from its creation: the GitHub deploy role creates and changes only what is tagged with its project and environment.`,
        enforcementLevel: "mandatory",
        check: (stack) =>
            stack.resources
                .filter((resource) => resource.type.startsWith("aws:") && !UNTAGGABLE.has(resource.type))
                .filter((resource) => {
                    const tags = resource.props.tags ?? {};
                    const otherProject = stack.project !== undefined && tags.Project !== stack.project;
                    return (
                        !CONTRACT_TAG_KEYS.every((key) => typeof tags[key] === "string") ||
                        otherProject ||
                        tags.Environment !== stack.env ||
                        tags.Layer !== stack.layer
                    );
                })
                .map((resource) =>
                    violation(
                        resource,
                        `lacks the contract tags (${CONTRACT_TAG_KEYS.join(", ")}) for ${stack.project ? `${stack.project} ` : ""}${stack.layer}-${stack.env}`,
                    ),
                ),
    },
];

/** Every violation of every rule, for offline checks and tests. */
export function checkStack(stack: CheckedStack): Array<Violation & { rule: string }> {
    return RULES.flatMap((rule) => rule.check(stack).map((found) => ({ ...found, rule: rule.name })));
}
