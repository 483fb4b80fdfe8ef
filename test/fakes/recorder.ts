import { SendsCommands } from "../../cli/sdk-client";

/** What a scripted client answers to a command, by the command's class name; an answer may throw. */
export type Script = Readonly<Record<string, (input: any) => any>>;

/**
 * An AWS SDK v3 client's `send`, recorded: every command's class name and input, in order. It answers
 * from a script keyed by the command's class name, and `{}` (what a write returns) to a command the
 * script leaves out. The answers model the service: where one does, it names its source.
 */
export class Recorder implements SendsCommands {
    readonly calls: Array<[string, any]> = [];
    constructor(private readonly script: Script = {}) {}
    async send(command: { constructor: { name: string }; input: any }): Promise<any> {
        const name = command.constructor.name;
        this.calls.push([name, command.input]);
        return this.script[name]?.(command.input) ?? {};
    }
    names(): string[] {
        return this.calls.map(([name]) => name);
    }
}
