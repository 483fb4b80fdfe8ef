import { removeBackendDirectories } from "./fakes/backend-dirs";
import { restoreStackTraces } from "../offline/stack-traces";

/**
 * Mocha root hooks, after each spec file: the suite leaves nothing behind in the temp directory, and
 * an evaluation that never settled (its test timed out) leaves the next file its stack traces.
 */
export const mochaHooks = {
    afterAll(): void {
        removeBackendDirectories();
        restoreStackTraces();
    },
};
