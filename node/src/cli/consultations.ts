// `entente consult …`: consultations with a denying partner (docs/protocol.md §8).
import type { Command } from 'commander';
import { operatorClient } from './client.js';
import type { CliKit } from './kit.js';
import { examples } from './help.js';
import { table } from './table.js';

export function registerConsultCommands(program: Command, kit: CliKit): void {
  const consult = program.command('consult').description('consultations with a denying partner (docs/protocol.md §8)');
  const send = async (o: { dir: string; json?: boolean }, id: string, body: Record<string, unknown>) => {
    const r = await operatorClient(o.dir).call<{ id: string; state: string; dueAt: string }>(
      'POST',
      `/admin/v1/consultations/${encodeURIComponent(id)}/messages`,
      body,
    );
    process.stderr.write(`${r.id}: ${r.state}, due ${r.dueAt}\n`);
    if (o.json) kit.print(r);
  };
  consult
    .command('open <file>')
    .description('send a REQUEST; FILE is {partner, referencedDenials, proposedTransaction, question}')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .addHelpText('after', examples(['CID=$(entente consult open --dir ./jp question.json)']))
    .action(async (file: string, o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ id: string; dueAt: string }>(
        'POST',
        '/admin/v1/consultations',
        kit.readJson(file),
      );
      process.stderr.write(`consultation opened, due ${r.dueAt}\n`);
      if (o.json) kit.print(r);
      else process.stdout.write(r.id + '\n');
    });
  consult
    .command('respond <id>')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .requiredOption(
      '--position <position>',
      'NO_OBJECTION, MAINTAINS_DENIAL, NOT_ESSENTIALLY_IDENTICAL, DENIAL_NO_LONGER_VALID, NEEDS_MORE_INFORMATION',
    )
    .requiredOption('--rationale <text>')
    .action((id: string, o: { dir: string; position: string; rationale: string }) =>
      send(o, id, { type: 'RESPONSE', position: o.position, rationale: o.rationale }),
    );
  consult
    .command('extend <id>')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .requiredOption('--days <n>', "working days on this node's calendar")
    .requiredOption('--reason <text>')
    .action((id: string, o: { dir: string; days: string; reason: string }) =>
      send(o, id, { type: 'EXTENSION', days: Number(o.days), reason: o.reason }),
    );
  consult
    .command('outcome <id>')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .requiredOption('--decision <decision>', 'GRANTED, DENIED or WITHDRAWN_BY_APPLICANT')
    .requiredOption('--decided-on <date>')
    .option('--justification <text>', 'required when GRANTED')
    .action((id: string, o: { dir: string; decision: string; decidedOn: string; justification?: string }) =>
      send(o, id, {
        type: 'OUTCOME',
        decision: o.decision,
        decidedOn: o.decidedOn,
        ...(o.justification ? { justification: o.justification } : {}),
      }),
    );
  consult
    .command('withdraw <id>')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .requiredOption('--reason <text>')
    .action((id: string, o: { dir: string; reason: string }) => send(o, id, { type: 'WITHDRAWAL', reason: o.reason }));
  consult
    .command('list')
    .description('consultations, asked of us and by us: state, due time, position, outcome')
    .addOption(kit.dirOption())
    .addOption(kit.jsonOption())
    .action(async (o: { dir: string; json?: boolean }) => {
      const r = await operatorClient(o.dir).call<{ items: any[] }>('GET', '/admin/v1/consultations');
      if (o.json) return kit.print(r);
      process.stdout.write(
        table(
          ['ID', 'ROLE', 'PARTNER', 'STATE', 'DUE', 'POSITION', 'ON TIME', 'OUTCOME'],
          r.items.map((c) => [
            c.id,
            c.role,
            c.partner,
            c.state,
            c.dueAt,
            c.position ?? '-',
            c.onTime === null ? '-' : c.onTime ? 'yes' : 'late',
            c.outcome ?? '-',
          ]),
        ),
      );
    });
}
