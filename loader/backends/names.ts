/** Backend names that matrix.json and --backend accept. Kept free of imports so that the
 *  runner can validate a config without loading any backend. */
export const BACKEND_NAMES = ['reference', 'cpython'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];
