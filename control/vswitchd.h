/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vswitchd.h: private to edgeplane-vswitchd: its state, the JSON vocabulary
 * of its configuration (vswitchd_config.c) and its JSON-RPC methods
 * (vswitchd_rpc.c).
 */
#ifndef VSWITCHD_H
#define VSWITCHD_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ctl.h"
#include "dp.h"

/* The daemon. Control thread only. */
struct vsd {
	char db_path[4096];
	char rundir[4096];
	/* Ports from the db that could not be re-created at start-up:
	 * [{"bridge", "port": {...}, "error"}]. Kept so that the db does not
	 * lose them; shown with state "error"; port.del removes them. */
	json_t *failed_ports;
};

/* vswitchd_config.c */
int vsd_check_keys(const json_t *obj, const char *const *keys, const char *extra, char *err,
		   size_t errlen);
/* 0 when set, 1 when absent and optional, -EINVAL otherwise. */
int vsd_get_string(const json_t *obj, const char *key, bool required, char *buf, size_t size,
		   char *err, size_t errlen);
int vsd_get_uint(const json_t *obj, const char *key, bool required, uint64_t min, uint64_t max,
		 uint64_t *out, char *err, size_t errlen);
/* Fill @p cfg from @p obj (port.add params or a db port). With @p update the
 * object changes an existing cfg (type optional, no "bridge"). Validates the
 * result whole. */
int vsd_port_cfg_from_json(const json_t *obj, struct dp_port_cfg *cfg, bool update, char *err,
			   size_t errlen);
json_t *vsd_port_cfg_to_json(const struct dp_port_cfg *cfg);
int vsd_bridge_cfg_from_json(const json_t *obj, struct dp_bridge_cfg *cfg, char *err,
			     size_t errlen);
json_t *vsd_bridge_cfg_to_json(const struct dp_bridge_cfg *cfg);
/* Check a whole db document before anything is applied. */
int vsd_db_validate(const json_t *doc, char *err, size_t errlen);

/* vswitchd_rpc.c */
extern const struct ctl_method vsd_methods[];
/* Re-create bridges and ports from the db file; 0 or -errno. */
int vsd_restore(struct vsd *vsd, char *err, size_t errlen);

#endif /* VSWITCHD_H */
