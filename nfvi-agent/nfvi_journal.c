/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_journal.c: the agent's crash-safe journal.
 *
 * One JSON record per line, appended with a single write() and fsync()ed
 * before the caller goes on to any side effect. Replaying the lines in
 * order gives the state; a torn last line (a write the agent never saw
 * return) is dropped. Opening the journal compacts it: the replayed state
 * is written to a temp file, fsynced, renamed over the journal and the
 * directory fsynced, so the file never grows past one line per live VNF
 * plus the records of one run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfvi_priv.h"

struct nfvi_journal {
	int fd;			/* O_APPEND journal file */
	char path[PATH_MAX];
};

static int
write_all(int fd, const char *buf, size_t size)
{
	while (size > 0) {
		ssize_t n = write(fd, buf, size);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		size -= (size_t)n;
	}
	return 0;
}

/* Apply one record to @p state. */
static int
apply(json_t *state, const json_t *rec)
{
	const char *op = json_string_value(json_object_get(rec, "op"));
	json_t *vnf = json_object_get(rec, "vnf");
	const char *name;

	if (op == NULL)
		return -EINVAL;
	if (strcmp(op, "put") == 0) {
		name = json_string_value(json_object_get(vnf, "name"));
		if (name == NULL)
			return -EINVAL;
		return json_object_set(state, name, vnf) == 0 ? 0 : -ENOMEM;
	}
	if (strcmp(op, "del") == 0) {
		name = json_string_value(json_object_get(rec, "name"));
		if (name == NULL)
			return -EINVAL;
		json_object_del(state, name);
		return 0;
	}
	return -EINVAL;
}

static int
replay(const char *path, json_t *state, char *err, size_t errlen)
{
	char *buf = NULL, *line, *nl;
	size_t size = 0, cap = 0;
	unsigned int lineno = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : nfvi_seterr(-errno, err, errlen, "%s: %s", path,
							 strerror(errno));
	for (;;) {
		ssize_t n;

		if (size + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap ? 2 * cap : 65536);

			if (nb == NULL) {
				ret = nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
				goto out_close;
			}
			buf = nb;
			cap = cap ? 2 * cap : 65536;
		}
		n = read(fd, buf + size, cap - size - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = nfvi_seterr(-errno, err, errlen, "%s: %s", path, strerror(errno));
			goto out_close;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	if (buf == NULL)
		goto out_close;
	buf[size] = '\0';
	for (line = buf; *line != '\0'; line = nl + 1) {
		json_error_t jerr;
		json_t *rec;

		lineno++;
		nl = strchr(line, '\n');
		if (nl == NULL) {
			NFVI_LOG(LOG_WARNING, "%s:%u: torn last record dropped", path, lineno);
			break;
		}
		*nl = '\0';
		rec = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
		if (rec == NULL || apply(state, rec) < 0) {
			json_decref(rec);
			if (nl[1] == '\0') {
				NFVI_LOG(LOG_WARNING, "%s:%u: bad last record dropped", path, lineno);
				break;
			}
			ret = nfvi_seterr(-EINVAL, err, errlen, "%s:%u: malformed journal record",
					  path, lineno);
			goto out_close;
		}
		json_decref(rec);
	}
out_close:
	free(buf);
	close(fd);
	return ret;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static char *
record_line(const char *op, const char *key, json_t *val)
{
	json_t *rec = json_pack("{s:s, s:O}", "op", op, key, val);
	char *s, *line;
	size_t len;

	if (rec == NULL)
		return NULL;
	s = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(rec);
	if (s == NULL)
		return NULL;
	len = strlen(s);
	line = realloc(s, len + 2);
	if (line == NULL) {
		free(s);
		return NULL;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	return line;
}

/* Write the compacted journal for @p state atomically. */
static int
compact(const char *dir, const char *path, json_t *state, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 32];
	const char *name;
	json_t *vnf;
	int fd, ret = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return nfvi_seterr(-errno, err, errlen, "%s: %s", tmp, strerror(errno));
	json_object_foreach(state, name, vnf) {
		char *line = record_line("put", "vnf", vnf);

		if (line == NULL) {
			ret = -ENOMEM;
			break;
		}
		ret = write_all(fd, line, strlen(line));
		free(line);
		if (ret < 0)
			break;
	}
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret == 0)
		ret = fsync_dir(dir);
	if (ret < 0) {
		unlink(tmp);
		return nfvi_seterr(ret, err, errlen, "%s: %s", path, strerror(-ret));
	}
	return 0;
}

struct nfvi_journal *
nfvi_journal_open(const char *dir, json_t **records, char *err, size_t errlen)
{
	struct nfvi_journal *j;
	json_t *state = NULL;
	int ret;

	*records = NULL;
	j = calloc(1, sizeof(*j));
	if (j == NULL) {
		ret = nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
		goto err_out;
	}
	j->fd = -1;
	ret = snprintf(j->path, sizeof(j->path), "%s/journal", dir);
	if (ret < 0 || (size_t)ret >= sizeof(j->path)) {
		ret = nfvi_seterr(-ENAMETOOLONG, err, errlen, "state dir too long");
		goto err_free_journal;
	}
	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		ret = nfvi_seterr(-errno, err, errlen, "%s: %s", dir, strerror(errno));
		goto err_free_journal;
	}
	state = json_object();
	if (state == NULL) {
		ret = nfvi_seterr(-ENOMEM, err, errlen, "out of memory");
		goto err_free_journal;
	}
	ret = replay(j->path, state, err, errlen);
	if (ret < 0)
		goto err_free_state;
	ret = compact(dir, j->path, state, err, errlen);
	if (ret < 0)
		goto err_free_state;
	j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (j->fd < 0) {
		ret = nfvi_seterr(-errno, err, errlen, "%s: %s", j->path, strerror(errno));
		goto err_free_state;
	}
	*records = state;
	return j;

err_free_state:
	json_decref(state);
err_free_journal:
	free(j);
err_out:
	errno = -ret;
	return NULL;
}

static int
append(struct nfvi_journal *j, char *line)
{
	int ret;

	off_t end;

	if (line == NULL)
		return -ENOMEM;
	end = lseek(j->fd, 0, SEEK_END);
	ret = end < 0 ? -errno : write_all(j->fd, line, strlen(line));
	free(line);
	if (ret == 0 && fdatasync(j->fd) < 0)
		ret = -errno;
	if (ret < 0) {
		NFVI_LOG(LOG_ERR, "%s: %s", j->path, strerror(-ret));
		/* drop a partial line so later records stay parseable */
		if (end >= 0 && ftruncate(j->fd, end) < 0)
			NFVI_LOG(LOG_ERR, "%s: truncate: %s", j->path, strerror(errno));
	}
	return ret;
}

int
nfvi_journal_put(struct nfvi_journal *j, const json_t *vnf)
{
	if (j == NULL || json_string_value(json_object_get(vnf, "name")) == NULL)
		return -EINVAL;
	return append(j, record_line("put", "vnf", (json_t *)vnf));
}

int
nfvi_journal_del(struct nfvi_journal *j, const char *name)
{
	json_t *n;
	int ret;

	if (j == NULL || name == NULL)
		return -EINVAL;
	n = json_string(name);
	if (n == NULL)
		return -ENOMEM;
	ret = append(j, record_line("del", "name", n));
	json_decref(n);
	return ret;
}

void
nfvi_journal_close(struct nfvi_journal *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j);
}
