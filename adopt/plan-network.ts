import { BASE_COMPONENTS, networkNames } from "../base/names";
import { OpsError } from "../cli/errors";
import { ENVIRONMENTS } from "../shared/environments";
import { planSubnets } from "../shared/subnet-plan";
import { PlanBuilder, TAGS_CHANGE } from "./plan-builder";
import { TYPES } from "../shared/resource-types";

/** The old network: aws_vpc.main, its gateway, aws_subnet.public[i] and .private[i], the public route table and its associations. */

const parent = BASE_COMPONENTS.network.name;
const names = networkNames(parent);
const VPC = TYPES.vpc;
const GATEWAY = TYPES.internetGateway;
const SUBNET = TYPES.subnet;
const ROUTE_TABLE = TYPES.routeTable;
const ASSOCIATION = TYPES.routeTableAssociation;

/** Maps the network and sets vpcCidr, azCount and subnetCidrs where the old layout differs; returns the subnets' zones by index. */
export function planNetwork(plan: PlanBuilder): string[] {
    const [vpc] = plan.find("aws_vpc", "main");
    if (!vpc) throw new OpsError("the state has no aws_vpc.main; is it the old base workspace's state?", 2);
    plan.adopt(vpc, { type: VPC, logicalName: names.vpc, parent }, vpc.attributes.id, [TAGS_CHANGE]);
    plan.expect(vpc, { type: VPC, logicalName: names.vpc }, "cidrBlock", vpc.attributes.cidr_block);
    const defaults = ENVIRONMENTS[plan.scope.env];
    if (vpc.attributes.cidr_block !== defaults.vpcCidr) plan.config.vpcCidr = vpc.attributes.cidr_block;

    const gateways = plan.find("aws_internet_gateway");
    if (gateways.length === 0) plan.create(GATEWAY, names.gateway, "aws_internet_gateway");
    for (const gateway of gateways)
        plan.adopt(gateway, { type: GATEWAY, logicalName: names.gateway, parent }, gateway.attributes.id, [
            TAGS_CHANGE,
        ]);

    const subnets = (tier: "public" | "private") =>
        plan.find("aws_subnet", tier).sort((a, b) => Number(a.index) - Number(b.index));
    for (const tier of ["public", "private"] as const)
        for (const subnet of subnets(tier)) {
            const target = { type: SUBNET, logicalName: names[tier](Number(subnet.index)) };
            const changes = subnet.attributes.map_public_ip_on_launch
                ? ["map_public_ip_on_launch true -> false (nothing gets an address by accident)", TAGS_CHANGE]
                : [TAGS_CHANGE];
            plan.adopt(subnet, { ...target, parent }, subnet.attributes.id, changes);
            plan.expect(subnet, target, "cidrBlock", subnet.attributes.cidr_block);
            plan.expect(subnet, target, "availabilityZone", subnet.attributes.availability_zone);
        }
    const azCount = subnets("public").length;
    if (azCount !== defaults.azCount) plan.config.azCount = String(azCount);
    const planned = planSubnets(vpc.attributes.cidr_block, azCount);
    const cidrs = {
        public: subnets("public").map((subnet) => subnet.attributes.cidr_block),
        private: subnets("private").map((subnet) => subnet.attributes.cidr_block),
    };
    if (JSON.stringify(cidrs) !== JSON.stringify({ public: planned.public, private: planned.private }))
        plan.config.subnetCidrs = JSON.stringify(cidrs);

    planPublicRoutes(
        plan,
        subnets("public").map((subnet) => Number(subnet.index)),
    );
    return subnets("public").map((subnet) => subnet.attributes.availability_zone);
}

function planPublicRoutes(plan: PlanBuilder, publicIndexes: number[]): void {
    const [table] = plan.find("aws_route_table", "public");
    if (table)
        plan.adopt(table, { type: ROUTE_TABLE, logicalName: names.publicRouteTable, parent }, table.attributes.id, [
            TAGS_CHANGE,
        ]);
    else plan.create(ROUTE_TABLE, names.publicRouteTable, "aws_route_table.public");
    const associations = plan.find("aws_route_table_association", "public");
    for (const index of publicIndexes.filter((candidate) => !associations.some((found) => found.index === candidate)))
        plan.create(ASSOCIATION, names.public(index), `aws_route_table_association.public[${index}]`);
    for (const association of associations)
        // Import id of an association: <subnet-id>/<route-table-id> (aws.ec2.RouteTableAssociation docs).
        plan.adopt(
            association,
            { type: ASSOCIATION, logicalName: names.public(Number(association.index)), parent },
            `${association.attributes.subnet_id}/${association.attributes.route_table_id}`,
        );
}
