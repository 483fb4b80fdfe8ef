import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { BaseContract } from "../shared/contract";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { Cluster } from "./cluster";
import { discoverBase } from "./discovery";
import { DnsRecords, hostnamesFor } from "./dns-records";
import { Egress } from "./egress";
import { TaskRoles } from "./iam";
import { LoadBalancer } from "./load-balancer";
import { WebService } from "./service";

export interface RuntimeOutputs {
    readonly url: pulumi.Output<string>;
    readonly loadBalancerDnsName: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly serviceNames: Record<ServiceName, pulumi.Output<string>>;
    /** The services' log groups, which base keeps across the nightly destroy. */
    readonly logGroupNames: Record<ServiceName, string>;
    readonly egress: string;
    /** The release each service runs; `npm run status` compares it with the committed stack file. */
    readonly imageTags: Readonly<Record<ServiceName, string>>;
    /** Base values that came from lookups instead of base's outputs; empty when the contract is complete. */
    readonly baseLookups: readonly string[];
}

/** The hourly-cost layer. Reads base first, then builds everything on top of it. */
export async function deployRuntime(config: RuntimeConfig): Promise<RuntimeOutputs> {
    const discovered = await discoverBase(config);
    return { ...createRuntime(config, discovered.contract), baseLookups: discovered.lookedUp };
}

export function createRuntime(config: RuntimeConfig, base: BaseContract): Omit<RuntimeOutputs, "baseLookups"> {
    const egress = new Egress("egress", { config, base });
    const loadBalancer = new LoadBalancer("load-balancer", { config, base });
    const cluster = new Cluster("ecs", { config });
    const roles = new TaskRoles("roles", { config, base, logGroupArns: SERVICE_NAMES.map((service) => base.logGroups[service].arn) });

    const services = Object.fromEntries(
        SERVICE_NAMES.map((service) => {
            const webService = new WebService(
                service,
                {
                    config,
                    service,
                    repositoryUrl: base.repositories[service].url,
                    clusterArn: cluster.cluster.arn,
                    clusterName: cluster.cluster.name,
                    executionRoleArn: roles.executionRole.arn,
                    taskRoleArn: roles.taskRole.arn,
                    logGroupName: base.logGroups[service].name,
                    targetGroupArn: loadBalancer.targetGroups[service].arn,
                    subnetIds: egress.taskSubnetIds,
                    securityGroupId: base.servicesSecurityGroupId,
                    assignPublicIp: egress.assignPublicIp,
                },
                // Tasks need routes out (NAT) to pull images, a routed target group, the Spot provider, and
                // the execution role's permissions in place before the first task pulls its image.
                { dependsOn: [egress, cluster.capacityProviders, ...loadBalancer.routing, ...roles.policies] },
            );
            return [service, webService.service.name];
        }),
    ) as Record<ServiceName, pulumi.Output<string>>;

    const hostnames = base.zoneId ? hostnamesFor(config, base.domain) : undefined;
    if (hostnames) {
        new DnsRecords("dns", { zoneId: base.zoneId, hostnames, loadBalancer: loadBalancer.loadBalancer });
    }
    const dnsName = loadBalancer.loadBalancer.dnsName;
    return {
        url: hostnames ? pulumi.output(`${loadBalancer.https ? "https" : "http"}://${hostnames.app}`) : pulumi.interpolate`http://${dnsName}`,
        loadBalancerDnsName: dnsName,
        clusterName: cluster.cluster.name,
        serviceNames: services,
        logGroupNames: Object.fromEntries(SERVICE_NAMES.map((service) => [service, base.logGroups[service].name])) as Record<ServiceName, string>,
        egress: config.egress,
        imageTags: config.imageTags,
    };
}
