/**
 * The application: two containers behind one load balancer. Ports and health paths are facts both
 * layers need (base opens the ports, runtime routes to them), so they live here once.
 */
/** The load balancer's listener ports, the only ports open to the internet. */
export const PUBLIC_LISTENER_PORTS = [80, 443] as const;

export const SERVICE_NAMES = ["frontend", "backend"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServiceSpec {
    /** Two letters for names AWS keeps short (a target group's name prefix may have 6 characters). */
    readonly shortName: string;
    readonly port: number;
    /** Path the load balancer probes; a 2xx answer means the task may receive traffic. */
    readonly healthPath: string;
    /** Path patterns the load balancer sends to this service; the front end takes everything else. */
    readonly pathPatterns: readonly string[];
    /**
     * Container health check. It runs inside the image, so it may only use what the image is
     * guaranteed to have: the back end is a Python (FastAPI) image, so Python's own HTTP client;
     * slim images ship neither curl nor wget. The front end has no such guarantee and relies on
     * the load balancer's check.
     */
    readonly containerHealthCheck?: readonly string[];
}

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
        healthPath: "/health",
        pathPatterns: ["/api/*", "/health"],
        containerHealthCheck: [
            "CMD",
            "python",
            "-c",
            "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)",
        ],
    },
};
