// entente exercise reset (docs/protocol.md §14.5): wipe an exercise node's records, streams and
// consultations through the operator API, keeping its trust and agreements. `--confirm` repeats the
// node id; the node refuses on a live node and without it.
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { examples } from './help.js';

interface ResetView {
  nodeId: string;
  wiped: Record<string, number>;
  streamsReset: string[];
}

/** Registers `reset` under the `exercise` command (which other exercise commands share). */
export function registerExerciseReset(exercise: Command, kit: CliKit): void {
  exercise
    .command('reset')
    .description('wipe this exercise node of records, streams and consultations; keep partners and agreements')
    .addOption(kit.dirOption())
    .requiredOption('--confirm <nodeId>', "this node's id, typed again")
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['entente exercise reset --dir ./de --confirm de-enf-01']))
    .action(async (o: { dir: string; confirm: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<ResetView>('POST', '/admin/v1/exercise/reset', {
        confirm: o.confirm,
      });
      kit.show(o, r, (v) => {
        const counts = Object.entries(v.wiped)
          .map(([k, n]) => `  ${k}: ${n}`)
          .join('\n');
        const streams = v.streamsReset.length ? v.streamsReset.join(', ') : 'none';
        return `${v.nodeId} reset: wiped\n${counts}\nnew streams to: ${streams}\n`;
      });
    });
}
