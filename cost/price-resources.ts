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

/** What pricing one stack knows: its resources, the region's prices, the usage assumed, and the lines so far. */
class Pricing {
    readonly items: LineItem[] = [];
    readonly prices: ReturnType<typeof pricesFor>;
    /** NAT gateways share the traffic assumed, the services' log groups the log volume. */
    readonly natCount: number;
    readonly serviceLogGroupCount: number;
    /** The HTTP API's access log grows with the requests instead. */
    readonly accessLogGbPerMonth: number;

    constructor(
        readonly resources: readonly DeclaredResource[],
        readonly region: string,
        readonly usage: UsageAssumptions,
    ) {
        this.prices = pricesFor(region);
        this.natCount = this.ofType(TYPES.natGateway).length;
        this.serviceLogGroupCount = this.ofType(TYPES.logGroup).filter((group) => !isAccessLog(group)).length;
        this.accessLogGbPerMonth = (usage.apiMillionRequestsPerMonth * 1e6 * usage.apiAccessLogBytesPerRequest) / 1e9;
    }

    ofType(type: string): DeclaredResource[] {
        return this.resources.filter((resource) => resource.type === type);
    }

    /** A line: `quantity` a month of `key`'s price. An arrow, so a pricer may take it out of the object. */
    readonly add = (resource: DeclaredResource, what: string, key: PriceKey, quantity: number, whileUp: boolean) => {
        const price = this.prices[key];
        this.items.push({
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
}

const isAccessLog = (resource: DeclaredResource) =>
    String(resource.inputs.name ?? "").startsWith(API_ACCESS_LOG_GROUP_PREFIX);

type Pricer = (resource: DeclaredResource, pricing: Pricing) => void;

const priceBucket: Pricer = (resource, { add, usage }) =>
    add(resource, "S3 storage", "s3StandardGbMonth", usage.s3GbPerBucket, false);

/** What each cost-bearing type charges a month, by its type token. */
const PRICERS: Readonly<Record<string, Pricer>> = {
    [TYPES.natGateway]: (resource, { add, usage, natCount }) => {
        add(resource, "NAT gateway", "natGatewayHour", HOURS_PER_MONTH, true);
        add(resource, "data through NAT", "natGatewayGb", usage.natGbPerMonth / natCount, true);
    },
    [TYPES.eip]: (resource, { add }) =>
        add(resource, "public IPv4 (Elastic IP)", "publicIpv4Hour", HOURS_PER_MONTH, true),
    [TYPES.loadBalancer]: (resource, { add, usage }) => {
        add(resource, "application load balancer", "albHour", HOURS_PER_MONTH, true);
        add(resource, "load balancer capacity units", "albLcuHour", usage.averageLcu * HOURS_PER_MONTH, true);
        const zones = resource.inputs.subnets?.length ?? 0;
        add(resource, "public IPv4, one per zone", "publicIpv4Hour", zones * HOURS_PER_MONTH, true);
    },
    [TYPES.service]: (resource, { items, resources, prices }) =>
        items.push(...priceService(resource, resources, prices)),
    [TYPES.zone]: (resource, { add, usage }) => {
        add(resource, "hosted zone", "route53ZoneMonth", 1, false);
        add(resource, "DNS queries", "route53MillionQueries", usage.route53MillionQueries, false);
    },
    // A month's requests, however many hours runtime is up. API Gateway finds the tasks with
    // Cloud Map's DiscoverInstances ($1.00 a million when an account calls it); no AWS page says
    // how often API Gateway calls it or that those calls reach the account's bill, so they are
    // not priced here (docs/front-doors.md: the upper bound).
    [TYPES.api]: (resource, { add, usage }) =>
        add(resource, "HTTP API requests", "httpApiMillionRequests", usage.apiMillionRequestsPerMonth, false),
    // Each running task is one registered instance; tasks exist only while runtime is up.
    [TYPES.cloudMapService]: (resource, { add, resources }) =>
        add(resource, "registered tasks", "cloudMapInstanceMonth", tasksRegisteredIn(resource, resources), true),
    // Cloud Map makes a Route 53 private hosted zone for a DNS namespace, billed as one.
    [TYPES.privateDnsNamespace]: (resource, { add }) =>
        add(resource, "the namespace's private hosted zone", "route53ZoneMonth", 1, false),
    // Only wakeOnRequest declares alarms, and its runtime is never torn down: a whole month.
    [TYPES.metricAlarm]: (resource, { add }) => add(resource, "alarm", "alarmMonth", 1, false),
    [TYPES.repository]: (resource, { add, usage }) =>
        add(resource, "image storage", "ecrGbMonth", usage.imageGbPerRepository, false),
    [TYPES.logGroup]: (resource, { add, usage, accessLogGbPerMonth, serviceLogGroupCount }) => {
        if (isAccessLog(resource)) {
            add(resource, "access log ingestion", "logsIngestedGb", accessLogGbPerMonth, false);
            // What the retention keeps: a month's lines times the share of a month they are kept.
            const keptMonths = Math.min(1, Number(resource.inputs.retentionInDays ?? 30) / 30);
            add(resource, "access log storage", "logsStoredGbMonth", accessLogGbPerMonth * keptMonths, false);
            return;
        }
        add(resource, "log ingestion", "logsIngestedGb", usage.logGbIngestedPerMonth / serviceLogGroupCount, true);
        add(resource, "log storage", "logsStoredGbMonth", usage.logGbStored / serviceLogGroupCount, false);
    },
    [TYPES.vpcEndpoint]: (resource, { add }) => {
        if (resource.inputs.vpcEndpointType !== "Interface") return;
        const zones = resource.inputs.subnetIds?.length ?? 1;
        add(resource, "interface endpoint, per zone", "interfaceEndpointHour", zones * HOURS_PER_MONTH, true);
    },
    [TYPES.instance]: (resource, { add, items, region }) => {
        const { instanceType, rootBlockDevice, associatePublicIpAddress } = resource.inputs;
        const hourly = instanceHourPrice(region, instanceType);
        items.push({
            resource: resource.name,
            type: resource.type,
            what: `EC2 ${instanceType}`,
            quantity: HOURS_PER_MONTH,
            unit: hourly.per,
            unitPrice: hourly.usd,
            monthly: HOURS_PER_MONTH * hourly.usd,
            whileUp: true,
        });
        // The root volume is deleted with the instance, so it too costs only while runtime is up.
        add(resource, "gp3 root volume", "gp3GbMonth", Number(rootBlockDevice?.volumeSize ?? 0), true);
        if (associatePublicIpAddress) add(resource, "public IPv4", "publicIpv4Hour", HOURS_PER_MONTH, true);
    },
    [TYPES.bucket]: priceBucket,
    [TYPES.bucketV2]: priceBucket,
};

export function priceResources(
    resources: readonly DeclaredResource[],
    region: string,
    usage: UsageAssumptions,
): PricedStack {
    const pricing = new Pricing(resources, region, usage);
    const unpriced = new Set<string>();
    for (const resource of resources) {
        const price = PRICERS[resource.type];
        if (price) price(resource, pricing);
        else if (!FREE_TYPES.has(resource.type) && !isComponent(resource.type)) unpriced.add(resource.type);
    }
    return { items: pricing.items, unpriced: [...unpriced] };
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
