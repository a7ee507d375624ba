import { listTokens, listUsers, USER_ROLES } from '../../store/auth-repo.js';
import type { Db } from '../../store/db.js';
import { h, type Safe, show } from '../html.js';
import { csrfField, type PageContext, page } from '../layout.js';

export const TOKEN_ROLES = ['ingest', ...USER_ROLES] as const;
/** Passwords are scrypt-hashed by the store; length is the only rule worth enforcing (NIST SP 800-63B). */
export const MIN_PASSWORD = 12;

export interface AdminNotice {
  readonly ok: boolean;
  readonly text: string;
  /** A token just created: shown once, in this response only. */
  readonly token?: string;
}

export async function adminPage(ctx: PageContext, db: Db, notice?: AdminNotice): Promise<Safe> {
  const [users, tokens] = await Promise.all([listUsers(db), listTokens(db)]);
  const roleOptions = (roles: readonly string[]) => roles.map((r) => h`<option value="${r}">${r}</option>`);
  const body = h`<h1>Administration</h1>
${notice ? h`<p class="msg ${notice.ok ? 'ok' : 'err'}" role="${notice.ok ? 'status' : 'alert'}">${notice.text}</p>` : ''}
${
  notice?.token
    ? h`<p>Copy the token now; it is not stored and will not be shown again:</p><p><code id="new-token">${notice.token}</code></p>`
    : ''
}
<h2>Users</h2>
<table id="users"><tr><th>#</th><th>Name</th><th>Role</th><th>Disabled</th></tr>
${users.map((u) => h`<tr><td>${u.id}</td><td>${u.name}</td><td>${u.role}</td><td>${u.disabled ? 'yes' : ''}</td></tr>`)}</table>
<form method="post" action="/ui/admin/users" id="user-form"><fieldset><legend>Add a user</legend>${csrfField(ctx)}
<label>Name <input name="name" required maxlength="128" autocomplete="off"></label>
<label>Role <select name="role">${roleOptions(USER_ROLES)}</select></label>
<label>Password <input name="password" type="password" required minlength="${MIN_PASSWORD}" maxlength="1024" autocomplete="new-password"></label>
<button type="submit">Add user</button></fieldset></form>
<h2>API tokens</h2>
<table id="tokens"><tr><th>#</th><th>Name</th><th>Prefix</th><th>Role</th><th>Created</th><th>Expires</th><th>Revoked</th><th></th></tr>
${tokens.map(
  (
    t,
  ) => h`<tr><td>${show(t.id)}</td><td>${show(t.name)}</td><td class="mono">${show(t.prefix)}…</td><td>${show(t.role)}</td>
<td>${show(t.created_at)}</td><td>${show(t.expires_at)}</td><td>${show(t.revoked_at)}</td>
<td>${
    t.revoked_at
      ? ''
      : h`<form class="inline" method="post" action="/ui/admin/tokens/${show(t.id)}/revoke">${csrfField(ctx)}<button type="submit">Revoke</button></form>`
  }</td></tr>`,
)}</table>
<form method="post" action="/ui/admin/tokens" id="token-form"><fieldset><legend>Create a token</legend>${csrfField(ctx)}
<label>Name <input name="name" required maxlength="128" autocomplete="off"></label>
<label>Role <select name="role">${roleOptions(TOKEN_ROLES)}</select></label>
<label>Expires in days <input name="days" type="number" min="1" max="3650" value="90"></label>
<button type="submit">Create token</button></fieldset></form>`;
  return page(ctx, 'Admin', '/ui/admin', body);
}
