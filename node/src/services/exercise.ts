// `entente exercise reset` (docs/protocol.md §14.5): an exercise node is wiped of its records, streams and
// consultations and keeps its trust and agreements. One transaction: the wipe, a new stream towards
// every partner (the stream reset of §6.6) and the audit entry; refused on a live node before anything.
import type { AuditService } from '../core/audit.js';
import { AppError } from '../domain/errors.js';
import type { Store, WipeCounts } from '../store/index.js';

/** The outbound streams, restarted after the wipe (exchange/outbound). */
export interface StreamRestarter {
  resetAll(actor: string): string[];
  wake(partners: Iterable<string>): void;
}

export interface ExerciseResetResult {
  nodeId: string;
  wiped: WipeCounts;
  streamsReset: string[];
}

export class ExerciseService {
  constructor(
    private readonly d: {
      store: Store;
      audit: AuditService;
      streams: StreamRestarter;
      nodeId: string;
      mode: 'live' | 'exercise';
    },
  ) {}

  reset(confirm: string, actor: string): ExerciseResetResult {
    const { store, audit, streams, nodeId, mode } = this.d;
    if (mode !== 'exercise') {
      throw new AppError('not-exercise', `${nodeId} is a live node: only an exercise node can be reset`);
    }
    if (confirm !== nodeId) {
      throw new AppError('validation', `confirm must be this node's id (${nodeId}) to wipe its exercise data`, [
        { pointer: '/confirm', rule: 'M3', message: `must be "${nodeId}"` },
      ]);
    }
    const result = store.tx(() => {
      const wiped = store.exercise.wipe();
      // the screening index's names of records go with the records; reference lists stay
      store.screening.requeueRecords();
      const partners = streams.resetAll(actor);
      audit.append({ action: 'exercise.reset', actor, subject: nodeId, details: { ...wiped, streamsReset: partners } });
      return { nodeId, wiped, streamsReset: partners };
    });
    streams.wake(result.streamsReset);
    return result;
  }
}
