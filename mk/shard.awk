# Prints the repository paths (whitespace-separated on input) that belong to shard i of n.
# A path's shard depends on the path alone (a polynomial hash of its bytes), so adding or
# removing kernels never moves another kernel's probe to a different shard, and every path is
# in exactly one shard. Run with LC_ALL=C: repository paths are ASCII.
#   awk -v i=I -v n=N -f mk/shard.awk FILE
BEGIN {
	for (c = 1; c < 128; c++)
		ord[sprintf("%c", c)] = c
}
function shard(s,    h, k) {
	h = 0
	# 31 * (2^31 - 1) + 127 stays far below 2^53: exact in awk's doubles.
	for (k = 1; k <= length(s); k++)
		h = (h * 31 + ord[substr(s, k, 1)]) % 2147483647
	return h % n + 1
}
{
	for (f = 1; f <= NF; f++)
		if (shard($f) == i)
			print $f
}
