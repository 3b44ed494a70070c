import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/cli/flags.js';
import { checkCommand, realCommandSpec } from './command.js';

/** Every way docker's pflag lets one write `--name value` (and `-s value` when there is a short). */
function spellings(name: string, value: string | null, short?: string): string[][] {
  if (value === null) {
    const forms = [[`--${name}`], [`--${name}=true`], [`--${name}=1`]];
    if (short) forms.push([`-${short}`], [`-t${short}`], [`-${short}=true`], [`-i${short}t`]);
    return forms;
  }
  const forms = [[`--${name}`, value], [`--${name}=${value}`]];
  if (short) forms.push([`-${short}`, value], [`-${short}${value}`], [`-${short}=${value}`], [`-it${short}`, value], [`-t${short}${value}`]);
  return forms;
}

const RUN_FORMS = [['run'], ['create'], ['container', 'run'], ['container', 'create']];

/** [flag, value (null = boolean), short, words the message must contain] */
const FORBIDDEN_RUN: [string, string | null, string | undefined, string][] = [
  ['privileged', null, undefined, '--privileged is not allowed'],
  ['volume', '/:/host', 'v', '/ is a path on the host'],
  ['volume', './x:/y', 'v', './x is a path on the host'],
  ['volume', '/var/run/docker.sock:/var/run/docker.sock', 'v', 'is a path on the host'],
  ['volume', '~/.ssh:/keys', 'v', 'is a path on the host'],
  ['volume', 'x/y:/data', 'v', 'is a path on the host'],
  ['volume', 'C:\\Users:/data', 'v', 'C is not a valid volume name'],
  ['volume', '/etc:/etc:ro', 'v', 'is a path on the host'],
  ['volume', 'data:/data:rshared', 'v', 'mount option rshared'],
  ['volume', 'relative', 'v', 'absolute path'],
  ['mount', 'type=bind,source=/,target=/host', undefined, 'bind mount'],
  ['mount', 'type=bind,src=/etc,dst=/etc,readonly', undefined, 'bind mount'],
  ['mount', 'source=/etc,target=/etc', undefined, '/etc is a path on the host'],
  ['mount', 'type=volume,src=./data,target=/d', undefined, 'is a path on the host'],
  ['mount', 'type=volume,source=v,target=/d,volume-opt=device=/etc,volume-opt=o=bind', undefined, 'volume-opt'],
  ['mount', 'type=volume,source=v,target=/d,volume-driver=local', undefined, 'volume-driver'],
  ['mount', 'type=bind,source=/,target=/h,bind-propagation=rshared', undefined, 'not allowed'],
  ['mount', 'type=npipe,target=/p', undefined, 'type npipe'],
  ['mount', '"type=bind,source=/,target=/h"', undefined, 'without quotes'],
  ['mount', 'type=tmpfs,source=/etc,target=/t', undefined, 'tmpfs mount has no source'],
  ['volumes-from', 'other', undefined, 'another container'],
  ['volume-driver', 'local', undefined, 'volume driver'],
  ['device', '/dev/sda', undefined, 'device of the host'],
  ['device-cgroup-rule', 'b 8:* rmw', undefined, 'devices of the host'],
  ['gpus', 'all', undefined, 'GPUs'],
  ['cap-add', 'SYS_ADMIN', undefined, '--cap-add SYS_ADMIN is not allowed'],
  ['cap-add', 'ALL', undefined, 'capabilities'],
  ['security-opt', 'seccomp=unconfined', undefined, 'seccomp'],
  ['security-opt', 'apparmor=unconfined', undefined, 'seccomp'],
  ['security-opt', 'no-new-privileges:false', undefined, 'seccomp'],
  ['pid', 'host', undefined, "host's process namespace"],
  ['pid', 'container:abc', undefined, 'another container'],
  ['ipc', 'host', undefined, "host's IPC namespace"],
  ['ipc', 'container:abc', undefined, 'another container'],
  ['uts', 'host', undefined, "host's UTS"],
  ['userns', 'host', undefined, 'user namespace'],
  ['cgroupns', 'host', undefined, 'cgroup namespace'],
  ['net', 'host', undefined, "host's network"],
  ['network', 'host', undefined, "host's network"],
  ['net', 'container:abc', undefined, 'another container'],
  ['network', 'container:abc', undefined, 'another container'],
  ['network', 'my-net', undefined, 'none or bridge'],
  ['runtime', 'runc', undefined, 'runtime'],
  ['sysctl', 'net.ipv4.ip_forward=1', undefined, 'kernel parameters'],
  ['cgroup-parent', '/', undefined, 'resource limits'],
  ['ulimit', 'nofile=1048576', undefined, 'resource limits'],
  ['oom-kill-disable', null, undefined, 'cannot kill'],
  ['oom-score-adj', '-1000', undefined, 'kills first'],
  ['publish-all', null, 'P', '127.0.0.1:HOSTPORT:PORT'],
  ['publish', '0.0.0.0:8080:80', 'p', 'publishes on 0.0.0.0'],
  ['publish', '192.168.1.10:8080:80', 'p', 'publishes on 192.168.1.10'],
  ['publish', ':8080:80', 'p', 'every interface'],
  ['publish', '[::]:8080:80', 'p', '127.0.0.1 only'],
  ['publish', '1:2:3:4', 'p', 'write -p 127.0.0.1'],
  ['publish', 'x:80', 'p', 'port numbers'],
  ['publish', '8080:80/icmp', 'p', 'unknown protocol icmp'],
  ['link', 'other:db', undefined, 'another container'],
  ['cidfile', '/tmp/id', undefined, 'writes a file'],
  ['env-file', '/etc/shadow', undefined, 'reads a file on the machine the server runs on'],
  ['label', 'org.layerlab.session=someone-else', 'l', 'org.layerlab.'],
  ['label', 'org.layerlab.base=1', 'l', 'org.layerlab.'],
];

describe('checkCommand: run and create refuse what reaches the host', () => {
  const cases = FORBIDDEN_RUN.flatMap(([name, value, short, words]) => RUN_FORMS.flatMap((cmd) => spellings(name, value, short).map((s) => [[...cmd, ...s, 'busybox', 'true'], words] as const)));
  it.each(cases)('refuses %j', (argv, words) => {
    const r = checkCommand([...argv]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain(words);
    expect(r.message).toMatch(/^docker: .* is not allowed in Layerlab's real mode: .+\.$/);
    expect(r.message).not.toContain('\n');
    expect(r.exitCode).toBe(125);
  });

  it('has a table big enough to mean something', () => {
    expect(cases.length).toBeGreaterThan(400);
  });

  it('finds a dangerous flag among others, in any position before the image', () => {
    for (const argv of [
      ['run', '-d', '--name', 'x', '--rm', '--privileged', 'busybox'],
      ['run', '--rm', '-itv', '/:/host', 'busybox', 'sh'],
      ['run', '-e', 'A=1', '-v', 'data:/data', '-v', '/etc:/etc', 'busybox'],
      ['run', '-p', '127.0.0.1:8080:80', '-p', '0.0.0.0:9090:90', 'busybox'],
      ['run', '--privileged=false', '--privileged', 'busybox'],
    ]) expect(checkCommand(argv).ok, argv.join(' ')).toBe(false);
  });
});

describe('checkCommand: the words after the image belong to the container', () => {
  it.each([
    [['run', 'busybox', 'ls', '--privileged']],
    [['run', 'busybox', 'sh', '-c', 'mount -v /:/host']],
    [['run', '--rm', 'busybox', '--net=host']],
    [['create', 'busybox', '-v', '/:/host']],
    [['exec', 'web', 'ls', '--privileged']],
    [['run', '-e', '--privileged', 'busybox']],
  ])('allows %j', (argv) => {
    const r = checkCommand(argv);
    expect(r.ok).toBe(true);
  });

  it('keeps those words as arguments in the canonical argv', () => {
    const r = checkCommand(['run', '--rm', 'busybox', 'ls', '--privileged', '-v', '/:/h']);
    expect(r).toEqual({ ok: true, command: 'run', argv: ['--rm=true', '--', 'busybox', 'ls', '--privileged', '-v', '/:/h'] });
    if (!r.ok) return;
    const p = parseFlags(realCommandSpec('run'), r.argv);
    expect(p.args).toEqual(['busybox', 'ls', '--privileged', '-v', '/:/h']);
  });

  it('reads `-e --privileged` as an environment value, as pflag does', () => {
    expect(checkCommand(['run', '-e', '--privileged', 'busybox'])).toEqual({ ok: true, command: 'run', argv: ['--env=--privileged', '--', 'busybox'] });
  });
});

describe('checkCommand: publishing ports', () => {
  it.each([
    ['8080:80', '127.0.0.1:8080:80'],
    ['80', '127.0.0.1::80'],
    ['8080:80/udp', '127.0.0.1:8080:80/udp'],
    ['127.0.0.1:8080:80', '127.0.0.1:8080:80'],
    ['127.0.0.1::80', '127.0.0.1::80'],
    ['8000-8010:80-90', '127.0.0.1:8000-8010:80-90'],
  ])('-p %s publishes on %s', (spec, out) => {
    for (const argv of [['run', '-p', spec, 'nginx'], ['run', `--publish=${spec}`, 'nginx'], ['run', `-dp${spec}`, 'nginx']]) {
      const r = checkCommand(argv);
      expect(r.ok && r.argv.filter((a) => a.startsWith('--publish='))).toEqual([`--publish=${out}`]);
    }
  });
});

describe('checkCommand: build', () => {
  it.each([
    [['build', '--network', 'host', '.'], "host's network"],
    [['build', '--network=bridge', '.'], 'without a network'],
    [['image', 'build', '--network=host', '.'], "host's network"],
    [['build', '--secret', 'id=x,src=/etc/shadow', '.'], 'hands files'],
    [['build', '--ssh', 'default', '.'], 'SSH'],
    [['build', '--output', 'type=local,dest=/', '.'], 'writes the result'],
    [['build', '-o', '/tmp/out', '.'], 'writes the result'],
    [['build', '-o/tmp/out', '.'], 'writes the result'],
    [['build', '--cache-from', 'registry.example.com/x', '.'], 'cache'],
    [['build', '--cache-to', 'type=local,dest=/', '.'], 'cache'],
    [['build', '--build-context', 'x=https://example.com/', '.'], 'extra build contexts'],
    [['build', '--allow', 'security.insecure', '.'], 'privileges'],
    [['build', '--security-opt', 'seccomp=unconfined', '.'], 'security profile'],
    [['build', '--cgroup-parent=/', '.'], 'resource limits'],
    [['build', '--ulimit', 'nofile=1:1', '.'], 'resource limits'],
    [['build', '--iidfile', '/etc/passwd', '.'], 'writes a file'],
    [['build', '--metadata-file', '/tmp/m', '.'], 'writes a file'],
    [['build', '--add-host', 'x:1.2.3.4', '.'], 'without a network'],
    [['build', '-f', '/etc/passwd', '.'], 'inside the build context'],
    [['build', '--file=../Dockerfile', '.'], 'inside the build context'],
    [['build', '-f', '-', '.'], 'inside the build context'],
    [['build', '--label', 'org.layerlab.base=true', '.'], 'org.layerlab.'],
    [['build', '--build-arg', 'BUILDKIT_SYNTAX=evil/frontend', '.'], 'frontend image'],
    [['build', '--build-arg=buildkit_syntax=evil/frontend', '.'], 'frontend image'],
    [['build', 'https://github.com/x/y.git'], 'fetch it from the network'],
    [['build', 'git@github.com:x/y.git'], 'fetch it from the network'],
    [['build', 'git://example.com/x'], 'fetch it from the network'],
  ])('refuses %j', (argv, words) => {
    const r = checkCommand(argv);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(words);
  });

  it('allows ordinary builds', () => {
    expect(checkCommand(['build', '-t', 'app:1', '--build-arg', 'V=2', '--no-cache', '-f', 'docker/Dockerfile', '.'])).toEqual({ ok: true, command: 'build', argv: ['--tag=app:1', '--build-arg=V=2', '--no-cache=true', '--file=docker/Dockerfile', '--', '.'] });
    expect(checkCommand(['build', '--network=none', '.']).ok).toBe(true);
    expect(checkCommand(['image', 'build', '-q', '.']).ok).toBe(true);
  });
});

describe('checkCommand: other commands', () => {
  it.each([
    [['exec', '--privileged', 'web', 'sh'], '--privileged is not allowed'],
    [['exec', '--privileged=true', 'web', 'sh'], '--privileged is not allowed'],
    [['container', 'exec', '--env-file', '/etc/shadow', 'web', 'sh'], 'reads a file'],
    [['volume', 'create', '--opt', 'type=none', 'v'], 'any folder of the host'],
    [['volume', 'create', '-o', 'device=/etc', 'v'], 'any folder of the host'],
    [['volume', 'create', '-odevice=/etc', 'v'], 'any folder of the host'],
    [['volume', 'create', '--driver', 'sshfs', 'v'], 'local driver'],
    [['volume', 'create', '-d', 'nfs', 'v'], 'local driver'],
    [['volume', 'create', '--label', 'org.layerlab.session=x', 'v'], 'org.layerlab.'],
  ])('refuses %j', (argv, words) => {
    const r = checkCommand(argv);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(words);
  });

  it.each([
    [['info'], 'describes the host'],
    [['system', 'info'], 'describes the host'],
    [['image', 'prune', '-f'], 'every session'],
    [['container', 'prune'], 'every session'],
    [['volume', 'prune'], 'every session'],
    [['system', 'prune', '-a'], 'every session'],
    [['cp', 'x:/etc/passwd', '.'], 'copies files'],
    [['restart', 'web'], 'not available'],
    [['network', 'create', 'n'], 'not available'],
    [['swarm', 'init'], 'not available'],
    [['commit', '-c', 'LABEL org.layerlab.session=other', 'web', 'img'], 'org.layerlab.'],
    [['login'], 'credentials'],
    [['-H', 'tcp://1.2.3.4:2375', 'ps'], 'global option -H'],
    [['--context', 'remote', 'ps'], 'global option'],
  ])('refuses the command %j', (argv, words) => {
    const r = checkCommand(argv);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain(words);
      expect(r.exitCode).toBe(125);
    }
  });

  it("answers an unknown command as docker does", () => {
    expect(checkCommand(['frobnicate'])).toEqual({ ok: false, message: "docker: 'frobnicate' is not a docker command.\nSee 'docker --help'", exitCode: 1 });
  });

  it("gives docker's own usage errors for unknown flags and missing arguments", () => {
    expect(checkCommand(['run', '--bogus', 'busybox'])).toEqual({ ok: false, message: "unknown flag: --bogus\nSee 'docker run --help'.", exitCode: 125 });
    expect(checkCommand(['ps', '-z'])).toEqual({ ok: false, message: "unknown shorthand flag: 'z' in -z\nSee 'docker ps --help'.", exitCode: 125 });
    const r = checkCommand(['run']);
    expect(r.ok === false && r.message.startsWith('"docker run" requires at least 1 argument.') && r.exitCode).toBe(1);
  });

  it.each([
    [['run', '-d', '--name', 'web', '-p', '8080:80', '-v', 'data:/data', '--mount', 'type=volume,source=cache,target=/cache', '--mount', 'type=tmpfs,target=/tmp', '-e', 'A=1', '--memory', '64m', '--cpus', '0.5', '--network', 'none', 'nginx'], 'run'],
    [['run', '-v', '/data', '--network=bridge', '--net', 'default', '--read-only', '--ipc=private', '--cgroupns=private', '--add-host', 'db:10.0.0.2', '--cap-drop', 'NET_RAW', '--privileged=false', 'busybox'], 'run'],
    [['run', '-it', '--rm', 'busybox', 'sh'], 'run'],
    [['container', 'run', '-l', 'course=docker', 'busybox'], 'run'],
    [['create', '--name', 'c', '-v', 'notes.v1:/notes:ro', 'busybox'], 'create'],
    [['start', '-a', 'c'], 'start'],
    [['container', 'start', 'c'], 'start'],
    [['stop', '-t', '1', 'c'], 'stop'],
    [['kill', '-s', 'TERM', 'c'], 'kill'],
    [['rm', '-f', 'c', 'd'], 'rm'],
    [['container', 'rm', 'c'], 'rm'],
    [['ps', '-a', '--format', '{{.Names}}'], 'ps'],
    [['container', 'ls', '-q'], 'ps'],
    [['logs', '-f', '--tail', '5', 'c'], 'logs'],
    [['exec', '-it', '-u', 'root', 'c', 'sh'], 'exec'],
    [['images'], 'images'],
    [['image', 'ls', '-a'], 'images'],
    [['history', 'busybox'], 'history'],
    [['image', 'history', 'busybox'], 'history'],
    [['inspect', '--format', '{{.Id}}', 'busybox'], 'inspect'],
    [['image', 'inspect', 'busybox'], 'image inspect'],
    [['container', 'inspect', 'c'], 'container inspect'],
    [['tag', 'busybox', 'mine:1'], 'tag'],
    [['rmi', 'mine:1'], 'rmi'],
    [['image', 'rm', 'mine:1'], 'rmi'],
    [['diff', 'c'], 'diff'],
    [['pull', 'busybox'], 'pull'],
    [['push', '127.0.0.1:5000/mine:1'], 'push'],
    [['volume', 'create', 'data'], 'volume create'],
    [['volume', 'create', '--driver', 'local', '--label', 'course=docker', 'data'], 'volume create'],
    [['volume', 'ls'], 'volume ls'],
    [['volume', 'inspect', 'data'], 'volume inspect'],
    [['volume', 'rm', 'data'], 'volume rm'],
    [['version'], 'version'],
  ])('allows %j as %s', (argv, command) => {
    const r = checkCommand(argv);
    expect(r.ok && r.command).toBe(command);
  });

  it('hands back an argv the handler parses to what was checked', () => {
    const r = checkCommand(['run', '-dit', '--net=bridge', '--add-host', 'db:10.0.0.2', '-p8080:80', '--privileged=false', 'busybox', 'sh']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = parseFlags(realCommandSpec('run'), r.argv);
    expect(Object.fromEntries(p.values)).toEqual({ detach: ['true'], interactive: ['true'], tty: ['true'], network: ['bridge'], 'add-host': ['db:10.0.0.2'], publish: ['127.0.0.1:8080:80'] });
    expect(p.args).toEqual(['busybox', 'sh']);
  });

  it('passes help through without running anything', () => {
    expect(checkCommand(['run', '--help'])).toEqual({ ok: true, command: 'run', argv: ['--help'] });
    expect(checkCommand([])).toEqual({ ok: true, command: 'help', argv: [] });
  });
});
