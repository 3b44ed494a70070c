/** `dpkg -l`, `dpkg -s`, `dpkg -L` (and dpkg-query's same options) over /var/lib/dpkg. */
import type { Command } from '../shell/types.js';
import { readFileList, readStatus } from './dpkg-db.js';

const LIST_HEADER =
  'Desired=Unknown/Install/Remove/Purge/Hold\n| Status=Not/Inst/Conf-files/Unpacked/halF-conf/Half-inst/trig-aWait/Trig-pend\n|/ Err?=(none)/Reinst-required (Status,Err: uppercase=bad)\n';

/** `dpkg`/`dpkg-query` with -l, -s/--status, -L/--listfiles; anything else is not modelled. */
export const dpkg: Command = (argv, io) => {
  const [flag, ...names] = argv.slice(1);
  const status = readStatus(io.fs);
  if (flag === '-l' || flag === '--list') {
    const rows = [...status.values()].filter((st) => !names.length || names.includes(st.get('Package')!));
    const w = (k: string, min: number) => Math.max(min, ...rows.map((st) => (st.get(k) ?? '').length));
    const [wn, wv, wa] = [w('Package', 4), w('Version', 7), w('Architecture', 12)];
    io.stdout(LIST_HEADER + `||/ ${'Name'.padEnd(wn)} ${'Version'.padEnd(wv)} ${'Architecture'.padEnd(wa)} Description\n`);
    io.stdout(`+++-${'='.repeat(wn)}-${'='.repeat(wv)}-${'='.repeat(wa)}-${'='.repeat(40)}\n`);
    for (const st of rows) {
      const desc = (st.get('Description') ?? '').split('\n')[0];
      io.stdout(`ii  ${st.get('Package')!.padEnd(wn)} ${st.get('Version')!.padEnd(wv)} ${(st.get('Architecture') ?? '').padEnd(wa)} ${desc}\n`);
    }
    const missing = names.filter((n) => !status.has(n));
    for (const n of missing) io.stderr(`dpkg-query: no packages found matching ${n}\n`);
    return missing.length ? 1 : 0;
  }
  if (flag === '-s' || flag === '--status' || flag === '-L' || flag === '--listfiles') {
    let code = 0;
    for (const n of names) {
      const st = status.get(n);
      if (!st) {
        io.stderr(`dpkg-query: package '${n}' is not installed${flag.includes('s') && !flag.includes('L') ? ' and no information is available\nUse dpkg --info (= dpkg-deb --info) to examine archive files.' : ''}\n`);
        code = 1;
      } else if (flag === '-s' || flag === '--status') io.stdout([...st].map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
      else io.stdout(['/.', ...readFileList(io.fs, n)].join('\n') + '\n');
    }
    return code;
  }
  io.stderr(`layerlab: dpkg ${flag ?? ''}: only -l, -s and -L are modelled; packages come from apt-get in the simulator\n`);
  return 2;
};
