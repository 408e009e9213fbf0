/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: arbitrary bytes as a join token. Whatever decodes must encode
 * to a token that decodes to the same configuration.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ham.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        g_autofree char *text = g_strndup((const char *)data, size);
        g_autoptr(HamToken) token = ham_token_decode(text, NULL);
        g_autofree char *again = NULL;

        if (!token)
                return 0;
        again = ham_token_encode(token, NULL);
        if (!again)
                abort(); /* a decoded token is valid, so it encodes */
        g_autoptr(HamToken) token2 = ham_token_decode(again, NULL);
        if (!token2 || !ham_conf_equal(token->conf, token2->conf) ||
            !g_bytes_equal(token->authkey, token2->authkey))
                abort();
        return 0;
}
