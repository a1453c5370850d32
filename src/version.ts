// Kept in step with package.json by a test; a constant rather than a JSON import so the bundle stays plain.
export const VERSION = '0.1.0'
