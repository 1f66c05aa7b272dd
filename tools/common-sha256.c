/* SHA-256 by libcrypto's EVP interface (see common.h). */
#include "common.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>

static void to_hex(const unsigned char d[32], char hex[SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = 0;
}

/* libcrypto fails here only when it cannot run at all (no memory, no default provider): no
 * hash could be trusted then, so there is nothing to go on with. */
static _Noreturn void crypto_failed(void)
{
	unsigned long e = ERR_get_error();
	die("SHA-256: %s", e ? ERR_error_string(e, NULL) : "libcrypto failed");
}

void sha256_buffer(const void *data, size_t len, char hex[SHA256_HEX_SIZE])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned n = 0;
	if (!EVP_Digest(data, len, d, &n, EVP_sha256(), NULL) || n != 32)
		crypto_failed();
	to_hex(d, hex);
}

int sha256_stream(FILE *f, char hex[SHA256_HEX_SIZE], unsigned long long *size)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		crypto_failed();
	unsigned char buf[1 << 16];
	unsigned long long total = 0;
	size_t n;
	errno = 0;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (!EVP_DigestUpdate(ctx, buf, n))
			crypto_failed();
		total += n;
	}
	int rc = 0;
	if (ferror(f)) {
		rc = -1;
		if (!errno)
			errno = EIO;
	} else {
		unsigned char d[EVP_MAX_MD_SIZE];
		unsigned dn = 0;
		if (!EVP_DigestFinal_ex(ctx, d, &dn) || dn != 32)
			crypto_failed();
		to_hex(d, hex);
		if (size)
			*size = total;
	}
	EVP_MD_CTX_free(ctx);
	return rc;
}

int sha256_file(const char *path, char hex[SHA256_HEX_SIZE], unsigned long long *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	int rc = sha256_stream(f, hex, size);
	int saved = errno;
	fclose(f);
	errno = saved;
	return rc;
}
