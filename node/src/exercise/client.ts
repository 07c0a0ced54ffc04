// The exercise controller's view of each node: its operator API with the control file's token.
// Every answer is checked for `Entente-Mode`: a node that says `live` stops the exercise at once.
import type { Schemas } from '../schema/types.js';
import type { ControlNode } from './scenario.js';

/** What a node says about itself (`GET /admin/v1/node`). */
export type NodeInfo = Schemas['OperatorNode'];

export class ExerciseError extends Error {
  constructor(
    message: string,
    readonly status = 0,
  ) {
    super(message);
    this.name = 'ExerciseError';
  }
}

export class NodeClient {
  constructor(
    readonly label: string,
    readonly url: string,
    private readonly token: string,
  ) {}

  get who(): string {
    return `${this.label} (${this.url})`;
  }

  /** `anyMode`: the one call that reads a live node's answer, to say which node it is. */
  async call<T>(method: string, path: string, body?: unknown, anyMode = false): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url + path, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch {
      throw new ExerciseError(`${this.who}: cannot reach the operator API`);
    }
    const mode = res.headers.get('entente-mode');
    const text = await res.text();
    if (!anyMode && mode !== null && mode !== 'exercise')
      throw new ExerciseError(
        `${this.who} answers as a ${mode} node (Entente-Mode: ${mode}); exercises never touch one`,
      );
    if (!res.ok) {
      let detail = res.statusText;
      try {
        const p = JSON.parse(text) as {
          detail?: string;
          title?: string;
          errors?: { pointer: string; message: string }[];
        };
        detail = p.detail ?? p.title ?? detail;
        if (p.errors?.length) detail += `: ${p.errors.map((e) => `${e.pointer} ${e.message}`).join('; ')}`;
      } catch {
        /* not a problem document */
      }
      throw new ExerciseError(`${this.who}: ${method} ${path.split('?')[0]}: ${res.status} ${detail}`, res.status);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

export interface CheckedNode {
  label: string;
  nodeId: string;
  client: NodeClient;
  info: NodeInfo;
}

/**
 * Before anything is sent: every node the scenario names is in the control file, answers
 * `GET /admin/v1/node`, says `mode: "exercise"`, and is the node id the scenario expects.
 * Every node is asked first; the first problem is the one line reported.
 */
export async function checkNodes(nodes: Record<string, string>, control: ControlNode[]): Promise<CheckedNode[]> {
  const out: CheckedNode[] = [];
  const problems: string[] = [];
  for (const [label, nodeId] of Object.entries(nodes)) {
    const c = control.find((n) => n.label === label);
    if (!c) {
      problems.push(`the control file has no node labelled ${label} (the scenario's ${nodeId})`);
      continue;
    }
    const client = new NodeClient(label, c.url, c.token);
    let info: NodeInfo;
    try {
      info = await client.call<NodeInfo>('GET', '/admin/v1/node', undefined, true);
    } catch (e) {
      const status = e instanceof ExerciseError ? e.status : 0;
      problems.push(
        status === 404
          ? `${client.who} does not answer GET /admin/v1/node (a node without exercise support)`
          : (e as Error).message,
      );
      continue;
    }
    if (info.mode !== 'exercise') {
      problems.push(
        `${client.who} is ${info.nodeId}, a ${String(info.mode)} node; exercises run only on exercise nodes`,
      );
      continue;
    }
    if (info.nodeId !== nodeId) {
      problems.push(`${client.who} is ${info.nodeId}, but the scenario says ${label} is ${nodeId}`);
      continue;
    }
    out.push({ label, nodeId, client, info });
  }
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new ExerciseError(`refused, nothing was sent: ${problems[0]}${more}`);
  }
  return out;
}
