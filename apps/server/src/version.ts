/** Version reported by `health` and the CLI. */
export const SERVER_VERSION = '0.1.0';
