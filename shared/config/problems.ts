import { egressModesFor, isProductionLike, PRODUCTION_EGRESS_MODES } from "../environments";
import { fargateSizeProblem } from "../fargate";
import { imageTagKey, SERVICE_NAMES, SERVICES, taskSize } from "../services";
import { cidrRange } from "../subnet-plan";
import { RESERVED_TAG_KEYS } from "../tags";
import type { ConfigKey, ConfigValues } from "./keys";
import type { RuntimeConfig } from "./types";

/** An application load balancer needs a /27 or larger in each subnet it uses (ELB user guide, "Subnets for your load balancer"). */
export const MAX_SUBNET_PREFIX = 27;

/** What config validation finds beyond a single key's parser: how keys combine, and AWS's rules. */

export function runtimeProblems(config: RuntimeConfig, where: string, invalid: ReadonlySet<string>): string[] {
    const problems: string[] = [];
    const key = (name: ConfigKey) => `${config.project}:${name}`;
    const untagged = SERVICE_NAMES.filter(
        (service) => !config.imageTags[service] && !invalid.has("imageTag") && !invalid.has(imageTagKey(service)),
    );
    if (untagged.length > 0) {
        problems.push(
            `${key("imageTag")} is not set: the image tag ${untagged.length === SERVICE_NAMES.length ? "every service deploys" : `${untagged.join(" and ")} deploys`}; release one with "npm run release -- --env ${config.env} --tag v1.0.0"`,
        );
    }
    const sizeProblem = fargateSizeProblem(config.taskCpu, config.taskMemory);
    if (sizeProblem) problems.push(`${sizeProblem}; ${where}`);
    for (const service of SERVICE_NAMES.filter((name) => (SERVICES[name].sizeMultiple ?? 1) !== 1)) {
        const { cpu, memory } = taskSize(service, config.taskCpu, config.taskMemory);
        const problem = !sizeProblem && fargateSizeProblem(cpu, memory);
        if (problem)
            problems.push(
                `${service}'s tasks are ${SERVICES[service].sizeMultiple} times ${config.taskCpu} CPU / ${config.taskMemory} MiB (sizeMultiple in shared/services.ts): ${problem}; change the multiple, or taskCpu and taskMemory in Pulumi.${config.stack}.yaml`,
            );
    }
    if (!(config.minCount <= config.desiredCount && config.desiredCount <= config.maxCount)) {
        problems.push(
            `counts must satisfy minCount <= desiredCount <= maxCount (got ${config.minCount} <= ${config.desiredCount} <= ${config.maxCount}); ${where}`,
        );
    }
    // Fargate Spot runs Linux X86_64 tasks only (ECS developer guide, "Fargate capacity providers").
    if (config.cpuArchitecture === "ARM64" && config.spot) {
        problems.push(
            `${key("cpuArchitecture")} ARM64 with ${key("spot")} true: Fargate Spot runs X86_64 tasks only; set spot to false or cpuArchitecture to X86_64; ${where}`,
        );
    }
    if (config.domain && config.discovery !== "tags") {
        problems.push(
            `${key("domain")} in a runtime stack is read only with ${key("discovery")} tags; with discovery stack the domain comes from base, so remove it from Pulumi.${config.stack}.yaml (or set it in Pulumi.base-${config.env}.yaml)`,
        );
    }
    if (!egressModesFor(config.env).includes(config.egress)) {
        const why =
            config.egress === "public-ip"
                ? `gives the tasks of ${config.env}, which is production-like, public IP addresses`
                : `makes one instance the only way out of ${config.env}, which is production-like`;
        problems.push(
            `${key("egress")} ${config.egress} ${why}; use ${PRODUCTION_EGRESS_MODES.join(" or ")}; ${where}`,
        );
    }
    if (config.zoneName) problems.push(...hostnameProblems(config, config.zoneName));
    return problems;
}

/** `natInstanceType` sizes the NAT instance of egress nat-instance; with another mode it would size nothing. */
export function natInstanceTypeProblems(
    natInstanceType: string | undefined,
    config: RuntimeConfig,
    where: string,
): string[] {
    if (natInstanceType === undefined || config.egress === "nat-instance") return [];
    return [
        `${config.project}:natInstanceType is read only with ${config.project}:egress nat-instance, and egress is ${config.egress}; remove natInstanceType or set egress to nat-instance; ${where}`,
    ];
}

/**
 * wakeOnRequest (runtime/wake.ts): API Gateway's request count wakes the services, so it needs the
 * HTTP API; nothing may bill by the hour while they sleep, so no NAT; and the first visitor after a
 * sleep waits minutes, which no production-like environment may do. Awake, a service runs exactly
 * desiredCount: the wake alarm re-applies it every minute it stays in ALARM (CloudWatch user guide,
 * "Alarm actions": Auto Scaling actions repeat while the condition persists), so CPU scaling between
 * would be undone and minCount, maxCount and cpuTargetPercent have nothing to set.
 */
export function wakeProblems(values: ConfigValues, config: RuntimeConfig, where: string): string[] {
    const key = (name: ConfigKey) => `${config.project}:${name}`;
    if (!config.wakeOnRequest) {
        return values.idleMinutes === undefined
            ? []
            : [
                  `${key("idleMinutes")} is read only with ${key("wakeOnRequest")} true; remove idleMinutes or set wakeOnRequest true; ${where}`,
              ];
    }
    if (isProductionLike(config.env)) {
        return [
            `${key("wakeOnRequest")} is not allowed in ${config.env}, a production-like environment: after each sleep its first visitors get 503 for minutes while the tasks start; remove wakeOnRequest; ${where}`,
        ];
    }
    const problems: string[] = [];
    if (config.frontDoor !== "http-api") {
        problems.push(
            `${key("wakeOnRequest")} needs ${key("frontDoor")} http-api (frontDoor is ${config.frontDoor}): API Gateway's request count wakes the services, and a load balancer bills by the hour while they sleep; set frontDoor http-api in Pulumi.base-${config.env}.yaml and Pulumi.${config.stack}.yaml, or remove wakeOnRequest; ${where}`,
        );
    }
    if (config.egress !== "public-ip") {
        problems.push(
            `${key("wakeOnRequest")} needs ${key("egress")} public-ip (egress is ${config.egress}): a NAT gateway or instance bills by the hour while the services sleep; set egress public-ip, or remove wakeOnRequest; ${where}`,
        );
    }
    const scalingKeys = (["minCount", "maxCount", "cpuTargetPercent"] as const).filter(
        (name) => values[name] !== undefined,
    );
    if (scalingKeys.length > 0) {
        problems.push(
            `${scalingKeys.map(key).join(", ")} ${scalingKeys.length === 1 ? "is" : "are"} not read with ${key("wakeOnRequest")}: a service sleeps at 0 tasks and wakes to desiredCount, with no CPU scaling between; remove ${scalingKeys.join(", ")}; ${where}`,
        );
    }
    return problems;
}

/** Explicit subnets: one per zone and tier, inside the VPC, big enough for a load balancer, not overlapping. */
export function subnetProblems(
    subnets: { public: string[]; private: string[] } | undefined,
    vpcCidr: string,
    azCount: number,
    key: string,
    where: string,
): string[] {
    if (!subnets) return [];
    const problems: string[] = [];
    const vpc = cidrRange(vpcCidr);
    const all = [...subnets.public, ...subnets.private];
    for (const tier of ["public", "private"] as const) {
        if (subnets[tier].length !== azCount)
            problems.push(
                `${key} has ${subnets[tier].length} ${tier} subnets but azCount is ${azCount}; give one per zone; ${where}`,
            );
    }
    for (const cidr of all) {
        const range = cidrRange(cidr);
        if (range.prefix > MAX_SUBNET_PREFIX)
            problems.push(
                `${key} ${cidr} is smaller than /${MAX_SUBNET_PREFIX}, a load balancer's minimum subnet; ${where}`,
            );
        if (range.first < vpc.first || range.last > vpc.last)
            problems.push(`${key} ${cidr} is outside the VPC ${vpcCidr}; ${where}`);
    }
    all.forEach((cidr, index) => {
        const overlapping = all.slice(index + 1).find((other) => {
            const [a, b] = [cidrRange(cidr), cidrRange(other)];
            return a.first <= b.last && b.first <= a.last;
        });
        if (overlapping) problems.push(`${key} ${cidr} overlaps ${overlapping}; ${where}`);
    });
    return problems;
}

/**
 * Base's certificate covers its domain and `*.<domain>`; a wildcard matches exactly one label, so a
 * hostname must be the domain or one label below it. Checked against the configured domain here and
 * against base's published domain once runtime has read it.
 */
export function hostnameProblems(config: RuntimeConfig, domain: string): string[] {
    const problems: string[] = [];
    for (const name of ["appHostname", "apiHostname"] as const) {
        const host = config[name];
        if (!host || host === domain) continue;
        if (!host.endsWith(`.${domain}`)) {
            problems.push(
                `${config.project}:${name} ${host} is outside ${domain}, so the certificate cannot cover it; change it in Pulumi.${config.stack}.yaml`,
            );
        } else if (host.slice(0, -domain.length - 1).includes(".")) {
            problems.push(
                `${config.project}:${name} ${host} is more than one label below ${domain}; the certificate's *.${domain} does not cover it; change it in Pulumi.${config.stack}.yaml`,
            );
        }
    }
    return problems;
}

/**
 * ACM validates each name of a certificate through a DNS record under it (ACM user guide, "DNS
 * validation"), and base writes those records into the environment's zone only. A name that is
 * neither the zone name nor under it would need a record in another zone, and base's up fails.
 */
export function alternativeNameProblems(
    names: readonly string[],
    zoneName: string,
    key: string,
    where: string,
): string[] {
    return names
        .filter((name) => {
            const covered = name.replace(/^\*\./, "");
            return covered !== zoneName && !covered.endsWith(`.${zoneName}`);
        })
        .map(
            (name) =>
                `${key} "${name}" is outside the zone ${zoneName}, so base cannot write its validation record; use ${zoneName} or a name under it; ${where}`,
        );
}

export function tagProblems(tags: Record<string, string>, project: string, where: string): string[] {
    return Object.entries(tags).flatMap(([tagKey, tagValue]) => {
        if (RESERVED_TAG_KEYS.includes(tagKey)) {
            return [
                `${project}:extraTags may not set "${tagKey}": it is part of the tag contract (${RESERVED_TAG_KEYS.join(", ")}); ${where}`,
            ];
        }
        if (tagKey.toLowerCase().startsWith("aws:") || tagKey.length > 128 || tagValue.length > 256) {
            return [
                `${project}:extraTags "${tagKey}" is not a valid AWS tag (no "aws:" prefix, key <= 128, value <= 256 characters); ${where}`,
            ];
        }
        return [];
    });
}
