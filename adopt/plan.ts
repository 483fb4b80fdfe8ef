import { environmentZoneName, logGroupName, repositoryName } from "../shared/naming";
import { ENVIRONMENTS, EnvironmentName } from "../shared/environments";
import { SERVICE_NAMES, ServiceName } from "../shared/services";
import { planSubnets } from "../shared/subnet-plan";
import { validationDomains } from "../base/dns";
import { defaultSecurityGroup } from "../base/security-groups";
import { OpsError } from "../cli/errors";
import { Component, COMPONENTS, ImportEntry, pinnedAwsProviderVersion, ReportLine } from "./import-file";
import { adoptRules, rulesToResolve, SecurityGroupRule } from "./security-group-rules";
import { StateObject } from "./terraform-state";
import { TYPES } from "../shared/resource-types";

/**
 * How the old Terraform base maps onto this program's base: which program resource each Terraform
 * object becomes, the id `pulumi import` needs for it (in the format each type's documentation
 * gives), the config that makes the program declare what exists, and what each adoption changes.
 */

/** A property the program must declare as the state has it; `forcesReplacement` decides how a difference is reported. */
export interface Expectation {
    readonly address: string;
    readonly type: string;
    readonly logicalName: string;
    readonly property: string;
    readonly value: unknown;
    readonly forcesReplacement: boolean;
}

/** A program resource whose counterpart the old base never held: pulumi up creates it, nothing is imported. */
export interface Creation {
    readonly type: string;
    readonly logicalName: string;
}

export interface AdoptionPlan {
    /** Keys (without the project namespace) and values to write into Pulumi.base-<env>.yaml. */
    readonly config: Record<string, string>;
    readonly entries: ImportEntry[];
    readonly report: ReportLine[];
    readonly expectations: Expectation[];
    readonly creations: Creation[];
    /** The zones the old subnets are in, by index: the program must choose the same. */
    readonly zones: string[];
}

const SERVICE_OF_REPOSITORY: Record<string, ServiceName> = { frontend: "frontend", backend: "backend" };
const GROUP_ROLES: Record<string, "loadBalancer" | "services"> = { alb: "loadBalancer", ecs_tasks: "services" };
const GROUP_LOGICAL: Record<"loadBalancer" | "services", string> = {
    loadBalancer: "security-groups-load-balancer",
    services: "security-groups-services",
};

const stripDot = (name: string) => String(name).replace(/\.$/, "");

/**
 * `rules`: the inline security group rules as EC2 lists them, with ids; undefined for an offline run,
 * whose report lists the rules still to resolve.
 */
export function planAdoption(
    objects: readonly StateObject[],
    scope: { project: string; env: EnvironmentName },
    rules: readonly SecurityGroupRule[] | undefined,
): AdoptionPlan {
    const version = pinnedAwsProviderVersion();
    const entries: ImportEntry[] = [];
    const report: ReportLine[] = [];
    const expectations: Expectation[] = [];
    const config: Record<string, string> = {};
    const creations: Creation[] = [];
    const create = (type: string, logicalName: string, missing: string) => {
        creations.push({ type, logicalName });
        report.push({
            address: "(not in the state)",
            outcome: "created anew",
            detail: `${logicalName} (${type}): the state holds no ${missing}, so pulumi up creates it`,
        });
    };
    const used = new Set<Component>();
    const find = (type: string, name?: string) =>
        // Only the root module's: what a module holds that no move brought out has no place in the base.
        objects.filter(
            (object) => !object.module && object.type === type && (name === undefined || object.name === name),
        );
    const one = (type: string, name: string) => find(type, name)[0];
    const adopt = (
        object: StateObject,
        type: string,
        logicalName: string,
        parent: Component,
        id: string,
        changes: string[] = [],
    ) => {
        used.add(parent);
        const fileName = entries.some((entry) => entry.name === logicalName)
            ? `${logicalName}:${type.split(":").pop()}`
            : logicalName;
        entries.push({
            type,
            name: fileName,
            ...(fileName !== logicalName ? { logicalName } : {}),
            id,
            parent,
            version,
        });
        report.push({
            address: object.address,
            outcome: changes.length > 0 ? "adopted, changes in place" : "adopted",
            detail: `${logicalName} (${type}) ${id}${changes.length > 0 ? `; changes in place: ${changes.join("; ")}` : ""}`,
        });
    };
    const expect = (
        object: StateObject,
        type: string,
        logicalName: string,
        property: string,
        value: unknown,
        forcesReplacement = true,
    ) => expectations.push({ address: object.address, type, logicalName, property, value, forcesReplacement });
    const done = new Set<string>();
    const handled = (object: StateObject) => done.add(object.address);

    // Network.
    const vpc = one("aws_vpc", "main");
    if (!vpc) throw new OpsError("the state has no aws_vpc.main; is it the old base workspace's state?", 2);
    adopt(vpc, TYPES.vpc, "network-vpc", "network", vpc.attributes.id, ["tags become the contract tags"]);
    expect(vpc, TYPES.vpc, "network-vpc", "cidrBlock", vpc.attributes.cidr_block);
    handled(vpc);
    if (vpc.attributes.cidr_block !== ENVIRONMENTS[scope.env].vpcCidr) config.vpcCidr = vpc.attributes.cidr_block;

    if (find("aws_internet_gateway").length === 0) create(TYPES.internetGateway, "network-igw", "aws_internet_gateway");
    for (const gateway of find("aws_internet_gateway")) {
        adopt(gateway, TYPES.internetGateway, "network-igw", "network", gateway.attributes.id, [
            "tags become the contract tags",
        ]);
        handled(gateway);
    }
    const subnets = (tier: "public" | "private") =>
        find("aws_subnet", tier).sort((a, b) => Number(a.index) - Number(b.index));
    const zones: string[] = subnets("public").map((subnet) => subnet.attributes.availability_zone);
    for (const tier of ["public", "private"] as const) {
        for (const subnet of subnets(tier)) {
            const logicalName = `network-${tier}-${subnet.index}`;
            const changes = [
                subnet.attributes.map_public_ip_on_launch
                    ? "map_public_ip_on_launch true -> false (nothing gets an address by accident)"
                    : "",
                "tags become the contract tags",
            ].filter(Boolean);
            adopt(subnet, TYPES.subnet, logicalName, "network", subnet.attributes.id, changes);
            expect(subnet, TYPES.subnet, logicalName, "cidrBlock", subnet.attributes.cidr_block);
            expect(subnet, TYPES.subnet, logicalName, "availabilityZone", subnet.attributes.availability_zone);
            handled(subnet);
        }
    }
    const azCount = subnets("public").length;
    if (azCount !== ENVIRONMENTS[scope.env].azCount) config.azCount = String(azCount);
    const plan = planSubnets(vpc.attributes.cidr_block, azCount);
    const cidrs = {
        public: subnets("public").map((subnet) => subnet.attributes.cidr_block),
        private: subnets("private").map((subnet) => subnet.attributes.cidr_block),
    };
    if (JSON.stringify(cidrs) !== JSON.stringify({ public: plan.public, private: plan.private }))
        config.subnetCidrs = JSON.stringify(cidrs);

    const publicTable = one("aws_route_table", "public");
    if (!publicTable) create(TYPES.routeTable, "network-public", "aws_route_table.public");
    const associated = new Set(find("aws_route_table_association", "public").map((association) => association.index));
    subnets("public").forEach((subnet) => {
        if (!associated.has(subnet.index))
            create(
                TYPES.routeTableAssociation,
                `network-public-${subnet.index}`,
                `aws_route_table_association.public[${subnet.index}]`,
            );
    });
    if (publicTable) {
        adopt(publicTable, TYPES.routeTable, "network-public", "network", publicTable.attributes.id, [
            "tags become the contract tags",
        ]);
        handled(publicTable);
    }
    for (const association of find("aws_route_table_association", "public")) {
        // Import id of an association: <subnet-id>/<route-table-id> (aws.ec2.RouteTableAssociation docs).
        adopt(
            association,
            TYPES.routeTableAssociation,
            `network-public-${association.index}`,
            "network",
            `${association.attributes.subnet_id}/${association.attributes.route_table_id}`,
        );
        handled(association);
    }

    // Security groups, and their inline rules, which the state holds without rule ids.
    const groupIds: Partial<Record<"loadBalancer" | "services", string>> = {};
    const names: Record<string, string> = {};
    const descriptions: Record<string, string> = {};
    for (const group of find("aws_security_group")) {
        const role = GROUP_ROLES[group.name];
        if (!role) continue;
        groupIds[role] = group.attributes.id;
        names[role] = group.attributes.name;
        descriptions[role] = group.attributes.description;
        adopt(group, TYPES.securityGroup, GROUP_LOGICAL[role], "security-groups", group.attributes.id, [
            "tags become the contract tags",
        ]);
        expect(group, TYPES.securityGroup, GROUP_LOGICAL[role], "name", group.attributes.name);
        expect(group, TYPES.securityGroup, GROUP_LOGICAL[role], "description", group.attributes.description);
        handled(group);
    }
    const roles = ["loadBalancer", "services"] as const;
    for (const role of roles.filter((candidate) => !names[candidate]))
        create(
            TYPES.securityGroup,
            GROUP_LOGICAL[role],
            `aws_security_group.${Object.keys(GROUP_ROLES).find((name) => GROUP_ROLES[name] === role)}`,
        );
    if (Object.keys(names).length > 0) {
        // The group the old base never had keeps the name and description the program gives it.
        const group = (role: "loadBalancer" | "services") =>
            names[role] ? { name: names[role], description: descriptions[role] } : defaultSecurityGroup(scope, role);
        config.securityGroupNames = JSON.stringify(Object.fromEntries(roles.map((role) => [role, group(role).name])));
        config.securityGroupDescriptions = JSON.stringify(
            Object.fromEntries(roles.map((role) => [role, group(role).description])),
        );
    }
    report.push(
        ...(rules
            ? adoptRules(groupIds, rules, entries, used, version)
            : rulesToResolve(find("aws_security_group").filter((group) => GROUP_ROLES[group.name]))),
    );

    // Registries.
    const repositoryNames = {} as Record<ServiceName, string>;
    for (const repository of find("aws_ecr_repository")) {
        const service = SERVICE_OF_REPOSITORY[repository.name];
        if (!service) continue;
        repositoryNames[service] = repository.attributes.name;
        adopt(repository, TYPES.repository, `registries-${service}`, "registries", repository.attributes.name, [
            "tags become the contract tags",
        ]);
        expect(repository, TYPES.repository, `registries-${service}`, "name", repository.attributes.name);
        const encryption = repository.attributes.encryption_configuration?.[0]?.encryption_type ?? "AES256";
        expect(
            repository,
            TYPES.repository,
            `registries-${service}`,
            "encryptionConfigurations.0.encryptionType",
            encryption,
        );
        handled(repository);
    }
    for (const service of SERVICE_NAMES.filter((candidate) => !repositoryNames[candidate]))
        create(TYPES.repository, `registries-${service}`, `aws_ecr_repository.${service}`);
    if (
        SERVICE_NAMES.some(
            (service) => repositoryNames[service] && repositoryNames[service] !== repositoryName(scope, service),
        )
    ) {
        config.repositoryNames = JSON.stringify(
            Object.fromEntries(
                SERVICE_NAMES.map((service) => [service, repositoryNames[service] ?? repositoryName(scope, service)]),
            ),
        );
    }
    const policies = new Set(find("aws_ecr_lifecycle_policy").map((policy) => SERVICE_OF_REPOSITORY[policy.name]));
    for (const service of SERVICE_NAMES.filter((candidate) => !policies.has(candidate)))
        create(
            TYPES.lifecyclePolicy,
            `registries-${service}`,
            `aws_ecr_lifecycle_policy.${service} (this project's rules keep release images by count)`,
        );
    for (const policy of find("aws_ecr_lifecycle_policy")) {
        const service = SERVICE_OF_REPOSITORY[policy.name];
        if (!service) continue;
        // Import id of a lifecycle policy: the repository's name.
        adopt(policy, TYPES.lifecyclePolicy, `registries-${service}`, "registries", policy.attributes.repository, [
            "rules replaced by this project's: release tags kept by count, never expired by age (the old rules expired dev* tags after 7 days)",
        ]);
        handled(policy);
    }
    for (const policy of find("aws_ecr_repository_policy")) {
        report.push({
            address: policy.address,
            outcome: "left behind",
            detail: `the program manages no repository policy: tasks pull with the execution role's IAM rights. After "terraform state rm", delete it (aws ecr delete-repository-policy --repository-name ${policy.attributes.repository}) or keep it; it grants only pulls`,
        });
        handled(policy);
    }

    // DNS.
    const zone = find("aws_route53_zone")[0];
    if (zone) {
        const zoneName = stripDot(zone.attributes.name);
        adopt(zone, TYPES.zone, "dns-zone", "dns", zone.attributes.zone_id, ["comment and tags become this project's"]);
        expect(zone, TYPES.zone, "dns-zone", "name", zoneName);
        handled(zone);
        config.domain = zoneName;
        if (environmentZoneName(zoneName, scope.env, ENVIRONMENTS[scope.env].zoneAtApex) !== zoneName)
            config.zoneName = zoneName;
        config.dnsDelegated = "true";
        const delegation = find("aws_route53_record", "zone_delegation")[0];
        if (delegation) {
            // Import id of a record: <zone id>_<name>_<type> (aws.route53.Record docs).
            adopt(
                delegation,
                TYPES.record,
                "dns-delegation",
                "dns",
                `${delegation.attributes.zone_id}_${stripDot(delegation.attributes.name)}_NS`,
            );
            config.parentZoneId = delegation.attributes.zone_id;
            handled(delegation);
        }
        const certificate = find("aws_acm_certificate")[0];
        if (!certificate) create(TYPES.certificate, "dns-certificate", "aws_acm_certificate");
        if (certificate) {
            const domainName = certificate.attributes.domain_name;
            const alternatives: string[] = (certificate.attributes.subject_alternative_names ?? []).filter(
                (name: string) => name !== domainName,
            );
            adopt(certificate, TYPES.certificate, "dns-certificate", "dns", certificate.attributes.arn, [
                "tags become the contract tags",
            ]);
            expect(certificate, TYPES.certificate, "dns-certificate", "domainName", domainName);
            expect(
                certificate,
                TYPES.certificate,
                "dns-certificate",
                "subjectAlternativeNames",
                [...alternatives].sort(),
            );
            handled(certificate);
            if (JSON.stringify(alternatives) !== JSON.stringify([`*.${zoneName}`]))
                config.certificateAlternativeNames = JSON.stringify(alternatives);
            const domains = validationDomains(zoneName, alternatives);
            // HashiCorp's documented for_each over domain_validation_options keys x and *.x apart,
            // but ACM gives them one record, so both instances hold one id: import it once.
            const firstOfRecord = new Map<string, string>();
            for (const record of find("aws_route53_record", "cert_validation")) {
                const shared = firstOfRecord.get(record.attributes.id);
                if (shared) {
                    report.push({
                        address: record.address,
                        outcome: "adopted",
                        detail: `the same record as ${shared} (a name and its wildcard share one validation record); imported once`,
                    });
                    handled(record);
                    continue;
                }
                firstOfRecord.set(record.attributes.id, record.address);
                const domain = String(record.index).replace(/^\*\./, "");
                const logicalName =
                    domain === domains[0] ? "dns-certificate-validation" : `dns-certificate-validation-${domain}`;
                adopt(
                    record,
                    TYPES.record,
                    logicalName,
                    "dns",
                    `${record.attributes.zone_id}_${stripDot(record.attributes.name)}_${record.attributes.type}`,
                );
                expect(record, TYPES.record, logicalName, "type", record.attributes.type);
                handled(record);
            }
        }
        for (const validation of find("aws_acm_certificate_validation")) {
            report.push({
                address: validation.address,
                outcome: "created anew",
                detail: "no cloud object of its own: the program's CertificateValidation only waits for the already issued certificate",
            });
            handled(validation);
        }
    }

    // Log groups the old state holds under the names base declares (else up fails: "already exists").
    for (const group of find("aws_cloudwatch_log_group")) {
        const service = SERVICE_NAMES.find((candidate) => logGroupName(scope, candidate) === group.attributes.name);
        if (!service) continue;
        const retention = group.attributes.retention_in_days
            ? `retention ${group.attributes.retention_in_days} -> ${ENVIRONMENTS[scope.env].logRetentionDays} days; `
            : "";
        adopt(group, TYPES.logGroup, `logs-${service}`, "logs", group.attributes.name, [
            `${retention}tags become the contract tags`,
        ]);
        expect(group, TYPES.logGroup, `logs-${service}`, "name", group.attributes.name);
        handled(group);
    }

    for (const object of objects.filter((candidate) => !done.has(candidate.address))) {
        report.push({
            address: object.address,
            outcome: "not known",
            detail: `no counterpart in this program's base (type ${object.type}); it stays as it is: decide whether to keep it outside any stack, or delete it with Terraform before "terraform state rm"`,
        });
    }
    const components = [...used].map((name): ImportEntry => ({ type: COMPONENTS[name], name, component: true }));
    return { config, entries: [...components, ...entries], report, expectations, creations, zones };
}
