/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_ctl_db.c: unit tests of the config store (control/ctl_db.c).
 *
 * Round trip, malformed and missing files, and the atomicity contract: a
 * save leaves no temp file behind and replaces the old file by rename (a
 * reader holding the old file keeps seeing the old content, whole).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ctl-db-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/conf.db", fx->dir);
	*state = fx;
	return 0;
}

/* Remove every file in the fixture directory, then the directory. */
static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char path[512];
	struct dirent *de;
	DIR *d = opendir(fx->dir);

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", fx->dir, de->d_name);
		unlink(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static int
count_files(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_roundtrip(void **state)
{
	struct fixture *fx = *state;
	json_t *doc, *back;
	char err[256] = "";
	struct stat st;

	doc = json_pack("{s:[{s:s, s:i, s:[i,i]}], s:{s:b}}", "bridges", "name", "br0", "aging",
			300, "trunks", 10, 20, "misc", "flag", 1);
	assert_non_null(doc);
	assert_int_equal(ctl_db_save(fx->path, doc, err, sizeof(err)), 0);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	back = ctl_db_load(fx->path, err, sizeof(err));
	assert_non_null(back);
	assert_true(json_equal(doc, back));
	json_decref(back);
	json_decref(doc);
	assert_int_equal(count_files(fx->dir), 1);
}

static void
test_replace_atomically(void **state)
{
	struct fixture *fx = *state;
	json_t *v1, *v2, *back;
	char err[256] = "", buf[256];
	struct stat before, after;
	ssize_t n;
	int fd;

	v1 = json_pack("{s:i}", "version", 1);
	v2 = json_pack("{s:i, s:s}", "version", 2, "extra", "yes");
	assert_int_equal(ctl_db_save(fx->path, v1, err, sizeof(err)), 0);
	assert_int_equal(stat(fx->path, &before), 0);

	/* A reader that opened the old file ... */
	fd = open(fx->path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(ctl_db_save(fx->path, v2, err, sizeof(err)), 0);
	assert_int_equal(stat(fx->path, &after), 0);
	/* ... still reads the whole old version: the file was replaced, not rewritten. */
	assert_true(before.st_ino != after.st_ino);
	n = read(fd, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	close(fd);
	back = json_loads(buf, 0, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, v1));
	json_decref(back);

	back = ctl_db_load(fx->path, err, sizeof(err));
	assert_non_null(back);
	assert_true(json_equal(back, v2));
	json_decref(back);
	/* no temp file is left behind */
	assert_int_equal(count_files(fx->dir), 1);
	json_decref(v1);
	json_decref(v2);
}

static void
test_stale_temp_overwritten(void **state)
{
	struct fixture *fx = *state;
	char tmp[256], err[256] = "";
	json_t *doc = json_object();

	/* A temp file left by a crash of a process with our pid is simply reused. */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", fx->path, (long)getpid());
	write_file(tmp, "garbage that is much longer than the new document");
	assert_int_equal(ctl_db_save(fx->path, doc, err, sizeof(err)), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(count_files(fx->dir), 1);
	json_decref(doc);
}

static void
test_malformed(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "";

	write_file(fx->path, "{\n  \"a\": 1,\n  oops\n}\n");
	errno = 0;
	assert_null(ctl_db_load(fx->path, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, fx->path));
	assert_non_null(strstr(err, ":3:"));	/* line 3 */
	assert_non_null(strstr(err, "oops"));

	write_file(fx->path, "");
	errno = 0;
	assert_null(ctl_db_load(fx->path, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);

	write_file(fx->path, "{\"a\":1}{\"b\":2}");
	errno = 0;
	assert_null(ctl_db_load(fx->path, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);

	write_file(fx->path, "{\"a\":1,\"a\":2}");
	errno = 0;
	assert_null(ctl_db_load(fx->path, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(err, "duplicate"));
}

static void
test_missing(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "", path[256];
	json_t *doc = json_object();

	errno = 0;
	assert_null(ctl_db_load(fx->path, err, sizeof(err)));
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, fx->path));

	/* saving into a missing directory fails cleanly */
	snprintf(path, sizeof(path), "%s/nodir/conf.db", fx->dir);
	assert_int_equal(ctl_db_save(path, doc, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "nodir"));
	assert_int_equal(count_files(fx->dir), 0);

	assert_int_equal(ctl_db_save(NULL, doc, err, sizeof(err)), -EINVAL);
	assert_int_equal(ctl_db_save(fx->path, NULL, err, sizeof(err)), -EINVAL);
	errno = 0;
	assert_null(ctl_db_load(NULL, err, sizeof(err)));
	assert_int_equal(errno, EINVAL);
	json_decref(doc);
}

static void
test_relative_path(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "", cwd[512];
	json_t *doc = json_pack("{s:i}", "x", 1), *back;

	/* A path without '/' syncs "." as its directory. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(fx->dir), 0);
	assert_int_equal(ctl_db_save("rel.db", doc, err, sizeof(err)), 0);
	back = ctl_db_load("rel.db", err, sizeof(err));
	assert_int_equal(chdir(cwd), 0);
	assert_non_null(back);
	assert_true(json_equal(doc, back));
	json_decref(back);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace_atomically, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_temp_overwritten, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_relative_path, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
