// Builds a workflow from YAML text and computes its per-job permission needs through the real analysis.
import { parseYaml } from '../../server/src/yaml/parse';
import { buildWorkflow, type Workflow } from '../../server/src/model/workflow';
import {
  computeWorkflowPermissions,
  type FileResolver,
  type JobPermissions,
} from '../../server/src/analysis/permissions/index';

export function workflow(text: string, path = '.github/workflows/ci.yml'): Workflow {
  const wf = buildWorkflow(parseYaml(text), path);
  if (!wf) throw new Error('not a workflow');
  return wf;
}

export function jobs(text: string, files: Record<string, string> = {}): Map<string, JobPermissions> {
  const resolve: FileResolver = (p) => files[p];
  return new Map(computeWorkflowPermissions(workflow(text), { resolve }).jobs.map((j) => [j.job.id, j]));
}

export function job(text: string, files: Record<string, string> = {}): JobPermissions {
  return [...jobs(text, files).values()][0];
}

/** A one-job workflow around the given steps (indented as a steps list item body). */
export function steps(body: string, extra = ''): string {
  return `on: push\n${extra}jobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n${body.replace(/^/gm, '      ').replace(/\s+$/, '')}\n`;
}
