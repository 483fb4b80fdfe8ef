import { removeBackendDirectories } from "./fakes/backend-dirs";

/** Mocha root hooks: the suite leaves nothing behind in the temp directory. */
export const mochaHooks = {
    afterAll(): void {
        removeBackendDirectories();
    },
};
