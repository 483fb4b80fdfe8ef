import { ServiceName } from "./services";

/**
 * What base publishes and runtime consumes. Bump CONTRACT_VERSION when a field changes meaning or
 * disappears; adding a field keeps the version (runtime looks up what an older base lacks).
 */
export const CONTRACT_VERSION = 1;

export interface RepositoryRef {
    readonly name: string;
    readonly url: string;
    readonly arn: string;
}

export interface BaseContract {
    readonly contractVersion: number;
    readonly environment: string;
    readonly region: string;
    readonly vpcId: string;
    readonly vpcCidr: string;
    /** Ordered by availability zone: index i of each list is in the same zone. */
    readonly publicSubnetIds: readonly string[];
    readonly privateSubnetIds: readonly string[];
    readonly privateRouteTableIds: readonly string[];
    readonly loadBalancerSecurityGroupId: string;
    readonly servicesSecurityGroupId: string;
    readonly repositories: Readonly<Record<ServiceName, RepositoryRef>>;
    /** Empty when base has no DNS: no domain configured. */
    readonly domain: string;
    readonly zoneId: string;
    readonly certificateArn: string;
    readonly tags: Readonly<Record<string, string>>;
}

export type ContractKey = keyof BaseContract;

export const CONTRACT_KEYS: readonly ContractKey[] = [
    "contractVersion",
    "environment",
    "region",
    "vpcId",
    "vpcCidr",
    "publicSubnetIds",
    "privateSubnetIds",
    "privateRouteTableIds",
    "loadBalancerSecurityGroupId",
    "servicesSecurityGroupId",
    "repositories",
    "domain",
    "zoneId",
    "certificateArn",
    "tags",
];
