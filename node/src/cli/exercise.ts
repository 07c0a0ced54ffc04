// `entente exercise run` and `entente exercise report` (docs/exercises.md): the controller's side of
// an exercise. Both talk to the nodes only through their operator APIs, with the control file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { checkNodes } from '../exercise/client.js';
import { collect } from '../exercise/collect.js';
import { analyse, type Report } from '../exercise/report.js';
import { reportHtml } from '../exercise/report-html.js';
import { runScenario, type RunEvent, type RunLog } from '../exercise/run.js';
import { loadControl, loadScenario, offsetSeconds, tPlus } from '../exercise/scenario.js';
import { cell } from './alerts.js';
import { examples } from './help.js';
import type { CliKit } from './kit.js';

const DEFAULT_LOG = 'exercise-run.json';

function parseSpeed(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 100_000) throw new Error(`--speed must be a number above 0, got ${v}`);
  return n;
}

/** Progress: a line per event; on a terminal, a status line below them that is redrawn. */
function progress(out: NodeJS.WriteStream, total: number, endT: number) {
  const tty = out.isTTY === true;
  let done = 0;
  let last = 0;
  const status = () => `${tPlus(last)} of ${tPlus(endT)} · ${done}/${total} injects`;
  const line = (e: RunEvent) => {
    const who = e.node ? `${e.node}: ` : '';
    const mark = e.kind === 'failed' ? 'FAILED ' : e.kind === 'reaction' ? '  ↳ ' : '';
    return `${tPlus(e.t)} ${mark}${who}${cell(e.text, 200)}`;
  };
  let timer: NodeJS.Timeout | null = null;
  const started = Date.now();
  return {
    start(speed: number) {
      if (!tty) return;
      timer = setInterval(() => {
        last = Math.max(last, ((Date.now() - started) * speed) / 1000);
        out.write(`\r\x1b[K${status()}`);
      }, 250);
    },
    event(e: RunEvent) {
      last = Math.max(last, e.t);
      if (e.kind === 'inject' || e.kind === 'failed') done++;
      if (tty) out.write(`\r\x1b[K${line(e)}\n${status()}`);
      else out.write(`${line(e)}\n`);
    },
    stop() {
      if (timer) clearInterval(timer);
      if (tty) out.write(`\r\x1b[K`);
    },
  };
}

function readLog(file: string): RunLog {
  let log: RunLog;
  try {
    log = JSON.parse(readFileSync(file, 'utf8')) as RunLog;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${file}: no such file (the run log written by entente exercise run --log)`
        : `${file} is not a run log: ${(e as Error).message}`,
      { cause: e },
    );
  }
  if (log?.kind !== 'entente-exercise-run' || !Array.isArray(log.injects))
    throw new Error(`${file} is not a run log of entente exercise run`);
  return log;
}

export function registerExerciseCommands(program: Command, kit: CliKit): void {
  const exercise =
    program.commands.find((c) => c.name() === 'exercise') ??
    program
      .command('exercise')
      .description('exercises on exercise nodes: run a scenario, write its after-action report, reset a node');
  exercise
    .command('run')
    .description('drive a scenario through the exercise nodes of a control file, with live progress and a run log')
    .requiredOption('--scenario <file>', 'the scenario (YAML or JSON)')
    .requiredOption('--control <file>', "the control file: each node's operator URL and token (stays with you)")
    .option('--speed <n>', 'scenario time ÷ n (60: one scenario minute per second)', '1')
    .option('--log <file>', 'the run log that `exercise report` reads', DEFAULT_LOG)
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples([
        'entente exercise run --scenario scenarios/diversion-tabletop.yaml --control control.json --speed 60',
        'entente exercise run --scenario drill.json --control control.json --log drill-run.json --json',
      ]),
    )
    .action(async (o: { scenario: string; control: string; speed: string; log: string; json?: boolean }) => {
      const speed = parseSpeed(o.speed);
      const scenario = loadScenario(o.scenario);
      const control = loadControl(o.control);
      const nodes = await checkNodes(scenario.nodes, control);
      const out = o.json ? process.stderr : process.stdout;
      const endT = Math.max(...scenario.injects.map((i) => offsetSeconds(i.at)));
      const view = progress(out, scenario.injects.length, endT);
      out.write(
        `exercise ${scenario.scenario}: ${nodes.map((n) => `${n.label}=${n.nodeId}`).join(', ')} (all exercise nodes); ` +
          `${scenario.injects.length} injects over ${tPlus(endT)} at speed ${speed}; log ${o.log}\n`,
      );
      const stop = new AbortController();
      const onSigint = () => stop.abort();
      process.once('SIGINT', onSigint);
      view.start(speed);
      let log: RunLog;
      try {
        log = await runScenario(scenario, nodes, {
          scenarioFile: resolve(o.scenario),
          speed,
          logFile: o.log,
          signal: stop.signal,
          onEvent: (e) => view.event(e),
        });
      } finally {
        view.stop();
        process.off('SIGINT', onSigint);
      }
      const failed = log.injects.filter((i) => i.status === 'failed').length;
      const notRun = log.injects.filter((i) => i.status === 'not-run').length;
      if (log.outcome === 'stopped') {
        out.write(`stopped: ${notRun} inject(s) not run; the log is kept in ${o.log}\n`);
        process.exitCode = 130;
      } else {
        out.write(
          `done: ${log.injects.length - failed - notRun} of ${log.injects.length} injects ran${failed ? `, ${failed} failed` : ''}; ` +
            `log ${o.log}; next: entente exercise report --control ${o.control} --log ${o.log} --out DIR\n`,
        );
        if (failed) process.exitCode = 1;
      }
      if (o.json) kit.print(log);
    });
  exercise
    .command('report')
    .description(
      "write the after-action report (report.html, report.json) of a run from the nodes' APIs and audit logs",
    )
    .requiredOption('--control <file>', 'the control file of the run')
    .requiredOption('--out <dir>', 'the directory for report.html and report.json')
    .option('--log <file>', 'the run log', DEFAULT_LOG)
    .addOption(kit.jsonOption())
    .addHelpText(
      'after',
      examples([
        'entente exercise report --control control.json --out after-action/',
        'entente exercise report --control control.json --log drill-run.json --out drill/ --json',
      ]),
    )
    .action(async (o: { control: string; out: string; log: string; json?: boolean }) => {
      const log = readLog(o.log);
      const control = loadControl(o.control);
      const nodes = await checkNodes(
        Object.fromEntries(Object.entries(log.nodes).map(([label, n]) => [label, n.nodeId])),
        control,
      );
      const collected = await collect(log, nodes);
      const report: Report = analyse(log, collected, new Date().toISOString());
      mkdirSync(o.out, { recursive: true });
      writeFileSync(join(o.out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
      writeFileSync(join(o.out, 'report.html'), reportHtml(report));
      const met = report.expectations.filter((e) => e.verdict === 'met').length;
      process.stderr.write(
        `wrote ${join(o.out, 'report.html')} and report.json: ${met} of ${report.expectations.length} expectations met; ` +
          `audit logs of ${report.nodes.length} nodes verify\n`,
      );
      if (o.json) kit.print(report);
    });
}
