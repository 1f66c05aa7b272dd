/* SHA-256 (FIPS 180-4), for pinning downloads and naming cached packages by content. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t state[8];
	uint64_t length;
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *ctx);
void sha256_update(struct sha256 *ctx, const void *data, size_t len);
void sha256_final(struct sha256 *ctx, unsigned char digest[32]);
/* Finishes ctx and writes the digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256 *ctx, char hex[65]);

#endif
