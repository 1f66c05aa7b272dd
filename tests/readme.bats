#!/usr/bin/env bats
# README.md as a test: its main job, run as a user runs it. The commands come from README.md's
# blocks marked `<!-- readme.bats -->`, so that the two cannot drift; they run in a fresh copy
# of the working tree (what `git clone` gives: no build/, cache/ or dist/), with no directory
# setting and the default WORK_DIR. This machine reaches only its apt's Debian mirror, so, as
# README says for such a host, MIRRORS_FROM_APT=1 is added, and LIBS_ARCHIVES names the
# falcosecurity/libs archives of ../shared/libs (FP_LIBS_DIR) served on 127.0.0.1.
#
# A SHARD of the Debian kernels is chosen that gives 4 to 8 real outputs of both kinds, with a
# Debian 13 module (built by Debian 13's gcc-14, from a compiler root) among them.

setup_file() {
	export TOP=${FP_TOP:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
	export LIBS=${FP_LIBS_DIR:-$TOP/../shared/libs} SKIP=
	if [ ! -f "$LIBS/9.1.0+driver.tar.gz" ] || [ ! -f "$LIBS/10.2.0+driver.tar.gz" ]; then
		export SKIP="no falcosecurity/libs archives at $LIBS (FP_LIBS_DIR)"
		return 0
	fi
	if [ -z "$(sh "$TOP/mk/apt-mirror.sh" '^(bookworm|trixie)$')" ]; then
		export SKIP="this machine's apt sources name no Debian mirror"
		return 0
	fi
	# shellcheck source=lib/common.bash
	source "$TOP/tests/lib/common.bash"
	fp_http_start "$LIBS"
	export LIBS_URL=$FP_HTTP_URL
	# The copy: every file git has or would add, and nothing make wrote.
	export C=$BATS_FILE_TMPDIR/falco-probes
	mkdir -p "$C"
	if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
			tar --null -T - -cf -) | tar -C "$C" -xf -
	else
		# A tree that is no git checkout (the mutation campaign's copy): all but make's.
		tar -C "$TOP" --exclude=./.git --exclude=./build --exclude=./cache -cf - . | tar -C "$C" -xf -
		find "$C/dist" "$C/kernels" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	fi
	[ ! -e "$C/build" ] && [ ! -e "$C/cache" ]
	# README's commands, one a line, from its marked blocks (their comments left out).
	awk '/^<!-- readme.bats/ { marked = 1; next } marked && /^```/ { inside = !inside; if (!inside) marked = 0; next }
		inside { sub(/[ \t]+# .*$/, ""); print }' "$TOP/README.md" >"$BATS_FILE_TMPDIR/commands"
	export CMDS=$BATS_FILE_TMPDIR/commands
	# The main job's command, and a shard of the kernels for it.
	main=$(readme_command '^make -j\$\(nproc\) debian MIRRORS_FROM_APT=1 LIBS_ARCHIVES=')
	(cd "$C" && make -s list-debian MIRRORS_FROM_APT=1 >"$BATS_FILE_TMPDIR/all.list") ||
		{ echo "# make list-debian failed" >&3; return 1; }
	# Shards of about six outputs each.
	local total n i found=
	total=$(wc -l <"$BATS_FILE_TMPDIR/all.list")
	n=$((total / 6 > 1 ? total / 6 : 1))
	for i in $(seq 1 "$n"); do
		(cd "$C" && make -s list-debian MIRRORS_FROM_APT=1 REFRESH=0 SHARD="$i/$n") >"$BATS_FILE_TMPDIR/shard.list"
		local count
		count=$(wc -l <"$BATS_FILE_TMPDIR/shard.list")
		[ "$count" -ge 4 ] && [ "$count" -le 8 ] || continue
		grep -q '\.o$' "$BATS_FILE_TMPDIR/shard.list" || continue
		grep -q '\.ko$' "$BATS_FILE_TMPDIR/shard.list" || continue
		# A Debian 13 kernel with a module to build (the tables name each output's kernel).
		grep '\.ko$' "$BATS_FILE_TMPDIR/shard.list" | sed 's|^dist/||' |
			awk -F'\t' 'NR == FNR { want[$1]; next } ($1 in want) && $2 ~ /^debian-13_/' - "$C"/kernels/*/debian.outputs |
			grep -q . || continue
		shard_served "$BATS_FILE_TMPDIR/shard.list" || continue
		found=$i
		break
	done
	[ -n "$found" ] || { echo "# no shard of $n gives 4 to 8 outputs with a Debian 13 module" >&3; return 1; }
	export THE_SHARD=$found/$n MAIN=$main
	cp "$BATS_FILE_TMPDIR/shard.list" "$BATS_FILE_TMPDIR/shard.$found"
	export SHARD_LIST=$BATS_FILE_TMPDIR/shard.$found
}

# shard_served LIST: whether the mirror serves every package of the kernels of LIST's outputs.
# This host's Debian mirror lacks files that its bullseye-security index names: a build that
# needs one fails as a fault, as it must (tests/no-verdict.bats), and the main job's test needs a
# shard whose packages are there.
shard_served() {
	local urls u v
	urls=$(sed 's|^dist/||' "$1" | awk -F'\t' 'NR == FNR { want[$1]; next } ($1 in want) { print $2 }' - "$C"/kernels/*/debian.outputs |
		awk -F'\t' 'NR == FNR { want[$1]; next } ($1 in want) { print $7 }' - "$C/kernels/debian.kernels" |
		tr ' ' '\n' | cut -d'|' -f1 | sort -u)
	[ -n "$urls" ] || return 1
	for v in $(echo "$urls" | grep -o '\$(MIRROR_[a-z_]*)' | sort -u); do
		v=${v#\$(}
		v=${v%)}
		urls=${urls//"\$($v)"/$(cd "$C" && make -s MIRRORS_FROM_APT=1 "print-$v")}
	done
	for u in $urls; do
		curl -sfI -o /dev/null "$u" || { echo "# $u: not on the mirror; another shard" >&3; return 1; }
	done
}

teardown_file() {
	[ -z "${SKIP:-}" ] || return 0
	# shellcheck source=lib/common.bash
	source "$TOP/tests/lib/common.bash"
	fp_http_stop_all
}

setup() {
	[ -z "$SKIP" ] || skip "$SKIP"
}

# readme_command REGEX: the one command of README's marked blocks that matches REGEX.
readme_command() {
	local found
	found=$(grep -E -- "$1" "$CMDS")
	[ "$(printf '%s\n' "$found" | grep -c .)" -eq 1 ] || {
		echo "README.md's marked blocks have no one command matching $1:" >&2
		cat "$CMDS" >&2
		return 1
	}
	printf '%s\n' "$found"
}

# in_copy COMMAND...: COMMAND as a shell line, in the copy, timed.
in_copy() {
	run bash -c "cd '$C' && time ($*)"
	echo "# $*"
	echo "$output"
}

@test "readme: the set-up is the two commands .ci/run runs" {
	run readme_command '^sudo apt-get update$'
	[ "$status" -eq 0 ]
	install=$(readme_command "^grep -v '\^#' mk/packages.txt \| xargs sudo apt-get install")
	grep -qx '\$sudo apt-get update' "$TOP/.ci/run"
	grep -qxF "${install//sudo/\$sudo}" "$TOP/.ci/run"
	grep -qx 'make check' "$TOP/.ci/run"
}

@test "readme: the main job builds real drivers of both kinds from a fresh copy with default directories" {
	echo "# $MAIN, SHARD=$THE_SHARD: $(tr '\n' ' ' <"$SHARD_LIST")"
	in_copy "${MAIN/http:\/\/your-mirror\/falcosecurity\/libs\/archive/$LIBS_URL} SHARD=$THE_SHARD"
	[ "$status" -eq 0 ]
	n=$(wc -l <"$SHARD_LIST")
	echo "$output" | grep -Eq "^debian: [0-9]+ outputs: $n built, 0 up to date, 0 failed(;|$)"
	# Every output of the shard, where make list-debian said it would be.
	while read -r p; do
		[ -s "$C/$p" ]
	done <"$SHARD_LIST"
	[ "$(find "$C/dist" -name 'falco_*' -type f | wc -l)" -eq "$n" ]
	# The modules are for their kernels; one of Debian 13 was built in a root of its gcc-14.
	rooted=0
	for rec in $(find "$C/build/records" -name '*.ko.rec'); do
		r=$(sed -n 's/^uname_r=//p' "$rec")
		ko=$C/dist/$(sed -n 's/^probe=//p' "$rec")
		[[ "$(modinfo -F vermagic "$ko")" == "$r "* ]]
		[ "$(modinfo -F name "$ko")" = falco ]
		if ! grep -qx 'toolchain_root=-' "$rec"; then
			grep -Eq '^kernel_compiler=((x86_64|aarch64)-linux-gnu-)?gcc-14 ' "$rec"
			grep -Eq '^compiler=(aarch64-linux-gnu-)?gcc-14 ' "$rec"
			rooted=1
		fi
	done
	[ "$rooted" = 1 ]
	# The probes are eBPF objects.
	for o in $(grep '\.o$' "$SHARD_LIST"); do
		file "$C/$o" | grep -q 'ELF 64-bit LSB relocatable, eBPF'
	done
	# Nothing failed, so nothing is recorded against any kernel.
	[ -z "$(find "$C/build/verdicts" -type f ! -name .changed 2>/dev/null)" ]
	# The work trees are gone with the run.
	[ -z "$(ls -A "/dev/shm/falco-probes-$(id -u)/$(echo "$C/build" | sha256sum | cut -c1-12)" 2>/dev/null)" ]
}

@test "readme: the same command again builds, downloads and retries nothing" {
	[ -n "$(find "$C/dist" -name 'falco_*' -type f)" ] || skip "the main job built nothing"
	in_copy "${MAIN/http:\/\/your-mirror\/falcosecurity\/libs\/archive/$LIBS_URL} SHARD=$THE_SHARD"
	[ "$status" -eq 0 ]
	n=$(wc -l <"$SHARD_LIST")
	echo "$output" | grep -Eq "^debian: [0-9]+ outputs: 0 built, $n up to date, 0 failed(;|$)"
	! echo "$output" | grep -Eq '^  (FETCH|TREE|PROBE|KMOD|DRIVER) ' || false
}

@test "readme: one driver by its path, as README names it" {
	cmd=$(readme_command '^make dist/[^ ]*\.ko$')
	readme_path=${cmd#make }
	# A driver of the same version and kind as README's, for a kernel this mirror lists now and
	# the main job did not build: a Debian 12 module, by this host's gcc-12.
	p=$(grep "^dist/${readme_path#dist/}" "$BATS_FILE_TMPDIR/all.list" ||
		grep -E "^$(dirname "$readme_path")/falco_debian_6\.1\.[0-9]+-[0-9]+-amd64_1\.ko$" "$BATS_FILE_TMPDIR/all.list" |
		grep -vxFf "$SHARD_LIST" | tail -n 1)
	[ -n "$p" ]
	in_copy "${cmd/$readme_path/$p} MIRRORS_FROM_APT=1 LIBS_ARCHIVES=$LIBS_URL"
	[ "$status" -eq 0 ]
	[ -s "$C/$p" ]
	r=$(sed -n 's/^uname_r=//p' "$C/build/records/${p#dist/}.rec")
	[[ "$(modinfo -F vermagic "$C/$p")" == "$r "* ]]
}

@test "readme: list-debian, falco-versions, lookup, repo and summary" {
	cmd=$(readme_command '^make list-debian$')
	in_copy "$cmd MIRRORS_FROM_APT=1 REFRESH=0"
	[ "$status" -eq 0 ]
	# Paths as README shows them (under dist/), every built one among them.
	! echo "$output" | grep '^falco_\|^/.*falco_' || false
	for p in $(find "$C/dist" -name 'falco_*' -type f | sed "s|^$C/||"); do
		echo "$output" | grep -qx "$p"
	done

	cmd=$(readme_command '^make falco-versions$')
	in_copy "$cmd"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^0\.44\.1 \+10\.2\.0+driver '
	echo "$output" | grep -q '^0\.43\.1 \+9\.1\.0+driver '

	# What a host of a kernel the main job built asks for, from the built repository (a path).
	o=$(grep '^dist/9\.1\.0+driver/.*\.o$' "$SHARD_LIST" | head -n 1)
	[ -n "$o" ]
	rec=$C/build/records/${o#dist/}.rec
	r=$(sed -n 's/^uname_r=//p' "$rec")
	kid=$(grep -l "^uname_r=$r\$" "$C"/build/kernels/debian/*.id | head -n 1)
	v=$(sed -n 's/^uname_v=//p' "$kid")
	osrel=$(sed -n 's/^os_release=//p' "$kid")
	cmd=$(readme_command '^make lookup UNAME_R=')
	cmd=$(printf '%s' "$cmd" | sed -e "s|UNAME_R=[^ ]*|UNAME_R=$r|" -e "s|UNAME_V='[^']*'|UNAME_V='$v'|" \
		-e "s|OS_RELEASE=[^ ]*|OS_RELEASE=$osrel|" -e "s|REPO=[^ ]*|REPO=dist|")
	in_copy "$cmd"
	[ "$status" -eq 0 ]
	echo "$output" | grep -E "^0\.43\.1 +bpf +present " | grep -qF "$(basename "$o")"

	cmd=$(readme_command '^make repo$')
	in_copy "$cmd"
	[ "$status" -eq 0 ]
	[ -s "$C/dist/index.json" ] && [ -s "$C/dist/index.html" ]
	"$C/build/bin/repo-query" paths "$C/dist/index.json" >"$BATS_TEST_TMPDIR/indexed"
	for p in $(find "$C/dist" -name 'falco_*' -type f | sed "s|^$C/dist/||"); do
		grep -qx "$p" "$BATS_TEST_TMPDIR/indexed"
	done

	cmd=$(readme_command '^make summary$')
	in_copy "$cmd"
	[ "$status" -eq 0 ]
	echo "$output" | grep -q '^debian  *debian-13 '
}
