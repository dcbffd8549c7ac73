/** Shared by the runner (which writes the vault) and the suite (which checks what VS Code shows). */
export const SUITE_SECRET = 'suite_api';
export const SUITE_CANARY = 'suite-canary-9d41c7';
