import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { assertLockedTemplate, lockedBuildOptions, lockedHostConfig, TEMPLATE_LIMITS, type TemplateOptions } from './template.js';
import { LABEL_SESSION } from './types.js';

const LABELS = { [LABEL_SESSION]: 'test-policy' };
const RUN = Math.random().toString(36).slice(2, 8);

describe('lockedHostConfig', () => {
  it('turns "unlimited" and oversized limits into the caps', () => {
    for (const pidsLimit of [-1, 0, NaN, 1e9]) expect(lockedHostConfig({ pidsLimit }).PidsLimit).toBe(TEMPLATE_LIMITS.pidsLimit);
    for (const memory of [-1, 0, Infinity, 64 * 1024 ** 3]) expect(lockedHostConfig({ memory })).toMatchObject({ Memory: TEMPLATE_LIMITS.memory, MemorySwap: TEMPLATE_LIMITS.memory });
    for (const nanoCpus of [-1, 0, 8e9]) expect(lockedHostConfig({ nanoCpus }).NanoCpus).toBe(TEMPLATE_LIMITS.nanoCpus);
    expect(lockedHostConfig({ memory: 64 * 1024 * 1024, pidsLimit: 20, nanoCpus: 5e8 })).toMatchObject({ Memory: 64 * 1024 * 1024, MemorySwap: 64 * 1024 * 1024, PidsLimit: 20, NanoCpus: 5e8 });
    expect(lockedHostConfig({ memory: 1 }).Memory).toBe(6 * 1024 * 1024);
  });

  it.each<[string, TemplateOptions]>([
    ['a capability outside the allowed set', { capAdd: ['SYS_ADMIN'] }],
    ['ALL capabilities', { capAdd: ['ALL'] }],
    ['the host network', { network: 'host' as 'none' }],
    ['a host path bind', { binds: ['/:/host'] }],
    ['a relative bind', { binds: ['./x:/x'] }],
    ['a bind with propagation', { binds: ['vol:/x:rshared'] }],
    ['a malformed port', { ports: { '80/tcp; rm': '8080' } }],
  ])('refuses %s', (_name, opts) => {
    expect(() => lockedHostConfig(opts)).toThrow(/lockedHostConfig/);
  });

  it('accepts allowed capabilities however they are spelled', () => {
    expect(lockedHostConfig({ capAdd: ['chown', 'CAP_SETUID', 'CHOWN'] }).CapAdd).toEqual(['CHOWN', 'SETUID']);
  });

  it('lockedBuildOptions gives RUN steps no network and the template caps', () => {
    const b = lockedBuildOptions();
    expect(b).toMatchObject({ networkmode: 'none', memory: TEMPLATE_LIMITS.memory, memswap: TEMPLATE_LIMITS.memory, cpuperiod: 100_000, cpuquota: 100_000, rm: true, forcerm: true });
    b.networkmode = 'host' as 'none';
    expect(lockedBuildOptions().networkmode).toBe('none');
  });
});

describe('assertLockedTemplate on hand-made inspect results', () => {
  const base = (): Docker.ContainerInspectInfo => ({ HostConfig: lockedHostConfig(), Mounts: [], AppArmorProfile: '' }) as unknown as Docker.ContainerInspectInfo;
  it('finds nothing wrong with the template itself', () => {
    expect(assertLockedTemplate(base())).toEqual([]);
  });
  it.each<[string, Record<string, unknown>, string]>([
    ['privileged', { Privileged: true }, 'Privileged'],
    ['no CapDrop', { CapDrop: null }, 'CapDrop'],
    ['SYS_ADMIN added', { CapAdd: ['CAP_SYS_ADMIN'] }, 'CapAdd has CAP_SYS_ADMIN'],
    ['no no-new-privileges', { SecurityOpt: [] }, 'no-new-privileges'],
    ['seccomp unconfined', { SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'] }, 'unconfined'],
    ['no pids limit', { PidsLimit: 0 }, 'PidsLimit'],
    ['unlimited pids', { PidsLimit: -1 }, 'PidsLimit'],
    ['too much memory', { Memory: 2 ** 33, MemorySwap: 2 ** 33 }, 'Memory'],
    ['swap', { MemorySwap: -1 }, 'MemorySwap'],
    ['no CPU limit', { NanoCpus: 0 }, 'NanoCpus'],
    ['host network', { NetworkMode: 'host' }, 'NetworkMode'],
    ['host pid', { PidMode: 'host' }, 'PidMode'],
    ['joined ipc', { IpcMode: 'container:abc' }, 'IpcMode'],
    ['host uts', { UTSMode: 'host' }, 'UTSMode'],
    ['host userns', { UsernsMode: 'host' }, 'UsernsMode'],
    ['host cgroupns', { CgroupnsMode: 'host' }, 'CgroupnsMode'],
    ['host bind', { Binds: ['/:/host'] }, 'Binds'],
    ['bind mount', { Mounts: [{ Type: 'bind', Source: '/', Target: '/h' }] }, 'bind mount'],
    ['0.0.0.0 port', { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } }, 'not 127.0.0.1'],
    ['publish all', { PublishAllPorts: true }, 'PublishAllPorts'],
    ['big logs', { LogConfig: { Type: 'json-file', Config: { 'max-size': '1g', 'max-file': '2' } } }, 'max-size'],
    ['many log files', { LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '100' } } }, 'max-file'],
    ['no log cap', { LogConfig: { Type: 'json-file', Config: {} } }, 'max-size'],
    ['syslog', { LogConfig: { Type: 'syslog', Config: {} } }, 'LogConfig type'],
    ['devices', { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }, 'Devices'],
    ['runtime', { Runtime: 'runsc-debug' }, 'Runtime'],
    ['sysctls', { Sysctls: { 'kernel.x': '1' } }, 'Sysctls'],
    ['cgroup parent', { CgroupParent: '/' }, 'CgroupParent'],
    ['oom kill disabled', { OomKillDisable: true }, 'OomKillDisable'],
    ['volumes from', { VolumesFrom: ['other'] }, 'VolumesFrom'],
  ])('catches %s', (_name, change, words) => {
    const i = base();
    Object.assign(i.HostConfig, change);
    expect(assertLockedTemplate(i).join('\n')).toContain(words);
  });
  it('catches a bind mount the engine made, whatever HostConfig says', () => {
    const i = base();
    (i as unknown as { Mounts: unknown[] }).Mounts = [{ Type: 'bind', Source: '/etc', Destination: '/etc' }];
    expect(assertLockedTemplate(i)).toEqual(['the container has a bind mount of /etc at /etc']);
  });
});

describeEngine('assertLockedTemplate against the real engine', () => {
  const volume = `test-policy-vol-${RUN}`;
  beforeAll(async () => {
    await docker.createVolume({ Name: volume, Labels: LABELS });
  });
  afterAll(async () => {
    const mine = await docker.listContainers({ all: true, filters: { label: [`${LABEL_SESSION}=test-policy`] } });
    await Promise.all(mine.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
    await docker.getVolume(volume).remove().catch(() => undefined);
  });

  async function created(name: string, host: Docker.HostConfig, extra: Partial<Docker.ContainerCreateOptions> = {}): Promise<Docker.Container> {
    return docker.createContainer({ name: `test-policy-${name}-${RUN}`, Image: 'busybox:latest', Cmd: ['sleep', '30'], Labels: LABELS, HostConfig: host, ...extra });
  }

  it.each<[string, TemplateOptions]>([
    ['default', {}],
    ['bridge-ports', { network: 'bridge', ports: { '80/tcp': '', '81/tcp': '18081' }, extraHosts: ['db:10.0.0.2'] }],
    ['caps-readonly', { capAdd: ['CHOWN', 'SETUID', 'SETGID'], readOnlyRoot: true }],
    ['small-limits', { memory: 32 * 1024 * 1024, nanoCpus: 250_000_000, pidsLimit: 16 }],
    ['unlimited-asked', { memory: -1, nanoCpus: -1, pidsLimit: -1 }],
  ])('a container created from the template (%s) matches it', async (name, opts) => {
    const binds = name === 'caps-readonly' ? [`${volume}:/data:ro`] : undefined;
    const c = await created(name, lockedHostConfig({ ...opts, binds }), opts.ports ? { ExposedPorts: Object.fromEntries(Object.keys(opts.ports).map((p) => [p, {}])) } : {});
    expect(assertLockedTemplate(await c.inspect())).toEqual([]);
  });

  it('a started and stopped container still matches, and runs with no capabilities and no new privileges', async () => {
    const c = await created('started', lockedHostConfig({ network: 'bridge', ports: { '80/tcp': '' } }), { Cmd: ['sh', '-c', 'grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; sleep 30'], ExposedPorts: { '80/tcp': {} } });
    await c.start();
    const running = await c.inspect();
    expect(running.State.Running).toBe(true);
    expect(assertLockedTemplate(running)).toEqual([]);
    // the host port the engine chose is on loopback only
    expect(running.NetworkSettings.Ports['80/tcp']?.every((b) => b.HostIp === '127.0.0.1')).toBe(true);
    await c.stop({ t: 0 });
    const logs = (await c.logs({ stdout: true, stderr: true })).toString('latin1');
    expect(logs).toMatch(/CapEff:\s+0000000000000000/);
    expect(logs).toMatch(/NoNewPrivs:\s+1/);
    expect(logs).toMatch(/Seccomp:\s+2/);
    expect(assertLockedTemplate(await c.inspect())).toEqual([]);
  });

  it('catches a privileged container with host namespaces, binds and open ports', async () => {
    const c = await created('privileged', {
      Privileged: true,
      CapAdd: ['SYS_ADMIN'],
      SecurityOpt: ['seccomp=unconfined'],
      NetworkMode: 'host',
      PidMode: 'host',
      Binds: ['/etc:/host-etc:ro'],
      PortBindings: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '' }] },
      PidsLimit: -1,
    });
    const problems = assertLockedTemplate(await c.inspect());
    for (const words of ['Privileged is true', 'CapDrop', 'CapAdd has SYS_ADMIN', 'no-new-privileges', 'seccomp=unconfined', 'PidsLimit', 'Memory is not set', 'NanoCpus', 'NetworkMode is "host"', 'PidMode is host', 'Binds has /etc:/host-etc:ro', 'bind mount of /etc', 'not 127.0.0.1', 'max-size']) {
      expect(problems.join('\n')).toContain(words);
    }
  });

  it('catches a plain docker-run default container (no template at all)', async () => {
    const c = await created('plain', {});
    const problems = assertLockedTemplate(await c.inspect());
    expect(problems.length).toBeGreaterThanOrEqual(5);
  });
});
