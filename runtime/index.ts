import * as pulumi from "@pulumi/pulumi";
import { RuntimeConfig } from "../shared/config/types";
import { BaseContract } from "../shared/contract";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { Cluster } from "./cluster";
import { discoverBase } from "./discovery";
import { AliasTarget, DnsRecords, Hostnames, hostnamesFor } from "./dns-records";
import { Egress } from "./egress";
import { HttpApi } from "./http-api";
import { TaskRoles } from "./iam";
import { LoadBalancer } from "./load-balancer";
import { WebService, WebServiceArgs } from "./service";
import { WakeOnRequest } from "./wake";

export interface RuntimeOutputs {
    /** Where the application and every health check are reached: the zone's name once it resolves, else the front door's own. */
    readonly url: pulumi.Output<string>;
    /** Only while base's zone is not yet delegated: why `url` is the front door's own name, and what to do. */
    readonly urlNote?: string;
    readonly frontDoor: string;
    /** Front door alb: the load balancer's own name. */
    readonly loadBalancerDnsName?: pulumi.Output<string>;
    /** Front door http-api: the API's own endpoint (off, with a certificate, in favour of the custom domains). */
    readonly apiEndpoint?: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly serviceNames: Record<ServiceName, pulumi.Output<string>>;
    /** The task definition each service was deployed with; after an up, ECS's primary deployment must run it (stacks/deployments.ts). */
    readonly taskDefinitions: Record<ServiceName, pulumi.Output<string>>;
    /** The services' log groups, which base keeps across the nightly destroy. */
    readonly logGroupNames: Record<ServiceName, string>;
    readonly egress: string;
    /** wakeOnRequest: asleep at rest; the alarms that wake and sleep it, and its idle minutes. Null otherwise. */
    readonly wakeOnRequest: {
        idleMinutes: number;
        wakeAlarm: pulumi.Output<string>;
        sleepAlarm: pulumi.Output<string>;
    } | null;
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
    const hostnames = base.zoneId ? hostnamesFor(config, base.domain) : undefined;
    // An undelegated zone's names do not resolve (ENOTFOUND): url stays the front door's own name until
    // base says the zone is delegated; the records wait in the zone.
    const resolvable = base.zoneDelegated ? hostnames : undefined;
    const frontDoor =
        config.frontDoor === "http-api"
            ? httpApiFrontDoor(config, base, hostnames)
            : loadBalancerFrontDoor(config, base, resolvable);
    const cluster = new Cluster("ecs", { config });
    const roles = new TaskRoles("roles", {
        config,
        base,
        logGroupArns: SERVICE_NAMES.map((service) => base.logGroups[service].arn),
    });

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
                    frontDoor: frontDoor.reach(service),
                    subnetIds: egress.taskSubnetIds,
                    securityGroupId: base.servicesSecurityGroupId,
                    assignPublicIp: egress.assignPublicIp,
                },
                // Tasks need routes out (NAT) to pull images, a routed target group, the Spot provider, and
                // the execution role's permissions in place before the first task pulls its image.
                { dependsOn: [egress, cluster.capacityProviders, ...frontDoor.routing, ...roles.policies] },
            );
            return [service, webService];
        }),
    ) as Record<ServiceName, WebService>;

    const wake =
        config.wakeOnRequest && frontDoor.apiId
            ? new WakeOnRequest("wake", {
                  config: { ...config, wakeOnRequest: config.wakeOnRequest },
                  apiId: frontDoor.apiId,
                  targets: perService((service) => services[service].scalingTarget),
              })
            : undefined;
    if (hostnames && frontDoor.targetOf) {
        new DnsRecords("dns", { zoneId: base.zoneId, hostnames, targetOf: frontDoor.targetOf });
    }
    return {
        url: frontDoor.url,
        ...(hostnames && !resolvable ? { urlNote: undelegatedNote(config, base.domain) } : {}),
        frontDoor: config.frontDoor,
        ...frontDoor.outputs,
        clusterName: cluster.cluster.name,
        serviceNames: perService((service) => services[service].service.name),
        taskDefinitions: perService((service) => services[service].taskDefinition.arn),
        logGroupNames: Object.fromEntries(
            SERVICE_NAMES.map((service) => [service, base.logGroups[service].name]),
        ) as Record<ServiceName, string>,
        egress: config.egress,
        wakeOnRequest:
            wake && config.wakeOnRequest
                ? {
                      idleMinutes: config.wakeOnRequest.idleMinutes,
                      wakeAlarm: wake.wakeAlarm.name,
                      sleepAlarm: wake.sleepAlarm.name,
                  }
                : null,
        imageTags: config.imageTags,
    };
}

/** What the services and DNS records need from either front door. */
interface FrontDoorParts {
    readonly reach: (service: ServiceName) => WebServiceArgs["frontDoor"];
    /** What tasks wait for before registering. */
    readonly routing: pulumi.Resource[];
    /** Where each hostname points; undefined when no record can point anywhere yet. */
    readonly targetOf?: (role: keyof Hostnames) => AliasTarget;
    readonly url: pulumi.Output<string>;
    /** The HTTP API, whose request count wakes a wakeOnRequest environment. */
    readonly apiId?: pulumi.Output<string>;
    readonly outputs: Pick<RuntimeOutputs, "loadBalancerDnsName" | "apiEndpoint">;
}

function loadBalancerFrontDoor(
    config: RuntimeConfig,
    base: BaseContract,
    hostnames: Hostnames | undefined,
): FrontDoorParts {
    const loadBalancer = new LoadBalancer("load-balancer", { config, base });
    const dnsName = loadBalancer.loadBalancer.dnsName;
    return {
        reach: (service) => ({ targetGroupArn: loadBalancer.targetGroups[service].arn }),
        routing: loadBalancer.routing,
        targetOf: () => ({ name: dnsName, zoneId: loadBalancer.loadBalancer.zoneId, evaluateTargetHealth: true }),
        url: hostnames
            ? pulumi.output(`${loadBalancer.https ? "https" : "http"}://${hostnames.app}`)
            : pulumi.interpolate`http://${dnsName}`,
        outputs: { loadBalancerDnsName: dnsName },
    };
}

function httpApiFrontDoor(config: RuntimeConfig, base: BaseContract, hostnames: Hostnames | undefined): FrontDoorParts {
    const api = new HttpApi("front-door", { config, base, hostnames });
    const domains = api.domains;
    return {
        reach: (service) => ({ registryArn: api.registries[service].arn }),
        routing: [],
        targetOf: Object.keys(domains).length > 0 ? (role) => domains[role]! : undefined,
        url: api.url,
        apiId: api.api.id,
        outputs: { apiEndpoint: api.api.apiEndpoint },
    };
}

function undelegatedNote(config: RuntimeConfig, zoneName: string): string {
    const base = `base-${config.env}`;
    return (
        `url is ${config.frontDoor === "http-api" ? "the API's own endpoint" : "the load balancer's own name"}: ${zoneName} is not delegated yet, so its names do not resolve. ` +
        `Delegate it to "pulumi stack output nameServers -s ${base}", run "pulumi config set dnsDelegated true -s ${base}", ` +
        `"pulumi up -s ${base}", then "pulumi up -s ${config.stack}"`
    );
}

function perService<T>(value: (service: ServiceName) => T): Record<ServiceName, T> {
    return Object.fromEntries(SERVICE_NAMES.map((service) => [service, value(service)])) as Record<ServiceName, T>;
}
