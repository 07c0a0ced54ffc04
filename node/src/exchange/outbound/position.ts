// The sender's side of the stream protocol as pure functions of the stream position: what a receipt
// (docs/protocol.md §6.8), a push answer and a 409 {expected, receipt} (§6.6) do to it. The outbound
// module applies the result; nothing here reads or writes state.

export interface Position {
  stream: string;
  head_seq: number;
  receipt_upto: number;
  push_next: number;
}

export type ReceiptVerdict =
  | { kind: 'initial' }
  | { kind: 'accept'; receipt_upto: number; push_next: number }
  | { kind: 'refuse'; reason: string; fork?: string };

/**
 * Whether a verified receipt fits the stream. `heldHash(seq)` is this node's release hash at a seq
 * (undefined when it holds none). The receipt cursor never moves backwards.
 */
export function judgeReceipt(
  s: Position,
  p: { stream: string; upTo: number; head: string },
  heldHash: (seq: number) => string | undefined,
): ReceiptVerdict {
  if (p.stream === '' && p.upTo === 0) return { kind: 'initial' };
  if (p.stream !== s.stream) return { kind: 'refuse', reason: 'receipt: not for the current stream' };
  if (p.upTo > s.head_seq) {
    return {
      kind: 'refuse',
      reason: "receipt: upTo is beyond this node's head",
      fork: `receipt acknowledges seq ${p.upTo} beyond this node's head ${s.head_seq}`,
    };
  }
  const held = p.upTo > 0 ? heldHash(p.upTo) : undefined;
  if (held !== undefined && held !== p.head) {
    return {
      kind: 'refuse',
      reason: 'receipt: head does not match (fork)',
      fork: `receipt head for seq ${p.upTo} does not match this node's release`,
    };
  }
  const upto = Math.max(s.receipt_upto, p.upTo);
  return { kind: 'accept', receipt_upto: upto, push_next: Math.max(s.push_next, upto + 1) };
}

/** Why the receipt answering a pushed batch does not acknowledge it, or null when it does. */
export function ackProblem(stream: string, p: { stream: string; upTo: number }, batchLast: number): string | null {
  if (p.stream !== stream || p.upTo < batchLast) {
    return `the receipt acknowledges ${p.stream}/${p.upTo}, not the batch up to ${batchLast}`;
  }
  return null;
}

export type PushAnswer = 'ack' | 'conflict' | 'retry' | 'refused';

/** What an inbox status means for the pusher: 200 acknowledges, 409 resyncs, 429/5xx retry, others stop. */
export function classifyAnswer(status: number): PushAnswer {
  if (status === 200) return 'ack';
  if (status === 409) return 'conflict';
  if (status === 429 || status >= 500) return 'retry';
  return 'refused';
}

export type ConflictAction = 'resume' | 'restart' | 'receiver-restored' | 'sender-behind';

export interface ConflictPlan {
  action: ConflictAction;
  update: { push_next?: number; receipt_upto?: number; blocked?: string };
  alarm?: { kind: string; detail: string };
}

/** The expected position of a 409 body, or null when it carries none usable. */
export function expectedPosition(body: unknown): { stream: string; seq: number } | null {
  const b = body as { expected?: { stream?: unknown; seq?: unknown } } | null;
  const seq = Number(b?.expected?.seq);
  if (!Number.isSafeInteger(seq) || seq < 1) return null;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever the partner sent, as text
  return { stream: String(b?.expected?.stream ?? ''), seq };
}

/** §6.6: what a 409 {expected} means for the stream to `partner`. */
export function planConflict(s: Position, expected: { stream: string; seq: number }, partner: string): ConflictPlan {
  const { stream, seq } = expected;
  if (stream !== s.stream) {
    // the receiver does not know this stream (reset not yet seen, or it lost everything): from seq 1
    const lost = s.receipt_upto > 0 && stream === '';
    const detail = 'the partner knows nothing of this stream although it acknowledged it: re-sending from seq 1';
    return {
      action: 'restart',
      update: { push_next: 1 },
      ...(lost ? { alarm: { kind: 'receiver-restored', detail } } : {}),
    };
  }
  if (seq - 1 > s.head_seq) {
    const blocked =
      `sender-behind: the partner expects seq ${seq}, this node's head is ${s.head_seq} (restored from a backup?); ` +
      `run \`entente stream re-anchor --partner ${partner}\``;
    const detail = `the partner expects seq ${seq} beyond this node's head ${s.head_seq}: pushing stopped until a re-anchor`;
    return { action: 'sender-behind', update: { blocked }, alarm: { kind: 'sender-behind', detail } };
  }
  if (seq - 1 < s.receipt_upto) {
    const detail = `the partner expects seq ${seq} although it acknowledged up to ${s.receipt_upto}: re-sending identical releases`;
    return { action: 'receiver-restored', update: { push_next: seq }, alarm: { kind: 'receiver-restored', detail } };
  }
  return { action: 'resume', update: { push_next: seq, receipt_upto: Math.max(s.receipt_upto, seq - 1) } };
}
