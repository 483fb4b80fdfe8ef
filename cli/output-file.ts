import {
    closeSync,
    constants,
    lstatSync,
    openSync,
    readFileSync,
    renameSync,
    rmSync,
    statSync,
    writeSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { OpsError } from "./errors";

/**
 * A file a command writes at a path the user names (`--report FILE`, `--import-file FILE`). It
 * never replaces what it did not write: an existing file must be one this command wrote before
 * (`wroteIt` recognises it by its content), or the user says `--force`. The folder is checked
 * before any work, and every write goes to a temporary name beside the file and is renamed over
 * it, so a failure or a kill midway leaves the old file or the new one, never half of one.
 */
export class OutputFile {
    private constructor(
        readonly file: string,
        private readonly flag: string,
    ) {}

    /** A file the command owns by its purpose (a committed stack file it updates): no claim, the same safe write. */
    static owned(file: string): OutputFile {
        return new OutputFile(file, "");
    }

    /** Checks `file` before any work; throws an OpsError (exit 2) naming `flag` and what to do. */
    static claim(
        file: string,
        options: { flag: string; force: boolean; wroteIt: (text: string) => boolean; what: string },
    ): OutputFile {
        const { flag } = options;
        const named = `${flag} ${file}`;
        const folder = path.dirname(path.resolve(file));
        const folderStat = statOrUndefined(folder);
        if (!folderStat) throw new OpsError(`${named}: the folder ${folder} does not exist; create it first`, 2);
        if (!folderStat.isDirectory()) throw new OpsError(`${named}: ${folder} is not a folder`, 2);
        const existing = lstatOrUndefined(file);
        if (existing?.isDirectory())
            throw new OpsError(`${named} is a folder; give a file name, e.g. ${path.join(file, "out.json")}`, 2);
        if (existing && !options.force) {
            const ours = existing.isFile() && options.wroteIt(readOrEmpty(file));
            if (!ours)
                throw new OpsError(
                    `${named} exists and is not ${options.what} this command wrote; choose another path, or add --force to replace it`,
                    2,
                );
        }
        const output = new OutputFile(file, flag);
        // A real write test: permissions, read-only mounts and full disks all answer here, before any work.
        output.remove(output.writeTemporary("", 2));
        return output;
    }

    /** Replaces the file's content in one step (a temporary file renamed over it). */
    write(text: string): void {
        const temporary = this.writeTemporary(text);
        try {
            renameSync(temporary, this.file);
        } catch (error) {
            this.remove(temporary);
            throw this.failure(error, 1);
        }
    }

    private writeTemporary(text: string, exitCode = 1): string {
        const temporary = path.join(
            path.dirname(this.file),
            `.${path.basename(this.file)}.${randomBytes(4).toString("hex")}.tmp`,
        );
        let created = false;
        try {
            const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
            created = true;
            try {
                writeSync(fd, text);
            } finally {
                closeSync(fd);
            }
            return temporary;
        } catch (error) {
            if (created) this.remove(temporary);
            throw this.failure(error, exitCode);
        }
    }

    private remove(temporary: string): void {
        rmSync(temporary, { force: true });
    }

    /** Exit 2 when the path was refused before any work, 1 when a write failed midway. */
    private failure(error: unknown, exitCode: number): OpsError {
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        return new OpsError(
            `${this.flag ? `${this.flag} ` : ""}${this.file} cannot be written (${code}); choose a writable path`,
            exitCode,
        );
    }
}

function statOrUndefined(file: string) {
    try {
        return statSync(file);
    } catch {
        return undefined;
    }
}

function lstatOrUndefined(file: string) {
    try {
        return lstatSync(file);
    } catch {
        return undefined;
    }
}

function readOrEmpty(file: string): string {
    try {
        return readFileSync(file, "utf8");
    } catch {
        return "";
    }
}
