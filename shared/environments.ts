/**
 * Per-environment defaults: the one table of every config key's default (sizes, counts, retention,
 * addresses, modes). Every value here can be overridden by the config key of the same name (see
 * README, "Configuration"); shared/config/load.ts takes every default from here.
 */

export const EGRESS_MODES = ["nat-per-az", "nat-single", "nat-instance", "public-ip"] as const;
export type EgressMode = (typeof EGRESS_MODES)[number];

/**
 * Prod keeps its tasks private behind NAT gateways: no public task addresses, and no single NAT
 * instance as the one path out (the policy pack holds the same line).
 */
export const PROD_EGRESS_MODES: readonly EgressMode[] = ["nat-per-az", "nat-single"];

export function egressModesFor(env: string): readonly EgressMode[] {
    return env === "prod" ? PROD_EGRESS_MODES : EGRESS_MODES;
}

/**
 * What answers the internet: an application load balancer (by the hour), or an API Gateway HTTP API
 * (by the request) reaching the tasks through base's VPC link and Cloud Map. README "Front door".
 */
export const FRONT_DOORS = ["alb", "http-api"] as const;
export type FrontDoor = (typeof FRONT_DOORS)[number];

/**
 * Whether an environment may serve the application only over HTTPS: prod never serves it over plain
 * HTTP, so runtime refuses to come up without base's certificate (the policy pack holds the same line).
 */
export function httpsOnly(env: string): boolean {
    return env === "prod";
}

/** Prod keeps the load balancer: its access logs, and none of an HTTP API's limits (30 s, 10 MB, no WebSocket). */
export function frontDoorsFor(env: string): readonly FrontDoor[] {
    return env === "prod" ? ["alb"] : FRONT_DOORS;
}

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
    /** Fargate task size in CPU units (1024 = 1 vCPU) and MiB, the same for both services. */
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

/** The defaults every environment shares. */
const EVERY_ENVIRONMENT = {
    vpcCidr: "10.0.0.0/16",
    // Graviton, the cheapest instance that forwards a small environment's traffic.
    natInstanceType: "t4g.nano",
    idleMinutes: 30,
    discovery: "stack",
} as const;

export const ENVIRONMENTS = {
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
    },
} as const satisfies Record<string, EnvironmentDefaults>;

export type EnvironmentName = keyof typeof ENVIRONMENTS;
export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS) as EnvironmentName[];

export function isEnvironmentName(name: string): name is EnvironmentName {
    return Object.prototype.hasOwnProperty.call(ENVIRONMENTS, name);
}
