import { apiAccessLogGroupName, logGroupName, NameScope, physicalName, repositoryName } from "./naming";
import { SERVICE_NAMES, SERVICES } from "./services";
import { Layer } from "./stack-name";

/**
 * AWS limits on the names this project derives from `<project>-<env>`, checked before any resource
 * is registered, so a long project name fails here and not half way through `pulumi up`.
 */
interface NameLimit {
    readonly what: string;
    readonly layer: Layer;
    readonly max: number;
    readonly pattern: RegExp;
    readonly allowed: string;
    readonly names: (scope: NameScope) => string[];
}

const LIMITS: readonly NameLimit[] = [
    {
        what: "load balancer name",
        layer: "runtime",
        max: 32,
        pattern: /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/,
        allowed: "letters, digits and inner hyphens",
        names: (scope) => [physicalName(scope)],
    },
    {
        what: "target group name prefix",
        layer: "runtime",
        max: 6,
        pattern: /^[A-Za-z0-9][A-Za-z0-9-]*$/,
        allowed: "letters, digits and hyphens",
        names: () => SERVICE_NAMES.map((service) => `${SERVICES[service].shortName}-`),
    },
    {
        what: "IAM role name",
        layer: "runtime",
        max: 64,
        pattern: /^[\w+=,.@-]+$/,
        allowed: "letters, digits and +=,.@_-",
        names: (scope) => ["execution", "task", "nat-instance"].map((role) => physicalName(scope, role)),
    },
    {
        what: "ECS cluster, service or task family name",
        layer: "runtime",
        max: 255,
        pattern: /^[A-Za-z0-9_-]+$/,
        allowed: "letters, digits, _ and -",
        names: (scope) => [physicalName(scope), ...SERVICE_NAMES.map((service) => physicalName(scope, service))],
    },
    {
        what: "log group name",
        layer: "base",
        max: 512,
        pattern: /^[A-Za-z0-9._\-/#]+$/,
        allowed: "letters, digits and ._-/#",
        names: (scope) => [
            ...SERVICE_NAMES.map((service) => logGroupName(scope, service)),
            apiAccessLogGroupName(scope),
        ],
    },
    {
        what: "ECR repository name",
        layer: "base",
        max: 256,
        pattern: /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
        allowed: "lower-case letters and digits separated by single . _ or -",
        names: (scope) => SERVICE_NAMES.map((service) => repositoryName(scope, service)),
    },
    {
        what: "security group name",
        layer: "base",
        max: 255,
        pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
        allowed: "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        names: (scope) => ["load-balancer", "services", "nat-instance"].map((role) => physicalName(scope, role)),
    },
];

/** Problems with the names a layer would create for this project and environment. */
export function namingProblems(scope: NameScope, layer: Layer): string[] {
    const problems: string[] = [];
    for (const limit of LIMITS.filter((candidate) => candidate.layer === layer)) {
        for (const name of limit.names(scope)) {
            if (name.length > limit.max) {
                problems.push(
                    `${limit.what} "${name}" is ${name.length} characters; AWS allows ${limit.max}. ` +
                        `Shorten the project name (name: in Pulumi.yaml, now ${scope.project.length} characters) or the environment name`,
                );
            } else if (!limit.pattern.test(name)) {
                problems.push(
                    `${limit.what} "${name}" may only contain ${limit.allowed}; rename the project (name: in Pulumi.yaml)`,
                );
            }
        }
    }
    return problems;
}

/** The application's ports must be valid and distinct, and not the load balancer's listener ports. */
export function portProblems(): string[] {
    const ports = SERVICE_NAMES.map((service) => SERVICES[service].port);
    const problems = ports
        .filter((port) => !Number.isInteger(port) || port < 1 || port > 65535)
        .map((port) => `service port ${port} is not a TCP port (1-65535); fix shared/services.ts`);
    if (new Set(ports).size !== ports.length)
        problems.push(`services share a port (${ports.join(", ")}); fix shared/services.ts`);
    return problems;
}
