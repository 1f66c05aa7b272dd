#!/usr/bin/env bats
# tools/build-failure: a failed build is a verdict only when the build itself says why the driver
# cannot be made for its kernel; anything else is a fault of this machine. Each log here is what
# the real program printed (gcc, clang and llc, as, ld, make, bubblewrap), made in the test, run
# through make as kbuild runs it.

setup() {
	load lib/common
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	BF=${FP_BIN:?}/build-failure
	W=$BATS_TEST_TMPDIR/work
	mkdir -p "$W/tree" "$W/build"
	LOG=$BATS_TEST_TMPDIR/build.log
}

# kbuild RECIPE: a Makefile in the driver's copy whose one rule runs RECIPE (one shell line),
# made as mk/build-output.sh runs a compile: in the copy, its output into the log.
kbuild() {
	printf 'all:\n\t%s\n' "$1" >"$W/build/Makefile"
	(cd "$W/build" && make -j1) >"$LOG" 2>&1 && return 1
	cat "$LOG"
}

# classify: build-failure's answer for the log, with the work tree as the build's path.
classify() {
	run "$BF" --path "$W" "$LOG"
	echo "$output"
	[ "$status" -eq 0 ]
}

@test "build-failure: a compiler's error at a place in the driver is a verdict, without the work tree's path" {
	printf 'int main(void) { return missing_symbol; }\n' >"$W/build/main.c"
	kbuild 'gcc -c $(CURDIR)/main.c -o $(CURDIR)/main.o'
	classify
	# (gcc quotes as the locale has it.)
	[[ "$output" == "verdict	build/main.c:1:25: error: "*"missing_symbol"*" undeclared (first use in this function)" ]]
	# clang says it in its own words, and is read the same way.
	kbuild 'clang -c $(CURDIR)/main.c -o $(CURDIR)/main.o'
	classify
	[ "$output" = "verdict	build/main.c:1:25: error: use of undeclared identifier 'missing_symbol'" ]
}

@test "build-failure: a header the kernel does not have is a verdict; a compiler that is not there is a fault" {
	printf '#include <linux/no_such_header.h>\n' >"$W/build/main.c"
	kbuild 'gcc -c $(CURDIR)/main.c -o $(CURDIR)/main.o'
	classify
	[ "$output" = "verdict	build/main.c:1:10: fatal error: linux/no_such_header.h: No such file or directory" ]
	kbuild '/opt/no-such-compiler/gcc -c main.c'
	classify
	[[ "$output" == "fault	"*"/opt/no-such-compiler/gcc: No such file or directory" ]]
	kbuild 'no-such-compiler -c main.c'
	classify
	[[ "$output" == "fault	"*"no-such-compiler"* ]]
}

@test "build-failure: a flag the kernel asks for and the compiler refuses is a verdict" {
	printf 'int x;\n' >"$W/build/main.c"
	kbuild 'gcc -mno-such-flag -c main.c'
	classify
	[[ "$output" == "verdict	gcc: error: unrecognized command-line option "*"-mno-such-flag"* ]]
}

@test "build-failure: llc's refusal of the program (the BPF stack limit) is a verdict" {
	cat >"$W/build/probe.c" <<'EOF'
int big(void) { volatile char buf[4096]; for (int i = 0; i < 4096; i++) buf[i] = (char)i; return buf[17]; }
EOF
	kbuild 'clang -O2 -g -emit-llvm -c probe.c -o - | llc -march=bpf -filetype=obj -o probe.o'
	classify
	[[ "$output" == "verdict	"*"BPF stack limit"* ]]
}

@test "build-failure: the assembler's and the linker's errors are verdicts" {
	printf 'no_such_instruction %%rax\n' >"$W/build/bad.s"
	kbuild 'as bad.s -o bad.o'
	classify
	[[ "$output" == "verdict	bad.s:1: Error: no such instruction: "* ]]
	printf 'extern int gone(void);\nint main(void) { return gone(); }\n' >"$W/build/main.c"
	kbuild 'gcc main.c -o main'
	classify
	[[ "$output" == "verdict	"*"undefined reference to \`gone'"* ]]
}

@test "build-failure: modpost's ERROR is the reason, not make's last line" {
	# kbuild's modpost prints this and fails; make then reports the rule that ran it.
	kbuild 'echo "ERROR: modpost: \"cc_mkenc\" [$(CURDIR)/falco.ko] undefined!" >&2; false'
	printf 'make[2]: *** [%s/tree/scripts/Makefile.modpost:127: Module.symvers] Error 1\n' "$W" >>"$LOG"
	classify
	[ "$output" = 'verdict	ERROR: modpost: "cc_mkenc" [build/falco.ko] undefined!' ]
}

@test "build-failure: make's missing target is the build's fact inside its trees, a fault outside them" {
	printf 'all: %s/tree/include/generated/autoconf.h\n\ttrue\n' "$W" >"$W/build/Makefile"
	(cd "$W/build" && make) >"$LOG" 2>&1 && false
	classify
	[[ "$output" == "verdict	make: *** No rule to make target 'tree/include/generated/autoconf.h'"* ]]
	printf 'all: /opt/elsewhere/autoconf.h\n\ttrue\n' >"$W/build/Makefile"
	(cd "$W/build" && make) >"$LOG" 2>&1 && false
	classify
	[[ "$output" == "fault	make: *** No rule to make target '/opt/elsewhere/autoconf.h'"* ]]
	# A tree's name is a directory, not a prefix: the work tree of kernel 9.9.0-10 is not inside
	# that of 9.9.0-1, nor is $W-other inside $W.
	printf 'all: %s-other/include/generated/autoconf.h\n\ttrue\n' "$W" >"$W/build/Makefile"
	(cd "$W/build" && make) >"$LOG" 2>&1 && false
	classify
	[[ "$output" == "fault	make: *** No rule to make target '$W-other/include/generated/autoconf.h'"* ]]
	# make -C into a tree that is not there.
	(cd "$W/build" && make -C /opt/no-such-tree) >"$LOG" 2>&1 && false
	classify
	[[ "$output" == "fault	"*"/opt/no-such-tree: No such file or directory"* ]]
}

@test "build-failure: namespaces refused, a signal, memory, a full disk, no diagnostic: each a fault, even after an error" {
	# What bubblewrap says in a container that may not make namespaces (a GitHub job's).
	bwrap --dev-bind / / --unshare-user --uid 0 --gid 0 --disable-userns --cap-drop CAP_SYS_ADMIN -- \
		bwrap --bind / / --dev /dev --proc /proc true >"$LOG" 2>&1 && skip "this host makes namespaces inside the simulation"
	classify
	[[ "$output" == "fault	bwrap: "* ]]
	# A compile killed (the OOM killer's way), after a first real error.
	printf 'int main(void) { return missing_symbol; }\n' >"$W/build/main.c"
	kbuild 'gcc -c main.c; sh -c '\''kill -9 $$$$'\'
	classify
	[[ "$output" == "fault	"*"Killed"* ]] || [[ "$output" == "fault	"*"Error 137"* ]]
	printf 'cc1: out of memory allocating 65536 bytes\n' >"$LOG"
	classify
	[ "$output" = "fault	cc1: out of memory allocating 65536 bytes" ]
	printf 'main.c:1:1: error: x\n/usr/bin/ld: final link failed: No space left on device\n' >"$LOG"
	classify
	[ "$output" = "fault	/usr/bin/ld: final link failed: No space left on device" ]
	kbuild 'exit 1'
	classify
	[ "$output" = "fault	the build failed without a diagnostic" ]
}

@test "build-failure: a permission refused or a program that cannot run here is a fault" {
	printf '#!/bin/sh\n' >"$W/build/script"
	chmod 0644 "$W/build/script"
	kbuild './script'
	classify
	[[ "$output" == "fault	"*"Permission denied"* ]]
	# A program built for another C library (as a kernel's modpost can be).
	printf 'scripts/mod/modpost: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38'"'"' not found (required by scripts/mod/modpost)\n' >"$LOG"
	classify
	[[ "$output" == "fault	scripts/mod/modpost: "*"GLIBC_2.38' not found"* ]]
}

@test "build-failure: a reason is one line of at most 200 bytes; an unreadable log and bad usage are errors" {
	printf 'main.c:1:1: error: %s\n' "$(head -c 400 /dev/zero | tr '\0' x)" >"$LOG"
	classify
	[ "${#output}" -le $((8 + 200)) ]
	[[ "$output" == "verdict	main.c:1:1: error: xxx"* ]]
	run "$BF" "$BATS_TEST_TMPDIR/none.log"
	[ "$status" -eq 1 ]
	[[ "$output" == *"none.log: No such file or directory" ]]
	run "$BF"
	[ "$status" -eq 2 ]
}

@test "build-failure: a linker of another architecture, and the driver's configure finding the toolchain broken, are faults" {
	# The host's ld given an arm64 kernel's emulation (a cross-build without its cross linker).
	printf 'int f(void) { return 0; }\n' >"$W/build/f.c"
	kbuild 'gcc -c $(CURDIR)/f.c -o $(CURDIR)/f.o && ld -m aarch64linux -r -o $(CURDIR)/m.o $(CURDIR)/f.o'
	classify
	[[ "$output" == "fault	"*"unrecognised emulation mode: aarch64linux"* ]]
	# falcosecurity/libs' configure/0__SANITY: an empty module does not build, then $(error).
	printf 'all:\n\t@echo "[configure-kmod] Build system is broken, please see above errors"\n$(error The build system is broken, please see above errors)\n' \
		>"$W/build/Makefile.inc"
	printf 'include Makefile.inc\n' >"$W/build/Makefile"
	(cd "$W/build" && make -j1) >"$LOG" 2>&1 && false
	cat "$LOG"
	classify
	[[ "$output" == "fault	"*"The build system is broken, please see above errors"* ]]
}

@test "build-failure: kbuild's refusal of a build directory that is not there is a fault" {
	# Linux 7's Makefile, given a KBUILD_OUTPUT that does not exist (as Debian's 7.x headers name
	# their installed path), with an external module.
	printf 'KBUILD_EXTMOD := x\nKBUILD_OUTPUT := /usr/src/linux-headers-0.0.0-none\nifdef KBUILD_EXTMOD\n    objtree := $(realpath $(KBUILD_OUTPUT))\n    $(if $(objtree),,$(error specified kernel directory "$(KBUILD_OUTPUT)" does not exist))\nendif\nall: ;\n' \
		>"$W/build/Makefile"
	(cd "$W/build" && make -j1) >"$LOG" 2>&1 && false
	cat "$LOG"
	classify
	[[ "$output" == "fault	"*'specified kernel directory "/usr/src/linux-headers-0.0.0-none" does not exist'* ]]
}

@test "build-failure: a configure check's own errors (falcosecurity/libs' configure/) are never the reason" {
	# As the driver's Makefile prints a check: its module's build output, which fails where the
	# kernel lacks what it tests, its first line prefixed, then the Makefile's next message.
	mkdir -p "$W/build/check"
	printf '#include <no_such_header.h>\nint f(void) { return missing_field; }\n' >"$W/build/check/test.c"
	printf 'all:\n\t$(CC) -c test.c -o test.o\n\tno-such-cross-gcc-14 --version\n' >"$W/build/check/Makefile"
	printf 'int main(void) { return missing_symbol; }\n' >"$W/build/main.c"
	cat >"$W/build/Makefile" <<'MK'
define newline


endef
OUT := $(shell make -C check 2>&1 | tr '\n' '@')
$(info [configure-kmod] Build output for HAS_TEST:)
$(info [configure-kmod] $(subst @,$(newline),$(OUT)))
$(info [configure-kmod] Build system is sane)
all:
	gcc -c $(CURDIR)/main.c -o $(CURDIR)/main.o
MK
	(cd "$W/build" && make -j1) >"$LOG" 2>&1 && false
	cat "$LOG"
	grep -q 'no_such_header.h' "$LOG"
	classify
	[[ "$output" == "verdict	build/main.c:1:25: error: "*"missing_symbol"* ]]
	# The same checks, and a build that fails without a diagnostic: a fault, not the check's error.
	printf 'all:\n\t@exit 1\n' >>"$W/build/Makefile"
	sed -i '/^all:$/,/main.o$/d' "$W/build/Makefile"
	(cd "$W/build" && make -j1) >"$LOG" 2>&1 && false
	cat "$LOG"
	classify
	[[ "$output" == "fault	"* ]]
	[[ "$output" != *no_such_header* ]]
}
