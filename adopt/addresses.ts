import { OpsError } from "../cli/errors";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import type { StateObject } from "./terraform-state";

/**
 * The mapping reads the old base's own addresses, in the root module (shared/reference, "The old base
 * workspace as Terraform state holds it"). A base built from modules, or with other names
 * (`aws_subnet.public_a`, `module.vpc.aws_vpc.this`), gets `terraform state mv` commands whose
 * targets are those addresses, for the base's resources only: compute, load balancers and anything
 * else have no place in the base and stay where they are ("not known" in the report).
 *
 * `terraform state mv` moves a resource without count or for_each onto an instance address
 * (`aws_subnet.public_a` to `aws_subnet.public[0]`) and an instance onto a new resource
 * (hashicorp/terraform internal/command/state_mv.go, sourceObjectAddrs); `-state=FILE` works on a
 * local file and ignores any backend (developer.hashicorp.com, backend "local", command-line
 * arguments), so only the pulled copy changes.
 */

/** The addresses the mapping reads, for the refusal to name. */
const OLD_BASE_ADDRESSES = [
    "aws_vpc.main",
    "aws_internet_gateway.main",
    "aws_subnet.public[i] and aws_subnet.private[i]",
    "aws_route_table.public",
    "aws_route_table_association.public[i]",
    "aws_security_group.alb and aws_security_group.ecs_tasks",
    "aws_ecr_repository, aws_ecr_lifecycle_policy and aws_ecr_repository_policy .frontend and .backend",
    'aws_route53_record.zone_delegation[0] and aws_route53_record.cert_validation["<name>"]',
].join(", ");

export interface Move {
    readonly from: string;
    readonly to: string;
}

/** What an object is called: its address, name and Name tag (and with `described`, its description), lower case. */
const words = (object: StateObject, described = false) =>
    [
        object.address,
        object.attributes.name,
        object.attributes.tags?.Name,
        described ? object.attributes.description : undefined,
    ]
        .filter((value) => typeof value === "string")
        .join(" ")
        .toLowerCase();
/** Already where the mapping reads it: in the root module, under one of the old base's names. */
const inPlace = (object: StateObject, ...names: string[]) => !object.module && names.includes(object.name);

/** Where each of the base's objects belongs, for those not there yet, and the subnets placed in a tier. */
function movesToOldBaseAddresses(objects: readonly StateObject[]): {
    moves: Move[];
    subnets: Map<string, SubnetTarget>;
} {
    const moves: Move[] = [];
    const taken = new Set(objects.map((object) => object.address));
    const move = (object: StateObject, to: string) => {
        if (object.address === to || taken.has(to)) return;
        taken.add(to);
        moves.push({ from: object.address, to });
    };
    const ofType = (type: string) => objects.filter((object) => object.type === type);
    const single = (type: string, to: string) => {
        const found = ofType(type);
        if (found.length === 1) move(found[0], to);
    };
    single("aws_vpc", "aws_vpc.main");
    single("aws_internet_gateway", "aws_internet_gateway.main");
    const subnetTargets = subnetMoves(ofType("aws_subnet"), move);
    const tables = ofType("aws_route_table");
    const publicTable = tables.find((table) => inPlace(table, "public")) ?? publicRouteTable(tables);
    if (publicTable) move(publicTable, "aws_route_table.public");
    for (const association of ofType("aws_route_table_association")) {
        const target = subnetTargets.get(association.attributes.subnet_id);
        if (
            publicTable &&
            association.attributes.route_table_id === publicTable.attributes.id &&
            target?.tier === "public"
        )
            move(association, `aws_route_table_association.public[${target.index}]`);
    }
    for (const group of ofType("aws_security_group").filter((candidate) => !inPlace(candidate, "alb", "ecs_tasks"))) {
        const role = securityGroupRole(group);
        if (role) move(group, `aws_security_group.${role}`);
    }
    for (const type of ["aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_repository_policy"])
        for (const object of ofType(type).filter((candidate) => !inPlace(candidate, ...SERVICE_NAMES))) {
            const service = serviceOf(
                type === "aws_ecr_repository" ? object.attributes.name : object.attributes.repository,
            );
            if (service) move(object, `${type}.${service}`);
        }
    // The mapping finds these by type or by name, wherever they are named: only a module is in the way.
    for (const type of [
        "aws_route53_zone",
        "aws_acm_certificate",
        "aws_acm_certificate_validation",
        "aws_cloudwatch_log_group",
    ])
        for (const object of ofType(type).filter((candidate) => candidate.module))
            move(object, object.address.slice(object.module!.length + 1));
    for (const record of ofType("aws_route53_record")) {
        const to = recordAddress(record, ofType("aws_route53_zone"));
        if (to) move(record, to);
    }
    return { moves, subnets: subnetTargets };
}

type SubnetTarget = { tier: "public" | "private"; index: number };

/** Subnets by tier (name, tags, then whether they map public addresses), each tier in zone order. */
function subnetMoves(
    subnets: readonly StateObject[],
    move: (object: StateObject, to: string) => void,
): Map<string, SubnetTarget> {
    const targets = new Map<string, SubnetTarget>();
    const tierOf = (subnet: StateObject): "public" | "private" | undefined => {
        const said = `${words(subnet)} ${subnet.attributes.tags?.Type ?? ""} ${subnet.attributes.tags?.Tier ?? ""}`;
        if (/public/.test(said) && !/private/.test(said)) return "public";
        if (/private/.test(said) && !/public/.test(said)) return "private";
        return subnet.attributes.map_public_ip_on_launch === true ? "public" : undefined;
    };
    for (const tier of ["public", "private"] as const) {
        const inPlace = (subnet: StateObject) =>
            !subnet.module && subnet.name === tier && typeof subnet.index === "number";
        const ofTier = subnets.filter((subnet) => tierOf(subnet) === tier);
        let next = Math.max(-1, ...ofTier.filter(inPlace).map((subnet) => Number(subnet.index))) + 1;
        for (const subnet of ofTier.filter(inPlace))
            targets.set(subnet.attributes.id, { tier, index: Number(subnet.index) });
        const others = ofTier
            .filter((subnet) => !inPlace(subnet))
            .sort((a, b) =>
                `${a.attributes.availability_zone} ${a.attributes.cidr_block}`.localeCompare(
                    `${b.attributes.availability_zone} ${b.attributes.cidr_block}`,
                ),
            );
        for (const subnet of others) {
            targets.set(subnet.attributes.id, { tier, index: next });
            move(subnet, `aws_subnet.${tier}[${next++}]`);
        }
    }
    return targets;
}

/** The route table whose default route goes to an internet gateway, or the one named public. */
function publicRouteTable(tables: readonly StateObject[]): StateObject | undefined {
    const toGateway = (table: StateObject) =>
        (table.attributes.route ?? []).some(
            (route: Record<string, unknown>) =>
                route.cidr_block === "0.0.0.0/0" && /^igw-/.test(String(route.gateway_id ?? "")),
        );
    const candidates = tables.filter((table) => toGateway(table) || /public/.test(words(table)));
    return candidates.length === 1 ? candidates[0] : undefined;
}

/** alb or ecs_tasks, by what the group is called or described as; undefined when it says neither. */
function securityGroupRole(group: StateObject): "alb" | "ecs_tasks" | undefined {
    const roleIn = (said: string) => {
        const loadBalancer = /alb|load.?balancer|\belb\b|[-_.]lb\b/.test(said);
        const tasks = /ecs|task|service|container/.test(said);
        return loadBalancer === tasks ? undefined : loadBalancer ? "alb" : "ecs_tasks";
    };
    return roleIn(words(group)) ?? roleIn(words(group, true));
}

function serviceOf(name: unknown): ServiceName | undefined {
    const found = SERVICE_NAMES.filter((service) =>
        String(name ?? "")
            .toLowerCase()
            .includes(service),
    );
    return found.length === 1 ? found[0] : undefined;
}

/** The delegation of the base's zone (an NS record of its name) and ACM's validation records (CNAMEs named _...). */
function recordAddress(record: StateObject, zones: readonly StateObject[]): string | undefined {
    const name = String(record.attributes.name).replace(/\.$/, "");
    const zoneNames = zones.map((zone) => String(zone.attributes.name).replace(/\.$/, ""));
    if (record.attributes.type === "NS" && zoneNames.includes(name)) return "aws_route53_record.zone_delegation[0]";
    if (record.attributes.type === "CNAME" && name.startsWith("_"))
        return `aws_route53_record.cert_validation["${name.slice(name.indexOf(".") + 1)}"]`;
    return undefined;
}

/** Refuses (exit 2) a base whose resources are elsewhere than the mapping reads, with the moves that put them there. */
export function refuseOtherAddresses(objects: readonly StateObject[], source: string): void {
    const quote = (address: string) => `'${address}'`;
    const vpcs = objects.filter((object) => object.type === "aws_vpc");
    if (vpcs.length > 1 && !vpcs.some((vpc) => vpc.address === "aws_vpc.main"))
        throw new OpsError(
            `${source} holds ${vpcs.length} VPCs (${vpcs.map((vpc) => `${vpc.address} ${vpc.attributes.cidr_block}`).join(", ")}) and the old base held one, aws_vpc.main; if one of them is the base's, move it there in the pulled file and run adopt again, e.g.:\n  terraform state mv -state=${source} ${quote(vpcs[0].address)} ${quote("aws_vpc.main")}\nNothing was written`,
            2,
        );
    const { moves, subnets } = movesToOldBaseAddresses(objects);
    const publicSubnets = [...subnets.values()].filter((target) => target.tier === "public").length;
    if (publicSubnets < 2) {
        const untold = objects.filter((object) => object.type === "aws_subnet" && !subnets.has(object.attributes.id));
        throw new OpsError(
            [
                `${source} holds ${publicSubnets} subnet${publicSubnets === 1 ? "" : "s"} adopt can tell public, and this program's base needs public subnets in at least two zones (its load balancer does).`,
                untold.length > 0
                    ? `These say neither public nor private by name, Type or Tier tag, or map_public_ip_on_launch: ${untold.map((subnet) => `${subnet.address} (${subnet.attributes.availability_zone}, ${subnet.attributes.cidr_block})`).join(", ")}. Move each public one to aws_subnet.public[i] and each private one to aws_subnet.private[i] in the pulled file, e.g.:\n  terraform state mv -state=${source} ${quote(untold[0].address)} ${quote("aws_subnet.public[0]")}`
                    : "The old base had one public subnet per zone, two or more; give its state.",
                "Nothing was written",
            ].join("\n"),
            2,
        );
    }
    if (moves.length === 0) return;
    throw new OpsError(
        [
            `${source} holds the base's resources under other addresses than the old base's, which adopt reads (${OLD_BASE_ADDRESSES}, in the root module).`,
            `Move them in the pulled file, in a folder without Terraform configuration (-state names a local file: the workspace stays as it is), then run adopt again:`,
            ...moves.map((move) => `  terraform state mv -state=${source} ${quote(move.from)} ${quote(move.to)}`),
            `What else the state holds has no place in the base and stays where it is. Nothing was written`,
        ].join("\n"),
        2,
    );
}
