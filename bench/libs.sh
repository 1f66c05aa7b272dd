# Sourced by the benchmarks that build upstream drivers: LIBS_ARCHIVES, or the falcosecurity/libs
# archives of ../shared/libs (FP_LIBS_DIR) served on 127.0.0.1 for the script's lifetime.
libs=${FP_LIBS_DIR:-$top/../shared/libs}
if [ -z "${LIBS_ARCHIVES:-}" ]; then
	[ -f "$libs/9.1.0+driver.tar.gz" ] || { echo "no LIBS_ARCHIVES and no archives in $libs" >&2; exit 1; }
	python3 -m http.server --bind 127.0.0.1 --directory "$libs" 0 >"$w.http.log" 2>&1 &
	libs_server=$!
	trap 'kill $libs_server' EXIT
	for _ in $(seq 50); do grep -q 'port [0-9]' "$w.http.log" && break; sleep 0.1; done
	LIBS_ARCHIVES=http://127.0.0.1:$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$w.http.log" | head -n 1)
fi
