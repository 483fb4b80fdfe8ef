import { ENVIRONMENTS, frontDoorsFor } from "../environments";
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
    subnetProblems,
    tagProblems,
} from "./problems";
import { subnetPrefixOf } from "../subnet-plan";

export const DEFAULT_VPC_CIDR = "10.0.0.0/16";

/** Graviton, the cheapest instance that forwards a small environment's traffic. */
export const DEFAULT_NAT_INSTANCE_TYPE = "t4g.nano";

/**
 * Validates the raw config of one stack (`pulumi.runtime.allConfig()`: keys `<namespace>:<key>`,
 * values as strings) and resolves every default. Throws one ConfigError listing every problem.
 */
export function loadConfig(
    name: StackName,
    raw: Readonly<Record<string, string>>,
    context: ProjectContext,
): StackConfig {
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

    const region = raw["aws:region"];
    const badRegion = regionProblem(region, stack);
    if (badRegion) problems.push(badRegion);
    problems.push(...namespaceProblems(raw, context.project, Object.keys(CONFIG_KEYS)));
    problems.push(...tagProblems(values.extraTags ?? {}, context.project, where));
    problems.push(...namingProblems({ project: context.project, env }, layer), ...portProblems());
    const roleKeys = (["stateBucket", "secretsKeyArn", "previewEnvironments"] as const).filter(
        (key) => values[key] !== undefined,
    );
    if (roleKeys.length > 0 && !values.githubRepository) {
        problems.push(
            `${roleKeys.map((key) => `${context.project}:${key}`).join(", ")} configure the GitHub roles, which are off; set ${context.project}:githubRepository (owner/name) to turn them on`,
        );
    }
    if (values.githubRepository && !values.stateBucket && !invalid.has("stateBucket")) {
        problems.push(
            `${context.project}:githubRepository turns on the GitHub roles, which need the state bucket; set ${context.project}:stateBucket (the bucket of the s3:// backend); ${where}`,
        );
    }
    const key = (name: ConfigKey) => `${context.project}:${name}`;
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

    const defaults = ENVIRONMENTS[env];
    const zoneName = values.domain
        ? (values.zoneName ?? environmentZoneName(values.domain, env, defaults.zoneAtApex))
        : undefined;
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
        frontDoor: values.frontDoor ?? defaults.frontDoor,
    };
    if (!frontDoorsFor(env).includes(common.frontDoor)) {
        problems.push(
            `${key("frontDoor")} ${common.frontDoor} is not allowed in ${env}: prod keeps the load balancer (access logs, no 30-second or 10 MB limit); use ${frontDoorsFor(env).join(" or ")}; ${where}`,
        );
    }

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
            problems.push(
                `${key("parentZoneId")} and ${key("zoneId")} are both set: an existing zone's delegation is already yours; remove parentZoneId; ${where}`,
            );
        }
        if (values.parentZoneId && defaults.zoneAtApex) {
            problems.push(
                `${key("parentZoneId")}: ${stack}'s zone is the apex ${values.domain}, which only its registrar can delegate; remove parentZoneId and set the registrar's name servers to base's nameServers output; ${where}`,
            );
        }
        if (zoneName && values.certificateAlternativeNames)
            problems.push(
                ...alternativeNameProblems(
                    values.certificateAlternativeNames,
                    zoneName,
                    key("certificateAlternativeNames"),
                    where,
                ),
            );
        problems.push(
            ...subnetProblems(
                values.subnetCidrs as { public: string[]; private: string[] } | undefined,
                vpcCidr,
                values.azCount ?? defaults.azCount,
                key("subnetCidrs"),
                where,
            ),
        );
        if (values.accessLogs === false && values.accessLogsBucket) {
            problems.push(
                `${key("accessLogsBucket")} is set but ${key("accessLogs")} is false; remove one of them; ${where}`,
            );
        }
        if (env === "prod" && (values.previewEnvironments ?? []).length > 0) {
            problems.push(
                `${key("previewEnvironments")}: no role of base-prod may trust pull requests, which present one subject to every environment; set it in Pulumi.base-dev.yaml; ${where}`,
            );
        }
        throwIfAny(stack, problems);
        const githubAccess =
            values.githubRepository && values.stateBucket
                ? {
                      repository: values.githubRepository,
                      stateBucket: values.stateBucket,
                      secretsKeyArn: values.secretsKeyArn,
                      previewEnvironments: values.previewEnvironments ?? (env === "dev" ? ["dev"] : []),
                  }
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
            dnsDelegated:
                values.dnsDelegated === true || values.parentZoneId !== undefined || values.zoneId !== undefined,
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
        imageTags: {
            frontend: values.frontendImageTag ?? values.imageTag ?? "",
            backend: values.backendImageTag ?? values.imageTag ?? "",
        },
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
    problems.push(
        ...runtimeProblems(runtime, where, invalid),
        ...natInstanceTypeProblems(values.natInstanceType, runtime, where),
    );
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
