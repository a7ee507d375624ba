import type { Advisory } from './types.js';

/**
 * Curated advisories for the ML stack, reviewed on ADVISORIES_AS_OF. Each entry is a
 * published CVE/GHSA with its affected range and fix as the advisory states it; `fixed`
 * absent means no fixed release exists. Point `warden deps --osv` at an OSV export for the
 * full database; this set is what runs offline with no data at all.
 */
export const ADVISORIES_AS_OF = '2026-11-22';

const nvd = (cve: string) => `https://nvd.nist.gov/vuln/detail/${cve}`;
const ghsa = (id: string) => `https://github.com/advisories/${id}`;

type Entry = Omit<Advisory, 'ecosystem' | 'source' | 'aliases'> & { aliases?: readonly string[] };

const PYPI: readonly Entry[] = [
  {
    id: 'CVE-2025-32434',
    aliases: ['GHSA-53q9-r3pm-6pq6'],
    package: 'torch',
    summary: 'torch.load(weights_only=True) can still execute code from a crafted checkpoint',
    severity: 'critical',
    published: '2025-04-18',
    ranges: [{ introduced: '0', fixed: '2.6.0' }],
    references: [nvd('CVE-2025-32434'), ghsa('GHSA-53q9-r3pm-6pq6')],
  },
  {
    id: 'CVE-2026-24747',
    package: 'torch',
    summary: 'weights_only unpickler memory corruption from a crafted checkpoint (possible code execution)',
    severity: 'critical',
    published: '2026-01-27',
    ranges: [{ introduced: '0', fixed: '2.10.0' }],
    references: [nvd('CVE-2026-24747')],
  },
  {
    id: 'CVE-2022-45907',
    package: 'torch',
    summary: 'torch.jit.annotations.parse_type_line calls eval on untrusted type annotations',
    severity: 'critical',
    published: '2022-11-26',
    ranges: [{ introduced: '0', fixed: '1.13.1' }],
    references: [nvd('CVE-2022-45907')],
  },
  {
    id: 'CVE-2024-3660',
    package: 'keras',
    summary: 'Lambda layers in loaded models run arbitrary code (no safe_mode before Keras 2.13)',
    severity: 'critical',
    published: '2024-04-16',
    ranges: [{ introduced: '0', fixed: '2.13' }],
    references: [nvd('CVE-2024-3660'), 'https://www.kb.cert.org/vuls/id/253266'],
  },
  {
    id: 'CVE-2025-1550',
    aliases: ['GHSA-48g7-3x6r-xfhp'],
    package: 'keras',
    summary: 'Model.load_model safe_mode bypass: config.json in a .keras archive imports and calls arbitrary functions',
    severity: 'critical',
    published: '2025-03-11',
    ranges: [{ introduced: '3.0.0', fixed: '3.9.0' }],
    references: [nvd('CVE-2025-1550'), ghsa('GHSA-48g7-3x6r-xfhp')],
  },
  {
    id: 'CVE-2025-8747',
    aliases: ['GHSA-c9rc-mg46-23w3'],
    package: 'keras',
    summary: 'Model.load_model safe_mode bypass leading to code execution from a crafted .keras archive',
    severity: 'high',
    published: '2025-08-11',
    ranges: [{ introduced: '3.0.0', fixed: '3.11.0' }],
    references: [nvd('CVE-2025-8747'), ghsa('GHSA-c9rc-mg46-23w3')],
  },
  {
    id: 'CVE-2023-6730',
    package: 'transformers',
    summary: 'RagRetriever loads pickled index files from the Hub (deserialization of untrusted data)',
    severity: 'critical',
    published: '2023-12-19',
    ranges: [{ introduced: '0', fixed: '4.36.0' }],
    references: [nvd('CVE-2023-6730')],
  },
  {
    id: 'CVE-2024-3568',
    package: 'transformers',
    summary: 'load_repo_checkpoint() unpickles checkpoint data from a repository',
    severity: 'critical',
    published: '2024-04-10',
    ranges: [{ introduced: '0', fixed: '4.38.0' }],
    references: [nvd('CVE-2024-3568')],
  },
  {
    id: 'CVE-2026-4372',
    package: 'transformers',
    summary: 'config.json _attn_implementation_internal fetches and runs Hub code despite trust_remote_code=False',
    severity: 'critical',
    published: '2026-05-24',
    ranges: [{ introduced: '4.56.0', fixed: '5.3.0' }],
    references: [nvd('CVE-2026-4372')],
  },
  {
    id: 'CVE-2024-34359',
    aliases: ['GHSA-56xg-wfcc-g829'],
    package: 'llama-cpp-python',
    summary: 'GGUF chat templates rendered in an unsandboxed Jinja2 environment (template injection to RCE)',
    severity: 'critical',
    published: '2024-05-14',
    ranges: [{ introduced: '0.2.30', fixed: '0.2.72' }],
    references: [nvd('CVE-2024-34359'), ghsa('GHSA-56xg-wfcc-g829')],
  },
  {
    id: 'CVE-2024-37052',
    package: 'mlflow',
    summary: 'scikit-learn flavour models are unpickled on load; a malicious registered model runs code',
    severity: 'high',
    published: '2024-06-04',
    ranges: [{ introduced: '1.1.0' }],
    references: [nvd('CVE-2024-37052')],
  },
  {
    id: 'CVE-2023-48022',
    package: 'ray',
    summary: 'Jobs API accepts unauthenticated job submission ("ShadowRay"); disputed by the vendor, no fix',
    severity: 'critical',
    published: '2023-11-28',
    ranges: [{ introduced: '0' }],
    references: [nvd('CVE-2023-48022')],
  },
  {
    id: 'CVE-2025-32444',
    package: 'vllm',
    summary: 'Mooncake integration unpickles data received over unauthenticated ZeroMQ sockets',
    severity: 'critical',
    published: '2025-04-30',
    ranges: [{ introduced: '0.6.5', fixed: '0.8.5' }],
    references: [nvd('CVE-2025-32444')],
  },
  {
    id: 'CVE-2025-68664',
    aliases: ['GHSA-c67j-w6g6-q2cm'],
    package: 'langchain-core',
    summary: 'dumps()/dumpd() do not escape "lc" keys: serialization injection leaks secrets, instantiates classes',
    severity: 'critical',
    published: '2025-12-23',
    ranges: [
      { introduced: '0', fixed: '0.3.81' },
      { introduced: '1.0.0', fixed: '1.2.5' },
    ],
    references: [nvd('CVE-2025-68664'), ghsa('GHSA-c67j-w6g6-q2cm')],
  },
  {
    id: 'CVE-2022-25882',
    package: 'onnx',
    summary: 'external_data paths may escape the model directory (../) and read arbitrary files',
    severity: 'high',
    published: '2023-01-26',
    ranges: [{ introduced: '0', fixed: '1.13.0' }],
    references: [nvd('CVE-2022-25882')],
  },
  {
    id: 'CVE-2024-27318',
    package: 'onnx',
    summary: 'bypass of the CVE-2022-25882 external_data path check (a/../../ forms)',
    severity: 'high',
    published: '2024-02-23',
    ranges: [{ introduced: '0', fixed: '1.16.0' }],
    references: [nvd('CVE-2024-27318')],
  },
  {
    id: 'CVE-2026-27489',
    package: 'onnx',
    summary: 'external data read through symbolic links escapes the model directory',
    severity: 'high',
    published: '2026-04-01',
    ranges: [{ introduced: '0', fixed: '1.21.0' }],
    references: [nvd('CVE-2026-27489')],
  },
  {
    id: 'CVE-2019-6446',
    package: 'numpy',
    summary: 'numpy.load allowed pickled object arrays by default (allow_pickle=True); disputed upstream',
    severity: 'critical',
    published: '2019-01-16',
    ranges: [{ introduced: '0', fixed: '1.16.3' }],
    references: [nvd('CVE-2019-6446')],
  },
];

export const ML_ADVISORIES: readonly Advisory[] = PYPI.map((e) => ({
  ...e,
  aliases: e.aliases ?? [],
  ecosystem: 'PyPI' as const,
  source: 'warden' as const,
}));
