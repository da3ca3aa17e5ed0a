import { type TokenService, UnauthorizedError } from '@order-system/platform';
import { secretsEqual } from './credentials.js';

export interface AdminCredentials {
  username: string;
  password: string;
}

/** Issues admin tokens for the configured credentials, and new access tokens for refresh tokens. */
export class TokenIssuer {
  constructor(
    private readonly tokens: TokenService,
    private readonly admin: AdminCredentials,
  ) {}

  login(username: string, password: string): { access: string; refresh: string } {
    // Both comparisons always run, so timing does not tell which one failed.
    const userOk = secretsEqual(username, this.admin.username);
    const passwordOk = secretsEqual(password, this.admin.password);
    if (!(userOk && passwordOk)) throw new UnauthorizedError('Invalid username or password');
    return {
      access: this.tokens.sign({ sub: username, role: 'admin', type: 'access' }),
      refresh: this.tokens.sign({ sub: username, role: 'admin', type: 'refresh' }),
    };
  }

  refresh(refreshToken: string): { access: string } {
    const claims = this.tokens.verify(refreshToken, 'refresh');
    return { access: this.tokens.sign({ sub: claims.sub, role: claims.role, type: 'access' }) };
  }
}
