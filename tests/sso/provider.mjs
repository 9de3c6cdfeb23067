// A real OpenID Connect provider (npm oidc-provider, by panva) for the single sign-on tests,
// on loopback only. It prints {"issuer": ...} once it listens and runs until it is stopped.
//
// From the environment: SSO_CLIENT_ID, SSO_CLIENT_SECRET, SSO_REDIRECT_URIS (comma-separated)
// and SSO_ACCOUNTS, a JSON object of accounts by login: {"ana": {"email": ..., "email_verified":
// true, "name": ...}}. Its login page takes a login (no password: the test is the person) and
// a box to tick for "signed in with a second factor" (the ID token's amr then names "mfa").
import http from 'node:http';

import { Provider } from 'oidc-provider';

const accounts = JSON.parse(process.env.SSO_ACCOUNTS);

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, error) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Login</label> <input id="login" name="login" autocomplete="off">
<label><input type="checkbox" name="mfa" value="yes"> Second factor used</label>
<button type="submit">Sign in to the provider</button></form></main></body></html>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function configuration() {
  return {
    clients: [{
      client_id: process.env.SSO_CLIENT_ID,
      client_secret: process.env.SSO_CLIENT_SECRET,
      redirect_uris: process.env.SSO_REDIRECT_URIS.split(','),
      grant_types: ['authorization_code'],
      response_types: ['code'],
    }],
    // amr (how the person signed in) goes with the openid scope, as Entra ID and Okta send it.
    claims: {
      openid: ['sub', 'amr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      acr: null,
      iss: null,
      sid: null,
    },
    cookies: { keys: ['value-curve-test-provider-cookie-key'] },
    features: { devInteractions: { enabled: false } },
    async findAccount(ctx, id) {
      const account = accounts[id];
      if (!account) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...account }) };
    },
    // The app is the provider's own client: no consent screen.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    },
  };
}

async function interaction(provider, req, res) {
  const match = req.url.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'POST' && match[2]) {
    const form = await readForm(req);
    const login = form.get('login') || '';
    if (!accounts[login]) {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(loginPage(details.uid, 'No such login.'));
    }
    const amr = form.get('mfa') ? ['pwd', 'mfa'] : ['pwd'];
    return provider.interactionFinished(req, res, { login: { accountId: login, amr } }, {
      mergeWithLastSubmission: false,
    });
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  return res.end(loginPage(details.uid));
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration());
  const handle = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      interaction(provider, req, res).catch((error) => {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    } else {
      handle(req, res);
    }
  });
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
