import type { Principal } from '../server/auth.js';
import { CHART_SCRIPT } from './charts.js';
import { h, Safe } from './html.js';

export interface PageContext {
  readonly nonce: string;
  readonly principal?: Principal;
  /** The session's CSRF token; absent for token-authenticated (non-browser) callers. */
  readonly csrf?: string;
}

const CSS = `
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d8dde3;--bg:#f6f7f9;--card:#fff;--accent:#2457c5;
--critical:#8e1b1b;--high:#d0342c;--medium:#e08a00;--low:#2f7d32;--info:#6b7785}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;gap:16px;align-items:center;padding:8px 20px;background:#14213d;color:#fff}
header a{color:#dfe7ff;text-decoration:none}header a.on{color:#fff;font-weight:600;border-bottom:2px solid #fff}
header .who{margin-left:auto;display:flex;gap:8px;align-items:center}
header form{margin:0}header button{background:none;border:1px solid #8da2d6;color:#fff;border-radius:4px;padding:2px 8px;cursor:pointer}
main{padding:16px 20px;max-width:1200px}h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:18px 0 8px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:10px 14px;min-width:140px}
.card b{display:block;font-size:24px}.card small{color:var(--muted)}
table{border-collapse:collapse;width:100%;background:var(--card)}th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{font-weight:600;background:#eef1f5}td.num{text-align:right}code,.mono{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.sevtag{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}
.sevtag.critical{background:var(--critical)}.sevtag.high{background:var(--high)}.sevtag.medium{background:var(--medium)}
.sevtag.low{background:var(--low)}.sevtag.info{background:var(--info)}
.state{font-size:12px;padding:0 6px;border:1px solid var(--line);border-radius:3px}
form.inline{display:inline}fieldset{border:1px solid var(--line);border-radius:6px;background:var(--card);margin:0 0 10px}
label{display:inline-block;margin:2px 10px 2px 0}input,select,textarea,button{font:inherit}
.msg{padding:8px 12px;border-radius:4px;margin:0 0 12px}.msg.ok{background:#e3f4e4}.msg.err{background:#fde4e2}
.score{font-size:40px;font-weight:700}.grade{font-size:18px;color:var(--muted)}
figure.chart{margin:8px 0 16px;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:8px}
figure.chart svg{width:100%;height:auto;display:block}figcaption{color:var(--muted);font-size:12px}
svg .axis{font-size:10px;fill:var(--muted)}svg .frame{stroke:#9aa4b1;stroke-width:1}
svg .threshold{stroke:var(--high);stroke-dasharray:4 3;stroke-width:1}
svg .series{fill:none;stroke:var(--accent);stroke-width:1.5}svg .pt{fill:var(--accent)}svg .pt.bad{fill:var(--high)}
svg .k0{fill:#8fb0e8}svg .k1{fill:var(--medium)}svg .k2{fill:var(--high)}svg .k3{fill:#6b7785}svg .k4{fill:#7b3fb5}
svg .sev.critical{fill:var(--critical)}svg .sev.high{fill:var(--high)}svg .sev.medium{fill:var(--medium)}
svg .sev.low{fill:var(--low)}svg .sev.info{fill:var(--info)}
.legend .key{margin-right:12px;font-size:12px}.legend .key::before{content:"";display:inline-block;width:10px;height:10px;margin-right:4px}
.legend .k0::before{background:#8fb0e8}.legend .k1::before{background:var(--medium)}.legend .k2::before{background:var(--high)}
.legend .k3::before{background:#6b7785}.legend .k4::before{background:#7b3fb5}
.muted{color:var(--muted)}.login{max-width:340px;margin:80px auto;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:20px}
.login label{display:block;margin:8px 0}.login input{width:100%;padding:6px}.login button{margin-top:10px;padding:6px 14px}
`;

// Constant text written in this repository (never user input), so emitted verbatim.
const STYLE = new Safe(CSS);
const SCRIPT = new Safe(CHART_SCRIPT);

const NAV: readonly [string, string, 'viewer' | 'admin'][] = [
  ['/ui/', 'Overview', 'viewer'],
  ['/ui/models', 'Models', 'viewer'],
  ['/ui/findings', 'Findings', 'viewer'],
  ['/ui/guard', 'Guard activity', 'viewer'],
  ['/ui/drift', 'Drift', 'viewer'],
  ['/ui/admin', 'Admin', 'admin'],
];

/** Hidden CSRF field for a form; every POST form on every page includes it. */
export const csrfField = (ctx: PageContext): Safe => h`<input type="hidden" name="_csrf" value="${ctx.csrf ?? ''}">`;

export function page(ctx: PageContext, title: string, current: string, body: Safe, opts: { charts?: boolean } = {}) {
  const p = ctx.principal;
  const nav = NAV.filter(([, , need]) => need !== 'admin' || p?.role === 'admin').map(
    ([href, label]) => h`<a href="${href}" class="${href === current ? 'on' : ''}">${label}</a>`,
  );
  const who = p
    ? h`<span class="who"><span>${p.actor} · ${p.role}</span>${
        ctx.csrf
          ? h`<form method="post" action="/ui/logout">${csrfField(ctx)}<button type="submit">Log out</button></form>`
          : ''
      }</span>`
    : '';
  return h`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<title>${title} · Warden</title><style nonce="${ctx.nonce}">${STYLE}</style></head>
<body><header><strong>Warden</strong>${nav}${who}</header><main>${body}</main>
${opts.charts ? h`<script nonce="${ctx.nonce}">${SCRIPT}</script>` : ''}
</body></html>`;
}

export function loginPage(nonce: string, csrf: string, next: string, error?: string): Safe {
  return h`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,">
<title>Sign in · Warden</title><style nonce="${nonce}">${STYLE}</style></head>
<body><form class="login" method="post" action="/ui/login">
<h1>Warden</h1>${error ? h`<p class="msg err" role="alert">${error}</p>` : ''}
<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="next" value="${next}">
<label>User name <input name="username" autocomplete="username" required maxlength="128" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
<button type="submit">Sign in</button></form></body></html>`;
}

export function errorPage(ctx: PageContext, status: number, message: string): Safe {
  return page(ctx, `Error ${status}`, '', h`<h1>${status}</h1><p class="msg err">${message}</p>`);
}
