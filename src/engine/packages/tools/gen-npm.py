#!/usr/bin/env python3
"""Regenerates catalog/npm.json from a real install.

Run in an empty folder: npm install --ignore-scripts --cache ./cache <packages...>
then: python3 gen-npm.py <that folder> OUT.json
Sizes are the bytes of each installed package folder (nested node_modules
excluded); tarball sizes and integrity come from the npm cache index.
"""
import json, os, sys

root, out = sys.argv[1], sys.argv[2]
lock = json.load(open(os.path.join(root, 'node_modules/.package-lock.json')))['packages']
top = json.load(open(os.path.join(root, 'package.json')))['dependencies']
tarballs = {}
for dirpath, _, names in os.walk(os.path.join(root, 'cache/_cacache/index-v5')):
    for fn in names:
        for line in open(os.path.join(dirpath, fn)):
            if '\t' not in line:
                continue
            rec = json.loads(line.split('\t', 1)[1])
            url = rec['key'].split('request-cache:', 1)[-1]
            if url.endswith('.tgz'):
                tarballs[url] = rec['size']


def pkg_bytes(path):
    total = count = 0
    for dirpath, dirs, names in os.walk(path):
        if 'node_modules' in dirs:
            dirs.remove('node_modules')
        for n in names:
            p = os.path.join(dirpath, n)
            if os.path.isfile(p) and not os.path.islink(p):
                total += os.path.getsize(p)
                count += 1
    return total, count


def find(path, dep):
    """Node's resolution: the nearest node_modules/dep going up from the requiring package."""
    cur = path
    while True:
        cand = (cur + '/' if cur else '') + 'node_modules/' + dep
        if cand in lock:
            return cand
        if not cur:
            return None
        i = cur.rfind('/node_modules/')
        cur = cur[:i] if i >= 0 else ''


catalog = {}
for path, e in sorted(lock.items()):
    name = path.rsplit('node_modules/', 1)[1]
    version = e['version']
    size, files = pkg_bytes(os.path.join(root, path))
    pj = json.load(open(os.path.join(root, path, 'package.json')))
    short = name.split('/')[-1]
    url = f'https://registry.npmjs.org/{name}/-/{short}-{version}.tgz'
    v = {'size': size, 'files': files, 'tarball': tarballs.get(url, 0), 'integrity': e.get('integrity', '')}
    for field, key in (('dependencies', 'deps'), ('optionalDependencies', 'optionalDeps')):
        resolved = {}
        for d in (e.get(field) or {}):
            where = find(path, d)
            if where:
                resolved[d] = lock[where]['version']
        if resolved:
            v[key] = resolved
    bins = pj.get('bin')
    if isinstance(bins, str):
        bins = {short: bins}
    if bins:
        v['bin'] = bins
    v['main'] = pj.get('main', 'index.js') if isinstance(pj.get('main', 'index.js'), str) else 'index.js'
    if e.get('license'):
        v['license'] = e['license']
    entry = catalog.setdefault(name, {'versions': {}})
    entry['versions'][version] = v
    if path == 'node_modules/' + name:
        entry['latest'] = version

doc = {
    'ecosystem': 'npm',
    'sources': {
        'measured': 'npm install --ignore-scripts of the roots on linux x64 (registry.npmjs.org, npm 11, node 20) when generated: '
                    'size = bytes of the installed package folder, files = its file count, tarball = cached .tgz bytes, '
                    'integrity = lockfile value',
    },
    'roots': sorted(top),
}
lines = [f' {json.dumps(k)}: {json.dumps(v, separators=(",", ":"))}' for k, v in sorted(catalog.items())]
with open(out, 'w') as fh:
    fh.write(json.dumps(doc, indent=1)[:-2] + ',\n "packages": {\n' + ',\n'.join(lines) + '\n }\n}\n')
print(len(catalog), 'packages')
