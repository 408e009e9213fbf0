/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plastik-fence-peer: DRBD's fence-peer handler (see plastik-fence-peer(8)). */
#include "fen.h"

int main(int argc, char **argv)
{
        return fen_main(FEN_MODE_FENCE, argc, argv);
}
