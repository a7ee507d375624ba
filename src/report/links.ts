/** The one place the project's home is written down. */
export const REPO_URL = 'https://github.com/warden-mlsecops/warden';

/** Branch the documentation links point at. */
export const DOCS_REF = 'main';

/** Repository-relative path of a rule's page: `docs/rules/pickle/unsafe-global.md`. */
export function ruleDocPath(id: string): string {
  return `docs/rules/${id}.md`;
}

/** Link to a rule's page, used as SARIF `helpUri` and in Markdown reports. */
export function ruleHelpUri(id: string): string {
  // Ids are `[a-z0-9-]/[a-z0-9-]` by contract; encoding keeps an unexpected id from breaking the URL.
  const path = ruleDocPath(id).split('/').map(encodeURIComponent).join('/');
  return `${REPO_URL}/blob/${DOCS_REF}/${path}`;
}

export const REPORT_FORMAT_DOC_URI = `${REPO_URL}/blob/${DOCS_REF}/docs/report-format.md`;
