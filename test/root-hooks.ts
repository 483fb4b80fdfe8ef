import { removeBackendDirectories } from "./fakes/backend-dirs";
import { endStuckTurn } from "../offline/turns";

/**
 * Mocha root hooks, after each spec file: the suite leaves nothing behind in the temp directory, and
 * an evaluation that never settled (its test timed out) holds up no later one (offline/turns.ts).
 */
export const mochaHooks = {
    afterAll(): void {
        removeBackendDirectories();
        endStuckTurn();
    },
};
