import { DeclaredResource } from "../offline/engine";
import { API_ACCESS_LOG_GROUP_PREFIX } from "../shared/naming";
import { UsageAssumptions } from "../shared/environments";
import { HOURS_PER_MONTH, instanceHourPrice, PriceKey, pricesFor } from "./prices";
import { TYPES } from "../shared/resource-types";

export interface LineItem {
    /** Logical name and type of the resource the charge comes from. */
    readonly resource: string;
    readonly type: string;
    readonly what: string;
    /** Quantity in a month of always-on running. */
    readonly quantity: number;
    readonly unit: string;
    readonly unitPrice: number;
    readonly monthly: number;
    /**
     * True for charges that stop while runtime is torn down (hours, and traffic assumed per hour up);
     * false for storage, zones, and usage assumed per month as it happens (HTTP API requests).
     */
    readonly whileUp: boolean;
}

/**
 * Resource types that cost nothing by themselves. Every type a stack declares must be priced below
 * or listed here, so a new cost-bearing resource cannot slip into a stack unpriced.
 */
export const FREE_TYPES: ReadonlySet<string> = new Set([
    TYPES.vpc,
    TYPES.subnet,
    TYPES.internetGateway,
    TYPES.routeTable,
    TYPES.routeTableAssociation,
    TYPES.route,
    TYPES.securityGroup,
    TYPES.ingressRule,
    TYPES.egressRule,
    TYPES.lifecyclePolicy,
    TYPES.certificate,
    TYPES.certificateValidation,
    TYPES.record,
    TYPES.targetGroup,
    TYPES.listener,
    TYPES.listenerRule,
    TYPES.cluster,
    TYPES.capacityProviders,
    TYPES.taskDefinition,
    TYPES.role,
    TYPES.rolePolicy,
    TYPES.iamPolicy,
    TYPES.instanceProfile,
    TYPES.rolePolicyAttachment,
    TYPES.openIdConnectProvider,
    TYPES.scalingTarget,
    // An HTTP API is charged by the request (priced on the API); its link, stage, routes, integrations
    // and custom domains cost nothing by themselves (API Gateway pricing: no charge for HTTP APIs' VPC links).
    TYPES.vpcLink,
    TYPES.apiStage,
    TYPES.apiRoute,
    TYPES.apiIntegration,
    TYPES.apiDomainName,
    TYPES.apiMapping,
    TYPES.scalingPolicy,
    TYPES.bucketPublicAccessBlock,
    TYPES.bucketServerSideEncryptionConfiguration,
    TYPES.bucketLifecycleConfiguration,
    TYPES.bucketPolicy,
    TYPES.stackReference,
]);

/**
 * Component resources (`durable-code:<layer>:<Name>`) only group their children; a preview also
 * lists the stack's root resource and its provider instances, which cost nothing either.
 */
const isComponent = (type: string) =>
    type.startsWith("durable-code:") || type === TYPES.stack || type.startsWith("pulumi:providers:");

export interface PricedStack {
    readonly items: LineItem[];
    /** Types neither priced nor known to be free. */
    readonly unpriced: string[];
}

export function priceResources(
    resources: readonly DeclaredResource[],
    region: string,
    usage: UsageAssumptions,
): PricedStack {
    const prices = pricesFor(region);
    const items: LineItem[] = [];
    const unpriced = new Set<string>();
    const add = (resource: DeclaredResource, what: string, key: PriceKey, quantity: number, whileUp: boolean) => {
        const price = prices[key];
        items.push({
            resource: resource.name,
            type: resource.type,
            what,
            quantity,
            unit: price.per,
            unitPrice: price.usd,
            monthly: quantity * price.usd,
            whileUp,
        });
    };
    const ofType = (type: string) => resources.filter((resource) => resource.type === type);
    const natCount = ofType(TYPES.natGateway).length;
    const isAccessLog = (resource: DeclaredResource) =>
        String(resource.inputs.name ?? "").startsWith(API_ACCESS_LOG_GROUP_PREFIX);
    // The services' log volume is assumed per environment and split among their groups; the HTTP API's
    // access log grows with the requests instead.
    const serviceLogGroupCount = ofType(TYPES.logGroup).filter((group) => !isAccessLog(group)).length;
    const accessLogGbPerMonth = (usage.apiMillionRequestsPerMonth * 1e6 * usage.apiAccessLogBytesPerRequest) / 1e9;

    for (const resource of resources) {
        const inputs = resource.inputs;
        switch (resource.type) {
            case TYPES.natGateway:
                add(resource, "NAT gateway", "natGatewayHour", HOURS_PER_MONTH, true);
                add(resource, "data through NAT", "natGatewayGb", usage.natGbPerMonth / natCount, true);
                break;
            case TYPES.eip:
                add(resource, "public IPv4 (Elastic IP)", "publicIpv4Hour", HOURS_PER_MONTH, true);
                break;
            case TYPES.loadBalancer:
                add(resource, "application load balancer", "albHour", HOURS_PER_MONTH, true);
                add(resource, "load balancer capacity units", "albLcuHour", usage.averageLcu * HOURS_PER_MONTH, true);
                add(
                    resource,
                    "public IPv4, one per zone",
                    "publicIpv4Hour",
                    (inputs.subnets?.length ?? 0) * HOURS_PER_MONTH,
                    true,
                );
                break;
            case TYPES.service:
                items.push(...priceService(resource, resources, prices));
                break;
            case TYPES.zone:
                add(resource, "hosted zone", "route53ZoneMonth", 1, false);
                add(resource, "DNS queries", "route53MillionQueries", usage.route53MillionQueries, false);
                break;
            case TYPES.api:
                // A month's requests, however many hours runtime is up. API Gateway finds the tasks with
                // Cloud Map's DiscoverInstances ($1.00 a million when an account calls it); no AWS page says
                // how often API Gateway calls it or that those calls reach the account's bill, so they are
                // not priced here (docs/front-doors.md: the upper bound).
                add(resource, "HTTP API requests", "httpApiMillionRequests", usage.apiMillionRequestsPerMonth, false);
                break;
            case TYPES.cloudMapService:
                // Each running task is one registered instance; tasks exist only while runtime is up.
                add(
                    resource,
                    "registered tasks",
                    "cloudMapInstanceMonth",
                    tasksRegisteredIn(resource, resources),
                    true,
                );
                break;
            case TYPES.privateDnsNamespace:
                // Cloud Map makes a Route 53 private hosted zone for a DNS namespace, billed as one.
                add(resource, "the namespace's private hosted zone", "route53ZoneMonth", 1, false);
                break;
            case TYPES.metricAlarm:
                // Only wakeOnRequest declares alarms, and its runtime is never torn down: a whole month.
                add(resource, "alarm", "alarmMonth", 1, false);
                break;
            case TYPES.repository:
                add(resource, "image storage", "ecrGbMonth", usage.imageGbPerRepository, false);
                break;
            case TYPES.logGroup:
                if (isAccessLog(resource)) {
                    add(resource, "access log ingestion", "logsIngestedGb", accessLogGbPerMonth, false);
                    // What the retention keeps: a month's lines times the share of a month they are kept.
                    const keptMonths = Math.min(1, Number(inputs.retentionInDays ?? 30) / 30);
                    add(resource, "access log storage", "logsStoredGbMonth", accessLogGbPerMonth * keptMonths, false);
                    break;
                }
                add(
                    resource,
                    "log ingestion",
                    "logsIngestedGb",
                    usage.logGbIngestedPerMonth / serviceLogGroupCount,
                    true,
                );
                add(resource, "log storage", "logsStoredGbMonth", usage.logGbStored / serviceLogGroupCount, false);
                break;
            case TYPES.vpcEndpoint:
                if (inputs.vpcEndpointType === "Interface") {
                    add(
                        resource,
                        "interface endpoint, per zone",
                        "interfaceEndpointHour",
                        (inputs.subnetIds?.length ?? 1) * HOURS_PER_MONTH,
                        true,
                    );
                }
                break;
            case TYPES.instance: {
                const hourly = instanceHourPrice(region, inputs.instanceType);
                items.push({
                    resource: resource.name,
                    type: resource.type,
                    what: `EC2 ${inputs.instanceType}`,
                    quantity: HOURS_PER_MONTH,
                    unit: hourly.per,
                    unitPrice: hourly.usd,
                    monthly: HOURS_PER_MONTH * hourly.usd,
                    whileUp: true,
                });
                // The root volume is deleted with the instance, so it too costs only while runtime is up.
                add(resource, "gp3 root volume", "gp3GbMonth", Number(inputs.rootBlockDevice?.volumeSize ?? 0), true);
                if (inputs.associatePublicIpAddress)
                    add(resource, "public IPv4", "publicIpv4Hour", HOURS_PER_MONTH, true);
                break;
            }
            case TYPES.bucket:
            case TYPES.bucketV2:
                add(resource, "S3 storage", "s3StandardGbMonth", usage.s3GbPerBucket, false);
                break;
            default:
                if (!FREE_TYPES.has(resource.type) && !isComponent(resource.type)) unpriced.add(resource.type);
        }
    }
    return { items, unpriced: [...unpriced] };
}

/**
 * The tasks a service runs while runtime is up: its desired count, or for one deployed asleep
 * (wakeOnRequest: desired 0, scalable from 0) the count it wakes to, its scalable target's maximum.
 */
function tasksWhileUp(service: DeclaredResource, resources: readonly DeclaredResource[]): number {
    const desired = Number(service.inputs.desiredCount ?? 1);
    const target = resources.find(
        (resource) =>
            resource.type === TYPES.scalingTarget &&
            String(resource.inputs.resourceId ?? "").endsWith(`/${String(service.inputs.name)}`),
    );
    return desired === 0 && target?.inputs.minCapacity === 0 ? Number(target.inputs.maxCapacity) : desired;
}

/** The tasks the ECS service registering into a Cloud Map service runs (by its ARN, or in a preview by name). */
function tasksRegisteredIn(registry: DeclaredResource, resources: readonly DeclaredResource[]): number {
    const services = resources.filter((resource) => resource.type === TYPES.service);
    const service =
        services.find((candidate) => candidate.inputs.serviceRegistries?.registryArn === registry.state.arn) ??
        services.find((candidate) => String(candidate.inputs.name ?? "").endsWith(`-${registry.inputs.name}`));
    return service ? tasksWhileUp(service, resources) : 0;
}

/** Fargate: tasks x (vCPU + GB) hours at the architecture's price, split between on-demand and Spot by weight. */
function priceService(
    service: DeclaredResource,
    resources: readonly DeclaredResource[],
    prices: ReturnType<typeof pricesFor>,
): LineItem[] {
    const tasks = resources.filter((resource) => resource.type === TYPES.taskDefinition);
    // In a preview of a new stack the ARN is not known yet; the family carries the service's name.
    const task =
        tasks.find((candidate) => candidate.state.arn === service.inputs.taskDefinition) ??
        tasks.find((candidate) => candidate.inputs.family === service.inputs.name);
    if (!task) throw new Error(`service ${service.name} runs a task definition the stack does not declare`);
    const count = tasksWhileUp(service, resources);
    const vcpu = Number(task.inputs.cpu) / 1024;
    const gb = Number(task.inputs.memory) / 1024;
    const arm = task.inputs.runtimePlatform?.cpuArchitecture === "ARM64";
    const strategy: Array<{ capacityProvider: string; weight: number }> = service.inputs.capacityProviderStrategies ?? [
        { capacityProvider: "FARGATE", weight: 1 },
    ];
    const totalWeight = strategy.reduce((sum, item) => sum + item.weight, 0) || 1;
    const spotShare =
        strategy
            .filter((item) => item.capacityProvider === "FARGATE_SPOT")
            .reduce((sum, item) => sum + item.weight, 0) / totalWeight;
    if (arm && spotShare > 0)
        throw new Error(
            `service ${service.name}: Fargate Spot is not priced for ARM64 here; add ARM Spot prices to cost/prices.ts`,
        );

    const hours = count * HOURS_PER_MONTH;
    const item = (what: string, quantity: number, key: PriceKey): LineItem => ({
        resource: service.name,
        type: service.type,
        what,
        quantity,
        unit: prices[key].per,
        unitPrice: prices[key].usd,
        monthly: quantity * prices[key].usd,
        whileUp: true,
    });
    const lines: LineItem[] = [];
    const size = `${count} x ${vcpu} vCPU / ${gb} GB`;
    if (spotShare < 1) {
        const share = 1 - spotShare;
        lines.push(
            item(`Fargate vCPU (${size})`, hours * vcpu * share, arm ? "fargateArmVcpuHour" : "fargateVcpuHour"),
        );
        lines.push(item(`Fargate memory (${size})`, hours * gb * share, arm ? "fargateArmGbHour" : "fargateGbHour"));
    }
    if (spotShare > 0) {
        lines.push(item(`Fargate Spot vCPU (${size})`, hours * vcpu * spotShare, "fargateSpotVcpuHour"));
        lines.push(item(`Fargate Spot memory (${size})`, hours * gb * spotShare, "fargateSpotGbHour"));
    }
    if (service.inputs.networkConfiguration?.assignPublicIp) {
        lines.push(item("public IPv4, one per task", hours, "publicIpv4Hour"));
    }
    return lines;
}
