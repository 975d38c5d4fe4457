/* Accounts: password hashing with libsodium (argon2id) and the user
 * operations that need it. The store only ever sees the hash.
 * SPDX-License-Identifier: AGPL-3.0-or-later */
#include <string.h>

#include <sodium.h>

#include "ilmava/app.h"

_Static_assert(ILM_PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES,
               "ILM_PASSWORD_HASH_MAX must hold libsodium's hash strings");

/* sodium_init is thread-safe and does nothing after the first call, so
 * every entry point calls it instead of relying on one setup call. It
 * fails only without a usable random source. */
static int sodium_ready(ilm_errors *err)
{
    if (sodium_init() < 0) {
        ilm_errors_add(err, "libsodium could not be initialised (no random source?)");
        return ILM_EINTERNAL;
    }
    return 0;
}

int ilm_password_hash(const char *password, char out[ILM_PASSWORD_HASH_MAX], ilm_errors *err)
{
    out[0] = '\0';
    size_t len = password ? strlen(password) : 0;
    if (len < ILM_PASSWORD_MIN || len > ILM_PASSWORD_MAX) {
        ilm_errors_addc(err, ILM_ERR_PASSWORD_LENGTH, "password",
                        "password: %zu bytes; it must be %d to %d", len, ILM_PASSWORD_MIN,
                        ILM_PASSWORD_MAX);
        return ILM_EINVAL;
    }
    int rc = sodium_ready(err);
    if (rc)
        return rc;
    /* argon2id named explicitly, whatever libsodium's default becomes. */
    if (crypto_pwhash_str_alg(out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        out[0] = '\0';
        ilm_errors_add(err, "password: out of memory while hashing");
        return ILM_ENOMEM;
    }
    return 0;
}

bool ilm_password_verify(const char *hash, const char *password)
{
    if (!hash || !password || sodium_ready(NULL))
        return false;
    /* libsodium reads at most crypto_pwhash_STRBYTES of the hash: refuse
     * a longer string rather than let it read an unterminated buffer. */
    if (strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
        return false;
    size_t len = strlen(password);
    if (len > ILM_PASSWORD_MAX)
        return false;
    return crypto_pwhash_str_verify(hash, password, len) == 0;
}

void ilm_password_random(char out[21])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /* Without a random source there is no safe password to give: an empty
     * one is refused by ilm_password_hash. */
    if (sodium_ready(NULL)) {
        out[0] = '\0';
        return;
    }
    for (int i = 0; i < 20; i++)
        out[i] = alphabet[randombytes_uniform((uint32_t)(sizeof alphabet - 1))];
    out[20] = '\0';
}

int ilm_app_user_add(ilm_store *s, const char *email, ilm_role role, const char *const *codes,
                     size_t n_codes, const char *password, int64_t *id, ilm_errors *err)
{
    char hash[ILM_PASSWORD_HASH_MAX];
    int rc = ilm_password_hash(password, hash, err);
    if (!rc)
        rc = ilm_store_user_add(s, email, role, codes, n_codes, hash, id, err);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int ilm_app_user_passwd(ilm_store *s, const char *email, const char *password, ilm_errors *err)
{
    char hash[ILM_PASSWORD_HASH_MAX];
    int rc = ilm_password_hash(password, hash, err);
    if (!rc)
        rc = ilm_store_user_set_password(s, email, hash, err);
    sodium_memzero(hash, sizeof hash);
    return rc;
}
