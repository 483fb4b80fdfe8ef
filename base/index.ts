import * as aws from "../shared/aws";
import * as pulumi from "@pulumi/pulumi";
import { BaseConfig } from "../shared/config/types";
import { BaseContract, CONTRACT_VERSION, RepositoryRef } from "../shared/contract";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { contractTags } from "../shared/tags";
import { AccessLogsBucket, logDeliveryPrincipal } from "./access-logs";
import { GithubAccess, githubOidcProviderArn } from "./github-access";
import { ImagePublisher } from "./image-publisher";
import { CertificateStatus, Dns } from "./dns";
import { FrontDoorLink } from "./front-door";
import { ApiAccessLog, ServiceLogs } from "./logs";
import { Network } from "./network";
import { Registries } from "./registries";
import { SecurityGroups } from "./security-groups";
import { availabilityZonesFor } from "./zones";
import { BASE_COMPONENTS } from "./names";

/** Base's stack outputs: the contract runtime reads, each value possibly not yet known. */
export type BaseOutputs = { [K in keyof BaseContract]: pulumi.Input<BaseContract[K]> } & {
    /** Only with the GitHub roles: the environment's AWS_ROLE_ARN secret and the repository's AWS_PREVIEW_ROLE_ARN variable. */
    readonly deployRoleArn?: pulumi.Output<string>;
    readonly previewRoleArn?: pulumi.Output<string>;
    /** base-dev with GitHub roles: the review role, the GitHub environment review's AWS_ROLE_ARN. */
    readonly reviewRoleArn?: pulumi.Output<string>;
    /** Only with imagePublisherRepository: the role the application's build pushes images with. */
    readonly imagePublisherRoleArn?: pulumi.Output<string>;
    /** With a domain: the name servers to delegate the environment's zone to, and where its certificate stands. */
    readonly nameServers?: pulumi.Output<string[]>;
    readonly certificateStatus?: CertificateStatus;
};

/**
 * The persistent layer: network, security groups, registries, the services' log groups, DNS, the
 * access log bucket where configured, the HTTP API front door's VPC link and namespace where
 * configured, and optionally the GitHub deploy role. Nothing here costs by
 * the hour; a NAT gateway, load balancer or ECS resource in base is a defect (see test/base.spec.ts).
 */
export async function deployBase(config: BaseConfig): Promise<BaseOutputs> {
    const zones = await availabilityZonesFor(config);
    const network = new Network(BASE_COMPONENTS.network.name, {
        config,
        availabilityZones: zones.map((zone) => zone.name),
    });
    const securityGroups = new SecurityGroups(BASE_COMPONENTS.securityGroups.name, {
        config,
        vpcId: network.vpc.id,
        vpcCidr: config.vpcCidr,
    });
    const frontDoor = securityGroups.vpcLink
        ? new FrontDoorLink("front-door", {
              config,
              vpcId: network.vpc.id,
              // Only the zones where VPC links are available (base/zones.ts).
              privateSubnetIds: network.privateSubnets
                  .filter((_, index) => zones[index].vpcLink)
                  .map((subnet) => subnet.id),
              securityGroupId: securityGroups.vpcLink.id,
          })
        : undefined;
    const registries = new Registries(BASE_COMPONENTS.registries.name, { config });
    const logs = new ServiceLogs(BASE_COMPONENTS.logs.name, { config });
    const apiAccessLog = frontDoor ? new ApiAccessLog("api-access-log", { config }) : undefined;
    const dns = config.zoneName ? new Dns(BASE_COMPONENTS.dns.name, { config, zoneName: config.zoneName }) : undefined;
    const accessLogs =
        config.accessLogs && !config.accessLogsBucket
            ? new AccessLogsBucket("access-logs", {
                  config,
                  accountId: (await aws.getCallerIdentity()).accountId,
                  principal: await logDeliveryPrincipal(config.region),
              })
            : undefined;
    const providerArn =
        config.githubAccess || config.imagePublisherRepository ? await githubOidcProviderArn(config) : undefined;
    const github = config.githubAccess
        ? new GithubAccess("github", {
              config,
              providerArn: providerArn!,
              vpcId: network.vpc.id,
              subnetIds: [...network.publicSubnets, ...network.privateSubnets].map((subnet) => subnet.id),
              zoneId: dns?.zoneId ?? "",
              namespaceArn: frontDoor?.namespace.arn ?? "",
              namespaceZoneId: frontDoor?.namespace.hostedZone ?? "",
              repositoryArns: SERVICE_NAMES.map((service) => registries.repositories[service].arn),
              logGroupArns: SERVICE_NAMES.map((service) => logs.groups[service].arn),
          })
        : undefined;
    const publisher = config.imagePublisherRepository
        ? new ImagePublisher("image-publisher", {
              config,
              providerArn: providerArn!,
              repositoryArns: SERVICE_NAMES.map((service) => registries.repositories[service].arn),
          })
        : undefined;

    return baseOutputs(config, {
        network,
        securityGroups,
        frontDoor,
        registries,
        logs,
        apiAccessLog,
        dns,
        accessLogs,
        github,
        publisher,
    });
}

/** What deployBase declared, for the outputs; the optional ones exist only where config asks for them. */
interface BaseComponents {
    readonly network: Network;
    readonly securityGroups: SecurityGroups;
    readonly frontDoor?: FrontDoorLink;
    readonly registries: Registries;
    readonly logs: ServiceLogs;
    readonly apiAccessLog?: ApiAccessLog;
    readonly dns?: Dns;
    readonly accessLogs?: AccessLogsBucket;
    readonly github?: GithubAccess;
    readonly publisher?: ImagePublisher;
}

/** Base's stack outputs from its components: the contract runtime reads, plus the roles and DNS facts operators need. */
function baseOutputs(
    config: BaseConfig,
    {
        network,
        securityGroups,
        frontDoor,
        registries,
        logs,
        apiAccessLog,
        dns,
        accessLogs,
        github,
        publisher,
    }: BaseComponents,
): BaseOutputs {
    const repositories = Object.fromEntries(
        SERVICE_NAMES.map((service) => {
            const repository = registries.repositories[service];
            return [service, { name: repository.name, url: repository.repositoryUrl, arn: repository.arn }];
        }),
    ) as Record<ServiceName, { [K in keyof RepositoryRef]: pulumi.Output<string> }>;
    return {
        contractVersion: CONTRACT_VERSION,
        environment: config.env,
        region: config.region,
        vpcId: network.vpc.id,
        vpcCidr: network.vpc.cidrBlock,
        publicSubnetIds: pulumi.all(network.publicSubnets.map((subnet) => subnet.id)),
        privateSubnetIds: pulumi.all(network.privateSubnets.map((subnet) => subnet.id)),
        privateRouteTableIds: pulumi.all(network.privateRouteTables.map((table) => table.id)),
        loadBalancerSecurityGroupId: securityGroups.loadBalancer.id,
        servicesSecurityGroupId: securityGroups.services.id,
        natInstanceSecurityGroupId: securityGroups.natInstance.id,
        repositories: pulumi.output(repositories),
        logGroups: pulumi.output(
            Object.fromEntries(
                SERVICE_NAMES.map((service) => [
                    service,
                    { name: logs.groups[service].name, arn: logs.groups[service].arn },
                ]),
            ) as Record<ServiceName, { name: pulumi.Output<string>; arn: pulumi.Output<string> }>,
        ),
        domain: config.zoneName ?? "",
        zoneId: dns?.zoneId ?? "",
        certificateArn: dns?.certificateArn ?? "",
        zoneDelegated: dns !== undefined && config.dnsDelegated,
        accessLogsBucket: accessLogs?.bucketName ?? config.accessLogsBucket ?? "",
        vpcLinkId: frontDoor?.vpcLink.id ?? "",
        serviceDiscoveryNamespaceId: frontDoor?.namespace.id ?? "",
        apiAccessLogGroupArn: apiAccessLog?.group.arn ?? "",
        permissionsBoundaryArn: github?.boundary.arn ?? "",
        tags: contractTags(config),
        ...(github ? { deployRoleArn: github.deployRole.arn } : {}),
        ...(github?.previewRole ? { previewRoleArn: github.previewRole.arn } : {}),
        ...(github?.reviewRole ? { reviewRoleArn: github.reviewRole.arn } : {}),
        ...(publisher ? { imagePublisherRoleArn: publisher.role.arn } : {}),
        ...(dns ? { nameServers: dns.nameServers, certificateStatus: dns.certificateStatus } : {}),
    };
}
