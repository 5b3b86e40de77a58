/** Launch options for the system's Chromium (see chromium.mjs). */
export declare function chromiumLaunchOptions(): { executablePath: string; args: string[] };
