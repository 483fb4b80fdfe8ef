import { ServiceName } from "../shared/services";

/**
 * The logical names base declares for what adoption maps the old Terraform base onto: each
 * component's name and type, and its children's names after the component's. A logical name is a
 * resource's identity (renaming one replaces it), and `pulumi import` must name each exactly as the
 * program does, so base and adopt/ both read them here.
 */
export const BASE_COMPONENTS = {
    network: { name: "network", type: "durable-code:base:Network" },
    securityGroups: { name: "security-groups", type: "durable-code:base:SecurityGroups" },
    registries: { name: "registries", type: "durable-code:base:Registries" },
    logs: { name: "logs", type: "durable-code:base:ServiceLogs" },
    dns: { name: "dns", type: "durable-code:base:Dns" },
} as const;

export function networkNames(name: string) {
    return {
        vpc: `${name}-vpc`,
        gateway: `${name}-igw`,
        publicRouteTable: `${name}-public`,
        /** A public subnet and its route table association: one name, two types. */
        public: (index: number) => `${name}-public-${index}`,
        /** A private subnet, its route table and their association. */
        private: (index: number) => `${name}-private-${index}`,
    };
}

/** A group by its Role tag (load-balancer, services, ...), a rule by its key (its Name tag's last part). */
export function securityGroupNames(name: string) {
    return {
        group: (role: string) => `${name}-${role}`,
        rule: (key: string) => `${name}-${key}`,
    };
}

/** The Role tag, and the logical name's last part, of the load balancer's and the services' groups. */
export const SECURITY_GROUP_ROLE_TAGS = { loadBalancer: "load-balancer", services: "services" } as const;

/** The keys of the rules the front door's and the services' groups hold. */
export const SECURITY_GROUP_RULE_KEYS = {
    listenerIn: (port: number) => `load-balancer-in-${port}`,
    loadBalancerTo: (service: ServiceName) => `load-balancer-to-${service}`,
    vpcLinkTo: (service: ServiceName) => `vpc-link-to-${service}`,
    servicesIn: (service: ServiceName) => `services-in-${service}`,
    servicesOut: "services-out",
} as const;

/** A service's repository and its lifecycle policy: one name, two types. */
export const registryName = (name: string, service: ServiceName) => `${name}-${service}`;

export const serviceLogName = (name: string, service: ServiceName) => `${name}-${service}`;

export function dnsNames(name: string) {
    return {
        zone: `${name}-zone`,
        delegation: `${name}-delegation`,
        certificate: `${name}-certificate`,
        /** The certificate's validation wait shares the first record's name (their types differ). */
        validation: `${name}-certificate-validation`,
        /** One record per name ACM validates, the zone name's first. */
        validationRecord: (domain: string, index: number) =>
            index === 0 ? `${name}-certificate-validation` : `${name}-certificate-validation-${domain}`,
    };
}
