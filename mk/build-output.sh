#!/bin/sh
# Builds one output of a kernel from the kernel's work tree (mk/kernel-tree.sh made it, once for
# all of its outputs), checks it, and publishes it atomically. Called by the rules of
# kernels/<driver version>/<distro>.mk (mk/outputs.mk):
#
#   build-output.sh OUT DISTRO/KERNEL_ID KIND RELEASE
#   build-output.sh --copy SOURCE OUT DISTRO/KERNEL_ID RELEASE
#
# KIND is bpf (the legacy eBPF probe, built by the driver's own kbuild with clang and llc) or kmod
# (the kernel module, by the kernel's kbuild with the kernel's own compiler, mk/toolchain.sh).
# The name is computed again from what the headers say, by RELEASE's rules (a Falco release of
# the table, or "custom": a driver of one's own, named by FP_RULES and FP_LAYOUT or its driver
# version's defaults), and must be OUT's: a driver must never be published under a name that
# another kernel asks for. --copy publishes SOURCE's bytes under another release's name.
#
# Environment (mk/outputs.mk): FP_CONTEXT, the run's settings (mk/lib.sh sources it: FP_BIN,
# FP_WORK (the run's work trees), FP_IDS (kernel identities), FP_LOGS, FP_RUN (this run's
# records of what it built and what failed), FP_RECORDS, FP_VERDICTS, FP_VERDICT_FORMAT,
# FP_CACHE (toolchain roots), FP_HOST_ARCH (uname -m of this host: a kernel of another
# architecture is cross-built), CLANG, LLC, LLVM_OBJCOPY, FP_KBUILD_ARGS and mk/toolchain.sh's);
# and this output's: FP_DRIVER_DIR (the prepared driver: bpf-unit/, kmod/, .prepared, mk/prepare-
# driver.sh), FP_DRIVER_VERSION, FP_RULES, FP_LAYOUT, FP_TOOLCHAIN, FP_KEEP_GOING (1 under
# make -k).
#
# A failure keeps its log at FP_LOGS/<repository path>.log and leaves no output file behind.
# It is a verdict only on evidence that the same inputs would fail the same way: the build's
# own diagnostic (tools/build-failure: a compiler, assembler, linker or llc error, modpost's
# ERROR, kbuild's refusal), the output's checks (the headers are another kernel's, the name is
# wrong, not an eBPF object, another kernel's vermagic, another module's name) or a known fact
# (no compiler for that kernel, no module in that driver). A verdict is kept at
# FP_VERDICTS/<repository path> with its reason and FP_VERDICT_FORMAT: tools/plan does not plan
# the output again until an input changes. Anything else is a fault (a program that could not
# start, a path missing outside the driver and the headers, namespaces, a signal, a full disk,
# an interruption, a missing package): reported with its cause, never recorded, tried again by
# the next run.
set -u
. "$(dirname "$0")/lib.sh"

record() {
	# What went in, so that the repository index can say how to rebuild and compare it.
	rec=$FP_RECORDS/$repo_path.rec
	mkdir -p "$(dirname "$rec")"
	{
		echo "probe=$repo_path"
		echo "distro=$distro"
		echo "target=$target"
		echo "kernel_release=$kernel_release"
		echo "kernel_version=$kernel_version"
		echo "uname_r=$uname_r"
		echo "arch=$uname_m"
		echo "build_host_arch=$FP_HOST_ARCH"
		echo "compiler=$compiler"
		if [ -n "$signed_by" ]; then
			echo "signing_cert_sha256=$signed_by"
			echo "signature_hash=$sig_hash"
		fi
		echo "driver_version=$FP_DRIVER_VERSION"
		echo "sha256=$(sha256sum "$out" | cut -d' ' -f1)"
		echo "size=$(wc -c <"$out" | tr -d ' ')"
		echo "packages=$(sed -n 's/^packages=//p' "$id_file")"
		echo "driver_tree_sha256=$(sed -n 's/^tree_sha256=//p' "$FP_DRIVER_DIR/.prepared")"
		echo "driver_source_sha256=$(sed -n 's/^source_sha256=//p' "$FP_DRIVER_DIR/.prepared")"
		echo "toolchain_sha256=$(sha256sum "$FP_TOOLCHAIN" | cut -d' ' -f1)"
		if [ "$kind" = kmod ]; then
			echo "kernel_compiler=$(fact cc)"
			echo "kernel_compiler_from=$(fact cc_from)"
			echo "toolchain_root=$root_id"
			echo "module=$module"
			echo "vermagic=$vermagic"
			[ -z "$unsigned_why" ] || echo "unsigned=$unsigned_why"
		fi
		fixup=$(fact fixup)
		if [ -n "$fixup" ]; then
			echo "fixup=$fixup"
			echo "fixup_args=$(fact fixup_args)"
		fi
	} >"$rec.tmp" && mv -f "$rec.tmp" "$rec" || fail "cannot write $rec"
	echo "$out" >>"$FP_RUN/$distro.built"
}

copy=
if [ "$1" = --copy ]; then
	copy=$2
	shift 2
	set -- "$1" "$2" - "$3"
fi
out=$1 kernel=$2 kind=$3 release=$4
distro=${kernel%%/*} kid=${kernel#*/}
name=$(basename "$out")
repo_path=${out#"${FP_DIST:?}/"}
log=$FP_LOGS/$repo_path.log
work=$FP_WORK/$kernel
id_file=$FP_IDS/$kernel.id
mkdir -p "$(dirname "$log")" "$FP_RUN" "$(dirname "$out")"
fact() { sed -n "s/^$1=//p" "$work/.tree" 2>/dev/null; }
uname_m=$(sed -n 's/^uname_m=//p' "$id_file")
uname_r=$(sed -n 's/^uname_r=//p' "$id_file")

fail() {
	why=$*
	echo "error: $why" >>"$log"
	# A full disk, or a run stopped under us, is no fact about the kernel or the driver.
	if full=$(disk_full "$log" "$(dirname "$FP_WORK")"); then
		is_verdict=0
		why="$why: $full"
	elif interrupted "$work"; then
		is_verdict=0
		echo "error: the run was stopped meanwhile: no verdict" >>"$log"
	fi
	rm -rf "${build:-}" "$out.tmp"
	if [ "${is_verdict:-}" = 1 ]; then
		v=$FP_VERDICTS/$repo_path
		mkdir -p "$(dirname "$v")"
		{
			echo "format=${FP_VERDICT_FORMAT:?}"
			echo "result=failed"
			echo "reason=$why"
			echo "log=$log"
		} >"$v.tmp" && mv -f "$v.tmp" "$v"
		touch "$FP_VERDICTS/.changed"
	elif [ -f "$FP_VERDICTS/$repo_path" ]; then
		# Tried again because an input changed: the old verdict no longer holds.
		rm -f "$FP_VERDICTS/$repo_path"
		touch "$FP_VERDICTS/.changed"
	fi
	printf '%s\t%s\t%s\n' "$out" "$why" "${is_verdict:-0}" >>"$FP_RUN/$distro.failed"
	if [ "${is_verdict:-}" = 1 ]; then
		echo "  FAILED  $distro $uname_r: $why (log: $log)" >&2
	else
		echo "  FAULT   $distro $uname_r: $why (log: $log; no verdict: tried again next run)" >&2
	fi
	[ "${FP_KEEP_GOING:-}" = 1 ] && exit 0
	exit 1
}
# verdict REASON: a failure the same inputs would repeat.
verdict() {
	is_verdict=1
	fail "$@"
}
build=
trap 'rm -rf "${build:-}" "$out.tmp"; exit 130' INT TERM HUP

if [ -n "$copy" ]; then
	: >"$log"
	src_rec=$FP_RECORDS/${copy#"$FP_DIST/"}.rec
	[ -f "$src_rec" ] || fail "$copy has no record"
	cp "$copy" "$out.tmp" && mv -f "$out.tmp" "$out" || fail "cannot write $out"
	rec=$FP_RECORDS/$repo_path.rec
	mkdir -p "$(dirname "$rec")"
	sed "s|^probe=.*|probe=$repo_path|" "$src_rec" >"$rec.tmp" && mv -f "$rec.tmp" "$rec" || fail "cannot write $rec"
	echo "$out" >>"$FP_RUN/$distro.built"
	exit 0
fi

: >"$log"
[ -f "$work/.tree" ] || fail "no work tree at $work"
err=$(fact error)
if [ -n "$err" ]; then
	[ "$(fact verdict)" != 1 ] || is_verdict=1
	fail "$err (the kernel's log: $(fact log))"
fi
tree=$(fact tree)
os_release=$(sed -n 's/^os_release=//p' "$id_file")

[ ! -f "$FP_DRIVER_DIR/error" ] || fail "$(cat "$FP_DRIVER_DIR/error")"
[ -f "$FP_DRIVER_DIR/.prepared" ] || fail "driver version $FP_DRIVER_VERSION is not prepared ($FP_DRIVER_DIR)"

# The name was computed from the package index; the headers must agree with it exactly.
# A release the table does not know is a driver of one's own (DRIVER_RELEASE, default custom).
if ! "$FP_BIN/falco-name" --releases | cut -f1 | grep -qxF -- "$release"; then
	rules_args="--driver-version $FP_DRIVER_VERSION"
	[ -n "${FP_RULES:-}" ] && rules_args="$rules_args --rules $FP_RULES"
	[ -n "${FP_LAYOUT:-}" ] && rules_args="$rules_args --layout $FP_LAYOUT"
else
	rules_args="--falco-version $release"
fi
# shellcheck disable=SC2086 # the arguments are words of our own
identity=$("$FP_BIN/falco-name" $rules_args --kind "$kind" --os-release "$os_release" \
	--uname-r "$(fact uname_r)" --uname-v "$(fact uname_v)" --uname-m "$uname_m" 2>>"$log") ||
	verdict "the headers of $tree give no name Falco $release asks for"
tab=$(printf '\t')
IFS=$tab read -r target kernel_release kernel_version actual _ <<EOF
$identity
EOF
[ "$actual" = "$name" ] || verdict "the headers name this kernel $actual, not $name"

# kbuild_failed STATUS: a verdict when the build's log says why the driver cannot be made for
# this kernel (tools/build-failure), with that first diagnostic line; else a fault, with its
# cause. A signal or a full disk is a fault whatever the log says.
kbuild_failed() {
	if [ "$1" -gt 128 ] || disk_full "$log" . >/dev/null; then
		fail "kbuild did not finish (status $1)"
	fi
	found=$("$FP_BIN/build-failure" --path "$work" "$log") || fail "cannot read $log"
	case $found in
	verdict"	"*) verdict "kbuild failed: ${found#*	}" ;;
	*) fail "kbuild could not build it (status $1): ${found#*	}" ;;
	esac
}

# The kernel's architecture as kbuild names it, its ELF machine, and for another architecture
# than this host's (FP_HOST_ARCH) the prefix of its cross compilers: a driver for it is made with
# its own compilers, never this host's.
case $uname_m in
x86_64) karch=x86 machine=62 triplet=x86_64-linux-gnu ;;
aarch64) karch=arm64 machine=183 triplet=aarch64-linux-gnu ;;
*) verdict "no cross-build for $uname_m kernels (x86_64 and aarch64 only)" ;;
esac
cross=
[ "$uname_m" = "${FP_HOST_ARCH:?}" ] || cross=$triplet-

# Build paths must not reach the object: the kernel's work tree (its headers and this copy) maps
# to one fixed name, so the same inputs give the same bytes in any directory.
prefix_map="-ffile-prefix-map=$work=/usr/src/falco-probes"
# The driver's Makefile writes its objects next to its sources: a private copy per output. Our
# own make's flags and command-line variables (V, CC, BUILD...) are no business of kbuild's.
build=$work/build-$FP_DRIVER_VERSION-$kind
# The compile's own time, in the log, for bench/distribution.sh to set the pipeline's against.
timed="/usr/bin/time -f kbuild-time:%e:%U:%S -a -o $log"
rm -rf "$build"
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

# cross_path: path, for a cross-build a PATH whose ld, ar, nm, objcopy... are the kernel
# architecture's. CROSS_COMPILE says it to kbuild, but the driver's configure checks
# (falcosecurity/libs' configure/) run make with an empty environment but PATH and CC. Not as:
# a cross gcc finds its own, and this host's gcc must keep this host's.
cross_path() {
	if [ -n "$cross" ]; then
		shim=$build/.cross-bin
		mkdir -p "$shim" || fail "cannot create $shim"
		for t in ld ar nm objcopy objdump strip readelf; do
			printf '#!/bin/sh\nexec %s%s "$@"\n' "$cross" "$t" >"$shim/$t" && chmod +x "$shim/$t" ||
				fail "cannot write $shim/$t"
		done
		path=$shim:$PATH
	else
		path=$PATH
	fi
}

build_bpf() {
	cp -RL "$FP_DRIVER_DIR/bpf-unit" "$build" || fail "cannot copy the driver tree"
	bpf=$build/bpf
	[ -f "$bpf/Makefile" ] || verdict "the driver tree has no bpf/Makefile"
	# shellcheck disable=SC2046,SC2086 # the kbuild arguments are words
	# Another architecture's headers are parsed for that architecture (its inline assembly, its
	# types), as the kernel's own samples/bpf does; the IR becomes eBPF all the same. kbuild's
	# own checks run CC, which is this host's gcc natively: its cross gcc then, whatever gcc the
	# kernel names (Debian's name a version this host may not have).
	clang_target=
	[ -z "$cross" ] || clang_target="--target=$triplet"
	cross_path
	(cd "$bpf" && PATH=$path $timed make -j1 KERNELDIR="$tree" ARCH=$karch ${cross:+CROSS_COMPILE=$cross CC=${cross}gcc} \
		CLANG="$CLANG $clang_target $prefix_map" LLC="$LLC" ${FP_KBUILD_ARGS:-} \
		$(fact fixup_args)) >>"$log" 2>&1 || kbuild_failed $?
	[ -f "$bpf/probe.o" ] || verdict "kbuild made no probe.o"
	# An eBPF ELF object: ELF magic, and e_machine 247 (EM_BPF) in little-endian.
	magic=$(od -An -tx1 -N20 "$bpf/probe.o" | tr -d ' \n')
	case $magic in
	7f454c46*f700) ;;
	*) verdict "probe.o is not an eBPF ELF object" ;;
	esac
	# The release it was built for, which the loader compares with uname -r.
	"${LLVM_OBJCOPY:?}" --dump-section "kernel_version=$build/kernel_version" "$bpf/probe.o" /dev/null 2>>"$log" ||
		fail "cannot read probe.o's kernel_version section: $(tail -n 1 "$log")"
	probe_kernel=$(tr -d '\000' <"$build/kernel_version")
	[ "$probe_kernel" = "$uname_r" ] || verdict "the probe's kernel_version is '$probe_kernel', not $uname_r"
	compiler="$($CLANG --version | head -n 1)${clang_target:+ ($clang_target)}"
	built=$bpf/probe.o
}

# The module, by kbuild, with the compiler the kernel was built with (mk/toolchain.sh): the
# host's, or in a root of its own distribution's packages, run by bubblewrap with the kernel's
# work tree at the same path.
build_kmod() {
	module=$(sed -n 's/^module=//p' "$FP_DRIVER_DIR/.prepared")
	[ -n "$module" ] || verdict "driver version $FP_DRIVER_VERSION has no kernel module"
	cp -RL "$FP_DRIVER_DIR/$(sed -n 's/^kmod_dir=//p' "$FP_DRIVER_DIR/.prepared")" "$build" ||
		fail "cannot copy the driver tree"
	[ -z "$(fact cc_error)" ] || fail "cannot tell the kernel's compiler: $(fact cc_error)"
	echo "kernel compiler: $(fact cc) (from $(fact cc_from))" >>"$log"
	chosen=$(sh "$(dirname "$0")/toolchain.sh" "$(fact cc)" "$tree" "${FP_CACHE:?}" "$cross" 2>>"$log") || {
		rc=$?
		[ "$rc" = 3 ] && verdict "no compiler: $(tail -n 1 "$log")"
		fail "cannot get the kernel's compiler: $(tail -n 1 "$log")"
	}
	set -- $chosen
	cc=$1 root=$2 root_id=$3
	echo "compiler: $cc${root_id:+ in root $root_id}" >>"$log"
	run=
	# (/dev first: the work tree may be below /dev/shm.)
	[ "$root" = - ] || run="bwrap --bind $root / --dev /dev --proc /proc --tmpfs /tmp --bind $work $work --chdir $build"
	# shellcheck disable=SC2046,SC2086 # the kbuild arguments are words
	# gcc before 8 has no -ffile-prefix-map: its debug information is mapped all the same.
	kcflags=$prefix_map
	case $cc in
	gcc-[4-7] | gcc-[4-7].*) kcflags="-fdebug-prefix-map=$work=/usr/src/falco-probes" ;;
	esac
	cross_path
	(cd "$build" && PATH=$path $timed $run make -j1 -C "$tree" M="$build" ARCH=$karch ${cross:+CROSS_COMPILE=$cross} CC="$cc" \
		KCFLAGS="$kcflags" ${FP_KBUILD_ARGS:-} $(fact fixup_args) modules) >>"$log" 2>&1 || kbuild_failed $?
	built=$build/$module.ko
	[ -f "$built" ] || verdict "kbuild made no $module.ko"
	compiler=$($run "$cc" --version 2>/dev/null | head -n 1)
	# An object of another architecture is this pipeline's fault, never the kernel's.
	elf_machine=$(od -An -tu2 -j18 -N2 "$built" | tr -d ' ')
	[ "$elf_machine" = "$machine" ] || fail "$module.ko is of ELF machine $elf_machine, not $uname_m's ($machine)"
	
	# The module must be for this kernel, and be the driver Falco loads by its name.
	vermagic=$(modinfo -F vermagic "$built" 2>>"$log") || fail "modinfo cannot read $module.ko: $(tail -n 1 "$log")"
	case $vermagic in
	"$uname_r "*) ;;
	*) verdict "the module's vermagic is '$vermagic', not for $uname_r" ;;
	esac
	modname=$(modinfo -F name "$built" 2>>"$log") || fail "modinfo cannot read $module.ko: $(tail -n 1 "$log")"
	# Older kernels (4.4 among them) keep no name in .modinfo: the kernel takes it from the module's own
	# struct module (.gnu.linkonce.this_module), whose name follows its state and list (24
	# bytes on a 64-bit kernel).
	# The section goes to a file of its own: objcopy seeks in its output, which a pipe refuses.
	if [ -z "$modname" ]; then
		this_module=$build/this_module.bin
		"${cross}objcopy" -O binary -j .gnu.linkonce.this_module "$built" "$this_module" 2>>"$log" ||
			fail "objcopy cannot read .gnu.linkonce.this_module of $module.ko: $(tail -n 1 "$log")"
		modname=$(tail -c +25 "$this_module" | head -c 56 | tr -d '\000')
	fi
	[ "$modname" = "$module" ] || verdict "the module is named '$modname', not $module"
	sign_kmod
}

# With MODULE_SIGNING_KEY, a module whose kernel checks module signatures is signed as its own
# kbuild would sign it: by the tree's scripts/sign-file (a host program, from linux-kbuild on
# Debian), with the kernel's CONFIG_MODULE_SIG_HASH; after the checks, so that only a module fit
# to publish is signed. A kernel without CONFIG_MODULE_SIG loads any module: it is published
# unsigned, and its record says why. The certificate is known to the output's make rule only by
# its fingerprint (FP_MODULE_SIGNING_ID, mk/outputs.mk); the key is read by sign-file alone.
signed_by= sig_hash= unsigned_why=
sign_kmod() {
	[ -n "${FP_MODULE_SIGNING_KEY:-}" ] || return 0
	conf=$tree/include/config/auto.conf
	[ -f "$conf" ] || fail "cannot tell whether the kernel signs its modules: no $conf"
	kconf() { sed -n "s/^$1=\"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$conf"; }
	if [ "$(kconf CONFIG_MODULE_SIG)" != y ]; then
		unsigned_why="the kernel does not check module signatures (no CONFIG_MODULE_SIG)"
		echo "not signed: $unsigned_why" >>"$log"
		return 0
	fi
	sig_hash=$(kconf CONFIG_MODULE_SIG_HASH)
	[ -n "$sig_hash" ] || fail "$conf sets CONFIG_MODULE_SIG but no CONFIG_MODULE_SIG_HASH"
	[ -x "$tree/scripts/sign-file" ] || fail "the kernel signs its modules, but its tree has no scripts/sign-file ($tree)"
	signed_by=$(sed -n 's/^certificate_sha256=//p' "${FP_MODULE_SIGNING_ID:?}")
	[ "$signed_by" = "$(sh "$(dirname "$0")/module-sign.sh" fingerprint "$FP_MODULE_SIGNING_KEY" 2>>"$log")" ] ||
		fail "$FP_MODULE_SIGNING_KEY is no longer the key of $FP_MODULE_SIGNING_ID (changed during the run?)"
	echo "signing: $tree/scripts/sign-file $sig_hash, certificate sha256 $signed_by" >>"$log"
	"$tree/scripts/sign-file" "$sig_hash" "$FP_MODULE_SIGNING_KEY" "$FP_MODULE_SIGNING_KEY" "$built" "$built.signed" \
		>>"$log" 2>&1 || fail "sign-file cannot sign $module.ko: $(tail -n 1 "$log")"
	built=$built.signed
}

build_$kind
cp "$built" "$out.tmp" && mv -f "$out.tmp" "$out" || fail "cannot write $out"
if [ -f "$FP_VERDICTS/$repo_path" ]; then
	rm -f "$FP_VERDICTS/$repo_path"
	touch "$FP_VERDICTS/.changed"
fi
rm -rf "$build"
record
