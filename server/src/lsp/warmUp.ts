// JIT warm-up at server start. A fresh process runs the analysis as bytecode until V8 has seen it often enough to
// optimize it: over stdio on the 9 KB ripgrep workflow, the open took ~60 ms and the first ~10 edits 12-33 ms each,
// where a warmed server takes 4-8 ms. Analyzing the rules' own examples for a bounded time before `initialize` is answered
// moves that cost to start-up, when nobody is typing yet. It reads no file and runs nothing: the samples are the rule
// metadata's example snippets, plus one workflow assembled from their jobs so that the parser and the per-job rules
// also run on a document of realistic size.
import { setFlagsFromString } from 'node:v8';
import { parse, stringify } from 'yaml';
import { DEFAULT_CONFIG } from '../engine/config';
import type { FileKind } from '../model/detect';
import { ALL_RULES } from '../rules/index';
import { analyzeText } from './analysis';

/** Default time budget (ms of wall time). */
export const WARM_UP_MS = 300;
/** A client's `warmUpMs` is capped here: start-up must not wait on a typo. */
export const MAX_WARM_UP_MS = 2000;

/** The budget for a client's `warmUpMs` option: WARM_UP_MS when absent or not a number, else within 0..MAX_WARM_UP_MS. */
export function warmUpBudget(option: unknown): number {
  if (typeof option !== 'number' || Number.isNaN(option)) return WARM_UP_MS;
  return Math.min(Math.max(option, 0), MAX_WARM_UP_MS);
}

export interface WarmUpSample {
  kind: FileKind;
  relPath: string;
  text: string;
}

const SAMPLE_PATHS: Record<FileKind, string> = {
  workflow: '.github/workflows/sample.yml',
  action: 'action.yml',
  gitlab: '.gitlab-ci.yml',
};

/** The assembled workflow first, then every rule's examples, each analyzed as the first kind its rule applies to. */
export function warmUpSamples(): WarmUpSample[] {
  const samples: WarmUpSample[] = [];
  for (const rule of ALL_RULES) {
    const kind = rule.meta.appliesTo[0];
    for (const text of [rule.meta.docs.vulnerableExample, rule.meta.docs.safeExample]) {
      if (text) samples.push({ kind, relPath: SAMPLE_PATHS[kind], text });
    }
  }
  const assembled = assembledWorkflow(samples.filter((s) => s.kind === 'workflow').map((s) => s.text));
  if (assembled) samples.unshift({ kind: 'workflow', relPath: SAMPLE_PATHS.workflow, text: assembled });
  return samples;
}

/** One workflow holding every example's jobs (renamed apart) under the union of their triggers. */
function assembledWorkflow(examples: string[]): string | undefined {
  const on: Record<string, unknown> = {};
  const jobs: Record<string, unknown> = {};
  for (const text of examples) {
    const doc: unknown = parse(text);
    if (!isRecord(doc) || !isRecord(doc.jobs)) continue;
    const triggers = typeof doc.on === 'string' ? [doc.on] : doc.on;
    if (Array.isArray(triggers)) for (const t of triggers) on[String(t)] = null;
    else if (isRecord(triggers)) Object.assign(on, triggers);
    for (const job of Object.values(doc.jobs)) jobs[`job${Object.keys(jobs).length + 1}`] = job;
  }
  return Object.keys(jobs).length > 0 ? stringify({ on, jobs }) : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface WarmUpResult {
  analyses: number;
  ms: number;
  /** Why it stopped early: building or analyzing the samples threw (the server works the same, only colder). */
  error?: string;
}

/** Analyzes the samples round-robin (at least one) until `budgetMs` of wall time has passed. Never throws. */
export function warmUp(budgetMs: number): WarmUpResult {
  const started = performance.now();
  let analyses = 0;
  if (budgetMs <= 0) return { analyses, ms: 0 };
  // A burst of analyses would double V8's young generation (16 -> 32 MB resident) for the rest of the session; normal
  // editing grows it only if it needs to. V8 reads the factor when it decides to grow, so this holds for the burst.
  setFlagsFromString('--semi-space-growth-factor=1');
  try {
    const samples = warmUpSamples();
    do {
      const { kind, relPath, text } = samples[analyses % samples.length];
      analyzeText({ kind, relPath, text, config: DEFAULT_CONFIG });
      analyses++;
    } while (performance.now() - started < budgetMs);
  } catch (err) {
    return { analyses, ms: performance.now() - started, error: (err as Error).message.split('\n')[0] };
  } finally {
    setFlagsFromString('--semi-space-growth-factor=2'); // V8's default
  }
  return { analyses, ms: performance.now() - started };
}
