/* SPDX-License-Identifier: GPL-2.0-or-later */
/* plastik-unfence-peer: DRBD's after-resync-target handler (see plastik-fence-peer(8)). */
#include "fen.h"

int main(int argc, char **argv)
{
        return fen_main(FEN_MODE_UNFENCE, argc, argv);
}
