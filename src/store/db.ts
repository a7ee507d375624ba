/**
 * The one database seam. Everything above it speaks plain PostgreSQL through these few calls, so the
 * embedded store (PGlite) and a real server (`pg`) run the SAME SQL; only connecting differs.
 */
export interface QueryResult<R> {
  readonly rows: R[];
  /** Rows inserted, updated or deleted by the statement (0 for SELECT on some drivers). */
  readonly rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly backend: 'pglite' | 'pg';
  /** The schema every unqualified name resolves to (search_path). */
  readonly schema: string;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are interpolated into SQL (search_path cannot be a parameter), so only plain identifiers pass. */
export function checkSchemaName(name: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid schema name '${name}': use [a-z_][a-z0-9_]*`);
  return name;
}
