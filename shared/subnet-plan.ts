/**
 * Subnet layout: the VPC is cut in two halves, public below and private above, and each half into
 * eight equal blocks, one per availability zone (a /16 VPC gets /20 subnets). A subnet's CIDR depends only on its tier and zone
 * index, so raising azCount adds subnets without renumbering (and replacing) the existing ones.
 */
export interface SubnetPlan {
    readonly public: readonly string[];
    readonly private: readonly string[];
}

export const MAX_AZ_COUNT = 6;

/** Eight blocks per half leave room for MAX_AZ_COUNT zones: each subnet is 1/16 of the VPC. */
export function subnetPrefixOf(vpcCidr: string): number {
    return Number(vpcCidr.split("/")[1]) + 4;
}

export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan {
    const [address, prefixText] = vpcCidr.split("/");
    const vpcPrefix = Number(prefixText);
    const subnetPrefix = subnetPrefixOf(vpcCidr);
    const blockSize = 2 ** (32 - subnetPrefix);
    const halfSize = 2 ** (32 - vpcPrefix - 1);
    const start = toNumber(address);
    const block = (offset: number, index: number) => `${toAddress(start + offset + index * blockSize)}/${subnetPrefix}`;
    const zones = Array.from({ length: azCount }, (_, index) => index);
    return {
        public: zones.map((index) => block(0, index)),
        private: zones.map((index) => block(halfSize, index)),
    };
}

/** The first and last address of a CIDR block, as numbers. */
export function cidrRange(cidr: string): { first: number; last: number; prefix: number } {
    const [address, prefixText] = cidr.split("/");
    const prefix = Number(prefixText);
    const first = toNumber(address);
    return { first, last: first + 2 ** (32 - prefix) - 1, prefix };
}

function toNumber(address: string): number {
    return address.split(".").reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function toAddress(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}
