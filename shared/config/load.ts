import { ENVIRONMENTS, EnvironmentDefaults, frontDoorsFor, isProductionLike } from "../environments";
import { environmentZoneName } from "../naming";
import { StackName, stackNameOf } from "../stack-name";
import { ConfigError } from "../errors";
import { namingProblems, portProblems } from "../preflight";
import { BaseConfig, CommonConfig, ProjectContext, RuntimeConfig, StackConfig } from "./types";
import { CONFIG_KEYS, ConfigKey, ConfigValues } from "./keys";
import { closest, namespaceProblems, regionProblem } from "./namespaces";
import {
    alternativeNameProblems,
    MAX_SUBNET_PREFIX,
    natInstanceTypeProblems,
    runtimeProblems,
    wakeProblems,
    subnetProblems,
    tagProblems,
} from "./problems";
import { subnetPrefixOf } from "../subnet-plan";
import { reviewProblems } from "../review";
import { imageTagKey, SERVICE_NAMES } from "../services";

/**
 * Validates the raw config of one stack (`pulumi.runtime.allConfig()`: keys `<namespace>:<key>`,
 * values as strings) and resolves every default (shared/environments.ts). Throws one ConfigError
 * listing every problem. Three steps: each key parsed on its own, the keys checked as they combine,
 * then the layer's config with its defaults.
 */
export function loadConfig(
    name: StackName,
    raw: Readonly<Record<string, string>>,
    context: ProjectContext,
): StackConfig {
    const where = `change it in Pulumi.${name.stack}.yaml`;
    const read: Read = { name, context, where, ...parseKeys(name, raw, context, where) };
    const problems = [...read.problems, ...combinationProblems(read, raw)];
    const common = commonConfig(read, raw["aws:region"]);
    if (!frontDoorsFor(name.env).includes(common.frontDoor)) {
        problems.push(
            `${context.project}:frontDoor ${common.frontDoor} is not allowed in ${name.env}: a production-like environment keeps the load balancer (access logs, no 30-second or 10 MB limit); use ${frontDoorsFor(name.env).join(" or ")}; ${read.where}`,
        );
    }
    const config = name.layer === "base" ? baseConfig(read, common, problems) : runtimeConfig(read, common, problems);
    if (problems.length > 0) throw new ConfigError(name.stack, problems);
    return config;
}

/** One stack's keys, each parsed on its own, and what was wrong with them. */
interface Read {
    readonly name: StackName;
    readonly context: ProjectContext;
    /** Where a problem is fixed, for the end of each message. */
    readonly where: string;
    readonly values: ConfigValues;
    /** Keys whose value failed to parse: checks that need their value skip them. */
    readonly invalid: ReadonlySet<string>;
    readonly problems: readonly string[];
}

function parseKeys(
    { layer, env }: StackName,
    raw: Readonly<Record<string, string>>,
    context: ProjectContext,
    where: string,
): Pick<Read, "values" | "invalid" | "problems"> {
    const problems: string[] = [];
    const values: ConfigValues = {};
    const invalid = new Set<string>();
    for (const [fullKey, rawValue] of Object.entries(raw)) {
        const [namespace, key] = splitKey(fullKey);
        // An empty value means "not set", as after `pulumi config set key ""`.
        if (namespace !== context.project || rawValue.trim() === "") continue;
        if (!isConfigKey(key)) {
            const near = closest(key, Object.keys(CONFIG_KEYS));
            problems.push(
                `unknown config key "${fullKey}"${near ? `; did you mean ${context.project}:${near}?` : ""}; known keys: ${knownKeys(layer)}`,
            );
            continue;
        }
        const keySpec = CONFIG_KEYS[key];
        if (!(keySpec.layers as readonly string[]).includes(layer)) {
            const owner = keySpec.layers[0];
            problems.push(
                `"${fullKey}" is read by the ${owner} layer only; move it to Pulumi.${stackNameOf(owner, env)}.yaml`,
            );
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
    return { values, invalid, problems };
}

/** What is wrong with the keys together, in either layer: the region, namespaces, tags, names, and keys that need another. */
function combinationProblems(read: Read, raw: Readonly<Record<string, string>>): string[] {
    const { name, context, where, values, invalid } = read;
    const key = (configKey: ConfigKey) => `${context.project}:${configKey}`;
    const problems: string[] = [];
    const badRegion = regionProblem(raw["aws:region"], name.stack);
    if (badRegion) problems.push(badRegion);
    problems.push(...namespaceProblems(raw, context.project, Object.keys(CONFIG_KEYS)));
    problems.push(...tagProblems(values.extraTags ?? {}, context.project, where));
    problems.push(
        ...namingProblems({ project: context.project, env: name.env, review: name.review }, name.layer),
        ...portProblems(),
    );
    const roleKeys = (["stateBucket", "secretsKeyArn", "previewEnvironments"] as const).filter(
        (roleKey) => values[roleKey] !== undefined,
    );
    if (roleKeys.length > 0 && !values.githubRepository) {
        problems.push(
            `${roleKeys.map(key).join(", ")} configure the GitHub roles, which are off; set ${key("githubRepository")} (owner/name) to turn them on`,
        );
    }
    if (values.githubRepository && !values.stateBucket && !invalid.has("stateBucket")) {
        problems.push(
            `${key("githubRepository")} turns on the GitHub roles, which need the state bucket; set ${key("stateBucket")} (the bucket of the s3:// backend); ${where}`,
        );
    }
    for (const needsDomain of [
        "zoneId",
        "zoneName",
        "parentZoneId",
        "dnsDelegated",
        "certificateAlternativeNames",
    ] as const) {
        if (values[needsDomain] !== undefined && !values.domain)
            problems.push(`${key(needsDomain)} is set without ${key("domain")}; set the domain the zone serves`);
    }
    return problems;
}

const defaultsOf = (read: Read): EnvironmentDefaults => ENVIRONMENTS[read.name.env];

function commonConfig(read: Read, region: string | undefined): CommonConfig {
    const { name, context, values } = read;
    const defaults = defaultsOf(read);
    return {
        stack: name.stack,
        env: name.env,
        ...(name.review === undefined ? {} : { review: name.review }),
        project: context.project,
        organization: context.organization,
        region: region ?? "",
        extraTags: values.extraTags ?? {},
        protect: values.protect ?? defaults.protect,
        domain: values.domain,
        zoneName: values.domain
            ? (values.zoneName ?? environmentZoneName(values.domain, name.env, defaults.zoneAtApex))
            : undefined,
        zoneId: values.zoneId,
        frontDoor: values.frontDoor ?? defaults.frontDoor,
    };
}

/** Base's config with its defaults; its problems are added to `problems`. */
function baseConfig(read: Read, common: CommonConfig, problems: string[]): BaseConfig {
    const { values } = read;
    const defaults = defaultsOf(read);
    const vpcCidr = values.vpcCidr ?? defaults.vpcCidr;
    const azCount = values.azCount ?? defaults.azCount;
    problems.push(...baseProblems(read, common, vpcCidr, azCount));
    const githubAccess =
        values.githubRepository && values.stateBucket
            ? {
                  repository: values.githubRepository,
                  stateBucket: values.stateBucket,
                  secretsKeyArn: values.secretsKeyArn,
                  previewEnvironments: values.previewEnvironments ?? defaults.previewEnvironments,
              }
            : undefined;
    return {
        ...common,
        layer: "base",
        vpcCidr,
        azCount,
        parentZoneId: values.parentZoneId,
        subnetCidrs: values.subnetCidrs as BaseConfig["subnetCidrs"],
        repositoryNames: values.repositoryNames as BaseConfig["repositoryNames"],
        certificateAlternativeNames:
            values.certificateAlternativeNames ?? (common.zoneName ? [`*.${common.zoneName}`] : []),
        securityGroupNames: values.securityGroupNames as BaseConfig["securityGroupNames"],
        securityGroupDescriptions: values.securityGroupDescriptions as BaseConfig["securityGroupDescriptions"],
        // A zone base writes the delegation of, or one that exists already, is delegated.
        dnsDelegated: values.dnsDelegated === true || values.parentZoneId !== undefined || values.zoneId !== undefined,
        logRetentionDays: values.logRetentionDays ?? defaults.logRetentionDays,
        accessLogs: values.accessLogs ?? (defaults.accessLogs || values.accessLogsBucket !== undefined),
        accessLogsBucket: values.accessLogsBucket,
        githubAccess,
        githubOidcProviderArn: values.githubOidcProviderArn,
        imagePublisherRepository: values.imagePublisherRepository,
    };
}

function baseProblems(read: Read, common: CommonConfig, vpcCidr: string, azCount: number): string[] {
    const { name, context, where, values, invalid } = read;
    const key = (configKey: ConfigKey) => `${context.project}:${configKey}`;
    const problems: string[] = [];
    const subnetPrefix = subnetPrefixOf(vpcCidr);
    if (!invalid.has("vpcCidr") && subnetPrefix > MAX_SUBNET_PREFIX) {
        problems.push(
            `${key("vpcCidr")} ${vpcCidr} gives /${subnetPrefix} subnets; a load balancer needs subnets of at least /${MAX_SUBNET_PREFIX}, ` +
                `so use a VPC of /${MAX_SUBNET_PREFIX - 4} or larger; ${where}`,
        );
    }
    if (values.parentZoneId && values.zoneId) {
        problems.push(
            `${key("parentZoneId")} and ${key("zoneId")} are both set: an existing zone's delegation is already yours; remove parentZoneId; ${where}`,
        );
    }
    if (values.parentZoneId && defaultsOf(read).zoneAtApex) {
        problems.push(
            `${key("parentZoneId")}: ${name.stack}'s zone is the apex ${values.domain}, which only its registrar can delegate; remove parentZoneId and set the registrar's name servers to base's nameServers output; ${where}`,
        );
    }
    if (common.zoneName && values.certificateAlternativeNames)
        problems.push(
            ...alternativeNameProblems(
                values.certificateAlternativeNames,
                common.zoneName,
                key("certificateAlternativeNames"),
                where,
            ),
        );
    problems.push(
        ...subnetProblems(
            values.subnetCidrs as { public: string[]; private: string[] } | undefined,
            vpcCidr,
            azCount,
            key("subnetCidrs"),
            where,
        ),
    );
    if (values.accessLogs === false && values.accessLogsBucket) {
        problems.push(
            `${key("accessLogsBucket")} is set but ${key("accessLogs")} is false; remove one of them; ${where}`,
        );
    }
    if (isProductionLike(name.env) && (values.previewEnvironments ?? []).length > 0) {
        problems.push(
            `${key("previewEnvironments")}: ${name.env} is production-like, and no role of ${name.stack} may trust pull requests, which present one subject to every environment; set it in the base stack file of an environment that is not production-like; ${where}`,
        );
    }
    return problems;
}

/** Runtime's config with its defaults; its problems are added to `problems`. */
function runtimeConfig(read: Read, common: CommonConfig, problems: string[]): RuntimeConfig {
    const { name, context, where, values, invalid } = read;
    const defaults = defaultsOf(read);
    const runtime: RuntimeConfig = {
        ...common,
        layer: "runtime",
        egress: values.egress ?? defaults.egress,
        natInstanceType: values.natInstanceType ?? defaults.natInstanceType,
        ...(values.wakeOnRequest ? { wakeOnRequest: { idleMinutes: values.idleMinutes ?? defaults.idleMinutes } } : {}),
        // No tag has no default: runtimeProblems names the release to run.
        imageTags: Object.fromEntries(
            SERVICE_NAMES.map((service) => [service, values[imageTagKey(service)] ?? values.imageTag ?? ""]),
        ) as RuntimeConfig["imageTags"],
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
        discovery: values.discovery ?? defaults.discovery,
        baseStack: values.baseStack ?? `${context.organization}/${context.project}/${stackNameOf("base", name.env)}`,
        appHostname: values.appHostname,
        apiHostname: values.apiHostname,
        accessLogsBucket: values.accessLogsBucket,
    };
    problems.push(
        ...runtimeProblems(runtime, where, invalid),
        ...natInstanceTypeProblems(values.natInstanceType, runtime, where),
        ...wakeProblems(values, runtime, where),
        ...reviewProblems(runtime),
    );
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
