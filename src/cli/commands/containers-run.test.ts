import { describe, expect, it } from 'vitest';
import { dockerSession } from './container-testing.js';

const see = "See 'docker run --help'.";

describe('docker run flags', () => {
  it('publishes ports, shows them in ps as 20.10 does, and lists them with docker port', () => {
    const { docker } = dockerSession();
    docker('run -d --name p1 -p 8080:80 oracle-base:local sleep 300');
    docker('run -d --name p3 -p 127.0.0.1:9090:80/udp -p 8081-8082:81-82 -p 53 oracle-base:local sleep 300');
    expect(docker("ps --format '{{.Names}}|{{.Ports}}'").out).toEqual([
      'p3|0.0.0.0:32768->53/tcp, :::32768->53/tcp, 127.0.0.1:9090->80/udp, 0.0.0.0:8081->81/tcp, :::8081->81/tcp, 0.0.0.0:8082->82/tcp, :::8082->82/tcp',
      'p1|0.0.0.0:8080->80/tcp, :::8080->80/tcp',
    ]);
    expect(docker('port p1').out).toEqual(['80/tcp -> 0.0.0.0:8080', '80/tcp -> :::8080']);
    expect(docker('port p1 80').out).toEqual(['0.0.0.0:8080', ':::8080']);
    expect(docker('port p1 81')).toMatchObject({ code: 1, err: ["Error: No public port '81/tcp' published for p1"] });
    expect(docker("inspect -f '{{json .HostConfig.PortBindings}}' p1").out).toEqual(['{"80/tcp":[{"HostIp":"","HostPort":"8080"}]}']);
  });

  it('groups ports published on the same numbers into ranges', () => {
    const { docker } = dockerSession();
    docker('run -d --name pr -p 999:999 -p 1000:1000 oracle-base:local sleep 300');
    expect(docker("ps --format '{{.Ports}}'").out).toEqual(['0.0.0.0:999-1000->999-1000/tcp, :::999-1000->999-1000/tcp']);
    expect(docker('port pr').out).toEqual(['1000/tcp -> 0.0.0.0:1000', '1000/tcp -> :::1000', '999/tcp -> 0.0.0.0:999', '999/tcp -> :::999']);
  });

  it('fails with "port is already allocated" and leaves the second container created; ports free up on stop', () => {
    const { docker } = dockerSession();
    docker('run -d --name p1 -p 8080:80 oracle-base:local sleep 300');
    const r = docker('run -d --name p2 -p 8080:80 oracle-base:local sleep 300');
    expect(r.code).toBe(125);
    expect(r.err[0]).toMatch(/^docker: Error response from daemon: driver failed programming external connectivity on endpoint p2 \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8080 failed: port is already allocated\.$/);
    expect(docker("ps -a --filter name=p2 --format '{{.Status}}'").out).toEqual(['Created']);
    const start = docker('start p2');
    expect(start.code).toBe(1);
    expect(start.err[1]).toBe('Error: failed to start containers: p2');
    docker('stop p1');
    expect(docker('start p2').code).toBe(0);
    expect(docker("ps --format '{{.Names}}|{{.Ports}}'").out).toEqual(['p2|0.0.0.0:8080->80/tcp, :::8080->80/tcp']);
  });

  it('rejects bad -p values with the CLI messages', () => {
    const { docker } = dockerSession();
    expect(docker('run -p 99999:80 oracle-base:local true')).toMatchObject({ code: 125, err: ['docker: Invalid hostPort: 99999.', see] });
    expect(docker('run -p abc oracle-base:local true').err).toEqual(['docker: Invalid containerPort: abc.', see]);
    expect(docker('run -p 80:80/xyz oracle-base:local true').err).toEqual(['docker: Invalid proto: xyz.', see]);
  });

  it('validates --restart as the CLI and the daemon do', () => {
    const { docker } = dockerSession();
    expect(docker('run --restart foo oracle-base:local true')).toMatchObject({ code: 125, err: ["docker: Error response from daemon: invalid restart policy 'foo'.", see] });
    expect(docker('run --restart on-failure:x oracle-base:local true').err).toEqual(['docker: maximum retry count must be an integer.', see]);
    expect(docker('run --restart always:3 oracle-base:local true').err).toEqual(["docker: Error response from daemon: maximum retry count cannot be used with restart policy 'always'.", see]);
    expect(docker('run --restart always --rm oracle-base:local true').err).toEqual(['docker: Conflicting options: --restart and --rm.', see]);
    docker('create --name r1 --restart on-failure:3 oracle-base:local true');
    expect(docker("inspect -f '{{json .HostConfig.RestartPolicy}}' r1").out).toEqual(['{"Name":"on-failure","MaximumRetryCount":3}']);
  });

  it('validates --memory, --cpus and --pids-limit and records them in HostConfig', () => {
    const { docker } = dockerSession();
    expect(docker('run --memory 1k oracle-base:local true')).toMatchObject({ code: 125, err: ['docker: Error response from daemon: Minimum memory limit allowed is 6MB.', see] });
    expect(docker('run --memory abc oracle-base:local true').err).toEqual([`invalid argument "abc" for "-m, --memory" flag: invalid size: 'abc'`, see]);
    expect(docker('run --cpus 100 oracle-base:local true').err).toEqual(['docker: Error response from daemon: Range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs available.', see]);
    expect(docker('run --cpus abc oracle-base:local true').err).toEqual(['invalid argument "abc" for "--cpus" flag: failed to parse abc as a rational number', see]);
    expect(docker('run --pids-limit abc oracle-base:local true').err).toEqual(['invalid argument "abc" for "--pids-limit" flag: strconv.ParseInt: parsing "abc": invalid syntax', see]);
    docker('create --name lim --memory 64m --cpus 1.5 --pids-limit 50 oracle-base:local true');
    docker('create --name nolim --pids-limit -1 oracle-base:local true');
    const f = "'{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{json .HostConfig.PidsLimit}}'";
    expect(docker(`inspect -f ${f} lim nolim`).out).toEqual(['67108864 134217728 1500000000 50', '0 0 0 null']);
  });

  it('shows the limits inside the container where cgroup v1 puts them', () => {
    const { docker } = dockerSession();
    const files = '/sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us /sys/fs/cgroup/pids/pids.max';
    expect(docker(`run --rm --memory 64m --cpus 1.5 --pids-limit 50 oracle-base:local cat ${files}`).out).toEqual(['67108864', '150000', '100000', '50']);
    expect(docker(`run --rm oracle-base:local cat ${files}`).out).toEqual(['9223372036854771712', '-1', '100000', 'max']);
  });

  it('refuses writes on --read-only except in volumes', () => {
    const { docker } = dockerSession();
    const r = docker("run --read-only -v /data oracle-base:local sh -c 'touch /x; echo hi > /y; mkdir /z; touch /data/ok && echo ok'");
    expect(r.err).toEqual(['touch: /x: Read-only file system', "sh: can't create /y: Read-only file system", "mkdir: can't create directory '/z': Read-only file system"]);
    expect(r.out).toEqual(['ok']);
  });

  it('uses --hostname, -w (created when missing), -u and the env the daemon composes', () => {
    const { docker } = dockerSession();
    expect(docker('run --rm --hostname hh oracle-base:local hostname').out).toEqual(['hh']);
    docker('run --name wd -w /a/b oracle-base:local pwd');
    expect(docker('logs wd').out).toEqual(['/a/b']);
    expect(docker('diff wd').out).toEqual(['A /a', 'A /a/b']);
    expect(docker('run --rm -u nobody oracle-base:local id').out).toEqual(['uid=65534(nobody) gid=65534(nobody) groups=65534(nobody)']);
    expect(docker('run --rm -w rel oracle-base:local pwd').err).toEqual(["docker: Error response from daemon: the working directory 'rel' is invalid, it needs to be an absolute path.", see]);
    const env = docker('run --rm --hostname hh -e A=1 oracle-base:local env').out;
    expect(env).toEqual(['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=hh', 'A=1', 'HOME=/root']);
  });

  it('uses the short ID as the hostname by default', () => {
    const { docker } = dockerSession();
    const id = docker('run -d oracle-base:local sleep 300').out[0]!;
    expect(docker(`exec ${id.slice(0, 6)} hostname`).out).toEqual([id.slice(0, 12)]);
  });

  it('reads --env-file from the workspace: comments skipped, a bare name takes the CLI value', () => {
    const { docker, ws } = dockerSession();
    ws.write('app.env', 'A=1\n# comment\nFROM_CLI\nUNSET\n');
    const env = docker('run --rm --env-file app.env -e B=2 oracle-base:local env', { env: { FROM_CLI: 'yes' } }).out;
    expect(env.filter((l) => /^(A|B|FROM_CLI|UNSET)=/.test(l))).toEqual(['A=1', 'FROM_CLI=yes', 'B=2']);
    expect(docker('run --env-file missing.env oracle-base:local true').err).toEqual(['docker: open missing.env: no such file or directory.', see]);
  });

  it('replaces ENTRYPOINT with --entrypoint and reports an unknown program with 127', () => {
    const { docker } = dockerSession();
    expect(docker('run --rm --entrypoint echo oracle-base:local hi there').out).toEqual(['hi there']);
    const r = docker("run --rm --entrypoint 'echo hi' oracle-base:local");
    expect(r.code).toBe(127);
    expect(r.err).toEqual(['docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "echo hi": executable file not found in $PATH: unknown.']);
  });

  it('fails to run a file that is not executable with 126 and leaves the container created', () => {
    const { docker } = dockerSession();
    const r = docker('run --name np oracle-base:local /etc/passwd');
    expect(r.code).toBe(126);
    expect(r.err).toEqual(['docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/etc/passwd": permission denied: unknown.']);
    expect(docker("ps -a --format '{{.Status}}'").out).toEqual(['Created']);
  });

  it('reports a name conflict with the daemon message and exit 125', () => {
    const { docker, engine } = dockerSession();
    docker('run -d --name web oracle-base:local sleep 300');
    const id = engine.findContainer('web')!.id;
    expect(docker('run --name web oracle-base:local true')).toMatchObject({
      code: 125,
      err: [`docker: Error response from daemon: Conflict. The container name "/web" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`, see],
    });
  });

  it('records --network and fails to start on an unknown network, leaving the container created', () => {
    const { docker } = dockerSession();
    expect(docker('run --rm --network none oracle-base:local cat /etc/hosts').out).not.toContainEqual(expect.stringMatching(/^172\.17/));
    docker('create --name nb --network bridge oracle-base:local true');
    expect(docker("inspect -f '{{.HostConfig.NetworkMode}}' nb").out).toEqual(['bridge']);
    expect(docker('run --name nf --network foo oracle-base:local true')).toMatchObject({ code: 125, err: ['docker: Error response from daemon: network foo not found.'] });
    expect(docker("ps -a --filter name=nf --format '{{.Status}}'").out).toEqual(['Created']);
  });

  it('feeds stdin to an attached -i run and records -it in the config', () => {
    const { docker } = dockerSession();
    expect(docker('run --rm -i oracle-base:local sh', { stdin: 'echo hi\nexit 4\n' })).toMatchObject({ code: 4, out: ['hi'] });
    docker('create --name it -it oracle-base:local sh');
    expect(docker("inspect -f '{{.Config.AttachStdin}} {{.Config.Tty}} {{.Config.OpenStdin}} {{.Config.StdinOnce}}' it").out).toEqual(['true true true true']);
  });

  it('prints the daemon errors of docker create as they are (exit 1) and its own CLI errors with the hint (125)', () => {
    const { docker } = dockerSession();
    expect(docker('create --memory 1k oracle-base:local true')).toMatchObject({ code: 1, err: ['Error response from daemon: Minimum memory limit allowed is 6MB'] });
    expect(docker('create --restart foo oracle-base:local true')).toMatchObject({ code: 1, err: ["Error response from daemon: invalid restart policy 'foo'"] });
    expect(docker('create -p 99999:80 oracle-base:local true')).toMatchObject({ code: 125, err: ['docker: Invalid hostPort: 99999.', "See 'docker create --help'."] });
  });

  it('gives each running container its own bridge address, written to its /etc/hosts', () => {
    const { docker } = dockerSession();
    docker('run -d --name h1 oracle-base:local sleep 300');
    docker('run -d --name h2 --hostname two oracle-base:local sleep 300');
    expect(docker('exec h2 cat /etc/hosts').out.at(-1)).toBe('172.17.0.3\ttwo');
    expect(docker("inspect -f '{{.NetworkSettings.IPAddress}}' h1 h2").out).toEqual(['172.17.0.2', '172.17.0.3']);
  });

  it('releases the ports of a container whose program cannot start', () => {
    const { docker } = dockerSession();
    expect(docker('run --name np -p 8080:80 oracle-base:local /etc/passwd').code).toBe(126);
    expect(docker('run -d --name p1 -p 8080:80 oracle-base:local sleep 300').code).toBe(0);
  });
});
