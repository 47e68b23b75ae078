/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl_db.c: the config store, one JSON document in one file.
 *
 * Saving never leaves a half-written file behind: the document goes to a
 * temp file in the same directory (so rename() stays within one file
 * system), which is fsync'ed and renamed over the old one; the directory is
 * then fsync'ed so the rename itself survives a power cut. A restarted
 * vswitchd therefore sees either the previous or the new config.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctl.h"

json_t *
ctl_db_load(const char *path, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *doc;
	FILE *f;
	int saved;

	if (path == NULL) {
		snprintf(err, errlen, "no config path");
		errno = EINVAL;
		return NULL;
	}
	f = fopen(path, "re");
	if (f == NULL) {
		saved = errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(saved));
		errno = saved;
		return NULL;
	}
	doc = json_loadf(f, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		saved = ferror(f) ? EIO : EINVAL;
		if (saved == EIO)
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(EIO));
		else
			snprintf(err, errlen, "%s:%d:%d: %s", path, jerr.line, jerr.column,
				 jerr.text);
		fclose(f);
		errno = saved;
		return NULL;
	}
	fclose(f);
	return doc;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* fsync the directory holding @path, so that a rename in it is durable. */
static int
sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	size_t len;
	int fd, ret = 0;

	if (slash == NULL) {
		strcpy(dir, ".");
	} else {
		len = slash == path ? 1 : (size_t)(slash - path);
		if (len >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, len);
		dir[len] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0 && errno != EINVAL)	/* EINVAL: the fs cannot sync dirs */
		ret = -errno;
	close(fd);
	return ret;
}

int
ctl_db_save(const char *path, const json_t *doc, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	char *text = NULL;
	const char *step;
	int fd = -1, ret;

	if (path == NULL || doc == NULL) {
		snprintf(err, errlen, "no config path or document");
		return -EINVAL;
	}
	ret = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if (ret < 0 || (size_t)ret >= sizeof(tmp)) {
		snprintf(err, errlen, "config path too long: %s", path);
		return -ENAMETOOLONG;
	}
	text = json_dumps(doc, JSON_INDENT(2));
	if (text == NULL) {
		snprintf(err, errlen, "cannot encode the config as JSON");
		return -EINVAL;
	}

	step = "create";
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		ret = -errno;
		goto err_free_text;
	}
	step = "write";
	/* open()'s mode is filtered by the umask; the store's mode is not. */
	if (fchmod(fd, 0640) < 0) {
		ret = -errno;
		goto err_unlink;
	}
	ret = write_all(fd, text, strlen(text));
	if (ret == 0)
		ret = write_all(fd, "\n", 1);
	if (ret < 0)
		goto err_unlink;
	step = "sync";
	if (fsync(fd) < 0) {
		ret = -errno;
		goto err_unlink;
	}
	step = "close";
	ret = close(fd) < 0 ? -errno : 0;
	fd = -1;
	if (ret < 0)
		goto err_unlink;
	step = "rename";
	if (rename(tmp, path) < 0) {
		ret = -errno;
		goto err_unlink;
	}
	free(text);
	ret = sync_dir(path);
	if (ret < 0)
		snprintf(err, errlen, "cannot sync the directory of %s: %s", path,
			 strerror(-ret));
	return ret;

err_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
err_free_text:
	free(text);
	snprintf(err, errlen, "cannot %s %s: %s", step, tmp, strerror(-ret));
	return ret;
}
