import { FakePulumi } from "./fakes/fake-pulumi";

/** Mocha root hooks: the suite leaves nothing behind in the temp directory. */
export const mochaHooks = {
    afterAll(): void {
        FakePulumi.cleanup();
    },
};
