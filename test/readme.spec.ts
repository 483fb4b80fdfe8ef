import { strict as assert } from "assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFIG_KEYS } from "../shared/config/keys";

const ROOT = join(__dirname, "..");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

describe("README stays true", () => {
    it("documents every config key in the configuration table", () => {
        const table = readme.slice(readme.indexOf("## Configuration"));
        const missing = Object.keys(CONFIG_KEYS).filter((key) => !table.includes(`\`${key}\``));
        assert.deepEqual(missing, []);
    });

    it("names only npm scripts that exist", () => {
        const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
        const named = [...readme.matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]);
        assert.ok(named.length > 5);
        assert.deepEqual(
            named.filter((name) => !(name in scripts)),
            [],
        );
    });

    it("names only files that exist", () => {
        const paths = [
            ...readme.matchAll(
                /`((?:base|runtime|shared|offline|policy|commands|cli|stacks|schedule|release|adopt|bootstrap|check|cost|test)\/[\w./-]+\.ts)`/g,
            ),
        ].map((match) => match[1]);
        assert.ok(paths.length > 5);
        assert.deepEqual(
            paths.filter((path) => !existsSync(join(ROOT, path))),
            [],
        );
    });

    it("gives npm ci and npm test as the set-up commands", () => {
        assert.match(readme, /```sh\nnpm ci\nnpm test /);
    });
});
