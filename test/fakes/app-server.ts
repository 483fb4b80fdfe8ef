import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { HEALTH_PATHS } from "../../shared/services";

/**
 * A real HTTP server on 127.0.0.1 standing in for the load balancer: it answers 503 (targets still
 * registering) for the first `failures` requests, then 200 on every service's health path (`/` and
 * `/health`), 404 elsewhere.
 */
export class AppServer {
    requests: string[] = [];
    private server?: Server;

    constructor(private failures: number) {}

    async start(): Promise<string> {
        this.server = createServer((request, response) => {
            this.requests.push(request.url ?? "");
            if (this.failures > 0) {
                this.failures -= 1;
                response.writeHead(503).end("targets registering");
            } else {
                response.writeHead(HEALTH_PATHS.includes(request.url ?? "") ? 200 : 404).end("ok");
            }
        });
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    async stop(): Promise<void> {
        await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    }
}
