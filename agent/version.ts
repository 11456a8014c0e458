// The agent's version, a constant so a bundled agent (one .js file, no package.json beside it) knows it.
// Keep in step with package.json's version.
export const AGENT_VERSION = '0.1.0';
