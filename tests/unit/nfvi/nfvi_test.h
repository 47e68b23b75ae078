/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_test.h: helpers of the nfvi-agent unit tests: fake sysfs trees built
 * by mk-sysfs.py in a private temp directory, removed at the end.
 */
#ifndef NFVI_TEST_H
#define NFVI_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfvi.h"

/* Build a tree with mk-sysfs.py ARGS under a new temp dir; returns "<dir>/sys" in sys. */
static inline void
mk_tree(const char *args, char *dir, size_t dsize, char *sys, size_t ssize)
{
	char cmd[2048];

	snprintf(dir, dsize, "/tmp/nfvi-unit.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(cmd, sizeof(cmd), "python3 %s %s/root %s", MK_SYSFS, dir, args);
	if (system(cmd) != 0)
		abort();
	snprintf(sys, ssize, "%s/root/sys", dir);
}

static inline void
rm_tree(const char *dir)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		abort();
}

#endif /* NFVI_TEST_H */
