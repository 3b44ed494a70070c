/**
 * Generators for layer content that is long but regular: the directory tree of
 * a distribution, busybox applet links, the binaries of a Debian base system.
 * Images name them in images.json (`content.kits`); everything image-specific
 * (texts, versions, sizes) stays in the JSON.
 */

/** What a kit can write into the layer being built. */
export interface KitApi {
  readonly mtime: number;
  readonly osRelease: string | undefined;
  dir(path: string, meta?: string): void;
  /** A modelled file: size only (no bytes). */
  file(path: string, size: number, meta?: string): void;
  text(path: string, text: string, meta?: string): void;
  symlink(path: string, target: string): void;
}

export type Kit = (api: KitApi) => void;

/** Parses "name:size name:size" tables. */
function table(spec: string): [string, number][] {
  return spec
    .trim()
    .split(/\s+/)
    .map((w) => {
      const [n, s] = w.split(':');
      return [n!, Number(s)];
    });
}

// Busybox applets and where Alpine installs each link (busybox --install -s layout).
const ALPINE_APPLETS: Record<string, string> = {
  '/bin':
    'arch ash base64 bbconfig cat chattr chgrp chmod chown cp date dd df dmesg dnsdomainname dumpkmap echo egrep false fatattr fdflush fgrep fsync getopt grep gunzip gzip hostname ionice iostat ipcalc kbd_mode kill link linux32 linux64 ln login ls lsattr lzop makemime mkdir mknod mktemp more mount mountpoint mpstat mv netstat nice pidof ping ping6 pipe_progress printenv ps pwd reformime rev rm rmdir run-parts sed setpriv setserial sh sleep stat stty su sync tar touch true umount uname usleep watch zcat',
  '/sbin':
    'acpid adjtimex arp blkid blockdev depmod fbsplash fdisk findfs fsck fstrim getty halt hwclock ifconfig ifdown ifenslave ifup init inotifyd insmod ip ipaddr iplink ipneigh iproute iprule iptunnel klogd loadkmap logread losetup lsmod mdev mkdosfs mkfs.vfat mkswap modinfo modprobe nameif nologin pivot_root poweroff raidautorun reboot rmmod route setconsole slattach swapoff swapon switch_root sysctl syslogd tunctl udhcpc vconfig watchdog',
  '/usr/bin':
    '[ [[ awk basename bc beep blkdiscard bunzip2 bzcat bzip2 cal chvt cksum clear cmp comm cpio crontab cryptpw cut dc deallocvt diff dirname dos2unix du eject env expand expr factor fallocate find flock fold free fuser getconf head hexdump hostid iconv id install ipcrm ipcs killall last less logger lsof lsusb lzcat lzma lzopcat md5sum mesg microcom mkfifo mkpasswd nc nl nmeter nohup nproc nsenter nslookup od openvt passwd paste pgrep pkill pmap printf pscan pstree pwdx readlink realpath renice reset resize seq setkeycodes setsid sha1sum sha256sum sha3sum sha512sum showkey shred shuf sort split strings sum tac tail tee test time timeout top tr traceroute traceroute6 tree truncate tty ttysize udhcpc6 unexpand uniq unix2dos unlink unlzma unlzop unshare unxz unzip uptime uudecode uuencode vi vlock volname wc wget which whoami whois xargs xxd xzcat yes',
  '/usr/sbin':
    'add-shell addgroup adduser arping brctl chpasswd chroot crond delgroup deluser ether-wake fbset killall5 loadfont nanddump nandwrite nbd-client ntpd partprobe rdate rdev readahead remove-shell rfkill sendmail setfont setlogcons',
};

/** The applets of the busybox image's binary (all linked in /bin). */
export const BUSYBOX_APPLETS: readonly string[] = [
  ...new Set(
    Object.values(ALPINE_APPLETS)
      .join(' ')
      .split(' ')
      .concat('ar arping bzip2 chpst chroot cpio crond devmem diff dnsd ed fakeidentd ftpd ftpget ftpput hd hdparm httpd hush ifplugd inetd ipcalc last length lpd lpq lpr lzcat lzma man microcom mim nmeter nsenter ntpd pscan rpm rpm2cpio runsv runsvdir rx script sendmail seedrng setfattr sh sv svc svlogd svok tcpsvd telnet telnetd tftp tftpd ts ttysize ubiattach udpsvd unlzma unxz unzip uudecode uuencode vi volname w whois xxd xz xzcat'.split(' ')),
  ),
].sort();

// Debian bookworm amd64 binaries a learner reaches for, with their sizes in bytes.
const DEBIAN_USR_BIN = table(`
  [:51632 apt:18824 apt-cache:84904 apt-config:27016 apt-get:52104 apt-mark:60808 b2sum:55504 base32:39280
  base64:39280 basename:39280 bash:1265648 cat:44016 chage:88648 chattr:14616 chgrp:72752 chmod:64448
  chown:72752 cksum:100656 cmp:43472 comm:43376 cp:151152 csplit:121904 cut:47472 dash:125640 date:121904
  dd:89240 debconf:11154 df:97496 diff:203696 dir:151344 dircolors:51632 dirname:39280 dpkg:318504
  dpkg-deb:150888 dpkg-divert:154536 dpkg-query:162664 dpkg-split:122232 dpkg-statoverride:109512
  dpkg-trigger:101288 du:109904 echo:35120 env:48144 expand:39280 expr:113912 factor:72752 false:35088
  find:224848 fmt:43376 fold:39280 getconf:35400 gpgv:330552 grep:203152 groups:39280 gzip:93752 head:47472
  hostid:35120 hostname:22760 id:47472 install:155376 join:51632 link:39280 ln:76976 login:56544
  logname:35120 ls:151344 mawk:166080 md5sum:43376 mkdir:76992 mkfifo:47472 mknod:72624 mktemp:39280
  more:43640 mount:59704 mv:142968 nice:39280 nl:121968 nohup:39280 nproc:39280 numfmt:68720 od:68720
  passwd:64152 paste:39280 pathchk:39280 perl:3929800 pinky:39280 pr:72624 printenv:35120 printf:68720
  ptx:117936 pwd:39280 readlink:43376 realpath:51632 rm:72752 rmdir:47472 run-parts:27520 runcon:39280
  sed:122224 seq:51632 sha1sum:43376 sha224sum:68912 sha256sum:68912 sha384sum:72752 sha512sum:72752
  shred:56432 shuf:51632 sleep:39280 sort:117936 split:56432 stat:88752 stdbuf:51632 stty:80136 su:72000
  sum:39280 sync:39280 tac:39280 tail:64368 tar:535464 tee:39280 tempfile:14872 test:51632 timeout:43376
  touch:97488 tr:51632 true:35088 truncate:39280 tsort:43376 tty:35120 umount:35128 uname:39280
  unexpand:39280 uniq:47472 unlink:39280 users:35120 vdir:151344 wc:47472 which:1069 who:55504
  whoami:39280 xargs:63784 yes:39280 zcat:1984`);

const DEBIAN_USR_SBIN = table(`
  adduser:52447 chroot:39280 groupadd:96264 groupdel:88160 ldconfig:899680 nologin:14640 pam_timestamp_check:14632
  runuser:55816 start-stop-daemon:51040 useradd:146776 userdel:104568 usermod:137528`);

const DEBIAN_LIBS = table(`
  libc.so.6:1922136 ld-linux-x86-64.so.2:210968 libm.so.6:907784 libresolv.so.2:68104
  libstdc++.so.6.0.30:2260296 libgcc_s.so.1:125312 libz.so.1.2.13:121280 libselinux.so.1:178352
  libpcre2-8.so.0.11.2:629384 libtinfo.so.6.4:200136 libsystemd.so.0.35.0:883112 libcrypt.so.1.1.0:206000
  libapt-pkg.so.6.0.0:2153216 libzstd.so.1.5.4:805352 liblzma.so.5.4.1:170456`);

/** The skeleton every Debian-like rootfs has (directories, usrmerge links, /tmp, /root). */
function debianTree(api: KitApi): void {
  for (const d of ['/boot', '/dev', '/etc', '/home', '/media', '/mnt', '/opt', '/proc', '/run', '/srv', '/sys', '/usr', '/var']) api.dir(d, d === '/proc' || d === '/sys' ? '0555' : '0755');
  api.dir('/root', '0700');
  api.dir('/tmp', '01777');
  api.dir('/run/lock', '01777');
  for (const d of ['bin', 'sbin', 'lib', 'lib64', 'include', 'share', 'src', 'games', 'local', 'local/bin', 'local/etc', 'local/games', 'local/include', 'local/lib', 'local/man', 'local/sbin', 'local/share', 'local/src']) {
    api.dir(`/usr/${d}`);
  }
  // merged /usr (Debian 12, Ubuntu 22.04+): the top-level directories point into /usr
  api.symlink('/bin', 'usr/bin');
  api.symlink('/sbin', 'usr/sbin');
  api.symlink('/lib', 'usr/lib');
  api.symlink('/lib64', 'usr/lib64');
  for (const d of ['backups', 'cache', 'lib', 'local', 'log', 'mail', 'opt', 'spool']) api.dir(`/var/${d}`, d === 'local' ? '02775 0 50' : d === 'mail' ? '02775 0 8' : '0755');
  api.dir('/var/tmp', '01777');
  api.symlink('/var/run', '/run');
  api.symlink('/var/lock', '/run/lock');
  api.dir('/var/cache/apt/archives/partial', '0700 42 0');
  // the docker images ship with no package indexes: `apt-get update` comes first
  api.dir('/var/lib/apt/lists', '0755');
  api.dir('/var/lib/dpkg/info');
  api.dir('/var/lib/dpkg/updates');
  api.dir('/etc/apt/apt.conf.d');
  api.dir('/etc/apt/preferences.d');
  api.dir('/etc/apt/sources.list.d');
  api.dir('/etc/apt/trusted.gpg.d');
}

/** Debian/Ubuntu userland: dash as /bin/sh, bash, coreutils, apt and dpkg, glibc. */
function debianBin(api: KitApi): void {
  for (const [n, s] of DEBIAN_USR_BIN) api.file(`/usr/bin/${n}`, s, '0755');
  for (const [n, s] of DEBIAN_USR_SBIN) api.file(`/usr/sbin/${n}`, s, '0755');
  api.file('/usr/bin/passwd', 64152, '04755');
  api.file('/usr/bin/su', 72000, '04755');
  api.symlink('/usr/bin/sh', 'dash');
  api.symlink('/usr/bin/rbash', 'bash');
  api.symlink('/usr/bin/gunzip', 'gzip');
  api.symlink('/usr/bin/awk', '/etc/alternatives/awk');
  api.symlink('/etc/alternatives/awk', '/usr/bin/mawk');
  api.symlink('/usr/bin/pager', '/etc/alternatives/pager');
  api.symlink('/etc/alternatives/pager', '/usr/bin/more');
  api.symlink('/usr/bin/perl5.36.0', 'perl');
  for (const [n, s] of DEBIAN_LIBS) api.file(`/usr/lib/x86_64-linux-gnu/${n}`, s, n.startsWith('ld-') ? '0755' : '0644');
  api.symlink('/usr/lib64/ld-linux-x86-64.so.2', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
  api.symlink('/usr/lib/x86_64-linux-gnu/libstdc++.so.6', 'libstdc++.so.6.0.30');
  api.symlink('/usr/lib/x86_64-linux-gnu/libz.so.1', 'libz.so.1.2.13');
  api.symlink('/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0', 'libpcre2-8.so.0.11.2');
  api.symlink('/usr/lib/x86_64-linux-gnu/libtinfo.so.6', 'libtinfo.so.6.4');
  api.symlink('/usr/lib/x86_64-linux-gnu/libsystemd.so.0', 'libsystemd.so.0.35.0');
  api.symlink('/usr/lib/x86_64-linux-gnu/libcrypt.so.1', 'libcrypt.so.1.1.0');
  api.symlink('/usr/lib/x86_64-linux-gnu/libapt-pkg.so.6.0', 'libapt-pkg.so.6.0.0');
  api.symlink('/usr/lib/x86_64-linux-gnu/libzstd.so.1', 'libzstd.so.1.5.4');
  api.symlink('/usr/lib/x86_64-linux-gnu/liblzma.so.5', 'liblzma.so.5.4.1');
  // /etc/skel as useradd --create-home copies it
  api.file('/etc/skel/.bashrc', 3526);
  api.file('/etc/skel/.profile', 807);
  api.file('/etc/skel/.bash_logout', 220);
  api.file('/root/.bashrc', 571);
  api.file('/root/.profile', 161);
  api.file('/etc/bash.bashrc', 1994);
  api.file('/etc/profile', 769);
  api.text('/etc/shells', '# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/rbash\n/usr/bin/rbash\n/bin/dash\n/usr/bin/dash\n');
  api.text('/etc/host.conf', 'multi on\n');
  api.text('/etc/nsswitch.conf', 'passwd:         files\ngroup:          files\nshadow:         files\ngshadow:        files\n\nhosts:          files dns\nnetworks:       files\n\nprotocols:      db files\nservices:       db files\nethers:         db files\nrpc:            db files\n\nnetgroup:       nis\n');
}

/** /usr/lib/os-release from the entry's osRelease, and the /etc/os-release link. */
function osRelease(api: KitApi): void {
  if (!api.osRelease) throw new Error('os-release kit: the image has no osRelease');
  api.text('/usr/lib/os-release', api.osRelease);
  api.symlink('/etc/os-release', '../usr/lib/os-release');
}

/** Alpine: /bin/busybox and its applet links where `busybox --install -s` puts them. */
function alpineBusybox(api: KitApi): void {
  api.file('/bin/busybox', 808712, '0755');
  for (const [dir, names] of Object.entries(ALPINE_APPLETS)) {
    for (const n of names.split(' ')) api.symlink(`${dir}/${n}`, '/bin/busybox');
  }
}

/** The busybox image: one static-ish binary, every applet a link to it in /bin. */
function busyboxImage(api: KitApi): void {
  for (const n of BUSYBOX_APPLETS) api.symlink(`/bin/${n}`, 'busybox');
}

/** Alpine's tree: real /bin, /lib and /sbin (not merged into /usr). */
function alpineTree(api: KitApi): void {
  for (const d of ['/bin', '/dev', '/etc', '/home', '/lib', '/media', '/mnt', '/opt', '/proc', '/run', '/sbin', '/srv', '/sys', '/usr', '/var']) api.dir(d, d === '/proc' || d === '/sys' ? '0555' : '0755');
  api.dir('/root', '0700');
  api.dir('/tmp', '01777');
  for (const d of ['bin', 'sbin', 'lib', 'local/bin', 'local/lib', 'local/share', 'share', 'share/apk']) api.dir(`/usr/${d}`);
  for (const d of ['cache', 'cache/apk', 'cache/misc', 'empty', 'lib', 'lib/misc', 'local', 'log', 'mail', 'opt', 'spool', 'spool/cron']) api.dir(`/var/${d}`);
  api.dir('/var/tmp', '01777');
  api.symlink('/var/run', '../run');
  api.symlink('/var/lock', '../run/lock');
  api.symlink('/var/spool/mail', '../mail');
  api.dir('/lib/apk/db');
  api.dir('/etc/apk/keys');
  api.dir('/etc/apk/protected_paths.d');
  api.file('/lib/ld-musl-x86_64.so.1', 653408, '0755');
  api.symlink('/lib/libc.musl-x86_64.so.1', 'ld-musl-x86_64.so.1');
  api.file('/sbin/apk', 67952, '0755');
  api.file('/sbin/ldconfig', 393, '0755');
  api.file('/usr/bin/ldd', 53, '0755');
  api.file('/usr/bin/getent', 47096, '0755');
  api.file('/usr/bin/iconv', 22976, '0755');
  api.file('/usr/bin/scanelf', 79864, '0755');
  api.file('/usr/bin/ssl_client', 14216, '0755');
  api.file('/lib/libapk.so.2.14.0', 218472, '0755');
  api.file('/lib/libcrypto.so.3', 4477120, '0755');
  api.file('/lib/libssl.so.3', 621696, '0755');
  api.file('/lib/libz.so.1.3.1', 100072, '0755');
  api.symlink('/lib/libz.so.1', 'libz.so.1.3.1');
  api.file('/etc/ssl/cert.pem', 222142);
  api.symlink('/etc/ssl/certs/ca-certificates.crt', '/etc/ssl/cert.pem');
  api.text('/etc/shells', '# valid login shells\n/bin/sh\n/bin/ash\n');
  api.file('/etc/profile', 1286);
  api.file('/etc/services', 12813);
  api.file('/etc/protocols', 3164);
  api.text('/etc/motd', '\nWelcome to Alpine!\n\nThe Alpine Wiki contains a large amount of how-to guides and general\ninformation about administrating Alpine systems.\nSee <https://wiki.alpinelinux.org/>.\n\nYou can setup the system with the command: setup-alpine\n\nYou may change this message by editing /etc/motd.\n\n');
}

/** Kits by the name images.json uses. */
export const KITS: Record<string, Kit> = {
  'debian-tree': debianTree,
  'debian-bin': debianBin,
  'os-release': osRelease,
  'alpine-tree': alpineTree,
  'alpine-busybox': alpineBusybox,
  'busybox-applets': busyboxImage,
};
