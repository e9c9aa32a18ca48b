// The authorization server's server-rendered pages: the sign-in and consent steps of an
// authorization, and the error page for a request that cannot be redirected back (unknown client,
// wrong redirect URI). Plain HTML with inline styles: no CDN, no script.

/** Pages are not framed, run no script and load nothing: clickjacking and injection have nothing to use. */
export const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
} as const;

const escape = (value: unknown): string =>
  String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const page = (title: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escape(title)} · Serebro</title>
<style>
body{font-family:system-ui,sans-serif;background:#f5f6f8;margin:0;padding:40px 16px;color:#1d2330}
main{max-width:420px;margin:0 auto;background:#fff;border-radius:8px;padding:24px 28px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.3em;margin:0 0 12px}label{display:block;margin:12px 0 4px;font-weight:600}
input,select{width:100%;box-sizing:border-box;padding:8px;font-size:1em}
button{margin-top:16px;padding:9px 18px;font-size:1em;border-radius:4px;border:1px solid #2b59c3;background:#2b59c3;color:#fff}
button.secondary{background:#fff;color:#2b59c3}.error{color:#b00020}ul{padding-left:20px}code{font-size:.9em}
</style>
</head>
<body><main>${body}</main></body>
</html>`;

export function renderErrorPage(out: Record<string, string>): string {
  return page(
    'Authorization error',
    `<h1>The authorization cannot continue</h1>
<p class="error"><code>${escape(out.error)}</code></p>
<p>${escape(out.error_description)}</p>`,
  );
}

export function renderSignIn(input: {
  uid: string;
  appName: string;
  error?: string;
  email?: string;
}): string {
  return page(
    'Sign in',
    `<h1>Sign in to install ${escape(input.appName)}</h1>
${input.error ? `<p class="error">${escape(input.error)}</p>` : ''}
<form method="post" action="/v2/oauth/consent/${escape(input.uid)}/login">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" value="${escape(input.email)}" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

export interface ConsentChoice {
  id: string;
  name: string;
  kind: 'agency' | 'location';
  /** the agency of a location */
  parentName?: string;
}

export function renderConsent(input: {
  uid: string;
  appName: string;
  /** where the app installs: agencies (Company tokens) and/or locations */
  kinds: ('agency' | 'location')[];
  scopes: { name: string; description: string }[];
  choices: ConsentChoice[];
  error?: string;
}): string {
  const what = input.kinds.length > 1 ? 'agency or location' : 'location';
  const group = (kind: 'agency' | 'location', label: string) => {
    const options = input.choices
      .filter((c) => c.kind === kind)
      .map(
        (c) =>
          `<option value="${escape(c.id)}">${escape(c.name)}${c.parentName ? ` (${escape(c.parentName)})` : ''}</option>`,
      )
      .join('');
    return options ? `<optgroup label="${label}">${options}</optgroup>` : '';
  };
  const choices = group('agency', 'Agencies (the whole agency)') + group('location', 'Locations');
  return page(
    'Install the app',
    `<h1>Install ${escape(input.appName)}</h1>
${input.error ? `<p class="error">${escape(input.error)}</p>` : ''}
<p>${escape(input.appName)} asks for:</p>
<ul>${input.scopes.map((s) => `<li><code>${escape(s.name)}</code> — ${escape(s.description)}</li>`).join('')}</ul>
${
  input.choices.length === 0
    ? `<p class="error">You are a member of no ${what} this app can be installed on.</p>
<form method="post" action="/v2/oauth/consent/${escape(input.uid)}/deny"><button type="submit" class="secondary">Cancel</button></form>`
    : `<form method="post" action="/v2/oauth/consent/${escape(input.uid)}/approve">
<label for="organization">Install on the ${what}</label>
<select id="organization" name="organization_id">${choices}</select>
<button type="submit">Allow</button>
</form>
<form method="post" action="/v2/oauth/consent/${escape(input.uid)}/deny"><button type="submit" class="secondary">Deny</button></form>`
}`,
  );
}
