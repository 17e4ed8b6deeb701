// Types for scripts/chromium.mjs (used from vitest.config.ts and playwright.config.ts).
export declare const CANDIDATES: string[];
export declare const chromiumArgs: string[];
export declare function findChromium(): string | null;
