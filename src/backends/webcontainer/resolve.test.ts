import { describe, expect, it } from 'vitest';
import { dockerSession } from '../../cli/commands/container-testing.js';
import { containerArgv, resolveCommand } from './resolve.js';

/** Builds an image from `lines` on the simulator's builder (which stores shell forms as Docker does) and returns its config. */
function imageConfig(lines: string[]) {
  const s = dockerSession();
  s.ws.write('/w/ctx/Dockerfile', ['FROM oracle-base:local', ...lines].join('\n') + '\n');
  const r = s.docker('build -q -t t ctx');
  expect(r.code, r.err.join('\n')).toBe(0);
  return { session: s, config: s.engine.store.find('t')!.config.config };
}

const ENTRYPOINTS = {
  none: [],
  exec: ['ENTRYPOINT ["exec_entry", "p1_entry"]'],
  shell: ['ENTRYPOINT exec_entry p1_entry'],
} as const;
const CMDS = {
  none: [],
  exec: ['CMD ["exec_cmd", "p1_cmd"]'],
  shell: ['CMD exec_cmd p1_cmd'],
} as const;

// Docker's table, "Understand how CMD and ENTRYPOINT interact" (Dockerfile reference); null is "error, not allowed".
const TABLE: Record<keyof typeof ENTRYPOINTS, Record<keyof typeof CMDS, string[] | null>> = {
  none: { none: null, exec: ['exec_cmd', 'p1_cmd'], shell: ['/bin/sh', '-c', 'exec_cmd p1_cmd'] },
  shell: {
    none: ['/bin/sh', '-c', 'exec_entry p1_entry'],
    exec: ['/bin/sh', '-c', 'exec_entry p1_entry', 'exec_cmd', 'p1_cmd'],
    shell: ['/bin/sh', '-c', 'exec_entry p1_entry', '/bin/sh', '-c', 'exec_cmd p1_cmd'],
  },
  exec: {
    none: ['exec_entry', 'p1_entry'],
    exec: ['exec_entry', 'p1_entry', 'exec_cmd', 'p1_cmd'],
    shell: ['exec_entry', 'p1_entry', '/bin/sh', '-c', 'exec_cmd p1_cmd'],
  },
};

describe('command resolution (Docker’s ENTRYPOINT × CMD table)', () => {
  for (const e of Object.keys(ENTRYPOINTS) as (keyof typeof ENTRYPOINTS)[]) {
    for (const c of Object.keys(CMDS) as (keyof typeof CMDS)[]) {
      const want = TABLE[e][c];
      it(`${e} ENTRYPOINT with ${c} CMD resolves to ${want ? want.join(' ') : 'no command'}`, () => {
        // oracle-base has its own CMD; clear it so "no CMD" means none
        const { config } = imageConfig(['CMD []', ...ENTRYPOINTS[e], ...CMDS[c]]);
        const argv = resolveCommand(config, {});
        if (want === null) expect(argv).toEqual([]);
        else expect(argv).toEqual(want);
      });
    }
  }

  it('refuses a run with no command at all, as the daemon does', () => {
    const { session } = imageConfig(['CMD []']);
    expect(session.docker('run t')).toMatchObject({ code: 125, err: ['docker: Error response from daemon: No command specified.', "See 'docker run --help'."] });
  });
});

describe('command resolution with run overrides', () => {
  const exec = ['ENTRYPOINT ["exec_entry", "p1_entry"]', 'CMD ["exec_cmd", "p1_cmd"]'];

  it('replaces CMD with the run arguments and keeps ENTRYPOINT', () => {
    expect(resolveCommand(imageConfig(exec).config, { cmd: ['a', 'b'] })).toEqual(['exec_entry', 'p1_entry', 'a', 'b']);
  });

  it('replaces ENTRYPOINT with --entrypoint and drops the image CMD', () => {
    expect(resolveCommand(imageConfig(exec).config, { entrypoint: 'node' })).toEqual(['node']);
  });

  it('keeps the run arguments after --entrypoint', () => {
    expect(resolveCommand(imageConfig(exec).config, { entrypoint: 'node', cmd: ['server.js'] })).toEqual(['node', 'server.js']);
  });

  it("clears ENTRYPOINT with --entrypoint '' so the run arguments are the whole command", () => {
    expect(resolveCommand(imageConfig(exec).config, { entrypoint: '', cmd: ['npm', 'start'] })).toEqual(['npm', 'start']);
  });

  it('passes run arguments to a shell-form ENTRYPOINT, where sh -c takes them as $0 and ignores them', () => {
    expect(resolveCommand(imageConfig(['ENTRYPOINT node server.js']).config, { cmd: ['extra'] })).toEqual(['/bin/sh', '-c', 'node server.js', 'extra']);
  });

  it('uses the builder’s SHELL for shell forms', () => {
    expect(resolveCommand(imageConfig(['SHELL ["/bin/ash", "-eo", "pipefail", "-c"]', 'CMD node app.js']).config, {})).toEqual(['/bin/ash', '-eo', 'pipefail', '-c', 'node app.js']);
  });

  it('reads back what docker run resolved for a created container', () => {
    const { session } = imageConfig(exec);
    const r = session.docker('create --name c1 t x y');
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(containerArgv(session.engine.findContainer('c1')!)).toEqual(['exec_entry', 'p1_entry', 'x', 'y']);
    expect(session.docker('create --name c2 --entrypoint node t app.js').code).toBe(0);
    expect(containerArgv(session.engine.findContainer('c2')!)).toEqual(['node', 'app.js']);
  });
});
