// Caller-side reporting shared by template-injection and github-env: attacker text a workflow or composite action
// passes into a local reusable workflow or composite action is reported at the caller's `with:` entry, with the path
// into the callee.
import type { AnalysisContext } from '../../engine/context';
import type { Severity, Confidence } from '../../analysis/levels';
import type { Block } from '../../model/common';
import type { Job, Step } from '../../model/workflow';
import type { Span } from '../../text/span';
import { entersHere, sinksThroughCall, type CalleeSink, type SinkFinder } from '../../analysis/callee-flow';
import { describeTaint, expressionTaints, type Taint, type TaintScope } from '../../analysis/taint';
import { describeReach, type Reach } from '../../analysis/triggers';

export interface CallSite {
  kind: 'workflow' | 'action';
  raw: string;
  usesSpan: Span;
  with: Block | undefined;
  /** The scope the `with:` values are evaluated in (the job's for a workflow call, the step's for an action). */
  scope: TaintScope;
  reach: Reach | 'action';
}

/** The local call a job or step makes, if any (a step of a composite action has no job). */
export function callSiteOf(
  job: Job | undefined,
  step: Step | undefined,
  scope: TaintScope,
  reach: Reach | 'action',
): CallSite | undefined {
  const uses = step ? step.uses : job?.uses;
  if (!uses || (step ? uses.kind !== 'local' : uses.kind !== 'local-reusable-workflow')) return undefined;
  return {
    kind: step ? 'action' : 'workflow',
    raw: uses.raw,
    usesSpan: uses.span,
    with: step ? step.with : job?.with,
    scope,
    reach,
  };
}

const SEVERITY_RANK: Record<Severity, number> = { high: 3, medium: 2, low: 1, info: 0 };
const CONFIDENCE_RANK: Record<Confidence, number> = { high: 3, medium: 2, low: 1 };

export function reportThroughCall(
  ctx: AnalysisContext,
  site: CallSite,
  findSinks: SinkFinder,
  rate: (entering: Taint, sink: CalleeSink, reach: Reach | 'action') => { severity: Severity; confidence: Confidence },
  advice: string,
): void {
  if (!ctx.readFile || !site.with) return;
  for (const entry of site.with.entries) {
    const hits = (entry.value?.expressions ?? [])
      .flatMap((e) => expressionTaints(e, site.scope))
      .filter((h) => entersHere(h.taint));
    if (!hits.length) continue;
    const taint = hits.reduce((a, b) =>
      CONFIDENCE_RANK[b.taint.confidence] > CONFIDENCE_RANK[a.taint.confidence] ? b : a,
    ).taint;
    const sinks = sinksThroughCall(ctx.readFile, site.kind, site.raw, entry.name, taint, findSinks);
    if (!sinks.length) continue;
    const rated = sinks.map((s) => rate(taint, s, site.reach));
    const severity = rated.reduce(
      (a, b) => (SEVERITY_RANK[b.severity] > SEVERITY_RANK[a] ? b.severity : a),
      'info' as Severity,
    );
    const confidence = rated.reduce(
      (a, b) => (CONFIDENCE_RANK[b.confidence] > CONFIDENCE_RANK[a] ? b.confidence : a),
      'low' as Confidence,
    );
    const first = sinks[0].hops[sinks[0].hops.length - 1];
    const who =
      taint.source === 'dispatch-input' ? 'only users with write access can dispatch it' : describeReach(site.reach);
    ctx.report({
      message: `${describeTaint(taint)} is passed to ${site.raw.trim()} as input ${entry.name}, which reaches ${first}${sinks.length > 1 ? ` (and ${sinks.length - 1} more)` : ''}: ${advice} (${who})`,
      span: entry.span,
      severity,
      confidence,
      related: sinks.map((s) => ({ span: site.usesSpan, message: `into the callee: ${s.hops.join(' -> ')}` })),
      properties: {
        context: taint.origin,
        input: entry.name,
        callee: site.raw.trim(),
        sinks: sinks.map((s) => s.hops),
      },
    });
  }
}
