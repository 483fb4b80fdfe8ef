import { SERVICE_NAMES, ServiceName, SERVICES } from "../shared/services";

export interface RoutingRule {
    readonly priority: number;
    readonly pathPatterns: readonly string[];
    readonly service: ServiceName;
}

/** The service that answers any path no rule matches. */
export const DEFAULT_SERVICE: ServiceName = "frontend";

/** Listener rules: each service's path patterns, in the order of SERVICE_NAMES. */
export function routingRules(): RoutingRule[] {
    return SERVICE_NAMES.filter((service) => SERVICES[service].pathPatterns.length > 0).map((service, index) => ({
        priority: 100 + index * 10,
        pathPatterns: SERVICES[service].pathPatterns,
        service,
    }));
}

/** TLS 1.3 with TLS 1.2 fallback, AWS's recommended policy for application load balancers. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
