import * as aws from "../shared/aws";
import { BaseConfig } from "../shared/config/types";
import { ConfigError } from "../shared/errors";

/**
 * The zone ids where API Gateway's VPC links V2 are available, by region: API Gateway developer
 * guide, "Set up VPC links V2 in API Gateway", section "Availability by Region"
 * (docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-vpc-links-v2.html), as read on
 * 2026-12-06. The page lists zone ids, not names: a zone name maps to a different zone id in each
 * account (EC2 user guide, "AZ IDs"), so only the id says whether a link can have a subnet there.
 * A region the page does not list has no VPC links.
 */
export const VPC_LINK_ZONE_IDS: Readonly<Record<string, readonly string[]>> = {
    "us-east-2": ["use2-az1", "use2-az2", "use2-az3"],
    "us-east-1": ["use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"],
    "us-west-1": ["usw1-az1", "usw1-az3"],
    "us-west-2": ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"],
    "ap-east-1": ["ape1-az2", "ape1-az3"],
    "ap-south-1": ["aps1-az1", "aps1-az2", "aps1-az3"],
    "ap-northeast-2": ["apne2-az1", "apne2-az2", "apne2-az3"],
    "ap-southeast-1": ["apse1-az1", "apse1-az2", "apse1-az3"],
    "ap-southeast-2": ["apse2-az1", "apse2-az2", "apse2-az3"],
    "ap-northeast-1": ["apne1-az1", "apne1-az2", "apne1-az4"],
    "ca-central-1": ["cac1-az1", "cac1-az2"],
    "eu-central-1": ["euc1-az1", "euc1-az2", "euc1-az3"],
    "eu-west-1": ["euw1-az1", "euw1-az2", "euw1-az3"],
    "eu-west-2": ["euw2-az1", "euw2-az2", "euw2-az3"],
    "eu-west-3": ["euw3-az1", "euw3-az3"],
    "eu-south-2": ["eus2-az1", "eus2-az2", "eus2-az3"],
    "eu-north-1": ["eun1-az1", "eun1-az2", "eun1-az3"],
    "me-south-1": ["mes1-az1", "mes1-az2", "mes1-az3"],
    "sa-east-1": ["sae1-az1", "sae1-az2", "sae1-az3"],
    "us-gov-west-1": ["usgw1-az1", "usgw1-az2", "usgw1-az3"],
};

export interface ChosenZone {
    readonly name: string;
    readonly id: string;
    /** Front door http-api: whether the VPC link has a subnet in this zone. */
    readonly vpcLink: boolean;
}

/** The region's zones as getAvailabilityZones returns them: names and ids index by index, sorted by name. */
interface RegionZones {
    readonly names: readonly string[];
    readonly zoneIds: readonly string[];
}

/**
 * Base's zones, one public and one private subnet in each. With the load balancer, the region's first
 * azCount zones by name. With front door http-api, the zones where VPC links are available come first
 * (in name order), then the others: a base whose first zones all support links keeps them, and an
 * account whose first zone name maps to an unsupported id gets a supported one instead, where the
 * VPC link's first `up` would fail. The link takes the private subnets of the supported zones only
 * (the tasks in any zone are reachable from it through the VPC), and needs two of them.
 */
function chooseZones(config: BaseConfig, region: RegionZones): ChosenZone[] {
    if (region.names.length < config.azCount) {
        throw new ConfigError(config.stack, [
            `${config.project}:azCount is ${config.azCount} but ${config.region} has ${region.names.length} availability zones; ` +
                `run "pulumi config set azCount ${region.names.length} -s ${config.stack}"`,
        ]);
    }
    const zones = region.names.map((name, index) => ({ name, id: region.zoneIds[index] }));
    if (config.frontDoor !== "http-api") {
        return zones.slice(0, config.azCount).map((zone) => ({ ...zone, vpcLink: false }));
    }
    const supported = VPC_LINK_ZONE_IDS[config.region];
    if (!supported) {
        throw new ConfigError(config.stack, [
            `${config.project}:frontDoor http-api needs API Gateway's VPC links, which API Gateway lists in no zone of ${config.region} ` +
                `("Set up VPC links V2", Availability by Region); use frontDoor alb, or deploy to a listed region`,
        ]);
    }
    const linked = zones.filter((zone) => supported.includes(zone.id));
    if (linked.length < 2) {
        throw new ConfigError(config.stack, [
            `${config.project}:frontDoor http-api needs a VPC link in two availability zones, but of ${config.region}'s zones in this account ` +
                `(${zones.map((zone) => `${zone.name} = ${zone.id}`).join(", ")}) ` +
                `${linked.length === 0 ? "none is" : `only ${linked[0].name} is`} among the zone ids API Gateway supports for VPC links ` +
                `(${supported.join(", ")}); use frontDoor alb in this account and region`,
        ]);
    }
    const others = zones.filter((zone) => !supported.includes(zone.id));
    return [
        ...linked.map((zone) => ({ ...zone, vpcLink: true })),
        ...others.map((zone) => ({ ...zone, vpcLink: false })),
    ]
        .slice(0, config.azCount)
        .sort((a, b) => a.name.localeCompare(b.name));
}

/** The region's regular zones (Local and Wavelength zones need an opt-in and lack services), then chooseZones. */
export async function availabilityZonesFor(config: BaseConfig): Promise<ChosenZone[]> {
    const zones = await aws.getAvailabilityZones({
        state: "available",
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    return chooseZones(config, zones);
}
