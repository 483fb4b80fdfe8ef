import { CpuArchitecture, EgressMode, ENVIRONMENTS } from "../environments";
import { environmentZoneName } from "../naming";
import { ServiceName } from "../services";
import { StackName, stackNameOf } from "../stack-name";
import { ConfigError } from "../errors";
import { namingProblems, portProblems } from "../preflight";
import { CONFIG_KEYS, ConfigKey, ConfigValues, DiscoveryMode, SecurityGroupRole } from "./keys";
import { closest, namespaceProblems, regionProblem } from "./namespaces";
import { MAX_SUBNET_PREFIX, runtimeProblems, subnetProblems, tagProblems } from "./problems";
import { subnetPrefixOf } from "../subnet-plan";

export interface CommonConfig {
    readonly stack: string;
    readonly env: StackName["env"];
    readonly project: string;
    /** Pulumi organization; on a self-managed (S3) backend it is literally "organization". */
    readonly organization: string;
    readonly region: string;
    /** Tags added to every resource; never overrides the contract tags. */
    readonly extraTags: Readonly<Record<string, string>>;
    /** Protect stateful resources from deletion (default: on in prod). */
    readonly protect: boolean;
    /** The product's domain; a domain means a hosted zone per environment and a certificate. */
    readonly domain?: string;
    /** The environment's own zone: `<env>.<domain>`, or the domain itself where the zone is at the apex (prod). */
    readonly zoneName?: string;
    /** An existing hosted zone for `zoneName`, used instead of creating one. */
    readonly zoneId?: string;
}

export interface BaseConfig extends CommonConfig {
    readonly layer: "base";
    readonly vpcCidr: string;
    readonly azCount: number;
    /** Explicit subnet CIDRs per tier, zone by zone, instead of the plan from `vpcCidr` (an adopted layout). */
    readonly subnetCidrs?: { readonly public: readonly string[]; readonly private: readonly string[] };
    /** Explicit repository names per service (an adopted layout). */
    readonly repositoryNames?: Readonly<Record<ServiceName, string>>;
    /** The certificate's names besides the zone name; `*.<zone name>` by default. */
    readonly certificateAlternativeNames: readonly string[];
    /** Explicit names and descriptions of the two security groups (an adopted layout). */
    readonly securityGroupNames?: Readonly<Record<SecurityGroupRole, string>>;
    readonly securityGroupDescriptions?: Readonly<Record<SecurityGroupRole, string>>;
    /** A zone base writes the NS delegation of `zoneName` into, so certificate validation can finish in the same up. */
    readonly parentZoneId?: string;
    /**
     * Whether `zoneName` answers on the internet (delegated by hand, by `parentZoneId`, or an
     * existing `zoneId`). Only then does base wait for certificate validation and publish the
     * certificate, so `pulumi up` never waits for a delegation nobody made.
     */
    readonly dnsDelegated: boolean;
    /** Retention of the services' log groups, which base keeps across the nightly teardown. */
    readonly logRetentionDays: number;
    /** Load balancer access logs: into `accessLogsBucket` when it names one, else a bucket base creates. */
    readonly accessLogs: boolean;
    readonly accessLogsBucket?: string;
    /** Roles GitHub Actions of this repository may assume through OIDC (deploy and preview); off when unset. */
    /** The account's GitHub OIDC provider; looked up when unset (bootstrap creates it, one per account). */
    readonly githubOidcProviderArn?: string;
    /** The application's repository, whose build may push this environment's images; off when unset. */
    readonly imagePublisherRepository?: string;
    readonly githubAccess?: {
        readonly repository: string;
        /** The Pulumi state bucket the roles read (preview) and write (deploy). */
        readonly stateBucket: string;
        /** The KMS key of the awskms:// secrets provider, when the stacks use one. */
        readonly secretsKeyArn?: string;
    };
}

export interface RuntimeConfig extends CommonConfig {
    readonly layer: "runtime";
    readonly egress: EgressMode;
    /** The NAT instance's type in egress nat-instance; its AMI follows the type's architecture. */
    readonly natInstanceType: string;
    /** The release each service runs: its own override, else `imageTag`. */
    readonly imageTags: Readonly<Record<ServiceName, string>>;
    readonly taskCpu: number;
    readonly taskMemory: number;
    readonly cpuArchitecture: CpuArchitecture;
    readonly desiredCount: number;
    readonly minCount: number;
    readonly maxCount: number;
    readonly cpuTargetPercent: number;
    readonly spot: boolean;
    readonly containerInsights: boolean;
    readonly enableExec: boolean;
    /** `stack`: read base's outputs through a StackReference; `tags`: look everything up by tags and names. */
    readonly discovery: DiscoveryMode;
    /** Full name of the base stack, `<organization>/<project>/base-<env>` by default. */
    readonly baseStack: string;
    readonly appHostname?: string;
    readonly apiHostname?: string;
    /** An existing S3 bucket for load balancer access logs, instead of the one base publishes. */
    readonly accessLogsBucket?: string;
}

export type StackConfig = BaseConfig | RuntimeConfig;

export interface ProjectContext {
    readonly project: string;
    readonly organization: string;
}

export const DEFAULT_VPC_CIDR = "10.0.0.0/16";

/** Graviton, the cheapest instance that forwards a small environment's traffic. */
export const DEFAULT_NAT_INSTANCE_TYPE = "t4g.nano";


/**
 * Validates the raw config of one stack (`pulumi.runtime.allConfig()`: keys `<namespace>:<key>`,
 * values as strings) and resolves every default. Throws one ConfigError listing every problem.
 */
export function loadConfig(name: StackName, raw: Readonly<Record<string, string>>, context: ProjectContext): StackConfig {
    const { stack, layer, env } = name;
    const problems: string[] = [];
    const where = `change it in Pulumi.${stack}.yaml`;
    const values: ConfigValues = {};
    const invalid = new Set<string>();

    for (const [fullKey, rawValue] of Object.entries(raw)) {
        const [namespace, key] = splitKey(fullKey);
        // An empty value means "not set", as after `pulumi config set key ""`.
        if (namespace !== context.project || rawValue.trim() === "") continue;
        if (!isConfigKey(key)) {
            const near = closest(key, Object.keys(CONFIG_KEYS));
            problems.push(`unknown config key "${fullKey}"${near ? `; did you mean ${context.project}:${near}?` : ""}; known keys: ${knownKeys(layer)}`);
            continue;
        }
        const keySpec = CONFIG_KEYS[key];
        if (!(keySpec.layers as readonly string[]).includes(layer)) {
            const owner = keySpec.layers[0];
            problems.push(`"${fullKey}" is read by the ${owner} layer only; move it to Pulumi.${stackNameOf(owner, env)}.yaml`);
            continue;
        }
        const parsed = keySpec.parse(`${context.project}:${key}`, rawValue);
        if (parsed.ok) {
            (values as Record<string, unknown>)[key] = parsed.value;
        } else {
            invalid.add(key);
            problems.push(`${parsed.problem}; ${where}`);
        }
    }

    const region = raw["aws:region"];
    const badRegion = regionProblem(region, stack);
    if (badRegion) problems.push(badRegion);
    problems.push(...namespaceProblems(raw, context.project, Object.keys(CONFIG_KEYS)));
    problems.push(...tagProblems(values.extraTags ?? {}, context.project, where));
    problems.push(...namingProblems({ project: context.project, env }, layer), ...portProblems());
    const roleKeys = (["stateBucket", "secretsKeyArn"] as const).filter((key) => values[key] !== undefined);
    if (roleKeys.length > 0 && !values.githubRepository) {
        problems.push(`${roleKeys.map((key) => `${context.project}:${key}`).join(", ")} configure the GitHub roles, which are off; set ${context.project}:githubRepository (owner/name) to turn them on`);
    }
    if (values.githubRepository && !values.stateBucket && !invalid.has("stateBucket")) {
        problems.push(`${context.project}:githubRepository turns on the GitHub roles, which need the state bucket; set ${context.project}:stateBucket (the bucket of the s3:// backend); ${where}`);
    }
    const key = (name: ConfigKey) => `${context.project}:${name}`;
    for (const needsDomain of ["zoneId", "zoneName", "parentZoneId", "dnsDelegated", "certificateAlternativeNames"] as const) {
        if (values[needsDomain] !== undefined && !values.domain) problems.push(`${key(needsDomain)} is set without ${key("domain")}; set the domain the zone serves`);
    }

    const defaults = ENVIRONMENTS[env];
    const zoneName = values.domain ? (values.zoneName ?? environmentZoneName(values.domain, env, defaults.zoneAtApex)) : undefined;
    const common: CommonConfig = {
        stack,
        env,
        project: context.project,
        organization: context.organization,
        region: region ?? "",
        extraTags: values.extraTags ?? {},
        protect: values.protect ?? defaults.protect,
        domain: values.domain,
        zoneName,
        zoneId: values.zoneId,
    };

    if (layer === "base") {
        const vpcCidr = values.vpcCidr ?? DEFAULT_VPC_CIDR;
        const subnetPrefix = subnetPrefixOf(vpcCidr);
        if (!invalid.has("vpcCidr") && subnetPrefix > MAX_SUBNET_PREFIX) {
            problems.push(
                `${context.project}:vpcCidr ${vpcCidr} gives /${subnetPrefix} subnets; a load balancer needs subnets of at least /${MAX_SUBNET_PREFIX}, ` +
                    `so use a VPC of /${MAX_SUBNET_PREFIX - 4} or larger; ${where}`,
            );
        }
        if (values.parentZoneId && values.zoneId) {
            problems.push(`${key("parentZoneId")} and ${key("zoneId")} are both set: an existing zone's delegation is already yours; remove parentZoneId; ${where}`);
        }
        if (values.parentZoneId && defaults.zoneAtApex) {
            problems.push(`${key("parentZoneId")}: ${stack}'s zone is the apex ${values.domain}, which only its registrar can delegate; remove parentZoneId and set the registrar's name servers to base's nameServers output; ${where}`);
        }
        problems.push(...subnetProblems(values.subnetCidrs as { public: string[]; private: string[] } | undefined, vpcCidr, values.azCount ?? defaults.azCount, key("subnetCidrs"), where));
        if (values.accessLogs === false && values.accessLogsBucket) {
            problems.push(`${key("accessLogsBucket")} is set but ${key("accessLogs")} is false; remove one of them; ${where}`);
        }
        throwIfAny(stack, problems);
        const githubAccess =
            values.githubRepository && values.stateBucket
                ? { repository: values.githubRepository, stateBucket: values.stateBucket, secretsKeyArn: values.secretsKeyArn }
                : undefined;
        return {
            ...common,
            layer,
            vpcCidr,
            azCount: values.azCount ?? defaults.azCount,
            parentZoneId: values.parentZoneId,
            subnetCidrs: values.subnetCidrs as BaseConfig["subnetCidrs"],
            repositoryNames: values.repositoryNames as BaseConfig["repositoryNames"],
            certificateAlternativeNames: values.certificateAlternativeNames ?? (zoneName ? [`*.${zoneName}`] : []),
            securityGroupNames: values.securityGroupNames as BaseConfig["securityGroupNames"],
            securityGroupDescriptions: values.securityGroupDescriptions as BaseConfig["securityGroupDescriptions"],
            dnsDelegated: values.dnsDelegated === true || values.parentZoneId !== undefined || values.zoneId !== undefined,
            logRetentionDays: values.logRetentionDays ?? defaults.logRetentionDays,
            accessLogs: values.accessLogs ?? (defaults.accessLogs || values.accessLogsBucket !== undefined),
            accessLogsBucket: values.accessLogsBucket,
            githubAccess,
            githubOidcProviderArn: values.githubOidcProviderArn,
            imagePublisherRepository: values.imagePublisherRepository,
        };
    }

    const runtime: RuntimeConfig = {
        ...common,
        layer,
        egress: values.egress ?? defaults.egress,
        natInstanceType: values.natInstanceType ?? DEFAULT_NAT_INSTANCE_TYPE,
        imageTags: { frontend: values.frontendImageTag ?? values.imageTag ?? "", backend: values.backendImageTag ?? values.imageTag ?? "" },
        taskCpu: values.taskCpu ?? defaults.taskCpu,
        taskMemory: values.taskMemory ?? defaults.taskMemory,
        cpuArchitecture: values.cpuArchitecture ?? defaults.cpuArchitecture,
        desiredCount: values.desiredCount ?? defaults.desiredCount,
        minCount: values.minCount ?? defaults.minCount,
        maxCount: values.maxCount ?? defaults.maxCount,
        cpuTargetPercent: values.cpuTargetPercent ?? defaults.cpuTargetPercent,
        spot: values.spot ?? defaults.spot,
        containerInsights: values.containerInsights ?? defaults.containerInsights,
        enableExec: values.enableExec ?? defaults.enableExec,
        discovery: values.discovery ?? "stack",
        baseStack: values.baseStack ?? `${context.organization}/${context.project}/${stackNameOf("base", env)}`,
        appHostname: values.appHostname,
        apiHostname: values.apiHostname,
        accessLogsBucket: values.accessLogsBucket,
    };
    problems.push(...runtimeProblems(runtime, where, invalid));
    throwIfAny(stack, problems);
    return runtime;
}

function splitKey(fullKey: string): [string, string] {
    const colon = fullKey.indexOf(":");
    return colon < 0 ? ["", fullKey] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
}

function isConfigKey(key: string): key is ConfigKey {
    return Object.prototype.hasOwnProperty.call(CONFIG_KEYS, key);
}

function knownKeys(layer: StackName["layer"]): string {
    return (Object.keys(CONFIG_KEYS) as ConfigKey[])
        .filter((key) => (CONFIG_KEYS[key].layers as readonly string[]).includes(layer))
        .join(", ");
}

function throwIfAny(stack: string, problems: string[]): void {
    if (problems.length > 0) throw new ConfigError(stack, problems);
}
