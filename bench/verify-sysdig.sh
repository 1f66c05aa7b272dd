#!/bin/sh
# Reads a probe with a real Falco-ecosystem consumer: Debian's sysdig (0.29.3, libscap of the
# falcosecurity-scap-dkms driver version) inside the probe's kernel under qemu (TCG), once as
# packaged and once with tools/perf-mirror-shim.so preloaded. Prints what sysdig said and the
# execve/openat events it captured. An investigation aid next to mk/verify-output.sh, not a gate.
#
#   bench/verify-sysdig.sh PROBE IMAGE_PACKAGE
#
# sysdig and its libraries come from this host's apt sources (apt-get download); libraries the
# host already has are taken from the host. Needs make tools (extract, perf-mirror-shim.so).
set -eu
[ $# -eq 2 ] || { echo "usage: bench/verify-sysdig.sh PROBE IMAGE_PACKAGE" >&2; exit 2; }
probe=$(realpath "$1") image=$(realpath "$2")
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/build/bin
cd "$top"
make -s "$bin/extract" "$bin/perf-mirror-shim.so"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# sysdig, libscap/libsinsp, and the direct dependencies this host lacks.
mkdir -p "$work/debs" "$work/sd"
pkgs="sysdig libfalcosecurity0"
for dep in $(apt-cache depends sysdig libfalcosecurity0 | sed -n 's/^ *|\{0,1\}Depends: //p' | sort -u); do
	dpkg -s "$dep" >/dev/null 2>&1 || pkgs="$pkgs $dep"
done
(cd "$work/debs" && apt-get download $pkgs >/dev/null 2>&1) || { echo "cannot download $pkgs" >&2; exit 1; }
for deb in "$work"/debs/*.deb; do
	"$bin/extract" --quiet "$deb" "$work/sd"
done
libdir=$work/sd/usr/lib/x86_64-linux-gnu
if LD_LIBRARY_PATH=$libdir ldd "$work/sd/usr/bin/sysdig" | grep 'not found'; then
	echo "install the libraries above (or their packages) on this host" >&2
	exit 1
fi

"$bin/extract" --quiet "$image" "$work/pkg"
mv "$work"/pkg/boot/vmlinuz-* "$work/vmlinuz"
rm -rf "$work/pkg"
r=$work/root
mkdir -p "$r/bin" "$r/dev" "$r/proc" "$r/sys" "$r/tmp" "$r/usr/bin"
cp /bin/busybox "$r/bin/busybox"
cp "$work/sd/usr/bin/sysdig" "$r/usr/bin/sysdig"
LD_LIBRARY_PATH=$libdir ldd "$work/sd/usr/bin/sysdig" | awk '/=>/ { print $3 } /ld-linux/ { print $1 }' |
	while read -r lib; do
		dest=$r$(echo "$lib" | sed "s#^$work/sd##")
		mkdir -p "$(dirname "$dest")"
		cp -L "$lib" "$dest"
	done
cp "$probe" "$r/probe.o"
cp "$bin/perf-mirror-shim.so" "$r/shim.so"
cat >"$r/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t bpf bpf /sys/fs/bpf
echo known >/tmp/known
echo "sd: kernel $(uname -r)"
echo "sd: sysdig as packaged:"
/usr/bin/sysdig -B/probe.o -M 3 evt.type=execve 2>&1 | head -n 3 | sed 's/^/sd:   /'
echo "sd: sysdig with perf-mirror-shim.so:"
LD_PRELOAD=/shim.so /usr/bin/sysdig -B/probe.o -M 8 \
	"evt.dir=< and ((evt.type=execve and proc.name=true) or (evt.type=openat and fd.name=/tmp/known))" \
	>/tmp/sd.out 2>&1 &
sd=$!
sleep 5
/bin/true
cat /tmp/known >/dev/null
# -M is checked only when an event passes the filter: stop it ourselves.
sleep 5
kill "$sd"
sleep 1
sed 's/^/sd:   /' /tmp/sd.out | cut -c1-160
poweroff -f
EOF
chmod 755 "$r/init"
(cd "$r" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"
start=$(date +%s)
timeout -k 5 180 qemu-system-x86_64 -accel tcg -m 2G -smp 2 -nographic -nodefaults -no-reboot \
	-serial "file:$work/console" -monitor none -kernel "$work/vmlinuz" -initrd "$work/initramfs.cpio" \
	-append "console=ttyS0 panic=-1 quiet loglevel=3" </dev/null >/dev/null 2>&1 || true
tr -d '\r' <"$work/console" | sed -n 's/^sd: //p'
echo "qemu run: $(($(date +%s) - start)) s"
