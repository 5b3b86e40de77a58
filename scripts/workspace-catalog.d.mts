export function workspaceCatalog(): Record<string, string>;
export function fillManifest(template: string, values?: Record<string, string>): string;
