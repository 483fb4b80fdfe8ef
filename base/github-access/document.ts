/** IAM policy documents as plain data, so tests can read them statement by statement. */

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface Statement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: string | string[];
    readonly Resource: string | string[];
    readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: Statement[];
}

export const document = (statements: Statement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });
