// Prints a signed access token for scripts and curl sessions:
//   pnpm token --role admin|customer|service [--sub ID] [--ttl SECONDS]
// It signs with JWT_SECRET from the environment or .env (the development default otherwise),
// the same secret the services verify with.
import { baseConfigSchema, createTokenService, loadConfig, ROLES, type Role } from '@order-system/platform';
import { config as loadDotenv } from 'dotenv';
import { parseCliArgs } from './cli-args.js';

const USAGE = `usage: npm run token -- [--role admin|customer|service] [--sub ID] [--ttl SECONDS]
       (pnpm token --role customer with pnpm)
Prints a signed access token: role admin by default, subject <role>-cli, the services' lifetime
(15 minutes) unless --ttl says otherwise. Signed with JWT_SECRET from the environment or .env.`;

loadDotenv({ quiet: true });
const values = parseCliArgs('token', USAGE, {
  role: { type: 'string', default: 'admin' },
  sub: { type: 'string' },
  ttl: { type: 'string' },
});
const role = values.role as Role;
if (!ROLES.includes(role)) {
  console.error(`--role must be one of: ${ROLES.join(', ')}`);
  process.exit(2);
}
const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
if (ttlSeconds !== undefined && (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)) {
  console.error('--ttl must be a positive whole number of seconds');
  process.exit(2);
}
const config = loadConfig(baseConfigSchema, process.env);
if (ttlSeconds !== undefined && ttlSeconds > config.JWT_MAX_TTL_SECONDS) {
  console.error(`--ttl must be at most JWT_MAX_TTL_SECONDS (${config.JWT_MAX_TTL_SECONDS}): the services refuse longer-lived tokens`);
  process.exit(2);
}
const tokens = createTokenService(config.JWT_SECRET, { maxTtlSeconds: config.JWT_MAX_TTL_SECONDS });
console.log(tokens.sign({ sub: values.sub ?? `${role}-cli`, role, ttlSeconds }));
