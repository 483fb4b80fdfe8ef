import { ServiceName } from "./services";

/**
 * What base publishes and runtime consumes. Bump CONTRACT_VERSION when a field changes meaning or
 * disappears, or when runtime needs base to hold something new (runtime still looks up what an
 * older base lacks). Version 2: the HTTP API front door's VPC link and Cloud Map namespace.
 * Version 3: whether the zone is delegated. Version 4: the HTTP API's access log group.
 */
export const CONTRACT_VERSION = 4;

export interface RepositoryRef {
    readonly name: string;
    readonly url: string;
    readonly arn: string;
}

export interface LogGroupRef {
    readonly name: string;
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
    /** The group runtime's NAT instance (egress nat-instance) runs in: the VPC in, anything out. */
    readonly natInstanceSecurityGroupId: string;
    readonly repositories: Readonly<Record<ServiceName, RepositoryRef>>;
    /** One per service, with a fixed name; base keeps them, so logs outlive runtime's nightly destroy. */
    readonly logGroups: Readonly<Record<ServiceName, LogGroupRef>>;
    /** The environment's hosted zone name (e.g. dev.example.com); empty when base has no DNS. */
    readonly domain: string;
    readonly zoneId: string;
    /** Only once the certificate is validated (the zone is delegated); empty means HTTP only. */
    readonly certificateArn: string;
    /**
     * Whether the zone's parent delegates to it, so its names resolve. Until then runtime's url and
     * every health check use the front door's own name. Since version 3: an older base lacks it.
     */
    readonly zoneDelegated: boolean;
    /** Bucket for the load balancer's access logs; empty when off. */
    readonly accessLogsBucket: string;
    /** Front door http-api: the VPC link the API reaches the tasks through; empty with the load balancer. */
    readonly vpcLinkId: string;
    /** Front door http-api: the Cloud Map namespace runtime registers the services in; empty with the load balancer. */
    readonly serviceDiscoveryNamespaceId: string;
    /**
     * Front door http-api: the log group the API's stage writes its access log to, kept by base so it
     * outlives the nightly destroy; empty with the load balancer. Since version 4: an older base lacks it.
     */
    readonly apiAccessLogGroupArn: string;
    /** The boundary runtime's roles are created with, so the deploy role may create them; empty when the GitHub roles are off. */
    readonly permissionsBoundaryArn: string;
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
    "natInstanceSecurityGroupId",
    "repositories",
    "logGroups",
    "domain",
    "zoneId",
    "certificateArn",
    "zoneDelegated",
    "accessLogsBucket",
    "vpcLinkId",
    "serviceDiscoveryNamespaceId",
    "apiAccessLogGroupArn",
    "permissionsBoundaryArn",
    "tags",
];
