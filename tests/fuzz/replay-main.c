/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs a libFuzzer target over every file of the corpus directories (or
 * files) given as arguments, so the corpus is a regression suite in builds
 * without libFuzzer. Fails when nothing was run: an empty corpus would
 * otherwise pass silently.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int compare_paths(gconstpointer a, gconstpointer b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static gboolean run_file(const char *path, int *count)
{
        g_autoptr(GError) error = NULL;
        g_autofree char *data = NULL;
        gsize len;

        if (!g_file_get_contents(path, &data, &len, &error)) {
                fprintf(stderr, "replay: %s\n", error->message);
                return FALSE;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        (*count)++;
        return TRUE;
}

int main(int argc, char **argv)
{
        int count = 0;

        for (int i = 1; i < argc; i++) {
                g_autoptr(GDir) dir = NULL;
                g_autoptr(GPtrArray) names = NULL;
                const char *name;

                if (!g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
                        if (!run_file(argv[i], &count))
                                return 1;
                        continue;
                }
                dir = g_dir_open(argv[i], 0, NULL);
                if (!dir) {
                        fprintf(stderr, "replay: cannot open %s\n", argv[i]);
                        return 1;
                }
                /* Sorted, so a failure reproduces in the same order. */
                names = g_ptr_array_new_with_free_func(g_free);
                while ((name = g_dir_read_name(dir)))
                        if (name[0] != '.')
                                g_ptr_array_add(names, g_build_filename(argv[i], name, NULL));
                g_ptr_array_sort(names, compare_paths);
                for (guint j = 0; j < names->len; j++) {
                        const char *path = names->pdata[j];
                        if (g_file_test(path, G_FILE_TEST_IS_REGULAR) &&
                            !run_file(path, &count))
                                return 1;
                }
        }
        if (count == 0) {
                fprintf(stderr, "replay: no inputs found\n");
                return 1;
        }
        printf("replay: %d inputs ran\n", count);
        return 0;
}
