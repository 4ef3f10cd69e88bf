// The security review's per-file facts: the shapes analysis/review.ts (workflows, actions) and analysis/gitlab-review.ts
// (GitLab CI) fill, and the client renders.
import type { UsesRef } from '../model/uses';

export interface TriggerFact {
  event: string;
  /** Who can cause a run, in a sentence. */
  whoCanFire: string;
  /** Runs with a write token and secrets while people outside the repository can start it. */
  privileged: boolean;
  line: number;
}

export interface PermissionFact {
  /** `workflow` or the job id. */
  scope: string;
  /** `write-all`, `read-all`, `none`, `contents: read, issues: write`, or `default (not declared)`. */
  granted: string;
  line?: number;
}

/** A job's token: what it is granted and what its steps were found to need. */
export interface JobPermissionFact {
  job: string;
  granted: string;
  /** The least grant covering every need found, e.g. `contents: read, pull-requests: write`, or `none`. */
  needed: string;
  /** Steps whose token use could not be worked out (the needed grant may then be incomplete). */
  unexplainedSteps: number;
  line: number;
}

export interface ActionUseFact {
  uses: string;
  /** GitLab: an include (`include:local` ...) or a container image (`image`, `service`). */
  kind: UsesRef['kind'] | `include:${string}` | 'image' | 'service';
  /** Pinned to a full commit SHA (or an image digest); local references count as pinned. */
  pinned: boolean;
  /** Owned by GitHub (actions/*, github/*): still worth pinning, but not third-party. */
  firstParty: boolean;
  line: number;
}

export interface JobFact {
  id: string;
  environment?: string;
  timeoutMinutes?: string;
  concurrency: boolean;
  runsOn: string[];
  /** GitLab: `manual` when a person must start the job. */
  gate?: string;
  line: number;
}

export interface ReviewFacts {
  path: string;
  kind: 'workflow' | 'action' | 'gitlab';
  name?: string;
  triggers: TriggerFact[];
  permissions: PermissionFact[];
  /** Granted vs needed per job (undefined when the analysis could not run). */
  jobPermissions?: JobPermissionFact[];
  /** Secret names referenced through `secrets.NAME` (never values). */
  secrets: string[];
  /** A job passes every secret to a reusable workflow. */
  secretsInherited: boolean;
  actions: ActionUseFact[];
  jobs: JobFact[];
  workflowConcurrency: boolean;
}
