// Whether the node the CLI talks to is an exercise node (docs/protocol.md §14.5), as the operator API's
// `Entente-Mode` header said on the last response; table.ts puts the EXERCISE line above every table.
let exerciseNode: string | null = null;

/** Called by the operator client with each response's header and the node's id. */
export function noteMode(header: string | null, nodeId: string): void {
  if (header === 'exercise') exerciseNode = nodeId;
  else if (header === 'live') exerciseNode = null;
}

/** The EXERCISE line (with its newline), or '' for a live node or before any response. */
export function exerciseLine(): string {
  return exerciseNode === null ? '' : `EXERCISE — ${exerciseNode} is an exercise node: invented data\n`;
}
