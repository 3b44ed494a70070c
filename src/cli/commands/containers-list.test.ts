import { describe, expect, it } from 'vitest';
import { dockerSession } from './container-testing.js';

function threeContainers() {
  const s = dockerSession();
  s.docker('run --name done -l tier=batch oracle-base:local sh -c "exit 4"');
  s.docker('create --name fresh oracle-base:local true');
  s.docker('run -d --name up -l tier=web oracle-base:local sleep 300');
  return s;
}

describe('docker ps', () => {
  it('lists running containers by default and all with -a, newest first', () => {
    const { docker } = threeContainers();
    expect(docker("ps --format '{{.Names}}'").out).toEqual(['up']);
    expect(docker("ps -a --format '{{.Names}}'").out).toEqual(['up', 'fresh', 'done']);
  });

  it('filters by status (which implies -a), exited (needs -a), name, id, label and ancestor', () => {
    const { docker, engine } = threeContainers();
    const names = (f: string) => docker(`ps ${f} --format '{{.Names}}'`).out;
    expect(names('--filter status=exited --filter status=created')).toEqual(['fresh', 'done']);
    expect(names('--filter exited=4')).toEqual([]);
    expect(names('-a --filter exited=4')).toEqual(['done']);
    expect(names("-a --filter 'name=^/f'")).toEqual(['fresh']);
    expect(names(`-a --filter id=${engine.findContainer('up')!.id.slice(0, 8)}`)).toEqual(['up']);
    expect(names('-a --filter label=tier')).toEqual(['up', 'done']);
    expect(names('-a --filter label=tier=web')).toEqual(['up']);
    expect(names('-a --filter ancestor=oracle-base:local')).toHaveLength(3);
    expect(names("-a --filter 'name=n['")).toEqual([]);
  });

  it("rejects unknown filters and bad values with the daemon's messages", () => {
    const { docker } = threeContainers();
    expect(docker('ps -a --filter status=foo')).toMatchObject({ code: 1, err: ["Error response from daemon: Invalid filter 'status=foo'"] });
    expect(docker('ps -a --filter foo=bar').err).toEqual(["Error response from daemon: Invalid filter 'foo'"]);
    expect(docker('ps -a --filter exited=x').err).toEqual(['Error response from daemon: strconv.Atoi: parsing "x": invalid syntax']);
  });

  it('limits with -n and -l, prints IDs with -q, full IDs and commands with --no-trunc', () => {
    const { docker, engine } = threeContainers();
    const up = engine.findContainer('up')!;
    expect(docker("ps -n 2 --format '{{.Names}}'").out).toEqual(['up', 'fresh']);
    expect(docker('ps -l -q').out).toEqual([up.id.slice(0, 12)]);
    expect(docker('ps -q --no-trunc').out).toEqual([up.id]);
    expect(docker("ps -a --no-trunc --filter name=done --format '{{.Command}}'").out).toEqual(['"sh -c \'exit 4\'"']);
  });

  it('adds the SIZE column with -s: the writable layer and the virtual size', () => {
    const { docker } = dockerSession();
    docker("run --name ww oracle-base:local sh -c 'echo hi > /f'");
    const table = docker('ps -a -s').out;
    expect(table[0]).toMatch(/NAMES +SIZE$/);
    expect(table[1]).toMatch(/ ww +3B \(virtual 1\.98MB\)$/);
  });

  it('prints the table with PORTS and STATUS columns as docker does', () => {
    const { docker } = dockerSession();
    docker('run -d --name web -p 8080:80 oracle-base:local sleep 300');
    const [head, row] = docker('ps').out;
    expect(head).toMatch(/^CONTAINER ID   IMAGE               COMMAND       CREATED +STATUS +PORTS                                   NAMES$/);
    expect(row).toMatch(/^[0-9a-f]{12}   oracle-base:local   "sleep 300"   .* ago +Up .* +0\.0\.0\.0:8080->80\/tcp, :::8080->80\/tcp   web$/);
  });
});

describe('docker top and stats', () => {
  it('shows the processes with ps -ef columns, or the -o fields asked for', () => {
    const { docker, engine } = dockerSession();
    docker('run -d --name tp oracle-base:local sleep 300');
    const top = docker('top tp').out;
    expect(top[0]).toBe('UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD');
    expect(top[1]).toMatch(/^root +\d+ +\d+ +0 +\d\d:\d\d +\? +00:00:00 +sleep 300$/);
    expect(docker('top tp -o pid,comm').out[1]).toMatch(/^\d+ +sleep$/);
    docker('stop tp');
    expect(docker('top tp').err).toEqual([`Error response from daemon: Container ${engine.findContainer('tp')!.id} is not running`]);
  });

  it('prints one sample with --no-stream and --format; a stopped container shows zeros', () => {
    const { docker } = dockerSession();
    docker('run -d --name st --memory 64m oracle-base:local sleep 300');
    docker('create --name cr oracle-base:local true');
    expect(docker('stats --no-stream st').out[0]).toBe('CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   BLOCK I/O   PIDS');
    expect(docker("stats --no-stream --format '{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.MemPerc}}|{{.PIDs}}' st cr").out).toEqual(['st|0.00%|504KiB / 64MiB|0.77%|1', 'cr|0.00%|0B / 0B|0.00%|0']);
    expect(docker('stats --no-stream nosuch')).toMatchObject({ code: 1, err: ['Error response from daemon: No such container: nosuch'] });
  });
});

describe('docker inspect of a container', () => {
  it("has ContainerJSON's fields in the Engine API order", () => {
    const { docker } = dockerSession();
    docker('run -d --name in -p 8080:80 --restart on-failure:3 --memory 64m --cpus 1.5 --pids-limit 50 --read-only -v /cache oracle-base:local sleep 300');
    const doc = JSON.parse(docker('inspect in').out.join('\n'))[0];
    expect(Object.keys(doc)).toEqual(['Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ResolvConfPath', 'HostnamePath', 'HostsPath', 'LogPath', 'Name', 'RestartCount', 'Driver', 'Platform', 'MountLabel', 'ProcessLabel', 'AppArmorProfile', 'ExecIDs', 'HostConfig', 'GraphDriver', 'Mounts', 'Config', 'NetworkSettings']);
    expect(Object.keys(doc.State)).toEqual(['Status', 'Running', 'Paused', 'Restarting', 'OOMKilled', 'Dead', 'Pid', 'ExitCode', 'Error', 'StartedAt', 'FinishedAt']);
    expect(doc.State.StartedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(doc.HostConfig).toMatchObject({ Binds: null, NetworkMode: 'default', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] }, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, AutoRemove: false, ReadonlyRootfs: true, Memory: 67108864, NanoCpus: 1500000000, PidsLimit: 50 });
    expect(doc.NetworkSettings.Ports).toEqual({ '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }, { HostIp: '::', HostPort: '8080' }] });
    expect(doc.NetworkSettings.IPAddress).toBe('172.17.0.2');
    expect(doc.Config.Volumes).toEqual({ '/cache': {} });
    expect(doc.Config.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(doc.Mounts[0]).toMatchObject({ Type: 'volume', Destination: '/cache', Driver: 'local', RW: true });
  });

  it('is also `docker container inspect`, with -f', () => {
    const { docker } = dockerSession();
    docker('create --name ci oracle-base:local true');
    expect(docker("container inspect -f '{{.State.Status}} {{.Name}}' ci").out).toEqual(['created /ci']);
    expect(docker('container inspect nosuch')).toMatchObject({ code: 1, out: ['[]'], err: ['Error: No such container: nosuch'] });
  });
});

describe('rename, wait and container prune', () => {
  it('renames, and refuses the same name, a taken name or an invalid one', () => {
    const { docker, engine } = dockerSession();
    docker('create --name one oracle-base:local true');
    docker('create --name two oracle-base:local true');
    expect(docker('rename one uno')).toMatchObject({ code: 0, out: [], err: [] });
    expect(docker("ps -a --format '{{.Names}}'").out).toEqual(['two', 'uno']);
    expect(docker('rename uno uno').err).toEqual(['Error response from daemon: Renaming a container with the same name as its current name', 'Error: failed to rename container named uno']);
    const two = engine.findContainer('two')!.id;
    expect(docker('rename uno two').err[0]).toBe(`Error response from daemon: Error when allocating new name: Conflict. The container name "/two" is already in use by container "${two}". You have to remove (or rename) that container to be able to reuse that name.`);
    expect(docker('rename uno bad/name').err[0]).toBe('Error response from daemon: Error when allocating new name: Invalid container name (bad/name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed');
    expect(docker('rename nosuch x1')).toMatchObject({ code: 1, err: ['Error response from daemon: No such container: nosuch', 'Error: failed to rename container named nosuch'] });
  });

  it('prints exit codes of stopped containers and explains that it cannot block on a running one', () => {
    const { docker } = dockerSession();
    docker("run --name w4 oracle-base:local sh -c 'exit 4'");
    docker('create --name cr oracle-base:local true');
    expect(docker('wait w4 cr')).toMatchObject({ code: 0, out: ['4', '0'] });
    docker('run -d --name up oracle-base:local sleep 300');
    expect(docker('wait up').code).toBe(1);
    expect(docker('wait nosuch').err).toEqual(['Error response from daemon: No such container: nosuch']);
  });

  it('removes stopped containers and reports the space of their writable layers', () => {
    const { docker, engine } = dockerSession();
    docker("run --name w1 oracle-base:local sh -c 'echo 123456789 > /f'");
    docker('run -d --name up oracle-base:local sleep 300');
    const id = engine.findContainer('w1')!.id;
    expect(docker('container prune', { stdin: 'n\n' }).out).toEqual(['WARNING! This will remove all stopped containers.', 'Are you sure you want to continue? [y/N] ', 'Total reclaimed space: 0B']);
    expect(docker('container prune -f').out).toEqual(['Deleted Containers:', id, '', 'Total reclaimed space: 10B']);
    expect(docker("ps -a --format '{{.Names}}'").out).toEqual(['up']);
    expect(docker('container prune -f').out).toEqual(['Total reclaimed space: 0B']);
  });
});
