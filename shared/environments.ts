/**
 * The environments, each declared once: every config key's default (sizes, counts, retention,
 * addresses, modes; each overridden by the config key of the same name, docs/configuration.md,
 * and shared/config/load.ts takes every default from here), what cost assumes of its use, whether
 * the schedule tears it down, and whether it is production-like. Adding an environment is one entry
 * here (a copy of the most similar one) and its two stack files; everything else (commands, help,
 * config, cost, policy, the schedule) reads this table, and "production-like", never a name, decides
 * every protection.
 */

export const EGRESS_MODES = ["nat-per-az", "nat-single", "nat-instance", "public-ip"] as const;
export type EgressMode = (typeof EGRESS_MODES)[number];

/**
 * A production-like environment keeps its tasks private behind NAT gateways: no public task
 * addresses, and no single NAT instance as the one path out (the policy pack holds the same line).
 */
export const PRODUCTION_EGRESS_MODES: readonly EgressMode[] = ["nat-per-az", "nat-single"];

/**
 * What answers the internet: an application load balancer (by the hour), or an API Gateway HTTP API
 * (by the request) reaching the tasks through base's VPC link and Cloud Map. docs/front-doors.md.
 */
export const FRONT_DOORS = ["alb", "http-api"] as const;
export type FrontDoor = (typeof FRONT_DOORS)[number];

/** A production-like environment keeps the load balancer: its access logs, and none of an HTTP API's limits (30 s, 10 MB, no WebSocket). */
const PRODUCTION_FRONT_DOORS: readonly FrontDoor[] = ["alb"];

export const CPU_ARCHITECTURES = ["X86_64", "ARM64"] as const;
export type CpuArchitecture = (typeof CPU_ARCHITECTURES)[number];

/** How runtime finds base: base's outputs through a StackReference, or AWS lookups by the tag contract. */
export const DISCOVERY_MODES = ["stack", "tags"] as const;
export type DiscoveryMode = (typeof DISCOVERY_MODES)[number];

export interface EnvironmentDefaults {
    /** Number of availability zones (2-6: a load balancer needs two) base spreads subnets across. */
    readonly azCount: number;
    /** The VPC's address range; the subnets are planned from it. */
    readonly vpcCidr: string;
    /** How tasks reach the internet: a NAT gateway per AZ, one shared NAT gateway, one NAT instance, or a public IP per task. */
    readonly egress: EgressMode;
    /** What answers the internet: the load balancer, or an HTTP API (both layers read it). */
    readonly frontDoor: FrontDoor;
    /** Fargate task size in CPU units (1024 = 1 vCPU) and MiB, the same for every service. */
    readonly taskCpu: number;
    readonly taskMemory: number;
    readonly cpuArchitecture: CpuArchitecture;
    /** Tasks per service at deploy time, and the autoscaling range around it. */
    readonly desiredCount: number;
    readonly minCount: number;
    readonly maxCount: number;
    /** Average CPU percentage autoscaling keeps each service at. */
    readonly cpuTargetPercent: number;
    /** Run tasks on FARGATE_SPOT (about 70% cheaper, may be interrupted). */
    readonly spot: boolean;
    readonly logRetentionDays: number;
    readonly containerInsights: boolean;
    readonly enableExec: boolean;
    /** Protect stateful resources (repositories, zone) and the load balancer from deletion. */
    readonly protect: boolean;
    /** Load balancer access logs into a bucket base creates (unless accessLogsBucket names one). */
    readonly accessLogs: boolean;
    /** The environment's hosted zone is the domain itself (example.com), not <env>.<domain>. */
    readonly zoneAtApex: boolean;
    /** The NAT instance's type, with egress nat-instance. */
    readonly natInstanceType: string;
    /** With wakeOnRequest: minutes without a request before the services sleep. */
    readonly idleMinutes: number;
    readonly discovery: DiscoveryMode;
    /** The environments whose stacks the pull-request preview role reads (when base's GitHub roles are on). */
    readonly previewEnvironments: readonly string[];
}

/**
 * Usage the program cannot know: traffic, log volume, image storage, per month of always-on running;
 * usage-based charges scale with the hours runtime is actually up (cost/ prices it).
 */
export interface UsageAssumptions {
    /** GB through the NAT gateways (image pulls, outbound calls). */
    readonly natGbPerMonth: number;
    /** Average load balancer capacity units while up. */
    readonly averageLcu: number;
    readonly logGbIngestedPerMonth: number;
    /** GB of logs kept at any time (retention times ingestion, roughly). */
    readonly logGbStored: number;
    /** GB of images kept in each repository. */
    readonly imageGbPerRepository: number;
    /** Million DNS queries a month (only with a hosted zone). */
    readonly route53MillionQueries: number;
    /** GB kept in each S3 bucket a stack declares (access logs, for example). */
    readonly s3GbPerBucket: number;
    /**
     * Million requests to the HTTP API (front door http-api) in a month as the environment is used:
     * a monthly figure, not one that scales with runtime's hours (requests come only while it is up).
     */
    readonly apiMillionRequestsPerMonth: number;
    /**
     * With wakeOnRequest: hours a month the services are awake, which is the hours people use the
     * environment plus idleMinutes after each visit. Cost prices runtime's hourly charges for these.
     */
    readonly awakeHoursPerMonth: number;
    /**
     * Bytes each request adds to the HTTP API's access log: one line of runtime/http-api.ts's
     * ACCESS_LOG_FORMAT filled in is about 350 bytes; 400 leaves room for long paths.
     */
    readonly apiAccessLogBytesPerRequest: number;
}

export interface EnvironmentDeclaration extends EnvironmentDefaults {
    /**
     * Serves users. Every protection keys off this, never off a name: destroying its runtime or base
     * wants the stack name typed back (and --unprotect), a release or cycle wants --confirm, its
     * tasks never get public addresses or a NAT instance as their one way out, it keeps the load
     * balancer, never serves plain HTTP, and no pull request may read its state (its
     * previewEnvironments stay empty, and no other environment's may name it).
     */
    readonly productionLike: boolean;
    /** The nightly teardown and morning startup (shared/schedule.ts) apply to its runtime. */
    readonly scheduled: boolean;
    /**
     * Pull requests' review environments run beside its runtime and read its base (one environment
     * at most: a review's stack name, runtime-<env>-pr-<N>, and the review role name it).
     */
    readonly hostsReviews: boolean;
    /** Other words the old Terraform setup's tags may use for it (adopt reads them, any case). */
    readonly alsoSpelled: readonly string[];
    /** What cost assumes of its use. */
    readonly usage: UsageAssumptions;
}

/** The defaults every environment shares. */
const EVERY_ENVIRONMENT = {
    vpcCidr: "10.0.0.0/16",
    // Graviton, the cheapest instance that forwards a small environment's traffic.
    natInstanceType: "t4g.nano",
    idleMinutes: 30,
    discovery: "stack",
} as const;

export const ENVIRONMENTS: Readonly<Record<string, EnvironmentDeclaration>> = {
    dev: {
        ...EVERY_ENVIRONMENT,
        previewEnvironments: ["dev"],
        azCount: 2,
        egress: "nat-single",
        frontDoor: "alb",
        taskCpu: 256,
        taskMemory: 512,
        cpuArchitecture: "X86_64",
        desiredCount: 1,
        minCount: 1,
        maxCount: 2,
        cpuTargetPercent: 70,
        spot: true,
        logRetentionDays: 7,
        containerInsights: false,
        enableExec: true,
        protect: false,
        accessLogs: false,
        zoneAtApex: false,
        productionLike: false,
        scheduled: true,
        hostsReviews: true,
        alsoSpelled: ["development", "develop"],
        usage: {
            natGbPerMonth: 5,
            averageLcu: 0.5,
            logGbIngestedPerMonth: 1,
            logGbStored: 0.25,
            imageGbPerRepository: 1,
            route53MillionQueries: 0.1,
            s3GbPerBucket: 1,
            apiMillionRequestsPerMonth: 0.5,
            awakeHoursPerMonth: 80,
            apiAccessLogBytesPerRequest: 400,
        },
    },
    staging: {
        ...EVERY_ENVIRONMENT,
        previewEnvironments: [],
        azCount: 2,
        egress: "nat-single",
        frontDoor: "alb",
        taskCpu: 512,
        taskMemory: 1024,
        cpuArchitecture: "X86_64",
        desiredCount: 2,
        minCount: 2,
        maxCount: 4,
        cpuTargetPercent: 60,
        spot: false,
        logRetentionDays: 14,
        containerInsights: false,
        enableExec: false,
        protect: false,
        accessLogs: false,
        zoneAtApex: false,
        productionLike: false,
        scheduled: true,
        hostsReviews: false,
        alsoSpelled: ["stage", "stg"],
        usage: {
            natGbPerMonth: 10,
            averageLcu: 1,
            logGbIngestedPerMonth: 2,
            logGbStored: 1,
            imageGbPerRepository: 1,
            route53MillionQueries: 0.2,
            s3GbPerBucket: 1,
            apiMillionRequestsPerMonth: 2,
            awakeHoursPerMonth: 80,
            apiAccessLogBytesPerRequest: 400,
        },
    },
    prod: {
        ...EVERY_ENVIRONMENT,
        previewEnvironments: [],
        azCount: 3,
        egress: "nat-per-az",
        frontDoor: "alb",
        taskCpu: 1024,
        taskMemory: 2048,
        cpuArchitecture: "X86_64",
        desiredCount: 3,
        minCount: 3,
        maxCount: 10,
        cpuTargetPercent: 60,
        spot: false,
        logRetentionDays: 30,
        containerInsights: true,
        enableExec: false,
        protect: true,
        accessLogs: true,
        zoneAtApex: true,
        productionLike: true,
        scheduled: false,
        hostsReviews: false,
        alsoSpelled: ["production", "prd"],
        usage: {
            natGbPerMonth: 100,
            averageLcu: 5,
            logGbIngestedPerMonth: 20,
            logGbStored: 20,
            imageGbPerRepository: 2,
            route53MillionQueries: 5,
            s3GbPerBucket: 10,
            apiMillionRequestsPerMonth: 50,
            awakeHoursPerMonth: 80,
            apiAccessLogBytesPerRequest: 400,
        },
    },
};

/** The name of an entry of ENVIRONMENTS (isEnvironmentName tells). */
export type EnvironmentName = string;

/** The environments in the order declared: commands offer them, status walks them. */
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = Object.keys(ENVIRONMENTS);

/** The file an environment is declared in, for errors that ask for a new entry. */
export const ENVIRONMENTS_FILE = "shared/environments.ts";

export function isEnvironmentName(name: string): name is EnvironmentName {
    return Object.prototype.hasOwnProperty.call(ENVIRONMENTS, name);
}

/**
 * The environment pull requests' reviews run in, read from the declarations: the one entry with
 * hostsReviews (docs/review-environments.md).
 */
export function reviewEnvironment(
    environments: Readonly<Record<string, EnvironmentDeclaration>> = ENVIRONMENTS,
): EnvironmentName {
    const hosts = Object.keys(environments).filter((name) => environments[name].hostsReviews);
    if (hosts.length !== 1)
        throw new Error(
            `${ENVIRONMENTS_FILE}: exactly one environment hosts the pull requests' reviews (hostsReviews: true), ` +
                `not ${hosts.length === 0 ? "none" : hosts.join(" and ")}; set it on one entry and false on the others`,
        );
    return hosts[0];
}

export function isProductionLike(env: EnvironmentName): boolean {
    return ENVIRONMENTS[env].productionLike;
}

/** The production-like environments, for help texts and errors. */
export function productionLikeEnvironments(): EnvironmentName[] {
    return ENVIRONMENT_NAMES.filter(isProductionLike);
}

export function egressModesFor(env: EnvironmentName): readonly EgressMode[] {
    return isProductionLike(env) ? PRODUCTION_EGRESS_MODES : EGRESS_MODES;
}

/**
 * Whether an environment may serve the application only over HTTPS: a production-like one never
 * serves it over plain HTTP, so runtime refuses to come up without base's certificate (the policy
 * pack holds the same line).
 */
export function httpsOnly(env: EnvironmentName): boolean {
    return isProductionLike(env);
}

export function frontDoorsFor(env: EnvironmentName): readonly FrontDoor[] {
    return isProductionLike(env) ? PRODUCTION_FRONT_DOORS : FRONT_DOORS;
}
