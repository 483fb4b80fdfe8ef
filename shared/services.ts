/**
 * The application's services, each declared once: its port, health path, routes and short name.
 * Both layers read them (base opens the ports and keeps a repository and log group per service,
 * runtime runs and routes each), and so do cost, the access fence, release and status. Adding a
 * service is one entry here; its image tag key (`<service>ImageTag`) and every name follow from its
 * name. Its task size is the environment's (`taskCpu` and `taskMemory`, shared/environments.ts or the
 * stack file), times its `sizeMultiple`.
 */
/** The load balancer's listener ports, the only ports open to the internet. */
export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;
export const PUBLIC_LISTENER_PORTS = [HTTP_PORT, HTTPS_PORT] as const;

export const SERVICE_NAMES = ["frontend", "backend"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceSpec {
    /** Two letters for names AWS keeps short (a target group's name prefix may have 6 characters). */
    readonly shortName: string;
    readonly port: number;
    /** Path the load balancer probes; a 2xx answer means the task may receive traffic. */
    readonly healthPath: string;
    /**
     * Path patterns the front door sends to this service. Exactly one service has none: it takes
     * every path no other service's patterns match.
     */
    readonly pathPatterns: readonly string[];
    /**
     * How the container checks its own health, on its port and health path. The check runs inside the
     * image, so it may only use what the image is guaranteed to have: the back end is a Python
     * (FastAPI) image, so Python's own HTTP client; slim images ship neither curl nor wget. The front
     * end has no such guarantee and relies on the load balancer's check.
     */
    readonly containerHealthCheck?: "python";
    /**
     * Its tasks' CPU and memory as a multiple of the environment's task size (1 when left out): a
     * heavier service keeps its proportion in every environment. The product must be a Fargate size.
     */
    readonly sizeMultiple?: number;
}

const BACKEND_HEALTH_PATH = "/health";

export const SERVICES: Readonly<Record<ServiceName, ServiceSpec>> = {
    frontend: {
        shortName: "fe",
        port: 3000,
        healthPath: "/",
        pathPatterns: [],
    },
    backend: {
        shortName: "be",
        port: 8000,
        healthPath: BACKEND_HEALTH_PATH,
        // Its health path is routed to it too: the front door's /health is the back end's.
        pathPatterns: ["/api/*", BACKEND_HEALTH_PATH],
        containerHealthCheck: "python",
    },
};

/** The command ECS runs in the container to check it (the task definition's healthCheck.command). */
export function containerHealthCommand(service: ServiceName): string[] | undefined {
    const { port, healthPath, containerHealthCheck } = SERVICES[service];
    if (containerHealthCheck !== "python") return undefined;
    const url = `http://127.0.0.1:${port}${healthPath}`;
    return ["CMD", "python", "-c", `import urllib.request; urllib.request.urlopen('${url}', timeout=4)`];
}

/** The paths that prove every service answers through the front door: each one's health path. */
export const HEALTH_PATHS: readonly string[] = SERVICE_NAMES.map((service) => SERVICES[service].healthPath);

/** The runtime config key of a service's own release, overriding `imageTag`: frontendImageTag. */
export type ImageTagKey = `${ServiceName}ImageTag`;
export function imageTagKey(service: ServiceName): ImageTagKey {
    return `${service}ImageTag`;
}

/** The service that answers any path no other service's patterns match: the one that has none. */
export function defaultService(): ServiceName {
    const catchAll = SERVICE_NAMES.filter((service) => SERVICES[service].pathPatterns.length === 0);
    if (catchAll.length !== 1)
        throw new Error(
            `shared/services.ts: exactly one service takes the paths no other service's pathPatterns match, by having none; ${catchAll.length === 0 ? "none has none" : `${catchAll.join(" and ")} have none`}`,
        );
    return catchAll[0];
}

/** A service's task size in an environment whose tasks are `cpu` units and `memory` MiB. */
export function taskSize(service: ServiceName, cpu: number, memory: number): { cpu: number; memory: number } {
    const multiple = SERVICES[service].sizeMultiple ?? 1;
    return { cpu: cpu * multiple, memory: memory * multiple };
}
