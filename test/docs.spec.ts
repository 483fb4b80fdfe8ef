import { strict as assert } from "assert";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { compare, estimate } from "../cost/estimate";
import { renderComparison } from "../cost/render";
import { CONFIG_KEYS } from "../shared/config/keys";
import { imageTagKey, SERVICE_NAMES } from "../shared/services";
import { anchors, relativeLinks, slug, withoutCode } from "./markdown";

const ROOT = join(__dirname, "..");
/** The README and every page under docs/, by path from the repository root. */
const PAGES = new Map(
    ["README.md", ...readdirSync(join(ROOT, "docs")).map((name) => `docs/${name}`)]
        .filter((path) => path.endsWith(".md"))
        .map((path) => [path, readFileSync(join(ROOT, path), "utf8")]),
);
const page = (path: string) => PAGES.get(path)!;
const everyPage = [...PAGES.values()].join("\n");

describe("README and docs stay true", () => {
    it("documents every config key in docs/configuration.md's table", () => {
        const table = page("docs/configuration.md");
        // One row documents every service's own image tag key, `<service>ImageTag`.
        const serviceKeys: string[] = SERVICE_NAMES.map(imageTagKey);
        const missing = Object.keys(CONFIG_KEYS).filter(
            (key) => !table.includes(`\`${serviceKeys.includes(key) ? "<service>ImageTag" : key}\``),
        );
        assert.deepEqual(missing, []);
    });

    it("shows only npm scripts package.json has", () => {
        const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
        const shown = [...PAGES].flatMap(([path, text]) =>
            [...text.matchAll(/npm run ([\w:-]+)/g)].map((match) => `${path}: npm run ${match[1]}`),
        );
        assert.ok(shown.length > 20);
        assert.deepEqual(
            shown.filter((line) => !(line.split("npm run ")[1] in scripts)),
            [],
        );
    });

    it("links only to files that exist, and to headings they have (anchors as GitHub makes them)", () => {
        const broken = [...PAGES].flatMap(([path, text]) =>
            relativeLinks(text)
                .filter((target) => {
                    const [file, anchor] = target.split("#");
                    const to = file === "" ? path : normalize(join(dirname(path), file));
                    if (!existsSync(join(ROOT, to))) return true;
                    if (anchor === undefined) return false;
                    return !to.endsWith(".md") || !anchors(readFileSync(join(ROOT, to), "utf8")).has(anchor);
                })
                .map((target) => `${path}: ${target}`),
        );
        assert.ok([...PAGES.values()].flatMap((text) => relativeLinks(text)).length > 20);
        assert.deepEqual(broken, []);
    });

    it("makes anchors as GitHub does: punctuation dropped, spaces hyphens, repeats numbered", () => {
        assert.equal(slug("Asleep until opened: `wakeOnRequest`"), "asleep-until-opened-wakeonrequest");
        assert.equal(slug("Access: one environment's reach"), "access-one-environments-reach");
        assert.equal(slug("4. DNS and HTTPS"), "4-dns-and-https");
        assert.equal(slug("Limits & retries"), "limits--retries");
        assert.deepEqual([...anchors("# A\n```sh\n# not a heading\n```\n## A\n")], ["a", "a-1"]);
    });

    it("keeps the README a front door: 250 lines at most, and every page under docs/ linked from it", () => {
        const readme = page("README.md");
        assert.ok(readme.split("\n").length <= 250, `README.md has ${readme.split("\n").length} lines`);
        const linked = new Set(relativeLinks(readme).map((target) => target.split("#")[0]));
        assert.deepEqual(
            [...PAGES.keys()].filter((path) => path.startsWith("docs/") && !linked.has(path)),
            [],
        );
    });

    it("writes no line over 200 characters outside a table", () => {
        const long = [...PAGES].flatMap(([path, text]) =>
            withoutCode(text).flatMap((line, index) =>
                line.length > 200 && !line.startsWith("|") ? [`${path}:${index + 1}`] : [],
            ),
        );
        assert.deepEqual(long, []);
    });

    it("names only files that exist", () => {
        const paths = [
            ...everyPage.matchAll(
                /`((?:base|runtime|shared|offline|policy|commands|cli|stacks|schedule|release|adopt|bootstrap|check|cost|test)\/[\w./-]+\.ts)`/g,
            ),
        ].map((match) => match[1]);
        assert.ok(paths.length > 5);
        assert.deepEqual(
            paths.filter((path) => !existsSync(join(ROOT, path))),
            [],
        );
    });

    /** The docs' cost figures are the committed app's, on purpose: a new service means writing them again. */
    const REWRITE =
        "figures of the committed services (shared/services.ts): after adding one, write them again from npm run cost";

    it("gives base's monthly cost in dev and prod as npm run cost computes it (the committed services' figures)", async () => {
        const stated = /base-dev \$([\d.]+) a month,\s+base-prod \$([\d.]+)/.exec(page("README.md"));
        assert.ok(stated, "README.md gives base-dev's and base-prod's monthly cost");
        const computed = await Promise.all(["dev", "prod"].map(async (env) => (await estimate(env)).baseMonthly));
        assert.deepEqual(
            stated.slice(1),
            computed.map((monthly) => monthly.toFixed(2)),
            `README.md's ${REWRITE}`,
        );
    });

    it("gives npm ci and npm test as the README's set-up commands", () => {
        assert.match(page("README.md"), /```sh\nnpm ci\nnpm test /);
    });

    describe("its cost figures are what npm run cost computes (the committed services' figures)", () => {
        /** The rows of the first Markdown table after `heading`, each split into its cells. */
        const tableAfter = (path: string, heading: string): string[][] => {
            const text = page(path);
            assert.ok(text.includes(heading), `${path} has "${heading}"`);
            const lines = text.slice(text.indexOf(heading)).split("\n");
            const start = lines.findIndex((line) => line.startsWith("| "));
            const end = lines.findIndex((line, index) => index > start && !line.startsWith("|"));
            return lines.slice(start + 2, end).map((line) =>
                line
                    .split("|")
                    .slice(1, -1)
                    .map((cell) => cell.trim()),
            );
        };
        /** `npm run cost -- --env dev --compare --markdown`'s rows, by layout and front door. */
        let computed: Map<string, string[]>;
        before(async () => {
            const rows = renderComparison(await compare("dev"), true)
                .split("\n")
                .filter((line) => line.startsWith("| ") && !line.startsWith("| layout") && !line.startsWith("| ---"))
                .map((line) =>
                    line
                        .split("|")
                        .slice(1, -1)
                        .map((cell) => cell.trim()),
                );
            computed = new Map(rows.map((row) => [`${row[0]} ${row[1]}`, row.slice(2)]));
        });
        // docs/cost.md names dev's rows after their mode: "nat-single (dev's default)", "public-ip (dev as committed, ...)".
        const layoutOf = (label: string) => label.replace(/ \(dev\b[^)]*\)$/, "");

        it("docs/cost.md: every layout and front door, dev on the schedule, and asleep at rest as committed", () => {
            const rows = tableAfter("docs/cost.md", "dev, us-west-2, prices seen");
            assert.equal(rows.length, computed.size, "one row per computed layout");
            for (const [label, frontDoor, ...figures] of rows)
                assert.deepEqual(
                    figures,
                    computed.get(`${layoutOf(label)} ${frontDoor}`),
                    `${label}, ${frontDoor}: docs/cost.md's ${REWRITE}`,
                );
        });

        it("docs/front-doors.md: what the HTTP API saves", () => {
            const rows = tableAfter("docs/front-doors.md", "What it saves in dev");
            assert.ok(rows.length >= 3);
            for (const [egress, alb, httpApi] of rows) {
                const total = (frontDoor: string) => computed.get(`${egress} ${frontDoor}`)?.at(-1);
                assert.deepEqual(
                    [alb, httpApi],
                    [total("alb"), total("http-api")],
                    `${egress}: docs/front-doors.md's ${REWRITE}`,
                );
            }
        });
    });
});
