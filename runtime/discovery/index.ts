import { RuntimeConfig } from "../../shared/config/types";
import { hostnameProblems } from "../../shared/config/problems";
import { BaseContract, CONTRACT_KEYS, CONTRACT_VERSION } from "../../shared/contract";
import { httpsOnly } from "../../shared/environments";
import { ConfigError } from "../../shared/errors";
import { readBaseStack } from "./base-stack";
import { baseLookups } from "./lookups";

export interface DiscoveredBase {
    readonly contract: BaseContract;
    /** Contract keys whose value came from a lookup rather than base's outputs. */
    readonly lookedUp: readonly string[];
}

/**
 * Resolves everything runtime needs from base, before any runtime resource exists: from base's
 * outputs (discovery: stack), value by value from lookups where an output is missing, or from
 * lookups alone (discovery: tags).
 */
export async function discoverBase(config: RuntimeConfig): Promise<DiscoveredBase> {
    const published = config.discovery === "stack" ? await readBaseStack(config) : {};
    const lookups = baseLookups(config);
    const contract: Record<string, unknown> = {};
    const lookedUp: string[] = [];
    for (const key of CONTRACT_KEYS) {
        if (published[key] !== undefined) {
            contract[key] = published[key];
        } else {
            contract[key] = await lookups[key](contract as Partial<BaseContract>);
            lookedUp.push(key);
        }
    }
    checkCompatible(config, contract as unknown as BaseContract);
    return { contract: contract as unknown as BaseContract, lookedUp };
}

function checkCompatible(config: RuntimeConfig, base: BaseContract): void {
    const source = config.discovery === "stack" ? `base stack "${config.baseStack}"` : `the base found by tags`;
    const problems: string[] = [];
    if (base.contractVersion > CONTRACT_VERSION) {
        problems.push(
            `${source} publishes contract version ${base.contractVersion}, this program reads version ${CONTRACT_VERSION}; update this checkout (git pull) before deploying runtime`,
        );
    }
    if (base.environment !== config.env) {
        problems.push(
            `${source} belongs to environment "${base.environment}", not "${config.env}"; fix baseStack in Pulumi.${config.stack}.yaml`,
        );
    }
    if (base.region !== config.region) {
        problems.push(
            `${source} is in ${base.region} but aws:region is ${config.region}; set aws:region to ${base.region} in Pulumi.${config.stack}.yaml`,
        );
    }
    if (
        base.publicSubnetIds.length === 0 ||
        base.privateSubnetIds.length !== base.publicSubnetIds.length ||
        base.privateRouteTableIds.length !== base.privateSubnetIds.length
    ) {
        problems.push(
            `${source} has ${base.publicSubnetIds.length} public subnets, ${base.privateSubnetIds.length} private subnets and ` +
                `${base.privateRouteTableIds.length} private route tables; expected one of each per zone; run "pulumi up -s base-${config.env}"`,
        );
    }
    if (base.domain) problems.push(...hostnameProblems(config, base.domain));
    if (httpsOnly(config.env) && !base.certificateArn) problems.push(plainHttpProblem(config, base, source));
    // Base opens the tasks to one front door only, so both files must name the same one.
    if (config.frontDoor === "http-api" && !(base.vpcLinkId && base.serviceDiscoveryNamespaceId)) {
        problems.push(
            `${config.project}:frontDoor http-api needs the VPC link and Cloud Map namespace base holds for it, and ${source} publishes none; ` +
                `set ${config.project}:frontDoor http-api in Pulumi.base-${config.env}.yaml and run "pulumi up -s base-${config.env}" first`,
        );
    }
    if (config.frontDoor === "alb" && base.vpcLinkId) {
        problems.push(
            `${source} serves front door http-api (it publishes a VPC link, and its tasks take traffic only from it), but ${config.project}:frontDoor is alb; ` +
                `set frontDoor to the same value in Pulumi.${config.stack}.yaml and Pulumi.base-${config.env}.yaml`,
        );
    }
    if (problems.length > 0) throw new ConfigError(config.stack, problems);
}

/** Without base's certificate the load balancer would serve the application over plain HTTP. */
function plainHttpProblem(config: RuntimeConfig, base: BaseContract, source: string): string {
    const baseStack = `base-${config.env}`;
    const never = `${config.env} never serves the application over plain HTTP, and ${source} publishes no certificate`;
    if (!base.domain) {
        return (
            `${never}: it has no domain; set ${config.project}:domain in Pulumi.${baseStack}.yaml` +
            `${config.discovery === "tags" ? ` and Pulumi.${config.stack}.yaml` : ""}, run "pulumi up -s ${baseStack}", ` +
            `delegate the zone to its nameServers, set ${config.project}:dnsDelegated true and run "pulumi up -s ${baseStack}" again (docs/deploying.md, "DNS and HTTPS")`
        );
    }
    return (
        `${never} for ${base.domain} yet (ACM validates it once the zone is delegated): delegate ${base.domain} to ` +
        `"pulumi stack output nameServers -s ${baseStack}", run "pulumi config set dnsDelegated true -s ${baseStack}" and "pulumi up -s ${baseStack}"`
    );
}
