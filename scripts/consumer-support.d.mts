export function workspaceCatalog(): Record<string, string>;
export function fillManifest(template: string, values?: Record<string, string>): string;
export function run(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string;
export function freePort(): Promise<number>;
