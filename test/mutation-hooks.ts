import type { Context, Suite, Test } from "mocha";

/**
 * Root hooks for the mutation run only (stryker.config.mjs requires this file, mocha does not).
 * Stryker's mocha runner learns which tests reach a mutant by naming the running test in a
 * beforeEach of its own. A describe's `before` hook (where the specs evaluate a program once) runs
 * before that, so what it reaches would be credited to the test that ran last, in another describe,
 * and the mutant tested against that test alone. Here, what runs between two tests is credited to
 * every test of the outermost describe around the next test that has a `before` hook: more tests
 * run per mutant, none that depends on the hook is missed.
 */
const BETWEEN_TESTS = "(between tests)";

interface Coverage {
    static: Record<string, number>;
    perTest: Record<string, Record<string, number>>;
}
const stryker = () =>
    (globalThis as { __stryker__?: { currentTestId?: string; mutantCoverage?: Coverage } }).__stryker__;

function testsOf(suite: Suite): Test[] {
    return [...suite.tests, ...suite.suites.flatMap(testsOf)];
}

export const mochaHooks = {
    beforeAll(): void {
        const ns = stryker();
        if (ns) ns.currentTestId = BETWEEN_TESTS;
    },
    beforeEach(this: Context): void {
        const coverage = stryker()?.mutantCoverage?.perTest;
        const reached = coverage?.[BETWEEN_TESTS];
        if (!coverage || !reached) return;
        delete coverage[BETWEEN_TESTS];
        let credited = this.currentTest!.parent!;
        for (let suite: Suite | undefined = credited; suite && !suite.root; suite = suite.parent) {
            if ((suite as unknown as { _beforeAll: unknown[] })._beforeAll.length > 0) credited = suite;
        }
        for (const test of testsOf(credited)) {
            const into = (coverage[test.fullTitle()] ??= {});
            for (const [mutant, hits] of Object.entries(reached)) into[mutant] = (into[mutant] ?? 0) + hits;
        }
    },
    afterEach(): void {
        const ns = stryker();
        if (ns) ns.currentTestId = BETWEEN_TESTS;
    },
};
