// A real OpenID Connect provider for Amphi's tests (node `oidc-provider`), on 127.0.0.1.
//
//   PORT=… CALLBACKS=url1,url2 node server.mjs
//
// Clients: `amphi` / `amphi-secret` and `other` / `other-secret` (a second client, for
// wrong-audience cases), both allowed to return to every URL in CALLBACKS. Any login name
// works on the built-in login form (devInteractions); the account `<name>` has the email
// `<name>@example.test` (verified, except for names starting with `unverified`) and the
// groups `<name>-group` and `learners`. Consent is given automatically.
//
// Each start makes a new RSA signing key whose key id is KEY_ID (default `k1`): starting it
// again on the same port with another KEY_ID is a key rotation as relying parties see it.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const callbacks = (process.env.CALLBACKS || '').split(',').filter(Boolean);
if (!port || callbacks.length === 0) {
  console.error('PORT and CALLBACKS are required');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const client = (id) => ({
  client_id: id,
  client_secret: `${id}-secret`,
  redirect_uris: callbacks,
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
});

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: process.env.KEY_ID || 'k1',
  alg: 'RS256',
  use: 'sig',
};

const provider = new Provider(issuer, {
  clients: [client('amphi'), client('other')],
  jwks: { keys: [signingKey] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups', 'offline_access'],
  cookies: { keys: ['amphi-test-cookie-key'] },
  features: { devInteractions: { enabled: true } },
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: `${id}@example.test`,
          email_verified: !id.startsWith('unverified'),
          name: id.charAt(0).toUpperCase() + id.slice(1),
          groups: [`${id}-group`, 'learners'],
        };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
