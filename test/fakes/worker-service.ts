/**
 * A third service, `worker`, declared as one more entry of shared/services.ts would declare it.
 * Preloaded (`node -r ./cli/register.cjs -r ./test/fakes/worker-service.ts ...`), it declares the
 * entry before any other module of the project loads, as several read the services when they load
 * (the config keys, the routes, the health paths); test/fakes/worker-run.ts then runs the commands.
 */
import { SERVICE_NAMES, SERVICES, ServiceSpec } from "../../shared/services";

export const WORKER: string = "worker";
const WORKER_SPEC: ServiceSpec = {
    shortName: "wk",
    port: 9000,
    healthPath: "/worker/health",
    pathPatterns: ["/worker/*"],
    sizeMultiple: 2,
};

(SERVICE_NAMES as unknown as string[]).push(WORKER);
(SERVICES as Record<string, ServiceSpec>)[WORKER] = WORKER_SPEC;
