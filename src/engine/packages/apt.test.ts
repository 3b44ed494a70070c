import { describe, expect, it } from 'vitest';
import { container, debianImage, run } from './testing.js';

const MB = 1e6;

describe('apt-get on debian:bookworm', () => {
  const base = debianImage();

  it('cannot locate packages before apt-get update, as in a fresh image', () => {
    const fs = container(base);
    const r = run(fs, 'apt-get install -y curl');
    expect(r.code).toBe(100);
    expect(r.stderr).toBe('E: Unable to locate package curl\n');
    expect(r.stdout).toBe('Reading package lists...\nBuilding dependency tree...\nReading state information...\n');
  });

  it('apt-get update && apt-get install -y curl adds tens of MB', () => {
    const fs = container(base);
    const r = run(fs, 'apt-get update && apt-get install -y curl');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The following NEW packages will be installed:');
    expect(r.stdout).toMatch(/Need to get \d+ kB of archives\./);
    expect(r.stdout).toMatch(/After this operation, [\d.]+ MB of additional disk space will be used\./);
    expect(r.stdout).toMatch(/Setting up curl \(7\.88\.1-10\+deb12u\d+\) \.\.\./);
    const size = fs.diff().size;
    expect(size).toBeGreaterThan(30 * MB);
    expect(size).toBeLessThan(60 * MB);
    expect(fs.stat('/usr/bin/curl')?.mode).toBe(0o755);
    expect(r.stdout).toContain('Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]');
  });

  it('removing the lists in the same RUN shrinks the layer by their size', () => {
    const a = container(base);
    run(a, 'apt-get update && apt-get install -y curl');
    const b = container(base);
    const r = run(b, 'apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*');
    expect(r.code).toBe(0);
    const diff = a.diff().size - b.diff().size;
    expect(diff).toBeGreaterThan(19 * MB);
    expect(diff).toBeLessThan(21 * MB);
  });

  it('--no-install-recommends installs fewer packages', () => {
    const a = container(base);
    run(a, 'apt-get update && apt-get install -y git');
    const b = container(base);
    const r = run(b, 'apt-get update && apt-get install -y --no-install-recommends git');
    expect(r.stdout).toContain('Recommended packages:');
    expect(b.diff().size).toBeLessThan(a.diff().size - 5 * MB);
  });

  it('leaves no .deb behind when the image has docker-clean, and keeps them without it', () => {
    const clean = container(base);
    run(clean, 'apt-get update && apt-get install -y curl');
    expect(clean.readdir('/var/cache/apt/archives').filter((f) => f.endsWith('.deb'))).toEqual([]);
    const plain = container(debianImage('debian', { dockerClean: false }));
    run(plain, 'apt-get update && apt-get install -y curl');
    expect(plain.readdir('/var/cache/apt/archives').some((f) => /^curl_.*_amd64\.deb$/.test(f))).toBe(true);
    run(plain, 'apt-get clean');
    expect(plain.readdir('/var/cache/apt/archives').filter((f) => f.endsWith('.deb'))).toEqual([]);
  });

  it('fails with the lock-file error for a non-root user', () => {
    const r = run(container(base, 1000), 'apt-get install -y curl');
    expect(r.code).toBe(100);
    expect(r.stderr.split('\n')[0]).toBe('E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)');
  });

  it('reports an unknown package after update with exit 100', () => {
    const r = run(container(base), 'apt-get update && apt-get install -y nosuchpkg');
    expect(r.code).toBe(100);
    expect(r.stderr).toBe('E: Unable to locate package nosuchpkg\n');
  });

  it('aborts at the prompt without -y when more packages are needed', () => {
    const r = run(container(base), 'apt-get update && apt-get install curl');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Do you want to continue\? \[Y\/n\] Abort\.\n$/);
  });

  it('apt prints its CLI warning on stderr', () => {
    const r = run(container(base), 'apt update');
    expect(r.stderr).toBe('\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n');
    expect(r.stdout).toContain('All packages are up to date.');
  });

  it('records installed packages in /var/lib/dpkg/status and removes them with purge', () => {
    const fs = container(base);
    run(fs, 'apt-get update && apt-get install -y curl');
    expect(run(fs, 'dpkg -s curl').stdout).toContain('Status: install ok installed');
    const r = run(fs, 'apt-get purge -y --auto-remove curl');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Removing curl');
    expect(fs.stat('/usr/bin/curl')).toBeNull();
    expect(run(fs, 'dpkg -s curl').code).toBe(1);
  });

  it('pins a version with pkg=version and rejects an unknown one', () => {
    const r = run(container(base), 'apt-get update && apt-get install -y curl=1.0');
    expect(r.stderr).toBe("E: Version '1.0' for 'curl' was not found\n");
    expect(r.code).toBe(100);
  });

  it('gives the same layer for the same commands', () => {
    const a = container(base);
    const b = container(base);
    run(a, 'apt-get update && apt-get install -y --no-install-recommends python3');
    run(b, 'apt-get update && apt-get install -y --no-install-recommends python3');
    expect(a.diff().diffId).toBe(b.diff().diffId);
  });

  it('installs noble names and versions on ubuntu', () => {
    const fs = container(debianImage('ubuntu'));
    const r = run(fs, 'apt-get update && apt-get install -y curl');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('libcurl4t64');
    expect(r.stdout).toContain('Setting up curl (8.5.0-2ubuntu10.6) ...');
    expect(r.stdout).toContain('http://archive.ubuntu.com/ubuntu noble InRelease');
  });
});

describe('apt-get quiet levels', () => {
  it('-qq prints nothing but still installs (and implies -y)', () => {
    const fs = container(debianImage());
    const r = run(fs, 'apt-get -qq update && apt-get -qq install curl');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(fs.stat('/usr/bin/curl')).not.toBeNull();
  });
});

describe('Debian Python from apt', () => {
  it('pip3 refuses to install system-wide (PEP 668), a venv from python3-venv works', () => {
    const fs = container(debianImage());
    expect(run(fs, 'apt-get update && apt-get install -y --no-install-recommends python3-pip').code).toBe(0);
    const r = run(fs, 'pip3 install flask');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: externally-managed-environment');
    const noVenv = run(fs, 'python3 -m venv /opt/venv');
    expect(noVenv.code).toBe(1);
    expect(noVenv.stdout).toContain('apt install python3.11-venv');
    expect(run(fs, 'apt-get install -y python3-venv && python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir flask').code).toBe(0);
    expect(fs.stat('/opt/venv/lib/python3.11/site-packages/flask-3.1.0.dist-info')).not.toBeNull();
  });
});
