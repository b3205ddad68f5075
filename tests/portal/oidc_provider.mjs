// A real OpenID Connect provider for the municipal sign-in tests: the npm package
// oidc-provider with its development login and consent pages. Copied next to its
// node_modules (var/npm-safety/) by tests/portal/test_municipal_sign_in.py.
// Arguments: port, client id, client secret, redirect URI, accounts as JSON {sub: email}.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri, accountsJson] = process.argv.slice(2);
const accounts = JSON.parse(accountsJson);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: async (ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, email: accounts[sub], email_verified: sub in accounts }),
  }),
  cookies: { keys: ['nextwork-test-only-cookie-key'] },
  features: { devInteractions: { enabled: true } },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));
provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
