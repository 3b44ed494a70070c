#!/usr/bin/env python3
"""Regenerates catalog/apt-debian-bookworm.json on a Debian bookworm host.

Needs `apt-get update` done (lists under /var/lib/apt/lists, lz4 as the debian
image's docker-gzip-indexes keeps them). Package figures come from the Packages
indexes; file lists from `dpkg -L` + lstat for packages installed on the host
at the same upstream version, else from `dpkg -c` of `apt-get download`ed debs
for the packages in DOWNLOAD, else a conventional layout (marked "layout").
Usage: python3 gen-apt-debian.py OUT.json [--download]
"""
import json, os, re, subprocess, sys, tempfile

LISTS = '/var/lib/apt/lists/'
SUITES = [
    ('bookworm', 'http://deb.debian.org/debian', 'deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4'),
    ('bookworm-updates', 'http://deb.debian.org/debian', 'deb.debian.org_debian_dists_bookworm-updates_main_binary-amd64_Packages.lz4'),
    ('bookworm-security', 'http://deb.debian.org/debian-security', 'deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages.lz4'),
]
TARGETS = ('curl wget ca-certificates git build-essential gcc g++ make libc6-dev python3 python3-pip python3-venv '
           'python3-dev nodejs npm vim nano less procps iputils-ping net-tools openssl libssl-dev unzip zip jq tini gosu '
           'locales tzdata sudo openjdk-17-jre-headless openjdk-17-jdk-headless default-jdk-headless default-jre-headless '
           'maven postgresql-client libpq-dev sqlite3 gnupg dumb-init htop iproute2 dnsutils xz-utils bzip2 file '
           'lsb-release openssh-client rsync netcat-openbsd apt-transport-https pkg-config libffi-dev zlib1g-dev').split()
# The package set of the official debian:bookworm image (dpkg -l in the image).
BASE = ('adduser apt base-files base-passwd bash bsdutils coreutils dash debconf debian-archive-keyring debianutils '
        'diffutils dpkg e2fsprogs findutils gcc-12-base gpgv grep gzip hostname init-system-helpers libacl1 '
        'libapt-pkg6.0 libattr1 libaudit-common libaudit1 libblkid1 libbz2-1.0 libc-bin libc6 libcap-ng0 libcap2 '
        'libcom-err2 libcrypt1 libdb5.3 libdebconfclient0 libext2fs2 libffi8 libgcc-s1 libgcrypt20 libgmp10 '
        'libgnutls30 libgpg-error0 libhogweed6 libidn2-0 liblz4-1 liblzma5 libmd0 libmount1 libnettle8 libp11-kit0 '
        'libpam-modules libpam-modules-bin libpam-runtime libpam0g libpcre2-8-0 libseccomp2 libselinux1 '
        'libsemanage-common libsemanage2 libsepol2 libsmartcols1 libss2 libstdc++6 libsystemd0 libtasn1-6 libtinfo6 '
        'libudev1 libunistring2 libuuid1 libxxhash0 libzstd1 login logsave mawk mount ncurses-base ncurses-bin '
        'passwd perl-base sed sysvinit-utils tar tzdata usr-is-merged util-linux util-linux-extra zlib1g').split()
# Packages without a same-version copy on the host whose files are worth listing for real.
DOWNLOAD = ('nodejs libnode108 npm bind9-dnsutils bind9-host bind9-libs dumb-init gosu htop iputils-ping nano '
            'netcat-openbsd postgresql-client postgresql-client-15 rsync sudo libc-ares2 libuv1').split()
# update-alternatives links made by maintainer scripts: (link, name, target).
ALTERNATIVES = {
    'gcc': [('/usr/bin/cc', 'cc', '/usr/bin/gcc')], 'g++': [('/usr/bin/c++', 'c++', '/usr/bin/g++')],
    'vim': [('/usr/bin/vim', 'vim', '/usr/bin/vim.basic'), ('/usr/bin/vi', 'vi', '/usr/bin/vim.basic'),
            ('/usr/bin/editor', 'editor', '/usr/bin/vim.basic')],
    'nano': [('/usr/bin/editor', 'editor', '/bin/nano')],
    'less': [('/usr/bin/pager', 'pager', '/bin/less')],
    'openjdk-17-jre-headless': [('/usr/bin/java', 'java', '/usr/lib/jvm/java-17-openjdk-amd64/bin/java'),
                                ('/usr/bin/keytool', 'keytool', '/usr/lib/jvm/java-17-openjdk-amd64/bin/keytool')],
    'openjdk-17-jdk-headless': [('/usr/bin/javac', 'javac', '/usr/lib/jvm/java-17-openjdk-amd64/bin/javac'),
                                ('/usr/bin/jar', 'jar', '/usr/lib/jvm/java-17-openjdk-amd64/bin/jar')],
    'maven': [('/usr/bin/mvn', 'mvn', '/usr/share/maven/bin/mvn')],
    'netcat-openbsd': [('/bin/nc', 'nc', '/bin/nc.openbsd')],
}
PREFERRED = {'awk': 'mawk', 'debconf-2.0': 'debconf', 'c-compiler': 'gcc', 'libc-dev': 'libc6-dev'}
MAX_FILES = 14
# Small files other programs look for: PEP 668's marker, venv support, pip's own entry points.
KEEP = re.compile(r'/EXTERNALLY-MANAGED$|/ensurepip/__init__\.py$|/venv/__init__\.py$|/dist-packages/pip/__init__\.py$')


def parse_index(text):
    for stanza in text.split('\n\n'):
        f, key = {}, None
        for line in stanza.split('\n'):
            if line.startswith(' '):
                continue
            m = re.match(r'([A-Za-z0-9-]+): ?(.*)', line)
            if m:
                key = m.group(1)
                f[key] = m.group(2)
        if 'Package' in f:
            yield f


def newer(a, b):
    return subprocess.run(['dpkg', '--compare-versions', a, 'gt', b]).returncode == 0


def load():
    info, provides = {}, {}
    for suite, uri, fn in SUITES:
        text = subprocess.run(['lz4', '-dc', LISTS + fn], capture_output=True, text=True).stdout
        for f in parse_index(text):
            n = f['Package']
            if n in info and not newer(f['Version'], info[n]['Version']):
                continue
            f['Suite'], f['Uri'] = suite, uri
            info[n] = f
            for p in f.get('Provides', '').split(','):
                p = re.sub(r'\s*\(.*?\)', '', p).strip()
                if p:
                    provides.setdefault(p, set()).add(n)
    return info, provides


def main():
    out = sys.argv[1]
    info, provides = load()
    base = set(BASE)

    def concrete(name):
        if name in info:
            return name
        if name in PREFERRED:
            return PREFERRED[name]
        ps = sorted(provides.get(name, ()))
        inbase = [p for p in ps if p in base]
        return (inbase or ps or [None])[0]

    def groups(field_value):
        res = []
        for group in filter(None, (g.strip() for g in (field_value or '').split(','))):
            alts = []
            for a in group.split('|'):
                c = concrete(re.sub(r'\s*\(.*?\)', '', a).strip().split(':')[0])
                if c and c not in alts:
                    alts.append(c)
            if alts:
                res.append('|'.join(alts))
        return res

    def pick(group, have):
        alts = group.split('|')
        return next((a for a in alts if a in have), alts[0])

    seen, queue = set(), list(TARGETS) + list(BASE)
    while queue:
        n = queue.pop()
        if n in seen:
            continue
        seen.add(n)
        f = info[n]
        for fld in ('Pre-Depends', 'Depends', 'Recommends'):
            queue += [pick(g, base) for g in groups(f.get(fld))]

    host = {}
    q = subprocess.run(['dpkg-query', '-W', '-f=${Package}\t${Version}\t${db:Status-Abbrev}\n'], capture_output=True, text=True)
    for line in q.stdout.splitlines():
        n, v, s = line.split('\t')
        if s.startswith('ii'):
            host[n] = v
    debs = {}
    if '--download' in sys.argv:
        tmp = tempfile.mkdtemp()
        want = [f'{n}={info[n]["Version"]}' for n in DOWNLOAD if n in seen]
        subprocess.run(['apt-get', 'download', '-q'] + want, cwd=tmp, check=True)
        for fn in os.listdir(tmp):
            debs[fn.split('_')[0]] = os.path.join(tmp, fn)

    pkgs = {}
    for n in sorted(seen):
        f = info[n]
        size = int(f['Installed-Size']) * 1024
        files, how = files_of(n, f, host, debs)
        files, rest = notable(n, files, size)
        entry = {
            'version': f['Version'], 'arch': f['Architecture'], 'section': f.get('Section', ''),
            'priority': f.get('Priority', 'optional'), 'suite': f['Suite'],
            'installedSize': size, 'archiveSize': int(f['Size']),
            'filename': f['Filename'],
        }
        for fld, key in (('Pre-Depends', 'preDepends'), ('Depends', 'depends'), ('Recommends', 'recommends'), ('Suggests', 'suggests')):
            g = groups(f.get(fld))
            if g:
                entry[key] = g
        if f.get('Essential') == 'yes':
            entry['essential'] = True
        entry['files'] = files
        if rest:
            entry['rest'] = rest
        if n in ALTERNATIVES:
            entry['alternatives'] = [list(a) for a in ALTERNATIVES[n]]
        entry['source'] = 'index+' + how
        pkgs[n] = entry

    doc = {
        'ecosystem': 'apt', 'distro': 'debian', 'codename': 'bookworm', 'arch': 'amd64',
        'sources': {
            'index': 'Debian bookworm, bookworm-updates and bookworm-security main amd64 Packages indexes as served by '
                     'deb.debian.org when generated: Version, Installed-Size (KiB, stored here x1024 as bytes), Size (.deb bytes), '
                     'Depends/Pre-Depends/Recommends/Suggests (virtual names replaced by a provider)',
            'dpkg-L': 'file list and sizes (lstat) of the package installed on a bookworm host, possibly a point release apart (sizes scaled down when they exceed Installed-Size)',
            'deb': 'file list and sizes from dpkg -c of the .deb downloaded with apt-get download',
            'layout': 'no file list was collected: the copyright file and the bulk are placed where Debian puts such a package (estimate of the layout, not of the size)',
            'rest': 'bytes of files not listed one by one are written as one synthetic file <rest>/.<package>.layerlab-rest so the package adds exactly Installed-Size',
        },
        'baseImage': sorted(base),
        'packages': pkgs,
    }
    write_json(out, doc)


def write_json(out, doc):
    """One package per line: diffs of a regenerated catalog stay readable."""
    pk = doc.pop('packages')
    head = json.dumps(doc, indent=1)[:-2]
    lines = [f' {json.dumps(k)}: {json.dumps(v, separators=(",", ":"))}' for k, v in pk.items()]
    with open(out, 'w') as fh:
        fh.write(head + ',\n "packages": {\n' + ',\n'.join(lines) + '\n }\n}\n')


def files_of(n, f, host, debs):
    if n in host and n != 'nodejs':  # nodejs on the host is another vendor's build
        paths = subprocess.run(['dpkg', '-L', n], capture_output=True, text=True).stdout.split('\n')
        res = []
        for p in paths:
            if not p or p == '/.' or not os.path.lexists(p):
                continue
            st = os.lstat(p)
            if os.path.islink(p):
                res.append((p, os.readlink(p), 0))
            elif os.path.isfile(p):
                res.append((p, st.st_size, st.st_mode & 0o777))
        return res, 'dpkg-L'
    if n in debs:
        listing = subprocess.run(['dpkg', '-c', debs[n]], capture_output=True, text=True).stdout
        res = []
        for line in listing.splitlines():
            parts = line.split(None, 5)
            mode, size, path = parts[0], parts[2], parts[5]
            path = path[1:] if path.startswith('./') else path
            path = '/' + path.lstrip('/')
            if mode.startswith('l'):
                p, _, target = path.partition(' -> ')
                res.append((p, target, 0))
            elif mode.startswith('-'):
                perm = int(''.join('1' if c not in '-' else '0' for c in mode[1:10]), 2)
                res.append((path, int(size), perm))
        return res, 'deb'
    return layout(n, f), 'layout'


def layout(n, f):
    doc = [(f'/usr/share/doc/{n}/copyright', 1500, 0o644)]
    if n.startswith('node-'):
        return doc + [(f'/usr/share/nodejs/{n[5:]}/package.json', 900, 0o644)]
    if n.startswith('libjs-'):
        return doc + [(f'/usr/share/javascript/{n[6:]}/{n[6:]}.js', 0, 0o644)]
    if n.endswith('-perl'):
        return doc + [(f'/usr/share/perl5/{n[3:-5]}.pm', 0, 0o644)]
    if n.startswith('python3-'):
        return doc + [(f'/usr/lib/python3/dist-packages/{n[8:].replace("-", "_")}/__init__.py', 0, 0o644)]
    if n.startswith('lib'):
        return doc + [(f'/usr/lib/x86_64-linux-gnu/{n}.so', 0, 0o644)]
    return doc


def notable(n, files, size):
    """Executables and symlinks in bin dirs, the copyright file, the biggest files; the rest aggregated."""
    binre = re.compile(r'^/(usr/)?(local/)?s?bin/|/bin/[^/]+$')
    links = [f for f in files if isinstance(f[1], str) and binre.search(f[0])]
    regular = [f for f in files if not isinstance(f[1], str)]
    exes = [f for f in regular if f[2] & 0o111 and binre.search(f[0])]
    copyright_ = [f for f in regular if f[0] == f'/usr/share/doc/{n}/copyright' or KEEP.search(f[0])]
    biggest = sorted(regular, key=lambda f: -f[1])
    chosen, seen_paths = [], set()
    for f in exes[:MAX_FILES] + copyright_ + biggest:
        if f[0] in seen_paths:
            continue
        if len(chosen) >= MAX_FILES and f not in copyright_:
            break
        chosen.append(f)
        seen_paths.add(f[0])
    listed = sum(f[1] for f in chosen)
    scale = 1.0
    if listed > size:  # host copy a point release bigger than the index figure
        scale = size / listed
    out = [[p, int(s * scale), 'x'] if m & 0o111 else [p, int(s * scale)] for p, s, m in sorted(chosen)]
    out += [[p, t] for p, t, _ in sorted(links[:20])]
    remaining = size - sum(f[1] for f in out if isinstance(f[1], int))
    rest = None
    if remaining > 0:
        others = [f for f in regular if f[0] not in seen_paths]
        by_dir = {}
        for p, s, _ in others:
            d = os.path.dirname(p)
            by_dir[d] = by_dir.get(d, 0) + s
        rest = max(by_dir, key=by_dir.get) if by_dir else os.path.dirname((chosen or [(f'/usr/share/doc/{n}/x',)])[-1][0])
        zero = [f for f in out if f[1] == 0]
        if zero and not others:  # layout: the placeholder file carries the bulk
            zero[0][1] = remaining
            rest = None
    return out, rest


if __name__ == '__main__':
    main()
