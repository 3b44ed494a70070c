import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectCgroups, layoutFrom, parseMountinfoLine } from './cgroup.js';

const files = (map: Record<string, string>) => (f: string) => map[f] ?? null;

describe('cgroup layout', () => {
  it('parses a mountinfo line, escapes included', () => {
    expect(parseMountinfoLine('35 24 0:30 / /sys/fs/cgroup/cpu\\040x rw,relatime shared:9 - cgroup cgroup rw,cpu,cpuacct')).toEqual({ root: '/', mountPoint: '/sys/fs/cgroup/cpu x', fstype: 'cgroup', superOptions: 'rw,cpu,cpuacct' });
  });

  it('finds v1 hierarchies (co-mounted too) below the server own cgroups', () => {
    const mountinfo = [
      '30 24 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
      '31 24 0:27 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids',
      '32 24 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
      '33 24 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw',
    ].join('\n');
    const self = '4:memory:/server\n8:pids:/\n1:cpu,cpuacct:/\n0::/\n';
    const r = layoutFrom(mountinfo, self, files({ '/sys/fs/cgroup/memory/server/cgroup.procs': '1\n', '/sys/fs/cgroup/unified/cgroup.controllers': '' }));
    expect(r).toEqual({ ok: true, layout: { version: 1, parents: { memory: '/sys/fs/cgroup/memory/server/layerlab-ns', pids: '/sys/fs/cgroup/pids/layerlab-ns', cpu: '/sys/fs/cgroup/cpu,cpuacct/layerlab-ns' } } });
  });

  it('prefers a unified v2 hierarchy that has memory, pids and cpu', () => {
    const r = layoutFrom('25 24 0:22 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate', '0::/system.slice/layerlab.service\n', files({ '/sys/fs/cgroup/cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma' }));
    expect(r).toEqual({ ok: true, layout: { version: 2, mount: '/sys/fs/cgroup', parent: '/sys/fs/cgroup/layerlab-ns' } });
  });

  it('says which controllers are missing', () => {
    expect(layoutFrom('30 24 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory', '', files({}))).toEqual({ ok: false, reason: 'cgroup v1 controllers not mounted: pids, cpu' });
    expect(layoutFrom('', '', files({}))).toMatchObject({ ok: false, reason: expect.stringMatching(/no cgroup v2 hierarchy/) });
  });

  it(`detects this host (${fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : 'v1 or none'})`, () => {
    const r = detectCgroups();
    if (fs.existsSync('/sys/fs/cgroup/cgroup.controllers') && r.ok) expect(r.layout.version).toBe(2);
    else if (fs.existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes')) expect(r).toMatchObject({ ok: true, layout: { version: 1 } });
  });
});
