// Types for scripts/dawn_env.mjs (used from the e2e tests and scripts/test.mjs).
export declare function dawnEnv(env?: Record<string, string | undefined>): Record<string, string>;
