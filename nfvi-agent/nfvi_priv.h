/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvi_priv.h: helpers shared by the nfvi-agent sources and nothing else:
 * the log macro (syslog levels on stderr), error-message formatting and
 * small file helpers used to read sysfs.
 */
#ifndef NFVI_PRIV_H
#define NFVI_PRIV_H

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "nfvi.h"

/** Current log threshold (syslog level); messages above it are dropped. */
extern int nfvi_log_level;

void nfvi_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define NFVI_LOG(level, ...) \
	do { \
		if ((level) <= nfvi_log_level) \
			nfvi_log((level), __VA_ARGS__); \
	} while (0)

/** snprintf into err (when not NULL) and return @p ret, for `return seterr(...)`. */
int nfvi_seterr(int ret, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/**
 * Read the small file "<dir>/<name>" into @p buf, without a trailing newline.
 * @return 0, -ENOSPC when it does not fit, or -errno of open()/read().
 */
int nfvi_read_str(const char *dir, const char *name, char *buf, size_t size);

/** Read a decimal integer file. @return 0, -EINVAL, or as nfvi_read_str(). */
int nfvi_read_long(const char *dir, const char *name, long *val);

/**
 * Write @p s to the existing file @p path (O_WRONLY|O_TRUNC, no O_CREAT: a
 * sysfs attribute). @return 0 or -errno.
 */
int nfvi_write_str(const char *path, const char *s);

/** The string member @p key of @p o (borrowed), or "" when it is missing or not a string. */
static inline const char *
nfvi_jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/** "xx:xx:xx:xx:xx:xx" (any case) -> bytes. @return 0 or -EINVAL. */
int nfvi_mac_parse(const char *s, uint8_t mac[6]);

/** Bytes -> "xx:xx:xx:xx:xx:xx". */
void nfvi_mac_format(const uint8_t mac[6], char out[NFVI_MAC_SIZE]);

/* ---------------------------------------------------------------------- */
/* The agent (nfvi_agent.c) and the guest lifecycle (nfvi_lifecycle.c)     */

#define NFVI_MAX_HTTP_CODES 32

/** The agent's state; used by its one event-loop thread only. */
struct nfvi_agent {
	struct nfvi_config cfg;
	struct nfvi_inventory *inv;
	struct nfvi_journal *journal;
	json_t *vnfs;				/**< name -> record */
	const struct nfvi_vf_ops *vf_ops;
	void *vf_ctx;
	struct nfvi_vf_nl nl;			/**< context when vf_backend is netlink */
	struct nfvi_vf_fake fake;		/**< context when vf_backend is fake */
	const struct nfvi_hv_ops *hv_ops;	/**< NULL when vm_backend is "none" */
	void *hv_ctx;
	struct nfvi_libvirt *lv;		/**< owned; hv_ctx when vm_backend is libvirt */
	int kvm;				/**< -1 not probed yet, 0 TCG, 1 KVM */
	json_t *drift;				/**< name -> [what reconciliation found] */
	unsigned long crash_at;			/**< EDGEPLANE_AGENT_CRASH_AT, 0 = off */
	unsigned long crash_step;
	uint64_t ops[2][5];			/**< [create|delete][result] */
	uint64_t actions[4][2];			/**< [start|stop|snapshot|migrate][ok|error] */
	unsigned int n_http;
	struct {
		unsigned int code;
		uint64_t count;
	} http[NFVI_MAX_HTTP_CODES];
};

/**
 * The create path up to the guest: validate the descriptor @p json, refuse a
 * taken name, place, build the record (its "id" and "accel" are @p id and
 * @p accel when not NULL: an incoming migration keeps the source's), journal
 * it "allocating" and run nfvi_lc_apply() (with the guest steps when
 * @p guest). Any failure is rolled back. On success *result is a new
 * reference to the record, still "allocating" (the caller journals what it
 * becomes), and @p d / @p pl are its descriptor and placement.
 */
int nfvi_agent_admit(struct nfvi_agent *a, const json_t *json, const char *id, const char *accel,
		     bool guest, json_t **result, struct nfvi_vnf_desc *d,
		     struct nfvi_placement *pl, char *err, size_t errlen);
/** Undo a create that failed for @p why, drop its record (kept "releasing" if the undo fails). */
void nfvi_agent_rollback(struct nfvi_agent *a, json_t *rec, const struct nfvi_placement *pl,
			 const char *why);
/** A numbered crash point: _exit(86) when it is the EDGEPLANE_AGENT_CRASH_AT'th. */
void nfvi_agent_crash_point(struct nfvi_agent *a, const char *what);
/** Set @p rec's state, journal it (fsync) and keep it in memory. */
int nfvi_agent_put_state(struct nfvi_agent *a, json_t *rec, const char *state);
/** Configure and bind every VF of @p pl. */
int nfvi_agent_vfs_apply(struct nfvi_agent *a, const struct nfvi_vnf_desc *d,
			 const struct nfvi_placement *pl, bool crash_points, char *err,
			 size_t errlen);
/** Unbind and reset every VF of @p pl (idempotent); the first error. */
int nfvi_agent_vfs_undo(struct nfvi_agent *a, const struct nfvi_placement *pl, bool crash_points,
			char *err, size_t errlen);
/** The locally administered MAC derived from a VNF name and NIC index. */
void nfvi_default_mac(const char *name, int nic, uint8_t mac[6]);

/* vswitchd JSON-RPC (nfvi_vsw.c); all return 0 or -errno with err. */
int nfvi_vsw_port_list(const char *sock, json_t **ports, char *err, size_t errlen);
/** port.add type vhost-user-client (access VLAN when @p vlan); EEXIST with our path is 0. */
int nfvi_vsw_port_add(const char *sock, const char *bridge, const char *name, const char *path,
		      unsigned int vlan, unsigned int queues, char *err, size_t errlen);
/** port.del, only when the port has socket @p path; 0 when it is gone already. */
int nfvi_vsw_port_del(const char *sock, const char *name, const char *path, char *err,
		      size_t errlen);
int nfvi_vsw_port_stats(const char *sock, json_t **stats, char *err, size_t errlen);

/**
 * Add the guest fields to a new record before its first journal write:
 * "id" (UUID, also the domain's; @p id when not NULL, else a new one),
 * "domain", "accel" (@p accel when not NULL, else what this host uses; -EINVAL
 * for "kvm" on a TCG host), "desired" and "ports"
 * ([{nic, name, bridge, path, vlan, queues}]). No-op without a hypervisor.
 */
int nfvi_lc_prepare(struct nfvi_agent *a, json_t *rec, const struct nfvi_vnf_desc *d,
		    const char *id, const char *accel, char *err, size_t errlen);
/**
 * The create side effects in order (ports, VFs, and with @p guest define and
 * start), each step journaled.
 */
int nfvi_lc_apply(struct nfvi_agent *a, json_t *rec, const struct nfvi_vnf_desc *d,
		  const struct nfvi_placement *pl, bool guest, char *err, size_t errlen);
/** The domain XML of @p rec on this host (nfvi_domain_xml()); malloc'd, or NULL with errno. */
char *nfvi_lc_domain_xml(struct nfvi_agent *a, const json_t *rec, const struct nfvi_vnf_desc *d,
			 const struct nfvi_placement *pl, char *err, size_t errlen);
/** Undo everything a record may have made (domain, VFs, ports); idempotent; first error. */
int nfvi_lc_undo(struct nfvi_agent *a, json_t *rec, const struct nfvi_placement *pl,
		 bool crash_points, char *err, size_t errlen);
/** Restart of an allocated VNF: re-apply VFs, re-add missing ports, note drift. */
void nfvi_lc_reconcile(struct nfvi_agent *a, json_t *rec, const struct nfvi_vnf_desc *d,
		       const struct nfvi_placement *pl);
/** Remove domains and vswitchd ports of the agent that no record owns. */
void nfvi_lc_sweep(struct nfvi_agent *a);
/** POST /v1/vnfs/NAME/actions. */
int nfvi_lc_action(struct nfvi_agent *a, json_t *rec, const char *action, const json_t *body,
		   json_t **result, char *err, size_t errlen);
/* Live migration between agents (nfvi_migrate.c). */
/**
 * Restart of an "incoming" record: "allocated" when its domain runs here
 * (adopted and journaled), "incoming" when it is paused (the migration in
 * flight) or libvirt does not answer, "releasing" (roll it back) otherwise.
 */
const char *nfvi_mig_recover(struct nfvi_agent *a, json_t *rec);
/**
 * The source side with "target_agent": prepare on the target agent, migrate
 * with the XML it answered (QEMU's stream to @p migrate_uri when not NULL),
 * then finish it (or abort it while the guest is still here). The caller
 * releases the source's resources on success.
 */
int nfvi_mig_via_agent(struct nfvi_agent *a, json_t *rec, const char *uri,
		       const char *migrate_uri, const json_t *target, const json_t *token,
		       json_t **result, char *err, size_t errlen);
/** A copy of @p rec with the live view: "vm", "ports" (with counters), "drift". */
json_t *nfvi_lc_live(struct nfvi_agent *a, json_t *rec);
/** Per-VNF Prometheus series. */
void nfvi_lc_metrics(struct nfvi_agent *a, FILE *f);

#endif /* NFVI_PRIV_H */
