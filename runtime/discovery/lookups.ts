import * as aws from "../../shared/aws";
import { RuntimeConfig } from "../../shared/config/types";
import { BaseContract, CONTRACT_VERSION, ContractKey } from "../../shared/contract";
import { ConfigError } from "../../shared/errors";
import {
    apiAccessLogGroupName,
    boundaryName,
    logGroupName,
    repositoryName,
    serviceDiscoveryNamespaceName,
} from "../../shared/naming";
import { SERVICE_NAMES } from "../../shared/services";
import { baseLookupFilters, contractTags, Markers, TagFilter } from "../../shared/tags";

/** Each lookup may use the values already known (published by base, or looked up before it). */
export type Lookups = { readonly [K in ContractKey]: (known: Partial<BaseContract>) => Promise<BaseContract[K]> };

/** What every lookup shares: the config, the error for a miss, and the contract's tag filters. */
interface LookupContext {
    readonly config: RuntimeConfig;
    notFound(what: string, cause: unknown): ConfigError;
    tagged(markers: Markers): TagFilter[];
    describe(filters: TagFilter[]): string;
}

function lookupContext(config: RuntimeConfig): LookupContext {
    return {
        config,
        notFound: (what, cause) => {
            const detail = providerReason(cause);
            return new ConfigError(config.stack, [
                `no ${what} in ${config.region} for base-${config.env}${detail ? ` (${detail})` : ""}; ` +
                    `run "pulumi up -s base-${config.env}" first, or check aws:region and the base's tags`,
            ]);
        },
        tagged: (markers) => baseLookupFilters(config, markers),
        describe: (filters) => filters.map((filter) => `${filter.name.slice(4)}=${filter.values[0]}`).join(", "),
    };
}

/** A lookup that runs its invoke at most once, however many values read it. */
const once = <T>(load: () => Promise<T>) => {
    let promise: Promise<T> | undefined;
    return () => (promise ??= load());
};

/**
 * How runtime finds each base value without base's outputs: EC2 resources by the contract tags,
 * repositories and log groups by name, DNS by the environment's zone (`zoneId`, or its name from
 * the configured domain). Each invoke runs at most once.
 */
export function baseLookups(config: RuntimeConfig): Lookups {
    const context = lookupContext(config);
    return {
        contractVersion: async () => CONTRACT_VERSION,
        environment: async () => config.env,
        region: async () => config.region,
        ...networkLookups(context),
        ...storeLookups(context),
        ...dnsLookups(context),
        ...frontDoorLookups(context),
        accessLogsBucket: async () => config.accessLogsBucket ?? "",
        permissionsBoundaryArn: once(() => boundaryLookup(config)),
        tags: async () => contractTags({ ...config, layer: "base" }),
    };
}

type NetworkKey =
    | "vpcId"
    | "vpcCidr"
    | "publicSubnetIds"
    | "privateSubnetIds"
    | "privateRouteTableIds"
    | "loadBalancerSecurityGroupId"
    | "servicesSecurityGroupId"
    | "natInstanceSecurityGroupId";

/** The VPC, subnets, route tables and security groups, by the contract tags. */
function networkLookups({ notFound, tagged, describe }: LookupContext): Pick<Lookups, NetworkKey> {
    const vpc = once(() => {
        const filters = tagged({ Role: "vpc" });
        return aws.ec2
            .getVpc({ filters })
            .catch((cause) => Promise.reject(notFound(`VPC tagged ${describe(filters)}`, cause)));
    });
    // Zone order matters: nat-per-az routes zone i's private table to zone i's NAT gateway.
    const subnetIdsInZoneOrder = (tier: "public" | "private") =>
        once(async () => {
            const filters = tagged({ Tier: tier });
            const result = await aws.ec2.getSubnets({ filters });
            if (result.ids.length === 0) throw notFound(`subnets tagged ${describe(filters)}`, "none matched");
            const subnets = await Promise.all([...result.ids].sort().map((id) => aws.ec2.getSubnet({ id })));
            return subnets
                .sort((a, b) => a.availabilityZone.localeCompare(b.availabilityZone))
                .map((subnet) => subnet.id);
        });
    const publicSubnetIds = subnetIdsInZoneOrder("public");
    const privateSubnetIds = subnetIdsInZoneOrder("private");
    const securityGroupId = (role: "load-balancer" | "services" | "nat-instance") =>
        once(async () => {
            const filters = tagged({ Role: role });
            const group = await aws.ec2
                .getSecurityGroup({ filters })
                .catch((cause) => Promise.reject(notFound(`security group tagged ${describe(filters)}`, cause)));
            return group.id;
        });
    return {
        vpcId: async () => (await vpc()).id,
        vpcCidr: async () => (await vpc()).cidrBlock,
        publicSubnetIds,
        privateSubnetIds,
        // The table each private subnet is associated with, so table i stays in zone i.
        privateRouteTableIds: async (known) => {
            const subnetIds = known.privateSubnetIds ?? (await privateSubnetIds());
            const tables = await Promise.all(subnetIds.map((subnetId) => aws.ec2.getRouteTable({ subnetId })));
            return tables.map((table) => table.routeTableId);
        },
        loadBalancerSecurityGroupId: securityGroupId("load-balancer"),
        servicesSecurityGroupId: securityGroupId("services"),
        natInstanceSecurityGroupId: securityGroupId("nat-instance"),
    };
}

/** The repositories and log groups, by the names base gives them. */
function storeLookups({ config, notFound }: LookupContext): Pick<Lookups, "repositories" | "logGroups"> {
    return {
        repositories: once(async () => {
            const entries = await Promise.all(
                SERVICE_NAMES.map(async (service) => {
                    const name = repositoryName(config, service);
                    const repository = await aws.ecr
                        .getRepository({ name })
                        .catch((cause) => Promise.reject(notFound(`ECR repository ${name}`, cause)));
                    return [service, { name, url: repository.repositoryUrl, arn: repository.arn }] as const;
                }),
            );
            return Object.fromEntries(entries) as BaseContract["repositories"];
        }),
        logGroups: once(async () => {
            const entries = await Promise.all(
                SERVICE_NAMES.map(async (service) => {
                    const name = logGroupName(config, service);
                    const group = await aws.cloudwatch
                        .getLogGroup({ name })
                        .catch((cause) => Promise.reject(notFound(`log group ${name}`, cause)));
                    return [service, { name, arn: group.arn }] as const;
                }),
            );
            return Object.fromEntries(entries) as BaseContract["logGroups"];
        }),
    };
}

/** The zone and its certificate, from the configured domain. */
function dnsLookups({
    config,
    notFound,
}: LookupContext): Pick<Lookups, "domain" | "zoneId" | "certificateArn" | "zoneDelegated"> {
    const zoneId = once(async () => {
        if (config.zoneId) return config.zoneId;
        if (!config.zoneName) return "";
        const zone = await aws.route53.getZone({ name: config.zoneName, privateZone: false }).catch((cause) => {
            // Several zones of one name (another stack's, or a registrar's) cannot be told apart by name.
            if (/^multiple /.test(providerReason(cause))) {
                return Promise.reject(
                    new ConfigError(config.stack, [
                        `several public hosted zones are named ${config.zoneName}; set ${config.project}:zoneId in Pulumi.${config.stack}.yaml to the one base-${config.env} uses ("pulumi stack output zoneId -s base-${config.env}" or "aws route53 list-hosted-zones-by-name --dns-name ${config.zoneName}")`,
                    ]),
                );
            }
            return Promise.reject(notFound(`public hosted zone ${config.zoneName}`, cause));
        });
        return zone.zoneId;
    });

    return {
        domain: async () => config.zoneName ?? "",
        zoneId,
        certificateArn: once(async () => {
            if (!config.zoneName) return "";
            // A certificate still waiting for the zone's delegation is not issued: serve HTTP until it is.
            const certificate = await aws.acm
                .getCertificate({ domain: config.zoneName, statuses: ["ISSUED"], mostRecent: true })
                .catch(() => undefined);
            return certificate?.arn ?? "";
        }),
        // A base that predates the output: an issued certificate proves the zone answers (ACM validated
        // through it), and an existing zone given by id is delegated, as base treats it.
        zoneDelegated: async (known) =>
            (known.domain ?? "") !== "" && (config.zoneId !== undefined || (known.certificateArn ?? "") !== ""),
    };
}

/** With front door http-api: the VPC link (which only base's outputs carry), the namespace and the API's log group. */
function frontDoorLookups({
    config,
    notFound,
}: LookupContext): Pick<Lookups, "vpcLinkId" | "serviceDiscoveryNamespaceId" | "apiAccessLogGroupArn"> {
    return {
        vpcLinkId: async () => {
            if (config.frontDoor !== "http-api") return "";
            // API Gateway lists VPC links by id only: no lookup by tags or name to fall back on.
            throw new ConfigError(config.stack, [
                `${config.project}:frontDoor http-api needs base-${config.env}'s VPC link, which only base's outputs carry; ` +
                    `set ${config.project}:frontDoor http-api in Pulumi.base-${config.env}.yaml and run "pulumi up -s base-${config.env}"` +
                    (config.discovery === "tags" ? `, and use ${config.project}:discovery stack` : ""),
            ]);
        },
        serviceDiscoveryNamespaceId: async () => {
            if (config.frontDoor !== "http-api") return "";
            const name = serviceDiscoveryNamespaceName(config);
            const namespace = await aws.servicediscovery
                .getDnsNamespace({ name, type: "DNS_PRIVATE" })
                .catch((cause) => Promise.reject(notFound(`Cloud Map namespace ${name}`, cause)));
            return namespace.id;
        },
        apiAccessLogGroupArn: async () => {
            if (config.frontDoor !== "http-api") return "";
            const name = apiAccessLogGroupName(config);
            const group = await aws.cloudwatch
                .getLogGroup({ name })
                .catch((cause) => Promise.reject(notFound(`log group ${name}`, cause)));
            return group.arn;
        },
    };
}

/**
 * The boundary by its ARN (the account's, its name): by name the provider would list every policy in
 * the account (iam:ListPolicies), a right the deploy role does not have. Only a base with the GitHub
 * roles has a boundary, so a missing one means none; any other failure (AccessDenied) stops the
 * deploy, naming the right, instead of creating roles without the boundary the deploy role requires.
 */
async function boundaryLookup(config: RuntimeConfig): Promise<string> {
    const { accountId } = await aws.getCallerIdentity();
    const arn = `arn:aws:iam::${accountId}:policy/${boundaryName(config)}`;
    return aws.iam.getPolicy({ arn }).then(
        (policy) => policy.arn,
        (cause) => {
            const reason = providerReason(cause);
            if (/NoSuchEntity/.test(reason)) return "";
            throw new ConfigError(config.stack, [
                `cannot read the permissions boundary ${arn} (${reason}); runtime's roles need it: allow iam:GetPolicy and iam:GetPolicyVersion on it (base-${config.env}'s deploy role has both after "pulumi up -s base-${config.env}")`,
            ]);
        },
    );
}

/** The provider's own reason, the last line of "invocation of <token> returned an error: ...\n\t* <reason>". */
function providerReason(cause: unknown): string {
    const message = cause instanceof Error ? cause.message : String(cause ?? "");
    return (message.trim().split("\n").pop() ?? "").replace(/^\s*\*\s*/, "");
}
