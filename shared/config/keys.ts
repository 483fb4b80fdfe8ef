import {
    CPU_ARCHITECTURES,
    DISCOVERY_MODES,
    EGRESS_MODES,
    ENVIRONMENT_NAMES,
    EnvironmentName,
    FRONT_DOORS,
    isProductionLike,
} from "../environments";
import { Layer } from "../stack-name";
import { ImageTagKey, imageTagKey, SERVICE_NAMES } from "../services";
import {
    boolean,
    cidrBlock,
    jsonList,
    jsonRecord,
    listOf,
    matching,
    oneOf,
    Parsed,
    Parser,
    stringMap,
    wholeNumber,
    within,
} from "./parsers";

/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const hostname = matching(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "a lower-case DNS name such as example.com",
);

/** Docker's rule for a tag: up to 128 letters, digits, _, . and -, not starting with . or -. */
export const IMAGE_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const imageTag = matching(IMAGE_TAG_PATTERN, "a Docker image tag such as v1.4.2");

/** The security groups base owns whose name and description an adoption may carry over. */
export const SECURITY_GROUP_ROLES = ["loadBalancer", "services"] as const;
export type SecurityGroupRole = (typeof SECURITY_GROUP_ROLES)[number];
const securityGroupText = matching(
    /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/,
    "up to 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
);
const repository = matching(
    /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    "an ECR repository name (lower-case letters and digits separated by single . _ or -)",
);
const wildcardHostname = matching(
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "a DNS name such as api.example.com or *.example.com",
);
const anyCidr: Parser<string> = (key, raw) => {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(raw);
    return match && match.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(match[5]) <= 32
        ? { ok: true, value: raw }
        : { ok: false, problem: `${key} must be an IPv4 CIDR block such as 10.0.0.0/24 (got "${raw}")` };
};

const hostedZoneId = matching(/^Z[A-Z0-9]{1,31}$/, "a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ");

const githubRepository = matching(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "a GitHub repository as owner/name");

const bucketName = matching(
    /^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)",
);

/**
 * Never a production-like environment: a pull request presents the same subject to every
 * environment's roles, and production previews on main through its reviewed environment.
 */
const previewEnvironment = (key: string, raw: unknown): Parsed<EnvironmentName> =>
    typeof raw === "string" && ENVIRONMENT_NAMES.includes(raw) && isProductionLike(raw)
        ? {
              ok: false,
              problem: `${key} is ${raw}, which is production-like and which no pull request may read: a pull request presents one subject to every environment's roles; ${raw}'s preview runs on main through its reviewed environment`,
          }
        : within(oneOf(ENVIRONMENT_NAMES.filter((env) => !isProductionLike(env))))(key, raw);

interface KeySpec<T> {
    readonly layers: readonly Layer[];
    readonly parse: Parser<T>;
}

const spec = <T>(layers: readonly Layer[], parse: Parser<T>): KeySpec<T> => ({ layers, parse });
const BASE = ["base"] as const;
const RUNTIME = ["runtime"] as const;
const BOTH = ["base", "runtime"] as const;

/**
 * Every key of the project's config namespace (`durable-code:<key>`), the layers that read it, and
 * how it is parsed. Keys without a value fall back to shared/environments.ts or the defaults in
 * shared/config/load.ts; docs/configuration.md's table lists them all.
 */
export const CONFIG_KEYS = {
    vpcCidr: spec(BASE, cidrBlock),
    subnetCidrs: spec(
        BASE,
        jsonRecord(
            ["public", "private"],
            listOf(within(anyCidr), '["10.0.0.0/24", "10.0.1.0/24"]'),
            '{"public": ["10.0.0.0/24", "10.0.1.0/24"], "private": ["10.0.2.0/24", "10.0.3.0/24"]}',
        ),
    ),
    azCount: spec(BASE, wholeNumber(2, 6, "an application load balancer needs subnets in at least two zones")),
    domain: spec(BOTH, hostname),
    zoneId: spec(BOTH, hostedZoneId),
    zoneName: spec(BOTH, hostname),
    // Names in the environment's zone (dev.example.com): ACM validates each through a record there.
    certificateAlternativeNames: spec(
        BASE,
        jsonList(within(wildcardHostname), '["*.dev.example.com", "api.dev.example.com"]'),
    ),
    parentZoneId: spec(BASE, hostedZoneId),
    dnsDelegated: spec(BASE, boolean),
    extraTags: spec(BOTH, stringMap),
    repositoryNames: spec(
        BASE,
        jsonRecord(
            SERVICE_NAMES,
            within(repository),
            JSON.stringify(
                Object.fromEntries(SERVICE_NAMES.map((service) => [service, `acme-dev-${service}`])),
            ).replace(/[:,]/g, "$& "),
        ),
    ),
    securityGroupNames: spec(
        BASE,
        jsonRecord(
            SECURITY_GROUP_ROLES,
            within(securityGroupText),
            '{"loadBalancer": "acme-dev-alb-sg", "services": "acme-dev-ecs-tasks-sg"}',
        ),
    ),
    securityGroupDescriptions: spec(
        BASE,
        jsonRecord(SECURITY_GROUP_ROLES, within(securityGroupText), '{"loadBalancer": "ALB", "services": "ECS tasks"}'),
    ),
    protect: spec(BOTH, boolean),
    egress: spec(RUNTIME, oneOf(EGRESS_MODES)),
    frontDoor: spec(BOTH, oneOf(FRONT_DOORS)),
    natInstanceType: spec(
        RUNTIME,
        matching(/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/, "an EC2 instance type such as t4g.nano"),
    ),
    // Asleep at rest, woken by a request (runtime/wake.ts); after idleMinutes without one, asleep again.
    // An alarm looks back at most a day over one-minute periods (CloudWatch PutMetricAlarm, Period).
    wakeOnRequest: spec(RUNTIME, boolean),
    idleMinutes: spec(RUNTIME, wholeNumber(5, 1440, "the sleep alarm's one-minute periods may span a day at most")),
    imageTag: spec(RUNTIME, imageTag),
    // Each service's own release: frontendImageTag, backendImageTag, one per entry of shared/services.ts.
    ...(Object.fromEntries(SERVICE_NAMES.map((service) => [imageTagKey(service), spec(RUNTIME, imageTag)])) as Record<
        ImageTagKey,
        KeySpec<string>
    >),
    taskCpu: spec(RUNTIME, wholeNumber(256, 16384)),
    taskMemory: spec(RUNTIME, wholeNumber(512, 122880)),
    cpuArchitecture: spec(RUNTIME, oneOf(CPU_ARCHITECTURES)),
    desiredCount: spec(RUNTIME, wholeNumber(0, 100)),
    minCount: spec(RUNTIME, wholeNumber(0, 100)),
    maxCount: spec(RUNTIME, wholeNumber(1, 100)),
    cpuTargetPercent: spec(RUNTIME, wholeNumber(10, 95)),
    spot: spec(RUNTIME, boolean),
    logRetentionDays: spec(BASE, oneOf(LOG_RETENTION_DAYS)),
    containerInsights: spec(RUNTIME, boolean),
    enableExec: spec(RUNTIME, boolean),
    discovery: spec(RUNTIME, oneOf(DISCOVERY_MODES)),
    baseStack: spec(
        RUNTIME,
        matching(
            /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
            "a full stack name <organization>/<project>/<stack>",
        ),
    ),
    appHostname: spec(RUNTIME, hostname),
    apiHostname: spec(RUNTIME, hostname),
    accessLogs: spec(BASE, boolean),
    accessLogsBucket: spec(BOTH, bucketName),
    githubRepository: spec(BASE, githubRepository),
    imagePublisherRepository: spec(BASE, githubRepository),
    githubOidcProviderArn: spec(
        BASE,
        matching(
            /^arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
            "the ARN of the account's GitHub OIDC provider",
        ),
    ),
    stateBucket: spec(BASE, bucketName),
    previewEnvironments: spec(BASE, jsonList(previewEnvironment, '["dev", "staging"]')),
    secretsKeyArn: spec(
        BASE,
        matching(
            /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
            "the ARN of the KMS key of the awskms:// secrets provider (arn:aws:kms:<region>:<account>:key/<id>)",
        ),
    ),
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type ConfigValues = {
    -readonly [K in ConfigKey]?: (typeof CONFIG_KEYS)[K] extends KeySpec<infer T> ? T : never;
};
