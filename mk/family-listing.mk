# A distribution whose kernels are given as a listing file (d_FAMILY := listing, d_LISTING :=
# path, in mk/kernels.mk's format): a curated list, or a synthetic one for the benchmarks. It
# has no sources; its listing is the file, sorted.
listing_entries =
listing_source =
listing_TOOLS =
listing_LIST_DEPS = $($(1)_LISTING)
list_listing = cat $($(D)_LISTING)
