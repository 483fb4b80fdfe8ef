/**
 * On-demand AWS prices, one dated table per region, each figure with its source. Re-check them
 * before relying on a figure: AWS changes prices rarely but does change them.
 */
export interface Price {
    readonly usd: number;
    readonly per: string;
    readonly source: string;
    /** When the figure was read from the source. */
    readonly seen: string;
}

export type PriceKey =
    | "natGatewayHour"
    | "natGatewayGb"
    | "albHour"
    | "albLcuHour"
    | "publicIpv4Hour"
    | "fargateVcpuHour"
    | "fargateGbHour"
    | "fargateArmVcpuHour"
    | "fargateArmGbHour"
    | "fargateSpotVcpuHour"
    | "fargateSpotGbHour"
    | "route53ZoneMonth"
    | "route53MillionQueries"
    | "ecrGbMonth"
    | "logsIngestedGb"
    | "logsStoredGbMonth"
    | "interfaceEndpointHour"
    | "interfaceEndpointGb"
    | "s3StandardGbMonth"
    | "gp3GbMonth"
    | "httpApiMillionRequests"
    | "cloudMapInstanceMonth"
    | "alarmMonth";

const price = (usd: number, per: string, source: string, seen = "2026-11"): Price => ({ usd, per, source, seen });
const VPC = "aws.amazon.com/vpc/pricing";
const ELB = "aws.amazon.com/elasticloadbalancing/pricing";
const FARGATE = "aws.amazon.com/fargate/pricing";

/** us-west-2 and us-east-1 charge the same for everything priced here. */
const US_STANDARD: Readonly<Record<PriceKey, Price>> = {
    natGatewayHour: price(0.045, "NAT gateway-hour", VPC),
    natGatewayGb: price(0.045, "GB processed by NAT", VPC),
    albHour: price(0.0225, "ALB-hour", ELB),
    albLcuHour: price(0.008, "LCU-hour", ELB),
    publicIpv4Hour: price(0.005, "public IPv4 address-hour (in use or idle, since 2024-02)", VPC),
    fargateVcpuHour: price(0.04048, "vCPU-hour, Linux x86", FARGATE),
    fargateGbHour: price(0.004445, "GB-hour, Linux x86", FARGATE),
    fargateArmVcpuHour: price(0.03238, "vCPU-hour, Linux ARM", FARGATE),
    fargateArmGbHour: price(0.00356, "GB-hour, Linux ARM", FARGATE),
    // Spot prices move with demand; 70% below on-demand is the usual discount, not a quote.
    fargateSpotVcpuHour: price(0.012144, "vCPU-hour, Fargate Spot x86 (about 70% off)", FARGATE),
    fargateSpotGbHour: price(0.0013335, "GB-hour, Fargate Spot x86 (about 70% off)", FARGATE),
    route53ZoneMonth: price(0.5, "hosted zone-month", "aws.amazon.com/route53/pricing"),
    route53MillionQueries: price(0.4, "million standard queries", "aws.amazon.com/route53/pricing"),
    ecrGbMonth: price(0.1, "GB-month stored", "aws.amazon.com/ecr/pricing"),
    logsIngestedGb: price(0.5, "GB ingested", "aws.amazon.com/cloudwatch/pricing"),
    logsStoredGbMonth: price(0.03, "GB-month archived", "aws.amazon.com/cloudwatch/pricing"),
    interfaceEndpointHour: price(0.01, "interface endpoint-hour per AZ", "aws.amazon.com/privatelink/pricing"),
    interfaceEndpointGb: price(0.01, "GB processed by an interface endpoint", "aws.amazon.com/privatelink/pricing"),
    s3StandardGbMonth: price(0.023, "GB-month, S3 Standard", "aws.amazon.com/s3/pricing"),
    gp3GbMonth: price(0.08, "GB-month, EBS gp3", "aws.amazon.com/ebs/pricing"),
    // The first 300 million a month; data transferred out is billed on top, as for the load balancer.
    httpApiMillionRequests: price(1.0, "million HTTP API requests", "aws.amazon.com/api-gateway/pricing"),
    cloudMapInstanceMonth: price(0.1, "registered Cloud Map instance-month", "aws.amazon.com/cloud-map/pricing"),
    // Per alarm metric; a standard-resolution alarm on one metric is one.
    alarmMonth: price(0.1, "standard-resolution alarm-month", "aws.amazon.com/cloudwatch/pricing"),
};

const EC2 = "aws.amazon.com/ec2/pricing/on-demand";
/** On-demand Linux instance-hours; us-west-2 and us-east-1 charge the same for these. */
const US_INSTANCE_HOURS: Readonly<Record<string, Price>> = {
    "t4g.nano": price(0.0042, "t4g.nano instance-hour, Linux", EC2),
    "t4g.micro": price(0.0084, "t4g.micro instance-hour, Linux", EC2),
    "t4g.small": price(0.0168, "t4g.small instance-hour, Linux", EC2),
    "t4g.medium": price(0.0336, "t4g.medium instance-hour, Linux", EC2),
    "t3.nano": price(0.0052, "t3.nano instance-hour, Linux", EC2),
    "t3.micro": price(0.0104, "t3.micro instance-hour, Linux", EC2),
    "t3.small": price(0.0208, "t3.small instance-hour, Linux", EC2),
};

export const INSTANCE_HOUR_PRICES: Readonly<Record<string, Readonly<Record<string, Price>>>> = {
    "us-west-2": US_INSTANCE_HOURS,
    "us-east-1": US_INSTANCE_HOURS,
};

export function instanceHourPrice(region: string, instanceType: string): Price {
    const table = INSTANCE_HOUR_PRICES[region] ?? {};
    const found = table[instanceType];
    if (!found)
        throw new Error(
            `no price for instance type ${instanceType} in ${region}; add it to cost/prices.ts (priced: ${Object.keys(table).join(", ")})`,
        );
    return found;
}

export const PRICES: Readonly<Record<string, Readonly<Record<PriceKey, Price>>>> = {
    "us-west-2": US_STANDARD,
    "us-east-1": US_STANDARD,
};

/** AWS bills by the hour against a 730-hour month. */
export const HOURS_PER_MONTH = 730;

export function pricesFor(region: string): Readonly<Record<PriceKey, Price>> {
    const table = PRICES[region];
    if (!table)
        throw new Error(
            `no prices for ${region}; add a dated table to cost/prices.ts (priced: ${Object.keys(PRICES).join(", ")})`,
        );
    return table;
}
