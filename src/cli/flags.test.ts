import { describe, expect, it } from 'vitest';
import { DockerError } from '../engine/errors.js';
import { Flags, HelpRequest, parseFlags, type CommandSpec } from './flags.js';
import { splitWords } from './words.js';

const spec: CommandSpec = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Run a command in a new container',
  stopAtFirstArg: true,
  args: { min: 1 },
  flags: [
    { name: 'detach', short: 'd', type: 'bool', help: '' },
    { name: 'interactive', short: 'i', type: 'bool', help: '' },
    { name: 'tty', short: 't', type: 'bool', help: '' },
    { name: 'env', short: 'e', type: 'list', help: '' },
    { name: 'name', type: 'string', help: '' },
  ],
};

describe('docker flag parsing', () => {
  it('takes combined shorts, values, repeated lists and stops at the image', () => {
    const f = new Flags(parseFlags(spec, ['-it', '-eA=1', '--env', 'B=2', '--name=web', 'alpine', 'sh', '-c', 'echo -d']));
    expect([f.bool('interactive'), f.bool('tty'), f.bool('detach')]).toEqual([true, true, false]);
    expect(f.list('env')).toEqual(['A=1', 'B=2']);
    expect(f.string('name')).toBe('web');
    expect(f.args).toEqual(['alpine', 'sh', '-c', 'echo -d']);
  });

  it('rejects unknown flags and missing values with docker wording and exit 125', () => {
    const err = (argv: string[]) => {
      try {
        parseFlags(spec, argv);
      } catch (e) {
        return [(e as DockerError).message, (e as DockerError).exitCode];
      }
      return null;
    };
    expect(err(['--bogus', 'x'])).toEqual(["unknown flag: --bogus\nSee 'docker run --help'.", 125]);
    expect(err(['-z', 'x'])).toEqual(["unknown shorthand flag: 'z' in -z\nSee 'docker run --help'.", 125]);
    expect(err(['--name'])).toEqual(["flag needs an argument: --name\nSee 'docker run --help'.", 125]);
  });

  it('requires the positional arguments the command needs', () => {
    expect(() => parseFlags(spec, [])).toThrow('"docker run" requires at least 1 argument.');
  });

  it('turns --help into a help request', () => {
    expect(() => parseFlags(spec, ['--help'])).toThrow(HelpRequest);
  });
});

describe('splitWords', () => {
  it('groups quotes and escapes like a POSIX shell without expansion', () => {
    expect(splitWords(`docker run --rm img sh -c 'echo "$X" >&2; exit 3' a\\ b "c\\"d"`)).toEqual(['docker', 'run', '--rm', 'img', 'sh', '-c', 'echo "$X" >&2; exit 3', 'a b', 'c"d']);
  });
});
