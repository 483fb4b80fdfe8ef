import { defaultService, SERVICE_NAMES, ServiceName, SERVICES } from "../shared/services";

export interface RoutingRule {
    readonly priority: number;
    readonly pathPatterns: readonly string[];
    readonly service: ServiceName;
}

/** The service that answers any path no rule matches: the one whose declaration has no path patterns. */
export const DEFAULT_SERVICE: ServiceName = defaultService();

/** Listener rules: each service's path patterns, in the order of SERVICE_NAMES. */
export function routingRules(): RoutingRule[] {
    return SERVICE_NAMES.filter((service) => SERVICES[service].pathPatterns.length > 0).map((service, index) => ({
        priority: 100 + index * 10,
        pathPatterns: SERVICES[service].pathPatterns,
        service,
    }));
}

/**
 * An HTTP API route key for a listener rule's path pattern: `/api/*` becomes `ANY /api/{proxy+}`, a
 * greedy path variable that matches everything below /api/ (API Gateway developer guide, "Working
 * with routes for HTTP APIs"); an exact path stays exact. ALB patterns with `*` or `?` elsewhere have
 * no route key, and stop the program rather than route differently from the load balancer.
 */
export function routeKeyFor(pathPattern: string): string {
    const prefix = pathPattern.endsWith("/*") ? pathPattern.slice(0, -2) : pathPattern;
    if (/[*?]/.test(prefix))
        throw new Error(`path pattern ${pathPattern} has no HTTP API route key; only "/path" and "/path/*" translate`);
    return pathPattern.endsWith("/*") ? `ANY ${prefix}/{proxy+}` : `ANY ${prefix}`;
}

/** TLS 1.3 with TLS 1.2 fallback, AWS's recommended policy for application load balancers. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
