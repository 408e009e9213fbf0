/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fence_plastik: a fence agent around another, for the fence race (see fence_plastik(8)). */
#include "fen.h"

int main(int argc, char **argv)
{
        return fen_agent_main(argc, argv);
}
