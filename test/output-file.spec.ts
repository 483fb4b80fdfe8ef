import { strict as assert } from "assert";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OutputFile } from "../cli/output-file";

describe("output files (cli/output-file.ts): a command replaces only what it wrote", () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "output-file-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const ours = (text: string) => text.startsWith("ours:");
    const claim = (file: string, force = false) =>
        OutputFile.claim(file, { flag: "--report", force, wroteIt: ours, what: "a report" });

    it("a new file: the claim writes nothing, each write replaces the whole file, no temporary file is left", () => {
        const file = join(dir, "report.json");
        const output = claim(file);
        assert.deepEqual(readdirSync(dir), []);
        output.write("ours: 1");
        output.write("ours: 2");
        assert.equal(readFileSync(file, "utf8"), "ours: 2");
        assert.deepEqual(readdirSync(dir), ["report.json"]);
    });

    it("refuses a file it did not write (exit 2, the file untouched), and replaces it with --force", () => {
        const file = join(dir, "README.md");
        writeFileSync(file, "# a readme\n");
        assert.throws(() => claim(file), {
            message: `--report ${file} exists and is not a report this command wrote; choose another path, or add --force to replace it`,
            exitCode: 2,
        } as object);
        assert.equal(readFileSync(file, "utf8"), "# a readme\n");
        claim(file, true).write("ours: forced");
        assert.equal(readFileSync(file, "utf8"), "ours: forced");
    });

    it("replaces a file it recognises as its own", () => {
        const file = join(dir, "report.json");
        writeFileSync(file, "ours: yesterday");
        claim(file).write("ours: today");
        assert.equal(readFileSync(file, "utf8"), "ours: today");
    });

    it("refuses a missing folder and a folder given as the file, before any work", () => {
        const missing = join(dir, "no-such-folder", "report.json");
        assert.throws(() => claim(missing), {
            message: `--report ${missing}: the folder ${join(dir, "no-such-folder")} does not exist; create it first`,
            exitCode: 2,
        } as object);
        assert.throws(() => claim(dir, true), {
            message: `--report ${dir} is a folder; give a file name, e.g. ${join(dir, "out.json")}`,
            exitCode: 2,
        } as object);
    });

    it("a write that fails leaves what was there and no temporary file (exit 1: it failed midway)", () => {
        const file = join(dir, "report.json");
        const output = claim(file);
        // Something else puts a folder with content at the path after the claim: the rename cannot replace it.
        mkdirSync(file);
        writeFileSync(join(file, "kept"), "kept");
        assert.throws(() => output.write("ours: 1"), { exitCode: 1 } as object);
        assert.deepEqual(readdirSync(dir), ["report.json"]);
        assert.equal(readFileSync(join(file, "kept"), "utf8"), "kept");
    });
});
