import { describe, expect, it } from 'vitest';
import { alpineImage, container, image, run } from './testing.js';
import { writeText } from './common.js';

const MB = 1e6;

/** The official python:3.12 image as pip sees it. */
const pythonImage = image((fs) => {
  fs.writeSynthetic('/usr/local/bin/python3.12', 14000, 'x', { mode: 0o755 });
  fs.symlink('python3.12', '/usr/local/bin/python3');
  fs.symlink('python3', '/usr/local/bin/python');
  fs.mkdir('/usr/local/lib/python3.12/site-packages', { parents: true });
  writeText(fs, '/usr/local/bin/pip', '#!/usr/local/bin/python\n', 0o755);
  writeText(fs, '/app/requirements.txt', 'flask==3.1.0\n# web server\ngunicorn\n');
});

/** The official node:20 image as npm sees it. */
const nodeImage = image((fs) => {
  fs.writeSynthetic('/usr/local/bin/node', 96_000_000, 'x', { mode: 0o755 });
  writeText(fs, '/app/package.json', JSON.stringify({ name: 'app', version: '1.0.0', scripts: { start: 'node server.js' }, dependencies: { express: '^5.0.0' }, devDependencies: { jest: '^30.0.0' } }));
});

describe('pip', () => {
  it('installs requirements.txt into site-packages with the wheel cache', () => {
    const fs = container(pythonImage);
    const r = run(fs, 'pip install -r requirements.txt', { cwd: '/app' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Successfully installed Jinja2-3.1.5 MarkupSafe-3.0.2 Werkzeug-3.1.3 blinker-1.9.0 click-8.1.8 flask-3.1.0 gunicorn-23.0.0 itsdangerous-2.2.0 packaging-24.2');
    expect(fs.stat('/usr/local/lib/python3.12/site-packages/flask-3.1.0.dist-info/METADATA')).not.toBeNull();
    expect(fs.stat('/usr/local/bin/gunicorn')?.mode).toBe(0o755);
    expect(fs.stat('/root/.cache/pip')).not.toBeNull();
  });

  it('--no-cache-dir leaves no cache and a smaller layer', () => {
    const a = container(pythonImage);
    run(a, 'pip install flask', { cwd: '/app' });
    const b = container(pythonImage);
    run(b, 'pip install --no-cache-dir flask', { cwd: '/app' });
    expect(b.stat('/root/.cache/pip')).toBeNull();
    expect(b.diff().size).toBeLessThan(a.diff().size);
  });

  it('fails for an unknown package with pip\'s two error lines', () => {
    const r = run(container(pythonImage), 'pip install foo');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ERROR: Could not find a version that satisfies the requirement foo (from versions: none)\nERROR: No matching distribution found for foo\n');
  });

  it('python -m venv makes a venv whose pip installs inside it', () => {
    const fs = container(pythonImage);
    expect(run(fs, 'python3 -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir requests').code).toBe(0);
    expect(fs.stat('/opt/venv/lib/python3.12/site-packages/requests-2.32.3.dist-info')).not.toBeNull();
    expect(run(fs, '/opt/venv/bin/pip freeze').stdout).toContain('requests==2.32.3\n');
  });

  it('refuses an externally managed system Python', () => {
    const fs = container(image((f) => {
      f.writeSynthetic('/usr/bin/python3.11', 6_800_000, 'x', { mode: 0o755 });
      f.symlink('python3.11', '/usr/bin/python3');
      writeText(f, '/usr/bin/pip3', '#!/usr/bin/python3\n', 0o755);
      writeText(f, '/usr/lib/python3.11/EXTERNALLY-MANAGED', '[externally-managed]\n');
    }));
    const r = run(fs, 'pip3 install flask');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: externally-managed-environment\n/);
  });
});

describe('npm', () => {
  it('npm install reads package.json and fills node_modules with measured sizes', () => {
    const fs = container(nodeImage);
    const r = run(fs, 'npm install', { cwd: '/app' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/added \d+ packages, and audited \d+ packages in 3s/);
    expect(JSON.parse(new TextDecoder().decode(fs.readFile('/app/node_modules/express/package.json'))).version).toMatch(/^5\./);
    expect(fs.stat('/app/package-lock.json')).not.toBeNull();
    expect(fs.stat('/app/node_modules/.bin/jest')?.type).toBe('file');
    expect(fs.diff().size).toBeGreaterThan(20 * MB);
  });

  it('--omit=dev leaves the dev dependencies out', () => {
    const all = container(nodeImage);
    run(all, 'npm install', { cwd: '/app' });
    const prod = container(nodeImage);
    run(prod, 'npm install --omit=dev', { cwd: '/app' });
    expect(prod.stat('/app/node_modules/jest')).toBeNull();
    expect(prod.diff().size).toBeLessThan(all.diff().size / 2);
  });

  it('npm ci without a lockfile fails with npm\'s message', () => {
    const r = run(container(nodeImage), 'npm ci', { cwd: '/app' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^npm error code EUSAGE\nnpm error\nnpm error The `npm ci` command can only install with an existing package-lock.json or\n/);
  });

  it('npm ci after npm install gives the same node_modules', () => {
    const fs = container(nodeImage);
    run(fs, 'npm install --omit=dev', { cwd: '/app' });
    expect(run(fs, 'npm ci --omit=dev', { cwd: '/app' }).code).toBe(0);
    expect(fs.stat('/app/node_modules/express')).not.toBeNull();
  });

  it('npm run says it cannot run node code outside the shell', () => {
    const r = run(container(nodeImage), 'npm run start', { cwd: '/app' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot run in the simulator');
  });
});

describe('apk on alpine:3.20', () => {
  it('apk add keeps the index in /var/cache/apk unless --no-cache', () => {
    const cached = container(alpineImage());
    const r = run(cached, 'apk add curl');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fetch https:\/\/dl-cdn\.alpinelinux\.org\/alpine\/v3\.20\/main\/x86_64\/APKINDEX\.tar\.gz\n/);
    expect(r.stdout).toMatch(/Installing curl \(8\.12\.1-r0\)/);
    expect(r.stdout).toMatch(/OK: \d+ MiB in \d+ packages\n$/);
    expect(cached.readdir('/var/cache/apk').length).toBe(2);
    const lean = container(alpineImage());
    run(lean, 'apk add --no-cache curl');
    expect(lean.readdir('/var/cache/apk')).toEqual([]);
    expect(cached.diff().size - lean.diff().size).toBeGreaterThan(2 * MB);
  });

  it('reports an unknown package as apk does', () => {
    const r = run(container(alpineImage()), 'apk add --no-cache foo');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ERROR: unable to select packages:\n  foo (no such package):\n    required by: world[foo]\n');
  });

  it('--virtual groups build deps that apk del removes again', () => {
    const fs = container(alpineImage());
    run(fs, 'apk add --no-cache --virtual .build-deps gcc musl-dev');
    expect(fs.stat('/usr/bin/gcc')).not.toBeNull();
    const r = run(fs, 'apk del .build-deps');
    expect(r.stdout).toContain('Purging .build-deps');
    expect(fs.stat('/usr/bin/gcc')).toBeNull();
  });
});

describe('dnf on el9', () => {
  it('dnf install -y writes metadata that dnf clean all removes', () => {
    const fs = container(image(() => {}));
    const r = run(fs, 'dnf install -y git && dnf clean all');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Complete!');
    expect(fs.stat('/usr/bin/git')).not.toBeNull();
    expect(fs.readdir('/var/cache/dnf')).toEqual([]);
  });
});

describe('build models', () => {
  it('go build writes a ~2 MB static binary and the build cache', () => {
    const fs = container(image((f) => {
      writeText(f, '/src/go.mod', 'module example.com/hello\n\ngo 1.22\n');
      writeText(f, '/src/main.go', 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("hi") }\n');
    }));
    expect(run(fs, 'go build -o /out/hello .', { cwd: '/src' }).code).toBe(0);
    const size = fs.stat('/out/hello')!.size;
    expect(size).toBeGreaterThan(1.5 * MB);
    expect(size).toBeLessThan(2.5 * MB);
    expect(fs.stat('/root/.cache/go-build')).not.toBeNull();
  });

  it('gcc -static makes a much bigger binary than a dynamic one', () => {
    const fs = container(image((f) => writeText(f, '/src/hello.c', '#include <stdio.h>\nint main(){puts("hi");}\n')));
    run(fs, 'gcc -o /a hello.c && gcc -static -o /b hello.c', { cwd: '/src' });
    expect(fs.stat('/b')!.size).toBeGreaterThan(fs.stat('/a')!.size * 20);
    expect(run(fs, 'gcc -o x missing.c', { cwd: '/src' }).stderr).toContain('gcc: error: missing.c: No such file or directory');
  });
});

describe('make and mvn', () => {
  it('make runs gcc recipes through the compiler model', () => {
    const fs = container(image((f) => {
      writeText(f, '/src/hello.c', 'int main(){return 0;}\n');
      writeText(f, '/src/Makefile', 'CC = gcc\nall: hello\n\nhello: hello.c\n\t$(CC) -o $@ $<\n');
    }));
    const r = run(fs, 'make', { cwd: '/src' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('gcc -o hello hello.c\n');
    expect(fs.stat('/src/hello')?.mode).toBe(0o755);
  });

  it('mvn package builds target/*.jar and fills ~/.m2', () => {
    const fs = container(image((f) => {
      writeText(f, '/app/pom.xml', '<project><groupId>com.example</groupId><artifactId>demo</artifactId><version>0.0.1</version><dependencies><dependency><artifactId>gson</artifactId></dependency></dependencies></project>');
      writeText(f, '/app/src/main/java/App.java', 'class App { public static void main(String[] a) {} }\n');
    }));
    const r = run(fs, 'mvn -q package', { cwd: '/app' });
    expect(r.code).toBe(0);
    expect(fs.stat('/app/target/demo-0.0.1.jar')).not.toBeNull();
    expect(fs.stat('/root/.m2/repository')).not.toBeNull();
    expect(run(fs, 'mvn package', { cwd: '/' }).code).toBe(1);
  });
});

describe('pip output order', () => {
  it('installs dependencies before the package that needs them', () => {
    const r = run(container(pythonImage), 'pip install --no-cache-dir flask');
    expect(r.stdout).toMatch(/^Collecting flask\n/);
    expect(r.stdout).toContain('Installing collected packages: MarkupSafe, Werkzeug, Jinja2, itsdangerous, click, blinker, flask\n');
  });
});

describe('npm ci and the lockfile', () => {
  it('fails when package.json asks for something the lockfile lacks', () => {
    const fs = container(nodeImage);
    run(fs, 'npm install --omit=dev', { cwd: '/app' });
    writeText(fs, '/app/package.json', JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { express: '^5.0.0', lodash: '^4.17.0' } }));
    const r = run(fs, 'npm ci', { cwd: '/app' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm error Missing: lodash@^4.17.0 from lock file\n');
  });
});
