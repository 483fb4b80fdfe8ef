import { ServiceName } from "./services";
import { ANY_REVIEW, reviewLabel } from "./stack-name";

/** Who a name or tag is for: the project and environment, e.g. durable-code and dev, and a pull request's review. */
export interface NameScope {
    readonly project: string;
    readonly env: string;
    /**
     * A review's pull request number: what runtime creates for it is named `<project>-<env>-pr-<N>...`;
     * ANY_REVIEW for the patterns that match every review's (`<project>-<env>-pr-*`).
     */
    readonly review?: number | typeof ANY_REVIEW;
}

/**
 * `<project>-<env>-<thing>`, or `<project>-<env>` for the environment's own cluster and load balancer;
 * a review's runtime puts `pr-<N>` after the environment, so none of its names is dev's or another
 * review's (IAM role names are the account's whatever the path).
 */
export function physicalName(scope: NameScope, thing?: string): string {
    const owner =
        scope.review === undefined ? environmentName(scope) : `${environmentName(scope)}-${reviewLabel(scope.review)}`;
    return thing ? `${owner}-${thing}` : owner;
}

/** `<project>-<env>`: what base names after the environment, which its reviews share (repositories, log groups, namespace). */
function environmentName(scope: NameScope): string {
    return `${scope.project}-${scope.env}`;
}

/** The Cloud Map service a service's tasks register in, in base's namespace, which dev's runtime and every review share. */
export function discoveryServiceName(scope: NameScope, service: ServiceName): string {
    return scope.review === undefined ? service : `${service}-${reviewLabel(scope.review)}`;
}

/** The prefix of a service's log streams in base's log group, which dev's runtime and every review share. */
export function logStreamPrefix(scope: NameScope, service: ServiceName): string {
    return discoveryServiceName(scope, service);
}

/** Base creates the repositories under this name; runtime's fallback lookup finds them by it. */
export function repositoryName(scope: NameScope, service: ServiceName): string {
    return `${environmentName(scope)}-${service}`;
}

/** The permissions boundary base creates with the GitHub roles; runtime's roles carry it. */
export function boundaryName(scope: NameScope): string {
    return `${environmentName(scope)}-boundary`;
}

export function logGroupName(scope: NameScope, service: ServiceName): string {
    return `/ecs/${environmentName(scope)}/${service}`;
}

/**
 * Front door http-api: the log group base keeps for the HTTP API stage's access log. API Gateway
 * delivers it through CloudWatch Logs' log delivery, which names each group in the account's log
 * resource policy (5,120 characters at most); under /aws/vendedlogs/ one wildcard covers them all
 * (CloudWatch Logs user guide, "Enabling logging from AWS services").
 */
export function apiAccessLogGroupName(scope: NameScope): string {
    return `${API_ACCESS_LOG_GROUP_PREFIX}${environmentName(scope)}/access`;
}

/** Where every environment's HTTP API access log group is named; the cost model prices them by the request. */
export const API_ACCESS_LOG_GROUP_PREFIX = "/aws/vendedlogs/apigateway/";

/**
 * Each environment has a hosted zone of its own, so it can be delegated and validated on its own and
 * destroying one never touches another's records: `<env>.<domain>`, or the domain itself at the apex.
 */
export function environmentZoneName(domain: string, env: string, atApex: boolean): string {
    return atApex ? domain : `${env}.${domain}`;
}

/** Base creates the access log bucket under this prefix; S3 adds a unique suffix (names are global). */
export function accessLogsBucketPrefix(scope: NameScope): string {
    return `${environmentName(scope)}-alb-logs-`;
}

/** The prefix runtime gives its load balancer's access logs: one environment's logs apart from another's. */
export function accessLogsPrefix(scope: NameScope): string {
    return environmentName(scope);
}

/**
 * The objects ELB writes an environment's access logs as, and nothing else: keys are
 * `<prefix>/AWSLogs/<account-id>/elasticloadbalancing/<region>/...` (ELB user guide, "Access log files").
 */
export function accessLogsObjectsArn(bucketArn: string, scope: NameScope, accountId: string): string {
    return `${bucketArn}/${accessLogsPrefix(scope)}/AWSLogs/${accountId}/*`;
}

/**
 * The Cloud Map namespace of the HTTP API front door: a private DNS name inside the VPC, never
 * resolvable outside it. Base creates it under this name; runtime's fallback lookup finds it by it.
 */
export function serviceDiscoveryNamespaceName(scope: NameScope): string {
    return `${environmentName(scope)}.internal`;
}

/**
 * Runtime's IAM roles and the NAT instance profile live under this path, apart from base's own roles
 * (at `/`): the deploy role manages and passes roles under it only. Reviews' roles live under their
 * own, which the review role manages, apart from dev's runtime.
 */
export function runtimeRolePath(scope: NameScope): string {
    return `/${scope.project}/${scope.env}/${scope.review === undefined ? "runtime" : "review"}/`;
}
