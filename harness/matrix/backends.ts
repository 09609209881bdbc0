/** Backend names that matrix.json and --backend accept. A new backend is one more entry. */
export const KNOWN_BACKENDS: readonly string[] = ['reference'];
