// Examples at the end of every command's --help. Command files add their own with examples(); the
// rest are here, by command path, and program.ts adds them.
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

export const EXAMPLES: Record<string, string[]> = {
  init: [
    'entente init --dir ./nl --node-id nl-lic-01 --name "NL dual-use licensing" --country NL --url https://entente.nl.example:8443',
  ],
  'provision-example': ['entente provision-example --example certs-example/nl-lic-01 --dir ./nl-demo'],
  start: ['entente start --dir ./nl', 'entente start --dir ./nl --log-level warn'],
  'config check': ['entente config check --dir ./nl'],
  bundle: ['entente bundle --dir ./nl > nl-lic-01.bundle.json'],
  backup: ['entente backup /backups/nl-2026-05-01 --dir ./nl'],
  'agreement set': ['entente agreement set --dir ./nl --partner jp-lic-01 --file examples/agreement-nl-to-jp.json'],
  'agreement explain': ['entente agreement explain --dir ./nl --partner jp-lic-01 --record 3f2a9c1e'],
  'stream reset': ['entente stream reset --dir ./nl --partner jp-lic-01'],
  'stream re-anchor': ['entente stream re-anchor --dir ./nl --partner jp-lic-01'],
  'sync-status': ['entente sync-status --dir ./nl', 'entente sync-status --dir ./nl --json'],
  alarms: ['entente alarms --dir ./nl', 'entente alarms --dir ./nl --partner jp-lic-01 --json'],
  reciprocity: [
    'entente reciprocity --dir ./nl',
    'entente reciprocity --dir ./nl --partner jp-lic-01 --from 2026-01-01',
  ],
  'consult respond': [
    'entente consult respond "$CID" --dir ./nl --position MAINTAINS_DENIAL --rationale "Same end-user, same item."',
  ],
  'consult extend': ['entente consult extend "$CID" --dir ./nl --days 5 --reason "Awaiting the licensing officer."'],
  'consult outcome': ['entente consult outcome "$CID" --dir ./jp --decision DENIED --decided-on 2026-04-02'],
  'consult withdraw': ['entente consult withdraw "$CID" --dir ./jp --reason "The application was withdrawn."'],
  'consult list': ['entente consult list --dir ./nl', 'entente consult list --dir ./nl --json'],
  screen: [
    'entente screen "Harbourline Trading" --dir ./nl',
    'entente screen --name "Harbourline Trading FZE" --country AE --dir ./nl --json',
    'entente screen --csv parties.csv --dir ./nl > hits.csv',
  ],
  'import-list': ['entente import-list consolidated.csv.gz --dir ./nl'],
  lists: ['entente lists --dir ./nl', 'entente lists --dir ./nl --json'],
  'screen-index-rebuild': ['entente screen-index-rebuild --dir ./nl'],
  'alerts list': ['entente alerts --dir ./jp', 'entente alerts list --dir ./jp --json'],
  'alerts ack': [
    'entente alerts ack "$ID" --dir ./jp --state ACTIONED --desk "customs liaison desk" --note "Shipment held."',
  ],
  completion: [
    'entente completion bash > /etc/bash_completion.d/entente',
    'entente completion zsh > "${fpath[1]}/_entente"',
  ],
};
