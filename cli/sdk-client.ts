/** The one method of an AWS SDK v3 client the commands use; tests pass a recorder in its place. */
export interface SendsCommands {
    send(command: any): Promise<any>;
}
