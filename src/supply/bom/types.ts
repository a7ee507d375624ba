import type { Severity } from '../../core/severity.js';
import type { Ecosystem } from '../manifests/index.js';

/** CycloneDX's component scope, from a declaration's dev/optional flags. */
export type DependencyScope = 'required' | 'optional' | 'dev';

/** What scanning one file concluded, folded over its archive members. */
export interface ScanVerdict {
  /** unsafe (high/critical finding), suspicious (medium), clean, error, not-scanned. */
  readonly verdict: 'unsafe' | 'suspicious' | 'clean' | 'error' | 'not-scanned';
  readonly status: string;
  readonly highestSeverity?: Severity;
  readonly findingCount: number;
  readonly ruleIds: readonly string[];
}

export type FileKind = 'model' | 'data' | 'config' | 'code' | 'doc' | 'other';

export interface BomFile {
  /** Relative to the BOM root, `/`-separated. */
  readonly path: string;
  readonly size: number;
  readonly sha256?: string;
  /** Scanner id that recognised the bytes (`safetensors`, `gguf`, `pytorch/zip` …) or `unknown`. */
  readonly format: string;
  readonly kind: FileKind;
  readonly verdict: ScanVerdict;
  /** Facts the format scanner reported (tensor counts, producer, GGUF general.* keys). */
  readonly metadata?: Readonly<Record<string, unknown>>;
}

export interface PerformanceMetric {
  readonly type: string;
  readonly value: string;
  readonly slice?: string;
}

/** What a Hugging Face model card and config files say about the model. */
export interface ModelFacts {
  name?: string;
  description?: string;
  licenses: string[];
  datasets: string[];
  task?: string;
  architectureFamily?: string;
  modelArchitecture?: string;
  baseModels: string[];
  languages: string[];
  tags: string[];
  libraryName?: string;
  inputs: string[];
  outputs: string[];
  metrics: PerformanceMetric[];
  useCases: string[];
  technicalLimitations: string[];
  ethicalConsiderations: string[];
  /** Flat facts from config.json / generation_config.json / GGUF (`config:hidden_size` …). */
  properties: [string, string][];
  /** Problems met while reading the card (bad YAML, oversize), for the user. */
  notes: string[];
}

/** One library component: the same package declared in several manifests is listed once. */
export interface BomDependency {
  readonly ecosystem: Ecosystem;
  readonly name: string;
  readonly version?: string;
  readonly spec?: string;
  readonly scope: DependencyScope;
  readonly sources: readonly string[];
}

export interface BomInventory {
  /** Name of the folder or file the BOM describes. */
  readonly rootName: string;
  readonly files: readonly BomFile[];
  readonly dependencies: readonly BomDependency[];
  readonly model: ModelFacts;
  readonly tool: { readonly name: string; readonly version: string };
  readonly generatedAt: string;
  /** Newest modification time among the files (SPDX requires a release time). */
  readonly newestFileTime: string;
}
