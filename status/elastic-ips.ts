import { natGatewayCount } from "../runtime/egress";
import { committedConfig, StackSource } from "../offline/evaluate";
import { BaseConfig, RuntimeConfig } from "../shared/config/types";
import { ENVIRONMENT_NAMES } from "../shared/environments";
import { stackNameOf } from "../shared/stack-name";

/** EC2's default quota of Elastic IP addresses per account and region (EC2 user guide, "Elastic IP address quota"). */
export const DEFAULT_ELASTIC_IP_QUOTA = 5;

export interface RegionDemand {
    readonly region: string;
    readonly needed: number;
    /** Runtime stacks and the addresses each needs while up. */
    readonly stacks: ReadonlyArray<readonly [string, number]>;
}

/**
 * The Elastic IPs the committed runtime stacks need at once, per region: one per NAT gateway. Stack
 * files that do not load are left out (`npm run check` reports them).
 */
export function elasticIpDemand(source: StackSource = {}): RegionDemand[] {
    const byRegion = new Map<string, Array<readonly [string, number]>>();
    for (const env of ENVIRONMENT_NAMES) {
        try {
            const base = committedConfig(stackNameOf("base", env), source) as BaseConfig;
            const runtime = committedConfig(stackNameOf("runtime", env), source) as RuntimeConfig;
            const needed = natGatewayCount(runtime.egress, base.azCount);
            byRegion.set(runtime.region, [...(byRegion.get(runtime.region) ?? []), [runtime.stack, needed] as const]);
        } catch {
            continue;
        }
    }
    return [...byRegion].map(([region, stacks]) => ({
        region,
        stacks,
        needed: stacks.reduce((total, [, count]) => total + count, 0),
    }));
}

/** A warning per region where the environments need more addresses than the default quota. */
export function elasticIpWarnings(demand: readonly RegionDemand[], quota = DEFAULT_ELASTIC_IP_QUOTA): string[] {
    return demand
        .filter((region) => region.needed > quota)
        .map(
            (region) =>
                `warning: the runtime stacks in ${region.region} need ${region.needed} Elastic IPs at once (${region.stacks.map(([stack, count]) => `${stack} ${count}`).join(", ")}), ` +
                `more than the default quota of ${quota}; request an increase (Service Quotas, "EC2-VPC Elastic IPs") before they are all up, or use egress nat-single`,
        );
}
