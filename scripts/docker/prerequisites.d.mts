export const INSTALL_HINT: string;
export function findCommand(name: string, env?: NodeJS.ProcessEnv): string | undefined;
export function findCompose(env?: NodeJS.ProcessEnv): string[] | undefined;
export function iptablesBackend(env?: NodeJS.ProcessEnv): 'nft' | 'legacy' | undefined;
export function dockerTestBlockers(env?: NodeJS.ProcessEnv): string[];
